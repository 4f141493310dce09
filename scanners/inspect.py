"""Inspect one file: hash it, read it through its format reader, run the detectors.

``inspect_file(candidate) -> dict`` returns the file's scan record and never
raises for a bad file: a failure becomes status ``error`` (or ``encrypted``)
with a short reason that holds no value read from the file.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re

from .document import Document, EncryptedError, ReadError
from .readers import choose_reader
from .readers.sniff import ACCESS, BINARY, OLE, OOXML, XLSB, ZIP, content_note, foreign_label, read_head, sniff
from .shadow import cloud_sync_risk, p2p_artefact_risks, shadow_risks
from .candidates import Candidate

HASH_CHUNK = 1 << 20


def sha256_of(path: str) -> str:
    """sha256 of a whole file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def iso_mtime(mtime: float) -> str:
    """A file time as ISO 8601 with the machine's UTC offset, to the second."""
    return dt.datetime.fromtimestamp(mtime).astimezone().isoformat(timespec="seconds")


def empty_app() -> dict:
    return {"is_app": False, "kind": None, "modules": 0, "forms": 0, "queries": 0,
            "macros": 0, "code_lines": 0, "auto_exec": False}


def empty_personal() -> dict:
    return {"present": False, "categories": [], "sensitive": False, "my_number": False,
            "records": 0, "columns": []}


#: notes of a record whose path is not UTF-8 on the file system (Candidate.name_encoding)
NAME_NOTES = {
    "cp932": "file name is not UTF-8 on the file system: shown decoded as cp932",
    "escaped": "file name is not UTF-8 on the file system: undecodable bytes shown as \\xNN",
}


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


_QUOTED = re.compile(r"""(['"`]).*?\1|b'.*?'""")
_LONG_DIGITS = re.compile(r"\d{3,}")


def safe_reason(exc: BaseException) -> str:
    """A short reason for a library's exception, scrubbed of anything that could be a value.

    Library messages sometimes quote what they choked on, so quoted parts,
    non-ASCII text and digit runs are dropped and the result kept short.
    """
    text = str(exc).splitlines()[0] if str(exc) else ""
    text = _QUOTED.sub("…", text)
    text = _LONG_DIGITS.sub("#", text)
    text = "".join(ch for ch in text if 32 <= ord(ch) < 127)
    text = " ".join(text.split())[:100]
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


EXCEL_KINDS = frozenset({"xlsx", "xlsm", "xltx", "xltm", "xlam", "xls", "xlsb"})
#: contents that can hold VBA, macro sheets or connections (HTML, XML or text saved as .xls cannot)
EXCEL_CONTAINERS = frozenset({OOXML, XLSB, ZIP, OLE})
#: how an error names a content no reader fits
LABELS_OF_UNREAD = {"xml": "XML that is neither SpreadsheetML nor XHTML", BINARY: "unknown binary data"}
SHADOW_KINDS = frozenset({"executable", "script", "shortcut"})


def inspect_file(cand: Candidate, apps: bool = True) -> dict:
    """The scan record of one candidate file (``apps=False``: personal data only)."""
    rec = base_record(cand)
    if cand.sync_client:
        rec["risks"].append(cloud_sync_risk(cand.sync_client))
    if cand.kind == "other":             # recorded for its risks alone (P2P data, sync folder)
        rec["status"], rec["error"] = "skipped", "not inspected: no reader for this kind"
        rec["risks"].extend(p2p_artefact_risks(cand.path.rpartition("/")[2]))
        return rec
    try:
        rec["sha256"] = cand.sha256 or sha256_of(cand.abspath)
    except OSError as exc:
        rec["status"], rec["error"] = "error", f"cannot read file: {exc.strerror or type(exc).__name__}"
        return rec
    if cand.kind in SHADOW_KINDS:
        guarded(rec, "shadow-IT check", add_shadow_risks, cand, rec)
        return rec
    try:
        head = read_head(cand.abspath)
    except ReadError as exc:
        rec["status"], rec["error"] = "error", str(exc)
        return rec
    content = sniff(head)
    document = read_document(cand, rec, content, head)
    if apps and rec["status"] in ("ok", "encrypted"):
        guarded(rec, "app detector", add_app_facts, cand, content, document, rec)
    if document is not None:
        guarded(rec, "detector", analyse, document, rec)
        guarded(rec, "sheet-name check", mask_sheet_names, document, rec)
        forget_values()
    return rec


def forget_values() -> None:
    """Drop what the detectors remembered of the file's values (scanners.detectors.memory)."""
    from .detectors.memory import forget
    forget()


