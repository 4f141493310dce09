"""Turn one scan record into the registry's rows (pure functions, no database).

A record (shared/spec/scan-record.md) becomes an asset row (scan facts
only), its finding rows with stable keys, its categories, and a digest of
its facts so that an identical re-scan is recognised without comparing
columns.  Strings are cut to their column's length; nothing is added that
the record did not carry.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata

from scanners.record import RecordError, check_record  # noqa: F401 (the contract, for ingest's callers)

from inventory.models import Finding
from inventory.registry.record_guard import guard_record

#: sha256 of zero bytes: empty files are neither moves nor copies of each other
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
APP_COUNTS = ("modules", "forms", "reports", "queries", "macros", "procedures", "code_lines",
              "formulas", "external_links", "connections")
_MAX = {col.name: col.type.length for col in Finding.__table__.columns
        if getattr(col.type, "length", None)}


def normalise_root(root: str) -> str:
    """A root as the registry keys it: '/' separated, NFC, no trailing '/'."""
    text = unicodedata.normalize("NFC", root.replace("\\", "/"))
    stripped = text.rstrip("/")
    return stripped or text[:1]


def path_key(root: str, path: str) -> str:
    """The unique key of a location: sha256 of root, NUL, path."""
    return hashlib.sha256(f"{root}\0{path}".encode("utf-8")).hexdigest()


def in_scope(scope_root: str, scope_prefix: str, root: str, path: str) -> bool:
    """Whether ``root``/``path`` lies under the scope (``scope_prefix`` '' = the whole root)."""
    if root != scope_root:
        return False
    return not scope_prefix or path == scope_prefix or path.startswith(scope_prefix + "/")


def clean_record(record: dict) -> tuple[dict, str]:
    """(the record fit for any database, its facts digest).

    Free text that is not a masked shape or one of the scanner's phrases is
    masked first (:mod:`.record_guard`): the registry does not take a scanner's
    word that it sent no values, and nothing after this point sees the original.
    NUL characters and lone surrogates (undecodable file names) are refused by
    PostgreSQL: such text is cleaned; other records are returned as they are.
    """
    record, _ = guard_record(record)
    digest, dirty = _digest_text(record)
    location = record["root"] + record["path"]
    if not dirty and "\0" not in location and _encodes(location):
        return record, digest
    record = _clean(record)
    return record, _digest_text(record)[0]


def _digest_text(record: dict) -> tuple[str, bool]:
    facts = {k: v for k, v in record.items() if k not in ("root", "path")}
    text = json.dumps(facts, sort_keys=True, ensure_ascii=False, default=str)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest(), True
    return hashlib.sha256(data).hexdigest(), "\\u0000" in text


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _clean(value):
    if isinstance(value, str):
        return value.replace("\0", "").encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def parse_mtime(value) -> dt.datetime | None:
    """An ISO 8601 time as UTC (naive input is taken as UTC); None when absent or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if when.tzinfo is None:
        return when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc)


def normalise_path(path: str) -> str:
    """A record's path as the registry keys it: '/' separated, NFC, no leading or trailing '/'."""
    return unicodedata.normalize("NFC", path.replace("\\", "/")).strip("/")


def asset_values(record: dict) -> dict:
    """The scan facts of an asset row for a checked record (no location, ids or triage fields)."""
    personal = record.get("personal") or {}
    app = record.get("app") or {}
    risks = [r for r in record.get("risks") or [] if isinstance(r, dict)]
    categories = sorted({c for c in personal.get("categories") or [] if isinstance(c, str)})
    values = {
        "kind": _cut(record["kind"], 20),
        "size": _int(record.get("size"), None),
        "mtime": parse_mtime(record.get("mtime")),
        "sha256": record["sha256"].lower() if record.get("sha256") else None,
        "status": record["status"],
        "error": _cut(record.get("error"), 500),
        "notes": [_cut(str(n), 500) for n in record.get("notes") or []][:50],
        "personal_present": bool(personal.get("present")),
        "categories": [_cut(c, 40) for c in categories],
        "sensitive": bool(personal.get("sensitive")),
        "my_number": bool(personal.get("my_number")),
        "records": _int(personal.get("records"), 0),
        "is_app": bool(app.get("is_app")),
        "app_kind": _cut(app.get("kind"), 20),
        "auto_exec": bool(app.get("auto_exec")),
        "vba": _cut(app.get("vba"), 100),
        "complexity": _cut(app.get("complexity"), 10),
        "risk_count": len(risks),
    }
    values.update({k: _int(app.get(k), 0) for k in APP_COUNTS})
    return values


def finding_rows(record: dict) -> list[dict]:
    """Finding rows (without ``asset_id``) for a record's columns and risks, keys unique."""
    rows, seen = [], {}
    personal = record.get("personal") or {}
    for col in personal.get("columns") or []:
        if not isinstance(col, dict) or not isinstance(col.get("category"), str):
            continue
        header = col.get("header") if isinstance(col.get("header"), str) else None
        identity = ["column", _loose(col.get("sheet")), _loose(header) if header else
                    "@" + str(col.get("column")), col["category"]]
        evidence = col.get("evidence") if isinstance(col.get("evidence"), dict) else {}
        rows.append(_finding(identity, seen, kind="column", sheet=_cut(col.get("sheet"), _MAX["sheet"]),
                             column=_cut(col.get("column"), _MAX["column"]),
                             header=_cut(header, _MAX["header"]),
                             category=_cut(col["category"], _MAX["category"]),
                             confidence=_float(col.get("confidence")),
                             hidden=bool(col.get("hidden")), evidence=evidence))
    for risk in record.get("risks") or []:
        if not isinstance(risk, dict) or not isinstance(risk.get("code"), str):
            continue
        detail = risk.get("detail") if isinstance(risk.get("detail"), str) else ""
        identity = ["risk", risk["code"], blank_counts(detail)]
        rows.append(_finding(identity, seen, kind="risk", code=_cut(risk["code"], _MAX["code"]),
                             detail=_cut(detail, _MAX["detail"])))
    return rows


def blank_counts(detail: str) -> str:
    """A risk detail with its counts blanked, so that "(3 places)" and "(4 places)" match."""
    text = re.sub(r"\((\d+) places?\)|\((\d+)x\)", "(#)", detail)
    text = re.sub(r"^\d+ ", "# ", text)
    return re.sub(r"\band \d+ more\b", "and # more", text)


def _finding(identity: list[str], seen: dict, **fields) -> dict:
    base = "\x1f".join(str(part) for part in identity)
    seen[base] = seen.get(base, 0) + 1
    if seen[base] > 1:            # the same header twice in one sheet: number them
        base += f"\x1f#{seen[base]}"
    row = {"sheet": None, "column": None, "header": None, "category": None, "confidence": None,
           "hidden": False, "evidence": {}, "code": None, "detail": None}
    row.update(fields)
    row["key"] = hashlib.sha256(base.encode("utf-8")).hexdigest()
    return row


def _loose(text) -> str:
    """Text compared loosely: NFKC, no spaces (U+3000 included), case folded."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).casefold()


def _cut(value, length: int) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return text[:length]


def _int(value, default):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    return int(value)


def _float(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)

