"""The content decides the reader, not the extension: sniffing, reader choice, scan records.

Every file is built here from what the formats are (xlsxwriter, xlwt, zipfile,
bytes written by the test); the people in them are fictional.
"""
from __future__ import annotations

import io
import json
import struct
import zipfile

import pytest
import xlsxwriter
import xlwt

from scanners.pipeline import inspect_file
from scanners.readers import choose_reader
from scanners.readers import sniff as fmt
from scanners.readers.sniff import content_note, sniff
from scanners.walk import walk_roots

ROSTER = [
    ["氏名", "住所", "電話番号", "生年月日"],
    ["山田 花子", "東京都千代田区千代田1-1", "03-1234-5678", "1970/03/02"],
    ["鈴木 一郎", "大阪府大阪市北区梅田2-2-2", "06-2345-6789", "1985/11/23"],
    ["佐藤 美咲", "福岡県福岡市中央区天神3-3-3", "092-345-6789", "1992/07/14"],
    ["高橋 健太", "北海道札幌市中央区北一条西4-4", "011-456-7890", "1968/01/30"],
]
VALUES = [value for row in ROSTER[1:] for value in row]


# ---------------------------------------------------------------- helpers

def xlsx_bytes(rows=ROSTER) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("名簿")
    for r, row in enumerate(rows):
        ws.write_row(r, 0, row)
    wb.close()
    return buf.getvalue()


def xls_bytes(rows=ROSTER) -> bytes:
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("名簿")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def html_page(rows=ROSTER, charset: str | None = "utf-8") -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    cells = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>\n" for row in rows)
    return (f'<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head>{meta}<title>名簿</title>'
            f"<style>td {{ mso-number-format: '@'; }}</style></head><body>\n<table>\n{cells}</table></body></html>")


def spreadsheetml(rows=ROSTER, encoding="Shift_JIS", extra_sheets: str = "") -> str:
    body = "".join("<Row>" + "".join(f'<Cell><Data ss:Type="String">{v}</Data></Cell>' for v in row) + "</Row>\n"
                   for row in rows)
    return (f'<?xml version="1.0" encoding="{encoding}"?>\n<?mso-application progid="Excel.Sheet"?>\n'
            '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            'xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel" '
            'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n'
            f'<Worksheet ss:Name="名簿"><Table>\n{body}</Table></Worksheet>{extra_sheets}</Workbook>\n')


def mhtml_archive(rows=ROSTER) -> bytes:
    """Excel's "Single File Web Page": a frameset page and one quoted-printable page per sheet."""
    import quopri

    frameset = b'<html><frameset rows="*,39"><frame src="book.files/sheet001.htm"></frameset></html>'
    sheet = quopri.encodestring(html_page(rows, charset="shift_jis").encode("cp932"))
    boundary = b"----=_NextPart_01DA0000.0A1B2C3D"
    parts = [(b"book.htm", b"us-ascii", frameset), (b"book.files/sheet001.htm", b"shift_jis", sheet)]
    body = b"".join(b"--" + boundary + b"\r\nContent-Location: file:///C:/0/" + where
                    + b"\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Type: text/html; charset=\""
                    + charset + b"\"\r\n\r\n" + page + b"\r\n\r\n" for where, charset, page in parts)
    return (b"MIME-Version: 1.0\r\nX-Document-Type: Workbook\r\nContent-Type: multipart/related; boundary=\""
            + boundary + b"\"\r\n\r\nThis document is a Single File Web Page.\r\n\r\n" + body
            + b"--" + boundary + b"--\r\n")


def csv_text(rows=ROSTER, delimiter=",") -> str:
    return "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"


def fixed_width_text(rows=ROSTER) -> str:
    """Columns padded to display widths as a cp932 export pads them (a kanji takes two)."""
    def pad(text: str, width: int) -> str:
        return text + " " * (width - len(text.encode("cp932")))
    return "".join(pad(a, 12) + pad(b, 34) + pad(c, 14) + d + "\r\n" for a, b, c, d in rows)


def mysql_dump() -> str:
    values = ",".join("(" + ",".join(f"'{v}'" for v in row) + ")" for row in ROSTER[1:])
    return ("-- MySQL dump 10.13\n/*!40101 SET NAMES utf8mb4 */;\nDROP TABLE IF EXISTS `住民`;\n"
            "LOCK TABLES `住民` WRITE;\n"
            f"INSERT INTO `住民` (`氏名`,`住所`,`電話番号`,`生年月日`) VALUES {values};\nUNLOCK TABLES;\n")


