"""Forms of the privacy office's pages: open a campaign, send reminders; and the declaration
import upload (Flask-WTF: every form carries a CSRF token).

Messages are English msgids translated by Babel (Japanese first); a duplicate fiscal
year, found by the service, is added to the field's errors by the view.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from inventory.web.form_base import FlaskForm  # clear messages, full-width digits
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class CampaignForm(FlaskForm):
    """A fiscal year's call for declarations (年度照会)."""
    fiscal_year = IntegerField(_l("Fiscal year"), validators=[
        InputRequired(message=_l("Enter the fiscal year (for example 2026).")),
        NumberRange(min=FIRST_YEAR, max=LAST_YEAR,
                    message=_l("Enter a fiscal year between %(min)s and %(max)s."))])
    title = StringField(_l("Title"), filters=[_stripped],
                        validators=[Length(max=200, message=_l("Use at most %(max)d characters."))])
    opens_on = DateField(_l("Opening date"), validators=[InputRequired(message=_l("Enter the opening date."))])
    due_on = DateField(_l("Due date"), validators=[InputRequired(message=_l("Enter the due date."))])
    reference_date = DateField(_l("Reference date"), validators=[Optional()])
    publish_threshold = IntegerField(_l("Publication threshold (number of people)"), default=1000, validators=[
        InputRequired(message=_l("Enter the number of people from which a file is published.")),
        NumberRange(min=0, message=_l("Enter 0 or a larger number."))])
    submit = SubmitField(_l("Open the campaign"))

    def validate_due_on(self, field):
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The due date must not be before the opening date."))


class ReminderForm(FlaskForm):
    """Send the reminders of a campaign now."""
    force = BooleanField(_l("Also remind departments already reminded today"))


class DeclarationImportForm(FlaskForm):
    """Upload a filled-in declaration template."""
    file = FileField(_l("Excel file (.xlsx)"), validators=[FileRequired(message=_l("Choose a file."))])
    submit = SubmitField(_l("Import"))
