"""Sample the top rows of one OOXML worksheet part and resolve shared strings.

Only the first SAMPLE_ROWS rows are parsed; the row count comes from
``<dimension>`` (or an estimate) so a 680,000-row sheet costs what 200 rows do.
Parts written the way Excel writes them go through the regex fast path of
:mod:`.ooxml_fast`; the expat callbacks here read everything else (the choice is
:mod:`.ooxml_rows`'s).  The row rules (:class:`SheetHandler`) serve both paths.
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field

from ..document import SAMPLE_ROWS, Cell, ReadError
from .numfmt import from_serial
from .safezip import PartTooLarge, StopParsing, XmlRefused, attr, parse_part

MAX_COLUMNS = 16384            # Excel's last column, XFD
MAX_EXCEL_ROWS = 1_048_576
LEAD_PAD = 20                  # blank rows above the first row kept as blanks
SHEET_SAMPLE_BYTES = 64 << 20  # inflated bytes read for one sheet's sample
SHARED_STRINGS_BYTES = 64 << 20
#: non-empty cells sampled per sheet: a very wide sheet stops before SAMPLE_ROWS
#: rows (each cell costs a few Python callbacks, ~10 us)
SAMPLE_CELLS = 20_000

_RANGE_END = re.compile(r"[A-Za-z]{0,3}(\d+)$")
_INTEGER = re.compile(r"-?\d{1,15}$")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


class SharedRef(int):
    """Placeholder for a shared-string cell (the string's index) until the table is resolved."""

    __slots__ = ()

    @property
    def index(self) -> int:
        return int(self)


@dataclass
class SheetSample:
    rows: list[list] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    total_rows: int | None = None
    estimated: bool = False
    problem: str | None = None      # why the sample is partial, when it is


def column_index(letters: str) -> int:
    """0-based index of a column name ("A" -> 0, "AA" -> 26)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


_COLUMNS: dict[str, int] = {}


def column_of(ref: str) -> int:
    """0-based column of a cell reference ("C7" -> 2); MAX_COLUMNS when unusable."""
    letters = ref.rstrip("0123456789$")
    col = _COLUMNS.get(letters)
    if col is None:
        col = column_index(letters) if letters.isalpha() and len(letters) <= 3 and letters.isascii() else -1
        if col < 0:
            return MAX_COLUMNS
        if len(_COLUMNS) < MAX_COLUMNS:
            _COLUMNS[letters] = col
    return col


def unescape(text: str) -> str:
    """Decode OOXML's ``_xHHHH_`` escapes (e.g. ``_x000D_`` for a carriage return)."""
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def iso_moment(text: str) -> dt.datetime | dt.time | str:
    """A ``t="d"`` cell: an ISO 8601 date-time, or a time of day; the text when neither."""
    for parse in (dt.datetime.fromisoformat, dt.time.fromisoformat):
        try:
            return parse(text)
        except ValueError:
            pass
    return text


def number(text: str) -> int | float | None:
    """A numeric cell value; whole numbers become int so long identifiers keep their digits."""
    text = text.strip()
    if _INTEGER.match(text):
        return int(text)
    try:
        value = float(text)
    except ValueError:
        return None
    if value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


class SheetHandler:
    """expat callbacks collecting the sample of one sheet.

    The fast path (:mod:`.ooxml_fast`) drives the same object: it lets expat
    read the sheet's head, then calls :meth:`open_row` itself.
    """

    def __init__(self, xf_kinds: list[str | None], date1904: bool):
        self.xf_kinds = xf_kinds
        self.date1904 = date1904
        self.sample = SheetSample()
        self.dimension_last: int | None = None
        self.base: int | None = None       # sheet row number of rows[0]
        self.last_row = 0                  # sheet row number of the last row seen
        self.row: list | None = None
        self.col = -1
        self.pending_ref: str | None = None  # reference of the last empty cell
        self.cells = 0                       # non-empty cells sampled
        self.cell: dict | None = None      # r, t, s of the open cell
        self.texts: list[str] | None = None
        self.capture = False               # inside a <v>, or a <t> of an inline string
        self.in_inline = False
        self.in_phonetic = False           # inside <rPh> (furigana), never captured
        self.done = False

    # -- expat callbacks -------------------------------------------------
    def start(self, name: str, attrs: dict) -> None:
        name = name[name.find(":") + 1:]
        if name == "c":
            if self.row is not None:
                self.cell = attrs
                self.texts = []
                self.in_inline = False
        elif name == "v":
            if self.cell is not None:
                self.texts = []
                self.capture = True
        elif name == "row":
            self.open_row(attrs)
        elif name == "t":
            self.capture = self.in_inline and not self.in_phonetic
        elif name == "is":
            self.in_inline = self.cell is not None
        elif name == "rPh":
            self.in_phonetic = True
        elif name == "col":
            self._hidden_cols(attrs)
        elif name == "dimension":
            self._dimension(attr(attrs, "ref") or "")

    def text(self, data: str) -> None:
        if self.capture and self.texts is not None:
            self.texts.append(data)

    def end(self, name: str) -> None:
        name = name[name.find(":") + 1:]
        if name == "c":
            if self.cell is not None:
                self._close_cell()
        elif name == "v" or name == "t":
            self.capture = False
        elif name == "row":
            self.row = None
        elif name == "rPh":
            self.in_phonetic = False
        elif name == "sheetData":
            self.done = True
            raise StopParsing

    # -- helpers ---------------------------------------------------------
    def _dimension(self, ref: str) -> None:
        m = _RANGE_END.search(ref.rpartition(":")[2])
        if m:
            self.dimension_last = int(m.group(1))

    def _hidden_cols(self, attrs: dict) -> None:
        if attrs.get("hidden") not in ("1", "true"):
            return
        try:
            lo, hi = int(attrs.get("min", 0)), int(attrs.get("max", 0))
        except ValueError:
            return
        lo, hi = max(lo, 1), min(hi, MAX_COLUMNS)
        self.sample.hidden_columns.update(range(lo - 1, hi))

    def open_row(self, attrs: dict) -> None:
        """Start a row; StopParsing once the sample is full."""
        try:
            number_ = int(attrs.get("r", ""))
        except ValueError:
            number_ = self.last_row + 1
        if number_ <= self.last_row:
            number_ = self.last_row + 1
        if self.base is None:
            self.base = 1 if number_ - 1 <= LEAD_PAD else number_
        index = number_ - self.base
        if index >= SAMPLE_ROWS or self.cells >= SAMPLE_CELLS:
            raise StopParsing
        rows = self.sample.rows
        while len(rows) < index:
            rows.append([])
        self.row = []
        rows.append(self.row)
        self.last_row = number_
        self.col = -1
        self.pending_ref = None
        if attrs.get("hidden") in ("1", "true"):
            self.sample.hidden_rows.add(index)

    def _close_cell(self) -> None:
        attrs, texts = self.cell, self.texts
        self.cell = self.texts = None
        self.capture = False
        ref = attrs.get("r")
        if not texts:  # an empty cell (often only styled): remember where it was
            if ref is None:
                self.col = self._next_col()
            else:
                self.pending_ref = ref
            return
        col = self._next_col() if ref is None else column_of(ref)
        self.col, self.pending_ref = col, None
        if col >= MAX_COLUMNS:
            return
        value = self.cell_value(attrs.get("t", "n"), "".join(texts), attrs.get("s"))
        if value is None:
            return
        row = self.row
        if len(row) <= col:
            row.extend([None] * (col + 1 - len(row)))
        row[col] = value
        self.cells += 1

    def _next_col(self) -> int:
        """Column of a cell written without a reference: the one after the last."""
        if self.pending_ref is not None:
            self.col, self.pending_ref = column_of(self.pending_ref), None
        return self.col + 1

    def cell_value(self, kind: str, raw: str, style: str | None) -> Cell | SharedRef:
        """A cell's value from its type ``t``, text and style ``s``; None for errors and blanks."""
        if kind == "s":
            try:
                return SharedRef(int(raw))
            except ValueError:
                return None
        if kind in ("str", "inlineStr"):
            return unescape(raw)
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "e" or not raw:
            return None
        if kind == "d":
            return iso_moment(raw.strip())
        value = number(raw)
        if value is None or style is None:
            return value
        date_kind = self.date_kind(style)
        return from_serial(value, date_kind, self.date1904) if date_kind else value

    def date_kind(self, style: str) -> str | None:
        """What the cell format ``s="style"`` shows: "date", "time", "datetime" or None."""
        try:
            index = int(style)
            return self.xf_kinds[index] if index >= 0 else None
        except (ValueError, IndexError):
            return None


def expat_sample(zf: zipfile.ZipFile, part: str, xf_kinds: list[str | None],
                 date1904: bool) -> SheetSample:
    """The first SAMPLE_ROWS rows of a worksheet part and its row count, read with expat
    (what :func:`.ooxml_rows.sample_sheet` falls back to when the fast path declines)."""
    handler = SheetHandler(xf_kinds, date1904)
    stopped_at = None
    try:
        stopped_at = parse_part(zf, part, handler.start, handler.end, handler.text,
                                max_bytes=SHEET_SAMPLE_BYTES)
    except XmlRefused:
        raise
    except ReadError as exc:          # bad XML, corrupt or oversized part: keep what was read
        handler.sample.problem = str(exc)
    return counted(zf, part, handler, stopped_at)


def counted(zf: zipfile.ZipFile, part: str, handler: SheetHandler, stopped_at: int | None) -> SheetSample:
    """The handler's sample with its row count: exact, from <dimension>, or estimated."""
    sample = handler.sample
    seen = 0 if handler.base is None else handler.last_row - handler.base + 1
    if handler.done or (stopped_at is None and sample.problem is None):
        sample.total_rows = seen
    elif handler.dimension_last and seen <= handler.dimension_last - (handler.base or 1) + 1 \
            and handler.dimension_last <= MAX_EXCEL_ROWS:
        sample.total_rows = handler.dimension_last - (handler.base or 1) + 1
    elif stopped_at and seen:
        size = zf.getinfo(part).file_size
        sample.total_rows = max(seen, min(MAX_EXCEL_ROWS, round(size * seen / stopped_at)))
        sample.estimated = True
    else:
        sample.total_rows = seen or None
    return sample


class _SharedStringsHandler:
    """expat callbacks keeping only the shared strings some sampled cell needs."""

    def __init__(self, needed: set[int]):
        self.needed = needed
        self.last_needed = max(needed)
        self.found: dict[int, str] = {}
        self.index = -1
        self.texts: list[str] | None = None
        self.capture = False
        self.in_phonetic = False

    def start(self, name: str, attrs: dict) -> None:
        name = name[name.find(":") + 1:]
        if name == "si":
            self.index += 1
            self.texts = [] if self.index in self.needed else None
        elif name == "t" and self.texts is not None and not self.in_phonetic:
            self.capture = True
        elif name == "rPh":
            self.in_phonetic = True

    def text(self, data: str) -> None:
        if self.capture:
            self.texts.append(data)

    def end(self, name: str) -> None:
        name = name[name.find(":") + 1:]
        if name == "t":
            self.capture = False
        elif name == "rPh":
            self.in_phonetic = False
        elif name == "si":
            if self.texts is not None:
                self.found[self.index] = unescape("".join(self.texts))
                self.texts = None
            if self.index >= self.last_needed:
                raise StopParsing


def expat_shared_strings(zf: zipfile.ZipFile, part: str,
                         needed: set[int]) -> tuple[dict[int, str], str | None]:
    """The needed shared strings by index read with expat, and a problem note when some could
    not be read (:func:`.ooxml_rows.shared_strings` falls back to this)."""
    handler = _SharedStringsHandler(needed)
    try:
        parse_part(zf, part, handler.start, handler.end, handler.text, max_bytes=SHARED_STRINGS_BYTES)
    except XmlRefused:
        raise
    except PartTooLarge:
        return handler.found, "shared strings past %d MB, not all read" % (SHARED_STRINGS_BYTES >> 20)
    except ReadError as exc:
        return handler.found, "shared strings: %s" % exc
    missing = len(needed) - len(handler.found)
    return handler.found, ("%d shared strings missing" % missing if missing else None)


def resolve(rows: list[list], strings: dict[int, str]) -> None:
    """Replace SharedRef placeholders in place (unknown indexes become None)."""
    get = strings.get
    for row in rows:
        row[:] = [get(value) if type(value) is SharedRef else value for value in row]


def needed_indexes(rows: list[list]) -> set[int]:
    return {int(v) for row in rows for v in row if type(v) is SharedRef}
