"""Risk details and error reasons as a person reads them (inventory/details.py): every phrase
the scanner writes in Japanese, with no English sentence left, and in English on request."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from inventory import details
from inventory.registry import record_guard
from scanners.apps.code_risks import RULES as CODE_RULES

ROOT = Path(__file__).resolve().parents[2]

#: one phrase of each family the scanner writes (scanners/apps, scanners/risks.py, scan.py ...)
SAMPLES = [
    "sheet 元データ is hidden",
    "sheet 元データ is veryHidden",
    "column D of sheet 相談 is hidden",
    "rows of sheet 名簿 holding personal data are hidden",
    "connections.xml: ODBC connection to db01.example.lg.jp",
    "connections.xml: web query connection to https://stat.example.jp/… (3x)",
    "connections.xml: OLE DB connection",
    "connections.xml: file database connection (2x)",
    "connections.xml: ODBC connection with saved password",
    "connections.xml: SQL Server connection string holds a password",
    "2 query table(s) refresh from an external source",
    "formulas link to workbook …\\*.xlsx",
    "formulas link to workbook \\\\fs01\\…\\*.xlsx (4x)",
    "DDE/OLE link to *.xls",
    "and links to 7 more workbooks",
    "hyperlink to file …\\*.pdf (2x)",
    "12 hyperlink(s) to web addresses (www.city.example.lg.jp, example.com)",
    "3 HYPERLINK formula(s)",
    "1 data connection(s) to external sources",
    "5 hyperlink(s)",
    "defined name Auto_Open runs a macro when the workbook opens",
    "defined name Auto_Open runs a macro when the workbook opens (2 hidden Excel 4 macro sheet(s))",
    "linked table to ODBC source",
    "linked table to ODBC source (3x)",
    "linked table in another Access file",
    "linked table in another Access file: *.accdb (2x)",
    "linked table to text file",
    "linked table to text file in folder: …\\*",
    "linked table to Excel workbook: *.xlsx",
    "linked table to SharePoint list",
    "linked table to other external source (2x)",
    "and 4 more linked tables",
    "linked table T_住民: connect string holds a password (ODBC source: DSN=***;UID=***;PWD=***)",
    "byte-identical copy of 北区/福祉課/名簿.xlsx",
    "password-protected or encrypted: contents could not be inspected",
    "Power Query (DataMashup) queries",
    "macro AutoExec runs when the database opens",
    "P2P ファイル共有ソフト Winny の設定ファイル",
    "クラウド同期フォルダ（Dropbox）内のファイル",
    "遠隔操作ソフト TeamViewer（ファイル名で判定）",
    "クラウドストレージ Dropbox へのリンク（リンク先の URL は記録していません）",
    "外部へのファイル送信: scp/pscp によるアップロード 3, 7 行目",
    "スクリプトに平文のパスワード: コマンドのパスワード引数 12 行目（値は記録していません）",
] + [rule.detail for rule in CODE_RULES] + [f"{CODE_RULES[0].detail} (3 places)"]


@pytest.mark.parametrize("text", SAMPLES)
def test_every_detail_reads_in_japanese(text):
    shown = details.render_detail(text, lang="ja")
    assert shown and shown != str(details.UNKNOWN_DETAIL)
    assert not details.has_english_sentence(shown), shown


@pytest.mark.parametrize("text", SAMPLES)
def test_every_detail_is_a_phrase_the_guard_lets_through(text):
    """The rendering and the guard know the same phrases: what the guard keeps, people can read."""
    guard = record_guard.RecordGuard({})
    assert guard.phrase(text, record_guard.DETAILS) != record_guard.MASK, text


def test_every_guard_pattern_has_a_sample():
    fixed = {"password-protected or encrypted: contents could not be inspected",
             "Power Query (DataMashup) queries", "macro AutoExec runs when the database opens"}
    for pattern in record_guard.DETAILS:
        assert any(pattern.fullmatch(s) for s in SAMPLES if s not in fixed), pattern.pattern


def test_parameters_and_examples():
    assert details.render_detail("column D of sheet 相談 is hidden", lang="ja") == "シート「相談」のD列が非表示"
    assert details.render_detail("column D of sheet 相談 is hidden", lang="en") == "column D of sheet 相談 is hidden"
    shown = details.render_detail("linked table to ODBC source (3x)", lang="ja")
    assert "3" in shown and "ODBC" in shown
    assert details.parse_detail("column D of sheet 相談 is hidden") == (
        "column %(column)s of sheet %(sheet)s is hidden", {"column": "D", "sheet": "相談"})


def test_an_unknown_detail_is_never_raw_english():
    for text in ("something the scanner of tomorrow says", "***", "sheet names look odd today"):
        shown = details.render_detail(text, lang="ja")
        assert shown == "（この版では表示できない詳細）" or not details.has_english_sentence(shown)
        assert "tomorrow" not in shown


def _reasons_in_scanners() -> set[str]:
    """Every literal reason a reader or the pool gives (ReadError/EncryptedError/failed_record ...)."""
    found = set()
    for path in (ROOT / "scanners").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in (
                    "ReadError", "EncryptedError", "unread_record", "failed_record"):
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found.add(arg.value)
                    elif isinstance(arg, ast.JoinedStr):
                        found.add("".join(v.value if isinstance(v, ast.Constant) else "x" for v in arg.values))
                    elif isinstance(arg, ast.BinOp) and isinstance(arg.left, ast.Constant):
                        found.add(str(arg.left.value).replace("%s", "x").replace("%d", "1"))
    from scanners.smb import STATUS_REASONS
    found |= set(STATUS_REASONS.values())
    found |= {"not inspected: no reader for this kind", "cannot read file: Permission denied",
              "no reader for this content: unknown binary data", "reader crashed (SIGKILL)",
              "timed out after 30 s", "memory limit exceeded while reading", "connection to the server lost",
              "authentication failed", "the server did not answer in time", "cannot connect to the server"}
    return found


def test_every_error_reason_has_a_class_and_reads_in_japanese():
    reasons = _reasons_in_scanners()
    assert len(reasons) > 40
    for reason in reasons:
        assert details.error_class(reason) != "unknown", reason
        shown = details.render_error(reason, "error", lang="ja")
        assert shown and not details.has_english_sentence(shown), (reason, shown)


@pytest.mark.parametrize("reason, code", [
    ("encrypted OOXML package", "encrypted"), ("not a zip file", "wrong-format"),
    ("truncated zip", "damaged"), ("zip bomb: parts declare 900 MB", "too-large"),
    ("timed out after 30 s", "timeout"), ("database password set", "encrypted-database"),
    ("logon failure: check the user name and password (STATUS_LOGON_FAILURE)", "access-denied"),
    ("locked by another user (STATUS_SHARING_VIOLATION)", "in-use"),
    ("not inspected: no reader for this kind", "no-reader"),
])
def test_error_classes(reason, code):
    assert details.error_class(reason) == code


def test_an_unknown_error_is_a_generic_japanese_label():
    assert details.render_error("Xyzzy", "error", lang="ja") == "読み取れませんでした"
    assert details.render_error("Xyzzy", "error", lang="en") == "the file could not be read"
    assert details.render_error(None, "ok", lang="ja") == ""
