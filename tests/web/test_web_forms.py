"""Every form: WTForms' stock messages in words a clerk understands, full-width digits and
hyphens and Japanese dates accepted the same way (inventory/web/form_base.py)."""
from __future__ import annotations

import datetime as dt
import importlib
import pkgutil

import flask_wtf
import pytest

import inventory.web
from inventory.japanese_calendar import era_year, fiscal_year_name
from inventory.web.form_base import FlaskForm, date_text, number_text


def _all_form_classes():
    for module in pkgutil.walk_packages(inventory.web.__path__, "inventory.web."):
        importlib.import_module(module.name)
    seen, todo = set(), [flask_wtf.FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return {c for c in seen if c.__module__.startswith("inventory.web.")}


def test_every_form_of_the_app_derives_from_the_base():
    forms = _all_form_classes()
    assert len(forms) > 15
    stray = sorted(c.__qualname__ for c in forms if not issubclass(c, FlaskForm))
    assert stray == []


@pytest.mark.parametrize("typed, read", [
    ("２０２６－０４－０１", "2026-04-01"), ("2026/4/1", "2026-04-01"), ("２０２６年４月１日", "2026-04-01"),
    ("令和8年4月1日", "2026-04-01"), ("R8.4.1", "2026-04-01"), ("令和元年5月1日", "2019-05-01"),
    ("2026ー04ー01", "2026-04-01"), (" 2026-04-01 ", "2026-04-01"), ("いつか", "いつか"),
])
def test_dates_as_typed(typed, read):
    assert date_text(typed) == read


@pytest.mark.parametrize("typed, read", [("２０２６", "2026"), ("１，２３４", "1234"), ("－５", "-5"),
                                         ("1,000人", "1000"), ("abc", "abc"), ("", "")])
def test_numbers_as_typed(typed, read):
    assert number_text(typed) == read


def test_era_years():
    assert era_year(2026) == "令和8" and era_year(2019) == "令和元" and era_year(1989) == "平成元"
    assert fiscal_year_name(2026) == "2026年度（令和8年度）"


def test_a_form_reads_full_width_input_and_says_what_to_type(app):
    from inventory.web.privacy.forms import CampaignForm

    data = {"fiscal_year": "２０２６", "title": "", "opens_on": "２０２６－０４－０１", "due_on": "令和8年5月1日",
            "reference_date": "", "publish_threshold": "１，０００"}
    with app.test_request_context(method="POST", data=data, headers={"Accept-Language": "ja"}):
        form = CampaignForm(meta={"csrf": False})
        assert form.validate(), form.errors
        assert (form.fiscal_year.data, form.opens_on.data, form.due_on.data, form.publish_threshold.data) == (
            2026, dt.date(2026, 4, 1), dt.date(2026, 5, 1), 1000)
    bad = dict(data, opens_on="四月一日", publish_threshold="たくさん")
    with app.test_request_context(method="POST", data=bad, headers={"Accept-Language": "ja"}):
        form = CampaignForm(meta={"csrf": False})
        assert not form.validate()
        assert "令和8年4月1日 のように入力" in form.opens_on.errors[0]
        assert form.publish_threshold.errors[0].startswith("数字で入力してください")
        assert "無効" not in str(form.errors)
    with app.test_request_context(method="POST", data=bad, headers={"Accept-Language": "en"}):
        form = CampaignForm(meta={"csrf": False})
        assert not form.validate()
        assert form.opens_on.errors[0] == "Not a valid date value."


def test_a_campaign_is_named_with_its_era_and_the_year_once(app):
    from types import SimpleNamespace

    from inventory.web.i18n import campaign_name

    for title in ("2026年度 個人情報ファイル簿 照会", "令和8年度 個人情報ファイル簿 照会", "個人情報ファイル簿 照会"):
        with app.test_request_context(headers={"Accept-Language": "ja"}):
            assert campaign_name(SimpleNamespace(fiscal_year=2026, title=title)) == \
                "2026年度（令和8年度） 個人情報ファイル簿 照会"
    with app.test_request_context("/?lang=en"):
        assert campaign_name(SimpleNamespace(fiscal_year=2026, title="")) == "FY 2026"
