"""The file-level detector registry (scanners/detectors/registry.py), and one read per file.

Files are real (a CSV written here, a corpus workbook); opens are counted by a Python audit
hook on the real ``open`` (builtins.open, io.open, os.open all raise the ``open`` event).
"""
import dataclasses
import sys
from pathlib import Path

import pytest

from scanners import pipeline
from scanners.detectors.registry import DETECTORS, FileRead
from scanners.pipeline import inspect_file
from scanners.walk import walk_root
from scanners.record import empty_app

XLSM = Path("skyran1278+VbaProject/20170524_RCScan/RCScan.xlsm")

#: paths whose opens are counted (filled by a test, emptied after it)
WATCHED: dict[str, int] = {}


def _count_opens(event: str, args: tuple) -> None:
    if event == "open" and WATCHED and str(args[0]) in WATCHED:
        WATCHED[str(args[0])] += 1


sys.addaudithook(_count_opens)      # an audit hook cannot be removed: it counts only while WATCHED is set


def opens_while(path: str, work):
    """(how often ``path`` was opened while ``work()`` ran, what work returned)."""
    WATCHED[path] = 0
    try:
        result = work()
        return WATCHED[path], result
    finally:
        WATCHED.clear()


def candidate(path: Path):
    (cand,) = walk_root(str(path))
    return cand


class TableCounter:
    """A detector written as a new one would be: counts the tables of text files' documents."""

    what = "table counter"

    def applies(self, file: FileRead, rec: dict) -> bool:
        return file.document is not None and file.candidate.kind == "csv"

    def detect(self, file: FileRead, rec: dict) -> None:
        rec["tables_seen"] = len(file.document.tables)


def test_a_registered_detector_runs_on_the_files_it_applies_to(tmp_path, monkeypatch):
    (tmp_path / "名簿.csv").write_text("氏名,電話番号\n山田太郎,03-1234-5678\n", encoding="utf-8")
    (tmp_path / "run.bat").write_text("@echo off\r\n", encoding="utf-8")
    monkeypatch.setattr(pipeline, "DETECTORS", DETECTORS + (TableCounter(),))   # the one line
    records = {c.path: inspect_file(c) for c in walk_root(str(tmp_path))}
    assert records["名簿.csv"]["tables_seen"] == 1
    assert records["名簿.csv"]["personal"]["present"]            # the built-in detectors still ran
    assert "tables_seen" not in records["run.bat"]


def test_a_failing_detector_becomes_the_records_error_and_the_others_still_run(tmp_path, monkeypatch):
    class Broken(TableCounter):
        def detect(self, file, rec):
            raise ValueError("boom")

    (tmp_path / "名簿.csv").write_text("氏名,電話番号\n山田太郎,03-1234-5678\n", encoding="utf-8")
    monkeypatch.setattr(pipeline, "DETECTORS", (Broken(),) + DETECTORS)
    (rec,) = [inspect_file(c) for c in walk_root(str(tmp_path))]
    assert (rec["status"], rec["error"]) == ("error", "table counter failed: ValueError: boom")
    assert rec["personal"]["present"]


def test_every_detector_has_the_same_interface():
    assert len({type(d) for d in DETECTORS}) == len(DETECTORS)
    for detector in DETECTORS:
        assert isinstance(detector.what, str) and detector.what
        assert callable(detector.applies) and callable(detector.detect)


def test_an_xlsm_is_opened_once_to_hash_and_once_to_read(corpus):
    """Hashing also gives the first bytes that choose the reader; the reader's one open of the
    zip gives the data and everything the Excel app detector needs (it opened it again before)."""
    path = corpus / XLSM
    cand = candidate(path)
    opened, rec = opens_while(str(path), lambda: inspect_file(cand))
    assert rec["status"] == "ok" and rec["app"]["is_app"] and rec["app"]["vba"] == "parsed"
    assert opened == 2


def test_an_xlsm_whose_hash_is_known_is_opened_once_for_its_head_and_once_to_read(corpus):
    path = corpus / XLSM
    cand = dataclasses.replace(candidate(path), sha256="0" * 64)   # hashed before (scanners.state)
    opened, rec = opens_while(str(path), lambda: inspect_file(cand))
    assert rec["app"]["is_app"]
    assert opened == 2


@pytest.mark.parametrize("apps", [True, False])
def test_app_facts_from_the_document_match_a_fresh_read_of_the_file(corpus, apps):
    """The app block the pipeline builds from the document is what excel_app_facts gives when
    it opens the file itself (the function tests and benchmarks call)."""
    from scanners.apps.excel import excel_app_facts

    cand = candidate(corpus / XLSM)
    rec = inspect_file(cand, apps=apps)
    expected = excel_app_facts(cand.abspath, cand.kind).to_record() if apps else empty_app()
    assert rec["app"] == expected
