"""Value validators: one small class per rule, registered in ``VALIDATORS``.

A validator has a ``category`` (a spec category code) and ``match(value)``,
which takes a *prepared* cell (see :func:`prepare`: text is NFKC-folded and
stripped, numbers, dates and booleans pass through).  ``needs_header`` marks
rules that mean nothing without a header saying what the column is (an
integer 0-120 is an age only under 年齢); the others may decide a column on
values alone, under stricter thresholds.

Each ``match`` rejects cheaply (type, length, first character) before any
regular expression runs.

The rules live by family: :mod:`.base` (what all share), :mod:`.codes` (個人番号 and
numbers under a header), :mod:`.contact`, :mod:`.dates`, :mod:`.attributes` (age, gender,
health), :mod:`.person_names`, :mod:`.addresses`.  This module orders them
(``VALIDATORS``) and is where the detectors import every name from.
"""
from __future__ import annotations

from .addresses import PREFECTURES, AddressText, JapaneseAddress
from .attributes import Age, CareLevel, DisabilityGrade, DisabilityHandbook, GenderCode, GenderWord
from .base import Validator, Value, integral, prepare
from .codes import (BankAccountNumber, BankWords, InsuranceNumber, MoneyAmount, MyNumber, Relationship,
                    ResidentNumber, SchoolGrade, my_number_check_digit, twelve_digits)
from .contact import (EmailAddress, ForeignPostalCode, InternationalPhone, PhoneNumber, PhoneNumberAsInteger,
                      PostalCode, PostalCodeDigits, phone_digits_ok)
from .dates import _ERA_DATE, DateCell, EraDateText, ExcelSerialDate, WesternDateText
from .person_names import (KanaName, KanaText, LatinPersonName, LexiconFullName, LexiconKanaName,
                           LexiconPersonName, PersonName, is_field_label, latin_person_name,
                           looks_like_organisation)

__all__ = [
    "PREFECTURES", "AddressText", "JapaneseAddress", "Age", "CareLevel", "DisabilityGrade",
    "DisabilityHandbook", "GenderCode", "GenderWord", "Validator", "Value", "integral", "prepare",
    "BankAccountNumber", "BankWords", "InsuranceNumber", "MoneyAmount", "MyNumber", "Relationship",
    "ResidentNumber", "SchoolGrade", "my_number_check_digit", "twelve_digits", "EmailAddress",
    "ForeignPostalCode", "InternationalPhone", "PhoneNumber", "PhoneNumberAsInteger", "PostalCode",
    "PostalCodeDigits", "phone_digits_ok", "_ERA_DATE", "DateCell", "EraDateText", "ExcelSerialDate",
    "WesternDateText", "KanaName", "KanaText", "LatinPersonName", "LexiconFullName", "LexiconKanaName",
    "LexiconPersonName", "PersonName", "is_field_label", "latin_person_name", "looks_like_organisation",
    "VALIDATORS", "BY_CATEGORY", "STANDALONE",
]

#: every validator, in the order they are tried
VALIDATORS: tuple[Validator, ...] = (
    MyNumber(), PhoneNumber(), PhoneNumberAsInteger(), InternationalPhone(), PostalCode(),
    PostalCodeDigits(), ForeignPostalCode(),
    EmailAddress(), DateCell(), WesternDateText(), EraDateText(), ExcelSerialDate(),
    Age(), GenderWord(), GenderCode(), PersonName(), LatinPersonName(), LexiconFullName(),
    LexiconPersonName(),
    KanaName(), LexiconKanaName(), KanaText(),
    JapaneseAddress(), AddressText(), CareLevel(), DisabilityHandbook(), DisabilityGrade(),
    BankAccountNumber(), BankWords(), InsuranceNumber(), ResidentNumber(), MoneyAmount(),
    SchoolGrade(), Relationship(),
)

#: validators of each category
BY_CATEGORY: dict[str, tuple[Validator, ...]] = {}
for _validator in VALIDATORS:
    BY_CATEGORY[_validator.category] = BY_CATEGORY.get(_validator.category, ()) + (_validator,)

#: validators that may decide a column without a header, the costly ones (the dictionary) last
STANDALONE: tuple[Validator, ...] = tuple(sorted((v for v in VALIDATORS if not v.needs_header),
                                                 key=lambda v: v.costly))
