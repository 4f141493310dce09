"""Read SQL dumps (``INSERT`` statements, PostgreSQL ``COPY ... FROM stdin``) into a Document.

One Table per target table, named as the statements name it; its header is
the statement's column list when there is one.  MySQL (backquotes, backslash
escapes, multi-row ``VALUES (...),(...)``, often on one line), PostgreSQL
(double quotes, ``E''``, ``COPY`` blocks with ``\\N``), SQLite, SQL Server
(``[dbo].[T]``, ``N''``, ``INSERT`` without ``INTO``) and Oracle exports
(``to_date('...')``) are all read by one lenient tokenizer: a value that is an
expression keeps its first string literal (a date inside ``to_date``), other
expressions become empty cells.

Only the first ``PARSE_BYTES`` are tokenized; rows past them are estimated
from the statements and row separators they hold, counted for the last table.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..document import SAMPLE_ROWS, Cell, Document, Table
from .text_codec import decoded_chunks, open_encoding

#: bytes of a dump tokenized and parsed; the rest is only counted
PARSE_BYTES = 1 << 20
MAX_NAME_CHARS = 100
MAX_COLUMNS = 4096

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z))
  | (?P<str>[NnEe]?'(?:[^'\\]|\\.|'')*(?:'|\Z))
  | (?P<qid>"(?:[^"]|"")*(?:"|\Z)|`(?:[^`]|``)*(?:`|\Z)|\[[^\]\n]*(?:\]|\Z))
  | (?P<num>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
  | (?P<word>[^\W\d][\w$#@]*)
  | (?P<punct>[(),;])
  | (?P<other>.)
""", re.X | re.S)
_COPY_BLOCK = re.compile(r"(?im)^[ \t]*copy[ \t]+([^\n]*?)[ \t]+from[ \t]+stdin[^\n]*\n(.*?)(?:^\\\.[ \t]*$|\Z)", re.S)
_COPY_TARGET = re.compile(r"\s*((?:\"[^\"]*\"|[^\s(\"])+)\s*(?:\((.*)\))?", re.S)
_REST_ROWS = re.compile(r"\binsert\s+(?:into\s+)?[\w\[\"`]|\)\s*,\s*\(", re.I)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "", "\\": "\\", "'": "'", '"': '"'}
_STOP_WORDS = frozenset({"select", "set", "default", "output", "with"})
_VALUES_WORDS = _STOP_WORDS | {"values", "value"}


@dataclass
class _Target:
    """Rows of one target table as they are met."""

    table: Table
    in_copy: bool = False
    columns: list[str] = field(default_factory=list)

    def add(self, row: list[Cell]) -> None:
        self.table.total_rows += 1
        if len(self.table.rows) < SAMPLE_ROWS:
            self.table.rows.append(row[:MAX_COLUMNS])


def read_sql_dump(path: str, kind: str) -> Document:
    """One Table per table the dump inserts into (header from the column list)."""
    head, size, encoding, skip = open_encoding(path)
    text = "".join(decoded_chunks(path, encoding, skip, PARSE_BYTES))
    targets: dict[str, _Target] = {}
    last = _read_copy_blocks(text, targets)
    last = _read_inserts(_without_copy_blocks(text), targets) or last
    document = Document(kind=kind, notes=[f"encoding {encoding}"])
    if size - skip > PARSE_BYTES and last is not None:
        last.table.total_rows += _rows_past(path, encoding, skip + PARSE_BYTES, last.in_copy)
        document.notes.append(f"rows past {PARSE_BYTES >> 20} MB estimated, not read")
    document.tables = [t.table for t in targets.values() if t.table.total_rows]
    if not document.tables:
        document.notes.append("SQL without readable INSERT rows")
    return document


# ---------------------------------------------------------------- INSERT statements

def _read_inserts(text: str, targets: dict[str, _Target]) -> _Target | None:
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text) if m.lastgroup not in ("ws", "comment")]
    last, i, n = None, 0, len(tokens)
    while i < n:
        kind, value = tokens[i]
        if kind == "word" and value.lower() == "insert":
            i, target = _insert_statement(tokens, i + 1, targets)
            last = target or last
        else:
            i += 1
    return last


def _insert_statement(tokens, i: int, targets: dict[str, _Target]) -> tuple[int, _Target | None]:
    """Parse one INSERT from after its keyword; (index after it, its target or None)."""
    n = len(tokens)
    while i < n and tokens[i][0] == "word" and tokens[i][1].lower() in (
            "into", "ignore", "or", "replace", "low_priority", "delayed", "high_priority", "all", "first"):
        i += 1
    name_parts = []
    while i < n and tokens[i][0] in ("word", "qid", "other") and not _is_values_word(tokens[i]):
        name_parts.append(_unquote(tokens[i]))
        i += 1
    if not name_parts:
        return i, None
    columns: list[str] = []
    if i < n and tokens[i][1] == "(" and not _starts_tuple(tokens, i):
        i, columns = _column_list(tokens, i + 1)
    while i < n and tokens[i][1] != "(":          # VALUES (or a misspelling of it)
        if tokens[i][1] == ";" or (tokens[i][0] == "word" and tokens[i][1].lower() in _STOP_WORDS | {"insert"}):
            return i, None                            # INSERT ... SELECT / SET: no literal rows
        i += 1
    name = "".join(name_parts)[:MAX_NAME_CHARS]
    target = targets.get(name)
    if target is None:
        target = targets[name] = _Target(Table(name=name, total_rows=0, header=columns or None), columns=columns)
    while i < n and tokens[i][1] == "(":
        i, row = _tuple(tokens, i + 1)
        target.add(row)
        if i < n and tokens[i][1] == ",":
            i += 1
    return i, target


