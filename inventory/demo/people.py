"""Fake people and value formats for the demo municipal share.

Everything here is invented: names come from pools of common surnames and
given names, addresses from made-up 町名 in the fictional 緑ヶ丘市, phone
numbers from random digits.  Nothing is read from anywhere.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from random import Random

CITY = "緑ヶ丘市"
#: the day ages are counted on
REFERENCE_DAY = dt.date(2024, 4, 1)

# (kanji, katakana, romaji)
SURNAMES = [
    ("佐藤", "サトウ", "sato"), ("鈴木", "スズキ", "suzuki"), ("高橋", "タカハシ", "takahashi"),
    ("田中", "タナカ", "tanaka"), ("伊藤", "イトウ", "ito"), ("渡辺", "ワタナベ", "watanabe"),
    ("山本", "ヤマモト", "yamamoto"), ("中村", "ナカムラ", "nakamura"), ("小林", "コバヤシ", "kobayashi"),
    ("加藤", "カトウ", "kato"), ("吉田", "ヨシダ", "yoshida"), ("山田", "ヤマダ", "yamada"),
    ("佐々木", "ササキ", "sasaki"), ("山口", "ヤマグチ", "yamaguchi"), ("松本", "マツモト", "matsumoto"),
    ("井上", "イノウエ", "inoue"), ("木村", "キムラ", "kimura"), ("林", "ハヤシ", "hayashi"),
    ("斎藤", "サイトウ", "saito"), ("清水", "シミズ", "shimizu"), ("山崎", "ヤマザキ", "yamazaki"),
    ("森", "モリ", "mori"), ("池田", "イケダ", "ikeda"), ("橋本", "ハシモト", "hashimoto"),
    ("阿部", "アベ", "abe"), ("石川", "イシカワ", "ishikawa"), ("山下", "ヤマシタ", "yamashita"),
    ("中島", "ナカジマ", "nakajima"), ("石井", "イシイ", "ishii"), ("小川", "オガワ", "ogawa"),
    ("前田", "マエダ", "maeda"), ("岡田", "オカダ", "okada"), ("長谷川", "ハセガワ", "hasegawa"),
    ("藤田", "フジタ", "fujita"), ("後藤", "ゴトウ", "goto"), ("近藤", "コンドウ", "kondo"),
    ("村上", "ムラカミ", "murakami"), ("遠藤", "エンドウ", "endo"), ("青木", "アオキ", "aoki"),
    ("坂本", "サカモト", "sakamoto"), ("西村", "ニシムラ", "nishimura"), ("福田", "フクダ", "fukuda"),
    ("太田", "オオタ", "ota"), ("三浦", "ミウラ", "miura"), ("藤井", "フジイ", "fujii"),
    ("岡本", "オカモト", "okamoto"), ("中川", "ナカガワ", "nakagawa"), ("原田", "ハラダ", "harada"),
]
MALE_OLD = [
    ("清", "キヨシ", "kiyoshi"), ("茂", "シゲル", "shigeru"), ("勇", "イサム", "isamu"),
    ("博", "ヒロシ", "hiroshi"), ("昭", "アキラ", "akira"), ("正男", "マサオ", "masao"),
    ("隆", "タカシ", "takashi"), ("誠", "マコト", "makoto"), ("修", "オサム", "osamu"),
    ("健一", "ケンイチ", "kenichi"), ("和夫", "カズオ", "kazuo"), ("一郎", "イチロウ", "ichiro"),
]
MALE_YOUNG = [
    ("翔太", "ショウタ", "shota"), ("大輔", "ダイスケ", "daisuke"), ("拓也", "タクヤ", "takuya"),
    ("健太", "ケンタ", "kenta"), ("直樹", "ナオキ", "naoki"), ("悠斗", "ユウト", "yuto"),
    ("蓮", "レン", "ren"), ("大翔", "ヒロト", "hiroto"), ("湊", "ミナト", "minato"),
    ("陽翔", "ハルト", "haruto"), ("颯太", "ソウタ", "sota"), ("和也", "カズヤ", "kazuya"),
]
FEMALE_OLD = [
    ("幸子", "サチコ", "sachiko"), ("和子", "カズコ", "kazuko"), ("節子", "セツコ", "setsuko"),
    ("洋子", "ヨウコ", "yoko"), ("恵子", "ケイコ", "keiko"), ("京子", "キョウコ", "kyoko"),
    ("久美子", "クミコ", "kumiko"), ("文子", "フミコ", "fumiko"), ("花子", "ハナコ", "hanako"),
    ("真由美", "マユミ", "mayumi"), ("由美", "ユミ", "yumi"), ("直美", "ナオミ", "naomi"),
]
FEMALE_YOUNG = [
    ("美咲", "ミサキ", "misaki"), ("結衣", "ユイ", "yui"), ("陽菜", "ヒナ", "hina"),
    ("葵", "アオイ", "aoi"), ("さくら", "サクラ", "sakura"), ("芽依", "メイ", "mei"),
    ("凛", "リン", "rin"), ("彩", "アヤ", "aya"), ("美香", "ミカ", "mika"),
    ("愛", "アイ", "ai"), ("結菜", "ユイナ", "yuina"), ("紬", "ツムギ", "tsumugi"),
]
# made-up 町名 with one postal code each
TOWNS = {
    "若葉町": "590-0111", "旭町": "590-0112", "栄町": "590-0113", "本町": "590-0114",
    "桜台": "590-0121", "松原町": "590-0122", "柳町": "590-0123", "青葉台": "590-0124",
    "寿町": "590-0131", "港町": "590-0132", "錦町": "590-0133", "曙町": "590-0134",
    "東緑ヶ丘": "590-0141", "西緑ヶ丘": "590-0142", "川端町": "590-0143", "中町": "590-0144",
}
BUILDINGS = ["コーポ若葉", "ハイツ旭", "メゾン桜", "グリーンヒルズ", "サンシャイン栄", "緑ヶ丘団地"]
SCHOOLS = ["中央小学校", "東小学校", "西小学校", "若葉小学校", "旭小学校", "桜台小学校",
           "第一中学校", "第二中学校", "港中学校"]
DEPARTMENTS = ["職員課", "総務課", "財政課", "市民課", "保険年金課", "介護保険課", "障害福祉課",
               "健康推進課", "子育て支援課", "学校教育課", "生涯学習課", "道路課", "選挙管理委員会事務局"]
COMPANIES = ["株式会社緑ヶ丘建設", "有限会社旭印刷", "株式会社みどり商事", "緑ヶ丘電機株式会社",
             "株式会社港運輸", "合同会社さかえシステム", "株式会社若葉設備"]
BANKS = ["緑ヶ丘銀行", "みどり信用金庫", "ゆうちょ銀行", "港町信用組合"]

ERAS = [  # (first day, kanji, letter)
    (dt.date(2019, 5, 1), "令和", "R"), (dt.date(1989, 1, 8), "平成", "H"),
    (dt.date(1926, 12, 25), "昭和", "S"), (dt.date(1912, 7, 30), "大正", "T"),
    (dt.date(1868, 1, 25), "明治", "M"),
]
MY_NUMBER_WEIGHTS = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def my_number_check_digit(first11: str) -> int:
    """Check digit of a 個人番号 from its first 11 digits."""
    remainder = sum(int(d) * w for d, w in zip(first11, MY_NUMBER_WEIGHTS)) % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_valid_my_number(text: str) -> bool:
    """True for 12 ASCII digits whose last digit is the right check digit."""
    return len(text) == 12 and text.isascii() and text.isdigit() and \
        my_number_check_digit(text[:11]) == int(text[11])


def random_digits(rng: Random, n: int, first: str = "123456789") -> str:
    return rng.choice(first) + "".join(rng.choice("0123456789") for _ in range(n - 1))


def make_my_number(rng: Random) -> str:
    first11 = random_digits(rng, 11)
    return first11 + str(my_number_check_digit(first11))


def wareki(day: dt.date, style: str = "kanji") -> str:
    """An era date: kanji '昭和45年3月2日' (year 1 as 元年), 'short' 'S45.3.2', 'padded' 'S45.03.02'."""
    for start, kanji, letter in ERAS:
        if day >= start:
            year = day.year - start.year + 1
            break
    else:
        raise ValueError("date before the Meiji era")
    if style == "kanji":
        return f"{kanji}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    if style == "short":
        return f"{letter}{year}.{day.month}.{day.day}"
    return f"{letter}{year:02d}.{day.month:02d}.{day.day:02d}"


def to_hiragana(katakana: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in katakana)


def _halfwidth_kana_table() -> dict[str, str]:
    table = {}
    for code in range(0xFF66, 0xFF9E):
        half = chr(code)
        table[unicodedata.normalize("NFKC", half)] = half
        for mark in ("ﾞ", "ﾟ"):
            full = unicodedata.normalize("NFKC", half + mark)
            if len(full) == 1:
                table[full] = half + mark
    table["　"] = " "
    return table


_HALFWIDTH_KANA = _halfwidth_kana_table()


def to_halfwidth_kana(katakana: str) -> str:
    """Full-width katakana as the half-width kana old host systems export ('ガ' -> 'ｶﾞ')."""
    return "".join(_HALFWIDTH_KANA.get(c, c) for c in katakana)


def to_fullwidth(text: str) -> str:
    """ASCII digits, letters and '-' as full-width characters ('090-1' -> '０９０－１')."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def phone_text(digits: str, style: str) -> str:
    """Write 10/11 phone digits in a style: hyphen, paren, plain, fullwidth."""
    if len(digits) == 11:                       # 090-1234-5678
        parts = (digits[:3], digits[3:7], digits[7:])
    else:                                       # 072-228-7907
        parts = (digits[:3], digits[3:6], digits[6:])
    if style == "paren":
        return f"{parts[0]}({parts[1]}){parts[2]}"
    if style == "plain":
        return digits
    hyphenated = "-".join(parts)
    return to_fullwidth(hyphenated) if style == "fullwidth" else hyphenated


