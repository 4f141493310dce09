"""Import the org chart and users (tables from :mod:`.import_read`): check every row, then
write all of it or nothing.

Departments are matched by organisation code (and first day, when given):
the current department with the code, else its latest period; users by user
name.  Only columns present in the file are written, through ``set_field``
(audited), so importing the same file again changes nothing.  References
(parent, successor, a user's department, the head) may point at rows of the
same file or at the registry.  New users get no password: an administrator
sets one (or they sign in through the directory).

Staff (職員, :class:`~inventory.models.Person`) are matched by 職員番号; a row
whose number the registry does not know adopts the one person without a
number who has the same name (made from an account by migration 0011), else
makes a new person.  A person is never deleted: 在職 0 marks one who left.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inventory.clock import city_today
from inventory.models import (
    ROLE_LABELS,
    Department,
    Person,
    PersonSource,
    Role,
    User,
    record_change,
    set_field,
    utcnow,
)
from inventory.web.admin.import_read import Table, cell_text

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
USERNAME = re.compile(r"^[A-Za-z0-9._@-]{1,100}$")
ERAS = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988, "昭和": 1925, "S": 1925}
ERA_DATE = re.compile(r"^(令和|平成|昭和|[RHS])\s*(\d{1,2}|元)\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?$")
WESTERN_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?$")
TRUE_WORDS = {"1", "true", "yes", "y", "有効", "はい", "○", "〇"}
FALSE_WORDS = {"0", "false", "no", "n", "無効", "いいえ", "×"}
ROLE_WORDS = {**{code: code for code in ROLE_LABELS}, **{name: code for code, name in ROLE_LABELS.items()}}
STAFF_NUMBER = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
#: katakana, hiragana (made katakana), the long-vowel mark, the middle dot and spaces
KANA = re.compile(r"^[\u3041-\u3096\u30a1-\u30fa\u30fc\u30fb\s]*$")
#: staff columns -> Person fields
STAFF_FIELDS = ("name", "kana", "title", "email", "active")


@dataclass
class Issue:
    """A problem with one cell (or row) of the file: where, and what in words of ours."""
    source: str
    row: int | None
    column: str | None
    message: object


@dataclass
class ImportReport:
    issues: list[Issue] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)     # by kind
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)


def parse_date(text: str) -> dt.date:
    """A date written 2026-04-01, 2026/4/1, 2026年4月1日, 令和8年4月1日 or R8.4.1 (ValueError if not)."""
    text = unicodedata.normalize("NFKC", text).strip()
    if found := WESTERN_DATE.match(text):
        return dt.date(*map(int, found.groups()))
    if found := ERA_DATE.match(text):
        era, year, month, day = found.groups()
        return dt.date(ERAS[era.upper()] + (1 if year == "元" else int(year)), int(month), int(day))
    raise ValueError("not a date")


def folded_name(text: str) -> str:
    """A name as compared: NFKC, without spaces."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def katakana(text: str) -> str:
    """Kana as stored: NFKC (half-width made full-width), hiragana made katakana, one space between words."""
    text = unicodedata.normalize("NFKC", text)
    return " ".join("".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text).split())


def fiscal_year_start(today: dt.date) -> dt.date:
    """April 1 of the fiscal year ``today`` is in (the first day given to new departments)."""
    return dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)


