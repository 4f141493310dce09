"""Reader for Access databases (.mdb Jet 3/4, .accdb ACE) into a Document.

The database header is checked first (empty, zero-filled, truncated, not
Access, password or encryption).  Tables are then read with access-parser,
sampling ``SAMPLE_ROWS`` rows per table and taking the row count from the
table definition; where access-parser fails, or the file is too large for
it (it loads the whole file), the mdbtools command-line tools are used when
installed.  Linked tables hold no local data and are only counted.

The same pass fills ``Document.objects`` and ``Document.links`` from
``MSysObjects`` (see :mod:`.access_catalog`) and, when the database has
forms, reports or modules, keeps the streams of the VBA project Access 2007+
stores in ``MSysAccessStorage`` (``Document.vba_project``), so that
app facts never open the file a second time.  ``objects`` stays None when
``MSysObjects`` could not be read; ``vba_project`` stays None when the VBA
storage could not be read or the format keeps it elsewhere (Access 97's
MSysModules2, Access 2000-2003's MSysAccessObjects).

access-parser logs raw page bytes on parse errors, so its loggers are
silenced here: no cell value may reach a log.

This module reads the header and chooses the route; the routes are
:mod:`.access_via_parser` and :mod:`.access_via_mdbtools`.
"""
from __future__ import annotations

import os
import shutil
import struct
from dataclasses import dataclass

from ..document import Document, EncryptedError, ReadError
from .access_via_mdbtools import read_with_mdbtools
from .access_via_parser import read_with_parser

#: above this size the whole-file parser is skipped in favour of mdbtools
PARSER_PREFERRED_MAX_BYTES = 64 * 2**20
#: above this size the whole-file parser is never used (about 10-30 s and 2x its size in RAM)
PARSER_HARD_MAX_BYTES = 256 * 2**20

_HEADER_RC4_KEY = struct.pack("<I", 0x6B39DAC7)
_ENGINES = (b"Standard Jet DB", b"Standard ACE DB")


@dataclass(frozen=True)
class JetHeader:
    """What page 0 of an Access database says about the file."""

    version: int        # 0 Jet3, 1 Jet4, 2 ACE12 (2007), 3 ACE14 (2010), 5 ACE16, 6 ACE17
    page_size: int
    code_page: int
    database_key: int   # non-zero: pages are RC4-encoded (Jet) or encrypted (ACE)
    has_password: bool

    @property
    def text_codec(self) -> str:
        """Python codec for Jet3 (single/double-byte) text."""
        return f"cp{self.code_page}" if self.code_page in (932, 936, 949, 950) or \
            1250 <= self.code_page <= 1258 else "cp1252"


def read_access(path: str, kind: str, head: bytes | None = None) -> Document:
    """Read the user tables of an Access database: headers, types, sample rows, row counts.

    ``head``: the file's first bytes when the caller read them already (the scan's hashing
    pass): page 0 is then not read again."""
    header = read_jet_header(path, head)
    check_encryption(header)
    size = os.path.getsize(path)
    have_mdbtools = shutil.which("mdb-tables") is not None
    notes: list[str] = []
    if header.database_key or size > PARSER_PREFERRED_MAX_BYTES:
        if have_mdbtools:
            return read_with_mdbtools(path, kind, header, notes)
        if header.database_key:
            raise EncryptedError("encoded database (mdbtools not installed)")
        if size > PARSER_HARD_MAX_BYTES:
            raise ReadError("database too large without mdbtools")
    try:
        return read_with_parser(path, kind, header, have_mdbtools)
    except ReadError:
        if not have_mdbtools:
            raise
        return read_with_mdbtools(path, kind, header, ["access-parser failed; read with mdbtools"])


def read_jet_header(path: str, head: bytes | None = None) -> JetHeader:
    """Parse page 0 (from ``head``, the file's first bytes, when it holds it); ReadError for
    empty, zero-filled, truncated or non-Access files."""
    try:
        size = os.path.getsize(path)
        if head is not None and (len(head) >= 0x1000 or len(head) == size):
            page = bytearray(head[:0x1000])
        else:
            with open(path, "rb") as fh:
                page = bytearray(fh.read(0x1000))
    except OSError:
        raise ReadError("cannot open file") from None
    if size == 0:
        raise ReadError("empty file")
    if not any(page):
        raise ReadError("zero-filled file")
    if len(page) < 0x800 or page[:4] != b"\x00\x01\x00\x00" or bytes(page[4:19]) not in _ENGINES:
        raise ReadError("not an Access database")
    version = page[0x14]
    if version > 6:
        raise ReadError("unknown Access format version")
    page_size = 0x800 if version == 0 else 0x1000
    if size % page_size or size < 3 * page_size or len(page) < page_size:
        raise ReadError("truncated database")
    span = 126 if version == 0 else 128
    page[0x18:0x18 + span] = _rc4(_HEADER_RC4_KEY, bytes(page[0x18:0x18 + span]))
    code_page, key = struct.unpack_from("<HI", page, 0x3C)
    return JetHeader(version, page_size, code_page, key, _password_is_set(page, version))


def check_encryption(header: JetHeader) -> None:
    """EncryptedError for a database password or ACCDB encryption (detected, never cracked)."""
    if header.version >= 2 and (header.database_key or header.has_password):
        raise EncryptedError("encrypted database")
    if header.has_password:
        raise EncryptedError("database password set")


def _password_is_set(page: bytearray, version: int) -> bool:
    """True when the (masked) password slot at 0x42 is not blank; the password is not kept."""
    if version == 0:
        return any(page[0x42:0x42 + 20])
    created = struct.unpack_from("<d", page, 0x72)[0]
    try:
        mask = struct.pack("<i", int(created))
    except (OverflowError, ValueError, struct.error):
        mask = b"\x00" * 4
    return any(b ^ mask[i % 4] for i, b in enumerate(page[0x42:0x42 + 40]))


def _rc4(key: bytes, data: bytes) -> bytes:
    """Plain RC4, used only to unscramble the fixed-key region of page 0."""
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 0xFF
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) & 0xFF
        j = (j + s[i]) & 0xFF
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) & 0xFF])
    return bytes(out)
