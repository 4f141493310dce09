"""A page in Japanese shows no English sentence and no raw code (issue 18).

Every GET page of the real app, its URL arguments filled as the route checks fill them
(tests/web/test_security_routes.py), is opened in Japanese by an admin and by the privacy
office; its visible text (no tags, scripts or styles; no values of inputs) must hold no
English sentence (:func:`inventory.details.has_english_sentence`: three words, two in lower
case) and no code the registry stores in place of a label (risk codes, category codes).
"""
from __future__ import annotations

import html
import re

import pytest
from test_security_routes import objects, routes  # noqa: F401  (fixture: one object per URL argument)
from web_fixtures import login

from inventory.details import has_english_sentence
from inventory.labels import CATEGORY_LABELS, RISK_LABELS

INVISIBLE = re.compile(r"<(script|style|textarea|datalist|option)\b.*?</\1>", re.S | re.I)
TAG = re.compile(r"<[^>]+>")
#: codes people must never read raw (a label exists for each)
CODES = re.compile(r"(?<![\w/.-])(" + "|".join(sorted(
    [re.escape(c) for c in RISK_LABELS] + [re.escape(c) for c in CATEGORY_LABELS if "_" in c],
    key=len, reverse=True)) + r")(?![\w/.-])")
#: downloads and machine answers, not pages
NOT_PAGES = ("api.", "static")


def visible_text(body: str) -> str:
    body = INVISIBLE.sub(" ", body)
    return html.unescape(TAG.sub("\n", body))


def test_the_check_sees_english_and_codes():
    text = visible_text("<p>ファイル</p><td>column D of sheet 相談 is hidden</td><script>var a = 'x y z'</script>"
                        "<span>cloud-storage-link</span><p>SQL Server</p>")
    assert english_lines(text) == ["column D of sheet 相談 is hidden"]
    assert [m.group() for m in CODES.finditer(text)] == ["cloud-storage-link"]


def english_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if has_english_sentence(line)]


@pytest.mark.parametrize(("user", "at_least"), [("admin", 30), ("privacy", 10)])
def test_no_page_in_japanese_shows_english_or_a_raw_code(app, client, objects, user, at_least):  # noqa: F811
    login(client, user)
    found, pages = {}, 0
    for endpoint, methods, url, rule in routes(app, objects):
        if "GET" not in methods or endpoint.startswith(NOT_PAGES) or endpoint.startswith("auth.logout"):
            continue
        response = client.get(url, headers={"Accept-Language": "ja"})
        body = response.get_data(as_text=True) if response.mimetype == "text/html" else response.get_data() and ""
        if response.status_code != 200 or not body:
            continue
        pages += 1
        text = visible_text(body)
        problems = english_lines(text) + [m.group() for m in CODES.finditer(text)]
        if problems:
            found[url] = problems[:5]
    assert pages >= at_least, f"only {pages} pages read: the route walk lost its way"
    assert found == {}
