"""What an OOXML workbook's zip holds for app detection, read while a reader has the zip open.

The data reader (:mod:`scanners.readers.ooxml`, and :mod:`scanners.readers.calamine` for
xlsb) calls :func:`read_excel_package` on the zip it already opened and keeps the result
on the document (``Document.package``), so the Excel app detector
(:mod:`scanners.apps.excel`) works from the document and the file is not opened and
parsed a second time.

Only reading happens here: the part listing and the small parts it points to
(:mod:`.ooxml_parts`), the code-holding parts (:mod:`.ooxml_sheets`), the VBA project's
bytes (in memory only, parsed later by :mod:`.vba`), and, for a workbook that may be an
app, the formula counts (the app detector uses them only when the workbook is one).
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass, field

from ..document import ReadError
from .ooxml_parts import VBA_PART, PackageFacts, PartList, count_formulas, package_facts, read_part
from .ooxml_sheets import WorkbookSheets, find_sheet_parts, read_workbook_sheets


@dataclass
class FormulaCount:
    """What :func:`~.ooxml_parts.count_formulas` found over the worksheets and macro sheets."""

    formulas: int = 0
    formula_hyperlinks: int = 0
    counted: bool = False


@dataclass
class ExcelPackage:
    """The zip-level inputs of the Excel app facts of one workbook."""

    #: listing facts (VBA part, ribbon, connections, links), macro and dialog sheet counts set
    facts: PackageFacts = field(default_factory=PackageFacts)
    #: the VBA project part's bytes (in memory only); None when there is none or it was unreadable
    vba_project: bytes | None = None
    #: the package names a VBA project part that could not be read
    vba_unreadable: bool = False
    #: hidden macro sheets and an Auto_Open name; None when not read (no code) or unreadable
    workbook: WorkbookSheets | None = None
    #: formula counts, read when the package has code, macro or dialog sheets or a ribbon
    formulas: FormulaCount | None = None
    #: why reading the package for app facts failed (the app detector then reports nothing)
    failure: str | None = None


def read_excel_package(zf: zipfile.ZipFile) -> ExcelPackage:
    """The app-detection inputs of an open OOXML zip; raises what the part readers raise."""
    pkg = package_facts(zf)
    sheets = find_sheet_parts(zf, PartList(zf))
    pkg.macro_sheets, pkg.dialog_sheets = len(sheets.macro), len(sheets.dialog)
    pkg.vba_part = pkg.vba_part or min(sheets.vba, default=None)     # a project under another name
    out = ExcelPackage(facts=pkg)
    if pkg.vba_part is not None:
        try:
            out.vba_project = read_part(zf, pkg.vba_part, VBA_PART)
        except ReadError:
            out.vba_unreadable = True
    if pkg.vba_part is not None or pkg.macro_sheets:
        try:
            out.workbook = read_workbook_sheets(zf, sheets)
        except ReadError:
            pass
    if pkg.vba_part is not None or pkg.macro_sheets or pkg.dialog_sheets or pkg.custom_ui:
        counts = PackageFacts()
        count_formulas(zf, counts, also=tuple(sheets.macro))
        out.formulas = FormulaCount(counts.formulas, counts.formula_hyperlinks, counts.formulas_counted)
    return out


def package_or_failure(zf: zipfile.ZipFile) -> ExcelPackage:
    """:func:`read_excel_package` for a data reader: a failure is kept on the result, so the
    workbook's data is read whatever its code parts hold."""
    try:
        return read_excel_package(zf)
    except ReadError as exc:
        return ExcelPackage(failure=str(exc) or "unreadable")
    except (MemoryError, RecursionError) as exc:
        return ExcelPackage(failure=type(exc).__name__)
    except Exception as exc:  # noqa: BLE001 - a library's failure on hostile input: the app facts' loss only
        return ExcelPackage(failure=f"app facts failed: {type(exc).__name__}")
