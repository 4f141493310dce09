"""The registry masks what a scanner should have masked (inventory/registry/record_guard.py).

A record posted with raw values in its evidence, risk details, notes and
sheet names (a name, a phone number, a My Number, an e-mail address) goes in
through the real API and through ``inventory ingest``; no text column of any
table, and no log line, may then hold any part of those values.  The
scanner's own records pass the guard unchanged.
"""
from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import create_engine, inspect, text
from test_web_api import make_token, post
from web_fixtures import record

from inventory.registry.record_guard import MASK, guard_record, is_masked_shape

NAME, PHONE, MY_NUMBER, EMAIL = "山田太郎", "090-1234-5678", "123456789018", "taro.yamada@example.jp"
RAW = (NAME, PHONE, MY_NUMBER, EMAIL, "1234-5678", "yamada")


def raw_record(path: str = "福祉課/個人票.xlsx") -> dict:
    """A record whose every free-text field carries a raw value."""
    rec = record(path, ["name", "phone"], ["hidden-personal-data", "external-link"])
    first, second = rec["personal"]["columns"]
    first.update(sheet=NAME, evidence={"example": NAME, "header_term": NAME, "values_sampled": 5,
                                       "rule": EMAIL, NAME: PHONE, "condition_kinds": [MY_NUMBER]})
    second.update(sheet=PHONE, evidence={"example": PHONE, "hit_ratio": 1.0})
    rec["risks"] = [
        {"code": "hidden-personal-data", "detail": f"sheet {NAME} is hidden"},
        {"code": "external-link", "detail": f"hyperlink to file \\\\fs01\\…\\{NAME}_{PHONE}.pdf"},
        {"code": "external-link", "detail": f"{NAME} {PHONE} {MY_NUMBER}"},
        {"code": "credentials-in-file", "detail": f"VBA keeps a password in a string constant {EMAIL}"},
    ]
    rec["notes"] = [f"sheet {PHONE}: row count estimated", f"{NAME}さんの電話 {PHONE}", EMAIL, MY_NUMBER]
    return rec


@pytest.mark.parametrize("shape, expected", [
    ("** **", True), ("***-****-****", True), ("昭和**年*月**日", True), ("〒***-**** *******-*-* …", True),
    ("******.****@*****.***", True), ("**歳", True), ("****-**-** **:**", True), ("(*)", True), ("", True),
    ("山田 **", False), ("090-****-****", False), ("**太郎", False), ("a@b.c", False), ("昭和45年", False),
    ("年**", False), ("*" * 65, False),
])
def test_masked_shapes(shape, expected):
    assert is_masked_shape(shape) is expected


@pytest.mark.parametrize("detail, expected", [
    ("sheet 元データ is veryHidden", "sheet 元データ is veryHidden"),
    (f"sheet {NAME} is hidden", "sheet シート1（氏名） is hidden"),
    ("hyperlink to file \\\\fs01\\…\\*.pdf (2x)", "hyperlink to file \\\\fs01\\…\\*.pdf (2x)"),
    # a link target that names a file is masked the way today's scanner writes it
    (f"hyperlink to file {NAME}.pdf", "hyperlink to file *.pdf"),
    (f"formulas link to workbook \\\\fs01\\…\\{PHONE}.xlsx", "formulas link to workbook \\\\fs01\\…\\*.xlsx"),
    ("formulas link to workbook \\\\Tanaka\\…\\*.xls", "formulas link to workbook \\\\*\\…\\*.xls"),
    ("3 hyperlink(s) to web addresses (https://www.example.lg.jp, http://a.example)",
     "3 hyperlink(s) to web addresses (https://www.example.lg.jp, http://a.example)"),
    ("VBA keeps a password in a string constant (3 places)", "VBA keeps a password in a string constant (3 places)"),
    (f"VBA keeps a password {MY_NUMBER}", MASK),
    ("linked table Ordrar: connect string holds a password (ODBC source: DSN=***;PWD=***)",
     "linked table Ordrar: connect string holds a password (ODBC source: DSN=***;PWD=***)"),
    (f"linked table 顧客: connect string holds a password (ODBC source: DSN={NAME})",
     f"linked table {MASK}: connect string holds a password ({MASK})"),
    ("遠隔操作ソフト TeamViewer（ファイル名・電子署名の発行元で判定）",
     "遠隔操作ソフト TeamViewer（ファイル名・電子署名の発行元で判定）"),
    (f"遠隔操作ソフト {NAME}（ファイル名で判定）", f"遠隔操作ソフト {MASK}（ファイル名で判定）"),
    (f"{NAME} {PHONE}", MASK),
    ("a risk code the registry does not know yet", MASK),
])
def test_risk_details(detail, expected):
    rec = record("a.xlsx", risks=["external-link"])
    rec["risks"][0]["detail"] = detail
    assert guard_record(rec)[0]["risks"][0]["detail"] == expected


