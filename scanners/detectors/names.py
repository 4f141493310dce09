"""Is a value a person's name?  Judged with a morphological dictionary, not a hand list.

UniDic (the ``unidic-lite`` package, read through ``fugashi``, the MeCab
binding) tags family names 名詞-固有名詞-人名-姓 and given names
名詞-固有名詞-人名-名 for several hundred thousand entries.  A value is
split at spaces and each part analysed on its own (context would otherwise
turn ヤマダ into a place when it follows another word); romaji is turned into
katakana first, with the long vowels Hepburn drops (Sato -> サトウ) tried
too.  ``bench/names.py`` measured this against SudachiPy and the old hand
list (docs/benchmarks.md).

:func:`name_shape` answers ``FULL`` (family and given name), ``FAMILY``,
``GIVEN`` or ``None``.  The tagger is made once per process, on first use:
a worker that never meets a column of unknown names never loads it.
What is remembered of values lasts one file (:func:`forget`): values are personal data.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .memory import MAX_REMEMBERED, forget, remembered  # noqa: F401 (forget: the worker's call)

FULL = "full"
FAMILY = "family"
GIVEN = "given"

#: longest value looked at (a name with a middle part and spaces is shorter)
MAX_NAME_LENGTH = 24
#: characters of a given name written after a known family name without being in the dictionary
MAX_UNLISTED_GIVEN = 3

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ"
_KANA = "\u3041-\u3096\u30a1-\u30fa\u30fc"
_JAPANESE_PART = re.compile(rf"^[{_CJK}{_KANA}]+$")
_KANA_PART = re.compile(rf"^[{_KANA}]+$")
_LATIN_PART = re.compile(r"^[A-Za-z]{2,15}$")
_SPACES = re.compile(r"[\s\u3000・,]+")
#: a short word after a family name that is a place, an office or a business, not a given name
_NOT_GIVEN_ENDINGS = frozenset("市町村区郡県都府道課係部局室店社院館園所駅線川山橋通丁目番号")
_HEPBURN_LONG = re.compile(r"o(?=[^aeiouy]|$)")
#: a word made of Japanese syllables in Hepburn or kunrei spelling (English words are not)
_ROMAJI_WORD = re.compile(
    r"^(?:(?:[kgsztdnhbpmr]y?|sh|ch|ts|j|f|w|y|v)?[aiueo]|n|"
    r"k(?=k)|g(?=g)|d(?=d)|b(?=b)|z(?=z)|s(?=s)|t(?=t|ch)|p(?=p)|m(?=[mbp]))+$")


@lru_cache(maxsize=1)
def _tagger():
    import fugashi

    return fugashi.Tagger()


def _morphemes(text: str) -> list[tuple[str, str, str]]:
    """(surface, pos2, pos4) for each morpheme: 固有名詞 / 人名 tags live in pos2..pos4."""
    out = []
    for word in _tagger()(text):
        feature = word.feature
        kind = feature.pos3 if feature.pos2 == "固有名詞" else ""
        out.append((word.surface, kind, feature.pos4))
    return out


def _is_person(morpheme: tuple[str, str, str]) -> bool:
    return morpheme[1] == "人名"


#: analyses looked at when asking whether a word can be a family name (松山 is a city first)
NBEST = 3


def can_be_family(part: str) -> bool:
    """Whether one of the best analyses reads the whole part as a family name (千葉, 松山, 星)."""
    for analysis in _tagger().nbestToNodeList(part, NBEST):
        if len(analysis) == 1 and analysis[0].feature.pos3 == "人名" and analysis[0].feature.pos4 == "姓":
            return True
    return False


def part_kind(part: str) -> str | None:
    """FAMILY, GIVEN or FULL for one part of a name written without spaces; None otherwise."""
    words = _morphemes(part)
    if not words:
        return None
    if len(words) == 1:
        surface, kind, detail = words[0]
        if kind != "人名":
            return None
        return FAMILY if detail == "姓" else GIVEN if detail == "名" else FULL
    if all(map(_is_person, words)):
        return FULL if any(w[2] == "姓" for w in words[:-1]) or words[-1][2] == "名" else FAMILY
    head, rest = words[0], part[len(words[0][0]):]
    if head[1] == "人名" and head[2] == "姓" and _unlisted_given(rest):
        return FULL
    tail = words[-1]
    if tail[1] == "人名" and tail[2] == "名" and 1 <= len(part) - len(tail[0]) <= 3 \
            and _JAPANESE_PART.match(part[:-len(tail[0])]):
        return FULL
    return None


def _unlisted_given(rest: str) -> bool:
    """A short given name the dictionary lacks, after a known family name (山本トメ).

    Not a common noun of two characters or more: 鈴木建設 and 山田商店 are businesses.
    """
    if not 1 <= len(rest) <= MAX_UNLISTED_GIVEN or _JAPANESE_PART.match(rest) is None \
            or rest[-1] in _NOT_GIVEN_ENDINGS:
        return False
    if _KANA_PART.match(rest):
        return True
    return not any(kind == "" and len(surface) >= 2 for surface, kind, _ in _morphemes(rest))


def _japanese_shape(parts: list[str]) -> str | None:
    if len(parts) == 1:
        return part_kind(parts[0])
    if len(parts) != 2 or any(len(p) > 8 for p in parts):
        return None
    first, second = part_kind(parts[0]), part_kind(parts[1])
    family_first = first in (FAMILY, FULL) or (first is None and can_be_family(parts[0]))
    if family_first and (second in (GIVEN, FULL) or _spaced_given(parts[1])):
        return FULL
    if second in (GIVEN, FULL) and first is None and len(parts[0]) <= 4 \
            and parts[0][-1] not in _NOT_GIVEN_ENDINGS:
        return FULL          # a family name the dictionary lacks (金城 陽翔)
    if first == FAMILY and second == FAMILY:
        return FULL          # many given names are family names too (and the reverse)
    if first is not None and second is not None:
        return FULL
    return None


def _spaced_given(part: str) -> bool:
    """A short word after a family name and a space: a given name the dictionary may lack (竜兵).

    Businesses and places are written without the space (鈴木建設, 松山市).
    """
    return 1 <= len(part) <= MAX_UNLISTED_GIVEN and _JAPANESE_PART.match(part) is not None \
        and part[-1] not in _NOT_GIVEN_ENDINGS


def romaji_readings(part: str) -> list[str]:
    """Katakana readings of a romaji word, with the long vowels Hepburn leaves out."""
    import jaconv

    word = part.lower()
    word = word[:-2] + "o" if word.endswith("oh") else word.replace("oh", "o")   # Itoh, Ohno
    if not _ROMAJI_WORD.match(word):
        return []
    # a long o written as one letter is オウ or オオ in kana (Sato サトウ, Ono オオノ)
    spellings = [""]
    for at, ch in enumerate(word):
        long_o = ch == "o" and at in _long_o_positions(word)
        spellings = [s + add for s in spellings for add in ((ch, "ou", "oo") if long_o else (ch,))]
    readings = []
    for spelling in sorted(set(spellings), key=len):
        kana = jaconv.alphabet2kata(spelling)
        if _KANA_PART.match(kana):
            readings.append(kana)
    return readings


def _long_o_positions(word: str) -> set[int]:
    """Where a single o may stand for a long vowel: before a consonant or at the end (two at most)."""
    return {m.start() for m in _HEPBURN_LONG.finditer(word)} & set(sorted(
        m.start() for m in _HEPBURN_LONG.finditer(word))[:2])


def _romaji_kind(part: str) -> str | None:
    kinds = {part_kind(reading) for reading in romaji_readings(part)} - {None}
    if FAMILY in kinds and GIVEN in kinds:
        return FULL          # either: the word order tells nothing here
    return FAMILY if FAMILY in kinds else GIVEN if GIVEN in kinds else None


def _latin_shape(parts: list[str]) -> str | None:
    if len(parts) not in (1, 2) or not all(_LATIN_PART.match(p) for p in parts):
        return None
    kinds = [_romaji_kind(p) for p in parts]
    if len(parts) == 1:
        return kinds[0]
    if kinds == [None, None]:
        return None
    # one part a known name, the other a word that reads as Japanese (Satou Kenta)
    other = parts[kinds.index(None)] if None in kinds else None
    return FULL if other is None or _reads_as_japanese(other) else None


def _reads_as_japanese(part: str) -> bool:
    """A romaji word of two to five kana (English words leave letters unconverted)."""
    readings = romaji_readings(part)
    return bool(readings) and 2 <= len(readings[0]) <= 5


#: shapes of the texts of the file being inspected: a column repeats its names, and a value
#: is judged several times (column, form, card); emptied after every file (memory.forget)
_SHAPES: dict[str, str | None] = remembered()


def name_shape(value: object) -> str | None:
    """FULL, FAMILY, GIVEN or None for a prepared cell value (see the module docstring)."""
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_NAME_LENGTH:
        return None
    try:
        return _SHAPES[value]
    except KeyError:
        pass
    shape = _shape(value)
    if len(_SHAPES) < MAX_REMEMBERED:
        _SHAPES[value] = shape
    return shape


def _shape(value: str) -> str | None:
    parts = [p for p in _SPACES.split(value) if p]
    if not parts:
        return None
    if value.isascii():
        return _latin_shape(parts)
    if not all(_JAPANESE_PART.match(p) for p in parts):
        return None
    if all(_KANA_PART.match(p) for p in parts):
        import jaconv

        parts = [jaconv.hira2kata(p) for p in parts]
    return _japanese_shape(parts)


def reading(value: str) -> str | None:
    """The katakana reading the dictionary gives a name (山田 太郎 -> ヤマダタロウ); None when unknown."""
    kana = []
    for word in _tagger()(value):
        if word.feature.pos1 == "空白":
            continue
        read = getattr(word.feature, "kana", None)
        if not read or read == "*":
            return None
        kana.append(read)
    return "".join(kana) or None
