"""The registry's own check that a scan record carries no value read from a file.

Scanners mask what they send (scanners/detectors/masking.py, link_targets.py,
detectors/sheet_names.py), but a remote scanner is another program on another
machine: the registry does not take its word for it.  Every free-text field a
record may carry is held to what our scanner writes:

- ``columns[].evidence``: known keys with their types; ``example`` a masked
  shape (:func:`is_masked_shape`), else re-masked; ``header_term`` a term of
  the header vocabulary or part of the column's header, else dropped;
- ``risks[].detail`` and ``notes``: one of our phrases (:data:`DETAILS`,
  :data:`NOTES`) whose parameters (sheet names, link targets, catalogue
  words, counts) each pass their own check; a parameter that does not is
  replaced by :data:`MASK`, a text that is no phrase of ours by :data:`MASK`;
- sheet names (``columns[].sheet`` and inside details and notes) that look
  like a person's name, phone, 12-digit number, e-mail or date get the
  scanner's label ``シートN（氏名）``, the same label everywhere in the record.

Masking rather than refusing: the record still says where personal data lives
(path, categories, counts), which is what the registry is for; refusing it would
hide the file from the inventory because of one bad string.  Records are only
refused for their shape (scanners.record.check_record).
"""
from __future__ import annotations

import hashlib
import logging
import math
import os
import re
import tomllib
from functools import lru_cache

from scanners.detectors.masking import mask_text
from scanners.detectors.sheet_names import mask_record_sheets, sheet_label
from scanners.detectors.sheet_names import personal_kind as _personal_kind
from scanners.link_targets import masked_target

log = logging.getLogger(__name__)

#: what replaces a text or a parameter that is not ours
MASK = "***"
MAX_EXAMPLE = 64
_ERA = re.compile(r"^(明治|大正|昭和|平成|令和|[MTSHRmtshr])(?=\s*\*)")
_UNITS = frozenset("年月日歳才級")
#: evidence keys the scanner writes, with the type each must have
EVIDENCE_TYPES = {
    "values_sampled": int, "values_distinct": int, "hit_ratio": float, "family_name_ratio": float,
    "check_digit_ratio": float, "zeros_restored": int, "columns": int, "example": str,
    "header_term": str, "rule": str, "condition_kinds": list,
}
RULES = frozenset({"text-field", "text", "form-field", "card", "family-or-given-names", "beside-names",
                   "postcode-in-address", "split-phone"})


def is_masked_shape(text: str) -> bool:
    """Whether ``text`` is a masked example: ``*`` for every letter and digit, separators,
    an era name at the start and the units 年月日歳才級 after a ``*`` (scanners.detectors.masking)."""
    if len(text) > MAX_EXAMPLE:
        return False
    era = _ERA.match(text)
    previous = ""
    for ch in text[era.end() if era else 0:]:
        if ch.isalnum() and not (ch in _UNITS and previous == "*"):
            return False
        previous = ch
    return True


