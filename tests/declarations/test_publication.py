"""The 個人情報ファイル簿 as published (inventory.declarations.publication): the workbook opened
with openpyxl (title with the 行政機関等の名称, 和暦 年度 and 基準日; the law's columns in order
and wording; wrapped text; A4 landscape fitted to width, repeated header row, page header
and numbered footer), the CSV in UTF-8 with BOM and cp932, and what is kept out (drafts,
changes not yet accepted, exempt and abolished items, fields that are not published), on
SQLite and PostgreSQL.

The registry is the web fixtures' (tests/web_fixtures.py): 健康福祉部 介護保険課 (301) holds two
personal-data files (40 people each), 総務部 職員課 (101) one.
"""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from test_declaration_excel import accept, items_by_name
from test_declarations import complete, declaration_of, open_2026, user

from inventory.declarations import editing, publication
from inventory.declarations import workflow as decl

#: the columns as the law and the 個人情報保護委員会's form word them, in their order
LAW_COLUMNS = [
    "番号",
    "個人情報ファイルの名称",                                                  # 法74条1項1号
    "行政機関等の名称",                                                        # 同2号
    "個人情報ファイルが利用に供される事務をつかさどる組織の名称",              # 同2号
    "個人情報ファイルの利用目的",                                              # 同3号
    "記録項目",                                                                # 同4号
    "記録範囲",                                                                # 同4号
    "記録情報の収集方法",                                                      # 同5号
    "要配慮個人情報が含まれるときは、その旨",                                  # 同6号
    "条例要配慮個人情報が含まれるときは、その旨",                              # 法75条4項
    "記録情報の経常的提供先",                                                  # 法74条1項7号
    "開示請求等を受理する組織の名称及び所在地",                                # 同9号
    "訂正及び利用停止に関する他の法令の規定による特別の手続等",                # 同10号
    "個人情報ファイルの種別",                                                  # 令20条6項1号
    "令第20条第7項に該当するファイルの有無",                                   # 令20条6項2号
    "行政機関等匿名加工情報の提案の募集をする個人情報ファイルである旨",        # 法110条1号
    "行政機関等匿名加工情報の提案を受ける組織の名称及び所在地",                # 法110条2号
    "個人情報ファイルが第60条第3項第2号ロに該当する場合には、意見書の提出機会が与えられる旨",
    "行政機関等匿名加工情報の概要",                                            # 法117条1号
    "作成された行政機関等匿名加工情報に関する提案を受ける組織の名称及び所在地",  # 法117条2号
    "作成された行政機関等匿名加工情報に関する提案をすることができる期間",      # 法117条3号
    "備考",
]
AGENCY = "みどり市長"


@pytest.fixture
def db(app):
    with app.extensions["registry"].sessions() as session:
        yield session


def workbook(db, campaign, **settings):
    data = publication.register_xlsx(publication.register(db, campaign, agency=AGENCY, **settings))
    return load_workbook(io.BytesIO(data))


def table(sheet) -> list[list]:
    """The header row and the item rows (below the title and 基準日 rows, above the notes)."""
    rows = [list(r) for r in sheet.iter_rows(min_row=publication.HEADER_ROW, values_only=True)]
    return [r for r in rows if r[1] is not None]


def accepted_2026(db):
    """介護保険課's declaration accepted with 台帳 exempt (第3号), then reopened and changed."""
    campaign = open_2026(db)                                    # threshold 30: 40 people are published
    d301 = declaration_of(db, campaign, "301")
    accept(db, d301, "301", 台帳={"exemption": "3"},
           認定者一覧={"purpose": "要介護認定の審査のため", "record_items_other": "認定結果",
                       "organisation": "介護保険課 認定係", "retention": "5年", "contractor": "株式会社ひみつ",
                       "location_note": "書庫B", "subject_count": 4321})
    declaration_of(db, campaign, "101")                         # a draft: nothing of it is published
    clerk = user(db, "clerk_a")
    decl.act(db, clerk, d301, "reopen", d301.version, comment="利用目的の見直し")
    item = items_by_name(db, d301)["認定者一覧"]
    editing.save_item(db, clerk, d301, item, complete(item, purpose="未受理の変更"), item.version)
    db.commit()
    return campaign


