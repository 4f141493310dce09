"""Value validators and masking (scanners/detectors/values/, masking.py).

Every value here is made up: names are obviously fake, numbers are built
from the rules they test.
"""
import datetime as dt

import pytest

from scanners.detectors import CATEGORIES
from scanners.detectors import values as v
from scanners.detectors.masking import mask_value


def fake_my_number(first_eleven: str) -> str:
    return first_eleven + str(v.my_number_check_digit(first_eleven))


def matches(validator, cell) -> bool:
    return validator.match(v.prepare(cell))


def test_check_digit_of_the_documented_example():
    # 6214 9832 025□: weights 6 5 4 3 2 7 6 5 4 3 2 give 180; 180 mod 11 = 4; 11 - 4 = 7
    assert v.my_number_check_digit("62149832025") == 7


@pytest.mark.parametrize("first_eleven, digit", [
    ("00000000000", 0),      # remainder 0 -> 0
    ("10000000000", 5),      # 6 -> 11 - 6
    ("00000000006", 0),      # 12 mod 11 = 1 -> 0
])
def test_check_digit_rules(first_eleven, digit):
    assert v.my_number_check_digit(first_eleven) == digit


@pytest.mark.parametrize("cell, expected", [
    ("621498320257", True),
    ("6214 9832 0257", True),
    ("6214-9832-0257", True),
    ("６２１４９８３２０２５７", True),
    ("６２１４　９８３２　０２５７", True),
    (621498320257, True),
    (621498320257.0, True),
    (fake_my_number("12345678901"), True),
    ("621498320258", False),      # wrong check digit
    ("62149832025", False),       # 11 digits
    ("6214983202577", False),     # 13 digits (a 法人番号 has 13)
    ("62149832025a", False),
    ("", False),
    (None, False),
    (True, False),
])
def test_my_number(cell, expected):
    assert matches(v.MyNumber(), cell) is expected


@pytest.mark.parametrize("cell, expected", [
    ("03-0000-0001", True), ("0877-00-0001", True), ("087-800-0001", True),
    ("090-0000-0001", True), ("080 1000 0001", True), ("070-0000-0001", True), ("050-0000-0001", True),
    ("０９０－００００－０００１", True), ("09000000001", True), ("072(228)7907", True),
    ("+81-90-0000-0001", True), ("+81 3 0000 0001", True), ("090ー0000ー0001", True),
    ("0120-000-001", False), ("0800-000-0001", False), ("0800-100-0001", False), ("0570-000-001", False), ("0990-000-001", False),
    ("03-0000-000", False), ("0900000000001", False), ("12-3456-7890", False), ("00-0000-0000", False),
    ("電話 03-0000-0001", False), ("2024-01-01", False), (312345678, False),
])
def test_phone_number_text(cell, expected):
    assert matches(v.PhoneNumber(), cell) is expected


@pytest.mark.parametrize("cell, expected", [
    (312345678, True), (9000000001, True), (120000001, False), (12345, False), ("0312345678", False),
])
def test_phone_number_stored_as_integer(cell, expected):
    assert matches(v.PhoneNumberAsInteger(), cell) is expected


@pytest.mark.parametrize("cell, expected", [
    ("760-0000", True), ("〒760-0000", True), ("〒 760-0000", True), ("７６０－００００", True),
    ("〒７６０ー００００", True), ("7600000", False), ("760-000", False), ("0760-0000", False), (7600000, False),
])
def test_postal_code(cell, expected):
    assert matches(v.PostalCode(), cell) is expected


@pytest.mark.parametrize("cell, expected", [
    ("7600000", True), (7600000, True), (600001, True), ("760-0000", True), ("76000000", False), ("abc", False),
])
def test_postal_code_digits_under_a_header(cell, expected):
    assert matches(v.PostalCodeDigits(), cell) is expected


@pytest.mark.parametrize("cell, expected", [
    ("taro.example@example.jp", True), ("a+b@sub.example.co.jp", True), ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", True),
    ("@example.jp", False), ("taro@", False), ("taro@example", False), ("taro example@example.jp", False),
])
def test_email(cell, expected):
    assert matches(v.EmailAddress(), cell) is expected


