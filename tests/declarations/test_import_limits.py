"""The imports count rows and shared strings before openpyxl parses anything (issue 16, items
11 and 12): a huge sparse sheet, a million blank rows or millions of shared strings are refused
after reading a bounded number of bytes, with a Japanese message and nothing imported; a
damaged items sheet answers 400, never 500.

The files are built here: small zips whose XML says a lot (inventory/xlsx_limits.py).
"""
from __future__ import annotations

import io
import logging
import zipfile

import pytest
from test_declarations import declaration_of, open_2026
from test_web_admin_import import DEPARTMENTS, snapshot, workbook
from test_web_admin_import import upload as upload_org_chart
from test_web_privacy import item_rows
from test_web_privacy import upload as upload_declaration
from web_fixtures import login

from inventory.declarations import excel_layout
from inventory.xlsx_limits import CHUNK, WorkbookTooLarge, check_workbook

SPARSE_ROW = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
SHARED_STRINGS = 5_500_000


def rezip(data: bytes, name: str, change) -> bytes:
    """``data`` with the zip member ``name`` replaced by ``change(its text)`` (added as
    ``change("")`` when missing: openpyxl writes strings inline, Excel shares them)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        for info in source.infolist():
            body = source.read(info)
            if info.filename == name:
                body = change(body.decode()).encode()
            target.writestr(info.filename, body)
        if name not in names:
            target.writestr(name, change("").encode())
    return out.getvalue()


def with_sparse_row(text: str) -> str:
    return text.replace("</sheetData>", SPARSE_ROW + "</sheetData>")


def with_blank_rows(text: str) -> str:
    return text.replace("</sheetData>", "".join(f'<row r="{n}"/>' for n in range(100, 1_000_100))
                        + "</sheetData>")


def shared_strings(count: int) -> str:
    return ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + "<si><t>x</t></si>" * count + "</sst>")


def with_many_strings(text: str) -> str:
    if not text:
        return shared_strings(SHARED_STRINGS)
    return text.replace("</sst>", "<si><t>x</t></si>" * SHARED_STRINGS + "</sst>")


def sheet_part(data: bytes, title: str) -> str:
    from openpyxl import load_workbook

    return f"xl/worksheets/sheet{load_workbook(io.BytesIO(data)).sheetnames.index(title) + 1}.xml"


# --- the count itself ---------------------------------------------------------------------------

@pytest.mark.parametrize("change, what, max_bytes", [
    (with_sparse_row, "rows", 2 * CHUNK),                                 # of a few KB
    (with_blank_rows, "rows", 10_001 * len('<row r="10000"/>') + 2 * CHUNK),   # of 20 MB
])
def test_rows_are_refused_after_a_bounded_read(change, what, max_bytes):
    data = rezip(workbook(名簿=[["氏名"]]), "xl/worksheets/sheet1.xml", change)
    with pytest.raises(WorkbookTooLarge) as refused:
        check_workbook(data, max_rows=10_000, max_shared_strings=1000)
    assert refused.value.what == what and refused.value.bytes_read <= max_bytes


def test_millions_of_shared_strings_are_refused_after_a_bounded_read():
    data = rezip(workbook(名簿=[["氏名"]]), "xl/sharedStrings.xml", with_many_strings)
    assert len(data) < 400_000                                # small on disk, ~100 MB unpacked
    with pytest.raises(WorkbookTooLarge) as refused:
        check_workbook(data, max_rows=10_000, max_shared_strings=200_000)
    assert refused.value.what == "shared_strings"
    assert refused.value.bytes_read < 200_001 * 18 + 2 * CHUNK   # stopped at the limit, not 99 MB


@pytest.mark.parametrize("shift", range(-40, 41, 4))
def test_a_row_number_cut_between_two_chunks_is_still_read(shift):
    """The big row number lands across the boundary of the read chunks at every offset."""
    head = '<worksheet><sheetData><row r="1"/>'
    padding = "<!--" + "p" * (CHUNK - len(head) - 7 + shift) + "-->"
    data = rezip(workbook(名簿=[["氏名"]]), "xl/worksheets/sheet1.xml",
                 lambda _text: head + padding + '<row spans="1:1" r="1048576"/></sheetData></worksheet>')
    with pytest.raises(WorkbookTooLarge):
        check_workbook(data, max_rows=10_000, max_shared_strings=1000)


def test_an_ordinary_workbook_is_counted_and_passes():
    data = rezip(workbook(名簿=[["氏名"], *[[f"n{i}"] for i in range(300)]]), "xl/sharedStrings.xml",
                 lambda _text: shared_strings(301))
    size = check_workbook(data, 10_000, 1000)
    assert (size.rows, size.shared_strings) == (301, 301)


# --- the declaration import ---------------------------------------------------------------------

@pytest.fixture
def template(client, db):
    """(declaration, its exported template, the items sheet's part), signed in as clerk_a."""
    d = declaration_of(db, open_2026(db), "301")
    login(client, "clerk_a")
    data = client.get(f"/declarations/{d.id}/excel").data
    return d, data, sheet_part(data, excel_layout.SHEET_ITEMS)


@pytest.mark.parametrize("part, change, message", [
    ("items", with_sparse_row, "行が多すぎます（空の行も含めて 10,000 行まで）。"),
    ("items", with_blank_rows, "行が多すぎます（空の行も含めて 10,000 行まで）。"),
    ("xl/sharedStrings.xml", with_many_strings, "セルの文字列の種類が多すぎます（200,000 種類まで）。"),
    ("items", lambda text: text[:len(text) // 2], "Excel ブックとして読み取れません。"),
    ("items", lambda text: text.replace("</sheetData>", "<row><c><v>1</c></row></sheetData>"),
     "Excel ブックとして読み取れません。"),
])
def test_a_declaration_too_big_or_damaged_is_refused_in_japanese(client, db, template, caplog, part,
                                                                 change, message):
    d, data, items_part = template
    before = item_rows(db, d)
    caplog.set_level(logging.WARNING)
    response = upload_declaration(client, d.id, rezip(data, items_part if part == "items" else part, change))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert item_rows(db, d) == before
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


# --- the org-chart import -----------------------------------------------------------------------

@pytest.mark.parametrize("part, change, message", [
    ("xl/worksheets/sheet1.xml", with_sparse_row, "空の行も含めて"),
    ("xl/worksheets/sheet1.xml", with_blank_rows, "空の行も含めて"),
    ("xl/sharedStrings.xml", with_many_strings, "200,000"),
])
def test_an_org_chart_too_big_is_refused_in_japanese(client, db, part, change, message):
    login(client, "admin")
    before = snapshot(db)
    response = upload_org_chart(client, rezip(workbook(組織=DEPARTMENTS), part, change), "org.xlsx")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.expire_all()
    assert snapshot(db) == before
