"""Remote-access and P2P software among executables, by name and by what the file says it is.

Evidence, strongest first: the version resource (ProductName, CompanyName ...,
UTF-16LE in a PE's ``.rsrc``), the publisher in the Authenticode signature,
an MSI's summary information, and the file name.  Reads are bounded: a few
kilobytes of PE headers, the version block, the signature (at most
``MAX_BLOB`` each); files that are not PE/MSI get their first and last
``WINDOW_BYTES`` scanned, so a 500 MB installer stays fast.
"""
from __future__ import annotations

import os
import re
import struct

from ..document import ReadError
from ..record import risk
from .catalogue import Catalogue, default_catalogue

HEADER_BYTES = 64 * 1024          # DOS + PE headers + section table
MAX_BLOB = 512 * 1024             # one resource-directory area, version block, or signature
WINDOW_BYTES = 1024 * 1024        # head and tail scanned when the structure is unknown
MAX_VALUE_BYTES = 512             # one version-resource value, UTF-16LE
RT_VERSION = 16

#: version-resource keys whose values are compared with the catalogue
VERSION_KEYS = ("ProductName", "FileDescription", "CompanyName", "OriginalFilename",
                "InternalName", "LegalCopyright")
_KEY_BYTES = [k.encode("utf-16-le") + b"\0\0" for k in VERSION_KEYS]
_UTF16_RUN = re.compile(rb"(?:[\x20-\x7e]\x00){6,}")

RISK_WORDS = {"remote-access-tool": "遠隔操作ソフト", "p2p-file-sharing": "P2P ファイル共有ソフト"}
EVIDENCE_ORDER = ("ファイル名", "バージョン情報", "電子署名の発行元", "インストーラ情報", "ファイル内の文字列")


def executable_risks(path: str, name: str) -> list[dict]:
    """``remote-access-tool`` / ``p2p-file-sharing`` for one executable or installer.

    Raises :class:`ReadError` only when the file cannot be opened or read; a
    malformed executable just gives no evidence from its contents.
    """
    cat = default_catalogue()
    evidence: dict[int, set[str]] = {}

    def add(index: int | None, what: str) -> None:
        if index is not None:
            evidence.setdefault(index, set()).add(what)

    add(cat.tool_names.match(name), "ファイル名")
    try:
        with open(path, "rb") as fh:
            for index, what in content_evidence(fh, cat):
                add(index, what)
    except OSError:
        raise ReadError("cannot read file") from None
    return _risks(cat, evidence)


def executable_name_risks(name: str) -> list[dict]:
    """The risks a file name alone shows (for an executable that cannot be read)."""
    cat = default_catalogue()
    index = cat.tool_names.match(name)
    return _risks(cat, {index: {"ファイル名"}}) if index is not None else []


def content_evidence(fh, cat: Catalogue) -> list[tuple[int, str]]:
    """(tool index, evidence) pairs found inside an open binary file."""
    size = os.fstat(fh.fileno()).st_size
    head = fh.read(HEADER_BYTES)
    found: list[tuple[int, str]] = []
    if head[:2] == b"MZ" and (pe := _pe_layout(head)) is not None:
        version = _version_block(fh, pe, size)
        if version:
            found += _match_fields(cat, version_fields(version), "バージョン情報")
        signature = _read_at(fh, *pe["security"], size) if pe["security"] else b""
        found += _match_markers(cat, [signature], "電子署名の発行元")
        if version or signature:
            return found
    elif head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        fields = _msi_summary(fh)
        if fields:
            found += _match_fields(cat, fields, "インストーラ情報")
            return found
    fh.seek(0)
    windows = [fh.read(WINDOW_BYTES)]
    if size > WINDOW_BYTES:
        start = max(WINDOW_BYTES, size - WINDOW_BYTES)
        windows.append(_read_at(fh, start, size - start, size))
    for window in windows:
        found += _match_fields(cat, version_fields(window), "ファイル内の文字列")
    found += _match_markers(cat, windows, "ファイル内の文字列")
    return found


# ---------------------------------------------------------------- PE layout

def _pe_layout(head: bytes) -> dict | None:
    """Sections and the signature's place from the PE headers, or None when they are not sane."""
    try:
        (e_lfanew,) = struct.unpack_from("<I", head, 0x3C)
        if head[e_lfanew:e_lfanew + 4] != b"PE\0\0":
            return None
        sections_count, = struct.unpack_from("<H", head, e_lfanew + 6)
        optional_size, = struct.unpack_from("<H", head, e_lfanew + 20)
        optional = e_lfanew + 24
        magic, = struct.unpack_from("<H", head, optional)
        dirs = optional + (96 if magic == 0x10B else 112)
        dir_count, = struct.unpack_from("<I", head, dirs - 4)
        security = None
        if dir_count > 4:
            offset, length = struct.unpack_from("<II", head, dirs + 4 * 8)
            if offset and length:
                security = (offset, min(length, MAX_BLOB))
        resource_rva = struct.unpack_from("<I", head, dirs + 2 * 8)[0] if dir_count > 2 else 0
        sections = []
        table = optional + optional_size
        for i in range(min(sections_count, 96)):
            vsize, rva, raw_size, raw_ptr = struct.unpack_from("<IIII", head, table + 40 * i + 8)
            sections.append((rva, max(vsize, raw_size), raw_ptr, raw_size))
    except struct.error:
        return None
    return {"sections": sections, "resource_rva": resource_rva, "security": security}


