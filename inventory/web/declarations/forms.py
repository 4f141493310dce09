"""Forms of the declarations area: one item of a declaration (every ファイル簿 field of
``inventory.declarations.fields.FIELDS`` plus the linked assets), a workflow step, and the
small version-carrying forms of abolish / restore / delete.

The forms only parse what was typed into the typed values the service expects
(``inventory.declarations.workflow.check_values``); the rules themselves (required fields,
lengths, choices, who may do what) stay in the service, whose problems
(:class:`~inventory.declarations.workflow.ItemProblem`) are shown at their fields by
:meth:`ItemForm.show_problems`.  Every form carries the version the person saw, so a
change made in between is caught (optimistic locking) instead of overwritten.
"""
from __future__ import annotations

import unicodedata

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from inventory.web.form_base import FlaskForm  # clear messages, full-width digits
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import Length

from inventory.declarations.fields import FIELDS, ItemField
from inventory.declarations.workflow import ItemProblem
from inventory.web.i18n import current_language
from inventory.web.labels import CATEGORY_LABELS, EXEMPTION_LABELS, FILE_TYPE_LABELS, label

#: the longest text typed on one line (longer texts get a text area)
SINGLE_LINE_MAX = 200
#: DeclarationEvent.comment's length
COMMENT_MAX = 2000
#: 有 / 無 of a yes-no field, as the form posts them
YES, NO = "1", "0"
BOOL_LABELS = {YES: _l("Yes (contained)"), NO: _l("No (not contained)")}
CHOICE_LABELS = {"file_type": FILE_TYPE_LABELS, "exemption": EXEMPTION_LABELS}


def field_label(field: ItemField) -> LazyString:
    """The field's label in the request's language: the law's Japanese wording, or the English one.
    (The wording lives once, in ``declaration_fields``, beside the Excel template's headers.)"""
    return LazyString(lambda: field.ja if current_language() == "ja" else field.en)


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (categories, linked assets): every choice visible at once."""
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _form_field(field: ItemField):
    """The WTForms field of one item field; no validators: the service checks the values."""
    text = field_label(field)
    if field.kind == "categories":
        return MultiCheckboxField(text, validate_choice=False)
    if field.kind == "bool":
        return RadioField(text, choices=[(YES, BOOL_LABELS[YES]), (NO, BOOL_LABELS[NO])], default=NO,
                          validate_choice=False)
    if field.kind == "choice":
        labels = CHOICE_LABELS[field.name]
        choices = [(code, labels[code]) for code in field.choices]
        kind = RadioField if len(choices) <= 3 else SelectField
        return kind(text, choices=choices, validate_choice=False)
    if field.kind == "int":
        return StringField(text, render_kw={"inputmode": "numeric", "autocomplete": "off"})
    if field.kind == "text" and field.max_length > SINGLE_LINE_MAX:
        return TextAreaField(text, render_kw={"rows": 3})
    return StringField(text)


def problem_message(problem: ItemProblem) -> str:
    """The message of a value the service refused, in the request's language."""
    if problem.code == "required":
        return _("Please fill in this field.")
    if problem.code == "too_long":
        return _("Use at most %(max)d characters.", max=problem.limit or 0)
    if problem.code == "not_count":
        return _("Enter the number of people as a whole number, 0 or more.")
    if problem.code == "choice":
        return _("Choose one of the options.")
    return _("This value cannot be accepted.")


def parse_count(text: str | None) -> tuple[int | None, bool]:
    """(number, understood) of a 本人の数 as typed: "1,234", "１２３４" or "1234人"; "" is unknown."""
    cleaned = unicodedata.normalize("NFKC", text or "").replace(",", "").replace(" ", "").strip()
    cleaned = cleaned.removesuffix("人")
    if not cleaned:
        return None, True
    if cleaned.isascii() and cleaned.isdigit():
        return int(cleaned), True
    return None, False


class SeenVersion:
    """The ``version`` hidden field as a number (None when missing or tampered with)."""

    def seen_version(self) -> int | None:
        text = (self.version.data or "").strip()
        return int(text) if text.isdigit() else None


class ItemForm(SeenVersion, FlaskForm):
    """One declared item (new or edited); ``version`` is the item's version the form was drawn
    from (empty for a new item)."""
    version = HiddenField()
    #: the declaration's id: lets an edit of an item deleted meanwhile be saved as a new item
    declaration = HiddenField()
    assets = MultiCheckboxField(_l("Files found by the scans where this is kept"), coerce=int,
                                validate_choice=False)

    def setup(self, categories: list[str], asset_choices: list[tuple[int, str]]) -> ItemForm:
        """Offer the categories (the known ones, and any other code the item already holds)
        and the assets the item may link."""
        known = list(CATEGORY_LABELS)
        extra = [c for c in categories if c not in CATEGORY_LABELS]
        self.record_categories.choices = [(c, label(CATEGORY_LABELS, c)) for c in known + extra]
        self.assets.choices = asset_choices
        return self

    def fill_from(self, item, asset_ids: list[int]) -> None:
        """Show a saved item's values (a GET, or the form after someone else's change)."""
        for field in FIELDS:
            value = getattr(item, field.name)
            form_field = self[field.name]
            if field.kind == "bool":
                form_field.data = YES if value else NO
            elif field.kind == "int":
                form_field.data = "" if value is None else str(value)
            elif field.kind == "categories":
                form_field.data = list(value or [])
            else:
                form_field.data = value or ""
        self.assets.data = list(asset_ids)
        self.version.data = str(item.version)

    def values(self) -> tuple[dict, list[ItemProblem]]:
        """(typed values for the service, problems found while parsing them)."""
        values, problems = {}, []
        known = {code for code, _text in self.record_categories.choices}
        for field in FIELDS:
            raw = self[field.name].data
            if field.kind == "bool":
                values[field.name] = raw == YES
            elif field.kind == "int":
                number, understood = parse_count(raw)
                values[field.name] = number
                if not understood:
                    problems.append(ItemProblem(field.name, "not_count"))
            elif field.kind == "categories":
                values[field.name] = [c for c in dict.fromkeys(raw or []) if c in known]
            else:
                values[field.name] = (raw or "").strip()
        return values, problems

    def chosen_assets(self) -> list[int]:
        return list(dict.fromkeys(self.assets.data or []))

    def show_problems(self, problems: list[ItemProblem]) -> None:
        """Put each problem's message at its field (the first problem of a field only)."""
        shown = set()
        for problem in problems:
            if problem.field in shown or problem.field not in self:
                continue
            shown.add(problem.field)
            self[problem.field].errors = [*self[problem.field].errors, problem_message(problem)]


for _field in FIELDS:
    setattr(ItemForm, _field.name, _form_field(_field))
del _field


class WorkflowForm(SeenVersion, FlaskForm):
    """One workflow step (submit, approve, return ...) on the declaration version the person saw;
    a return needs a comment (the service says so, this form keeps what was typed)."""
    version = HiddenField()
    comment = TextAreaField(_l("Comment"), render_kw={"rows": 2},
                            validators=[Length(max=COMMENT_MAX, message=_l("Use at most %(max)d characters."))])


class VersionForm(SeenVersion, FlaskForm):
    """A button on an item (abolish, restore, delete) with the item's version the person saw."""
    version = HiddenField()


class RejectForm(FlaskForm):
    """Rejecting a scan suggestion: why (required, kept with the suggestion)."""
    reason = TextAreaField(_l("Why this is not a personal-information file to declare (required)"),
                           render_kw={"rows": 2},
                           validators=[Length(max=COMMENT_MAX, message=_l("Use at most %(max)d characters."))])
