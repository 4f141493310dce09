"""Read OOXML workbooks (xlsx xlsm xltx xltm xlam) straight from the zip.

Sheet order, names and visibility come from workbook.xml and its rels,
number formats from styles.xml; each worksheet is sampled by
:mod:`.ooxml_rows` (fast path, else :mod:`.ooxml_sheet`).  Nothing is loaded whole: every part is streamed with a
byte cap, and a DOCTYPE anywhere we read is refused.
"""
from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass

from ..apps.excel_package import package_or_failure
from ..document import Document, OtherContent, ReadError, Table
from .numfmt import kind_for
from .ooxml_rows import sample_sheet, shared_strings
from .ooxml_sheet import needed_indexes, resolve
from .safezip import PartIndex, PartTooLarge, XmlRefused, attr, open_zip, parse_part
from .sniff import OLE, OLE_MAGIC

SMALL_PART_BYTES = 16 << 20   # workbook.xml, rels, styles.xml
VISIBILITY = {"visible": "visible", "hidden": "hidden", "veryhidden": "veryHidden"}
SKIPPED_SHEET_TYPES = ("chartsheet", "dialogsheet", "macrosheet", "xlmacrosheet", "xlintlmacrosheet")


@dataclass
class SheetEntry:
    name: str
    rel_id: str | None
    visibility: str


def read_ooxml(path: str, kind: str) -> Document:
    """Read an OOXML workbook into a Document; ReadError when it cannot.

    An OLE file (an encrypted package, or an xls renamed) is handed back to the reader
    choice (OtherContent), which reads it with the OLE reader."""
    try:
        fh = open(path, "rb")
    except OSError:
        raise ReadError("cannot open file") from None
    with fh:                         # one open: the first bytes, then the zip on the same handle
        try:
            head = fh.read(8)
        except OSError:
            raise ReadError("cannot open file") from None
        if head != OLE_MAGIC:
            fh.seek(0)
            return _read_zip(fh, kind)
    raise OtherContent(OLE, "OLE file, not an OOXML package")


def _read_zip(fh, kind: str) -> Document:
    """The workbook's data, and the package parts its app facts need (``Document.package``)."""
    zf = open_zip(fh)
    try:
        document = _read_package(zf, kind)
        document.package = package_or_failure(zf)
        return document
    finally:
        zf.close()


def _read_package(zf: zipfile.ZipFile, kind: str) -> Document:
    parts = PartIndex(zf)
    workbook = _workbook_part(zf, parts)
    sheets, date1904 = _parse_workbook(zf, workbook)
    rels = _parse_rels(zf, parts, workbook)
    document = Document(kind=kind)
    xf_kinds = _styles(zf, parts, rels, document)

    skipped: dict[str, int] = {}
    failures: list[str] = []
    for sheet in sheets:
        rel_type, target = rels.get(sheet.rel_id, ("", None))
        if rel_type in SKIPPED_SHEET_TYPES:
            skipped[rel_type] = skipped.get(rel_type, 0) + 1
            continue
        part = parts.find(target) if target else None
        if part is None:
            failures.append("missing part")
            document.notes.append("sheet %s: part missing" % sheet.name)
            continue
        sample = sample_sheet(zf, part, xf_kinds, date1904)
        if sample.problem:
            failures.append(sample.problem)
            document.notes.append("sheet %s: %s" % (sheet.name, sample.problem))
        if sample.estimated:
            document.notes.append("sheet %s: row count estimated" % sheet.name)
        document.tables.append(Table(
            name=sheet.name, rows=sample.rows, total_rows=sample.total_rows,
            visibility=sheet.visibility, hidden_rows=sample.hidden_rows,
            hidden_columns=sample.hidden_columns,
        ))
    for rel_type, count in skipped.items():
        document.notes.append("skipped %d %s(s)" % (count, rel_type))
    if failures and not document.tables:
        raise ReadError(failures[0])

    _resolve_shared_strings(zf, parts, rels, document)
    return document


def _workbook_part(zf: zipfile.ZipFile, parts: PartIndex) -> str:
    """The workbook part named by the package rels, else the usual name."""
    rels_part = parts.find("_rels/.rels")
    if rels_part is not None:
        for rel_type, target in _read_rels(zf, rels_part, "/").values():
            if rel_type == "officedocument" and target:
                found = parts.find(target)
                if found is not None:
                    if found.lower().endswith(".bin"):
                        raise ReadError("binary workbook inside an OOXML name")
                    return found
    found = parts.find("xl/workbook.xml")
    if found is None:
        raise ReadError("no workbook part")
    return found


