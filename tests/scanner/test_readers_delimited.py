"""Tests for scanners.readers.delimited: encodings, delimiters, sampling, junk."""
from __future__ import annotations

import codecs
import math
import os
from pathlib import Path

import pytest
from work_counters import count_calls, count_reads

from scanners.document import SAMPLE_ROWS, ReadError
from scanners.readers import delimited
from scanners.readers.delimited import detect_delimiter, detect_encoding, read_delimited

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"

# fictional rows, written by the tests themselves
KANA_HEADER = "ｼﾒｲ,ｼﾞｭｳｼｮ,ﾃﾞﾝﾜ,ｾｲﾈﾝｶﾞｯﾋﾟ"
ROWS_JA = [
    ["氏名", "住所", "電話番号", "生年月日"],
    ["山田 花子", "東京都千代田区1-2-3", "03-1234-5678", "昭和45年3月2日"],
    ["すずき たろう", "大阪府堺市堺区南瓦町3-1", "072(228)7907", "平成元年1月8日"],
]


def _csv_text(rows, delimiter=",", newline="\r\n"):
    return newline.join(delimiter.join(r) for r in rows) + newline


def _write(tmp_path, name, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize("encoded, expected_encoding", [
    (_csv_text(ROWS_JA).encode("cp932"), "cp932"),
    ((KANA_HEADER + "\r\nﾔﾏﾀﾞ ﾊﾅｺ,ﾄｳｷｮｳﾄ,0312345678,S45.3.2\r\n").encode("cp932"), "cp932"),
    (_csv_text(ROWS_JA).encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + _csv_text(ROWS_JA).encode("utf-8"), "utf-8-sig"),
    (_csv_text(ROWS_JA).encode("euc_jp"), "euc_jp"),
    (_csv_text(ROWS_JA).encode("iso2022_jp"), "iso2022_jp_ext"),
    (codecs.BOM_UTF16_LE + _csv_text(ROWS_JA, "\t").encode("utf-16-le"), "utf-16-le"),
    (codecs.BOM_UTF16_BE + _csv_text(ROWS_JA).encode("utf-16-be"), "utf-16-be"),
    (_csv_text(ROWS_JA).encode("utf-16-le"), "utf-16-le"),
    ("name,city\r\nJosé,Zürich\r\n".encode("cp1252"), "cp1252"),
])
def test_detect_encoding(encoded, expected_encoding):
    assert detect_encoding(encoded)[0] == expected_encoding


@pytest.mark.parametrize("encoding, bom", [
    ("cp932", b""), ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("euc_jp", b""),
    ("iso2022_jp", b""), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
])
def test_japanese_rows_round_trip(tmp_path, encoding, bom):
    path = _write(tmp_path, "名簿.csv", bom + _csv_text(ROWS_JA).encode(encoding))
    document = read_delimited(path, "csv")
    (table,) = document.tables
    assert table.name == "名簿"
    assert table.rows == ROWS_JA
    assert table.total_rows == 3
    assert table.header is None


def test_half_width_kana_header_cp932(tmp_path):
    text = KANA_HEADER + "\r\nﾔﾏﾀﾞ ﾊﾅｺ,ﾄｳｷｮｳﾄ,0312345678,S45.3.2\r\n"
    document = read_delimited(_write(tmp_path, "export.csv", text.encode("cp932")), "csv")
    assert document.tables[0].rows[0] == KANA_HEADER.split(",")
    assert "encoding cp932" in document.notes[0]


@pytest.mark.parametrize("delimiter, kind", [
    (",", "csv"), ("\t", "tsv"), ("\t", "txt"), (";", "csv"), ("|", "txt"), ("|", "csv"),
])
def test_delimiters(tmp_path, delimiter, kind):
    rows = [["id", "name", "note"], ["1", "a", "x"], ["2", "b", "y"], ["3", "c", "z"]]
    path = _write(tmp_path, f"data.{kind}", _csv_text(rows, delimiter).encode())
    assert read_delimited(path, kind).tables[0].rows == rows


def test_quoted_fields_with_commas_and_newlines(tmp_path):
    text = 'id,address,memo\r\n1,"東京都, 千代田区","line one\r\nline two"\r\n2,"x ""quoted"" y",\r\n'
    table = read_delimited(_write(tmp_path, "q.csv", text.encode("cp932")), "csv").tables[0]
    assert table.rows == [
        ["id", "address", "memo"],
        ["1", "東京都, 千代田区", "line one\r\nline two"],
        ["2", 'x "quoted" y', None],
    ]
    assert table.total_rows == 3


def test_headerless_tsv_keeps_every_row(tmp_path):
    rows = [["000123", "山田 花子", "1970/3/2"], ["000124", "鈴木 一郎", "1985/11/20"]]
    table = read_delimited(_write(tmp_path, "out.tsv", _csv_text(rows, "\t").encode("cp932")), "tsv").tables[0]
    assert table.rows == rows


def test_values_stripped_and_blank_is_none(tmp_path):
    text = " a , b ,c\n 1 ,   , \u3000x\u3000\n"
    table = read_delimited(_write(tmp_path, "s.csv", text.encode()), "csv").tables[0]
    assert table.rows == [["a", "b", "c"], ["1", None, "x"]]


@pytest.mark.parametrize("name, data, kind", [
    ("empty.csv", b"", "csv"),
    ("empty.txt", b"", "txt"),
])
def test_empty_file_has_no_tables(tmp_path, name, data, kind):
    document = read_delimited(_write(tmp_path, name, data), kind)
    assert document.tables == []


@pytest.mark.parametrize("data", [
    os.urandom(4096),
    b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 8,
    b"\x00\x01\x00\x00Standard Jet DB\x00" + b"\x00\xff\x13" * 500,
])
def test_binary_junk_named_csv_is_not_text(tmp_path, data):
    with pytest.raises(ReadError, match="^not text$"):
        read_delimited(_write(tmp_path, "junk.csv", data), "csv")


@pytest.mark.parametrize("text", [
    "本日は晴天なり。市役所の窓口は、午前8時30分から開いています。\n"
    "なお、土曜日と日曜日は休みです。\n\n詳しくは、担当課までお問い合わせください。\n",
    "2024-04-01 09:00:01 INFO started\n2024-04-01 09:00:02 WARN disk, 91% used, check\n"
    "2024-04-01 09:00:05 INFO done\n",
])
def test_prose_txt_has_no_tables(tmp_path, text):
    document = read_delimited(_write(tmp_path, "readme.txt", text.encode("utf-8")), "txt")
    assert document.tables == []


def test_single_column_csv_is_a_table(tmp_path):
    table = read_delimited(_write(tmp_path, "names.csv", "氏名\n山田\n鈴木\n".encode("cp932")), "csv").tables[0]
    assert table.rows == [["氏名"], ["山田"], ["鈴木"]]


@pytest.mark.parametrize("encoding, bom", [("cp932", b""), ("utf-8", b""), ("utf-16-le", codecs.BOM_UTF16_LE)])
def test_large_file_is_sampled_and_lines_counted(tmp_path, monkeypatch, encoding, bom):
    """Only the sample is decoded and parsed; the line count reads the file in big chunks
    (the time it takes is a ``make bench`` figure)."""
    line_count = 60_000
    body = "".join(f"{i},山田 花子{i},東京都千代田区{i}\r\n" for i in range(line_count))
    path = _write(tmp_path, "big.csv", bom + ("id,name,address\r\n" + body).encode(encoding))
    assert os.path.getsize(path) > delimited.SAMPLE_BYTES
    tally = count_reads(monkeypatch, delimited)
    decoded = count_calls(monkeypatch, delimited, "decode_sample")
    table = read_delimited(path, "csv").tables[0]
    assert tally.files[0].bytes == delimited.SAMPLE_BYTES
    assert len(tally.files) == 2                     # the sample, then the line count
    counted = tally.files[1]
    assert [len(args[0]) <= delimited.SAMPLE_BYTES for args in decoded] == [True]
    assert counted.bytes == os.path.getsize(path)
    assert counted.reads <= math.ceil(counted.bytes / delimited.COUNT_CHUNK) + 1
    assert len(table.rows) == SAMPLE_ROWS
    assert table.rows[1] == ["0", "山田 花子0", "東京都千代田区0"]
    assert table.total_rows == line_count + 1


def test_sample_cut_inside_a_double_byte_character(tmp_path):
    # every row is 2-byte characters only, so the 256 KB cut falls on odd offsets too
    row = "氏名カナ" * 7 + "\n"
    data = ("a,b\n" + row.replace("カナ", "カ,ナ") * 20_000).encode("cp932")[1:]
    document = read_delimited(_write(tmp_path, "cut.csv", b"a" + data), "csv")
    assert "\ufffd" not in "".join(v or "" for r in document.tables[0].rows for v in r)


@pytest.mark.parametrize("text, prefer_tab, expected", [
    ("a,b,c\n1,2,3\n4,5,6\n", False, ","),
    ("a\tb\tc\n1\t2\t3\n", False, "\t"),
    ("a;b;c\n1;2,5;3\n", False, ";"),
    ("a|b\n1|2\n", False, "|"),
    ("a,b\tc\n1,2\t3\n", True, "\t"),
    ("just one line of words\nand another one\n", False, None),
])
def test_detect_delimiter(text, prefer_tab, expected):
    assert detect_delimiter(text, prefer_tab) == expected


def test_error_messages_hold_no_values(tmp_path):
    secret = "山田花子090-1234-5678"
    data = secret.encode("cp932") + b"\x00\x01\x02\x03\x04\x05\x06" * 200
    with pytest.raises(ReadError) as info:
        read_delimited(_write(tmp_path, "x.csv", data), "csv")
    assert secret not in str(info.value) and "山田" not in str(info.value)


def _corpus_text_files():
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix.lower() in (".csv", ".tsv", ".txt"))


