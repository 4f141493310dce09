"""Export of the asset list's current view: CSV (UTF-8 with BOM, or cp932) and Excel xlsx.

Columns are facts the registry holds (location, kind, counts, category and
status labels), never a value read from a file.  CSV is streamed in chunks;
xlsx is written with xlsxwriter's ``constant_memory`` mode to a temporary
file (memory stays flat whatever the number of rows) and sent from there.
Text cells that a spreadsheet would take for a formula get a leading
apostrophe in CSV and are written as plain strings in xlsx.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import xlsxwriter
from flask_babel import get_timezone
from flask_babel import gettext as _

from inventory.labels import UNREAD_REASON_LABELS, UNREAD_STATUSES, unread_reason
from inventory.web.labels import (
    CATEGORY_LABELS,
    COMPLEXITY_LABELS,
    GUIDELINE_LABELS,
    KIND_LABELS,
    LIFECYCLE_LABELS,
    STATUS_LABELS,
    label,
)

#: format -> (CSV text encoding or None for xlsx, media type, file extension)
EXPORT_FORMATS = {
    "csv": ("utf-8-sig", "text/csv; charset=utf-8", "csv"),
    "csv-cp932": ("cp932", "text/csv; charset=windows-31j", "csv"),
    "xlsx": (None, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
CSV_CHUNK_ROWS = 500
#: rows of an Excel sheet, the header included; more rows continue on another sheet
SHEET_ROWS = 1_048_576
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One export column: its header and how to get its cell from a list row."""
    header: str
    value: Callable
    width: int = 12


def local_time(value: dt.datetime | None, zone: dt.tzinfo) -> dt.datetime | None:
    """A stored UTC time (naive on SQLite) in ``zone``, without tzinfo (for cells)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(zone).replace(tzinfo=None)


def _translated(labels: dict) -> dict:
    """``labels`` with each lazy label turned into text once (not once per row)."""
    return {code: str(text) for code, text in labels.items()}


def ui_zone() -> dt.tzinfo:
    """The UI time zone as a ``zoneinfo`` zone (converting with it is several times faster than pytz)."""
    zone = get_timezone()
    try:
        return ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return zone


def export_columns(department_names: dict) -> list[Column]:
    """The export's columns, labels translated now; ``department_names``: id -> (sort key, name)."""
    unassigned, yes, no, zone = _("Unassigned"), _("Yes"), _("No"), ui_zone()
    departments = {dept_id: name for dept_id, (_key, name) in department_names.items()}
    kinds, statuses = _translated(KIND_LABELS), _translated(STATUS_LABELS)
    complexities, lifecycles = _translated(COMPLEXITY_LABELS), _translated(LIFECYCLE_LABELS)
    guidelines, categories = _translated(GUIDELINE_LABELS), _translated(CATEGORY_LABELS)
    order = {code: n for n, code in enumerate(CATEGORY_LABELS)}

    def yes_no(flag) -> str:
        return yes if flag else no

    unknown, checked_yes, checked_no = (_("Unknown: contents not checked"), _("Yes (checked by a person)"),
                                        _("No (checked by a person)"))

    def personal_text(row) -> str:
        """Never "No" for a file whose contents were not read (issue 18)."""
        if row.status not in UNREAD_STATUSES:
            return yes_no(row.personal_present)
        if row.content_review == "personal":
            return checked_yes
        if row.content_review == "none":
            return checked_no
        return yes if row.personal_present else unknown

    reasons = {code: _(text) for code, text in UNREAD_REASON_LABELS.items()}

    def unread_text(row) -> str:
        found = unread_reason(row.status, row.error)
        return reasons[found] if found else ""

    def app_label(labels: dict, row, code) -> str:
        return labels.get(code, str(code)) if row.is_app else ""

    def category_text(row) -> str:
        codes = sorted(row.categories or [], key=lambda c: (order.get(c, 99), c))
        return "、".join(categories.get(c, str(c)) for c in codes)

    return [
        Column(_("ID"), lambda r: r.id, 8),
        Column(_("Department"), lambda r: departments.get(r.department_id, unassigned), 24),
        Column(_("Root"), lambda r: r.root, 20),
        Column(_("Path"), lambda r: r.path, 60),
        Column(_("File name"), lambda r: r.name, 30),
        Column(_("Kind"), lambda r: kinds.get(r.kind, r.kind)),
        Column(_("Size (bytes)"), lambda r: r.size),
        Column(_("Modified"), lambda r: local_time(r.mtime, zone), 18),
        Column(_("Scan status"), lambda r: statuses.get(r.status, r.status)),
        Column(_("Why the contents could not be checked"), unread_text, 30),
        Column(_("Personal data"), personal_text, 14),
        Column(_("Personal-data categories"), category_text, 40),
        Column(_("Sensitive personal data"), lambda r: yes_no(r.sensitive)),
        Column(_("My Number"), lambda r: yes_no(r.my_number)),
        Column(_("Records"), lambda r: r.records),
        Column(_("Business app"), lambda r: yes_no(r.is_app)),
        Column(_("App kind"), lambda r: r.app_kind or ""),
        Column(_("Complexity"), lambda r: app_label(complexities, r, r.complexity)),
        Column(_("Number of risks"), lambda r: r.risk_count),
        Column(_("Triage stage"), lambda r: app_label(lifecycles, r, r.lifecycle)),
        Column(_("Guideline"), lambda r: app_label(guidelines, r, r.guideline)),
        Column(_("First seen"), lambda r: local_time(r.first_seen_at, zone), 18),
        Column(_("Last seen"), lambda r: local_time(r.last_seen_at, zone), 18),
    ]


