"""Read bare BIFF2-4 worksheets (Excel 2.x-4.0, no OLE container) through xlrd.

calamine reads only BIFF5/8 inside an OLE container; xlrd still reads the
older streams, whose files are small (one worksheet, or a BIFF4 workbook).
xlrd parses the whole file, so files over ``MAX_BYTES`` are refused, and its
warnings (which it prints to standard output) go to a null log.
"""
from __future__ import annotations

import os

from ..document import SAMPLE_ROWS, Cell, Document, ReadError, Table

#: xlrd loads every cell: larger legacy files are not read
MAX_BYTES = 16 << 20


def read_biff_legacy(path: str, kind: str) -> Document:
    """Every worksheet of a BIFF2-4 file as a Table."""
    try:
        if os.path.getsize(path) > MAX_BYTES:
            raise ReadError("BIFF2-4 file too large to read")
    except OSError:
        raise ReadError("cannot open file") from None
    import xlrd

    try:
        with open(path, "rb") as fh:             # one open: xlrd parses the bytes
            data = fh.read()
        with open(os.devnull, "w") as quiet:
            book = xlrd.open_workbook(file_contents=data, logfile=quiet, verbosity=0, on_demand=False,
                                      formatting_info=False)
            document = Document(kind=kind, notes=[f"BIFF{book.biff_version // 10} worksheet read with xlrd"])
            for sheet in book.sheets():
                document.tables.append(_table(sheet, book.datemode))
    except ReadError:
        raise
    except MemoryError:
        raise ReadError("memory limit exceeded") from None
    except Exception as exc:  # noqa: BLE001 - xlrd raises many kinds on damaged streams
        raise ReadError(f"unreadable BIFF2-4 worksheet ({type(exc).__name__})") from None
    return document


def _table(sheet, datemode: int) -> Table:
    import xlrd

    rows: list[list[Cell]] = []
    for index in range(min(sheet.nrows, SAMPLE_ROWS)):
        row = [_cell(cell, datemode, xlrd) for cell in sheet.row(index)]
        while row and row[-1] is None:
            row.pop()
        rows.append(row)
    visibility = {1: "hidden", 2: "veryHidden"}.get(getattr(sheet, "visibility", 0), "visible")
    return Table(name=sheet.name, rows=rows, total_rows=sheet.nrows, visibility=visibility)


def _cell(cell, datemode: int, xlrd) -> Cell:
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    if cell.ctype == xlrd.XL_CELL_TEXT:
        return cell.value.strip() or None
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            value = xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value
        return value.date() if value.time().isoformat() == "00:00:00" else value
    value = cell.value
    return int(value) if isinstance(value, float) and value.is_integer() and abs(value) < 2**53 else value
