"""Header normalisation and vocabulary matching (scanners/detectors/headers.py)."""
import pytest

from scanners.detectors import CATEGORIES
from scanners.detectors.headers import (NEUTRAL, VOCABULARY, Vocabulary, load_vocabulary,
                                        match_header, matching_key, normalise_header)


@pytest.mark.parametrize("header, expected", [
    ("氏　名", "氏名"),
    ("ﾌﾘｶﾞﾅ", "フリガナ"),
    ("ＴＥＬ", "tel"),
    ("生　年　月　日", "生年月日"),
    ("Ｅ－ｍａｉｌ", "email"),
    ("【住所】", "住所"),
    ("（ふりがな）", "ふりがな"),
    ("「氏名」", "氏名"),
    ("[Name]", "name"),
    ("氏名・フリガナ", "氏名フリガナ"),
    ("First_Name", "firstname"),
    ("telephone\u3000number", "telephonenumber"),
    ("〒", "〒"),
    ("  電話番号 ", "電話番号"),
])
def test_normalise_header(header, expected):
    assert normalise_header(header) == expected


@pytest.mark.parametrize("header, expected", [
    ("住所１", "住所"),
    ("電話2", "電話"),
    ("123", "123"),
])
def test_matching_key_drops_trailing_numbers(header, expected):
    assert matching_key(header) == expected


@pytest.mark.parametrize("header, category", [
    # names, the way municipal and business files spell them
    ("氏　名", "name"), ("名前", "name"), ("お名前", "name"), ("姓", "name"), ("名", "name"),
    ("世帯主氏名", "name"), ("保護者氏名", "name"), ("児童氏名", "name"), ("選挙人氏名", "name"),
    ("被保険者氏名", "name"), ("職員名", "name"), ("利用者名", "name"), ("患者名", "name"),
    ("申請者", "name"), ("full_name", "name"), ("Last Name", "name"), ("first_name", "name"),
    ("Contact Name", "name"),
    # kana
    ("フリガナ", "name_kana"), ("ふりがな", "name_kana"), ("ﾌﾘｶﾞﾅ", "name_kana"), ("カナ氏名", "name_kana"),
    ("ｼﾒｲ", "name_kana"), ("氏名カナ", "name_kana"), ("氏名（ふりがな）", "name_kana"),
    ("名前フリガナ", "name_kana"), ("kana", "name_kana"),
    # contact
    ("住所", "address"), ("現住所", "address"), ("住所1", "address"), ("番地", "address"),
    ("方書", "address"), ("Address", "address"), ("連絡先住所", "address"), ("住所フリガナ", "address"),
    ("郵便番号", "postal_code"), ("〒", "postal_code"), ("Zip", "postal_code"), ("Postal Code", "postal_code"),
    ("電話", "phone"), ("電話番号", "phone"), ("ＴＥＬ", "phone"), ("携帯", "phone"), ("連絡先", "phone"),
    ("自宅電話", "phone"), ("携帯番号", "phone"), ("Phone", "phone"), ("TEL/FAX", "phone"),
    ("Ｅ－ｍａｉｌ", "email"), ("メールアドレス", "email"), ("メール", "email"),
    # dates and attributes
    ("生　年　月　日", "birth_date"), ("誕生日", "birth_date"), ("生年", "birth_date"), ("DOB", "birth_date"),
    ("Date of Birth", "birth_date"), ("生年月日（和暦）", "birth_date"),
    ("年齢", "age"), ("歳", "age"), ("満年齢", "age"),
    ("性別", "gender"), ("男女", "gender"), ("Sex", "gender"), ("gender", "gender"),
    # identifiers
    ("個人番号", "my_number"), ("マイナンバー", "my_number"), ("MyNumber", "my_number"),
    ("宛名番号", "resident_id"), ("住民票コード", "resident_id"), ("個人コード", "resident_id"),
    ("世帯番号", "resident_id"),
    ("被保険者番号", "insurance_number"), ("基礎年金番号", "insurance_number"),
    ("記号番号", "insurance_number"), ("介護保険番号", "insurance_number"), ("受給者番号", "insurance_number"),
    # money, school, family
    ("口座番号", "bank_account"), ("金融機関", "bank_account"), ("支店名", "bank_account"),
    ("口座名義", "bank_account"), ("預金種目", "bank_account"), ("口座名義カナ", "bank_account"),
    ("給与", "income"), ("所得", "income"), ("税額", "income"), ("基本給", "income"),
    ("課税所得", "income"), ("年収", "income"), ("通勤手当", "income"), ("支給額", "income"),
    ("学校名", "school"), ("学年", "school"), ("組", "school"), ("在籍校", "school"),
    ("続柄", "family"), ("世帯主との続柄", "family"), ("扶養親族", "family"), ("配偶者", "family"),
    # sensitive
    ("障害", "health"), ("障がい", "health"), ("要介護度", "health"), ("介護度", "health"),
    ("病名", "health"), ("傷病名", "health"), ("診断名", "health"), ("療育手帳", "health"),
    ("障害等級", "health"), ("服薬", "health"), ("アレルギー", "health"),
    ("犯罪歴", "criminal_record"), ("前科", "criminal_record"), ("犯罪被害", "criminal_record"),
    ("人種", "creed_race"), ("信条", "creed_race"), ("宗教", "creed_race"), ("社会的身分", "creed_race"),
])
def test_header_matches_category(header, category):
    found = match_header(header)
    assert found is not None and found.category == category


