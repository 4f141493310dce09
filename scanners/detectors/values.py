"""Value validators: one small class per rule, registered in ``VALIDATORS``.

A validator has a ``category`` (a spec category code) and ``match(value)``,
which takes a *prepared* cell (see :func:`prepare`: text is NFKC-folded and
stripped, numbers, dates and booleans pass through).  ``needs_header`` marks
rules that mean nothing without a header saying what the column is (an
integer 0-120 is an age only under 年齢); the others may decide a column on
values alone, under stricter thresholds.

Each ``match`` rejects cheaply (type, length, first character) before any
regular expression runs.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from .headers import VOCABULARY
from .memory import MAX_REMEMBERED, remembered
from .names import FULL, name_shape

#: texts of the file being inspected already looked up in the header vocabulary (values
#: among them: emptied after every file with the names' memory, names.forget)
_LABELS: dict[str, bool] = remembered()

Value = str | int | float | bool | dt.date | dt.datetime | dt.time


def prepare(cell: object) -> Value | None:
    """A cell ready for the validators: folded, stripped text, or the cell itself."""
    if cell is None:
        return None
    if isinstance(cell, str):
        text = cell if cell.isascii() else unicodedata.normalize("NFKC", cell)
        text = text.strip()
        return text or None
    return cell


def integral(value: Value) -> int | None:
    """An int for whole-number cells (never bool), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−ーｰ─━"})
_SEPARATORS = re.compile(r"[\s\-()+〒]")


def _digits_only(value: Value) -> str | None:
    """The digits of a text made of digits and separators, else None."""
    if not isinstance(value, str) or not value[:1].isdigit() and value[:1] not in "(+〒":
        return None
    digits = _SEPARATORS.sub("", value.translate(_DASHES))
    return digits if digits.isdigit() else None


class Validator:
    """Base class: a category, a name and one ``match`` method."""

    category = ""
    #: meaningless without a header saying what the column holds
    needs_header = False
    #: may match cells that are not text (numbers, dates); the others need text
    accepts_numbers = False
    #: asks the name dictionary (tried after the cheap rules, see STANDALONE)
    costly = False
    #: values enough for this rule to decide a column alone (None: the caller's minimum);
    #: rules that rarely match anything else decide small header-less files too
    min_values: int | None = None

    @property
    def name(self) -> str:
        return type(self).__name__

    def match(self, value: Value) -> bool:  # pragma: no cover - interface
        raise NotImplementedError


# --- 個人番号 ---------------------------------------------------------------

_MY_NUMBER_WEIGHTS = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def twelve_digits(value: Value) -> str | None:
    """The 12 digits of a My-Number-shaped value (spaces and hyphens allowed)."""
    number = integral(value)
    if number is not None:
        return str(number) if 10**11 <= number < 10**12 else None
    digits = _digits_only(value)
    return digits if digits is not None and len(digits) == 12 else None


def my_number_check_digit(first_eleven: str) -> int:
    """The check digit of a 個人番号 from its first 11 digits."""
    remainder = sum(int(d) * w for d, w in zip(first_eleven, _MY_NUMBER_WEIGHTS)) % 11
    return 0 if remainder <= 1 else 11 - remainder


class MyNumber(Validator):
    """12 digits whose last digit is the 個人番号 check digit."""

    category = "my_number"
    accepts_numbers = True

    def match(self, value):
        digits = twelve_digits(value)
        return digits is not None and my_number_check_digit(digits[:11]) == int(digits[11])


# --- contact ----------------------------------------------------------------

_NOT_PERSONAL_PHONE_PREFIXES = ("0120", "0800", "0570", "0990")


def phone_digits_ok(digits: str) -> bool:
    """A Japanese subscriber number: fixed, mobile or IP phone, not toll-free."""
    if digits.startswith("81") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if digits.startswith(_NOT_PERSONAL_PHONE_PREFIXES) or digits.startswith("00"):
        return False
    if len(digits) == 11:
        return digits[:3] in ("070", "080", "090", "050")
    return len(digits) == 10 and digits[0] == "0" and digits[1] != "0"


class PhoneNumber(Validator):
    """Text phone numbers: 0X-XXXX-XXXX, 090..., 072(228)7907, +81 ..."""

    category = "phone"
    min_values = 3

    def match(self, value):
        digits = _digits_only(value)
        return digits is not None and 10 <= len(digits) <= 12 and phone_digits_ok(digits)


