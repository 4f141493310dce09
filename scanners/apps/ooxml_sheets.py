"""Which parts of an OOXML workbook hold code: Excel 4 macro sheets, dialog sheets, the VBA project.

Excel finds a sheet through the workbook part's relationships, not by its
path, so a macro sheet can be stored anywhere (``xl/worksheets/sheet2.bin``
works as well as ``xl/macrosheets/sheet1.xml``).  A part is a macro sheet
when it lies in ``xl/macrosheets/``, when ``[Content_Types].xml`` gives it a
macro-sheet content type (``application/vnd.ms-excel.macrosheet`` or
``...intlmacrosheet``, ``+xml`` in xlsx/xlsm), or when the workbook's
relationships point to it as ``xlMacrosheet`` / ``xlIntlMacrosheet``; dialog
sheets likewise.  The VBA project is found the same way (content type
``application/vnd.ms-office.vbaProject``, relationship ``vbaProject``) when it
is not named ``vbaProject.bin``.  Only parts that exist count.

For workbooks that have code, the workbook part's sheet list tells which
macro sheets are hidden or veryHidden (a classic way to hide Excel 4 code),
and its defined names whether ``Auto_Open`` runs a macro on open: from
``workbook.xml``, or from ``workbook.bin`` (BIFF12 records BrtBundleSh and
BrtName) in an xlsb.
"""
from __future__ import annotations

import posixpath
import struct
import zipfile
from dataclasses import dataclass, field

from ..document import ReadError
from .ooxml_parts import PartList, parse_xml, read_part, relationships

REL_OFFICE_DOCUMENT = "/officedocument"
MACRO_REL_TYPES = ("/xlmacrosheet", "/xlintlmacrosheet")
DIALOG_REL_TYPE = "/dialogsheet"
VBA_REL_TYPE = "/vbaproject"
VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaproject"
#: BIFF12 record types (MS-XLSB 2.3.2): BrtBundleSh (a sheet), BrtName (a defined name)
BRT_BUNDLE_SH, BRT_NAME = 0x9C, 0x27
HIDDEN_STATES = ("hidden", "veryhidden")


@dataclass
class SheetParts:
    """Part names (as in the zip) of the workbook, its macro and dialog sheets and VBA project parts."""

    workbook: str | None = None
    macro: set[str] = field(default_factory=set)
    dialog: set[str] = field(default_factory=set)
    vba: set[str] = field(default_factory=set)
    by_rel_id: dict[str, str] = field(default_factory=dict)   # workbook relationship id -> part


def find_sheet_parts(zf: zipfile.ZipFile, parts: PartList) -> SheetParts:
    """Macro sheets, dialog sheets and VBA project parts by folder, content type and workbook relationship.

    A broken content-types or relationships part costs only what it would have told.
    """
    found = SheetParts()
    for folder, kind in (("xl/macrosheets", found.macro), ("xl/dialogsheets", found.dialog)):
        kind.update(p for p in parts.under(folder) if "binaryindex" not in p.lower())
    steps = (lambda: setattr(found, "workbook", _workbook_part(zf, parts)),
             lambda: _by_content_type(zf, parts, found),
             lambda: _by_workbook_rels(zf, parts, found))
    for step in steps:
        try:
            step()
        except ReadError:
            continue
    return found


def _workbook_part(zf: zipfile.ZipFile, parts: PartList) -> str | None:
    """The workbook part: at its usual name, else where the package's officeDocument relationship says."""
    usual = parts.get("xl/workbook.xml") or parts.get("xl/workbook.bin")
    root_rels = parts.get("_rels/.rels")
    if usual is not None or root_rels is None:
        return usual
    for kind, target, mode in relationships(zf, root_rels):
        if kind.lower().endswith(REL_OFFICE_DOCUMENT) and mode.lower() != "external":
            part = parts.get(resolve_target("", target))
            if part is not None:
                return part
    return None


def resolve_target(folder: str, target: str) -> str:
    """A relationship target as a part name: absolute from the package root, else from ``folder``."""
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target)).lstrip("/")


