"""The files of the demo municipal share (entirely fake), and what a perfect scanner
reports for each: the catalogue :data:`SHARE_FILES` that :mod:`inventory.demo.share` writes.

Each :class:`ShareFile` names its path, its tables (:class:`Sheet`: headers and the kind of
value in each column, from :mod:`inventory.demo.people`), its encoding and how it is
damaged, if at all; a business app (業務アプリ) also names its VBA modules, ribbon and data
connections (:class:`MacroApp`, written by :mod:`inventory.demo.office_files`).
:meth:`ShareFile.truth` is its ground truth.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from inventory.demo.office_files import Module
from inventory.demo.people import KINDS

#: spec categories that make a file hold 要配慮個人情報 (scan-record.md)
SENSITIVE = frozenset({"health", "criminal_record", "creed_race"})


@dataclass
class Sheet:
    """One table: a sheet of a workbook, or the body of a CSV/TSV file."""

    name: str
    columns: str                      # "header=kind header=kind ..." (split on ASCII spaces)
    rows: int = 40
    ages: tuple[int, int] = (18, 90)
    visibility: str = "visible"       # visible | hidden | veryHidden
    hidden_columns: tuple[int, ...] = ()
    title: str | None = None          # a title row (merged in xlsx) and a blank row above the header
    groups: tuple[tuple[str, int], ...] = ()  # a first header row of (label, columns spanned)
    header: bool = True
    scaled: bool = True

    @property
    def fields(self) -> list[tuple[str, str]]:
        return [tuple(item.rsplit("=", 1)) for item in self.columns.split(" ")]

    def personal_columns(self) -> list[tuple[int, str]]:
        """(column index, category) for the columns about people."""
        return [(i, KINDS[kind].category) for i, (_, kind) in enumerate(self.fields)
                if KINDS[kind].category]


@dataclass
class MacroApp:
    """What makes a workbook a home-made business app: its VBA project, ribbon and connections."""

    modules: tuple[Module, ...] = ()
    #: a ribbon tab (customUI14): (tab label, ((button label, the procedure it runs), ...))
    ribbon: tuple[str, tuple[tuple[str, str], ...]] | None = None
    #: external data connections (xl/connections.xml): (name, ODBC connection string)
    connections: tuple[tuple[str, str], ...] = ()

    kind = "excel-vba"

    @property
    def is_app(self) -> bool:
        """VBA code or a ribbon makes an app; connections alone do not (scanners/apps/excel.py)."""
        return bool(self.modules or self.ribbon)


@dataclass
class AccessApp:
    """An Access database's objects besides its tables (written by office_files.mdb_file)."""

    #: (name, form | report | macro | module | query | linked_odbc, connect string or "")
    objects: tuple[tuple[str, str, str], ...] = ()
    kind = "access"

    @property
    def is_app(self) -> bool:
        """Forms, reports, macros or modules make an app; tables and queries alone do not."""
        return any(kind in ("form", "report", "macro", "module") for _name, kind, _c in self.objects)


@dataclass
class ShareFile:
    """One file of the share and how to damage it, if at all."""

    path: str
    sheets: list[Sheet] = field(default_factory=list)
    encoding: str = "utf-8-sig"
    damage: str | None = None         # encrypted | truncated | random | empty
    memo: bool = False                # a prose .txt memo
    #: a shadow-IT artefact (script, shortcut) written as this text in ``encoding``
    text: str | None = None
    #: risk codes a perfect scanner reports besides hidden personal data and encryption
    risks: tuple[str, ...] = ()
    #: the workbook's VBA project, ribbon and data connections, if any
    app: MacroApp | AccessApp | None = None

    @property
    def status(self) -> str:
        return {"encrypted": "encrypted", "truncated": "error", "random": "error"}.get(self.damage, "ok")

    def truth(self) -> dict:
        """What a perfect scanner reports for this file."""
        readable = self.status == "ok"
        categories = sorted({cat for s in self.sheets for _, cat in s.personal_columns()}) if readable else []
        hidden = readable and any(
            s.visibility != "visible" and s.personal_columns()
            or any(i in s.hidden_columns for i, _ in s.personal_columns()) for s in self.sheets)
        return {"personal": bool(categories), "categories": categories,
                "sensitive": bool(SENSITIVE & set(categories)), "my_number": "my_number" in categories,
                "hidden_personal": hidden, "status": self.status, "risks": sorted(self.risks),
                "app": self.app.kind if readable and self.app is not None and self.app.is_app else None}


