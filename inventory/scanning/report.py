"""The human summary of a scan (``inventory scan --format table``)."""
from __future__ import annotations

from collections import Counter

from inventory.scanning.progress import display_width, fit

CATEGORY_LABELS = {
    "ja": {
        "name": "氏名", "name_kana": "カナ氏名", "address": "住所", "postal_code": "郵便番号",
        "phone": "電話番号", "email": "メール", "birth_date": "生年月日", "age": "年齢",
        "gender": "性別", "my_number": "個人番号", "resident_id": "宛名番号",
        "insurance_number": "被保険者番号等", "bank_account": "口座", "income": "所得・給与",
        "school": "学校・学年", "family": "世帯・続柄", "health": "心身の状況",
        "criminal_record": "犯罪歴", "creed_race": "信条・人種",
    },
    "en": {},
}

TEXTS = {
    "ja": {
        "summary": "{files} ファイルを検査: 個人情報あり {personal}（要配慮 {sensitive}・個人番号 {my_number}）"
                   "、暗号化 {encrypted}、読取不可 {error}、対象外 {skipped}",
        "columns": ("パス", "種類", "件数", "記録項目", "注意"),
        "sensitive": "要配慮", "my_number": "個人番号", "hidden": "非表示",
        "problems": "検査できなかったファイル", "status": {"encrypted": "暗号化", "error": "読取不可",
                                                       "skipped": "対象外"},
        "none": "個人情報を含むファイルは見つかりませんでした。",
    },
    "en": {
        "summary": "{files} files inspected: {personal} with personal data ({sensitive} sensitive, "
                   "{my_number} with My Numbers), {encrypted} encrypted, {error} unreadable, {skipped} skipped",
        "columns": ("path", "kind", "rows", "categories", "flags"),
        "sensitive": "sensitive", "my_number": "my-number", "hidden": "hidden",
        "problems": "Files that could not be inspected", "status": {"encrypted": "encrypted",
                                                                    "error": "error", "skipped": "skipped"},
        "none": "No file with personal data was found.",
    },
}


def _pad(text: str, width: int, keep_end: bool) -> str:
    text = fit(text, width, keep_end)
    return text + " " * (width - display_width(text))


def _rows_table(header: tuple[str, ...], rows: list[tuple[str, ...]], limits: tuple[int, ...]) -> list[str]:
    widths = [min(limit, max([display_width(header[i])] + [display_width(r[i]) for r in rows]))
              for i, limit in enumerate(limits)]
    lines = ["  ".join(_pad(h, w, True) for h, w in zip(header, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    # paths keep their end (the file name), other columns their start
    lines += ["  ".join(_pad(c, w, i == 0) for i, (c, w) in enumerate(zip(row, widths))).rstrip()
              for row in rows]
    return lines


def format_table(records: list[dict], lang: str = "ja") -> str:
    """A summary line, the files holding personal data, and the files that could not be read."""
    t = TEXTS.get(lang, TEXTS["en"])
    labels = CATEGORY_LABELS.get(lang) or {}
    status = Counter(r["status"] for r in records)
    personal = [r for r in records if r["personal"]["present"]]
    lines = [t["summary"].format(
        files=len(records), personal=len(personal),
        sensitive=sum(r["personal"]["sensitive"] for r in personal),
        my_number=sum(r["personal"]["my_number"] for r in personal),
        encrypted=status["encrypted"], error=status["error"], skipped=status["skipped"]), ""]
    if personal:
        rows = []
        for r in sorted(personal, key=lambda r: (r["root"], r["path"])):
            p = r["personal"]
            flags = [t["sensitive"]] * p["sensitive"] + [t["my_number"]] * p["my_number"]
            if any(risk["code"] == "hidden-personal-data" for risk in r["risks"]):
                flags.append(t["hidden"])
            cats = "・".join(labels.get(c, c) for c in p["categories"])
            rows.append((r["path"], r["kind"], f"{p['records']:,}", cats, " ".join(flags)))
        lines += _rows_table(t["columns"], rows, (60, 5, 9, 48, 24))
    else:
        lines.append(t["none"])
    problems = [r for r in records if r["status"] != "ok"]
    if problems:
        lines += ["", t["problems"] + ":"]
        rows = [(r["path"], t["status"].get(r["status"], r["status"]), r["error"] or "")
                for r in sorted(problems, key=lambda r: (r["root"], r["path"]))]
        lines += _rows_table(("", "", ""), rows, (60, 8, 60))[2:]
    return "\n".join(lines)
