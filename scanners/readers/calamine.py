"""Read xls (BIFF5/8, also .xlt/.xla), xlsb and ods workbooks through python-calamine.

calamine loads a sheet's cells when the sheet is opened; only the first
SAMPLE_ROWS rows are converted to Python.  Encryption is told apart before
(or when calamine refuses a file); an xls encrypted with Excel's default
write-protection key is decrypted in memory and read.

An OLE file (xls, or an encrypted OOXML package under any workbook name) is read
into memory once, up to ``MAX_IN_MEMORY``: the encryption check, the container
check, calamine, xlrd and then app detection (``Document.file_bytes``, or the
EncryptedError's) all work on those bytes, and the file is not opened again.
A zip holding an OOXML workbook under an xls name is handed back to the reader
choice (:class:`~scanners.document.OtherContent`), which reads it as OOXML.
"""
from __future__ import annotations

import datetime as dt
import io

from ..apps.excel_package import ExcelPackage, package_or_failure
from ..document import SAMPLE_ROWS, Cell, Document, EncryptedError, OtherContent, ReadError, Table
from . import encryption
from .cfb_check import check_cfb
from .ooxml_sheet import LEAD_PAD
from .safezip import PartIndex, open_zip
from .sniff import OOXML, OOXML_KINDS

#: xls files up to this size also get hidden rows/columns from xlrd
XLRD_MAX_BYTES = 8 << 20
#: OLE files up to this size are read into memory once; larger ones are opened by path by
#: each step that reads them (calamine, the checks, app detection)
MAX_IN_MEMORY = 64 << 20
#: the reader calamine's from_path picks by extension (any other extension is sniffed)
CALAMINE_BY_EXTENSION = {"xls": "xls", "xla": "xls", "xlsx": "xlsx", "xlsm": "xlsx", "xlam": "xlsx",
                         "xlsb": "xlsb", "ods": "ods"}


def read_calamine(path: str, kind: str) -> Document:
    """Read an xls, xlsb or ods file into a Document; ReadError/EncryptedError when it cannot.

    ``kind`` may also be an OOXML kind for an OLE file under an OOXML name (an encrypted
    package, or an xls renamed); the notes and errors then say so.
    """
    try:
        fh = open(path, "rb")
    except OSError:
        raise ReadError("cannot open file") from None
    with fh:                         # one open: the first bytes, then the OLE bytes or the zip
        try:
            head = fh.read(8)
        except OSError:
            raise ReadError("cannot open file") from None
        if not head:
            raise ReadError("empty file")
        if head == encryption.OLE_MAGIC:
            data = _whole_file(fh)
        elif head[:2] == b"PK":
            return _read_zip(fh, path, kind)
    if head == encryption.OLE_MAGIC:
        return _read_ole(path, data, kind)
    return _read_workbook(path, kind, {})


def _whole_file(fh) -> bytes | None:
    """The rest of an open file with its first bytes, when it fits in ``MAX_IN_MEMORY``."""
    import os

    try:
        if os.fstat(fh.fileno()).st_size > MAX_IN_MEMORY:
            return None
        fh.seek(0)
        return fh.read()
    except OSError:
        raise ReadError("cannot read file") from None


def _read_zip(fh, path: str, kind: str) -> Document:
    """xlsb or ods (or a zip under an xls name), the package checked on the open file."""
    fh.seek(0)
    package = _zip_checks(fh, kind)
    notes = ["zip content under an xls name"] if kind == "xls" else []
    source: str | io.BytesIO = path
    if not _path_fits(path, kind if kind in ("xlsb", "ods") else None):
        try:
            fh.seek(0)
            source = io.BytesIO(fh.read())  # calamine sniffs the bytes of a file-like
        except OSError:
            raise ReadError("cannot read file") from None
    document = _read_workbook(source, kind, {})
    document.notes[:0] = notes
    document.package = package
    return document


