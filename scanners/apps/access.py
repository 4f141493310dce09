"""App facts of an Access database: is it a home-made business app (業務アプリ), and what it risks.

``access_app_facts(document) -> AppFacts`` works on the Document the Access
reader returned (:mod:`scanners.readers.access`); it never opens the file.

- An app is a database with forms, reports, macros or modules.  Saved
  queries are counted but do not make an app by themselves: a database of
  tables and queries is a data file (often a back end, or an export someone
  queries by hand); it has no user interface or code to maintain or hand
  over, and its data is judged by the personal-data detectors.
- ``auto_exec``: a macro named AutoExec exists (Access runs it on open).
  VBA procedures named like Excel's auto macros do not run by themselves in
  Access, so the code rules' autoexec findings are dropped here.
- Code lines, procedures and code risks come from the VBA project Access
  2007+ keeps in MSysAccessStorage, parsed with oletools.  Older formats
  keep VBA elsewhere (Access 97 MSysModules2, Access 2000-2003
  MSysAccessObjects): ``vba`` is then ``"not read (Access)"`` and
  ``code_lines`` 0.
- When MSysObjects could not be read, nothing is claimed: ``is_app`` is
  None and ``vba`` is ``"not read (Access objects)"``.  (An unreadable
  file never gets here: the inspection records it with status error.)
- Linked tables are ``external-data-connection`` risks (by kind, with the
  linked file's name only); a Connect string carrying a password is a
  ``credentials-in-file`` risk naming the linked table and the string's
  keys, never a value.
"""
from __future__ import annotations

import io
import re
from collections import Counter

from ..document import Document
from ..record import risk
from ..link_targets import masked_path
from ..readers.access_catalog import AUTOEXEC_KEY, has_code_objects
from . import AppFacts
from .code_risks import code_risks
from .complexity import complexity_band
from .vba import (
    TIME_LIMIT,
    VbaSummary,
    measure_source,
    summarise_limited,
)

VBA_NOT_READ = "not read (Access)"
OBJECTS_NOT_READ = "not read (Access objects)"
RISK_ORDER = ("autoexec-macro", "macro-network-access", "credentials-in-file",
              "external-data-connection", "external-link")
#: linked-table details listed per file at most (the rest are summed up)
MAX_LINK_DETAILS = 10

_PASSWORD_KEYS = frozenset({"pwd", "password", "jet oledb:database password", "database password"})
_SAFE_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9 :_.-]{0,31}$")
#: first piece of a Connect string (the ISAM or driver type) -> our words
_LINK_KINDS = (
    ("odbc", "ODBC source"), ("excel", "Excel workbook"), ("text", "text file"),
    ("wss", "SharePoint list"), ("html", "web page"), ("dbase", "dBASE file"),
    ("paradox", "Paradox file"), ("lotus", "Lotus file"), ("outlook", "Outlook folder"),
    ("exchange", "Exchange folder"), ("ms access", "Access file"),
)


def access_app_facts(document: Document) -> AppFacts:
    """App facts and risks of one Access database, from what the reader found."""
    objects = document.objects
    if objects is None:
        return AppFacts(is_app=None, kind="access", vba=OBJECTS_NOT_READ,
                        risks=_order(link_risks(document.links)))
    facts = AppFacts(
        modules=objects.get("modules", 0), forms=objects.get("forms", 0),
        queries=objects.get("queries", 0), macros=objects.get("macros", 0),
        reports=objects.get("reports", 0))
    facts.is_app = bool(facts.forms or facts.reports or facts.macros or facts.modules)
    facts.kind = "access" if facts.is_app else None
    facts.auto_exec = bool(objects.get(AUTOEXEC_KEY))
    vba = _vba_summary(document, objects)
    facts.vba, facts.code_lines, facts.procedures = vba.status, vba.code_lines, vba.procedures
    kinds = [link_kind(link.get("connect", "")) for link in document.links]
    facts.connections = sum(1 for k in kinds if k == "ODBC source")
    facts.external_links = len(kinds) - facts.connections
    risks = list(vba.risks)
    if facts.auto_exec:
        risks.append(risk("autoexec-macro", "macro AutoExec runs when the database opens"))
    facts.risks = _order(risks + link_risks(document.links))
    if facts.is_app:
        facts.complexity = complexity_band(facts)
    return facts


def _vba_summary(document: Document, objects: dict[str, int]) -> VbaSummary:
    streams = getattr(document, "vba_project", None)
    if streams is None:
        return VbaSummary(status=VBA_NOT_READ) if has_code_objects(objects) else VbaSummary()
    return summarise_access_vba(streams)


# ---------------------------------------------------------------- VBA

class _StreamStore:
    """The one olefile call oletools' VBA_Project makes, over streams held in memory."""

    def __init__(self, streams: dict[str, bytes]):
        self._streams = streams

    def openstream(self, path: str) -> io.BytesIO:
        try:
            return io.BytesIO(self._streams[path])
        except KeyError:
            raise OSError("no such stream") from None


