"""Forms about one's account: the own-password page, and the password policy as a WTForms
validator for every form that sets a password (admin forms included)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from inventory.web.form_base import FlaskForm  # clear messages, full-width digits
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from inventory.accounts.passwords import min_length, password_problems

MAX_PASSWORD = 200


def policy_messages(problems: list[str]) -> list[str]:
    """The policy's problem codes (:func:`inventory.accounts.passwords.password_problems`) as messages."""
    texts = {
        "too_short": _("A password needs at least %(count)s characters.", count=min_length()),
        "contains_username": _("A password must not contain the user name."),
        "common": _("This password is among the most commonly used ones; choose one that is "
                    "hard to guess."),
    }
    return [texts[code] for code in problems]


class PasswordPolicy:
    """Validator: the password policy.  The user name is the form's ``username`` field, else
    its ``policy_username`` attribute, which the view sets (a reset, one's own change)."""

    def __call__(self, form, field) -> None:
        if not field.data:
            return
        name_field = getattr(form, "username", None)
        name = name_field.data if name_field is not None else getattr(form, "policy_username", "")
        problems = password_problems(field.data, name or "")
        if problems:
            raise ValidationError(" ".join(policy_messages(problems)))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(), Length(max=MAX_PASSWORD)])
    new_password = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(max=MAX_PASSWORD), PasswordPolicy()])
    confirm = PasswordField(_l("New password (again)"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The two new passwords differ."))])
    submit = SubmitField(_l("Change password"))