def test_the_workbook_has_the_title_the_laws_columns_and_only_accepted_published_items(db):
    campaign = accepted_2026(db)
    sheet = workbook(db, campaign).active
    assert sheet.title == "個人情報ファイル簿"
    assert sheet["A1"].value == "みどり市長 令和8年度 個人情報ファイル簿"
    assert sheet["A2"].value == "基準日 令和8年5月1日（2026年5月1日）　掲載ファイル数 1件"
    rows = table(sheet)
    assert rows[0] == LAW_COLUMNS
    assert len(rows) == 2                                       # 認定者一覧 only: 台帳 is exempt
    cells = dict(zip(LAW_COLUMNS, rows[1]))
    assert cells["番号"] == "1"
    assert cells["個人情報ファイルの名称"] == "認定者一覧"
    assert cells["行政機関等の名称"] == AGENCY
    # one form for every item: the department's full path, not what was typed on the item
    assert cells["個人情報ファイルが利用に供される事務をつかさどる組織の名称"] == "健康福祉部 介護保険課"
    assert cells["個人情報ファイルの利用目的"] == "要介護認定の審査のため"      # as accepted, not the draft
    assert cells["記録項目"] == "氏名、住所、心身の状況（障害・病歴・要介護度など）、認定結果"
    assert cells["要配慮個人情報が含まれるときは、その旨"] == "含む"
    assert cells["個人情報ファイルの種別"] == "電算処理ファイル"
    # items the registry has no field for are printed as 「－」
    assert cells["行政機関等匿名加工情報の概要"] == "－" and cells["条例要配慮個人情報が含まれるときは、その旨"] == "－"
    # fields that are not published never appear, neither as a column nor as a value
    every = {str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None}
    for hidden in ("本人の数", "4321", "4,321", "5年", "株式会社ひみつ", "書庫B", "適用除外", "第3号",
                   "介護認定事務", "介護保険課 認定係", "台帳", "未受理の変更"):
        assert not any(hidden in v for v in every), hidden


def test_the_workbook_prints_on_a4_landscape_with_the_header_on_every_page(db):
    campaign = accepted_2026(db)
    sheet = workbook(db, campaign).active
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and int(setup.paperSize) == 9    # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0     # one page wide, any number tall
    assert sheet.print_title_rows == "$3:$3"                               # the header row on every page
    assert sheet.print_area == "'個人情報ファイル簿'!$A$1:$V$7"                # title to the notes
    assert "みどり市長 令和8年度 個人情報ファイル簿" in sheet.oddHeader.center.text
    assert "基準日" in sheet.oddHeader.right.text
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    assert sheet.freeze_panes == "C4"
    assert "A1:V1" in {str(r) for r in sheet.merged_cells.ranges}
    header = sheet[publication.HEADER_ROW]
    assert all(c.alignment.wrap_text and c.font.bold and c.border.left.style == "thin" for c in header)
    item = sheet[publication.HEADER_ROW + 1]
    assert all(c.alignment.wrap_text and c.border.bottom.style == "thin" for c in item)
    assert all(c.data_type == "s" for c in item)                           # text, never a formula
    widths = [sheet.column_dimensions[c.column_letter].width for c in header]
    assert widths == [c.width for c in publication.COLUMNS]
    assert sheet.cell(row=publication.HEADER_ROW + 3, column=1).value.startswith("記載事項は")


def test_an_empty_register_still_has_its_title_and_says_so(db):
    campaign = open_2026(db)
    sheet = workbook(db, campaign).active
    assert sheet["A1"].value == "みどり市長 令和8年度 個人情報ファイル簿"
    assert table(sheet) == [LAW_COLUMNS]
    assert any(str(c.value).startswith("掲載する個人情報ファイルはありません") for c in sheet["A"] if c.value)
    register = publication.register(db, campaign)                   # without the agency setting
    assert register.title == "令和8年度 個人情報ファイル簿"


@pytest.mark.parametrize("year, era", [(2019, "令和元年度"), (2026, "令和8年度"), (2018, "平成30年度")])
def test_the_fiscal_year_is_written_in_the_japanese_era(year, era):
    found = publication.Register(agency="", fiscal_year=year, reference_date=dt.date(year, 4, 1))
    assert found.era_year == era


