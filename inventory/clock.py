"""The city's calendar: the registry stores times in UTC, but a due date, a review date and
"once a day" are days in Japan.  At 07:00 in Tokyo a server clock set to UTC still says
yesterday, so every "today" the registry decides with comes from here."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

CITY_TIME = ZoneInfo("Asia/Tokyo")


def city_today(now: dt.datetime | None = None) -> dt.date:
    """Today in Japan (``now``, an aware time, defaults to the current instant)."""
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(CITY_TIME).date()


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of ``day`` in Japan, in UTC (how the registry stores times)."""
    return dt.datetime.combine(day, dt.time(), CITY_TIME).astimezone(dt.timezone.utc)
