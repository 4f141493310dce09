"""The one catalogue of what a person reads: web pages, the command line, e-mail, Excel.

Every text is an English msgid; its Japanese is in
``inventory/translations/ja/LC_MESSAGES/messages.po``, compiled to ``messages.mo``
(both committed).  The web app reads the same files through Flask-Babel
(:mod:`inventory.web.i18n` takes :data:`TRANSLATIONS` from here); everything else
(the command line, the scan summary, run diffs, alert and reminder e-mails, the
declarations' Excel files) translates through the functions below, which need no
Flask.  Japanese is the default; English is the msgid itself.

The labels of the registry's codes (categories, risks, statuses ...) are the msgid
tables of :mod:`inventory.labels`; :func:`label` and :func:`labels` translate them.

Which texts pybabel extracts is ``babel.cfg``; after changing texts, from the
repository root (``PYTHONPATH``: the command line's help texts are read by
:func:`inventory.cli.text.extract`)::

    PYTHONPATH=. .venv/bin/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k N_ \\
        --project inventory --version 0.1.0 -o inventory/translations/messages.pot .
    # add the new msgids with their Japanese to messages.po (by hand, or pybabel update
    # --no-fuzzy-matching, which rewrites the whole file): no empty msgstr, no "fuzzy"; then
    .venv/bin/pybabel compile -d inventory/translations

``tests/test_web_translations.py`` fails while a msgid that babel.cfg finds has no Japanese,
or the ``.mo`` does not match the ``.po``; ``tests/test_catalogue.py`` checks the command
line's help and output in both languages.

A missing compiled catalogue is an error (:class:`CatalogueMissing`), never a quiet
fall-back to English: Japanese first in everything a person reads.
"""
from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path

#: languages of what a person reads, the first one the default
LANGUAGES = ("ja", "en")
DEFAULT_LANGUAGE = LANGUAGES[0]
#: the language of the msgids: no catalogue to load
SOURCE_LANGUAGE = "en"
#: the language of the command line and of anything else run outside a web request
LANG_ENV = "INVENTORY_LANG"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
DOMAIN = "messages"


class CatalogueMissing(RuntimeError):
    """The compiled catalogue of a language is not where :data:`TRANSLATIONS` says."""


def N_(text: str) -> str:  # noqa: N802 (gettext's name for "mark, translate later")
    """``text`` unchanged: marks it as a msgid for the catalogue (``pybabel extract -k N_``)."""
    return text


def language(lang: str | None = None) -> str:
    """``lang`` as one of :data:`LANGUAGES` ("ja_JP.UTF-8" -> "ja"); None: ``$INVENTORY_LANG``,
    else Japanese.  A language the catalogue does not have is Japanese."""
    if lang is None:
        lang = os.environ.get(LANG_ENV, "")
    lang = lang.strip().lower().replace("-", "_").split("_")[0].split(".")[0]
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def translations(lang: str | None = None) -> _gettext.NullTranslations:
    """The loaded catalogue of ``lang`` (English: none, the msgids are English)."""
    return _load(language(lang))


@lru_cache(maxsize=len(LANGUAGES))
def _load(lang: str) -> _gettext.NullTranslations:
    if lang == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    # the standard library reads the .mo Babel compiles (Babel's own loader costs 20 ms of
    # imports at every command, and falls back to English without a word when no .mo is found)
    try:
        return _gettext.translation(DOMAIN, str(TRANSLATIONS), [lang])
    except FileNotFoundError:
        raise CatalogueMissing(f"no compiled {lang} catalogue: {TRANSLATIONS}/{lang}/LC_MESSAGES/{DOMAIN}.mo") from None


def gettext(text: str, lang: str | None = None) -> str:
    """``text`` (an English msgid) in ``lang``."""
    return translations(lang).gettext(text)


def ngettext(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    """The form of ``singular``/``plural`` for ``n`` in ``lang`` (Japanese has one form)."""
    return translations(lang).ngettext(singular, plural, n)


def translator(lang: str | None = None) -> Callable[[str], str]:
    """``gettext`` bound to ``lang``, to be named ``_`` where texts are written
    (``_ = translator(lang)``: pybabel extracts the ``_("...")`` calls)."""
    return translations(lang).gettext


def label(table: Mapping, code, lang: str | None = None) -> str:
    """The label of ``code`` in a table of :mod:`inventory.labels`, in ``lang``; the code itself
    when the table has none (a code added after the table)."""
    text = table.get(code)
    return gettext(str(text), lang) if text is not None else str(code)


def labels(table: Mapping, lang: str | None = None) -> dict:
    """A table of :mod:`inventory.labels` (code -> msgid) with every label in ``lang``, in order."""
    _ = translator(lang)
    return {code: _(str(text)) for code, text in table.items()}