def _rva_to_offset(pe: dict, rva: int) -> int | None:
    for start, span, raw_ptr, raw_size in pe["sections"]:
        if start <= rva < start + span and rva - start < raw_size:
            return raw_ptr + rva - start
    return None


def _version_block(fh, pe: dict, size: int) -> bytes:
    """The RT_VERSION resource's bytes, walking the resource directory; b"" when absent."""
    base_rva = pe["resource_rva"]
    base = _rva_to_offset(pe, base_rva) if base_rva else None
    if base is None:
        return b""
    tree = _read_at(fh, base, MAX_BLOB, size)
    try:
        node = _directory_child(tree, 0, RT_VERSION)
        for _ in range(2):                       # name level, language level: take the first
            if node is None or not node & 0x80000000:
                return b""
            node = _directory_child(tree, node & 0x7FFFFFFF, None)
        if node is None or node & 0x80000000:
            return b""
        data_rva, data_size = struct.unpack_from("<II", tree, node)
    except struct.error:
        return b""
    offset = _rva_to_offset(pe, data_rva)
    if offset is None:
        return b""
    return _read_at(fh, offset, min(data_size, MAX_BLOB), size)


def _directory_child(tree: bytes, at: int, wanted_id: int | None) -> int | None:
    """The OffsetToData of a directory's entry with that ID (any entry when None)."""
    named, ids = struct.unpack_from("<HH", tree, at + 12)
    for i in range(min(named + ids, 4096)):
        entry_name, target = struct.unpack_from("<II", tree, at + 16 + 8 * i)
        if wanted_id is None or (not entry_name & 0x80000000 and entry_name == wanted_id):
            return target
    return None


def _read_at(fh, offset: int, length: int, size: int) -> bytes:
    if offset < 0 or offset >= size or length <= 0:
        return b""
    fh.seek(offset)
    return fh.read(length)


# ---------------------------------------------------------------- strings

def version_fields(data: bytes) -> list[str]:
    """Values of the version keys (``ProductName`` ...) found as UTF-16LE strings in some bytes."""
    values: list[str] = []
    for key in _KEY_BYTES:
        start = 0
        for _ in range(16):
            at = data.find(key, start)
            if at < 0:
                break
            start = at + len(key)
            value = _utf16_value(data, start)
            if value:
                values.append(value)
    return values


def _utf16_value(data: bytes, at: int) -> str:
    for _ in range(2):                           # padding to a 32-bit boundary
        if data[at:at + 2] == b"\0\0":
            at += 2
    end = at
    limit = min(len(data), at + MAX_VALUE_BYTES)
    while end + 1 < limit and data[end:end + 2] != b"\0\0":
        end += 2
    text = data[at:end].decode("utf-16-le", errors="replace").strip()
    return text if text and text.isprintable() else ""


def _msi_summary(fh) -> list[str]:
    """Title, subject (product), author (manufacturer) and comments of an MSI/OLE file."""
    try:
        import olefile
        fh.seek(0)
        ole = olefile.OleFileIO(fh)
        try:
            meta = ole.get_metadata()
        finally:
            ole.close()
    except (OSError, ValueError, TypeError, KeyError, IndexError, OverflowError, struct.error,
            UnicodeDecodeError, RecursionError, MemoryError):   # olefile on hostile input
        return []
    out = []
    for attr in ("title", "subject", "author", "comments", "keywords"):
        value = getattr(meta, attr, None)
        if isinstance(value, bytes):
            value = value.decode("cp932", errors="replace")
        if isinstance(value, str) and value.strip():
            out.append(value.strip()[:256])
    return out


def _match_fields(cat: Catalogue, fields: list[str], what: str) -> list[tuple[int, str]]:
    found = []
    for value in fields:
        index = cat.tool_products.match(value)
        if index is not None:
            found.append((index, what))
        low = value.lower()
        found += [(i, what) for i, tool in enumerate(cat.tools) if any(m in low for m in tool.markers)]
    return found


def _match_markers(cat: Catalogue, chunks: list[bytes], what: str) -> list[tuple[int, str]]:
    """Tools whose markers occur in the chunks, as ASCII or as UTF-16LE text."""
    texts = []
    for chunk in chunks:
        if chunk:
            texts.append(chunk.lower())
            wide = b"\n".join(_UTF16_RUN.findall(chunk)).replace(b"\0", b"")
            if wide:
                texts.append(wide.lower())
    found = []
    for i, tool in enumerate(cat.tools):
        needles = [m.encode("utf-8") for m in tool.markers]
        if any(n in text for n in needles for text in texts):
            found.append((i, what))
    return found


def _risks(cat: Catalogue, evidence: dict[int, set[str]]) -> list[dict]:
    risks = []
    for index in sorted(evidence):
        tool = cat.tools[index]
        if tool.name in cat.sanctioned_tools:
            continue
        how = "・".join(w for w in EVIDENCE_ORDER if w in evidence[index])
        risks.append(risk(tool.risk, f"{RISK_WORDS[tool.risk]} {tool.name}（{how}で判定）"))
    return risks
