"""The UI language: Japanese by default, English on request (Flask-Babel).

Order of choice: ``?lang=ja|en`` (remembered in the session), the language
in the session, the signed-in user's preference (a ``language`` or
``locale`` attribute, if the user model has one), the browser's
Accept-Language, else Japanese.

Translations: msgids are English, in templates (``{{ _('...') }}``) and
code (``gettext`` / ``lazy_gettext``); the Japanese catalogue is
``inventory/translations/ja/LC_MESSAGES/messages.po``, compiled to ``.mo``
(both committed).  After changing texts, from the repository root::

    .venv/bin/pybabel extract -F babel.cfg -k lazy_gettext -k _l -o inventory/translations/messages.pot .
    .venv/bin/pybabel update -i inventory/translations/messages.pot -d inventory/translations
    # translate the new entries in messages.po (no empty msgstr, no "fuzzy" left), then
    .venv/bin/pybabel compile -d inventory/translations

(``pybabel init -i inventory/translations/messages.pot -d inventory/translations -l LANG``
starts a new language; add it to :data:`LANGUAGES`.)
"""
from __future__ import annotations

from pathlib import Path

from flask import request, session
from flask_babel import Babel, get_locale
from flask_login import current_user

#: languages of the UI, the first one the default
LANGUAGES = ("ja", "en")
DEFAULT_LANGUAGE = LANGUAGES[0]
TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"
SESSION_KEY = "lang"


def remember_requested_language() -> None:
    """Before each request: keep a valid ``?lang=`` in the session."""
    wanted = request.args.get("lang")
    if wanted in LANGUAGES:
        session[SESSION_KEY] = wanted


def select_locale() -> str:
    """The language of this request (see the module docstring for the order)."""
    wanted = request.args.get("lang")
    if wanted in LANGUAGES:
        return wanted
    if session.get(SESSION_KEY) in LANGUAGES:
        return session[SESSION_KEY]
    preference = _user_preference()
    if preference in LANGUAGES:
        return preference
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)


def _user_preference() -> str | None:
    if not getattr(current_user, "is_authenticated", False):
        return None
    return getattr(current_user, "language", None) or getattr(current_user, "locale", None)


def current_language() -> str:
    """The language code of the current request ("ja" or "en")."""
    return str(get_locale() or DEFAULT_LANGUAGE)


def init_app(app) -> Babel:
    """Install Babel with the registry's translations and the language selection on ``app``."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Tokyo")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel = Babel(app, locale_selector=select_locale)
    app.before_request(remember_requested_language)
    app.context_processor(lambda: {"current_language": current_language(), "languages": LANGUAGES})
    return babel
