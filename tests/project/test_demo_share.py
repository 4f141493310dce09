"""The demo municipal share generator: value formats, determinism, files that open, a consistent truth."""
import csv
import datetime as dt
import io
import json
import shutil
import struct
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import msoffcrypto
import olefile
import openpyxl
import pytest
import python_calamine

from inventory.demo.office_files import ACCESS_OBJECT_TYPES, CONTINUE, xls_file
from inventory.demo.people import (is_valid_my_number, my_number_check_digit, phone_text, to_fullwidth,
                                 to_halfwidth_kana, to_hiragana, wareki)
from inventory.demo.share import write_share
from inventory.demo.share_files import SHARE_FILES

SPEC_CATEGORIES = {
    "name", "name_kana", "address", "postal_code", "phone", "email", "birth_date", "age", "gender",
    "my_number", "resident_id", "insurance_number", "bank_account", "income", "school", "family",
    "health", "criminal_record", "creed_race",
}
TRUTH_KEYS = {"personal", "categories", "sensitive", "my_number", "hidden_personal", "status", "risks", "app"}


@pytest.mark.parametrize("first11, check", [
    ("62149832025", 7),        # the example in DETECTION.md
    ("12345678901", 8),        # sum 212, remainder 3
    ("00000000000", 0),        # remainder 0
    ("00000000006", 0),        # sum 12, remainder 1
    ("10000000000", 5),        # sum 6
])
def test_my_number_check_digit(first11, check):
    assert my_number_check_digit(first11) == check


@pytest.mark.parametrize("text, valid", [
    ("621498320257", True), ("621498320258", False), ("62149832025", False),
    ("６２１４９８３２０２５７", False), ("6214 9832 0257", False),
])
def test_is_valid_my_number(text, valid):
    assert is_valid_my_number(text) is valid


@pytest.mark.parametrize("day, style, text", [
    (dt.date(1970, 3, 2), "kanji", "昭和45年3月2日"),
    (dt.date(1989, 1, 7), "kanji", "昭和64年1月7日"),
    (dt.date(1989, 1, 8), "kanji", "平成元年1月8日"),
    (dt.date(1926, 12, 24), "kanji", "大正15年12月24日"),
    (dt.date(1926, 12, 25), "kanji", "昭和元年12月25日"),
    (dt.date(2019, 5, 1), "short", "R1.5.1"),
    (dt.date(1945, 8, 15), "padded", "S20.08.15"),
])
def test_wareki(day, style, text):
    assert wareki(day, style) == text


@pytest.mark.parametrize("convert, given, expected", [
    (to_halfwidth_kana, "ヤマダ　タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ"),
    (to_halfwidth_kana, "ガッコウ", "ｶﾞｯｺｳ"),
    (to_halfwidth_kana, "パン", "ﾊﾟﾝ"),
    (to_hiragana, "サトウ　ハナコ", "さとう　はなこ"),
    (to_fullwidth, "090-1234-5678", "０９０－１２３４－５６７８"),
])
def test_text_conversions(convert, given, expected):
    assert convert(given) == expected
    if convert is not to_hiragana:
        assert unicodedata.normalize("NFKC", expected) == unicodedata.normalize("NFKC", given)


@pytest.mark.parametrize("digits, style, text", [
    ("0722287907", "paren", "072(228)7907"),
    ("0722287907", "hyphen", "072-228-7907"),
    ("09012345678", "hyphen", "090-1234-5678"),
    ("09012345678", "plain", "09012345678"),
    ("09012345678", "fullwidth", "０９０－１２３４－５６７８"),
])
def test_phone_text(digits, style, text):
    assert phone_text(digits, style) == text


# ------------------------------------------------------------------ the whole share
def files_under(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}


def decrypted(path: Path) -> bytes:
    office = msoffcrypto.OfficeFile(path.open("rb"))
    office.load_key(password="midori2024")
    out = io.BytesIO()
    office.decrypt(out)
    return out.getvalue()


