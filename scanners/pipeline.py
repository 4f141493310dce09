"""Inspect one file: hash it, read it through its format reader, run the detectors.

``inspect_file(candidate) -> dict`` returns the file's scan record and never
raises for a bad file: a failure becomes status ``error`` (or ``encrypted``)
with a short reason that holds no value read from the file.
"""
from __future__ import annotations

import hashlib
import re

from .detectors.registry import DETECTORS, FileRead
from .detectors.shadow_it import SHADOW_KINDS
from .document import Document, EncryptedError, ReadError
from .readers import choose_reader
from .candidates import Candidate
from .readers.sniff import BINARY, SNIFF_BYTES, content_note, foreign_label, read_head, sniff
from .record import base_record, risk
from .shadow import cloud_sync_risk, p2p_artefact_risks

HASH_CHUNK = 1 << 20


def sha256_of(path: str) -> str:
    """sha256 of a whole file, read in 1 MiB chunks."""
    return sha256_and_head(path)[0]


def sha256_and_head(path: str) -> tuple[str, bytes]:
    """sha256 of a whole file and its first SNIFF_BYTES, in one pass (the file is opened once
    for both: the head tells the reader)."""
    digest = hashlib.sha256()
    head = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(HASH_CHUNK):
            head = head or chunk[:SNIFF_BYTES]
            digest.update(chunk)
    return digest.hexdigest(), head


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


#: how an error names a content no reader fits
LABELS_OF_UNREAD = {"xml": "XML that is neither SpreadsheetML nor XHTML", BINARY: "unknown binary data"}


def inspect_file(cand: Candidate, apps: bool = True) -> dict:
    """The scan record of one candidate file (``apps=False``: personal data only)."""
    rec = base_record(cand)
    if cand.sync_client:
        rec["risks"].append(cloud_sync_risk(cand.sync_client))
    if cand.kind == "other":             # recorded for its risks alone (P2P data, sync folder)
        rec["status"], rec["error"] = "skipped", "not inspected: no reader for this kind"
        rec["risks"].extend(p2p_artefact_risks(cand.path.rpartition("/")[2]))
        return rec
    head = None
    try:
        if cand.sha256:
            rec["sha256"] = cand.sha256
        else:
            rec["sha256"], head = sha256_and_head(cand.abspath)
    except OSError as exc:
        rec["status"], rec["error"] = "error", f"cannot read file: {exc.strerror or type(exc).__name__}"
        return rec
    file = FileRead(cand, apps=apps)
    if cand.kind not in SHADOW_KINDS and not read_file(file, rec, head):
        return rec
    for detector in DETECTORS:
        if detector.applies(file, rec):
            guarded(rec, detector.what, detector.detect, file, rec)
    if file.document is not None:
        forget_values()
    return rec


def read_file(file: FileRead, rec: dict, head: bytes | None = None) -> bool:
    """Sniff the file's first bytes (``head``, when hashing read them) and read its document
    into ``file``; False when the first bytes could not be read (the record says why)."""
    try:
        head = read_head(file.candidate.abspath) if head is None else head
    except ReadError as exc:
        rec["status"], rec["error"] = "error", str(exc)
        return False
    file.content = sniff(head)
    file.document = read_document(file, rec, head)
    return True


def forget_values() -> None:
    """Drop what the detectors remembered of the file's values (scanners.detectors.memory)."""
    from .detectors.memory import forget
    forget()


def read_document(file: FileRead, rec: dict, head: bytes) -> Document | None:
    """The file's document, read by what its first bytes show it holds (``file.content``, a
    :mod:`.readers.sniff` format), or None with the record's status and reason set.
    The record keeps the extension's kind; a note says what the content was when it differs.
    The file's bytes, when the reader read them whole, go on ``file.file_bytes``."""
    cand, content = file.candidate, file.content
    if note := content_note(content, cand.kind):
        rec.setdefault("notes", []).append(note)
    foreign = foreign_label(head) if content == BINARY else None
    choice = choose_reader(content, cand.kind) if foreign is None else None
    if choice is None:
        what = foreign or LABELS_OF_UNREAD.get(content, content)
        rec["status"], rec["error"] = "error", f"no reader for this content: {what}"
        return None
    try:
        document = choice.read(cand.abspath, head)
        document.kind = cand.kind
        file.file_bytes = document.file_bytes
        return document
    except EncryptedError as exc:
        file.file_bytes = exc.file_bytes
        rec["status"], rec["error"] = "encrypted", str(exc) or "encrypted"
        rec["risks"].append(risk("encrypted", "password-protected or encrypted: contents could not be inspected"))
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
