"""個人番号 columns (scanners/detectors/my_numbers.py and its use in columns.classify_column).

Every number here is built by the test: 個人番号 from the check-digit formula of
DETECTION.md (written out again below, not taken from the code under test),
decoys from seeded random digits and from the other check-digit rules they follow.
"""
import random

import pytest

from scanners.detectors.columns import classify_column
from scanners.detectors.headers import match_header
from scanners.detectors.my_numbers import (check_my_numbers, is_my_number_column, short_digits,
                                           zeros_were_lost)
from scanners.detectors.values import prepare

WEIGHTS = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)      # left to right over the first 11 digits


def check_digit(first_eleven: str) -> int:
    """11 - (sum of digit x weight mod 11); 0 when the remainder is 0 or 1 (DETECTION.md)."""
    remainder = sum(int(d) * w for d, w in zip(first_eleven, WEIGHTS)) % 11
    return 0 if remainder <= 1 else 11 - remainder


def my_numbers(n: int, seed: int = 1, leading_zero_every: int = 0) -> list[str]:
    """n valid 個人番号; every k-th starts with a zero (k = leading_zero_every)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        first = f"{rng.randrange(10**10, 10**11)}"
        if leading_zero_every and i % leading_zero_every == 0:
            first = "0" + first[1:]
        out.append(first + str(check_digit(first)))
    return out


def as_excel_numbers(numbers: list[str]) -> list[int]:
    """What a spreadsheet keeps of numbers typed as numbers: leading zeros gone."""
    return [int(n) for n in numbers]


def random_digits(n: int, length: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.randrange(10 ** (length - 1), 10**length)}" for _ in range(n)]


def modulus_11_code(first_ten: str) -> str:
    """An 11-digit code with the common modulus 11, weights 2-7 check digit (住民票コード style)."""
    weights = [2, 3, 4, 5, 6, 7, 2, 3, 4, 5]                  # from the rightmost digit leftwards
    remainder = sum(int(d) * w for d, w in zip(reversed(first_ten), weights)) % 11
    return first_ten + str(0 if remainder <= 1 else 11 - remainder)


def corporate_number(first_twelve: str) -> str:
    """A 13-digit 法人番号: check digit first, 9 - (sum of digits x 1 or 2 mod 9)."""
    total = sum(int(d) * (2 if n % 2 == 0 else 1) for n, d in enumerate(reversed(first_twelve), start=1))
    return str(9 - total % 9) + first_twelve


def classify(header, cells, min_values=5):
    match = match_header(header) if header is not None else None
    values = [v for v in map(prepare, cells) if v is not None]
    return classify_column(match, values, min_values)


def category(header, cells, min_values=5):
    verdict = classify(header, cells, min_values)
    return verdict.category if verdict else None


def test_the_formula_of_the_test_is_the_documented_one():
    assert check_digit("62149832025") == 7


def test_numbers_that_lost_zeros_are_what_the_helper_builds():
    numbers = as_excel_numbers(my_numbers(30, leading_zero_every=5))
    assert sum(len(str(n)) < 12 for n in numbers) == 6


# --- padding -----------------------------------------------------------------

@pytest.mark.parametrize("cell, expected", [
    (12345678, "12345678"), (12345678901, "12345678901"), (12345678.0, "12345678"),
    ("12345678901", "12345678901"), ("１２３４５６７８９０１", "12345678901"),
    (1234567, None), (123456789012, None), ("1234-5678-901", None), ("0312345678", "0312345678"),
    (True, None), ("abc", None), (12345678.5, None),
])
def test_short_digits(cell, expected):
    assert short_digits(prepare(cell)) == expected


@pytest.mark.parametrize("twelve, short, under_header, expected", [
    (9, 1, False, True), (20, 10, False, True), (10, 6, False, False), (0, 10, False, False),
    (0, 1, True, True),          # a form: one number under 個人番号
    (0, 4, True, True), (0, 5, True, False), (3, 3, True, True), (3, 4, True, False),
    (10, 0, True, False),        # nothing to pad
])
def test_zeros_were_lost(twelve, short, under_header, expected):
    assert zeros_were_lost(twelve, short, under_header) is expected


def test_check_counts_padded_numbers():
    numbers = as_excel_numbers(my_numbers(20, leading_zero_every=4))
    check = check_my_numbers(numbers)
    assert (check.values, check.numbers, check.valid, check.padded) == (20, 20, 20, 5)
    assert check.check_ratio == 1.0 and is_my_number_column(check, 5)


def test_resident_codes_pass_once_padded_so_padding_needs_twelve_digit_neighbours():
    codes = [modulus_11_code(d) for d in random_digits(30, 10, seed=4)]
    assert all(check_digit(c.zfill(12)[:11]) == int(c[-1]) for c in codes)   # the trap
    check = check_my_numbers(codes)
    assert check.numbers == 0 and not is_my_number_column(check, 5)


# --- column decisions ----------------------------------------------------------

VALID = my_numbers(30, seed=2)
LOST_ZEROS = as_excel_numbers(my_numbers(30, seed=3, leading_zero_every=6))


@pytest.mark.parametrize("header, cells, expected", [
    ("個人番号", LOST_ZEROS, "my_number"),
    ("マイナンバー", LOST_ZEROS, "my_number"),
    ("個人番号（マイナンバー）", VALID, "my_number"),
    ("番号", LOST_ZEROS, "my_number"),            # a generic header: the values decide
    ("No", VALID, "my_number"),
    ("No.", LOST_ZEROS, "my_number"),
    ("ID", VALID, "my_number"),
    ("コード", VALID, "my_number"),
    ("対象者番号", VALID, "my_number"),           # neutral by its ending 番号
    ("個人番号(12桁)", LOST_ZEROS, "my_number"),  # a header the vocabulary does not know
    ("ﾏｲﾅﾝﾊﾞｰ", [" ".join((n[:4], n[4:8], n[8:])) for n in VALID], "my_number"),
    ("番号", VALID[:10] + ["未提出", "確認中"], "my_number"),   # notes among the numbers
    ("個人番号", as_excel_numbers(my_numbers(1, seed=8, leading_zero_every=1)), "my_number"),   # a form
    (None, LOST_ZEROS, "my_number"),               # no header row
])
def test_my_number_columns(header, cells, expected):
    verdict = classify(header, cells, min_values=10 if header is None else 5)
    assert verdict is not None and verdict.category == expected
    assert verdict.evidence["check_digit_ratio"] == 1.0


def test_evidence_says_how_many_zeros_were_restored():
    verdict = classify("番号", LOST_ZEROS)
    assert verdict.evidence["zeros_restored"] == sum(len(str(n)) < 12 for n in LOST_ZEROS) == 5
    assert set(verdict.evidence["example"]) == {"*"}
    assert "zeros_restored" not in classify("No", VALID).evidence


RECEIPTS = random_digits(40, 12, seed=5)
ADDRESS_CODES = [f"{n:010d}" for n in range(1000000, 1000000 + 40 * 7919, 7919)]
RESIDENT_CODES = [modulus_11_code(d) for d in random_digits(30, 10, seed=6)]
CORPORATE = [corporate_number(d) for d in random_digits(30, 12, seed=7)]
PHONES_AS_NUMBERS = [int(f"90{n:08d}") for n in range(1000, 1030)]
DATES_AS_NUMBERS = [19500101 + 10000 * i + 101 * (i % 9) for i in range(30)]


@pytest.mark.parametrize("header, cells, expected", [
    ("No", list(range(1, 41)), None),                           # row numbers
    ("番号", list(range(100000000000, 100000000040)), None),     # sequential 12-digit numbers
    ("受付番号", RECEIPTS, None),                                 # random 12 digits: 1 in 10 pass
    (None, RECEIPTS, None),
    ("No", RECEIPTS, None),
    ("宛名番号", ADDRESS_CODES, "resident_id"),
    ("宛名番号", RECEIPTS, "resident_id"),                       # a resident header keeps its codes
    (None, RESIDENT_CODES, None),                                # pass once padded, but no 12-digit neighbour
    ("番号", RESIDENT_CODES, None),
    ("個人番号", RESIDENT_CODES, "resident_id"),                  # a system's own code called 個人番号
    ("法人番号", CORPORATE, None),                               # 13 digits, public
    (None, CORPORATE, None),
    ("No", PHONES_AS_NUMBERS, None),
    (None, DATES_AS_NUMBERS, None),
    ("No", VALID[:4], None),                                     # too few to decide on values
    (None, VALID[:8], None),                                     # no header: ten needed
])
def test_decoys_are_not_my_numbers(header, cells, expected):
    assert category(header, cells, min_values=10 if header is None else 5) == expected


def test_a_few_failures_are_tolerated_but_not_many():
    wrong = [n[:11] + str((int(n[11]) + 1) % 10) for n in VALID]
    assert category("No", VALID[:28] + wrong[:1]) == "my_number"          # 28 of 29
    assert category("No", VALID[:20] + wrong[:5]) is None                  # 20 of 25