def test_same_seed_same_share_other_seed_other_share(tmp_path):
    first = write_share(tmp_path / "a", seed=7, scale=0.2)
    second = write_share(tmp_path / "b", seed=7, scale=0.2)
    other = write_share(tmp_path / "c", seed=8, scale=0.2)
    assert first.truth == second.truth == other.truth
    assert first.personal_values == second.personal_values != other.personal_values
    a, b, c = files_under(first.root), files_under(second.root), files_under(other.root)
    assert a.keys() == b.keys() == first.truth.keys()
    for rel, path in a.items():
        if first.truth[rel]["status"] == "encrypted":   # fresh random salt each time
            assert decrypted(path) == decrypted(b[rel])
        else:
            assert path.read_bytes() == b[rel].read_bytes(), rel
            assert path.stat().st_mtime == b[rel].stat().st_mtime
    changed = [rel for rel in a if a[rel].read_bytes() != c[rel].read_bytes()]
    assert len(changed) > 40


def test_scale_changes_row_counts(tmp_path):
    small = write_share(tmp_path / "s", scale=0.2).root / "市民部/市民課/住民異動届_受付一覧.csv"
    large = write_share(tmp_path / "l", scale=1.0).root / "市民部/市民課/住民異動届_受付一覧.csv"
    assert len(read_rows(small)) == 1 + 50
    assert len(read_rows(large)) == 1 + 250


def test_share_holds_exactly_the_truth_files(municipal_share):
    on_disk = files_under(municipal_share.root)
    assert sorted(on_disk) == sorted(municipal_share.truth)
    assert 50 <= len(on_disk) <= 80
    truth_json = json.dumps(municipal_share.truth, ensure_ascii=False)
    for path in on_disk.values():                 # the truth is never written into the share
        assert b"hidden_personal" not in path.read_bytes()
    assert not any(v in truth_json for v in municipal_share.personal_values if len(v) >= 4)


def test_truth_is_consistent(municipal_share):
    for rel, t in municipal_share.truth.items():
        assert set(t) == TRUTH_KEYS, rel
        assert t["status"] in ("ok", "encrypted", "error")
        assert t["categories"] == sorted(set(t["categories"])) and set(t["categories"]) <= SPEC_CATEGORIES
        assert t["personal"] == bool(t["categories"])
        assert t["sensitive"] == bool({"health", "criminal_record", "creed_race"} & set(t["categories"]))
        assert t["my_number"] == ("my_number" in t["categories"])
        assert not t["hidden_personal"] or t["personal"]
        assert t["status"] == "ok" or not t["personal"]
        assert t["app"] in (None, "excel-vba", "access") and (t["app"] is None or t["status"] == "ok")
        assert unicodedata.is_normalized("NFC", rel) and not rel.startswith("/")


@pytest.mark.parametrize("what, at_least", [
    (lambda t: t["status"] == "ok" and t["personal"], 30),
    (lambda t: t["status"] == "ok" and not t["personal"], 20),
    (lambda t: t["sensitive"], 6),
    (lambda t: t["my_number"], 3),
    (lambda t: t["hidden_personal"], 3),
    (lambda t: t["status"] == "encrypted", 1),
    (lambda t: t["status"] == "error", 2),
    (lambda t: t["app"] == "excel-vba", 3),
    (lambda t: t["app"] == "access", 1),
    (lambda t: t["app"] is not None and t["personal"], 2),
])
def test_truth_covers_each_case(municipal_share, what, at_least):
    assert sum(map(what, municipal_share.truth.values())) >= at_least


