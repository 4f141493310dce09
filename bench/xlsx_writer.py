"""A small streaming xlsx writer that lays files out the way Excel saves them.

Benchmarks need workbooks shaped like Excel's own output: a shared-string
table (``xl/sharedStrings.xml`` with ``count``/``uniqueCount``), a
``<dimension>``, ``r`` attributes on every row and cell, a styles part with a
date format, and the part order Excel uses.  xlsxwriter can do this only by
holding every cell in memory, which is slow for 680,000 rows; this writer
streams the sheet XML into the zip and keeps only the string table.
"""
from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
EXCEL_EPOCH = dt.date(1899, 12, 30)
#: style index (cellXfs) of date cells; 0 is the default style
DATE_STYLE = 1
#: rows formatted per chunk written to the zip stream
CHUNK_ROWS = 5000


@dataclass
class Sheet:
    """One worksheet: rows of str / int / float / date / None cells."""

    name: str
    rows: Iterable[Sequence]
    #: (rows, columns), needed up front for ``<dimension>``
    shape: tuple[int, int]
    state: str = "visible"  # visible | hidden | veryHidden
    column_widths: list[float] = field(default_factory=list)


def column_letter(index: int) -> str:
    """0-based column index to Excel letters: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def excel_serial(value: dt.date) -> int:
    """A date as Excel's 1900-system serial day number."""
    return (value - EXCEL_EPOCH).days


