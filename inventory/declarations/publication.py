"""The 個人情報ファイル簿 as the city posts it: a title, then one row per published file, in the
columns, order and wording of the law; as xlsx (ready to print), CSV and the rows an HTML page
shows.

What goes in
    The published, non-abolished items of each department's latest accepted (受理) version of
    its declaration in a campaign (its newest :class:`~inventory.models.DeclarationSnapshot`):
    a draft or a change not yet accepted never shows, nor does a field that is not published
    (本人の数, 適用除外, 保存期間, 委託先, 保管場所).  Departments by code, items by position.

The columns (:data:`COLUMNS`)
    個人情報の保護に関する法律 (平成15年法律第57号) 第75条第1項 names what the register holds:
    the items of 第74条第1項 第1号から第7号まで, 第9号 and 第10号, and what the Cabinet Order
    adds; 第75条第4項 adds, for a local government's organs, 条例要配慮個人情報.  同法施行令
    (平成15年政令第507号) 第20条第6項 adds the file's 種別 (法第60条第2項第1号 / 第2号) and
    whether a 電算処理ファイル has a manual counterpart (同条第7項); 法第110条 and 第117条
    add the 行政機関等匿名加工情報 items.  The order and the column wording follow the
    個人情報保護委員会's form of the register (個人情報ファイル簿（単票）, 事務対応ガイド
    (行政機関等向け) の様式), which lists them in that order.  Sources read (2026-12):
    e-Gov 法令検索 (laws.e-gov.go.jp/law/415AC0000000057) for 法第74条・第75条 through its
    copies at iuris.jp (第七十四条, 施行令第二十条) and kannosrfp.com (第五章第三節);
    個人情報保護委員会 Q&A (行政機関等編) Q6-1-2 (法第117条の記載事項); municipal pages that
    list the register's items (e.g. 広島県水道広域連合企業団 「個人情報ファイル簿の公表」,
    北九州市 「個人情報ファイル簿」).  Each column's ``basis`` names its provision.

    The registry has no field for 条例要配慮個人情報, 令第20条第7項 and the five
    行政機関等匿名加工情報 items: their cells are empty (in print "－"), which is what a city
    that makes no call for proposals (提案の募集) posts.  事務の名称, a field of the
    declaration, is not an item of the law and is not a column.

The organisation (事務をつかさどる組織の名称)
    Always the declaring department's full path as the web shows it ("部 課", each level's
    name joined by a space), never the free text typed on the item: one form for the whole
    register.

Settings (the app's config, else the environment)
    ``INVENTORY_AGENCY_NAME``: 行政機関等の名称 (e.g. ○○市長), in the title and its column;
    ``INVENTORY_DISCLOSURE_OFFICE``: 開示請求等を受理する組織の名称及び所在地 for items that
    leave it blank (usually one office for the whole city).

Nothing here writes to the registry or reads a value from a scanned file.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from sqlalchemy import func, select

from inventory.declarations.excel_layout import category_text
from inventory.declarations.reminders import wareki
from inventory.models import Declaration, DeclarationCampaign, DeclarationSnapshot, Department

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "個人情報ファイル簿"
TITLE = "個人情報ファイル簿"
NONE_MARK = "－"           # an empty cell, as printed (xlsx and HTML; CSV leaves it empty)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
AGENCY_SETTING, DISCLOSURE_SETTING = "INVENTORY_AGENCY_NAME", "INVENTORY_DISCLOSURE_OFFICE"

#: characters that Mac/Unicode input and Windows spell differently for the same Shift_JIS code
CP932_SAME_CODE = str.maketrans({"\u301c": "\uff5e", "\u2016": "\u2225", "\u2212": "\uff0d",
                                 "\u00a2": "\uffe0", "\u00a3": "\uffe1", "\u00ac": "\uffe2",
                                 "\u2014": "\u2015"})


@dataclass(frozen=True)
class Column:
    """A column of the register: its header (the law's wording), the provision it comes from,
    its width in the workbook (characters) and the item fields it is made of ("" when the
    registry has no field for it)."""
    key: str
    ja: str
    basis: str
    width: int
    source: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("number", "番号", "整理番号（一覧の通し番号）", 5),
    Column("file_name", "個人情報ファイルの名称", "法第74条第1項第1号", 16, "file_name"),
    Column("agency", "行政機関等の名称", "法第74条第1項第2号", 8, "(setting)"),
    Column("organisation", "個人情報ファイルが利用に供される事務をつかさどる組織の名称",
           "法第74条第1項第2号", 12, "(department)"),
    Column("purpose", "個人情報ファイルの利用目的", "法第74条第1項第3号", 24, "purpose"),
    Column("record_items", "記録項目", "法第74条第1項第4号", 22, "record_categories, record_items_other"),
    Column("record_scope", "記録範囲", "法第74条第1項第4号", 14, "record_scope"),
    Column("collection_method", "記録情報の収集方法", "法第74条第1項第5号", 14, "collection_method"),
    Column("sensitive", "要配慮個人情報が含まれるときは、その旨", "法第74条第1項第6号", 7, "sensitive"),
    Column("ordinance_sensitive", "条例要配慮個人情報が含まれるときは、その旨", "法第75条第4項", 7),
    Column("regular_recipients", "記録情報の経常的提供先", "法第74条第1項第7号", 12, "regular_recipients"),
    Column("disclosure_office", "開示請求等を受理する組織の名称及び所在地", "法第74条第1項第9号", 14,
           "disclosure_office"),
    Column("special_procedures", "訂正及び利用停止に関する他の法令の規定による特別の手続等",
           "法第74条第1項第10号", 11, "special_procedures"),
    Column("file_type", "個人情報ファイルの種別", "令第20条第6項第1号", 10, "file_type"),
    Column("manual_counterpart", "令第20条第7項に該当するファイルの有無", "令第20条第6項第2号", 7),
    Column("proposal_call", "行政機関等匿名加工情報の提案の募集をする個人情報ファイルである旨",
           "法第110条第1号", 7),
    Column("proposal_office", "行政機関等匿名加工情報の提案を受ける組織の名称及び所在地", "法第110条第2号", 8),
    Column("third_party_opinion",
           "個人情報ファイルが第60条第3項第2号ロに該当する場合には、意見書の提出機会が与えられる旨",
           "個人情報保護委員会の様式（法第60条第3項第2号ロ）", 7),
    Column("anonymised_summary", "行政機関等匿名加工情報の概要", "法第117条第1号", 8),
    Column("anonymised_office", "作成された行政機関等匿名加工情報に関する提案を受ける組織の名称及び所在地",
           "法第117条第2号", 8),
    Column("anonymised_period", "作成された行政機関等匿名加工情報に関する提案をすることができる期間",
           "法第117条第3号", 7),
    Column("remarks", "備考", "", 12, "remarks"),
)
HEADERS = tuple(c.ja for c in COLUMNS)
#: 個人情報ファイルの種別 as registers word it (法第60条第2項第1号 / 第2号 に係る個人情報ファイル)
FILE_TYPE_TEXT = {"electronic": "電算処理ファイル", "manual": "マニュアル処理ファイル"}
#: 「その旨」: said only when the file holds such information (an empty cell otherwise)
SENSITIVE_TEXT = {True: "含む", False: ""}
#: the lines below the table (the document is in the law's Japanese whatever the interface language)
NOTES = ("記載事項は、個人情報の保護に関する法律第75条第1項（第74条第1項第1号から第7号まで、第9号及び"
         "第10号）、同条第4項、同法施行令第20条第6項並びに法第110条及び第117条による。",
         f"「{NONE_MARK}」は、記載する事項がないことを示す。")
EMPTY_TEXT = "掲載する個人情報ファイルはありません（受理された届出がないか、公表の対象となるファイルがありません）。"


@dataclass
class Register:
    """The register of a campaign: what the title says and the rows (cells as text; "" for
    an empty cell, one row per file, without the header)."""
    agency: str
    fiscal_year: int
    reference_date: dt.date
    rows: list[list[str]] = field(default_factory=list)

    @property
    def era_year(self) -> str:
        """2026 -> 令和8年度 (the fiscal year starts in April)."""
        return wareki(dt.date(self.fiscal_year, 5, 1)).split("年")[0] + "年度"

    @property
    def title(self) -> str:
        """e.g. ○○市長 令和8年度 個人情報ファイル簿 (without the agency when it is not set)."""
        return " ".join(p for p in (self.agency, self.era_year, TITLE) if p)

    @property
    def reference_text(self) -> str:
        """e.g. 基準日 令和8年4月1日（2026年4月1日）."""
        day = self.reference_date
        return f"基準日 {wareki(day)}（{day.year}年{day.month}月{day.day}日）"

    @property
    def subtitle(self) -> str:
        return f"{self.reference_text}　掲載ファイル数 {len(self.rows)}件"


def setting(name: str, config: Mapping | None = None, environ: Mapping | None = None) -> str:
    """A publication setting: the app's config if set there, else the environment; "" if unset."""
    value = (config or {}).get(name)
    if value in (None, ""):
        value = (os.environ if environ is None else environ).get(name, "")
    return str(value).strip()


def register(session, campaign: DeclarationCampaign, agency: str = "", disclosure_office: str = "") -> Register:
    """The register of ``campaign`` (see the module docstring).  Three queries."""
    found = Register(agency=agency, fiscal_year=campaign.fiscal_year, reference_date=campaign.reference_date)
    paths = department_paths(session)
    for number, (department_id, item) in enumerate(published_items(session, campaign), 1):
        found.rows.append(_row(number, item, agency, paths.get(department_id, ""), disclosure_office))
    return found


def published_items(session, campaign: DeclarationCampaign) -> list[tuple[int, dict]]:
    """(department id, frozen item) of the published, non-abolished items of each department's
    latest accepted version in ``campaign``; departments by code, items by position."""
    declarations = session.execute(
        select(Declaration.id, Declaration.department_id)
        .join(Department, Department.id == Declaration.department_id)
        .where(Declaration.campaign_id == campaign.id, Declaration.history_no > 0)
        .order_by(Department.code, Department.id)).all()
    if not declarations:
        return []
    newest = (select(DeclarationSnapshot.declaration_id, func.max(DeclarationSnapshot.history_no).label("n"))
              .where(DeclarationSnapshot.declaration_id.in_([d for d, _dept in declarations]))
              .group_by(DeclarationSnapshot.declaration_id).subquery())
    frozen = dict(session.execute(
        select(DeclarationSnapshot.declaration_id, DeclarationSnapshot.items)
        .join(newest, (newest.c.declaration_id == DeclarationSnapshot.declaration_id)
              & (newest.c.n == DeclarationSnapshot.history_no))).all())
    items = []
    for declaration_id, department_id in declarations:
        kept = [i for i in frozen.get(declaration_id) or [] if i.get("published") and not i.get("abolished")]
        items.extend((department_id, i) for i in sorted(kept, key=lambda i: (i.get("position") or 0,
                                                                            i.get("id") or 0)))
    return items


def department_paths(session) -> dict[int, str]:
    """Department id -> its full path, each level's name joined by a space ("部 課"), the form
    the web shows."""
    rows = {d.id: d for d in session.execute(select(Department.id, Department.name, Department.parent_id))}
    paths = {}
    for dept_id, row in rows.items():
        chain, seen, current = [], set(), row
        while current is not None and current.id not in seen:     # parents, guarding against loops
            seen.add(current.id)
            chain.append(current.name)
            current = rows.get(current.parent_id)
        paths[dept_id] = " ".join(reversed(chain))
    return paths


def _row(number: int, item: dict, agency: str, organisation: str, disclosure_office: str) -> list[str]:
    recorded = "、".join(p for p in (category_text(item.get("record_categories")),
                                     _text(item.get("record_items_other")).replace("\n", "、")) if p)
    cells = {
        "number": str(number),
        "file_name": _text(item.get("file_name")),
        "agency": agency,
        "organisation": organisation,
        "purpose": _text(item.get("purpose")),
        "record_items": recorded,
        "record_scope": _text(item.get("record_scope")),
        "collection_method": _text(item.get("collection_method")),
        "sensitive": SENSITIVE_TEXT[bool(item.get("sensitive"))],
        "regular_recipients": _text(item.get("regular_recipients")),
        "disclosure_office": _text(item.get("disclosure_office")) or disclosure_office,
        "special_procedures": _text(item.get("special_procedures")),
        "file_type": FILE_TYPE_TEXT.get(item.get("file_type") or "", _text(item.get("file_type"))),
        "remarks": _text(item.get("remarks")),
    }
    return [cells.get(c.key, "") for c in COLUMNS]


def _text(value) -> str:
    return "" if value is None else str(value).strip()


# --- xlsx --------------------------------------------------------------------------------------

TITLE_ROW, SUBTITLE_ROW, HEADER_ROW = 1, 2, 3
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def register_xlsx(found: Register) -> bytes:
    """The register as a workbook ready to print: the title and 基準日 above the table, the
    header repeated on every page, text wrapped in cells with borders, A4 landscape fitted
    to the page width, the title in the page header and 「n / m ページ」 in the footer.  Text
    is stored as text (a leading "=" never makes a formula)."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    last = get_column_letter(len(COLUMNS))
    sheet.cell(row=TITLE_ROW, column=1, value=found.title).font = Font(bold=True, size=14)
    sheet.cell(row=SUBTITLE_ROW, column=1, value=found.subtitle).font = Font(size=10)
    for row in (TITLE_ROW, SUBTITLE_ROW):
        sheet.merge_cells(f"A{row}:{last}{row}")
        sheet.cell(row=row, column=1).alignment = Alignment(horizontal="left", vertical="center")
        sheet.cell(row=row, column=1).data_type = "s"
    header_font, fill = Font(bold=True, size=9), PatternFill("solid", fgColor="DDE5F0")
    header_align = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for n, column in enumerate(COLUMNS, 1):
        cell = sheet.cell(row=HEADER_ROW, column=n, value=column.ja)
        cell.font, cell.fill, cell.alignment, cell.border = header_font, fill, header_align, BOX
        sheet.column_dimensions[get_column_letter(n)].width = column.width
    body_font = Font(size=9)
    wrap, centre = Alignment(wrap_text=True, vertical="top"), Alignment(wrap_text=True, vertical="top",
                                                                         horizontal="center")
    short = {"number", "sensitive", "ordinance_sensitive", "manual_counterpart", "proposal_call",
             "third_party_opinion", "anonymised_period"}
    for r, cells in enumerate(found.rows, HEADER_ROW + 1):
        for n, (column, text) in enumerate(zip(COLUMNS, cells), 1):
            cell = sheet.cell(row=r, column=n, value=text or NONE_MARK)
            cell.data_type = "s"
            cell.font, cell.border = body_font, BOX
            cell.alignment = centre if column.key in short or not text else wrap
    below = HEADER_ROW + len(found.rows) + 2
    lines = NOTES if found.rows else (EMPTY_TEXT, *NOTES)
    for n, line in enumerate(lines):
        cell = sheet.cell(row=below + n, column=1, value=line)
        cell.data_type, cell.font = "s", Font(size=9)
    _print_settings(sheet, found, last, below + len(lines) - 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _print_settings(sheet, found: Register, last: str, last_row: int) -> None:
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=3)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_area = f"A1:{last}{last_row}"
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0          # one page wide, as many pages tall as needed
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    margins = sheet.page_margins
    margins.left = margins.right = 0.4
    margins.top = margins.bottom = 0.6
    margins.header = margins.footer = 0.25
    sheet.oddHeader.center.text = found.title.replace("&", "&&")
    sheet.oddHeader.center.size = 9
    sheet.oddHeader.right.text = found.reference_text
    sheet.oddHeader.right.size = 8
    sheet.oddFooter.center.text = "&P / &N ページ"
    sheet.oddFooter.center.size = 8


# --- CSV ---------------------------------------------------------------------------------------

class CsvEncodingError(ValueError):
    """A character cp932 cannot hold: ``row`` (1 = the header) and ``column`` (its header)."""

    def __init__(self, row: int, column: str):
        super().__init__(f"row {row}, column {column}: a character cp932 cannot encode")
        self.row, self.column = row, column


def register_csv(found: Register, encoding: str = "utf-8-sig") -> bytes:
    """The register as CSV: the header row then one row per file (no title rows: a CSV is read
    by programs); UTF-8 with BOM (``utf-8-sig``, the default) or ``cp932``.

    In cp932, characters whose code point differs between platforms but whose Shift_JIS code
    is the same (〜 ‖ − ¢ £ ¬ —) are mapped to the cp932 form first; any other character
    cp932 cannot hold raises :class:`CsvEncodingError` naming the row and column (never the
    text): a published register must not show "?" in place of a character."""
    if encoding not in ("utf-8-sig", "cp932"):
        raise ValueError(f"unsupported encoding {encoding!r}")
    rows = [list(HEADERS), *([_csv_text(cell) for cell in row] for row in found.rows)]
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


def _csv_text(text: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
