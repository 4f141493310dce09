"""Dates of birth: date cells, western and Japanese-era text, Excel serial numbers."""
from __future__ import annotations

import datetime as dt
import re

from .base import Validator, integral

# --- dates ------------------------------------------------------------------

_WESTERN_DATE = re.compile(r"^(\d{4})[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?(\s+\d{1,2}:\d{2}(:\d{2})?)?$")
_ERA_DATE = re.compile(
    r"^(明治|大正|昭和|平成|令和|[MTSHRmtshr])\s?(\d{1,2}|元)(?:[年./\-](?:(\d{1,2})[月./\-]?(?:(\d{1,2})日?)?)?)?$")
_ERA_YEARS = {"明治": 45, "大正": 15, "昭和": 64, "平成": 31, "令和": 30,
              "m": 45, "t": 15, "s": 64, "h": 31, "r": 30}


def _valid_day(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


class DateCell(Validator):
    """A date or datetime cell."""

    category = "birth_date"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        return isinstance(value, dt.date) and 1880 <= value.year <= 2100


class WesternDateText(Validator):
    """1970/3/2, 1970-03-02, 1970年3月2日, 19700302."""

    category = "birth_date"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        number = integral(value)
        if number is not None:
            text = str(number)
        elif isinstance(value, str) and value[:1].isdigit():
            text = value
        else:
            return False
        if len(text) == 8 and text.isdigit():
            year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
        else:
            found = _WESTERN_DATE.match(text)
            if not found:
                return False
            year, month, day = (int(g) for g in found.group(1, 2, 3))
        return 1880 <= year <= 2100 and _valid_day(year, month, day)


class EraDateText(Validator):
    """Japanese era dates: 昭和45年3月2日, S45.3.2, H1.1.8, 平成元年, R2.4.1."""

    category = "birth_date"
    needs_header = True

    def match(self, value):
        if not isinstance(value, str) or not (value[:1] in "明大昭平令" or value[:1] in "MTSHRmtshr"):
            return False
        found = _ERA_DATE.match(value)
        if not found:
            return False
        era, year, month, day = found.groups()
        year_number = 1 if year == "元" else int(year)
        if not 1 <= year_number <= _ERA_YEARS[era.lower() if len(era) == 1 else era]:
            return False
        if month is not None and not 1 <= int(month) <= 12:
            return False
        return day is None or 1 <= int(day) <= 31


class ExcelSerialDate(Validator):
    """A date stored as an Excel serial number (1901 to 2050)."""

    category = "birth_date"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return 367 <= value <= 54789
