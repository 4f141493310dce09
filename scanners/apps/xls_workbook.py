"""What an .xls Workbook stream says about code and links, from its BIFF records.

Reads record headers only where it can: sheet types (Excel 4 macro sheets,
VBA module sheets of Excel 5), ``Auto_Open`` names, external workbook links
(SUPBOOK), data connections and query tables (DCONN, DBQUERY, QSI),
hyperlinks (HLINK) and formula cells.  Cell values are never decoded.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

from .ooxml_parts import short_target

# record types (MS-XLS 2.3)
BOF, EOF, FILEPASS = 0x0809, 0x000A, 0x002F
BOUNDSHEET, NAME, SUPBOOK, EXTERNSHEET = 0x0085, 0x0018, 0x01AE, 0x0017
DCONN, DBQUERY, QSI, HLINK, FORMULA = 0x0876, 0x00DC, 0x01AD, 0x01B8, 0x0006
SHEET_MACRO, SHEET_VBA_MODULE = 0x01, 0x06
#: built-in name codes (MS-XLS 2.5.114 Lbl): Auto_Open, Auto_Close
BUILTIN_AUTO_OPEN = 0x01
#: SUPBOOK cch values that mean "this workbook" and "add-in functions"
SUPBOOK_SELF, SUPBOOK_ADDIN = 0x0401, 0x3A01
#: a Workbook stream larger than this is only read for its globals
MAX_FULL_WALK = 64 << 20


@dataclass
class XlsFacts:
    """Counts from one Workbook stream."""

    biff: int = 0                      # 8 for BIFF8, 5 for BIFF5/7, 0 when unknown
    encrypted: bool = False            # FILEPASS: the rest of the stream is encrypted
    macro_sheets: int = 0              # Excel 4 (XLM) macro sheets
    module_sheets: int = 0             # Excel 5 VBA module sheets
    auto_open_name: bool = False       # a defined name Auto_Open (built-in or written out)
    external_links: list[str] = field(default_factory=list)   # short targets of linked workbooks
    connections: int = 0               # DCONN records
    query_tables: int = 0              # QSI / DBQUERY records
    hyperlinks: int = 0
    formulas: int = 0
    formulas_counted: bool = False     # False when only the globals were read


def iter_records(data: bytes, start: int = 0):
    """(offset, type, payload) of each BIFF record from ``start`` until the data ends."""
    pos, end = start, len(data)
    while pos + 4 <= end:
        rtype, length = struct.unpack_from("<HH", data, pos)
        yield pos, rtype, data[pos + 4:pos + 4 + length]
        pos += 4 + length


def read_workbook_stream(data: bytes, count_cells: bool) -> XlsFacts:
    """Facts from a Workbook (BIFF8) or Book (BIFF5) stream.

    The globals substream is always read; the sheet substreams only when
    ``count_cells`` (formulas, hyperlinks, query tables) and the stream is not huge.
    """
    facts = XlsFacts()
    in_globals = True
    full = count_cells and len(data) <= MAX_FULL_WALK
    for _pos, rtype, payload in iter_records(data):
        if rtype == BOF and facts.biff == 0 and len(payload) >= 2:
            version = struct.unpack_from("<H", payload)[0]
            facts.biff = 8 if version == 0x0600 else 5 if version == 0x0500 else 0
        elif rtype == FILEPASS:
            facts.encrypted = True
            return facts
        elif rtype == EOF and in_globals:
            in_globals = False
            if not full:
                break
        elif in_globals:
            _read_global(rtype, payload, facts)
        elif rtype == FORMULA:
            facts.formulas += 1
        elif rtype == HLINK:
            facts.hyperlinks += 1
        elif rtype in (QSI, DBQUERY):
            facts.query_tables += 1
    facts.formulas_counted = full
    return facts


def _read_global(rtype: int, payload: bytes, facts: XlsFacts) -> None:
    if rtype == BOUNDSHEET and len(payload) >= 6:
        sheet_type = payload[5]
        if sheet_type == SHEET_MACRO:
            facts.macro_sheets += 1
        elif sheet_type == SHEET_VBA_MODULE:
            facts.module_sheets += 1
    elif rtype == NAME:
        if is_auto_open_name(payload, facts.biff):
            facts.auto_open_name = True
    elif rtype == SUPBOOK and facts.biff == 8:
        target = supbook_target(payload)
        if target is not None:
            facts.external_links.append(target)
    elif rtype == DCONN:
        facts.connections += 1
    elif rtype == DBQUERY:
        facts.query_tables += 1


def is_auto_open_name(payload: bytes, biff: int) -> bool:
    """A NAME record that makes Excel run a macro on open (built-in Auto_Open, or ``Auto_Open...``)."""
    if len(payload) < 15:
        return False
    flags, cch = struct.unpack_from("<H", payload)[0], payload[3]
    builtin = bool(flags & 0x0020)
    if biff == 8:
        wide = payload[14] & 0x01
        raw = payload[15:15 + cch * (2 if wide else 1)]
        name = raw.decode("utf-16-le" if wide else "latin-1", "replace")
    else:
        name = payload[14:14 + cch].decode("latin-1", "replace")
    if builtin:
        return name[:1] == chr(BUILTIN_AUTO_OPEN)
    return name.lower().startswith("auto_open")


def supbook_target(payload: bytes) -> str | None:
    """The short target of an external SUPBOOK (workbook, DDE/OLE link); None for this workbook, add-ins."""
    if len(payload) < 4:
        return None
    _ctab, cch = struct.unpack_from("<HH", payload)
    if cch in (SUPBOOK_SELF, SUPBOOK_ADDIN) or cch == 0 or len(payload) < 5:
        return None
    wide = payload[4] & 0x01
    raw = payload[5:5 + cch * (2 if wide else 1)]
    path = raw.decode("utf-16-le" if wide else "latin-1", "replace")
    if not path.startswith("\x01") and "\x03" in path:     # DDE or OLE link: application\x03topic
        return f"DDE/OLE link to {short_target(path.split(chr(3))[0])[:40]}"
    return short_target(decode_virtual_path(path))


def decode_virtual_path(path: str) -> str:
    """An encoded BIFF file path (MS-XLS 2.5.277 VirtualPath) as a plain path."""
    if not path.startswith("\x01"):
        return path
    out: list[str] = []
    i = 1
    while i < len(path):
        ch = path[i]
        if ch == "\x01":                   # volume: next char is the drive letter, "@" for UNC
            if i + 1 < len(path):
                out.append("\\\\" if path[i + 1] == "@" else path[i + 1] + ":\\")
            i += 2
            continue
        if ch in "\x02\x03":
            out.append("\\")
        elif ch == "\x04":
            out.append("..\\")
        elif ch == "\x05":                 # a URL follows
            out.append("")
        elif ch in "\x06\x08":
            pass
        else:
            out.append(ch)
        i += 1
    return "".join(out)