def category_labels(codes) -> list[str]:
    """Labels of category codes in the spec's order (the registry stores them sorted by code)."""
    order = {code: n for n, code in enumerate(CATEGORY_LABELS)}
    return [label(CATEGORY_LABELS, c) for c in sorted(codes or [], key=lambda c: (order.get(c, 99), c))]


def csv_text(value) -> str:
    """A cell as CSV text: times to the minute, formula-like text defused with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, dt.datetime):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}"
    return str(value)


def csv_chunks(rows: Iterable, columns: list[Column], encoding: str) -> Iterator[bytes]:
    """The CSV file in chunks of bytes (CRLF lines; characters cp932 lacks become "?")."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    out.writerow([str(c.header) for c in columns])
    if encoding == "utf-8-sig":
        yield "\ufeff".encode()
        encoding = "utf-8"
    for n, row in enumerate(rows, 1):
        out.writerow([csv_text(c.value(row)) for c in columns])
        if n % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue().encode(encoding, errors="replace")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode(encoding, errors="replace")


def write_xlsx(rows: Iterable, columns: list[Column], sheet_name: str,
               sheet_rows: int = SHEET_ROWS):
    """The xlsx file, written to a temporary file (returned rewound; the caller closes it)."""
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (returned open, for sending)
    try:
        _fill_workbook(target, rows, columns, sheet_name, sheet_rows)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target


def _fill_workbook(target, rows: Iterable, columns: list[Column], sheet_name: str, sheet_rows: int):
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "tmpdir": tempfile.gettempdir()})
    header = book.add_format({"bold": True, "bg_color": "#DBE7F6", "border": 1})
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet, line, sheets = None, sheet_rows, 0
    for row in rows:
        if line >= sheet_rows:
            sheets += 1
            sheet = _new_sheet(book, f"{sheet_name}{sheets if sheets > 1 else ''}", columns, header)
            line = 1
        for col, column in enumerate(columns):
            _write_cell(sheet, line, col, column.value(row), when)
        line += 1
    if sheet is None:
        _new_sheet(book, sheet_name, columns, header)
    book.close()


def _new_sheet(book, name: str, columns: list[Column], header_format):
    sheet = book.add_worksheet(name[:31])
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width)
        sheet.write_string(0, col, str(column.header), header_format)
    sheet.freeze_panes(1, 0)
    return sheet


def _write_cell(sheet, line: int, col: int, value, when_format) -> None:
    """One cell, typed: text always as a string (never a formula or a link), numbers, times."""
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(line, col, value)
    elif isinstance(value, (int, float)):
        sheet.write_number(line, col, value)
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(line, col, value, when_format)
    else:
        sheet.write_string(line, col, str(value))