def test_a_raw_record_keeps_its_facts_and_loses_its_values(caplog):
    caplog.set_level(logging.DEBUG)
    rec = raw_record()
    guarded, masked = guard_record(rec)
    text = json.dumps(guarded, ensure_ascii=False)
    assert [raw for raw in RAW if raw in text] == [] and masked >= 10
    first, second = guarded["personal"]["columns"]
    assert (first["sheet"], second["sheet"]) == ("シート1（氏名）", "シート2（電話番号）")
    assert first["evidence"] == {"example": "****", "values_sampled": 5}
    assert guarded["risks"][0]["detail"] == "sheet シート1（氏名） is hidden"      # the same label
    assert guarded["notes"][0] == "sheet シート2（電話番号）: row count estimated"
    assert guarded["personal"]["categories"] == ["name", "phone"]
    assert [raw for raw in RAW if raw in caplog.text] == []


def test_header_terms_from_the_vocabulary_or_the_header():
    rec = record("a.xlsx", ["name"])
    col = rec["personal"]["columns"][0]
    col.update(header="保護者氏名", evidence={"header_term": "氏名", "example": "** **"})
    assert guard_record(rec) == (rec, 0)
    col.update(header="連絡先", evidence={"header_term": "電話番号"})        # vocabulary term
    assert guard_record(rec)[1] == 0
    col.update(evidence={"header_term": NAME})
    assert guard_record(rec)[0]["personal"]["columns"][0]["evidence"] == {}


def all_text(url: str) -> str:
    """Every row of every table of the registry, as text."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return "\n".join(str(tuple(row)) for table in inspect(engine).get_table_names()
                             for row in conn.execute(text(f'SELECT * FROM "{table}"')))
    finally:
        engine.dispose()


def test_raw_values_posted_to_the_api_are_not_stored_or_logged(client, db, app, caplog):
    caplog.set_level(logging.DEBUG)
    token = make_token(db)
    response = post(client, token, [raw_record()], finish="partial")
    assert response.status_code == 200 and response.json["ingested"] == 1
    stored = all_text(str(db.get_bind().url.render_as_string(hide_password=False)))
    assert "福祉課/個人票.xlsx" in stored and "シート1（氏名）" in stored
    assert [raw for raw in RAW if raw in stored] == []
    assert [raw for raw in RAW if raw in caplog.text + response.get_data(as_text=True)] == []


def test_raw_values_through_cli_ingest_are_not_stored(db_url, tmp_path, monkeypatch, caplog):
    from click.testing import CliRunner

    from inventory.cli.main import main

    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("INVENTORY_DATABASE_URL", db_url)
    path = tmp_path / "scan.jsonl"
    path.write_text(json.dumps(raw_record(), ensure_ascii=False) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(path)])
    assert result.exit_code == 0, result.output
    stored = all_text(db_url)
    assert "個人票.xlsx" in stored
    assert [raw for raw in RAW if raw in stored + result.output + caplog.text] == []


@pytest.mark.corpus
def test_the_scanners_own_records_pass_unchanged(realworld):
    from scanners.scan import scan_roots

    records = list(scan_roots([str(realworld / "files")], workers=2))
    changed = [r["path"] for r in records if guard_record(r)[1]]
    assert len(records) > 100 and changed == []


def test_the_demo_shares_records_pass_unchanged(tmp_path):
    """The generated municipal share holds the scanner's script, link and app phrases that the
    real-world files lack (an upload script, a hidden roster sheet, Access links)."""
    from inventory.demo.share import write_share
    from scanners.scan import scan_roots

    write_share(tmp_path / "share")
    records = list(scan_roots([str(tmp_path / "share")], workers=0))
    changed = {r["path"]: [x["detail"] for x in r["risks"]] for r in records if guard_record(r)[1]}
    assert len(records) > 50 and changed == {}


def test_every_script_rule_of_the_catalogue_passes_as_the_scanner_words_it():
    """Each upload and credential rule's label, as the scanner writes it in a detail (labels
    may hold spaces: "curl によるアップロード"), with a service named and lines listed."""
    from scanners.shadow.catalogue import default_catalogue
    from scanners.shadow.scripts import _summary

    cat = default_catalogue()
    service = sorted(set(cat.services.values()))[0]
    details = [f"外部へのファイル送信（送信先 {service}）: {_summary({r.label: [3, 7]})}" for r in cat.upload_rules]
    details += [f"スクリプトに平文のパスワード: {_summary({r.label: list(range(1, 30))})}（値は記録していません）"
                for r in cat.credential_rules]
    details.append(f"外部へのファイル送信: {_summary({r.label: [1] for r in cat.upload_rules})}")
    rec = record("a.bat", risks=["external-upload-script"] * len(details))
    for item, detail in zip(rec["risks"], details):
        item["detail"] = detail
    guarded, masked = guard_record(rec)
    assert [x["detail"] for x in guarded["risks"] if MASK in x["detail"]] == [] and masked == 0
