"""Excel in and out of the declarations (個人情報ファイル簿).

Three files, all in Japanese (the wording of the law):

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
  names the declaration (a file that lacks it is not the template and is refused);
- that template filled in, read back by :func:`import_declaration`: every row and every
  field is checked (:func:`~inventory.declarations.workflow.check_values` plus parsing), and all the
  problems are returned as (row, column, problem) with a Japanese message; if there is
  any, nothing is written.  Otherwise every changed row is applied through
  :func:`~inventory.declarations.workflow.save_item` in the caller's transaction.

CSV in cp932 (Shift_JIS as Excel reads it): characters whose code point differs between
platforms but whose Shift_JIS code is the same (〜 ‖ − ¢ £ ¬ —, typed on a Mac or in a
browser) are mapped to the cp932 form first; any other character that cp932 cannot hold
makes :func:`filebook_csv` refuse with :class:`CsvEncodingError` naming the row and column
(never the text): a published register must not silently show "?" in place of a
character.  UTF-8 CSV and xlsx hold everything.

Error messages name a row number, a column header and the problem, never the content of a
cell.  Nothing here commits.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import func, select

from inventory import catalogue
from inventory.declarations import workflow as decl
from inventory.declarations.fields import EXEMPTIONS, FIELD_BY_NAME, FIELDS, ItemField
from inventory.models import (
    FILE_TYPE_LABELS,
    ITEM_CHANGE_LABELS,
    Declaration,
    DeclarationCampaign,
    DeclarationEvent,
    DeclarationItemAsset,
    DeclarationSnapshot,
    Department,
    ItemChange,
)
from inventory.labels import CATEGORY_LABELS as CATEGORY_MSGIDS
from inventory.xlsx_limits import WorkbookTooLarge, check_workbook

#: 記録項目: category code -> its Japanese label in the catalogue (as the web shows it), in the
#: scan record spec's order
CATEGORY_LABELS: dict[str, str] = catalogue.labels(CATEGORY_MSGIDS, "ja")
#: the shorter labels of the templates made before the one catalogue (issue 17): a template
#: filled in since is still read back
FORMER_CATEGORY_LABELS = {
    "name": "氏名", "name_kana": "カナ氏名", "address": "住所", "postal_code": "郵便番号",
    "phone": "電話番号", "email": "メール", "birth_date": "生年月日", "age": "年齢", "gender": "性別",
    "my_number": "個人番号", "resident_id": "宛名番号", "insurance_number": "被保険者番号等",
    "bank_account": "口座", "income": "所得・給与", "school": "学校・学年", "family": "世帯・続柄",
    "health": "心身の状況", "criminal_record": "犯罪歴", "creed_race": "信条・人種",
}
YES, NO = "有", "無"
PUBLISHED_FIELDS: tuple[ItemField, ...] = tuple(f for f in FIELDS if f.published)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILEBOOK_SHEET = "個人情報ファイル簿"
SHEET_ITEMS, SHEET_NOTES, SHEET_CHOICES, SHEET_META = "届出項目", "記入方法", "選択肢", "_template"
TEMPLATE_MARKER = "inventory:declaration-template"
TEMPLATE_FORMAT = 1
ID_HEADER, CHANGE_HEADER, VERSION_HEADER = "項目ID", "区分", "版"
PUBLISHED_HEADER, LINKS_HEADER = "公表（自動）", "紐付けファイル数（参考）"
#: the template's columns, in order: id, 区分, every field, read-only columns, the hidden version
TEMPLATE_HEADERS = (ID_HEADER, CHANGE_HEADER, *(f.ja for f in FIELDS), PUBLISHED_HEADER, LINKS_HEADER,
                    VERSION_HEADER)
READ_ONLY_HEADERS = (PUBLISHED_HEADER, LINKS_HEADER)
#: rows below the items that carry the choice lists (room to add items in Excel)
VALIDATION_SPARE_ROWS = 500

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED = 100 * 1024 * 1024
MAX_ROWS = 5000
#: counted in the file before parsing (inventory.xlsx_limits): rows of a sheet, blank ones
#: included; shared strings; columns read per row
MAX_SHEET_ROWS = 10_000
MAX_SHARED_STRINGS = 200_000
MAX_COLUMNS = 100
FORMULA_STARTS = ("=", "+", "-", "@")

#: characters that Mac/Unicode input and Windows spell differently for the same Shift_JIS code
CP932_SAME_CODE = str.maketrans({"\u301c": "\uff5e", "\u2016": "\u2225", "\u2212": "\uff0d",
                                 "\u00a2": "\uffe0", "\u00a3": "\uffe1", "\u00ac": "\uffe2",
                                 "\u2014": "\u2015"})


# --- cells: a field's value as the files spell it --------------------------------------------

def category_text(codes) -> str:
    """記録項目 codes as their labels, in the spec's order, joined by 、."""
    order = {code: n for n, code in enumerate(CATEGORY_LABELS)}
    ordered = sorted(codes or [], key=lambda c: (order.get(c, 99), str(c)))
    return "、".join(CATEGORY_LABELS.get(c, str(c)) for c in ordered)


