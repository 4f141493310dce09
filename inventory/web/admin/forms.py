"""The administration area's forms (Flask-WTF: every one carries a CSRF token).

Select fields take their choices in the view (:func:`department_choices` ...);
an empty choice ("") stands for "none" and is coerced to None.  Checks that
need the database (unique codes, known user names, loops in the tree) are
made by the views, which add their messages to the field's errors.
"""
from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from inventory.web.form_base import FlaskForm  # clear messages, full-width digits
from flask_wtf.file import FileField, FileRequired

from inventory.models import TOKEN_VALID_DAYS
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from inventory.web.auth.forms import MAX_PASSWORD, PasswordPolicy
from inventory.web.labels import ROLE_LABELS

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def optional_id(value) -> int | None:
    """Coerce a select's value to an id; "" (the "none" choice) and None give None."""
    if value in (None, "", "None"):
        return None
    return int(value)


def role_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in ROLE_LABELS.items()]


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


def _stripped_nfkc(value):
    """Full-width letters and digits made half-width (１００１ → 1001), then stripped."""
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


def _stripped_spaces(value):
    """Runs of spaces (full-width ones too) made one space, ends stripped."""
    return " ".join(value.split()) if isinstance(value, str) else value


class DepartmentForm(FlaskForm):
    code = StringField(_l("Organisation code"), filters=[_stripped],
                       validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Department name"), filters=[_stripped],
                       validators=[DataRequired(), Length(max=200)])
    parent_id = SelectField(_l("Parent department"), coerce=optional_id, validate_choice=True)
    head_username = StringField(_l("Head (user name)"), filters=[_stripped],
                                validators=[Optional(), Length(max=100)])
    valid_from = DateField(_l("Valid from"), validators=[InputRequired()])
    valid_to = DateField(_l("Valid to (last day)"), validators=[Optional()])
    successor_id = SelectField(_l("Successor department"), coerce=optional_id)
    submit = SubmitField(_l("Save"))

    def validate_valid_to(self, field):
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError(_l("The last day must not be before the first day."))

    def validate_successor_id(self, field):
        if field.data is not None and not self.valid_to.data:
            raise ValidationError(_l("A successor needs a last day: close the department first."))


class UserForm(FlaskForm):
    username = StringField(_l("User name"), filters=[_stripped], validators=[
        DataRequired(), Length(max=100),
        Regexp(r"^[A-Za-z0-9._@-]+$", message=_l("Use letters, digits and . _ @ - only."))])
    display_name = StringField(_l("Full name"), filters=[_stripped], validators=[Length(max=200)])
    email = StringField(_l("Email"), filters=[_stripped], validators=[
        Optional(), Length(max=254), Regexp(EMAIL_PATTERN, message=_l("Not an email address."))])
    role = SelectField(_l("Role"), choices=role_choices)
    department_id = SelectField(_l("Department"), coerce=optional_id)
    active = BooleanField(_l("Active (may sign in)"), default=True)
    password = PasswordField(_l("Password (leave empty to generate one)"), validators=[
        Optional(), Length(max=MAX_PASSWORD), PasswordPolicy()])
    submit = SubmitField(_l("Save"))


