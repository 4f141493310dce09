"""Read SpreadsheetML 2003 XML workbooks (Excel's "XML Spreadsheet", web exports named .xls).

``Workbook/Worksheet/Table/Row/Cell/Data``: each Worksheet becomes a Table
named after ``ss:Name``; ``ss:Index`` on a Row or Cell skips to that row or
column (the gaps are empty rows and cells, as in the sheet); ``ss:MergeAcross``
leaves empty cells after a merged one; ``ss:Type`` Number, DateTime and
Boolean become numbers, datetimes and booleans.  Hidden rows and columns
(``ss:Hidden``) and hidden sheets (``x:Visible`` SheetHidden/SheetVeryHidden in
WorksheetOptions) are kept.  ``ss:ExpandedRowCount`` gives the row total where
present, else the rows are counted.

XML is parsed safely with expat, streamed: a DOCTYPE (where entity bombs and
external entities live) is refused, and at most ``PARSE_BYTES`` are read;
past a sheet's sample its rows are only counted.
The file is decoded in Python (expat knows no Shift_JIS) and fed to expat as
UTF-8.
"""
from __future__ import annotations

import datetime as dt
import functools
from xml.parsers import expat

from ..document import SAMPLE_ROWS, Cell, Document, ReadError, Table
from .safezip import XmlRefused, attr, local
from .text_codec import decoded_chunks, open_encoding

#: bytes of a workbook parsed (about 1 s); a larger one is read that far, with a note, and
#: its sheet's total comes from ss:ExpandedRowCount, which Excel always writes
PARSE_BYTES = 16 << 20
MAX_COLUMNS = 16384
MAX_ROWS = 1 << 20
MAX_CELL_CHARS = 2048
VISIBILITY = {"sheethidden": "hidden", "sheetveryhidden": "veryHidden"}


def read_spreadsheetml(path: str, kind: str) -> Document:
    """Every worksheet of a SpreadsheetML 2003 workbook as a Table."""
    head, size, encoding, skip = open_encoding(path)
    parser = expat.ParserCreate(encoding="UTF-8")   # overrides the declaration: fed as UTF-8
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    workbook = _WorkbookHandler(parser)
    try:
        for text in decoded_chunks(path, encoding, skip, PARSE_BYTES):
            parser.Parse(text.encode("utf-8"), False)
        if size - skip <= PARSE_BYTES:
            parser.Parse(b"", True)
    except expat.ExpatError:
        workbook.finish()
        if not any(table.rows for table in workbook.tables):
            raise ReadError("bad XML") from None
        workbook.notes.append("XML broken after the first rows: read up to there")
    except RecursionError:
        raise ReadError("XML nested too deep") from None
    workbook.finish()
    document = Document(kind=kind, tables=workbook.tables, notes=[f"encoding {encoding}"] + workbook.notes)
    if size - skip > PARSE_BYTES:
        document.notes.append(f"read the first {PARSE_BYTES >> 20} MB only")
    if not workbook.seen_workbook:
        raise ReadError("XML without a SpreadsheetML workbook")
    return document


def _refuse(*_args) -> None:
    raise XmlRefused("XML with DOCTYPE refused")


