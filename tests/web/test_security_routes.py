"""Keep it closed: every route of the real app, enumerated from ``app.url_map``, is checked for
sign-in, CSRF on every change, the security headers and the department scope (issue 16).

The rules are generic, so a new page is covered the day it is added: it needs a
signed-in user, refuses a change without a CSRF token, sends the headers, and
answers 403/404 to a clerk of 介護保険課 (301) asking for 職員課's (101) objects.
What a rule cannot know is declared here, with the reason:

- :data:`PUBLIC`: endpoints an anonymous user may reach;
- :data:`TOKEN_API`: endpoints authenticated by a bearer token (401, not a
  redirect; no CSRF, no cookie makes a change);
- :func:`url_arguments`: how to fill each URL argument with another
  department's object (a route with a new argument name fails until one is added).

Runs on SQLite and PostgreSQL (the ``app`` fixture of tests/web_fixtures.py).
"""
from __future__ import annotations

import datetime as dt
import re
import secrets

import pytest
from sqlalchemy import select
from declaration_helpers import adopt_suggestions
from web_fixtures import RECORDS, login, user_id

from inventory.declarations import workflow as decl
from inventory.models import (
    DeclarationProposal,
    ApiToken,
    Asset,
    Declaration,
    Department,
    Finding,
    Person,
    Share,
    ShareMapping,
    User,
)
from inventory.web.admin.shares import token_digest
from inventory.web.security_headers import HEADERS

#: endpoint -> why an anonymous user may reach it
PUBLIC = {
    "auth.login": "the sign-in form",
    "auth.logout": "signing out twice does no harm (it only ends a session)",
    "static": "the style sheet, the same for everyone",
}
#: endpoints authenticated by ``Authorization: Bearer`` (or a session for GET): 401 without
TOKEN_API = {"api.list_assets", "api.get_asset", "api.post_scan_records"}
CHANGES = {"POST", "PUT", "PATCH", "DELETE"}
#: file names of 職員課 (101): no page may show them to a clerk of 介護保険課 (301)
B_NAMES = sorted({r["path"].rsplit("/", 1)[1] for r in RECORDS if r["path"].startswith("総務部/職員課/")})
ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


@pytest.fixture
def objects(app) -> dict:
    """URL argument -> an object of 職員課 (101), or one only the admins or the office may see."""
    with app.extensions["registry"].sessions() as session:
        office = session.execute(select(User).where(User.username == "privacy")).scalar_one()
        campaign = decl.open_campaign(session, office, 2026, dt.date(2026, 5, 1),
                                      dt.date(2026, 6, 30), publish_threshold=30)
        b_dept = session.execute(select(Department).where(Department.code == "101")).scalar_one()
        declaration = session.execute(select(Declaration).where(
            Declaration.campaign_id == campaign.id, Declaration.department_id == b_dept.id)).scalar_one()
        session.commit()
        adopt_suggestions(session, campaign)
        # a suggestion of 職員課 (101) still pending, for the routes that take one
        session.add(DeclarationProposal(declaration_id=declaration.id, file_name="職員名簿（別）"))
        session.flush()
        proposal_id = session.execute(select(DeclarationProposal.id).where(
            DeclarationProposal.declaration_id == declaration.id,
            DeclarationProposal.status == "pending")).scalars().first()
        asset = session.execute(select(Asset).where(Asset.path == "総務部/職員課/職員名簿.xlsx")).scalar_one()
        share = session.execute(select(Share)).scalars().first()
        token = ApiToken(name="scanner", token_sha256=token_digest(secrets.token_urlsafe(16)),
                         share_id=share.id)
        session.add(token)
        person = Person(staff_number="9001", name="職員 一人", department_id=b_dept.id)
        session.add(person)
        session.commit()
        return {
            "asset_id": asset.id,
            "finding_id": session.execute(select(Finding.id).where(Finding.asset_id == asset.id)).scalars().first(),
            "declaration_id": declaration.id,
            "item_id": decl.items_of(session, declaration.id)[0].id,
            "campaign_id": campaign.id,
            "proposal_id": proposal_id,
            "share_id": share.id,
            "mapping_id": session.execute(select(ShareMapping.id).where(
                ShareMapping.department_id == b_dept.id)).scalars().first(),
            "dept_id": b_dept.id,
            "user_id": user_id(app, "clerk_b"),
            "person_id": person.id,
            "token_id": token.id,
            "action": next(iter(decl.TRANSITIONS)),
            "fmt": "xlsx",
            "filename": "style.css",
        }


