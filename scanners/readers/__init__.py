"""Format readers: one module per file format, each returning a Document.

A reader is a plain function ``read_X(path: str, kind: str) -> Document``.
It raises :class:`~scanners.document.EncryptedError` for password-protected
files and :class:`~scanners.document.ReadError` (short reason, never a cell
value) for anything it cannot read.  Readers sample rows from the top of each
table (``SAMPLE_ROWS``) and estimate the total without reading everything
where the format allows.

The content decides the reader, not the extension: :func:`choose_reader`
maps the format :func:`.sniff.sniff` names to a reader, and this module is
the one place that does so.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ..document import Document
from . import sniff as fmt

Reader = Callable[[str, str], Document]

OOXML_KINDS = frozenset({"xlsx", "xlsm", "xltx", "xltm", "xlam"})
TEXT_KINDS = frozenset({"csv", "tsv", "txt"})
ACCESS_KINDS = frozenset({"mdb", "accdb"})


class ReaderChoice(NamedTuple):
    """A reader, and the kind to hand it: the file's kind, or the content's own when they differ."""

    reader: Reader
    read_as: str


def reader_for(kind: str) -> Reader | None:
    """The reader function for a kind of file, or None when there is none."""
    # imported lazily so that a worker only loads the libraries it needs
    if kind in OOXML_KINDS:
        from .ooxml import read_ooxml
        return read_ooxml
    if kind in ("xls", "xlsb", "ods"):
        from .calamine import read_calamine
        return read_calamine
    if kind in TEXT_KINDS:
        from .delimited import read_delimited
        return read_delimited
    if kind in ACCESS_KINDS:
        from .access import read_access
        return read_access
    return None


def choose_reader(content: str, kind: str) -> ReaderChoice | None:
    """The reader for what a file holds (a :mod:`.sniff` format) under a kind's name.

    None when no reader fits the content (XML of another schema).  Where the
    first bytes cannot say which (an empty file, a zip whose first parts are
    not telling, unknown bytes), the kind's own reader judges the file.
    """
    if content == fmt.OOXML:
        from .ooxml import read_ooxml
        return ReaderChoice(read_ooxml, kind if kind in OOXML_KINDS else "xlsx")
    if content in (fmt.XLSB, fmt.ODS):
        from .calamine import read_calamine
        return ReaderChoice(read_calamine, content)
    if content == fmt.OLE:           # BIFF8 or an encrypted package: the readers tell them apart
        if kind in OOXML_KINDS:
            from .ooxml import read_ooxml
            return ReaderChoice(read_ooxml, kind)
        from .calamine import read_calamine
        return ReaderChoice(read_calamine, kind if kind in ("xls", "xlsb") else "xls")
    if content == fmt.BIFF:
        from .biff_legacy import read_biff_legacy
        return ReaderChoice(read_biff_legacy, "xls")
    if content == fmt.ACCESS:
        from .access import read_access
        return ReaderChoice(read_access, kind if kind in ACCESS_KINDS else "mdb")
    if content == fmt.HTML:
        from .html_tables import read_html_tables
        return ReaderChoice(read_html_tables, kind)
    if content == fmt.MHTML:
        from .mhtml import read_mhtml
        return ReaderChoice(read_mhtml, kind)
    if content == fmt.SPREADSHEET_ML:
        from .spreadsheetml import read_spreadsheetml
        return ReaderChoice(read_spreadsheetml, kind)
    if content == fmt.SQL:
        from .sql_dump import read_sql_dump
        return ReaderChoice(read_sql_dump, kind)
    if content == fmt.TEXT:
        from .delimited import read_delimited
        return ReaderChoice(read_delimited, kind if kind in TEXT_KINDS else "txt")
    if content == fmt.XML:
        return None
    if content == fmt.ZIP and kind not in OOXML_KINDS | {"xls", "xlsb", "ods"}:
        from .ooxml import read_ooxml
        return ReaderChoice(read_ooxml, "xlsx")
    reader = reader_for(kind)         # EMPTY, BINARY, or a ZIP under a workbook's name
    return ReaderChoice(reader, kind) if reader is not None else None
