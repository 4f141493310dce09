"""Decode markup and dumps (HTML, SpreadsheetML, SQL) the way their authors wrote them.

A page or XML file may declare its charset (``<meta charset>``, the XML
declaration); web systems sometimes declare one and write another, so a
declared charset is used only when the first bytes decode with it.  Without a
usable declaration the delimited reader's detection decides (BOMs, UTF-16,
UTF-8, cp932 / EUC-JP, charset-normalizer as tie-breaker).
"""
from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from ..document import ReadError
from .delimited import decodes, detect_encoding, read_start

CHUNK = 64 * 1024
#: bytes from the top a reader decides the encoding on (as the delimited reader does: an
#: Excel page's style sheet or a dump's DDL can fill the first KB with ASCII)
ENCODING_SAMPLE_BYTES = 64 * 1024

#: charset labels of Japanese pages and what Python calls the codec that reads them
#: (Shift_JIS pages are written by Windows, whose Shift_JIS is cp932)
_ALIASES = {
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "s-jis": "cp932",
    "windows-31j": "cp932", "ms932": "cp932", "ms_kanji": "cp932", "csshiftjis": "cp932",
    "cp932": "cp932", "x-euc-jp": "euc_jp", "euc-jp": "euc_jp", "eucjp": "euc_jp",
    "iso-2022-jp": "iso2022_jp_ext", "unicode": "utf-16", "utf-16": "utf-16",
}
_META_CHARSET = re.compile(rb"<meta[^>]{0,512}?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})", re.I)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def python_codec(label: str) -> str | None:
    """Python's codec for a charset label, or None when Python has none."""
    name = _ALIASES.get(label.strip().lower(), label.strip().lower())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(head: bytes) -> str | None:
    """The charset a page's ``<meta>`` or an XML declaration names, as a Python codec."""
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return python_codec(match.group(1).decode("ascii")) if match else None


def choose_encoding(head: bytes, complete: bool) -> tuple[str, int]:
    """(codec, BOM length) for a markup file from its head: BOM, then a declaration that
    decodes the head, then detection.  ``complete``: the head is the whole file."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec, len(bom)
    ascii_head = head if b"\x00" not in head[:200] else head.decode("utf-16", "replace").encode("ascii", "replace")
    declared = declared_charset(ascii_head)
    if declared and not declared.startswith("utf-16") and decodes(head, declared, complete):
        return declared, 0
    encoding, bom = detect_encoding(head, complete)
    return encoding, len(bom)


def open_encoding(path: str) -> tuple[bytes, int, str, int]:
    """(head, size, codec, BOM length) of a markup or dump file: its first bytes read once,
    its encoding chosen on them (:func:`choose_encoding`)."""
    head, size = read_start(path, ENCODING_SAMPLE_BYTES)
    encoding, skip = choose_encoding(head, complete=size <= len(head))
    return head, size, encoding, skip


def decoded_chunks(path: str, encoding: str, skip: int, max_bytes: int) -> Iterator[str]:
    """The file's text from byte ``skip`` on, decoded chunk by chunk, up to ``max_bytes`` bytes."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    seen = 0
    try:
        with open(path, "rb") as fh:
            fh.seek(skip)
            while seen < max_bytes and (chunk := fh.read(min(CHUNK, max_bytes - seen))):
                seen += len(chunk)
                yield decoder.decode(chunk)
            if seen < max_bytes:
                yield decoder.decode(b"", final=True)
    except OSError:
        raise ReadError("cannot read file") from None
