"""What an .xls Workbook stream says about code and links, from its BIFF records.

Reads record headers only where it can: sheet types (Excel 4 macro sheets,
VBA module sheets of Excel 5), ``Auto_Open`` names, external workbook links
(SUPBOOK), data connections and query tables (DCONN, DBQUERY, QSI),
hyperlinks (HLINK) and formula cells.  Cell values are never decoded.

A sheet's type is read twice: from its BOUNDSHEET record and from the BOF
record that opens its substream (BOUNDSHEET's ``lbPlyPos`` points there).
BOF records and ``lbPlyPos`` are never encrypted, so the macro sheets of a
password-protected workbook are still counted, and a BOUNDSHEET that lies
about its type does not hide one.  Files of Excel 2.x-4.0 (BIFF2-4, no OLE
container: a single sheet, or an Excel 4 workbook of bundled sheets) are read
the same way.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

from .ooxml_parts import program_name, short_target

# record types (MS-XLS 2.3)
BOF, EOF, FILEPASS = 0x0809, 0x000A, 0x002F
BOUNDSHEET, NAME, SUPBOOK, EXTERNSHEET = 0x0085, 0x0018, 0x01AE, 0x0017
DCONN, DBQUERY, QSI, HLINK, FORMULA = 0x0876, 0x00DC, 0x01AD, 0x01B8, 0x0006
#: BOF record type -> BIFF version (Excel 2.x, 3.0, 4.0, 5.0 and later)
BOF_VERSIONS = {0x0009: 2, 0x0209: 3, 0x0409: 4, 0x0809: 8}
#: BIFF3/4 names, BIFF4 bundled sheets (Excel 4 workbooks), BIFF3/4 formulas
NAME_BIFF34, BUNDLESHEET = 0x0218, 0x008F
FORMULAS = frozenset({FORMULA, 0x0206, 0x0406})
SHEET_MACRO, SHEET_VBA_MODULE = 0x01, 0x06
#: substream types in a BOF record (MS-XLS 2.4.21 dt)
BOF_MACRO_SHEET, BOF_VBA_MODULE = 0x0040, 0x0006
#: BOUNDSHEET hsState: 1 hidden, 2 veryHidden
HIDDEN_STATES = (1, 2)
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
    hidden_macro_sheets: int = 0       # of which hidden or veryHidden
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
    """Facts from a Workbook (BIFF8) or Book (BIFF5) stream, or a BIFF2-4 file.

    The globals substream is always read; the sheet substreams only when
    ``count_cells`` (formulas, hyperlinks, query tables) and the stream is not huge.
    After a FILEPASS record only sheet offsets and BOF records are read (the rest
    is encrypted).
    """
    facts = XlsFacts()
    sheets = SheetTypes()
    in_globals = True
    full = count_cells and len(data) <= MAX_FULL_WALK
    for pos, rtype, payload in iter_records(data):
        if rtype in BOF_VERSIONS and facts.biff == 0 and len(payload) >= 2:
            facts.biff = _biff_version(rtype, payload)
            sheets.add_bof(pos, payload)           # a BIFF2-4 sheet file is its own only sheet
        elif rtype == FILEPASS:
            facts.encrypted = True
        elif rtype == EOF and in_globals:
            in_globals = False
            if not full:
                break
        elif in_globals:
            if rtype in (BOUNDSHEET, BUNDLESHEET):
                sheets.add_boundsheet(payload, trust_type=not facts.encrypted)
            elif facts.encrypted:
                continue
            elif rtype in FORMULAS:                # a BIFF2-4 sheet file has no globals of its own
                facts.formulas += 1
            else:
                _read_global(rtype, payload, facts)
        elif rtype in BOF_VERSIONS:
            sheets.add_bof(pos, payload)
        elif facts.encrypted:
            continue
        elif rtype in FORMULAS:
            facts.formulas += 1
        elif rtype == HLINK:
            facts.hyperlinks += 1
        elif rtype in (QSI, DBQUERY):
            facts.query_tables += 1
    sheets.read_bofs(data)
    facts.macro_sheets, facts.hidden_macro_sheets = sheets.count(SHEET_MACRO)
    facts.module_sheets, _ = sheets.count(SHEET_VBA_MODULE)
    facts.formulas_counted = full and not facts.encrypted
    return facts


#: BOF record length by type, and the substream types a BOF can name: a bare BIFF file starts so
_BOF_LENGTHS = {0x0009: (4,), 0x0209: (6,), 0x0409: (6,), 0x0809: (8, 16)}
_SUBSTREAM_TYPES = frozenset({0x0005, 0x0006, 0x0010, 0x0020, 0x0040, 0x0100})


def is_bare_biff(head: bytes) -> bool:
    """The first 8 bytes of a file are a BIFF BOF record (a BIFF stream with no OLE container)."""
    if len(head) < 8:
        return False
    rtype, length, _version, dt = struct.unpack_from("<HHHH", head)
    return length in _BOF_LENGTHS.get(rtype, ()) and dt in _SUBSTREAM_TYPES


def _biff_version(rtype: int, payload: bytes) -> int:
    if rtype != BOF:
        return BOF_VERSIONS[rtype]
    version = struct.unpack_from("<H", payload)[0]
    return 8 if version == 0x0600 else 5 if version == 0x0500 else 0


@dataclass
class Sheet:
    """What the records say of one sheet."""

    types: set[int] = field(default_factory=set)    # BOUNDSHEET dt, and SHEET_* from its BOF
    hidden: bool = False                            # hidden or veryHidden


class SheetTypes:
    """Each sheet's type by BOUNDSHEET and by its substream's BOF; a sheet counts when either says so."""

    _BOF_TYPES = {BOF_MACRO_SHEET: SHEET_MACRO, BOF_VBA_MODULE: SHEET_VBA_MODULE}

    def __init__(self):
        self.sheets: dict[int, Sheet] = {}          # substream offset -> what is known of it

    def add_boundsheet(self, payload: bytes, trust_type: bool) -> None:
        """A BOUNDSHEET (BUNDLESHEET in BIFF4): offset, and type and visibility unless encrypted."""
        if len(payload) < 6:
            return
        position = struct.unpack_from("<I", payload)[0]
        if position in self.sheets:                 # two records claim one offset: keep both
            position = -len(self.sheets) - 1
        sheet = self.sheets.setdefault(position, Sheet())
        if trust_type:
            sheet.types.add(payload[5])
            sheet.hidden = (payload[4] & 0x03) in HIDDEN_STATES

    def add_bof(self, position: int, payload: bytes) -> None:
        kind = self._bof_type(payload)
        if kind is not None:
            self.sheets.setdefault(position, Sheet()).types.add(kind)

    def read_bofs(self, data: bytes) -> None:
        """Read the BOF each BOUNDSHEET points to (substreams not walked record by record)."""
        for position, sheet in self.sheets.items():
            if 0 <= position and position + 8 <= len(data):
                rtype, length = struct.unpack_from("<HH", data, position)
                if rtype in BOF_VERSIONS:
                    kind = self._bof_type(data[position + 4:position + 4 + length])
                    if kind is not None:
                        sheet.types.add(kind)

    def count(self, sheet_type: int) -> tuple[int, int]:
        """(sheets of this type, of which hidden or veryHidden)."""
        found = [sheet for sheet in self.sheets.values() if sheet_type in sheet.types]
        return len(found), sum(1 for sheet in found if sheet.hidden)

    def _bof_type(self, payload: bytes) -> int | None:
        if len(payload) < 4:
            return None
        return self._BOF_TYPES.get(struct.unpack_from("<H", payload, 2)[0])


def _read_global(rtype: int, payload: bytes, facts: XlsFacts) -> None:
    if rtype in (NAME, NAME_BIFF34):
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
    if biff in (2, 3, 4):
        return _is_auto_open_name_biff234(payload, biff)
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


def _is_auto_open_name_biff234(payload: bytes, biff: int) -> bool:
    """Excel 2.x-4.0 NAME: BIFF3/4 name text at offset 6 (built-in flag 0x0020), BIFF2 at offset 4."""
    start, cch_at = (6, 3) if biff in (3, 4) else (4, 2)
    if len(payload) <= start:
        return False
    name = payload[start:start + payload[cch_at]]
    if biff in (3, 4) and struct.unpack_from("<H", payload)[0] & 0x0020:
        return name[:1] == bytes([BUILTIN_AUTO_OPEN])
    return name.lower().startswith(b"auto_open")


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
        return f"DDE/OLE link to {program_name(path.split(chr(3))[0])}"
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
