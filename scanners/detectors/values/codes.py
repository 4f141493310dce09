"""Numbers and codes: the 個人番号 (check digit), and under a header bank accounts,
insurance and resident numbers, amounts, school grades, relationships (続柄)."""
from __future__ import annotations

import re

from .base import Validator, Value, _digits_only, integral

# --- 個人番号 ---------------------------------------------------------------

_MY_NUMBER_WEIGHTS = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def twelve_digits(value: Value) -> str | None:
    """The 12 digits of a My-Number-shaped value (spaces and hyphens allowed)."""
    number = integral(value)
    if number is not None:
        return str(number) if 10**11 <= number < 10**12 else None
    digits = _digits_only(value)
    return digits if digits is not None and len(digits) == 12 else None


def my_number_check_digit(first_eleven: str) -> int:
    """The check digit of a 個人番号 from its first 11 digits."""
    remainder = sum(int(d) * w for d, w in zip(first_eleven, _MY_NUMBER_WEIGHTS)) % 11
    return 0 if remainder <= 1 else 11 - remainder


class MyNumber(Validator):
    """12 digits whose last digit is the 個人番号 check digit."""

    category = "my_number"
    accepts_numbers = True

    def match(self, value):
        digits = twelve_digits(value)
        return digits is not None and my_number_check_digit(digits[:11]) == int(digits[11])



# --- numbers and codes under a header ---------------------------------------

def _digit_count(value: Value, low: int, high: int) -> bool:
    number = integral(value)
    if number is not None:
        return number >= 0 and len(str(number)) <= high
    digits = _digits_only(value)
    return digits is not None and low <= len(digits) <= high


class BankAccountNumber(Validator):
    """Seven digits (a number may have lost its leading zeros)."""

    category = "bank_account"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        return _digit_count(value, 7, 7) and integral(value) != 0


_BANK_ENDINGS = ("銀行", "信用金庫", "信金", "信用組合", "信組", "農協", "農業協同組合", "労働金庫",
                 "労金", "漁協", "支店", "出張所", "本店", "営業部", "支所")
_ACCOUNT_KINDS = frozenset({"普通", "当座", "貯蓄", "総合", "普通預金", "当座預金", "貯蓄預金"})


class BankWords(Validator):
    """A bank or branch name, or a kind of account (普通, 当座)."""

    category = "bank_account"
    needs_header = True

    def match(self, value):
        return isinstance(value, str) and (value in _ACCOUNT_KINDS or value.endswith(_BANK_ENDINGS))


_CODE = re.compile(r"^[0-9A-Za-z\-]{4,20}$")


class InsuranceNumber(Validator):
    """Digits (letters and hyphens allowed), at least four digits."""

    category = "insurance_number"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        number = integral(value)
        if number is not None:
            return number >= 1000
        return isinstance(value, str) and _CODE.match(value) is not None \
            and sum(ch.isdigit() for ch in value) >= 4


class ResidentNumber(Validator):
    """4 to 16 digits."""

    category = "resident_id"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        number = integral(value)
        if number is not None:
            return number > 0 and len(str(number)) <= 16
        return _digit_count(value, 4, 16)


_MONEY = re.compile(r"^[¥\\]?\d{1,3}(,\d{3})*(\.\d+)?円?$|^[¥\\]?\d+(\.\d+)?円?$")


class MoneyAmount(Validator):
    """A non-negative amount: a number, 123,456 or 123,456円."""

    category = "income"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        if isinstance(value, bool):
            return False
        if isinstance(value, (int, float)):
            return value >= 0
        return isinstance(value, str) and _MONEY.match(value) is not None


_SCHOOL_GRADE = re.compile(r"^(小|中|高)?[1-6](年生?)?([-/]?[1-9]{1,2}組?)?$|^[1-9A-Z]組$")
_SCHOOL_ENDINGS = ("学校", "小", "中", "高校", "幼稚園", "保育園", "保育所", "こども園", "大学", "学園")


class SchoolGrade(Validator):
    """A grade or class (3年, 小4, 2組) or a school name."""

    category = "school"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        number = integral(value)
        if number is not None:
            return 1 <= number <= 12
        return isinstance(value, str) and (
            _SCHOOL_GRADE.match(value) is not None or value.endswith(_SCHOOL_ENDINGS))


_RELATIONSHIPS = frozenset("""
世帯主 本人 妻 夫 子 長男 長女 次男 次女 二男 二女 三男 三女 四男 四女 父 母 養父 養母 義父 義母 祖父 祖母
孫 兄 姉 弟 妹 配偶者 子の妻 子の夫 妻の父 妻の母 夫の父 夫の母 同居人 縁故者 養子 伯父 叔父 伯母 叔母
甥 姪 曾孫 未届の妻 未届の夫 世帯主の親 世帯主の子
""".split())


class Relationship(Validator):
    """A relationship to the householder (続柄): 世帯主, 妻, 長男 ..."""

    category = "family"

    def match(self, value):
        return isinstance(value, str) and len(value) <= 8 and value in _RELATIONSHIPS