class PhoneNumberAsInteger(Validator):
    """A phone number stored as a number, its leading zero lost."""

    category = "phone"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        number = integral(value)
        return number is not None and 10**8 <= number < 10**10 and phone_digits_ok("0" + str(number))


class InternationalPhone(Validator):
    """A phone number of another country under a phone header: 7 to 15 digits (E.164), with
    +, brackets, spaces or hyphens (3132925231, +1 (313) 292-5231, +44 20 7946 0958)."""

    category = "phone"
    needs_header = True

    def match(self, value):
        if not isinstance(value, str) or not 7 <= len(value) <= 24:
            return False
        digits = _SEPARATORS.sub("", value.translate(_DASHES))
        return digits.isdigit() and 7 <= len(digits) <= 15 and not value.startswith(("0120", "0800", "0570"))


_POSTAL = re.compile(r"^〒?\s*\d{3}-\d{4}$")


class PostalCode(Validator):
    """NNN-NNNN, optionally after 〒."""

    category = "postal_code"

    def match(self, value):
        return isinstance(value, str) and 8 <= len(value) <= 11 and _POSTAL.match(value.translate(_DASHES)) is not None


_FOREIGN_POSTAL = re.compile(r"^(\d{5}(-\d{4})?|[A-Z]\d[A-Z] ?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{4,6})$")


class ForeignPostalCode(Validator):
    """A postal code of another country under a postal header: US ZIP (+4), Canadian, British,
    or four to six digits."""

    category = "postal_code"
    needs_header = True

    def match(self, value):
        return isinstance(value, str) and 4 <= len(value) <= 10 and _FOREIGN_POSTAL.match(value.upper()) is not None


class PostalCodeDigits(Validator):
    """Seven digits without a hyphen (or a number that lost its leading zeros)."""

    category = "postal_code"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        number = integral(value)
        if number is not None:
            return 1000 <= number <= 9999999
        digits = _digits_only(value)
        return digits is not None and len(digits) == 7


_EMAIL = re.compile(r"^[\w.+\-]+@[\w\-]+(\.[\w\-]+)+$", re.ASCII)


class EmailAddress(Validator):
    category = "email"
    min_values = 3

    def match(self, value):
        return isinstance(value, str) and "@" in value and len(value) <= 254 and _EMAIL.match(value) is not None


# --- dates ------------------------------------------------------------------

_WESTERN_DATE = re.compile(r"^(\d{4})[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?(\s+\d{1,2}:\d{2}(:\d{2})?)?$")
_ERA_DATE = re.compile(
    r"^(明治|大正|昭和|平成|令和|[MTSHRmtshr])\s?(\d{1,2}|元)(?:[年./\-](?:(\d{1,2})[月./\-]?(?:(\d{1,2})日?)?)?)?$")
_ERA_YEARS = {"明治": 45, "大正": 15, "昭和": 64, "平成": 31, "令和": 30,
              "m": 45, "t": 15, "s": 64, "h": 31, "r": 30}


