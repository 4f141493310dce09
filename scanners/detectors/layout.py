"""Where a table's header row is, which rows hold data, and column letters.

Sheets often start with a title row ("令和6年度 選挙人名簿"), blank rows and
the leftovers of merged cells; some have a group row above the real header;
system exports have no header at all.  The header is the row within the
first ``HEADER_SEARCH_ROWS`` whose cells are mostly short text, match the
vocabulary best and do not look like data themselves.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..document import Table
from .conditions import CONDITIONS
from .headers import MAX_HEADER_LENGTH, HeaderMatch, match_header
from .values import STANDALONE, EraDateText, WesternDateText, prepare

_DIGIT = re.compile(r"\d")

#: rows searched for a header
HEADER_SEARCH_ROWS = 30
#: widest table looked at (columns beyond are ignored)
MAX_COLUMNS = 256
#: rows below a candidate header row searched for its texts again (a label does not repeat)
REPEAT_SEARCH_ROWS = 5
#: a text found again this often in its column below is a value, not a label
REPEATS_OF_A_VALUE = 2


@dataclass
class TableLayout:
    """A table's header (if any) and the indexes of its data rows in ``Table.rows``."""

    header_row: int | None          # index into rows; None when given by the format or absent
    headers: list[str | None]       # header text per column as written (None: no header)
    matches: list[HeaderMatch | None]
    data_rows: list[int]            # indexes of non-blank rows below the header
    rows_before_data: int           # rows above and including the header
    trailing_blank_rows: int        # blank rows at the end of the sample
    width: int

    @property
    def has_header(self) -> bool:
        return any(h is not None for h in self.headers)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def is_blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def has_content(row: list) -> bool:
    """True when some cell of the row is not blank."""
    for cell in row:
        if cell is not None and (not isinstance(cell, str) or cell.strip()):
            return True
    return False


def _is_header_text(cell: object) -> bool:
    """Short text that is not a number, a date or a sentence."""
    if not isinstance(cell, str):
        return False
    text = cell.strip()
    if not text or len(text) > MAX_HEADER_LENGTH:
        return False
    return len(_DIGIT.findall(text)) * 2 < len(text)


#: the validators that may say a header candidate is a value: the cheap ones (the name
#: dictionary is asked only of the chosen header row's cells, see _header_cells)
_CHEAP_STANDALONE = tuple(v for v in STANDALONE if not v.costly) + (WesternDateText(), EraDateText())


#: every shape of a value a header row's cell is checked against before it is copied into a
#: record as a header: the standalone rules, the dictionary's names, and dates written as text
VALUE_SHAPES = STANDALONE + (WesternDateText(), EraDateText())


def _looks_like_data(cell: object, rules=_CHEAP_STANDALONE) -> bool:
    """A cell a standalone validator recognises as a value (a phone, an e-mail address ...)."""
    value = prepare(cell)
    if value is None:
        return False
    for rule in rules:
        if rule.match(value):
            return True
    return False


def _vocabulary_match(text: str) -> HeaderMatch | None:
    """A header match that may choose the header row: a role-noun shape (隼人 ends in 人) may not."""
    found = match_header(text)
    return None if found is not None and found.mode == "role" else found


def _score_row(row: list, matches: dict, below: list[list] = (), rules=_CHEAP_STANDALONE) -> float | None:
    """How much a row looks like a header (None: not at all).

    A cell shaped like a value (a phone, a date written as text, with ``rules`` that ask the
    name dictionary a person's name) is data even when a vocabulary term ends it (昭和45年
    3月2日 ends in 日, 女 is a header of statistics): it scores against the row."""
    cells = [c for c in row[:MAX_COLUMNS] if not is_blank(c)]
    if not cells or (len(cells) < 2 and len(row) > 1):
        return None
    texts = [c for c in cells if _is_header_text(c)]
    if len(texts) * 10 < len(cells) * 6:
        return None
    for cell in texts:
        key = cell.strip()
        if key not in matches:
            matches[key] = _vocabulary_match(key)
    if all(matches[c.strip()] is None for c in texts):
        return len(texts) / len(cells)     # never chosen for a vocabulary score
    values = _value_texts(row, below, matches) | {
        c.strip() for c in texts if (matches[c.strip()] is None or matches[c.strip()].mode != "exact")
        and _looks_like_data(c, rules)}
    hits = 0.0
    for cell in texts:
        key = cell.strip()
        if key in values:
            continue
        found = matches[key]
        if found is not None:
            hits += 2 / 3 if found.neutral else 1
    if hits == 0:
        return len(texts) / len(cells)     # never chosen for a vocabulary score
    data_like = sum(c.strip() in values for c in texts)
    distinct = len({c.strip() for c in texts}) == len(texts)
    if data_like * 2 >= len(texts):
        return None
    return hits * 3 + len(texts) / len(cells) - data_like * 3 + (0.5 if distinct else 0)


