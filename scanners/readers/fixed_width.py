"""Split fixed-width text (mainframe and report exports) into columns.

Columns are found where the lines agree: a display position that is blank on
every line long enough to reach it separates two columns, and at least
``MIN_COLUMNS`` columns each holding text on most lines make a table.  Widths
are display widths as such exports pad them: a full-width character (and an
East Asian ambiguous one, as cp932 stores it in two bytes) takes two
positions, half-width katakana one; an ideographic space is two blank ones.
Running text (a letter, a résumé with a few aligned lines) does not line up
on every line and is left alone.
"""
from __future__ import annotations

import unicodedata

#: lines needed before columns are believed
MIN_LINES = 5
MIN_COLUMNS = 3
#: share of lines on which each column must hold text
MIN_FILLED = 0.5
#: lines looked at to find the columns
PROBE_LINES = 200
#: lines at the top where the header is looked for (title lines may come first)
HEADER_SEARCH_LINES = 5
MAX_WIDTH = 4096
_RULE_CHARS = frozenset("-=_*+|:. \u2500\u2501\u30fc\uff0d")   # ruled lines under a header


def char_width(ch: str) -> int:
    """Display positions a character takes in a fixed-width export."""
    if ch < "\u0080":
        return 1
    if "\uff61" <= ch <= "\uff9f":                      # half-width katakana
        return 1
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1


def split_fixed_width(lines: list[str]) -> list[list[str | None]] | None:
    """The lines cut into columns, or None when they are not a fixed-width table."""
    lines = [line.expandtabs(8).rstrip() for line in lines]
    probe = [line for line in lines[:PROBE_LINES] if line.strip() and not _is_rule(line)]
    if len(probe) < MIN_LINES:
        return None
    if sum("  " in line.strip() or "\u3000" in line.strip() for line in probe) < MIN_FILLED * len(probe):
        return None         # columns padded apart: most lines hold a run of blanks inside
    inks = [_ink(line) for line in probe]
    cuts = _column_starts(inks)
    if cuts is None:
        return None
    rows = [_cut(line, cuts) for line in lines if line.strip() and not _is_rule(line)]
    filled = [sum(1 for row in rows[:PROBE_LINES] if row[c] is not None) for c in range(len(cuts))]
    if min(filled) < MIN_FILLED * min(len(rows), PROBE_LINES):
        return None
    return rows


def _ink(line: str) -> list[bool]:
    """For each display position of a line: True where a character is drawn."""
    marks: list[bool] = []
    for ch in line:
        width = char_width(ch)
        blank = ch in (" ", "\u3000")
        marks.extend([not blank] * width)
        if len(marks) >= MAX_WIDTH:
            break
    return marks[:MAX_WIDTH]


def _column_starts(inks: list[list[bool]]) -> list[int] | None:
    """Positions where columns start: after a position blank on every line that reaches it.

    A gap under which the header has nothing is the space inside a value (``山田　花子``
    where every family name has two characters), not a column; the header is the first
    line with text in ``MIN_COLUMNS`` columns (a title line above it has fewer)."""
    width = max(len(ink) for ink in inks)
    used = [False] * width
    for ink in inks:
        for position, drawn in enumerate(ink):
            if drawn:
                used[position] = True
    starts = [position for position in range(width)
              if used[position] and (position == 0 or not used[position - 1])]
    segments = list(zip(starts, starts[1:] + [width]))
    header = next((ink for ink in inks[:HEADER_SEARCH_LINES]
                   if sum(any(ink[a:b]) for a, b in segments) >= MIN_COLUMNS), None)
    if header is not None:
        starts = [a for i, (a, b) in enumerate(segments) if i == 0 or any(header[a:b])]
    if len(starts) < MIN_COLUMNS:
        return None
    return starts


def _cut(line: str, starts: list[int]) -> list[str | None]:
    """A line's text per column, a character going to the column its first position falls in."""
    fields = [[] for _ in starts]
    position, column = 0, 0
    for ch in line:
        while column + 1 < len(starts) and position >= starts[column + 1]:
            column += 1
        fields[column].append(ch)
        position += char_width(ch)
    return [("".join(f).strip() or None) for f in fields]


def _is_rule(line: str) -> bool:
    stripped = line.strip()
    return len(stripped) >= 3 and set(stripped) <= _RULE_CHARS and not stripped.replace(" ", "").isalnum()
