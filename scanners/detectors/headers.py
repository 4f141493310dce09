"""Column-header vocabulary: normalise a header and match it to a category.

The terms live in ``scanners/data/headers.toml`` so that the IT division can
extend them without touching code.  A match says which category a header
names (or that it names something that is not a person: ``neutral``), how
strong the evidence is, and which term matched.  Nothing here is cached
between calls: headers are text read from a file.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .memory import remember, remembered

VOCABULARY_PATH = Path(__file__).resolve().parent.parent / "data" / "headers.toml"

#: the category of headers about things, places and totals
NEUTRAL = "neutral"

#: strength of each list kind of the vocabulary file
STRENGTHS = {
    "exact": 0.95, "suffix": 0.90, "prefix": 0.85, "contains": 0.80,
    "weak": 0.60, "weak_contains": 0.55,
}
#: how a list kind is matched
_MODE_OF_KIND = {
    "exact": "exact", "weak": "exact", "suffix": "suffix", "prefix": "prefix",
    "contains": "contains", "weak_contains": "contains",
}
#: rank of a match mode when several terms match (higher wins)
_MODE_RANK = {"exact": 3, "suffix": 2, "prefix": 1, "contains": 1}

#: headers longer than this (after normalising) are titles or sentences
MAX_HEADER_LENGTH = 40
#: longer than this before normalising (spaces, brackets), not looked at
LONGEST_RAW_HEADER = 4 * MAX_HEADER_LENGTH

_MIDDLE_DOTS = "・·･‧∙"
_TRAILING_DIGITS = re.compile(r"\d+$")

#: a header naming the people a list is about by their role (申請者, 参加者, 組合員, 顧客名,
#: 会員氏名): a noun for a person, then optionally a word for their name.  Only a shape: the
#: column's values must read as people's names (columns.py confirms with the name dictionary)
ROLE_NOUN = re.compile(r"(者|員|客|人|様|主|児|童|徒|生|民|家|子|族|方|氏|殿)(名|氏名|名前|姓名|名称)?$")
#: the same in English headers (applicant, participant_name, member ...)
ROLE_WORDS = re.compile(r"(applicant|participant|member|customer|client|student|pupil|patient|"
                        r"resident|employee|staff|person|attendee|guest|visitor|passenger|player|"
                        r"guardian|parent|child|owner|user|contact|name)")
#: long vowels as romaji writes them or not (ジュウショ, ジュショ, ジューショ are one word)
_LONG_VOWEL = re.compile(r"(?<=[オコソトノホモヨロヲゴゾドボポョォウクスツヌフムユルグズヅブプュゥ])ウ|ー")
#: a bracketed qualifier of a header: （円）, (全角), 【携帯】, [任意]
_QUALIFIER = re.compile(r"[（(【\[［〈<＜「『][^）)】\]］〉>＞」』]*[）)】\]］〉>＞」』]")
#: a header written in romaji: Japanese syllables only (Hepburn or kunrei spelling)
_ROMAJI_HEADER = re.compile(
    r"^(?:(?:[kgsztdnhbpmrfjvwyc]h?y?|ts)?[aiueo]|n|([kgsztdbpc])(?=\1|h))+$")


class _DroppedChars(dict):
    """The translate table that removes spaces and punctuation (brackets, dashes, middle
    dots ...) of the BMP, filled as characters are met: building it for all 65,536 code points
    at import cost every worker 40 ms before its first file."""

    def __missing__(self, code: int):
        ch = chr(code)
        drop = code < 0x10000 and (ch.isspace() or ch in _MIDDLE_DOTS
                                   or unicodedata.category(ch).startswith("P"))
        self[code] = None if drop else code
        return self[code]


_DROPPED = _DroppedChars()


def normalise_header(text: object) -> str:
    """NFKC, lower case, without spaces, brackets, punctuation or middle dots."""
    return unicodedata.normalize("NFKC", str(text)).lower().translate(_DROPPED)


def matching_key(text: object) -> str:
    """The normalised header without a trailing number ("住所1" -> "住所"), long vowels folded."""
    key = normalise_header(text)
    stripped = _TRAILING_DIGITS.sub("", key) or key
    return fold_long_vowels(stripped) if "ウ" in stripped or "ー" in stripped else stripped


def fold_long_vowels(key: str) -> str:
    """Katakana without the marks of long vowels, so that romaji spellings meet the vocabulary."""
    return _LONG_VOWEL.sub("", key) or key


#: romaji texts of the file already turned into katakana (jaconv is slow; headers repeat)
_ROMAJI = remembered()


def romaji_key(key: str) -> str | None:
    """The katakana of a header written in romaji (jusho, zyusyo, seinen_gappi), long vowels folded."""
    if not key.isascii() or not key.isalpha() or _ROMAJI_HEADER.match(key) is None:
        return None
    try:
        return _ROMAJI[key]
    except KeyError:
        pass
    import jaconv

    kana = jaconv.alphabet2kata(key)
    folded = fold_long_vowels(kana) if all("\u30a1" <= ch <= "\u30fc" for ch in kana) else None
    return remember(_ROMAJI, key, folded)


@dataclass(frozen=True)
class HeaderMatch:
    """A header's category (or ``neutral``), the term that matched and its strength."""

    category: str
    term: str
    strength: float
    mode: str

    @property
    def neutral(self) -> bool:
        return self.category == NEUTRAL

    @property
    def weak(self) -> bool:
        return self.strength < 0.7