@dataclass
class Person:
    """One fake resident."""

    sei: tuple[str, str, str]
    mei: tuple[str, str, str]
    gender: str          # "男" or "女"
    birth: dt.date
    town: str
    chome: int
    ban: int
    go: int
    building: str | None
    home_phone: str      # 10 digits
    mobile: str          # 11 digits
    my_number: str
    resident_id: str     # 宛名番号, 10 digits
    insurance_no: str    # 被保険者番号, 10 digits

    @property
    def age(self) -> int:
        years = REFERENCE_DAY.year - self.birth.year
        return years - ((REFERENCE_DAY.month, REFERENCE_DAY.day) < (self.birth.month, self.birth.day))

    @property
    def postal(self) -> str:
        return TOWNS[self.town]

    def name(self, sep: str = "　") -> str:
        return f"{self.sei[0]}{sep}{self.mei[0]}"

    def kana(self, sep: str = "　") -> str:
        return f"{self.sei[1]}{sep}{self.mei[1]}"

    def address(self, style: str = "kanji") -> str:
        """'kanji' 緑ヶ丘市若葉町2丁目3番4号, 'short' 若葉町2-3-4 建物, 'fullwidth' 若葉町２丁目３番４号."""
        if style == "short":
            room = f" {self.building}{self.go}0{self.ban % 4 + 1}" if self.building else ""
            return f"{self.town}{self.chome}-{self.ban}-{self.go}{room}"
        base = f"{self.town}{self.chome}丁目{self.ban}番{self.go}号"
        return to_fullwidth(base) if style == "fullwidth" else CITY + base

    def email(self) -> str:
        return f"{self.mei[2]}.{self.sei[2]}{self.birth.year % 100:02d}@example.jp"


