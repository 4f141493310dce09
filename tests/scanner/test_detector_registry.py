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


# ---------------------------------------------------------------- xls, encrypted, Access: one read too
# An OLE file (xls, an encrypted package) is read into memory once; the encryption check, the
# container check, calamine, xlrd, the decryption and app detection (oletools included) all
# work on those bytes.  Before, such a file was opened 6 to 12 times (calamine's own open by
# path not counted here, an audit hook sees Python's opens only: ``_open`` is watched for it).

def roster_xls(path: Path) -> Path:
    """A BIFF8 workbook (xlwt) with a roster sheet."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("名簿")
    for r, row in enumerate([["氏名", "電話番号"], ["山田太郎", "03-1234-5678"], ["佐藤花子", "06-2345-6789"]]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(str(path))
    return path


def encrypted_xlsx(path: Path, password: str) -> Path:
    """An xlsx (xlsxwriter) encrypted by msoffcrypto: an OLE file holding EncryptedPackage."""
    import io

    import xlsxwriter
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO()
    book = xlsxwriter.Workbook(plain, {"in_memory": True})
    book.add_worksheet("名簿").write_row(0, 0, ["氏名", "住所"])
    book.close()
    with path.open("wb") as out:
        OOXMLFile(io.BytesIO(plain.getvalue())).encrypt(password, out)
    return path


def calamine_paths(monkeypatch) -> list:
    """What calamine is asked to open; a path there is an open the audit hook cannot see."""
    from scanners.readers import calamine
    from work_counters import count_calls

    return count_calls(monkeypatch, calamine, "_open")


@pytest.mark.parametrize("name", ["名簿.xls", "名簿.xlsx"])      # BIFF8, also under an OOXML name
@pytest.mark.parametrize("known_hash", [False, True])
def test_an_xls_is_opened_once_to_hash_and_once_to_read(tmp_path, monkeypatch, name, known_hash):
    path = roster_xls(tmp_path / name)
    cand = candidate(path)
    if known_hash:
        cand = dataclasses.replace(cand, sha256="0" * 64)
    opened_by_calamine = calamine_paths(monkeypatch)
    opened, rec = opens_while(str(path), lambda: inspect_file(cand))
    assert rec["status"] == "ok" and rec["personal"]["present"]
    assert opened == 2
    assert not [args for args in opened_by_calamine if isinstance(args[0], str)]


@pytest.mark.parametrize("password, status, vba", [
    ("秘密のパスワード", "encrypted", "unparsable: encrypted"),
    ("VelvetSweatshop", "encrypted", "none"),      # Excel's default key: app facts from the decrypted zip
])
@pytest.mark.parametrize("kind", ["xlsx", "xlsm", "xlsb"])
def test_an_encrypted_package_is_opened_once_to_hash_and_once_to_read(tmp_path, kind, password, status, vba):
    path = encrypted_xlsx(tmp_path / f"secret.{kind}", password)
    cand = candidate(path)
    opened, rec = opens_while(str(path), lambda: inspect_file(cand))
    assert (rec["status"], rec["error"], rec["app"]["vba"]) == (status, "encrypted OOXML package", vba)
    assert opened == 2


@pytest.mark.parametrize("relative, status, facts", [
    # VBA in an xls: oletools reads the project from the bytes the reader holds
    ("apache+poi/test-data/spreadsheet/SimpleMacro.xls", "ok", {"is_app": True, "vba": "parsed"}),
    # Excel's default key: decrypted in memory by the reader, and again by app detection
    ("decalage2+oletools/tests/test-data/encrypted/autostart-encrypt-standardpassword.xls", "ok",
     {"is_app": True, "vba": "parsed"}),
    ("apache+poi/test-data/spreadsheet/password.xls", "encrypted", {"is_app": False}),
    ("apache+poi/test-data/spreadsheet/xor-encryption-abc.xls", "encrypted", {"is_app": False}),
    # a bare BIFF2 worksheet: xlrd parses the bytes read once (it opened the file twice)
    ("ExcelDataReader+ExcelDataReader/src/TestData/Test_git_issue_368_formats.xls", "ok", {"is_app": False}),
    # Access: page 0 comes from the hashing pass's first bytes, access-parser reads the file once
    ("jahlborn+jackcess/src/test/data/V1997/test2V1997.mdb", "ok", {"is_app": False}),
    ("hasegawa-shuji+minitool/連番情報追加ツール/SerialNumAdd.accdb", "ok", {"is_app": True, "vba": "parsed"}),
])
def test_xls_encrypted_and_access_files_are_opened_once_to_hash_and_once_to_read(
        corpus, monkeypatch, relative, status, facts):
    path = corpus / relative
    cand = candidate(path)
    opened_by_calamine = calamine_paths(monkeypatch)
    opened, rec = opens_while(str(path), lambda: inspect_file(cand))
    assert rec["status"] == status
    assert {key: rec["app"][key] for key in facts} == facts
    assert opened == 2
    assert not [args for args in opened_by_calamine if isinstance(args[0], str)]


def test_an_ole_file_too_large_to_hold_is_read_by_path(tmp_path, monkeypatch):
    """Above MAX_IN_MEMORY the reader keeps no bytes: each step opens the file, as before."""
    from scanners.readers import calamine

    path = roster_xls(tmp_path / "名簿.xls")
    monkeypatch.setattr(calamine, "MAX_IN_MEMORY", 1024)
    opened, by_path = opens_while(str(path), lambda: inspect_file(candidate(path)))
    monkeypatch.undo()
    rec = inspect_file(candidate(path))
    assert rec == by_path and rec["personal"]["present"]
    assert opened > 2
