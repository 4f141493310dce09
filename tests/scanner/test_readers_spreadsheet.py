"""Spreadsheet readers: OOXML (own zip/XML reader), xls/xlsb/ods (calamine), encryption."""
from __future__ import annotations

import datetime as dt
import io
import os
import tracemalloc
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from work_counters import count_part_reads

from scanners.document import SAMPLE_ROWS, EncryptedError, OtherContent, ReadError
from scanners.readers import ReaderChoice
from scanners.readers.calamine import read_calamine
from scanners.readers.encryption import ole_encryption, xls_filepass
from scanners.readers.numfmt import DATE, DATETIME, TIME, format_kind, from_serial
from scanners.readers.ooxml import read_ooxml
from scanners.readers.ooxml_sheet import SHEET_SAMPLE_BYTES
from scanners.readers.safezip import CHUNK

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
SPREADSHEET_KINDS = {".xlsx": "xlsx", ".xlsm": "xlsm", ".xltx": "xltx", ".xltm": "xltm", ".xlam": "xlam",
                     ".xls": "xls", ".xlt": "xls", ".xla": "xls", ".xlsb": "xlsb", ".ods": "ods"}


def read(path, kind):
    """The kind's reader, with the hand-over of the reader choice: a file whose content is the
    other family's (OLE under an OOXML name, an xlsx zip under an xls name) goes to its reader."""
    reader = read_ooxml if kind in ("xlsx", "xlsm", "xltx", "xltm", "xlam") else read_calamine
    return ReaderChoice(reader, kind).read(str(path))


def corpus_file(relative: str) -> Path:
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip("corpus file missing: " + relative)
    return path


# ---------------------------------------------------------------- number formats
@pytest.mark.parametrize("code, expected", [
    ("yyyy/m/d", DATE),
    ('[$-411]ggge"年"m"月"d"日"', DATE),
    ('[$-411]ge.m.d', DATE),
    ("yyyy/mm/dd hh:mm", DATETIME),
    ("h:mm AM/PM", TIME),
    ('h"時"mm"分"', TIME),
    ("[h]:mm:ss", None),                 # a duration
    ("General", None),
    ("0.00E+00", None),                  # scientific, not an era
    ('#,##0"円"', None),
    ('"年度"0', None),                   # date letters only inside quotes
    ("[Red]0.00;[Blue]-0.00", None),
    ("yyyy/m/d;@", DATE),
    ("mmm-yy", DATE),
])
def test_format_kind(code, expected):
    assert format_kind(code) == expected


@pytest.mark.parametrize("serial, kind, date1904, expected", [
    (25629, DATE, False, dt.date(1970, 3, 2)),
    (25629.4375, DATETIME, False, dt.datetime(1970, 3, 2, 10, 30)),
    (0.5, TIME, False, dt.time(12, 0)),
    (1, DATE, False, dt.date(1900, 1, 1)),
    (59, DATE, False, dt.date(1900, 2, 28)),
    (61, DATE, False, dt.date(1900, 3, 1)),
    (24167, DATE, True, dt.date(1970, 3, 2)),
    (-1, DATE, False, -1),
    (3_000_000, DATE, False, 3_000_000),
])
def test_from_serial(serial, kind, date1904, expected):
    assert from_serial(serial, kind, date1904) == expected


