"""Dates on pages: the registry's fast numeric ``datetimeformat`` writes what Babel writes."""
from __future__ import annotations

import datetime as dt

import pytest
from flask_babel import format_datetime

from inventory.web import create_app
from inventory.web.i18n import datetimeformat, translate

MOMENTS = [dt.datetime(2024, 3, 9, 15, 30, 5),                          # naive: UTC, as stored
           dt.datetime(2024, 12, 31, 16, 0, tzinfo=dt.timezone.utc),      # the next day in Tokyo
           dt.datetime(1999, 1, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
           dt.datetime(2019, 4, 30, 14, 59, 59, tzinfo=dt.timezone.utc)]   # 平成 ends in Tokyo


@pytest.fixture(scope="module")
def app():
    return create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "test", "TESTING": True})


@pytest.mark.parametrize("pattern", ["yyyy-MM-dd HH:mm", "yyyy-MM-dd", "yyyy/MM/dd HH:mm:ss",
                                     "GGGGy年M月d日", "yyyy年MM月dd日 (EEE)", "short", "medium"])
@pytest.mark.parametrize("language", ["ja", "en"])
def test_datetimeformat_writes_what_babel_writes(app, pattern, language):
    with app.test_request_context(f"/?lang={language}"):
        for moment in MOMENTS:
            assert datetimeformat(moment, pattern) == format_datetime(moment, pattern)


def test_dates_are_shown_in_the_city_time(app):
    with app.test_request_context("/"):
        assert datetimeformat(MOMENTS[1], "yyyy-MM-dd HH:mm") == "2025-01-01 01:00"


def test_translations_follow_the_requests_language(app):
    with app.test_request_context("/?lang=ja"):
        assert translate("Dashboard") == translate("Dashboard") == "ダッシュボード"
    with app.test_request_context("/?lang=en"):
        assert translate("Dashboard") == "Dashboard"
