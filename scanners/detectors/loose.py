"""People in sheets that are not tables: forms and card grids.

Application forms and 台帳 cards put the label beside the value
(``氏名 | 山田 太郎``, ``生年月日 | 昭和…``), or above it, or in the same cell
(``氏名：山田 太郎``); address labels and name cards repeat a small block of
values (name, 〒, address) across the sheet without any label.  A column-wise
reading finds nothing in either.  Here a sheet is read cell by cell:

* a **form** is a label the header vocabulary knows with a value beside it
  that the label's category accepts; a filled name field with other filled
  fields is one person (records = filled name fields: a sheet of several
  cards counts each);
* a **card grid** is a sheet with several cells the name dictionary reads as
  full names and, in the same columns just below or above them, cells of
  contact data (〒, addresses, phones, e-mail): a column of a table holds one
  kind of value, a column of cards holds them all in turn.

Placeholders (○○, ●●, xxx, 000-0000) are not values.  Nothing returned holds
a value: labels as written, categories, counts and masked examples.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..document import Table
from . import ColumnFinding
from .columns import classify_by_header
from .headers import MAX_HEADER_LENGTH, HeaderMatch, match_header
from .layout import column_letter, is_blank
from .masking import mask_value
from .values import (PREFECTURES, EmailAddress, JapaneseAddress, LatinPersonName, LexiconFullName,
                     LexiconPersonName, PhoneNumber, PostalCode, Value, prepare)

#: rows between a name field and another field of the same person
FIELD_REACH = 6
NEUTRAL = "neutral"
#: rows and columns of a sheet looked at, and the longest cell (a label, a name or an
#: address is short; a long text is a remark or a hostile file's megabyte)
MAX_ROWS = 200
MAX_COLUMNS = 40
MAX_CELL_LENGTH = 200
#: rows of a sheet searched for a form's fields (a form fills a page or two)
MAX_FORM_ROWS = 100
#: cells to the right of a label searched for its value (merged cells leave blanks)
VALUE_REACH = 4
#: a label and its value in one cell: 氏名：山田 太郎, 電話: 090-...
_INLINE_LABEL = re.compile(r"^([^:：]{1,12})[:：]\s*(.+)$")
#: characters that only a template or a masked copy is made of
_PLACEHOLDER = re.compile(r"[○●◯□■△▲×＊*＿_〇xXｘＸ?？]{2,}|^(hoge|fuga|piyo|foo|bar|test|sample|dummy)$",
                          re.IGNORECASE)
_ZEROS = re.compile(r"^[〒\s]*0{3}-?0{4}$|^0{2,4}-0{2,4}-0{3,4}$")
#: cells of contact data needed beside full names for a card grid, and names needed
MIN_CARD_NAMES = 3
MIN_CARD_CONTACTS = 3
#: rows of a sheet where a card grid's first cards must be
CARD_PROBE_ROWS = 30
#: confidence of a finding from a loose layout
FORM_CONFIDENCE = 0.8
CARD_CONFIDENCE = 0.75

_FULL_NAME = LexiconFullName()
#: a name field's value: a name the dictionary knows (式典 under a header 氏名 is not one)
_FORM_NAME = LexiconPersonName()
_LATIN_NAME = LatinPersonName()
#: labels in one row that make it a table's header
HEADER_ROW_LABELS = 3
_CONTACT_RULES = (PostalCode(), PhoneNumber(), EmailAddress(), JapaneseAddress())


@dataclass
class LooseFindings:
    """What a sheet read cell by cell holds: findings (one per category) and people counted."""

    columns: list[ColumnFinding] = field(default_factory=list)
    records: int = 0

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(c.category for c in self.columns)


@dataclass
class _Field:
    row: int
    column: int
    label: str
    category: str
    value: Value


def find_loose(table: Table, contact_columns: bool = False) -> LooseFindings | None:
    """A form or a card grid in one sheet (see the module docstring); None when neither.

    ``contact_columns``: the sheet's columns already hold addresses or phones, one kind to
    a column - a table, not a grid of cards.
    """
    rows = [[c if not isinstance(c, str) or len(c) <= MAX_CELL_LENGTH else None for c in r[:MAX_COLUMNS]]
            for r in table.rows[:MAX_ROWS]]
    labels = _Labels()
    form = read_form(table, rows[:MAX_FORM_ROWS], labels)
    if form is not None or contact_columns:
        return form
    return read_cards(table, rows)


class _Labels(dict):
    """Header-vocabulary matches of the texts of one sheet, each text matched once (a sheet
    repeats its texts); dropped with the sheet."""

    def __missing__(self, text: str) -> HeaderMatch | None:
        self[text] = found = match_header(text)
        return found


def _may_name_a_name(text: str) -> bool:
    """A cheap first look for a name field's label (氏名, お名前, 申請者, Name ...)."""
    return len(text) <= 20 and ("名" in text or "氏" in text or "姓" in text or "者" in text
                                or "name" in text.lower())