@pytest.mark.parametrize("rel, encoding, bom, delimiter, first_header", [
    ("市民部/市民課/住民異動届_受付一覧.csv", "cp932", b"", ",", "ｱﾃﾅﾊﾞﾝｺﾞｳ"),
    ("選挙管理委員会事務局/選挙人名簿/選挙人名簿_第2投票区.csv", "cp932", b"", ",", "投票区"),
    ("総務部/職員課/給与振込一覧_2024年4月.csv", "utf-8-sig", b"\xef\xbb\xbf", ",", "職員番号"),
    ("健康福祉部/障害福祉課/福祉タクシー券_申請者.csv", "euc_jp", b"", ",", "申請者名"),
    ("健康福祉部/健康推進課/健康教室_参加者.csv", "utf-16", b"\xff\xfe", ",", "お名前"),
    ("教育委員会/生涯学習課/公民館講座_受講者名簿.txt", "utf-16", b"\xff\xfe", "\t", "講座名"),
    ("市民部/市民課/窓口受付番号.tsv", "utf-8", b"", "\t", "受付番号"),
    ("健康福祉部/介護保険課/介護保険料_収納状況.csv", "cp932", b"", ",", "ｶｲｺﾞﾎｹﾝﾘｮｳ ｼｭｳﾉｳｼﾞｮｳｷｮｳ"),
])
def test_delimited_files_encoding_and_layout(municipal_share, rel, encoding, bom, delimiter, first_header):
    raw = (municipal_share.root / rel).read_bytes()
    assert raw.startswith(bom) and (bom or not raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe")))
    if encoding in ("cp932", "euc_jp"):
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(raw.decode(encoding)), delimiter=delimiter))
    assert rows[0][0] == first_header
    assert len({len(r) for r in rows[2:]}) == 1 and len(rows) >= 6


@pytest.mark.parametrize("rel, first_row", [
    ("選挙管理委員会事務局/システム出力/voters_export.tsv", 4),
    ("市民部/市民課/export_20240401.tsv", 4),
])
def test_headerless_exports_start_with_values(municipal_share, rel, first_row):
    rows = read_rows(municipal_share.root / rel)
    assert len(rows[0]) == first_row
    assert all(v in municipal_share.personal_values for v in (rows[0][0], rows[0][-1]))


def test_every_readable_workbook_opens_and_hides_exactly_the_personal_parts(municipal_share):
    for rel, t in municipal_share.truth.items():
        if not rel.endswith((".xlsx", ".xlsm")) or t["status"] != "ok":
            continue
        book = openpyxl.load_workbook(municipal_share.root / rel)
        hidden_sheets = [ws.title for ws in book.worksheets if ws.sheet_state != "visible"]
        hidden_cols = [c for ws in book.worksheets for c, d in ws.column_dimensions.items() if d.hidden]
        assert bool(hidden_sheets or hidden_cols) == t["hidden_personal"], rel
        assert book.worksheets[0].sheet_state == "visible"
        assert all(5 <= ws.max_row <= 410 for ws in book.worksheets), rel


def test_sheet_states_and_title_rows(municipal_share):
    root = municipal_share.root
    states = {ws.title: ws.sheet_state
              for ws in openpyxl.load_workbook(root / "選挙管理委員会事務局/期日前投票/期日前投票者_集計.xlsx")}
    assert states == {"集計": "visible", "元データ": "veryHidden"}
    ws = openpyxl.load_workbook(root / "教育委員会/学校教育課/部活動_大会参加申込.xlsx")["参加者名簿"]
    assert ws.sheet_state == "hidden"
    ws = openpyxl.load_workbook(root / "子ども未来部/子育て支援課/放課後児童クラブ_利用児童一覧.xlsx").active
    assert ws["A1"].value == "放課後児童クラブ 利用児童一覧" and ws["A3"].value is None
    assert [ws["A4"].value, ws["E4"].value, ws["A5"].value, ws["E5"].value] == ["児童", "保護者", "氏名", "氏名"]
    assert {str(r) for r in ws.merged_cells.ranges} >= {"A1:G1", "A4:D4", "E4:G4"}
    ws = openpyxl.load_workbook(root / "健康福祉部/介護保険課/要介護認定者一覧.xlsx").active
    assert isinstance(ws["D5"].value, dt.datetime) and "ggge" in ws["D5"].number_format


