"""Forms of the IT triage queue: one asset's triage, bulk assignment, comments.

Lifecycle transitions (:data:`LIFECYCLE_TRANSITIONS`): forward one stage at
a time (発見 → 確認中 → 分類済 → 移行中 → 廃止済), back one stage to reopen a
decision, and 廃止済 from 確認中, 分類済 or 移行中 (an app dropped without a
migration).  A file that is not an app starts with no stage and may enter at
発見 or 確認中.  Stages 分類済 and 移行中 need a guideline.

A stale form is caught by :func:`triage_digest`: a hash of the triage fields
as the form was opened, sent back in a hidden field and compared on save
(the asset table has no version column).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re

from flask_babel import lazy_gettext as _l
from inventory.web.form_base import FlaskForm, date_text  # clear messages, full-width digits
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from inventory.models import Guideline, Lifecycle
from inventory.web.labels import GUIDELINE_LABELS, LIFECYCLE_LABELS, label
from inventory.web.people import StaffChoices

#: stage -> the stages it may move to (staying put is always allowed)
LIFECYCLE_TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({Lifecycle.discovered, Lifecycle.reviewing}),
    Lifecycle.discovered: frozenset({Lifecycle.reviewing}),
    Lifecycle.reviewing: frozenset({Lifecycle.discovered, Lifecycle.classified, Lifecycle.retired}),
    Lifecycle.classified: frozenset({Lifecycle.reviewing, Lifecycle.migrating, Lifecycle.retired}),
    Lifecycle.migrating: frozenset({Lifecycle.classified, Lifecycle.retired}),
    Lifecycle.retired: frozenset({Lifecycle.reviewing}),
}
#: stages an asset may only reach with a guideline
NEEDS_GUIDELINE = frozenset({Lifecycle.classified, Lifecycle.migrating})
#: triage fields of :class:`~inventory.models.Asset` the single-asset form sets, in audit order
TRIAGE_FIELDS = ("guideline", "lifecycle", "owner_id", "deputy_id", "has_specification",
                 "has_manual", "next_review", "business_process", "triage_note")
MAX_BULK = 200
#: the longest owner or deputy text accepted (an option: 職員番号 氏名（所属）)
MAX_PERSON_TEXT = 500


def may_move(current: str | None, wanted: str | None) -> bool:
    """Whether an asset at stage ``current`` may move to ``wanted``."""
    return wanted == current or wanted in LIFECYCLE_TRANSITIONS.get(current, frozenset())


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(text: str) -> dt.date | None:
    """A date typed as 2026-04-01, 2026/4/1, 2026年4月1日 or 令和8年4月1日 (R8.4.1), full-width
    digits too (read as every form reads one: :func:`inventory.web.form_base.date_text`); None if not one."""
    iso = date_text(text)
    if not _ISO_DATE.fullmatch(iso):      # "20260401" and other forms fromisoformat takes are not dates here
        return None
    try:
        return dt.date.fromisoformat(iso)
    except ValueError:
        return None


def triage_digest(asset) -> str:
    """A short hash of ``asset``'s triage fields: changes when anyone saves a different value."""
    text = "\x1f".join(str(getattr(asset, name)) for name in TRIAGE_FIELDS)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def guideline_choices(blank) -> list[tuple[str, str]]:
    return [("", str(blank))] + [(g.value, label(GUIDELINE_LABELS, g.value)) for g in Guideline]


def lifecycle_choices(codes) -> list[tuple[str, str]]:
    return [(c, label(LIFECYCLE_LABELS, c)) for c in codes]


class TriageForm(FlaskForm):
    """One asset's triage decision."""
    version = HiddenField()
    guideline = SelectField(_l("Guideline"), validate_choice=False)
    owner = StringField(_l("Owner (main)"), validators=[Length(max=MAX_PERSON_TEXT)])
    deputy = StringField(_l("Deputy (successor)"), validators=[Length(max=MAX_PERSON_TEXT)])
    lifecycle = SelectField(_l("Stage"), validate_choice=False)
    has_specification = BooleanField(_l("Specification present"))
    has_manual = BooleanField(_l("Manual present"))
    DATE_TEXT_FIELDS = ("next_review",)       # typed dates, full-width too (form_base)
    next_review = StringField(_l("Next review date"), validators=[Optional(), Length(
        max=20, message=_l("Enter a date such as 2026-04-01."))])
    business_process = StringField(_l("Business process"), validators=[Length(
        max=200, message=_l("Use at most %(max)d characters."))])
    triage_note = TextAreaField(_l("Note"), validators=[Length(
        max=2000, message=_l("Use at most %(max)d characters."))])

    def setup(self, asset, staff: StaffChoices) -> TriageForm:
        """Fill the choices for ``asset`` and remember what validation needs; ``staff``: the people
        owner and deputy may name (loaded keeping ``asset``'s present owner and deputy)."""
        self.asset, self.staff = asset, staff
        self.guideline.choices = guideline_choices(_l("Not classified"))
        stages = [asset.lifecycle] if asset.lifecycle else []
        stages += [s.value for s in Lifecycle if s in LIFECYCLE_TRANSITIONS.get(asset.lifecycle, ())]
        self.lifecycle.choices = ([] if asset.lifecycle else [("", str(_l("Not triaged")))]) + \
            lifecycle_choices(sorted(set(stages), key=list(Lifecycle).index))
        return self

    def fill_from(self, asset) -> None:
        """Show ``asset``'s current values (a GET)."""
        self.version.data = triage_digest(asset)
        self.guideline.data = asset.guideline or ""
        self.owner.data = self.staff.value_of(asset.owner_id)
        self.deputy.data = self.staff.value_of(asset.deputy_id)
        self.lifecycle.data = asset.lifecycle or ""
        self.has_specification.data = asset.has_specification
        self.has_manual.data = asset.has_manual
        self.next_review.data = asset.next_review.isoformat() if asset.next_review else ""
        self.business_process.data = asset.business_process or ""
        self.triage_note.data = asset.triage_note or ""

    def validate_guideline(self, field) -> None:
        if field.data and field.data not in set(Guideline):
            raise ValidationError(_l("Choose a guideline from the list."))

    def validate_owner(self, field) -> None:
        self.staff.id_or_error(field.data)

    def validate_deputy(self, field) -> None:
        _check_deputy(self.staff, self.owner.data, field.data)

    def validate_lifecycle(self, field) -> None:
        wanted = field.data or None
        if wanted is not None and wanted not in set(Lifecycle):
            raise ValidationError(_l("Choose a stage from the list."))
        check_stage(self.asset.lifecycle, wanted, self.guideline.data or None)

    def validate_next_review(self, field) -> None:
        if field.data and field.data.strip():
            day = parse_date(field.data)
            if day is None or not 2000 <= day.year <= 2100:
                raise ValidationError(_l("Enter a date such as 2026-04-01."))

    def values(self) -> dict:
        """The validated form as asset field values."""
        text = (self.next_review.data or "").strip()
        return {
            "guideline": self.guideline.data or None, "lifecycle": self.lifecycle.data or None,
            "owner_id": self.staff.id_or_error(self.owner.data),
            "deputy_id": self.staff.id_or_error(self.deputy.data),
            "has_specification": bool(self.has_specification.data),
            "has_manual": bool(self.has_manual.data),
            "next_review": parse_date(text) if text else None,
            "business_process": (self.business_process.data or "").strip() or None,
            "triage_note": (self.triage_note.data or "").strip() or None,
        }