def scan_one(tmp_path, name: str, data: bytes) -> dict:
    (tmp_path / name).write_bytes(data)
    [cand] = [c for c in walk_roots([str(tmp_path)]) if c.path == name]
    record = inspect_file(cand)
    assert_no_values(record)
    return record


def assert_no_values(record: dict) -> None:
    """No value read from a file may reach a record (headers, counts and notes only)."""
    text = json.dumps(record, ensure_ascii=False)
    leaked = [v for v in VALUES if v in text]
    assert not leaked, "a cell value reached the record"


def assert_roster(record: dict) -> None:
    assert record["status"] == "ok", record["error"]
    assert record["personal"]["present"]
    assert {"name", "address", "phone"} <= set(record["personal"]["categories"])


# ---------------------------------------------------------------- the sniffer

def _zip(members: list[tuple[str, bytes]], stored_first: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, data) in enumerate(members):
            zf.writestr(name, data, zipfile.ZIP_STORED if stored_first and i == 0 else zipfile.ZIP_DEFLATED)
    return buf.getvalue()


SNIFF_CASES = [
    (b"", fmt.EMPTY),
    (xlsx_bytes(), fmt.OOXML),
    (_zip([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.bin", b"\0" * 40)]), fmt.XLSB),
    (_zip([("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", b"<x/>")],
          stored_first=True), fmt.ODS),
    (_zip([("word/document.xml", b"<w/>")]), fmt.ZIP),
    (xls_bytes(), fmt.OLE),
    (b"\x00\x01\x00\x00Standard Jet DB\x00" + bytes(100), fmt.ACCESS),
    (b"\x00\x01\x00\x00Standard ACE DB\x00" + bytes(100), fmt.ACCESS),
    (struct.pack("<HHHH", 0x0009, 4, 2, 0x10) + bytes(20), fmt.BIFF),
    (struct.pack("<HHHH", 0x0409, 6, 0, 0x10) + bytes(20), fmt.BIFF),
    (html_page().encode("utf-8"), fmt.HTML),
    (html_page(charset="Shift_JIS").encode("cp932"), fmt.HTML),
    (b"\xef\xbb\xbf\r\n  " + html_page().encode("utf-8"), fmt.HTML),
    (html_page().encode("utf-16"), fmt.HTML),
    (html_page().encode("utf-16-le"), fmt.HTML),
    ("<!DOCTYPE html>\n<html lang=ja><meta charset=utf-8><table><tr><td>氏名</table>".encode(), fmt.HTML),
    ("<TABLE BORDER=1><TR><TH>氏名</TH></TR></TABLE>".encode("cp932"), fmt.HTML),
    (mhtml_archive(), fmt.MHTML),
    (spreadsheetml().encode("cp932"), fmt.SPREADSHEET_ML),
    (spreadsheetml(encoding="UTF-16").encode("utf-16"), fmt.SPREADSHEET_ML),
    (b'<?xml version="1.0"?>\n<records><record id="1"/></records>', fmt.XML),
    (mysql_dump().encode("utf-8"), fmt.SQL),
    ("INSERT INTO 住民 VALUES ('x','y');".encode("cp932"), fmt.SQL),
    (b"--\n-- PostgreSQL database dump\n--\nSET client_encoding = 'UTF8';\n"
     b"COPY public.people (name, tel) FROM stdin;\nx\ty\n\\.\n", fmt.SQL),
    ("USE [台帳]\r\nGO\r\nINSERT [dbo].[住民] ([氏名]) VALUES (N'x')\r\nGO\r\n".encode("utf-16"), fmt.SQL),
    (b"REM INSERTING into JUMIN\nSET DEFINE OFF;\nInsert into JUMIN (SHIMEI) values ('x');\n", fmt.SQL),
    (csv_text().encode("cp932"), fmt.TEXT),
    (csv_text(delimiter="\t").encode("utf-8"), fmt.TEXT),
    (b"Insert the card into the reader, then select values (see below).\n", fmt.TEXT),
    ("氏名：山田 花子\n住所：東京都\n".encode("euc_jp"), fmt.TEXT),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nstream\n\x00\x01\x02\x03\x04\x05", fmt.BINARY),
    (b"BM" + struct.pack("<IHHII", 70, 0, 0, 54, 40) + b"\xff" * 200, fmt.BINARY),
    (bytes(range(256)) * 8, fmt.BINARY),
]


@pytest.mark.parametrize("head, expected", SNIFF_CASES)
def test_sniff_names_what_the_bytes_are(head, expected):
    assert sniff(head[:fmt.SNIFF_BYTES]) == expected


@pytest.mark.parametrize("content, kind, note", [
    (fmt.HTML, "xls", "content: HTML table, not BIFF"),
    (fmt.SPREADSHEET_ML, "xls", "content: SpreadsheetML 2003 XML, not BIFF"),
    (fmt.TEXT, "xls", "content: plain text, not BIFF"),
    (fmt.OOXML, "xls", "content: OOXML workbook, not BIFF"),
    (fmt.SQL, "txt", "content: SQL INSERT dump, not plain text"),
    (fmt.XLSB, "xlsx", "content: xlsb workbook, not OOXML"),
    (fmt.ACCESS, "xls", "content: Access database, not BIFF"),
    (fmt.OLE, "xls", None), (fmt.BIFF, "xls", None), (fmt.OLE, "xlsx", None),   # encrypted OOXML is OLE
    (fmt.OOXML, "xlsm", None), (fmt.TEXT, "csv", None), (fmt.ACCESS, "accdb", None), (fmt.EMPTY, "xls", None),
])
def test_a_note_says_what_the_content_was_when_the_name_says_otherwise(content, kind, note):
    assert content_note(content, kind) == note


@pytest.mark.parametrize("content, kind, reader, read_as", [
    (fmt.OOXML, "xls", "read_ooxml", "xlsx"),
    (fmt.OOXML, "xlsm", "read_ooxml", "xlsm"),
    (fmt.OLE, "xlsx", "read_calamine", "xlsx"),      # the OLE reader tells encrypted package from xls
    (fmt.OLE, "xls", "read_calamine", "xls"),
    (fmt.OLE, "csv", "read_calamine", "xls"),
    (fmt.XLSB, "xls", "read_calamine", "xlsb"),
    (fmt.ODS, "xlsx", "read_calamine", "ods"),
    (fmt.BIFF, "xls", "read_biff_legacy", "xls"),
    (fmt.ACCESS, "mdb", "read_access", "mdb"),
    (fmt.HTML, "xls", "read_html_tables", "xls"),
    (fmt.SPREADSHEET_ML, "xls", "read_spreadsheetml", "xls"),
    (fmt.MHTML, "xls", "read_mhtml", "xls"),
    (fmt.SQL, "txt", "read_sql_dump", "txt"),
    (fmt.TEXT, "xls", "read_delimited", "txt"),
    (fmt.TEXT, "tsv", "read_delimited", "tsv"),
    (fmt.EMPTY, "xls", "read_calamine", "xls"),      # nothing to sniff: the kind's reader judges
    (fmt.ZIP, "xlsx", "read_ooxml", "xlsx"),
])
def test_the_content_chooses_the_reader(content, kind, reader, read_as):
    choice = choose_reader(content, kind)
    assert (choice.reader.__name__, choice.read_as) == (reader, read_as)


def test_xml_of_another_schema_has_no_reader():
    assert choose_reader(fmt.XML, "xls") is None


# ---------------------------------------------------------------- scan records

@pytest.mark.parametrize("name, data, note", [
    ("名簿_utf8.xls", html_page(charset="utf-8").encode("utf-8"), "content: HTML table, not BIFF"),
    ("名簿_sjis.xls", html_page(charset="Shift_JIS").encode("cp932"), "content: HTML table, not BIFF"),
    ("名簿_nometa.xls", html_page(charset=None).encode("cp932"), "content: HTML table, not BIFF"),
    ("名簿_utf16.xls", html_page(charset="utf-16").encode("utf-16"), "content: HTML table, not BIFF"),
    ("名簿_xml.xls", spreadsheetml().encode("cp932"), "content: SpreadsheetML 2003 XML, not BIFF"),
    ("名簿_mht.xls", mhtml_archive(), "content: MHTML web archive, not BIFF"),
    ("名簿_csv.xls", csv_text().encode("cp932"), "content: plain text, not BIFF"),
    ("名簿_tab.xlsx", csv_text(delimiter="\t").encode("utf-8"), "content: plain text, not OOXML"),
    ("名簿_ooxml.xls", xlsx_bytes(), "content: OOXML workbook, not BIFF"),
    ("名簿_dump.txt", mysql_dump().encode("utf-8"), "content: SQL INSERT dump, not plain text"),
    ("名簿_fixed.txt", fixed_width_text().encode("cp932"), "encoding cp932; fixed-width columns"),
])
def test_a_roster_is_read_by_what_it_is_whatever_its_name(tmp_path, name, data, note):
    record = scan_one(tmp_path, name, data)
    assert record["kind"] == name.rpartition(".")[2]            # the contract: the extension's kind
    assert note in record["notes"]
    assert_roster(record)
    assert record["app"]["is_app"] is False


def test_a_biff_workbook_named_xlsx_is_read_as_xls(tmp_path):
    record = scan_one(tmp_path, "名簿.xlsx", xls_bytes())
    assert record["kind"] == "xlsx"
    assert_roster(record)
    assert "xls content under an OOXML name" in record["notes"]


def test_an_encrypted_package_stays_encrypted_under_any_name(tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    locked = io.BytesIO()
    OOXMLFile(io.BytesIO(xlsx_bytes())).encrypt("secret", locked)
    for name in ("名簿.xlsx", "名簿.xls"):
        record = scan_one(tmp_path, name, locked.getvalue())
        assert record["status"] == "encrypted"
        assert [r["code"] for r in record["risks"]] == ["encrypted"]


def test_an_old_biff2_worksheet_without_ole_is_read(tmp_path):
    def rec(record_id: int, data: bytes) -> bytes:
        return struct.pack("<HH", record_id, len(data)) + data

    def label(row: int, col: int, text: str) -> bytes:      # BIFF2 LABEL: row, col, 3 attribute bytes, text
        raw = text.encode("cp932")
        return rec(0x0004, struct.pack("<HH", row, col) + bytes(3) + bytes([len(raw)]) + raw)

    stream = rec(0x0009, struct.pack("<HH", 2, 0x0010)) + rec(0x0042, struct.pack("<H", 932))  # BOF, CODEPAGE
    for r, row in enumerate(ROSTER):
        stream += b"".join(label(r, c, value) for c, value in enumerate(row))
    stream += rec(0x000A, b"")                                                               # EOF
    record = scan_one(tmp_path, "名簿.xls", stream)
    assert_roster(record)
    assert "BIFF2 worksheet read with xlrd" in record["notes"]
    assert record["personal"]["records"] == len(ROSTER) - 1


@pytest.mark.parametrize("name, data, reason", [
    ("figure.xls", b"%PDF-1.4\n" + bytes(range(32)) * 20, "no reader for this content: PDF document"),
    ("records.xls", b'<?xml version="1.0"?>\n<records><r a="1"/></records>\n',
     "no reader for this content: XML that is neither SpreadsheetML nor XHTML"),
])
def test_content_no_reader_fits_is_an_error_with_a_reason(tmp_path, name, data, reason):
    record = scan_one(tmp_path, name, data)
    assert (record["status"], record["error"]) == ("error", reason)


LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{"&lol{};".format(i - 1 if i > 1 else "") * 10}">' for i in range(1, 10))
          + ']>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet><Table><Row><Cell>'
          '<Data ss:Type="String">&lol9;</Data></Cell></Row></Table></Worksheet></Workbook>\n')
EXTERNAL = ('<?xml version="1.0"?>\n<!DOCTYPE Workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet><Table><Row><Cell>'
            '<Data>&xxe;</Data></Cell></Row></Table></Worksheet></Workbook>\n')


@pytest.mark.parametrize("xml", [LAUGHS, EXTERNAL], ids=["billion-laughs", "external-entity"])
def test_hostile_spreadsheetml_is_refused_and_the_scan_goes_on(tmp_path, xml):
    (tmp_path / "a_bomb.xls").write_text(xml, encoding="utf-8")
    (tmp_path / "b_roster.xls").write_bytes(spreadsheetml().encode("cp932"))
    records = {c.path: inspect_file(c) for c in walk_roots([str(tmp_path)])}
    bomb = records["a_bomb.xls"]
    assert (bomb["status"], bomb["error"]) == ("error", "XML with DOCTYPE refused")
    assert "passwd" not in json.dumps(bomb) and "root:" not in json.dumps(bomb)
    assert_roster(records["b_roster.xls"])


def test_text_and_html_under_an_excel_name_are_no_app(tmp_path):
    for name, data in (("a.xls", csv_text().encode("utf-8")), ("b.xlsm", html_page().encode("utf-8"))):
        record = scan_one(tmp_path, name, data)
        assert record["app"]["is_app"] is False and not record["risks"]