def test_macro_workbooks_hold_a_vba_project_ribbon_and_connections(municipal_share):
    root = municipal_share.root
    apps = {f.path: f.app for f in SHARE_FILES if f.app is not None}
    assert {Path(p).suffix for p in apps} == {".xlsm", ".xls", ".xlsx", ".mdb"}
    for rel, app in apps.items():
        path = root / rel
        if rel.endswith(".mdb"):
            continue                                  # test_the_access_database_reads_with_two_readers
        if rel.endswith(".xls"):
            ole = olefile.OleFileIO(path)
            assert ole.exists("Workbook") and ole.exists("_VBA_PROJECT_CUR/VBA/dir")
            assert {m.name for m in app.modules} <= {e[-1] for e in ole.listdir() if e[-2:-1] == ["VBA"]}
            book = python_calamine.CalamineWorkbook.from_path(str(path))
            rows = book.get_sheet_by_index(0).to_python()
            assert rows[0][:2] == ["職員番号", "所属"] and len(rows) == 61
            continue
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            assert ("xl/vbaProject.bin" in names) == bool(app.modules), rel
            assert ("customUI/customUI14.xml" in names) == bool(app.ribbon), rel
            assert ("xl/connections.xml" in names) == bool(app.connections), rel
            if app.modules:
                ole = olefile.OleFileIO(zf.read("xl/vbaProject.bin"))
                assert ole.exists("VBA/dir") and all(ole.exists(f"VBA/{m.name}") for m in app.modules)
            if app.ribbon:
                assert "rIdUi1" in zf.read("_rels/.rels").decode()
                assert app.ribbon[0] in zf.read("customUI/customUI14.xml").decode()
            if app.connections:
                assert "connections+xml" in zf.read("[Content_Types].xml").decode()
        assert openpyxl.load_workbook(path).sheetnames == [s.name for f in SHARE_FILES if f.path == rel
                                                           for s in f.sheets]


def test_the_access_database_reads_with_two_readers(municipal_share):
    """access-parser (the scanner's reader) and mdbtools (its fallback) agree on tables and objects."""
    from access_parser import AccessParser

    spec = next(f for f in SHARE_FILES if f.path.endswith(".mdb"))
    path = municipal_share.root / spec.path
    assert path.read_bytes()[4:19] == b"Standard Jet DB" and path.stat().st_size % 4096 == 0
    parser = AccessParser(str(path))
    assert set(parser.catalog) == {"MSysObjects", spec.sheets[0].name}
    catalog = parser.parse_table("MSysObjects")
    listed = {name: kind for name, kind in zip(catalog["Name"], catalog["Type"])}
    assert {n: listed[n] for n, _k, _c in spec.app.objects} == {
        n: ACCESS_OBJECT_TYPES[k] for n, k, _c in spec.app.objects}
    table = parser.parse_table(spec.sheets[0].name)
    headers = [h for h, _ in spec.sheets[0].fields]
    assert sorted(table) == sorted(headers) and len(table["氏名"]) == spec.sheets[0].rows
    assert set(table["氏名"]) <= municipal_share.personal_values
    if shutil.which("mdb-export") is None:
        pytest.skip("mdbtools not installed")
    exported = subprocess.run(["mdb-export", str(path), spec.sheets[0].name], capture_output=True, check=True,
                              timeout=60).stdout.decode()
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0] == headers and [r[1] for r in rows[1:]] == table["氏名"]


def test_a_long_xls_string_table_goes_on_in_continue_records():
    rows = [[f"行{i}の文字列" + "あ" * 40] for i in range(400)]          # far more than one record holds
    data = xls_file([("一覧", rows)])
    stream = olefile.OleFileIO(data).openstream("Workbook").read()
    assert struct.pack("<H", CONTINUE) in stream
    got = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert [r[0] for r in got] == [r[0] for r in rows]


