"""App facts of an Excel workbook: is it a home-made business app (業務アプリ), and what it risks.

``excel_app_facts(path, kind) -> AppFacts`` for xlsx xlsm xltx xltm xlam xls
xlsb.  The container decides, not the extension: a zip is read part by part
(:mod:`.ooxml_parts`, code sheets by :mod:`.ooxml_sheets`), an OLE file either
as a BIFF workbook (:mod:`.xls_workbook`) or as an encrypted OOXML package, and
a bare BIFF2-4 stream (Excel 2.x-4.0, no container) as a BIFF workbook too.
VBA is parsed only when the listing or OLE directory shows a VBA part
(:mod:`.vba`).

An app is a workbook with VBA code or user forms, Excel 4 macro sheets or
dialog sheets, or a ribbon customisation; a VBA project that exists but cannot
be parsed also counts (``kind`` is ``excel-vba`` for all of them: the spec has
no separate kind for Excel 4 macros; ``macros`` counts the macro sheets).  A
VBA storage with no code and no forms (Excel leaves one behind when the last
macro is deleted) is not an app.

Raises ReadError (short reason) only when the container cannot be opened;
encryption with a real password gives facts with ``vba="unparsable: encrypted"``.
"""
from __future__ import annotations

import dataclasses
import io
from collections import Counter

from ..document import ReadError
from ..record import risk
from . import AppFacts
from .complexity import complexity_band
from .excel_package import ExcelPackage, read_excel_package
from .ooxml_parts import MAX_LISTED, PackageFacts, open_package
from .vba import VbaSummary, VbaTimeout, silence_oletools, summarise_vba, time_limit
from .vba_loose import vba_entry_names
from .xls_workbook import MAX_FULL_WALK, XlsFacts, is_bare_biff, read_workbook_stream

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Excel encrypts write-protected workbooks with this password; anyone can open them
DEFAULT_PASSWORD = "VelvetSweatshop"
#: decrypting is slow pure Python: larger encrypted files stay unread
MAX_DECRYPT_BYTES = 32 << 20
DECRYPT_SECONDS = 20.0

RISK_ORDER = ("autoexec-macro", "macro-network-access", "credentials-in-file",
              "external-data-connection", "external-link")


def excel_app_facts(source: str | bytes, kind: str, container: str | None = None) -> AppFacts:
    """App facts and risks of one Excel workbook (``kind`` is the record kind; content decides).

    ``source`` is the file's path, or its bytes when the caller holds them (an OLE file its
    reader read whole: the file is then not opened here).  ``container`` ("zip" or "ole") is
    what the caller's sniff of the first bytes found (:mod:`scanners.readers.sniff`); without
    it the first bytes are read here.
    """
    silence_oletools()
    try:
        if container is None:
            with _opened(source) as fh:
                head = fh.read(8)
            container = "zip" if head[:2] == b"PK" else "ole" if head == OLE_MAGIC else None
        if container == "zip":
            return _zip_facts(source if isinstance(source, str) else io.BytesIO(source))
        if container == "ole":
            return _ole_facts(source)
        if is_bare_biff(head):
            return _bare_biff_facts(source)
        return AppFacts()            # HTML, SYLK or text saved as .xls: no place for code
    except ReadError:
        raise
    except VbaTimeout:
        raise ReadError("time limit exceeded") from None
    except MemoryError:
        raise ReadError("memory limit exceeded") from None
    except RecursionError:
        raise ReadError("structure nested too deeply") from None
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or type(exc).__name__}") from None
    except Exception as exc:  # noqa: BLE001 - a library's failure on hostile input: a reason, not a crash
        raise ReadError(f"app facts failed: {type(exc).__name__}") from None


def _opened(source: str | bytes):
    """The file to read: opened by its path, or its bytes as a file."""
    return io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")


# ---------------------------------------------------------------- OOXML

def _zip_facts(source) -> AppFacts:
    with open_package(source) as zf:
        return package_app_facts(read_excel_package(zf))


def package_app_facts(package: ExcelPackage) -> AppFacts:
    """App facts and risks of an OOXML workbook from what its reader kept of the zip
    (:mod:`.excel_package`): nothing here opens the file."""
    pkg = dataclasses.replace(package.facts)         # the document's own stays as read
    vba = VbaSummary()
    if pkg.vba_part is not None:
        try:
            if package.vba_project is None:
                raise ReadError("vbaProject.bin unreadable")
            vba = summarise_vba(package.vba_project)
        except ReadError:
            vba = VbaSummary(status="unparsable: vbaProject.bin unreadable")
        if not vba.found:        # the part is there: VBA present, whatever its inside says
            vba.status = "unparsable: vbaProject.bin holds no VBA project"
    if (vba.found or pkg.macro_sheets) and package.workbook is not None:
        book = package.workbook
        pkg.auto_open_name, pkg.hidden_macro_sheets = book.auto_open_name, book.hidden_macro_sheets
    facts = _combine(vba, macro_sheets=pkg.macro_sheets, dialog_sheets=pkg.dialog_sheets,
                     custom_ui=pkg.custom_ui, auto_open_name=pkg.auto_open_name)
    facts.hidden_macro_sheets = pkg.hidden_macro_sheets
    if facts.is_app and package.formulas is not None:
        pkg.formulas, pkg.formula_hyperlinks = package.formulas.formulas, package.formulas.formula_hyperlinks
        pkg.formulas_counted = package.formulas.counted
        facts.formulas = pkg.formulas
    facts.external_links = len(pkg.external_links)
    facts.connections = len(pkg.connections)
    facts.risks = _order(vba.risks + _auto_open_risks(facts, pkg.auto_open_name)
                         + package_risks(pkg))
    if facts.is_app:
        facts.complexity = complexity_band(facts)
    return facts