class RecordGuard:
    """Masks one record's free text; ``masked`` counts what it replaced."""

    def __init__(self, record: dict):
        self.record, self.masked, self.sheets = record, 0, {}

    # --------------------------------------------------------------- parameters
    def sheet(self, name: str) -> str:
        """A sheet name, or its label when it looks like a personal value."""
        if name in self.sheets:
            return self.sheets[name]
        kind = personal_kind(name) if len(name) <= 100 and "\n" not in name else "name"
        label = name if kind is None else sheet_label(len(self.sheets) + 1, kind)
        self.masked += label != name
        self.sheets[name] = label
        return label

    def param(self, kind: str, text: str) -> str:
        """A phrase's parameter as it may be stored: checked by its kind, else :data:`MASK`."""
        if kind == "sheet":
            return self.sheet(text)
        if _PARAM_CHECKS[kind](text):
            return text
        self.masked += 1
        if kind == "target":               # the form today's scanner writes, so finding keys match
            shape = masked_target(text)
            return shape if _target(shape) else MASK
        return MASK

    def phrase(self, text, templates) -> str:
        """``text`` when it is one of ``templates`` (parameters checked), else :data:`MASK`."""
        if not isinstance(text, str):
            return text
        if text in _fixed_phrases():
            return text
        for template in templates:
            found = template.fullmatch(text)
            if found:
                return self._fill(text, found)
        self.masked += 1
        return MASK

    def _fill(self, text: str, found: re.Match) -> str:
        out, pos = [], 0
        for name, value in found.groupdict().items():
            if value is None:
                continue
            start, end = found.span(name)
            out += [text[pos:start], self.param(name.rstrip("0123456789"), value)]
            pos = end
        return "".join(out) + text[pos:]

    # --------------------------------------------------------------- fields
    def column(self, col: dict) -> dict:
        col = dict(col)
        if isinstance(col.get("sheet"), str):
            col["sheet"] = self.sheet(col["sheet"])
        if col.get("evidence") is not None:
            col["evidence"] = self.evidence(col.get("evidence"), col.get("header"))
        return col

    def evidence(self, evidence, header) -> dict:
        if not isinstance(evidence, dict):
            self.masked += 1
            return {}
        kept = {}
        for key, value in evidence.items():
            value = self._evidence_value(key, value, header)
            if value is not None:
                kept[key] = value
        self.masked += len(evidence) - len(kept)
        return kept

    def _evidence_value(self, key, value, header):
        kind = EVIDENCE_TYPES.get(key)
        if kind in (int, float):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            return value if ok and abs(value) < 10**7 else None
        if kind is str and isinstance(value, str):
            if key == "example":
                return value if is_masked_shape(value) else self._remasked(value)
            if key == "rule":
                return value if value in RULES else None
            return value if is_header_term(value, header) else None
        if kind is list and isinstance(value, list):
            return [v for v in value if isinstance(v, str) and v in condition_kinds()] or None
        return None

    def _remasked(self, value: str) -> str:
        self.masked += 1
        shape = mask_text(value)
        return shape if is_masked_shape(shape) else MASK

    def guarded(self) -> dict:
        record = dict(self.record)
        personal = record.get("personal")
        if isinstance(personal, dict) and isinstance(personal.get("columns"), list):
            columns = [self.column(c) if isinstance(c, dict) else c for c in personal["columns"]]
            record["personal"] = dict(personal, columns=columns)
        if isinstance(record.get("risks"), list):
            record["risks"] = [dict(r, detail=self.phrase(r["detail"], DETAILS))
                               if isinstance(r, dict) and "detail" in r else r for r in record["risks"]]
        if isinstance(record.get("notes"), list):
            record["notes"] = [self.phrase(n, NOTES) for n in record["notes"]]
        return self._relabel(record)

    def _relabel(self, record: dict) -> dict:
        """A sheet masked in one place is masked in the free text of the others too."""
        masks = {name: label for name, label in self.sheets.items() if name != label}
        return mask_record_sheets(record, masks) if masks else record


#: verdicts of :func:`personal_kind` by a digest of the text (the same sheet names and words
#: come in every batch: "Sheet1", "名簿"); digests, so the process keeps no text it was sent
_VERDICTS: dict[bytes, str | None] = {}
_MAX_VERDICTS = 50_000


def personal_kind(text: str) -> str | None:
    """``scanners.detectors.sheet_names.personal_kind``, remembered across records: the name
    dictionary costs about half of the guard's time when every record asks again."""
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    if key not in _VERDICTS:
        if len(_VERDICTS) >= _MAX_VERDICTS:
            _VERDICTS.clear()
        _VERDICTS[key] = _personal_kind(text)
    return _VERDICTS[key]


def guard_record(record: dict) -> tuple[dict, int]:
    """(``record`` with every value-like text masked, how many texts were masked).

    An unchanged record is returned as it is (same object): the scanner's own
    output passes untouched, so its facts digest does not change.
    """
    guard = RecordGuard(record)
    guarded = guard.guarded()
    if not guard.masked:
        return record, 0
    log.warning("masked %d text(s) that were not masked shapes or our phrases (kind %s)",
                guard.masked, str(record.get("kind"))[:20])
    return guarded, guard.masked


# ------------------------------------------------------------------ parameter checks

_TARGET = re.compile(
    r"(?:[a-z][a-z0-9+.\-]{1,20}://[A-Za-z0-9.\-\[\]:]{1,80}(?:/…)?|[a-z][a-z0-9+.\-]{1,20}:"
    r"|mailto: \(an e-mail address\)|\(target unknown\)"
    r"|\\\\(?:[A-Za-z][A-Za-z0-9_\-]{0,30}(?:\.[A-Za-z0-9_\-]{1,30}){0,4}|\*)\\…\\\*(?:\.\w{1,6})?"
    r"|[A-Z]:\\(?:…\\\*(?:\.\w{1,6})?)?"
    r"|…[\\/]\*(?:\.\w{1,6})?|\*(?:\.\w{1,6})?|[A-Za-z][A-Za-z0-9_\-]{0,30}(?:\.[A-Za-z0-9_\-]{1,30}){0,4})")
