"""Personal data in running text: memos, 相談記録, résumés, letters, address lists.

Such text holds people in sentences and ``label：value`` lines, not columns.
A line is read two ways:

* a **field**: ``氏名：山田 太郎``, ``生年月日：昭和45年3月2日``, ``Email: ...`` - the
  label is matched against the header vocabulary and its value must fit the
  label's category (scanners/detectors/columns.classify_by_header);
* **mentions** in free text: e-mail addresses, phone numbers, 〒 codes,
  addresses with block numbers, ages (32歳), birth dates (1992年3月生),
  incomes (年収 600万円), schools (…大学 卒業), relations ((父), 家族構成),
  health (持病, 通院, 要介護3 beside a person), 個人番号 passing the check
  digit beside its label, and people's full names that the name dictionary
  reads in the text (scanners/detectors/names.py).

The text holds personal data when a person (a filled name field, or a full
name in the text) stands within a few lines of something that identifies or
describes them (contact, birth date, address, health ...).  Records are the
people: filled name fields, else the named people with such facts beside
them (an estimate).  Nothing returned holds a value: labels, categories,
counts and masked examples only.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from . import CATEGORIES, ColumnFinding, PersonalResult
from .columns import classify_by_header
from .conditions import CONDITIONS
from .headers import MAX_HEADER_LENGTH, match_header
from .masking import mask_value
from .names import FULL, _tagger, name_shape
from .values import PREFECTURES, JapaneseAddress, my_number_check_digit, phone_digits_ok, prepare

#: lines of a text looked at (the reader hands over the first 64 KiB)
MAX_LINES = 3000
#: lines between a person and the facts that make them identifiable
REACH = 3
#: categories that identify or locate a person (a name beside one of these is personal)
ANCHORING = frozenset({"email", "phone", "address", "postal_code", "birth_date", "my_number",
                       "resident_id", "insurance_number", "age", "health"})
PROSE_CONFIDENCE = 0.7
#: a condition named in the text, health once a person stands beside it
CONDITION = "condition"

_FIELD = re.compile(r"^[\s■□●○◆◇・\-*＊>]*([^:：\s][^:：]{0,14}?)\s*[:：]\s*(.+)$")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", re.ASCII)
_PHONE = re.compile(r"(?<![\d\-])(?:\+81[\s\-]?|0)\d{1,4}[\s\-(（]{0,2}\d{1,4}[\s\-)）]{0,2}\d{3,4}(?![\d\-])")
_POSTAL = re.compile(r"〒\s*(\d{3})[-ー−]?(\d{4})|(?<![\d\-])(\d{3})-(\d{4})(?![\d\-])")
_ADDRESS_CONTEXT = re.compile(r"〒|[都道府県市区町村郡]|Tokyo|Osaka|Kyoto|Japan|-ku\b|-shi\b", re.IGNORECASE)
_ADDRESS = re.compile(r"(?:北海道|東京都|京都府|大阪府|[^\s\d、,。：:]{1,4}県)?[^\s\d、,。：:()（）]{1,12}?[市区町村郡]"
                      r"[^\s、,。：:()（）]{0,20}?(?:\d+|[一二三四五六七八九十]+)(?:丁目|番地|番|号|-\d+)")
#: an address's municipality and block number, found from the municipality on (fast over a text)
_ADDRESS_HINT = re.compile(r"[市区町村郡][^\s、,。：:()（）]{0,20}?(?:\d+|[一二三四五六七八九十]+)(?:丁目|番地|番|号|-\d+)")
_AGE = re.compile(r"(?<!\d)(\d{1,3})\s*(?:歳|才)(?!児)")
#: a day of birth (a year and month alone, 1992年3月生, only dates the person roughly)
_BIRTH = re.compile(r"(?:(?:19|20)\d{2}|(?:昭和|平成|令和|大正)\s?(?:\d{1,2}|元))年\s?\d{1,2}月\s?\d{1,2}日\s?(?:生まれ|生)")
_INCOME = re.compile(r"(?:年収|月収|月給|時給|日給|給与|給料|賞与|単価|報酬|手取り?)[^\d]{0,6}[\d,.]+\s*(?:万|千)?円")
_SCHOOL = re.compile(r"(?:大学院?|短期大学|高等学校|高校|中学校|小学校|専門学校|高等専門学校|学院|University|College|"
                     r"High School|Institute of Technology)")
_SCHOOL_EVENT = re.compile(r"卒業|入学|卒|中退|修了|在学|在籍|B\.?S\.?|B\.?A\.?|M\.?S\.?|Bachelor|Master|Ph\.?D")
_SCHOOL_SECTION = re.compile(r"学歴|EDUCATION|Education")
_RELATION = re.compile(r"[（(](?:父|母|夫|妻|兄|姉|弟|妹|祖父|祖母|長男|長女|次男|次女|息子|娘|義父|義母|子)[)）]")
_FAMILY_WORDS = re.compile(r"家族構成|配偶者|扶養家族|扶養親族|続柄|世帯主")
#: words that speak of a person's health wherever they stand in a personal text
_HEALTH_STATE = re.compile(r"持病|既往歴|病歴|通院(?:中|が必要|して)|服薬中|治療中|入院(?:中|歴)|健康診断|健康状態|"
                           r"障害者手帳|療育手帳|精神障害者保健福祉手帳|要介護\s?[1-5１-５]|要支援\s?[12１２]")
_MY_NUMBER_CONTEXT = re.compile(r"個人番号|マイナンバー|my\s?number", re.IGNORECASE)
_TWELVE = re.compile(r"(?<!\d)(\d{4})[\s\-]?(\d{4})[\s\-]?(\d{4})(?!\d)")
_GIVEN_TAGS = ("名",)
_DIGIT = re.compile(r"\d")


@dataclass
class Mention:
    """One fact found on a line (a value, kept in memory only for masking)."""

    line: int
    category: str
    value: str
    label: str | None = None


def detect_prose(text: str, name: str = "text") -> PersonalResult:
    """Personal data in running text (see the module docstring)."""
    lines = [unicodedata.normalize("NFKC", line).strip() for line in text.splitlines()[:MAX_LINES]]
    if not may_hold_people("\n".join(lines)):
        return PersonalResult()
    mentions = read_lines(lines)
    mentions = [m for m in mentions if m.category != CONDITION or _about_a_person(m, mentions)]
    people = identified_people(mentions)
    if not people:
        return PersonalResult()
    return PersonalResult.found(_findings(name, mentions), len(people))


#: what a text about a person holds at least once: a filled name field, or a fact that
#: identifies or describes someone (searched over the whole text first, in one pass each)
_NAME_FIELD = re.compile(r"(?:氏名|名前|姓名|お名前|Name|NAME|name)\s*[:：]\s*\S")


def may_hold_people(text: str) -> bool:
    """A first, cheap look at the whole text: most memos and minutes name no one's facts."""
    return any(rule.search(text) for rule in (_NAME_FIELD, _EMAIL, _POSTAL, _AGE, _BIRTH, _HEALTH_STATE,
                                              _PHONE, _ADDRESS_HINT)) or CONDITIONS.named_anywhere(text)