def package_risks(pkg: PackageFacts) -> list[dict]:
    """Connection, credential and link risks of an OOXML package, in plain words."""
    risks: list[dict] = []
    kinds: Counter[str] = Counter()
    for conn in pkg.connections:
        where = f" to {conn.source}" if conn.source else ""
        kinds[f"connections.xml: {conn.kind} connection{where}"] += 1
        if conn.saved_password:
            risks.append(risk("credentials-in-file",
                              f"connections.xml: {conn.kind} connection with saved password"))
        if conn.password_in_string:
            risks.append(risk("credentials-in-file",
                              f"connections.xml: {conn.kind} connection string holds a password"))
    risks.extend(risk("external-data-connection", _counted(d, n))
                 for d, n in kinds.most_common(MAX_LISTED))
    if pkg.query_tables:
        risks.append(risk("external-data-connection",
                          f"{pkg.query_tables} query table(s) refresh from an external source"))
    if pkg.power_query and not any("Power Query" in d for d in kinds):
        risks.append(risk("external-data-connection", "Power Query (DataMashup) queries"))
    risks.extend(link_risks(pkg.external_links, pkg.file_hyperlinks, pkg.web_hyperlinks,
                            pkg.hyperlink_hosts, pkg.formula_hyperlinks))
    return _dedupe(risks)


def link_risks(workbooks: list[str], file_links: list[str], web_links: int,
               hosts: list[str], formula_hyperlinks: int) -> list[dict]:
    """external-link risks: linked workbooks by file name, hyperlinks by host."""
    risks = [risk("external-link",
                  _counted(name if name.startswith("DDE/OLE") else f"formulas link to workbook {name}", n))
             for name, n in Counter(workbooks).most_common(MAX_LISTED)]
    if len(set(workbooks)) > MAX_LISTED:
        risks.append(risk("external-link", f"and links to {len(set(workbooks)) - MAX_LISTED} more workbooks"))
    for name, n in Counter(file_links).most_common(MAX_LISTED):
        risks.append(risk("external-link", _counted(f"hyperlink to file {name}", n)))
    if web_links:
        risks.append(risk("external-link", f"{web_links} hyperlink(s) to web addresses ({', '.join(hosts)})"))
    if formula_hyperlinks:
        risks.append(risk("external-link", f"{formula_hyperlinks} HYPERLINK formula(s)"))
    return risks


# ---------------------------------------------------------------- OLE (xls, encrypted OOXML)

def _ole_facts(source: str | bytes) -> AppFacts:
    import olefile
    try:
        ole = olefile.OleFileIO(io.BytesIO(source) if isinstance(source, bytes) else source)
    except Exception:  # noqa: BLE001 - olefile raises many kinds on malformed containers
        raise ReadError("corrupt OLE file") from None
    try:
        if ole.exists("EncryptedPackage"):
            return _encrypted_ooxml_facts(source)
        stream = "Workbook" if ole.exists("Workbook") else "Book" if ole.exists("Book") else None
        has_vba = bool(vba_entry_names(ole))
        data = b""
        if stream is not None:
            with ole.openstream(stream) as fh:
                data = fh.read(MAX_FULL_WALK + 1)
    except ReadError:
        raise
    except Exception:  # noqa: BLE001 - olefile raises many kinds on malformed containers
        raise ReadError("corrupt OLE file") from None
    finally:
        ole.close()
    xls = read_workbook_stream(data, count_cells=True) if data else XlsFacts()
    if xls.encrypted:
        xls = _decrypted_xls_facts(source) or xls
    vba = summarise_vba(source) if has_vba else VbaSummary()
    return _biff_app_facts(xls, vba)


def _bare_biff_facts(source: str | bytes) -> AppFacts:
    """A BIFF stream saved without an OLE container (Excel 2.x-4.0 sheets and workbooks)."""
    with _opened(source) as fh:
        data = fh.read(MAX_FULL_WALK + 1)
    return _biff_app_facts(read_workbook_stream(data, count_cells=True), VbaSummary())


