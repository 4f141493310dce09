"""A re-scan takes the record of known bytes for a copied, moved or renamed file (scanners.state.Contents)
instead of reading it, and its records stay those of a fresh scan."""
from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest

from scanners import pipeline as inspect_module
from scanners.pipeline import inspect_file
from scanners.scan import scan_roots
from scanners.state import Contents, ScanState, profile_of
from scanners.walk import walk_root

from test_incremental import lines, scan_with_state, share  # noqa: F401  (the share fixture)

ROOMS = "会議室,定員\n第1会議室,12\n第2会議室,8\n大会議室,40\n"


def counts(state: ScanState) -> tuple[int, int, int, int]:
    c = state.counts
    return c.reused, c.same_content, c.elsewhere, c.read


@pytest.mark.parametrize("workers", [0, 2])
def test_copies_and_moves_take_the_record_of_their_bytes(share, tmp_path, workers):  # noqa: F811
    (share / "総務課").mkdir()
    (share / "総務課" / "会議室.csv").write_text(ROOMS, encoding="utf-8")
    scan_with_state(share, tmp_path / "s.db", workers)
    (share / "移動先").mkdir()
    shutil.move(share / "介護保険課" / "台帳.xlsx", share / "移動先" / "台帳.xlsx")           # moved
    shutil.copy(share / "移動先" / "台帳.xlsx", share / "移動先" / "台帳 - コピー.xlsx")      # copied
    (share / "アーカイブ").mkdir()
    shutil.move(share / "介護保険課" / "認定者.csv", share / "アーカイブ" / "認定者.csv")     # same name
    shutil.copy(share / "総務課" / "会議室.csv", share / "総務課" / "会議室_旧.csv")         # no columns named
    shutil.copy(share / "市民課" / "名簿.csv", share / "市民課" / "名簿2.csv")             # names its table
    shutil.copy(share / "ツール" / "TeamViewer_Setup.exe", share / "ツール" / "tv.exe")   # judged by name
    shutil.copy(share / "移動先" / "台帳.xlsx", share / "個人" / "Dropbox" / "台帳.xlsx")   # another profile

    again, state = scan_with_state(share, tmp_path / "s.db", workers)

    assert again == lines(scan_roots([str(share)], workers=workers))
    unchanged = 10 - 2                       # two of the first scan's files moved away
    assert counts(state) == (unchanged + 1, 0, 4, 3)
    records = {json.loads(line)["path"]: json.loads(line) for line in again}
    assert records["市民課/名簿2.csv"]["personal"]["columns"][0]["sheet"] == "名簿2"
    assert any(r["code"] == "cloud-sync-folder" for r in records["個人/Dropbox/台帳.xlsx"]["risks"])

    third, state = scan_with_state(share, tmp_path / "s.db", workers)     # the copies are cached as theirs
    assert third == again and counts(state) == (len(again), 0, 0, 0)


def test_a_full_scan_reads_every_copy(share, tmp_path):  # noqa: F811
    scan_with_state(share, tmp_path / "s.db")
    shutil.copy(share / "介護保険課" / "台帳.xlsx", share / "台帳のコピー.xlsx")
    full, state = scan_with_state(share, tmp_path / "s.db", full=True)
    assert full == lines(scan_roots([str(share)], workers=2))
    assert counts(state) == (0, 0, 0, 11)


def test_a_copy_in_a_personal_data_only_scan_takes_no_record_made_with_apps(share, tmp_path):  # noqa: F811
    scan_with_state(share, tmp_path / "s.db")
    shutil.copy(share / "介護保険課" / "台帳.xlsx", share / "台帳のコピー.xlsx")
    personal_only, state = scan_with_state(share, tmp_path / "s.db", apps=False)
    assert personal_only == lines(scan_roots([str(share)], workers=2, apps=False))
    assert state.counts.elsewhere == 0


def test_the_name_encoding_is_part_of_the_profile(share):  # noqa: F811
    cand = next(walk_root(str(share / "市民課" / "名簿.csv")))
    assert profile_of(cand, True) != profile_of(replace(cand, name_encoding="cp932"), True)


def test_a_cache_that_cannot_be_read_answers_nothing(share, tmp_path):  # noqa: F811
    cand = next(walk_root(str(share / "介護保険課" / "台帳.xlsx")))
    assert Contents(tmp_path / "absent.db").find("0" * 64, profile_of(cand, True), cand) is None
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database" * 100)
    assert Contents(garbage).find("0" * 64, profile_of(cand, True), cand) is None


def test_a_file_hashed_before_it_is_read_is_not_hashed_again(share, monkeypatch):  # noqa: F811
    cand = next(walk_root(str(share / "介護保険課" / "台帳.xlsx")))
    digest = inspect_module.sha256_of(cand.abspath)

    def no_second_hash(path):
        raise AssertionError("hashed twice")

    monkeypatch.setattr(inspect_module, "sha256_of", no_second_hash)
    record = inspect_file(replace(cand, sha256=digest))
    assert record["sha256"] == digest and record["personal"]["present"]
