"""``detect_personal``: which columns hold personal data, and does the file?

A file holds personal data when one of its tables has rows about
identifiable people: a name (or kana name) column, or a personal identifier
column, next to at least one other attribute column, with data rows.  A
facility list (名称, 所在地, 代表電話), aggregate statistics or a budget has
no such column and is not personal even though it has addresses or phones.
When nothing is personal the result keeps nothing at all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import zip_longest

from ..document import Document, Table
from . import SENSITIVE_CATEGORIES, ColumnFinding, PersonalResult
from .columns import (MAX_VALUES, MIN_VALUES_NO_HEADER, MIN_VALUES_UNKNOWN_HEADER, classify_column,
                      family_name_ratio)
from .layout import TableLayout, column_letter, find_layout, is_blank
from .loose import find_loose
from .people import context_verdicts, embedded_postcodes, split_phone_verdicts
from .values import Value, prepare

#: categories that name a person
NAME_CATEGORIES = frozenset({"name", "name_kana"})
#: categories that identify a person on their own
IDENTIFIER_CATEGORIES = frozenset({"my_number", "resident_id", "insurance_number", "email"})
#: neutral header terms that name an organisation or a place
THING_NAME_TERMS = frozenset({
    "名称", "施設名", "事業所名", "店舗名", "会社名", "法人名", "団体名", "機関名", "医療機関名",
    "病院名", "園名", "商号", "屋号", "物件名", "facilityname", "shopname", "storename",
    "companyname",
})


@dataclass
class TableFindings:
    """The columns found in one table and how many data rows it holds."""

    table: Table
    columns: list[ColumnFinding]
    records: int | None
    #: columns holding data in the sample that no category claimed (所属, 受講日 ...)
    other_columns: int = 0
    #: the sampled values of the columns holding data, by index (for the rules asked only
    #: when nothing else made the table personal: keys, family names)
    samples: dict[int, list] = field(default_factory=dict, repr=False)
    #: a table as tables are: a header row at the top and many rows below it (no form, no cards)
    regular: bool = False
    #: the table's layout, for counting its people once it is known to hold some
    layout: TableLayout | None = field(default=None, repr=False)

    def __post_init__(self):
        if self.records is None and self.layout is None:
            self.records = 0

    def count_people(self) -> None:
        """Work out ``records`` (rows about people): only for a table that holds personal data."""
        if self.records is None:
            self.records = people_rows(self.table, self.layout, self.columns)

    @property
    def key_columns(self) -> int:
        """Unclaimed columns whose values differ on every row (顧客ID, 会員番号): one per
        person when the rows are about people."""
        claimed = {c.index for c in self.columns}
        return sum(is_key_column(values) for index, values in self.samples.items() if index not in claimed)

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(c.category for c in self.columns)

    @property
    def name_columns(self) -> int:
        """Name and kana columns that say different things: 姓 and 名, 氏名 and フリガナ (a
        header-less column counts when it holds a few different names; the same header
        twice, 評価者 and 評価者, counts once)."""
        kinds = set()
        for c in self.columns:
            if c.category in NAME_CATEGORIES:
                term = c.evidence.get("header_term")
                if term:
                    kinds.add(term)
                elif c.evidence.get("values_distinct", 0) >= ROSTER_MIN_NAMES:
                    kinds.add(c.index)
        return len(kinds)


def detect_personal(document: Document) -> PersonalResult:
    """Personal data in a document's tables (see the module docstring)."""
    found_tables = [(table, find_people(table)) for table in document.tables]
    personal = [found for _, found in found_tables if found is not None]
    if not personal:
        return PersonalResult()
    if is_case_file(personal):
        extra = (sensitive_sheet(table) for table, found in found_tables if found is None)
        personal += [found for found in extra if found is not None]
    return PersonalResult.found([c for t in personal for c in t.columns], count_records(personal))


#: most people a workbook about one person (a case file: the person's form, their family)
CASE_FILE_PEOPLE = 10


def is_case_file(personal: list[TableFindings]) -> bool:
    """A workbook built around one person's filled form (with, say, their family on another
    sheet): its other sheets are about that person."""
    one_form = any(t.records == 1 and all(c.evidence.get("rule") == "form-field" for c in t.columns)
                   for t in personal)
    return one_form and sum(t.records for t in personal) <= CASE_FILE_PEOPLE


def sensitive_sheet(table: Table) -> TableFindings | None:
    """A sheet of a case file holding 要配慮 columns (手帳種別, 診断名): the person's, not a list."""
    found = find_columns(table)
    if found is None:
        return None
    columns = [c for c in found.columns if c.category in SENSITIVE_CATEGORIES]
    return TableFindings(table, columns, 0) if columns else None


def find_people(table: Table) -> TableFindings | None:
    """The table's findings when it holds rows about people: as a table, else as a form or a
    card grid (scanners/detectors/loose.py); None when it holds no personal data."""
    found = find_columns(table)
    if found is not None and (is_personal_table(found.categories, found.name_columns)
                              or is_roster(found) or is_keyed_people(found) or is_mailing_list(found)):
        found.count_people()
        return found
    if found is not None and found.regular:
        return None
    loose = find_loose(table, contact_columns=found is not None and bool(found.categories & CONTACT_CATEGORIES))
    if loose is None or not (is_personal_table(loose.categories, 1) or "name" in loose.categories):
        return None
    return TableFindings(table, loose.columns, loose.records)


