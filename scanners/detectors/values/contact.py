"""Contact details: phone numbers (Japanese, as integers, foreign), postal codes, e-mail."""
from __future__ import annotations

import re

from .base import _DASHES, _SEPARATORS, Validator, _digits_only, integral

# --- contact ----------------------------------------------------------------

_NOT_PERSONAL_PHONE_PREFIXES = ("0120", "0800", "0570", "0990")


def phone_digits_ok(digits: str) -> bool:
    """A Japanese subscriber number: fixed, mobile or IP phone, not toll-free."""
    if digits.startswith("81") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if digits.startswith(_NOT_PERSONAL_PHONE_PREFIXES) or digits.startswith("00"):
        return False
    if len(digits) == 11:
        return digits[:3] in ("070", "080", "090", "050")
    return len(digits) == 10 and digits[0] == "0" and digits[1] != "0"


class PhoneNumber(Validator):
    """Text phone numbers: 0X-XXXX-XXXX, 090..., 072(228)7907, +81 ..."""

    category = "phone"
    min_values = 3

    def match(self, value):
        digits = _digits_only(value)
        return digits is not None and 10 <= len(digits) <= 12 and phone_digits_ok(digits)


class PhoneNumberAsInteger(Validator):
    """A phone number stored as a number, its leading zero lost."""

    category = "phone"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        number = integral(value)
        return number is not None and 10**8 <= number < 10**10 and phone_digits_ok("0" + str(number))


class InternationalPhone(Validator):
    """A phone number of another country under a phone header: 7 to 15 digits (E.164), with
    +, brackets, spaces or hyphens (3132925231, +1 (313) 292-5231, +44 20 7946 0958)."""

    category = "phone"
    needs_header = True

    def match(self, value):
        if not isinstance(value, str) or not 7 <= len(value) <= 24:
            return False
        digits = _SEPARATORS.sub("", value.translate(_DASHES))
        return digits.isdigit() and 7 <= len(digits) <= 15 and not value.startswith(("0120", "0800", "0570"))


_POSTAL = re.compile(r"^〒?\s*\d{3}-\d{4}$")


class PostalCode(Validator):
    """NNN-NNNN, optionally after 〒."""

    category = "postal_code"

    def match(self, value):
        return isinstance(value, str) and 8 <= len(value) <= 11 and _POSTAL.match(value.translate(_DASHES)) is not None


_FOREIGN_POSTAL = re.compile(r"^(\d{5}(-\d{4})?|[A-Z]\d[A-Z] ?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{4,6})$")


class ForeignPostalCode(Validator):
    """A postal code of another country under a postal header: US ZIP (+4), Canadian, British,
    or four to six digits."""

    category = "postal_code"
    needs_header = True

    def match(self, value):
        return isinstance(value, str) and 4 <= len(value) <= 10 and _FOREIGN_POSTAL.match(value.upper()) is not None


class PostalCodeDigits(Validator):
    """Seven digits without a hyphen (or a number that lost its leading zeros)."""

    category = "postal_code"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        number = integral(value)
        if number is not None:
            return 1000 <= number <= 9999999
        digits = _digits_only(value)
        return digits is not None and len(digits) == 7


_EMAIL = re.compile(r"^[\w.+\-]+@[\w\-]+(\.[\w\-]+)+$", re.ASCII)


class EmailAddress(Validator):
    category = "email"
    min_values = 3

    def match(self, value):
        return isinstance(value, str) and "@" in value and len(value) <= 254 and _EMAIL.match(value) is not None
