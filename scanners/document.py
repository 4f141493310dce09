"""The neutral document model every reader returns and every detector reads.

A reader turns one file into a :class:`Document`: its tables (sheets, CSV
body, Access tables), each with a sample of rows taken from the top and an
estimate of how many rows it holds in all.  Detectors never open files.

Cell values live only in memory, inside one worker, for as long as the file
is being inspected; nothing here is ever written to a record.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .apps.excel_package import ExcelPackage

# A cell as readers hand it over: text, number, date, bool or empty.
Cell = str | int | float | bool | _dt.date | _dt.datetime | _dt.time | None

#: rows a reader samples from the top of each table (title and header rows included)
SAMPLE_ROWS = 200


class ReadError(Exception):
    """The file cannot be read; ``str(exc)`` is a short reason with no cell value in it."""

    status = "error"


class EncryptedError(ReadError):
    """The file is password-protected or encrypted; its contents cannot be inspected.

    ``file_bytes``: the whole file, when the reader had read it before it found the lock
    (an OLE container), so that app detection does not open the file again; in memory only.
    """

    status = "encrypted"

    def __init__(self, *args, file_bytes: bytes | None = None):
        super().__init__(*args)
        self.file_bytes = file_bytes


class OtherContent(ReadError):
    """The file holds another format than the reader reads (``content``, a
    :mod:`scanners.readers.sniff` format, found only once the file was opened): the reader
    choice (:meth:`scanners.readers.ReaderChoice.read`) reads it again with that format's
    reader and adds ``note`` to the document.  ``str(exc)`` is the reason when it cannot."""

    def __init__(self, content: str, reason: str, note: str | None = None):
        super().__init__(reason)
        self.content, self.note = content, note


@dataclass
class Table:
    """One sheet, CSV body or database table."""

    name: str
    #: rows sampled from the top of the table, title/header rows included, as read
    rows: list[list[Cell]] = field(default_factory=list)
    #: rows in the whole table, including the sampled ones (an estimate where
    #: the format allows not reading everything); None when unknown
    total_rows: int | None = None
    #: sheet visibility: "visible", "hidden" or "veryHidden"
    visibility: str = "visible"
    #: indexes into ``rows`` of rows that are hidden
    hidden_rows: set[int] = field(default_factory=set)
    #: 0-based indexes of hidden columns
    hidden_columns: set[int] = field(default_factory=set)
    #: column names when the format defines them (Access, a database export);
    #: None when the header (if any) must be found among ``rows``
    header: list[str] | None = None
    #: for formats that name their columns, a column's declared type ("text",
    #: "integer", "date", ...), same order as ``header``
    column_types: list[str] | None = None

    @property
    def hidden(self) -> bool:
        return self.visibility != "visible"

    @property
    def row_count(self) -> int:
        """Rows in the table: the estimate when known, else the sample."""
        return self.total_rows if self.total_rows is not None else len(self.rows)


@dataclass
class Document:
    """What a reader found in one file."""

    kind: str
    tables: list[Table] = field(default_factory=list)
    #: short notes for the record (never values), e.g. "sheet X unreadable: ..."
    notes: list[str] = field(default_factory=list)
    #: database objects by type, for formats that have them (Access: "forms",
    #: "reports", "macros", "modules", "queries", "tables", "linked_tables");
    #: None when the format has none or they could not be read
    objects: dict[str, int] | None = None
    #: Access: the VBA project's streams from MSysAccessStorage (in memory only),
    #: None when the database has no code objects or the project was not read;
    #: ``objects`` may also hold "autoexec_macros" (a macro named AutoExec)
    vba_project: dict[str, bytes] | None = None
    #: external sources the file links to (Access linked tables, ODBC), each
    #: {"name": object name, "connect": connect string, "database": path};
    #: in memory only: connect strings may hold passwords, redact before output
    links: list[dict] = field(default_factory=list)
    #: OOXML and xlsb workbooks: what the zip holds for app detection (VBA project bytes,
    #: part names, connections, links, defined names), read by the data reader while it
    #: had the zip open (:class:`scanners.apps.excel_package.ExcelPackage`); in memory only,
    #: None for other formats
    package: ExcelPackage | None = None
    #: the whole file, when the reader read it into memory once (an OLE container: xls, or an
    #: encrypted package) and app detection reads it again from here; in memory only, None
    #: for other formats and for files too large to hold
    file_bytes: bytes | None = None
    #: running text of a file that holds no table (a memo, a letter, a résumé): the
    #: decoded sample, in memory only, for the prose detector; None for tabular files
    text: str | None = None