def read_lines(lines: list[str]) -> list[Mention]:
    """Every field and mention of every line."""
    mentions: list[Mention] = []
    in_school_section = False
    for number, line in enumerate(lines):
        if not line:
            continue
        if len(line) <= 20 and _SCHOOL_SECTION.search(line):
            in_school_section = True
        elif line[:1] in "■□【[◆" or (line.isupper() and len(line) <= 40):
            in_school_section = False
        labelled = _field(number, line)
        found = _mentions(number, line, in_school_section)
        if labelled is ORGANISATION_LINE:
            # 所在地：, 会社名：...: the place on this line is an organisation's, not a person's
            found = [m for m in found if m.category not in PLACE_CATEGORIES]
        else:
            mentions.extend(labelled or [])
        mentions.extend(found)
        if _POSTAL.search(line) and number + 1 < len(lines):
            mentions.extend(_town_after_postcode(number + 1, lines[number + 1]))
    mentions.extend(_names_near_facts(lines, mentions))
    return _dedupe(mentions)


def _names_near_facts(lines: list[str], mentions: list[Mention]) -> list[Mention]:
    """Full names in the lines near a fact about someone (a person is identified by what
    stands beside them; the name dictionary reads only those lines, not the whole text)."""
    facts = {m.line for m in mentions if m.category in ANCHORING or m.category == CONDITION}
    near = sorted({n for line in facts for n in range(line - REACH, line + REACH + 1) if 0 <= n < len(lines)})
    return [Mention(n, "name", text) for n in near if lines[n] for text in names_in(lines[n])]