# ---------------------------------------------------------------- workbooks built with xlsxwriter
@pytest.fixture(scope="module")
def roster(tmp_path_factory) -> Path:
    """A clerk's roster: title rows, merged title, dates, hidden parts, hidden sheets, a chartsheet."""
    path = tmp_path_factory.mktemp("xlsx") / "名簿.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ymd = wb.add_format({"num_format": "yyyy/m/d"})
    era = wb.add_format({"num_format": '[$-411]ggge"年"m"月"d"日"'})
    clock = wb.add_format({"num_format": "h:mm"})
    ws = wb.add_worksheet("名簿")
    ws.merge_range("A1:F1", "令和6年度 対象者名簿")
    ws.write_row(2, 0, ["宛名番号", "氏　名", "生年月日", "和暦", "受付時刻", "済"])
    ws.write_number(3, 0, 123456789012)
    ws.write_string(3, 1, "山田 太郎")
    ws.write_datetime(3, 2, dt.datetime(1970, 3, 2), ymd)
    ws.write_datetime(3, 3, dt.datetime(1989, 1, 8), era)
    ws.write_datetime(3, 4, dt.datetime(1900, 1, 1, 9, 15), clock)
    ws.write_boolean(3, 5, True)
    ws.write_row(4, 0, [2, "山田 花子"])
    ws.write_formula(4, 2, "=NA()", None, "#N/A")
    ws.write_number(4, 3, 2.5)
    ws.set_row(4, None, None, {"hidden": True})
    ws.set_column(3, 3, None, None, {"hidden": True})
    hidden = wb.add_worksheet("元データ")
    hidden.write_row(0, 0, ["氏名", "住所"])
    hidden.hide()
    secret = wb.add_worksheet("超隠し")
    secret.write_string(0, 0, "x")
    secret.very_hidden()
    chart_data = wb.add_worksheet("グラフ元")
    chart_data.write_column(0, 0, [1, 2, 3])
    chart = wb.add_chart({"type": "line"})
    chart.add_series({"values": "='グラフ元'!$A$1:$A$3"})
    chartsheet = wb.add_chartsheet("グラフ")
    chartsheet.set_chart(chart)
    wb.close()
    return path


def test_roster_sheets_in_order_with_visibility(roster):
    doc = read_ooxml(str(roster), "xlsx")
    assert [(t.name, t.visibility) for t in doc.tables] == [
        ("名簿", "visible"), ("元データ", "hidden"), ("超隠し", "veryHidden"), ("グラフ元", "visible")]
    assert "skipped 1 chartsheet(s)" in doc.notes


@pytest.mark.parametrize("row, col, expected", [
    (0, 0, "令和6年度 対象者名簿"),          # merged title: value in the top-left cell
    (0, 1, None),
    (2, 1, "氏　名"),
    (3, 0, 123456789012),                    # long numbers stay exact ints
    (3, 1, "山田 太郎"),
    (3, 2, dt.date(1970, 3, 2)),
    (3, 3, dt.date(1989, 1, 8)),             # 和暦 format is a date too
    (3, 4, dt.time(9, 15)),                  # a time-of-day format under 1 day
    (3, 5, True),
    (4, 2, None),                            # #N/A
    (4, 3, 2.5),
])
def test_roster_cells(roster, row, col, expected):
    table = read_ooxml(str(roster), "xlsx").tables[0]
    cells = table.rows[row]
    assert (cells[col] if col < len(cells) else None) == expected
    assert type(cells[col] if col < len(cells) else None) is type(expected)


def test_roster_blank_row_and_hidden_parts(roster):
    table = read_ooxml(str(roster), "xlsx").tables[0]
    assert table.rows[1] == []
    assert table.total_rows == 5
    assert table.hidden_rows == {4}
    assert table.hidden_columns == {3}


def test_date1904_workbook(tmp_path):
    path = tmp_path / "mac.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"date_1904": True})
    ws = wb.add_worksheet()
    ws.write_datetime(0, 0, dt.datetime(1970, 3, 2), wb.add_format({"num_format": "yyyy-mm-dd"}))
    ws.write_number(0, 1, 24167)
    wb.close()
    assert read_ooxml(str(path), "xlsx").tables[0].rows[0] == [dt.date(1970, 3, 2), 24167]


def test_sample_stops_at_sample_rows_and_counts_from_dimension(tmp_path):
    path = tmp_path / "long.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for r in range(1000):
        ws.write_row(r, 0, ["名前%d" % r, r])
    wb.close()
    table = read_ooxml(str(path), "xlsx").tables[0]
    assert len(table.rows) == SAMPLE_ROWS
    assert table.total_rows == 1000
    assert table.rows[SAMPLE_ROWS - 1] == ["名前%d" % (SAMPLE_ROWS - 1), SAMPLE_ROWS - 1]