def _read_ole(path: str, data: bytes | None, kind: str) -> Document:
    """An OLE file, from its bytes (``data``) or, when too large to hold, by its path."""
    try:
        notes: list[str] = []
        source = _ole_source(path, data, kind, notes)
        bases: dict[str, int] = {}
        document = _read_workbook(source, kind, bases)
    except EncryptedError as exc:
        exc.file_bytes = data
        raise
    document.notes[:0] = notes
    document.file_bytes = data
    if document.tables and not isinstance(source, _Decrypted):  # xlrd reads the bytes, whatever the name
        from .xls_hidden import add_hidden_rows_columns

        add_hidden_rows_columns(data if data is not None else path, document, bases, XLRD_MAX_BYTES)
    if kind in OOXML_KINDS:
        document.notes.append("xls content under an OOXML name")
    return document


def _ole_source(path: str, data: bytes | None, kind: str, notes: list[str]):
    """What calamine opens for an OLE file: its path or bytes, or the bytes decrypted;
    EncryptedError when it stays locked."""
    held = data if data is not None else path
    contents = encryption.ole_contents(held)
    if contents.encryption is None:
        if not contents.workbook:
            raise ReadError("OLE file, not an OOXML package" if kind in OOXML_KINDS
                            else "OLE file without a workbook stream")
        check_cfb(held)  # calamine aborts the process on some corrupt containers
        if kind != "xls" and kind not in OOXML_KINDS:
            notes.append("xls content under an %s name" % kind)
        fits = _path_fits(path, "xls")
        if data is not None:
            return _FileBytes(data, path if fits else None)
        return path if fits else _file_bytes(path)
    if contents.encryption == "ooxml":
        raise EncryptedError("encrypted OOXML package")
    check_cfb(held)
    plain = encryption.decrypt_default_xls(held)
    if plain is None:
        raise EncryptedError("encrypted xls (%s)" % contents.encryption.removeprefix("xls-"))
    notes.append("decrypted with Excel's default write-protection key")
    return _Decrypted(plain)


class _Decrypted(io.BytesIO):
    """Bytes of a workbook decrypted in memory (the file itself stays unreadable to xlrd)."""


class _FileBytes(io.BytesIO):
    """The bytes of the file itself.  ``path``: the file's path when calamine's from_path
    would pick its reader for the content; opening the bytes falls back to it, so that a
    file calamine's sniffing of bytes refuses fails as it does by path."""

    def __init__(self, data: bytes, path: str | None):
        super().__init__(data)
        self.path = path


def _path_fits(path: str, content: str | None) -> bool:
    """True when calamine's ``from_path``, which picks its reader by a known extension
    (and sniffs the bytes of any other), picks the one for ``content``."""
    guess = CALAMINE_BY_EXTENSION.get(path.rpartition(".")[2].lower()) if "." in path else None
    return guess is None or guess == content


def _file_bytes(path: str) -> io.BytesIO:
    try:
        with open(path, "rb") as f:
            return io.BytesIO(f.read())
    except OSError:
        raise ReadError("cannot read file") from None


def _zip_checks(fh, kind: str) -> ExcelPackage | None:
    """Bomb and ODS-encryption checks on a zip; an xlsx zip under an xls name is handed back
    to the reader choice (OtherContent), which reads it as OOXML.

    An xlsb's package parts for app detection are read here, while the zip is open
    (calamine reads the cells by the path): the :class:`ExcelPackage` is returned."""
    zf = open_zip(fh)
    try:
        parts = PartIndex(zf)
        if parts.find("META-INF/manifest.xml") and encryption.ods_encrypted(zf):
            raise EncryptedError("encrypted ODS")
        is_xml_workbook = parts.find("xl/workbook.xml") is not None
        redirect = kind == "xls" and is_xml_workbook
        package = package_or_failure(zf) if kind != "ods" and not redirect else None
    finally:
        zf.close()
    if redirect:
        raise OtherContent(OOXML, "xlsx content under an xls name", note="xlsx content under an xls name")
    return package


def _open(source):
    import python_calamine as pc

    try:
        if isinstance(source, str):
            return pc.CalamineWorkbook.from_path(source)
        return pc.CalamineWorkbook.from_filelike(source)
    except pc.PasswordError:
        if getattr(source, "path", None):
            return _open(source.path)
        raise EncryptedError("password-protected workbook") from None
    except BaseException as exc:  # calamine errors, and pyo3 panics (BaseException)
        _reraise_interrupts(exc)
        if getattr(source, "path", None):   # calamine's sniffing of bytes refused it: as by path
            return _open(source.path)
        raise ReadError(_reason(exc)) from None


