"""The layout the declarations' Excel and CSV files share (個人情報ファイル簿).

The sheets and columns of the department's template (written by
:mod:`inventory.declarations.excel_export`, read back by
:mod:`inventory.declarations.excel_import`), and a field's value as the files spell it,
both ways: :func:`cell_value` writes a stored value as its cell (labels for codes);
:func:`parse_cell` reads a cell back in any spelling staff use (full-width digits, ○/×,
第三号, 記録項目 separated by 、 or line breaks …) and raises :class:`CellError` when it
cannot.  No session, no workbook: plain values in, plain values out.
"""
from __future__ import annotations

import datetime as dt
import unicodedata

from inventory import catalogue
from inventory.declarations.fields import EXEMPTIONS, FIELDS, ItemField
from inventory.models import FILE_TYPE_LABELS
from inventory.labels import CATEGORY_LABELS as CATEGORY_MSGIDS

#: 記録項目: category code -> its Japanese label in the catalogue (as the web shows it), in the
#: scan record spec's order
CATEGORY_LABELS: dict[str, str] = catalogue.labels(CATEGORY_MSGIDS, "ja")
#: the shorter labels of the templates made before the one catalogue (issue 17): a template
#: filled in since is still read back
FORMER_CATEGORY_LABELS = {
    "name": "氏名", "name_kana": "カナ氏名", "address": "住所", "postal_code": "郵便番号",
    "phone": "電話番号", "email": "メール", "birth_date": "生年月日", "age": "年齢", "gender": "性別",
    "my_number": "個人番号", "resident_id": "宛名番号", "insurance_number": "被保険者番号等",
    "bank_account": "口座", "income": "所得・給与", "school": "学校・学年", "family": "世帯・続柄",
    "health": "心身の状況", "criminal_record": "犯罪歴", "creed_race": "信条・人種",
}
YES, NO = "有", "無"
PUBLISHED_FIELDS: tuple[ItemField, ...] = tuple(f for f in FIELDS if f.published)

SHEET_ITEMS, SHEET_NOTES, SHEET_CHOICES, SHEET_META = "届出項目", "記入方法", "選択肢", "_template"
TEMPLATE_MARKER = "inventory:declaration-template"
TEMPLATE_FORMAT = 1
ID_HEADER, CHANGE_HEADER, VERSION_HEADER = "項目ID", "区分", "版"
PUBLISHED_HEADER, LINKS_HEADER = "公表（自動）", "紐付けファイル数（参考）"
#: the template's columns, in order: id, 区分, every field, read-only columns, the hidden version
TEMPLATE_HEADERS = (ID_HEADER, CHANGE_HEADER, *(f.ja for f in FIELDS), PUBLISHED_HEADER, LINKS_HEADER,
                    VERSION_HEADER)
READ_ONLY_HEADERS = (PUBLISHED_HEADER, LINKS_HEADER)


# --- cells: a field's value as the files spell it --------------------------------------------

def category_text(codes) -> str:
    """記録項目 codes as their labels, in the spec's order, joined by 、."""
    order = {code: n for n, code in enumerate(CATEGORY_LABELS)}
    ordered = sorted(codes or [], key=lambda c: (order.get(c, 99), str(c)))
    return "、".join(CATEGORY_LABELS.get(c, str(c)) for c in ordered)


def cell_value(f: ItemField, value):
    """The cell of field ``f`` for a stored ``value`` (labels for codes; numbers stay numbers)."""
    if f.kind == "categories":
        return category_text(value)
    if f.kind == "bool":
        return YES if value else NO
    if f.name == "file_type":
        return FILE_TYPE_LABELS.get(value, value or "")
    if f.name == "exemption":
        return EXEMPTIONS.get(value or "", value or "")
    if f.kind == "int":
        return value
    return value or ""


def parse_cell(f: ItemField, value):
    """The typed value of field ``f`` for a cell in any spelling staff use (the inverse of
    :func:`cell_value`); raises :class:`CellError` for a cell that cannot be read."""
    parse = {"categories": _parse_categories, "bool": _parse_bool, "int": _parse_count,
             "choice": _parse_choice}.get(f.kind, _parse_text)
    return parse(f, value)


