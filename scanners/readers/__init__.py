"""Format readers: one module per file format, each returning a Document.

A reader is a plain function ``read_X(path: str, kind: str) -> Document`` (one
that can use the file's first bytes, which the scan read while hashing, also takes
``head=``: its :class:`ReaderChoice` says so).  It raises
:class:`~scanners.document.EncryptedError` for password-protected files and
:class:`~scanners.document.ReadError` (short reason, never a cell value) for
anything it cannot read.  Readers sample rows from the top of each
table (``SAMPLE_ROWS``) and estimate the total without reading everything
where the format allows.

The content decides the reader, not the extension: :func:`choose_reader`
maps the format :func:`.sniff.sniff` names to a reader, and this module is
the one place that does so.  Where the first bytes cannot say (a zip whose first
parts are not telling), the reader that opened the file raises
:class:`~scanners.document.OtherContent` and :meth:`ReaderChoice.read` reads it
again with the content's reader: no reader calls another.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ..document import Document, OtherContent
from . import sniff as fmt

Reader = Callable[..., Document]

OOXML_KINDS = fmt.OOXML_KINDS
TEXT_KINDS = frozenset({"csv", "tsv", "txt"})
ACCESS_KINDS = frozenset({"mdb", "accdb"})


class ReaderChoice(NamedTuple):
    """A reader, and the kind to hand it: the file's kind, or the content's own when they differ."""

    reader: Reader
    read_as: str
    #: the reader also takes the file's first bytes (``head=``), so as not to read them again
    takes_head: bool = False

    def read(self, path: str, head: bytes | None = None) -> Document:
        """The file's document; a file whose reader found another content in it
        (:class:`~scanners.document.OtherContent`) is read once more by that content's reader."""
        try:
            return self._call(path, head)
        except OtherContent as other:
            retry = choose_reader(other.content, self.read_as)
            if retry is None or retry.reader is self.reader:
                raise
            document = retry._call(path, head)
            if other.note:
                document.notes.append(other.note)
            return document

    def _call(self, path: str, head: bytes | None) -> Document:
        if self.takes_head and head is not None:
            return self.reader(path, self.read_as, head=head)
        return self.reader(path, self.read_as)


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
    if content == fmt.OLE:           # BIFF8 or an encrypted package (under any workbook name): the
        from .calamine import read_calamine      # OLE reader tells them apart
        return ReaderChoice(read_calamine, kind if kind in OOXML_KINDS | {"xls", "xlsb"} else "xls")
    if content == fmt.BIFF:
        from .biff_legacy import read_biff_legacy
        return ReaderChoice(read_biff_legacy, "xls")
    if content == fmt.ACCESS:
        from .access import read_access
        return ReaderChoice(read_access, kind if kind in ACCESS_KINDS else "mdb", takes_head=True)
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
