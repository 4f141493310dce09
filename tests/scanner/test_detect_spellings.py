"""Header spellings and layouts beyond the vocabulary's own words, on made-up residents.

Each case puts one column of a kind (inventory/demo/people.py makes the values) beside a
name column under a spelling a city's file might use - a qualifier in brackets, a role
noun, romaji, English - or with no header row at all, and checks the column's category.
"""
import random

import pytest

from inventory.demo.people import KINDS, make_person
from scanners.detectors.layout import find_layout
from scanners.detectors.personal import detect_personal
from scanners.document import Document, Table

_RNG = random.Random(7)
PEOPLE = [make_person(_RNG, 20, 85) for _ in range(40)]

CASES = {
    "name": ["お名前（漢字）", "申込者 氏名", "対象者", "参加者", "会員名", "受講者", "ご氏名", "代表者氏名", "Name",
             "full name", "Shimei", "名前(全角)", "世帯員氏名", "相談者", "入所者", "利用者（本人）", None],
    "kana": ["ﾌﾘｶﾞﾅ", "カナ", "氏名カナ", "よみ", "読み仮名", "フリガナ（全角）", "カナ氏名(半角)", "yomigana", None],
    "address": ["現住所（番地まで）", "住所１", "ご住所", "居住地", "Address", "jusho", "住所・方書", None],
    "postal": ["〒", "郵便", "ZIP", "〒番号", "yubin", None],
    "mobile": ["携帯", "携帯電話番号", "連絡先(携帯)", "TEL（携帯）", "電話番号２", "Mobile", "denwa", None],
    "email": ["E-mail", "メアド", "メールアドレス（PC）", "mail", None],
    "birth": ["誕生日", "生年月日（西暦）", "DOB", "birthday", "生年月日(和暦)"],
    "birth_wareki": ["生年月日（和暦）", "誕生日", None],
    "age": ["年令", "満年齢", "Age", "歳"],
    "gender": ["男女", "性", "Sex", "seibetsu", None],
    "my_number": ["個人番号", "マイナンバー", "番号", "個人番号（12桁）", None],
    "resident_id": ["宛名番号", "住民番号", "宛名コード", "個人コード"],
    "insurance_no": ["被保険者番号", "被保番号"],
    "salary": ["給料", "支給額", "月額報酬", "基本給（円）"],
    "relation": ["世帯主との続柄", "続き柄"],
    "care_level": ["介護度", "認定区分", "要介護状態区分", "介護認定", None],
    "disability_type": ["障害種別", "障害名", "障害の種類", None],
    "history": ["既往歴", "病歴", "備考"],
}


@pytest.mark.parametrize("kind, header", [(k, h) for k, headers in CASES.items() for h in headers])
def test_a_column_under_a_spelling_of_its_own(kind, header):
    rng = random.Random(11)
    rows = [[KINDS["name"].make(p, rng, i) if kind != "name" else "見本課", KINDS[kind].make(p, rng, i),
             KINDS["date"].make(p, rng, i)] for i, p in enumerate(PEOPLE)]
    if header is not None:
        rows = [["氏名" if kind != "name" else "所属", header, "受付日"]] + rows
    result = detect_personal(Document("xlsx", [Table("一覧", rows)]))
    assert KINDS[kind].category in {c.category for c in result.columns if c.index == 1}


@pytest.mark.parametrize("kind", ["birth_wareki", "gender", "name_space", "mobile"])
def test_a_first_row_of_values_is_not_taken_for_a_header(kind):
    """Without a header row, the first row's names, dates and 男/女 stay values: never headers
    (a header is copied into the record, a value must never be)."""
    rng = random.Random(3)
    rows = [[KINDS["name"].make(p, rng, i), KINDS[kind].make(p, rng, i), KINDS["date"].make(p, rng, i)]
            for i, p in enumerate(PEOPLE)]
    layout = find_layout(Table("出力", rows))
    assert layout.header_row is None and not layout.has_header
