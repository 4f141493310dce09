"""The asset list's filter form (a GET form: the query string is the bookmarkable view).

Field names are the query-string keys; every choice list is built per
request (labels in the request's language, departments of the user's scope
only).  A value not on a list (a hand-edited URL, a department outside the
scope) fails validation with our own message, and the text typed in the
search box is kept.
"""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from inventory.web.form_base import FlaskForm  # clear messages, full-width digits
from markupsafe import Markup, escape
from wtforms import SelectField, StringField
from wtforms.validators import Length, ValidationError
from wtforms.widgets import Select

from scanners.record import KINDS

from inventory.web.assets.queries import ALL_STATUSES, NEEDS_PERSON_STATUS, SORT_COLUMNS, UNSET, AssetFilters
from inventory.web.labels import (
    CATEGORY_LABELS,
    COMPLEXITY_LABELS,
    GUIDELINE_LABELS,
    KIND_LABELS,
    LIFECYCLE_LABELS,
    RISK_LABELS,
    STATUS_LABELS,
    label,
)
from inventory.web.permissions import with_sub_departments

MAX_SEARCH = 200
YES_NO = {"yes": True, "no": False}
SORT_LABELS = {"path": _l("Path"), "size": _l("Size"), "mtime": _l("Modified"),
               "records": _l("Records"), "risk_count": _l("Risks"), "last_seen": _l("Last seen")}


class FastSelect(Select):
    """WTForms' select, each plain option written in one step (same HTML).

    WTForms builds every option's attributes through ``html_params``; with a
    city's 120 departments in the list's filters that was half of the asset
    list's rendering time (14 of 27 ms of CPU a page).
    """

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        selected = "selected " if choice.selected else ""
        return Markup(f'<option {selected}value="{escape(value)}">{escape(choice.label or choice.value)}</option>')


class ChoiceField(SelectField):
    """A select that answers a value not on its list with our message (in our catalogue)."""

    widget = FastSelect()

    def pre_validate(self, form) -> None:
        if self.data not in {value for value, _label in self.choices}:
            raise ValidationError(_("Choose one of the listed values."))


def _coded(labels: dict, anything: str, unset: str | None = None) -> list[tuple[str, str]]:
    """Choices: "any", each code with its label, then (when ``unset``) the "not set" choice.
    The translated labels are made once per language (they do not change while running)."""
    key = (str(get_locale()), id(labels), anything, unset)
    choices = _CODED.get(key)
    if choices is None:
        choices = [("", anything)] + [(code, label(labels, code)) for code in labels if code is not None]
        if unset:
            choices.append((UNSET, unset))
        _CODED[key] = choices
    return list(choices)


#: (language, labels, "any" text, "unset" text) -> choices
_CODED: dict = {}


class AssetFilterForm(FlaskForm):
    """Filters, search and sort of the asset list."""

    class Meta:
        csrf = False                      # a GET form that changes nothing

    q = StringField(_l("Path or file name contains"), validators=[
        Length(max=MAX_SEARCH, message=_l("Search text can be at most %(max)d characters."))])
    department = ChoiceField(_l("Department"), default="")
    kind = ChoiceField(_l("Kind"), default="")
    category = ChoiceField(_l("Personal-data category"), default="")
    sensitive = ChoiceField(_l("Sensitive personal data"), default="")
    my_number = ChoiceField(_l("My Number"), default="")
    risk = ChoiceField(_l("Risk"), default="")
    status = ChoiceField(_l("Scan status"), default="")
    app = ChoiceField(_l("Business app"), default="")
    complexity = ChoiceField(_l("Complexity"), default="")
    lifecycle = ChoiceField(_l("Triage stage"), default="")
    guideline = ChoiceField(_l("Guideline"), default="")
    sort = ChoiceField(_l("Sort by"), default="path")
    order = ChoiceField(_l("Order"), default="asc")

    def __init__(self, formdata, departments: list[tuple[int | None, str]]):
        """``departments``: (id, name) of the departments the user may see; id None: unassigned."""
        super().__init__(formdata=formdata)
        anything, yes_no = _("Any"), [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]
        self.department.choices = [("", _("All departments"))] + [
            (UNSET if dept_id is None else str(dept_id), name) for dept_id, name in departments]
        self.kind.choices = [("", anything)] + [(k, label(KIND_LABELS, k)) for k in KINDS]
        self.category.choices = _coded(CATEGORY_LABELS, anything)
        self.sensitive.choices = self.my_number.choices = self.app.choices = yes_no
        self.risk.choices = _coded(RISK_LABELS, anything)
        self.status.choices = _coded(STATUS_LABELS, _("All but removed")) + [
            (NEEDS_PERSON_STATUS, _("Contents not checked: needs a person")),
            (ALL_STATUSES, _("All, removed included"))]
        self.complexity.choices = _coded(COMPLEXITY_LABELS, anything, _("Not rated"))
        self.lifecycle.choices = _coded(LIFECYCLE_LABELS, anything, _("Not triaged"))
        self.guideline.choices = _coded(GUIDELINE_LABELS, anything, _("Not classified"))
        self.sort.choices = [(key, str(SORT_LABELS[key])) for key in SORT_COLUMNS]
        self.order.choices = [("asc", _("Ascending")), ("desc", _("Descending"))]

    def filters(self, session, scope: set[int] | None) -> AssetFilters:
        """The checked form as :class:`AssetFilters` (call after :meth:`validate`)."""
        departments, chosen = None, self.department.data
        if chosen and chosen != UNSET:
            departments = with_sub_departments(session, int(chosen))
            departments = frozenset(departments if scope is None else departments & scope)
        return AssetFilters(
            text=(self.q.data or "").strip(), departments=departments, unassigned=chosen == UNSET,
            kind=self.kind.data or None, category=self.category.data or None,
            sensitive=YES_NO.get(self.sensitive.data), my_number=YES_NO.get(self.my_number.data),
            risk=self.risk.data or None, status=self.status.data or None,
            is_app=YES_NO.get(self.app.data), complexity=self.complexity.data or None,
            lifecycle=self.lifecycle.data or None, guideline=self.guideline.data or None,
            sort=self.sort.data, descending=self.order.data == "desc")

    def is_filtered(self) -> bool:
        """Whether any filter or search is set (the sort alone does not count)."""
        return any(field.data for field in self if field.name not in ("sort", "order"))