def _valid_day(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


class DateCell(Validator):
    """A date or datetime cell."""

    category = "birth_date"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        return isinstance(value, dt.date) and 1880 <= value.year <= 2100


class WesternDateText(Validator):
    """1970/3/2, 1970-03-02, 1970年3月2日, 19700302."""

    category = "birth_date"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        number = integral(value)
        if number is not None:
            text = str(number)
        elif isinstance(value, str) and value[:1].isdigit():
            text = value
        else:
            return False
        if len(text) == 8 and text.isdigit():
            year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
        else:
            found = _WESTERN_DATE.match(text)
            if not found:
                return False
            year, month, day = (int(g) for g in found.group(1, 2, 3))
        return 1880 <= year <= 2100 and _valid_day(year, month, day)


class EraDateText(Validator):
    """Japanese era dates: 昭和45年3月2日, S45.3.2, H1.1.8, 平成元年, R2.4.1."""

    category = "birth_date"
    needs_header = True

    def match(self, value):
        if not isinstance(value, str) or not (value[:1] in "明大昭平令" or value[:1] in "MTSHRmtshr"):
            return False
        found = _ERA_DATE.match(value)
        if not found:
            return False
        era, year, month, day = found.groups()
        year_number = 1 if year == "元" else int(year)
        if not 1 <= year_number <= _ERA_YEARS[era.lower() if len(era) == 1 else era]:
            return False
        if month is not None and not 1 <= int(month) <= 12:
            return False
        return day is None or 1 <= int(day) <= 31


class ExcelSerialDate(Validator):
    """A date stored as an Excel serial number (1901 to 2050)."""

    category = "birth_date"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return 367 <= value <= 54789


# --- attributes -------------------------------------------------------------

_AGE_TEXT = re.compile(r"^満?(\d{1,3})(歳|才)?$")


class Age(Validator):
    """0-120, as a number or as 45歳 / 45才."""

    category = "age"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        number = integral(value)
        if number is None:
            if not isinstance(value, str) or len(value) > 5:
                return False
            found = _AGE_TEXT.match(value)
            if not found:
                return False
            number = int(found.group(1))
        return 0 <= number <= 120


_GENDER_WORDS = frozenset({"男", "女", "男性", "女性", "男子", "女子", "male", "female", "Male", "Female",
                           "MALE", "FEMALE"})
_GENDER_CODES = frozenset({"M", "F", "m", "f", "1", "2", "9", "0", "その他", "不明", "未回答"})


class GenderWord(Validator):
    """男/女/男性/女性, male/female."""

    category = "gender"

    def match(self, value):
        return isinstance(value, str) and value in _GENDER_WORDS


class GenderCode(Validator):
    """M/F or the codes 1/2 (ISO 5218 also has 0 and 9)."""

    category = "gender"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        if isinstance(value, str):
            return value in _GENDER_CODES or value in _GENDER_WORDS
        return integral(value) in (0, 1, 2, 9)


# --- names ------------------------------------------------------------------

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ"
_KANA = "\u3041-\u3096\u30a1-\u30fa\u30fcー"
_JAPANESE_NAME_CHARS = re.compile(rf"^[{_CJK}{_KANA}・ ]+$")
#: a word of a name in Latin letters: Capitalised, ALL CAPS or an initial (O'Neil, McDonald, J.)
_LATIN_NAME_WORD = r"(?:[A-Z][a-z'’\-]*[a-z]|[A-Z]{2,}(?:['’\-][A-Z]+)?|Mc[A-Z][a-z]+|[A-Z]\.?)"
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Master|Rev|Sir|Dame|Mme|Mlle|Col|Capt|Major)\.?"
#: two to five words, a comma after the family name allowed, a title, a name in brackets
#: at the end (Braund, Mr. Owen Harris; Cumings, Mrs. John (Florence Thayer); YAMADA TARO)
_LATIN_NAME = re.compile(
    rf"^{_LATIN_NAME_WORD},?(?: (?:{_TITLE}|{_LATIN_NAME_WORD})){{1,4}}(?: \([A-Za-z'’\-. ]{{2,40}}\))?$")
_VOWEL = re.compile(r"[aeiouyAEIOUY]")
_TITLE_WORD = re.compile(rf"(?:^| ){_TITLE}(?: |$)")
_TITLE_ONLY = re.compile(rf"^{_TITLE}$")
_LATIN_ONE_WORD = re.compile(rf"^{_LATIN_NAME_WORD}$")
_LOOSE_LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z'’\-.,]*( [A-Za-z(][A-Za-z'’\-.,()]*){0,4}$")
_KANA_NAME = re.compile(rf"^[{_KANA}]{{1,12}} [{_KANA}]{{1,12}}$")
_KANA_TEXT = re.compile(rf"^[{_KANA}・ ]{{2,30}}$")
_NAME_PARTS = re.compile("[ ・]")
_KANA_ONLY = re.compile(rf"^[{_KANA}・ ]+$")

_ORGANISATION_WORDS = (
    "株式会社", "有限会社", "合同会社", "(株)", "(有)", "㈱", "㈲", "法人", "協会", "組合", "センター",
    "ホーム", "クリニック", "病院", "医院", "診療所", "薬局", "事務所", "学校", "保育", "幼稚園",
    "こども園", "公園", "会館", "ホール", "図書館", "役所", "役場", "支所", "出張所", "公民館",
    "委員会", "協議会", "連合会", "商店", "商会", "工業", "産業", "建設", "製作所", "銀行",
    "信用金庫", "郵便局", "ビル", "マンション", "団地", "ストア", "ショップ", "サロン", "美容室",
    "理容", "ハウス", "プラザ", "ステーション", "グループ", "広場", "児童館", "体育館", "集会所",
)
_ORGANISATION_WORD = re.compile("|".join(re.escape(w) for w in _ORGANISATION_WORDS))
_ORGANISATION_ENDINGS = frozenset("市町村区県府課係局署館園店院校会社庁団所室駅寮荘")
_LATIN_ORGANISATION_WORDS = frozenset(
    "inc ltd co corp llc company center centre hospital school store shop hotel park library "
    "city office bank market restaurant cafe club group association university college tower "
    "station building hall museum port bridge temple shrine castle garden plaza airport gym pool "
    "toilet center house court".split())