@pytest.mark.parametrize("cell, expected", [
    ("1970/3/2", True), ("1970-03-02", True), ("1970.3.2", True), ("19700302", True), (19700302, True),
    ("1970年3月2日", True), ("１９７０／０３／０２", True), ("1970/03/02 0:00:00", True),
    ("1970/2/30", False), ("1970/13/1", False), ("19701332", False), ("1700/1/1", False), ("3/2", False),
])
def test_western_date_text(cell, expected):
    assert matches(v.WesternDateText(), cell) is expected


@pytest.mark.parametrize("cell, expected", [
    ("昭和45年3月2日", True), ("昭和４５年３月２日", True), ("S45.3.2", True), ("H1.1.8", True),
    ("平成元年1月8日", True), ("平成元年", True), ("令和2年4月1日", True), ("R2.4.1", True), ("s45/3/2", True),
    ("Ｈ１．１．８", True), ("大正15年12月1日", True),
    ("昭和65年1月1日", False), ("平成32年1月1日", False), ("S45.13.2", False), ("昭和町1-2", False),
    ("S", False), ("Sample", False),
])
def test_era_date_text(cell, expected):
    assert matches(v.EraDateText(), cell) is expected


@pytest.mark.parametrize("cell, expected", [
    (dt.date(1970, 3, 2), True), (dt.datetime(1970, 3, 2, 0, 0), True), (dt.date(1700, 1, 1), False),
    ("1970/3/2", False),
])
def test_date_cell(cell, expected):
    assert matches(v.DateCell(), cell) is expected


@pytest.mark.parametrize("cell, expected", [
    (25629, True), (25629.0, True), (45000, True), (12, False), (99999, False), (True, False), ("25629", False),
])
def test_excel_serial_date(cell, expected):
    assert matches(v.ExcelSerialDate(), cell) is expected


@pytest.mark.parametrize("cell, expected", [
    (0, True), (45, True), (120, True), (45.0, True), ("45", True), ("45歳", True), ("45才", True),
    ("満45歳", True), ("４５歳", True),
    (121, False), (-1, False), (45.5, False), ("0～4歳", False), ("65歳以上", False), ("20-29", False),
    (True, False),
])
def test_age(cell, expected):
    assert matches(v.Age(), cell) is expected


@pytest.mark.parametrize("validator, cell, expected", [
    (v.GenderWord(), "男", True), (v.GenderWord(), "女性", True), (v.GenderWord(), "female", True),
    (v.GenderWord(), "M", False), (v.GenderWord(), "1", False), (v.GenderWord(), "男女", False),
    (v.GenderCode(), "M", True), (v.GenderCode(), "F", True), (v.GenderCode(), 1, True),
    (v.GenderCode(), "2", True), (v.GenderCode(), "男", True), (v.GenderCode(), 3, False),
    (v.GenderCode(), "X", False), (v.GenderCode(), 1234, False),
])
def test_gender(validator, cell, expected):
    assert matches(validator, cell) is expected


@pytest.mark.parametrize("validator, cell, expected", [
    (v.KanaName(), "ヤマダ ハナコ", True), (v.KanaName(), "ﾔﾏﾀﾞ ﾊﾅｺ", True), (v.KanaName(), "ヤマダ　ハナコ", True),
    (v.KanaName(), "やまだ はなこ", True),
    (v.KanaName(), "ヤマダハナコ", False), (v.KanaName(), "山田 花子", False), (v.KanaName(), "ヤマダ ハナコ 1", False),
    (v.KanaText(), "ヤマダハナコ", True), (v.KanaText(), "ﾔﾏﾀﾞﾊﾅｺ", True), (v.KanaText(), "ヤマダ ハナコ", True),
    (v.KanaText(), "山田", False), (v.KanaText(), "ア", False),
])
def test_kana_names(validator, cell, expected):
    assert matches(validator, cell) is expected