def routes(app, objects: dict):
    """(endpoint, methods, url) of every rule, its arguments filled from ``objects``."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        missing = sorted(rule.arguments - set(objects))
        assert not missing, (f"{rule.endpoint} ({rule.rule}) takes {missing}: add to the `objects` "
                             "fixture of tests/web/test_security_routes.py another department's object "
                             "(or an admin-only one) for each, so its scope is checked")
        url = ARGUMENT.sub(lambda m: str(objects[m.group(1)]), rule.rule)
        found.append((rule.endpoint, sorted(rule.methods - {"HEAD", "OPTIONS"}), url, rule))
    return found


def send(client, method: str, url: str, **kwargs):
    response = client.open(url, method=method, **kwargs)
    assert_headers(response, url)
    return response


def assert_headers(response, url: str) -> None:
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, f"{url}: {name} missing or different"
    if not url.startswith("/static/"):
        assert response.headers.get("Cache-Control") == "no-store", f"{url}: Cache-Control"
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp


def test_every_route_needs_a_signed_in_user_or_a_token(app, client, objects):
    """(a) Anonymous: a page redirects to the sign-in form, the API answers 401 (CSRF is off
    here so that the sign-in check is what answers, also for changes)."""
    check_sign_in(app, client, objects)


def check_sign_in(app, client, objects) -> None:
    app.config["WTF_CSRF_ENABLED"] = False
    stale = set(PUBLIC) | TOKEN_API
    for endpoint, methods, url, _rule in routes(app, objects):
        stale.discard(endpoint)
        if endpoint in PUBLIC:
            continue
        for method in methods:
            response = send(client, method, url)
            if endpoint in TOKEN_API:
                assert response.status_code == 401, f"{method} {url}: {response.status_code}"
            else:
                assert response.status_code == 302 and \
                    response.headers["Location"].startswith("/auth/login"), \
                    (f"{method} {url} answered {response.status_code} to an anonymous user: sign-in "
                     "is required unless the endpoint is added to PUBLIC or TOKEN_API with its reason")
    assert not stale, f"PUBLIC/TOKEN_API name endpoints that no longer exist: {stale}"


def test_every_login_exempt_view_is_declared(app):
    """A view marked ``login_exempt`` is public or token-authenticated, and declared so here."""
    exempt = {name for name, view in app.view_functions.items() if getattr(view, "login_exempt", False)}
    assert exempt <= set(PUBLIC) | TOKEN_API, \
        f"login_exempt views not declared in PUBLIC or TOKEN_API: {sorted(exempt - set(PUBLIC) - TOKEN_API)}"


def test_every_change_needs_a_csrf_token(app, client, objects):
    """(b) Signed in as admin, a POST/PUT/PATCH/DELETE without a token answers 400 and changes nothing."""
    login(client, "admin")
    for endpoint, methods, url, _rule in routes(app, objects):
        for method in CHANGES & set(methods):
            response = send(client, method, url, data={"name": "x"})
            if endpoint in TOKEN_API:
                assert response.status_code == 401, f"{method} {url}: {response.status_code}"
            else:
                assert response.status_code == 400, \
                    f"{method} {url} answered {response.status_code} without a CSRF token (expected 400)"


def test_another_departments_objects_are_refused(app, client, objects):
    """(d) A clerk of 介護保険課 asking by URL for 職員課's objects (or admin-only ones): 403/404,
    for reading and for every change (CSRF off, so that the scope check is what answers)."""
    app.config["WTF_CSRF_ENABLED"] = False
    login(client, "clerk_a")
    for endpoint, methods, url, rule in routes(app, objects):
        if not rule.arguments or endpoint == "static":
            continue
        for method in methods:
            response = send(client, method, url, data={"name": "x"})
            assert response.status_code in (403, 404), \
                f"{method} {url} answered {response.status_code} to a clerk of another department"


def test_no_page_shows_another_departments_file_names(app, client, objects):
    """(d) Every page without URL arguments, as a clerk of 介護保険課: none of 職員課's file names."""
    login(client, "clerk_a")
    for endpoint, methods, url, rule in routes(app, objects):
        if rule.arguments or "GET" not in methods or endpoint in PUBLIC:
            continue
        body = send(client, "GET", url).get_data(as_text=True)
        shown = [name for name in B_NAMES if name in body]
        assert not shown, f"{url} shows another department's files {shown}"


def test_headers_on_error_pages_static_files_and_the_api(client):
    """(c) The headers also on 404, 405, a static file (cacheable) and an API answer."""
    for method, url in (("GET", "/no/such/page"), ("DELETE", "/auth/login"),
                        ("GET", "/api/assets"), ("GET", "/auth/login")):
        send(client, method, url)
    style = send(client, "GET", "/static/style.css")
    assert style.status_code == 200 and style.headers.get("Cache-Control") != "no-store"


def test_a_careless_new_page_fails_these_checks(app, client, objects):
    """The checks catch what a new page forgets: a sign-in, and an argument they cannot fill."""
    from inventory.web.permissions import login_exempt

    app.add_url_rule("/careless", "careless", login_exempt(lambda: "open to all"))
    app.add_url_rule("/careless/<int:widget_id>", "careless_widget", lambda widget_id: "a widget")
    with pytest.raises(AssertionError, match="takes \\['widget_id'\\]: add to the `objects`"):
        routes(app, objects)
    with pytest.raises(AssertionError, match="GET /careless answered 200 to an anonymous user"):
        check_sign_in(app, client, {**objects, "widget_id": 1})