def looks_like_organisation(text: str) -> bool:
    """True for names of companies, facilities and offices rather than people."""
    if _ORGANISATION_WORD.search(text):
        return True
    if " " not in text and len(text) >= 3 and text[-1] in _ORGANISATION_ENDINGS:
        return True
    if text.isascii():
        return any(w.strip(".,").lower() in _LATIN_ORGANISATION_WORDS for w in text.split())
    return False


def latin_person_name(value: str, one_word: bool = False) -> bool:
    """A person's name in Latin letters.

    Under a header that names a name (``one_word``: 氏名, First Name), any one to five
    words of letters will do (srikanth reddy, O'Neil).  Otherwise it takes a given and
    a family name written as names are (Jane Doe, Braund, Mr. Owen Harris, YAMADA Taro),
    or one word the name dictionary reads as a Japanese name in romaji (Yamada).
    """
    words = value.split(" ")
    if not all(_VOWEL.search(w) or len(w.strip(".,")) <= 1 or _TITLE_ONLY.match(w) for w in words):
        return False
    if one_word:
        return len(words) <= 5 and _LOOSE_LATIN_NAME.match(value) is not None
    if len(words) == 1:
        return _LATIN_ONE_WORD.match(value) is not None and name_shape(value) is not None
    if _LATIN_NAME.match(value) is None:
        return False
    # two capitalised words are as often a company (Acme Systems): a title, the
    # "Family, Given" order or a Japanese name in romaji says it is a person
    return "," in value or _TITLE_WORD.search(value) is not None or name_shape(value) is not None


class LatinPersonName(Validator):
    """A person's name in Latin letters, under a header naming people (see latin_person_name)."""

    category = "name"
    needs_header = True

    def match(self, value):
        return isinstance(value, str) and value.isascii() and 2 <= len(value) <= 60 \
            and latin_person_name(value) and not looks_like_organisation(value)


class PersonName(Validator):
    """A person's name under a name header: kanji/kana (space optional) or Latin letters."""

    category = "name"
    needs_header = True

    def match(self, value):
        if not isinstance(value, str) or not 1 <= len(value) <= 60 or value.count(" ") > 6:
            return False
        if value.isascii():
            ok = latin_person_name(value, one_word=True)
        else:   # a full name is 2-6 characters, or two short parts with a space
            ok = max(map(len, _NAME_PARTS.split(value))) <= 6 and len(value) <= 20 \
                and _JAPANESE_NAME_CHARS.match(value) is not None and not is_field_label(value)
        return ok and not looks_like_organisation(value)


def is_field_label(text: str) -> bool:
    """A term of the header vocabulary (住所, 電話番号, 所属): a form's label, not a name."""
    try:
        return _LABELS[text]
    except KeyError:
        label = VOCABULARY.is_term(text)
        if len(_LABELS) < MAX_REMEMBERED:
            _LABELS[text] = label
        return label


class LexiconFullName(Validator):
    """A family and a given name the dictionary knows (山田 花子, 山田花子, Hanako Yamada).

    Decides a column without a header: place, company and product names are not
    tagged as people (scanners/detectors/names.py, measured in bench/names.py).
    """

    category = "name"
    costly = True
    min_values = 3

    def match(self, value):
        # a family and a given name take three characters or more (a two-character cell is a word)
        return isinstance(value, str) and len(value) >= 3 and not _KANA_ONLY.match(value) \
            and name_shape(value) == FULL and not looks_like_organisation(value)


class LexiconPersonName(Validator):
    """A full, family or given name the dictionary knows: under a header naming people (購入者, 会員)."""

    category = "name"
    costly = True
    needs_header = True

    def match(self, value):
        return isinstance(value, str) and not _KANA_ONLY.match(value) \
            and name_shape(value) is not None and not looks_like_organisation(value)


class LexiconKanaName(Validator):
    """A family and given name written in kana that the dictionary reads as a person (ヤマダタロウ)."""

    category = "name_kana"
    costly = True

    def match(self, value):
        return isinstance(value, str) and _KANA_ONLY.match(value) is not None and name_shape(value) == FULL


