"""Whole-table decisions of detect_personal (scanners/detectors/personal.py, layout.py, columns.py).

Tables are built here from made-up people (common family names paired with common
given names, 見本 花子 ...; the name dictionary must read them as names),
made-up numbers (phones 0X0-0000-NNNN style, My Numbers computed from
their check digit) and invented places.
"""
import datetime as dt
import json
import random
from pathlib import Path

import pytest

from scanners.detectors.layout import column_letter, find_layout
from scanners.detectors.personal import detect_personal, is_personal_table
from scanners.detectors.values import my_number_check_digit
from scanners.document import Document, Table

SURNAMES = ["山田", "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村"]
GIVEN = ["太郎", "花子", "一郎", "美咲", "健太", "陽子", "翔太", "由美", "大輔"]
KANA = ["ヤマダ イチゴウ", "サトウ ニゴウ", "スズキ サンゴウ", "タカハシ ヨンゴウ"]


def fake_name(i):
    return f"{SURNAMES[i % len(SURNAMES)]} {GIVEN[i % len(GIVEN)]}"


def fake_phone(i):
    return f"090-0000-{i:04d}" if i % 2 else f"087-000-{i:04d}"


def fake_address(i):
    return f"見本県見本市見本町{i % 9 + 1}丁目{i % 20 + 1}-{i % 7 + 1}"


def fake_my_number(i):
    first = f"{100000000000 + i * 7919:012d}"[:11]
    return first + str(my_number_check_digit(first))


def voter_rows(n=30):
    return [[i + 1, fake_name(i), KANA[i % 4], dt.date(1950 + i % 50, 1 + i % 12, 1 + i % 28),
             "男" if i % 2 else "女", fake_address(i)] for i in range(n)]


VOTER_HEADER = ["番号", "氏　名", "ﾌﾘｶﾞﾅ", "生　年　月　日", "性別", "住所"]


def doc(*tables):
    return Document("xlsx", list(tables))


def columns_by_category(result):
    return {c.category: c for c in result.columns}


# --- personal tables --------------------------------------------------------------

def test_voter_list_with_title_and_blank_rows_before_the_header():
    rows = [["令和6年度 選挙人名簿", None, None], [], [None, None, None], VOTER_HEADER] + voter_rows(30) + [[], []]
    result = detect_personal(doc(Table("名簿", rows)))
    assert result.present and not result.sensitive and not result.my_number
    assert result.categories == ["name", "name_kana", "address", "birth_date", "gender"]
    assert result.records == 30
    found = columns_by_category(result)
    assert (found["name"].column, found["name"].header, found["name"].index) == ("B", "氏　名", 1)
    assert found["name"].confidence > 0.9
    assert found["birth_date"].evidence["example"] == "****-**-**"
    assert found["name"].evidence == {"values_sampled": 30, "hit_ratio": 1.0, "example": "** **",
                                      "header_term": "氏名", "values_distinct": 30}


def test_staff_roster_with_pay():
    rows = [["職員番号", "氏名", "所属", "基本給", "通勤手当"]]
    rows += [[f"S{i:05d}", fake_name(i), "見本課", 200000 + i * 1000, 5000] for i in range(12)]
    result = detect_personal(doc(Table("職員", rows)))
    assert result.present and result.categories == ["name", "income"]
    assert [c.column for c in result.columns] == ["B", "D", "E"]
    assert result.records == 12


def test_care_level_list_is_sensitive():
    levels = ["要介護1", "要介護2", "要支援1", "要介護5", "事業対象者"]
    rows = [["被保険者番号", "氏名", "生年月日", "要介護度"]]
    rows += [[f"{1000000 + i:010d}", fake_name(i), f"昭和{10 + i}年{1 + i % 12}月{1 + i}日", levels[i % 5]]
             for i in range(15)]
    result = detect_personal(doc(Table("認定者", rows)))
    assert result.present and result.sensitive
    assert result.categories == ["name", "birth_date", "insurance_number", "health"]
    assert columns_by_category(result)["birth_date"].evidence["example"].startswith("昭和")


