"""Office container bytes written by the project itself: OLE compound files, VBA projects, BIFF,
and the extra parts of a macro workbook (ribbon, data connections).

The demo share (:mod:`inventory.demo.share`) builds its business apps (業務アプリ) with these:
macro workbooks, an .xls with a VBA project, a ribbon customisation and external data
connections; the scanner's tests build odd and damaged shapes with the same pieces.

Why hand-written: olefile (the reader the scanner uses) can only overwrite
streams of an existing file, and no well-kept PyPI library writes compound
files with the layouts these tests need: module streams outside the ``VBA``
storage, missing ``dir`` streams, and orphaned directory entries that the
tree no longer reaches (what tools that repack workbooks leave behind).  So
this module writes a minimal, valid CFB version 3 file (MS-CFB: 512-byte
sectors, a mini stream for streams under 4,096 bytes), the MS-OVBA
compressed container (literal tokens only: valid, just not small), a VBA
project's ``dir`` stream, BIFF/BIFF12 records and a small BIFF8 workbook.
"""
from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass, field

SECTOR, MINI_SECTOR, MINI_CUTOFF = 512, 64, 4096
FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


# ---------------------------------------------------------------- compound files (MS-CFB)

@dataclass
class Stream:
    name: str
    data: bytes


@dataclass
class Storage:
    name: str
    children: list = field(default_factory=list)


def compound_file(children: list, orphans: list = ()) -> bytes:
    """An OLE compound file whose root holds ``children``; ``orphans`` are in the directory, unreached."""
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "child": NO_STREAM}]

    def add(item) -> int:
        sid = len(entries)
        entry = {"name": item.name, "type": 2 if isinstance(item, Stream) else 1, "child": NO_STREAM}
        entries.append(entry)
        if isinstance(item, Stream):
            entry["data"] = item.data
        else:
            entry["child"] = link(item.children)
        return sid

    def link(items) -> int:
        # siblings as a chain of right children, in the directory's order (length, then upper case):
        # a valid binary search tree (all black, unbalanced: readers do not rebalance)
        sids = [add(item) for item in sorted(items, key=lambda i: (len(i.name), i.name.upper()))]
        for left, right in zip(sids, sids[1:]):
            entries[left]["right"] = right
        return sids[0] if sids else NO_STREAM

    entries[0]["child"] = link(children)
    for orphan in orphans:
        add(orphan)
    return _layout(entries)