#: the list kind of katakana readings, matched only against romaji headers
READING = "reading"
#: a reading this long also matches at the end of a romaji header (kaiin_shimei)
MIN_READING_SUFFIX = 3


class Vocabulary:
    """Header terms indexed by match mode for fast lookup."""

    def __init__(self, table: dict[str, dict[str, list[str]]]):
        readings = {category: {"exact": terms, "suffix": [t for t in terms if len(t) >= MIN_READING_SUFFIX]}
                    for category, kinds in table.items() if (terms := kinds.get(READING))}
        table = {category: {kind: terms for kind, terms in kinds.items() if kind != READING}
                 for category, kinds in table.items()}
        #: the vocabulary of readings that romaji headers are matched against
        self.readings = Vocabulary(readings) if readings else None
        # mode -> normalised term -> (category, strength, term as written)
        self._terms: dict[str, dict[str, tuple[str, float, str]]] = {
            mode: {} for mode in _MODE_RANK
        }
        self._neutral_prefixes: dict[str, str] = {}
        for category, kinds in table.items():
            for kind, terms in kinds.items():
                if kind not in STRENGTHS:
                    raise ValueError(f"unknown list kind {kind!r} in [{category}]")
                for term in terms:
                    self._add(category, kind, term)
        self._lengths = {
            mode: sorted({len(t) for t in terms}, reverse=True)
            for mode, terms in self._terms.items()
        }
        self._neutral_prefix_lengths = sorted({len(t) for t in self._neutral_prefixes})
        # one regular expression to rule out, in C, headers that contain no term
        parts = {t for mode in ("suffix", "prefix", "contains") for t in self._terms[mode]}
        self._any_part = re.compile("|".join(map(re.escape, sorted(parts, key=len, reverse=True))))

    def _add(self, category: str, kind: str, term: str) -> None:
        key = matching_key(term) if not term[-1:].isdigit() else normalise_header(term)
        if not key:
            raise ValueError(f"empty term in [{category}].{kind}")
        if category == NEUTRAL and kind == "prefix":
            self._neutral_prefixes[key] = term
            return
        mode = _MODE_OF_KIND[kind]
        known = self._terms[mode].get(key)
        if known is not None and known[0] != category:
            raise ValueError(f"term {term!r} is in [{known[0]}] and [{category}]")
        if known is None or STRENGTHS[kind] > known[1]:
            self._terms[mode][key] = (category, STRENGTHS[kind], term)

    def match(self, header: object) -> HeaderMatch | None:
        """The best vocabulary match for a header, or None when nothing matches.

        A header the vocabulary lacks may still be read: romaji is matched through its
        katakana (shimei, jusho, seinengappi), and a noun for the people a list is about
        (申請者, 参加者, 組合員名, applicant) is a ``role`` match, which the values confirm.
        """
        if header is None or len(text := str(header)) > LONGEST_RAW_HEADER:
            return None             # a sentence or a hostile megabyte, not a header
        key = matching_key(text)
        if not key or len(key) > MAX_HEADER_LENGTH:
            return None
        found = self._match_key(key)
        if found is None and self.readings is not None and (kana := romaji_key(key)) is not None:
            found = self.readings._match_key(kana)
        if found is None and _QUALIFIER.search(text):
            # a qualifier in brackets: 基本給（円）, 氏名（全角）, 住所(番地まで), 電話【携帯】
            bare = matching_key(_QUALIFIER.sub("", text))
            if bare and bare != key:
                found = self._match_key(bare)
        if found is None:
            found = role_match(key)
        return found

    def is_term(self, text: object) -> bool:
        """Whether the whole text is a term of the vocabulary (住所, 電話番号, 所属, 氏名)."""
        return matching_key(text) in self._terms["exact"]

    def _match_key(self, key: str) -> HeaderMatch | None:
        found = self._terms["exact"].get(key)
        if found is not None:
            return HeaderMatch(found[0], found[2], found[1], "exact")
        for length in self._neutral_prefix_lengths:
            term = self._neutral_prefixes.get(key[:length])
            if term is not None and length < len(key):
                return HeaderMatch(NEUTRAL, term, STRENGTHS["prefix"], "prefix")
        if not self._any_part.search(key):
            return None
        best: tuple | None = None
        for mode, part_of in (("suffix", _suffixes), ("prefix", _prefixes),
                              ("contains", _substrings)):
            terms = self._terms[mode]
            for length in self._lengths[mode]:
                if length > len(key):
                    continue
                for part in part_of(key, length):
                    found = terms.get(part)
                    if found is None:
                        continue
                    category, strength, term = found
                    strength = STRENGTHS["exact"] if length == len(key) and strength >= 0.7 else strength
                    rank = (_MODE_RANK[mode], length, category == NEUTRAL, strength)
                    if best is None or rank > best[0]:
                        best = (rank, HeaderMatch(category, term, strength, mode))
        if best is None:
            return None
        found = best[1]
        if found.category == "name_kana" and found.mode == "suffix":
            return self._reading_of(key[:-len(matching_key(found.term))], found)
        return found

    def _reading_of(self, read_word: str, found: HeaderMatch) -> HeaderMatch:
        """What a ``…カナ`` / ``…フリガナ`` header reads: a person's name (氏名カナ, 保護者カナ),
        or something else - 住所フリガナ is an address, 町域名カナ and 店舗名カナ read places
        and shops (neutral)."""
        if not read_word:
            return found
        read = self._match_key(read_word)
        if read is None and self.readings is not None and (kana := romaji_key(read_word)) is not None:
            read = self.readings._match_key(kana)
        read = read or role_match(read_word)
        if read is None:
            return HeaderMatch(NEUTRAL, found.term, found.strength, found.mode)
        if read.category in ("name", "name_kana"):
            return found
        return HeaderMatch(read.category, read.term, min(read.strength, found.strength), read.mode)