def cell_value(f: ItemField, value):
    """The cell of field ``f`` for a stored ``value`` (labels for codes; numbers stay numbers)."""
    if f.kind == "categories":
        return category_text(value)
    if f.kind == "bool":
        return YES if value else NO
    if f.name == "file_type":
        return FILE_TYPE_LABELS.get(value, value or "")
    if f.name == "exemption":
        return EXEMPTIONS.get(value or "", value or "")
    if f.kind == "int":
        return value
    return value or ""


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


# --- the import ---------------------------------------------------------------------------------

#: the import's problems with a cell or row, in Japanese ({limit}: a length, {number}: a position)
ISSUE_MESSAGES = {
    "required": "入力が必要です。",
    "too_long": "{limit}文字以内で入力してください。",
    "not_count": "0 以上の整数（人数）を入力してください。",
    "choice": "選択肢の中から入力してください。",
    "not_bool": "「有」または「無」を入力してください。",
    "unknown_category": "記録項目の一覧にない名称があります（{number}番目）。一覧にない項目は「記録項目（その他）」に入力してください。",
    "bad_change": "継続・変更・新規・廃止のいずれかを入力してください。",
    "bad_id": "項目IDは数字です。新しい項目を追加するときは空欄にしてください。",
    "unknown_id": "この届出にない項目IDです。新しい項目として追加するときは項目IDを空欄にしてください。",
    "duplicate_id": "同じ項目IDが {number} 行目にもあります。",
    "bad_version": "版の列が読み取れません。届出をもう一度書き出してから編集してください。",
    "stale": "書き出しの後に他の人がこの項目を変更しました。届出をもう一度書き出してから編集してください。",
    "abolish_new": "今年度新規の項目は廃止にできません。不要な項目は画面から削除してください。",
}
#: problems with the file as a whole, in Japanese
FILE_MESSAGES = {
    "too_large": "ファイルが大きすぎます（5 MB まで）。",
    "not_xlsx": "Excel ブック（.xlsx）を選んでください。",
    "unreadable": "Excel ブックとして読み取れません。",
    "not_template": "届出の様式ではありません。この届出の画面から書き出した Excel ファイルを使ってください。",
    "other_declaration": "別の届出（別の年度または所属）から書き出したファイルです。この届出の画面から書き出したファイルを使ってください。",
    "too_many_rows": "行が多すぎます（5,000 行まで）。",
    "too_many_sheet_rows": "行が多すぎます（空の行も含めて 10,000 行まで）。",
    "too_many_strings": "セルの文字列の種類が多すぎます（200,000 種類まで）。",
}


class TemplateError(ValueError):
    """The upload is not this declaration's template (or not readable); ``code`` keys
    :data:`FILE_MESSAGES`."""

    def __init__(self, code: str):
        super().__init__(FILE_MESSAGES[code])
        self.code = code

    @property
    def message(self) -> str:
        return FILE_MESSAGES[self.code]


@dataclass
class ImportIssue:
    """A problem at ``row`` (the sheet's row number) in ``column`` (its header; "" for the row)."""
    row: int
    column: str
    code: str
    limit: int | None = None
    number: int | None = None

    @property
    def message(self) -> str:
        """The problem in Japanese (no cell content)."""
        return ISSUE_MESSAGES[self.code].format(limit=self.limit, number=self.number)


@dataclass
class ImportResult:
    """What an import did: nothing at all when ``issues`` is not empty."""
    issues: list[ImportIssue] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class _Row:
    number: int
    item_id: int | None
    abolish: bool
    version: int | None
    values: dict


