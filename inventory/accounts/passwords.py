"""One password policy for every place a password is set: the admin's user and reset forms,
a user's own password page and ``inventory users create``.

A password is refused when it is shorter than the minimum
(``$INVENTORY_PASSWORD_MIN_LENGTH``, default 12), when it contains the user
name, when it is one of the commonest passwords (``data/common_passwords.txt``)
or one of them with digits or symbols before or after it ("Password2024!"),
or when it is made of fewer than four different characters.

:func:`password_problems` gives problem codes; the web forms and the CLI turn
them into messages of the one catalogue (:data:`PROBLEM_MESSAGES`, Japanese by default:
:func:`problem_messages` for the CLI, Flask-Babel for the web).
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from inventory import catalogue
from inventory.catalogue import N_

COMMON_PASSWORDS = Path(__file__).resolve().parents[1] / "data" / "common_passwords.txt"
DEFAULT_MIN_LENGTH = 12
#: the policy's floor, whatever the environment says
LEAST_MIN_LENGTH = 8
_EDGES = re.compile(r"^[\d\W_]+|[\d\W_]+$")

#: each problem's msgid (the web forms' texts are the same msgids)
PROBLEM_MESSAGES = {
    "too_short": N_("A password needs at least %(count)s characters."),
    "contains_username": N_("A password must not contain the user name."),
    "common": N_("This password is among the most commonly used ones; choose one that is hard to guess."),
}


def min_length() -> int:
    """The minimum length: ``$INVENTORY_PASSWORD_MIN_LENGTH`` (never below 8), else 12."""
    value = os.environ.get("INVENTORY_PASSWORD_MIN_LENGTH", "")
    return max(int(value), LEAST_MIN_LENGTH) if value.isdigit() else DEFAULT_MIN_LENGTH


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_problems(password: str, username: str = "") -> list[str]:
    """What is wrong with ``password`` for the user ``username``: problem codes, [] when none."""
    problems = []
    if len(password) < min_length():
        problems.append("too_short")
    name = username.strip().lower()
    if len(name) >= 3 and name in password.lower():
        problems.append("contains_username")
    if is_common(password):
        problems.append("common")
    return problems


def is_common(password: str) -> bool:
    """One of the commonest passwords, alone or with digits or symbols around it, or a password
    of fewer than four different characters ("aaaaaaaaaaaa", "abababababab")."""
    lower = password.lower()
    common = common_passwords()
    return lower in common or _EDGES.sub("", lower) in common or len(set(lower)) < 4


def problem_messages(problems: list[str], lang: str | None = None) -> list[str]:
    """The problems as messages in ``lang`` (Japanese by default), for the CLI."""
    return [catalogue.gettext(PROBLEM_MESSAGES[code], lang) % {"count": min_length()} for code in problems]
