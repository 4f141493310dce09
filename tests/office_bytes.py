"""Office container bytes written by the tests themselves: OLE compound files, VBA projects, BIFF.

Why hand-written: olefile (the reader the scanner uses) can only overwrite
streams of an existing file, and no well-kept PyPI library writes compound
files with the layouts these tests need: module streams outside the ``VBA``
storage, missing ``dir`` streams, and orphaned directory entries that the
tree no longer reaches (what tools that repack workbooks leave behind).  So
this module writes a minimal, valid CFB version 3 file (MS-CFB: 512-byte
sectors, a mini stream for streams under 4,096 bytes), the MS-OVBA
compressed container (literal tokens only: valid, just not small), a VBA
project's ``dir`` stream, and BIFF/BIFF12 records.
"""
from __future__ import annotations

import struct
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

    def text(self) -> bytes:
        lines = [f'Attribute VB_Name = "{self.name}"']
        if self.kind == "class":
            lines.append('Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"')
        elif self.kind == "document":
            lines.append('Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"')
        return ("\r\n".join(lines) + "\r\n" + self.source.replace("\n", "\r\n")).encode("cp1252")


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
                      module_folder: str = "VBA") -> list:
    """A project's root items: PROJECT, and VBA/{_VBA_PROJECT, dir}; module streams in ``module_folder``.

    ``module_folder`` "VBA" is the usual place; any other name puts the module streams in a
    storage of that name beside VBA, "" at the project's root.
    """
    vba = [Stream("_VBA_PROJECT", b"\xcc\x61\xff\xff\x00\x00\x00")]
    if with_dir:
        vba.append(Stream("dir", ovba_compress(dir_stream(modules))))
    code = [Stream(m.name, ovba_compress(m.text())) for m in modules]
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