class CellError(ValueError):
    """A cell that cannot be read: ``code`` keys the import's messages; ``number`` is the
    position of the bad entry in a list cell."""

    def __init__(self, code: str, number: int | None = None):
        super().__init__(code)
        self.code, self.number = code, number


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def normal(value) -> str:
    """NFKC (full-width letters and digits to ASCII), outer spaces removed."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def _parse_text(_f: ItemField, value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).strip()


def integer(value) -> int | None:
    """An integer from a number cell or text ("1,234", "１２３４", "1234人"); None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = normal(value).replace(",", "").replace(" ", "").removesuffix("人")
    sign = -1 if text.startswith("-") else 1
    digits = text.removeprefix("-")
    return sign * int(digits) if digits.isascii() and digits.isdigit() else None


def _parse_count(_f: ItemField, value) -> int | None:
    if blank(value):
        return None
    number = integer(value)
    if number is None or number < 0:
        raise CellError("not_count")
    return number


BOOL_WORDS = {"有": True, "有り": True, "あり": True, "○": True, "〇": True, "◯": True, "yes": True,
              "true": True, "1": True, "無": False, "無し": False, "なし": False, "×": False, "✕": False,
              "no": False, "false": False, "0": False, "-": False}


def _parse_bool(_f: ItemField, value) -> bool:
    if blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    found = BOOL_WORDS.get(normal(value).lower())
    if found is None:
        raise CellError("not_bool")
    return found


FILE_TYPE_WORDS = {**{label: code for code, label in FILE_TYPE_LABELS.items()},
                   **{code: code for code in FILE_TYPE_LABELS},
                   "電算": "electronic", "電算処理ファイル": "electronic", "マニュアル": "manual",
                   "マニュアル処理ファイル": "manual", "紙": "manual"}
KANJI_NUMBERS = {k: str(n) for n, k in enumerate("一二三四五六七八九十", 1)}
NO_EXEMPTION = {"", "該当なし", "なし", "無", "無し", "-", "none"}


def _parse_choice(f: ItemField, value) -> str:
    if blank(value):
        return ""
    text = normal(value)
    if f.name == "file_type":
        found = FILE_TYPE_WORDS.get(text) or FILE_TYPE_WORDS.get(text.lower())
    elif f.name == "exemption":
        found = _exemption_code(text)
    else:
        found = text if text in f.choices else None
    if found is None:
        raise CellError("choice")
    return found


def _exemption_code(text: str) -> str | None:
    """"" / 該当なし, "3", "第3号", "第三号", or a whole label of :data:`EXEMPTIONS` -> its code."""
    if text.lower() in NO_EXEMPTION:
        return ""
    head = text.split()[0] if text.split() else text
    head = head.removeprefix("第").removesuffix("号")
    head = KANJI_NUMBERS.get(head, head)
    if head.isascii() and head.isdigit() and str(int(head)) in EXEMPTIONS and int(head) > 0:
        return str(int(head))
    for code, label in EXEMPTIONS.items():
        if normal(label) == text:
            return code
    return None


#: what a 記録項目 cell may name a category by: its label (the catalogue's Japanese, or a former
#: template's) or its code
CATEGORY_WORDS = {**{normal(label): code for code, label in FORMER_CATEGORY_LABELS.items()},
                  **{normal(label): code for code, label in CATEGORY_LABELS.items()},
                  **{code: code for code in CATEGORY_LABELS}}
CATEGORY_SEPARATORS = str.maketrans({c: "、" for c in ",，;；/\n\r\t"})


def _parse_categories(_f: ItemField, value) -> list[str]:
    """Category labels (or codes) separated by 、 , ; / or line breaks -> codes, in order."""
    if blank(value):
        return []
    codes = []
    parts = [p.strip() for p in str(value).translate(CATEGORY_SEPARATORS).split("、")]
    for n, part in enumerate([p for p in parts if p], 1):
        code = CATEGORY_WORDS.get(normal(part)) or CATEGORY_WORDS.get(normal(part).lower())
        if code is None:
            raise CellError("unknown_category", number=n)
        if code not in codes:
            codes.append(code)
    return codes
