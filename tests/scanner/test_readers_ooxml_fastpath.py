"""The OOXML regex fast path gives the same Document as the expat path, or declines.

Every workbook here is read twice, with ``ooxml_rows.FAST_PATH`` on and off,
and the two outcomes (tables, rows, row counts, hidden parts, visibility,
notes, or the error) must be identical.  Workbooks written the usual way
must not make the fast path decline, so that it is really exercised.
"""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from bench.xlsx_writer import Sheet, write_xlsx
from inventory.demo.share import generate_share
from scanners.document import SAMPLE_ROWS, ReadError
from scanners.readers import ooxml_fast, ooxml_rows, ooxml_sheet
from scanners.readers.ooxml import read_ooxml

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
OOXML_KINDS = {".xlsx": "xlsx", ".xlsm": "xlsm", ".xltx": "xltx", ".xltm": "xltm", ".xlam": "xlam"}
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def outcome(path: Path, kind: str, fast: bool, monkeypatch) -> tuple:
    """What read_ooxml gives, in a form that compares exactly (NaN included)."""
    monkeypatch.setattr(ooxml_rows, "FAST_PATH", fast)
    try:
        doc = read_ooxml(str(path), kind)
    except ReadError as exc:
        return ("error", type(exc).__name__, str(exc))
    tables = [(t.name, t.visibility, t.total_rows, sorted(t.hidden_rows), sorted(t.hidden_columns),
               [[(type(v).__name__, repr(v)) for v in row] for row in t.rows]) for t in doc.tables]
    return ("ok", doc.kind, tables, doc.notes)


def read_both(path: Path, monkeypatch, kind: str = "xlsx") -> tuple[tuple, tuple, set[str]]:
    """(fast outcome, expat outcome, reasons the fast path declined)."""
    before = ooxml_fast.declined.copy()
    fast = outcome(path, kind, True, monkeypatch)
    reasons = set(ooxml_fast.declined - before)
    return fast, outcome(path, kind, False, monkeypatch), reasons


def rows_of(result: tuple) -> list[list]:
    """The first table's rows from an outcome, as (type name, repr) pairs."""
    return result[2][0][5]


def cells(*values) -> list:
    return [(type(v).__name__, repr(v)) for v in values]


# ---------------------------------------------------------------- hand-made packages
STYLES = ('<styleSheet xmlns="%s"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy/m/d"/></numFmts>'
          '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>' % MAIN)


def package(path: Path, sheet_xml: str, shared: str | None = None) -> Path:
    """A one-sheet OOXML zip with the given worksheet and shared-strings XML (and STYLES)."""
    rels = ('<Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId3" Type="%s/styles" Target="styles.xml"/>' % (REL, REL))
    if shared is not None:
        rels += '<Relationship Id="rId2" Type="%s/sharedStrings" Target="sharedStrings.xml"/>' % REL
    parts = {
        "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                       '<Relationship Id="r1" Type="%s/officeDocument" Target="xl/workbook.xml"/>'
                       '</Relationships>' % REL,
        "xl/workbook.xml": '<workbook xmlns="%s" xmlns:r="%s"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
                           '</sheets></workbook>' % (MAIN, REL),
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                                      'relationships">%s</Relationships>' % rels,
        "xl/styles.xml": STYLES,
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text.encode("utf-8") if isinstance(text, str) else text)
    return path


