"""A realistic (and entirely fake) municipal file share, with its ground truth.

:func:`generate_share` writes department folders full of spreadsheets, CSV
exports and memos the way a Japanese city's file server holds them, with the
home-made business apps (macro workbooks, an .xls with VBA, an Access
database; :mod:`inventory.demo.office_files`) and shadow IT found there, and
returns what a perfect scanner should report for each file.  ``make demo``
uses it for the product demo; ``tests/scanner/test_share_quality.py`` scores the
scanner against it.  The truth is returned, never written into the share.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

import xlsxwriter

from inventory.demo.office_files import (AccessTable, compound_file, connections_xml, mdb_file, ribbon_xml,
                                         vba_project_items, with_parts, xls_file)
from inventory.demo.people import KINDS, make_person
from inventory.demo.share_files import SHARE_FILES, MacroApp, Sheet, ShareFile

JST = dt.timezone(dt.timedelta(hours=9))


@dataclass
class GeneratedShare:
    """A written share: its root, the ground truth and every personal value written into it."""

    root: Path
    truth: dict[str, dict]
    #: names, kana, addresses, phones and numbers written (with normalised variants); a scan
    #: record must contain none of them.  Held in memory only.
    personal_values: frozenset[str] = field(repr=False)


def generate_share(dest: Path, seed: int = 0, scale: float = 1.0) -> dict[str, dict]:
    """Write the demo share under ``dest`` (absent or empty) and return its ground truth."""
    return write_share(dest, seed, scale).truth


def write_share(dest: Path, seed: int = 0, scale: float = 1.0) -> GeneratedShare:
    """Write the demo share; return its truth and the personal values it holds."""
    dest = Path(dest)
    values: set[str] = set()
    truth = {}
    for spec in SHARE_FILES:
        rng = Random(f"{seed}/{spec.path}")
        target = dest / spec.path
        target.parent.mkdir(parents=True, exist_ok=True)
        tables = [(sheet, _table_rows(sheet, rng, scale, values)) for sheet in spec.sheets]
        target.write_bytes(_file_bytes(spec, tables, rng))
        stamp = dt.datetime(2024, 4, 1, 9, tzinfo=JST) + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 360))
        os.utime(target, (stamp.timestamp(), stamp.timestamp()))
        truth[spec.path] = spec.truth()
    return GeneratedShare(dest, truth, frozenset(_variants(values)))


def _table_rows(sheet: Sheet, rng: Random, scale: float, values: set[str]) -> list[list]:
    count = max(5, round(sheet.rows * scale)) if sheet.scaled else sheet.rows
    kinds = [KINDS[kind] for _, kind in sheet.fields]
    rows = []
    for i in range(count):
        person = make_person(rng, *sheet.ages)
        row = [kind.make(person, rng, i) for kind in kinds]
        values.update(str(v) for v, kind in zip(row, kinds) if kind.secret)
        rows.append(row)
    return rows


def _variants(values: set[str]) -> set[str]:
    """Each value as written, NFKC-normalised, and without spaces and hyphens; short digit runs dropped."""
    out = set()
    for value in values:
        norm = unicodedata.normalize("NFKC", value)
        for form in (value, norm, norm.replace(" ", "").replace("-", "")):
            digits = form.isascii() and form.isdigit()
            if len(form) >= (9 if digits else 2):
                out.add(form)
    return out


def _file_bytes(spec: ShareFile, tables: list, rng: Random) -> bytes:
    if spec.damage == "empty":
        return b""
    if spec.damage == "random":
        return rng.randbytes(rng.randint(2_000, 9_000))
    if spec.text is not None:
        return spec.text.encode(spec.encoding)
    if spec.memo:
        return _memo(Path(spec.path).stem, rng).encode(spec.encoding)
    suffix = Path(spec.path).suffix
    if suffix == ".mdb":
        return mdb_file([_access_table(sheet, rows) for sheet, rows in tables], spec.app.objects if spec.app else ())
    if suffix == ".xls":
        return xls_file([(sheet.name, _string_rows(sheet, rows)) for sheet, rows in tables],
                        spec.app.modules if spec.app else ())
    if suffix not in (".xlsx", ".xlsm"):
        sheet, rows = tables[0]
        return _delimited(sheet, rows, "," if suffix == ".csv" else "\t").encode(spec.encoding)
    data = _xlsx(tables, rng, _vba_project(spec.app))
    if spec.app is not None and (spec.app.ribbon or spec.app.connections):
        data = _with_app_parts(data, spec.app)
    if spec.damage == "truncated":
        return data[: len(data) * 11 // 20]
    if spec.damage == "encrypted":
        return _encrypt(data)
    return data


def _text(value) -> str:
    if isinstance(value, dt.date):
        return value.strftime("%Y/%m/%d")
    return str(value)


def _string_rows(sheet: Sheet, rows: list[list]) -> list[list[str]]:
    """A table as text cells (the demo's .xls holds strings only): header, then rows."""
    head = [[header for header, _ in sheet.fields]] if sheet.header else []
    return head + [[_text(v) for v in row] for row in rows]


def _access_table(sheet: Sheet, rows: list[list]) -> AccessTable:
    """A table of the demo's Access database: whole numbers as Long Integer, the rest as Text."""
    kinds = ["long" if rows and isinstance(rows[0][i], int) else "text" for i in range(len(sheet.fields))]
    values = [[v if kind == "long" else _text(v) for v, kind in zip(row, kinds)] for row in rows]
    return AccessTable(sheet.name, [(header, kind) for (header, _), kind in zip(sheet.fields, kinds)], values)


def _vba_project(app: MacroApp | None) -> bytes | None:
    """vbaProject.bin of an app's modules (Japanese source: code page 932), or None."""
    if not isinstance(app, MacroApp) or not app.modules:
        return None
    return compound_file(vba_project_items(list(app.modules), code_page=932))


def _with_app_parts(data: bytes, app: MacroApp) -> bytes:
    ribbon = ribbon_xml(app.ribbon[0], list(app.ribbon[1])) if app.ribbon else None
    connections = connections_xml(list(app.connections)) if app.connections else None
    return with_parts(data, ribbon=ribbon, connections=connections)


def _delimited(sheet: Sheet, rows: list[list], delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    width = len(sheet.fields)
    if sheet.title:
        writer.writerow([sheet.title] + [""] * (width - 1))
    if sheet.header:
        writer.writerow([header for header, _ in sheet.fields])
    writer.writerows([_text(v) for v in row] for row in rows)
    return out.getvalue()


def _xlsx(tables: list, rng: Random, vba_project: bytes | None = None) -> bytes:
    """A workbook written with xlsxwriter: title rows, merged group headers, dates, hidden parts;
    with ``vba_project`` (vbaProject.bin) a macro workbook."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    created = dt.datetime(2023, 4, 1, 9) + dt.timedelta(days=rng.randint(0, 360))
    book.set_properties({"company": "緑ヶ丘市", "created": created})
    bold = book.add_format({"bold": True, "border": 1, "align": "center"})
    title_format = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    date_formats = {None: book.add_format({"num_format": "yyyy/m/d"})}
    for sheet, rows in tables:
        ws = book.add_worksheet(sheet.name)
        fields = sheet.fields
        width = len(fields)
        r = 0
        if sheet.title:
            ws.merge_range(0, 0, 0, width - 1, sheet.title, title_format)
            ws.write_string(1, width - 1, "作成日：令和6年4月1日")
            r = 3                                      # row 2 stays blank
        if sheet.groups:
            c = 0
            for label, span in sheet.groups:
                if span > 1:
                    ws.merge_range(r, c, r, c + span - 1, label, bold)
                else:
                    ws.write_string(r, c, label, bold)
                c += span
            r += 1
        if sheet.header:
            for c, (header, _) in enumerate(fields):
                ws.write_string(r, c, header, bold)
            r += 1
        kinds = [KINDS[kind] for _, kind in fields]
        for row in rows:
            for c, (value, kind) in enumerate(zip(row, kinds)):
                if isinstance(value, dt.date):
                    if kind.num_format not in date_formats:
                        date_formats[kind.num_format] = book.add_format({"num_format": kind.num_format})
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_formats[kind.num_format])
                elif isinstance(value, (int, float)):
                    ws.write_number(r, c, value)
                elif value != "":
                    ws.write_string(r, c, value)
            r += 1
        for c in range(width):
            ws.set_column(c, c, 16, None, {"hidden": c in sheet.hidden_columns})
        if sheet.visibility == "hidden":
            ws.hide()
        elif sheet.visibility == "veryHidden":
            ws.very_hidden()
    if vba_project is not None:
        book.add_vba_project(io.BytesIO(vba_project), is_stream=True)
    book.close()
    return out.getvalue()


def _encrypt(data: bytes, password: str = "midori2024") -> bytes:
    """The workbook encrypted with a password (ECMA-376 agile encryption, an OLE file)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


_AGENDA = ["令和6年度事業計画について", "予算の執行状況について", "文書管理規程の改正について",
           "個人情報の適正な取扱いについて", "庁内ネットワークの更新について", "窓口業務の改善について",
           "次回の開催日程について", "研修計画について"]
_REMARKS = ["事務局から資料に基づき説明があり、了承された。",
            "委員から進捗状況について質疑があり、事務局から年度末までに完了する見込みであると回答があった。",
            "各課から意見を聴取したうえで、次回までに修正案を作成することとした。",
            "外部記憶媒体の持ち出しは禁止されていることを改めて確認した。",
            "関係課と調整のうえ、改めて報告することとした。"]


def _memo(title: str, rng: Random) -> str:
    """Meeting minutes as prose: dates, places and agenda, no people."""
    day = dt.date(2024, 4, 1) + dt.timedelta(days=rng.randint(0, 300))
    lines = [title.replace("_", " "), "",
             f"日時　令和6年{day.month}月{day.day}日　午後2時00分から午後3時30分まで",
             f"場所　本庁舎{rng.randint(2, 6)}階　第{rng.randint(1, 4)}会議室",
             f"出席　委員{rng.randint(5, 12)}名、事務局{rng.randint(2, 5)}名", "", "1　開会", "2　議題"]
    for n, agenda in enumerate(rng.sample(_AGENDA, rng.randint(3, 5)), start=1):
        lines += [f"（{n}）{agenda}", "　" + "".join(rng.sample(_REMARKS, 2))]
    lines += ["3　その他", "　特になし。", "4　閉会", ""]
    return "\r\n".join(lines)
