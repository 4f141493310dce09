"""The UI language: Japanese by default, English on request (Flask-Babel).

Order of choice: ``?lang=ja|en`` (remembered in the session), the language
in the session, the signed-in user's preference (a ``language`` or
``locale`` attribute, if the user model has one), the browser's
Accept-Language, else Japanese.

Translations: msgids are English, in templates (``{{ _('...') }}``) and
code (``gettext`` / ``lazy_gettext``; ``N_`` in :mod:`inventory.labels`); the Japanese catalogue is
``inventory/translations/ja/LC_MESSAGES/messages.po``, compiled to ``.mo`` (both committed),
the one catalogue of :mod:`inventory.catalogue` (which holds the commands to update it), shared
with the command line, e-mail and Excel.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import has_request_context, request, session, url_for
from flask_babel import Babel, format_datetime, get_locale, get_timezone, get_translations
from flask_login import current_user

from inventory import catalogue, details
from inventory.japanese_calendar import era_year, fiscal_year_name

#: languages of the UI, the first one the default
LANGUAGES = catalogue.LANGUAGES
DEFAULT_LANGUAGE = catalogue.DEFAULT_LANGUAGE
TRANSLATIONS = catalogue.TRANSLATIONS
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


def language_url(language: str) -> str:
    """This page in ``language``: built by ``url_for`` from the matched route and its query,
    never from ``request.path`` (a path like ``/\\evil.example`` would make a link off
    the site); a request that matched no route links to the start page.  Query keys
    starting ``_`` are dropped: ``url_for`` reads ``_external``, ``_scheme`` ... as options."""
    if request.url_rule is None or request.endpoint is None:
        return url_for("dashboard.index", lang=language)
    query = {key: values for key, values in request.args.lists() if key != "lang" and not key.startswith("_")}
    return url_for(request.endpoint, **{**query, **(request.view_args or {})}, lang=language)


def init_app(app) -> Babel:
    """Install Babel with the registry's translations and the language selection on ``app``."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Tokyo")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel = Babel(app, locale_selector=select_locale)
    _install_request_memo(app)
    app.before_request(remember_requested_language)
    app.context_processor(lambda: {"current_language": current_language(), "languages": LANGUAGES,
                                   "language_url": language_url})
    # globals, not context: macros imported without context use them too
    app.jinja_env.globals.update(fiscal_year_label=fiscal_year_label, campaign_name=campaign_name)
    return babel


# --- the cost of translating: a page of 50 assets asks for ~150 texts and 100 dates ---
#
# Flask-Babel finds the locale, the catalogue and the time zone anew on every
# call (about 40 us each), so a list page spent a fifth of its time there.
# Within one request the language cannot change once the page is rendering:
# texts are memoised per request, and dates in purely numeric patterns
# (yyyy-MM-dd HH:mm: no month names, nothing locale-dependent) are written
# directly after the same time-zone conversion as Babel's.

def _request_memo(name: str) -> dict | None:
    """A dict kept in the current request's WSGI environ (None outside a request): the app
    context, and so ``g``, can outlive one request (tests, CLI rendering, streamed bodies)."""
    if not has_request_context():
        return None
    environ = request.environ
    memo = environ.get(name)
    if memo is None:
        memo = environ[name] = {}
    return memo


def translate(text: str) -> str:
    """``gettext(text)`` for the current request, memoised for the rest of it."""
    memo = _request_memo("inventory.i18n.texts")
    if memo is None:
        return get_translations().ugettext(text)
    found = memo.get(text)
    if found is None:
        found = memo[text] = get_translations().ugettext(text)
    return found


def translate_lazy(text) -> str:
    """``str(text)`` of a lazy translation, memoised for the rest of the request.

    Keyed by the object's identity; the memo holds the object, so its id
    cannot be reused by another one while the request lasts.
    """
    memo = _request_memo("inventory.i18n.lazy")
    if memo is None:
        return str(text)
    found = memo.get(id(text))
    if found is None or found[0] is not text:
        found = memo[id(text)] = (text, str(text))
    return found[1]