@pytest.mark.corpus
@pytest.mark.parametrize("path", _corpus_text_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_text_files_read_without_exception(path):
    kind = path.suffix.lower().lstrip(".")
    document = read_delimited(str(path), kind)
    assert document.kind == kind
    for table in document.tables:
        assert 0 < len(table.rows) <= SAMPLE_ROWS
        assert table.total_rows >= len(table.rows)


@pytest.mark.corpus
@pytest.mark.parametrize("relative, encoding, delimiter, width, total", [
    ("_derived/dummy_personal_ja_cp932.csv", "cp932", "comma", 12, 16),
    ("_derived/takamatsu_hospitals_cp932.csv", "cp932", "comma", 16, 629),
    ("takamatsu-city+opendata/data/hospital/data.csv", "utf-8", "comma", 16, 629),
    ("takamatsu-city+opendata/old_data/0001.csv", "utf-8-sig", "comma", 11, 13),
    ("ExcelDataReader+ExcelDataReader/src/TestData/csv/utf16le_bom.csv", "utf-16-le", "comma", 3, 3),
    ("ExcelDataReader+ExcelDataReader/src/TestData/csv/utf16be_bom.csv", "utf-16-be", "comma", 3, 3),
    ("ExcelDataReader+ExcelDataReader/src/TestData/csv/Test_git_issue578.csv", "utf-8", "semicolon", 5, 1),
    ("solondon+MSAccess2010InsideOutSampleCode/Chapter12_DatabaseFiles/Customers.csv", "cp1252", "comma", 12, 92),
    ("MANIFEST.tsv", "utf-8", "tab", 6, 1784),
])
def test_corpus_known_files(relative, encoding, delimiter, width, total):
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip("corpus file missing")
    document = read_delimited(str(path), path.suffix.lstrip("."))
    table = document.tables[0]
    assert document.notes == [f"encoding {encoding}; delimiter {delimiter}"]
    assert max(len(r) for r in table.rows) == width
    assert table.total_rows == total