# ---------------------------------------------------------------- hand-made packages
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def package(path: Path, sheets: list[tuple[str, str, str]], sheet_xml: dict[str, str],
            shared: str | None = None, extra: dict[str, str] | None = None) -> Path:
    """An OOXML zip; ``sheets`` are (name, state, part file name) in workbook order."""
    entries = "".join('<sheet name="%s" sheetId="%d" %s r:id="rId%d"/>'
                      % (name, i + 1, 'state="%s"' % state if state else "", i + 1)
                      for i, (name, state, _) in enumerate(sheets))
    rels = "".join('<Relationship Id="rId%d" Type="%s/worksheet" Target="worksheets/%s"/>' % (i + 1, REL, part)
                   for i, (_, _, part) in enumerate(sheets))
    if shared is not None:
        rels += '<Relationship Id="rIdS" Type="%s/sharedStrings" Target="sharedStrings.xml"/>' % REL
    parts = {
        "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                       '<Relationship Id="r1" Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>' % REL,
        "xl/workbook.xml": '<workbook xmlns="%s" xmlns:r="%s"><sheets>%s</sheets></workbook>' % (MAIN, REL, entries),
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                                      'relationships">%s</Relationships>' % rels,
        **{"xl/worksheets/" + name: xml for name, xml in sheet_xml.items()},
        **(extra or {}),
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return path


def sheet(body: str, head: str = "") -> str:
    return '<worksheet xmlns="%s">%s<sheetData>%s</sheetData></worksheet>' % (MAIN, head, body)


def test_sheet_order_follows_workbook_not_part_names(tmp_path):
    path = package(tmp_path / "order.xlsx",
                   [("後", None, "sheet2.xml"), ("前", "veryHidden", "sheet1.xml")],
                   {"sheet1.xml": sheet('<row r="1"><c r="A1"><v>1</v></c></row>'),
                    "sheet2.xml": sheet('<row r="1"><c r="A1"><v>2</v></c></row>')})
    doc = read_ooxml(str(path), "xlsx")
    assert [(t.name, t.visibility, t.rows) for t in doc.tables] == [
        ("後", "visible", [[2]]), ("前", "veryHidden", [[1]])]


@pytest.mark.parametrize("cells, expected", [
    ('<c r="A1" t="inlineStr"><is><t>氏名</t></is></c>', ["氏名"]),
    ('<c r="A1" t="inlineStr"><is><r><t>山田</t></r><r><t> 太郎</t></r></is></c>', ["山田 太郎"]),
    ('<c r="A1" t="s"><v>1</v></c>', ["ヤマダ"]),
    ('<c r="A1" t="s"><v>0</v></c>', ["山田"]),                 # phonetic run (rPh) left out
    ('<c r="A1" t="b"><v>0</v></c>', [False]),
    ('<c r="A1" t="e"><v>#N/A</v></c>', []),
    ('<c r="A1" t="str"><f>A2</f><v>x_x000D_y</v></c>', ["x\ry"]),
    ('<c r="A1" t="d"><v>1970-03-02T00:00:00</v></c>', [dt.datetime(1970, 3, 2)]),
    ('<c r="C1"><v>1.5</v></c>', [None, None, 1.5]),
    ('<c><v>1</v></c><c><v>2</v></c>', [1, 2]),                 # cells without references
    ('<c r="B1" s="0"/><c><v>7</v></c>', [None, None, 7]),     # after an empty styled cell
    ('<c r="A1"><v>1.23456789012E+11</v></c>', [123456789012]),
])
def test_cell_types(tmp_path, cells, expected):
    shared = ('<sst xmlns="%s"><si><r><t>山田</t></r><rPh sb="0" eb="2"><t>ヤマダ</t></rPh></si>'
              '<si><t>ヤマダ</t></si></sst>' % MAIN)
    path = package(tmp_path / "cells.xlsx", [("S", None, "sheet1.xml")],
                   {"sheet1.xml": sheet('<row r="1">%s</row>' % cells)}, shared=shared)
    assert read_ooxml(str(path), "xlsx").tables[0].rows == [expected]


def test_prefixed_namespace_parts_are_read(tmp_path):
    body = ('<x:worksheet xmlns:x="%s"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr">'
            '<x:is><x:t>氏名</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>' % MAIN)
    path = package(tmp_path / "prefixed.xlsx", [("S", None, "sheet1.xml")], {"sheet1.xml": body})
    assert read_ooxml(str(path), "xlsx").tables[0].rows == [["氏名"]]


def test_shared_strings_parsing_stops_after_highest_needed_index(tmp_path):
    # everything after the needed strings is broken: reading must not reach it
    shared = '<sst xmlns="%s"><si><t>a</t></si><si><t>b</t></si><si><t>c</t></si><si><t>never' % MAIN
    path = package(tmp_path / "sst.xlsx", [("S", None, "sheet1.xml")],
                   {"sheet1.xml": sheet('<row r="1"><c t="s"><v>2</v></c><c t="s"><v>0</v></c></row>')},
                   shared=shared)
    doc = read_ooxml(str(path), "xlsx")
    assert doc.tables[0].rows == [["c", "a"]]
    assert doc.notes == []


@pytest.mark.parametrize("head, rows, expected_total, estimated", [
    ('<dimension ref="A1:G680001"/>', 300, 680001, False),
    ('<dimension ref="A1"/>', 300, None, True),          # absurd: fewer rows than seen
    ("", 300, None, True),                               # absent: estimated from the part size
    ('<dimension ref="A1:B5"/>', 5, 5, False),           # small sheet: read whole, exact
])
def test_row_count(tmp_path, head, rows, expected_total, estimated):
    body = "".join('<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (r, r, r) for r in range(1, rows + 1))
    path = package(tmp_path / "dim.xlsx", [("S", None, "sheet1.xml")], {"sheet1.xml": sheet(body, head)})
    doc = read_ooxml(str(path), "xlsx")
    table = doc.tables[0]
    assert len(table.rows) == min(rows, SAMPLE_ROWS)
    if expected_total is not None:
        assert table.total_rows == expected_total
    else:
        assert SAMPLE_ROWS <= table.total_rows and abs(table.total_rows - rows) < rows * 0.2
    assert ("sheet S: row count estimated" in doc.notes) == estimated


def test_doctype_is_refused(tmp_path):
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            '<sst xmlns="%s"><si><t>&lol2;</t></si></sst>' % MAIN)
    path = package(tmp_path / "lol.xlsx", [("S", None, "sheet1.xml")],
                   {"sheet1.xml": sheet('<row r="1"><c t="s"><v>0</v></c></row>')}, shared=bomb)
    with pytest.raises(ReadError, match="DOCTYPE"):
        read_ooxml(str(path), "xlsx")


def test_backslash_part_names_are_found(tmp_path):
    path = package(tmp_path / "win.xlsx", [("S", None, "sheet1.xml")],
                   {"sheet1.xml": sheet('<row r="1"><c><v>1</v></c></row>')})
    renamed = tmp_path / "backslash.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(renamed, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename.replace("/", "\\"), src.read(info))
    assert read_ooxml(str(renamed), "xlsx").tables[0].rows == [[1]]


def test_missing_sheet_part_is_a_note(tmp_path):
    path = package(tmp_path / "missing.xlsx", [("ok", None, "sheet1.xml"), ("gone", None, "sheet9.xml")],
                   {"sheet1.xml": sheet('<row r="1"><c><v>1</v></c></row>')})
    doc = read_ooxml(str(path), "xlsx")
    assert [t.name for t in doc.tables] == ["ok"]
    assert "sheet gone: part missing" in doc.notes


# ---------------------------------------------------------------- zip bombs
def write_bomb(path: Path, sheet_bytes: int, filler: bytes = b" ") -> Path:
    """A workbook whose only sheet is ``sheet_bytes`` of filler before its rows."""
    path = package(path, [("S", None, "sheet1.xml")], {})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(('<worksheet xmlns="%s"><sheetData>' % MAIN).encode())
            block = filler * (1 << 20)
            for _ in range(sheet_bytes >> 20):
                out.write(block)
            out.write(b'<row r="1"><c><v>1</v></c></row></sheetData></worksheet>')
    return path


@pytest.mark.parametrize("megabytes, outcome, sheet_inflated", [
    (300, "zip bomb: part declares", 0),           # refused from the central directory alone
    (200, "inflates past 64 MB", SHEET_SAMPLE_BYTES + CHUNK),  # allowed: the read cap stops it
])
def test_zip_bomb_is_bounded(tmp_path, monkeypatch, megabytes, outcome, sheet_inflated):
    """Bytes inflated from the sheet stay under the cap (the time is a ``make bench`` figure)."""
    path = write_bomb(tmp_path / "bomb.xlsx", megabytes << 20)
    assert path.stat().st_size < megabytes * 1024 * 2  # compresses to little
    parts = count_part_reads(monkeypatch)
    tracemalloc.start()
    try:
        doc = read_ooxml(str(path), "xlsx")
        message = " ".join(doc.notes)
    except ReadError as exc:
        message = str(exc)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert outcome in message
    sheet_reads = [p.bytes for p in parts.files if p.path.endswith("sheet1.xml")]
    assert len(sheet_reads) <= 2 and max(sheet_reads, default=0) <= sheet_inflated   # fast path, expat
    assert peak < 50 << 20


# ---------------------------------------------------------------- broken and hostile inputs
def _good_xlsx() -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    wb.add_worksheet().write_row(0, 0, ["氏名", "住所"] * 50)
    wb.close()
    return out.getvalue()


@pytest.mark.parametrize("kind", ["xlsx", "xlsm", "xls", "xlsb", "ods"])
@pytest.mark.parametrize("content", [
    b"",
    os.urandom(5000),
    b"PK\x03\x04" + os.urandom(3000),
    _good_xlsx()[:3000],                         # truncated zip
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(3000),   # truncated OLE
], ids=["empty", "random", "zip-magic-random", "truncated-zip", "truncated-ole"])
def test_bad_input_is_a_read_error(tmp_path, kind, content):
    path = tmp_path / ("bad." + kind)
    path.write_bytes(content)
    with pytest.raises(ReadError):
        read(path, kind)


@pytest.fixture(scope="module")
def encrypted_xlsx(tmp_path_factory) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    path = tmp_path_factory.mktemp("enc") / "secret.xlsx"
    with path.open("wb") as out:
        OOXMLFile(io.BytesIO(_good_xlsx())).encrypt("秘密のパスワード", out)
    return path


@pytest.mark.parametrize("kind", ["xlsx", "xlsm", "xlsb"])
def test_encrypted_ooxml(encrypted_xlsx, kind, tmp_path):
    path = tmp_path / ("secret." + kind)
    path.write_bytes(encrypted_xlsx.read_bytes())
    with pytest.raises(EncryptedError):
        read(path, kind)
    assert ole_encryption(str(path)) == "ooxml"


@pytest.mark.corpus
@pytest.mark.parametrize("relative, kind, method", [
    ("apache+poi/test-data/spreadsheet/protected_passtika.xlsx", "xlsx", "ooxml"),
    ("apache+poi/test-data/spreadsheet/protected_passtika.xlsb", "xlsb", "ooxml"),
    ("apache+poi/test-data/spreadsheet/password.xls", "xls", "xls-rc4"),
    ("apache+poi/test-data/spreadsheet/xor-encryption-abc.xls", "xls", "xls-xor"),
    ("nolze+msoffcrypto-tool/tests/inputs/rc4cryptoapi_password.xls", "xls", "xls-rc4-cryptoapi"),
    ("tafia+calamine/tests/pass_protected.ods", "ods", None),
])
def test_encrypted_corpus_files(relative, kind, method):
    path = corpus_file(relative)
    with pytest.raises(EncryptedError):
        read(path, kind)
    if method is not None:
        assert ole_encryption(str(path)) == method


@pytest.mark.corpus
def test_default_password_xls_is_decrypted():
    path = corpus_file("decalage2+oletools/tests/test-data/encrypted/autostart-encrypt-standardpassword.xls")
    assert ole_encryption(str(path)) is not None
    doc = read_calamine(str(path), "xls")
    assert doc.tables and doc.tables[0].rows
    assert "decrypted with Excel's default write-protection key" in doc.notes


@pytest.mark.corpus
@pytest.mark.parametrize("relative", [
    "apache+poi/test-data/spreadsheet/poc-xmlbomb.xlsx",
    "apache+poi/test-data/spreadsheet/poc-xmlbomb-empty.xlsx",
    "apache+poi/test-data/spreadsheet/54764.xlsx",
])
def test_corpus_xml_bombs_are_refused_before_expansion(relative, monkeypatch):
    """The DOCTYPE is refused in the first chunk of the part that declares it: no entity is
    ever expanded, and no part is read on after it."""
    parts = count_part_reads(monkeypatch)
    with pytest.raises(ReadError, match="DOCTYPE"):
        read_ooxml(str(corpus_file(relative)), "xlsx")
    assert parts.files and parts.files[-1].reads == 1 and parts.files[-1].bytes <= CHUNK


@pytest.mark.corpus
def test_corrupt_ole_that_aborts_calamine_is_refused():
    # calamine allocates 4 GB and aborts the process on this file; we must refuse it first
    path = corpus_file("ExcelDataReader+ExcelDataReader/src/TestData/Test_git_issue_382_oom.xls")
    with pytest.raises(ReadError, match="corrupt OLE"):
        read_calamine(str(path), "xls")


@pytest.mark.parametrize("head, expected", [
    (bytes.fromhex("0908 1000 0006 0500") + bytes(12) + bytes.fromhex("2f00 0600 0000 1234 5678"), "xls-xor"),
    (bytes.fromhex("0908 1000 0006 0500") + bytes(12) + bytes.fromhex("2f00 0600 0100 0100 0100"), "xls-rc4"),
    (bytes.fromhex("0908 1000 0006 0500") + bytes(12) + bytes.fromhex("2f00 0600 0100 0400 0200"),
     "xls-rc4-cryptoapi"),
    (bytes.fromhex("0908 1000 0006 0500") + bytes(12) + bytes.fromhex("e100 0200 b004"), None),
    (b"not biff", None),
])
def test_xls_filepass(head, expected):
    assert xls_filepass(head) == expected


# ---------------------------------------------------------------- calamine formats
@pytest.mark.corpus
@pytest.mark.parametrize("name, kind", [("any_sheets.xls", "xls"), ("any_sheets.xlsb", "xlsb"),
                                        ("any_sheets.xlsx", "xlsx")])
def test_calamine_visibility_and_sheet_types(name, kind):
    doc = read(corpus_file("tafia+calamine/tests/" + name), kind)
    assert [(t.name, t.visibility) for t in doc.tables] == [
        ("Visible", "visible"), ("Hidden", "hidden"), ("VeryHidden", "veryHidden")]
    assert "skipped 1 chartsheet(s)" in doc.notes


@pytest.mark.corpus
@pytest.mark.parametrize("name, kind", [("date.xls", "xls"), ("date.xlsb", "xlsb"), ("date.xlsx", "xlsx"),
                                        ("date_1904.xls", "xls"), ("date_1904.xlsb", "xlsb"),
                                        ("date_1904.xlsx", "xlsx"), ("date.ods", "ods")])
def test_dates_agree_across_readers(name, kind):
    rows = read(corpus_file("tafia+calamine/tests/" + name), kind).tables[0].rows
    assert isinstance(rows[0][0], dt.date)
    assert isinstance(rows[1][0], dt.date)


@pytest.mark.corpus
@pytest.mark.parametrize("relative, hidden_rows, hidden_columns", [
    ("apache+poi/test-data/spreadsheet/26100.xls", {1}, set()),
    ("apache+poi/test-data/spreadsheet/48026.xls", set(), {18, 19, 20, 21, 22}),
])
def test_xls_hidden_rows_and_columns(relative, hidden_rows, hidden_columns):
    table = read_calamine(str(corpus_file(relative)), "xls").tables[0]
    assert table.hidden_rows == hidden_rows
    assert table.hidden_columns == hidden_columns


def _ods(path: Path, encrypted: bool) -> Path:
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    table = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    manifest = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
    content = ('<office:document-content xmlns:office="%s" xmlns:table="%s" xmlns:text="%s" office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="名簿">'
               '<table:table-row><table:table-cell office:value-type="string"><text:p>氏名</text:p>'
               '</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>'
               '</office:document-content>' % (office, table, text))
    crypt = ('<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA">'
             '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="AAAA"/>'
             '</manifest:encryption-data>') if encrypted else ""
    entries = ('<manifest:manifest xmlns:manifest="%s"><manifest:file-entry manifest:full-path="/" '
               'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
               '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">%s'
               '</manifest:file-entry></manifest:manifest>' % (manifest, crypt))
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", entries)
    return path


def test_ods_plain_and_encrypted(tmp_path):
    doc = read_calamine(str(_ods(tmp_path / "plain.ods", False)), "ods")
    assert [(t.name, t.rows) for t in doc.tables] == [("名簿", [["氏名"]])]
    with pytest.raises(EncryptedError, match="ODS"):
        read_calamine(str(_ods(tmp_path / "locked.ods", True)), "ods")


def test_xlsx_under_xls_name_is_read(tmp_path, roster):
    """The xls reader finds an OOXML workbook in the zip and hands it back to the reader
    choice, which reads it with the OOXML reader (neither reader calls the other)."""
    path = tmp_path / "renamed.xls"
    path.write_bytes(roster.read_bytes())
    with pytest.raises(OtherContent) as found:
        read_calamine(str(path), "xls")
    assert found.value.content == "ooxml"
    doc = ReaderChoice(read_calamine, "xls").read(str(path))
    assert doc.tables[0].name == "名簿"
    assert doc.notes[-1] == "xlsx content under an xls name"
    assert doc.package is not None                       # the OOXML reader's package, for app facts


# ---------------------------------------------------------------- the whole corpus
def _corpus_spreadsheets() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in SPREADSHEET_KINDS and p.is_file())


@pytest.mark.corpus
def test_every_corpus_spreadsheet_reads_or_fails_cleanly(monkeypatch):
    files = _corpus_spreadsheets()
    if not files:
        pytest.skip("corpus not present")
    outcomes, unbounded, wrong = {"ok": 0, "encrypted": 0, "error": 0}, [], []
    parts = count_part_reads(monkeypatch)
    for path in files:
        parts.files.clear()
        try:
            read(path, SPREADSHEET_KINDS[path.suffix.lower()])
            outcomes["ok"] += 1
        except EncryptedError:
            outcomes["encrypted"] += 1
        except ReadError:
            outcomes["error"] += 1
        except Exception as exc:  # noqa: BLE001 - what we are testing for
            wrong.append((str(path.relative_to(CORPUS)), type(exc).__name__))
        if any(p.bytes > SHEET_SAMPLE_BYTES + CHUNK for p in parts.files):    # no part read past a cap
            unbounded.append(str(path.relative_to(CORPUS)))
    assert wrong == []
    assert unbounded == []
    assert outcomes["ok"] > 1300 and outcomes["encrypted"] > 50