def read_rows(path: Path) -> list[list]:
    """Rows of a delimited file or of every sheet of a workbook, as written."""
    if path.suffix in (".xlsx", ".xlsm"):
        book = openpyxl.load_workbook(path)
        return [list(r) for ws in book.worksheets for r in ws.iter_rows(values_only=True)]
    raw = path.read_bytes()
    for encoding in ("utf-16", "utf-8-sig", "cp932", "euc_jp") if raw[:2] == b"\xff\xfe" else \
            ("utf-8-sig", "cp932", "euc_jp"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    return list(csv.reader(io.StringIO(text), delimiter="," if path.suffix == ".csv" else "\t"))


def column(rows: list[list], header: str) -> list:
    """Values under the first cell equal to ``header``."""
    for r, row in enumerate(rows):
        if header in row:
            c = row.index(header)
            return [x[c] for x in rows[r + 1:] if len(x) > c and x[c] not in (None, "")]
    raise AssertionError(f"no column {header}")


def test_my_numbers_are_valid(municipal_share):
    files = [rel for rel, t in municipal_share.truth.items() if t["my_number"]]
    assert len(files) >= 3
    for rel in files:
        values = column(read_rows(municipal_share.root / rel), "個人番号")
        digits = [unicodedata.normalize("NFKC", str(v)).replace(" ", "") for v in values]
        assert len(digits) >= 5 and all(map(is_valid_my_number, digits)), rel


@pytest.mark.parametrize("rel, header", [
    ("総務部/総務課/文書受付簿_令和6年度.csv", "受付番号"),
    ("財務部/財政課/支出伝票番号一覧.xlsx", "伝票番号"),
    ("市民部/市民課/窓口受付番号.tsv", "受付番号"),
])
def test_decoy_numbers_are_12_digits_some_passing_the_check(municipal_share, rel, header):
    values = column(read_rows(municipal_share.root / rel), header)
    assert all(len(v) == 12 and v.isdigit() for v in values)
    passing = sum(map(is_valid_my_number, values))
    assert 0 < passing < len(values) * 0.5
    assert not municipal_share.truth[rel]["personal"]


def test_damaged_files(municipal_share):
    root, truth = municipal_share.root, municipal_share.truth
    damaged = {f.path: f.damage for f in SHARE_FILES if f.damage}
    assert sorted(damaged.values()) == ["empty", "encrypted", "random", "truncated"]
    for rel, damage in damaged.items():
        raw = (root / rel).read_bytes()
        if damage == "encrypted":
            assert olefile.isOleFile(root / rel)
            assert msoffcrypto.OfficeFile((root / rel).open("rb")).is_encrypted()
            assert zipfile.is_zipfile(io.BytesIO(decrypted(root / rel)))
        elif damage == "truncated":
            assert raw.startswith(b"PK")
            with pytest.raises(zipfile.BadZipFile):
                zipfile.ZipFile(io.BytesIO(raw))
        elif damage == "random":
            assert not raw.startswith(b"PK") and not olefile.isOleFile(io.BytesIO(raw)) and len(raw) >= 2000
        else:
            assert raw == b"" and truth[rel]["status"] == "ok"


def test_personal_values_cover_what_was_written(municipal_share):
    values = municipal_share.personal_values
    rows = read_rows(municipal_share.root / "選挙管理委員会事務局/選挙人名簿/選挙人名簿_第1投票区.xlsx")
    names, addresses = column(rows, "氏　名"), column(rows, "住　　所")
    assert len(names) == 300 and set(names) <= values and set(addresses) <= values
    assert {n.replace("　", "") for n in names} <= values            # normalised variants too
    assert not values & {"氏名", "住所", "電話番号", "緑ヶ丘市", "男", "女"}
    assert not any(v.isdigit() and len(v) < 9 for v in values)
