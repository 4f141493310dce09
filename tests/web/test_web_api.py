"""The JSON API: bearer tokens, scan records posted in batches to one run, reading assets within scope."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select
from web_fixtures import RECORDS, REMOVED, ROOT, asset_id, login, record

from inventory.models import ApiToken, Asset, Finding, ScanRun, Share, as_utc, utcnow
from inventory.web import api
from inventory.web.admin.shares import new_token, token_digest

LIVE = [r for r in RECORDS if r["path"] != REMOVED]
A_PATHS = {r["path"] for r in RECORDS if r["path"].startswith("健康福祉部/介護保険課/")}
SENTINEL = "山田太郎"            # a "personal value" inside bad records: never echoed back


def make_token(db, share: bool = True, revoked: bool = False, name: str = "scanner") -> str:
    token = new_token()
    share_id = db.scalar(select(Share.id).where(Share.root == ROOT)) if share else None
    db.add(ApiToken(name=name, token_sha256=token_digest(token), share_id=share_id,
                    revoked_at=utcnow() if revoked else None))
    db.commit()
    return token


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def post(client, token, records=None, body=None, **params):
    """POST records (a JSON array) or a raw body to /api/scan-records with ``params``."""
    data = body if body is not None else json.dumps(records or [], ensure_ascii=False)
    return client.post("/api/scan-records", data=data, query_string=params,
                       headers=bearer(token) if token else {}, content_type="application/json")


def json_lines(records) -> str:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"


# ----- authentication -----
@pytest.mark.parametrize("headers, reason", [
    ({}, "bearer token required"),
    ({"Authorization": "Bearer not-a-token"}, "invalid or revoked token"),
    ({"Authorization": "Basic YWRtaW46eA=="}, "malformed authorization header"),
    ({"Authorization": "Bearer "}, "malformed authorization header"),
    ("revoked", "invalid or revoked token"),
])
def test_missing_bad_or_revoked_tokens_are_401(client, db, headers, reason):
    if headers == "revoked":
        headers = bearer(make_token(db, revoked=True))
    response = client.post("/api/scan-records", data="[]", headers=headers,
                           content_type="application/json")
    assert response.status_code == 401
    assert response.json == {"error": reason}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert db.scalar(select(ScanRun.id).where(ScanRun.source == "api")) is None


def test_a_signed_in_session_cannot_post_records(client, db):
    login(client, "admin")
    assert post(client, None, [record("x/新規.xlsx")]).status_code == 401


def test_a_valid_token_is_accepted_and_its_use_recorded(client, db):
    token = make_token(db)
    response = post(client, token, [record("新しいフォルダ/新規.xlsx")])
    assert response.status_code == 200
    db.expire_all()
    assert db.execute(select(ApiToken.last_used_at)).scalar_one() is not None


def test_an_expired_token_is_401_with_a_clear_reason(client, db):
    token = make_token(db)
    row = db.execute(select(ApiToken)).scalar_one()
    row.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.commit()
    response = post(client, token, [record("x/期限切れ.xlsx")])
    assert response.status_code == 401
    assert response.json["error"].startswith("token expired on ")
    assert "rotate" in response.json["error"]
    assert client.get("/api/assets", headers=bearer(token)).status_code == 401
    assert db.scalar(select(Asset.id).where(Asset.path == "x/期限切れ.xlsx")) is None


@pytest.mark.parametrize("ago, written", [(dt.timedelta(seconds=30), False),
                                          (dt.timedelta(minutes=2), True)])
def test_last_use_is_written_at_most_once_a_minute(client, db, ago, written):
    token = make_token(db)
    row = db.execute(select(ApiToken)).scalar_one()
    before = utcnow() - ago
    row.last_used_at = before
    db.commit()
    assert client.get("/api/assets", headers=bearer(token)).status_code == 200
    db.expire_all()
    after = as_utc(db.get(ApiToken, row.id).last_used_at)
    assert (after > before + dt.timedelta(seconds=1)) is written


# ----- posting a scan in batches -----
def test_batches_to_one_run_then_finish_complete(client, db):
    token = make_token(db)
    first = post(client, token, LIVE[:4], root=ROOT)
    assert first.status_code == 200
    run_id = first.json["run"]
    assert first.json["status"] == "running"
    assert (first.json["received"], first.json["ingested"], first.json["rejected"]) == (4, 4, [])
    second = client.post("/api/scan-records", data=json_lines(LIVE[4:6] + [record("新規/追加.xlsx")]),
                         query_string={"run": run_id}, headers=bearer(token),
                         content_type="application/x-ndjson")
    assert second.status_code == 200 and second.json["run"] == run_id
    assert second.json["ingested"] == 3
    last = post(client, token, [], run=run_id, finish="complete")
    assert last.json["status"] == "finished"
    assert last.json["totals"] == {"records": 7, "new": 1, "changed": 0, "moved": 0, "removed": 1,
                                   "unchanged": 6, "errors": 2, "rejected": 0}
    db.expire_all()
    run = db.get(ScanRun, run_id)
    assert (run.source, run.status, run.share_id) == ("api", "finished", db.scalar(select(Share.id)))
    statuses = dict(db.execute(select(Asset.path, Asset.status)).all())
    assert statuses[LIVE[6]["path"]] == "removed"          # not posted in a complete run
    assert statuses["新規/追加.xlsx"] == "ok"
    assert post(client, token, [record("遅れて/届いた.xlsx")], run=run_id).status_code == 409


def test_a_partial_finish_removes_nothing(client, db):
    token = make_token(db)
    response = post(client, token, LIVE[:2], finish="partial")
    assert response.json["status"] == "partial"
    assert response.json["totals"]["removed"] == 0
    live = db.scalars(select(Asset.path).where(Asset.status != "removed")).all()
    assert set(live) == {r["path"] for r in LIVE}


@pytest.mark.parametrize("bad, reason", [
    ({"root": ROOT, "kind": "xlsx", "status": "ok", "note": SENTINEL}, "missing or empty path"),
    ({"root": ROOT, "path": f"{SENTINEL}.xlsx", "kind": "xlsx", "status": "weird"}, "unknown status"),
    ({"root": ROOT, "path": "a.xlsx", "kind": "xlsx", "status": "ok", "sha256": SENTINEL},
     "sha256 is not a hex digest"),
    ({"root": ROOT, "path": "a.xlsx", "kind": "xlsx", "status": "ok", "personal": [SENTINEL]},
     "personal is not an object"),
    (SENTINEL, "record is not an object"),
    ([SENTINEL], "record is not an object"),
])
def test_rejected_records_are_reported_by_index_and_reason_only(client, db, bad, reason):
    token = make_token(db)
    response = post(client, token, [record("ok/一件目.xlsx"), bad, record("ok/三件目.xlsx")])
    assert response.status_code == 200
    assert response.json["ingested"] == 2
    assert response.json["rejected"] == [{"index": 1, "reason": reason}]
    assert response.json["totals"]["rejected"] == 1
    assert SENTINEL not in response.get_data(as_text=True)


def test_bad_json_lines_are_rejected_one_by_one(client, db):
    token = make_token(db)
    body = json_lines([record("ok/一.xlsx")]) + '{"root": "' + SENTINEL + '", broken\n' + \
        json_lines([record("ok/三.xlsx")])
    response = client.post("/api/scan-records", data=body.encode("utf-8"), headers=bearer(token),
                           content_type="application/x-ndjson")
    assert response.json["rejected"] == [{"index": 1, "reason": "not valid JSON"}]
    assert response.json["ingested"] == 2
    assert SENTINEL not in response.get_data(as_text=True)


@pytest.mark.parametrize("body, params, status, reason", [
    ('[{"root": "/x", ', {}, 400, "body is not valid JSON"),
    (b"\xff\xfe[]", {}, 400, "body is not UTF-8"),
    ("[]", {"finish": "done"}, 400, "finish must be complete or partial"),
    ("[]", {"run": "abc"}, 400, "run must be a run id"),
    ("[]", {"run": "999999"}, 404, "no run with this id was begun by this token"),
])
def test_bad_requests_get_json_errors(client, db, body, params, status, reason):
    response = post(client, make_token(db), body=body, **params)
    assert response.status_code == status
    assert response.json == {"error": reason}


def test_another_token_cannot_append_to_a_run(client, db):
    mine, theirs = make_token(db, name="mine"), make_token(db, name="theirs")
    run_id = post(client, mine, [record("x/一.xlsx")]).json["run"]
    response = post(client, theirs, [record("x/二.xlsx")], run=run_id)
    assert response.status_code == 404
    assert db.scalar(select(Asset.id).where(Asset.path == "x/二.xlsx")) is None


def test_a_share_token_cannot_post_under_another_share(client, db):
    db.add(Share(name="別庁舎", root="/mnt/second"))
    db.commit()
    token = make_token(db)
    elsewhere = dict(record("別/ファイル.xlsx"), root="/mnt/second")
    remote_mount = dict(record("遠隔/ファイル.xlsx"), root="/media/scanner/share")
    response = post(client, token, [elsewhere, remote_mount])
    assert response.json["rejected"] == [{"index": 0, "reason": "root belongs to another share"}]
    assert db.scalar(select(Asset.root).where(Asset.path == "遠隔/ファイル.xlsx")) == ROOT


# ----- a share-bound token stays in its share (two shares: ROOT is A, /mnt/second is B) -----
SECOND = "/mnt/second"
LIVE_IN_A = "健康福祉部/介護保険課/認定者一覧.xlsx"


def second_share_token(db) -> str:
    """A token bound to share B (a second share beside the seeded one)."""
    share = Share(name="別庁舎", root=SECOND)
    db.add(share)
    db.commit()
    token = new_token()
    db.add(ApiToken(name="B scanner", token_sha256=token_digest(token), share_id=share.id))
    db.commit()
    return token


def snapshot(db, path: str) -> tuple:
    """Where an asset of share A is and what it carries: share, root, department, findings."""
    db.expire_all()
    asset = db.execute(select(Asset).where(Asset.path == path)).scalar_one()
    findings = db.scalar(select(func.count()).select_from(Finding).where(Finding.asset_id == asset.id))
    return asset.id, asset.share_id, asset.root, asset.status, asset.department_id, findings


def test_a_share_token_cannot_name_another_shares_root(client, db):
    token = second_share_token(db)
    before = snapshot(db, LIVE_IN_A)
    runs = db.scalar(select(func.count()).select_from(ScanRun))
    same_content = dict(record("受け取り/コピー.xlsx"), root=SECOND,
                        sha256=record(LIVE_IN_A)["sha256"])
    response = post(client, token, [same_content], root=ROOT, finish="partial")
    assert response.status_code == 403
    assert response.json == {"error": "root belongs to another share than this token's"}
    assert snapshot(db, LIVE_IN_A) == before                     # share A's asset not taken
    assert db.scalar(select(func.count()).select_from(ScanRun)) == runs
    assert post(client, token, [], root=SECOND).status_code == 200         # its own root: fine
    assert post(client, token, [], root="/media/scanner/b").status_code == 200   # its own mount


@pytest.mark.parametrize("path", [REMOVED, LIVE_IN_A])
def test_a_share_tokens_records_are_never_moves_of_another_shares_assets(client, db, path):
    token = second_share_token(db)
    before = snapshot(db, path)
    assert before[4] is not None and before[5] > 0               # a department and findings
    same_content = dict(record("受け取り/同じ中身.xlsx"), root=SECOND, sha256=record(path)["sha256"])
    response = post(client, token, [same_content], finish="complete")
    assert response.status_code == 200
    assert (response.json["totals"]["moved"], response.json["totals"]["new"]) == (0, 1)
    assert snapshot(db, path) == before                          # still A's, as it was
    added = db.execute(select(Asset).where(Asset.path == "受け取り/同じ中身.xlsx")).scalar_one()
    assert (added.root, added.id) != (ROOT, before[0])


def test_a_move_within_the_tokens_own_share_is_still_a_move(client, db):
    token = make_token(db)                                       # bound to share A
    before = snapshot(db, REMOVED)
    moved = dict(record("総務部/職員課/移動先/古い名簿.xlsx"), sha256=record(REMOVED)["sha256"])
    response = post(client, token, [moved], finish="partial")
    assert response.json["totals"]["moved"] == 1
    db.expire_all()
    assert db.get(Asset, before[0]).path == "総務部/職員課/移動先/古い名簿.xlsx"


def test_bodies_over_the_limit_are_refused(client, db, monkeypatch):
    monkeypatch.setattr(api, "MAX_BODY", 200)
    token = make_token(db)
    response = post(client, token, [record("大きい/一.xlsx"), record("大きい/二.xlsx")])
    assert response.status_code == 413
    assert response.json == {"error": "body larger than 200 bytes"}
    assert db.scalar(select(Asset.id).where(Asset.path == "大きい/一.xlsx")) is None


# ----- reading assets -----
@pytest.mark.parametrize("username, expected", [
    ("clerk_a", A_PATHS),
    ("admin", {r["path"] for r in RECORDS}),
])
def test_list_assets_follows_the_session_users_scope(client, username, expected):
    login(client, username)
    response = client.get("/api/assets?limit=1000")
    assert response.status_code == 200
    assert {a["path"] for a in response.json["assets"]} == expected
    assert response.json["next_after"] is None


def test_list_assets_pages_by_id(client):
    login(client, "admin")
    seen, after = [], 0
    while after is not None:
        page = client.get(f"/api/assets?limit=3&after={after}").json
        assert len(page["assets"]) <= 3
        seen += [a["id"] for a in page["assets"]]
        after = page["next_after"]
    assert seen == sorted(seen) and len(seen) == len(RECORDS)


@pytest.mark.parametrize("query, expected", [
    ("category=health", {"健康福祉部/介護保険課/認定者一覧.xlsx"}),
    ("app=1", {"健康福祉部/介護保険課/台帳.xlsm"}),
    ("status=encrypted", {"総務部/職員課/給与.xlsx"}),
    ("personal=1&kind=xlsx", {"健康福祉部/介護保険課/認定者一覧.xlsx", "総務部/職員課/職員名簿.xlsx",
                              REMOVED}),
])
def test_list_assets_filters(client, query, expected):
    login(client, "privacy")
    assert {a["path"] for a in client.get(f"/api/assets?{query}").json["assets"]} == expected


@pytest.mark.parametrize("username, path, status", [
    ("clerk_a", "健康福祉部/介護保険課/認定者一覧.xlsx", 200),
    ("clerk_a", "総務部/職員課/職員名簿.xlsx", 404),          # another department's asset
    ("clerk_b", "未整理/メモ.txt", 404),                    # unassigned: city-wide roles only
    ("head_a", "健康福祉部/介護保険課/台帳.xlsm", 200),
    ("it", "未整理/メモ.txt", 200),
])
def test_get_asset_is_404_outside_the_users_scope(app, client, username, path, status):
    login(client, username)
    response = client.get(f"/api/assets/{asset_id(app, path)}")
    assert response.status_code == status
    if status == 200:
        assert response.json["path"] == path
    else:
        assert response.json == {"error": "not found"}


def test_get_asset_includes_findings(app, client):
    login(client, "clerk_a")
    found = client.get(f"/api/assets/{asset_id(app, '健康福祉部/介護保険課/認定者一覧.xlsx')}").json
    columns = {(f["kind"], f["category"]) for f in found["findings"] if f["kind"] == "column"}
    assert columns == {("column", "name"), ("column", "address"), ("column", "health")}
    assert {f["code"] for f in found["findings"] if f["kind"] == "risk"} == {"hidden-personal-data"}
    assert found["personal"]["sensitive"] is True


def test_reading_without_session_or_token_is_401(app, client):
    assert client.get("/api/assets").status_code == 401
    response = client.get(f"/api/assets/{asset_id(app, '未整理/メモ.txt')}")
    assert response.status_code == 401 and response.json == {"error": "sign in or send a bearer token"}


def test_a_share_token_reads_its_share_and_an_unbound_token_reads_nothing(app, client, db):
    bound, unbound = make_token(db, name="bound"), make_token(db, share=False, name="unbound")
    listed = client.get("/api/assets?limit=1000", headers=bearer(bound))
    assert {a["path"] for a in listed.json["assets"]} == {r["path"] for r in RECORDS}
    assert client.get("/api/assets", headers=bearer(unbound)).status_code == 403
    memo = asset_id(app, "未整理/メモ.txt")
    assert client.get(f"/api/assets/{memo}", headers=bearer(bound)).status_code == 200
    assert client.get(f"/api/assets/{memo}", headers=bearer(unbound)).status_code == 403
    db.add(Share(name="別庁舎", root="/mnt/second"))
    db.commit()
    other = make_token(db, name="other")
    db.execute(ApiToken.__table__.update().where(ApiToken.name == "other").values(
        share_id=db.scalar(select(Share.id).where(Share.name == "別庁舎"))))
    db.commit()
    assert client.get(f"/api/assets/{memo}", headers=bearer(other)).status_code == 404
    assert client.get("/api/assets", headers=bearer(other)).json["assets"] == []
