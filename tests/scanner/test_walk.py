import os
import unicodedata

import pytest

from scanners.walk import is_excluded, is_office_lock_file, is_snapshot_dir, kind_of, walk_root


@pytest.mark.parametrize("name, kind", [
    ("名簿.xlsx", "xlsx"), ("MACRO.XLSM", "xlsm"), ("古い台帳.xls", "xls"), ("tmpl.xlt", "xls"),
    ("a.xlsb", "xlsb"), ("b.ods", "ods"), ("export.CSV", "csv"), ("x.tsv", "tsv"), ("memo.txt", "txt"),
    ("db.mdb", "mdb"), ("app.accdb", "accdb"), ("app.accde", "accdb"), ("report.pdf", None),
    ("noext", None), (".xlsx", "xlsx"),
])
def test_kind_of(name, kind):
    assert kind_of(name) == kind


@pytest.mark.parametrize("fn, arg, expected", [
    (is_office_lock_file, "~$名簿.xlsx", True),
    (is_office_lock_file, "名簿.xlsx", False),
    (is_snapshot_dir, ".snapshot", True),
    (is_snapshot_dir, "System Volume Information", True),
    (is_snapshot_dir, "選挙", False),
])
def test_skip_rules(fn, arg, expected):
    assert fn(arg) is expected


def test_is_excluded_matches_path_or_name():
    assert is_excluded("a/b/old.csv", ["a/b/*"])
    assert is_excluded("a/b/old.csv", ["old.*"])
    assert not is_excluded("a/b/old.csv", ["c/*"])


def test_walk_relative_nfc_paths_and_skips(tmp_path):
    nfd = unicodedata.normalize("NFD", "ガイド")
    (tmp_path / "北区" / nfd).mkdir(parents=True)
    (tmp_path / "北区" / nfd / "名簿.xlsx").write_bytes(b"x")
    (tmp_path / "北区" / "~$名簿.xlsx").write_bytes(b"x")
    (tmp_path / "北区" / "readme.pdf").write_bytes(b"x")
    (tmp_path / ".snapshot").mkdir()
    (tmp_path / ".snapshot" / "copy.csv").write_text("a")
    (tmp_path / "z.csv").write_text("a,b\n")
    os.symlink(tmp_path, tmp_path / "loop")            # must not be followed
    found = list(walk_root(str(tmp_path)))
    assert [c.path for c in found] == ["z.csv", "北区/ガイド/名簿.xlsx"]
    assert all(c.root == str(tmp_path) for c in found)
    assert found[1].kind == "xlsx" and found[1].size == 1


def test_walk_single_file_root(tmp_path):
    f = tmp_path / "one.csv"
    f.write_text("a\n")
    [cand] = walk_root(str(f))
    assert cand.path == "one.csv" and cand.kind == "csv"


def test_walk_reports_unlistable_folder(tmp_path):
    (tmp_path / "locked").mkdir()
    (tmp_path / "ok.csv").write_text("a\n")
    errors = []
    os.chmod(tmp_path / "locked", 0)
    try:
        found = [c.path for c in walk_root(str(tmp_path), on_error=lambda w, e: errors.append(w))]
    finally:
        os.chmod(tmp_path / "locked", 0o755)
    assert found == ["ok.csv"]
    if os.geteuid() != 0:          # root can list anything
        assert errors == ["locked"]


def _bytes_name(folder, raw: bytes) -> str:
    """A file or folder named by raw bytes (as a share mounted without iocharset shows them)."""
    return os.path.join(os.fsencode(str(folder)), raw).decode("utf-8", "surrogateescape")


def test_names_that_are_not_utf8_are_shown_decoded(tmp_path):
    """cp932 names (a Windows server mounted without iocharset) are shown as Japanese text, the
    file is still opened by its real name; bytes that are not cp932 either become \\xNN."""
    from scanners.walk import shown_name

    folder = _bytes_name(tmp_path, "福祉課".encode("cp932"))
    os.mkdir(folder)
    with open(_bytes_name(folder, "名簿.csv".encode("cp932")), "wb") as fh:
        fh.write(b"a\n")
    with open(_bytes_name(tmp_path, b"caf\xe9.csv"), "wb") as fh:       # Latin-1
        fh.write(b"b\n")
    (tmp_path / "普通.csv").write_bytes(b"c\n")
    cands = {c.path: c for c in walk_root(str(tmp_path))}
    assert set(cands) == {"福祉課/名簿.csv", "caf\\xe9.csv", "普通.csv"}
    assert cands["福祉課/名簿.csv"].name_encoding == "cp932"
    assert cands["caf\\xe9.csv"].name_encoding == "escaped"
    assert cands["普通.csv"].name_encoding is None
    with open(cands["福祉課/名簿.csv"].abspath, "rb") as fh:
        assert fh.read() == b"a\n"
    for cand in cands.values():
        cand.path.encode("utf-8")                       # every shown path is valid UTF-8
    assert shown_name("名簿.csv") == ("名簿.csv", None)
    assert shown_name(os.fsdecode(b"\xff\xfe.csv")) == ("\\xff\\xfe.csv", "escaped")