_WORDS = re.compile(r"[A-Za-z][A-Za-z0-9 ._()/\-]{0,40}")
_CONNECT = re.compile(r"[A-Za-z ]{1,30}: (?:[A-Z ?]{1,40}=\*\*\*;?)*")
_REASON = re.compile(r"[A-Za-z0-9 .,;:_()'/\-]{1,120}")
_LINES = re.compile(r"\d{1,6}(?:, \d{1,6})* 行目(?:ほか)?")
_LABELLED_LINES = re.compile(rf"(?P<label>.+?) {_LINES.pattern}")


def _ascii_words(text: str) -> bool:
    return bool(_WORDS.fullmatch(text)) and personal_kind(text) is None


def _target(text: str) -> bool:
    """A masked link target (scanners.link_targets); a bare or server name must not read as a person's."""
    if not _TARGET.fullmatch(text):
        return False
    name = text[2:].partition("\\")[0] if text.startswith("\\\\") else text
    return not _WORDS.fullmatch(name) or personal_kind(name) is None


def _targets(text: str) -> bool:
    return all(_target(t) for t in text.split(", "))


def _reason(text: str) -> bool:
    return bool(_REASON.fullmatch(text)) and not re.search(r"\d{5,}", text) and personal_kind(text) is None


def _catalogue(text: str) -> bool:
    return all(part in catalogue_words() for part in re.split(r"・", text))


def _summary(text: str) -> bool:
    """``label 3, 7 行目`` parts of a shadow-IT script detail, joined by ``、`` or ``; ``."""
    for part in re.split(r"、|; ", text):
        if re.fullmatch(r"ほか \d{1,3} 種類", part):
            continue
        found = _LABELLED_LINES.fullmatch(part)        # a label may hold spaces: "curl によるアップロード"
        if not (found and found["label"] in catalogue_words()):
            return False
    return True


def _relative_path(text: str) -> bool:
    """A path in the share: the registry keeps paths (they are the map), not file contents."""
    return 0 < len(text) <= 2000 and "\n" not in text


_PARAM_CHECKS = {
    "target": _target, "targets": _targets, "words": _ascii_words, "connect": lambda t: bool(_CONNECT.fullmatch(t)),
    "reason": _reason, "word": _catalogue, "summary": _summary, "path": _relative_path,
    "col": lambda t: bool(re.fullmatch(r"[A-Z]{1,3}|\d{1,5}", t)), "table": _ascii_words,
}

_N = r"\d{1,9}"
_TIMES = rf"(?: \({_N}x\))?"


def _compile(*patterns: str) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p) for p in patterns)


