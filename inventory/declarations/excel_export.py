"""Excel out of the declarations (個人情報ファイル簿): one department's declaration in the import
template layout (:func:`declaration_workbook`): an item id column (a re-import updates the item
rather than adding a copy), 区分 (継続/変更/新規/廃止), every field, two read-only columns for
reference, a hidden 版 column (the item's version: the re-import is checked against it), a
hidden sheet of choice lists used by data validation, a sheet of instructions and a very
hidden sheet that names the declaration (a file that lacks it is not the template and is
refused by :mod:`inventory.declarations.excel_import`).  The sheets, columns and cell
spellings both share are in :mod:`inventory.declarations.excel_layout`.

The city's published ファイル簿 (xlsx, CSV, the printable page's rows) is
:mod:`inventory.declarations.publication`.  Nothing here writes to the registry.
"""
from __future__ import annotations

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
    Department,
    ItemChange,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: rows below the items that carry the choice lists (room to add items in Excel)
VALIDATION_SPARE_ROWS = 500


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
