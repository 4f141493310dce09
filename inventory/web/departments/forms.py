"""Forms of the department view: confirm a finding, dismiss it as false (a reason is required),
record what an unread file holds."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from inventory.web.form_base import FlaskForm  # clear messages, full-width digits
from wtforms import StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

from inventory.web.assets.unread import CONTENT_REVIEWS

REASON_MAX = 1000


class ConfirmFindingForm(FlaskForm):
    """Confirm a finding (only the CSRF token)."""


class DismissFindingForm(FlaskForm):
    """Dismiss a finding as a false finding, with the reason why."""
    reason = TextAreaField(_l("Reason for dismissing"), validators=[
        DataRequired(message=_l("Give the reason why this finding is not personal data or not a risk.")),
        Length(max=REASON_MAX, message=_l("Use at most %(max)d characters."))])


class ContentReviewForm(FlaskForm):
    """What a person found in a file the scanner could not read: one of two buttons."""
    decision = StringField(validators=[
        DataRequired(message=_l("Choose whether the file holds personal data.")),
        AnyOf(CONTENT_REVIEWS, message=_l("Choose whether the file holds personal data."))])


def dismiss_prefix(finding_id: int) -> str:
    """The form prefix of a finding's dismissal form (unique field ids on a page of findings)."""
    return f"finding-{finding_id}"
