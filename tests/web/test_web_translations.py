"""The Japanese catalogue: complete, compiled, and covering every text of the code and templates."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[2]
CATALOGUE = REPO / "inventory" / "translations" / "ja" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "_l": None, "N_": None}


def extracted_msgids() -> set[str]:
    """Every msgid pybabel would extract with babel.cfg."""
    methods = [("inventory/web/**.py", "python"), ("inventory/labels.py", "python"),
               ("inventory/web/templates/**.html", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(REPO), method_map=methods, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.fixture(scope="module")
def po():
    with open(CATALOGUE / "messages.po", "rb") as f:
        return read_po(f)


def test_every_text_is_in_the_catalogue(po):
    missing = extracted_msgids() - {m.id for m in po if m.id}
    assert not missing, "run pybabel extract/update (inventory/web/i18n.py)"


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
