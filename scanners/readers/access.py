"""Reader for Access databases (.mdb Jet 3/4, .accdb ACE) into a Document.

The database header is checked first (empty, zero-filled, truncated, not
Access, password or encryption).  Tables are then read with access-parser,
sampling ``SAMPLE_ROWS`` rows per table and taking the row count from the
table definition; where access-parser fails, or the file is too large for
it (it loads the whole file), the mdbtools command-line tools are used when
installed.  Linked tables hold no local data and are only counted.

The same pass fills ``Document.objects`` and ``Document.links`` from
``MSysObjects`` (see :mod:`.access_catalog`) and, when the database has
forms, reports or modules, keeps the streams of the VBA project Access 2007+
stores in ``MSysAccessStorage`` (``Document.vba_project``), so that
app facts never open the file a second time.  ``objects`` stays None when
``MSysObjects`` could not be read; ``vba_project`` stays None when the VBA
storage could not be read or the format keeps it elsewhere (Access 97's
MSysModules2, Access 2000-2003's MSysAccessObjects).

access-parser logs raw page bytes on parse errors, so its loggers are
silenced here: no cell value may reach a log.
"""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import itertools
import logging
import os
import re
import shutil
import struct
import subprocess
import threading
from collections import defaultdict
from dataclasses import dataclass

from ..document import SAMPLE_ROWS, Cell, Document, EncryptedError, ReadError, Table
from .access_catalog import (
    catalog_facts,
    has_code_objects,
    is_user_table,
    vba_project_streams,
)

for _name in ("access_parser", "access_parser.access_parser", "access_parser.utils",
              "access_parser.parsing_primitives"):
    _logger = logging.getLogger(_name)
    _logger.setLevel(logging.CRITICAL + 1)
    _logger.propagate = False
    _logger.disabled = True

#: above this size the whole-file parser is skipped in favour of mdbtools
PARSER_PREFERRED_MAX_BYTES = 64 * 2**20
#: above this size the whole-file parser is never used (about 10-30 s and 2x its size in RAM)
PARSER_HARD_MAX_BYTES = 256 * 2**20
#: seconds allowed to each mdbtools command
MDBTOOLS_TIMEOUT = 60
#: a VBA storage larger than this is left unread (a large app holds a few MiB)
MAX_VBA_STORAGE_BYTES = 64 * 2**20

_HEADER_RC4_KEY = struct.pack("<I", 0x6B39DAC7)
_ENGINES = (b"Standard Jet DB", b"Standard ACE DB")
_MSYS_HIDDEN_FLAG = 0x8
_CATALOG_COLUMNS = ("Name", "Type", "Flags", "Connect", "Database")

#: access-parser column type codes -> Table.column_types names
_PARSER_TYPES = {
    1: "boolean", 2: "integer", 3: "integer", 4: "integer", 5: "money",
    6: "float", 7: "float", 8: "date", 9: "binary", 10: "text", 11: "binary",
    12: "text", 15: "guid", 16: "numeric", 18: "complex", 20: "date",
}
#: mdb-schema type words -> Table.column_types names
_SCHEMA_TYPES = (
    ("Text", "text"), ("Memo", "text"), ("Long Integer", "integer"),
    ("Integer", "integer"), ("Byte", "integer"), ("Currency", "money"),
    ("Single", "float"), ("Double", "float"), ("DateTime", "date"),
    ("Boolean", "boolean"), ("OLE", "binary"), ("Binary", "binary"),
    ("Replication ID", "guid"), ("Numeric", "numeric"), ("Unknown_0014", "date"),
)


@dataclass(frozen=True)
class JetHeader:
    """What page 0 of an Access database says about the file."""

    version: int        # 0 Jet3, 1 Jet4, 2 ACE12 (2007), 3 ACE14 (2010), 5 ACE16, 6 ACE17
    page_size: int
    code_page: int
    database_key: int   # non-zero: pages are RC4-encoded (Jet) or encrypted (ACE)
    has_password: bool

    @property
    def text_codec(self) -> str:
        """Python codec for Jet3 (single/double-byte) text."""
        return f"cp{self.code_page}" if self.code_page in (932, 936, 949, 950) or \
            1250 <= self.code_page <= 1258 else "cp1252"


