"""Apps that hide from a plain look: Excel 4 macro sheets anywhere, VBA projects in odd shapes.

Every workbook here is written by the test (zipfile, and OLE/BIFF bytes from
inventory/demo/office_files.py), never copied from the corpus.
"""
import struct
import zipfile

import pytest

from inventory.demo.office_files import (
    Module,
    Storage,
    Stream,
    biff,
    biff12,
    compound_file,
    ovba_compress,
    vba_project_items,
    wide_string,
)
from scanners.apps import AppFacts
from scanners.apps import excel as excel_module
from scanners.apps.excel import excel_app_facts
from scanners.apps.vba import summarise_vba
from scanners.apps.vba_loose import module_kind

MODULES = [
    Module("Module1", 'Sub Kakunin()\n    Dim n As Long\n    n = 1\n    MsgBox "ok"\nEnd Sub\n'),
    Module("ThisWorkbook", "Private Sub Workbook_Open()\n    Kakunin\nEnd Sub\n", "document"),
    Module("Meibo", "Public Kensu As Long\n", "class"),
]
#: what MODULES hold: (standard + class + document modules with code, code lines, procedures)
MODULES_COUNTS = (3, 9, 2)


# ---------------------------------------------------------------- VBA projects in odd shapes

@pytest.mark.parametrize("items, orphans, status", [
    (vba_project_items(MODULES), [], "parsed"),
    # module streams beside VBA, or at the project's root: the dir stream points to nothing
    (vba_project_items(MODULES, module_folder="Code"), [],
     "recovered: module source missing; modules found by source signature"),
    (vba_project_items(MODULES, module_folder=""), [],
     "recovered: module source missing; modules found by source signature"),
    # no dir stream, no PROJECT stream: oletools finds no project at all
    (vba_project_items(MODULES, with_dir=False), [],
     "recovered: no VBA project structure; modules found by source signature"),
    (vba_project_items(MODULES, with_project=False), [],
     "recovered: no VBA project structure; modules found by source signature"),
    # the directory tree no longer reaches the project (orphaned entries)
    ([Stream("Other", b"x" * 100)], vba_project_items(MODULES),
     "recovered: no VBA project structure; modules found by source signature"),
])
def test_modules_found_wherever_they_are(items, orphans, status):
    summary = summarise_vba(compound_file(items, orphans))
    assert summary.status == status
    assert (summary.modules, summary.code_lines, summary.procedures) == MODULES_COUNTS
    assert (summary.standard, summary.classes, summary.documents) == (1, 1, 1)
    assert summary.auto_exec


def test_dir_stream_stored_uncompressed_is_recovered():
    items = vba_project_items(MODULES)
    vba = next(i for i in items if isinstance(i, Storage))
    vba.children = [Stream("dir", b"\x01\x00\x04\x00\x00\x00garbage")
                    if getattr(c, "name", "") == "dir" else c for c in vba.children]
    summary = summarise_vba(compound_file(items))
    assert summary.status == "recovered: corrupt dir stream; modules found by source signature"
    assert (summary.modules, summary.code_lines) == MODULES_COUNTS[:2]


@pytest.mark.parametrize("items, status", [
    # a VBA storage whose code is gone (compiled code only, or wiped): present, not readable
    ([Storage("VBA", [Stream("_VBA_PROJECT", b"\xcc\x61\xff\xff"), Stream("Module1", b"\x00" * 300)])],
     "unparsable: VBA project in an unknown layout, no module source found"),
    ([Storage("_VBA_PROJECT", [Stream("dir", b"\xcc\x61" + b"\x00" * 50)])],
     "unparsable: VBA project in an unknown layout, no module source found"),
    ([Stream("Contents", b"\x00" * 300)], "none"),
])
def test_vba_present_without_source_is_never_none(items, status):
    assert summarise_vba(compound_file(items)).status == status


@pytest.mark.parametrize("source, kind", [
    (MODULES[0].text().decode(), "standard"),
    (MODULES[1].text().decode(), "document"),
    (MODULES[2].text().decode(), "class"),
    ('Attribute VB_Name = "Form1"\r\nAttribute VB_Base = "0{1B2C3D4E-0000-4000-8000-000000000001}'
     '{5F6A7B8C-0000-4000-8000-000000000002}"\r\n', "form"),
])
def test_module_kind_from_its_attributes(source, kind):
    assert module_kind(source) == kind


