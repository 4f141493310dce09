"""The language links stay on the site and on the page (issue 16, item 13)."""
from __future__ import annotations

import re

import pytest
from web_fixtures import asset_id, login

HREF = re.compile(r'<a href="([^"]*)" lang="(ja|en)"')


def language_links(html: str) -> dict[str, str]:
    return {lang: href.replace("&amp;", "&") for href, lang in HREF.findall(html)}


@pytest.mark.parametrize("path", ["/\\evil.example/", "/\\/evil.example", "//evil.example/x"])
def test_a_path_cannot_make_the_links_leave_the_site(client, path):
    login(client, "clerk_a")
    links = language_links(client.get(path).get_data(as_text=True))
    assert set(links) == {"ja", "en"}
    for href in links.values():
        assert href.startswith("/") and href[1:2] not in ("/", "\\"), href


def test_the_links_keep_the_page_and_its_filters(app, client):
    login(client, "admin")
    target = asset_id(app, "総務部/職員課/職員名簿.xlsx")
    links = language_links(client.get(f"/assets/{target}?lang=ja").get_data(as_text=True))
    assert links == {"ja": f"/assets/{target}?lang=ja", "en": f"/assets/{target}?lang=en"}
    links = language_links(client.get("/assets/?category=name&_external=1&_scheme=javascript")
                           .get_data(as_text=True))
    assert links["en"] == "/assets/?category=name&lang=en"
