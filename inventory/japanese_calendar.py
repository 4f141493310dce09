"""和暦: the Japanese era years a city writes beside (or instead of) Western years.

A 年度 (fiscal year, April to March) is named by the era of its calendar year as cities
name it: 2019年度 is 令和元年度 (the era began on 1 May 2019), 2026年度 is 令和8年度.
"""
from __future__ import annotations

#: era -> the Western year before its first year (year = start + era year); letters as typed
ERA_STARTS = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988, "昭和": 1925, "S": 1925}
#: eras from the newest, with their first Western year
_ERAS = (("令和", 2019), ("平成", 1989), ("昭和", 1926))


def era_year(year: int) -> str:
    """The era name and year of a Western year: 2026 -> "令和8", 2019 -> "令和元"; "" before 昭和."""
    for name, first in _ERAS:
        if year >= first:
            number = year - first + 1
            return f"{name}{'元' if number == 1 else number}"
    return ""


def fiscal_year_name(year: int) -> str:
    """A 年度 in Japanese with its era year beside it: 2026 -> "2026年度（令和8年度）"."""
    era = era_year(year)
    return f"{year}年度（{era}年度）" if era else f"{year}年度"
