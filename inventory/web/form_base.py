"""The base of every form of the web app: messages a clerk understands, numbers and dates as typed.

- WTForms' stock messages ("Not a valid date value.", "Number must be between ...") are
  looked up in the registry's own catalogue first (:data:`STOCK_MESSAGES`, whose Japanese
  says what to type: "日付を 2026-04-01 のように入力してください。"), and only then in
  WTForms' catalogue (whose Japanese reads "無効な日付型です").
- Numbers and dates are accepted as people type them on a Japanese keyboard: full-width
  digits (０-９), full-width and other hyphens and minus signs, "，" separators; dates also
  as 2026/4/1, 2026年4月1日 and 令和8年4月1日 (R8.4.1).  Every numeric and date field of
  every form gets the same treatment (:func:`number_text`, :func:`date_text`), in one
  place: the form's ``Meta.wrap_formdata``, before WTForms converts the text.

Every form of ``inventory/web`` derives from :class:`FlaskForm` here (the forms import it
under Flask-WTF's name); ``tests/web/test_web_forms.py`` holds that.
"""
from __future__ import annotations

import re
import unicodedata

from flask_babel import get_translations
from flask_wtf import FlaskForm as _FlaskForm
from flask_wtf.i18n import translations as wtforms_translations
from wtforms.fields import DateField, DateTimeField, DecimalField, FloatField, IntegerField

from inventory.catalogue import N_
from inventory.japanese_calendar import ERA_STARTS

#: WTForms' own messages, with our wording (Japanese in messages.po)
STOCK_MESSAGES = (
    N_("This field is required."), N_("Not a valid integer value."), N_("Not a valid decimal value."),
    N_("Not a valid float value."), N_("Not a valid date value."), N_("Not a valid datetime value."),
    N_("Not a valid time value."), N_("Not a valid choice."), N_("Invalid input."),
    N_("Invalid email address."), N_("Invalid Choice: could not coerce."),
    N_("Number must be at least %(min)s."), N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Field must be at least %(min)d character long."), N_("Field must be at least %(min)d characters long."),
    N_("Field cannot be longer than %(max)d character."), N_("Field cannot be longer than %(max)d characters."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Field must be equal to %(other_name)s."),
    N_("The CSRF token is missing."), N_("The CSRF token has expired."), N_("The CSRF token is invalid."),
    N_("The CSRF tokens do not match."), N_("CSRF token missing."), N_("CSRF token expired."),
    N_("Invalid CSRF Token."), N_("CSRF failed."),
)
_STOCK = frozenset(STOCK_MESSAGES)

#: fields whose text is converted to a number or a date by WTForms
NUMBER_FIELDS = (IntegerField, DecimalField, FloatField)
DATE_FIELDS = (DateField, DateTimeField)
#: hyphens and minus signs people type between the parts of a date or before a number
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−ーｰ－﹣"), "-")
_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_ERA_DATE = re.compile(r"(令和|平成|昭和|[RHSrhs])\.?(\d{1,2}|元)[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


def half_width(text: str) -> str:
    """``text`` with full-width letters and digits made ASCII and every dash a hyphen-minus."""
    return unicodedata.normalize("NFKC", text).translate(_DASHES).strip()


def number_text(text: str) -> str:
    """A number as typed ("１，２３４", "－５", "1,234 人") as WTForms reads it ("1234", "-5")."""
    text = half_width(text).replace(",", "").replace(" ", "")
    return text.removesuffix("人").removesuffix("日") if text[:-1].lstrip("-").isdigit() else text


def date_text(text: str) -> str:
    """A date as typed ("２０２６／４／１", "令和8年4月1日", "R8.4.1") as ISO text ("2026-04-01");
    anything else unchanged, for WTForms to refuse with its message."""
    text = half_width(text).replace(" ", "")
    found = _DATE.fullmatch(text)
    if found:
        year, month, day = (int(g) for g in found.groups())
    else:
        found = _ERA_DATE.fullmatch(text)
        if not found:
            return text
        era, year_text, month, day = found.groups()
        start = ERA_STARTS.get(era) or ERA_STARTS.get(era.upper())
        year, month, day = start + (1 if year_text == "元" else int(year_text)), int(month), int(day)
    return f"{year:04d}-{month:02d}-{day:02d}"


class ClerkTranslations:
    """WTForms' translations: ours for :data:`STOCK_MESSAGES`, else WTForms' own."""

    def gettext(self, string: str) -> str:
        if string in _STOCK:
            return get_translations().ugettext(string)
        return wtforms_translations.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        chosen = singular if n == 1 else plural
        if chosen in _STOCK:
            return get_translations().ugettext(chosen)
        return wtforms_translations.ngettext(singular, plural, n)


CLERK_TRANSLATIONS = ClerkTranslations()


def normalised_formdata(form, formdata):
    """``formdata`` with the values of ``form``'s numeric and date fields as :func:`number_text`
    and :func:`date_text` write them; a form may name text fields that hold dates
    (``DATE_TEXT_FIELDS``) or numbers (``NUMBER_TEXT_FIELDS``)."""
    if formdata is None or not hasattr(formdata, "getlist"):
        return formdata
    date_names = set(getattr(form, "DATE_TEXT_FIELDS", ()))
    number_names = set(getattr(form, "NUMBER_TEXT_FIELDS", ()))
    changes = {}
    for name, field in form._fields.items():
        if isinstance(field, DATE_FIELDS) or name in date_names:
            convert = date_text
        elif (isinstance(field, NUMBER_FIELDS) or name in number_names
              or (field.render_kw or {}).get("inputmode") == "numeric"):
            convert = number_text
        else:
            continue
        values = formdata.getlist(field.name)
        if values:
            converted = [convert(v) if isinstance(v, str) else v for v in values]
            if converted != values:
                changes[field.name] = converted
    if not changes:
        return formdata
    copy = formdata.copy()
    for key, values in changes.items():
        copy.setlist(key, values)
    return copy


class FlaskForm(_FlaskForm):
    """Flask-WTF's form with clear messages and numbers and dates as people type them."""

    class Meta:
        def get_translations(self, form):
            return CLERK_TRANSLATIONS

        def wrap_formdata(self, form, formdata):
            return normalised_formdata(form, super().wrap_formdata(form, formdata))
