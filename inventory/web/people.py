"""People of the staff directory (:class:`~inventory.models.Person`) as pages show and choose them.

Shown as 氏名（所属）, with 退職等 for someone no longer on the staff; never as an id.
Chosen in a text field with a ``<datalist>`` (works without JavaScript; a select of
thousands of staff cannot be searched): the field takes an option as offered
("職員番号 氏名（所属）"), a 職員番号, or a name or its kana that only one person has.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import or_, select
from wtforms.validators import ValidationError

from inventory.models import Department, Person


def folded(text: str | None) -> str:
    """``text`` as compared when typed: NFKC (full-width digits, half-width kana), no spaces, lower case."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).lower()


def shown_name(name: str, department: str | None, active: bool = True) -> str:
    """氏名（所属）, or 氏名（所属・退職等） for someone no longer on the staff."""
    parts = [department] if department else []
    if not active:
        parts.append(_("left the staff"))
    return f"{name}（{'・'.join(parts)}）" if parts else name


def _rows(session, condition):
    return session.execute(
        select(Person.id, Person.staff_number, Person.name, Person.kana, Person.title, Person.active,
               Department.name.label("department"))
        .outerjoin(Department, Department.id == Person.department_id).where(condition)
        .order_by(Person.kana, Person.name, Person.id)).all()


def person_labels(session, ids) -> dict[int, str]:
    """Person id -> 氏名（所属） for ``ids`` (one query)."""
    ids = sorted({i for i in ids if i is not None})
    if not ids:
        return {}
    return {r.id: shown_name(r.name, r.department, r.active) for r in _rows(session, Person.id.in_(ids))}


@dataclass
class StaffChoices:
    """The people an owner or deputy field accepts: the active staff, plus ``keep`` (a field's
    present value, which may stay even after its person left)."""
    options: list[tuple[int, str, str]] = field(default_factory=list)   # (id, value, hint)
    by_value: dict[str, int] = field(default_factory=dict)              # folded value -> id
    by_number: dict[str, int] = field(default_factory=dict)             # folded 職員番号 -> id
    by_name: dict[str, set[int]] = field(default_factory=dict)  # folded 氏名, カナ or 氏名（所属） -> ids
    values: dict[int, str] = field(default_factory=dict)                # id -> value

    @classmethod
    def load(cls, session, keep=()) -> StaffChoices:
        keep = sorted({i for i in keep if i is not None})
        condition = or_(Person.active, Person.id.in_(keep)) if keep else Person.active
        choices = cls()
        for row in _rows(session, condition):
            shown = shown_name(row.name, row.department, row.active)
            value = f"{row.staff_number} {shown}" if row.staff_number else shown
            if folded(value) in choices.by_value:          # two people without a number, same name
                value = f"{value} #{row.id}"
            hint = "・".join(t for t in (row.kana, row.title) if t)
            choices.options.append((row.id, value, hint))
            choices.values[row.id] = value
            choices.by_value[folded(value)] = row.id
            if row.staff_number:
                choices.by_number[folded(row.staff_number)] = row.id
            for name in {folded(row.name), folded(row.kana), folded(shown)} - {""}:
                choices.by_name.setdefault(name, set()).add(row.id)
        return choices

    def datalist(self, element_id: str) -> Markup:
        """The ``<datalist>`` the owner and deputy fields point at (``list=element_id``)."""
        options = "".join(f'<option value="{escape(value)}">{escape(hint)}</option>'
                          for _id, value, hint in self.options)
        return Markup(f'<datalist id="{escape(element_id)}">{options}</datalist>')

    def value_of(self, person_id: int | None) -> str:
        """What the field shows for ``person_id`` ('' for nobody)."""
        return self.values.get(person_id, "") if person_id is not None else ""

    def id_or_error(self, text: str | None) -> int | None:
        """The person ``text`` names ('' = nobody); ValidationError when nobody or several match."""
        key = folded(text)
        if not key:
            return None
        if key in self.by_value:
            return self.by_value[key]
        first = folded((text or "").split()[0]) if (text or "").split() else key
        for number in (key, first):
            if number in self.by_number:
                return self.by_number[number]
        found = self.by_name.get(key, set())
        if len(found) == 1:
            return next(iter(found))
        if found:
            raise ValidationError(_l("Several staff members are called %(name)s: choose one from "
                                     "the list (it shows their staff numbers).", name=(text or "").strip()))
        raise ValidationError(_l("No active staff member has this name or staff number: type a name "
                                 "or a staff number and choose from the list."))
