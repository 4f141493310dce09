"""Migration 0009 on a registry made before it (SQLite): the suggestions a draft nobody has
started was prefilled with become pending suggestions (with their files), an item a person
edited stays an item, and duplicate item numbers are numbered apart before the unique
constraint is added."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from inventory.db import make_engine, upgrade


def test_untouched_scan_items_become_suggestions_and_numbers_are_made_unique(tmp_path):
    url = f"sqlite:///{tmp_path / 'r.db'}"
    upgrade(url, "0008")
    engine = make_engine(url)
    now = dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO department (id, code, name, valid_from) VALUES "
                          "(1, '301', '介護保険課', '2020-04-01'), (2, '302', '高齢福祉課', '2020-04-01')"))
        conn.execute(text(
            "INSERT INTO asset (id, root, path, path_key, name, folder, kind, status, notes, personal_present, "
            "categories, sensitive, my_number, records, is_app, modules, forms, reports, queries, macros, "
            "procedures, code_lines, formulas, external_links, connections, auto_exec, risk_count, "
            "department_id, department_manual, has_specification, has_manual) VALUES "
            "(1, '/s', '課/名簿.xlsx', 'k1', '名簿.xlsx', '課', 'xlsx', 'ok', '[]', 1, '[\"name\"]', 0, 0, 40, 0, "
            "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0)"))
        conn.execute(text("INSERT INTO declaration_campaign (id, fiscal_year, title, opens_on, due_on, reference_date, "
                          "publish_threshold, created_at) VALUES (1, 2026, '', '2026-05-01', '2026-06-30', "
                          "'2026-05-01', 1000, :now)"), {"now": now})
        for d_id, started in ((1, None), (2, now)):
            conn.execute(text("INSERT INTO declaration (id, campaign_id, department_id, status, version, history_no, "
                              "started_at, updated_at) VALUES (:id, 1, :id, 'draft', 1, 0, :started, :now)"),
                         {"id": d_id, "started": started, "now": now})
        item = ("INSERT INTO declaration_item (id, declaration_id, position, change, abolished, origin, file_name, "
                "business_name, organisation, purpose, record_categories, record_items_other, record_scope, "
                "collection_method, sensitive, regular_recipients, disclosure_office, special_procedures, "
                "file_type, subject_count, exemption, published, retention, contractor, location_note, remarks, "
                "version, updated_at) VALUES (:id, :d, :pos, 'new', 0, :origin, :name, '', '', '', '[\"name\"]', "
                "'', '', '', 0, '', '', '', 'electronic', 40, '', 0, '', '', '', '', :version, :now)")
        conn.execute(text(item), {"id": 1, "d": 1, "pos": 1, "origin": "scan", "name": "名簿", "version": 1, "now": now})
        conn.execute(text(item), {"id": 2, "d": 1, "pos": 1, "origin": "person", "name": "紙", "version": 1, "now": now})
        conn.execute(text(item), {"id": 3, "d": 2, "pos": 1, "origin": "scan", "name": "名簿", "version": 1, "now": now})
        conn.execute(text(item), {"id": 4, "d": 2, "pos": 1, "origin": "person", "name": "手書き", "version": 2, "now": now})
        conn.execute(text("INSERT INTO declaration_item_asset (item_id, asset_id) VALUES (1, 1), (3, 1)"))
    engine.dispose()
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        items = conn.execute(text("SELECT id, declaration_id, position FROM declaration_item ORDER BY id")).all()
        proposals = conn.execute(text("SELECT declaration_id, status, file_name, folder FROM declaration_proposal")).all()
        files = conn.execute(text("SELECT asset_id FROM declaration_proposal_asset")).scalars().all()
    engine.dispose()
    # declaration 1 (not started): its scan item is a suggestion now; declaration 2 was started: kept,
    # and its two items numbered 1 had their numbers made distinct
    assert items == [(2, 1, 1), (3, 2, 1), (4, 2, 2)]
    assert proposals == [(1, "pending", "名簿", "課")] and files == [1]