#: risk details our scanner writes; named groups are parameters (checked by name, digits ignored)
DETAILS = _compile(
    r"sheet (?P<sheet>.+) is (?:hidden|veryHidden)",
    r"column (?P<col>\S+) of sheet (?P<sheet>.+) is hidden",
    r"rows of sheet (?P<sheet>.+) holding personal data are hidden",
    rf"connections\.xml: (?P<words>.+?) connection(?: to (?P<target>.+?))?{_TIMES}",
    r"connections\.xml: (?P<words>.+?) connection (?:with saved password|string holds a password)",
    rf"{_N} query table\(s\) refresh from an external source",
    rf"formulas link to workbook (?P<target>.+?){_TIMES}",
    rf"DDE/OLE link to (?P<target>.+?){_TIMES}",
    rf"and links to {_N} more workbooks",
    rf"hyperlink to file (?P<target>.+?){_TIMES}",
    rf"{_N} hyperlink\(s\) to web addresses \((?P<targets>.+)\)",
    rf"{_N} HYPERLINK formula\(s\)", rf"{_N} data connection\(s\) to external sources", rf"{_N} hyperlink\(s\)",
    rf"defined name Auto_Open runs a macro when the workbook opens(?: \({_N} hidden Excel 4 macro sheet\(s\)\))?",
    rf"linked table to ODBC source{_TIMES}",
    rf"linked table in another Access file(?:: (?P<target>.+?))?{_TIMES}",
    rf"linked table to text file(?: in folder: (?P<target>.+?))?{_TIMES}",
    rf"linked table to (?P<words>[^:]+?)(?:: (?P<target>.+?))?{_TIMES}",
    rf"and {_N} more linked tables",
    r"linked table (?P<table>.+?): connect string holds a password \((?P<connect>.+)\)",
    rf"(?P<word>VBA .+?|connection string in VBA .+?)(?: \({_N} places\))?",
    r"P2P ファイル共有ソフト (?P<word>.+?) の(?P<word2>.+)",
    r"クラウド同期フォルダ（(?P<word>.+)）内のファイル",
    r"外部へのファイル送信(?:（送信先 (?P<word>.+)）)?: (?P<summary>.+)",
    r"スクリプトに平文のパスワード: (?P<summary>.+)（値は記録していません）",
    r"(?:遠隔操作ソフト|P2P ファイル共有ソフト) (?P<word>.+)（(?P<word2>.+)で判定）",
    r"クラウドストレージ (?P<word>.+) (?:へのリンク|の同期フォルダへのショートカット)（リンク先の URL は記録していません）",
    r"byte-identical copy of (?P<path>.+)",
)
#: notes our readers write
NOTES = _compile(
    r"encoding [\w\-]{1,20}(?:; (?:delimiter \w{1,12}(?: inside lines quoted whole)?|not delimited text"
    r"|fixed-width columns))?",
    r"content: [\w ,\-]{1,40}, not [\w ]{1,20}",
    rf"sheet (?P<sheet>.*?): (?P<reason>.+)",
    rf"skipped {_N} \w{{1,20}}\(s\)", rf"{_N} shared strings missing", rf"BIFF{_N} worksheet read with xlrd",
    r"(?:xls|xlsx|zip) content under an? \w{1,10} name",
    rf"(?:tables unreadable|linked tables \(no local data\)): {_N}",
    rf"(?:rows past {_N} MB (?:counted|estimated), not read|read the first {_N} MB only)",
    rf"tables nested deeper than {_N} skipped", rf"web archive: {_N} HTML page\(s\), encoding [\w\-]{{1,20}}",
    r"styles unreadable \((?P<reason>.+)\): dates left as numbers",
    r"(?P<reason>[A-Za-z][A-Za-z0-9 .,;:_()'/\-]{0,120})",
    r"file name is not UTF-8 on the file system: (?:shown decoded as cp932|undecodable bytes shown as \\xNN)",
)


@lru_cache(maxsize=1)
def _fixed_phrases() -> frozenset[str]:
    from scanners.record import NAME_NOTES
    return frozenset({"password-protected or encrypted: contents could not be inspected",
                      "Power Query (DataMashup) queries", "macro AutoExec runs when the database opens",
                      *NAME_NOTES.values()})


@lru_cache(maxsize=1)
def catalogue_words() -> frozenset[str]:
    """Every string of the shadow-IT catalogue (and of ``INVENTORY_SHADOW_IT_EXTRA``), the
    VBA rules' phrases and the executables' evidence words: the words a detail may quote."""
    from scanners.apps.code_risks import RULES as CODE_RULES
    from scanners.shadow.catalogue import EXTRA_ENV
    from scanners.shadow.executables import EVIDENCE_ORDER

    words = {rule.detail for rule in CODE_RULES} | set(EVIDENCE_ORDER)
    paths = [os.path.join(os.path.dirname(__import__("scanners").__file__), "data", "shadow_it.toml")]
    paths += [os.environ[EXTRA_ENV]] if os.environ.get(EXTRA_ENV) else []
    for path in paths:
        with open(path, "rb") as handle:
            words |= set(_strings(tomllib.load(handle)))
    return frozenset(words)


@lru_cache(maxsize=1)
def condition_kinds() -> frozenset[str]:
    """The health-condition kinds of scanners/data/conditions.toml (evidence.condition_kinds)."""
    path = os.path.join(os.path.dirname(__import__("scanners").__file__), "data", "conditions.toml")
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    return frozenset(key for key in data if key != "context")


@lru_cache(maxsize=1)
def header_terms() -> frozenset[str]:
    """Every term of the header vocabulary (scanners/data/headers.toml), loosely compared."""
    path = os.path.join(os.path.dirname(__import__("scanners").__file__), "data", "headers.toml")
    with open(path, "rb") as handle:
        return frozenset(_loose(s) for s in _strings(tomllib.load(handle)))


def is_header_term(term: str, header) -> bool:
    """A header term is ours (vocabulary) or a part of the column's own header."""
    loose = _loose(term)
    return loose in header_terms() or (isinstance(header, str) and bool(loose) and loose in _loose(header))


def _loose(text: str) -> str:
    import unicodedata
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
