"""Sheet names that are values: a workbook that keeps one sheet per person names them
after people (``山田太郎``), by phone number or by a 12-digit number.

Such a name is recorded as a neutral label with the sheet's position and what
it looks like, ``シート3（氏名）``, in every place the record names that sheet
(columns, risk details, notes), so that the same sheet has the same label in
one record.  Other sheet names (``名簿``, ``Sheet1``, ``R5``) are structure
and stay as they are.  The registry applies the same rule to what it is sent.
"""
from __future__ import annotations

import re

from .names import name_shape
from .values import _ERA_DATE, EmailAddress, PhoneNumber, WesternDateText, prepare, twelve_digits

#: what a masked sheet name looked like, in the words of its label
KIND_LABELS = {"name": "氏名", "phone": "電話番号", "number": "番号", "email": "メールアドレス",
               "date": "日付"}
#: a label this module wrote: never judged again
LABEL = re.compile(r"^シート\d{1,4}（(?:" + "|".join(KIND_LABELS.values()) + r")）$")
#: digits in a name that make it an identifier rather than a title (宛名番号, 保険証番号 ...)
MIN_ID_DIGITS = 10
_PHONE, _EMAIL, _DATE = PhoneNumber(), EmailAddress(), WesternDateText()


def personal_kind(name: object) -> str | None:
    """What a sheet (or server) name looks like when it is a personal value, else None."""
    if not isinstance(name, str) or not name.strip() or LABEL.match(name):
        return None
    value = prepare(name)
    if not isinstance(value, str):
        return None
    if _EMAIL.match(value):
        return "email"
    if twelve_digits(value) is not None or sum(ch.isdigit() for ch in value) >= MIN_ID_DIGITS:
        return "phone" if _PHONE.match(value) else "number"
    if _PHONE.match(value):
        return "phone"
    if _DATE.match(value) or _full_era_date(value):
        return "date"
    return "name" if name_shape(value) is not None else None


def _full_era_date(value: str) -> bool:
    found = _ERA_DATE.match(value)
    return found is not None and found.group(4) is not None


def sheet_label(index: int, kind: str) -> str:
    """The label of the ``index``-th sheet (1-based) whose name looked like ``kind``."""
    return f"シート{index}（{KIND_LABELS[kind]}）"


def sheet_masks(names) -> dict[str, str]:
    """{name: label} for the names (in workbook order) that look like personal values."""
    masks = {}
    for index, name in enumerate(names, start=1):
        kind = personal_kind(name)
        if kind and name not in masks:
            masks[name] = sheet_label(index, kind)
    return masks


def mask_in_text(text: str, masks: dict[str, str]) -> str:
    """``text`` with every masked sheet name replaced by its label (longest names first)."""
    for name in sorted(masks, key=len, reverse=True):
        if name in text:
            text = text.replace(name, masks[name])
    return text


def mask_record_sheets(record: dict, masks: dict[str, str]) -> dict:
    """Replace masked sheet names in a scan record's columns, risk details and notes (in place)."""
    if not masks:
        return record
    personal = record.get("personal") if isinstance(record.get("personal"), dict) else {}
    for col in personal.get("columns") or []:
        if isinstance(col, dict) and isinstance(col.get("sheet"), str):
            col["sheet"] = masks.get(col["sheet"], mask_in_text(col["sheet"], masks))
    for risk in record.get("risks") or []:
        if isinstance(risk, dict) and isinstance(risk.get("detail"), str):
            risk["detail"] = mask_in_text(risk["detail"], masks)
    if isinstance(record.get("notes"), list):
        record["notes"] = [mask_in_text(n, masks) if isinstance(n, str) else n for n in record["notes"]]
    return record
