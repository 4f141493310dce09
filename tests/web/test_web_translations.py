"""The Japanese catalogue: complete, compiled, and covering every text of the code and templates
(the web's, and those of the command line, e-mail and Excel: inventory/catalogue.py)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[2]
CATALOGUE = REPO / "inventory" / "translations" / "ja" / "LC_MESSAGES"
#: pybabel's keywords and those of the commands in inventory/catalogue.py
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None, "N_": None}


@lru_cache(maxsize=1)
def extracted_msgids() -> dict[str, str]:
    """Every msgid pybabel extracts with babel.cfg, with where it was found first."""
    with open(REPO / "babel.cfg", encoding="utf-8") as f:
        methods, options = parse_mapping_cfg(f)
    found: dict[str, str] = {}
    for file, line, message, _comments, _context in extract_from_dir(
            str(REPO), method_map=methods, options_map=options, keywords=KEYWORDS):
        found.setdefault(message if isinstance(message, str) else message[0], f"{file}:{line}")
    return found


def test_extraction_reaches_every_user_of_the_catalogue():
    """babel.cfg covers the web, the command line (its help texts too), e-mail, Excel, the scan table."""
    where = {location.split(":")[0] for location in extracted_msgids().values()}
    for path in ("inventory/labels.py", "inventory/cli/main.py", "inventory/cli/runs.py",
                 "inventory/registry/run_diff.py", "inventory/registry/alerts.py",
                 "inventory/declarations/reminders.py", "inventory/scanning/report.py",
                 "inventory/scanning/sinks.py", "inventory/accounts/passwords.py"):
        assert path in where, path
    assert any(path.startswith("inventory/web/templates/") for path in where)


@pytest.fixture(scope="module")
def po():
    with open(CATALOGUE / "messages.po", "rb") as f:
        return read_po(f)


def test_every_text_is_in_the_catalogue(po):
    known = {m.id for m in po if m.id}
    missing = {msgid: where for msgid, where in extracted_msgids().items() if msgid not in known}
    assert not missing, "add them with their Japanese to messages.po (inventory/catalogue.py)"


def test_every_entry_is_translated(po):
    untranslated = [m.id for m in po if m.id and (not m.string or m.fuzzy)]
    assert not untranslated


def test_the_compiled_catalogue_matches_the_po_file(po):
    with open(CATALOGUE / "messages.mo", "rb") as f:
        mo = read_mo(f)
    assert {m.id: m.string for m in mo if m.id} == {m.id: m.string for m in po if m.id}


@pytest.mark.parametrize("msgid, japanese", [
    ("Dashboard", "ダッシュボード"),
    ("The user name or password is incorrect.", "ユーザー名またはパスワードが正しくありません。"),
    ("Health or disability", "心身の状況（障害・病歴・要介護度など）"),
])
def test_key_translations(po, msgid, japanese):
    assert po[msgid].string == japanese