def test_the_disclosure_office_setting_fills_items_that_leave_it_blank(db):
    campaign = open_2026(db)
    accept(db, declaration_of(db, campaign, "301"), "301",
           台帳={"disclosure_office": "健康福祉部 介護保険課（みどり市本町1-1）"})
    office = "総務部 総務課 情報公開係（みどり市本町1-1）"
    rows = table(workbook(db, campaign, disclosure_office=office).active)
    column = LAW_COLUMNS.index("開示請求等を受理する組織の名称及び所在地")
    by_name = {r[1]: r[column] for r in rows[1:]}
    assert by_name == {"台帳": "健康福祉部 介護保険課（みどり市本町1-1）", "認定者一覧": office}


def test_settings_come_from_the_config_else_the_environment():
    assert publication.setting("INVENTORY_AGENCY_NAME", {"INVENTORY_AGENCY_NAME": " みどり市長 "}, {}) == "みどり市長"
    assert publication.setting("INVENTORY_AGENCY_NAME", {}, {"INVENTORY_AGENCY_NAME": "あお市長"}) == "あお市長"
    assert publication.setting("INVENTORY_AGENCY_NAME", None, {}) == ""


def test_abolished_items_leave_the_next_years_register(db):
    campaign = open_2026(db)
    accept(db, declaration_of(db, campaign, "301"), "301")
    c2027 = decl.open_campaign(db, user(db, "privacy"), 2027, dt.date(2027, 5, 1), dt.date(2027, 6, 30),
                               publish_threshold=30)
    db.commit()
    d = declaration_of(db, c2027, "301")
    ledger = items_by_name(db, d)["台帳"]
    editing.set_abolished(db, user(db, "clerk_a"), d, ledger, True, ledger.version)
    decl.act(db, user(db, "clerk_a"), d, "submit", d.version)
    decl.act(db, user(db, "head_a"), d, "approve", d.version)
    decl.act(db, user(db, "privacy"), d, "accept", d.version)
    db.commit()
    assert [row[1] for row in publication.register(db, c2027).rows] == ["認定者一覧"]
    assert sorted(row[1] for row in publication.register(db, campaign).rows) == ["台帳", "認定者一覧"]


def test_csv_in_utf8_with_bom_and_in_cp932(db):
    campaign = open_2026(db)
    accept(db, declaration_of(db, campaign, "301"), "301",
           台帳={"purpose": "=HYPERLINK(\"x\")", "record_scope": "4月〜3月の申請者"})
    register = publication.register(db, campaign, agency=AGENCY)
    utf8 = publication.register_csv(register)
    assert utf8.startswith(b"\xef\xbb\xbf") and b"\r\n" in utf8
    rows = list(csv.reader(io.StringIO(utf8.decode("utf-8-sig"))))
    assert rows[0] == LAW_COLUMNS and len(rows) == 3            # a CSV is data: no title rows
    ledger = dict(zip(LAW_COLUMNS, next(r for r in rows if r[1] == "台帳")))
    assert ledger["個人情報ファイルの利用目的"] == "'=HYPERLINK(\"x\")"     # never a formula in Excel
    assert ledger["記録範囲"] == "4月〜3月の申請者"
    assert ledger["行政機関等匿名加工情報の概要"] == ""                       # empty, not 「－」, in data
    assert ledger["行政機関等の名称"] == AGENCY
    sjis = list(csv.reader(io.StringIO(publication.register_csv(register, "cp932").decode("cp932"))))
    assert sjis[0] == LAW_COLUMNS
    ledger = dict(zip(LAW_COLUMNS, next(r for r in sjis if r[1] == "台帳")))
    assert ledger["記録範囲"] == "4月～3月の申請者"          # WAVE DASH typed on a Mac: the same SJIS code
    with pytest.raises(ValueError):
        publication.register_csv(register, "latin-1")


def test_cp932_csv_refuses_a_character_it_cannot_hold_and_names_row_and_column(db):
    campaign = open_2026(db)
    accept(db, declaration_of(db, campaign, "301"), "301", 台帳={"record_scope": "𠮷野台地区の住民"})
    register = publication.register(db, campaign)
    with pytest.raises(publication.CsvEncodingError) as exc:
        publication.register_csv(register, "cp932")
    assert exc.value.column == "記録範囲" and exc.value.row in (2, 3)
    assert "𠮷" not in str(exc.value)
    assert "𠮷野台".encode() in publication.register_csv(register)   # UTF-8 holds it
