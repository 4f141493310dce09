"""Excel into the declarations: the department's template, filled in, read back.

:func:`import_declaration` reads a file written by
:func:`~inventory.declarations.excel_export.declaration_workbook` (its layout and the
spellings of its cells are in :mod:`inventory.declarations.excel_layout`).  Every row and
every field is checked (:func:`~inventory.declarations.workflow.check_values` plus
parsing), and all the problems are returned as (row, column, problem) with a Japanese
message; if there is any, nothing is written.  Otherwise every changed row is applied
through :func:`~inventory.declarations.editing.save_item` in the caller's transaction.

Error messages name a row number, a column header and the problem, never the content of a
cell.  Nothing here commits.
"""
from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass, field

from openpyxl import load_workbook

from inventory.declarations import editing
from inventory.declarations import workflow as decl
from inventory.declarations.excel_layout import (
    CHANGE_HEADER,
    ID_HEADER,
    READ_ONLY_HEADERS,
    SHEET_ITEMS,
    SHEET_META,
    TEMPLATE_FORMAT,
    TEMPLATE_HEADERS,
    TEMPLATE_MARKER,
    VERSION_HEADER,
    CellError,
    blank,
    integer,
    normal,
    parse_cell,
)
from inventory.declarations.fields import FIELD_BY_NAME, FIELDS, ItemField
from inventory.models import ITEM_CHANGE_LABELS, Declaration, DeclarationEvent, ItemChange
from inventory.xlsx_limits import WorkbookTooLarge, check_workbook

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED = 100 * 1024 * 1024
MAX_ROWS = 5000
#: counted in the file before parsing (inventory.xlsx_limits): rows of a sheet, blank ones
#: included; shared strings; columns read per row
MAX_SHEET_ROWS = 10_000
MAX_SHARED_STRINGS = 200_000
MAX_COLUMNS = 100

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
        if all(blank(v) for name, v in row.items() if name not in READ_ONLY_HEADERS):
            continue
        if len(found) >= MAX_ROWS:
            raise TemplateError("too_many_rows")
        found.append((number, row))
    return found


def _header_key(text) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).strip()


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
    if blank(value):
        return None
    parsed = integer(value)
    if parsed is None or parsed <= 0:
        found.append(ImportIssue(number, ID_HEADER, "bad_id"))
    return parsed if parsed and parsed > 0 else None


def _row_version(value, item, number: int, found: list) -> int | None:
    if item is None:
        found.append(ImportIssue(number, ID_HEADER, "unknown_id"))
        return None
    version = integer(value)
    if version is None:
        found.append(ImportIssue(number, VERSION_HEADER, "bad_version"))
    return version


CHANGE_WORDS = {**{label: code for code, label in ITEM_CHANGE_LABELS.items()},
                **{code: code for code in ITEM_CHANGE_LABELS}}


def _parse_change(value, number: int, found: list) -> bool:
    """Whether the row says 廃止 (the other 区分 are derived when the item is saved)."""
    if blank(value):
        return False
    code = CHANGE_WORDS.get(normal(value).lower())
    if code is None:
        found.append(ImportIssue(number, CHANGE_HEADER, "bad_change"))
        return False
    return code == ItemChange.abolished


def _parse_field(f: ItemField, value, number: int, found: list):
    """The typed value of one cell; a cell that cannot be read adds an issue and gives None."""
    try:
        return parse_cell(f, value)
    except CellError as problem:
        found.append(ImportIssue(number, f.ja, problem.code, number=problem.number))
        return None


def _differs(item, values: dict, abolish: bool) -> bool:
    """Whether a row asks for a change of the item (a field, or 廃止 set or undone)."""
    return bool(item.abolished) != abolish or _fields_differ(item, values)


def _fields_differ(item, values: dict) -> bool:
    """Whether a field of the row differs from the item (compared as the workflow compares them)."""
    return any(editing._comparable(getattr(item, name)) != editing._comparable(values[name])
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
    return tuple(editing._comparable(values.get(name)) if not isinstance(values.get(name), list)
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
        created = editing.save_item(session, user, declaration, None, row.values, None)
        created.origin = "import"
        session.add(created)
        result.created += 1
        return
    if not _differs(item, row.values, row.abolish):
        result.unchanged += 1
        return
    seen = row.version
    if _fields_differ(item, row.values):
        editing.save_item(session, user, declaration, item, row.values, seen)
        seen = item.version
    if bool(item.abolished) != row.abolish:
        editing.set_abolished(session, user, declaration, item, row.abolish, seen)
    result.updated += 1
