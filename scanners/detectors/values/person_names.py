"""People's names: kanji and kana, Latin letters, the name dictionary; organisations and
form labels are not people."""
from __future__ import annotations

import re

from ..headers import VOCABULARY
from ..memory import MAX_REMEMBERED, remembered
from ..names import FULL, name_shape
from .base import Validator

#: texts of the file being inspected already looked up in the header vocabulary (values
#: among them: emptied after every file with the names' memory, names.forget)
_LABELS: dict[str, bool] = remembered()

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
