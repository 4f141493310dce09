"""Health conditions as cell values (``scanners/data/conditions.toml``).

A cell names a condition when it holds an ``anywhere`` term (糖尿病, 知的障害,
要介護, 人工透析) that does not begin the name of an organisation (認知症疾患医療
センター) in a cell that does not talk about a program or a credential (糖尿病予防
教室, 認知症ケア専門士), or when it is made of condition terms and qualifiers
alone, which is the only way ``whole`` terms count (身体, 知的・精神, がん).

:func:`condition_column` decides whether a column holds health data: two cells
with an ``anywhere`` term are enough (a 備考 column mentions a condition in a few
rows among blanks and other remarks), ``whole`` words need at least three cells
and half of the column.  Whether the rows are about people is for the table to
say (:mod:`.personal`).  Every term is matched by one compiled expression; nothing
returned holds a value but the cell to be masked as an example.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .headers import normalise_header
from .values import Value

VOCABULARY_PATH = Path(__file__).resolve().parent.parent / "data" / "conditions.toml"

#: cells with an ``anywhere`` term that make a column health data
MIN_CONDITION_CELLS = 2
#: cells made of ``whole`` words alone needed, and their share of the column
MIN_WHOLE_CELLS = 3
WHOLE_CELL_SHARE = 0.5
#: characters of a cell looked at (a long narrative: its beginning)
MAX_CELL_CHARS = 200
#: a cell made of condition words may keep this many other ASCII letters (grades A, B1)
MAX_GRADE_LETTERS = 2

_LIST_KINDS = ("anywhere", "whole")
#: the rest of a compound word: kanji, katakana and middle dots (膠原病・リウマチ科)
_COMPOUND_RUN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々ヶ\u30a1-\u30fc]*?"


def fold(text: str) -> str:
    """Lower case, with 障がい and 障碍 read as 障害 (cells are NFKC already)."""
    return text.lower().replace("障がい", "障害").replace("障碍", "障害")


def fold_term(term: str) -> str:
    """A term of the file as cells are compared: NFKC (ＡＬＳ, ｶﾞﾝ), then :func:`fold`."""
    return fold(unicodedata.normalize("NFKC", term).strip())


def _alternation(terms: list[str]) -> str:
    """One expression matching the longest of the terms; Latin terms match whole words only.

    The terms are laid out as a trie (糖尿病 and 糖尿病性腎症 share one branch) behind a
    look-ahead on their first characters, so that the engine skips in C the positions
    where no term starts and tries a few characters where one may: twenty to a hundred
    times faster than a flat alternation of a few hundred terms.
    """
    terms = sorted(set(terms))
    if not terms:
        return r"(?!)"
    latin = [t for t in terms if t.isascii()]
    other = [t for t in terms if not t.isascii()]
    parts = [_trie(other)] if other else []
    if latin:
        parts.append(rf"(?<![a-z]){_trie(latin)}(?![a-z])")
    first = "".join(sorted({t[0] for t in terms}))
    return f"(?=[{re.escape(first)}])(?:{'|'.join(parts)})"


def _trie(terms: list[str]) -> str:
    root: dict = {}
    for term in terms:
        node = root
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_node(root)


def _trie_node(node: dict) -> str:
    branches = [re.escape(ch) + _trie_node(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


@dataclass(frozen=True)
class ConditionHit:
    """The kind of condition a cell names, and whether an ``anywhere`` term said so."""

    kind: str
    anywhere: bool


class ConditionVocabulary:
    """Condition terms and their context words, compiled once."""

    def __init__(self, table: dict):
        table = dict(table)
        context = table.pop("context")
        self._kind_of: dict[str, str] = {}
        terms: dict[str, list[str]] = {kind: [] for kind in _LIST_KINDS}
        for kind, lists in table.items():
            for list_kind, words in lists.items():
                if list_kind not in _LIST_KINDS:
                    raise ValueError(f"unknown list kind {list_kind!r} in [{kind}]")
                for word in words:
                    self._add(kind, word)
                    terms[list_kind].append(fold_term(word))
        qualifiers = [fold_term(q) for q in context["qualifiers"]]
        self._any_term = re.compile(_alternation(terms["anywhere"] + terms["whole"]))
        # the patterns asked only once a cell names a term are compiled on first use
        # (compiling them all cost every worker 40 ms before its first file)
        self._sources = {
            "_anywhere": _alternation(terms["anywhere"]),
            "_whole_only": _alternation(terms["whole"]),
            "_removable": _alternation(terms["anywhere"] + terms["whole"] + qualifiers) + r"|[\W\d_]+",
            "_program": _alternation([fold_term(w) for w in context["program_words"]]),
            "_organisation": _COMPOUND_RUN + "(?:" + _alternation(
                [fold_term(w) for w in context["organisation_words"]]) + ")",
        }
        self.none_texts = frozenset(fold_term(w) for w in context["none"])
        self.remark_headers = frozenset(normalise_header(h) for h in context["remark_headers"])

    def __getattr__(self, name: str):
        """A pattern of ``_sources``, compiled when first asked for."""
        sources = self.__dict__.get("_sources", {})
        if name not in sources:
            raise AttributeError(name)
        pattern = re.compile(sources[name])
        setattr(self, name, pattern)
        return pattern

    def _add(self, kind: str, word: str) -> None:
        key = fold_term(word)
        if not key:
            raise ValueError(f"empty term in [{kind}]")
        known = self._kind_of.get(key)
        if known is not None and known != kind:
            raise ValueError(f"term {word!r} is in [{known}] and [{kind}]")
        self._kind_of[key] = kind

    def find(self, cell: str) -> ConditionHit | None:
        """The condition a prepared text cell names, or None."""
        return self.find_folded(fold(cell[:MAX_CELL_CHARS]))

    def find_folded(self, text: str) -> ConditionHit | None:
        """:meth:`find` for a cell already folded (:func:`fold`) and cut to ``MAX_CELL_CHARS``."""
        first = self._any_term.search(text)     # one pass over most cells, which name nothing
        if first is None:
            return None
        for found in self._anywhere.finditer(text, first.start()):
            if self._organisation.match(text, found.end()):
                continue        # the first word of an organisation's or a service's name
            if self._program.search(text):
                return None     # a course, a program, a credential
            return ConditionHit(self._kind_of[found.group()], anywhere=True)
        found = self._whole_only.search(text, first.start())
        if found is not None and self._is_whole(text):
            return ConditionHit(self._kind_of[found.group()], anywhere=False)
        return None

    def named_anywhere(self, text: str) -> bool:
        """Whether a long text names a condition term anywhere (a first, cheap look)."""
        return self._any_term.search(fold(text)) is not None

    def names_only_conditions(self, cell: str) -> bool:
        """知的障害, 要介護3, 糖尿病・高血圧: a cell made of condition terms and qualifiers alone."""
        text = fold(cell[:MAX_CELL_CHARS])
        return self._any_term.search(text) is not None and self._is_whole(text)

    def _is_whole(self, text: str) -> bool:
        """The cell holds condition terms, qualifiers, digits and punctuation only."""
        rest = self._removable.sub("", text)
        return len(rest) <= MAX_GRADE_LETTERS and rest.isascii()


def load_conditions(path: Path = VOCABULARY_PATH) -> ConditionVocabulary:
    """Read a conditions file (see the comments at the top of conditions.toml)."""
    with open(path, "rb") as handle:
        return ConditionVocabulary(tomllib.load(handle))


CONDITIONS = load_conditions()


def admits_condition_values(neutral_term: str) -> bool:
    """True for a neutral header (備考, 種別) under which condition cells still decide."""
    return normalise_header(neutral_term) in CONDITIONS.remark_headers


@dataclass(frozen=True)
class ConditionColumn:
    """A column judged to hold health conditions: counts and kinds, no value."""

    hits: int                   # cells naming a condition
    considered: int             # cells that do not say "none"
    kinds: tuple[str, ...]      # kinds of condition found (disease, disability ...), sorted
    example: Value              # the first cell naming a condition, to be masked

    @property
    def ratio(self) -> float:
        """Share of the cells that do not say "none" (なし, -) naming a condition."""
        return self.hits / self.considered


def condition_column(values: list[Value], vocabulary: ConditionVocabulary = CONDITIONS
                     ) -> ConditionColumn | None:
    """Health conditions in a column's prepared values (see the module docstring)."""
    anywhere = whole = considered = 0
    kinds: set[str] = set()
    example = None
    for value in values:
        if not isinstance(value, str):
            considered += 1
            continue
        text = fold(value[:MAX_CELL_CHARS])
        if text in vocabulary.none_texts:
            continue
        considered += 1
        hit = vocabulary.find_folded(text)
        if hit is None:
            continue
        if hit.anywhere:
            anywhere += 1
        else:
            whole += 1
        kinds.add(hit.kind)
        if example is None:
            example = value
    hits = anywhere + whole
    if anywhere >= MIN_CONDITION_CELLS or (
            hits >= MIN_WHOLE_CELLS and hits >= WHOLE_CELL_SHARE * considered):
        return ConditionColumn(hits, considered, tuple(sorted(kinds)), example)
    return None