class _Rows:
    """The file's rows, checked, with what they refer to; issues are collected, not raised."""

    def __init__(self, session, tables: list[Table], today: dt.date):
        self.today, self.issues = today, []
        self.departments = [t for t in tables if t.kind == "departments"]
        self.users = [t for t in tables if t.kind == "users"]
        self.staff = [t for t in tables if t.kind == "staff"]
        self.dept_rows: list[dict] = []
        self.user_rows: list[dict] = []
        self.staff_rows: list[dict] = []
        # the registry's departments and users, read once (a city has thousands, not millions)
        self.registry_departments = session.execute(select(Department)).scalars().all()
        self.by_code: dict[str, list[Department]] = {}
        for dept in self.registry_departments:
            self.by_code.setdefault(dept.code, []).append(dept)
        self.registry_users = {u.username: u for u in session.execute(select(User)).scalars()}
        self.registry_people: dict[str, Person] = {}
        self.unnumbered: dict[str, list[Person]] = {}     # folded name -> people without a number
        if self.staff:
            for person in session.execute(select(Person)).scalars():
                if person.staff_number:
                    self.registry_people[person.staff_number] = person
                else:
                    self.unnumbered.setdefault(folded_name(person.name), []).append(person)

    def find_department(self, code: str, valid_from: dt.date | None = None) -> Department | None:
        """The registry's department a code names: with that first day if given, else the
        current one, else the latest."""
        periods = self.by_code.get(code, [])
        if valid_from is not None:
            return next((d for d in periods if d.valid_from == valid_from), None)
        return min(periods, key=lambda d: (d.valid_to is not None, -d.valid_from.toordinal()),
                   default=None)

    def fail(self, table: Table, row, column, message) -> None:
        self.issues.append(Issue(table.source, row, table.headers.get(column, column), message))

    def text(self, table, number, cells, column, max_length, required=False, fold=False) -> str:
        value = cells.get(column)
        text = "" if value is None else cell_text(value)
        if fold:
            text = unicodedata.normalize("NFKC", text).strip()
        if required and not text:
            self.fail(table, number, column, _l("Required."))
        elif len(text) > max_length:
            self.fail(table, number, column, _l("Too long (at most %(n)s characters).", n=max_length))
        return text

    def date(self, table, number, cells, column) -> dt.date | None:
        value = cells.get(column)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if value is None or not cell_text(value):
            return None
        try:
            return parse_date(cell_text(value))
        except ValueError:
            self.fail(table, number, column, _l("Not a date (write e.g. 2026-04-01 or 令和8年4月1日)."))
            return None


def check_tables(session, tables: list[Table], today: dt.date) -> tuple[_Rows, list[Issue]]:
    """Check every row of every table; (the checked rows, the issues found)."""
    rows = _Rows(session, tables, today)
    _check_departments(rows)
    _check_users(rows)
    _check_staff(rows)
    _check_references(rows)
    return rows, rows.issues


def _check_departments(rows: _Rows) -> None:
    seen = set()
    for table in rows.departments:
        for column in ("code", "name"):
            if column not in table.headers:
                rows.fail(table, None, column, _l("This column is missing."))
        for number, cells in table.rows:
            code = rows.text(table, number, cells, "code", 32, required=True, fold=True)
            row = {"table": table, "number": number, "code": code,
                   "name": rows.text(table, number, cells, "name", 200, required=True),
                   "parent_code": rows.text(table, number, cells, "parent_code", 32, fold=True),
                   "head": rows.text(table, number, cells, "head", 100, fold=True),
                   "successor_code": rows.text(table, number, cells, "successor_code", 32, fold=True),
                   "valid_from": rows.date(table, number, cells, "valid_from"),
                   "valid_to": rows.date(table, number, cells, "valid_to")}
            if row["valid_from"] and row["valid_to"] and row["valid_to"] < row["valid_from"]:
                rows.fail(table, number, "valid_to", _l("The last day is before the first day."))
            if row["successor_code"] and not row["valid_to"] and "valid_to" in table.headers:
                rows.fail(table, number, "successor_code", _l("A successor needs a last day."))
            if code and (code, row["valid_from"]) in seen:
                rows.fail(table, number, "code", _l("This organisation code appears twice in the file."))
            seen.add((code, row["valid_from"]))
            row["existing"] = rows.find_department(code, row["valid_from"]) if code else None
            rows.dept_rows.append(row)


