"""Forms of the department view: confirm a finding, dismiss it as false (a reason is required),
record what an unread file holds."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from inventory.web.form_base import FlaskForm  # clear messages, full-width digits
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

from inventory.web.assets.unread import CONTENT_REVIEWS

REASON_MAX = 1000
#: files confirmed in one action at most (a page of the list is 50)
MAX_FILES = 200


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


class ConfirmFilesForm(FlaskForm):
    """Confirm every finding still to review of some files at once: the ticked ``asset_ids``,
    or the one file of the row whose button was pressed (``only``)."""
    asset_ids = SelectMultipleField(validate_choice=False)
    only = StringField()

    def chosen_ids(self) -> list[int] | str:
        """The files to confirm, or why the choice is not valid ("too_many", "invalid")."""
        only = (self.only.data or "").strip()
        values = [only] if only else list(self.asset_ids.data or ())
        if not all(str(v).isdigit() for v in values):
            return "invalid"
        if len(values) > MAX_FILES:
            return "too_many"
        return sorted({int(v) for v in values})
