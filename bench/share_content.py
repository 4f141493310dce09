"""What goes inside the generated share's files: tables, memos, logs, placeholders.

Tables come in a few templates seen on municipal shares: rosters of people
(personal data), budgets, facility lists and statistics (not personal), and
staff attendance sheets.  All values are fake (see :mod:`bench.fake_people`).
"""
from __future__ import annotations

import datetime as dt
import random

from .fake_people import CITY, TOWNS, fake_people

TABLE_TEMPLATES = ("roster", "budget", "facility", "stats", "attendance")

#: magic bytes at the start of the placeholder (unparsed) office files
MAGIC = {
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    "docx": b"PK\x03\x04\x14\x00\x06\x00",
    "pptx": b"PK\x03\x04\x14\x00\x06\x00",
    "zip": b"PK\x03\x04\x14\x00\x00\x00",
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "msg": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff",
}

ERAS = ((dt.date(2019, 5, 1), "令和", "R"), (dt.date(1989, 1, 8), "平成", "H"),
        (dt.date(1926, 12, 25), "昭和", "S"), (dt.date(1912, 7, 30), "大正", "T"))
CARE_LEVELS = ["要支援1", "要支援2", "要介護1", "要介護2", "要介護3", "要介護4", "要介護5"]
RELATIONS = ["世帯主", "妻", "夫", "子", "母", "父", "孫"]
BUDGET_ITEMS = ["報酬", "給料", "職員手当等", "共済費", "報償費", "旅費", "需用費", "役務費",
                "委託料", "使用料及び賃借料", "工事請負費", "備品購入費", "負担金補助及び交付金"]
FACILITIES = ["公民館", "小学校", "中学校", "図書館", "体育館", "保育所", "老人福祉センター", "集会所"]


def wareki(day: dt.date, short: bool) -> str:
    """A date in the Japanese era calendar: 昭和45年3月2日 or S45.3.2."""
    for start, name, letter in ERAS:
        if day >= start:
            year = day.year - start.year + 1
            if short:
                return f"{letter}{year}.{day.month}.{day.day}"
            return f"{name}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return day.isoformat()


def _roster(rng: random.Random, rows: int, as_text: bool):
    extra = rng.choice([[], ["被保険者番号", "要介護度"], ["宛名番号", "世帯番号", "続柄"], ["備考"]])
    header = ["氏　名" if rng.random() < 0.3 else "氏名", rng.choice(["ふりがな", "フリガナ", "ﾌﾘｶﾞﾅ"]),
              "生年月日", "性別", "郵便番号", rng.choice(["住所", "住　所"]), rng.choice(["電話番号", "TEL"])]
    date_style = rng.choice(["slash", "compact", "era", "era_short"]) if as_text else "cell"
    out = []
    for i, p in enumerate(fake_people(rng, rows)):
        if date_style == "cell":
            birth = p.birth_date
        elif date_style == "slash":
            birth = f"{p.birth_date.year}/{p.birth_date.month}/{p.birth_date.day}"
        elif date_style == "compact":
            birth = p.birth_date.strftime("%Y%m%d")
        else:
            birth = wareki(p.birth_date, date_style == "era_short")
        row = [p.name, p.kana, birth, p.gender, p.postal_code, p.address, p.phone]
        if "被保険者番号" in extra:
            row += [f"{rng.randrange(10**10):010d}", rng.choice(CARE_LEVELS)]
        elif "宛名番号" in extra:
            row += [100000 + rng.randrange(900000), 50000 + i // 3, rng.choice(RELATIONS)]
        elif "備考" in extra:
            row += ["" if rng.random() < 0.8 else "転出予定"]
        out.append(row)
    return header + extra, out


def _budget(rng: random.Random, rows: int, as_text: bool):
    out = []
    for i in range(rows):
        budget = rng.randrange(1, 5000) * 1000
        spent = int(budget * rng.random())
        out.append([f"{i // 40 + 1}款", f"{i // 10 + 1}項", rng.choice(BUDGET_ITEMS), budget, spent, budget - spent])
    return ["款", "項", "節", "予算額", "執行額", "残額"], out


def _facility(rng: random.Random, rows: int, as_text: bool):
    out = []
    for i in range(rows):
        _, town = rng.choice(TOWNS)
        out.append([f"{town[2:]}{rng.choice(FACILITIES)}", f"{CITY}{town}{rng.randrange(1, 8)}丁{rng.randrange(1, 30)}番",
                    f"072-{rng.randrange(200, 300)}-{rng.randrange(10000):04d}", rng.randrange(20, 500)])
    return ["施設名", "所在地", "電話番号", "定員"], out


def _stats(rng: random.Random, rows: int, as_text: bool):
    out = []
    for i in range(rows):
        _, town = TOWNS[i % len(TOWNS)]
        young, adult, old = rng.randrange(50, 900), rng.randrange(200, 4000), rng.randrange(100, 2000)
        out.append([f"{town}{i // len(TOWNS) + 1}丁", young, adult, old, young + adult + old])
    return ["町丁名", "0～14歳", "15～64歳", "65歳以上", "合計"], out


def _attendance(rng: random.Random, rows: int, as_text: bool):
    staff = [(10000 + rng.randrange(90000), p.name) for p in fake_people(rng, max(1, rows // 20))]
    start = dt.date(2023, 4, 1)
    out = []
    for i in range(rows):
        number, name = staff[i % len(staff)]
        day = start + dt.timedelta(days=i // len(staff))
        out.append([number, name, day.isoformat() if as_text else day, "8:45", f"{rng.randrange(17, 22)}:{rng.choice(['00', '15', '30', '45'])}"])
    return ["職員番号", "氏名", "日付", "出勤", "退勤"], out


_TEMPLATES = {"roster": _roster, "budget": _budget, "facility": _facility, "stats": _stats,
              "attendance": _attendance}


def table(template: str, rng: random.Random, rows: int, as_text: bool = False):
    """(header, data rows) for a template; ``as_text`` renders dates as text (CSV)."""
    return _TEMPLATES[template](rng, rows, as_text)


MEMO_LINES = [
    "打合せメモ", "次回は来週火曜日に開催予定。", "資料は共有フォルダに格納済み。", "担当者へ確認中。",
    "予算要求の締切は10月末。", "データ抽出の手順：システムから出力して加工する。", "引継ぎ事項",
    "パスワードは別途連絡。", "照会への回答は課長決裁後に送付。", "TODO: 様式の更新",
]


def memo_text(rng: random.Random, size: int) -> str:
    """A short office memo of roughly ``size`` characters."""
    lines, total = [], 0
    while total < size:
        line = rng.choice(MEMO_LINES)
        lines.append(line)
        total += len(line) + 2
    return "\r\n".join(lines) + "\r\n"


def log_bytes(rng: random.Random, size: int) -> bytes:
    """A backup/batch log of about ``size`` bytes (ASCII lines repeated)."""
    start = dt.datetime(2024, 1, 1) + dt.timedelta(minutes=rng.randrange(500000))
    lines = [f"{(start + dt.timedelta(seconds=7 * i)).isoformat(sep=' ')} "
             f"{rng.choice(['INFO', 'INFO', 'INFO', 'WARN', 'ERROR'])} job={rng.randrange(1000)} "
             f"copied {rng.randrange(1, 5000)} files\r\n" for i in range(200)]
    block = "".join(lines).encode("ascii")
    return (block * (size // len(block) + 1))[:size]