def _check_users(rows: _Rows) -> None:
    seen = set()
    for table in rows.users:
        if "username" not in table.headers:
            rows.fail(table, None, "username", _l("This column is missing."))
        for number, cells in table.rows:
            name = rows.text(table, number, cells, "username", 100, required=True, fold=True)
            if name and not USERNAME.match(name):
                rows.fail(table, number, "username", _l("Use letters, digits and . _ @ - only."))
            if name in seen:
                rows.fail(table, number, "username", _l("This user name appears twice in the file."))
            seen.add(name)
            row = {"table": table, "number": number, "username": name,
                   "display_name": rows.text(table, number, cells, "display_name", 200),
                   "email": rows.text(table, number, cells, "email", 254, fold=True) or None,
                   "department_code": rows.text(table, number, cells, "department_code", 32, fold=True),
                   "role": None, "active": None}
            if row["email"] and not EMAIL.match(row["email"]):
                rows.fail(table, number, "email", _l("Not an email address."))
            role = rows.text(table, number, cells, "role", 40, required="role" in table.headers)
            if role:
                row["role"] = ROLE_WORDS.get(role) or ROLE_WORDS.get(role.lower())
                if row["role"] is None:
                    rows.fail(table, number, "role", _l("Unknown role (use 担当者, 所属長, "
                                                        "情報システム担当課, 個人情報保護担当課 or 管理者)."))
            active = rows.text(table, number, cells, "active", 10, fold=True).lower()
            if active:
                row["active"] = True if active in TRUE_WORDS else False if active in FALSE_WORDS else None
                if row["active"] is None:
                    rows.fail(table, number, "active", _l("Write 1 (active) or 0 (inactive)."))
            row["existing"] = rows.registry_users.get(name) if name else None
            rows.user_rows.append(row)


def _check_staff(rows: _Rows) -> None:
    seen, adopted = set(), set()
    for table in rows.staff:
        for column in ("staff_number", "name"):
            if column not in table.headers:
                rows.fail(table, None, column, _l("This column is missing."))
        for number, cells in table.rows:
            staff_number = rows.text(table, number, cells, "staff_number", 32, required=True, fold=True)
            if staff_number and not STAFF_NUMBER.match(staff_number):
                rows.fail(table, number, "staff_number", _l("Use letters, digits and . _ - only."))
            elif staff_number in seen:
                rows.fail(table, number, "staff_number", _l("This staff number appears twice in the file."))
            seen.add(staff_number)
            row = {"table": table, "number": number, "staff_number": staff_number,
                   "name": " ".join(rows.text(table, number, cells, "name", 200, required=True).split()),
                   "kana": rows.text(table, number, cells, "kana", 200),
                   "department_code": rows.text(table, number, cells, "department_code", 32, fold=True),
                   "title": rows.text(table, number, cells, "title", 100) or None,
                   "email": rows.text(table, number, cells, "email", 254, fold=True) or None,
                   "active": None}
            if row["kana"] and not KANA.match(unicodedata.normalize("NFKC", row["kana"])):
                rows.fail(table, number, "kana", _l("Write the reading in katakana (or hiragana)."))
            row["kana"] = katakana(row["kana"])
            if row["email"] and not EMAIL.match(row["email"]):
                rows.fail(table, number, "email", _l("Not an email address."))
            active = rows.text(table, number, cells, "active", 10, fold=True).lower()
            if active:
                row["active"] = True if active in TRUE_WORDS else False if active in FALSE_WORDS else None
                if row["active"] is None:
                    rows.fail(table, number, "active", _l("Write 1 (on the staff) or 0 (left)."))
            row["existing"] = rows.registry_people.get(staff_number)
            if row["existing"] is None and row["name"]:
                # a person made from an account before the directory: adopted when only one has the name
                candidates = [p for p in rows.unnumbered.get(folded_name(row["name"]), [])
                              if p.id not in adopted]
                if len(candidates) == 1:
                    row["existing"] = candidates[0]
                    adopted.add(candidates[0].id)
            rows.staff_rows.append(row)


