"""Tests for scanners.apps.access: Access app facts from the reader's Document (objects, links, VBA)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scanners.apps import access as app_access
from scanners.apps.access import (
    OBJECTS_NOT_READ,
    VBA_NOT_READ,
    access_app_facts,
    file_name,
    has_password,
    link_kind,
    link_risks,
    redacted_connect,
    summarise_access_vba,
)
from scanners.document import Document, EncryptedError
from scanners.readers import access as reader
from scanners.readers.access import read_access
from scanners.readers.access_catalog import catalog_facts, vba_project_streams

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
ACCESS_SUFFIXES = (".mdb", ".accdb", ".accde", ".mde", ".accda")
HAVE_MDBTOOLS = shutil.which("mdb-tables") is not None


def corpus_file(relative: str) -> Path:
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip("corpus file missing")
    return path


def facts_of(relative: str):
    return access_app_facts(read_access(str(corpus_file(relative)), "accdb"))


# Every Access database of the corpus, checked by hand with mdbtools
# (``mdb-export -b strip FILE MSysObjects``, cross-checked with ``mdb-queries -1``):
# file -> (is_app, forms, reports, macros, modules, queries, linked tables).
# Names starting with "~" are not counted (Access's own ~sq_ record/row-source
# queries and ~TMPCLP leftovers: odbcLinkerTestV2007 holds a ~TMPCLPMacro and
# 56 ~sq_c queries and is no app).  None: the file cannot be read (encrypted).
VERIFIED_APPS = [
    ('Access-projects+Access-examples/Access_Example_VBA.accdb', (True, 13, 8, 3, 12, 16, 0)),
    ('Benson-Kim+transport-erp-ms-access/test_transport_erp_be.accdb', (True, 1, 0, 0, 2, 0, 0)),
    ('ParfaitG+MSACCESS_TOOLKIT/DEMO/olAutomatedEmail/olAutomatedEmail.accdb', (True, 1, 0, 0, 0, 1, 0)),
    ('ParfaitG+MSACCESS_TOOLKIT/DEMO/pdfImportExport/ClientManagementDB.accdb', (True, 3, 0, 0, 0, 0, 0)),
    ('andipaetzold+mdb-reader/test/creation-date/data/V1997.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('andipaetzold+mdb-reader/test/data/V2000/empty.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('andipaetzold+mdb-reader/test/data/V2000/numeric.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('andipaetzold+mdb-reader/test/data/V2000/test.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('andipaetzold+mdb-reader/test/data/V2003/empty.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('andipaetzold+mdb-reader/test/data/V2003/numeric.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('andipaetzold+mdb-reader/test/data/V2003/test.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('andipaetzold+mdb-reader/test/data/V2007/empty.accdb', (False, 0, 0, 0, 0, 0, 0)),
    ('andipaetzold+mdb-reader/test/data/V2007/numeric.accdb', (False, 0, 0, 0, 0, 0, 0)),
    ('andipaetzold+mdb-reader/test/data/V2007/test.accdb', (False, 0, 0, 0, 0, 0, 0)),
    ('andipaetzold+mdb-reader/test/data/V2010/empty.accdb', (False, 0, 0, 0, 0, 0, 0)),
    ('andipaetzold+mdb-reader/test/data/V2010/numeric.accdb', (False, 0, 0, 0, 0, 0, 0)),
    ('andipaetzold+mdb-reader/test/data/V2010/test.accdb', (False, 0, 0, 0, 0, 0, 0)),
    ('andipaetzold+mdb-reader/test/data/V2016/empty.accdb', (False, 0, 0, 0, 0, 0, 0)),
    ('andipaetzold+mdb-reader/test/data/V2016/longtext.accdb', (False, 0, 0, 0, 0, 0, 0)),
    ('andipaetzold+mdb-reader/test/data/V2016/withinsertedcol.accdb', (False, 0, 0, 0, 0, 0, 0)),
    ('apache+poi/test-data/spreadsheet/bug_42794.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('dede-20191130+My_VBA_Tools/Public/2020/11/Access-Control-WithEvents/Access-Control-WithEvents.accdb', (True, 1, 0, 0, 2, 0, 0)),
    ('dede-20191130+My_VBA_Tools/Public/2020/11/Access-Control-WithEvents/en/Access-Control-WithEvents.accdb', (True, 1, 0, 0, 2, 0, 0)),
    ('dede-20191130+My_VBA_Tools/Public/2020/11/Delete-Record-Button/Delete-Record-Button.accdb', (True, 2, 0, 0, 2, 0, 0)),
    ('dede-20191130+My_VBA_Tools/Public/2020/11/Delete-Record-Button/en/Delete-Record-Button.accdb', (True, 2, 0, 0, 2, 0, 0)),
    ('dede-20191130+My_VBA_Tools/Public/2020/11/Excel-Class/en/Excel-Class.accdb', (True, 1, 0, 0, 4, 0, 0)),
    ('dede-20191130+My_VBA_Tools/Public/2021/09/access-change-control-test/access-change-control-test.accdb', (True, 1, 0, 0, 2, 0, 0)),
    ('dede-20191130+My_VBA_Tools/Public/2022/01/import-calc-error-value/数式エラーのある表の取り込み.accdb', (True, 0, 0, 0, 1, 0, 0)),
    ('dede-20191130+My_VBA_Tools/T0001_02_見積書作成ツール_02/old/DB/見積関連データ.accdb', (False, 0, 0, 0, 0, 0, 0)),
    ('dede-20191130+My_VBA_Tools/T0002_Accessテーブル定義エクスポートツール/T0002_Accessテーブル定義エクスポートツール.accdb', (True, 2, 0, 0, 6, 0, 0)),
    ('dede-20191130+My_VBA_Tools/T0002_Accessテーブル定義エクスポートツール/en/T0002_Access_Table_Definition_Export.accdb', (True, 2, 0, 0, 5, 0, 0)),
    ('hasegawa-shuji+minitool/勤怠データ比較ツール/勤怠比較_ver1_0.accdb', (True, 1, 0, 0, 2, 4, 0)),
    ('hasegawa-shuji+minitool/勤怠データ比較ツール/勤怠比較_ver3_2.accdb', (True, 1, 0, 0, 3, 8, 0)),
    ('hasegawa-shuji+minitool/連番情報追加ツール/SerialNumAdd.accdb', (True, 1, 0, 0, 1, 7, 0)),
    ('hasegawa-shuji+minitool/電子天秤/20221004_Lotty_test/現品票ラベルプログラム_テスト環境(4.0.0)test_Rev1 .accdb', (True, 10, 3, 0, 11, 1, 0)),
    ('hasegawa-shuji+minitool/電子天秤/VirtualSerialPort _REV04.accdb', (True, 1, 0, 0, 2, 0, 0)),
    ('hasegawa-shuji+minitool/電子天秤/VirtualSerialPort.accdb', (True, 1, 0, 0, 4, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V1997/compIndexTestV1997.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V1997/delColTestV1997.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V1997/delTestV1997.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V1997/indexTestV1997.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V1997/overflowTestV1997.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V1997/queryTestV1997.mdb', (False, 0, 0, 0, 0, 9, 0)),
    ('jahlborn+jackcess/src/test/data/V1997/test2V1997.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V2000/bigIndexTestV2000.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V2000/compIndexTestV2000.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V2000/delColTestV2000.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V2000/delTestV2000.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V2000/fixedTextTestV2000.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V2000/indexCursorTestV2000.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V2000/overflowTestV2000.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V2000/queryTestV2000.mdb', (False, 0, 0, 0, 0, 9, 0)),
    ('jahlborn+jackcess/src/test/data/V2003/bigIndexTestV2003.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V2003/delColTestV2003.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V2003/testPromotionV2003.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V2007/delColTestV2007.accdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V2007/linkerTestV2007.accdb', (False, 0, 0, 0, 0, 0, 1)),
    ('jahlborn+jackcess/src/test/data/V2007/odbcLinkerTestV2007.accdb', (False, 0, 0, 0, 0, 0, 1)),
    ('jahlborn+jackcess/src/test/data/V2007/overflowTestV2007.accdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V2007/testPromotionV2007.accdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V2010/bigIndexTestV2010.accdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V2010/overflowTestV2010.accdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V2010/testPromotionV2010.accdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/V2019/extDateTestV2019.accdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/data/adox_jet4.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcess/src/test/resources/emptyJet4.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcessencrypt/src/test/data/db-enc.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jahlborn+jackcessencrypt/src/test/data/db2013-enc.accdb', None),
    ('jahlborn+jackcessencrypt/src/test/data/db97-enc.mdb', (False, 0, 0, 0, 0, 0, 0)),
    ('jeyanagarcia+Employee-Payroll-System-using-MS-Access/database.accdb', (False, 0, 0, 0, 0, 1, 0)),
    ('jeyanagarcia+Employee-Payroll-System-using-MS-Access/database1.accdb', (False, 0, 0, 0, 0, 1, 0)),
    ('joyfullservice+msaccess-vcs-addin/Testing/Testing.accdb', (True, 1, 2, 1, 3, 1, 2)),
    ('joyfullservice+msaccess-vcs-addin/Testing/WithErrors/Testing.accdb', (True, 0, 0, 1, 3, 1, 0)),
    ('joyfullservice+msaccess-vcs-addin/Version Control.accda', (True, 2, 0, 1, 38, 1, 0)),
    ('mdbtools+mdbtestdata/data/nwind.mdb', (True, 21, 13, 7, 3, 22, 0)),
    ('solondon+MSAccess2010InsideOutSampleCode/Chapter12_DatabaseFiles/Chapter12_MDB_Files_unzipped/Sample_fe.mdb', (True, 30, 14, 6, 5, 19, 10)),
    ('solondon+MSAccess2010InsideOutSampleCode/Chapter5_DatabaseFiles/Chapter5_MDB_Files_unzipped/Northwind.mdb', (True, 31, 14, 6, 2, 22, 0)),
]


def _corpus_databases():
    if not CORPUS.is_dir():
        return []
    return sorted(str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*")
                  if p.is_file() and p.suffix.lower() in ACCESS_SUFFIXES)


@pytest.mark.corpus
def test_verified_table_covers_every_corpus_database():
    assert sorted(r for r, _ in VERIFIED_APPS) == _corpus_databases()


@pytest.mark.corpus
@pytest.mark.parametrize("relative, expected", VERIFIED_APPS, ids=[r.split("/")[-1] for r, _ in VERIFIED_APPS])
def test_verified_app_facts(relative, expected):
    path = str(corpus_file(relative))
    if expected is None:
        with pytest.raises(EncryptedError):
            read_access(path, "accdb")
        return
    facts = access_app_facts(read_access(path, "accdb"))
    linked = facts.connections + facts.external_links
    assert (facts.is_app, facts.forms, facts.reports, facts.macros, facts.modules, facts.queries,
            linked) == expected
    assert facts.kind == ("access" if facts.is_app else None)
    assert (facts.complexity is not None) == facts.is_app


# code lines and procedures as oletools decompresses them from MSysAccessStorage (Access 2007+);
# Jet3 and most Jet4 files keep VBA elsewhere and say so
VERIFIED_VBA = [
    ("joyfullservice+msaccess-vcs-addin/Testing/Testing.accdb", "parsed", 244, 16, True),
    ("joyfullservice+msaccess-vcs-addin/Testing/WithErrors/Testing.accdb", "parsed", 124, 11, True),
    ("joyfullservice+msaccess-vcs-addin/Version Control.accda", "parsed", 6672, 716, True),
    ("hasegawa-shuji+minitool/連番情報追加ツール/SerialNumAdd.accdb", "parsed", 77, 3, False),
    ("dede-20191130+My_VBA_Tools/Public/2022/01/import-calc-error-value/数式エラーのある表の取り込み.accdb",
     "parsed", 176, 5, False),
    ("solondon+MSAccess2010InsideOutSampleCode/Chapter12_DatabaseFiles/Chapter12_MDB_Files_unzipped/Sample_fe.mdb",
     "parsed", 1236, 80, False),
    ("mdbtools+mdbtestdata/data/nwind.mdb", VBA_NOT_READ, 0, 0, False),
    ("solondon+MSAccess2010InsideOutSampleCode/Chapter5_DatabaseFiles/Chapter5_MDB_Files_unzipped/Northwind.mdb",
     VBA_NOT_READ, 0, 0, False),
    ("jahlborn+jackcess/src/test/data/V2000/queryTestV2000.mdb", "none", 0, 0, False),
    ("jeyanagarcia+Employee-Payroll-System-using-MS-Access/database.accdb", "none", 0, 0, False),
]


@pytest.mark.corpus
@pytest.mark.parametrize("relative, vba, lines, procedures, auto_exec", VERIFIED_VBA,
                         ids=[v[0].split("/")[-1] for v in VERIFIED_VBA])
def test_vba_lines_procedures_and_autoexec(relative, vba, lines, procedures, auto_exec):
    facts = facts_of(relative)
    assert (facts.vba, facts.code_lines, facts.procedures, facts.auto_exec) == (vba, lines, procedures, auto_exec)
    assert any(r["code"] == "autoexec-macro" for r in facts.risks) == auto_exec


@pytest.mark.corpus
@pytest.mark.parametrize("relative, expected", [
    ("jahlborn+jackcess/src/test/data/V2007/linkerTestV2007.accdb",
     [{"code": "external-data-connection", "detail": "linked table in another Access file: Z:\\…\\*.accdb"}]),
    ("solondon+MSAccess2010InsideOutSampleCode/Chapter12_DatabaseFiles/Chapter12_MDB_Files_unzipped/Sample_fe.mdb",
     [{"code": "external-data-connection", "detail": "linked table in another Access file: C:\\…\\*.mdb (7x)"},
      {"code": "external-data-connection", "detail": "linked table to text file in folder: C:\\…\\* (2x)"},
      {"code": "external-data-connection", "detail": "linked table to Excel workbook: C:\\…\\*.xls"}]),
    ("joyfullservice+msaccess-vcs-addin/Testing/Testing.accdb",
     [{"code": "external-data-connection", "detail": "linked table in another Access file: C:\\…\\*.accdb"},
      {"code": "external-data-connection", "detail": "linked table to text file in folder: C:\\…\\*"}]),
])
def test_linked_table_risks(relative, expected):
    facts = facts_of(relative)
    assert [r for r in facts.risks if r["detail"].startswith("linked table")] == expected


@pytest.mark.corpus
def test_odbc_link_with_password_is_reported_redacted():
    document = read_access(str(corpus_file("jahlborn+jackcess/src/test/data/V2007/odbcLinkerTestV2007.accdb")),
                           "accdb")
    facts = access_app_facts(document)
    assert (facts.is_app, facts.connections, facts.external_links) == (False, 1, 0)
    credentials = [r for r in facts.risks if r["code"] == "credentials-in-file"]
    assert credentials == [{"code": "credentials-in-file", "detail": "linked table Ordrar: connect string holds a "
                            "password (ODBC source: DSN=***;DESCRIPTION=***;UID=***;PWD=***;APP=***;DATABASE=***)"}]
    assert {"code": "external-data-connection", "detail": "linked table to ODBC source"} in facts.risks
    # no value of the Connect string reaches a risk
    values = [v.split("=", 1)[1] for v in document.links[0]["connect"].split(";") if "=" in v]
    assert values and all(v not in r["detail"] for v in values if len(v) > 2 for r in facts.risks)


@pytest.mark.corpus
def test_vba_risks_drop_excel_autoexec_but_keep_credentials():
    facts = facts_of("hasegawa-shuji+minitool/電子天秤/20221004_Lotty_test/"
                     "現品票ラベルプログラム_テスト環境(4.0.0)test_Rev1 .accdb")
    codes = [r["code"] for r in facts.risks]
    assert "credentials-in-file" in codes and "autoexec-macro" not in codes
    assert facts.complexity == "High"


# ---------------------------------------------------------------- synthetic documents

def _objects(**counts) -> dict[str, int]:
    base = dict.fromkeys(("forms", "reports", "macros", "modules", "queries", "tables", "linked_tables",
                          "autoexec_macros"), 0)
    base.update(counts)
    return base


@pytest.mark.parametrize("objects, is_app, kind, vba", [
    (_objects(tables=3), False, None, "none"),
    (_objects(tables=3, queries=40), False, None, "none"),          # saved queries alone: a data file
    (_objects(forms=1), True, "access", VBA_NOT_READ),               # VBA storage not read
    (_objects(macros=1, autoexec_macros=1), True, "access", "none"),  # macros only: no VBA needed
    (_objects(reports=2, tables=1), True, "access", VBA_NOT_READ),
])
def test_is_app_rule(objects, is_app, kind, vba):
    facts = access_app_facts(Document(kind="mdb", objects=objects))
    assert (facts.is_app, facts.kind, facts.vba) == (is_app, kind, vba)


def test_unread_objects_claim_nothing():
    facts = access_app_facts(Document(kind="accdb", objects=None))
    assert facts.is_app is None and facts.vba == OBJECTS_NOT_READ and facts.complexity is None


def test_empty_vba_project_is_no_code():
    document = Document(kind="accdb", objects=_objects(forms=1), vba_project={})
    facts = access_app_facts(document)
    assert (facts.is_app, facts.vba, facts.code_lines) == (True, "none", 0)


@pytest.mark.parametrize("streams, status", [
    ({}, "none"),
    ({"PROJECT": b"Module=x\r\n"}, "unparsable: no dir stream"),
    ({"VBA/dir": b"\x01\x02\x03garbage", "PROJECT": b""}, "unparsable: corrupt dir stream"),
    ({"VBA/dir": b"", "PROJECT": b""}, "unparsable: corrupt dir stream"),
])
def test_damaged_vba_project_is_a_status(streams, status):
    summary = summarise_access_vba(streams)
    assert (summary.status, summary.code_lines) == (status, 0)


@pytest.mark.corpus
def test_truncated_module_streams_do_not_crash():
    document = read_access(str(corpus_file("joyfullservice+msaccess-vcs-addin/Testing/Testing.accdb")), "accdb")
    cut = {path: data[: len(data) // 3] if path.startswith("VBA/") and path != "VBA/dir" else data
           for path, data in document.vba_project.items()}
    summary = summarise_access_vba(cut)
    assert summary.status == "parsed" or summary.status.startswith("unparsable: ")
    assert summary.code_lines < 244


@pytest.mark.parametrize("connect, kind, password", [
    ("", "Access file", False),
    (";DATABASE=C:\\共有\\名簿_be.accdb", "Access file", False),
    ("MS Access;PWD=secret;DATABASE=\\\\srv\\share\\db.mdb", "Access file", True),
    (";PWD=hunter2", "Access file", True),
    ("ODBC;DSN=jinji;UID=sa;PWD=;", "ODBC source", False),
    ("ODBC;DRIVER=SQL Server;SERVER=db01;UID=sa;Password=pa55", "ODBC source", True),
    ("DSN=x;UID=y;PWD=z", "ODBC source", True),
    ("Excel 12.0 Xml;HDR=YES;IMEX=2;ACCDB=YES;DATABASE=C:\\a\\名簿.xlsx", "Excel workbook", False),
    ("Text;DSN=spec;FMT=Delimited;HDR=NO;IMEX=2;CharacterSet=932;DATABASE=C:\\data", "text file", False),
    ("WSS;HDR=NO;IMEX=2;DATABASE=http://sp/sites/x;LIST={guid};", "SharePoint list", False),
    ("Paradox 4.X;", "Paradox file", False),
    ("Weird;DATABASE=x", "other external source", False),
])
def test_link_kind_and_password(connect, kind, password):
    assert (link_kind(connect), has_password(connect)) == (kind, password)


@pytest.mark.parametrize("connect, expected", [
    ("ODBC;DSN=jinji;UID=sa;PWD=s3cr3t", "ODBC source: DSN=***;UID=***;PWD=***"),
    (";PWD=hunter2", "Access file: PWD=***"),
    ("ODBC;氏名=山田;PWD=x", "ODBC source: ?=***;PWD=***"),
])
def test_redacted_connect_keeps_keys_only(connect, expected):
    assert redacted_connect(connect) == expected


@pytest.mark.parametrize("path, expected", [
    ("C:\\Users\\yamada\\Documents\\名簿_be.accdb", "C:\\…\\*.accdb"),
    ("\\\\fileserver\\共有\\選挙\\", "\\\\fileserver\\…\\*"),
    ("/mnt/share/a.mdb", "…/*.mdb"),
    ("", ""),
])
def test_file_name_masks_folders_and_name(path, expected):
    assert file_name(path) == expected


def test_link_risks_group_and_cap():
    links = [{"name": f"T{i}", "connect": "", "database": f"\\\\fs{i}\\x\\be.mdb"} for i in range(15)]
    risks = link_risks(links)
    assert len(risks) == app_access.MAX_LINK_DETAILS + 1
    assert risks[-1] == {"code": "external-data-connection", "detail": "and 5 more linked tables"}
    assert all("C:" not in r["detail"] and "\\x\\" not in r["detail"] for r in risks)


def test_password_never_in_risks():
    links = [{"name": "職員", "connect": "ODBC;DSN=jinji;UID=admin;PWD=Tanaka1965", "database": ""},
             {"name": "名簿", "connect": ";PWD=Tanaka1965", "database": "\\\\srv\\share\\名簿_be.mdb"}]
    document = Document(kind="accdb", objects=_objects(forms=1, linked_tables=2), links=links)
    facts = access_app_facts(document)
    text = repr(facts.risks) + repr(facts.to_record())
    assert "Tanaka1965" not in text and "jinji" not in text and "admin" not in text
    assert [r["detail"] for r in facts.risks if r["code"] == "credentials-in-file"] == [
        "linked table 職員: connect string holds a password (ODBC source: DSN=***;UID=***;PWD=***)",
        "linked table 名簿: connect string holds a password (Access file: PWD=***)"]


# ---------------------------------------------------------------- catalog helpers

def _row(name, obj_type, flags=0, connect=None, database=None):
    return {"Name": name, "Type": obj_type, "Flags": flags, "Connect": connect, "Database": database}


@pytest.mark.parametrize("rows, expected", [
    ([_row("~sq_ffrm", 5, 3), _row("~sq_cfrm~sq_cCombo", 5, 3), _row("qry", 5), _row("hidden q", 5, 8)],
     {"queries": 2}),
    ([_row("~TMPCLPMacro", -32766), _row("autoexec", -32766)], {"macros": 1, "autoexec_macros": 1}),
    ([_row("MSysObjects", 1, 0x80000000), _row("MSysNavPaneGroups", 1, 0xA), _row("T", 1),
      _row("f_123_Data", 1, 0x800A0000), _row("~TMPCLP1", 1)], {"tables": 2}),
    ([_row("Form1", "-32768"), _row("Rpt", "-32764"), _row("Mod", "-32761"), _row("x", "junk")],
     {"forms": 1, "reports": 1, "modules": 1}),
    ([_row("L", 6, database="C:\\a.mdb"), _row("O", 4, connect="ODBC;DSN=x")], {"linked_tables": 2}),
    ([_row(None, 5), _row("", -32768), _row(b"\x00", 1)], {}),
])
def test_catalog_facts(rows, expected):
    objects, links = catalog_facts(rows)
    assert {k: v for k, v in objects.items() if v} == expected
    assert len(links) == objects["linked_tables"]


def _node(node_id, parent, name, node_type, lv=None):
    return {"Id": node_id, "ParentId": parent, "Name": name, "Type": node_type, "Lv": lv}


@pytest.mark.parametrize("rows, expected", [
    ([_node(1, 1, "MSysAccessStorage_ROOT", 1), _node(8, 1, "VBA", 1), _node(17, 8, "VBAProject", 1),
      _node(18, 17, "VBA", 1), _node(20, 18, "dir", 2, b"d"), _node(21, 17, "PROJECT", 2, b"p"),
      _node(22, 1, "PropData", 2, b"x")],
     {"VBA/dir": b"d", "PROJECT": b"p"}),
    ([_node(1, 2, "VBA", 1), _node(2, 1, "VBAProject", 1), _node(3, 2, "dir", 2, b"d")], {}),   # cycle
    ([_node(2, 2, "MSysAccessStorage_SCRATCH", 1), _node(3, 2, "VBA", 1), _node(4, 3, "VBAProject", 1),
      _node(5, 4, "PROJECT", 2, b"p")], {}),                                                       # not the root
    ([_node("x", 1, "VBA", 1), _node(5, 99, "dir", 2, b"d")], {}),                                # broken chain
])
def test_vba_project_streams(rows, expected):
    assert vba_project_streams(rows) == expected


@pytest.mark.corpus
@pytest.mark.skipif(not HAVE_MDBTOOLS, reason="mdbtools not installed")
def test_mdbtools_route_gives_the_same_facts(monkeypatch):
    relative = "joyfullservice+msaccess-vcs-addin/Testing/Testing.accdb"
    expected = facts_of(relative).to_record()
    monkeypatch.setattr(reader, "PARSER_PREFERRED_MAX_BYTES", 0)
    assert facts_of(relative).to_record() == expected