# ---------------------------------------------------------------- OOXML packages built here

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MS_REL = "http://schemas.microsoft.com/office/2006/relationships"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def content_types(overrides: dict[str, str], main: str) -> str:
    rows = "".join(f'<Override PartName="/{part}" ContentType="{ct}"/>' for part, ct in overrides.items())
    return (f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{CT_NS}">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>'
            f'<Default Extension="bin" ContentType="{main}"/>{rows}</Types>')


def rels(targets: list[tuple[str, str, str]]) -> str:
    rows = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{target}"/>' for i, t, target in targets)
    return f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{REL_NS}">{rows}</Relationships>'


def write_zip(path, parts: dict[str, str | bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path


MACRO_SHEET_XML = (f'<?xml version="1.0" encoding="UTF-8"?><xm:macrosheet '
                   f'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main" xmlns="{MAIN_NS}">'
                   '<sheetData><row r="1"><c r="A1"><f>ALERT("ok")</f></c></row>'
                   '<row r="2"><c r="A2"><f>HALT()</f></c></row></sheetData></xm:macrosheet>')
WORKSHEET_XML = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData/></worksheet>'


def xlsx_with_macro_sheet(path, *, marked_by: str, state: str = "", auto_open: str = "") -> str:
    """An xlsm whose second sheet is an Excel 4 macro sheet stored at xl/worksheets/sheet2.xml.

    ``marked_by``: "content type", "relationship" or "both" say which part of the package
    calls it a macro sheet (the other says worksheet).
    """
    macro_ct = "application/vnd.ms-excel.macrosheet+xml"
    sheet_ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    macro_rel, sheet_rel = f"{MS_REL}/xlMacrosheet", f"{OFFICE_REL}/worksheet"
    by_ct, by_rel = marked_by in ("content type", "both"), marked_by in ("relationship", "both")
    state_attr = f' state="{state}"' if state else ""
    names = f'<definedNames><definedName name="{auto_open}">Macro1!$A$1</definedName></definedNames>' \
        if auto_open else ""
    workbook = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{OFFICE_REL}">'
                f'<sheets><sheet name="Data" sheetId="1" r:id="rId1"/>'
                f'<sheet name="Macro1" sheetId="2"{state_attr} r:id="rId2"/></sheets>{names}</workbook>')
    return write_zip(path, {
        "[Content_Types].xml": content_types({
            "xl/workbook.xml": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            "xl/worksheets/sheet1.xml": sheet_ct,
            "xl/worksheets/sheet2.xml": macro_ct if by_ct else sheet_ct}, "application/octet-stream"),
        "_rels/.rels": rels([("rId1", f"{OFFICE_REL}/officeDocument", "xl/workbook.xml")]),
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": rels([("rId1", sheet_rel, "worksheets/sheet1.xml"),
                                            ("rId2", macro_rel if by_rel else sheet_rel, "worksheets/sheet2.xml")]),
        "xl/worksheets/sheet1.xml": WORKSHEET_XML,
        "xl/worksheets/sheet2.xml": MACRO_SHEET_XML,
    })


@pytest.mark.parametrize("marked_by, state, auto_open, expected", [
    ("content type", "", "", {"is_app": True, "macros": 1, "hidden_macro_sheets": 0, "auto_exec": False}),
    ("relationship", "veryHidden", "_xlnm.Auto_Open",
     {"is_app": True, "macros": 1, "hidden_macro_sheets": 1, "auto_exec": True}),
    ("both", "hidden", "Auto_Open_Kido", {"is_app": True, "macros": 1, "hidden_macro_sheets": 1, "auto_exec": True}),
])
def test_xlsx_macro_sheet_outside_its_folder(tmp_path, marked_by, state, auto_open, expected):
    path = xlsx_with_macro_sheet(tmp_path / "book.xlsm", marked_by=marked_by, state=state, auto_open=auto_open)
    facts = excel_app_facts(str(path), "xlsm")
    assert {key: getattr(facts, key) for key in expected} == expected
    assert (facts.kind, facts.vba, facts.formulas) == ("excel-vba", "none", 2)   # the macro sheet's formulas
    assert facts.to_record()["hidden_macro_sheets"] == expected["hidden_macro_sheets"]


def test_a_plain_worksheet_stays_plain(tmp_path):
    path = xlsx_with_macro_sheet(tmp_path / "book.xlsx", marked_by="neither")
    facts = excel_app_facts(str(path), "xlsx")
    assert (facts.is_app, facts.macros, facts.kind) == (False, 0, None)