def given_name(rng: Random, gender: str, birth_year: int) -> tuple[str, str, str]:
    if gender == "男":
        return rng.choice(MALE_OLD if birth_year < 1975 else MALE_YOUNG)
    return rng.choice(FEMALE_OLD if birth_year < 1975 else FEMALE_YOUNG)


def make_person(rng: Random, min_age: int = 18, max_age: int = 90) -> Person:
    """A fake resident aged min_age..max_age on REFERENCE_DAY."""
    days = rng.randint(min_age * 365 + 1, max_age * 365 + 300)
    birth = REFERENCE_DAY - dt.timedelta(days=days)
    gender = rng.choice("男女")
    return Person(
        sei=rng.choice(SURNAMES), mei=given_name(rng, gender, birth.year), gender=gender,
        birth=birth, town=rng.choice(list(TOWNS)), chome=rng.randint(1, 5),
        ban=rng.randint(1, 30), go=rng.randint(1, 25),
        building=rng.choice(BUILDINGS) if rng.random() < 0.25 else None,
        home_phone="072" + random_digits(rng, 7, "2345678"),
        mobile=rng.choice(["090", "080", "070"]) + random_digits(rng, 8),
        my_number=make_my_number(rng), resident_id="00" + random_digits(rng, 8),
        insurance_no="000" + random_digits(rng, 7),
    )