def _parse_workbook(zf: zipfile.ZipFile, part: str) -> tuple[list[SheetEntry], bool]:
    sheets: list[SheetEntry] = []
    flags = {"date1904": False}

    def start(name: str, attrs: dict) -> None:
        name = name[name.find(":") + 1:]
        if name == "sheet":
            state = (attrs.get("state") or "visible").lower()
            sheets.append(SheetEntry(
                name=attrs.get("name") or "Sheet%d" % (len(sheets) + 1),
                rel_id=attr(attrs, "id"),
                visibility=VISIBILITY.get(state, "visible"),
            ))
        elif name == "workbookPr":
            flags["date1904"] = (attrs.get("date1904") or "").lower() in ("1", "true")

    _parse_small(zf, part, start)
    return sheets, flags["date1904"]


def _read_rels(zf: zipfile.ZipFile, part: str, base_dir: str) -> dict[str, tuple[str, str | None]]:
    """Relationship id -> (last word of its type, lowercased; target part path)."""
    rels: dict[str, tuple[str, str | None]] = {}

    def start(name: str, attrs: dict) -> None:
        name = name[name.find(":") + 1:]
        if name != "Relationship":
            return
        rel_type = (attrs.get("Type") or "").rstrip("/").rpartition("/")[2].lower()
        target = attrs.get("Target")
        if attrs.get("TargetMode") == "External" or not target:
            target = None
        elif target.startswith("/"):
            target = target.lstrip("/")
        else:
            target = posixpath.normpath(posixpath.join(base_dir, target)).lstrip("/")
        rels[attrs.get("Id") or ""] = (rel_type, target)

    _parse_small(zf, part, start)
    return rels


def _parse_rels(zf: zipfile.ZipFile, parts: PartIndex, workbook: str) -> dict:
    folder, _, name = workbook.replace("\\", "/").rpartition("/")
    rels_part = parts.find(posixpath.join(folder, "_rels", name + ".rels"))
    if rels_part is None:
        raise ReadError("workbook relationships missing")
    return _read_rels(zf, rels_part, "/" + folder)


def _styles(zf: zipfile.ZipFile, parts: PartIndex, rels: dict, document: Document) -> list[str | None]:
    """For each cell format (xf) index: "date", "time", "datetime" or None."""
    part = _related_part(parts, rels, "styles")
    if part is None:
        return []
    custom: dict[int, str] = {}
    xf_ids: list[int] = []
    where = {"cellXfs": False}

    def start(name: str, attrs: dict) -> None:
        name = name[name.find(":") + 1:]
        if name == "numFmt":
            try:
                custom[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode") or ""
            except ValueError:
                pass
        elif name == "cellXfs":
            where["cellXfs"] = True
        elif name == "xf" and where["cellXfs"]:
            try:
                xf_ids.append(int(attrs.get("numFmtId") or 0))
            except ValueError:
                xf_ids.append(0)

    def end(name: str) -> None:
        name = name[name.find(":") + 1:]
        if name == "cellXfs":
            where["cellXfs"] = False

    try:
        _parse_small(zf, part, start, end)
    except XmlRefused:
        raise
    except ReadError as exc:
        document.notes.append("styles unreadable (%s): dates left as numbers" % exc)
        return []
    return [kind_for(i, custom) for i in xf_ids]


def _resolve_shared_strings(zf: zipfile.ZipFile, parts: PartIndex, rels: dict, document: Document) -> None:
    needed = set()
    for table in document.tables:
        needed |= needed_indexes(table.rows)
    part = _related_part(parts, rels, "sharedstrings") if needed else None
    strings, problem = shared_strings(zf, part, needed)
    if problem:
        document.notes.append(problem)
    for table in document.tables:
        resolve(table.rows, strings)


def _related_part(parts: PartIndex, rels: dict, rel_type: str) -> str | None:
    for found_type, target in rels.values():
        if found_type == rel_type and target:
            return parts.find(target)
    return None


def _parse_small(zf: zipfile.ZipFile, part: str, start, end=None) -> None:
    try:
        parse_part(zf, part, start, end, max_bytes=SMALL_PART_BYTES)
    except PartTooLarge:
        raise ReadError("zip bomb: %s past %d MB" % (part.rpartition("/")[2][:60], SMALL_PART_BYTES >> 20)) from None