def xlsb_with_macro_sheet(path, *, state: int, auto_open: bool, by_folder: bool = False) -> str:
    """An xlsb (BIFF12 workbook part) with a macro sheet; ``state`` 0 visible, 1 hidden, 2 veryHidden."""
    sheet_part = "macrosheets/sheet1.bin" if by_folder else "worksheets/sheet2.bin"
    workbook = (biff12(0x9C, struct.pack("<II", state, 1) + wide_string("rId2") + wide_string("Macro1"))
                + biff12(0x9C, struct.pack("<II", 0, 2) + wide_string("rId1") + wide_string("Data")))
    if auto_open:    # BrtName: flags (built-in), chKey, itab (workbook scope), name, formula
        workbook += biff12(0x27, struct.pack("<IBI", 0x20, 0, 0xFFFFFFFF) + wide_string("Auto_Open")
                           + struct.pack("<I", 0))
    overrides = {"xl/workbook.bin": "application/vnd.ms-excel.sheet.binary.macroEnabled.main",
                 "xl/worksheets/sheet1.bin": "application/vnd.ms-excel.worksheet"}
    if not by_folder:
        overrides[f"xl/{sheet_part}"] = "application/vnd.ms-excel.macrosheet"
    return write_zip(path, {
        "[Content_Types].xml": content_types(overrides, "application/octet-stream"),
        "_rels/.rels": rels([("rId1", f"{OFFICE_REL}/officeDocument", "xl/workbook.bin")]),
        "xl/workbook.bin": workbook,
        "xl/_rels/workbook.bin.rels": rels([("rId1", f"{OFFICE_REL}/worksheet", "worksheets/sheet1.bin"),
                                            ("rId2", f"{MS_REL}/xlMacrosheet", sheet_part)]),
        "xl/worksheets/sheet1.bin": biff12(0x81) + biff12(0x82),     # BrtBeginSheet, BrtEndSheet
        f"xl/{sheet_part}": biff12(0x81) + biff12(0x82),
    })


@pytest.mark.parametrize("state, auto_open, by_folder, expected", [
    (2, True, False, {"macros": 1, "hidden_macro_sheets": 1, "auto_exec": True}),
    (0, False, False, {"macros": 1, "hidden_macro_sheets": 0, "auto_exec": False}),
    (1, True, True, {"macros": 1, "hidden_macro_sheets": 1, "auto_exec": True}),
])
def test_xlsb_macro_sheet(tmp_path, state, auto_open, by_folder, expected):
    path = xlsb_with_macro_sheet(tmp_path / "book.xlsb", state=state, auto_open=auto_open, by_folder=by_folder)
    facts = excel_app_facts(str(path), "xlsb")
    assert {key: getattr(facts, key) for key in expected} == expected
    assert (facts.is_app, facts.kind, facts.complexity) == (True, "excel-vba", "Medium")
    risks = [(r["code"], r["detail"]) for r in facts.risks]
    if auto_open:
        assert risks == [("autoexec-macro", "defined name Auto_Open runs a macro when the workbook opens"
                                            " (1 hidden Excel 4 macro sheet(s))")]
    else:
        assert risks == []


@pytest.mark.parametrize("items, orphans, expected", [
    (vba_project_items(MODULES, module_folder="Code"), [],
     {"is_app": True, "modules": 3, "code_lines": 9, "auto_exec": True,
      "vba": "recovered: module source missing; modules found by source signature"}),
    ([], vba_project_items(MODULES),
     {"is_app": True, "modules": 3, "code_lines": 9, "auto_exec": True,
      "vba": "recovered: no VBA project structure; modules found by source signature"}),
    ([Stream("Contents", b"\x00" * 200)], [],
     {"is_app": True, "modules": 0, "code_lines": 0, "auto_exec": False,
      "vba": "unparsable: vbaProject.bin holds no VBA project"}),
])
def test_xlsm_vba_project_in_odd_shape(tmp_path, items, orphans, expected):
    path = xlsx_with_macro_sheet(tmp_path / "book.xlsm", marked_by="neither")
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("xl/vbaProject.bin", compound_file(items, orphans))
    facts = excel_app_facts(str(path), "xlsm")
    assert {key: getattr(facts, key) for key in expected} == expected
    assert facts.kind == "excel-vba" and facts.complexity is not None