def _files() -> list[ShareFile]:
    """The catalogue of the share."""
    F, S = ShareFile, Sheet
    staff = S("職員名簿", "職員番号=emp_no 所属=dept 職名=job_title 氏　名=name フリガナ=kana 生年月日=birth "
              "基本給=salary 扶養手当=allowance 通勤手当=commute", 120, (22, 60), title="令和6年度 職員名簿（人事給与）")
    voters = S("選挙人名簿", "投票区=precinct 氏　名=name ふりがな=hira 生年月日=birth 性別=gender 住　　所=address",
               300, title="選挙人名簿（第1投票区）")
    facilities = "施設名=facility 所在地=facility_address 電話番号=facility_phone 開館時間=office_hours"
    stats = "地区=district 世帯数=households 人口=population 男=male 女=female"
    d1, d2, d3 = "総務部/職員課/", "総務部/総務課/", "財務部/"
    el, care, dis = "選挙管理委員会事務局/", "健康福祉部/介護保険課/", "健康福祉部/障害福祉課/"
    health, kids, civic = "健康福祉部/", "子ども未来部/", "市民部/"
    edu, road = "教育委員会/", "建設部/道路課/"
    return [
        F(d1 + "職員名簿_令和6年度.xlsx", [staff]),
        F(d1 + "給与振込一覧_2024年4月.csv", [S("", "職員番号=emp_no 氏名=name_plain 支給額=salary 所得税=tax "
                                           "住民税=tax 振込銀行=bank 支店名=branch 口座番号=account_no", 120, (22, 60))]),
        F(d1 + "扶養控除等申告書_個人番号.xlsx", [S("申告書", "職員番号=emp_no 氏名=name 続柄=relation "
                                                 "個人番号=my_number 生年月日=birth", 150)]),
        F(d1 + "緊急連絡網.xlsx", [S("連絡網", "所属=dept 氏名=name 携帯電話=mobile_plain 自宅住所=address_fw",
                                   60, (22, 60), title="緊急連絡網（取扱注意）")]),
        F(d1 + "研修受講者一覧.xlsx", [S("受講者", "研修名=course 所属=dept 職名=job_title 名前=name 受講日=date",
                                    80, (22, 60))]),
        F(d1 + "庶務担当者会議_議事録.txt", memo=True),
        F(d1 + "給与データ_パスワード付.xlsx", [staff], damage="encrypted"),
        F(d1 + "Staff_contact_list.xlsx", [S("Staff", "Name=name_space Department=dept Ext=extension "
                                                   "Mobile=mobile Email=email", 60, (22, 60))]),
        F(d2 + "庁舎・出先施設一覧.xlsx", [S("施設一覧", facilities, 25, scaled=False)]),
        F(d2 + "文書受付簿_令和6年度.csv", [S("", "受付番号=receipt12 受付日=date_text 文書種別=doc_type "
                                          "担当課=dept 処理状況=progress", 150)], encoding="cp932"),
        F(d2 + "庁議_議事録_第5回.txt", encoding="cp932", memo=True),
        F(d2 + "備品台帳.xlsx", [S("備品", "備品番号=equipment_no 品名=equipment 数量=count 設置場所=location "
                                 "管理担当課=dept 取得日=date", 120, title="備品台帳")]),
        F(d3 + "財政課/令和6年度_一般会計予算.xlsx", [S("歳出", "款=budget_item 本年度予算額=amount 前年度予算額=amount "
                                                  "比較増減=amount", 14, title="令和6年度 一般会計歳出予算（単位：千円）",
                                                  scaled=False)]),
        F(d3 + "財政課/予算要求集計_各課.csv", [S("", "要求課=dept 款=budget_item 要求額=amount 査定額=amount", 40)],
          encoding="cp932"),
        F(d3 + "財政課/支出伝票番号一覧.xlsx", [S("伝票", "伝票番号=receipt12 支出日=date 支払先=company 金額=amount "
                                              "担当課=dept", 120)]),
        F(d3 + "税務課/市民税_課税台帳抽出.csv", [S("", "宛名番号=resident_id 氏名=name 住所=address "
                                               "課税所得=household_income 市民税額=tax", 200)], encoding="cp932"),
        F(el + "選挙人名簿/選挙人名簿_第1投票区.xlsx", [voters]),
        F(el + "選挙人名簿/選挙人名簿_第2投票区.csv", [S("", "投票区=precinct 氏名=name フリガナ=kana "
                                                   "生年月日(和暦)=birth_wareki 性別=gender 住所=address_short", 300)],
          encoding="cp932"),
        F(el + "期日前投票/期日前投票者_集計.xlsx", [
            S("集計", "投票区=precinct_by_row 男=male 女=female 計=population", 12, scaled=False),
            S("元データ", "投票区=precinct 氏名=name 生年月日=birth 性別=gender 住所=address", 200,
              visibility="veryHidden")]),
        F(el + "郵便等投票/郵便等投票_登録者一覧.xlsx", [S("登録者", "氏名=name 住所=address 生年月日=birth_slash "
                                                    "身体障害者手帳等級=disability_grade 障害名=disability_type "
                                                    "要介護状態区分=care_level_high 電話=home_phone", 60, (40, 100),
                                                    title="郵便等による不在者投票 登録者一覧")]),
        F(el + "投票所一覧.xlsx", [S("投票所", "投票区=precinct_by_row 投票所=facility 所在地=facility_address "
                                  "電話=facility_phone", 12, scaled=False)]),
        F(el + "投票者数_地区別集計.csv", [S("", "地区=district 有権者数=population 投票者数=households "
                                       "男=male 女=female", 16, scaled=False)]),
        F(el + "投票立会人名簿.xlsx", [S("立会人", "氏名=name_plain 住所=address 電話番号=phone_mixed 立会日=date", 30)]),
        F(el + "システム出力/voters_export.tsv", [S("", "氏名=name 生年月日=birth_slash 電話=mobile 住所=address",
                                                200, header=False)], encoding="utf-8"),
        F(el + "バックアップ/選挙人名簿_old.xlsx", [voters], damage="truncated"),
        F(care + "要介護認定者一覧.xlsx", [S("認定者", "被保険者番号=insurance_no 氏名=name カナ氏名=kana "
                                        "生年月日=birth_era_cell 性別=gender 要介護度=care_level "
                                        "認定有効期間終了=date", 250, (65, 100), title="要介護認定者一覧")]),
        F(care + "介護保険料_収納状況.csv", [S("", "ﾋﾎｹﾝｼｬﾊﾞﾝｺﾞｳ=insurance_no ｼﾒｲ=name ｶﾅｼﾒｲ=kana_half "
                                          "ｾｲﾈﾝｶﾞｯﾋﾟ=birth_compact ﾃﾞﾝﾜﾊﾞﾝｺﾞｳ=mobile_plain ｼﾞｭｳｼｮ=address",
                                          200, (65, 100), title="ｶｲｺﾞﾎｹﾝﾘｮｳ ｼｭｳﾉｳｼﾞｮｳｷｮｳ")], encoding="cp932"),
        F(care + "認定審査会_開催記録.txt", memo=True),
        F(care + "介護サービス事業所一覧.xlsx", [S("事業所", "事業所番号=provider_no 事業所名=facility "
                                            "所在地=facility_address 電話番号=facility_phone", 30)]),
        F(care + "要介護度別認定者数_地区別.xlsx", [S("地区別", "地区=district 要支援1=count 要支援2=count "
                                              "要介護1=count 要介護2=count 要介護3=count 要介護4=count "
                                              "要介護5=count", 16, scaled=False)]),
        F(dis + "身体障害者手帳_交付台帳.xlsx", [S("台帳", "氏名=name 生　年　月　日=birth 住所=address "
                                           "障害種別=disability_type 等級=disability_grade", 150)]),
        F(dis + "相談件数集計.xlsx", [S("相談", "受付日=date 相談区分=consultation 件数=count 氏名=name "
                                    "電話番号=home_phone 障害等級=disability_grade", 80, hidden_columns=(3, 4, 5))]),
        F(dis + "福祉タクシー券_申請者.csv", [S("", "申請者名=name 住所=address 電話番号=home_paren "
                                          "手帳の種類=handbook_type 等級=disability_grade", 80)], encoding="euc_jp"),
        F(dis + "療育手帳_所持者一覧.xlsx", [S("所持者", "氏名=name ふりがな=hira 生年月日=birth_wareki_short "
                                        "判定=ryoiku 保護者氏名=guardian 連絡先=mobile", 60, (3, 40))]),
        F(health + "健康推進課/特定健診_結果一覧.xlsx", [S("結果", "宛名番号=resident_id 氏名=name 年齢=age 性別=gender "
                                                 "既往歴=history 判定=judgement", 200, (40, 74))]),
        F(health + "健康推進課/健康教室_参加者.csv", [S("", "お名前=name 年齢=age 電話=phone_mixed "
                                               "メールアドレス=email 講座=course", 50)], encoding="utf-16"),
        F(health + "健康推進課/保健センター一覧.csv", [S("", facilities, 8, scaled=False)]),
        F(health + "生活福祉課/ケース台帳.xlsx", [S("ケース", "世帯主氏名=name 住所=address 傷病名=diagnosis "
                                           "開始日=date", 90, (20, 90))]),
        F(kids + "子育て支援課/放課後児童クラブ_利用児童一覧.xlsx", [S(
            "利用児童", "氏名=name ふりがな=hira 学校名=school 学年=grade 氏名=guardian 続柄=child_relation "
                      "緊急連絡先=phone_mixed", 120, (6, 11), groups=(("児童", 4), ("保護者", 3)),
            title="放課後児童クラブ 利用児童一覧")]),
        F(kids + "子育て支援課/児童手当_受給者一覧.xlsx", [S("受給者", "受給者氏名=name 個人番号=my_number_num "
                                                    "住所=address 児童数=count", 150, (25, 50))]),
        F(kids + "子育て支援課/子育て支援センター一覧.xlsx", [S("センター", facilities, 10, scaled=False)]),
        F(kids + "子育て支援課/保育所入所申込_一覧.csv", [S("", "世帯主氏名=guardian 続柄=child_relation "
                                                   "児童氏名=name 生年月日=birth_wareki_short 〒=postal_mark "
                                                   "住所=address_short 連絡先電話番号=mobile "
                                                   "世帯所得=household_income", 100, (0, 5))]),
        F(kids + "子育て支援課/子育てイベント申込.xlsx", [S("申込", "お名前=name フリガナ=kana メールアドレス=email "
                                                  "ＴＥＬ=mobile_fw 参加人数=count", 40, (25, 45))]),
        F(kids + "子育て支援課/空ファイル.csv", damage="empty"),
        F(kids + "こども家庭課/家庭訪問_事業計画メモ.txt", memo=True),
        F(civic + "市民課/住民異動届_受付一覧.csv", [S("", "ｱﾃﾅﾊﾞﾝｺﾞｳ=resident_id ｼﾒｲ=name ｼﾒｲｶﾅ=kana_half "
                                                "ｾｲﾈﾝｶﾞｯﾋﾟ=birth_compact ｾｲﾍﾞﾂ=gender_code ﾕｳﾋﾞﾝﾊﾞﾝｺﾞｳ=postal "
                                                "ｼﾞｭｳｼｮ=address ｲﾄﾞｳｼﾞﾕｳ=move_reason ｲﾄﾞｳﾋﾞ=date_text", 250)],
          encoding="cp932"),
        F(civic + "市民課/窓口受付番号.tsv", [S("", "受付番号=receipt12 窓口=counter 受付日=date_text "
                                         "待ち時間(分)=minutes", 200)], encoding="utf-8"),
        F(civic + "市民課/地区別人口統計_令和6年4月.xlsx", [S("人口", stats, 16, title="地区別人口・世帯数（令和6年4月1日現在）",
                                                    scaled=False)]),
        F(civic + "市民課/町丁目別世帯数.csv", [S("", stats, 16, scaled=False)], encoding="cp932"),
        F(civic + "市民課/マイナンバーカード_交付予約.xlsx", [S("予約", "予約日=date 氏名=name 個人番号=my_number_spaced "
                                                     "電話番号=home_paren 生年月日=birth", 100,
                                                     title="マイナンバーカード交付予約一覧")]),
        F(civic + "市民課/証明書交付_申請者.csv", [S("", "申請者名=name 住所=address 請求種別=certificate 通数=count",
                                              120)], encoding="euc_jp"),
        F(civic + "市民課/export_20240401.tsv", [S("", "name=name_plain kana=kana postal=postal_mark "
                                                 "address=address", 150, header=False)], encoding="utf-8"),
        F(civic + "市民課/破損ファイル.xlsx", damage="random"),
        F(civic + "保険年金課/国保_被保険者一覧.xlsx", [S("被保険者", "記号番号=kokuho_no 被保険者氏名=name 生年月日=birth "
                                                 "性別=gender 世帯主氏名=guardian 続柄=relation 所得割額=tax", 200)]),
        F(civic + "保険年金課/国民年金_基礎年金番号一覧.csv", [S("", "基礎年金番号=pension_no 氏名=name "
                                                     "生年月日=birth_wareki 電話番号=home_phone", 120, (20, 60))]),
        F(edu + "学校教育課/就学援助_認定者名簿.xlsx", [S("認定者", "学校名=school 学年=grade_num 児童生徒氏名=name "
                                                "保護者名=guardian 住所=address 世帯所得=household_income",
                                                120, (6, 14))]),
        F(edu + "学校教育課/市立学校一覧.xlsx", [S("学校", "学校名=school_by_row 所在地=facility_address "
                                           "電話番号=facility_phone 児童生徒数=population", 9, scaled=False)]),
        F(edu + "学校教育課/学校別児童生徒数.csv", [S("", "学校名=school_by_row 1年=count 2年=count 3年=count "
                                              "4年=count 5年=count 6年=count", 9, scaled=False)]),
        F(edu + "学校教育課/教育委員会定例会_会議録.txt", memo=True),
        F(edu + "学校教育課/部活動_大会参加申込.xlsx", [
            S("大会概要", "種目=sport 参加校数=count 参加人数=count", 8, scaled=False),
            S("参加者名簿", "学校名=school 学年=grade 氏名=name ふりがな=hira 誕生日=birth", 90, (12, 14),
              visibility="hidden")]),
        F(edu + "生涯学習課/公民館講座_受講者名簿.txt", [S("", "講座名=course 氏名=name ふりがな=hira 年齢=age "
                                                "TEL=home_phone", 70)], encoding="utf-16"),
        F(edu + "生涯学習課/公民館利用統計.xlsx", [S("利用状況", "施設名=facility 利用件数=count 利用者数=population",
                                            16, scaled=False)]),
        F(road + "road_repair_budget_FY2024.xlsx", [S("Budget", "Project=road_project Contractor=company "
                                                        "Budget=amount Start=date", 20)]),
        F(road + "complaints_log.csv", [S("", "Date=date_text Name=name Phone=phone_mixed Address=address_short "
                                             "Category=complaint", 60)], encoding="utf-8"),
        F(road + "道路占用許可_申請者一覧.xlsx", [S("申請者", "申請日=date 申請者名=name 住所=address 連絡先=home_phone "
                                            "占用物件=occupancy", 50)]),
        # shadow IT: a roster taken home through a personal OneDrive, an upload script, a
        # shortcut to a personal cloud folder
        F(care + "OneDrive - 個人用/訪問調査_持ち帰り.xlsx",
          [S("訪問予定", "訪問日=date 氏名=name 住所=address 電話番号=home_phone 要介護度=care_level", 30)],
          risks=("cloud-sync-folder",)),
        F(d2 + "ツール/名簿バックアップ送信.bat", text=UPLOAD_SCRIPT, encoding="cp932",
          risks=("external-upload-script",)),
        F(kids + "保育園申込_共有リンク.url", text=CLOUD_SHORTCUT, encoding="ascii",
          risks=("cloud-storage-link",)),
        # a portable remote-control tool someone left on the share (a placeholder, not a program)
        F(d2 + "ツール/AnyDesk.exe", text=PLACEHOLDER_EXE, encoding="ascii", risks=("remote-access-tool",)),
        # home-made business apps (業務アプリ): macro workbooks, a ribbon, an old .xls with VBA,
        # data connections to the core systems, an Access database with forms and a linked table
        F(care + "訪問調査_日程管理.xlsm",
          [S("訪問予定", "訪問日=date 氏名=name 住所=address 電話番号=home_phone 要介護度=care_level", 40, (65, 100),
             title="認定調査 訪問予定表")],
          app=MacroApp(VISIT_MODULES, ribbon=("訪問調査", (("本日の訪問", "HonjitsuNoHoumon"),
                                                           ("予定表を印刷", "YoteiInsatsu")))),
          risks=("autoexec-macro",)),
        F(civic + "市民課/証明書交付_集計ツール.xlsm",
          [S("集計", "請求種別=certificate 通数=count 交付日=date", 30, scaled=False)],
          app=MacroApp(CERTIFICATE_MODULES, ribbon=("窓口集計", (("基幹系から取込", "Torikomi"),
                                                                 ("月報を作成", "Geppou"))),
                       connections=(("住基_交付実績", JUKI_CONNECTION),)),
          risks=("credentials-in-file", "external-data-connection")),
        F(d1 + "時間外勤務_集計.xls",
          [S("集計", "職員番号=emp_no 所属=dept 氏名=name 時間外勤務(時間)=minutes", 60, (22, 60))],
          app=MacroApp(OVERTIME_MODULES), risks=("macro-network-access",)),
        F(d3 + "税務課/課税状況_基幹系連携.xlsx",
          [S("地区別", "地区=district 納税義務者数=population 調定額=amount", 16, scaled=False)],
          app=MacroApp(connections=(("課税集計", TAX_CONNECTION),)), risks=("external-data-connection",)),
        F(health + "生活福祉課/相談記録管理.mdb",
          [S("相談記録", "相談日=date 氏名=name 住所=address 電話番号=home_phone 世帯員数=count 傷病名=diagnosis",
             80, (20, 90))],
          app=AccessApp((("frmメニュー", "form", ""), ("frm相談入力", "form", ""), ("rpt月別相談件数", "report", ""),
                         ("AutoExec", "macro", ""), ("mod共通", "module", ""), ("qry月別件数", "query", ""),
                         ("dbo_世帯情報", "linked_odbc", "ODBC;DSN=FUKUSHI_KIKAN;Trusted_Connection=Yes;"))),
          risks=("autoexec-macro", "external-data-connection")),
    ]