class KanaName(Validator):
    """Katakana or hiragana family and given name with a space: ヤマダ ハナコ."""

    category = "name_kana"

    def match(self, value):
        return isinstance(value, str) and 3 <= len(value) <= 25 and _KANA_NAME.match(value) is not None


class KanaText(Validator):
    """Kana only, under a kana header (spaces optional)."""

    category = "name_kana"
    needs_header = True

    def match(self, value):
        return isinstance(value, str) and _KANA_TEXT.match(value) is not None


# --- addresses --------------------------------------------------------------

PREFECTURES = tuple("""
北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都 神奈川県
新潟県 富山県 石川県 福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府 大阪府 兵庫県
奈良県 和歌山県 鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 福岡県 佐賀県
長崎県 熊本県 大分県 宮崎県 鹿児島県 沖縄県
""".split())
_MUNICIPALITY = re.compile(r"[市区町村郡]")
_BLOCK = re.compile(r"(\d+|[一二三四五六七八九十]+)(丁目|番地|番|号|-\d+)")
_LATIN_ADDRESS = re.compile(r"^(?=.*\d)(?=.*[A-Za-z]{3}).{5,80}$")


class JapaneseAddress(Validator):
    """Prefecture or city/ward/town followed by block numbers (丁目, 番地, 1-2-3)."""

    category = "address"

    def match(self, value):
        if not isinstance(value, str) or not 5 <= len(value) <= 100 or value.isascii():
            return False
        value = value.translate(_DASHES)
        return (value.startswith(PREFECTURES) or _MUNICIPALITY.search(value) is not None) \
            and _BLOCK.search(value) is not None


class AddressText(Validator):
    """Looser, under an address header: a prefecture, a municipality word or block numbers."""

    category = "address"
    needs_header = True

    def match(self, value):
        if not isinstance(value, str) or len(value) < 3:
            return False
        if value.isascii():
            return _LATIN_ADDRESS.match(value) is not None or _BLOCK.search(value) is not None
        value = value.translate(_DASHES)
        return (value.startswith(PREFECTURES) or _MUNICIPALITY.search(value) is not None
                or "丁目" in value or "番地" in value or "字" in value
                or _BLOCK.search(value) is not None)


# --- health -----------------------------------------------------------------

_CARE_LEVEL = re.compile(r"^(要介護(度)?\s?[1-5]|要支援\s?[12]|事業対象者|経過的要介護|自立)$")
_HANDBOOKS = ("身体障害者手帳", "療育手帳", "精神障害者保健福祉手帳", "愛の手帳", "みどりの手帳")
_DISABILITY_GRADE = re.compile(
    r"^((身体|精神|療育)?(第?[12]種)?[1-7]級|[AB][12]?|[AB]判定|(最重度|重度|中度|軽度)|区分[1-6])$")


class CareLevel(Validator):
    """要介護1-5, 要支援1-2, 事業対象者."""

    category = "health"

    def match(self, value):
        return isinstance(value, str) and value[:1] in "要事経自" and _CARE_LEVEL.match(value) is not None


class DisabilityHandbook(Validator):
    """The name of a disability handbook (身体障害者手帳, 療育手帳 ...)."""

    category = "health"

    def match(self, value):
        return isinstance(value, str) and "手帳" in value and any(h in value for h in _HANDBOOKS)


class DisabilityGrade(Validator):
    """1級-7級, 療育 A/B, 精神 1-3級, 障害支援区分1-6."""

    category = "health"
    needs_header = True

    def match(self, value):
        return isinstance(value, str) and len(value) <= 8 and _DISABILITY_GRADE.match(value) is not None


# --- numbers and codes under a header ---------------------------------------

def _digit_count(value: Value, low: int, high: int) -> bool:
    number = integral(value)
    if number is not None:
        return number >= 0 and len(str(number)) <= high
    digits = _digits_only(value)
    return digits is not None and low <= len(digits) <= high


class BankAccountNumber(Validator):
    """Seven digits (a number may have lost its leading zeros)."""

    category = "bank_account"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        return _digit_count(value, 7, 7) and integral(value) != 0


_BANK_ENDINGS = ("銀行", "信用金庫", "信金", "信用組合", "信組", "農協", "農業協同組合", "労働金庫",
                 "労金", "漁協", "支店", "出張所", "本店", "営業部", "支所")