@pytest.mark.parametrize("marked_by", ["relationship", "content type"])
def test_vba_project_under_another_name(tmp_path, marked_by):
    # Excel finds the project through the workbook's vbaProject relationship, not by its name
    path = xlsx_with_macro_sheet(tmp_path / "book.xlsm", marked_by="neither")
    parts = {}
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    if marked_by == "relationship":
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", f'<Relationship Id="rId9" Type="{MS_REL}/vbaProject" '
                                 f'Target="media/image9.bin"/></Relationships>'.encode())
    else:
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>", b'<Override PartName="/xl/media/image9.bin" '
                         b'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    parts["xl/media/image9.bin"] = compound_file(vba_project_items(MODULES))
    write_zip(path, parts)
    facts = excel_app_facts(str(path), "xlsm")
    assert (facts.is_app, facts.vba, facts.modules, facts.code_lines, facts.auto_exec) == (True, "parsed", 3, 9, True)


# ---------------------------------------------------------------- BIFF workbooks built here

BIFF8_BOF, EOF, FILEPASS, BOUNDSHEET, NAME, FORMULA = 0x0809, 0x000A, 0x002F, 0x0085, 0x0018, 0x0006
GLOBALS, WORKSHEET, MACRO_SHEET, MODULE_SHEET = 0x0005, 0x0010, 0x0040, 0x0006


def bof8(dt: int) -> bytes:
    return biff(BIFF8_BOF, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 0x0006))


def boundsheet(position: int, state: int, sheet_type: int, name: str) -> bytes:
    return biff(BOUNDSHEET, struct.pack("<IBBBB", position, state, sheet_type, len(name), 0) + name.encode())


def auto_open_name() -> bytes:
    """A built-in NAME (Lbl) record: flags fBuiltin, name character 0x01 = Auto_Open, a 3-byte formula."""
    return biff(NAME, struct.pack("<HBBHHH4B", 0x0020, 0, 1, 3, 0, 0, 0, 0, 0, 0) + b"\x00\x01"
                + b"\x3a\x00\x00")


def workbook_stream(sheets: list[tuple[int, int, int]], *, names: bytes = b"", encrypted: bool = False) -> bytes:
    """A BIFF8 Workbook stream; each sheet (hsState, BOUNDSHEET dt, BOF dt) holds one formula cell."""
    bodies = [bof8(bof_dt) + biff(FORMULA, b"\x00" * 20) + biff(EOF) for _, _, bof_dt in sheets]
    head = bof8(GLOBALS) + (biff(FILEPASS, b"\x00" * 10) if encrypted else b"")
    globals_size = len(head) + sum(len(boundsheet(0, 0, 0, f"S{i}")) for i in range(len(sheets)))
    globals_size += len(names) + len(biff(EOF))
    out, position = bytearray(head), globals_size
    for i, (state, dt, _) in enumerate(sheets):
        out += boundsheet(position, state, dt, f"S{i}")
        position += len(bodies[i])
    out += names + biff(EOF)
    for body in bodies:
        out += body
    return bytes(out)


def write_xls(path, stream: bytes, extra: list = ()) -> str:
    path.write_bytes(compound_file([Stream("Workbook", stream), *extra]))
    return str(path)


@pytest.mark.parametrize("sheets, names, encrypted, expected", [
    # a veryHidden macro sheet run by the built-in Auto_Open name: the classic
    ([(0, 0, WORKSHEET), (2, 1, MACRO_SHEET)], auto_open_name(), False,
     {"is_app": True, "macros": 1, "hidden_macro_sheets": 1, "auto_exec": True}),
    # BOUNDSHEET says worksheet, the sheet's own BOF says macro sheet
    ([(0, 0, WORKSHEET), (0, 0, MACRO_SHEET)], b"", False,
     {"is_app": True, "macros": 1, "hidden_macro_sheets": 0, "auto_exec": False}),
    # encrypted with a real password: BOF records and sheet offsets are never encrypted
    ([(0, 0, WORKSHEET), (2, 1, MACRO_SHEET)], b"", True,
     {"is_app": True, "macros": 1, "auto_exec": False}),
    ([(0, 0, WORKSHEET), (1, 0, WORKSHEET)], auto_open_name(), False,
     {"is_app": False, "macros": 0, "auto_exec": False}),
], ids=["veryHidden-auto-open", "boundsheet-lies", "encrypted", "worksheets-only"])
def test_xls_macro_sheets(tmp_path, sheets, names, encrypted, expected):
    path = write_xls(tmp_path / "book.xls", workbook_stream(sheets, names=names, encrypted=encrypted))
    facts = excel_app_facts(path, "xls")
    assert {key: getattr(facts, key) for key in expected} == expected
    assert facts.kind == ("excel-vba" if expected["is_app"] else None)


