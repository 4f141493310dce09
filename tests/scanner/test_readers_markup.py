"""Readers for what web systems and databases export: HTML tables, SpreadsheetML 2003,
SQL dumps, fixed-width text, lines quoted whole.  Files are written by the tests;
the people in them are fictional."""
from __future__ import annotations

import datetime as dt
import time

import pytest

from scanners.document import SAMPLE_ROWS, ReadError
from scanners.readers import html_tables, sql_dump
from scanners.readers.delimited import read_delimited
from scanners.readers.fixed_width import char_width, split_fixed_width
from scanners.readers.html_tables import read_html_tables
from scanners.readers.safezip import XmlRefused
from scanners.readers.spreadsheetml import read_spreadsheetml
from scanners.readers.sql_dump import read_sql_dump


def write(tmp_path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


# ---------------------------------------------------------------- HTML tables

MERGED_HEADER = """<html><head><meta charset="Shift_JIS"><script>var rows = "<table><tr><td>x";</script></head>
<body><p>住民一覧</p>
<table border=1>
 <col width=80><col span=2 width=0 style='display:none'><col>
 <tr><th rowspan=2>氏名</th><th colspan=2>連絡先</th><th rowspan=2>備考</th></tr>
 <tr><th>住所</th><th>電話番号</th></tr>
 <tr><td>山田&nbsp;花子</td><td>東京都千代田区<br>千代田1-1</td><td>03-1234-5678</td><td>
   <table><tr><td>内側</td><td>表</td></tr></table></td></tr>
 <tr style="display:none"><td>鈴木 一郎</td><td>大阪府</td><td>06-2345-6789</td></tr>
 <tr><td colspan="99999999">合計</td></tr>
</table></body></html>"""


def test_html_cells_spans_nesting_and_hidden_rows(tmp_path):
    doc = read_html_tables(write(tmp_path, "a.xls", MERGED_HEADER, "cp932"), "xls")
    outer, inner = doc.tables
    assert outer.rows[:4] == [
        ["氏名", "連絡先", None, "備考"],
        [None, "住所", "電話番号"],                     # under the rowspan of 氏名
        ["山田 花子", "東京都千代田区 千代田1-1", "03-1234-5678"],   # the nested table's text stays out
        ["鈴木 一郎", "大阪府", "06-2345-6789"],
    ]
    assert outer.rows[4] == ["合計"]                      # a huge colspan is capped, trailing blanks dropped
    assert outer.hidden_rows == {3} and outer.hidden_columns == {1, 2}
    assert (outer.total_rows, outer.name) == (5, "table 1")
    assert (inner.rows, inner.name) == ([["内側", "表"]], "table 2")
    assert doc.notes == ["encoding cp932"]


def test_html_declared_charset_that_lies_is_overruled(tmp_path):
    page = '<html><head><meta charset="utf-8"></head><body><table><tr><td>氏名</td></tr></table></body></html>'
    doc = read_html_tables(write(tmp_path, "a.xls", page, "cp932"), "xls")
    assert doc.tables[0].rows == [["氏名"]]


def test_html_without_a_charset_is_detected_past_a_long_style_sheet(tmp_path):
    style = "<style>" + "".join(f".xl{i} {{ mso-style-parent: style0; }}\n" for i in range(400)) + "</style>"
    page = f"<html><head>{style}</head><body><table><tr><td>氏名</td><td>住所</td></tr></table></body></html>"
    doc = read_html_tables(write(tmp_path, "a.xls", page, "cp932"), "xls")
    assert doc.tables[0].rows == [["氏名", "住所"]] and doc.notes == ["encoding cp932"]


def test_html_rows_past_the_parsed_bytes_are_counted(tmp_path, monkeypatch):
    monkeypatch.setattr(html_tables, "PARSE_BYTES", 64 * 1024)
    rows = "".join(f"<TR><TD>{i}</TD><TD>row</TD></TR>\n" for i in range(20000))
    doc = read_html_tables(write(tmp_path, "big.xls", f"<table>{rows}</table>"), "xls")
    [table] = doc.tables
    assert len(table.rows) == SAMPLE_ROWS
    assert table.total_rows == 20000
    assert "rows past 0 MB counted, not read" in doc.notes


def test_html_without_a_table_gives_its_text(tmp_path):
    doc = read_html_tables(write(tmp_path, "a.xls", "<html><body><p>お知らせ</p><p>本文</p></body></html>"), "xls")
    assert doc.tables == [] and doc.text == "お知らせ\n本文"


@pytest.mark.parametrize("page", [
    "<table>" * 50000 + "<tr><td>x",                          # nesting far past the cap
    "<table><tr>" + "<td rowspan=65535 colspan=65535>x" * 3000,  # spans that would fill memory
    "<table><tr><td>" + "<b>" * 200000 + "x",                  # deep inline markup
    "<table><tr><td " + "a=b " * 200000 + ">x",                # one huge tag
    "<table><tr><td>" + "&#x" + "9" * 100000 + ";",            # absurd character reference
    "<" * 300000,
])
def test_hostile_html_costs_bounded_time(tmp_path, page):
    started = time.monotonic()
    doc = read_html_tables(write(tmp_path, "hostile.xls", page), "xls")
    assert time.monotonic() - started < 20
    assert all(len(row) <= html_tables.MAX_COLUMNS for table in doc.tables for row in table.rows)


# ---------------------------------------------------------------- SpreadsheetML 2003

WORKBOOK = """<?xml version="1.0" encoding="Shift_JIS"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:x="urn:schemas-microsoft-com:office:excel"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" xmlns:html="http://www.w3.org/TR/REC-html40">
 <Worksheet ss:Name="名簿">
  <Table ss:ExpandedColumnCount="5" ss:ExpandedRowCount="4">
   <Column ss:Index="4" ss:Hidden="1" ss:Span="1"/>
   <Row><Cell><Data ss:Type="String">氏名</Data></Cell><Cell ss:Index="3"><Data ss:Type="String">生年月日</Data></Cell>
    <Cell><Data ss:Type="String">年齢</Data></Cell></Row>
   <Row ss:Index="3" ss:Hidden="1"><Cell ss:MergeAcross="1"><ss:Data ss:Type="String"
    xmlns="http://www.w3.org/TR/REC-html40"><B>山田</B> 花子</ss:Data></Cell>
    <Cell><Data ss:Type="DateTime">1970-03-02T00:00:00.000</Data></Cell><Cell><Data ss:Type="Number">56</Data></Cell>
    <Cell ss:Formula="=1/0"><Data ss:Type="Error">#DIV/0!</Data></Cell></Row>
   <Row><Cell><Data ss:Type="Number">0.5</Data></Cell><Cell><Data ss:Type="Boolean">1</Data></Cell></Row>
  </Table>
 </Worksheet>
 <Worksheet ss:Name="元データ"><Table><Row><Cell><Data ss:Type="String">x</Data></Cell></Row></Table>
  <WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel"><Visible>SheetVeryHidden</Visible></WorksheetOptions>
 </Worksheet>
</Workbook>
"""


def test_spreadsheetml_cells_gaps_types_and_hidden_parts(tmp_path):
    doc = read_spreadsheetml(write(tmp_path, "a.xls", WORKBOOK, "cp932"), "xls")
    sheet, hidden = doc.tables
    assert sheet.name == "名簿" and sheet.visibility == "visible"
    assert sheet.rows == [
        ["氏名", None, "生年月日", "年齢"],
        [],                                                 # the row ss:Index skipped
        ["山田 花子", None, dt.date(1970, 3, 2), 56],        # MergeAcross leaves an empty cell
        [0.5, True],
    ]
    assert sheet.hidden_rows == {2} and sheet.hidden_columns == {3, 4}
    assert sheet.total_rows == 4
    assert (hidden.name, hidden.visibility) == ("元データ", "veryHidden")
    assert doc.notes == ["encoding cp932"]


def test_spreadsheetml_counts_rows_past_the_sample(tmp_path):
    rows = "".join(f'<Row><Cell><Data ss:Type="Number">{i}</Data></Cell></Row>' for i in range(1000))
    xml = ('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           f'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="S"><Table>{rows}'
           "</Table></Worksheet></Workbook>")
    [table] = read_spreadsheetml(write(tmp_path, "a.xls", xml), "xls").tables
    assert (len(table.rows), table.total_rows) == (SAMPLE_ROWS, 1000)


@pytest.mark.parametrize("xml, error", [
    ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Workbook/>', XmlRefused),
    ('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet>'
     "<Table><Row><Cell><Data>&undefined;</Data>", ReadError),
    ('<?xml version="1.0"?><Workbook', ReadError),
])
def test_spreadsheetml_refuses_entities_and_broken_xml(tmp_path, xml, error):
    with pytest.raises(error):
        read_spreadsheetml(write(tmp_path, "a.xls", xml), "xls")


def test_spreadsheetml_cut_short_keeps_the_rows_before_the_break(tmp_path):
    xml = WORKBOOK[: WORKBOOK.index("<Row><Cell><Data ss:Type=\"Number\">0.5")]
    doc = read_spreadsheetml(write(tmp_path, "a.xls", xml, "cp932"), "xls")
    assert doc.tables[0].rows[0][0] == "氏名"
    assert "XML broken after the first rows: read up to there" in doc.notes


# ---------------------------------------------------------------- SQL dumps

@pytest.mark.parametrize("dump, name, header, rows", [
    # MySQL: one line, many rows, backquotes, backslash escapes, NULL, numbers
    ("INSERT INTO `住民` (`氏名`,`住所`,`年齢`) VALUES ('山田 花子','東京都\\'千代田\\'',56),('鈴木 一郎',NULL,-3.5);",
     "住民", ["氏名", "住所", "年齢"], [["山田 花子", "東京都'千代田'", 56], ["鈴木 一郎", None, -3.5]]),
    # PostgreSQL pg_dump --inserts, schema-qualified, doubled quotes
    ('INSERT INTO public."住民" ("氏名", "備考") VALUES (\'山田 花子\', \'O\'\'Hara\');\n'
     "INSERT INTO public.\"住民\" (\"氏名\", \"備考\") VALUES ('鈴木 一郎', E'line\\nbreak');\n",
     "public.住民", ["氏名", "備考"], [["山田 花子", "O'Hara"], ["鈴木 一郎", "line\nbreak"]]),
    # pg_dump's default COPY blocks
    ("SET client_encoding = 'UTF8';\nCOPY public.jumin (shimei, denwa) FROM stdin;\n山田 花子\t03-1234-5678\n"
     "鈴木 一郎\t\\N\n\\.\n", "public.jumin", ["shimei", "denwa"], [["山田 花子", "03-1234-5678"], ["鈴木 一郎", None]]),
    # SQL Server "Generate Scripts": INSERT without INTO, [brackets], N'' strings, GO
    ("INSERT [dbo].[住民] ([氏名], [生年月日]) VALUES (N'山田 花子', CAST(N'1970-03-02' AS Date))\nGO\n",
     "dbo.住民", ["氏名", "生年月日"], [["山田 花子", "1970-03-02"]]),
    # Oracle SQL Developer export
    ("REM INSERTING into JUMIN\nSET DEFINE OFF;\nInsert into JUMIN (SHIMEI,SEINENGAPPI) values "
     "('山田 花子',to_date('70-03-02','RR-MM-DD'));\n", "JUMIN", ["SHIMEI", "SEINENGAPPI"], [["山田 花子", "70-03-02"]]),
    # SQLite .dump: no column list, one row per statement
    ('BEGIN TRANSACTION;\nCREATE TABLE t(a,b);\nINSERT INTO t VALUES(1,\'x\');\nINSERT INTO "t" VALUES(2,NULL);\nCOMMIT;\n',
     "t", None, [[1, "x"], [2, None]]),
    # quoted column names and a misspelt VALUES, as hand-written loaders have them
    ("INSERT INTO 名簿('氏名','住所')VLUES('山田 花子','東京都');", "名簿", ["氏名", "住所"], [["山田 花子", "東京都"]]),
])
def test_sql_dumps_of_each_database(tmp_path, dump, name, header, rows):
    [table] = read_sql_dump(write(tmp_path, "dump.txt", dump), "txt").tables
    assert (table.name, table.header, table.rows, table.total_rows) == (name, header, rows, len(rows))


def test_sql_dump_tables_apart_and_rows_past_the_parsed_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(sql_dump, "PARSE_BYTES", 32 * 1024)
    lines = ["INSERT INTO a (x) VALUES ('1');"]
    lines += ["INSERT INTO b (y, z) VALUES " + ",".join(f"({i},'v')" for i in range(100)) + ";" for _ in range(50)]
    doc = read_sql_dump(write(tmp_path, "dump.sql.txt", "\n".join(lines) + "\n", "cp932"), "txt")
    a, b = doc.tables
    assert (a.name, a.total_rows, b.name, len(b.rows)) == ("a", 1, "b", SAMPLE_ROWS)
    assert abs(b.total_rows - 5000) <= 5
    assert doc.notes == ["encoding utf-8", "rows past 0 MB estimated, not read"]


@pytest.mark.parametrize("dump", [
    "INSERT INTO t SELECT * FROM u;", "INSERT INTO t VALUES ('unterminated", "INSERT INTO t (a,", "INSERT",
    "INSERT INTO t VALUES " + "(" * 100000, "INSERT INTO t VALUES (" + "'x'," * 100000,
])
def test_broken_sql_never_raises(tmp_path, dump):
    doc = read_sql_dump(write(tmp_path, "dump.txt", dump), "txt")
    assert all(len(row) <= sql_dump.MAX_COLUMNS for table in doc.tables for row in table.rows)


# ---------------------------------------------------------------- fixed-width and quoted lines

def _pad(text: str, width: int) -> str:
    """Pad to a display width as a cp932 export does (a double-byte character takes two)."""
    return text + " " * (width - len(text.encode("cp932")))


FIXED = [("氏名", "住所", "電話番号"), ("山田 花子", "東京都千代田区千代田1-1", "03-1234-5678"),
         ("ﾔﾏﾀﾞ ﾀﾛｳ", "大阪府大阪市北区梅田2-2", "06-2345-6789"), ("佐藤 美咲", "福岡県福岡市", "092-345-6789"),
         ("高橋 健太", "北海道札幌市中央区", "011-456-7890"), ("伊藤 由美", "宮城県仙台市青葉区", "022-567-8901")]


@pytest.mark.parametrize("encoding", ["cp932", "utf-8"])
def test_fixed_width_text_is_cut_by_display_width(tmp_path, encoding):
    lines = [_pad(a, 12) + _pad(b, 30) + c for a, b, c in FIXED]
    lines.insert(1, "-" * 12 + "-" * 30 + "-" * 12)
    lines.insert(0, _pad("住民名簿", 44) + "令和6年4月1日")       # a title line above the header
    doc = read_delimited(write(tmp_path, "list.txt", "\r\n".join(lines) + "\r\n", encoding), "txt")
    [table] = doc.tables
    assert table.rows == [["住民名簿", None, "令和6年4月1日"]] + [list(row) for row in FIXED]
    assert doc.notes == [f"encoding {encoding}; fixed-width columns"]


def test_char_width_follows_cp932_bytes():
    assert [char_width(c) for c in "aｱあ漢＃○　"] == [1, 1, 2, 2, 2, 2, 2]


@pytest.mark.parametrize("text", [
    "職務経歴書\n\n氏名：山田 花子\n生年月日：1970年3月2日\n住所：東京都千代田区\n電話：03-1234-5678\n"
    "2010年4月 株式会社サンプル 入社\n2015年3月 同社 退社\n",
    "Dear residents,\nThe office will be closed on Monday for maintenance work.\nPlease use the online\n"
    "form instead, or call us on Tuesday morning.\nThank you for your understanding.\n",
    "氏名    山田 花子\n住所    東京都千代田区\n電話    03-1234-5678\n生年月日 1970年3月2日\n性別    女\n",
])
def test_running_text_is_not_split_into_columns(tmp_path, text):
    assert split_fixed_width(text.splitlines()) is None
    doc = read_delimited(write(tmp_path, "memo.txt", text), "txt")
    assert doc.tables == [] and doc.text


def test_lines_quoted_whole_are_unwrapped(tmp_path):
    lines = ['"' + ",".join(row) + '"' for row in [("番号", "氏名", "住所")] + [
        ("001", "山田 花子", "東京都千代田区1-1"), ("002", "鈴木 一郎", "大阪府大阪市2-2")]]
    doc = read_delimited(write(tmp_path, "jusho.csv", "\r\n".join(lines) + "\r\n", "cp932"), "csv")
    assert doc.tables[0].rows[1] == ["001", "山田 花子", "東京都千代田区1-1"]
    assert doc.notes == ["encoding cp932; delimiter comma inside lines quoted whole"]


def test_one_column_of_quoted_values_with_commas_stays_one_column(tmp_path):
    text = '"住所"\n"1-1, Chiyoda, Tokyo"\n"2-2, Kita, Osaka"\n"3-3, Chuo, Fukuoka"\n'
    doc = read_delimited(write(tmp_path, "a.csv", text), "csv")
    assert [len(row) for row in doc.tables[0].rows] == [1, 1, 1, 1]