def _town_after_postcode(number: int, line: str) -> list[Mention]:
    """The line under a 〒 line naming a prefecture and a town: an address without its block
    number (神奈川県横浜市中区相生町)."""
    if line.startswith(PREFECTURES) and re.search("[市区町村郡]", line):
        return [Mention(number, "address", line)]
    return []


#: what _field answers for a line whose label names no personal fact (所在地, 会社名, 件名)
ORGANISATION_LINE: list[Mention] = []
PLACE_CATEGORIES = frozenset({"address", "postal_code"})


def _field(number: int, line: str) -> list[Mention] | None:
    """The field of a ``label：value`` line: its mentions (none when the value does not fit the
    label); ``ORGANISATION_LINE`` for a label that names no personal fact (所在地 of a company);
    None when the line is not a field."""
    found = _FIELD.match(line)
    if not found or len(found.group(1)) > MAX_HEADER_LENGTH:
        return None
    label, value = found.group(1).strip(), found.group(2).strip()
    match = match_header(label)
    if match is None or match.mode == "role":
        return None
    if match.neutral or match.weak:
        return ORGANISATION_LINE
    out = []
    head = re.split(r"\s*[（(]", value, maxsplit=1)[0].strip() or value
    for candidate in dict.fromkeys((head, value)):
        verdict = classify_by_header(match, [prepare(candidate)])
        if verdict is not None and verdict.category == match.category:
            if match.category != "name" or name_shape(candidate) is not None or _looks_like_name(candidate):
                out.append(Mention(number, match.category, candidate, label))
                break
    if match.category == "name" and out:
        reading = re.search(r"[（(]([ぁ-んァ-ヶー\s]{2,20})[)）]", value)
        if reading:
            out.append(Mention(number, "name_kana", reading.group(1), label))
    return out


def _looks_like_name(value: str) -> bool:
    return 2 <= len(value) <= 20 and not any(ch.isdigit() for ch in value)


def _mentions(number: int, line: str, in_school_section: bool) -> list[Mention]:
    out = [Mention(number, "email", m.group(0)) for m in _EMAIL.finditer(line)] if "@" in line else []
    if _DIGIT.search(line):
        out += _number_mentions(number, line)
    if _SCHOOL.search(line) and (in_school_section or _SCHOOL_EVENT.search(line)):
        out.append(Mention(number, "school", _SCHOOL.search(line).group(0)))
    for m in _RELATION.finditer(line):
        out.append(Mention(number, "family", m.group(0)))
    if _FAMILY_WORDS.search(line):
        out.append(Mention(number, "family", _FAMILY_WORDS.search(line).group(0)))
    if _HEALTH_STATE.search(line):
        out.append(Mention(number, "health", _HEALTH_STATE.search(line).group(0)))
    elif (hit := CONDITIONS.find(line)) is not None:
        field_line = _FIELD.match(line)
        out.append(Mention(number, CONDITION, hit.kind, field_line.group(1) if field_line else None))
    return out


