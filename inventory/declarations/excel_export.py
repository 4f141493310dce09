"""Excel and CSV out of the declarations (個人情報ファイル簿).

Two files, all in Japanese (the wording of the law):

- the city's published ファイル簿 of a campaign (:func:`filebook_xlsx`, :func:`filebook_csv`):
  the published, non-abolished items of each department's latest accepted version
  (its newest :class:`~inventory.models.DeclarationSnapshot`), departments by code and
  items by position, one column per published field of
  :data:`~inventory.declarations.fields.FIELDS` under its ``ja`` label, in that order;
- one department's declaration in the import template layout (:func:`declaration_workbook`):
  an item id column (a re-import updates the item rather than adding a copy), 区分
  (継続/変更/新規/廃止), every field, two read-only columns for reference, a hidden 版 column
  (the item's version: the re-import is checked against it), a hidden sheet of choice
  lists used by data validation, a sheet of instructions and a very hidden sheet that
  names the declaration (a file that lacks it is not the template and is refused by
  :mod:`inventory.declarations.excel_import`).  The sheets, columns and cell spellings both
  share are in :mod:`inventory.declarations.excel_layout`.

CSV in cp932 (Shift_JIS as Excel reads it): characters whose code point differs between
platforms but whose Shift_JIS code is the same (〜 ‖ − ¢ £ ¬ —, typed on a Mac or in a
browser) are mapped to the cp932 form first; any other character that cp932 cannot hold
makes :func:`filebook_csv` refuse with :class:`CsvEncodingError` naming the row and column
(never the text): a published register must not silently show "?" in place of a
character.  UTF-8 CSV and xlsx hold everything.  Nothing here writes to the registry.
"""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import func, select

