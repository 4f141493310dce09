"""Hidden rows and columns of xls sheets, which calamine does not report, via xlrd."""
from __future__ import annotations

import os

from ..document import SAMPLE_ROWS, Document


def add_hidden_rows_columns(source: str | bytes, document: Document, bases: dict[str, int],
                            max_bytes: int) -> None:
    """Fill ``hidden_rows``/``hidden_columns`` of the document's tables from xlrd.

    ``source`` is the file's path, or its bytes when the reader holds them.  ``bases`` maps
    a table name to the sheet row its ``rows[0]`` holds.  Files over ``max_bytes`` are
    skipped (xlrd parses every cell) with a note.
    """
    in_memory = isinstance(source, bytes)
    if (len(source) if in_memory else os.path.getsize(source)) > max_bytes:
        document.notes.append("hidden rows/columns not checked: file too large")
        return
    try:
        import xlrd

        with open(os.devnull, "w") as quiet:
            book = xlrd.open_workbook(None if in_memory else source,
                                      file_contents=source if in_memory else None,
                                      formatting_info=True, on_demand=True, logfile=quiet, verbosity=0)
            try:
                names = set(book.sheet_names())
                for table in document.tables:
                    if table.name not in names or table.name not in bases:
                        continue
                    sheet = book.sheet_by_name(table.name)
                    _copy_hidden(sheet, table, bases[table.name])
                    book.unload_sheet(table.name)
            finally:
                book.release_resources()
    except Exception:  # xlrd fails on files calamine reads; hidden flags are a bonus
        document.notes.append("hidden rows/columns not read")


def _copy_hidden(sheet, table, base: int) -> None:
    for rowx, info in sheet.rowinfo_map.items():
        index = rowx - base
        if 0 <= index < SAMPLE_ROWS and getattr(info, "hidden", 0):
            table.hidden_rows.add(index)
    for colx, info in sheet.colinfo_map.items():
        if getattr(info, "hidden", 0):
            table.hidden_columns.add(colx)
