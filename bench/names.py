"""Measure person-name recognisers on labelled values (bench/name_samples.py).

    python -m bench.names            # accuracy per group and cost per 100 values

Each candidate is measured in a process of its own (its load time and the
memory its dictionary adds are its own).  SudachiPy is not a dependency of the
product: ``pip install sudachipy sudachidict-core`` to measure it too.

Candidates: the hand list of common surnames the scanner used before
(``COMMON_SURNAMES`` with the shape rule), UniDic through fugashi
(unidic-lite) and SudachiPy with its core dictionary, both judging a value a
person's name when a morphological analysis covers it with person-name
morphemes (姓 / 名 / 人名-一般).  Romaji is turned into katakana first.
Prints a table; the figures and the choice are kept in docs/benchmarks.md.
"""
from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time

from .name_samples import NAMES, NON_NAMES

HAND_SURNAMES = frozenset("""
佐藤 鈴木 高橋 田中 伊藤 渡辺 渡邊 渡部 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林
斎藤 斉藤 清水 山崎 森 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤
村上 遠藤 青木 坂本 福田 太田 西村 藤井 金子 岡本 藤原 中野 三浦 原田 中川 松田 竹内 小野
""".split())


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class HandList:
    label = "hand list (60 surnames) + shape"

    def is_name(self, value: str) -> bool:
        parts = value.replace("\u3000", " ").split()
        return bool(parts) and parts[0] in HAND_SURNAMES or any(value.startswith(s) for s in HAND_SURNAMES)


class UniDic:
    label = "fugashi + unidic-lite"

    def __init__(self):
        import fugashi
        import jaconv
        self.tagger = fugashi.Tagger()
        self.jaconv = jaconv

    def is_name(self, value: str) -> bool:
        if value.isascii():
            value = self.jaconv.alphabet2kata(value.lower())
        words = [w for w in self.tagger(value) if w.feature.pos1 != "空白"]
        return bool(words) and all(w.feature.pos2 == "固有名詞" and w.feature.pos3 == "人名" for w in words)


class Sudachi:
    label = "SudachiPy + sudachidict-core"

    def __init__(self):
        from sudachipy import Dictionary, SplitMode
        import jaconv
        self.tokenizer = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
        self.jaconv = jaconv

    def is_name(self, value: str) -> bool:
        if value.isascii():
            value = self.jaconv.alphabet2kata(value.lower())
        words = [m.part_of_speech() for m in self.tokenizer.tokenize(value) if m.part_of_speech()[0] != "空白"]
        return bool(words) and all(p[1] == "固有名詞" and p[2] == "人名" for p in words)


class Scanner:
    label = "scanner: UniDic + rules"

    def __init__(self):
        from scanners.detectors.memory import forget
        from scanners.detectors.names import name_shape
        from scanners.detectors.values import prepare
        self.shape = name_shape
        self.prepare = prepare
        self.forget = forget

    def is_name(self, value: str) -> bool:
        self.forget()           # each value costs what it costs the first time in a file
        return self.shape(self.prepare(value)) is not None


def measure(candidate_class) -> dict:
    before = rss_mb()
    started = time.perf_counter()
    candidate = candidate_class()
    load_s = time.perf_counter() - started
    out = {"label": candidate_class.label, "load_s": load_s}
    values = [v for group in (*NAMES.values(), *NON_NAMES.values()) for v in group]
    candidate.is_name(values[0])
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        for v in values:
            candidate.is_name(v)
        timings.append(time.perf_counter() - started)
    out["ms_per_100"] = statistics.median(timings) / len(values) * 100 * 1000
    out["rss_mb"] = rss_mb() - before
    for title, groups, want in (("names", NAMES, True), ("non-names", NON_NAMES, False)):
        for group, vals in groups.items():
            right = sum(candidate.is_name(v) == want for v in vals)
            out[f"{title}: {group}"] = (right, len(vals))
    return out


CANDIDATES = {"hand": HandList, "unidic": UniDic, "sudachi": Sudachi, "scanner": Scanner}


def measure_in_process(name: str) -> dict | None:
    """Measure one candidate in a fresh interpreter; None when its library is not installed."""
    done = subprocess.run([sys.executable, "-m", "bench.names", "--one", name],
                          capture_output=True, text=True)
    if done.returncode != 0:
        return None
    out = json.loads(done.stdout)
    return {k: tuple(v) if isinstance(v, list) else v for k, v in out.items()}


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        try:
            print(json.dumps(measure(CANDIDATES[sys.argv[2]])))
        except ImportError:
            sys.exit(3)
        return
    results = [r for r in map(measure_in_process, CANDIDATES) if r is not None]
    keys = [k for k in results[0] if k != "label"]
    print(f"{'':28}" + "".join(f"{r['label'][:30]:>32}" for r in results))
    for key in keys:
        cells = []
        for r in results:
            v = r[key]
            cells.append(f"{v[0]}/{v[1]} ({v[0] / v[1]:.0%})" if isinstance(v, tuple) else f"{v:.3f}")
        print(f"{key:28}" + "".join(f"{c:>32}" for c in cells))


if __name__ == "__main__":
    main()