def test_headerless_export_decided_by_values_alone():
    rows = [[f"{i:08d}", fake_name(i), KANA[i % 4], fake_phone(i), fake_address(i)] for i in range(20)]
    layout = find_layout(Table("export", rows))
    assert layout.header_row is None and not layout.has_header
    result = detect_personal(doc(Table("export", rows)))
    assert result.present and result.records == 20
    assert result.categories == ["name", "name_kana", "address", "phone"]
    assert all(c.header is None and "header_term" not in c.evidence for c in result.columns)


@pytest.mark.parametrize("rows, present", [
    (6, True),      # a small export of names and phones: the values are unmistakable
    (2, False),     # two rows are too few to judge a column by its values
])
def test_small_headerless_lists_are_decided_by_strong_values(rows, present):
    table = [[fake_name(i), fake_phone(i), f"user{i}@example.jp"] for i in range(rows)]
    assert detect_personal(doc(Table("short", table))).present is present


def test_my_number_list_with_header():
    rows = [["氏名", "個人番号"]] + [[fake_name(i), fake_my_number(i)] for i in range(12)]
    result = detect_personal(doc(Table("番号", rows)))
    assert result.present and result.my_number
    found = columns_by_category(result)["my_number"]
    assert found.evidence["check_digit_ratio"] == 1.0
    assert found.evidence["example"] == "************"


def test_my_numbers_without_header_need_nearly_all_valid():
    rows = [[fake_name(i), fake_my_number(i)] for i in range(20)]
    assert detect_personal(doc(Table("x", rows))).my_number


def random_twelve_digits(rng, n):
    return [f"{rng.randrange(10**11, 10**12)}" for _ in range(n)]


def test_receipt_numbers_are_not_my_numbers():
    rng = random.Random(7)
    rows = [["受付番号", "受付日", "件名", "担当課"]]
    rows += [[number, dt.date(2024, 4, 1 + i % 28), "見本の申請", "見本課"]
             for i, number in enumerate(random_twelve_digits(rng, 40))]
    result = detect_personal(doc(Table("受付簿", rows)))
    assert not result.present and not result.my_number and result.columns == [] and result.records == 0


def test_random_twelve_digit_column_without_header_is_not_my_number():
    rng = random.Random(11)
    rows = [[number, fake_name(i), fake_phone(i)] for i, number in enumerate(random_twelve_digits(rng, 40))]
    result = detect_personal(doc(Table("x", rows)))
    assert result.present and not result.my_number


def test_my_number_header_over_numbers_failing_the_check_is_a_local_code():
    rng = random.Random(3)
    rows = [["氏名", "個人番号"]] + [[fake_name(i), n] for i, n in enumerate(random_twelve_digits(rng, 30))]
    result = detect_personal(doc(Table("x", rows)))
    assert not result.my_number
    assert columns_by_category(result)["resident_id"].evidence["check_digit_ratio"] < 0.5


# --- not personal -----------------------------------------------------------------

FACILITIES = ["見本中央公民館", "見本市立図書館", "見本第一保育所", "見本総合体育館", "見本東児童館",
              "見本西コミュニティセンター", "見本市役所北支所", "見本南小学校"]


def facility_rows(header):
    return [header] + [[f, fake_address(i), f"087-000-{i:04d}", f"760-00{i:02d}"]
                       for i, f in enumerate(FACILITIES * 3)]


@pytest.mark.parametrize("header", [
    ["施設名", "所在地", "電話番号", "郵便番号"],
    ["名称", "住所", "代表電話", "〒"],
    ["name", "address", "telephoneNumber", "postalCode"],
    ["施設名称", "施設所在地", "施設電話番号", "施設郵便番号"],
])
def test_facility_list_is_not_personal(header):
    result = detect_personal(doc(Table("施設一覧", facility_rows(header))))
    assert not result.present and result.columns == [] and result.categories == []


def test_facility_list_with_kana_readings_is_not_personal():
    rows = [["名称", "名称_カナ", "住所", "電話番号"]]
    rows += [[f, "ミホン シセツ", fake_address(i), f"087-000-{i:04d}"] for i, f in enumerate(FACILITIES * 2)]
    rows2 = [["name", "fullNameInKana", "address"]] + [[f, "ミホンシセツ", fake_address(i)]
                                                        for i, f in enumerate(FACILITIES * 2)]
    assert not detect_personal(doc(Table("a", rows), Table("b", rows2))).present