from inventory.declarations import workflow as decl
from inventory.declarations.excel_layout import (
    CATEGORY_LABELS,
    CHANGE_HEADER,
    ID_HEADER,
    NO,
    PUBLISHED_FIELDS,
    READ_ONLY_HEADERS,
    SHEET_CHOICES,
    SHEET_ITEMS,
    SHEET_META,
    SHEET_NOTES,
    TEMPLATE_FORMAT,
    TEMPLATE_HEADERS,
    TEMPLATE_MARKER,
    VERSION_HEADER,
    YES,
    cell_value,
)
from inventory.declarations.fields import EXEMPTIONS, FIELD_BY_NAME, FIELDS, ItemField
from inventory.models import (
    FILE_TYPE_LABELS,
    ITEM_CHANGE_LABELS,
    Declaration,
    DeclarationCampaign,
    DeclarationItemAsset,
    DeclarationSnapshot,
    Department,
    ItemChange,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILEBOOK_SHEET = "個人情報ファイル簿"
#: rows below the items that carry the choice lists (room to add items in Excel)
VALIDATION_SPARE_ROWS = 500
FORMULA_STARTS = ("=", "+", "-", "@")

#: characters that Mac/Unicode input and Windows spell differently for the same Shift_JIS code
CP932_SAME_CODE = str.maketrans({"\u301c": "\uff5e", "\u2016": "\u2225", "\u2212": "\uff0d",
                                 "\u00a2": "\uffe0", "\u00a3": "\uffe1", "\u00ac": "\uffe2",
                                 "\u2014": "\u2015"})


# --- the published ファイル簿 -------------------------------------------------------------------

def published_items(session, campaign: DeclarationCampaign) -> list[dict]:
    """The published, non-abolished items of each department's latest accepted version in
    ``campaign`` (departments by code, items by position).  Two queries."""
    declarations = session.execute(
        select(Declaration.id).join(Department, Department.id == Declaration.department_id)
        .where(Declaration.campaign_id == campaign.id, Declaration.history_no > 0)
        .order_by(Department.code, Department.id)).scalars().all()
    if not declarations:
        return []
    newest = (select(DeclarationSnapshot.declaration_id, func.max(DeclarationSnapshot.history_no).label("n"))
              .where(DeclarationSnapshot.declaration_id.in_(declarations))
              .group_by(DeclarationSnapshot.declaration_id).subquery())
    frozen = dict(session.execute(
        select(DeclarationSnapshot.declaration_id, DeclarationSnapshot.items)
        .join(newest, (newest.c.declaration_id == DeclarationSnapshot.declaration_id)
              & (newest.c.n == DeclarationSnapshot.history_no))).all())
    items = []
    for declaration_id in declarations:
        kept = [i for i in frozen.get(declaration_id) or [] if i.get("published") and not i.get("abolished")]
        items.extend(sorted(kept, key=lambda i: (i.get("position") or 0, i.get("id") or 0)))
    return items


def filebook_rows(session, campaign: DeclarationCampaign) -> list[list]:
    """The register as rows of cells: the header (the law's wording) then one row per item."""
    rows = [[f.ja for f in PUBLISHED_FIELDS]]
    for item in published_items(session, campaign):
        rows.append([cell_value(f, item.get(f.name)) for f in PUBLISHED_FIELDS])
    return rows


def filebook_xlsx(session, campaign: DeclarationCampaign) -> bytes:
    """The published ファイル簿 as an xlsx workbook (text cells are never formulas)."""
    book = Workbook()
    sheet = book.active
    sheet.title = FILEBOOK_SHEET
    for row in filebook_rows(session, campaign):
        _append(sheet, row)
    _style_header(sheet, [30] * len(PUBLISHED_FIELDS))
    return _saved(book)


class CsvEncodingError(ValueError):
    """A character cp932 cannot hold: ``row`` (1 = the header) and ``column`` (its header)."""

    def __init__(self, row: int, column: str):
        super().__init__(f"row {row}, column {column}: a character cp932 cannot encode")
        self.row, self.column = row, column


def filebook_csv(session, campaign: DeclarationCampaign, encoding: str = "utf-8-sig") -> bytes:
    """The published ファイル簿 as CSV: UTF-8 with BOM (``utf-8-sig``, the default) or ``cp932``.

    Raises :class:`CsvEncodingError` for a character cp932 lacks (see the module docstring)."""
    if encoding not in ("utf-8-sig", "cp932"):
        raise ValueError(f"unsupported encoding {encoding!r}")
    rows = [[_csv_text(cell) for cell in row] for row in filebook_rows(session, campaign)]
    if encoding == "cp932":
        rows = [[text.translate(CP932_SAME_CODE) for text in row] for row in rows]
        _check_cp932(rows)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def _check_cp932(rows: list[list[str]]) -> None:
    for number, row in enumerate(rows, 1):
        for column, text in enumerate(row):
            try:
                text.encode("cp932")
            except UnicodeEncodeError:
                raise CsvEncodingError(number, rows[0][column]) from None


def _csv_text(value) -> str:
    """A cell as CSV text; text a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_STARTS) else text


# --- the department's template ----------------------------------------------------------------

def declaration_workbook(session, declaration: Declaration) -> bytes:
    """One declaration in the import template layout (see the module docstring)."""
    campaign = session.get(DeclarationCampaign, declaration.campaign_id)
    department = session.get(Department, declaration.department_id)
    items = decl.items_of(session, declaration.id)
    links = dict(session.execute(
        select(DeclarationItemAsset.item_id, func.count()).where(
            DeclarationItemAsset.item_id.in_([i.id for i in items] or [-1]))
        .group_by(DeclarationItemAsset.item_id)).all())
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_ITEMS
    _append(sheet, list(TEMPLATE_HEADERS))
    for item in items:
        values = decl.item_dict(item)
        _append(sheet, [item.id, ITEM_CHANGE_LABELS.get(item.change, item.change),
                        *(cell_value(f, values[f.name]) for f in FIELDS),
                        YES if item.published else NO, links.get(item.id, 0), item.version])
    _style_header(sheet, [8, 8, *(_width(f) for f in FIELDS), 10, 12, 4])
    _mark_read_only(sheet, len(items))
    sheet.freeze_panes = "C2"
    _notes(book, campaign, department)
    _choice_lists(book, sheet, len(items))
    _meta(book, declaration, campaign, department)
    return _saved(book)


def _width(f: ItemField) -> int:
    return 10 if f.kind in ("bool", "int", "choice") and f.name != "exemption" else 28


def _append(sheet, cells: list) -> None:
    """Append a row; text is always stored as text (a leading "=" never makes a formula)."""
    sheet.append(cells)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _style_header(sheet, widths: list[int]) -> None:
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DBE7F6")
    wrap = Alignment(wrap_text=True, vertical="top")
    for column, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
        cell = sheet.cell(row=1, column=column)
        cell.font, cell.fill, cell.alignment = bold, fill, wrap


def _mark_read_only(sheet, item_count: int) -> None:
    """Grey the id and read-only columns; hide the version column."""
    grey = PatternFill("solid", fgColor="EEEEEE")
    for header in (ID_HEADER, *READ_ONLY_HEADERS):
        column = TEMPLATE_HEADERS.index(header) + 1
        for row in range(2, item_count + 2):
            sheet.cell(row=row, column=column).fill = grey
    version = get_column_letter(TEMPLATE_HEADERS.index(VERSION_HEADER) + 1)
    sheet.column_dimensions[version].hidden = True


#: the template's choice lists: header -> the labels offered (the import accepts more spellings)
def _choices() -> dict[str, list[str]]:
    return {
        CHANGE_HEADER: [ITEM_CHANGE_LABELS[c] for c in ItemChange],
        FIELD_BY_NAME["sensitive"].ja: [YES, NO],
        FIELD_BY_NAME["file_type"].ja: list(FILE_TYPE_LABELS.values()),
        FIELD_BY_NAME["exemption"].ja: list(EXEMPTIONS.values()),
    }


def _choice_lists(book, sheet, item_count: int) -> None:
    """A hidden sheet of the lists, and list validation on their columns."""
    lists = book.create_sheet(SHEET_CHOICES)
    last_row = item_count + 1 + VALIDATION_SPARE_ROWS
    for n, (header, labels) in enumerate(_choices().items(), 1):
        letter = get_column_letter(n)
        lists.cell(row=1, column=n, value=header)
        for row, text in enumerate(labels, 2):
            lists.cell(row=row, column=n, value=text)
        rule = DataValidation(type="list", formula1=f"'{SHEET_CHOICES}'!${letter}$2:${letter}${len(labels) + 1}",
                              allow_blank=True, showErrorMessage=True, errorTitle=header,
                              error="一覧から選んでください。")
        target = get_column_letter(TEMPLATE_HEADERS.index(header) + 1)
        rule.add(f"{target}2:{target}{last_row}")
        sheet.add_data_validation(rule)
    lists.sheet_state = "hidden"


NOTES = (
    "1 行に 1 つの個人情報ファイルを記入します。1 行目の見出しは変更しないでください。",
    "項目IDは変更しないでください。新しいファイルを追加するときは項目IDを空欄にして行を追加します。",
    "区分: 継続・変更・新規は登録時に自動で判定されます。前年度から引き継いだファイルをやめるときは「廃止」にします。",
    "要配慮個人情報: 有 または 無（○・× も可）。種別: 電算処理 または マニュアル処理。",
    "本人の数: 数字（全角・桁区切りのカンマも可）。適用除外: 該当なし、または 第1号〜第10号。",
    "記録項目: 次の一覧の名称を「、」で区切って記入します。一覧にない項目は「記録項目（その他）」に記入します。",
    "公表（自動）と紐付けファイル数（参考）は取り込みでは使いません。",
    "取り込みでは全行を確認し、1 か所でも誤りがあれば何も登録しません（誤りは行と列の一覧で表示されます）。",
)


def _notes(book, campaign: DeclarationCampaign, department: Department) -> None:
    notes = book.create_sheet(SHEET_NOTES)
    _append(notes, [f"{campaign.fiscal_year}年度 個人情報ファイル簿 届出（{department.code} {department.name}）"])
    for line in NOTES:
        _append(notes, [line])
    _append(notes, [""])
    _append(notes, ["記録項目の名称"])
    for label in CATEGORY_LABELS.values():
        _append(notes, [label])
    notes.column_dimensions["A"].width = 110


def _meta(book, declaration: Declaration, campaign: DeclarationCampaign, department: Department) -> None:
    """The very hidden sheet that makes the file a template of this declaration."""
    meta = book.create_sheet(SHEET_META)
    for key, value in (("marker", TEMPLATE_MARKER), ("format", TEMPLATE_FORMAT),
                       ("declaration_id", declaration.id), ("fiscal_year", campaign.fiscal_year),
                       ("department_code", department.code)):
        _append(meta, [key, value])
    meta.sheet_state = "veryHidden"


def _saved(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
