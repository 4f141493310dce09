"""One password policy for every place a password is set: the admin's user and reset forms,
a user's own password page and ``inventory users create``.

A password is refused when it is shorter than the minimum
(``$INVENTORY_PASSWORD_MIN_LENGTH``, default 12), when it contains the user
name, when it is one of the commonest passwords (``data/common_passwords.txt``)
or one of them with digits or symbols before or after it ("Password2024!"),
or when it is made of fewer than four different characters.

:func:`password_problems` gives problem codes; the web forms and the CLI turn
them into Japanese messages (:data:`PROBLEM_MESSAGES_JA` for the CLI, the
Flask-Babel catalogue for the web).
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

COMMON_PASSWORDS = Path(__file__).resolve().parents[1] / "data" / "common_passwords.txt"
DEFAULT_MIN_LENGTH = 12
#: the policy's floor, whatever the environment says
LEAST_MIN_LENGTH = 8
_EDGES = re.compile(r"^[\d\W_]+|[\d\W_]+$")

PROBLEM_MESSAGES_JA = {
    "too_short": "パスワードは {count} 文字以上にしてください。",
    "contains_username": "パスワードにユーザー名を含めることはできません。",
    "common": "よく使われているパスワードのため使えません。推測されにくいものにしてください。",
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


def problem_messages_ja(problems: list[str]) -> list[str]:
    """The problems in Japanese, for the CLI."""
    return [PROBLEM_MESSAGES_JA[code].format(count=min_length()) for code in problems]