def _number_mentions(number: int, line: str) -> list[Mention]:
    """Mentions that hold digits: phones, 〒, addresses, ages, birth dates, incomes, 個人番号."""
    out = []
    for m in _PHONE.finditer(line):
        digits = re.sub(r"\D", "", m.group(0))
        if 10 <= len(digits) <= 12 and phone_digits_ok(digits):
            out.append(Mention(number, "phone", m.group(0)))
    if _ADDRESS_CONTEXT.search(line):
        out += [Mention(number, "postal_code", m.group(0)) for m in _POSTAL.finditer(line)]
    out += [Mention(number, "address", m.group(0)) for m in _ADDRESS.finditer(line)
            if JapaneseAddress().match(m.group(0))]
    out += [Mention(number, "age", m.group(0)) for m in _AGE.finditer(line) if int(m.group(1)) <= 120]
    out += [Mention(number, "birth_date", m.group(0)) for m in _BIRTH.finditer(line)]
    out += [Mention(number, "income", m.group(0)) for m in _INCOME.finditer(line)]
    if _MY_NUMBER_CONTEXT.search(line):
        for m in _TWELVE.finditer(line):
            digits = "".join(m.groups())
            if my_number_check_digit(digits[:11]) == int(digits[11]):
                out.append(Mention(number, "my_number", m.group(0)))
    return out


def names_in(line: str) -> list[str]:
    """Full names the dictionary reads in a line: a family name, then a given name."""
    if line.isascii():
        shape = name_shape(line) if 3 <= len(line) <= 30 and line.replace(" ", "").isalpha() else None
        return [line] if shape == FULL and " " in line else []
    out = []
    words = [(w.surface, w.feature.pos3, w.feature.pos4, w.white_space) for w in _tagger()(line)]
    for i, (surface, kind, detail, _) in enumerate(words[:-1]):
        if kind != "人名" or detail != "姓":
            continue
        following = words[i + 1]
        if following[1] == "人名" and following[2] in _GIVEN_TAGS:
            out.append(surface + following[3] + following[0])
    return out


def _about_a_person(condition: Mention, mentions: list[Mention]) -> bool:
    """A condition (糖尿病, 要介護3) on a line naming a person, or the line beside it, or in a
    field of a text filled in about one person (備考：高血圧、服薬あり): the person's health.
    Becomes a ``health`` mention; a training course on a condition, or a nurse's account of
    the surgery she assisted (a line of her career), is not one."""
    near = any(m.category == "name" and abs(m.line - condition.line) <= 1 for m in mentions)
    in_field = condition.label is not None and any(m.category == "name" and m.label for m in mentions)
    if near or in_field:
        condition.label = None
        condition.category = "health"
        return True
    return False


def identified_people(mentions: list[Mention]) -> list[int]:
    """Lines of the people counted: filled name fields, else named people with facts beside them."""
    anchors = [m.line for m in mentions if m.category in ANCHORING]
    fields = [m for m in mentions if m.category == "name" and m.label]
    if fields:
        others = [m for m in mentions if m.category != "name" and m.category != "name_kana"]
        first_line = {}
        for m in fields:                # 氏名 and 戸籍上の氏名 of one person count once
            first_line.setdefault(m.value.replace(" ", ""), m.line)
        return sorted(first_line.values()) if others else []
    named: dict[str, int] = {}
    for m in mentions:
        if m.category == "name" and m.value not in named \
                and any(abs(m.line - line) <= REACH for line in anchors):
            named[m.value] = m.line
    return sorted(named.values())


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    seen, out = set(), []
    for m in mentions:
        key = (m.line, m.category, m.value)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def _findings(name: str, mentions: list[Mention]) -> list[ColumnFinding]:
    """One finding per category: the first line it was found on, how often."""
    by_category: dict[str, list[Mention]] = {}
    for m in mentions:
        by_category.setdefault(m.category, []).append(m)
    out = []
    for category in CATEGORIES:
        found = by_category.get(category)
        if not found:
            continue
        first = found[0]
        out.append(ColumnFinding(
            table=name, column=f"L{first.line + 1}", index=first.line, header=first.label,
            category=category, confidence=PROSE_CONFIDENCE,
            evidence={"values_sampled": len(found), "hit_ratio": 1.0, "example": mask_value(first.value),
                      "values_distinct": len({m.value for m in found}),
                      "rule": "text-field" if first.label else "text"},
        ))
    return out
