"""Tell encrypted Office files apart: OLE containers, FILEPASS, ODS manifests.

An encrypted OOXML workbook (xlsx, xlsm, xlsb ...) is an OLE file holding
``EncryptionInfo`` and ``EncryptedPackage`` streams; an encrypted xls keeps
its BIFF ``Workbook`` stream but starts it with a FILEPASS record.
"""
from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass

from ..document import ReadError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")

#: the key Excel uses to encrypt write-protected workbooks; anyone can open them
DEFAULT_XLS_PASSWORD = "VelvetSweatshop"
#: msoffcrypto decrypts xls through Python lists of bytes: keep it to small files
MAX_DECRYPT_BYTES = 32 << 20

_BOF_IDS = (0x0809, 0x0409, 0x0209, 0x0009)
_FILEPASS = 0x002F
_EOF = 0x000A
_INTERFACEHDR = 0x00E1


#: an OLE file: its path, or its bytes when a reader read it whole
OleSource = str | bytes


def magic(path: str) -> bytes:
    """The first 8 bytes of a file (fewer for tiny files)."""
    try:
        with open(path, "rb") as f:
            return f.read(8)
    except OSError:
        raise ReadError("cannot open file") from None


def is_ole(source: OleSource) -> bool:
    return (source[:8] if isinstance(source, bytes) else magic(source)) == OLE_MAGIC


def as_file(source: OleSource):
    """What a library that takes a path or a file-like object opens: the path, or the bytes
    as a file (olefile would take short bytes for a file name)."""
    return io.BytesIO(source) if isinstance(source, bytes) else source


def _open_ole(source: OleSource):
    import olefile  # installed with oletools and msoffcrypto-tool
    try:
        return olefile.OleFileIO(as_file(source))
    except Exception:  # olefile raises many kinds on malformed containers
        raise ReadError("corrupt OLE file") from None


@dataclass(frozen=True)
class OleContents:
    """What an OLE file's directory says, from one parse of it."""

    #: :func:`ole_encryption`'s answer
    encryption: str | None
    #: a BIFF workbook stream (``Workbook`` or ``Book``) is there
    workbook: bool


def ole_contents(source: OleSource) -> OleContents:
    """How an OLE file is encrypted and whether it holds a workbook stream.

    Raises ReadError when it is not a readable OLE container.
    """
    if not is_ole(source):
        raise ReadError("not an OLE file")
    ole = _open_ole(source)
    try:
        if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
            return OleContents("ooxml", ole.exists("Workbook") or ole.exists("Book"))
        for stream in ("Workbook", "Book"):
            if ole.exists(stream):
                try:
                    head = ole.openstream(stream).read(4096)
                except Exception:
                    raise ReadError("corrupt OLE stream") from None
                return OleContents(xls_filepass(head), True)
        return OleContents(None, False)
    finally:
        ole.close()


def ole_encryption(source: OleSource) -> str | None:
    """How an OLE file is encrypted, or None when it is not.

    ``"ooxml"`` for an encrypted OOXML package, ``"xls-xor"``, ``"xls-rc4"``,
    ``"xls-rc4-cryptoapi"`` or ``"xls"`` for a BIFF workbook with FILEPASS.
    Raises ReadError when the file is not a readable OLE container.
    """
    return ole_contents(source).encryption


def xls_filepass(head: bytes) -> str | None:
    """The encryption a BIFF globals substream declares in its FILEPASS record.

    ``head`` is the start of the Workbook stream; FILEPASS, when present,
    comes right after BOF (and WRITEPROT), before the interface records.
    """
    pos, first = 0, True
    while pos + 4 <= len(head):
        rec, size = struct.unpack_from("<HH", head, pos)
        body = head[pos + 4: pos + 4 + size]
        if first and rec not in _BOF_IDS:
            return None  # not BIFF at all; let the reader say so
        first = False
        if rec == _FILEPASS:
            return _filepass_kind(body)
        if rec in (_EOF, _INTERFACEHDR):
            return None
        pos += 4 + size
    return None


def _filepass_kind(body: bytes) -> str:
    if len(body) >= 2:
        (method,) = struct.unpack_from("<H", body)
        if method == 0:
            return "xls-xor"
        if len(body) >= 4:
            (major,) = struct.unpack_from("<H", body, 2)
            return "xls-rc4" if major == 1 else "xls-rc4-cryptoapi"
    return "xls"


def decrypt_default_xls(source: OleSource) -> bytes | None:
    """The decrypted bytes of an xls (a path, or its bytes) encrypted with Excel's default key,
    else None.

    None also when the file is too large to decrypt in memory here.
    """
    import os

    size = len(source) if isinstance(source, bytes) else os.path.getsize(source)
    if size > MAX_DECRYPT_BYTES:
        return None
    try:
        import msoffcrypto
        with (io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")) as f:
            office = msoffcrypto.OfficeFile(f)
            office.load_key(password=DEFAULT_XLS_PASSWORD)
            out = io.BytesIO()
            office.decrypt(out)
    except Exception:  # wrong key, unsupported method, malformed record
        return None
    return out.getvalue()


def ods_encrypted(zf: zipfile.ZipFile) -> bool:
    """True when an ODF package's manifest declares encrypted entries."""
    from .safezip import PartIndex, StopParsing, parse_part

    name = PartIndex(zf).find("META-INF/manifest.xml")
    if name is None:
        return False
    found = []

    def start(tag: str, _attrs: dict) -> None:
        if tag.endswith("encryption-data"):
            found.append(True)
            raise StopParsing

    parse_part(zf, name, start, max_bytes=8 << 20)
    return bool(found)