def is_placeholder(value: Value) -> bool:
    """○○, ●●, xxx, hoge, 000-0000: a template's blank, not a person's value."""
    text = str(value).strip()
    return bool(_PLACEHOLDER.search(text) or _ZEROS.match(text))


# --- forms ----------------------------------------------------------------------------

def read_form(table: Table, rows: list[list], labels: _Labels | None = None) -> LooseFindings | None:
    labels = _Labels() if labels is None else labels
    if not any(isinstance(c, str) and _may_name_a_name(c) and _name_label(c, labels) for r in rows for c in r):
        return None             # no name field: not a form about a person
    fields = form_fields(rows, labels)
    names = [f for f in fields if f.category == "name"]
    if not names:
        return None
    # a filled name field among other filled fields (所属, 生年月日, 住所 ...) is one person
    people = [n for n in names if any(f is not n and f.category != "name" and abs(f.row - n.row) <= FIELD_REACH
                                      for f in fields)]
    if not people:
        return None
    personal = [f for f in fields if f.category != NEUTRAL]
    return LooseFindings(_findings(table, personal, FORM_CONFIDENCE), len({(f.row, f.column) for f in people}))


def _name_label(text: str, labels: _Labels) -> bool:
    found = _form_label(text.strip(), labels) or _form_label(_INLINE_LABEL.sub(r"\1", text.strip()), labels)
    return found is not None and found.category == "name"


def form_fields(rows: list[list], labels: _Labels | None = None) -> list[_Field]:
    """Filled label/value pairs whose value the label's category accepts."""
    labels = _Labels() if labels is None else labels
    fields = []
    for r, row in enumerate(rows):
        if _is_header_row(row, labels):
            continue
        for c, cell in enumerate(row):
            if not isinstance(cell, str) or is_blank(cell):
                continue
            found = _label_and_value(rows, r, c, cell, labels)
            if found is None:
                continue
            match, label, value = found
            value = prepare(value)
            if value is None or is_placeholder(value):
                continue
            if match.neutral:
                fields.append(_Field(r, c, label, NEUTRAL, value))
                continue
            verdict = classify_by_header(match, [value])
            if verdict is not None and verdict.category == match.category \
                    and (verdict.category != "name" or _FORM_NAME.match(value) or _LATIN_NAME.match(value)):
                fields.append(_Field(r, c, label, verdict.category, value))
    return fields


def _label_and_value(rows: list[list], r: int, c: int, cell: str,
                     labels: _Labels) -> tuple[HeaderMatch, str, Value] | None:
    text = cell.strip()
    inline = _INLINE_LABEL.match(text)
    if inline:
        match = _form_label(inline.group(1).strip(), labels)
        return (match, inline.group(1).strip(), inline.group(2)) if match else None
    match = _form_label(text, labels)
    if match is None:
        return None
    row = rows[r]
    for value in row[c + 1:c + 1 + VALUE_REACH]:
        if not is_blank(value):
            return None if _is_label(value, labels) else (match, text, value)
    if r + 1 < len(rows) and c < len(rows[r + 1]):
        below = rows[r + 1][c]
        # a value under its label, not the first row of a column under its header
        further = rows[r + 2][c] if r + 2 < len(rows) and c < len(rows[r + 2]) else None
        if not is_blank(below) and not _is_label(below, labels) and (is_blank(further) or _is_label(further, labels)):
            return match, text, below
    return None


def _form_label(text: str, labels: _Labels) -> HeaderMatch | None:
    """A field label: a category the vocabulary knows surely (氏名, 申請者, 生年月日), or a
    neutral one (所属).  A noun merely shaped like a role (評価者) may name the staff."""
    if len(text) > MAX_HEADER_LENGTH:
        return None
    match = labels[text]
    if match is None or match.mode == "role" or (match.weak and not match.neutral):
        return None
    return match


