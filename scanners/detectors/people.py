"""Columns that read as people only beside other columns about people.

A column of family names alone could be a list of places (many towns are
family names too); a kana column could read a facility's name; a date column
could hold anything.  When a table has no name column the header or values
recognised, a column whose values the name dictionary reads as family or
given names (nearly all of them) is taken for one.  Once a table has a name
column, an unclaimed kana column beside it is its reading, and an unclaimed
date column whose dates span a lifetime is a birth date.  These are the
layouts of system exports without a header row (氏名, カナ, 生年月日, codes).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from .columns import ColumnVerdict
from .headers import HeaderMatch, fold_long_vowels
from .masking import mask_value
from .names import reading
from .values import (DateCell, EraDateText, KanaText, LexiconPersonName, Value, WesternDateText,
                     looks_like_organisation, phone_digits_ok, prepare)

#: share of values the dictionary must read as family/given names, with no other evidence
NAME_PARTS_RATIO = 0.85
#: first values looked at before the rest
PROBE = 10
#: fewest values for that, and the share of them that must differ (有/無 are given names too)
NAME_PARTS_MIN_VALUES = 5
DISTINCT_SHARE = 0.3
#: share of values that must be kana for a reading column, or dates for a birth-date column
CONTEXT_RATIO = 0.8
#: years the dates of a birth-date column span at least (registration dates cluster)
BIRTH_YEARS_SPAN = 15
CONTEXT_CONFIDENCE = 0.65
#: a column this long of different family names, nearly all read as such, lists people
NAME_LIST_MIN_VALUES = 10
NAME_LIST_RATIO = 0.85
NAME_LIST_CONFIDENCE = 0.8
#: rows compared between a name column and a kana column
MAX_PAIRS = 50
#: first kana of a reading that must agree, and the share of rows that must
READING_PREFIX = 2
READING_AGREEMENT = 0.5

_NAME = LexiconPersonName()
_KANA = KanaText()
_DATES = (DateCell(), WesternDateText(), EraDateText())


def context_verdicts(matches: Sequence[HeaderMatch | None], samples: list[list[Value]],
                     claimed: dict[int, str], rows: list[list]) -> dict[int, ColumnVerdict]:
    """Verdicts for unclaimed columns, given the categories already found (index -> category)
    and the table's data rows (cells as read, for comparing a kana column with the names)."""
    open_columns = [i for i, values in enumerate(samples)
                    if values and i not in claimed and (matches[i] is None or not matches[i].neutral)]
    found: dict[int, ColumnVerdict] = {}
    if "name" not in claimed.values():
        for index in open_columns:
            verdict = name_parts_column(samples[index])
            if verdict is not None:
                found[index] = verdict
        if not found:
            return found
    names = [i for i, category in (claimed | {i: v.category for i, v in found.items()}).items()
             if category == "name"]
    for index in open_columns:
        if index in found:
            continue
        verdict = kana_column(samples[index], [_pairs(rows, name, index) for name in names]) \
            or birth_date_column(samples[index])
        if verdict is not None:
            found[index] = verdict
    return found


def _pairs(rows: list[list], name: int, kana: int) -> list[tuple[str, str]]:
    """(name, kana) text cells of the rows that have both."""
    out = []
    for row in rows[:MAX_PAIRS]:
        if max(name, kana) < len(row):
            first, second = prepare(row[name]), prepare(row[kana])
            if isinstance(first, str) and isinstance(second, str):
                out.append((first, second))
    return out


def split_phone_verdicts(matches: Sequence[HeaderMatch | None], rows: list[list],
                         claimed: dict[int, str]) -> dict[int, ColumnVerdict]:
    """A phone number written in two or three columns (TEL1 | TEL2 | TEL3: 市外局番, 市内局番,
    加入者番号), each part short digits: the joined parts are checked as one number."""
    phone_headers = [i for i, m in enumerate(matches)
                     if m is not None and m.category == "phone" and i not in claimed]
    found = {}
    for run in _runs(phone_headers):
        joined = [_joined_digits(row, run) for row in rows]
        numbers = [d for d in joined if d is not None]
        hits = [d for d in numbers if 10 <= len(d) <= 11 and phone_digits_ok(d)]
        if len(hits) >= 2 and len(hits) >= CONTEXT_RATIO * len(numbers):
            found[run[0]] = _verdict("phone", hits, len(hits), "-".join(["000", "0000", "0000"]))
            found[run[0]].evidence.update(rule="split-phone", columns=len(run))
    return found


def _runs(indexes: list[int]) -> list[list[int]]:
    """Runs of two or three adjacent column indexes."""
    runs, current = [], []
    for index in indexes:
        if current and index == current[-1] + 1 and len(current) < 3:
            current.append(index)
        else:
            if len(current) >= 2:
                runs.append(current)
            current = [index]
    if len(current) >= 2:
        runs.append(current)
    return runs


def _joined_digits(row: list, run: list[int]) -> str | None:
    parts = []
    for index in run:
        cell = row[index] if index < len(row) else None
        text = str(int(cell)) if isinstance(cell, (int, float)) and not isinstance(cell, bool) else cell
        if not isinstance(text, str) or not text.strip().isdigit() or len(text.strip()) > 5:
            return None
        parts.append(text.strip())
    joined = "".join(parts)
    return joined if joined.startswith("0") else "0" + joined


_POSTCODE_FIRST = re.compile(r"^(?:〒\s*)?\d{3}-?\d{4}(?:\s|$)")


