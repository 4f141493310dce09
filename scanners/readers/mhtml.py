"""Read MHTML web archives (Excel's "Single File Web Page", .mht) saved under a spreadsheet name.

An MHTML file is a MIME message whose parts are the pages of a saved site:
Excel writes one HTML part per sheet (``sheet001.htm`` ...) next to a frameset
page.  Every ``text/html`` part is decoded (quoted-printable or base64, its
declared charset when the bytes agree) and its tables read as
:mod:`.html_tables` reads a page; tables are numbered across the parts.
Only the first ``MAX_BYTES`` of the archive are read.
"""
from __future__ import annotations

import email
import email.policy

from ..document import Document, ReadError
from .html_tables import TableCollector
from .text_codec import choose_encoding, python_codec

#: bytes of an archive read (the MIME parser needs the parts whole)
MAX_BYTES = 16 << 20
#: characters of one page parsed
MAX_PAGE_CHARS = 4 << 20


def read_mhtml(path: str, kind: str) -> Document:
    """The tables of every HTML page in a web archive."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError:
        raise ReadError("cannot open file") from None
    message = email.message_from_bytes(data[:MAX_BYTES], policy=email.policy.compat32)
    collector, pages, codecs_seen = TableCollector(), 0, []
    for part in message.walk():
        if part.get_content_type() != "text/html":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        declared = python_codec(part.get_content_charset() or "")
        encoding = declared if declared and _decodes(payload, declared) else choose_encoding(payload[:8192], True)[0]
        collector.feed(payload.decode(encoding, "replace")[:MAX_PAGE_CHARS])
        collector.reset_page()
        pages += 1
        codecs_seen.append(encoding)
    if not pages:
        raise ReadError("web archive without an HTML page")
    collector.close()
    document = Document(kind=kind, notes=[f"web archive: {pages} HTML page(s), encoding {codecs_seen[0]}"])
    if len(data) > MAX_BYTES:
        document.notes.append(f"read the first {MAX_BYTES >> 20} MB only")
    collector.fill(document)
    return document


def _decodes(payload: bytes, encoding: str) -> bool:
    try:
        payload.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True