_FAILED_SHEET_NOTE = re.compile(r"^sheet (.+?): ")


def mask_sheet_names(document: Document, rec: dict) -> None:
    """Label the sheets named like a person, a phone or a 12-digit number (detectors.sheet_names),
    wherever the record names them; sheets only a note names count after the read ones."""
    from .detectors.sheet_names import mask_record_sheets, sheet_masks

    names = [table.name for table in document.tables]
    names += [m.group(1) for n in rec.get("notes") or [] if (m := _FAILED_SHEET_NOTE.match(n))]
    mask_record_sheets(rec, sheet_masks(names))


def add_shadow_risks(cand: Candidate, rec: dict) -> None:
    """Risks of an executable, script or shortcut (catalogue: scanners/data/shadow_it.toml)."""
    name = cand.path.rpartition("/")[2]
    try:
        rec["risks"].extend(shadow_risks(cand.abspath, name, cand.kind))
    except ReadError as exc:
        rec["status"], rec["error"] = "error", str(exc) or "unreadable"
        if cand.kind == "executable":
            from .shadow.executables import executable_name_risks
            rec["risks"].extend(executable_name_risks(name))


def read_document(cand: Candidate, rec: dict, content: str, head: bytes) -> Document | None:
    """The file's document, read by what its first bytes show it holds (``content``, a
    :mod:`.readers.sniff` format), or None with the record's status and reason set.
    The record keeps the extension's kind; a note says what the content was when it differs."""
    if note := content_note(content, cand.kind):
        rec.setdefault("notes", []).append(note)
    foreign = foreign_label(head) if content == BINARY else None
    choice = choose_reader(content, cand.kind) if foreign is None else None
    if choice is None:
        what = foreign or LABELS_OF_UNREAD.get(content, content)
        rec["status"], rec["error"] = "error", f"no reader for this content: {what}"
        return None
    try:
        document = choice.reader(cand.abspath, choice.read_as)
        document.kind = cand.kind
        return document
    except EncryptedError as exc:
        rec["status"], rec["error"] = "encrypted", str(exc) or "encrypted"
        rec["risks"].append({"code": "encrypted",
                             "detail": "password-protected or encrypted: contents could not be inspected"})
    except ReadError as exc:
        rec["status"], rec["error"] = "error", str(exc) or "unreadable"
    except MemoryError:
        rec["status"], rec["error"] = "error", "memory limit exceeded while reading"
    except RecursionError:
        rec["status"], rec["error"] = "error", "structure nested too deeply"
    except BaseException as exc:  # a library's failure on hostile input: data, not a crash
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        # (pyo3's PanicException, raised by Rust parsers, derives from BaseException)
        rec["status"], rec["error"] = "error", f"reader failed: {safe_reason(exc)}"
    return None


def guarded(rec: dict, what: str, step, *args) -> None:
    """Run one analysis step; its failure becomes the record's error, never a crash."""
    try:
        step(*args)
    except MemoryError:
        rec["status"], rec["error"] = "error", f"memory limit exceeded in {what}"
    except BaseException as exc:
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        rec["status"], rec["error"] = "error", f"{what} failed: {safe_reason(exc)}"


def add_app_facts(cand: Candidate, content: str, document: Document | None, rec: dict) -> None:
    """Fill the record's ``app`` block and app risks: Excel from a workbook container (a zip or
    OLE file, whatever its name), Access from its document."""
    if content in EXCEL_CONTAINERS and (cand.kind in EXCEL_KINDS or content != ZIP):
        from .apps.excel import excel_app_facts
        try:
            facts = excel_app_facts(cand.abspath, cand.kind, container="ole" if content == OLE else "zip")
        except ReadError:
            return                   # the data reader already judged the container
    elif content == ACCESS and document is not None:
        from .apps.access import access_app_facts
        facts = access_app_facts(document)
    else:
        return
    rec["app"] = facts.to_record()
    rec["risks"].extend(facts.risks)


def analyse(document: Document, rec: dict) -> None:
    """Run the personal-data detectors over a document and fill the record's findings."""
    from .detectors.personal import detect_personal
    from .risks import hidden_data_risks

    personal = detect_personal(document)
    if not personal.present and document.text:
        from .detectors.prose import detect_prose
        personal = detect_prose(document.text, rec["path"].rpartition("/")[2].rpartition(".")[0] or "text")
    rec["personal"] = personal.to_record()
    rec["risks"].extend(hidden_data_risks(document, personal))
    if document.notes:
        rec["notes"] = rec.get("notes", []) + list(document.notes)