def _layout(entries: list[dict]) -> bytes:
    mini, big = bytearray(), []                     # mini stream bytes; (sid, data) of big streams
    minifat: list[int] = []
    for sid, entry in enumerate(entries):
        data = entry.get("data")
        if data is None or not data:
            entry["start"], entry["size"] = (END if entry["type"] != 1 else 0), 0
            continue
        entry["size"] = len(data)
        if len(data) < MINI_CUTOFF:
            first = len(mini) // MINI_SECTOR
            count = -(-len(data) // MINI_SECTOR)
            minifat += [first + i + 1 for i in range(count - 1)] + [END]
            mini += data.ljust(count * MINI_SECTOR, b"\0")
            entry["start"] = first
        else:
            big.append((sid, data))
    directory = b"".join(_entry(e) for e in entries)
    directory = directory.ljust(-(-len(directory) // SECTOR) * SECTOR, b"\0")
    minifat_bytes = b"".join(struct.pack("<I", v) for v in minifat)
    minifat_bytes = minifat_bytes.ljust(-(-len(minifat_bytes) // SECTOR) * SECTOR, b"\xff")
    blobs = [("dir", directory), ("minifat", minifat_bytes), ("mini", bytes(mini))]
    blobs += [(sid, data) for sid, data in big]
    sectors_needed = sum(-(-len(b) // SECTOR) for _, b in blobs)
    fat_sectors = 1
    while fat_sectors * (SECTOR // 4) < sectors_needed + fat_sectors:
        fat_sectors += 1
    fat = [FAT_SECTOR] * fat_sectors
    body = bytearray()
    starts = {}
    for key, blob in blobs:
        count = -(-len(blob) // SECTOR)
        if count == 0:
            starts[key] = END
            continue
        starts[key] = len(fat)
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [END]
        body += blob.ljust(count * SECTOR, b"\0")
    fat += [FREE] * (fat_sectors * (SECTOR // 4) - len(fat))
    entries[0]["start"], entries[0]["size"] = starts["mini"], len(mini)
    for sid, _data in big:
        entries[sid]["start"] = starts[sid]
    directory = b"".join(_entry(e) for e in entries).ljust(len(directory), b"\0")
    body[:len(directory)] = directory
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\0" * 16, 0x3E, 3, 0xFFFE, 9, 6,
        b"\0" * 6, 0, fat_sectors, starts["dir"], 0, MINI_CUTOFF,
        starts["minifat"] if minifat else END, len(minifat_bytes) // SECTOR if minifat else 0, END, 0)
    difat = list(range(fat_sectors)) + [FREE] * (109 - fat_sectors)
    header += struct.pack("<109I", *difat)
    fat_bytes = b"".join(struct.pack("<I", v) for v in fat)
    return header + fat_bytes + bytes(body)


def _entry(entry: dict) -> bytes:
    name = entry["name"].encode("utf-16-le")[:62]
    return struct.pack(
        "<64sHBBIII16sIQQIII", name + b"\0\0", len(name) + 2, entry["type"], 1,
        entry.get("left", NO_STREAM), entry.get("right", NO_STREAM), entry["child"],
        b"\0" * 16, 0, 0, 0, entry.get("start", END), entry.get("size", 0), 0)


# ---------------------------------------------------------------- VBA projects (MS-OVBA)

def ovba_compress(data: bytes) -> bytes:
    """An MS-OVBA compressed container of one chunk holding ``data`` as literal tokens.

    One compressed chunk holds at most 4,096 bytes and takes at most 4,098: literal tokens
    (a flag byte per eight) fit up to 3,640 bytes, enough for the sources written here.
    """
    if len(data) > 3640:
        raise ValueError("ovba_compress writes one chunk of literals: 3,640 bytes at most")
    body = bytearray()
    for i in range(0, len(data), 8):
        body += b"\x00" + data[i:i + 8]           # flag byte 0: eight literals follow
    return b"\x01" + struct.pack("<H", 0xB000 | (len(body) - 1)) + bytes(body)


@dataclass
class Module:
    name: str
    source: str                 # without the Attribute lines
    kind: str = "standard"      # standard | class | document

    def text(self, code_page: int = 1252) -> bytes:
        lines = [f'Attribute VB_Name = "{self.name}"']
        if self.kind == "class":
            lines.append('Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"')
        elif self.kind == "document":
            lines.append('Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"')
        return ("\r\n".join(lines) + "\r\n" + self.source.replace("\n", "\r\n")).encode(f"cp{code_page}")


def _record(rid: int, data: bytes) -> bytes:
    return struct.pack("<HI", rid, len(data)) + data


def dir_stream(modules: list[Module], code_page: int = 1252) -> bytes:
    """The uncompressed ``dir`` stream of a project with these modules (MS-OVBA 2.3.4.2)."""
    name = b"VBAProject"
    out = bytearray()
    out += _record(0x0001, struct.pack("<I", 1))                 # PROJECTSYSKIND: win32
    out += _record(0x0002, struct.pack("<I", 0x0409))            # PROJECTLCID
    out += _record(0x0014, struct.pack("<I", 0x0409))            # PROJECTLCIDINVOKE
    out += _record(0x0003, struct.pack("<H", code_page))         # PROJECTCODEPAGE
    out += _record(0x0004, name)                                 # PROJECTNAME
    out += _record(0x0005, b"") + _record(0x0040, b"")           # PROJECTDOCSTRING (+ unicode)
    out += _record(0x0006, b"") + _record(0x003D, b"")           # PROJECTHELPFILEPATH (+ second)
    out += _record(0x0007, struct.pack("<I", 0))                 # PROJECTHELPCONTEXT
    out += _record(0x0008, struct.pack("<I", 0))                 # PROJECTLIBFLAGS
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)                 # PROJECTVERSION
    out += _record(0x000C, b"") + _record(0x003C, b"")           # PROJECTCONSTANTS (+ unicode)
    out += struct.pack("<HIH", 0x000F, 2, len(modules))          # PROJECTMODULES
    out += _record(0x0013, struct.pack("<H", 0xFFFF))            # PROJECTCOOKIE
    for module in modules:
        raw = module.name.encode("cp1252")
        out += _record(0x0019, raw)                              # MODULENAME
        out += _record(0x0047, module.name.encode("utf-16-le"))  # MODULENAMEUNICODE
        out += _record(0x001A, raw) + _record(0x0032, module.name.encode("utf-16-le"))  # MODULESTREAMNAME
        out += _record(0x001C, b"") + _record(0x0048, b"")       # MODULEDOCSTRING
        out += _record(0x0031, struct.pack("<I", 0))             # MODULEOFFSET: source at offset 0
        out += _record(0x001E, struct.pack("<I", 0))             # MODULEHELPCONTEXT
        out += _record(0x002C, struct.pack("<H", 0xFFFF))        # MODULECOOKIE
        out += struct.pack("<HI", 0x0021 if module.kind == "standard" else 0x0022, 0)   # MODULETYPE
        out += struct.pack("<HI", 0x002B, 0)                     # module terminator
    out += struct.pack("<HI", 0x0010, 0)                         # dir terminator
    return bytes(out)


def project_stream(modules: list[Module]) -> bytes:
    kinds = {"standard": "Module", "class": "Class", "document": "Document"}
    lines = ['ID="{00000000-0000-0000-0000-000000000000}"']
    for module in modules:
        suffix = "/&H00000000" if module.kind == "document" else ""
        lines.append(f"{kinds[module.kind]}={module.name}{suffix}")
    lines += ['Name="VBAProject"', "", "[Host Extender Info]", ""]
    return "\r\n".join(lines).encode("cp1252")


def vba_project_items(modules: list[Module], *, with_dir: bool = True, with_project: bool = True,
                      module_folder: str = "VBA", code_page: int = 1252) -> list:
    """A project's root items: PROJECT, and VBA/{_VBA_PROJECT, dir}; module streams in ``module_folder``.

    ``module_folder`` "VBA" is the usual place; any other name puts the module streams in a
    storage of that name beside VBA, "" at the project's root.  ``code_page`` is the
    project's (932 for Japanese comments and strings in the source).
    """
    vba = [Stream("_VBA_PROJECT", b"\xcc\x61\xff\xff\x00\x00\x00")]
    if with_dir:
        vba.append(Stream("dir", ovba_compress(dir_stream(modules, code_page))))
    code = [Stream(m.name, ovba_compress(m.text(code_page))) for m in modules]
    items: list = [Stream("PROJECT", project_stream(modules))] if with_project else []
    if module_folder == "VBA":
        vba += code
    elif module_folder:
        items.append(Storage(module_folder, code))
    else:
        items += code
    items.append(Storage("VBA", vba))
    return items


# ---------------------------------------------------------------- BIFF (xls) and BIFF12 (xlsb)

def biff(rtype: int, payload: bytes = b"") -> bytes:
    return struct.pack("<HH", rtype, len(payload)) + payload


def biff12(rtype: int, payload: bytes = b"") -> bytes:
    """One BIFF12 record: type and size as 7-bit varints (MS-XLSB 2.1.4)."""
    def varint(value: int) -> bytes:
        out = bytearray()
        while True:
            byte = value & 0x7F
            value >>= 7
            out.append(byte | (0x80 if value else 0))
            if not value:
                return bytes(out)
    return varint(rtype) + varint(len(payload)) + payload


def wide_string(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


# ---------------------------------------------------------------- a small BIFF8 workbook (xls)

BIFF8_BOF, BIFF_EOF, BOUNDSHEET8, SST, LABELSST, CONTINUE = 0x0809, 0x000A, 0x0085, 0x00FC, 0x00FD, 0x003C
CODEPAGE, DIMENSIONS = 0x0042, 0x0200
#: the largest record body BIFF8 allows; a longer string table goes on in CONTINUE records
MAX_RECORD = 8224


def _bof(sheet_type: int) -> bytes:
    """BOF of BIFF8 (0x0600): 0x0005 workbook globals, 0x0010 worksheet."""
    return biff(BIFF8_BOF, struct.pack("<HHHHII", 0x0600, sheet_type, 0x0DBB, 0x07CC, 0, 0x0006))


def _unicode_string(text: str) -> bytes:
    """An XLUnicodeString: character count, flags (1: UTF-16LE), the characters."""
    return struct.pack("<HB", len(text), 1) + text.encode("utf-16-le")


def _string_table(strings: list[str], total: int) -> bytes:
    """SST (and CONTINUE records): each CONTINUE starts on a whole string, never inside one."""
    records, body = [], bytearray(struct.pack("<II", total, len(strings)))
    for text in strings:
        piece = _unicode_string(text)
        if len(piece) > MAX_RECORD - 8:
            raise ValueError("a string this long would have to be split across records")
        if len(body) + len(piece) > MAX_RECORD:
            records.append(bytes(body))
            body = bytearray()
        body += piece
    records.append(bytes(body))
    return biff(SST, records[0]) + b"".join(biff(CONTINUE, r) for r in records[1:])


def xls_workbook_stream(sheets: list[tuple[str, list[list[str]]]]) -> bytes:
    """A BIFF8 ``Workbook`` stream: one worksheet per (name, rows), every cell a string (LABELSST)."""
    strings: dict[str, int] = {}
    total = 0
    bodies = []
    for _name, rows in sheets:
        cells = bytearray()
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value in ("", None):
                    continue
                index = strings.setdefault(str(value), len(strings))
                total += 1
                cells += biff(LABELSST, struct.pack("<HHHI", r, c, 15, index))
        width = max((len(row) for row in rows), default=0)
        dims = biff(DIMENSIONS, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
        bodies.append(_bof(0x0010) + dims + bytes(cells) + biff(BIFF_EOF))
    sst = _string_table(list(strings), total)
    head = _bof(0x0005) + biff(CODEPAGE, struct.pack("<H", 1200))

    def boundsheets(first: int) -> bytes:
        out, position = bytearray(), first
        for (name, _rows), body in zip(sheets, bodies):
            out += biff(BOUNDSHEET8, struct.pack("<IBBBB", position, 0, 0, len(name), 1) + name.encode("utf-16-le"))
            position += len(body)
        return bytes(out)

    first = len(head) + len(boundsheets(0)) + len(sst) + len(biff(BIFF_EOF))
    return head + boundsheets(first) + sst + biff(BIFF_EOF) + b"".join(bodies)


def xls_file(sheets: list[tuple[str, list[list[str]]]], modules: list[Module] = (),
             code_page: int = 932) -> bytes:
    """An .xls (OLE compound file): the workbook stream and, with ``modules``, the VBA project
    Excel keeps in ``_VBA_PROJECT_CUR``."""
    items: list = [Stream("Workbook", xls_workbook_stream(sheets))]
    if modules:
        items.append(Storage("_VBA_PROJECT_CUR", vba_project_items(list(modules), code_page=code_page)))
    return compound_file(items)


# ---------------------------------------------------------------- extra parts of an OOXML workbook

REL_RIBBON = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
REL_CONNECTIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/connections"
CT_CONNECTIONS = "application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml"
CUSTOM_UI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _xml_text(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def ribbon_xml(tab: str, buttons: list[tuple[str, str]]) -> str:
    """A customUI14 ribbon: one tab of buttons, each (label, the VBA procedure it runs)."""
    rows = "".join(f'<button id="btn{i}" label="{_xml_text(label)}" size="large" imageMso="TableInsert" '
                   f'onAction="{_xml_text(action)}"/>' for i, (label, action) in enumerate(buttons, 1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<customUI xmlns="{CUSTOM_UI_NS}"><ribbon><tabs><tab id="demoTab" label="{_xml_text(tab)}">'
            f'<group id="demoGroup" label="{_xml_text(tab)}">{rows}</group></tab></tabs></ribbon></customUI>')


def connections_xml(connections: list[tuple[str, str]]) -> str:
    """xl/connections.xml: each (name, ODBC connection string) an ODBC connection (type 1)."""
    rows = "".join(f'<connection id="{i}" name="{_xml_text(name)}" type="1" refreshedVersion="6" '
                   f'background="1"><dbPr connection="{_xml_text(conn)}" command="SELECT * FROM v_summary"/>'
                   f'</connection>' for i, (name, conn) in enumerate(connections, 1))
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><connections xmlns="{MAIN_NS}">{rows}</connections>'


def _add_relationship(xml: bytes, rid: str, rel_type: str, target: str) -> bytes:
    row = f'<Relationship Id="{rid}" Type="{rel_type}" Target="{target}"/>'.encode()
    return xml.replace(b"</Relationships>", row + b"</Relationships>")


def with_parts(package: bytes, *, ribbon: str | None = None, connections: str | None = None) -> bytes:
    """The OOXML workbook ``package`` with a ribbon customisation (customUI/customUI14.xml) and/or
    data connections (xl/connections.xml) added, related and typed; entries keep their dates."""
    source = zipfile.ZipFile(io.BytesIO(package))
    parts = {info.filename: (info, source.read(info)) for info in source.infolist()}
    stamp = parts["[Content_Types].xml"][0].date_time
    added: dict[str, bytes] = {}
    if ribbon is not None:
        info, data = parts["_rels/.rels"]
        parts["_rels/.rels"] = (info, _add_relationship(data, "rIdUi1", REL_RIBBON, "customUI/customUI14.xml"))
        added["customUI/customUI14.xml"] = ribbon.encode("utf-8")
    if connections is not None:
        info, data = parts["xl/_rels/workbook.xml.rels"]
        parts["xl/_rels/workbook.xml.rels"] = (info, _add_relationship(data, "rIdConn1", REL_CONNECTIONS,
                                                                       "connections.xml"))
        info, data = parts["[Content_Types].xml"]
        override = f'<Override PartName="/xl/connections.xml" ContentType="{CT_CONNECTIONS}"/>'.encode()
        parts["[Content_Types].xml"] = (info, data.replace(b"</Types>", override + b"</Types>"))
        added["xl/connections.xml"] = connections.encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, (info, data) in parts.items():
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
        for name, data in added.items():
            target.writestr(zipfile.ZipInfo(name, stamp), data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# ---------------------------------------------------------------- a small Access database (Jet 4 .mdb)
#
# Jet 4 pages are 4,096 bytes: page 0 the database header, page 2 the table definition
# (TDEF) of the catalogue MSysObjects, then each table's TDEF and data pages.  A TDEF holds
# the table's header and 25-byte column descriptors with their names; a data page names its
# owner TDEF and holds rows from the end of the page down.  A row: the column count, the
# fixed-length columns, the variable-length data, then (read from the end) the null mask,
# the number of variable columns, their offsets (first column last) and the end of the data.
# Page 1 holds the usage maps (rows: a type byte 0, the first page, a bitmap of pages) that
# each TDEF points to as (page << 8 | row): mdbtools finds a table's data pages through them,
# access-parser (which the scanner uses) by the owner of each data page.  Written without
# indexes: both read it; Access itself would want to repair (compact) it.

JET_PAGE = 4096
JET4_HEADER_KEY = struct.pack("<I", 0x6B39DAC7)
#: MSysObjects.Type of the objects an app is made of
ACCESS_OBJECT_TYPES = {"table": 1, "linked_odbc": 4, "query": 5, "form": -32768, "report": -32764,
                       "macro": -32766, "module": -32761}
_JET_TYPES = {"short": (3, 2), "long": (4, 4), "text": (10, 510), "ole": (11, 0)}   # -> (Jet type, length)
SYSTEM_TABLE_FLAGS = -2147483646                                     # 0x80000002 as a signed long


@dataclass
class AccessTable:
    name: str
    columns: list[tuple[str, str]]          # (name, "short" | "long" | "text")
    rows: list[list] = field(default_factory=list)
    flags: int = 0
    system: bool = False


def _rc4_stream(key: bytes, length: int) -> bytes:
    """RC4 keystream (Jet masks part of page 0 with a fixed key: writing the stream masks zeros)."""
    s, j = list(range(256)), 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 0xFF
        s[i], s[j] = s[j], s[i]
    out, i, j = bytearray(), 0, 0
    for _ in range(length):
        i = (i + 1) & 0xFF
        j = (j + s[i]) & 0xFF
        s[i], s[j] = s[j], s[i]
        out.append(s[(s[i] + s[j]) & 0xFF])
    return bytes(out)


def _jet_header_page() -> bytes:
    page = bytearray(JET_PAGE)
    page[0:4] = b"\x00\x01\x00\x00"
    page[4:20] = b"Standard Jet DB\x00"
    page[0x14:0x18] = struct.pack("<I", 1)                  # Jet 4 (Access 2000-2003)
    page[0x18:0x18 + 128] = _rc4_stream(JET4_HEADER_KEY, 128)  # masked zeros: no password, no key
    return bytes(page)


def _columns(table: AccessTable) -> list[dict]:
    out, fixed_at, var_no = [], 0, 0
    for i, (name, kind) in enumerate(table.columns):
        jet_type, length = _JET_TYPES[kind]
        fixed = kind not in ("text", "ole")
        out.append({"name": name, "type": jet_type, "length": length, "id": i, "fixed": fixed,
                    "offset": fixed_at if fixed else 0, "var": 0 if fixed else var_no})
        if fixed:
            fixed_at += length
        else:
            var_no += 1
    return out


def _tdef_page(table: AccessTable, columns: list[dict], maps_row: int = 0) -> bytes:
    body = bytearray()
    for c in columns:
        various = struct.pack("<HBB", 0x0409, 0, 1) if c["type"] == 10 else b"\x00" * 4
        flags = (0x01 if c["fixed"] else 0) | 0x02
        body += struct.pack("<BIHHH", c["type"], 0, c["id"], c["var"], c["id"]) + various
        body += struct.pack("<BBIHH", flags, 0, 0, c["offset"], c["length"])
    for c in columns:
        name = c["name"].encode("utf-16-le")
        body += struct.pack("<H", len(name)) + name
    variable = sum(not c["fixed"] for c in columns)
    head = struct.pack("<2s2sI", b"\x02\x01", b"VC", 0)
    head += struct.pack("<IIIIIIII", 63 + len(body), 0, len(table.rows), 0, 0, 0, 0, 0)
    head += struct.pack("<BHHHIIII", 0x53 if table.system else 0x4E, len(columns), variable, len(columns),
                        0, 0, 1 << 8 | maps_row, 1 << 8 | (maps_row + 1))
    page = head + bytes(body)
    if len(page) > JET_PAGE:
        raise ValueError("a table definition this large needs more than one page")
    return page.ljust(JET_PAGE, b"\x00")


def _jet_row(columns: list[dict], values: list) -> bytes:
    fixed_len = sum(c["length"] for c in columns if c["fixed"])
    fixed, var_data, offsets, present = bytearray(fixed_len), bytearray(), [], []
    start = 2 + fixed_len
    for c, value in zip(columns, values):
        present.append(value is not None)
        if c["fixed"]:
            if value is not None:
                fmt = "<h" if c["type"] == 3 else "<i"
                fixed[c["offset"]:c["offset"] + c["length"]] = struct.pack(fmt, value)
        else:
            offsets.append(start + len(var_data))
            if value is not None:
                var_data += str(value).encode("utf-16-le")
    mask = bytearray((len(columns) + 7) // 8)
    for i, here in enumerate(present):
        if here:
            mask[i // 8] |= 1 << (i % 8)
    tail = struct.pack("<H", start + len(var_data))
    tail += b"".join(struct.pack("<H", o) for o in reversed(offsets)) + struct.pack("<H", len(offsets))
    return struct.pack("<H", len(columns)) + bytes(fixed) + bytes(var_data) + tail + bytes(mask)


def _data_pages(owner: int, rows: list[bytes]) -> list[bytes]:
    """Data pages owned by the TDEF at page ``owner``, rows from the end of each page down."""
    pages, batch, used = [], [], 0
    for row in rows + [None]:
        if row is None or 14 + 2 * (len(batch) + 1) + used + len(row) > JET_PAGE:
            if batch:
                page = bytearray(JET_PAGE)
                end, offsets = JET_PAGE, []
                for record in batch:
                    end -= len(record)
                    page[end:end + len(record)] = record
                    offsets.append(end)
                head = struct.pack("<2sHIIH", b"\x01\x01", end - 14 - 2 * len(batch), owner, 0, len(batch))
                head += b"".join(struct.pack("<H", o) for o in offsets)
                page[:len(head)] = head
                pages.append(bytes(page))
            batch, used = [], 0
        if row is not None:
            if 16 + len(row) > JET_PAGE:
                raise ValueError("a row longer than a page")
            batch.append(row)
            used += len(row)
    return pages


def mdb_file(tables: list[AccessTable], objects: list[tuple[str, str, str]] = ()) -> bytes:
    """A Jet 4 database holding ``tables`` and a catalogue (MSysObjects) that also lists
    ``objects``: (name, kind of :data:`ACCESS_OBJECT_TYPES`, connect string or "")."""
    catalog_columns = [("Id", "long"), ("ParentId", "long"), ("Name", "text"), ("Type", "short"),
                       ("Flags", "long"), ("Connect", "text"), ("Database", "text"), ("LvProp", "ole")]
    laid_out = []                   # (table, its columns, TDEF page, data pages)
    page_no = 4                     # 0 header, 1 unused, 2-3 the catalogue
    for table in tables:
        columns = _columns(table)
        data = _data_pages(page_no, [_jet_row(columns, row) for row in table.rows])
        laid_out.append((table, columns, page_no, data))
        page_no += 1 + len(data)
    catalog_rows = [[2, 0, "MSysObjects", 1, SYSTEM_TABLE_FLAGS, None, None, None]]
    catalog_rows += [[tdef, 0, t.name, 1, t.flags, None, None, None] for t, _c, tdef, _d in laid_out]
    catalog_rows += [[0x03000000 + i, 0, name, ACCESS_OBJECT_TYPES[kind], 0, connect or None, None, None]
                     for i, (name, kind, connect) in enumerate(objects, 1)]
    catalog = AccessTable("MSysObjects", catalog_columns, catalog_rows, SYSTEM_TABLE_FLAGS, system=True)
    catalog_cols = _columns(catalog)
    catalog_data = _data_pages(2, [_jet_row(catalog_cols, row) for row in catalog_rows])
    if len(catalog_data) != 1:
        raise ValueError("the demo catalogue fits one page")
    maps = [_usage_map([3], page_no), _usage_map([], page_no)]
    for _table, _columns_, tdef, data in laid_out:
        maps += [_usage_map(range(tdef + 1, tdef + 1 + len(data)), page_no), _usage_map([], page_no)]
    out = [_jet_header_page(), _data_pages(0, maps)[0], _tdef_page(catalog, catalog_cols, 0), catalog_data[0]]
    for n, (table, columns, _tdef, data) in enumerate(laid_out, 1):
        out += [_tdef_page(table, columns, 2 * n), *data]
    return b"".join(out)


def _usage_map(pages, total: int) -> bytes:
    """An inline usage map (type 0) from page 0: one bit per page of the file."""
    bitmap = bytearray(-(-total // 8))
    for page in pages:
        bitmap[page // 8] |= 1 << (page % 8)
    return struct.pack("<BI", 0, 0) + bytes(bitmap)