# ---------------------------------------------------------------- cell values
@dataclass(frozen=True)
class ValueKind:
    """How to fill one column: the category it is (None: not personal) and a value maker.

    ``secret`` marks values that must never show up in a scan record.
    """

    category: str | None
    make: "object"            # Callable[[Person, Random, int], Cell]
    secret: bool = False
    num_format: str | None = None


def _pick(options):
    return lambda p, rng, i: rng.choice(options)


def _guardian(p: Person, rng: Random, i: int) -> str:
    return f"{p.sei[0]}　{given_name(rng, rng.choice('男女'), 1985)[0]}"


def _school(p: Person, rng: Random, i: int) -> str:
    return rng.choice(SCHOOLS[:6] if p.age <= 12 else SCHOOLS[6:])


def _grade(p: Person) -> int:
    return max(1, min(6, p.age - 5 if p.age <= 12 else p.age - 12))


def _receipt_number(p: Person, rng: Random, i: int) -> str:
    """A 12-digit 受付番号: random digits; every 7th one passes the 個人番号 check by construction."""
    return make_my_number(rng) if i % 7 == 3 else random_digits(rng, 12)


def _facility_phone(p: Person, rng: Random, i: int) -> str:
    return "0120-" + random_digits(rng, 6, "123456789")[:3] + "-" + random_digits(rng, 3) \
        if i % 9 == 8 else "072-2" + random_digits(rng, 2) + "-" + random_digits(rng, 4)


def _male(p: Person) -> int:
    return 700 + p.ban * 61 + p.go * 7


def _female(p: Person) -> int:
    return 720 + p.ban * 59 + p.chome * 13


