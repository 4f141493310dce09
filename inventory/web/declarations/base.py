"""The declarations area's blueprint and what its pages share (the labels they show).

The area's views live in :mod:`.views` (the campaigns, a declaration and its workflow
steps) and :mod:`.item_pages` (an item: its form, abolish, restore, delete, its history);
each registers on :data:`bp` from here, and :mod:`.views`, the area's module, imports
:mod:`.item_pages` so that both are registered with it.
"""
from __future__ import annotations

from flask import Blueprint

from inventory.web.labels import (
    CATEGORY_LABELS,
    DECLARATION_ACTION_LABELS,
    DECLARATION_EVENT_LABELS,
    DECLARATION_STATUS_LABELS,
    FILE_TYPE_LABELS,
    ITEM_CHANGE_LABELS,
    STATUS_LABELS,
)
from inventory.web.permissions import AREA_ROLES, require_roles

bp = Blueprint("declarations", __name__, url_prefix="/declarations")
guard = require_roles(*AREA_ROLES["declarations"])
LABELS = {"statuses": DECLARATION_STATUS_LABELS, "changes": ITEM_CHANGE_LABELS, "file_types": FILE_TYPE_LABELS,
          "actions": DECLARATION_ACTION_LABELS, "events": DECLARATION_EVENT_LABELS,
          "categories": CATEGORY_LABELS, "asset_statuses": STATUS_LABELS}
