"""The one catalogue (inventory/catalogue.py): found where the web finds it, Japanese by default
in everything a person reads outside the web (command line, its help, e-mail, Excel), English
on request; machine output unchanged.  tests/test_web_translations.py holds that every msgid
of babel.cfg has its Japanese."""
from __future__ import annotations

import inspect
import json

import click
import pytest
from click.testing import CliRunner

from inventory import catalogue, labels
from inventory.cli import text
from inventory.cli.main import main

main.load_all()


def all_commands(group: click.Group = main, path: tuple[str, ...] = ()):
    """(path, command) of every command and group under ``group``."""
    for name, command in sorted(group.commands.items()):
        yield path + (name,), command
        if isinstance(command, click.Group):
            yield from all_commands(command, path + (name,))


# ----- the catalogue -----

def test_the_catalogue_is_the_one_the_web_loads():
    from inventory.web import i18n

    assert i18n.TRANSLATIONS == catalogue.TRANSLATIONS
    assert (catalogue.TRANSLATIONS / "ja" / "LC_MESSAGES" / "messages.mo").is_file()


def test_japanese_by_default_english_on_request(monkeypatch):
    monkeypatch.delenv(catalogue.LANG_ENV, raising=False)
    assert catalogue.gettext("Finished") == "完了"                 # a wrong path would raise, not fall back
    assert catalogue.gettext("Finished", "en") == "Finished"
    assert catalogue.label(labels.RISK_LABELS, "cloud-storage-link") == "クラウドストレージへのリンク"
    assert catalogue.label(labels.RISK_LABELS, "a-code-added-later") == "a-code-added-later"
    monkeypatch.setenv(catalogue.LANG_ENV, "en_US.UTF-8")
    assert catalogue.gettext("Finished") == "Finished" and catalogue.language() == "en"
    assert catalogue.language("ja-JP") == "ja" and catalogue.language("fr") == "ja"


def test_a_missing_catalogue_is_an_error_not_english(tmp_path, monkeypatch):
    """Babel quietly falls back to the msgids when no .mo is found (how run_diff's wrong path after
    the move to sub-packages went unseen): the catalogue refuses instead."""
    monkeypatch.setattr(catalogue, "TRANSLATIONS", tmp_path)
    catalogue._load.cache_clear()
    try:
        with pytest.raises(catalogue.CatalogueMissing):
            catalogue.gettext("Finished", "ja")
        assert catalogue.gettext("Finished", "en") == "Finished"
    finally:
        monkeypatch.undo()
        catalogue._load.cache_clear()


@pytest.mark.parametrize("name", [n for n in dir(labels) if n.endswith("_LABELS")])
def test_every_label_of_every_code_has_japanese(name):
    table = getattr(labels, name)
    untranslated = [msgid for msgid in table.values() if catalogue.gettext(msgid, "ja") == msgid]
    assert untranslated == []


def test_the_excel_export_takes_the_catalogues_category_labels():
    from inventory.declarations import excel_layout as excel

    assert excel.CATEGORY_LABELS["health"] == catalogue.gettext(labels.CATEGORY_LABELS["health"], "ja")
    assert excel.category_text(["name", "my_number"]) == "氏名、個人番号（マイナンバー）"


# ----- the command line's help -----

def test_help_is_japanese_by_default_and_english_on_request():
    japanese = CliRunner().invoke(main, ["--help"])
    assert japanese.exit_code == 0
    assert "使い方:" in japanese.output and "オプション:" in japanese.output and "コマンド:" in japanese.output
    assert "個人情報資産とシャドー IT の台帳" in japanese.output and "Usage" not in japanese.output
    for args in (["--lang", "en", "--help"], ["--help", "--lang", "en"]):
        english = CliRunner().invoke(main, args)
        assert "Usage:" in english.output and "Personal-data asset inventory" in english.output
    from_env = CliRunner().invoke(main, ["scan", "--help"], env={catalogue.LANG_ENV: "en"})
    assert "Scan folders (mounted file shares)" in from_env.output


@pytest.mark.parametrize("args, japanese, english", [
    (["scan", "--help"], "個人情報を探します", "for personal data"),
    (["runs", "show", "--help"], "1 回のスキャンで変わったこと", "What one scan run changed"),
    (["users", "create", "--help"], "ローカルアカウントを作成します", "Create a local account"),
])
def test_a_commands_help_in_both_languages(args, japanese, english):
    ja = CliRunner().invoke(main, args)
    en = CliRunner().invoke(main, [*args, "--lang", "en"])
    assert ja.exit_code == en.exit_code == 0
    assert japanese in ja.output and english not in ja.output and "例:" in ja.output
    assert english in en.output and "Example:" in en.output
    assert "このヘルプを表示して終了します" in ja.output and "Show this message and exit." in en.output


