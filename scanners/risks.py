"""Risk findings derived from a document and its personal-data result."""
from __future__ import annotations

from .detectors import PersonalResult
from .document import Document
from .record import risk


def hidden_data_risks(document: Document, personal: PersonalResult) -> list[dict]:
    """``hidden-personal-data``: one risk per hidden sheet, hidden column or block of hidden rows."""
    if not personal.present:
        return []
    tables = {t.name: t for t in document.tables}
    risks: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for col in personal.columns:
        if not col.hidden:
            continue
        table = tables.get(col.table)
        if table is not None and table.hidden:
            key, detail = (col.table, "sheet"), f"sheet {col.table} is {table.visibility}"
        elif table is not None and col.index in table.hidden_columns:
            key, detail = (col.table, col.column), f"column {col.column} of sheet {col.table} is hidden"
        else:
            key, detail = (col.table, "rows"), f"rows of sheet {col.table} holding personal data are hidden"
        if key not in seen:
            seen.add(key)
            risks.append(risk("hidden-personal-data", detail))
    return risks
