"""Tests for scanners.readers.access and its two routes: corpus databases, encryption, damaged files."""
from __future__ import annotations

import datetime as dt
import logging
import shutil
import struct
import time
from pathlib import Path

import pytest

from scanners.document import SAMPLE_ROWS, Document, EncryptedError, ReadError
from scanners.readers import access, access_via_mdbtools, access_via_parser
from scanners.readers.access import read_access, read_jet_header

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
ACCESS_SUFFIXES = (".mdb", ".accdb", ".accde", ".mde", ".accda")
HAVE_MDBTOOLS = shutil.which("mdb-tables") is not None
needs_mdbtools = pytest.mark.skipif(not HAVE_MDBTOOLS, reason="mdbtools not installed")


def corpus_file(relative: str) -> Path:
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip("corpus file missing")
    return path


def _corpus_databases():
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix.lower() in ACCESS_SUFFIXES)


@pytest.mark.corpus
@pytest.mark.parametrize("path", _corpus_databases(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_every_corpus_database_reads_or_fails_cleanly(path):
    started = time.perf_counter()
    try:
        document = read_access(str(path), "accdb" if "accd" in path.suffix.lower() else "mdb")
    except ReadError as exc:  # EncryptedError included
        assert str(exc) and len(str(exc)) < 60
    else:
        assert isinstance(document, Document)
        for table in document.tables:
            assert not table.name.startswith("MSys")
            assert len(table.rows) <= SAMPLE_ROWS
            assert table.header and len(table.column_types or table.header) == len(table.header)
            assert all(len(row) == len(table.header) for row in table.rows)
            assert table.total_rows is None or table.total_rows >= len(table.rows)
    assert time.perf_counter() - started < 20


# table names and row counts checked by hand with mdbtools (mdb-tables -1, mdb-count)
VERIFIED = [
    ("mdbtools+mdbtestdata/data/nwind.mdb", {
        "Order Details": 2155, "Orders": 830, "Products": 77, "Shippers": 3, "Categories": 8,
        "Customers": 91, "Employees": 9, "Suppliers": 29, "Umsätze": 830}),
    ("andipaetzold+mdb-reader/test/data/V2010/test.accdb",
     {"Table1": 2, "Table2": 0, "Table3": 0, "Table4": 0}),
    ("jahlborn+jackcess/src/test/data/V2019/extDateTestV2019.accdb", {"Table1": 9}),
    ("joyfullservice+msaccess-vcs-addin/Testing/Testing.accdb",
     {"tblHidden": 0, "tblInternal": 4, "tblSaveXML": 4, "USysApplicationLog": 0}),
    ("jahlborn+jackcess/src/test/data/V2007/linkerTestV2007.accdb", {"Table1": 1}),
    ("hasegawa-shuji+minitool/電子天秤/20221004_Lotty_test/現品票ラベルプログラム_テスト環境(4.0.0)test_Rev1 .accdb", {
        "T_PS_DB": 1, "稼働日付変更": 6, "現品票ラベル001": 1, "現品票ラベル0011": 1,
        "現品票ラベル0012": 1, "現品票ラベル002": 1, "初期設定DB": 1}),
]


@pytest.mark.corpus
@pytest.mark.parametrize("relative, expected", VERIFIED, ids=[v[0].split("/")[-1] for v in VERIFIED])
def test_verified_table_names_and_counts(relative, expected):
    document = read_access(str(corpus_file(relative)), "mdb")
    assert {t.name: t.total_rows for t in document.tables} == expected


@pytest.mark.corpus
@needs_mdbtools
@pytest.mark.parametrize("relative, expected", VERIFIED, ids=[v[0].split("/")[-1] for v in VERIFIED])
def test_mdbtools_path_gives_the_same_tables(monkeypatch, relative, expected):
    monkeypatch.setattr(access, "PARSER_PREFERRED_MAX_BYTES", 0)
    document = read_access(str(corpus_file(relative)), "mdb")
    assert {t.name: t.total_rows for t in document.tables} == expected


@pytest.mark.corpus
def test_nwind_customers_header_types_and_sample():
    document = read_access(str(corpus_file("mdbtools+mdbtestdata/data/nwind.mdb")), "mdb")
    customers = next(t for t in document.tables if t.name == "Customers")
    assert customers.header[:4] == ["CustomerID", "CompanyName", "ContactName", "ContactTitle"]
    assert set(customers.column_types) == {"text"}
    assert len(customers.rows) == 91
    orders = next(t for t in document.tables if t.name == "Orders")
    assert len(orders.rows) == SAMPLE_ROWS
    date_column = orders.header.index("OrderDate")
    assert orders.column_types[date_column] == "date"
    assert all(isinstance(r[date_column], dt.datetime) for r in orders.rows if r[date_column])


@pytest.mark.corpus
@pytest.mark.parametrize("relative, hidden_tables, linked_note", [
    ("joyfullservice+msaccess-vcs-addin/Testing/Testing.accdb", {"tblHidden"}, "linked tables (no local data): 2"),
    ("jahlborn+jackcess/src/test/data/V2007/linkerTestV2007.accdb", set(), "linked tables (no local data): 1"),
])
def test_hidden_and_linked_tables(relative, hidden_tables, linked_note):
    document = read_access(str(corpus_file(relative)), "accdb")
    assert {t.name for t in document.tables if t.hidden} == hidden_tables
    assert linked_note in document.notes


@pytest.mark.corpus
@pytest.mark.parametrize("relative, outcome", [
    ("jahlborn+jackcessencrypt/src/test/data/db2013-enc.accdb", EncryptedError),
    ("jahlborn+jackcessencrypt/src/test/data/db-enc.mdb", "encoded"),
    ("jahlborn+jackcessencrypt/src/test/data/db97-enc.mdb", "encoded"),
])
def test_encrypted_corpus_databases(relative, outcome):
    path = str(corpus_file(relative))
    if outcome is EncryptedError:
        with pytest.raises(EncryptedError, match="encrypted database"):
            read_access(path, "accdb")
    elif HAVE_MDBTOOLS:
        document = read_access(path, "mdb")  # RC4-encoded, no password: mdbtools reads it
        assert [t.name for t in document.tables] == ["Table1"]
        assert "database is RC4-encoded (no password)" in document.notes
    else:
        with pytest.raises(EncryptedError):
            read_access(path, "mdb")


def _rewrite_header(source: Path, target: Path, edit) -> str:
    """Copy a database, unscramble page 0's RC4 region, apply ``edit(page)``, scramble again."""
    data = bytearray(source.read_bytes())
    span = 126 if data[0x14] == 0 else 128
    data[0x18:0x18 + span] = access._rc4(access._HEADER_RC4_KEY, bytes(data[0x18:0x18 + span]))
    edit(data)
    data[0x18:0x18 + span] = access._rc4(access._HEADER_RC4_KEY, bytes(data[0x18:0x18 + span]))
    target.write_bytes(bytes(data))
    return str(target)


def _set_jet4_password(page: bytearray) -> None:
    mask = struct.pack("<i", int(struct.unpack_from("<d", page, 0x72)[0]))
    for i, char in enumerate(b"p\x00w\x00"):
        page[0x42 + i] = char ^ mask[i % 4]


def _set_database_key(page: bytearray) -> None:
    struct.pack_into("<I", page, 0x3E, 0x12345678)


@pytest.mark.corpus
@pytest.mark.parametrize("relative, edit, error, reason", [
    ("jahlborn+jackcess/src/test/resources/emptyJet4.mdb", _set_jet4_password, EncryptedError, "database password set"),
    ("jahlborn+jackcess/src/test/data/V1997/test2V1997.mdb",
     lambda p: p.__setitem__(slice(0x42, 0x45), b"pwd"), EncryptedError, "database password set"),
    ("andipaetzold+mdb-reader/test/data/V2010/empty.accdb", _set_database_key, EncryptedError, "encrypted database"),
    ("andipaetzold+mdb-reader/test/data/V2007/empty.accdb", _set_jet4_password, EncryptedError, "encrypted database"),
])
def test_password_and_encryption_detected(tmp_path, relative, edit, error, reason):
    path = _rewrite_header(corpus_file(relative), tmp_path / Path(relative).name, edit)
    with pytest.raises(error, match=reason):
        read_access(path, "mdb")


@pytest.mark.corpus
def test_unmodified_header_has_no_password():
    header = read_jet_header(str(corpus_file("jahlborn+jackcess/src/test/resources/emptyJet4.mdb")))
    assert (header.version, header.page_size, header.database_key, header.has_password) == (1, 4096, 0, False)


def _truncate(relative: str, pages: int, extra: int = 0):
    def make(tmp_path: Path) -> str:
        data = corpus_file(relative).read_bytes()
        size = 2048 if data[0x14] == 0 else 4096
        target = tmp_path / Path(relative).name
        target.write_bytes(data[: pages * size + extra])
        return str(target)
    return make


def _literal(name: str, data: bytes):
    def make(tmp_path: Path) -> str:
        target = tmp_path / name
        target.write_bytes(data)
        return str(target)
    return make


@pytest.mark.parametrize("make, reason", [
    (_literal("empty.mdb", b""), "empty file"),
    (_literal("zeros.accdb", bytes(65536)), "zero-filled file"),
    (_literal("junk.mdb", b"\x7fELF" + bytes(range(256)) * 64), "not an Access database"),
    (_literal("text.mdb", "氏名,住所\n山田,東京\n".encode("cp932") * 400), "not an Access database"),
    (_literal("tiny.mdb", b"\x00\x01\x00\x00Standard Jet DB\x00\x01"), "not an Access database"),
    (_truncate("mdbtools+mdbtestdata/data/nwind.mdb", 2), "truncated database"),
    (_truncate("mdbtools+mdbtestdata/data/nwind.mdb", 100, extra=17), "truncated database"),
    (_truncate("mdbtools+mdbtestdata/data/nwind.mdb", 64), "truncated|catalog|MSysObjects|no table readable"),
    (_truncate("Access-projects+Access-examples/Access_Example_VBA.accdb", 32),
     "truncated|catalog|MSysObjects|no table readable"),
    (_truncate("Access-projects+Access-examples/Access_Example_VBA.accdb", 8),
     "truncated|catalog|no table readable|mdb-"),
])
def test_damaged_files_raise_read_error(tmp_path, make, reason):
    with pytest.raises(ReadError, match=reason) as info:
        read_access(make(tmp_path), "mdb")
    assert not isinstance(info.value, EncryptedError)


@pytest.mark.corpus
def test_damaged_file_without_mdbtools_still_raises(tmp_path, monkeypatch):
    monkeypatch.setattr(access.shutil, "which", lambda name: None)
    path = _truncate("Access-projects+Access-examples/Access_Example_VBA.accdb", 32)(tmp_path)
    with pytest.raises(ReadError):
        read_access(path, "accdb")


@pytest.mark.corpus
def test_encoded_database_without_mdbtools_is_encrypted(monkeypatch):
    monkeypatch.setattr(access.shutil, "which", lambda name: None)
    with pytest.raises(EncryptedError, match="encoded database"):
        read_access(str(corpus_file("jahlborn+jackcessencrypt/src/test/data/db-enc.mdb")), "mdb")


@pytest.mark.corpus
def test_access_parser_logs_nothing(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    path = _truncate("mdbtools+mdbtestdata/data/nwind.mdb", 64)(tmp_path)
    with pytest.raises(ReadError):
        read_access(path, "mdb")
    read_access(str(corpus_file("solondon+MSAccess2010InsideOutSampleCode/Chapter5_DatabaseFiles/"
                                "Chapter5_MDB_Files_unzipped/Northwind.mdb")), "mdb")
    assert [r for r in caplog.records if r.name.startswith("access_parser")] == []


@pytest.mark.parametrize("ddl, expected", [
    (("CREATE TABLE [T]\n (\n\t[ID]\t\t\tLong Integer, \n\t[Name]\t\t\tText (50), \n"
      "\t[Born]\t\t\tDateTime, \n\t[N]\t\t\tNumeric (18, 2), \n\t[X]\t\t\tUnknown_0014\n);\n"),
     {"T": ["integer", "text", "date", "numeric", "date"]}),
    ("CREATE TABLE [氏名 一覧]\n (\n\t[氏名]\t\t\tText (255) NOT NULL,\n\t[備考]\t\t\tMemo/Hyperlink (255)\n);\n",
     {"氏名 一覧": ["text", "text"]}),
])
def test_schema_types(ddl, expected):
    assert access_via_mdbtools._schema_types(ddl) == expected


# --- objects and links from MSysObjects, VBA project from MSysAccessStorage -------------

def _counts(forms, reports, macros, modules, queries, tables, linked_tables, autoexec_macros) -> dict[str, int]:
    return {"forms": forms, "reports": reports, "macros": macros, "modules": modules, "queries": queries,
            "tables": tables, "linked_tables": linked_tables, "autoexec_macros": autoexec_macros}


# counts checked by hand with ``mdb-export -b strip FILE MSysObjects`` (objects named "~" are
# Access's own ~sq_ queries and ~TMPCLP leftovers and are not counted, see access_catalog)
VERIFIED_OBJECTS = [
    ("mdbtools+mdbtestdata/data/nwind.mdb",
     _counts(21, 13, 7, 3, 22, 9, 0, 0)),
    ("joyfullservice+msaccess-vcs-addin/Testing/Testing.accdb",
     _counts(1, 2, 1, 3, 1, 4, 2, 1)),
    ("jahlborn+jackcess/src/test/data/V2007/odbcLinkerTestV2007.accdb",
     _counts(0, 0, 0, 0, 0, 1, 1, 0)),
    ("solondon+MSAccess2010InsideOutSampleCode/Chapter12_DatabaseFiles/Chapter12_MDB_Files_unzipped/Sample_fe.mdb",
     _counts(30, 14, 6, 5, 19, 4, 10, 0)),
    ("jahlborn+jackcess/src/test/data/V1997/queryTestV1997.mdb",
     _counts(0, 0, 0, 0, 9, 3, 0, 0)),
    ("andipaetzold+mdb-reader/test/data/V2016/empty.accdb",
     _counts(0, 0, 0, 0, 0, 0, 0, 0)),
]


@pytest.mark.corpus
@pytest.mark.parametrize("route", ["access-parser", "mdbtools"])
@pytest.mark.parametrize("relative, expected", VERIFIED_OBJECTS, ids=[v[0].split("/")[-1] for v in VERIFIED_OBJECTS])
def test_objects_from_msysobjects(monkeypatch, route, relative, expected):
    if route == "mdbtools":
        if not HAVE_MDBTOOLS:
            pytest.skip("mdbtools not installed")
        monkeypatch.setattr(access, "PARSER_PREFERRED_MAX_BYTES", 0)
    document = read_access(str(corpus_file(relative)), "mdb")
    assert document.objects == expected
    assert len(document.links) == expected["linked_tables"]


@pytest.mark.corpus
@pytest.mark.parametrize("relative, names, databases", [
    ("jahlborn+jackcess/src/test/data/V2007/linkerTestV2007.accdb", ["Table2"], ["linkeeTest.accdb"]),
    ("joyfullservice+msaccess-vcs-addin/Testing/Testing.accdb", ["tblLinkedAccess", "tblLinkedCSV"],
     ["Testing.accdb", "Testing"]),
])
def test_links_carry_name_connect_and_database(relative, names, databases):
    document = read_access(str(corpus_file(relative)), "accdb")
    links = sorted(document.links, key=lambda link: link["name"])
    assert [link["name"] for link in links] == names
    assert [link["database"].replace("\\", "/").rstrip("/").split("/")[-1] for link in links] == databases
    assert all(set(link) == {"name", "connect", "database"} for link in links)


@pytest.mark.corpus
@pytest.mark.parametrize("relative, streams", [
    ("joyfullservice+msaccess-vcs-addin/Testing/Testing.accdb", 15),
    ("solondon+MSAccess2010InsideOutSampleCode/Chapter12_DatabaseFiles/Chapter12_MDB_Files_unzipped/Sample_fe.mdb", 66),
    ("mdbtools+mdbtestdata/data/nwind.mdb", None),        # Access 97: VBA lives in MSysModules2, not read
    ("andipaetzold+mdb-reader/test/data/V2010/test.accdb", None),   # no forms, reports or modules: not looked for
])
def test_vba_project_streams_same_on_both_routes(monkeypatch, relative, streams):
    path = str(corpus_file(relative))
    first = read_access(path, "accdb").vba_project
    assert (None if first is None else len(first)) == streams
    if first is not None:
        assert {"PROJECT", "VBA/dir"} <= first.keys()
    if HAVE_MDBTOOLS:
        monkeypatch.setattr(access, "PARSER_PREFERRED_MAX_BYTES", 0)
        assert read_access(path, "accdb").vba_project == first


@pytest.mark.corpus
def test_file_is_parsed_once_per_read(monkeypatch):
    opened = []
    real = access_via_parser._open_parser
    monkeypatch.setattr(access_via_parser, "_open_parser", lambda *a: opened.append(1) or real(*a))
    document = read_access(str(corpus_file("joyfullservice+msaccess-vcs-addin/Testing/Testing.accdb")), "accdb")
    assert opened == [1] and document.objects and document.vba_project


@pytest.mark.corpus
@needs_mdbtools
def test_unreadable_msysobjects_leaves_objects_none(monkeypatch):
    run = access_via_mdbtools._run_mdbtools

    def failing_catalog(args, header):
        if args[-1] in ("MSysObjects", "MSysAccessStorage"):
            raise ReadError("mdb-export failed")
        return run(args, header)

    monkeypatch.setattr(access, "PARSER_PREFERRED_MAX_BYTES", 0)
    monkeypatch.setattr(access_via_mdbtools, "_run_mdbtools", failing_catalog)
    document = read_access(str(corpus_file("mdbtools+mdbtestdata/data/nwind.mdb")), "mdb")
    assert document.objects is None and document.links == [] and document.vba_project is None
    assert len(document.tables) == 9 and "MSysObjects unreadable" in document.notes
