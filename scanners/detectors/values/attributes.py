"""Personal attributes: age, gender, and health (care levels, disability handbooks and grades)."""
from __future__ import annotations

import re

from .base import Validator, integral

# --- attributes -------------------------------------------------------------

_AGE_TEXT = re.compile(r"^満?(\d{1,3})(歳|才)?$")


class Age(Validator):
    """0-120, as a number or as 45歳 / 45才."""

    category = "age"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        number = integral(value)
        if number is None:
            if not isinstance(value, str) or len(value) > 5:
                return False
            found = _AGE_TEXT.match(value)
            if not found:
                return False
            number = int(found.group(1))
        return 0 <= number <= 120


_GENDER_WORDS = frozenset({"男", "女", "男性", "女性", "男子", "女子", "male", "female", "Male", "Female",
                           "MALE", "FEMALE"})
_GENDER_CODES = frozenset({"M", "F", "m", "f", "1", "2", "9", "0", "その他", "不明", "未回答"})


class GenderWord(Validator):
    """男/女/男性/女性, male/female."""

    category = "gender"

    def match(self, value):
        return isinstance(value, str) and value in _GENDER_WORDS


class GenderCode(Validator):
    """M/F or the codes 1/2 (ISO 5218 also has 0 and 9)."""

    category = "gender"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        if isinstance(value, str):
            return value in _GENDER_CODES or value in _GENDER_WORDS
        return integral(value) in (0, 1, 2, 9)



# --- health -----------------------------------------------------------------

_CARE_LEVEL = re.compile(r"^(要介護(度)?\s?[1-5]|要支援\s?[12]|事業対象者|経過的要介護|自立)$")
_HANDBOOKS = ("身体障害者手帳", "療育手帳", "精神障害者保健福祉手帳", "愛の手帳", "みどりの手帳")
_DISABILITY_GRADE = re.compile(
    r"^((身体|精神|療育)?(第?[12]種)?[1-7]級|[AB][12]?|[AB]判定|(最重度|重度|中度|軽度)|区分[1-6])$")


class CareLevel(Validator):
    """要介護1-5, 要支援1-2, 事業対象者."""

    category = "health"

    def match(self, value):
        return isinstance(value, str) and value[:1] in "要事経自" and _CARE_LEVEL.match(value) is not None


class DisabilityHandbook(Validator):
    """The name of a disability handbook (身体障害者手帳, 療育手帳 ...)."""

    category = "health"

    def match(self, value):
        return isinstance(value, str) and "手帳" in value and any(h in value for h in _HANDBOOKS)


class DisabilityGrade(Validator):
    """1級-7級, 療育 A/B, 精神 1-3級, 障害支援区分1-6."""

    category = "health"
    needs_header = True

    def match(self, value):
        return isinstance(value, str) and len(value) <= 8 and _DISABILITY_GRADE.match(value) is not None