def _check_references(rows: _Rows) -> None:
    """Codes and user names that rows refer to must exist in the file or the registry; no loops."""
    in_file = {r["code"] for r in rows.dept_rows}
    users_in_file = {r["username"] for r in rows.user_rows}
    for row in rows.dept_rows:
        for column in ("parent_code", "successor_code"):
            code = row[column]
            if code and code not in in_file and rows.find_department(code) is None:
                rows.fail(row["table"], row["number"], column, _l("Unknown organisation code."))
        if row["head"] and row["head"] not in users_in_file and row["head"] not in rows.registry_users:
            rows.fail(row["table"], row["number"], "head", _l("Unknown user name."))
    for row in rows.staff_rows:
        code = row["department_code"]
        if code and code not in in_file and rows.find_department(code) is None:
            rows.fail(row["table"], row["number"], "department_code", _l("Unknown organisation code."))
    for row in rows.user_rows:
        code = row["department_code"]
        if code and code not in in_file and rows.find_department(code) is None:
            rows.fail(row["table"], row["number"], "department_code", _l("Unknown organisation code."))
        role = row["role"] or (row["existing"].role if row["existing"] else Role.clerk)
        has_column = "department_code" in row["table"].headers
        department = code if has_column else (row["existing"] and row["existing"].department_id)
        if role in (Role.clerk, Role.dept_head) and not department:
            rows.fail(row["table"], row["number"], "department_code",
                      _l("Clerks and department heads need a department."))
    _check_loops(rows)


def _check_loops(rows: _Rows) -> None:
    """A department may not end up below itself (parents from the file over the registry's)."""
    by_id = {d.id: d for d in rows.registry_departments}
    parents = {d.code: by_id[d.parent_id].code if d.parent_id in by_id else None
               for d in rows.registry_departments if d.valid_to is None}
    for row in rows.dept_rows:
        if "parent_code" in row["table"].headers:
            parents[row["code"]] = row["parent_code"] or None
    for row in rows.dept_rows:
        seen, current = set(), row["code"]
        while current and current not in seen:
            seen.add(current)
            current = parents.get(current)
        if current == row["code"] and current:
            rows.fail(row["table"], row["number"], "parent_code",
                      _l("The parent chain loops back to this department."))


def import_tables(session, tables: list[Table], actor, today: dt.date | None = None) -> ImportReport:
    """Check every row; when all are valid, apply them (flushed: the caller commits or rolls back)."""
    today = today or city_today()
    rows, issues = check_tables(session, tables, today)
    _check_own_rights(rows, actor)
    order = {table.source: index for index, table in enumerate(tables)}
    issues.sort(key=lambda issue: (order.get(issue.source, 0), issue.row or 0))   # stable: columns stay in order
    report = ImportReport(issues=issues)
    if issues:
        return report
    by_code = _apply_departments(session, rows, actor, report, today)
    users = _apply_users(session, rows, actor, report, by_code)
    _apply_links(session, rows, actor, report, by_code, users)
    _apply_staff(session, rows, actor, report, by_code)
    return report


def _check_own_rights(rows: _Rows, actor) -> None:
    """The importing administrator may not take away their own role or account."""
    for row in rows.user_rows:
        user = row["existing"]
        if user is not None and user.id == getattr(actor, "id", None) and (
                row["role"] not in (None, Role.admin) or row["active"] is False):
            rows.fail(row["table"], row["number"], "role",
                      _l("You cannot remove your own administrator rights."))


def _department_id(rows: _Rows, by_code: dict[str, Department], code: str) -> int | None:
    """The id a code refers to: the file's department with that code, else the registry's."""
    if not code:
        return None
    return (by_code.get(code) or rows.find_department(code)).id


def _user_id(rows: _Rows, users: dict[str, User], username: str) -> int | None:
    if not username:
        return None
    return (users.get(username) or rows.registry_users[username]).id


def _tally(report: ImportReport, kind: str, created: bool, changed: bool) -> None:
    counter = report.created if created else report.updated if changed else report.unchanged
    counter[kind] += 1


