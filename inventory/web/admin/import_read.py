"""Read an org-chart import file (xlsx or csv) into tables of text cells.

A workbook may hold a departments sheet, a users sheet and a staff sheet
(recognised by their headers: ``組織名``, ``ユーザー名`` or ``職員番号``); a
CSV file is one of the three.
CSV is UTF-8 (with or without BOM), else cp932 (Shift_JIS as Excel writes
it).  Workbooks are opened with openpyxl in read-only mode, after checking
the zip's declared size; rows and columns are capped.  Anything unreadable
raises :class:`ImportFileError` with a short reason of ours, never a cell.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from inventory.xlsx_limits import WorkbookTooLarge, check_workbook

MAX_ROWS = 20_000
MAX_COLUMNS = 50
MAX_UNZIPPED = 100 * 1024 * 1024
#: counted in the file before parsing (inventory.xlsx_limits): rows of a sheet, blank ones
#: included, and shared strings
MAX_SHEET_ROWS = 40_000
MAX_SHARED_STRINGS = 200_000
#: what inventory.xlsx_limits found too many -> the message
TOO_MANY = {
    "rows": _l("The workbook has too many rows (at most 40,000 per sheet, blank rows included)."),
    "shared_strings": _l("The workbook holds too many different texts (at most 200,000)."),
}
#: canonical column -> headers accepted for it (compared after NFKC and lower-casing)
DEPARTMENT_COLUMNS = {
    "code": ("組織コード", "code"), "name": ("組織名", "name"),
    "parent_code": ("上位組織コード", "parent_code"), "head": ("所属長ユーザー", "head"),
    "valid_from": ("有効開始日", "valid_from"), "valid_to": ("有効終了日", "valid_to"),
    "successor_code": ("後継組織コード", "successor_code"),
}
USER_COLUMNS = {
    "username": ("ユーザー名", "username"), "display_name": ("氏名", "display_name"),
    "email": ("メール", "email"), "role": ("役割", "role"),
    "department_code": ("組織コード", "department_code"), "active": ("有効", "active"),
}
#: the staff directory (職員): people with or without an account, matched by 職員番号
STAFF_COLUMNS = {
    "staff_number": ("職員番号", "staff_number"), "name": ("氏名", "name"),
    "kana": ("カナ", "フリガナ", "ふりがな", "氏名カナ", "kana"),
    "department_code": ("所属コード", "組織コード", "department_code"), "title": ("役職", "title"),
    "email": ("メール", "メールアドレス", "email"), "active": ("在職", "active"),
}
KINDS = {"departments": DEPARTMENT_COLUMNS, "users": USER_COLUMNS, "staff": STAFF_COLUMNS}
#: a header that tells which kind a table is (tried in this order)
KIND_MARKERS = {"users": "username", "staff": "staff_number", "departments": "name"}


class ImportFileError(ValueError):
    """The file cannot be read as an import file; ``reason`` is a message of ours."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


@dataclass
class Table:
    """One table of the file: its kind, where it is, its columns and its data rows."""
    kind: str                                   # departments | users | staff
    source: str                                 # sheet name, or "CSV"
    headers: dict[str, str]                     # canonical column -> header as written
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)   # (row number, cells)
    ignored: list[str] = field(default_factory=list)                          # unknown headers


def header_key(text) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).strip().lower()


def read_tables(filename: str, data: bytes) -> list[Table]:
    """The departments, users and staff tables of an uploaded file (xlsx or csv by its name)."""
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix in ("xlsx", "xlsm"):
        tables = _workbook_tables(data)
    elif suffix in ("csv", "txt"):
        tables = [t for t in [_table("CSV", _csv_rows(data))] if t is not None]
    else:
        raise ImportFileError(_l("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
    if not tables:
        raise ImportFileError(_l("No table with the template's headers was found."))
    return tables


def _csv_rows(data: bytes):
    text = decode_csv(data)
    try:
        return list(_capped(csv.reader(io.StringIO(text, newline=""))))
    except csv.Error:
        raise ImportFileError(_l("The CSV file is malformed.")) from None


def decode_csv(data: bytes) -> str:
    """CSV bytes as text: UTF-8 (BOM or not), else cp932."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\0" not in text:
            return text
    raise ImportFileError(_l("The CSV file is neither UTF-8 nor Shift_JIS (cp932) text."))


def _workbook_tables(data: bytes) -> list[Table]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise ImportFileError(_l("The workbook is too large once unpacked."))
        check_workbook(data, MAX_SHEET_ROWS, MAX_SHARED_STRINGS)
    except WorkbookTooLarge as exc:
        raise ImportFileError(TOO_MANY[exc.what]) from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ImportFileError(_l("The file is not an Excel workbook (or it is encrypted).")) from None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            tables = []
            for sheet in book.worksheets:
                rows = _capped(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS))
                table = _table(sheet.title, rows)
                if table is not None:
                    tables.append(table)
            return tables
        finally:
            book.close()
    except ImportFileError:
        raise
    except Exception:  # noqa: BLE001  (openpyxl raises many kinds of errors on damaged files)
        raise ImportFileError(_l("The workbook could not be read.")) from None


def _capped(rows):
    """Rows as lists of at most MAX_COLUMNS cells; more than MAX_ROWS rows is an error."""
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS + 1:
            raise ImportFileError(_l("The file has too many rows (at most 20,000 per table)."))
        yield list(row)[:MAX_COLUMNS]


def _table(source: str, rows) -> Table | None:
    """The table starting at the first non-empty row, or None when its headers are not ours."""
    rows = iter(rows)
    header_row = 0
    for header_row, header in enumerate(rows, start=1):
        if any(cell_text(c) for c in header):
            break
    else:
        return None
    keys = [header_key(c) for c in header]
    kind = next((k for k, marker in KIND_MARKERS.items()
                 if any(k_ in keys for k_ in map(header_key, KINDS[k][marker]))), None)
    if kind is None:
        return None
    aliases = {header_key(alias): column for column, names in KINDS[kind].items() for alias in names}
    positions, headers, ignored = {}, {}, []
    for index, (key, raw) in enumerate(zip(keys, header)):
        column = aliases.get(key)
        if column and column not in positions:
            positions[column], headers[column] = index, cell_text(raw)
        elif key:
            ignored.append(cell_text(raw))
    table = Table(kind, source, headers, ignored=ignored)
    for number, row in enumerate(rows, start=header_row + 1):
        cells = {column: row[i] if i < len(row) else None for column, i in positions.items()}
        if any(cell_text(v) for v in cells.values()):
            table.rows.append((number, cells))
    return table


def cell_text(value) -> str:
    """A cell as trimmed text (whole numbers without '.0'; dates ISO)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()