def _by_content_type(zf: zipfile.ZipFile, parts: PartList, found: SheetParts) -> None:
    name = parts.get("[Content_Types].xml")
    if name is None:
        return

    def on_start(tag, attrs):
        if tag != "Override":
            return
        content_type = attrs.get("ContentType", "").lower()
        kind = (found.macro if "macrosheet" in content_type
                else found.dialog if "dialogsheet" in content_type
                else found.vba if content_type == VBA_CONTENT_TYPE else None)
        part = parts.get(attrs.get("PartName", "").lstrip("/"))
        if kind is not None and part is not None:
            kind.add(part)

    parse_xml(read_part(zf, name), on_start)


def _by_workbook_rels(zf: zipfile.ZipFile, parts: PartList, found: SheetParts) -> None:
    if found.workbook is None:
        return
    folder, _, base = found.workbook.rpartition("/")
    rels = parts.get(f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels")
    if rels is None:
        return

    def on_start(tag, attrs):
        if tag != "Relationship" or attrs.get("TargetMode", "").lower() == "external":
            return
        part = parts.get(resolve_target(folder, attrs.get("Target", "")))
        if part is None:
            return
        found.by_rel_id[attrs.get("Id", "")] = part
        kind = attrs.get("Type", "").lower()
        if kind.endswith(MACRO_REL_TYPES):
            found.macro.add(part)
        elif kind.endswith(DIALOG_REL_TYPE):
            found.dialog.add(part)
        elif kind.endswith(VBA_REL_TYPE):
            found.vba.add(part)

    parse_xml(read_part(zf, rels), on_start)


@dataclass
class WorkbookSheets:
    """What the workbook part says of its code sheets."""

    hidden_macro_sheets: int = 0
    auto_open_name: bool = False


def read_workbook_sheets(zf: zipfile.ZipFile, found: SheetParts) -> WorkbookSheets:
    """Hidden macro sheets and an ``Auto_Open`` name, from workbook.xml or workbook.bin."""
    out = WorkbookSheets()
    if found.workbook is None:
        return out
    data = read_part(zf, found.workbook)
    if found.workbook.lower().endswith(".bin"):
        _read_workbook_bin(data, found, out)
        return out

    def on_start(tag, attrs):
        if tag == "sheet":
            if (attrs.get("state", "").lower() in HIDDEN_STATES
                    and found.by_rel_id.get(attrs.get("id", "")) in found.macro):
                out.hidden_macro_sheets += 1
        elif tag == "definedName" and is_auto_open(attrs.get("name", "")):
            out.auto_open_name = True

    parse_xml(data, on_start)
    return out


def is_auto_open(name: str) -> bool:
    """Excel runs a macro on open for a name ``Auto_Open`` (``_xlnm.`` built-in form, or with a suffix)."""
    name = name.lower()
    return name.removeprefix("_xlnm.").startswith("auto_open")


def iter_biff12(data: bytes):
    """(record type, payload) of each BIFF12 record (MS-XLSB 2.1.4: 7-bit varints for type and size)."""
    pos, end = 0, len(data)
    while pos < end:
        rtype, pos = _varint(data, pos, 2)
        size, pos = _varint(data, pos, 4)
        if rtype is None or size is None or pos + size > end:
            return
        yield rtype, data[pos:pos + size]
        pos += size


def _varint(data: bytes, pos: int, max_bytes: int) -> tuple[int | None, int]:
    value = shift = 0
    for _ in range(max_bytes):
        if pos >= len(data):
            return None, pos
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos
    return value, pos


def _read_workbook_bin(data: bytes, found: SheetParts, out: WorkbookSheets) -> None:
    for rtype, payload in iter_biff12(data):
        if rtype == BRT_BUNDLE_SH and len(payload) >= 12:
            state = struct.unpack_from("<I", payload)[0]
            rel_id = _wide_string(payload, 8)
            if state in (1, 2) and found.by_rel_id.get(rel_id or "") in found.macro:
                out.hidden_macro_sheets += 1
        elif rtype == BRT_NAME and len(payload) >= 13:
            name = _wide_string(payload, 9)        # after flags (4), chKey (1), itab (4)
            if name and is_auto_open(name):
                out.auto_open_name = True


def _wide_string(payload: bytes, offset: int) -> str | None:
    """An XLWideString (character count, then UTF-16LE); None when it does not fit."""
    if offset + 4 > len(payload):
        return None
    count = struct.unpack_from("<I", payload, offset)[0]
    if count == 0xFFFFFFFF or offset + 4 + 2 * count > len(payload):
        return None
    return payload[offset + 4:offset + 4 + 2 * count].decode("utf-16-le", "replace")
