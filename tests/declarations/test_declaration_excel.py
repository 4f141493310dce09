"""Excel in and out of the declarations: a department's template and its import (all rows
checked, errors per row and field in Japanese, nothing half-imported), on SQLite and
PostgreSQL.  The published ファイル簿 is tests/declarations/test_publication.py.

The registry is the web fixtures' (tests/web_fixtures.py): 介護保険課 (301) holds two
personal-data files (40 people each), 職員課 (101) one.
"""
from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from test_declarations import complete, declaration_of, open_2026, user

from inventory.declarations import excel_export, excel_import, excel_layout
from inventory.declarations import editing
from inventory.declarations import workflow as decl
from inventory.declarations.fields import FIELD_BY_NAME, FIELDS
from inventory.models import AuditEvent, DeclarationEvent, DeclarationItem

COL = {h: n for n, h in enumerate(excel_layout.TEMPLATE_HEADERS, 1)}


@pytest.fixture
def db(app):
    with app.extensions["registry"].sessions() as session:
        yield session


def items_by_name(db, declaration) -> dict[str, DeclarationItem]:
    return {i.file_name: i for i in decl.items_of(db, declaration.id)}


def accept(db, declaration, code: str, **changes_by_name) -> None:
    """Fill every item (with per-file changes), submit, approve and accept."""
    clerk = user(db, "clerk_a" if code == "301" else "clerk_b")
    for item in decl.items_of(db, declaration.id):
        editing.save_item(db, clerk, declaration, item, complete(item, **changes_by_name.get(item.file_name, {})),
                          item.version)
    decl.act(db, clerk, declaration, "submit", declaration.version)
    decl.act(db, user(db, "head_a" if code == "301" else "head_b"), declaration, "approve", declaration.version)
    decl.act(db, user(db, "privacy"), declaration, "accept", declaration.version)
    db.commit()


def sheet_rows(data: bytes, sheet: str | None = None) -> list[list]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    rows = [list(r) for r in (book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True)]
    book.close()
    return rows


# --- the template and its import -------------------------------------------------------------