def import_declaration(session, user, declaration: Declaration, data: bytes) -> ImportResult:
    """Read the template ``data`` into ``declaration``: all or nothing.

    Raises :class:`TemplateError` for a file that is not this declaration's template and
    :class:`~inventory.declarations.workflow.DeclarationError` when ``user`` may not edit it now.
    Returns the issues (nothing written, what was applied rolled back) or the counts
    (written, not committed: the caller commits).
    """
    if not decl.may_edit(session, user, declaration):
        raise decl.DeclarationError("forbidden", "you may not edit this declaration")
    table = read_template(data, declaration.id)
    items = {item.id: item for item in decl.items_of(session, declaration.id)}
    result = ImportResult()
    rows = _parse_rows(table, items, result.issues)
    if result.issues:
        return result
    stale_row = _apply(session, user, declaration, rows, items, result)
    if stale_row is not None:
        session.rollback()
        return ImportResult(issues=[ImportIssue(stale_row, "", "stale")])
    return result


def read_template(data: bytes, declaration_id: int) -> list[tuple[int, dict[str, object]]]:
    """(row number, header -> cell) of the items sheet of a template of ``declaration_id``."""
    if len(data) > MAX_IMPORT_BYTES:
        raise TemplateError("too_large")
    book = _open_workbook(data)
    try:
        return _read_book(book, declaration_id)
    except TemplateError:
        raise
    except Exception:        # openpyxl parses lazily: damaged XML shows up while reading rows
        raise TemplateError("unreadable") from None
    finally:
        book.close()


def _read_book(book, declaration_id: int) -> list[tuple[int, dict[str, object]]]:
    if SHEET_META not in book.sheetnames or SHEET_ITEMS not in book.sheetnames:
        raise TemplateError("not_template")
    meta = {str(k): v for k, v, *_ in book[SHEET_META].iter_rows(max_col=2, values_only=True) if k}
    if meta.get("marker") != TEMPLATE_MARKER or meta.get("format") != TEMPLATE_FORMAT:
        raise TemplateError("not_template")
    if meta.get("declaration_id") != declaration_id:
        raise TemplateError("other_declaration")
    return _item_rows(book[SHEET_ITEMS])


#: what inventory.xlsx_limits found too many -> the file problem
TOO_MANY = {"rows": "too_many_sheet_rows", "shared_strings": "too_many_strings"}