@pytest.mark.parametrize("validator, cell, expected", [
    (v.PersonName(), "見本 花子", True), (v.PersonName(), "見本花子", True), (v.PersonName(), "見本　花子", True),
    (v.PersonName(), "見本", True), (v.PersonName(), "Jane Doe", True), (v.PersonName(), "O'Neil", True),
    (v.PersonName(), "srikanth reddy", True), (v.PersonName(), "sequence1", False),
    (v.PersonName(), "見本 さくら", True),
    (v.PersonName(), "中央公民館", False), (v.PersonName(), "高松市", False), (v.PersonName(), "株式会社見本", False),
    (v.PersonName(), "見本病院", False), (v.PersonName(), "見本クリニック", False),
    (v.PersonName(), "見本中央図書館分室", False), (v.PersonName(), "Acme Inc", False),
    (v.PersonName(), "Central Library", False), (v.PersonName(), "見本1", False), (v.PersonName(), 12, False),
    # the name dictionary (UniDic): family and given names it knows, not places or businesses
    (v.LexiconFullName(), "山田 花子", True), (v.LexiconFullName(), "佐藤　さくら", True),
    (v.LexiconFullName(), "湯浅良平", True), (v.LexiconFullName(), "Hanako Yamada", True),
    (v.LexiconFullName(), "YAMADA TARO", True), (v.LexiconFullName(), "千葉 太郎", True),
    (v.LexiconFullName(), "見本 花子", True),        # a given name after a short unknown word
    (v.LexiconFullName(), "山田", False),            # a family name alone is not enough alone
    (v.LexiconFullName(), "山田商店", False), (v.LexiconFullName(), "鈴木建設", False),
    (v.LexiconFullName(), "横浜市中区", False), (v.LexiconFullName(), "中央図書館", False),
    (v.LexiconFullName(), "ヤマダ タロウ", False),   # kana is name_kana
    (v.LexiconFullName(), "Tokyo Tower", False), (v.LexiconFullName(), "Honda Motor", False),
    (v.LexiconPersonName(), "山田", True), (v.LexiconPersonName(), "花子", True),
    (v.LexiconPersonName(), "豆腐", False), (v.LexiconPersonName(), "課長", False),
    (v.LexiconKanaName(), "ヤマダタロウ", True), (v.LexiconKanaName(), "バナナ", False),
    (v.LatinPersonName(), "Braund, Mr. Owen Harris", True), (v.LatinPersonName(), "Taro Yamada", True),
    (v.LatinPersonName(), "Acme Systems", False), (v.LatinPersonName(), "Blue", False),
])
def test_person_names(validator, cell, expected):
    assert matches(validator, cell) is expected


@pytest.mark.parametrize("validator, cell, expected", [
    (v.JapaneseAddress(), "香川県高松市番町1丁目1-1", True), (v.JapaneseAddress(), "高松市番町一丁目8番15号", True),
    (v.JapaneseAddress(), "東京都千代田区千代田1-1", True), (v.JapaneseAddress(), "見本町字見本123番地", True),
    (v.JapaneseAddress(), "見本市見本町１－２－３", True),
    (v.JapaneseAddress(), "香川県", False), (v.JapaneseAddress(), "見本ビル3階", False),
    (v.JapaneseAddress(), "1-2-3", False), (v.JapaneseAddress(), "123 Main Street", False),
    (v.AddressText(), "高松市番町", True), (v.AddressText(), "香川県", True), (v.AddressText(), "1-2-3", True),
    (v.AddressText(), "123 Main Street", True), (v.AddressText(), "見本", False), (v.AddressText(), "Main Street", False),
])
def test_addresses(validator, cell, expected):
    assert matches(validator, cell) is expected


@pytest.mark.parametrize("validator, cell, expected", [
    (v.CareLevel(), "要介護1", True), (v.CareLevel(), "要介護５", True), (v.CareLevel(), "要支援2", True),
    (v.CareLevel(), "事業対象者", True), (v.CareLevel(), "要介護6", False), (v.CareLevel(), "要支援3", False),
    (v.CareLevel(), "介護", False),
    (v.DisabilityHandbook(), "身体障害者手帳", True), (v.DisabilityHandbook(), "療育手帳B", True),
    (v.DisabilityHandbook(), "精神障害者保健福祉手帳2級", True), (v.DisabilityHandbook(), "母子手帳", False),
    (v.DisabilityGrade(), "1級", True), (v.DisabilityGrade(), "６級", True), (v.DisabilityGrade(), "A", True),
    (v.DisabilityGrade(), "B2", True), (v.DisabilityGrade(), "精神2級", True), (v.DisabilityGrade(), "区分3", True),
    (v.DisabilityGrade(), "8級", False), (v.DisabilityGrade(), "C", False), (v.DisabilityGrade(), "1級建築士", False),
])
def test_health_values(validator, cell, expected):
    assert matches(validator, cell) is expected