def _value_texts(row: list, below: list[list], matches: dict) -> set[str]:
    """Texts of a row that are values although the header vocabulary knows a word of them.

    A label does not repeat down its column, a value may (a course name, a department
    in every row); and a cell made of condition words alone (知的障害, 要介護3) is a
    person's condition, unless the whole text is a header term (認知症).  Such cells
    make a data row outscore the real header row above it, and would then be copied
    into the record as headers.
    """
    values = set()
    for col, cell in enumerate(row[:MAX_COLUMNS]):
        if not _is_header_text(cell):
            continue
        key = cell.strip()
        if key not in matches:
            matches[key] = _vocabulary_match(key)
        repeats = sum(1 for other in below[:REPEAT_SEARCH_ROWS]
                      if col < len(other) and isinstance(other[col], str) and other[col].strip() == key)
        found = matches[key]
        if repeats >= REPEATS_OF_A_VALUE or (
                (found is None or found.mode != "exact") and CONDITIONS.names_only_conditions(prepare(key))):
            values.add(key)
    return values


def find_layout(table: Table) -> TableLayout:
    """The layout of one table (see the module docstring)."""
    rows = table.rows
    width = min(max((len(r) for r in rows), default=0), MAX_COLUMNS)
    last = len(rows)
    while last > 0 and not has_content(rows[last - 1]):
        last -= 1
    trailing = len(rows) - last
    if table.header is not None:
        headers = list(table.header)[:MAX_COLUMNS]
        width = max(width, len(headers))
        data = [i for i in range(last) if has_content(rows[i])]
        return TableLayout(None, headers + [None] * (width - len(headers)),
                           [match_header(h) for h in headers] + [None] * (width - len(headers)),
                           data, 0, trailing, width)
    header_row = _find_header_row(rows[:min(last, HEADER_SEARCH_ROWS)])
    if header_row is None:
        first = next((i for i in range(last) if has_content(rows[i])), last)
        data = [i for i in range(first, last) if has_content(rows[i])]
        return TableLayout(None, [None] * width, [None] * width, data, first, trailing, width)
    headers = _header_cells(rows, header_row, width)
    data = [i for i in range(header_row + 1, last) if has_content(rows[i])]
    return TableLayout(header_row, headers, [match_header(h) for h in headers], data,
                       header_row + 1, trailing, width)


def _find_header_row(rows: list[list]) -> int | None:
    matches: dict[str, HeaderMatch | None] = {}
    best, best_score, first_candidate = None, 0.0, None
    for index, row in enumerate(rows):
        if best is not None and best_score >= 6 and index > best + 5:
            break               # a clear header was found and the rows below it are data
        below = rows[index + 1:index + 1 + REPEAT_SEARCH_ROWS]
        score = _score_row(row, matches, below)
        if score is not None and score > best_score:
            # a row about to be taken for the header: its names too are values (the name
            # dictionary is asked of these few rows only)
            score = _score_row(row, matches, below, VALUE_SHAPES)
        if score is None:
            continue
        if first_candidate is None:
            first_candidate = index
        has_data_below = any(map(has_content, rows[index + 1:index + 4])) \
            or index == len(rows) - 1
        # a tie with the row just above: the lower row sits on the data (two-row headers)
        if has_data_below and (score > best_score or (score == best_score and best == index - 1)):
            best, best_score = index, score
    if best is not None and best_score >= 2:
        return best        # at least one vocabulary match
    if first_candidate is not None and _all_text_then_data(rows, first_candidate):
        return first_candidate
    return None


def _all_text_then_data(rows: list[list], index: int) -> bool:
    """A row of distinct short texts followed by rows that are not all text."""
    cells = [c for c in rows[index] if not is_blank(c)]
    if not cells or not all(_is_header_text(c) for c in cells) or any(map(_looks_like_data, cells)):
        return False
    if len({c.strip() for c in cells}) != len(cells):
        return False
    below = [c for r in rows[index + 1:index + 6] for c in r if not is_blank(c)]
    return any(not isinstance(c, str) or not _is_header_text(c) or _looks_like_data(c) for c in below)


def _header_cells(rows: list[list], index: int, width: int) -> list[str | None]:
    """Header texts; a blank cell under a group row takes the group row's text.

    A cell that looks like a personal value (a name, a phone number) is dropped:
    the header is copied into records, a value must never be.
    """
    row = rows[index]
    above = rows[index - 1] if index > 0 else []
    if sum(not is_blank(c) for c in above) < 2:
        above = []              # a title or a blank row, not a group row
    out: list[str | None] = []
    for col in range(width):
        cell = row[col] if col < len(row) else None
        if is_blank(cell) and col < len(above) and _is_header_text(above[col]):
            cell = above[col]
        if is_blank(cell) or (_looks_like_data(cell, VALUE_SHAPES) and _vocabulary_match(cell) is None):
            out.append(None)    # never let a value that slipped into the header row out
        elif isinstance(cell, (dt.date, dt.time)):
            out.append(cell.isoformat())
        else:
            out.append(str(cell).strip())
    return out