def is_personal_table(categories: frozenset[str], name_columns: int = 0) -> bool:
    """A name or an identifier tied to at least one other attribute.

    Two name columns (姓 and 名, or 氏名 and フリガナ) also make a list of people:
    things are not named twice over.
    """
    if categories & NAME_CATEGORIES and categories - NAME_CATEGORIES:
        return True
    if "name" in categories and name_columns >= 2:
        return True
    return any(categories - {identifier} for identifier in categories & IDENTIFIER_CATEGORIES)


#: a name column this sure (a name header and values that read as people's names, or
#: values the name dictionary reads as full names) ties its rows to people on its own
ROSTER_NAME_CONFIDENCE = 0.8
#: different names a list of people needs (a template repeats one sample name)
ROSTER_MIN_NAMES = 2
#: ... in this many rows at least
ROSTER_MIN_ROWS = 3
#: share of a name column's values that carry a family name (a list of pets' or products'
#: names under 名前 has none)
ROSTER_FAMILY_NAMES = 0.5


def is_roster(found: TableFindings) -> bool:
    """A list of named people, with or without other facts about them (所属, 受講日 ...).

    Names alone identify people: a list of participants, a training attendance
    list or a column of residents' full names is personal data.
    """
    return any(c.category == "name" and c.confidence >= ROSTER_NAME_CONFIDENCE
               and c.evidence.get("values_distinct", 0) >= ROSTER_MIN_NAMES
               and c.evidence.get("values_sampled", 0) >= ROSTER_MIN_ROWS
               and _family_names(found, c) >= ROSTER_FAMILY_NAMES for c in found.columns)


def _family_names(found: TableFindings, column: ColumnFinding) -> float:
    """Share of a name column's values carrying a family name, worked out when first asked
    (only a column that would make a list of people on its own is looked up) and kept in
    its evidence; 1 for names the dictionary or a card already judged."""
    if "rule" in column.evidence or "header_term" not in column.evidence:
        return 1.0
    if "family_name_ratio" not in column.evidence:
        values = found.samples.get(column.index, [])
        column.evidence["family_name_ratio"] = round(family_name_ratio(values), 2)
    return column.evidence["family_name_ratio"]


#: categories of contact data (a table holding them in columns is no grid of cards)
CONTACT_CATEGORIES = frozenset({"address", "postal_code", "phone", "email"})
#: local parts of addresses that reach an office, not a person (info@, support@ ...)
ROLE_MAILBOXES = re.compile(r"^(info|information|contact|support|help|admin|office|sales|webmaster|"
                            r"postmaster|noreply|no-reply|service|inquiry|soumu|jimu|kikaku|koho|"
                            r"general|team|staff|hr|recruit|press|mail)\b", re.IGNORECASE)
#: different personal addresses that make a list of people on their own
MAILING_LIST_MIN = 3


def is_mailing_list(found: TableFindings) -> bool:
    """A column of different people's e-mail addresses: a list of people even with nothing
    beside it (a header-less export of a mailing list); offices' addresses (info@) are not."""
    for column in found.columns:
        if column.category == "email":
            values = [v for v in found.samples.get(column.index, []) if isinstance(v, str)]
            personal = {v for v in values if "@" in v and not ROLE_MAILBOXES.match(v)}
            if len(personal) >= MAILING_LIST_MIN and len(personal) * 2 >= len(values):
                return True
    return False


#: attributes that only a person has, one value per row (not a count of people)
DEMOGRAPHIC_CATEGORIES = frozenset({"gender", "birth_date", "age"})


def is_keyed_people(found: TableFindings) -> bool:
    """Rows keyed by a per-row identifier with a person's attributes (顧客ID, 性別, 年齢):
    people a pseudonym identifies, even when their names were removed."""
    return bool(found.categories & DEMOGRAPHIC_CATEGORIES) and found.key_columns > 0


def count_records(tables: list[TableFindings]) -> int:
    """Tables with the same categories are parts of one list: sum them; take the largest list."""
    by_categories: dict[frozenset[str], int] = {}
    for found in tables:
        by_categories[found.categories] = by_categories.get(found.categories, 0) + found.records
    return max(by_categories.values(), default=0)


