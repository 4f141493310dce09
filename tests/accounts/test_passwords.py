"""The password policy (inventory/accounts/passwords.py): one table of (password, user name, problems)."""
from __future__ import annotations

import pytest

from inventory.accounts.passwords import common_passwords, min_length, password_problems


@pytest.mark.parametrize("password, username, problems", [
    ("seven lanterns in fog", "sato", []),
    ("short", "sato", ["too_short"]),
    ("qwertyuiop123", "sato", ["common"]),
    ("Password2024!", "sato", ["common"]),                # a common word with digits and symbols
    ("!!dragon123456", "sato", ["common"]),
    ("123456789012", "sato", ["common"]),
    ("aaaaaaaaaaaaaaaa", "sato", ["common"]),             # fewer than four different characters
    ("abababababababab", "sato", ["common"]),
    ("my name is Tanaka-77", "tanaka", ["contains_username"]),
    ("ito of the north wind", "ito", ["contains_username"]),
    ("ab is in this password", "ab", []),                 # names under three letters are not looked for
    ("sakura", "sato", ["too_short", "common"]),
])
def test_password_problems(password, username, problems):
    assert password_problems(password, username) == problems


@pytest.mark.parametrize("environ, expected", [(None, 12), ("16", 16), ("4", 8), ("x", 12)])
def test_min_length_from_the_environment(monkeypatch, environ, expected):
    if environ is not None:
        monkeypatch.setenv("INVENTORY_PASSWORD_MIN_LENGTH", environ)
    assert min_length() == expected


def test_the_list_is_lower_case_and_a_few_hundred_long():
    words = common_passwords()
    assert 300 <= len(words) <= 2000
    assert all(word == word.lower() and word.strip() == word for word in words)
