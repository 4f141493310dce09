"""The mdbtools route of the Access reader (:mod:`.access`): the command-line tools
(``mdb-tables``, ``mdb-schema``, ``mdb-export``, ``mdb-count``), for databases too large for
access-parser, RC4-encoded ones, and tables access-parser could not read.
"""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import itertools
import os
import re
import subprocess
import threading
from typing import TYPE_CHECKING

from ..document import SAMPLE_ROWS, Cell, Document, ReadError, Table
from .access_catalog import MAX_VBA_STORAGE_BYTES, catalog_facts, has_code_objects, note_linked, vba_project_streams

if TYPE_CHECKING:
    from .access import JetHeader

#: seconds allowed to each mdbtools command
MDBTOOLS_TIMEOUT = 60

#: mdb-schema type words -> Table.column_types names
_SCHEMA_TYPES = (
    ("Text", "text"), ("Memo", "text"), ("Long Integer", "integer"),
    ("Integer", "integer"), ("Byte", "integer"), ("Currency", "money"),
    ("Single", "float"), ("Double", "float"), ("DateTime", "date"),
    ("Boolean", "boolean"), ("OLE", "binary"), ("Binary", "binary"),
    ("Replication ID", "guid"), ("Numeric", "numeric"), ("Unknown_0014", "date"),
)


def read_with_mdbtools(path: str, kind: str, header: JetHeader, notes: list[str]) -> Document:
    listing = _run_mdbtools(["mdb-tables", "-1", path], header)
    names = [n for n in listing.splitlines() if n and not n.startswith("MSys")]
    document = Document(kind=kind, notes=list(notes))
    if header.database_key:
        document.notes.append("database is RC4-encoded (no password)")
    document.tables = mdbtools_tables(path, header, names, document.notes)
    if names and not document.tables:
        raise ReadError("no table readable")
    document.objects, document.links = _mdbtools_catalog(path, header, document.notes)
    note_linked(document)
    if has_code_objects(document.objects):
        document.vba_project = _mdbtools_vba_project(path, header, document.notes)
    return document


def _mdbtools_catalog(path: str, header: JetHeader, notes: list[str]) -> tuple[dict[str, int] | None, list[dict]]:
    """Object counts and linked tables from ``mdb-export MSysObjects``; (None, []) when unreadable."""
    try:
        text = _run_mdbtools(["mdb-export", "-b", "strip", path, "MSysObjects"], header)
        with _csv_field_limit(len(text)):
            rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except (ReadError, csv.Error):
        notes.append("MSysObjects unreadable")
        return None, []
    if not rows or not {"Name", "Type", "Flags"} <= rows[0].keys():
        notes.append("MSysObjects unreadable")
        return None, []
    return catalog_facts(rows)


def _mdbtools_vba_project(path: str, header: JetHeader, notes: list[str]) -> dict[str, bytes] | None:
    """The VBA project's streams from ``mdb-export -b hex MSysAccessStorage``; None when not there or unreadable."""
    try:
        system_tables = _run_mdbtools(["mdb-tables", "-S", "-1", path], header).splitlines()
    except ReadError:
        system_tables = []
    if "MSysAccessStorage" not in system_tables:
        return None
    try:
        text = _run_mdbtools(["mdb-export", "-b", "hex", path, "MSysAccessStorage"], header)
        if len(text) > 2 * MAX_VBA_STORAGE_BYTES:
            notes.append("VBA storage too large; not read")
            return None
        with _csv_field_limit(len(text)):
            rows = [dict(row, Lv=bytes.fromhex(row.get("Lv") or ""))
                    for row in csv.DictReader(io.StringIO(text, newline=""))]
    except (ReadError, csv.Error, ValueError, TypeError):
        notes.append("VBA storage unreadable")
        return None
    return vba_project_streams(rows)