def _check_deputy(staff: StaffChoices, owner_text: str | None, deputy_text: str | None) -> None:
    """ValidationError unless the deputy is a known person other than the owner."""
    deputy = staff.id_or_error(deputy_text)
    if deputy is None:
        return
    try:
        owner = staff.id_or_error(owner_text)
    except ValidationError:
        return                          # the owner field shows its own error
    if owner == deputy:
        raise ValidationError(_l("The deputy must be someone other than the owner."))


def check_stage(current: str | None, wanted: str | None, guideline: str | None) -> None:
    """ValidationError unless an asset at ``current`` may move to ``wanted`` with ``guideline``."""
    if not may_move(current, wanted):
        raise ValidationError(_l("The stage cannot change from %(current)s to %(wanted)s.",
                                 current=label(LIFECYCLE_LABELS, current),
                                 wanted=label(LIFECYCLE_LABELS, wanted)))
    if wanted in NEEDS_GUIDELINE and wanted != current and not guideline:
        raise ValidationError(_l("Choose a guideline before moving the asset to %(wanted)s.",
                                 wanted=label(LIFECYCLE_LABELS, wanted)))


class BulkTriageForm(FlaskForm):
    """The same guideline, owner, deputy or stage for several assets of the queue."""
    asset_ids = SelectMultipleField(validate_choice=False)
    guideline = SelectField(_l("Guideline"), validate_choice=False)
    owner = StringField(_l("Owner (main)"), validators=[Length(max=MAX_PERSON_TEXT)])
    deputy = StringField(_l("Deputy (successor)"), validators=[Length(max=MAX_PERSON_TEXT)])
    lifecycle = SelectField(_l("Stage"), validate_choice=False)

    def setup(self, staff: StaffChoices) -> BulkTriageForm:
        self.staff = staff
        keep = [("", str(_l("No change")))]
        self.guideline.choices = keep + guideline_choices(_l("Not classified"))[1:]
        self.lifecycle.choices = keep + lifecycle_choices([s.value for s in Lifecycle])
        return self

    def selected_ids(self) -> list[int]:
        return [int(v) for v in self.asset_ids.data or () if str(v).isdigit()]

    def validate_asset_ids(self, field) -> None:
        values = field.data or []
        if not values:
            raise ValidationError(_l("Select at least one asset."))
        if len(values) > MAX_BULK or not all(str(v).isdigit() for v in values):
            raise ValidationError(_l("The selection is not valid. Select the assets again."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.changes():
            self.form_errors.append(_l("Choose at least one thing to change."))
            return False
        return valid

    def validate_guideline(self, field) -> None:
        if field.data and field.data not in set(Guideline):
            raise ValidationError(_l("Choose a guideline from the list."))

    def validate_owner(self, field) -> None:
        self.staff.id_or_error(field.data)

    def validate_deputy(self, field) -> None:
        _check_deputy(self.staff, self.owner.data, field.data)

    def validate_lifecycle(self, field) -> None:
        if field.data and field.data not in set(Lifecycle):
            raise ValidationError(_l("Choose a stage from the list."))

    def changes(self) -> dict:
        """Field -> new value, for the fields the user chose to change (people as person ids;
        a person the directory does not know is left out: its field shows the error)."""
        found = {"guideline": self.guideline.data, "lifecycle": self.lifecycle.data}
        for name, text in (("owner_id", self.owner.data), ("deputy_id", self.deputy.data)):
            try:
                found[name] = self.staff.id_or_error(text)
            except ValidationError:
                found[name] = (text or "").strip()
        return {name: value for name, value in found.items() if value}


class CommentForm(FlaskForm):
    """A comment on an asset."""
    body = TextAreaField(_l("Comment"), validators=[
        DataRequired(message=_l("Write a comment first.")),
        Length(max=4000, message=_l("Use at most %(max)d characters."))])