def request_timezone() -> ZoneInfo:
    """The time zone dates are shown in: Flask-Babel's, looked up once per request, as a
    ``zoneinfo`` zone (pytz's conversions cost ten times as much)."""
    memo = _request_memo("inventory.i18n.zone")
    if memo is None:
        return _zoneinfo(str(get_timezone()))
    zone = memo.get("zone")
    if zone is None:
        zone = memo["zone"] = _zoneinfo(str(get_timezone()))
    return zone


@lru_cache(maxsize=8)
def _zoneinfo(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def datetimeformat(value, format: str | None = None) -> str:
    """The ``datetimeformat`` filter: Babel's output, without Babel for numeric patterns."""
    template = _numeric_template(format) if format else None
    if template is None:
        return format_datetime(value, format)
    if value.tzinfo is None:
        value = value.replace(tzinfo=_UTC)
    return template.format(value.astimezone(request_timezone()))


_UTC = dt.timezone.utc
#: Babel pattern fields that are plain zero-padded numbers, as str.format fields of a datetime
_NUMERIC_FIELDS = {"yyyy": "{0.year:04d}", "MM": "{0.month:02d}", "dd": "{0.day:02d}",
                   "HH": "{0.hour:02d}", "mm": "{0.minute:02d}", "ss": "{0.second:02d}"}


@lru_cache(maxsize=64)
def _numeric_template(pattern: str) -> str | None:
    """``pattern`` as a str.format template when it holds only numeric fields and punctuation."""
    parts = re.findall(r"[A-Za-z]+|[^A-Za-z]+", pattern)
    out = []
    for part in parts:
        if part[0].isalpha():
            if part not in _NUMERIC_FIELDS:
                return None
            out.append(_NUMERIC_FIELDS[part])
        elif "'" in part or "{" in part or "}" in part:
            return None                              # quoted text or braces: leave it to Babel
        else:
            out.append(part)
    return "".join(out)


def _install_request_memo(app) -> None:
    """Templates' ``_()`` and the date filter through the per-request memo above."""
    app.jinja_env.install_gettext_callables(
        gettext=translate,
        ngettext=lambda s, p, n: get_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: get_translations().unpgettext(c, s, p, n))
    app.jinja_env.filters["datetimeformat"] = datetimeformat
    app.jinja_env.filters["risk_detail"] = risk_detail
    app.jinja_env.filters["scan_error"] = scan_error


def risk_detail(text) -> str:
    """The ``risk_detail`` filter: a finding's stored detail as a person reads it in this
    request's language (:func:`inventory.details.render_detail`), never the scanner's English."""
    return details.render_detail(text, gettext=translate)


def fiscal_year_label(year) -> str:
    """A 年度 as people read it: "2026年度（令和8年度）" in Japanese, "FY 2026" in English."""
    if year is None:
        return ""
    if current_language() == "ja":
        return fiscal_year_name(int(year))
    return translate("FY %(year)d") % {"year": int(year)}


def campaign_name(campaign) -> str:
    """A campaign's 年度 and its title, the year written once: a title that starts with its
    own year ("2026年度 個人情報ファイル簿 照会", "令和8年度 …", "FY2026 …") loses that start."""
    year = int(campaign.fiscal_year)
    title = (campaign.title or "").strip()
    era = era_year(year)
    for start in (f"{year}年度", f"{era}年度" if era else None, f"FY {year}", f"FY{year}", str(year)):
        if start and title.startswith(start):
            title = title[len(start):].lstrip(" 　:：・-")
            break
    label = fiscal_year_label(year)
    return f"{label} {title}" if title else label


def scan_error(reason, status: str | None = None) -> str:
    """The ``scan_error`` filter: why a file could not be read, as a class's label in this
    request's language (:func:`inventory.details.render_error`); "" when there is nothing to say."""
    return details.render_error(reason, status, gettext=translate)