def worksheet(body: str, head: str = "", decl: str = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n') -> str:
    return '%s<worksheet xmlns="%s">%s<sheetData>%s</sheetData></worksheet>' % (decl, MAIN, head, body)


def sst(*items: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="%s">%s</sst>' % (MAIN, "".join(items))


STRINGS = sst(
    "<si><t>氏名</t></si>",
    '<si><r><rPr><b/><sz val="11"/><rFont val="ＭＳ Ｐゴシック"/><family val="3"/><charset val="128"/></rPr>'
    '<t>山田</t></r><r><t xml:space="preserve"> 太郎</t></r>'
    '<rPh sb="0" eb="2"><t>ヤマダ</t></rPh><phoneticPr fontId="1"/></si>',
    '<si><t xml:space="preserve">  A&amp;B &lt;株&gt; &#12354;&#x3044;_x000D_</t></si>',
    "<si/>",
    "<si><t>line\r\nbreak&#13;</t></si>",
    '<si><r><t>堺</t></r><rPh sb="0" eb="1"><r><t>サカイ</t></r></rPh></si>',
)

ROW_OF_TYPES = (
    '<row r="1" spans="1:9">'
    '<c r="A1" t="s"><v>0</v></c><c r="B1" s="0" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
    '<c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c>'
    '<c r="G1"><v>123456789012</v></c><c r="H1"><v>-1.5</v></c><c r="I1"><v>1.23456789012E+11</v></c>'
    '<c r="J1" t="b"><v>1</v></c><c r="K1" t="e"><v>#N/A</v></c>'
    '<c r="L1" t="str"><f>A1&amp;"x"</f><v>a&amp;b_x000D_c</v></c>'
    '<c r="M1" t="d"><v>1970-03-02T00:00:00</v></c>'
    '<c r="N1" t="inlineStr"><is><t>直接</t></is></c>'
    '<c r="O1" t="inlineStr"><is><r><t>富</t></r><r><rPr><b/></rPr><t>田</t></r><rPh sb="0" eb="1"><t>トミ</t></rPh></is></c>'
    '<c r="P1" s="1"><v>25629</v></c><c r="Q1" t="n"><v>007</v></c><c r="R1" t="str"><v xml:space="preserve"> x </v></c>'
    "</row>"
)


def many_rows(count: int, pretty: bool = False) -> str:
    gap = "\n  " if pretty else ""
    return "".join('%s<row r="%d">%s<c r="A%d"><v>%d</v></c>%s<c r="B%d" t="s"><v>0</v></c></row>'
                   % (gap, r, gap, r, r, gap, r) for r in range(1, count + 1))


# (id, sheet XML, shared strings XML, the fast path declines)
HAND_MADE = [
    ("every-cell-type", worksheet(ROW_OF_TYPES), STRINGS, False),
    ("cells-without-r", worksheet('<row r="1"><c><v>1</v></c><c s="1"/><c><v>3</v></c>'
                                  '<c r="F1" s="1"/><c><v>7</v></c><c r="C1"><v>9</v></c><c><v>10</v></c></row>'),
     None, False),
    ("duplicate-and-backward-refs", worksheet('<row r="1"><c r="C1"><v>1</v></c><c r="A1"><v>2</v></c>'
                                              '<c r="A1"><v>3</v></c><c r="B1" t="s"><v>0</v></c>'
                                              '<c r="B1"><v>4</v></c></row>'), STRINGS, False),
    ("rows-without-r-and-backwards", worksheet('<row><c><v>1</v></c></row><row r="5"><c><v>5</v></c></row>'
                                               '<row r="3"><c><v>3</v></c></row><row/><row r="9"/>'), None, False),
    ("leading-blank-rows-padded", worksheet('<row r="12"><c r="B12"><v>1</v></c></row>'), None, False),
    ("leading-blank-rows-skipped", worksheet('<row r="40"><c r="B40"><v>1</v></c></row>'
                                             '<row r="43"><c r="B43"><v>2</v></c></row>'), None, False),
    ("hidden-rows-and-columns", worksheet('<row r="1" hidden="1"><c r="A1"><v>1</v></c></row>'
                                          '<row r="2" spans="1:3" s="2" customFormat="1" ht="30" hidden="true" '
                                          'customHeight="1" x14ac:dyDescent="0.2"><c r="A2"><v>2</v></c></row>'
                                          '<row r="3" hidden="0"><c r="A3"><v>3</v></c></row>',
                                          '<dimension ref="A1:C3"/><cols><col min="2" max="3" hidden="1"/>'
                                          '<col min="5" max="5" hidden="true" width="0"/></cols>'), None, False),
    ("other-attribute-orders", worksheet('<row r="1"><c t="s" r="A1"><v>0</v></c><c r="B1" s="0" t="s" cm="1">'
                                         "<v>1</v></c><c r='C1' t='n'><v>3</v></c><c  r=\"D1\"  ><v>4</v></c>"
                                         '<c r="E1" t="str"><f t="shared" ref="E1:E2" si="0">A1</f><v>x</v></c>'
                                         '<c r="F1"><f t="shared" si="0"/><v>6</v></c></row>'), STRINGS, False),
    ("pretty-printed", worksheet("\n" + many_rows(5, pretty=True) + "\n", "\n  "), STRINGS, False),
    ("references-in-values", worksheet('<row r="1"><c r="A1" t="str"><v>&lt;&#x41;&#66;&quot;&apos;&gt;</v></c>'
                                       '<c r="B1"><v>&#49;2</v></c><c r="C1" t="str"><v>a\r\nb\rc&#13;</v></c>'
                                       '<c r="D1" t="inlineStr"><is><t>x\r</t><t>\ny</t></is></c></row>'),
     None, False),
    ("references-in-row-attributes", worksheet('<row r="&#49;" hidden="&#49;"><c r="A1"><v>1</v></c></row>'),
     None, False),
    ("no-dimension-estimated", worksheet(many_rows(600)), STRINGS, False),
    ("no-dimension-pretty-estimated", worksheet(many_rows(600, pretty=True)), STRINGS, False),
    ("dimension-counted", worksheet(many_rows(600), '<dimension ref="A1:B600"/>'), STRINGS, False),
    ("empty-sheet", '<worksheet xmlns="%s"><dimension ref="A1"/><sheetData/></worksheet>' % MAIN, None, False),
    ("huge-column-letters", worksheet('<row r="1"><c r="ZZZ1"><v>1</v></c><c><v>2</v></c>'
                                      '<c r="A1"><v>3</v></c></row>'), None, False),
    ("bom", "\ufeff" + worksheet('<row r="1"><c r="A1"><v>1</v></c></row>'), None, False),
    ("shared-string-index-past-the-end", worksheet('<row r="1"><c r="A1" t="s"><v>99</v></c>'
                                                   '<c r="B1" t="s"><v>x</v></c></row>'), STRINGS, False),
    ("shared-strings-pretty", worksheet('<row r="1"><c r="A1" t="s"><v>1</v></c></row>'),
     sst("\n  <si>\n    <t>a</t>\n  </si>", "\n  <si>\n    <r><t>b</t></r>\n  </si>\n"), False),
    # outside the fast path's grammar: expat reads them
    ("prefixed-namespace", '<x:worksheet xmlns:x="%s"><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v>'
                           "</x:c></x:row></x:sheetData></x:worksheet>" % MAIN, None, True),
    ("prefixed-shared-strings", worksheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
     '<x:sst xmlns:x="%s"><x:si><x:t>a</x:t></x:si></x:sst>' % MAIN, True),
    ("cdata", worksheet('<row r="1"><c r="A1" t="str"><v><![CDATA[<a>]]></v></c></row>'), None, True),
    ("comment-between-rows", worksheet('<row r="1"><c r="A1"><v>1</v></c></row><!-- x -->'
                                       '<row r="2"><c r="A2"><v>2</v></c></row>'), None, True),
    ("alternate-content", worksheet('<row r="1"><c r="A1"><v>1</v></c></row><mc:AlternateContent '
                                    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
                                    '<mc:Fallback><row r="2"><c r="A2"><v>2</v></c></row></mc:Fallback>'
                                    "</mc:AlternateContent>"), None, True),
    ("unknown-entity", worksheet('<row r="1"><c r="A1" t="str"><v>&nbsp;</v></c></row>'), None, True),
    ("forbidden-character-reference", worksheet('<row r="1"><c r="A1" t="str"><v>&#1;</v></c></row>'),
     None, True),
    ("forbidden-character", worksheet('<row r="1"><c r="A1" t="str"><v>a\x01b</v></c></row>'), None, True),
    ("latin-1-declared", worksheet('<row r="1"><c r="A1" t="str"><v>caf\xe9</v></c></row>',
                                   decl='<?xml version="1.0" encoding="ISO-8859-1"?>'), None, True),
    ("truncated", worksheet('<row r="1"><c r="A1"><v>1</v></c></row>')[:-40], None, True),
    ("duplicate-attribute", worksheet('<row r="1"><c r="A1" s="1" s="2"><v>1</v></c></row>'), None, True),
    ("mismatched-tags", worksheet('<row r="1"><c r="A1"><v>1</c></v></row>'), None, True),
    ("doctype", worksheet('<row r="1"><c r="A1"><v>1</v></c></row>',
                          decl='<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e "x">]>'), None, True),
    ("comment-in-shared-strings", worksheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
     sst("<!-- generated --><si><t>a</t></si>"), True),
    ("phonetic-unclosed-shared-string", worksheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
     sst("<si><t>a</t><rPh><t>b</t></si>"), True),
]


@pytest.mark.parametrize("sheet_xml, shared, declines", [case[1:] for case in HAND_MADE],
                         ids=[case[0] for case in HAND_MADE])
def test_hand_made_parts_read_the_same(tmp_path, monkeypatch, sheet_xml, shared, declines):
    path = package(tmp_path / "book.xlsx", sheet_xml, shared)
    fast, expat, reasons = read_both(path, monkeypatch)
    assert fast == expat
    assert bool(reasons) == declines, reasons


@pytest.mark.parametrize("case, expected", [
    ("every-cell-type", cells("氏名", "山田 太郎", "  A&B <株> あい\r", "", "line\nbreak\r", "堺",
                              123456789012, -1.5, 123456789012, True, None, "a&b\rc",
                              dt.datetime(1970, 3, 2), "直接", "富田", dt.date(1970, 3, 2), 7, " x ")),
    ("cells-without-r", cells(1, None, 9, 10, None, None, 7)),   # C1 comes back over 3
    ("duplicate-and-backward-refs", cells(3, 4, 1)),
    ("references-in-values", cells('<AB"\'>', 12, "a\nb\nc\r", "x\n\ny")),
])
def test_fast_path_values(tmp_path, monkeypatch, case, expected):
    sheet_xml, shared, _ = next(c[1:] for c in HAND_MADE if c[0] == case)
    path = package(tmp_path / "book.xlsx", sheet_xml, shared)
    fast, expat, reasons = read_both(path, monkeypatch)
    assert not reasons
    assert fast == expat
    assert rows_of(fast)[0] == expected


def test_estimated_row_count_matches_expat_offsets(tmp_path, monkeypatch):
    # no <dimension>: the count is estimated from where reading stopped, so the
    # fast path must stop at the very byte expat reports
    path = package(tmp_path / "book.xlsx", worksheet(many_rows(3000, pretty=True)), STRINGS)
    fast, expat, reasons = read_both(path, monkeypatch)
    assert not reasons and fast == expat
    assert len(rows_of(fast)) == SAMPLE_ROWS
    assert fast[3] == ["sheet S: row count estimated"]


def test_chunk_boundaries_inside_characters_and_tags(tmp_path, monkeypatch):
    # multi-byte text over several 64 KB chunks, no <dimension>: the estimate
    # uses the byte offset where reading stopped, the strings cross chunks
    body = "".join('<row r="%d"><c r="A%d" t="inlineStr"><is><t>堺市北区%s</t></is></c>'
                   '<c r="B%d" t="s"><v>%d</v></c></row>' % (r, r, "あ" * (r % 97), r, r * 3)
                   for r in range(1, 2500))
    strings = sst(*("<si><t>%s%d</t></si>" % ("氏名" * (i % 50), i) for i in range(8000)))
    path = package(tmp_path / "big.xlsx", worksheet(body), strings)
    fast, expat, reasons = read_both(path, monkeypatch)
    assert not reasons and fast == expat
    assert fast[3] == ["sheet S: row count estimated"]
    assert rows_of(fast)[SAMPLE_ROWS - 1][1] == cells("氏名" * (600 % 50) + "600")[0]


def test_wide_sheet_stops_after_sample_cells(tmp_path, monkeypatch):
    columns = [xlsxwriter.utility.xl_col_to_name(c) for c in range(150)]
    body = "".join('<row r="%d">%s</row>' % (r, "".join('<c r="%s%d"><v>1</v></c>' % (c, r) for c in columns))
                   for r in range(1, 300))
    path = package(tmp_path / "wide.xlsx", worksheet(body))
    fast, expat, reasons = read_both(path, monkeypatch)
    assert not reasons and fast == expat
    assert len(rows_of(fast)) == -(-ooxml_sheet.SAMPLE_CELLS // 150)


def test_flag_off_never_uses_the_fast_path(tmp_path, monkeypatch):
    path = package(tmp_path / "book.xlsx", worksheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), STRINGS)
    calls = []
    monkeypatch.setattr(ooxml_fast, "sample_rows", lambda *a: calls.append("sheet"))
    monkeypatch.setattr(ooxml_fast, "read_shared_strings", lambda *a: calls.append("strings"))
    assert outcome(path, "xlsx", False, monkeypatch)[0] == "ok"
    assert calls == []


# ---------------------------------------------------------------- workbooks written by xlsxwriter and bench
def roster(path: Path, options: dict) -> None:
    """Title rows, rich text, dates, booleans, errors, hidden rows/columns, sparse cells."""
    wb = xlsxwriter.Workbook(str(path), options)
    ymd = wb.add_format({"num_format": "yyyy/m/d"})
    era = wb.add_format({"num_format": '[$-411]ggge"年"m"月"d"日"'})
    clock = wb.add_format({"num_format": "h:mm"})
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet("名簿")
    ws.merge_range("A1:F1", "令和6年度 対象者名簿")
    ws.write_row(2, 0, ["宛名番号", "氏　名", "生年月日", "和暦", "受付時刻", "済", "備考"])
    for r in range(3, 400):
        ws.write_number(r, 0, 100000000000 + r)
        ws.write_string(r, 1, "山田 %d郎" % r)
        ws.write_datetime(r, 2, dt.datetime(1950, 1, 1) + dt.timedelta(days=37 * r), ymd)
        ws.write_datetime(r, 3, dt.datetime(1989, 1, 8), era)
        ws.write_datetime(r, 4, dt.datetime(1900, 1, 1, 9, r % 60), clock)
        ws.write_boolean(r, 5, r % 2 == 0)
        if r % 7 == 0:
            ws.write_rich_string(r, 6, "要", bold, "介護", " ", "2 & <注>")
        if r % 11 == 0:
            ws.write_formula(r, 7, "=NA()", None, "#N/A")
            ws.write_formula(r, 8, '=B4&"様"', None, "山田 様")
            ws.write_number(r, 30, 2.5)
        if r % 13 == 0:
            ws.write_blank(r, 9, None, bold)
            ws.write_string(r, 12, "  前後に空白  ")
    ws.set_row(4, None, None, {"hidden": True})
    ws.set_column(3, 3, None, None, {"hidden": True})
    late = wb.add_worksheet("後半から")
    late.write_row(35, 2, ["氏名", "住所"])
    late.write_row(36, 2, ["堺 花子", "堺市堺区南瓦町3-1"])
    early = wb.add_worksheet("空行あり")
    early.write_row(5, 1, ["氏名", 1, 2.25, -3])
    hidden = wb.add_worksheet("元データ")
    hidden.write_row(0, 0, ["氏名", "住所"])
    hidden.hide()
    wb.add_worksheet("空")
    wb.close()


@pytest.mark.parametrize("options", [{}, {"constant_memory": True}, {"date_1904": True},
                                     {"strings_to_numbers": True}],
                         ids=["shared-strings", "inline-strings", "date1904", "strings-to-numbers"])
def test_xlsxwriter_workbooks_read_the_same(tmp_path, monkeypatch, options):
    path = tmp_path / "roster.xlsx"
    roster(path, options)
    fast, expat, reasons = read_both(path, monkeypatch)
    assert not reasons
    assert fast == expat
    assert [t[0] for t in fast[2]] == ["名簿", "後半から", "空行あり", "元データ", "空"]


def test_excel_shaped_bench_workbook_reads_the_same(tmp_path, monkeypatch):
    rows = [["番号", "氏名", "生年月日", "金額"]] + [
        [n, "氏名%d" % n, dt.date(1960, 1, 1) + dt.timedelta(days=n * 3), n * 1.25] for n in range(1, 1200)]
    path = tmp_path / "bench.xlsx"
    write_xlsx(path, [Sheet("名簿", iter(rows), (len(rows), 4)), Sheet("隠し", iter([["x"]]), (1, 1), "hidden")])
    fast, expat, reasons = read_both(path, monkeypatch)
    assert not reasons
    assert fast == expat
    assert fast[2][0][2] == len(rows)


@pytest.fixture(scope="module")
def demo_share(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("share")
    generate_share(root)
    return root


def test_demo_share_reads_the_same(demo_share, monkeypatch):
    files = sorted(p for p in demo_share.rglob("*") if p.suffix.lower() in OOXML_KINDS)
    assert files
    declined = {}
    for path in files:
        fast, expat, reasons = read_both(path, monkeypatch, OOXML_KINDS[path.suffix.lower()])
        assert fast == expat, path.name
        if reasons:
            declined[path.name] = reasons
    assert declined == {}


# ---------------------------------------------------------------- the corpus
def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in OOXML_KINDS and p.is_file())


@pytest.mark.corpus
@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_workbook_reads_the_same(path, monkeypatch):
    fast, expat, _ = read_both(path, monkeypatch, OOXML_KINDS[path.suffix.lower()])
    assert fast == expat


# ---------------------------------------------------------------- helpers
@pytest.mark.parametrize("raw, expected", [
    ("plain", "plain"),
    ("a&amp;b&lt;c&gt;d&quot;e&apos;", "a&b<c>d\"e'"),
    ("&#12354;&#x3044;&#65;", "あいA"),
    ("a\r\nb\rc", "a\nb\nc"),
    ("&#13;\r\n", "\r\n"),
])
def test_character_data(raw, expected):
    assert ooxml_fast._character_data(raw) == expected


@pytest.mark.parametrize("text, expected", [
    (' r="1" spans="1:5"', {"r": "1", "spans": "1:5"}),
    (" r='2'  hidden = \"1\" ", {"r": "2", "hidden": "1"}),
    (' r="1" x14ac:dyDescent="0.2"', {"r": "1", "x14ac:dyDescent": "0.2"}),
    (' a="x\ty\r\nz" b="&#10;&amp;"', {"a": "x y z", "b": "\n&"}),
])
def test_attributes(text, expected):
    assert ooxml_fast._attributes(text) == expected


@pytest.mark.parametrize("xml, expected", [
    ("<t>氏名</t>", "氏名"),
    ('<t xml:space="preserve"> a </t>', " a "),
    ("<r><rPr><b/></rPr><t>山</t></r><r><t>田</t></r><rPh sb=\"0\" eb=\"1\"><t>ヤマ</t></rPh>", "山田"),
    ("<t/>", ""),
    ("<r><t>a\r</t></r><r><t>\nb</t></r>", "a\n\nb"),
])
def test_rich_text(xml, expected):
    assert ooxml_fast._rich_text(xml) == expected
