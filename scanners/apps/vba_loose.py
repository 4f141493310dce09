"""VBA modules found by their source signature anywhere in an OLE container.

oletools reads a VBA project only in its usual shape: a storage holding a
``PROJECT`` stream and a ``VBA`` storage with ``_VBA_PROJECT``, ``dir`` and
the module streams.  Tools that repack workbooks (and people who hide code)
leave other shapes: module streams outside the ``VBA`` storage, no ``dir`` or
``PROJECT`` stream, or a directory tree that no longer reaches the streams
(orphaned entries).  The code is still there.

Every module's source is stored compressed (MS-OVBA 2.4.1) and begins with
``Attribute VB_Name``; the compressed form starts with the signature byte
0x01, a chunk header whose signature bits are 0b011 with the compressed flag
set, a flag byte 0x00 and the eight literal bytes ``Attribut``.  That is
searched in every stream, orphans included; each hit is decompressed with
oletools' ``decompress_stream``.  A module's kind comes from its ``VB_Base``
attribute: none for a standard module, the class-module base for a class,
two GUIDs for a user form, anything else for a document module (ThisWorkbook,
Sheet1 ...).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

#: compressed module source: signature byte, chunk header (0b1011xxxx high byte), flag byte, literals
SOURCE_SIGNATURE = re.compile(rb"\x01[\x00-\xff][\xb0-\xbf]\x00Attribut", re.IGNORECASE | re.DOTALL)
#: streams read in all, at most (a container is capped where it is read; this bounds the search)
MAX_SEARCHED = 64 << 20
#: directory entries looked at, at most (a hostile directory can claim millions)
MAX_ENTRIES = 100_000
#: signature hits decompressed per stream and per container, at most (a module stream holds one
#: source; a repacked stream may hold a few), and bytes given to one decompression
MAX_HITS_PER_STREAM = 16
MAX_HITS = 1_000
MAX_MODULE = 16 << 20
#: names that only a VBA project gives an OLE entry (compared in upper case)
VBA_ENTRY_NAMES = frozenset({"VBA", "_VBA_PROJECT", "_VBA_PROJECT_CUR", "PROJECTWM"})

CLASS_BASE = "{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
_NAME = re.compile(r"^Attribute\s+VB_Name\s*=\s*\"([^\"]*)\"", re.IGNORECASE | re.MULTILINE)
_BASE = re.compile(r"^Attribute\s+VB_Base\s*=\s*\"([^\"]*)\"", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class LooseModule:
    """One module's source, found by signature; ``name`` is its VB_Name in lower case."""

    name: str
    kind: str                # "standard" | "class" | "form" | "document"
    source: str


def module_kind(source: str) -> str:
    """standard, class, form or document, from the module's ``VB_Base`` attribute."""
    base = _BASE.search(source)
    if base is None:
        return "standard"
    value = base.group(1).upper()
    if CLASS_BASE in value:
        return "class"
    if value.count("{") >= 2:         # the form's own type GUID and its designer's
        return "form"
    return "document"


def iter_entries(ole):
    """Every directory entry of the container, orphans included (entries the tree no longer reaches).

    olefile loads only the entries its tree walk reaches; the others are loaded
    here with its ``_load_direntry`` (the way olevba looks for orphaned code).
    An entry that cannot be loaded is skipped.
    """
    for sid in range(min(len(ole.direntries), MAX_ENTRIES)):
        entry = ole.direntries[sid]
        if entry is None:
            try:
                entry = ole._load_direntry(sid)
            except Exception:  # noqa: BLE001 - a damaged entry is skipped, the others still count
                continue
        if entry is not None:
            yield entry


def vba_entry_names(ole) -> set[str]:
    """Names (upper case) of the entries that show a VBA project is there, orphans included."""
    found = set()
    for entry in iter_entries(ole):
        name = (entry.name or "").upper()
        if name in VBA_ENTRY_NAMES:
            found.add(name)
    return found


def loose_modules(ole, codec: str = "latin-1") -> list[LooseModule]:
    """Modules whose compressed source lies in any stream of ``ole``, one per module name."""
    from oletools.olevba import decompress_stream
    from olefile import STGTY_STREAM

    found: dict[str, LooseModule] = {}
    budget, hits = MAX_SEARCHED, 0
    for entry in iter_entries(ole):
        if entry.entry_type != STGTY_STREAM or not 0 < entry.size <= budget:
            continue
        try:
            data = ole._open(entry.isectStart, entry.size).read(entry.size)
        except Exception:  # noqa: BLE001 - a stream with a broken sector chain holds nothing we can read
            continue
        budget -= len(data)
        for n, hit in enumerate(SOURCE_SIGNATURE.finditer(data)):
            hits += 1
            if hits > MAX_HITS:
                return list(found.values())
            if n >= MAX_HITS_PER_STREAM:
                break
            try:
                packed = data[hit.start():hit.start() + MAX_MODULE]
                source = bytes(decompress_stream(bytearray(packed))).decode(codec, "replace")
            except Exception:  # noqa: BLE001 - bytes that only looked like a signature
                continue
            name = _NAME.search(source)
            key = name.group(1).lower() if name else f"#{len(found)}"
            if key not in found or len(source) > len(found[key].source):
                found[key] = LooseModule(key, module_kind(source), source)
    return list(found.values())