def _apply_departments(session, rows, actor, report, today) -> dict[str, Department]:
    by_code: dict[str, Department] = {}
    for row in rows.dept_rows:
        dept, headers = row["existing"], row["table"].headers
        values = {"code": row["code"], "name": row["name"]}
        for column in ("valid_from", "valid_to"):
            if column in headers and (row[column] is not None or column == "valid_to"):
                values[column] = row[column]
        if dept is None:
            dept = Department(**{"valid_from": fiscal_year_start(today), **values})
            session.add(dept)
            session.flush()
            for column in ("code", "name", "valid_from", "valid_to"):
                record_change(session, actor, dept, column, None, getattr(dept, column))
            row["created"] = True
        else:
            changed = [set_field(session, actor, dept, c, v) for c, v in values.items()]   # every field
            row["changed"] = any(changed)
        row["department"] = dept
        if row["code"] not in by_code or dept.valid_to is None:
            by_code[row["code"]] = dept
    session.flush()
    return by_code


def _apply_users(session, rows, actor, report, by_code) -> dict[str, User]:
    users = {}
    for row in rows.user_rows:
        headers = row["table"].headers
        values = {c: row[c] for c in ("display_name", "email") if c in headers}
        if row["role"] is not None:
            values["role"] = row["role"]
        if row["active"] is not None:
            values["active"] = row["active"]
        if "department_code" in headers:
            values["department_id"] = _department_id(rows, by_code, row["department_code"])
        user = row["existing"]
        if user is None:
            user = User(username=row["username"], **values)
            session.add(user)
            session.flush()
            for column in ("username", *values):
                record_change(session, actor, user, column, None, getattr(user, column))
            _tally(report, "users", True, False)
        else:
            changed = [set_field(session, actor, user, c, v) for c, v in values.items()]
            _tally(report, "users", False, any(changed))
        users[row["username"]] = user
    session.flush()
    return users


def _apply_links(session, rows, actor, report, by_code, users) -> None:
    """Parents, successors and heads, once every department and user exists."""
    for row in rows.dept_rows:
        dept, headers, changed = row["department"], row["table"].headers, [row.get("changed", False)]
        links = {}
        if "parent_code" in headers:
            links["parent_id"] = _department_id(rows, by_code, row["parent_code"])
        if "successor_code" in headers:
            links["successor_id"] = _department_id(rows, by_code, row["successor_code"])
        if "head" in headers:
            links["head_id"] = _user_id(rows, users, row["head"])
        for column, value in links.items():
            if row.get("created"):
                changed.append(record_change(session, actor, dept, column, None, value) is not None)
                setattr(dept, column, value)
            else:
                changed.append(set_field(session, actor, dept, column, value))
        _tally(report, "departments", bool(row.get("created")), any(changed))
    session.flush()


def _apply_staff(session, rows, actor, report, by_code) -> None:
    """Staff rows: new people, or changes to the one a row matched (audited per field)."""
    for row in rows.staff_rows:
        headers = row["table"].headers
        values = {c: row[c] for c in STAFF_FIELDS if c in headers and c != "active"}
        if row["active"] is not None:
            values["active"] = row["active"]
        if "department_code" in headers:
            values["department_id"] = _department_id(rows, by_code, row["department_code"])
        person = row["existing"]
        if person is None:
            person = Person(staff_number=row["staff_number"], source=PersonSource.import_, **values)
            session.add(person)
            session.flush()
            for column in ("staff_number", *values):
                record_change(session, actor, person, column, None, getattr(person, column))
            _tally(report, "staff", True, False)
        else:
            changed = [set_field(session, actor, person, "staff_number", row["staff_number"])]
            if person.source == PersonSource.account:      # adopted: the import keeps it from now on
                person.source = PersonSource.import_
            changed += [set_field(session, actor, person, c, v) for c, v in values.items()]
            if any(changed):
                person.updated_at = utcnow()
            _tally(report, "staff", False, any(changed))
    session.flush()