def _biff_app_facts(xls: XlsFacts, vba: VbaSummary) -> AppFacts:
    if xls.module_sheets and not (vba.modules or vba.code_lines):
        # Excel 5/95 keeps each VBA module as a sheet: VBA is there even when its project was not read
        vba.standard = xls.module_sheets
        if not vba.found:
            vba.status = "unparsable: VBA module sheets without a readable VBA project"
    facts = _combine(vba, macro_sheets=xls.macro_sheets, dialog_sheets=0, custom_ui=False,
                     auto_open_name=xls.auto_open_name)
    facts.hidden_macro_sheets = xls.hidden_macro_sheets
    if facts.is_app:
        facts.formulas = xls.formulas
    facts.external_links = len(xls.external_links)
    facts.connections = xls.connections
    risks = list(vba.risks) + _auto_open_risks(facts, xls.auto_open_name)
    if xls.connections:
        risks.append(risk("external-data-connection",
                          f"{xls.connections} data connection(s) to external sources"))
    if xls.query_tables:
        risks.append(risk("external-data-connection",
                          f"{xls.query_tables} query table(s) refresh from an external source"))
    risks += link_risks(xls.external_links, [], 0, [], 0)
    if xls.hyperlinks:
        risks.append(risk("external-link", f"{xls.hyperlinks} hyperlink(s)"))
    facts.risks = _order(_dedupe(risks))
    if facts.is_app:
        facts.complexity = complexity_band(facts)
    return facts


def _decrypt_default(source: str | bytes) -> bytes | None:
    """The file decrypted with Excel's default password, or None (real password, too big, failure)."""
    import os

    import msoffcrypto
    if (len(source) if isinstance(source, bytes) else os.path.getsize(source)) > MAX_DECRYPT_BYTES:
        return None
    try:
        with time_limit(DECRYPT_SECONDS) as deadline, _opened(source) as fh:
            office = msoffcrypto.OfficeFile(fh)
            # msoffcrypto's own verification rejects Excel's agile default-password files;
            # the decrypted bytes are checked instead (a zip, or an OLE file, must come out)
            office.load_key(password=DEFAULT_PASSWORD)
            out = io.BytesIO()
            office.decrypt(out)
            data = out.getvalue()
            if deadline.expired:     # ran out where the time-out was swallowed: not trusted
                return None
            return data if data[:2] == b"PK" or data[:8] == OLE_MAGIC else None
    except VbaTimeout:
        return None
    except Exception:  # noqa: BLE001 - wrong key, damaged package: not decrypted
        return None


def _encrypted_ooxml_facts(source: str | bytes) -> AppFacts:
    data = _decrypt_default(source)
    if data is None or data[:2] != b"PK":
        return AppFacts(vba="unparsable: encrypted")
    return _zip_facts(io.BytesIO(data))


def _decrypted_xls_facts(source: str | bytes) -> XlsFacts | None:
    import olefile
    data = _decrypt_default(source)
    if data is None:
        return None
    try:
        ole = olefile.OleFileIO(data)
        stream = "Workbook" if ole.exists("Workbook") else "Book"
        with ole.openstream(stream) as fh:
            return read_workbook_stream(fh.read(MAX_FULL_WALK + 1), count_cells=True)
    except Exception:  # noqa: BLE001 - damaged decrypted container: facts stay partial
        return None


# ---------------------------------------------------------------- shared

def _combine(vba: VbaSummary, *, macro_sheets: int, dialog_sheets: int, custom_ui: bool,
             auto_open_name: bool) -> AppFacts:
    """AppFacts from the VBA summary and the workbook's own structure."""
    unparsable = vba.status.startswith("unparsable")
    is_app = bool(vba.code_lines or vba.forms or unparsable or macro_sheets or dialog_sheets or custom_ui)
    return AppFacts(
        is_app=is_app,
        kind="excel-vba" if is_app else None,
        modules=vba.modules,
        forms=vba.forms + dialog_sheets,
        macros=macro_sheets,
        code_lines=vba.code_lines,
        auto_exec=vba.auto_exec or (auto_open_name and is_app),
        procedures=vba.procedures,
        custom_ui=custom_ui,
        vba=vba.status,
    )


def _auto_open_risks(facts: AppFacts, auto_open_name: bool) -> list[dict]:
    if not (auto_open_name and facts.is_app):
        return []
    detail = "defined name Auto_Open runs a macro when the workbook opens"
    if facts.hidden_macro_sheets:
        detail += f" ({facts.hidden_macro_sheets} hidden Excel 4 macro sheet(s))"
    return [risk("autoexec-macro", detail)]


def _counted(detail: str, n: int) -> str:
    return detail if n == 1 else f"{detail} ({n}x)"


def _dedupe(risks: list[dict]) -> list[dict]:
    seen: set[tuple[str, str]] = set()
    out = []
    for risk in risks:
        key = (risk["code"], risk["detail"])
        if key not in seen:
            seen.add(key)
            out.append(risk)
    return out


def _order(risks: list[dict]) -> list[dict]:
    rank = {code: i for i, code in enumerate(RISK_ORDER)}
    return sorted(_dedupe(risks), key=lambda r: rank.get(r["code"], len(rank)))
