"""What an Access database's system tables say about it as an application.

Pure functions over rows already read (by access-parser or ``mdb-export``),
each row a dict keyed by column name:

- :func:`catalog_facts` counts the objects of ``MSysObjects`` (forms,
  reports, macros, modules, saved queries, local and linked tables) and
  lists the linked tables with their ``Connect`` and ``Database`` strings;
- :func:`vba_project_streams` rebuilds the VBA project that Access 2007+
  keeps in ``MSysAccessStorage`` (a tree of storages and streams stored as
  rows) as a mapping of stream path to bytes, which oletools can parse.

Queries whose name starts with ``~`` are not counted: Access makes them by
itself (``~sq_f``/``~sq_r`` record sources of forms and reports, ``~sq_c``
row sources of combo and list boxes, ``~sq_d`` of subforms, ``~TMPCLP``
clipboard leftovers).  They are hidden, nobody wrote them as queries, and
counting them would count each form once more (the Northwind sample has 55
of them beside its 22 saved queries).  Forms, reports, macros and modules
named ``~`` are leftovers of an interrupted save and are skipped too; tables
named ``~`` hold data and are counted.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..document import Document

#: MSysObjects.Type -> key of Document.objects
OBJECT_TYPES = {
    -32768: "forms", -32764: "reports", -32766: "macros", -32761: "modules",
    5: "queries", 1: "tables", 4: "linked_tables", 6: "linked_tables",
}
OBJECT_KEYS = ("forms", "reports", "macros", "modules", "queries", "tables", "linked_tables")
#: extra key of Document.objects: 1 when a macro named AutoExec (runs when the database opens) exists
AUTOEXEC_KEY = "autoexec_macros"

LOCAL_TABLE = 1
LINKED_TABLE_TYPES = (4, 6)
#: Flags bits of Access's own tables (system object, or Access-internal)
SYSTEM_FLAGS = 0x80000002
HIDDEN_FLAG = 0x8
#: a VBA storage larger than this is left unread (a large app holds a few MiB)
MAX_VBA_STORAGE_BYTES = 64 * 2**20

#: MSysAccessStorage.Type of a stream (1 is a storage)
_STREAM = 2
#: where Access keeps the VBA project inside MSysAccessStorage
_VBA_ROOT = ("VBA", "VBAProject")
_ROOT_NAME = "MSysAccessStorage_ROOT"
#: the deepest storage path we follow (the tree is a few levels deep; a cycle is hostile)
_MAX_DEPTH = 32


def as_int(value) -> int | None:
    """An integer column value as read by either route (int, or text from mdb-export)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def is_user_table(name, obj_type, flags) -> bool:
    """A local table the user made: not MSys*, not flagged as Access's own."""
    return (obj_type == LOCAL_TABLE and isinstance(name, str) and not name.startswith("MSys")
            and not (flags or 0) & SYSTEM_FLAGS)


def catalog_facts(rows: Iterable[dict]) -> tuple[dict[str, int], list[dict]]:
    """(object counts, linked tables) from MSysObjects rows (keys Name, Type, Flags, Connect, Database)."""
    objects = dict.fromkeys(OBJECT_KEYS, 0)
    objects[AUTOEXEC_KEY] = 0
    links: list[dict] = []
    for row in rows:
        name, obj_type = row.get("Name"), as_int(row.get("Type"))
        flags = (as_int(row.get("Flags")) or 0) & 0xFFFFFFFF
        key = OBJECT_TYPES.get(obj_type)
        if key is None or not isinstance(name, str) or not name:
            continue
        if key == "tables" and not is_user_table(name, obj_type, flags):
            continue
        if name.startswith("~") and key != "tables" and key != "linked_tables":
            continue
        objects[key] += 1
        if key == "macros" and name.strip().lower() == "autoexec":
            objects[AUTOEXEC_KEY] = 1
        if key == "linked_tables":
            links.append({"name": name, "connect": _text(row.get("Connect")),
                          "database": _text(row.get("Database"))})
    return objects, links


def has_code_objects(objects: dict[str, int] | None) -> bool:
    """Forms, reports or modules exist, so a VBA project may hold code."""
    return bool(objects) and any(objects.get(k) for k in ("forms", "reports", "modules"))


def note_linked(document: Document) -> None:
    """The note of a database whose catalog counts linked tables (they hold no local data)."""
    linked = (document.objects or {}).get("linked_tables", 0)
    if linked:
        document.notes.append(f"linked tables (no local data): {linked}")


def vba_project_streams(rows: Iterable[dict]) -> dict[str, bytes]:
    """Streams of the VBA project in MSysAccessStorage rows (keys Id, ParentId, Name, Type, Lv),
    by path below ``VBA/VBAProject`` (``PROJECT``, ``VBA/dir``, ``VBA/<module stream>``).

    Empty when the database has no VBA project.
    """
    nodes: dict[int, tuple[int | None, str, int | None, bytes | None]] = {}
    for row in rows:
        node_id = as_int(row.get("Id"))
        if node_id is None:
            continue
        lv = row.get("Lv")
        nodes[node_id] = (as_int(row.get("ParentId")), _text(row.get("Name")), as_int(row.get("Type")),
                          bytes(lv) if isinstance(lv, (bytes, bytearray, memoryview)) else None)
    streams: dict[str, bytes] = {}
    for node_id, (_, _, node_type, data) in nodes.items():
        if node_type != _STREAM:
            continue
        path = _path_of(node_id, nodes)
        if path and len(path) > len(_VBA_ROOT) and path[:len(_VBA_ROOT)] == _VBA_ROOT:
            streams["/".join(path[len(_VBA_ROOT):])] = data or b""
    return streams


def _path_of(node_id: int, nodes: dict) -> tuple[str, ...] | None:
    """Names from below the root storage down to the node; None for a broken or cyclic chain."""
    names: list[str] = []
    seen: set[int] = set()
    current = node_id
    while len(names) <= _MAX_DEPTH:
        if current in seen or current not in nodes:
            return None
        seen.add(current)
        parent, name, _, _ = nodes[current]
        if parent == current:            # the root storage (and the scratch one) is its own parent
            return tuple(reversed(names)) if name == _ROOT_NAME else None
        names.append(name)
        current = parent
    return None


def _text(value) -> str:
    return value if isinstance(value, str) else ""
