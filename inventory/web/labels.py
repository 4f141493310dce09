"""Display labels of the registry's codes in the request's language (Flask-Babel).

The tables of codes and English msgids are :mod:`inventory.labels`; here each
becomes a table of lazy translations, shown in the language of the request
that renders it.  :func:`label` falls back to the code itself for a code added
after a table.
"""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from inventory import labels as msgids
from inventory.web.i18n import translate_lazy


def _lazy(table: dict) -> dict:
    """``table`` (code -> English msgid) with each msgid translated when shown."""
    return {code: _l(text) for code, text in table.items()}


CATEGORY_LABELS = _lazy(msgids.CATEGORY_LABELS)
RISK_LABELS = _lazy(msgids.RISK_LABELS)
STATUS_LABELS = _lazy(msgids.STATUS_LABELS)
LIFECYCLE_LABELS = _lazy(msgids.LIFECYCLE_LABELS)
GUIDELINE_LABELS = _lazy(msgids.GUIDELINE_LABELS)
COMPLEXITY_LABELS = _lazy(msgids.COMPLEXITY_LABELS)
ROLE_LABELS = _lazy(msgids.ROLE_LABELS)
KIND_LABELS = _lazy(msgids.KIND_LABELS)
CHANGE_LABELS = _lazy(msgids.CHANGE_LABELS)
FIELD_LABELS = _lazy(msgids.FIELD_LABELS)
DECLARATION_STATUS_LABELS = _lazy(msgids.DECLARATION_STATUS_LABELS)
ITEM_CHANGE_LABELS = _lazy(msgids.ITEM_CHANGE_LABELS)
FILE_TYPE_LABELS = _lazy(msgids.FILE_TYPE_LABELS)
EXEMPTION_LABELS = _lazy(msgids.EXEMPTION_LABELS)
DECLARATION_ACTION_LABELS = _lazy(msgids.DECLARATION_ACTION_LABELS)
DECLARATION_EVENT_LABELS = _lazy(msgids.DECLARATION_EVENT_LABELS)


def label(labels: dict, code) -> str:
    """The translated label of ``code`` in ``labels``; the code itself when it has none."""
    found = labels.get(code)
    if found is None:
        return str(code)
    return found if type(found) is str else translate_lazy(found)


_TRANSLATED: dict = {}


def translated(tables: dict) -> dict:
    """``tables`` (name -> {code: lazy text}, a module's constant) with every text in the
    request's language: made once per language and process, so that a page of 50 rows does
    not translate 300 cells one by one.  Callers must not change the result."""
    key = (id(tables), str(get_locale()))
    found = _TRANSLATED.get(key)
    if found is None or found[0] is not tables:
        found = _TRANSLATED[key] = (tables, {
            name: {code: str(text) for code, text in table.items()} for name, table in tables.items()})
    return found[1]