class PersonForm(FlaskForm):
    """A member of staff (職員); no sign-in needed.  ``account``: the user name of the account
    that belongs to this person ('' for none)."""
    staff_number = StringField(_l("Staff number (職員番号)"), filters=[_stripped_nfkc], validators=[
        Optional(), Length(max=32),
        Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Use letters, digits and . _ - only."))])
    name = StringField(_l("Full name (氏名)"), filters=[_stripped_spaces],
                       validators=[DataRequired(), Length(max=200)])
    kana = StringField(_l("Reading (カナ)"), filters=[_stripped_spaces], validators=[Length(max=200)])
    department_id = SelectField(_l("Department"), coerce=optional_id)
    title = StringField(_l("Position (役職)"), filters=[_stripped], validators=[Length(max=100)])
    email = StringField(_l("Email"), filters=[_stripped], validators=[
        Optional(), Length(max=254), Regexp(EMAIL_PATTERN, message=_l("Not an email address."))])
    active = BooleanField(_l("On the staff (clear when the person leaves; people are never deleted)"),
                          default=True)
    account = StringField(_l("Sign-in account (user name; empty if none)"), filters=[_stripped],
                          validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Save"))

    def validate_kana(self, field):
        from inventory.web.admin.org_import import KANA

        if field.data and not KANA.match(unicodedata.normalize("NFKC", field.data)):
            raise ValidationError(_l("Write the reading in katakana (or hiragana)."))


class UserEditForm(UserForm):
    """A user's settings; the user name and password are not changed here."""
    username = None
    password = None


class PasswordResetForm(FlaskForm):
    """An admin's reset; the view sets ``policy_username`` (the policy refuses the user's name)."""
    new_password = PasswordField(_l("New password (leave empty to generate one)"), validators=[
        Optional(), Length(max=MAX_PASSWORD), PasswordPolicy()])
    submit = SubmitField(_l("Reset password"))


class LinesField(TextAreaField):
    """A list of strings edited as lines of a text area (blank lines dropped, each stripped)."""

    def _value(self) -> str:
        return "\n".join(self.data or [])

    def process_formdata(self, valuelist) -> None:
        text = valuelist[0] if valuelist else ""
        self.data = [line.strip() for line in text.splitlines() if line.strip()]


MAX_EXCLUSIONS = 200


class ShareForm(FlaskForm):
    name = StringField(_l("Share name"), filters=[_stripped],
                       validators=[DataRequired(), Length(max=100)])
    root = StringField(_l("Root (as the scanner sees it)"), filters=[_stripped],
                       validators=[DataRequired(), Length(max=1000)])
    description = StringField(_l("Description"), filters=[_stripped], validators=[Length(max=1000)])
    active = BooleanField(_l("Active (scanned)"), default=True)
    exclusions = LinesField(_l("Exclusions (one glob per line)"))
    schedule = StringField(_l("Schedule (for reference, e.g. a systemd OnCalendar expression)"),
                           filters=[_stripped], validators=[Length(max=200)])
    submit = SubmitField(_l("Save"))

    def validate_exclusions(self, field):
        if len(field.data or []) > MAX_EXCLUSIONS:
            raise ValidationError(_l("At most %(count)s exclusions.", count=MAX_EXCLUSIONS))
        if any(len(glob) > 500 for glob in field.data or []):
            raise ValidationError(_l("An exclusion may be at most 500 characters long."))


class MappingForm(FlaskForm):
    prefix = StringField(_l("Folder (path under the root; empty for the whole share)"),
                         filters=[_stripped], validators=[Length(max=1000)])
    department_id = SelectField(_l("Department"), coerce=optional_id, validators=[DataRequired()])
    submit = SubmitField(_l("Add mapping"))


#: the longest a token may be valid (three years): a forgotten scanner's secret dies with it
MAX_TOKEN_DAYS = 3 * 365


class TokenForm(FlaskForm):
    name = StringField(_l("Token name (e.g. the scanner's host)"), filters=[_stripped],
                       validators=[DataRequired(), Length(max=100)])
    share_id = SelectField(_l("Share"), coerce=optional_id)
    valid_days = IntegerField(_l("Valid for (days)"), default=TOKEN_VALID_DAYS,
                              validators=[NumberRange(min=1, max=MAX_TOKEN_DAYS)])
    submit = SubmitField(_l("Create token"))


class ImportForm(FlaskForm):
    file = FileField(_l("File (xlsx or csv)"), validators=[FileRequired()])
    check_only = BooleanField(_l("Check only (import nothing)"))
    submit = SubmitField(_l("Import"))


class AddressUnlockForm(FlaskForm):
    """The unlock button of one locked client address."""
    address = HiddenField(validators=[DataRequired(), Length(max=100)])
    submit = SubmitField(_l("Unlock"))


class ConfirmForm(FlaskForm):
    """A button that posts (remove, revoke, re-apply): only the CSRF token."""
    submit = SubmitField(_l("Confirm"))
