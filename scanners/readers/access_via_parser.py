"""The access-parser route of the Access reader (:mod:`.access`): the whole file parsed in
Python, tables sampled record by record, the catalog and VBA storage read in the same pass.

access-parser logs raw page bytes on parse errors, so its loggers are silenced here: no
cell value may reach a log.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import TYPE_CHECKING

from ..document import SAMPLE_ROWS, Cell, Document, ReadError, Table
from .access_catalog import (
    MAX_VBA_STORAGE_BYTES,
    catalog_facts,
    has_code_objects,
    is_user_table,
    note_linked,
    vba_project_streams,
)
from .access_via_mdbtools import mdbtools_tables

if TYPE_CHECKING:
    from .access import JetHeader

for _name in ("access_parser", "access_parser.access_parser", "access_parser.utils",
              "access_parser.parsing_primitives"):
    _logger = logging.getLogger(_name)
    _logger.setLevel(logging.CRITICAL + 1)
    _logger.propagate = False
    _logger.disabled = True

_MSYS_HIDDEN_FLAG = 0x8
_CATALOG_COLUMNS = ("Name", "Type", "Flags", "Connect", "Database")

#: access-parser column type codes -> Table.column_types names
_PARSER_TYPES = {
    1: "boolean", 2: "integer", 3: "integer", 4: "integer", 5: "money",
    6: "float", 7: "float", 8: "date", 9: "binary", 10: "text", 11: "binary",
    12: "text", 15: "guid", 16: "numeric", 18: "complex", 20: "date",
}


class _Enough(Exception):
    """Raised inside a table parse once the sample is full."""


def _open_parser(path: str, header: JetHeader):
    from access_parser import AccessParser

    class _Parser(AccessParser):
        # access-parser reads the version as a 32-bit word, so 2010 files with
        # sub-version 1 and 2016/2019 files fall back to Jet3 page sizes
        def _parse_file_header(self, db_data):
            self.version = 3 if header.version == 0 else 4
            self.page_size = header.page_size

    try:
        return _Parser(path)
    except Exception:  # noqa: BLE001 - any parser failure is a read failure
        raise ReadError("access-parser cannot read catalog") from None


def read_with_parser(path: str, kind: str, header: JetHeader, have_mdbtools: bool) -> Document:
    parser = _open_parser(path, header)
    catalog = _parser_catalog(parser, header)
    document, failed = Document(kind=kind), []
    document.objects, document.links = catalog_facts(catalog)
    for row in catalog:
        name, flags = row["Name"], (row["Flags"] or 0) & 0xFFFFFFFF
        if not is_user_table(name, row["Type"], flags):
            continue
        try:
            table = _parser_table(parser, row["raw_name"], header)
            table.name = name
        except Exception:  # noqa: BLE001
            failed.append(name)
            continue
        if flags & _MSYS_HIDDEN_FLAG:
            table.visibility = "hidden"
        document.tables.append(table)
    note_linked(document)
    if failed and have_mdbtools:
        document.tables.extend(mdbtools_tables(path, header, failed, document.notes))
    elif failed:
        document.notes.append(f"tables unreadable: {len(failed)}")
        if not document.tables:
            raise ReadError("no table readable")
    if has_code_objects(document.objects):
        document.vba_project = _parser_vba_project(parser, document.notes)
    return document


def _parser_catalog(parser, header: JetHeader) -> list[dict]:
    """MSysObjects rows as dicts (text decoded; ``raw_name`` as access-parser knows the table)."""
    try:
        catalog = parser.get_table("MSysObjects")
        columns, rows = _sample_rows(catalog, None)
        expected = catalog.table_header.number_of_rows
    except Exception:  # noqa: BLE001
        raise ReadError("access-parser cannot read MSysObjects") from None
    if len(rows) < expected:
        raise ReadError("catalog incomplete (truncated database?)")
    if not {"Name", "Type", "Flags"} <= set(columns):
        raise ReadError("access-parser cannot read MSysObjects")
    codec = header.text_codec if header.version == 0 else None
    index = {c: columns.index(c) for c in _CATALOG_COLUMNS if c in columns}
    out = []
    for row in rows:
        entry = {c: _jet3_text(row[i], codec) for c, i in index.items()}
        entry["raw_name"] = row[index["Name"]]
        out.append(entry)
    return out


def _parser_vba_project(parser, notes: list[str]) -> dict[str, bytes] | None:
    """The VBA project's streams from MSysAccessStorage (Access 2007+); None when not there or unreadable."""
    if "MSysAccessStorage" not in parser.catalog:
        return None
    try:
        columns, rows = _sample_rows(parser.get_table("MSysAccessStorage"), None)
    except Exception:  # noqa: BLE001
        notes.append("VBA storage unreadable")
        return None
    streams = vba_project_streams(dict(zip(columns, row)) for row in rows)
    if sum(len(data) for data in streams.values()) > MAX_VBA_STORAGE_BYTES:
        notes.append("VBA storage too large; not read")
        return None
    return streams



def _parser_table(parser, name: str, header: JetHeader) -> Table:
    access_table = parser.get_table(name)
    if access_table is None:
        raise ReadError("table not in catalog")
    columns, rows = _sample_rows(access_table, SAMPLE_ROWS)
    types = [_PARSER_TYPES.get(c.type, "unknown") for _, c in sorted(access_table.columns.items())]
    codec = header.text_codec if header.version == 0 else None
    rows = [[_parser_cell(v, t, codec) for v, t in zip(row, types)] for row in rows]
    total = access_table.table_header.number_of_rows
    return Table(name=name, rows=rows, total_rows=max(total, len(rows)),
                 header=columns, column_types=types)


def _sample_rows(access_table, limit: int | None) -> tuple[list[str], list[list]]:
    """Column names and up to ``limit`` rows, parsing one record at a time so
    that a record access-parser half-parses cannot shift later columns."""
    if access_table is None or not access_table.columns:
        raise ReadError("table definition unreadable")
    columns = [c.col_name_str for _, c in sorted(access_table.columns.items())]
    rows: list[list] = []
    parse_record = access_table._parse_row

    def parse_one(record):
        access_table.parsed_table = defaultdict(list)
        parse_record(record)
        got = access_table.parsed_table
        if got:
            rows.append([got[c][0] if got.get(c) else None for c in columns])
        if limit is not None and len(rows) >= limit:
            raise _Enough

    access_table._parse_row = parse_one
    try:
        access_table.parse()
    except _Enough:
        pass
    return columns, rows


def _parser_cell(value, column_type: str, jet3_codec: str | None) -> Cell:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return None
    if isinstance(value, str):
        if column_type == "date":
            try:
                return dt.datetime.fromisoformat(value)
            except ValueError:
                return None
        return _jet3_text(value, jet3_codec).strip() or None
    if column_type == "money" and isinstance(value, int):
        return value / 10000
    return value


def _jet3_text(value, codec: str | None):
    """Jet3 text is in the database code page; access-parser decodes it as Latin-1."""
    if codec and isinstance(value, str) and not value.isascii() and all(ord(c) < 256 for c in value):
        return value.encode("latin-1").decode(codec, errors="replace")
    return value