def test_population_statistics_are_not_personal():
    rows = [["地区別人口と世帯数"], ["地区", "世帯数", "人口", "男", "女"]]
    rows += [[f"見本{i}丁目", 300 + i, 700 + i, 350 + i, 350] for i in range(1, 20)]
    rows2 = [["年齢", "男", "女", "合計"]] + [[f"{a}～{a + 4}歳", 100 + a, 90 + a, 190 + 2 * a] for a in range(0, 100, 5)]
    assert not detect_personal(doc(Table("人口", rows), Table("年齢別", rows2))).present


def test_age_header_over_ranges_does_not_count():
    rows = [["氏名", "年齢"]] + [[fake_name(i), f"{i}～{i + 4}歳"] for i in range(12)]
    result = detect_personal(doc(Table("x", rows)))
    assert "age" not in result.categories


def test_budget_is_not_personal():
    rows = [["令和6年度 予算書"], ["款", "項", "目", "予算額", "前年度予算額", "比較"]]
    rows += [["総務費", "総務管理費", f"見本費{i}", 1000000 * i, 900000 * i, 100000 * i] for i in range(1, 15)]
    assert not detect_personal(doc(Table("予算", rows))).present


def test_equipment_inventory_is_not_personal():
    rows = [["備品名", "数量", "設置場所", "担当課", "購入日"]]
    rows += [[f"見本机{i}", 2, "見本室", "見本課", dt.date(2020, 4, 1)] for i in range(12)]
    assert not detect_personal(doc(Table("備品", rows))).present


def test_names_with_remarks_are_a_list_of_people():
    """Named people with a remark column: rows about identifiable individuals."""
    rows = [["氏名", "備考"]] + [[fake_name(i), "見本"] for i in range(12)]
    assert detect_personal(doc(Table("x", rows))).present


def test_a_list_of_names_alone_is_personal():
    """Names identify people: a column of residents' names is a list of people."""
    rows = [["氏名"]] + [[fake_name(i)] for i in range(12)]
    assert detect_personal(doc(Table("x", rows))).present


def test_one_name_repeated_is_not_a_list_of_people():
    rows = [["氏名"]] + [[fake_name(1)] for i in range(12)]
    assert not detect_personal(doc(Table("x", rows))).present


def test_family_and_given_name_columns_make_a_list_of_people():
    rows = [["Company", "Last Name", "First Name", "Country/Region"]]
    rows += [["Example Trading", "Doe", "Jane", "USA"] for _ in range(5)]
    result = detect_personal(doc(Table("customers", rows)))
    assert result.present and result.categories == ["name"] and result.records == 5


@pytest.mark.parametrize("categories, name_columns, expected", [
    ({"name", "address"}, 1, True), ({"name_kana", "phone"}, 1, True), ({"resident_id", "birth_date"}, 0, True),
    ({"email", "income"}, 0, True), ({"name", "name_kana"}, 2, True), ({"name"}, 2, True), ({"name"}, 1, False), ({"name_kana"}, 2, False),
    ({"address", "phone"}, 0, False), ({"my_number"}, 0, False), ({"phone", "postal_code", "address"}, 0, False),
])
def test_is_personal_table(categories, name_columns, expected):
    assert is_personal_table(frozenset(categories), name_columns) is expected


# --- layout, flags, counts --------------------------------------------------------

def test_two_row_header_picks_the_row_that_matches_best():
    rows = [["申請者情報", None, None, "連絡先", None],
            ["氏名", "フリガナ", "住所", "電話", "メール"]]
    rows += [[fake_name(i), KANA[i % 4], fake_address(i), fake_phone(i), f"user{i}@example.jp"] for i in range(10)]
    table = Table("申請", rows)
    assert find_layout(table).header_row == 1
    result = detect_personal(doc(table))
    assert result.categories == ["name", "name_kana", "address", "phone", "email"]
    assert result.records == 10


def test_group_row_fills_a_blank_header_cell():
    rows = [["番号", "申請者", None], [None, "氏名", "住所"]] + [[i, fake_name(i), fake_address(i)] for i in range(8)]
    layout = find_layout(Table("x", rows))
    assert layout.header_row == 1 and layout.headers == ["番号", "氏名", "住所"]