def edit_template(data: bytes, edits: dict[int, dict[str, object]], new_rows=()) -> bytes:
    """Change cells of the template as a person would in Excel: {row: {header: value}}, then
    append ``new_rows`` ({header: value} each).  Text is typed as text (never a formula)."""
    book = load_workbook(io.BytesIO(data))
    sheet = book[excel_layout.SHEET_ITEMS]

    def put(row: int, header: str, value) -> None:
        cell = sheet.cell(row=row, column=COL[header], value=value)
        if isinstance(value, str):
            cell.data_type = "s"

    for row, cells in edits.items():
        for header, value in cells.items():
            put(row, header, value)
    for cells in new_rows:
        row = sheet.max_row + 1
        for header, value in cells.items():
            put(row, header, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row_of(data: bytes, file_name: str) -> int:
    rows = sheet_rows(data, excel_layout.SHEET_ITEMS)
    index = next(n for n, r in enumerate(rows) if r[COL["個人情報ファイルの名称"] - 1] == file_name)
    return index + 1


def state(db, declaration) -> tuple:
    """Everything an import may touch, to prove that nothing changed."""
    db.expire_all()
    items = sorted((i.id, i.version, i.abolished, tuple(sorted(decl.item_dict(i).items(), key=str)))
                   for i in decl.items_of(db, declaration.id))
    return (items, db.scalar(select(func.count()).select_from(AuditEvent)),
            db.get(type(declaration), declaration.id).version)


def test_template_layout_choices_and_hidden_parts(db):
    campaign = open_2026(db)
    d = declaration_of(db, campaign, "301")
    data = excel_export.declaration_workbook(db, d)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == [excel_layout.SHEET_ITEMS, excel_layout.SHEET_NOTES, excel_layout.SHEET_CHOICES,
                               excel_layout.SHEET_META]
    assert (book[excel_layout.SHEET_CHOICES].sheet_state,
            book[excel_layout.SHEET_META].sheet_state) == ("hidden", "veryHidden")
    sheet = book[excel_layout.SHEET_ITEMS]
    assert [c.value for c in sheet[1]] == list(excel_layout.TEMPLATE_HEADERS)
    assert [f.ja for f in FIELDS] == list(excel_layout.TEMPLATE_HEADERS[2:2 + len(FIELDS)])
    version_letter = sheet.cell(row=1, column=COL["版"]).column_letter
    assert sheet.column_dimensions[version_letter].hidden
    rows = {r[COL["個人情報ファイルの名称"] - 1]: r for r in sheet_rows(data, excel_layout.SHEET_ITEMS)[1:]}
    assert set(rows) == {"台帳", "認定者一覧"}
    first = rows["認定者一覧"]
    assert first[COL["区分"] - 1] == "新規" and first[COL["本人の数"] - 1] == 40
    assert first[COL["要配慮個人情報が含まれるときは、その旨"] - 1] == "有"
    assert first[COL["適用除外（法第74条第2項）"] - 1] == "該当なし"
    validated = {str(rule.sqref).split(":")[0]: rule.formula1 for rule in sheet.data_validations.dataValidation}
    for header in ("区分", "要配慮個人情報が含まれるときは、その旨", "個人情報ファイルの種別",
                   "適用除外（法第74条第2項）"):
        letter = sheet.cell(row=1, column=COL[header]).column_letter
        assert f"{letter}2" in validated and validated[f"{letter}2"].startswith("'選択肢'!")


def test_round_trip_export_edit_import_updates_adds_and_never_duplicates(db):
    campaign = open_2026(db)
    d = declaration_of(db, campaign, "301")
    clerk = user(db, "clerk_a")
    before = items_by_name(db, d)
    data = excel_export.declaration_workbook(db, d)
    row = row_of(data, "認定者一覧")
    edited = edit_template(data, {row: {
        "事務の名称": "要介護認定事務", "個人情報ファイルが利用に供される事務をつかさどる組織の名称": "介護保険課",
        "個人情報ファイルの利用目的": "=要介護認定の審査のため", "記録範囲": "申請者",
        "本人の数": "１，２３４人", "記録項目": "氏名, 住所、生年月日", "要配慮個人情報が含まれるときは、その旨": "×",
        "適用除外（法第74条第2項）": "第３号", "個人情報ファイルの種別": "マニュアル"}},
        new_rows=[{"個人情報ファイルの名称": "紙の申請書綴り", "個人情報ファイルが利用に供される事務をつかさどる組織の名称": "介護保険課",
                   "事務の名称": "要介護認定事務", "個人情報ファイルの利用目的": "申請の受付", "記録範囲": "申請者",
                   "個人情報ファイルの種別": "マニュアル処理", "本人の数": 1500, "要配慮個人情報が含まれるときは、その旨": "○"}])
    result = excel_import.import_declaration(db, clerk, d, edited)
    assert result.issues == []
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    db.commit()
    after = items_by_name(db, d)
    assert set(after) == {"台帳", "認定者一覧", "紙の申請書綴り"}
    changed = after["認定者一覧"]
    assert changed.id == before["認定者一覧"].id
    assert (changed.purpose, changed.subject_count, changed.sensitive, changed.exemption, changed.file_type) == (
        "=要介護認定の審査のため", 1234, False, "3", "manual")
    assert changed.record_categories == ["name", "address", "birth_date"] and not changed.published
    new = after["紙の申請書綴り"]
    assert (new.origin, new.change, new.sensitive, new.subject_count, new.published) == (
        "import", "new", True, 1500, True)
    assert after["台帳"].version == before["台帳"].version            # an unchanged row is not rewritten
    event = db.execute(select(DeclarationEvent).where(DeclarationEvent.declaration_id == d.id,
                                                      DeclarationEvent.action == "import")).scalar_one()
    assert "追加 1 件" in event.comment
    again = excel_import.import_declaration(db, clerk, d, edited)            # the same file uploaded twice
    assert (again.issues, again.created, again.updated, again.unchanged) == ([], 0, 0, 3)
    fresh = excel_export.declaration_workbook(db, d)
    result = excel_import.import_declaration(db, clerk, d, fresh)              # a fresh export changes nothing
    assert (result.issues, result.created, result.updated, result.unchanged) == ([], 0, 0, 3)


def test_every_error_is_listed_by_row_and_field_in_japanese_and_nothing_is_imported(db):
    campaign = open_2026(db)
    d = declaration_of(db, campaign, "301")
    data = excel_export.declaration_workbook(db, d)
    first, second = row_of(data, "台帳"), row_of(data, "認定者一覧")
    edited = edit_template(data, {
        first: {"個人情報ファイルの種別": "紙袋", "本人の数": "約40", "要配慮個人情報が含まれるときは、その旨": "たぶん",
                "事務の名称": "台帳事務", "個人情報ファイルの利用目的": "x", "記録範囲": "y"},
        second: {"記録項目": "氏名、血液型", "個人情報ファイルの名称": "長" * 201, "区分": "継承",
                 "適用除外（法第74条第2項）": "第11号"}},
        new_rows=[{"項目ID": "abc", "個人情報ファイルの名称": "新規"}, {"項目ID": 999999, "個人情報ファイルの名称": "x"}])
    before = state(db, d)
    result = excel_import.import_declaration(db, user(db, "clerk_a"), d, edited)
    found = {(i.row, i.column, i.code) for i in result.issues}
    new1, new2 = max(first, second) + 1, max(first, second) + 2
    label = {name: f.ja for name, f in FIELD_BY_NAME.items()}
    expected = {
        (first, label["file_type"], "choice"), (first, label["subject_count"], "not_count"),
        (first, label["sensitive"], "not_bool"),
        (second, label["record_categories"], "unknown_category"), (second, label["file_name"], "too_long"),
        (second, "区分", "bad_change"), (second, label["exemption"], "choice"),
        (second, label["business_name"], "required"), (second, label["purpose"], "required"),
        (second, label["record_scope"], "required"),
        (new1, "項目ID", "bad_id"), (new1, label["organisation"], "required"),
        (new1, label["business_name"], "required"),
        (new2, "項目ID", "unknown_id"),
    }
    assert expected <= found
    messages = {(i.row, i.code): i.message for i in result.issues}
    assert messages[(second, "unknown_category")].startswith("記録項目の一覧にない名称があります（2番目）")
    assert messages[(second, "too_long")] == "200文字以内で入力してください。"
    assert messages[(first, "choice")] == "選択肢の中から入力してください。"
    assert all("血液型" not in m and "紙袋" not in m and "たぶん" not in m for m in messages.values())
    assert state(db, d) == before


def test_a_row_changed_by_someone_else_since_the_export_is_refused_and_nothing_is_written(db):
    campaign = open_2026(db)
    d = declaration_of(db, campaign, "301")
    data = excel_export.declaration_workbook(db, d)
    clerk = user(db, "clerk_a")
    ledger = items_by_name(db, d)["台帳"]
    editing.save_item(db, clerk, d, ledger, complete(ledger, purpose="別の人の入力"), ledger.version)
    db.commit()
    mine = {"個人情報ファイルの利用目的": "私の入力", "事務の名称": "介護認定事務", "記録範囲": "申請者",
            "個人情報ファイルが利用に供される事務をつかさどる組織の名称": "介護保険課"}
    edited = edit_template(data, {row_of(data, "台帳"): mine},
                           new_rows=[{"個人情報ファイルの名称": "追加", "個人情報ファイルが利用に供される事務をつかさどる組織の名称": "介護保険課",
                                      "事務の名称": "事務", "個人情報ファイルの利用目的": "目的", "記録範囲": "範囲",
                                      "個人情報ファイルの種別": "電算処理"}])
    before = state(db, d)
    result = excel_import.import_declaration(db, clerk, d, edited)
    assert [(i.row, i.code) for i in result.issues] == [(row_of(data, "台帳"), "stale")]
    assert state(db, d) == before
    assert items_by_name(db, d)["台帳"].purpose == "別の人の入力"


def test_abolishing_through_the_template_applies_to_carried_items_only(db):
    campaign = open_2026(db)
    accept(db, declaration_of(db, campaign, "301"), "301")
    c2027 = decl.open_campaign(db, None, 2027, dt.date(2027, 5, 1), dt.date(2027, 6, 30), publish_threshold=30)
    db.commit()
    d = declaration_of(db, c2027, "301")
    data = excel_export.declaration_workbook(db, d)
    assert {r[COL["区分"] - 1] for r in sheet_rows(data, excel_layout.SHEET_ITEMS)[1:]} == {"継続"}
    refused = edit_template(data, {row_of(data, "台帳"): {"区分": "廃止"}},
                            new_rows=[{"区分": "廃止", "個人情報ファイルの名称": "x"}])
    result = excel_import.import_declaration(db, user(db, "clerk_a"), d, refused)
    assert ("abolish_new", "区分") in {(i.code, i.column) for i in result.issues}
    ok = edit_template(data, {row_of(data, "台帳"): {"区分": "廃止"}})
    result = excel_import.import_declaration(db, user(db, "clerk_a"), d, ok)
    assert (result.issues, result.updated) == ([], 1)
    db.commit()
    ledger = items_by_name(db, d)["台帳"]
    assert ledger.abolished and ledger.change == "abolished"


@pytest.mark.parametrize("kind", ["plain workbook", "csv", "other declaration", "no header"])
def test_a_file_that_is_not_this_declarations_template_is_refused(db, kind):
    campaign = open_2026(db)
    d = declaration_of(db, campaign, "301")
    if kind == "plain workbook":
        book = Workbook()
        book.active.append(list(excel_layout.TEMPLATE_HEADERS))
        out = io.BytesIO()
        book.save(out)
        data, code = out.getvalue(), "not_template"
    elif kind == "csv":
        data, code = ",".join(excel_layout.TEMPLATE_HEADERS).encode("utf-8-sig"), "not_xlsx"
    elif kind == "other declaration":
        data = excel_export.declaration_workbook(db, declaration_of(db, campaign, "101"))
        code = "other_declaration"
    else:
        book = load_workbook(io.BytesIO(excel_export.declaration_workbook(db, d)))
        book[excel_layout.SHEET_ITEMS].delete_rows(1)
        out = io.BytesIO()
        book.save(out)
        data, code = out.getvalue(), "not_template"
    with pytest.raises(excel_import.TemplateError) as exc:
        excel_import.import_declaration(db, user(db, "clerk_a"), d, data)
    assert exc.value.code == code and exc.value.message == excel_import.FILE_MESSAGES[code]


@pytest.mark.parametrize("username", ["clerk_b", "privacy", "it"])
def test_only_the_departments_editors_may_import(db, username):
    campaign = open_2026(db)
    d = declaration_of(db, campaign, "301")
    with pytest.raises(decl.DeclarationError) as exc:
        excel_import.import_declaration(db, user(db, username), d, excel_export.declaration_workbook(db, d))
    assert exc.value.code == "forbidden"


@pytest.mark.parametrize("field, cell, expected", [
    ("subject_count", "１，２３４", 1234), ("subject_count", "1,234人", 1234), ("subject_count", 12.0, 12),
    ("subject_count", "", None), ("sensitive", "○", True), ("sensitive", "無", False), ("sensitive", True, True),
    ("file_type", "電算", "electronic"), ("file_type", "マニュアル処理", "manual"),
    ("exemption", "該当なし", ""), ("exemption", "第三号", "3"), ("exemption", "１０", "10"),
    ("exemption", excel_layout.EXEMPTIONS["7"], "7"),
    ("record_categories", "心身の状況；氏名\n氏名", ["health", "name"]), ("record_categories", "所得・給与", ["income"]),
    ("record_categories", "心身の状況（障害・病歴・要介護度など）、氏名（カナ・ふりがな）", ["health", "name_kana"]),
    ("retention", 5, "5"), ("retention", dt.datetime(2030, 3, 31), "2030-03-31"),
])
def test_cells_are_read_in_the_spellings_staff_use(field, cell, expected):
    found: list = []
    assert excel_import._parse_field(FIELD_BY_NAME[field], cell, 2, found) == expected and found == []