@pytest.mark.parametrize("header", [
    "施設名", "名称", "事業所名", "店舗名", "所在地名称", "代表電話", "代表電話番号", "件名", "品名",
    "備品名", "担当課", "人口", "世帯数", "合計", "予算額", "金額", "男", "女", "年齢区分",
    "受付番号", "伝票番号", "名称_カナ", "施設名カナ", "施設電話番号", "施設所在地", "事業所所在地",
    "特休日数(有給)", "世帯員数", "緯度", "ProductName", "備考",
])
def test_neutral_headers(header):
    found = match_header(header)
    assert found is not None and found.category == NEUTRAL


@pytest.mark.parametrize("header", [
    None, "", "   ", "列1", "コメント欄のテキスト", "令和6年度 選挙人名簿 北区 第一投票区 のうち 抄本 その他の注記を含む長い表題",
    "Column A", "xyz",
])
def test_headers_that_match_nothing(header):
    assert match_header(header) is None


@pytest.mark.parametrize("header, weak", [
    ("name", True), ("所在地", True), ("FAX", True), ("等級", True),
    ("氏名", False), ("住所", False), ("電話番号", False),
])
def test_ambiguous_headers_are_weak(header, weak):
    assert match_header(header).weak is weak


def test_vocabulary_covers_every_category():
    covered = {VOCABULARY.match(term).category
               for term in ("氏名", "フリガナ", "住所", "郵便番号", "電話", "メール", "生年月日", "年齢",
                            "性別", "個人番号", "宛名番号", "被保険者番号", "口座番号", "給与",
                            "学校名", "続柄", "障害", "犯罪歴", "宗教")}
    assert covered == set(CATEGORIES)


def test_shipped_vocabulary_loads():
    assert load_vocabulary().match("氏名").category == "name"


@pytest.mark.parametrize("table", [
    {"name": {"exact": ["住所"]}, "address": {"exact": ["住所"]}},   # one term, two categories
    {"name": {"exactly": ["氏名"]}},                                   # unknown list kind
    {"name": {"exact": ["（）"]}},                                     # empty after normalising
])
def test_bad_vocabulary_is_rejected(table):
    with pytest.raises(ValueError):
        Vocabulary(table)


def test_extended_vocabulary_matches_new_terms():
    vocabulary = Vocabulary({"name": {"exact": ["受講者"]}, "neutral": {"prefix": ["会場"]}})
    assert vocabulary.match("受講者").category == "name"
    assert vocabulary.match("会場住所").category == NEUTRAL


@pytest.mark.parametrize("header", ["国籍", "本籍", "本籍地", "nationality"])
def test_nationality_is_not_sensitive(header):
    """A nationality or 本籍 alone is a legal status, not race (APPI guidelines): not 要配慮."""
    found = match_header(header)
    assert found is None or found.category != "creed_race"


@pytest.mark.parametrize("header, category", [
    ("shimei", "name"), ("simei", "name"), ("namae", "name"), ("jusho", "address"), ("juusho", "address"),
    ("zyusyo", "address"), ("seinen_gappi", "birth_date"), ("SeiBetsu", "gender"), ("seibetu", "gender"),
    ("denwa_bangou", "phone"), ("yubin_bango", "postal_code"), ("kaiin_shimei", "name"),
    ("shimei_kana", "name_kana"), ("furigana", "name_kana"), ("nenrei", "age"), ("zokugara", "family"),
])
def test_romaji_headers_in_hepburn_and_kunrei(header, category):
    assert match_header(header).category == category


@pytest.mark.parametrize("header", ["申請者", "参加者", "組合員名", "顧客名", "購入者", "applicant_name",
                                    "Participant", "会員氏名"])
def test_headers_naming_people_by_their_role(header):
    assert match_header(header).category == "name"


@pytest.mark.parametrize("header", ["担当者", "作成者", "出席者", "承認者", "参加者数"])
def test_staff_and_counts_are_not_the_people_listed(header):
    assert match_header(header).category == "neutral"


@pytest.mark.parametrize("header, category", [
    ("基本給（円）", "income"), ("氏名（全角）", "name"), ("住所(番地まで)", "address"),
    ("電話番号【携帯】", "phone"), ("生年月日［和暦］", "birth_date"), ("年齢（歳）", "age"),
])
def test_a_qualifier_in_brackets_does_not_hide_the_term(header, category):
    assert match_header(header).category == category