@contextlib.contextmanager
def _csv_field_limit(size: int):
    """Let the csv module read fields as long as ``size`` characters (hex blobs), then restore it."""
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, size + 1))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def mdbtools_tables(path: str, header: JetHeader, names: list[str], notes: list[str]) -> list[Table]:
    schema = _schema_types(_run_mdbtools(["mdb-schema", "--no-relations", "--no-indexes", path], header))
    tables, failed = [], 0
    for name in names:
        try:
            columns, rows = _export_sample(path, name, header)
            count = _run_mdbtools(["mdb-count", path, name], header).strip()
        except ReadError:
            failed += 1
            continue
        types = schema.get(name)
        if types is not None and len(types) != len(columns):
            types = None
        if types:
            rows = [[_date_cell(v) if t == "date" else v for v, t in zip(row, types)] for row in rows]
        total = int(count) if count.isdigit() else None
        tables.append(Table(name=name, rows=rows, header=columns, column_types=types,
                            total_rows=max(total, len(rows)) if total is not None else None))
    if failed:
        notes.append(f"tables unreadable: {failed}")
    return tables


def _mdbtools_env(header: JetHeader) -> dict:
    env = dict(os.environ)
    if header.version == 0:
        env["MDB_JET3_CHARSET"] = header.text_codec.replace("cp", "CP")
    env.pop("MDB_DEBUG", None)
    return env


def _run_mdbtools(args: list[str], header: JetHeader) -> str:
    try:
        done = subprocess.run(args, capture_output=True, timeout=MDBTOOLS_TIMEOUT,
                              env=_mdbtools_env(header), check=False)
    except subprocess.TimeoutExpired:
        raise ReadError(f"{args[0]} timed out") from None
    except OSError:
        raise ReadError(f"{args[0]} cannot run") from None
    if b"beyond EOF" in done.stderr:
        raise ReadError("truncated database")
    if done.returncode != 0:
        raise ReadError(f"{args[0]} failed")
    return done.stdout.decode("utf-8", errors="replace")


def _export_sample(path: str, table: str, header: JetHeader) -> tuple[list[str], list[list[Cell]]]:
    """Header and first rows of ``mdb-export``; the process is killed once the sample is read."""
    fmt = "%Y-%m-%d %H:%M:%S"
    args = ["mdb-export", "-D", fmt, "-T", fmt, "-b", "strip", path, table]
    try:
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                env=_mdbtools_env(header))
    except OSError:
        raise ReadError("mdb-export cannot run") from None
    timer = threading.Timer(MDBTOOLS_TIMEOUT, proc.kill)
    timer.start()
    try:
        reader = csv.reader(io.TextIOWrapper(proc.stdout, encoding="utf-8", errors="replace", newline=""))
        columns = next(reader, None)
        rows = [[v.strip() or None for v in row] for row in itertools.islice(reader, SAMPLE_ROWS)]
    except csv.Error:
        raise ReadError("mdb-export output unreadable") from None
    finally:
        timer.cancel()
        proc.kill()
        proc.wait()
    if columns is None:
        raise ReadError("mdb-export failed")
    return columns, rows


_SCHEMA_TABLE = re.compile(r"^CREATE TABLE \[(.+)\]\s*$")
_SCHEMA_COLUMN = re.compile(r"^\s+\[(.+)\]\s+(\S.*?),?\s*$")


def _schema_types(ddl: str) -> dict[str, list[str]]:
    """Column types per table from ``mdb-schema`` (Access dialect) output."""
    types: dict[str, list[str]] = {}
    current = None
    for line in ddl.splitlines():
        if match := _SCHEMA_TABLE.match(line):
            current = types.setdefault(match.group(1), [])
        elif line.startswith(")"):
            current = None
        elif current is not None and (match := _SCHEMA_COLUMN.match(line)):
            word = match.group(2)
            current.append(next((t for prefix, t in _SCHEMA_TYPES if word.startswith(prefix)), "unknown"))
    return types


def _date_cell(value: Cell) -> Cell:
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value