def embedded_postcodes(samples: list[list[Value]], claimed: dict[int, str]) -> dict[int, ColumnVerdict]:
    """Address columns whose values begin with the postcode (9230076 石川県…, 〒100-0001 東京都…):
    the column holds postal codes too.  Keyed by the column index, for a second finding."""
    found = {}
    for index, category in claimed.items():
        values = [v for v in samples[index] if isinstance(v, str)]
        if category == "address" and values:
            hits = [v for v in values if _POSTCODE_FIRST.match(v)]
            if len(hits) >= CONTEXT_RATIO * len(values):
                found[index] = _verdict("postal_code", samples[index], len(hits), hits[0])
                found[index].evidence["rule"] = "postcode-in-address"
    return found


def name_parts_column(values: list[Value]) -> ColumnVerdict | None:
    """Family names (or given names) alone, nearly every value: a name column of a list of people."""
    texts = [v for v in values if isinstance(v, str)]
    if len(texts) < NAME_PARTS_MIN_VALUES or len(texts) < CONTEXT_RATIO * len(values) \
            or len(set(texts)) < max(NAME_PARTS_MIN_VALUES, DISTINCT_SHARE * len(texts)):
        return None
    misses_allowed = int(len(values) * (1 - NAME_PARTS_RATIO))
    if len(values) >= PROBE and sum(1 for v in values[:PROBE] if not _is_name_part(v)) > PROBE * (1 - NAME_PARTS_RATIO) + 1:
        return None             # the first values already show no column of names
    hits, misses, example = 0, 0, None
    for value in values:
        if _is_name_part(value):
            hits += 1
            example = example or value
        else:
            misses += 1
            if misses > misses_allowed:
                return None
    verdict = _verdict("name", values, hits, example)
    if len(values) >= NAME_LIST_MIN_VALUES and hits >= NAME_LIST_RATIO * len(values) \
            and len(set(texts)) >= NAME_LIST_RATIO * len(texts):
        verdict.confidence = NAME_LIST_CONFIDENCE    # a list of different people's family names
    return verdict


def _is_name_part(value: Value) -> bool:
    return isinstance(value, str) and _NAME.match(value) and not looks_like_organisation(value)


def kana_column(values: list[Value], pairs_by_name: list[list[tuple[str, str]]]) -> ColumnVerdict | None:
    """Kana that read the names of a name column in the same rows (not goods: バナナ, リンゴ)."""
    hits = [v for v in values if _KANA.match(v)]
    if len(hits) < CONTEXT_RATIO * len(values) or len(hits) < 2:
        return None
    if not any(reads_names(pairs) for pairs in pairs_by_name):
        return None
    return _verdict("name_kana", values, len(hits), hits[0])


def reads_names(pairs: list[tuple[str, str]]) -> bool:
    """Whether most kana cells begin as the dictionary reads the name beside them."""
    import jaconv

    checked = agreed = 0
    for name, kana in pairs:
        said = reading(name)
        if said is None:
            continue
        checked += 1
        written = fold_long_vowels(jaconv.hira2kata(kana.replace(" ", "")))
        agreed += fold_long_vowels(said)[:READING_PREFIX] == written[:READING_PREFIX]
    return checked > 0 and agreed >= READING_AGREEMENT * checked


def birth_date_column(values: list[Value]) -> ColumnVerdict | None:
    """Dates spanning a lifetime beside a name column (registration dates cluster in a few years)."""
    if len(values) >= PROBE and sum(_year(v) is None for v in values[:PROBE]) > PROBE * (1 - CONTEXT_RATIO) + 1:
        return None
    years = [y for y in map(_year, values) if y is not None]
    if len(years) < CONTEXT_RATIO * len(values) or len(years) < 2:
        return None
    this_year = dt.date.today().year
    if max(years) - min(years) < BIRTH_YEARS_SPAN or max(years) > this_year or min(years) < 1900 \
            or sorted(years)[len(years) // 2] > this_year - BIRTH_YEARS_SPAN:
        return None     # most people on a list were born a while ago; work dates are recent
    return _verdict("birth_date", values, len(years), next(v for v in values if _year(v) is not None))


def _year(value: Value) -> int | None:
    if isinstance(value, dt.date):
        return value.year
    if not any(rule.match(value) for rule in _DATES):
        return None
    if isinstance(value, str) and value[:1].isdigit():
        return int(value[:4])
    if isinstance(value, int):
        return int(str(value)[:4])
    return _era_year(value)


_ERA_START = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018,
              "m": 1867, "t": 1911, "s": 1925, "h": 1988, "r": 2018}


_ERA_YEAR = re.compile(r"^(明治|大正|昭和|平成|令和|[MTSHRmtshr])\s?(\d{1,2}|元)")


def _era_year(value: Value) -> int | None:
    """The Western year of an era date (昭和45年… -> 1970, H8.12.24 -> 1996, 平成元年 -> 1989)."""
    found = _ERA_YEAR.match(str(value))
    if found is None:
        return None
    era, year = found.groups()
    return _ERA_START[era if len(era) == 2 else era.lower()] + (1 if year == "元" else int(year))


def _verdict(category: str, values: list[Value], hits: int, example: Value | None) -> ColumnVerdict:
    ratio = hits / len(values)
    return ColumnVerdict(category, CONTEXT_CONFIDENCE, {
        "values_sampled": len(values),
        "hit_ratio": round(ratio, 2),
        "example": mask_value(example if example is not None else values[0]),
        "rule": "beside-names" if category != "name" else "family-or-given-names",
    })
