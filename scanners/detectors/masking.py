"""Fully masked examples: the shape of a value, never a character of it.

Every letter, kana, kanji and digit becomes ``*``.  What stays is structure:
separators and brackets, spaces, 〒, an era name or era letter that starts a
date (昭和, 平成, S, H ...), and the unit characters 年 月 日 歳 才 級 when they
follow a digit.  ``"山田 太郎" -> "** **"``, ``"090-1234-5678" ->
"***-****-****"``, ``"昭和45年3月2日" -> "昭和**年*月*日"``.
"""
from __future__ import annotations

import datetime as dt
import re

MASK = "*"
#: longest example kept; longer values are cut and end with "…"
MAX_EXAMPLE_LENGTH = 32

_ERA_AT_START = re.compile(r"(明治|大正|昭和|平成|令和|[MTSHRmtshr])(?=\s*(\d|元))")
_UNITS = frozenset("年月日歳才級")


def mask_value(value: object) -> str:
    """A fully masked rendering of a cell value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return MASK
    if isinstance(value, dt.datetime):
        return "****-**-** **:**"
    if isinstance(value, dt.date):
        return "****-**-**"
    if isinstance(value, dt.time):
        return "**:**"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return mask_text(str(value))


def mask_text(text: str) -> str:
    """Mask a text value (see the module docstring for what is kept)."""
    text = text.strip()
    out: list[str] = []
    start = 0
    era = _ERA_AT_START.match(text)
    if era:
        out.append(era.group(1))
        start = era.end()
    previous_is_digit = False
    for ch in text[start:]:
        if ch.isdigit() or (ch == "元" and era and len(out) == 1):
            out.append(MASK)
            previous_is_digit = True
            continue
        if ch in _UNITS and previous_is_digit:
            out.append(ch)
        elif ch.isalnum():
            out.append(MASK)
        else:
            out.append(ch)
        previous_is_digit = False
    masked = "".join(out)
    if len(masked) > MAX_EXAMPLE_LENGTH:
        masked = masked[:MAX_EXAMPLE_LENGTH - 1] + "…"
    return masked