def test_xls_vba_modules_outside_the_vba_storage(tmp_path):
    stream = workbook_stream([(0, 0, WORKSHEET)])
    project = Storage("_VBA_PROJECT_CUR", vba_project_items(MODULES, module_folder="Code"))
    facts = excel_app_facts(write_xls(tmp_path / "book.xls", stream, [project]), "xls")
    assert (facts.is_app, facts.modules, facts.code_lines, facts.auto_exec) == (True, 3, 9, True)
    assert facts.vba.startswith("recovered: ")


def test_xls_module_sheet_without_a_readable_project(tmp_path):
    # Excel 5/95 keeps a VBA module as a sheet; its project here is in no layout oletools reads
    stream = workbook_stream([(0, 0, WORKSHEET), (0, MODULE_SHEET, MODULE_SHEET)])
    project = Storage("_VBA_PROJECT", [Stream("dir", b"\xcc\x61" + b"\x00" * 40), Stream("0a1b2c", b"\x00" * 80)])
    facts = excel_app_facts(write_xls(tmp_path / "book.xls", stream, [project]), "xls")
    assert (facts.is_app, facts.kind, facts.modules, facts.code_lines) == (True, "excel-vba", 1, 0)
    assert facts.vba == "unparsable: VBA project in an unknown layout, no module source found"


def test_xls_module_sheet_alone(tmp_path):
    stream = workbook_stream([(0, MODULE_SHEET, MODULE_SHEET)])
    facts = excel_app_facts(write_xls(tmp_path / "book.xls", stream), "xls")
    assert (facts.is_app, facts.modules) == (True, 1)
    assert facts.vba == "unparsable: VBA module sheets without a readable VBA project"


@pytest.mark.parametrize("bof, dt, name, expected", [
    # an Excel 4.0 macro sheet saved as a bare BIFF4 stream, with an Auto_Open name (BIFF3/4 NAME)
    (0x0409, MACRO_SHEET, b"Auto_Open", {"is_app": True, "macros": 1, "auto_exec": True, "formulas": 1}),
    (0x0209, MACRO_SHEET, b"", {"is_app": True, "macros": 1, "auto_exec": False, "formulas": 1}),
    (0x0409, WORKSHEET, b"Auto_Open", {"is_app": False, "macros": 0, "auto_exec": False, "formulas": 0}),
])
def test_bare_biff_sheet_files(tmp_path, bof, dt, name, expected):
    records = biff(bof, struct.pack("<HHH", 0, dt, 0))
    if name:
        records += biff(0x0218, struct.pack("<HBBH", 0, 0, len(name), 0) + name)
    records += biff(bof - 0x0003, b"\x00" * 20) + biff(EOF)     # FORMULA of that version: 0x0206, 0x0406
    path = tmp_path / "old.xls"
    path.write_bytes(records)
    facts = excel_app_facts(str(path), "xls")
    assert {key: getattr(facts, key) for key in expected} == expected


@pytest.mark.parametrize("content", [
    "\tID\t@\r\n1\t2\r\n".encode("utf-16-le"),   # Unicode text saved as .xls, starting with a tab
    b"\x09\x00\x04\x00\x02\x00\x40",               # a BOF cut short
])
def test_text_that_starts_like_biff_is_not_read_as_biff(tmp_path, monkeypatch, content):
    def refuse(*_args, **_kwargs):
        raise AssertionError("text must not be walked as BIFF records")

    monkeypatch.setattr(excel_module, "read_workbook_stream", refuse)
    path = tmp_path / "text.xls"
    path.write_bytes(content)
    assert excel_app_facts(str(path), "xls") == AppFacts()


def test_hostile_vba_bytes_never_crash(tmp_path):
    # signatures with nothing valid after them, a stream of repeated signatures, truncated containers
    junk = (b"\x01\x00\xb0\x00Attribut" * 3000)[:60000]
    cut = ovba_compress(MODULES[0].text())[:25]
    container = compound_file([Storage("VBA", [Stream("_VBA_PROJECT", b"\xcc\x61"), Stream("M", junk),
                                                Stream("N", cut)])])
    summary = summarise_vba(container)
    assert summary.status.startswith(("unparsable: ", "recovered: "))
    path = tmp_path / "bad.xlsm"
    write_zip(path, {"[Content_Types].xml": content_types({}, "x"), "xl/vbaProject.bin": container[:3000]})
    facts = excel_app_facts(str(path), "xlsm")      # truncated: whatever is left, VBA is not "none"
    assert facts.vba.startswith(("unparsable: ", "recovered: "))
