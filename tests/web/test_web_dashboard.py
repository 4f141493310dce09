"""The dashboard: counts per role scope, a fixed number of queries, charts, no scanned values shown."""
from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import event, select, update
from web_fixtures import RECORD_STRINGS, login

from inventory.models import Finding, User
from inventory.web.auth.views import SignedInUser
from inventory.web.dashboard.charts import bar_chart, text_width
from inventory.web.dashboard.views import count_assets
from inventory.web.permissions import department_scope

CITY = {"assets": 7, "personal": 3, "sensitive": 1, "my_number": 1, "apps": 1, "with_risks": 3}
DEPT_A = {"assets": 3, "personal": 2, "sensitive": 1, "my_number": 1, "apps": 1, "with_risks": 2}
DEPT_B = {"assets": 2, "personal": 1, "sensitive": 0, "my_number": 0, "apps": 0, "with_risks": 1}

# (username, totals, statuses, categories, risks)
EXPECTED = [
    ("clerk_a", DEPT_A, {"ok": 2, "error": 1}, {"name": 2, "address": 1, "health": 1, "my_number": 1},
     {"hidden-personal-data": 1, "autoexec-macro": 1}),
    ("head_a", dict(DEPT_A, assets=4), {"ok": 3, "error": 1},
     {"name": 2, "address": 1, "health": 1, "my_number": 1},
     {"hidden-personal-data": 1, "autoexec-macro": 1}),
    ("clerk_b", DEPT_B, {"ok": 1, "encrypted": 1}, {"name": 1, "birth_date": 1}, {"encrypted": 1}),
    ("head_b", DEPT_B, {"ok": 1, "encrypted": 1}, {"name": 1, "birth_date": 1}, {"encrypted": 1}),
    ("it", CITY, {"ok": 5, "error": 1, "encrypted": 1},
     {"name": 3, "address": 1, "health": 1, "my_number": 1, "birth_date": 1},
     {"hidden-personal-data": 1, "autoexec-macro": 1, "encrypted": 1}),
    ("admin", CITY, {"ok": 5, "error": 1, "encrypted": 1},
     {"name": 3, "address": 1, "health": 1, "my_number": 1, "birth_date": 1},
     {"hidden-personal-data": 1, "autoexec-macro": 1, "encrypted": 1}),
]


def user(db, username: str) -> SignedInUser:
    return SignedInUser.of(db.execute(select(User).where(User.username == username)).scalar_one())


@pytest.mark.parametrize("username, totals, statuses, categories, risks", EXPECTED)
def test_counts_respect_the_users_scope(db, username, totals, statuses, categories, risks):
    counts = count_assets(db, department_scope(db, user(db, username)))
    assert dict(counts.totals) == totals
    assert dict(counts.statuses) == statuses
    assert dict(counts.categories) == categories
    assert dict(counts.risks) == risks


def test_app_counts(db):
    counts = count_assets(db, None)
    assert dict(counts.lifecycles) == {"discovered": 1}
    assert dict(counts.guidelines) == {None: 1}
    assert dict(counts.complexities) == {"High": 1}


def test_dismissed_risks_are_not_counted(db):
    db.execute(update(Finding).where(Finding.code == "autoexec-macro").values(dismissed=True))
    db.commit()
    assert dict(count_assets(db, None).risks) == {"hidden-personal-data": 1, "encrypted": 1}


@pytest.mark.parametrize("username, shown, hidden", [
    ("clerk_a", ["介護保険課"], ["職員課", "所属未設定"]),
    ("head_a", ["健康福祉部 介護保険課", "健康福祉部"], ["職員課"]),
    ("clerk_b", ["総務部 職員課"], ["介護保険課"]),
    ("admin", ["健康福祉部 介護保険課", "総務部 職員課", "所属未設定"], []),
])
def test_dashboard_page_shows_only_the_scope(client, username, shown, hidden):
    login(client, username)
    html = client.get("/").get_data(as_text=True)
    for name in shown:
        assert name in html
    for name in hidden:
        assert name not in html


def totals_on_page(html: str) -> dict[str, str]:
    return dict(re.findall(r"<dt>([^<]+)</dt><dd>(?:<a [^>]*>)?([^<]+)(?:</a>)?</dd>", html))


