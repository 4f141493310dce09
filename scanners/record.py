"""The scan record's contract in code: the one seam between ``scanners/`` and ``inventory/``.

The spec (``shared/spec/scan-record.md``) is the text; this module is what
both halves import: the head keys and their order, statuses, kinds, personal-data
categories (and which are sensitive), risk codes, the empty record of a file,
a risk's dict and :func:`check_record`.  The spec lets a record grow (extra
keys, new risk codes) but never bend: a name here keeps its meaning, and
``tests/scanner/test_record_contract.py`` holds these sets against the spec's lists.

Imports nothing of the scanner's machinery, so the registry can import it alone.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .candidates import Candidate

#: the keys every record begins with, in this order (:func:`base_record`): the incremental cache
#: (scanners.state) keeps the rest of a record and takes these from the current walk
HEAD_KEYS = ("root", "path", "kind", "size", "mtime")
#: the keys the registry needs as non-empty strings to file a record at all
REQUIRED_KEYS = ("root", "path", "kind", "status")
STATUSES = frozenset({"ok", "encrypted", "error", "skipped"})
#: file kinds, in the spec's order
KINDS = ("xlsx", "xlsm", "xltx", "xltm", "xlam", "xls", "xlsb", "ods", "csv", "tsv", "txt", "mdb",
         "accdb", "executable", "script", "shortcut", "other")
#: every category code of the spec, in the spec's order (personal.categories, columns[].category)
CATEGORIES = (
    "name", "name_kana", "address", "postal_code", "phone", "email",
    "birth_date", "age", "gender", "my_number", "resident_id",
    "insurance_number", "bank_account", "income", "school", "family",
    "health", "criminal_record", "creed_race",
)
#: categories whose presence makes a file hold 要配慮個人情報 (personal.sensitive)
SENSITIVE_CATEGORIES = frozenset({"health", "criminal_record", "creed_race"})
#: the category whose presence makes a file hold 特定個人情報 (personal.my_number)
MY_NUMBER_CATEGORY = "my_number"
#: risk codes, in the spec's order; new ones may be added, none changes its meaning
RISK_CODES = (
    "hidden-personal-data", "encrypted", "external-data-connection", "external-link",
    "credentials-in-file", "autoexec-macro", "macro-network-access", "cloud-sync-folder",
    "cloud-storage-link", "remote-access-tool", "p2p-file-sharing", "external-upload-script",
    "duplicate-personal-data",
)
#: notes of a record whose path is not UTF-8 on the file system (Candidate.name_encoding)
NAME_NOTES = {
    "cp932": "file name is not UTF-8 on the file system: shown decoded as cp932",
    "escaped": "file name is not UTF-8 on the file system: undecodable bytes shown as \\xNN",
}

_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_RISK_SET = frozenset(RISK_CODES)


class RecordError(ValueError):
    """Not a scan record; ``str(exc)`` is a short reason that holds no value of the record."""


def iso_mtime(mtime: float) -> str:
    """A file time as ISO 8601 with the machine's UTC offset, to the second."""
    return dt.datetime.fromtimestamp(mtime).astimezone().isoformat(timespec="seconds")


def empty_app() -> dict:
    """The ``app`` block of a file that is no application."""
    return {"is_app": False, "kind": None, "modules": 0, "forms": 0, "queries": 0,
            "macros": 0, "code_lines": 0, "auto_exec": False}


def empty_personal() -> dict:
    """The ``personal`` block of a file without personal data."""
    return {"present": False, "categories": [], "sensitive": False, "my_number": False,
            "records": 0, "columns": []}


def base_record(cand: Candidate) -> dict:
    """The record of a file before anything is read from it."""
    rec = {
        "root": cand.root,
        "path": cand.path,
        "kind": cand.kind,
        "size": cand.size,
        "mtime": iso_mtime(cand.mtime),
        "sha256": None,
        "status": "ok",
        "error": None,
        "personal": empty_personal(),
        "app": empty_app(),
        "risks": [],
    }
    if cand.name_encoding:
        rec["notes"] = [NAME_NOTES[cand.name_encoding]]
    return rec


def failed_record(cand: Candidate, reason: str, status: str = "error") -> dict:
    """The record of a file that could not be inspected (time-out, crashed reader ...)."""
    rec = base_record(cand)
    rec["status"] = status
    rec["error"] = reason
    return rec


def risk(code: str, detail: str) -> dict:
    """One entry of a record's ``risks``; a code the contract does not list is a bug, not data.

    ``detail`` is the text as the scanner writes it (for the IT division: no value read
    from the file); its wording is the caller's, so a refactoring cannot change it.
    """
    if code not in _RISK_SET:
        raise ValueError(f"unknown risk code {code!r}: add it to scanners.record.RISK_CODES")
    return {"code": code, "detail": detail}


def check_record(record, strict: bool = False) -> None:
    """Raise :class:`RecordError` unless ``record`` has the shape of a scan record.

    The registry checks the shape only, as the spec lets records grow (extra keys,
    risk codes of a newer scanner).  ``strict``: also the vocabulary and head-key
    order this scanner writes, which is what its own tests hold it to.
    """
    if not isinstance(record, dict):
        raise RecordError("record is not an object")
    for key in REQUIRED_KEYS:
        if not isinstance(record.get(key), str) or not record[key]:
            raise RecordError(f"missing or empty {key}")
    if record["status"] not in STATUSES:
        raise RecordError("unknown status")
    for key in ("personal", "app"):
        if record.get(key) is not None and not isinstance(record[key], dict):
            raise RecordError(f"{key} is not an object")
    if record.get("risks") is not None and not isinstance(record["risks"], list):
        raise RecordError("risks is not a list")
    sha = record.get("sha256")
    if sha is not None and not (isinstance(sha, str) and _SHA256.fullmatch(sha)):
        raise RecordError("sha256 is not a hex digest")
    if strict:
        _check_vocabulary(record)


def _check_vocabulary(record: dict) -> None:
    """The head keys in order, and only kinds, categories and risk codes this module lists."""
    if tuple(record)[:len(HEAD_KEYS)] != HEAD_KEYS:
        raise RecordError("head keys missing or out of order")
    if record["kind"] not in KINDS:
        raise RecordError("unknown kind")
    personal = record.get("personal") or {}
    found = list(personal.get("categories") or [])
    found += [col.get("category") for col in personal.get("columns") or [] if isinstance(col, dict)]
    if any(category not in CATEGORIES for category in found):
        raise RecordError("unknown category")
    for entry in record.get("risks") or []:
        if not (isinstance(entry, dict) and isinstance(entry.get("detail"), str)):
            raise RecordError("risk is not a code and a detail")
        if entry.get("code") not in _RISK_SET:
            raise RecordError("unknown risk code")