def summarise_access_vba(streams: dict[str, bytes], seconds: float = TIME_LIMIT) -> VbaSummary:
    """Code lines, procedures and code risks of an Access VBA project (streams by path below VBAProject)."""
    if not streams:
        return VbaSummary()
    if "VBA/dir" not in streams:
        return VbaSummary(status="unparsable: no dir stream")
    return summarise_limited(lambda summary: _summarise(streams, summary), seconds)


def _summarise(streams: dict[str, bytes], summary: VbaSummary) -> None:
    from oletools.olevba import VBA_Project

    try:
        project = VBA_Project(_StreamStore(streams), "", "PROJECT", "VBA/dir", relaxed=True)
    except Exception:  # noqa: BLE001 - hostile or damaged project: a status, not a crash
        summary.status = "unparsable: corrupt dir stream"
        return
    reason = None
    try:
        for _ in project.parse_modules():
            pass
    except Exception:  # noqa: BLE001
        reason = "corrupt module stream"
    sources = []
    for module in project.modules:
        source = getattr(module, "code", None) or ""
        lines, procedures = measure_source(source)
        summary.code_lines += lines
        summary.procedures += procedures
        if lines:
            sources.append(source)
    # Access runs no VBA procedure by its name on open (only the AutoExec macro)
    summary.risks = [r for r in code_risks(sources) if r["code"] != "autoexec-macro"]
    summary.status = f"unparsable: {reason}" if reason else "parsed"


# ---------------------------------------------------------------- linked tables

def connect_pairs(connect: str) -> tuple[str, dict[str, str]]:
    """(type, key -> value with lower-case keys) of an Access Connect string.

    The type is the first piece (``ODBC``, ``Excel 8.0``, ``Text``, empty for
    another Access file); a string that starts with a key (``DSN=...``) is
    an ODBC string written without its ``ODBC;`` prefix.
    """
    pieces = (connect or "").split(";")
    first = pieces[0].strip()
    if "=" in first:
        first, pieces = "ODBC", [""] + pieces
    pairs: dict[str, str] = {}
    for piece in pieces[1:]:
        key, eq, value = piece.partition("=")
        if eq:
            pairs.setdefault(key.strip().lower(), value.strip())
    return first, pairs


def link_kind(connect: str) -> str:
    """What a linked table points to, in our words ("Access file", "ODBC source", ...)."""
    first, _ = connect_pairs(connect)
    first = first.lower()
    if not first:
        return "Access file"
    return next((words for key, words in _LINK_KINDS if first.startswith(key)), "other external source")


def has_password(connect: str) -> bool:
    """The Connect string carries a non-empty password."""
    _, pairs = connect_pairs(connect)
    return any(pairs.get(key) for key in _PASSWORD_KEYS)


def redacted_connect(connect: str) -> str:
    """The Connect string's shape with every value masked: ``ODBC source: DSN=***;UID=***;PWD=***``."""
    _, pairs = connect_pairs(connect)
    keys = [f"{key.upper() if _SAFE_KEY.match(key) else '?'}=***" for key in pairs]
    return f"{link_kind(connect)}: {';'.join(keys)}"


def file_name(path: str) -> str:
    """A linked database or folder as its server or drive and file type (``\\\\fs01\\…\\*.mdb``):
    folder and file names can name people (scanners.link_targets)."""
    return masked_path(path) if (path or "").strip(" \\/") else ""


def link_risks(links: list[dict]) -> list[dict]:
    """external-data-connection per kind of linked table, credentials-in-file per link with a password."""
    details: Counter[str] = Counter()
    risks: list[dict] = []
    for link in links:
        connect = link.get("connect") or ""
        kind = link_kind(connect)
        _, pairs = connect_pairs(connect)
        target = file_name(link.get("database") or pairs.get("database", ""))
        if kind == "ODBC source":
            details["linked table to ODBC source"] += 1
        elif kind == "Access file":
            details["linked table in another Access file" + (f": {target}" if target else "")] += 1
        elif kind == "text file":
            details["linked table to text file" + (f" in folder: {target}" if target else "")] += 1
        else:
            details[f"linked table to {kind}" + (f": {target}" if target else "")] += 1
        if has_password(connect):
            risks.append(risk("credentials-in-file",
                              f"linked table {str(link.get('name') or '?')[:64]}: "
                              f"connect string holds a password ({redacted_connect(connect)})"))
    listed = details.most_common(MAX_LINK_DETAILS)
    link_list = [risk("external-data-connection", d if n == 1 else f"{d} ({n}x)")
                 for d, n in listed]
    rest = sum(details.values()) - sum(n for _, n in listed)
    if rest:
        link_list.append(risk("external-data-connection", f"and {rest} more linked tables"))
    return risks + link_list


def _order(risks: list[dict]) -> list[dict]:
    rank = {code: i for i, code in enumerate(RISK_ORDER)}
    seen: set[tuple[str, str]] = set()
    out = []
    for risk in sorted(risks, key=lambda r: rank.get(r["code"], len(rank))):
        key = (risk["code"], risk["detail"])
        if key not in seen:
            seen.add(key)
            out.append(risk)
    return out