_ERA_FORMAT = '[$-411]ggge"年"m"月"d"日"'
_S = True  # secret
KINDS: dict[str, ValueKind] = {
    # people
    "name": ValueKind("name", lambda p, r, i: p.name(), _S),
    "name_plain": ValueKind("name", lambda p, r, i: p.name(""), _S),
    "name_space": ValueKind("name", lambda p, r, i: p.name(" "), _S),
    "guardian": ValueKind("name", _guardian, _S),
    "kana": ValueKind("name_kana", lambda p, r, i: p.kana(), _S),
    "kana_half": ValueKind("name_kana", lambda p, r, i: to_halfwidth_kana(p.kana(" ")), _S),
    "hira": ValueKind("name_kana", lambda p, r, i: to_hiragana(p.kana()), _S),
    "birth": ValueKind("birth_date", lambda p, r, i: p.birth),
    "birth_era_cell": ValueKind("birth_date", lambda p, r, i: p.birth, num_format=_ERA_FORMAT),
    "birth_slash": ValueKind("birth_date", lambda p, r, i: f"{p.birth.year}/{p.birth.month}/{p.birth.day}"),
    "birth_compact": ValueKind("birth_date", lambda p, r, i: p.birth.strftime("%Y%m%d")),
    "birth_wareki": ValueKind("birth_date", lambda p, r, i: wareki(p.birth)),
    "birth_wareki_short": ValueKind("birth_date", lambda p, r, i: wareki(p.birth, "short")),
    "age": ValueKind("age", lambda p, r, i: p.age),
    "gender": ValueKind("gender", lambda p, r, i: p.gender),
    "gender_code": ValueKind("gender", lambda p, r, i: "1" if p.gender == "男" else "2"),
    "address": ValueKind("address", lambda p, r, i: p.address(), _S),
    "address_short": ValueKind("address", lambda p, r, i: p.address("short"), _S),
    "address_fw": ValueKind("address", lambda p, r, i: p.address("fullwidth"), _S),
    "postal": ValueKind("postal_code", lambda p, r, i: p.postal),
    "postal_mark": ValueKind("postal_code", lambda p, r, i: "〒" + p.postal),
    "home_phone": ValueKind("phone", lambda p, r, i: phone_text(p.home_phone, "hyphen"), _S),
    "home_paren": ValueKind("phone", lambda p, r, i: phone_text(p.home_phone, "paren"), _S),
    "mobile": ValueKind("phone", lambda p, r, i: phone_text(p.mobile, "hyphen"), _S),
    "mobile_plain": ValueKind("phone", lambda p, r, i: phone_text(p.mobile, "plain"), _S),
    "mobile_fw": ValueKind("phone", lambda p, r, i: phone_text(p.mobile, "fullwidth"), _S),
    "phone_mixed": ValueKind("phone", lambda p, r, i: phone_text(
        r.choice([p.home_phone, p.mobile]), r.choice(["hyphen", "paren", "plain", "fullwidth"])), _S),
    "email": ValueKind("email", lambda p, r, i: p.email(), _S),
    "my_number": ValueKind("my_number", lambda p, r, i: p.my_number, _S),
    "my_number_spaced": ValueKind("my_number", lambda p, r, i: " ".join(
        (p.my_number[:4], p.my_number[4:8], p.my_number[8:])), _S),
    "my_number_num": ValueKind("my_number", lambda p, r, i: int(p.my_number), _S),
    "resident_id": ValueKind("resident_id", lambda p, r, i: p.resident_id, _S),
    "insurance_no": ValueKind("insurance_number", lambda p, r, i: p.insurance_no, _S),
    "kokuho_no": ValueKind("insurance_number", lambda p, r, i: f"緑{p.insurance_no[3:5]}-{p.insurance_no[5:]}", _S),
    "pension_no": ValueKind("insurance_number", lambda p, r, i: f"{p.my_number[1:5]}-{p.resident_id[2:8]}", _S),
    "bank": ValueKind("bank_account", _pick(BANKS)),
    "branch": ValueKind("bank_account", _pick(["本店", "駅前支店", "若葉支店", "港町支店"])),
    "account_no": ValueKind("bank_account", lambda p, r, i: random_digits(r, 7), _S),
    "salary": ValueKind("income", lambda p, r, i: r.randrange(180_000, 480_000, 100)),
    "allowance": ValueKind("income", lambda p, r, i: r.choice([0, 6_500, 10_000, 13_000, 16_500])),
    "commute": ValueKind("income", lambda p, r, i: r.randrange(0, 30_000, 100)),
    "tax": ValueKind("income", lambda p, r, i: r.randrange(3_000, 60_000, 100)),
    "household_income": ValueKind("income", lambda p, r, i: r.randrange(1_200_000, 9_000_000, 1000)),
    "school": ValueKind("school", _school),
    "grade": ValueKind("school", lambda p, r, i: f"{_grade(p)}年"),
    "grade_num": ValueKind("school", lambda p, r, i: _grade(p)),
    "relation": ValueKind("family", _pick(["本人", "妻", "夫", "長男", "長女", "二男", "母"])),
    "child_relation": ValueKind("family", _pick(["父", "母", "祖母", "祖父"])),
    "care_level": ValueKind("health", _pick(["要支援1", "要支援2", "要介護1", "要介護2", "要介護3",
                                              "要介護4", "要介護5"])),
    "care_level_high": ValueKind("health", _pick(["要介護5", "要介護5", "要介護4", "なし"])),
    "disability_grade": ValueKind("health", lambda p, r, i: f"{r.choice([1, 1, 2, 2, 3, 4, 5, 6])}級"),
    "disability_type": ValueKind("health", _pick(["視覚障害", "聴覚障害", "肢体不自由", "内部障害",
                                                   "両下肢機能障害", "体幹機能障害"])),
    "ryoiku": ValueKind("health", _pick(["A", "B1", "B2", ""])),
    "history": ValueKind("health", _pick(["なし", "なし", "高血圧症", "糖尿病", "脂質異常症", "心疾患"])),
    "judgement": ValueKind("health", _pick(["異常なし", "要経過観察", "要精密検査", "要治療"])),
    "diagnosis": ValueKind("health", _pick(["脳梗塞後遺症", "認知症", "腰椎圧迫骨折", "糖尿病",
                                             "統合失調症", "慢性腎不全"])),
    # not about people
    "emp_no": ValueKind(None, lambda p, r, i: r.randint(100_000, 299_999)),
    "dept": ValueKind(None, _pick(DEPARTMENTS)),
    "job_title": ValueKind(None, _pick(["主事", "主任", "係長", "課長補佐", "課長", "技師"])),
    "precinct": ValueKind(None, lambda p, r, i: f"第{r.randint(1, 12)}投票区"),
    "precinct_by_row": ValueKind(None, lambda p, r, i: f"第{i + 1}投票区"),
    "date": ValueKind(None, lambda p, r, i: dt.date(2024, 4, 1) + dt.timedelta(days=r.randint(0, 360))),
    "date_text": ValueKind(None, lambda p, r, i: (dt.date(2024, 4, 1) + dt.timedelta(
        days=r.randint(0, 360))).strftime("%Y/%m/%d")),
    "receipt12": ValueKind(None, _receipt_number),
    "doc_type": ValueKind(None, _pick(["申請書", "届出書", "照会", "報告書", "通知", "請求書"])),
    "progress": ValueKind(None, _pick(["完了", "処理中", "保留", "差戻し"])),
    "counter": ValueKind(None, lambda p, r, i: f"{r.randint(1, 8)}番窓口"),
    "minutes": ValueKind(None, lambda p, r, i: r.randint(0, 75)),
    "count": ValueKind(None, lambda p, r, i: r.randint(1, 40)),
    "amount": ValueKind(None, lambda p, r, i: r.randrange(10_000, 9_000_000, 1000)),
    "budget_item": ValueKind(None, lambda p, r, i: ["議会費", "総務費", "民生費", "衛生費", "労働費",
                                                    "農林水産業費", "商工費", "土木費", "消防費",
                                                    "教育費", "災害復旧費", "公債費", "諸支出金",
                                                    "予備費"][i % 14]),
    "company": ValueKind(None, _pick(COMPANIES)),
    "district": ValueKind(None, lambda p, r, i: list(TOWNS)[i % len(TOWNS)]),
    "male": ValueKind(None, lambda p, r, i: _male(p)),
    "female": ValueKind(None, lambda p, r, i: _female(p)),
    "population": ValueKind(None, lambda p, r, i: _male(p) + _female(p)),
    "households": ValueKind(None, lambda p, r, i: (_male(p) + _female(p)) * 9 // 20),
    "facility": ValueKind(None, lambda p, r, i: list(TOWNS)[i % len(TOWNS)] + ["公民館", "集会所", "保育所",
                                                                              "児童館", "地域包括支援センター"][i % 5]),
    "facility_address": ValueKind(None, lambda p, r, i: f"{CITY}{list(TOWNS)[i % len(TOWNS)]}"
                                                       f"{r.randint(1, 5)}丁目{r.randint(1, 20)}番1号"),
    "facility_phone": ValueKind(None, _facility_phone),
    "office_hours": ValueKind(None, _pick(["9:00～17:00", "8:30～17:15", "9:00～21:00"])),
    "provider_no": ValueKind(None, lambda p, r, i: "27" + random_digits(r, 8)),
    "school_by_row": ValueKind(None, lambda p, r, i: SCHOOLS[i % len(SCHOOLS)]),
    "equipment_no": ValueKind(None, lambda p, r, i: f"備-{2010 + i % 14}-{i:04d}"),
    "equipment": ValueKind(None, _pick(["事務机", "書庫", "ノートパソコン", "プロジェクター", "複合機",
                                        "公用車", "シュレッダー", "AED"])),
    "location": ValueKind(None, lambda p, r, i: f"本庁舎{r.randint(1, 6)}階 {r.choice(DEPARTMENTS)}"),
    "course": ValueKind(None, _pick(["健康体操教室", "パソコン入門", "親子料理教室", "歴史講座", "英会話"])),
    "extension": ValueKind(None, lambda p, r, i: str(r.randint(2000, 4999))),
    "consultation": ValueKind(None, _pick(["福祉サービス", "補装具", "就労", "手当", "その他"])),
    "handbook_type": ValueKind("health", _pick(["身体障害者手帳", "療育手帳", "精神障害者保健福祉手帳"])),
    "move_reason": ValueKind(None, _pick(["転入", "転出", "転居"])),
    "certificate": ValueKind(None, _pick(["住民票の写し", "印鑑登録証明書", "戸籍謄本", "所得証明書"])),
    "sport": ValueKind(None, lambda p, r, i: ["陸上", "水泳", "卓球", "バスケットボール", "サッカー",
                                              "ソフトテニス", "剣道", "吹奏楽"][i % 8]),
    "road_project": ValueKind(None, lambda p, r, i: f"Route {i + 1} resurfacing"),
    "complaint": ValueKind(None, _pick(["pothole", "street light", "fallen tree", "drainage"])),
    "occupancy": ValueKind(None, _pick(["看板", "足場", "仮設工作物", "露店"])),
}