class SharedStrings:
    """The shared-string table: each distinct text once, in first-use order."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0

    def add(self, text: str) -> int:
        self.count += 1
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.index)
        return found

    def xml(self) -> bytes:
        parts = [XML_DECL, f'<sst xmlns="{MAIN_NS}" count="{self.count}" uniqueCount="{len(self.index)}">']
        for text in self.index:
            space = ' xml:space="preserve"' if text != text.strip() else ""
            parts.append(f"<si><t{space}>{escape(text)}</t></si>")
        parts.append("</sst>")
        return "".join(parts).encode("utf-8")


def _row_xml(row_number: int, row: Sequence, letters: list[str], strings: SharedStrings) -> str:
    cells = []
    for col, value in enumerate(row):
        if value is None or value == "":
            continue
        ref = f"{letters[col]}{row_number}"
        if isinstance(value, str):
            cells.append(f'<c r="{ref}" t="s"><v>{strings.add(value)}</v></c>')
        elif isinstance(value, bool):
            cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, (int, float)):
            cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        elif isinstance(value, dt.date):
            cells.append(f'<c r="{ref}" s="{DATE_STYLE}"><v>{excel_serial(value)}</v></c>')
        else:
            raise TypeError(f"unsupported cell type {type(value).__name__}")
    span = f"1:{len(letters)}"
    return f'<row r="{row_number}" spans="{span}">{"".join(cells)}</row>'


def _sheet_head(sheet: Sheet, selected: bool) -> str:
    n_rows, n_cols = sheet.shape
    last = f"{column_letter(max(n_cols, 1) - 1)}{max(n_rows, 1)}"
    ref = "A1" if n_rows <= 1 and n_cols <= 1 else f"A1:{last}"
    tab = ' tabSelected="1"' if selected else ""
    cols = ""
    if sheet.column_widths:
        cols = "<cols>" + "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(sheet.column_widths, start=1)) + "</cols>"
    return (f'{XML_DECL}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            f'<dimension ref="{ref}"/>'
            f'<sheetViews><sheetView{tab} workbookViewId="0"/></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="18.75"/>{cols}<sheetData>')


SHEET_TAIL = ('</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75"'
              ' header="0.3" footer="0.3"/><pageSetup paperSize="9" orientation="portrait"/></worksheet>')


def _write_sheet(zf: zipfile.ZipFile, number: int, sheet: Sheet, strings: SharedStrings) -> None:
    letters = [column_letter(i) for i in range(max(sheet.shape[1], 1))]
    info = zipfile.ZipInfo(f"xl/worksheets/sheet{number}.xml", date_time=(2024, 4, 1, 9, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with zf.open(info, "w") as out:
        out.write(_sheet_head(sheet, number == 1).encode("utf-8"))
        chunk: list[str] = []
        for row_number, row in enumerate(sheet.rows, start=1):
            chunk.append(_row_xml(row_number, row, letters, strings))
            if len(chunk) >= CHUNK_ROWS:
                out.write("".join(chunk).encode("utf-8"))
                chunk.clear()
        out.write(("".join(chunk) + SHEET_TAIL).encode("utf-8"))


def _content_types(n_sheets: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n_sheets + 1))
    return (f'{XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f'{sheets}'
            '<Override PartName="/xl/styles.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType='
            '"application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>')


ROOT_RELS = (f'{XML_DECL}<Relationships xmlns="{PKG_REL_NS}">'
             '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
             'relationships/extended-properties" Target="docProps/app.xml"/>'
             '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
             'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
             'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')

STYLES = (f'{XML_DECL}<styleSheet xmlns="{MAIN_NS}">'
          '<fonts count="1"><font><sz val="11"/><color theme="1"/><name val="游ゴシック"/>'
          '<family val="2"/><charset val="128"/><scheme val="minor"/></font></fonts>'
          '<fills count="2"><fill><patternFill patternType="none"/></fill>'
          '<fill><patternFill patternType="gray125"/></fill></fills>'
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
          '<cellStyles count="1"><cellStyle name="標準" xfId="0" builtinId="0"/></cellStyles>'
          '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2"'
          ' defaultPivotStyle="PivotStyleLight16"/></styleSheet>')


def _workbook(sheets: list[Sheet]) -> tuple[str, str]:
    entries, rels = [], []
    for i, sheet in enumerate(sheets, start=1):
        state = "" if sheet.state == "visible" else f' state="{sheet.state}"'
        entries.append(f'<sheet name="{escape(sheet.name, {chr(34): "&quot;"})}" sheetId="{i}"{state} r:id="rId{i}"/>')
        rels.append(f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>')
    n = len(sheets)
    rels.append(f'<Relationship Id="rId{n + 1}" Type="{REL_NS}/styles" Target="styles.xml"/>')
    rels.append(f'<Relationship Id="rId{n + 2}" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>')
    workbook = (f'{XML_DECL}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
                '<fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="27328"/>'
                '<workbookPr defaultThemeVersion="166925"/>'
                '<bookViews><workbookView xWindow="-120" yWindow="-120" windowWidth="29040" windowHeight="15840"/>'
                f'</bookViews><sheets>{"".join(entries)}</sheets><calcPr calcId="191029"/></workbook>')
    workbook_rels = f'{XML_DECL}<Relationships xmlns="{PKG_REL_NS}">{"".join(rels)}</Relationships>'
    return workbook, workbook_rels


def _doc_props(sheets: list[Sheet], author: str, when: dt.datetime) -> tuple[str, str]:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    core = (f'{XML_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:creator>{escape(author)}</dc:creator><cp:lastModifiedBy>{escape(author)}</cp:lastModifiedBy>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>')
    titles = "".join(f"<vt:lpstr>{escape(s.name)}</vt:lpstr>" for s in sheets)
    app = (f'{XML_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
           'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
           '<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>'
           f'<TitlesOfParts><vt:vector size="{len(sheets)}" baseType="lpstr">{titles}</vt:vector></TitlesOfParts>'
           '<AppVersion>16.0300</AppVersion></Properties>')
    return core, app


def write_xlsx(path: str | Path, sheets: list[Sheet], author: str = "user",
               when: dt.datetime = dt.datetime(2024, 4, 1, 0, 0, 0)) -> None:
    """Write ``sheets`` to ``path`` as Excel would lay the package out."""
    workbook, workbook_rels = _workbook(sheets)
    core, app = _doc_props(sheets, author, when)
    strings = SharedStrings()
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)

    def put(zf: zipfile.ZipFile, name: str, text: str | bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, text)

    with zipfile.ZipFile(path, "w") as zf:
        put(zf, "[Content_Types].xml", _content_types(len(sheets)))
        put(zf, "_rels/.rels", ROOT_RELS)
        put(zf, "xl/workbook.xml", workbook)
        put(zf, "xl/_rels/workbook.xml.rels", workbook_rels)
        for number, sheet in enumerate(sheets, start=1):
            _write_sheet(zf, number, sheet, strings)
        put(zf, "xl/styles.xml", STYLES)
        put(zf, "xl/sharedStrings.xml", strings.xml())
        put(zf, "docProps/core.xml", core)
        put(zf, "docProps/app.xml", app)
