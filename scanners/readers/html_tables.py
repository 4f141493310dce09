"""Read the tables of an HTML page (web systems' "Excel" exports, saved pages) into a Document.

Every ``<table>`` becomes a Table, in the order the tables start; a table
nested in a cell is a Table of its own and its text stays out of the outer
cell.  ``<th>`` and ``<td>`` are cells; ``colspan``/``rowspan`` leave empty
cells where a merged cell spans, as a spreadsheet reader shows merged cells,
so columns stay under their headers.  Rows and ``<col>`` columns styled
``display:none`` (how Excel's HTML export writes hidden ones) are hidden.

The page is decoded by its BOM, its ``<meta charset>`` (when the bytes agree)
or detection, and parsed with the standard library's tolerant, incremental
``html.parser``: nothing is loaded whole.  Only ``PARSE_BYTES`` (1 MB, a few thousand rows of an Excel export) are parsed;
rows past them are counted by their ``<tr`` tags.  Spans, columns, nesting
and text per cell are capped, so a hostile page costs bounded time and memory.
A page with no table gives its visible text (``Document.text``) instead.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

from ..document import SAMPLE_ROWS, Cell, Document, ReadError, Table
from .text_codec import decoded_chunks, open_encoding

#: bytes of a page parsed as HTML; rows past them are counted by their <tr tags
PARSE_BYTES = 1 << 20
COUNT_CHUNK = 4 << 20
MAX_NESTING = 32
MAX_SPAN = 256
MAX_COLUMNS = 1024
#: characters kept of one cell's text, and of a page's text when it has no table
MAX_CELL_CHARS = 2048
MAX_TEXT_CHARS = 64 * 1024
#: elements whose text is not shown on the page
INVISIBLE = frozenset({"script", "style", "template", "noscript", "title"})
_ROW_TAG = re.compile(r"<tr[\s>/]", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none", re.I)


def read_html_tables(path: str, kind: str) -> Document:
    """Every table of an HTML page as a Table (or the page's text when it has none)."""
    head, size, encoding, skip = open_encoding(path)
    collector = TableCollector()
    for text in decoded_chunks(path, encoding, skip, PARSE_BYTES):
        collector.feed(text)
    parsed = min(size, skip + PARSE_BYTES)
    document = Document(kind=kind, notes=[f"encoding {encoding}"])
    if parsed < size:                        # the parser's unparsed tail is counted with the rest
        collector.add_uncounted_rows(_count_rows(path, encoding, parsed, collector.rawdata))
        document.notes.append(f"rows past {PARSE_BYTES >> 20} MB counted, not read")
    else:
        collector.close()
    collector.fill(document)
    return document


class _TableBuilder:
    """Rows of one table as the parser meets them, with merged-cell bookkeeping."""

    def __init__(self, number: int):
        self.table = Table(name=f"table {number}", total_rows=0)
        self.row: list[Cell] | None = None
        self.cell: list[str] | None = None
        self.cell_chars = 0
        self.span = 1
        self.in_row = False
        self.columns_declared = 0            # columns declared by <col> so far
        self.down: dict[int, int] = {}       # column -> rows (this one included) a rowspan covers

    @property
    def sampling(self) -> bool:
        return len(self.table.rows) < SAMPLE_ROWS

    def start_row(self, hidden: bool) -> None:
        self.end_row()
        self.in_row = True
        self.table.total_rows += 1
        if self.sampling:
            self.row = []
            if hidden:
                self.table.hidden_rows.add(len(self.table.rows))
            self.table.rows.append(self.row)

    def start_cell(self, colspan: int, rowspan: int) -> None:
        if not self.in_row:
            self.start_row(hidden=False)     # a cell outside any <tr>: browsers open a row
        self.end_cell()
        if self.row is None:                 # past the sample: rows are only counted
            return
        self._skip_covered()
        column = len(self.row)
        if rowspan > 1:
            for offset in range(colspan):
                self.down[column + offset] = max(self.down.get(column + offset, 0), rowspan)
        self.cell, self.cell_chars, self.span = [], 0, colspan

    def add_column(self, span: int, hidden: bool) -> None:
        """A <col>: columns styled display:none (Excel's hidden columns) are hidden."""
        if hidden:
            self.table.hidden_columns.update(range(self.columns_declared, self.columns_declared + span))
        self.columns_declared += span

    def add_text(self, text: str) -> None:
        if self.cell is not None and self.cell_chars < MAX_CELL_CHARS:
            self.cell.append(text)
            self.cell_chars += len(text)

    def end_cell(self) -> None:
        if self.cell is None or self.row is None:
            self.cell = None
            return
        value = " ".join("".join(self.cell).split())[:MAX_CELL_CHARS]
        if len(self.row) < MAX_COLUMNS:
            self.row.append(value or None)
            self.row.extend([None] * min(self.span - 1, MAX_COLUMNS - len(self.row)))
        self.cell = None

    def end_row(self) -> None:
        if not self.in_row:
            return
        self.end_cell()
        if self.row is not None:
            self._skip_covered()             # rowspans reaching past the row's last cell
            while self.row and self.row[-1] is None:
                self.row.pop()
        self.down = {col: n - 1 for col, n in self.down.items() if n > 1}
        self.row, self.in_row = None, False

    def _skip_covered(self) -> None:
        while self.row is not None and self.down.get(len(self.row), 0) > 0 and len(self.row) < MAX_COLUMNS:
            self.row.append(None)


class TableCollector(HTMLParser):
    """html.parser handlers that build the tables of a page (and its text when it has none)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[_TableBuilder] = []
        self.open: list[_TableBuilder] = []
        self.too_deep = 0                    # tables opened past MAX_NESTING and not yet closed
        self.hidden = 0                      # depth inside invisible elements
        self.text: list[str] = []
        self.text_chars = 0

    # ---- html.parser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in INVISIBLE:
            self.hidden += 1
        elif tag == "table":
            if self.too_deep or len(self.open) >= MAX_NESTING:
                self.too_deep += 1
                return
            if self.open and self.open[-1].cell is not None:
                self.open[-1].add_text(" ")
            builder = _TableBuilder(len(self.tables) + 1)
            self.tables.append(builder)
            self.open.append(builder)
        elif self.too_deep or not self.open:
            if tag in ("br", "p", "div", "li", "tr"):
                self._add_page_text("\n")
        elif tag == "tr":
            style = _attr(attrs, "style")
            self.open[-1].start_row(hidden=bool(style and _HIDDEN_STYLE.search(style)))
        elif tag in ("td", "th"):
            self.open[-1].start_cell(_span(attrs, "colspan"), _span(attrs, "rowspan"))
        elif tag == "col":
            style = _attr(attrs, "style")
            self.open[-1].add_column(_span(attrs, "span"), hidden=bool(style and _HIDDEN_STYLE.search(style)))
        elif tag in ("br", "p", "div", "li"):
            self.open[-1].add_text(" ")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag not in INVISIBLE and tag != "table":    # <br/>, <td/> ...; a self-closed table holds nothing
            self.handle_starttag(tag, attrs)
            if tag in ("td", "th"):
                self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in INVISIBLE:
            self.hidden = max(0, self.hidden - 1)
        elif tag == "table":
            if self.too_deep:
                self.too_deep -= 1
            elif self.open:
                self.open.pop().end_row()
        elif self.too_deep or not self.open:
            return
        elif tag in ("td", "th"):
            self.open[-1].end_cell()
        elif tag == "tr":
            self.open[-1].end_row()

    def handle_data(self, data: str) -> None:
        if self.hidden or self.too_deep:
            return
        if self.open:
            self.open[-1].add_text(data)
        else:
            self._add_page_text(data)

    def reset_page(self) -> None:
        """End of one page of several (an archive's parts): close what it left open."""
        self.close()
        while self.open:
            self.open.pop().end_row()
        self.too_deep = self.hidden = 0
        self.reset()

    # ---- results
    def fill(self, document: Document) -> None:
        """Put the tables (or, with none, the page's text) and notes into a document."""
        document.tables = [t for t in self.finished_tables() if t.rows]
        if self.too_deep:
            document.notes.append(f"tables nested deeper than {MAX_NESTING} skipped")
        if not document.tables:
            document.text = self.page_text() or None

    def add_uncounted_rows(self, rows: int) -> None:
        """Rows past the parsed bytes: they belong to the table open there, else the last one."""
        target = self.open[0] if self.open else (self.tables[-1] if self.tables else None)
        if target is not None:
            target.table.total_rows += rows

    def finished_tables(self) -> list[Table]:
        for builder in self.tables:
            builder.end_row()
            rows = builder.table.rows
            while rows and not rows[-1]:
                rows.pop()
                builder.table.total_rows -= 1
        return [builder.table for builder in self.tables]

    def page_text(self) -> str:
        return re.sub(r"[ \t\r\f\v]+", " ", "".join(self.text)).strip()

    def _add_page_text(self, data: str) -> None:
        if self.text_chars < MAX_TEXT_CHARS:
            self.text.append(data[: MAX_TEXT_CHARS - self.text_chars])
            self.text_chars += len(data)


def _attr(attrs: list[tuple[str, str | None]], name: str) -> str | None:
    for key, value in attrs:
        if key == name:
            return value
    return None


def _span(attrs, name: str) -> int:
    """A colspan/rowspan attribute as browsers read it: leading digits, 1 when absent or bad."""
    value = _attr(attrs, name)
    digits = re.match(r"\s*(\d{1,6})", value or "")
    return max(1, min(int(digits.group(1)), MAX_SPAN)) if digits else 1


def _count_rows(path: str, encoding: str, start: int, tail: str) -> int:
    """<tr tags in ``tail`` and from byte ``start`` to the end of the file (bytes are
    counted as they are in ASCII-compatible encodings, decoded text in UTF-16)."""
    rows = len(_ROW_TAG.findall(tail + "   "))
    if encoding.startswith("utf-16"):
        for text in decoded_chunks(path, encoding, start, 1 << 62):
            rows += text.lower().count("<tr")
        return rows
    carry = tail[-2:].lower().encode(encoding, "ignore")    # a tag begun in the tail ends in the file
    try:
        with open(path, "rb") as fh:
            fh.seek(start)
            while chunk := fh.read(COUNT_CHUNK):
                chunk = carry + chunk.lower()
                rows += chunk.count(b"<tr")
                carry = chunk[-2:] if not chunk.endswith(b"<tr") else b""
    except OSError:
        raise ReadError("cannot read file") from None
    return rows