def test_header_row_cells_that_look_like_values_are_not_reported():
    rows = [["氏名", "住所", "山田 太郎", "090-0000-0001"]] + [[fake_name(i), fake_address(i), None, None]
                                                             for i in range(10)]
    layout = find_layout(Table("x", rows))
    assert layout.header_row == 0 and layout.headers == ["氏名", "住所", None, None]


def test_householder_header_is_kept():
    rows = [["世帯主", "続柄", "男", "女"]] + [[fake_name(i), "妻", 1, 2] for i in range(10)]
    assert find_layout(Table("x", rows)).headers == ["世帯主", "続柄", "男", "女"]


def test_hidden_sheet_marks_every_finding():
    table = Table("元データ", [VOTER_HEADER] + voter_rows(12), visibility="veryHidden")
    result = detect_personal(doc(table))
    assert result.present and all(c.hidden for c in result.columns)


def test_hidden_column_marks_only_that_column():
    table = Table("名簿", [VOTER_HEADER] + voter_rows(12), hidden_columns={5})
    hidden = {c.column: c.hidden for c in detect_personal(doc(table)).columns}
    assert hidden == {"B": False, "C": False, "D": False, "E": False, "F": True}


@pytest.mark.parametrize("hidden_rows, expected", [(set(range(1, 13)), True), ({1, 2}, False)])
def test_mostly_hidden_rows_mark_the_table(hidden_rows, expected):
    table = Table("名簿", [VOTER_HEADER] + voter_rows(12), hidden_rows=hidden_rows)
    assert all(c.hidden is expected for c in detect_personal(doc(table)).columns)


def test_access_table_uses_field_names():
    table = Table("T_住民", [[fake_name(i), fake_address(i), dt.datetime(1960, 1, 1 + i)] for i in range(10)],
                  header=["SIMEI", "住所", "生年月日"], total_rows=5000)
    result = detect_personal(doc(table))
    assert [c.column for c in result.columns] == ["SIMEI", "住所", "生年月日"]
    assert result.records == 5000


def test_records_use_the_total_row_estimate():
    table = Table("名簿", [["タイトル"], VOTER_HEADER] + voter_rows(30), total_rows=12002)
    assert detect_personal(doc(table)).records == 12000


@pytest.mark.parametrize("second_header, expected_records", [
    (VOTER_HEADER, 30 + 20),                                   # a list split by district: summed
    (["番号", "氏名", "電話番号"], 30),                          # a different list: the largest
])
def test_records_over_several_tables(second_header, expected_records):
    first = Table("北区", [VOTER_HEADER] + voter_rows(30))
    if second_header is VOTER_HEADER:
        second = Table("南区", [VOTER_HEADER] + voter_rows(20))
    else:
        second = Table("別表", [second_header] + [[i, fake_name(i), fake_phone(i)] for i in range(20)])
    assert detect_personal(doc(first, second)).records == expected_records


@pytest.mark.parametrize("index, letter", [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (52, "BA"), (701, "ZZ"),
                                           (702, "AAA")])
def test_column_letter(index, letter):
    assert column_letter(index) == letter


@pytest.mark.parametrize("tables", [
    [], [Table("empty")], [Table("blank", [[None, None], [], ["", "  "]])], [Table("header only", [VOTER_HEADER])],
    [Table("ragged", [["氏名"], [fake_name(1), "x", "y", None, 5], [], [None], ["a", dt.time(1, 2)]])],
    [Table("odd cells", [["氏名", "住所"], [True, 1.5], [dt.time(0, 0), float("nan")]])],
])
def test_degenerate_tables_do_not_crash(tables):
    result = detect_personal(doc(*tables))
    assert not result.present and result.to_record()["columns"] == []


# --- no values leave the detector -----------------------------------------------------

def test_record_holds_no_cell_value():
    rows = [["氏名", "フリガナ", "電話番号", "メール", "個人番号", "住所"]]
    rows += [[fake_name(i), KANA[i % 4], fake_phone(i), f"user{i}@example.jp", fake_my_number(i), fake_address(i)]
             for i in range(15)]
    record = json.dumps(detect_personal(doc(Table("名簿", rows))).to_record(), ensure_ascii=False)
    for row in rows[1:]:
        for cell in row:
            assert str(cell) not in record
            for part in str(cell).split(" "):
                assert len(part) < 2 or part not in record