def _open_workbook(data: bytes):
    """The workbook, opened once its declared size, rows and shared strings are counted."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateError("not_xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise TemplateError("too_large")
        check_workbook(data, MAX_SHEET_ROWS, MAX_SHARED_STRINGS)
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except TemplateError:
        raise
    except WorkbookTooLarge as exc:
        raise TemplateError(TOO_MANY[exc.what]) from None
    except Exception:        # openpyxl raises many kinds on a damaged or foreign zip
        raise TemplateError("unreadable") from None


def _item_rows(sheet) -> list[tuple[int, dict[str, object]]]:
    rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    header = [_header_key(h) for h in next(rows, ())]
    wanted = {_header_key(h): h for h in TEMPLATE_HEADERS}
    if not set(wanted) <= set(header):
        raise TemplateError("not_template")
    where = {wanted[key]: header.index(key) for key in wanted}
    found = []
    for number, cells in enumerate(rows, 2):
        cells = tuple(cells) + (None,) * max(0, len(header) - len(cells))
        row = {name: cells[index] for name, index in where.items()}
        if all(_blank(v) for name, v in row.items() if name not in READ_ONLY_HEADERS):
            continue
        if len(found) >= MAX_ROWS:
            raise TemplateError("too_many_rows")
        found.append((number, row))
    return found


def _header_key(text) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).strip()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _parse_rows(table, items: dict, issues: list[ImportIssue]) -> list[_Row]:
    """Every row typed and checked; problems go to ``issues`` (every one, not only the first)."""
    rows, seen_ids = [], {}
    for number, cells in table:
        found: list[ImportIssue] = []
        item_id = _parse_id(cells[ID_HEADER], number, found)
        abolish = _parse_change(cells[CHANGE_HEADER], number, found)
        values = {}
        for f in FIELDS:
            values[f.name] = _parse_field(f, cells[f.ja], number, found)
        item = items.get(item_id)
        if item is None or _differs(item, values, abolish):
            _check_row(values, number, found)
        version = None
        if item_id is not None:
            if item_id in seen_ids:
                found.append(ImportIssue(number, ID_HEADER, "duplicate_id", number=seen_ids[item_id]))
            seen_ids.setdefault(item_id, number)
            version = _row_version(cells[VERSION_HEADER], items.get(item_id), number, found)
        if abolish and (item_id is None or (item_id in items and items[item_id].carried_from_id is None)):
            found.append(ImportIssue(number, CHANGE_HEADER, "abolish_new"))
        if item is not None and version is not None and version != item.version \
                and (found or _differs(item, values, abolish)):
            found.append(ImportIssue(number, "", "stale"))
        issues.extend(found)
        rows.append(_Row(number, item_id, abolish, version, values))
    return rows


def _check_row(values: dict, number: int, found: list) -> None:
    """The workflow's checks of a row that will be written (a row equal to its item is left
    as it is, even if it is incomplete: submitting the declaration checks that)."""
    unreadable = {i.column for i in found}
    for problem in decl.check_values(values):
        label = FIELD_BY_NAME[problem.field].ja
        if label not in unreadable:
            found.append(ImportIssue(number, label, problem.code, limit=problem.limit))


def _parse_id(value, number: int, found: list) -> int | None:
    if _blank(value):
        return None
    parsed = _integer(value)
    if parsed is None or parsed <= 0:
        found.append(ImportIssue(number, ID_HEADER, "bad_id"))
    return parsed if parsed and parsed > 0 else None


def _row_version(value, item, number: int, found: list) -> int | None:
    if item is None:
        found.append(ImportIssue(number, ID_HEADER, "unknown_id"))
        return None
    version = _integer(value)
    if version is None:
        found.append(ImportIssue(number, VERSION_HEADER, "bad_version"))
    return version


CHANGE_WORDS = {**{label: code for code, label in ITEM_CHANGE_LABELS.items()},
                **{code: code for code in ITEM_CHANGE_LABELS}}


def _parse_change(value, number: int, found: list) -> bool:
    """Whether the row says 廃止 (the other 区分 are derived when the item is saved)."""
    if _blank(value):
        return False
    code = CHANGE_WORDS.get(_normal(value).lower())
    if code is None:
        found.append(ImportIssue(number, CHANGE_HEADER, "bad_change"))
        return False
    return code == ItemChange.abolished


def _parse_field(f: ItemField, value, number: int, found: list):
    """The typed value of one cell; a cell that cannot be read adds an issue and gives None."""
    parse = {"categories": _parse_categories, "bool": _parse_bool, "int": _parse_count,
             "choice": _parse_choice}.get(f.kind, _parse_text)
    try:
        return parse(f, value)
    except _CellError as problem:
        found.append(ImportIssue(number, f.ja, problem.code, number=problem.number))
        return None


class _CellError(ValueError):
    def __init__(self, code: str, number: int | None = None):
        super().__init__(code)
        self.code, self.number = code, number


def _normal(value) -> str:
    """NFKC (full-width letters and digits to ASCII), outer spaces removed."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def _parse_text(_f: ItemField, value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).strip()