def _is_label(cell: object, labels: _Labels) -> bool:
    """A cell the vocabulary knows (a role-noun shape is not enough: 幸子 ends in 子)."""
    if not isinstance(cell, str) or sum(ch.isdigit() for ch in cell) >= 2:
        return False            # 昭和45年3月2日 ends in 日 but is a value (labels: 住所1, 電話2)
    match = labels[cell.strip()]
    return match is not None and match.mode != "role"


def _is_header_row(row: list, labels: _Labels) -> bool:
    """A row of three labels or more is the header of a table, not a form's fields."""
    return sum(_is_label(c, labels) for c in row) >= HEADER_ROW_LABELS


# --- card grids -------------------------------------------------------------------------

def read_cards(table: Table, rows: list[list]) -> LooseFindings | None:
    if len(_contact_cells(rows[:CARD_PROBE_ROWS])) < MIN_CARD_CONTACTS:
        return None             # cards start at the top of their sheet
    contacts = _contact_cells(rows)
    # a card's name sits in the column of its contact data, a row or two above or below it
    taken = {(k.row, k.column) for k in contacts}
    near = sorted({(r, k.column) for k in contacts for r in range(k.row - 2, k.row + 3)
                   if 0 <= r < len(rows) and (r, k.column) not in taken})
    names: list[_Field] = []
    for r, c in near:
        value = prepare(rows[r][c]) if c < len(rows[r]) else None
        if isinstance(value, str) and not is_placeholder(value) and _FULL_NAME.match(value):
            names.append(_Field(r, c, "", "name", value))
    if len({f.value for f in names}) < MIN_CARD_NAMES:
        return None
    if not _beside(names, contacts):
        return None
    return LooseFindings(_findings(table, names + contacts, CARD_CONFIDENCE), len(names))


def _contact_cells(rows: list[list]) -> list[_Field]:
    contacts = []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if isinstance(cell, str) and _may_be_contact(cell):
                value = prepare(cell)
                if isinstance(value, str) and not is_placeholder(value) and (category := _contact_category(value)):
                    contacts.append(_Field(r, c, "", category, value))
    return contacts


_CONTACT_CHARACTERS = frozenset("都道府県市区町村郡@")


def _may_be_contact(text: str) -> bool:
    """A cheap first look for a 〒, a phone, an e-mail address or an address."""
    text = text.strip()
    first = text[:1]
    if first.isdigit():         # 100-0001, 090-1234-5678, 0312345678; not a count or a price
        return "-" in text or 7 <= len(text) <= 13
    return bool(first) and (first in "〒+(（" or not _CONTACT_CHARACTERS.isdisjoint(text))


def _contact_category(value: str) -> str | None:
    for rule in _CONTACT_RULES:
        if rule.match(value):
            return rule.category
    if value.startswith(PREFECTURES) and len(value) >= 6:
        return "address"            # 東京都新宿区歌舞伎町: a town without its block number
    return None


def _beside(names: list[_Field], contacts: list[_Field]) -> bool:
    """Most names have contact data within two rows of them in the same column: one card each.

    In a table each column holds one kind of value; a column of a card grid holds a
    name, then a 〒, then an address, card after card.
    """
    near = sum(any(abs(n.row - k.row) <= 2 and n.column == k.column for k in contacts) for n in names)
    return near * 2 >= len(names)


# --- findings ---------------------------------------------------------------------------

def _findings(table: Table, fields: list[_Field], confidence: float) -> list[ColumnFinding]:
    """One finding per category: where its first field is, how many fields hold it."""
    by_category: dict[str, list[_Field]] = {}
    for f in fields:
        by_category.setdefault(f.category, []).append(f)
    out = []
    for category, found in by_category.items():
        first = found[0]
        out.append(ColumnFinding(
            table=table.name, column=column_letter(first.column), index=first.column,
            header=first.label or None, category=category, confidence=confidence,
            hidden=table.hidden or first.column in table.hidden_columns,
            evidence={"values_sampled": len(found), "hit_ratio": 1.0, "example": mask_value(first.value),
                      "values_distinct": len({f.value for f in found}),
                      "rule": "form-field" if first.label else "card"},
        ))
    return out
