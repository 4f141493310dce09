"""Format readers: one module per file format, each returning a Document.

A reader is a plain function ``read_X(path: str, kind: str) -> Document``.
It raises :class:`~scanners.document.EncryptedError` for password-protected
files and :class:`~scanners.document.ReadError` (short reason, never a cell
value) for anything it cannot read.  Readers sample rows from the top of each
table (``SAMPLE_ROWS``) and estimate the total without reading everything
where the format allows.
"""
from __future__ import annotations

from collections.abc import Callable

from ..document import Document

Reader = Callable[[str, str], Document]


def reader_for(kind: str) -> Reader | None:
    """The reader function for a kind of file, or None when there is none."""
    # imported lazily so that a worker only loads the libraries it needs
    if kind in ("xlsx", "xlsm", "xltx", "xltm", "xlam"):
        from .ooxml import read_ooxml
        return read_ooxml
    if kind in ("xls", "xlsb", "ods"):
        from .calamine import read_calamine
        return read_calamine
    if kind in ("csv", "tsv", "txt"):
        from .delimited import read_delimited
        return read_delimited
    if kind in ("mdb", "accdb"):
        from .access import read_access
        return read_access
    return None