@pytest.mark.parametrize("path, command", list(all_commands()),
                         ids=lambda p: " ".join(p) if isinstance(p, tuple) else "")
def test_every_help_text_has_japanese(path, command):
    """A command's help and each option's help are in the catalogue (English only as the msgid)."""
    for msgid in text.help_msgids(inspect.cleandoc(command.help or "")):
        assert catalogue.gettext(msgid, "ja") != msgid, (path, msgid)
    for param in command.params:
        if getattr(param, "help", None):
            assert catalogue.gettext(param.help, "ja") != param.help, (path, param.name)


def test_help_points_at_docs_not_at_source_files():
    for path, command in all_commands():
        for lang in ("ja", "en"):
            assert ".py" not in text.translate_help(command.help, lang), path


def test_japanese_help_is_wrapped_by_display_width():
    """A Japanese line takes two columns a character: no help line is wider than the terminal."""
    from inventory.scanning.progress import display_width

    for args in (["--help"], ["scan", "--help"], ["declarations", "remind", "--help"]):
        output = CliRunner().invoke(main, args, terminal_width=80).output
        examples = set(CliRunner().invoke(main, [*args, "--lang", "en"], terminal_width=80).output.splitlines())
        too_wide = [line for line in output.splitlines() if display_width(line) > 80 and line not in examples]
        assert too_wide == [], too_wide


# ----- what commands print -----

@pytest.fixture
def share(tmp_path):
    from test_cli import ROSTER

    root = tmp_path / "share"
    (root / "市民課").mkdir(parents=True)
    (root / "市民課" / "名簿.csv").write_bytes(ROSTER.encode("cp932"))
    (root / "市民課" / "暗号.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    return root


def test_scan_table_in_japanese_and_english(share, monkeypatch):
    monkeypatch.delenv(catalogue.LANG_ENV, raising=False)
    args = ["scan", str(share), "--format", "table", "--workers", "0", "--no-registry", "--no-state"]
    ja = CliRunner().invoke(main, args)
    assert ja.exit_code == 0, ja.output
    assert "2 ファイルを検査: 個人情報あり 1" in ja.output
    assert "パス" in ja.output and "個人情報の項目" in ja.output and "氏名、氏名（カナ・ふりがな）" in ja.output
    assert "検査できなかったファイル:" in ja.output
    en = CliRunner().invoke(main, ["--lang", "en", *args])
    assert "2 files inspected: 1 with personal data" in en.output
    assert "Name, Name (kana)" in en.output and "Files that could not be inspected:" in en.output
    assert "試験" not in ja.output + en.output


def test_jsonl_is_never_translated(share, tmp_path):
    args = ["scan", str(share), "--format", "jsonl", "--workers", "0", "--no-registry", "--no-state"]
    ja = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "ja.jsonl")])
    en = CliRunner().invoke(main, ["--lang", "en", *args, "-o", str(tmp_path / "en.jsonl")])
    assert ja.exit_code == en.exit_code == 0
    records = [json.loads(line) for line in (tmp_path / "ja.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["path"] for r in records} == {"市民課/名簿.csv", "市民課/暗号.xlsx"}
    strip = [{k: v for k, v in r.items() if k not in ("scanned_at", "duration_ms", "root")} for r in records]
    others = [json.loads(line) for line in (tmp_path / "en.jsonl").read_text(encoding="utf-8").splitlines()]
    assert strip == [{k: v for k, v in r.items() if k not in ("scanned_at", "duration_ms", "root")}
                     for r in others]


def test_errors_are_japanese_with_an_english_option(monkeypatch):
    monkeypatch.delenv(catalogue.LANG_ENV, raising=False)
    ja = CliRunner().invoke(main, ["scan"])
    assert ja.exit_code == 2 and "エラー: ROOT 引数か --share NAME を指定してください。" in ja.output
    assert "使い方:" in ja.output
    en = CliRunner().invoke(main, ["scan", "--lang", "en"])
    assert en.exit_code == 2 and "Error: Give ROOT arguments or --share NAME." in en.output


def test_the_help_extractor_finds_docstrings_and_option_help():
    import io
    from pathlib import Path

    source = (Path(text.__file__).parent / "runs.py").read_bytes()
    found = {message for _line, _fn, message, _c in text.extract(io.BytesIO(source), {"_": None}, [], {})}
    assert "Scan runs in the registry and what each changed." in found          # a group's docstring
    assert "Assets listed per section (the counts are always complete)." in found   # an option's help
    assert "No scan run %(id)s." in found                                        # a _() call
    assert not any("inventory runs" in message for message in found)            # examples stay as written
