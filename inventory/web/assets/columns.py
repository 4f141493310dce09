"""What a list row shows in a narrow column: a path or a department name cut to a width, keeping
its end (the file, the 課), and the asset list's column chooser.

Widths count East Asian wide characters double (:func:`~inventory.web.dashboard.charts.text_width`
in characters), so a cut path fills about the same room in Japanese or ASCII.  The cut text is
for the eye only: the page carries the whole text in the ``title`` (shown on hover).
"""
from __future__ import annotations

import unicodedata

from flask import session
from flask_babel import lazy_gettext as _l

#: every column of the asset list, in the order shown
ASSET_COLUMNS = {
    "path": _l("Path"), "department": _l("Department"), "kind": _l("Kind"), "size": _l("Size"),
    "mtime": _l("Modified"), "status": _l("Scan status"), "personal": _l("Personal data"),
    "records": _l("Records"), "app": _l("Business app"), "risks": _l("Risks"), "last_seen": _l("Last seen"),
}
#: shown until the user chooses: what a 1366 px screen holds on one line a row
DEFAULT_COLUMNS = ("path", "department", "mtime", "status", "personal", "risks")
#: always shown (the link to the asset)
FIXED_COLUMNS = ("path",)
#: the session key keeping the user's choice between visits
SESSION_KEY = "asset_columns"
#: query-string keys of the chooser: ``col`` (one per ticked column) and ``columns=1`` (the
#: chooser was sent: no ``col`` at all then means "the path only")
COLUMN_ARG, CHOOSER_ARG = "col", "columns"


def chosen_columns(args) -> tuple[str, ...]:
    """The columns to show: the chooser's choice when this request sends one (kept in the
    session for the next visits), else the session's, else :data:`DEFAULT_COLUMNS`."""
    if args.get(CHOOSER_ARG) == "1":
        wanted = set(args.getlist(COLUMN_ARG)) | set(FIXED_COLUMNS)
        columns = tuple(c for c in ASSET_COLUMNS if c in wanted)
        if columns == DEFAULT_COLUMNS:
            session.pop(SESSION_KEY, None)
        else:
            session[SESSION_KEY] = list(columns)
        return columns
    saved = session.get(SESSION_KEY)
    if isinstance(saved, list) and saved:
        wanted = set(saved) | set(FIXED_COLUMNS)
        return tuple(c for c in ASSET_COLUMNS if c in wanted)
    return DEFAULT_COLUMNS


def _width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def keep_end(text: str | None, width: int) -> str:
    """``text`` cut at its start to at most ``width`` (wide characters count 2), with "…"."""
    text = text or ""
    if sum(_width(c) for c in text) <= width:
        return text
    kept, used = [], 1
    for char in reversed(text):
        used += _width(char)
        if used > width:
            break
        kept.append(char)
    return "…" + "".join(reversed(kept))


def short_folder(folder: str | None, width: int = 34) -> str:
    """A folder shown in a list: its last components within ``width``, cut at a separator when
    one is near (``…/介護保険課``), the whole folder when it fits."""
    folder = (folder or "").rstrip("/\\")
    cut = keep_end(folder, width)
    if cut == folder:
        return folder
    for separator in "/\\":
        at = cut.find(separator, 1)
        if 0 < at < len(cut) - 1:
            return "…" + cut[at:]
    return cut


def short_department(name: str | None, width: int = 28) -> str:
    """A department's "部 課 係" name within ``width``: its last levels (``…介護保険課 庶務係``)."""
    name = name or ""
    cut = keep_end(name, width)
    if cut == name:
        return name
    at = cut.find(" ", 1)
    return "…" + cut[at + 1:] if 0 < at < len(cut) - 1 else cut