# --- speed -------------------------------------------------------------------

def wide_table(with_header, rows=200):
    header = ["番号", "氏名", "フリガナ", "生年月日", "性別", "郵便番号", "住所", "電話番号", "メール", "備考"]
    body = [[i, fake_name(i), KANA[i % 4], dt.date(1960, 1, 1 + i % 28), "男", f"760-{i:04d}", fake_address(i),
             fake_phone(i), f"user{i}@example.jp", None if i % 3 else "見本"] for i in range(rows)]
    return Table("t", ([header] if with_header else []) + body)


def dictionary_parses(document) -> int:
    """How many texts the morphological dictionary parses while ``document`` is detected (the
    costly step: ~50 µs a text), counted on the real parser."""
    from scanners.detectors import memory, names

    memory.forget()
    real, calls = names._morphemes, []

    def counted(text):
        calls.append(text)
        return real(text)

    names._morphemes = counted
    try:
        assert detect_personal(document).present
    finally:
        names._morphemes = real
    return len(calls)


@pytest.mark.parametrize("with_header", [True, False])
def test_the_dictionary_reads_a_sample_not_every_row(with_header):
    """A 200-row and a 2,000-row table cost the dictionary the same: it reads the probe of each
    column, not every cell (the time is a figure of ``make bench``, not asserted here)."""
    small = dictionary_parses(doc(wide_table(with_header, rows=200)))
    large = dictionary_parses(doc(wide_table(with_header, rows=2000)))
    assert large <= small * 1.2 + 10
    assert small < 2000 * 0.1             # 200 rows x 10 columns: a small part of the cells


# --- real files ----------------------------------------------------------------

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def _csv_document(path):
    import csv
    import io
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    rows = [[c or None for c in r] for r in csv.reader(io.StringIO(text))]
    return Document("csv", [Table(path.name, rows[:200], total_rows=len(rows))])


@pytest.mark.corpus
@pytest.mark.parametrize("relative, present", [
    ("_derived/dummy_personal_ja_cp932.csv", True),
    ("ExcelDataReader+ExcelDataReader/src/TestData/csv/MOCK_DATA.csv", True),
    ("_derived/takamatsu_hospitals_cp932.csv", False),
    ("_derived/tokyo_public_facilities_cp932.csv", False),
    ("takamatsu-city+opendata/data/hospital/data.csv", False),
    ("takamatsu-city+opendata/data/public_toilet/data.csv", False),
    ("takamatsu-city+opendata/data/sandbag_creation_location/data.csv", False),
    ("takamatsu-city+opendata/data/tsunami_evacuation_building/data.csv", False),
    ("takamatsu-city+opendata/old_data/0006.csv", False),
    ("takamatsu-city+opendata/old_data/0063.csv", False),
    ("araki-ka+DataTank/Opendata/data/MHLW/COVID-19/csv/output.csv", False),
    ("araki-ka+DataTank/Opendata/data/Tokyo Metropolitan Government/Life and Statistics/csv/output.csv", False),
])
def test_corpus_csv_files(relative, present):
    path = CORPUS / relative
    if not path.exists():
        pytest.skip("corpus file not available")
    assert detect_personal(_csv_document(path)).present is present


ROSTER_NAMES = ["試験 太郎", "見本 花子", "例題 一郎", "仮名 美咲", "架空 健太", "模擬 陽子",
                "試験 翔太", "見本 由美", "例題 大輔", "仮名 明美", "架空 直樹", "模擬 恵子"]


@pytest.mark.parametrize("header, other, personal", [
    (["氏名", "所属", "受講日"], lambda i: ["総務課", f"2024/6/{i + 1}"], True),   # attendance list
    (["名前", "参加講座"], lambda i: ["パソコン講座"], True),
    (["氏名"], lambda i: [], True),                                                # names and nothing else
    (["管理担当者", "備品名", "設置場所"], lambda i: ["プリンター", "3階"], False),   # equipment list
])
def test_a_named_roster_is_personal_without_other_categories(header, other, personal):
    rows = [header] + [[name] + other(i) for i, name in enumerate(ROSTER_NAMES)]
    result = detect_personal(Document(kind="xlsx", tables=[Table(name="一覧", rows=rows)]))
    assert result.present is personal