def _integer(value) -> int | None:
    """An integer from a number cell or text ("1,234", "１２３４", "1234人"); None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _normal(value).replace(",", "").replace(" ", "").removesuffix("人")
    sign = -1 if text.startswith("-") else 1
    digits = text.removeprefix("-")
    return sign * int(digits) if digits.isascii() and digits.isdigit() else None


def _parse_count(_f: ItemField, value) -> int | None:
    if _blank(value):
        return None
    number = _integer(value)
    if number is None or number < 0:
        raise _CellError("not_count")
    return number


BOOL_WORDS = {"有": True, "有り": True, "あり": True, "○": True, "〇": True, "◯": True, "yes": True,
              "true": True, "1": True, "無": False, "無し": False, "なし": False, "×": False, "✕": False,
              "no": False, "false": False, "0": False, "-": False}


def _parse_bool(_f: ItemField, value) -> bool:
    if _blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    found = BOOL_WORDS.get(_normal(value).lower())
    if found is None:
        raise _CellError("not_bool")
    return found


FILE_TYPE_WORDS = {**{label: code for code, label in FILE_TYPE_LABELS.items()},
                   **{code: code for code in FILE_TYPE_LABELS},
                   "電算": "electronic", "電算処理ファイル": "electronic", "マニュアル": "manual",
                   "マニュアル処理ファイル": "manual", "紙": "manual"}
KANJI_NUMBERS = {k: str(n) for n, k in enumerate("一二三四五六七八九十", 1)}
NO_EXEMPTION = {"", "該当なし", "なし", "無", "無し", "-", "none"}


def _parse_choice(f: ItemField, value) -> str:
    if _blank(value):
        return ""
    text = _normal(value)
    if f.name == "file_type":
        found = FILE_TYPE_WORDS.get(text) or FILE_TYPE_WORDS.get(text.lower())
    elif f.name == "exemption":
        found = _exemption_code(text)
    else:
        found = text if text in f.choices else None
    if found is None:
        raise _CellError("choice")
    return found


def _exemption_code(text: str) -> str | None:
    """"" / 該当なし, "3", "第3号", "第三号", or a whole label of :data:`EXEMPTIONS` -> its code."""
    if text.lower() in NO_EXEMPTION:
        return ""
    head = text.split()[0] if text.split() else text
    head = head.removeprefix("第").removesuffix("号")
    head = KANJI_NUMBERS.get(head, head)
    if head.isascii() and head.isdigit() and str(int(head)) in EXEMPTIONS and int(head) > 0:
        return str(int(head))
    for code, label in EXEMPTIONS.items():
        if _normal(label) == text:
            return code
    return None


#: what a 記録項目 cell may name a category by: its label (the catalogue's Japanese, or a former
#: template's) or its code
CATEGORY_WORDS = {**{_normal(label): code for code, label in FORMER_CATEGORY_LABELS.items()},
                  **{_normal(label): code for code, label in CATEGORY_LABELS.items()},
                  **{code: code for code in CATEGORY_LABELS}}
CATEGORY_SEPARATORS = str.maketrans({c: "、" for c in ",，;；/\n\r\t"})


def _parse_categories(_f: ItemField, value) -> list[str]:
    """Category labels (or codes) separated by 、 , ; / or line breaks -> codes, in order."""
    if _blank(value):
        return []
    codes = []
    parts = [p.strip() for p in str(value).translate(CATEGORY_SEPARATORS).split("、")]
    for n, part in enumerate([p for p in parts if p], 1):
        code = CATEGORY_WORDS.get(_normal(part)) or CATEGORY_WORDS.get(_normal(part).lower())
        if code is None:
            raise _CellError("unknown_category", number=n)
        if code not in codes:
            codes.append(code)
    return codes


def _differs(item, values: dict, abolish: bool) -> bool:
    """Whether a row asks for a change of the item (a field, or 廃止 set or undone)."""
    return bool(item.abolished) != abolish or _fields_differ(item, values)


def _fields_differ(item, values: dict) -> bool:
    """Whether a field of the row differs from the item (compared as the workflow compares them)."""
    return any(decl._comparable(getattr(item, name)) != decl._comparable(values[name])
               for name in FIELD_BY_NAME)


def _apply(session, user, declaration: Declaration, rows: list[_Row], items: dict,
           result: ImportResult) -> int | None:
    """Write every changed row (one transaction, the caller's); record one "import" event.
    Returns the row number of an item someone changed meanwhile (then the caller rolls back)."""
    known = {_signature(decl.item_dict(item)) for item in items.values()}
    for row in rows:
        try:
            _apply_row(session, user, declaration, row, items.get(row.item_id), result, known)
        except decl.StaleError:
            return row.number
    if result.created or result.updated:
        session.add(DeclarationEvent(
            declaration_id=declaration.id, user_id=getattr(user, "id", None), action="import",
            from_status=declaration.status, to_status=declaration.status,
            comment=f"Excel 取り込み: 追加 {result.created} 件、変更 {result.updated} 件、"
                    f"変更なし {result.unchanged} 件"))
        session.flush()
    return None


def _signature(values: dict) -> tuple:
    return tuple(decl._comparable(values.get(name)) if not isinstance(values.get(name), list)
                 else tuple(sorted(values[name])) for name in FIELD_BY_NAME)


def _apply_row(session, user, declaration: Declaration, row: _Row, item, result: ImportResult,
               known: set) -> None:
    """Create, update, abolish (or un-abolish) one item, or count it unchanged.  A new row
    equal in every field to an item of the declaration is not added again (the same file
    uploaded twice adds its new rows once)."""
    if item is None:
        if _signature(row.values) in known:
            result.unchanged += 1
            return
        known.add(_signature(row.values))
        created = decl.save_item(session, user, declaration, None, row.values, None)
        created.origin = "import"
        session.add(created)
        result.created += 1
        return
    if not _differs(item, row.values, row.abolish):
        result.unchanged += 1
        return
    seen = row.version
    if _fields_differ(item, row.values):
        decl.save_item(session, user, declaration, item, row.values, seen)
        seen = item.version
    if bool(item.abolished) != row.abolish:
        decl.set_abolished(session, user, declaration, item, row.abolish, seen)
    result.updated += 1
