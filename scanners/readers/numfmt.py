"""Excel number formats: which ones show dates or times, and serial conversion."""
from __future__ import annotations

import datetime as dt
import re

DATE, TIME, DATETIME = "date", "time", "datetime"

#: built-in format ids and what they show (ECMA-376 18.8.30 plus the ids
#: Japanese Excel uses for 和暦 and other East Asian date forms)
BUILTIN_KINDS: dict[int, str] = {
    **{i: DATE for i in (14, 15, 16, 17)},
    **{i: TIME for i in (18, 19, 20, 21, 45, 46, 47)},
    22: DATETIME,
    **{i: DATE for i in range(27, 37)},
    **{i: DATE for i in range(50, 59)},
}
# in the Japanese locale 32 and 33 are h"時"mm"分"(ss"秒"); the rest are dates
BUILTIN_KINDS[32] = BUILTIN_KINDS[33] = TIME

_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]')
_NOISE = re.compile(r"general|am/pm|a/p|[0-9#?.,%]+[eE][+-]", re.IGNORECASE)
_ELAPSED = re.compile(r"\[(h+|m+|s+)\]", re.IGNORECASE)


def format_kind(code: str) -> str | None:
    """DATE, TIME, DATETIME or None for a custom format code."""
    section = _first_section(code)
    if _ELAPSED.search(section):
        return None  # a duration such as [h]:mm, not a point in time
    letters = set(_NOISE.sub("", _QUOTED.sub("", section)).lower())
    has_date = bool(letters & set("ydeg"))
    has_time = bool(letters & set("hs"))
    if "m" in letters and not has_time:
        has_date = True
    if has_date and has_time:
        return DATETIME
    if has_date:
        return DATE
    if has_time:
        return TIME
    return None


def _first_section(code: str) -> str:
    """The part of a format used for positive numbers (sections split on ';')."""
    in_quote = False
    for i, ch in enumerate(code):
        if ch == '"':
            in_quote = not in_quote
        elif ch == ";" and not in_quote:
            return code[:i]
    return code


def kind_for(num_fmt_id: int, custom: dict[int, str]) -> str | None:
    """What a cell with this number format shows; custom codes win over built-ins."""
    code = custom.get(num_fmt_id)
    if code is not None:
        return format_kind(code)
    return BUILTIN_KINDS.get(num_fmt_id)


_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)
_MAX_SERIAL = 2_958_465  # 9999-12-31


def from_serial(value: float, kind: str, date1904: bool = False):
    """An Excel serial number as date, datetime or time; the number itself when out of range."""
    if value < 0 or value > _MAX_SERIAL:
        return value
    if kind == TIME and value < 1:
        seconds = round(value * 86400)
        if seconds >= 86400:
            return value
        return dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    if date1904:
        if value > _MAX_SERIAL - 1462:       # the 1904 epoch is 1,462 days later
            return value
        moment = _EPOCH_1904 + dt.timedelta(days=value)
    elif value < 61:
        # Excel's day 60 is the 29 February 1900 that never was
        moment = _EPOCH_1900 + dt.timedelta(days=value + (1 if value < 60 else 0))
    else:
        moment = _EPOCH_1900 + dt.timedelta(days=value)
    moment = moment.replace(microsecond=0) + dt.timedelta(seconds=round(moment.microsecond / 1e6))
    if kind == DATE and moment.hour == moment.minute == moment.second == 0:
        return moment.date()
    return moment