# --- reference data is not people ------------------------------------------------------

TOWNS = [("ホンチョウ", "本町"), ("サカエマチ", "栄町"), ("ミドリガオカ", "緑が丘"), ("チュウオウ", "中央"),
         ("アサヒマチ", "旭町"), ("ニシキ", "錦"), ("ヤマテ", "山手"), ("ウメダ", "梅田"), ("アオヤマ", "青山"),
         ("タカオ", "高尾"), ("ミナミ", "南"), ("キタマチ", "北町")]
POSTCODE_HEADER = ["郵便番号", "都道府県名カナ", "市区町村名カナ", "町域名カナ", "都道府県名", "市区町村名", "町域名"]


def postcode_master():
    return [[f"100-{i:04d}", "トウキョウト", "ミホンク", kana, "東京都", "見本区", town]
            for i, (kana, town) in enumerate(TOWNS * 3)]


@pytest.mark.parametrize("rows", [
    [POSTCODE_HEADER] + postcode_master(),                   # a postcode master: its kana read places
    postcode_master(),                                       # the same without a header (KEN_ALL)
    [["店舗名", "フリガナ", "住所", "電話番号"]]
    + [[f"見本ストア{town}店", kana, f"東京都見本区{town}1-2-3", f"03-0000-{i:04d}"] for i, (kana, town) in enumerate(TOWNS)],
    [["法人番号", "商号又は名称", "所在地", "フリガナ"]]
    + [[f"{1234567890123 + i}", f"株式会社見本{town}", f"東京都見本区{town}1-2", f"ミホン{kana}"] for i, (kana, town) in enumerate(TOWNS)],
])
def test_reference_data_is_not_people(rows):
    assert not detect_personal(doc(Table("マスタ", rows))).present


def test_a_reference_sheet_beside_the_people_does_not_add_people():
    people = Table("顧客", [["氏名", "住所", "電話番号"]] + [[fake_name(i), fake_address(i), fake_phone(i)] for i in range(12)])
    master = Table("郵便番号", [POSTCODE_HEADER] + postcode_master() * 20)
    result = detect_personal(doc(people, master))
    assert result.present and result.records == 12 and {c.table for c in result.columns} == {"顧客"}


def test_numbered_blank_rows_of_a_form_are_not_records():
    rows = [["No.", "氏名", "住所", "電話番号"]] + [[i + 1, fake_name(i), fake_address(i), fake_phone(i)] for i in range(5)]
    rows += [[i + 1, None, None, None] for i in range(5, 30)]
    assert detect_personal(doc(Table("名簿", rows))).records == 5


def test_a_phone_number_split_over_three_columns():
    rows = [["氏名", "TEL1", "TEL2", "TEL3"]] + [[fake_name(i), "090", "0000", f"{i:04d}"] for i in range(8)]
    result = detect_personal(doc(Table("宛先", rows)))
    assert result.categories == ["name", "phone"]
    assert columns_by_category(result)["phone"].evidence["example"] == "***-****-****"


def test_an_address_book_of_another_country():
    rows = [["Last_Name", "First_Name", "Street", "Zip", "Phone"]]
    rows += [["Doe", "Jane", f"{i} Main Street", f"0220{i}", f"31329252{i:02d}"] for i in range(6)]
    result = detect_personal(doc(Table("Address", rows)))
    assert {"postal_code", "phone"} <= set(result.categories)


@pytest.mark.parametrize("local_parts, present", [
    (["hanako.yamada", "t-sato", "kenta1987", "m_suzuki", "yuki.t"], True),   # people's addresses
    (["info", "contact", "support", "soumu", "office"], False),                 # offices' addresses
])
def test_a_headerless_list_of_addresses(local_parts, present):
    rows = [[f"{p}@example.jp"] for p in local_parts]
    assert detect_personal(doc(Table("宛先", rows))).present is present