def find_columns(table: Table) -> TableFindings | None:
    """Classify every column of one table; None when it has no data rows."""
    layout = find_layout(table)
    if not layout.data_rows:
        return None
    samples = sample_columns(table, layout)
    min_values = MIN_VALUES_UNKNOWN_HEADER if layout.has_header else MIN_VALUES_NO_HEADER
    rows_hidden = _mostly_hidden(table, layout)
    verdicts = {}
    for index, values in enumerate(samples):
        verdict = classify_column(layout.matches[index], values, min_values)
        if verdict is not None:
            verdicts[index] = verdict
    rows = [table.rows[i] for i in layout.data_rows[:MAX_VALUES]]
    verdicts.update(split_phone_verdicts(layout.matches, rows, {i: v.category for i, v in verdicts.items()}))
    verdicts.update(context_verdicts(layout.matches, samples,
                                     {i: v.category for i, v in verdicts.items()}, rows))
    found = [(i, v) for i, v in verdicts.items()]
    found += embedded_postcodes(samples, {i: v.category for i, v in verdicts.items()}).items()
    columns = []
    for index, verdict in sorted(found, key=lambda item: item[0]):
        verdict.evidence["values_distinct"] = len(set(samples[index]))
        header = layout.headers[index]
        columns.append(ColumnFinding(
            table=table.name,
            column=header if table.header is not None and header else column_letter(index),
            index=index,
            header=header,
            category=verdict.category,
            confidence=verdict.confidence,
            hidden=table.hidden or index in table.hidden_columns or rows_hidden,
            evidence=verdict.evidence,
        ))
    if not any(c.category == "name" for c in columns) and _names_things(layout, columns):
        # the kana column reads the facility's or company's name, not a person's
        columns = [c for c in columns if c.category != "name_kana"]
    claimed = {c.index for c in columns}
    others = [index for index, values in enumerate(samples) if values and index not in claimed]
    regular = layout.header_row is not None and layout.header_row <= REGULAR_HEADER_ROWS \
        and len(layout.data_rows) >= REGULAR_MIN_ROWS \
        and sum(h is not None for h in layout.headers) >= REGULAR_HEADER_CELLS
    return TableFindings(table, columns, None, len(others),
                         {index: values for index, values in enumerate(samples) if values}, regular, layout)


#: a header row this near the top, naming this many columns, with this many rows under it,
#: makes a sheet a table rather than a form or a grid of cards
REGULAR_HEADER_ROWS = 2
REGULAR_HEADER_CELLS = 3
REGULAR_MIN_ROWS = 10


#: values a key column needs, and the share of them that must differ
KEY_MIN_VALUES = 5
KEY_DISTINCT = 0.95


def is_key_column(values: list[Value]) -> bool:
    """Codes that differ on (nearly) every row and are not a row counter (1, 2, 3 ...)."""
    if len(values) < KEY_MIN_VALUES or len(set(values)) < KEY_DISTINCT * len(values):
        return False
    numbers = [v for v in values if isinstance(v, (int, float)) or (isinstance(v, str) and v.isdigit())]
    if len(numbers) == len(values):
        ints = sorted(int(float(v)) for v in numbers)
        if ints[-1] - ints[0] < 2 * len(ints):
            return False        # 1, 2, 3 ... numbers the rows, not the people
    return all(isinstance(v, (str, int)) and not isinstance(v, bool) and len(str(v)) <= 20 for v in values)


def _names_things(layout: TableLayout, columns: list[ColumnFinding]) -> bool:
    """The table's name column names facilities or companies, not people."""
    found = {c.index for c in columns}
    for index, match in enumerate(layout.matches):
        if match is None:
            continue
        if match.neutral and match.term in THING_NAME_TERMS:
            return True
        if match.category == "name" and index not in found:
            return True         # a name header whose values are not people's names
    return False


def sample_columns(table: Table, layout: TableLayout) -> list[list[Value]]:
    """Up to ``MAX_VALUES`` prepared non-empty values per column, top to bottom."""
    data = [table.rows[i] for i in layout.data_rows]
    samples: list[list[Value]] = []
    for cells in zip_longest(*data):
        if len(samples) == layout.width:
            break
        values: list[Value] = []
        for cell in cells:
            if cell is not None:
                value = prepare(cell)
                if value is not None:
                    values.append(value)
                    if len(values) >= MAX_VALUES:
                        break
        samples.append(values)
    return samples + [[] for _ in range(layout.width - len(samples))]


def _mostly_hidden(table: Table, layout: TableLayout) -> bool:
    if not table.hidden_rows:
        return False
    hidden = sum(1 for i in layout.data_rows if i in table.hidden_rows)
    return hidden * 2 > len(layout.data_rows)


def _data_row_count(table: Table, layout: TableLayout) -> int:
    """Rows of the whole table below the header, without trailing blank rows."""
    sample_is_whole = table.total_rows is None or table.total_rows <= len(table.rows)
    trailing = layout.trailing_blank_rows if sample_is_whole else 0
    return max(table.row_count - layout.rows_before_data - trailing, 0)


def people_rows(table: Table, layout: TableLayout, columns: list[ColumnFinding]) -> int:
    """Rows about people: data rows with a value in a column that holds personal data.

    A numbered blank row of a form, a footer line or a note under the table is
    not a record.  Past the sample the share seen in the sample is extrapolated.
    """
    total = _data_row_count(table, layout)
    if not columns or not layout.data_rows:
        return total
    personal = sorted({c.index for c in columns})
    sampled = layout.data_rows
    filled = 0
    for i in sampled:
        row = table.rows[i]
        for c in personal:
            if c < len(row) and not is_blank(row[c]):
                filled += 1
                break
    if table.total_rows is None or table.total_rows <= len(table.rows):
        return filled
    return round(total * filled / len(sampled))