def read_access(path: str, kind: str, head: bytes | None = None) -> Document:
    """Read the user tables of an Access database: headers, types, sample rows, row counts.

    ``head``: the file's first bytes when the caller read them already (the scan's hashing
    pass): page 0 is then not read again."""
    header = read_jet_header(path, head)
    check_encryption(header)
    size = os.path.getsize(path)
    have_mdbtools = shutil.which("mdb-tables") is not None
    notes: list[str] = []
    if header.database_key or size > PARSER_PREFERRED_MAX_BYTES:
        if have_mdbtools:
            return _read_with_mdbtools(path, kind, header, notes)
        if header.database_key:
            raise EncryptedError("encoded database (mdbtools not installed)")
        if size > PARSER_HARD_MAX_BYTES:
            raise ReadError("database too large without mdbtools")
    try:
        return _read_with_parser(path, kind, header, have_mdbtools)
    except ReadError:
        if not have_mdbtools:
            raise
        return _read_with_mdbtools(path, kind, header, ["access-parser failed; read with mdbtools"])


def read_jet_header(path: str, head: bytes | None = None) -> JetHeader:
    """Parse page 0 (from ``head``, the file's first bytes, when it holds it); ReadError for
    empty, zero-filled, truncated or non-Access files."""
    try:
        size = os.path.getsize(path)
        if head is not None and (len(head) >= 0x1000 or len(head) == size):
            page = bytearray(head[:0x1000])
        else:
            with open(path, "rb") as fh:
                page = bytearray(fh.read(0x1000))
    except OSError:
        raise ReadError("cannot open file") from None
    if size == 0:
        raise ReadError("empty file")
    if not any(page):
        raise ReadError("zero-filled file")
    if len(page) < 0x800 or page[:4] != b"\x00\x01\x00\x00" or bytes(page[4:19]) not in _ENGINES:
        raise ReadError("not an Access database")
    version = page[0x14]
    if version > 6:
        raise ReadError("unknown Access format version")
    page_size = 0x800 if version == 0 else 0x1000
    if size % page_size or size < 3 * page_size or len(page) < page_size:
        raise ReadError("truncated database")
    span = 126 if version == 0 else 128
    page[0x18:0x18 + span] = _rc4(_HEADER_RC4_KEY, bytes(page[0x18:0x18 + span]))
    code_page, key = struct.unpack_from("<HI", page, 0x3C)
    return JetHeader(version, page_size, code_page, key, _password_is_set(page, version))


def check_encryption(header: JetHeader) -> None:
    """EncryptedError for a database password or ACCDB encryption (detected, never cracked)."""
    if header.version >= 2 and (header.database_key or header.has_password):
        raise EncryptedError("encrypted database")
    if header.has_password:
        raise EncryptedError("database password set")


def _password_is_set(page: bytearray, version: int) -> bool:
    """True when the (masked) password slot at 0x42 is not blank; the password is not kept."""
    if version == 0:
        return any(page[0x42:0x42 + 20])
    created = struct.unpack_from("<d", page, 0x72)[0]
    try:
        mask = struct.pack("<i", int(created))
    except (OverflowError, ValueError, struct.error):
        mask = b"\x00" * 4
    return any(b ^ mask[i % 4] for i, b in enumerate(page[0x42:0x42 + 40]))


def _rc4(key: bytes, data: bytes) -> bytes:
    """Plain RC4, used only to unscramble the fixed-key region of page 0."""
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 0xFF
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) & 0xFF
        j = (j + s[i]) & 0xFF
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) & 0xFF])
    return bytes(out)


# --- access-parser ---------------------------------------------------------

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


def _read_with_parser(path: str, kind: str, header: JetHeader, have_mdbtools: bool) -> Document:
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
    _note_linked(document)
    if failed and have_mdbtools:
        document.tables.extend(_mdbtools_tables(path, header, failed, document.notes))
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


def _note_linked(document: Document) -> None:
    linked = (document.objects or {}).get("linked_tables", 0)
    if linked:
        document.notes.append(f"linked tables (no local data): {linked}")


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


# --- mdbtools ---------------------------------------------------------------

def _read_with_mdbtools(path: str, kind: str, header: JetHeader, notes: list[str]) -> Document:
    listing = _run_mdbtools(["mdb-tables", "-1", path], header)
    names = [n for n in listing.splitlines() if n and not n.startswith("MSys")]
    document = Document(kind=kind, notes=list(notes))
    if header.database_key:
        document.notes.append("database is RC4-encoded (no password)")
    document.tables = _mdbtools_tables(path, header, names, document.notes)
    if names and not document.tables:
        raise ReadError("no table readable")
    document.objects, document.links = _mdbtools_catalog(path, header, document.notes)
    _note_linked(document)
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


def _mdbtools_tables(path: str, header: JetHeader, names: list[str], notes: list[str]) -> list[Table]:
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