_ACCOUNT_KINDS = frozenset({"普通", "当座", "貯蓄", "総合", "普通預金", "当座預金", "貯蓄預金"})


class BankWords(Validator):
    """A bank or branch name, or a kind of account (普通, 当座)."""

    category = "bank_account"
    needs_header = True

    def match(self, value):
        return isinstance(value, str) and (value in _ACCOUNT_KINDS or value.endswith(_BANK_ENDINGS))


_CODE = re.compile(r"^[0-9A-Za-z\-]{4,20}$")


class InsuranceNumber(Validator):
    """Digits (letters and hyphens allowed), at least four digits."""

    category = "insurance_number"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        number = integral(value)
        if number is not None:
            return number >= 1000
        return isinstance(value, str) and _CODE.match(value) is not None \
            and sum(ch.isdigit() for ch in value) >= 4


class ResidentNumber(Validator):
    """4 to 16 digits."""

    category = "resident_id"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        number = integral(value)
        if number is not None:
            return number > 0 and len(str(number)) <= 16
        return _digit_count(value, 4, 16)


_MONEY = re.compile(r"^[¥\\]?\d{1,3}(,\d{3})*(\.\d+)?円?$|^[¥\\]?\d+(\.\d+)?円?$")


class MoneyAmount(Validator):
    """A non-negative amount: a number, 123,456 or 123,456円."""

    category = "income"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        if isinstance(value, bool):
            return False
        if isinstance(value, (int, float)):
            return value >= 0
        return isinstance(value, str) and _MONEY.match(value) is not None


_SCHOOL_GRADE = re.compile(r"^(小|中|高)?[1-6](年生?)?([-/]?[1-9]{1,2}組?)?$|^[1-9A-Z]組$")
_SCHOOL_ENDINGS = ("学校", "小", "中", "高校", "幼稚園", "保育園", "保育所", "こども園", "大学", "学園")


class SchoolGrade(Validator):
    """A grade or class (3年, 小4, 2組) or a school name."""

    category = "school"
    accepts_numbers = True
    needs_header = True

    def match(self, value):
        number = integral(value)
        if number is not None:
            return 1 <= number <= 12
        return isinstance(value, str) and (
            _SCHOOL_GRADE.match(value) is not None or value.endswith(_SCHOOL_ENDINGS))


_RELATIONSHIPS = frozenset("""
世帯主 本人 妻 夫 子 長男 長女 次男 次女 二男 二女 三男 三女 四男 四女 父 母 養父 養母 義父 義母 祖父 祖母
孫 兄 姉 弟 妹 配偶者 子の妻 子の夫 妻の父 妻の母 夫の父 夫の母 同居人 縁故者 養子 伯父 叔父 伯母 叔母
甥 姪 曾孫 未届の妻 未届の夫 世帯主の親 世帯主の子
""".split())


class Relationship(Validator):
    """A relationship to the householder (続柄): 世帯主, 妻, 長男 ..."""

    category = "family"

    def match(self, value):
        return isinstance(value, str) and len(value) <= 8 and value in _RELATIONSHIPS


#: every validator, in the order they are tried
VALIDATORS: tuple[Validator, ...] = (
    MyNumber(), PhoneNumber(), PhoneNumberAsInteger(), InternationalPhone(), PostalCode(),
    PostalCodeDigits(), ForeignPostalCode(),
    EmailAddress(), DateCell(), WesternDateText(), EraDateText(), ExcelSerialDate(),
    Age(), GenderWord(), GenderCode(), PersonName(), LatinPersonName(), LexiconFullName(),
    LexiconPersonName(),
    KanaName(), LexiconKanaName(), KanaText(),
    JapaneseAddress(), AddressText(), CareLevel(), DisabilityHandbook(), DisabilityGrade(),
    BankAccountNumber(), BankWords(), InsuranceNumber(), ResidentNumber(), MoneyAmount(),
    SchoolGrade(), Relationship(),
)

#: validators of each category
BY_CATEGORY: dict[str, tuple[Validator, ...]] = {}
for _validator in VALIDATORS:
    BY_CATEGORY[_validator.category] = BY_CATEGORY.get(_validator.category, ()) + (_validator,)

#: validators that may decide a column without a header, the costly ones (the dictionary) last
STANDALONE: tuple[Validator, ...] = tuple(sorted((v for v in VALIDATORS if not v.needs_header),
                                                 key=lambda v: v.costly))