def _read_workbook(source, kind: str, bases: dict[str, int]) -> Document:
    """Sample every worksheet; ``bases`` receives each table's first sheet row."""
    import python_calamine as pc

    workbook = _open(source)
    document = Document(kind=kind)
    # calamine's enums compare equal but are not hashable: look them up in pairs
    visibilities = ((pc.SheetVisibleEnum.Hidden, "hidden"), (pc.SheetVisibleEnum.VeryHidden, "veryHidden"))
    type_names = ((pc.SheetTypeEnum.ChartSheet, "chartsheet"), (pc.SheetTypeEnum.DialogSheet, "dialogsheet"),
                  (pc.SheetTypeEnum.MacroSheet, "macrosheet"), (pc.SheetTypeEnum.Vba, "vba module"))
    skipped: dict[str, int] = {}
    failures: list[str] = []
    try:
        for index, meta in enumerate(workbook.sheets_metadata):
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                sheet_type = _lookup(type_names, meta.typ, "other sheet")
                skipped[sheet_type] = skipped.get(sheet_type, 0) + 1
                continue
            visibility = _lookup(visibilities, meta.visible, "visible")
            try:
                table, bases[meta.name] = _sample_sheet(workbook.get_sheet_by_index(index), meta.name)
            except BaseException as exc:
                _reraise_interrupts(exc)
                if type(exc).__name__ == "PasswordError":
                    raise EncryptedError("password-protected workbook") from None
                failures.append(_reason(exc))
                document.notes.append("sheet %s: %s" % (meta.name, _reason(exc)))
                continue
            table.visibility = visibility
            document.tables.append(table)
    except EncryptedError:
        raise
    except BaseException as exc:
        _reraise_interrupts(exc)
        raise ReadError(_reason(exc)) from None
    finally:
        try:
            workbook.close()
        except BaseException as exc:
            _reraise_interrupts(exc)
    for sheet_type, count in skipped.items():
        document.notes.append("skipped %d %s(s)" % (count, sheet_type))
    if failures and not document.tables:
        raise ReadError(failures[0])
    return document


def _lookup(pairs, value, default: str) -> str:
    for member, name in pairs:
        if value == member:
            return name
    return default


def _sample_sheet(sheet, name: str) -> tuple[Table, int]:
    """The sheet's sample as a Table, and the sheet row its first row is."""
    start, end = sheet.start, sheet.end
    if start is None or end is None:
        return Table(name=name, rows=[], total_rows=0), 0
    first_row, first_col = start
    if first_row <= LEAD_PAD:
        raw = sheet.to_python(skip_empty_area=False, nrows=SAMPLE_ROWS)
        base, pad = 0, 0
    else:
        raw = sheet.to_python(skip_empty_area=True, nrows=SAMPLE_ROWS)
        base, pad = first_row, first_col
    rows = [[None] * pad + [_cell(v) for v in row] for row in raw]
    for row in rows:                       # calamine pads with ''; keep rows "as read"
        while row and row[-1] is None:
            row.pop()
    return Table(name=name, rows=rows, total_rows=end[0] + 1 - base), base


def _cell(value) -> Cell:
    """calamine's cell values in the Document's vocabulary."""
    if value == "" or value is None:
        return None
    if type(value) is float:
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
        return value
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400  # a duration, kept as Excel's day fraction
    return value


def _reraise_interrupts(exc: BaseException) -> None:
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
        raise exc


def _reason(exc: BaseException) -> str:
    """A short reason naming the error class only (calamine messages may quote cell text)."""
    name = type(exc).__name__
    if name == "PanicException":
        return "parser crashed on malformed file"
    if name == "PasswordError":
        return "password-protected workbook"
    return {"XmlError": "bad XML", "ZipError": "corrupt zip", "WorksheetNotFound": "sheet missing",
            "MemoryError": "out of memory"}.get(name, "unreadable workbook (%s)" % name)