class _WorkbookHandler:
    """expat callbacks that sample each worksheet's rows."""

    def __init__(self, parser):
        self.parser = parser
        self._sampling(True)
        self.tables: list[Table] = []
        self.notes: list[str] = []
        self.seen_workbook = False
        self.table: Table | None = None
        self.declared_rows: int | None = None
        self.row_index = 0                   # 1-based index of the current/last row
        self.row: list[Cell] | None = None
        self.column = 0                      # 1-based index of the current/last cell
        self.cell_type: str | None = None
        self.cell_text: list[str] | None = None
        self.merge_across = 0
        self.in_data = False
        self.in_visible = False
        self.visible_text: list[str] = []

    def _sampling(self, on: bool) -> None:
        """Full handlers while a sheet's rows are sampled; past the sample, only rows are counted."""
        self.parser.StartElementHandler = self.start if on else self.count_row
        self.parser.EndElementHandler = self.end if on else self.end_counting
        self.parser.CharacterDataHandler = self.text if on else None

    def count_row(self, name: str, attrs: dict) -> None:
        if _local(name) == "Row":
            index = _int(attr(attrs, "Index"), MAX_ROWS)
            self.row_index = index if index and index > self.row_index else self.row_index + 1

    def end_counting(self, name: str) -> None:
        if _local(name) in ("Table", "Worksheet"):   # WorksheetOptions (visibility) follow the Table
            self._sampling(True)
            self.end(name)

    def finish(self) -> None:
        """Close a worksheet left open by the end of the parsed bytes."""
        self._close_sheet()

    def start(self, name: str, attrs: dict) -> None:
        tag = _local(name)
        if tag == "Workbook":
            self.seen_workbook = True
        elif tag == "Worksheet":
            self._close_sheet()
            self.table = Table(name=(attr(attrs, "Name") or f"Sheet{len(self.tables) + 1}")[:100], total_rows=0)
            self.row_index, self.declared_rows = 0, None
        elif self.table is None:
            return
        elif tag == "Table":
            self.declared_rows = _int(attr(attrs, "ExpandedRowCount"), MAX_ROWS)
        elif tag == "Column":
            self._column(attrs)
        elif tag == "Row":
            self._start_row(attrs)
        elif tag == "Cell" and self.row is not None:
            self._start_cell(attrs)
        elif tag == "Data" and self.cell_text is not None:
            self.in_data = True
            self.cell_type = (attr(attrs, "Type") or "String").lower()
        elif tag == "Visible":
            self.in_visible, self.visible_text = True, []

    def text(self, data: str) -> None:
        if self.in_data and self.cell_text is not None and sum(map(len, self.cell_text)) < MAX_CELL_CHARS:
            self.cell_text.append(data)
        elif self.in_visible:
            self.visible_text.append(data)

    def end(self, name: str) -> None:
        tag = _local(name)
        if tag == "Data":
            self.in_data = False
        elif tag == "Cell" and self.row is not None and self.cell_text is not None:
            self._end_cell()
        elif tag == "Row":
            self.row = None
        elif tag == "Visible" and self.table is not None:
            self.in_visible = False
            self.table.visibility = VISIBILITY.get("".join(self.visible_text).strip().lower(), "visible")
        elif tag == "Worksheet":
            self._close_sheet()

    # ---- rows and cells
    def _start_row(self, attrs: dict) -> None:
        index = _int(attr(attrs, "Index"), MAX_ROWS)
        self.row_index = index if index and index > self.row_index else self.row_index + 1
        self.column = 0
        table = self.table
        if self.row_index > SAMPLE_ROWS:
            self.row = None                  # past the sample: rows are only counted
            self._sampling(False)
            return
        while len(table.rows) < self.row_index - 1:
            table.rows.append([])            # rows the Index skipped are empty
        self.row = []
        table.rows.append(self.row)
        if attr(attrs, "Hidden") == "1":
            table.hidden_rows.add(len(table.rows) - 1)

    def _start_cell(self, attrs: dict) -> None:
        index = _int(attr(attrs, "Index"), MAX_COLUMNS)
        self.column = index if index and index > self.column else self.column + 1
        self.cell_text, self.cell_type = [], None
        self.merge_across = min(_int(attr(attrs, "MergeAcross"), MAX_COLUMNS) or 0, MAX_COLUMNS - self.column)

    def _end_cell(self) -> None:
        row = self.row
        if self.column <= MAX_COLUMNS:
            row.extend([None] * (self.column - 1 - len(row)))
            row.append(_value("".join(self.cell_text), self.cell_type))
            self.column += self.merge_across
            row.extend([None] * (self.column - len(row)))
        self.cell_text = None

    def _column(self, attrs: dict) -> None:
        index = _int(attr(attrs, "Index"), MAX_COLUMNS)
        self.column = index if index and index > self.column else self.column + 1
        span = _int(attr(attrs, "Span"), MAX_COLUMNS) or 0
        if attr(attrs, "Hidden") == "1":
            self.table.hidden_columns.update(range(self.column - 1, min(self.column + span, MAX_COLUMNS)))
        self.column += span

    def _close_sheet(self) -> None:
        table = self.table
        if table is None:
            return
        for row in table.rows:
            while row and row[-1] is None:
                row.pop()
        while table.rows and not table.rows[-1]:
            table.rows.pop()
        if self.row_index > SAMPLE_ROWS:     # rows past the sample were counted, not kept
            table.total_rows = max(self.declared_rows or 0, self.row_index)
        else:
            table.total_rows = len(table.rows)
        self.tables.append(table)
        self.table, self.row, self.cell_text = None, None, None


@functools.lru_cache(maxsize=256)
def _local(name: str) -> str:
    return local(name)


def _int(value: str | None, limit: int) -> int | None:
    try:
        number = int(value) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and 0 < number <= limit else None


def _value(text: str, cell_type: str | None) -> Cell:
    """A Data element's text in the Document's vocabulary, by its ss:Type."""
    if cell_type == "number":
        try:
            number = float(text)
        except ValueError:
            return text.strip() or None
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if cell_type == "datetime":
        try:
            value = dt.datetime.fromisoformat(text.strip()[:19])
        except ValueError:
            return text.strip() or None
        return value.date() if value.time() == dt.time() else value
    if cell_type == "boolean":
        return text.strip() in ("1", "true", "TRUE")
    if cell_type == "error":
        return None
    return text.strip() or None
