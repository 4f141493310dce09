"""How the declaration pages show an item's values: labels of codes (categories, 種別,
適用除外, 有/無) in the request's language, 本人の数 with separators, the audit trail's
stored texts turned back into labels.  Display only: no rule is decided here.
"""
from __future__ import annotations

from flask_babel import gettext as _

from inventory.declarations.fields import FIELD_BY_NAME, ItemField
from inventory.web.declarations.queries import audit_list
from inventory.web.declarations.forms import BOOL_LABELS, CHOICE_LABELS, NO, YES, field_label
from inventory.web.labels import CATEGORY_LABELS, label

EMPTY = "—"


def field_title(name: str) -> str:
    """The label of an item field, or of the other things the audit trail records on an item."""
    if name in FIELD_BY_NAME:
        return str(field_label(FIELD_BY_NAME[name]))
    extra = {"assets": _("Linked files"), "abolished": _("Abolished"), "deleted": _("Deleted")}
    return extra.get(name, name)


def shown(field: ItemField, value) -> str:
    """A typed value of ``field`` as the pages show it."""
    if field.kind == "bool":
        return str(BOOL_LABELS[YES if value else NO])
    if field.kind == "categories":
        return "、".join(label(CATEGORY_LABELS, c) for c in value or []) or EMPTY
    if field.kind == "choice":
        return label(CHOICE_LABELS[field.name], value or "")
    if field.kind == "int":
        return EMPTY if value is None else f"{value:,}"
    return value or EMPTY


def shown_item(item) -> dict[str, str]:
    """Field name -> shown value of every field of a saved item."""
    return {name: shown(field, getattr(item, name)) for name, field in FIELD_BY_NAME.items()}


def shown_audit(name: str, text: str | None, asset_names: dict[int, str]) -> str:
    """A value as ``record_change`` stored it (text), shown like the form shows it."""
    if text is None:
        return EMPTY
    if name == "abolished":
        return _("Yes") if text == "True" else _("No")
    if name == "assets":
        ids = [int(i) for i in text.split(",") if i.strip().isdigit()]
        return "、".join(asset_names.get(i, _("a file outside your scope")) for i in ids) or EMPTY
    field = FIELD_BY_NAME.get(name)
    if field is None:
        return text
    if field.kind == "categories":
        return "、".join(label(CATEGORY_LABELS, c) for c in audit_list(text)) or EMPTY
    if field.kind == "bool":
        return str(BOOL_LABELS[YES if text == "True" else NO])
    if field.kind == "choice":
        return label(CHOICE_LABELS[name], text)
    return text or EMPTY


def audit_asset_ids(rows) -> set[int]:
    """Every asset id named by the "assets" changes of an audit trail."""
    found = set()
    for row in rows:
        if row.field == "assets":
            for text in (row.before, row.after):
                found.update(int(i) for i in (text or "").split(",") if i.strip().isdigit())
    return found
