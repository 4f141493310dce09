"""The name dictionary (scanners/detectors/names.py) on labelled values written for this project.

The same values are measured by ``python -m bench.names``; these floors keep what was measured.
"""
import pytest

from bench.name_samples import NAMES, NON_NAMES
from scanners.detectors.names import FAMILY, FULL, GIVEN, name_shape, reading, romaji_readings
from scanners.detectors.values import prepare

NAME_FLOORS = {"full (kanji)": 0.95, "family only": 0.9, "given only": 0.8, "kana": 0.8, "romaji": 0.9}


@pytest.mark.parametrize("group", sorted(NAMES))
def test_people_are_read_as_names(group):
    values = NAMES[group]
    found = sum(name_shape(prepare(v)) is not None for v in values)
    assert found >= NAME_FLOORS[group] * len(values), (group, found, len(values))


@pytest.mark.parametrize("group", sorted(NON_NAMES))
def test_things_are_not_read_as_names(group):
    values = NON_NAMES[group]
    wrong = sum(name_shape(prepare(v)) is not None for v in values)
    assert wrong <= 0.05 * len(values), (group, wrong, len(values))


@pytest.mark.parametrize("value, shape", [
    ("山田 太郎", FULL), ("山田太郎", FULL), ("山田\u3000太郎", FULL), ("山本 トメ", FULL),
    ("千葉 太郎", FULL),             # 千葉 is a prefecture first, a family name too
    ("ヤマダ タロウ", FULL), ("やまだ たろう", FULL),
    ("Taro Yamada", FULL), ("YAMADA TARO", FULL), ("Sato", FAMILY),
    ("山田", FAMILY), ("花子", GIVEN),
    ("山田商店", None), ("横浜市", None), ("豆腐", None), ("課長", None), ("Green Park", None),
    ("", None), (12, None), ("山田 太郎 次郎 三郎", None),
])
def test_name_shape(value, shape):
    assert name_shape(value) == shape


@pytest.mark.parametrize("word, reading_", [("Sato", "サトウ"), ("Ohno", "オオノ"), ("Itoh", "イトウ"),
                                            ("Shun", "シュン")])
def test_romaji_readings_include_long_vowels(word, reading_):
    assert reading_ in romaji_readings(word)


@pytest.mark.parametrize("word", ["Motor", "Green", "Hotel", "xyz"])
def test_english_words_have_no_romaji_reading(word):
    assert romaji_readings(word) == []


def test_reading_of_a_name():
    assert reading("山田 太郎") == "ヤマダタロウ"