@pytest.mark.parametrize("username, files, personal", [("clerk_a", "3", "2"), ("admin", "7", "3")])
def test_dashboard_totals_on_the_page(client, username, files, personal):
    login(client, username)
    totals = totals_on_page(client.get("/").get_data(as_text=True))
    assert totals["ファイル"] == files
    assert totals["個人情報あり"] == personal


def test_dashboard_charts_are_accessible_svg(client):
    login(client, "admin")
    html = client.get("/").get_data(as_text=True)
    charts = re.findall(r"<svg [^>]*>", html)
    assert len(charts) == 7
    assert all('role="img"' in c and "aria-labelledby" in c for c in charts)
    assert '<title id="chart-categories-title">個人情報の項目別の資産数</title>' in html
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")


def test_dashboard_in_english(client):
    login(client, "admin")
    html = client.get("/?lang=en").get_data(as_text=True)
    assert "Assets by personal-data category" in html and "Health or disability" in html


@pytest.mark.parametrize("username", ["clerk_a", "head_b", "privacy", "admin"])
def test_no_page_or_log_shows_anything_read_from_a_file(client, caplog, username):
    caplog.set_level(logging.DEBUG)
    login(client, username)
    pages = [client.get(url).get_data(as_text=True) for url in ("/", "/?lang=en", "/auth/login")]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for text in RECORD_STRINGS:
        assert all(text not in page for page in pages), "a page shows a record's path or header"
        assert text not in logged, "a log line holds a record's path or header"