def _is_values_word(token) -> bool:
    return token[0] == "word" and token[1].lower() in _VALUES_WORDS


def _starts_tuple(tokens, i: int) -> bool:
    """After a table name, "(" opens a row rather than a column list when no word
    (VALUES, or a misspelling of it) follows its closing ")"."""
    depth, n = 0, len(tokens)
    for j in range(i, n):
        value = tokens[j][1]
        if value == "(":
            depth += 1
        elif value == ")":
            depth -= 1
            if not depth:
                return not (j + 1 < n and tokens[j + 1][0] == "word")
        elif value == ";":
            break
    return True


def _column_list(tokens, i: int) -> tuple[int, list[str]]:
    columns: list[str] = []
    n = len(tokens)
    while i < n and tokens[i][1] != ")":
        if tokens[i][0] in ("word", "qid", "str") and len(columns) < MAX_COLUMNS:
            columns.append(_unquote(tokens[i])[:MAX_NAME_CHARS])
        elif tokens[i][1] in (";", "("):
            return i, columns
        i += 1
    return i + 1, columns


def _tuple(tokens, i: int) -> tuple[int, list[Cell]]:
    """Values of one parenthesised row from after its "("; index after its ")"."""
    row: list[Cell] = []
    expression: list[tuple[str, str]] = []
    depth, n = 0, len(tokens)
    while i < n:
        kind, value = tokens[i]
        i += 1
        if value == "(":
            depth += 1
        elif value == ")" and depth:
            depth -= 1
        elif value in (",", ")") and not depth:
            row.append(_literal(expression))
            expression = []
            if value == ")":
                return i, row
            continue
        elif value == ";":
            break
        if len(expression) < 64:
            expression.append((kind, value))
    if expression:
        row.append(_literal(expression))
    return i, row


def _literal(expression: list[tuple[str, str]]) -> Cell:
    if len(expression) == 1:
        kind, value = expression[0]
        if kind == "num":
            return _number(value)
        if kind == "str":
            return _unquote(expression[0]).strip() or None
        if kind == "word":
            lowered = value.lower()
            return {"null": None, "true": True, "false": False}.get(lowered, value)
        return None
    strings = [token for token in expression if token[0] == "str"]
    return (_unquote(strings[0]).strip() or None) if strings else None


def _number(value: str) -> int | float | str:
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value


def _unquote(token: tuple[str, str]) -> str:
    kind, value = token
    if kind == "str":
        body = value[value.index("'") + 1:]
        body = body[:-1] if body.endswith("'") else body
        body = body.replace("''", "'")
        return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body) if "\\" in body else body
    if kind == "qid":
        close = {"\"": "\"", "`": "`", "[": "]"}[value[0]]
        body = value[1:-1] if value.endswith(close) and len(value) > 1 else value[1:]
        return body.replace(close * 2, close) if close != "]" else body
    return value


# ---------------------------------------------------------------- COPY blocks (pg_dump)

def _read_copy_blocks(text: str, targets: dict[str, _Target]) -> _Target | None:
    last = None
    for block in _COPY_BLOCK.finditer(text):
        target_text = _COPY_TARGET.match(block.group(1))
        if target_text is None:
            continue
        name = target_text.group(1).replace('"', "")[:MAX_NAME_CHARS]
        columns = [c.strip().strip('"')[:MAX_NAME_CHARS] for c in (target_text.group(2) or "").split(",") if c.strip()]
        target = targets.get(name)
        if target is None:
            target = targets[name] = _Target(Table(name=name, total_rows=0, header=columns or None), columns=columns)
        for line in block.group(2).splitlines():
            target.add([_copy_field(f) for f in line.split("\t")])
        target.in_copy = not block.group(0).rstrip().endswith("\\.")
        last = target
    return last


def _without_copy_blocks(text: str) -> str:
    return _COPY_BLOCK.sub("\n", text) if "stdin" in text.lower() else text


def _copy_field(field: str) -> Cell:
    if field == "\\N":
        return None
    if "\\" in field:
        field = re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), field)
    return field.strip() or None


# ---------------------------------------------------------------- rows past the parsed bytes

def _rows_past(path: str, encoding: str, start: int, in_copy: bool) -> int:
    """Rows from byte ``start`` on: lines inside a COPY block, else INSERTs and row separators."""
    rows = 0
    for text in decoded_chunks(path, encoding, start, 1 << 62):
        rows += text.count("\n") if in_copy else len(_REST_ROWS.findall(text))
    return rows