#: strength of a role-noun match: the values must also read as people's names in the
#: dictionary (columns.ROLE_SUPPORT), so a confirmed role makes a roster (personal.is_roster)
ROLE_STRENGTH = 0.75


def role_match(key: str) -> HeaderMatch | None:
    """A header shaped like a noun for people (see ``ROLE_NOUN``), or None."""
    if key.isascii():
        found = ROLE_WORDS.search(key)
        return HeaderMatch("name", found.group(1), ROLE_STRENGTH, "role") if found else None
    found = ROLE_NOUN.search(key)
    if found is None or len(key) < 2 and found.group(1) not in "氏":
        return None
    return HeaderMatch("name", found.group(0), ROLE_STRENGTH, "role")


def _suffixes(key: str, length: int):
    yield key[-length:]


def _prefixes(key: str, length: int):
    yield key[:length]


def _substrings(key: str, length: int):
    for start in range(len(key) - length + 1):
        yield key[start:start + length]


def load_vocabulary(path: Path = VOCABULARY_PATH) -> Vocabulary:
    """Read a vocabulary file (see the comments at the top of headers.toml)."""
    with open(path, "rb") as handle:
        return Vocabulary(tomllib.load(handle))


VOCABULARY = load_vocabulary()


def match_header(header: object) -> HeaderMatch | None:
    """Match a header against the built-in vocabulary."""
    return VOCABULARY.match(header)