@pytest.mark.parametrize("username, group_bys", [("head_a", 4), ("admin", 6)])
def test_dashboard_takes_a_fixed_number_of_queries(app, client, username, group_bys):
    statements = []
    engine = app.extensions["registry"].engine
    listener = lambda *args: statements.append(args[2])
    login(client, username)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get("/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    # the user, the department tree (scope), the GROUP BY counts, the department names, what
    # needs the user now (one statement of counts; a department role's declarations, one more)
    # and the returned declarations of a clerk's or head's department (the notice)
    assert sum("GROUP BY" in s for s in statements) == group_bys
    assert len(statements) <= group_bys + 7


@pytest.mark.parametrize("rows, widths", [
    ([("a", 10), ("b", 5), ("c", 0)], [None, 0.5, 0.0]),
    ([("x", 1)], [None]),
])
def test_bar_widths_are_proportional(rows, widths):
    svg = str(bar_chart("t", "title", rows))
    drawn = [float(w) for w in re.findall(r'<rect [^>]*width="([0-9.]+)"', svg)]
    assert len(drawn) == len(rows)
    for width, ratio in zip(drawn, widths):
        if ratio is not None:
            assert width == pytest.approx(drawn[0] * ratio)


def test_chart_escapes_labels_and_titles():
    svg = str(bar_chart("c", "<b>title</b>", [("<script>x</script>", 3)]))
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg and "&lt;b&gt;title" in svg
    assert ">3</text>" in svg


@pytest.mark.parametrize("text, width_in_chars", [("abc", 3), ("介護", 4), ("ＡＢ", 4), ("", 0)])
def test_text_width_counts_wide_characters_double(text, width_in_chars):
    assert text_width(text) == pytest.approx(width_in_chars * text_width("a"))


def test_cached_counts_follow_a_scan(app, client):
    from web_fixtures import ROOT, record

    from inventory.registry.ingest import begin_run, finish_run, ingest_records
    from inventory.models import Share

    login(client, "admin")
    assert totals_on_page(client.get("/").get_data(as_text=True))["ファイル"] == "7"
    with app.extensions["registry"].sessions() as session:
        run = begin_run(session, [ROOT], share=session.execute(select(Share)).scalar_one())
        ingest_records(session, [record("総務部/職員課/追加.xlsx", categories=["name"])], run)
        session.commit()                     # a batch written, the run not finished yet
        assert totals_on_page(client.get("/").get_data(as_text=True))["ファイル"] == "8"
        finish_run(session, run, complete=False)
        session.commit()


def test_count_cache_keeps_a_value_while_the_stamp_holds():
    from inventory.web.dashboard.views import CountCache

    made = []
    cache = CountCache()
    compute = lambda: made.append(1) or len(made)
    assert [cache.get("k", (1,), compute), cache.get("k", (1,), compute)] == [1, 1]
    assert cache.get("k", (2,), compute) == 2                    # the registry changed
    assert cache.get("other", (2,), compute) == 3                # another scope
    assert CountCache(max_age=0).get("k", (1,), compute) == 4


# ----- what needs the person now (issue 18) -----

def needs_on_page(html: str) -> dict[str, tuple[str, str | None]]:
    """Need title -> (count, link) of the dashboard's "waiting for you" list."""
    found = {}
    for item in re.findall(r'<li class="need (.*?)</li>', html, re.S):
        link = re.search(r'<a href="([^"]+)">', item)
        count = re.search(r'<span class="need-count">([^<]+)</span>', item).group(1)
        title = re.search(r'<span class="need-title">([^<]+)</span>', item).group(1)
        found[title] = (count, link.group(1).replace("&amp;", "&") if link else None)
    return found


@pytest.mark.parametrize("username, expected", [
    ("it", {"新たな要対応": "1", "所有者未設定の業務アプリ": "1", "未確認の検出": "10"}),
    ("admin", {"新たな要対応": "1", "所有者未設定の業務アプリ": "1", "未確認の検出": "10"}),
    ("clerk_a", {"差戻し": "0", "期限超過": "0", "未確認の検出": "7"}),
    ("head_a", {"承認待ち": "0", "差戻し": "0", "未確認の検出": "7"}),
    ("clerk_b", {"差戻し": "0", "期限超過": "0", "未確認の検出": "3"}),
    ("privacy", {"期限超過": "0", "受理待ち": "0"}),
])
def test_each_role_sees_what_needs_it_now(client, username, expected):
    login(client, username)
    html = client.get("/").get_data(as_text=True)
    needs = needs_on_page(html)
    assert {title: count for title, (count, _link) in needs.items()} == expected
    assert html.index('class="needs"') < html.index('class="totals"') < html.index("<svg")


def test_each_count_links_to_the_list_that_shows_it(client):
    login(client, "it")
    needs = needs_on_page(client.get("/").get_data(as_text=True))
    assert needs["新たな要対応"][1] == "/triage/?kind=apps&lifecycle=discovered"
    assert needs["所有者未設定の業務アプリ"][1] == "/triage/?kind=apps&owner=none"
    assert needs["未確認の検出"][1] == "/departments/?pending=1"
    for _count, link in needs.values():
        page = client.get(link).get_data(as_text=True)
        assert "台帳.xlsm" in page


def test_declarations_waiting_are_counted_and_linked(app, client):
    import datetime as dt

    from inventory.declarations import workflow
    from inventory.models import Declaration, DeclarationStatus, Department

    with app.extensions["registry"].sessions() as session:
        office = session.execute(select(User).where(User.username == "privacy")).scalar_one()
        campaign = workflow.open_campaign(session, office, 2025, dt.date(2025, 5, 1), dt.date(2025, 6, 30))
        care = session.execute(select(Declaration).join(Department, Department.id == Declaration.department_id)
                               .where(Department.code == "301")).scalar_one()
        staff = session.execute(select(Declaration).join(Department, Department.id == Declaration.department_id)
                                .where(Department.code == "101")).scalar_one()
        care.status, staff.status = DeclarationStatus.returned, DeclarationStatus.submitted
        care_id, campaign_id = care.id, campaign.id
        session.commit()
    login(client, "clerk_a")
    needs = needs_on_page(client.get("/").get_data(as_text=True))
    assert needs["差戻し"] == ("1", f"/declarations/{care_id}")             # the one declaration, directly
    assert needs["期限超過"][0] == "1"                                         # the due date (2025-06-30) has passed
    login(client, "head_b")
    assert needs_on_page(client.get("/").get_data(as_text=True))["承認待ち"][0] == "1"
    login(client, "privacy")
    needs = needs_on_page(client.get("/").get_data(as_text=True))
    assert needs["期限超過"] == ("4", f"/privacy/campaigns/{campaign_id}")


def test_charts_link_to_the_filtered_list_and_draw_at_a_readable_size(client):
    login(client, "admin")
    html = client.get("/").get_data(as_text=True)
    assert 'font-size="14"' in html
    assert '<a href="/assets/?category=health">' in html
    assert '<a href="/assets/?lifecycle=discovered&amp;app=yes">' in html
    # the department chart has the table of every department beside it
    panel = html[html.index('id="departments-heading"'):html.index('id="categories-heading"')]
    assert 'class="chart-and-table"' in panel and '<table class="counts">' in panel
    assert '<a href="/assets/?department=none">所属未設定</a>' in panel