UPLOAD_SCRIPT = """@echo off\r
rem 毎週金曜 名簿のバックアップを外部に送る（担当者作成）\r
set SRC=%USERPROFILE%\\Desktop\\名簿\r
curl -T "%SRC%\\名簿.xlsx" https://gigafile.nu/upload/\r
"""
CLOUD_SHORTCUT = "[InternetShortcut]\r\nURL=https://www.dropbox.com/scl/fo/demo0000/hoikuen?dl=0\r\n"
PLACEHOLDER_EXE = "inventory demo: a stand-in for a remote-control program; it runs nothing.\r\n"

# The demo apps' VBA, written for the demo (code page 932: Japanese comments and strings).
# The connection strings and passwords are made up; a scan record never holds them.
JUKI_CONNECTION = "DRIVER={SQL Server};SERVER=kikan-db01;DATABASE=JUKI;UID=madoguchi;PWD=Madoguchi2024"
TAX_CONNECTION = "DSN=ZEIMU_SHUKEI;UID=zeimu_ro;Trusted_Connection=No"
VISIT_MODULES = (
    Module("ThisWorkbook", """Private Sub Workbook_Open()
    ' 開いたら本日の訪問先を表示する
    HonjitsuNoHoumon
End Sub
""", "document"),
    Module("Houmon", """Option Explicit
' 認定調査の訪問予定（介護保険課 作成）

Public Sub HonjitsuNoHoumon(Optional control As Object)
    Dim ws As Worksheet, r As Long, n As Long
    Set ws = ThisWorkbook.Worksheets("訪問予定")
    For r = 5 To ws.Cells(ws.Rows.Count, 1).End(xlUp).Row
        If ws.Cells(r, 1).Value = Date Then
            ws.Rows(r).Interior.Color = RGB(255, 242, 204)
            n = n + 1
        End If
    Next r
    MsgBox "本日の訪問は " & n & " 件です。", vbInformation, "訪問調査"
End Sub

Public Sub YoteiInsatsu(Optional control As Object)
    With ThisWorkbook.Worksheets("訪問予定").PageSetup
        .Orientation = xlLandscape
        .PrintTitleRows = "$4:$4"
    End With
    ThisWorkbook.Worksheets("訪問予定").PrintOut
End Sub
"""),
)
CERTIFICATE_MODULES = (
    Module("Torikomi", f"""Option Explicit
' 基幹系（住基）から証明書の交付実績を取り込む

Public Sub Torikomi(Optional control As Object)
    Dim cn As Object, rs As Object, ws As Worksheet
    Set cn = CreateObject("ADODB.Connection")
    cn.Open "{JUKI_CONNECTION}"
    Set rs = cn.Execute("SELECT 種別, COUNT(*) FROM 交付実績 GROUP BY 種別")
    Set ws = ThisWorkbook.Worksheets("集計")
    ws.Range("A2").CopyFromRecordset rs
    rs.Close
    cn.Close
End Sub

Public Sub Geppou(Optional control As Object)
    ThisWorkbook.Worksheets("集計").Copy
    ActiveWorkbook.SaveAs ThisWorkbook.Path & "\月報_" & Format(Date, "yyyymm") & ".xlsx"
End Sub
"""),
)
OVERTIME_MODULES = (
    Module("Shukei", """Option Explicit
' 時間外勤務の月次集計を人事担当へメールで送る（職員課 作成）

Public Sub SoushinSuru()
    Dim ol As Object, mail As Object
    Set ol = CreateObject("Outlook.Application")
    Set mail = ol.CreateItem(0)
    mail.To = "jinji@example.lg.jp"
    mail.Subject = "時間外勤務 集計 " & Format(Date, "yyyy年m月")
    mail.Attachments.Add ThisWorkbook.FullName
    mail.Send
End Sub
"""),
)


SHARE_FILES = _files()
