"""個人番号 columns: 12-digit values passing the check digit, also after Excel dropped their zeros.

A 個人番号 typed into a cell as a number loses its leading zeros: one number in ten
starts with 0 and comes back with 11 digits, one in a hundred with 10.  Values of
8 to 11 digits are padded back to 12 only where that story fits the column:

* under a 個人番号 header, unless five or more numbers are there and most of them
  are shorter than 12 digits (then the column holds a shorter code of its own);
* elsewhere, when at least two thirds of the numbers have their 12 digits.

A column of shorter numbers that all pass once padded proves nothing: a code of
8-11 digits whose check digit is the common modulus 11 with weights 2-7 (the
11-digit 住民票コード has one) passes every time, as the padded zeros multiply the
extra weights.  Phone numbers, postal codes and dates stored as numbers pass one
time in ten, like any number.

By values alone (a generic header such as 番号, No, ID or コード, a header the
vocabulary does not know, or none) nearly every number must pass.  A random
number passes with probability 1/10, so six passing numbers happen by chance once
in a million columns; at least ``MIN_VALID_BY_VALUES`` (and the table's minimum
for values alone) must pass, 95% of the numbers, with numbers making four fifths
of the column (the rest may be notes such as 未提出).
"""
from __future__ import annotations

from dataclasses import dataclass

from .values import Value, integral, my_number_check_digit, twelve_digits

#: shortest number taken for a 個人番号 that lost its leading zeros (four zeros: one in 10,000)
MIN_SHORT_DIGITS = 8
#: numbers needed under a 個人番号 header before most being short says "another code"
MIN_NUMBERS_FOR_SHAPE = 5
#: passing numbers needed when values alone decide (10**-6 by chance)
MIN_VALID_BY_VALUES = 6
#: share of the numbers that must pass when values alone decide
VALID_SHARE_BY_VALUES = 0.95
#: share of the column's values that must be numbers when values alone decide
NUMBER_SHARE_BY_VALUES = 0.8


def short_digits(value: Value) -> str | None:
    """The digits of a whole number of 8 to 11 digits (a number cell or plain digits)."""
    number = integral(value)
    if number is not None:
        return str(number) if 10 ** (MIN_SHORT_DIGITS - 1) <= number < 10**11 else None
    if isinstance(value, str) and value.isdigit() and value.isascii() \
            and MIN_SHORT_DIGITS <= len(value) <= 11:
        return value
    return None


def passes_check_digit(digits: str) -> bool:
    """12 digits whose last one is the 個人番号 check digit of the first eleven."""
    return my_number_check_digit(digits[:11]) == int(digits[11])


def zeros_were_lost(twelve: int, short: int, under_my_number_header: bool) -> bool:
    """Whether the column's short numbers are 個人番号 that lost leading zeros (docstring)."""
    if short == 0:
        return False
    if under_my_number_header:
        return short <= twelve or twelve + short < MIN_NUMBERS_FOR_SHAPE
    return short * 2 <= twelve


@dataclass(frozen=True)
class MyNumberCheck:
    """How a column's numbers fare against the 個人番号 check digit: counts, no value."""

    values: int             # values looked at
    numbers: int            # 12-digit numbers, and shorter ones padded back to 12
    valid: int              # numbers passing the check digit
    padded: int             # passing numbers whose leading zeros were restored
    example: Value | None   # the first passing value, to be masked

    @property
    def check_ratio(self) -> float:
        return self.valid / self.numbers if self.numbers else 0.0


def check_my_numbers(values: list[Value], under_my_number_header: bool = False) -> MyNumberCheck:
    """Count the column's 個人番号-shaped numbers and those passing the check digit."""
    twelve: list[tuple[Value, str]] = []
    short: list[tuple[Value, str]] = []
    for value in values:
        digits = twelve_digits(value)
        if digits is not None:
            twelve.append((value, digits))
        elif (digits := short_digits(value)) is not None:
            short.append((value, digits))
    numbers = twelve
    if zeros_were_lost(len(twelve), len(short), under_my_number_header):
        numbers = twelve + [(value, digits.zfill(12)) for value, digits in short]
    valid = [value for value, digits in numbers if passes_check_digit(digits)]
    padded = sum(1 for value, digits in numbers[len(twelve):] if passes_check_digit(digits))
    return MyNumberCheck(len(values), len(numbers), len(valid), padded, valid[0] if valid else None)


def may_be_my_number_column(values: list[Value]) -> bool:
    """Cheap test before :func:`check_my_numbers` when values alone decide: enough numbers of
    8 to 12 digits (amounts, counts and dates stop it at the first fifth of misses)."""
    misses_allowed = len(values) - NUMBER_SHARE_BY_VALUES * len(values)
    misses = 0
    for value in values:
        if not _long_number(value):
            misses += 1
            if misses > misses_allowed:
                return False
    return True


def _long_number(value: Value) -> bool:
    number = integral(value)
    if number is not None:
        return 10 ** (MIN_SHORT_DIGITS - 1) <= number < 10**12
    return isinstance(value, str) and value[:1].isdigit() and MIN_SHORT_DIGITS <= len(value) <= 16


def is_my_number_column(check: MyNumberCheck, min_values: int) -> bool:
    """Values alone say 個人番号: nearly every number passes (see the module docstring)."""
    return (check.valid >= max(min_values, MIN_VALID_BY_VALUES)
            and check.valid >= VALID_SHARE_BY_VALUES * check.numbers
            and check.numbers >= NUMBER_SHARE_BY_VALUES * check.values)
