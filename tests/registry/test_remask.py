"""Migration 0008: what a registry stored before it enforced masking is masked on upgrade,
and a decision made about a finding before the upgrade still holds at the next scan."""
from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session
from test_models import unmigrated_url  # noqa: F401  (fixture: an empty SQLite / PostgreSQL database)
from test_record_guard import EMAIL, NAME, PHONE, all_text
from web_fixtures import record

from inventory.db import make_engine, upgrade
from inventory.registry.ingest import begin_run, finish_run, ingest_records
from inventory.registry.rows import finding_rows

OLD_LINK = f"hyperlink to file \\\\fs01\\共有\\{NAME}_{PHONE}.pdf"
NEW_LINK = "hyperlink to file \\\\fs01\\…\\*.pdf"          # what today's scanner writes


def scanned(detail: str, sheet: str = "名簿") -> dict:
    rec = record("福祉課/個人票.xlsx", ["name"], ["external-link"])
    rec["risks"][0]["detail"] = detail
    rec["personal"]["columns"][0]["sheet"] = sheet
    return rec


def ingest(engine, rec: dict) -> None:
    with Session(engine) as session:
        run = begin_run(session, [rec["root"]])
        ingest_records(session, [rec], run)
        finish_run(session, run, complete=False)
        session.commit()


def store_as_before_0008(conn) -> None:
    """Write what an older registry kept: the raw link, a sheet named after a person, a raw
    example and note, and a dismissal of the raw link's finding under its old key."""
    old = finding_rows(scanned(OLD_LINK, sheet=NAME))
    conn.execute(text("UPDATE finding SET detail = :d, key = :k, dismissed = :t, dismissed_reason = 'リンク先は公開資料'"
                      " WHERE kind = 'risk'"), {"d": OLD_LINK, "k": old[1]["key"], "t": True})
    conn.execute(text("UPDATE finding SET sheet = :s, key = :k, evidence = :e WHERE kind = 'column'"),
                 {"s": NAME, "k": old[0]["key"], "e": f'{{"example": "{NAME}"}}'})
    conn.execute(text("UPDATE asset SET notes = :n"), {"n": f'["sheet {NAME}: row count estimated", "{EMAIL}"]'})


def test_upgrade_masks_stored_values_and_keeps_the_dismissal(unmigrated_url):  # noqa: F811
    url = unmigrated_url
    upgrade(url, "0007")
    engine = make_engine(url)
    try:
        ingest(engine, scanned(NEW_LINK))
        with engine.begin() as conn:
            store_as_before_0008(conn)
        assert NAME in all_text(url)
        upgrade(url, "0008")
        stored = all_text(url)
        assert [raw for raw in (NAME, PHONE, EMAIL) if raw in stored] == []
        assert "共有" not in stored and "シート1（氏名）" in stored
        ingest(engine, scanned(NEW_LINK))               # the next scan, by today's scanner
        with engine.connect() as conn:
            risks = conn.execute(text("SELECT detail, dismissed, active FROM finding WHERE kind = 'risk'")).all()
        assert [tuple(r) for r in risks] == [(NEW_LINK, True, True)]
    finally:
        engine.dispose()


def test_two_findings_that_now_say_the_same_stay_apart(unmigrated_url):  # noqa: F811
    url = unmigrated_url
    upgrade(url, "0007")
    engine = make_engine(url)
    try:
        rec = scanned(NEW_LINK)
        rec["risks"].append({"code": "external-link", "detail": "hyperlink to file \\\\fs01\\…\\*.xlsx"})
        ingest(engine, rec)
        with engine.begin() as conn:
            conn.execute(text("UPDATE finding SET detail = :d WHERE detail LIKE '%*.xlsx'"),
                         {"d": f"hyperlink to file \\\\fs01\\a\\{NAME}.pdf"})
        upgrade(url, "0008")
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT detail, key FROM finding WHERE kind = 'risk'")).all()
        assert [r.detail for r in rows] == [NEW_LINK, NEW_LINK] and rows[0].key != rows[1].key
        ingest(engine, scanned(NEW_LINK))               # the next scan reports the link once
        with engine.connect() as conn:
            assert conn.execute(text("SELECT detail FROM finding WHERE kind = 'risk'")).scalars().all() == [NEW_LINK]
    finally:
        engine.dispose()