@pytest.mark.parametrize("validator, cell, expected", [
    (v.BankAccountNumber(), "0001234", True), (v.BankAccountNumber(), 1234, True), (v.BankAccountNumber(), "1234", False),
    (v.BankAccountNumber(), "12345678", False), (v.BankAccountNumber(), 0, False),
    (v.BankWords(), "見本銀行", True), (v.BankWords(), "見本信用金庫", True), (v.BankWords(), "普通", True),
    (v.BankWords(), "見本支店", True), (v.BankWords(), "見本", False),
    (v.InsuranceNumber(), "12345678", True), (v.InsuranceNumber(), 12345678, True), (v.InsuranceNumber(), "AB-1234", True),
    (v.InsuranceNumber(), "AB", False), (v.InsuranceNumber(), 12, False),
    (v.ResidentNumber(), "0000123456", True), (v.ResidentNumber(), 123456, True), (v.ResidentNumber(), "12", False),
    (v.MoneyAmount(), 250000, True), (v.MoneyAmount(), "250,000", True), (v.MoneyAmount(), "250,000円", True),
    (v.MoneyAmount(), "¥250,000", True), (v.MoneyAmount(), -1, False), (v.MoneyAmount(), "未定", False),
    (v.SchoolGrade(), "3年", True), (v.SchoolGrade(), "小4", True), (v.SchoolGrade(), "2組", True),
    (v.SchoolGrade(), "3年2組", True), (v.SchoolGrade(), "見本小学校", True), (v.SchoolGrade(), 4, True),
    (v.SchoolGrade(), "見本", False),
    (v.Relationship(), "世帯主", True), (v.Relationship(), "長男", True), (v.Relationship(), "妻", True),
    (v.Relationship(), "見本", False),
])
def test_other_attribute_values(validator, cell, expected):
    assert matches(validator, cell) is expected


def test_every_validator_names_a_spec_category():
    assert {validator.category for validator in v.VALIDATORS} <= set(CATEGORIES)


def test_standalone_validators_do_not_need_a_header():
    assert all(not validator.needs_header for validator in v.STANDALONE)
    assert {validator.name for validator in v.STANDALONE} >= {"MyNumber", "PhoneNumber", "EmailAddress"}


@pytest.mark.parametrize("cell, expected", [
    ("  見本 花子 ", "見本 花子"), ("ﾔﾏﾀﾞ", "ヤマダ"), ("０９０", "090"), ("", None), ("   ", None), (None, None),
    (12, 12), (dt.date(2000, 1, 1), dt.date(2000, 1, 1)),
])
def test_prepare(cell, expected):
    assert v.prepare(cell) == expected


@pytest.mark.parametrize("cell, expected", [
    ("見本 花子", "** **"),
    ("ヤマダ ハナコ", "*** ***"),
    ("090-0000-0001", "***-****-****"),
    ("072(228)7907", "***(***)****"),
    ("〒760-0000", "〒***-****"),
    ("昭和45年3月2日", "昭和**年*月*日"),
    ("平成元年1月8日", "平成*年*月*日"),
    ("S45.3.2", "S**.*.*"),
    ("昭和町1-2", "****-*"),
    ("taro@example.jp", "****@*******.**"),
    ("45歳", "**歳"),
    ("身体1級", "***級"),
    ("621498320257", "************"),
    (621498320257, "************"),
    (45.0, "**"),
    (dt.date(1970, 3, 2), "****-**-**"),
    ("見本県見本市見本町一丁目ずっと長い住所の続きがここにありますそして更に続く", "*" * 31 + "…"),
])
def test_mask_value(cell, expected):
    assert mask_value(cell) == expected
