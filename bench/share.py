"""A generated municipal file share of >= 10,000 files in a deep Japanese folder tree.

About 10% of the files are spreadsheets and CSV/TSV of realistic sizes
(mostly 100-5,000 rows, about 1% with 20,000-60,000 rows), 2% are .txt
(a scanned kind too: memos and a few tab-separated exports); the rest are
office files the scanner does not read (.pdf .docx .pptx .jpg .png .msg
.zip .log).  Those are placeholders: right extension, right magic bytes,
realistic size, but sparse (a header then a hole), so they cost no disk and
cannot be parsed.  Logs are real text.  A few spreadsheets are broken on
purpose (truncated xlsx, empty CSV), as on any real share.

The share is cached under ``bench/out/`` by its parameters; a JSON summary
beside it is written last and marks it complete.

    python -m bench.share [--files N] [--seed S]
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
import multiprocessing
import os
import random
import shutil
import time
from pathlib import Path
from typing import NamedTuple

from . import share_content
from .floor import is_candidate
from .xlsx_writer import Sheet, write_xlsx

OUT_DIR = Path(__file__).parent / "out"
SHARE_FILES = 10_000
GENERATOR_VERSION = 1
#: fraction of files per extension (sums to 1)
KIND_MIX = {"xlsx": 0.065, "csv": 0.03, "tsv": 0.005, "txt": 0.02, "pdf": 0.26, "docx": 0.21,
            "jpg": 0.14, "png": 0.05, "pptx": 0.06, "msg": 0.08, "zip": 0.03, "log": 0.05}
#: (min, max) apparent size in bytes of the placeholder and text files, log-uniform
SIZES = {"pdf": (20e3, 3e6), "docx": (15e3, 5e5), "pptx": (5e4, 8e6), "jpg": (8e4, 5e6),
         "png": (5e3, 1.5e6), "msg": (15e3, 2e6), "zip": (1e4, 2e7), "log": (1e3, 2e6), "txt": (300, 2e4)}
DEPARTMENTS = {
    "01_総務局": ["総務課", "人事課", "法制文書課", "情報システム課"],
    "02_財政局": ["財政課", "市民税課", "固定資産税課", "納税課"],
    "03_市民人権局": ["市民協働課", "戸籍住民課", "人権推進課"],
    "04_健康福祉局": ["長寿社会課", "介護保険課", "障害福祉課", "生活福祉課", "国民健康保険課"],
    "05_子ども青少年局": ["子ども家庭課", "幼保運営課"],
    "06_建設局": ["道路計画課", "公園緑地課"],
    "07_教育委員会事務局": ["学校教育課", "学務課", "生涯学習課"],
    "08_選挙管理委員会事務局": ["選挙課"],
    "10_北区役所": ["企画総務課", "市民課", "保険年金課", "地域福祉課"],
    "11_堺区役所": ["企画総務課", "市民課", "保険年金課", "地域福祉課"],
}
YEARS = [f"平成{y}年度" for y in (28, 29, 30)] + ["令和元年度"] + [f"令和{y}年度" for y in range(2, 7)]
TOPICS = ["01_庶務", "02_予算・決算", "03_議会", "04_例規", "05_名簿", "06_申請書類", "07_照会・回答",
          "08_会議資料", "09_写真", "10_契約", "11_統計", "旧ファイル", "バックアップ", "新しいフォルダー"]
SUBTOPICS = ["4月", "5月", "6月", "7月", "9月", "12月", "3月", "提出済", "作業用", "ｺﾋﾟｰ", "案件A", "確定版"]
SUBJECTS = {"roster": ["要介護認定者名簿", "選挙人名簿抄本", "相談受付台帳", "イベント参加者名簿", "住民異動一覧"],
            "budget": ["予算執行管理表", "歳出予算見積書", "決算資料"], "facility": ["施設一覧", "避難所一覧"],
            "stats": ["町丁別人口", "集計表", "年齢別人口"], "attendance": ["出勤簿", "時間外勤務集計"]}
OTHER_NAMES = {"pdf": ["通知", "会議録", "要綱", "パンフレット", "報告書"], "docx": ["起案文書", "通知文", "議事録", "依頼文"],
               "pptx": ["説明資料", "研修資料"], "msg": ["RE_ 照会について", "FW_ 会議のご案内", "提出依頼"],
               "zip": ["送付データ", "様式一式", "過年度分"], "log": ["backup", "batch", "sync"],
               "txt": ["メモ", "readme", "引継ぎ"], "png": ["スクリーンショット"], "jpg": ["DSC", "IMG"]}
SUFFIXES = ["", "", "", "_修正版", "（最新）", " - コピー", "_0412", "_確定", "(2)"]


class FileSpec(NamedTuple):
    """One file to write: where, what, how big, from which seed."""

    relpath: str
    ext: str        # lower-case extension, no dot
    template: str   # table template, "memo", "export", "broken", "placeholder" or "log"
    amount: int     # rows for tables, bytes otherwise
    seed: int
    mtime: float


def share_root(files: int = SHARE_FILES, seed: int = 1, out_dir: Path = OUT_DIR) -> Path:
    return Path(out_dir) / f"share-{files}-seed{seed}-v{GENERATOR_VERSION}"


def _folders(rng: random.Random, wanted: int) -> list[str]:
    """Folder paths 4 to 7 levels deep: 局/課/年度/topic[/sub[/sub]]."""
    folders = []
    while len(folders) < wanted:
        dept = rng.choice(list(DEPARTMENTS))
        parts = [dept, rng.choice(DEPARTMENTS[dept]), rng.choice(YEARS), rng.choice(TOPICS)]
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            parts.append(rng.choice(SUBTOPICS))
        folders.append("/".join(parts))
    return sorted(set(folders))


def _log_uniform(rng: random.Random, low: float, high: float) -> int:
    return int(math.exp(rng.uniform(math.log(low), math.log(high))))


def _table_rows(rng: random.Random) -> int:
    return rng.randrange(20_000, 60_000) if rng.random() < 0.01 else _log_uniform(rng, 100, 5000)


def _spec(rng: random.Random, ext: str, folder: str, taken: set[str], index: int) -> FileSpec:
    seed = rng.randrange(2**32)
    mtime = 1491000000 + rng.randrange(220_000_000)   # 2017-04 .. 2024-03
    written_ext = ext
    if ext in ("xlsx", "csv", "tsv"):
        template = rng.choice(share_content.TABLE_TEMPLATES) if ext == "xlsx" else rng.choice(
            ["roster", "roster", "roster", "stats", "budget"])
        stem = rng.choice(SUBJECTS[template]) + rng.choice(SUFFIXES)
        amount = _table_rows(rng)
        if rng.random() < 0.005:
            template, amount = "broken", 0
        if ext == "csv" and rng.random() < 0.03:
            written_ext = "CSV"
    elif ext == "txt":
        template = "export" if rng.random() < 0.2 else "memo"
        stem = "住民データ" if template == "export" else rng.choice(OTHER_NAMES["txt"])
        amount = _table_rows(rng) if template == "export" else _log_uniform(rng, *SIZES["txt"])
    else:
        template = "log" if ext == "log" else "placeholder"
        stem = rng.choice(OTHER_NAMES[ext])
        if ext in ("jpg", "png", "log"):
            stem += f"_{index:05d}"
        if ext == "jpg" and rng.random() < 0.5:
            written_ext = "JPG"
        amount = _log_uniform(rng, *SIZES[ext])
    name = f"{stem}.{written_ext}"
    n = 2
    while f"{folder}/{name}" in taken:
        name, n = f"{stem} ({n}).{written_ext}", n + 1
    taken.add(f"{folder}/{name}")
    return FileSpec(f"{folder}/{name}", ext, template, amount, seed, mtime)


def plan_share(files: int = SHARE_FILES, seed: int = 1) -> list[FileSpec]:
    """Every file of the share, decided up front from (files, seed) alone."""
    rng = random.Random(seed)
    kinds = [ext for ext, share in KIND_MIX.items() for _ in range(round(share * files))]
    kinds = (kinds + ["pdf"] * files)[:files]
    rng.shuffle(kinds)
    folders = _folders(rng, max(1, files // 10))
    weights = [rng.paretovariate(1.5) for _ in folders]   # some folders hold many files
    taken: set[str] = set()
    chosen = rng.choices(folders, weights=weights, k=files)
    return [_spec(rng, ext, folder, taken, i) for i, (ext, folder) in enumerate(zip(kinds, chosen))]


def _write_delimited(path: Path, spec: FileSpec, rng: random.Random) -> None:
    header, rows = share_content.table(spec.template if spec.template != "export" else "roster",
                                       rng, spec.amount, as_text=True)
    buffer = io.StringIO()
    quoting = csv.QUOTE_ALL if rng.random() < 0.3 else csv.QUOTE_MINIMAL
    writer = csv.writer(buffer, delimiter="," if spec.ext == "csv" else "\t", quoting=quoting, lineterminator="\r\n")
    if rng.random() < 0.85:
        writer.writerow(header)
    writer.writerows(rows)
    encoding = rng.choices(["cp932", "utf-8-sig", "utf-8"], weights=[7, 2, 1])[0]
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))


def _write_workbook(path: Path, spec: FileSpec, rng: random.Random) -> None:
    header, rows = share_content.table(spec.template, rng, spec.amount)
    top = []
    if rng.random() < 0.3:
        top = [[f"{rng.choice(YEARS)}　{rng.choice(SUBJECTS[spec.template])}"], []]
    body = top + [header] + rows
    sheets = [Sheet(rng.choice(["Sheet1", "名簿", "一覧", "データ"]), body, (len(body), len(header)))]
    if rng.random() < 0.15:
        h2, r2 = share_content.table("stats", rng, 40)
        sheets.append(Sheet("集計", [h2] + r2, (41, len(h2))))
    if spec.template == "roster" and rng.random() < 0.1:
        h3, r3 = share_content.table("roster", rng, min(spec.amount, 500))
        sheets.append(Sheet("元データ", [h3] + r3, (len(r3) + 1, len(h3)), state="veryHidden"))
    write_xlsx(path, sheets)


def write_file(root: Path, spec: FileSpec) -> int:
    """Write one planned file under ``root``; return its apparent size in bytes."""
    path = root / spec.relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(spec.seed)
    if spec.template == "broken":
        if spec.ext == "xlsx":
            header, rows = share_content.table("roster", rng, 300)
            write_xlsx(path, [Sheet("Sheet1", [header] + rows, (301, len(header)))])
            data = path.read_bytes()
            path.write_bytes(data[: len(data) // 2])
        else:
            path.write_bytes(b"")
    elif spec.ext == "xlsx":
        _write_workbook(path, spec, rng)
    elif spec.ext in ("csv", "tsv") or spec.template == "export":
        _write_delimited(path, spec._replace(ext="tsv") if spec.template == "export" else spec, rng)
    elif spec.template == "memo":
        path.write_bytes(share_content.memo_text(rng, spec.amount // 2).encode(rng.choice(["cp932", "utf-8"])))
    elif spec.template == "log":
        path.write_bytes(share_content.log_bytes(rng, spec.amount))
    else:
        with open(path, "wb") as f:
            f.write(share_content.MAGIC[spec.ext])
            f.truncate(spec.amount)
    os.utime(path, (spec.mtime, spec.mtime))
    return path.stat().st_size


def _write_batch(args: tuple[str, list[FileSpec]]) -> int:
    root, specs = args
    return sum(write_file(Path(root), spec) for spec in specs)


def summarize(specs: list[FileSpec], total_bytes: int, seconds: float) -> dict:
    by_ext: dict[str, int] = {}
    for s in specs:
        by_ext[s.ext] = by_ext.get(s.ext, 0) + 1
    tables = [s for s in specs if s.ext in ("xlsx", "csv", "tsv") or s.template == "export"]
    return {
        "files": len(specs),
        "candidates": sum(is_candidate(s.relpath) for s in specs),
        "by_extension": dict(sorted(by_ext.items())),
        "tables": len(tables),
        "tables_20000_rows_or_more": sum(s.amount >= 20_000 for s in tables),
        "table_rows_total": sum(s.amount for s in tables),
        "folders": len({s.relpath.rpartition("/")[0] for s in specs}),
        "max_depth": max(s.relpath.count("/") for s in specs),
        "apparent_bytes": total_bytes,
        "generation_s": round(seconds, 1),
    }


def make_share(files: int = SHARE_FILES, seed: int = 1, out_dir: Path = OUT_DIR,
               processes: int | None = None) -> tuple[Path, dict]:
    """Return (root, summary) of the cached share, generating it first when missing."""
    root = share_root(files, seed, out_dir)
    marker = root.with_name(root.name + ".json")
    if marker.exists() and root.is_dir():
        return root, json.loads(marker.read_text(encoding="utf-8"))
    started = time.perf_counter()
    partial = root.with_name(root.name + ".part")
    shutil.rmtree(partial, ignore_errors=True)
    shutil.rmtree(root, ignore_errors=True)
    partial.mkdir(parents=True)
    specs = plan_share(files, seed)
    batches = [(str(partial), specs[i:i + 25]) for i in range(0, len(specs), 25)]
    processes = processes or os.cpu_count() or 1
    if processes > 1:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            total = sum(pool.imap_unordered(_write_batch, batches))
    else:
        total = sum(map(_write_batch, batches))
    os.replace(partial, root)
    summary = summarize(specs, total, time.perf_counter() - started)
    marker.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return root, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=SHARE_FILES)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    root, summary = make_share(args.files, args.seed)
    print(root)
    print(json.dumps(summary, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
