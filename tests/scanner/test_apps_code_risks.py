"""Keyword -> business risk on macro source (scanners.apps.code_risks)."""
import pytest

from scanners.apps.code_risks import code_risks, logical_lines, strip_comment
from scanners.apps.vba import measure_source

SECRET = "Tanaka1960"


@pytest.mark.parametrize("line, expected", [
    ("x = 1 ' comment", "x = 1 "),
    ('MsgBox "it\'s fine" \' but this goes', 'MsgBox "it\'s fine" '),
    ("Rem a remark", ""),
    ("   ' indented comment", "   "),
    ('s = "a""b" \' tail', 's = "a""b" '),
    ("Remark = 3", "Remark = 3"),
])
def test_strip_comment(line, expected):
    assert strip_comment(line) == expected


def test_logical_lines_join_continuations_and_drop_comments_and_attributes():
    source = 'Attribute VB_Name = "Module1"\n\n\' note\nSub A()\n  x = Foo(1, _\n          2)\nEnd Sub\n'
    assert [" ".join(line.split()) for line in logical_lines(source)] == ["Sub A()", "x = Foo(1, 2)", "End Sub"]


@pytest.mark.parametrize("source, expected", [
    # auto-exec: procedures Office runs by itself
    ("Private Sub Workbook_Open()\nEnd Sub", {("autoexec-macro", "VBA runs Workbook_Open when the workbook opens")}),
    ("Sub Auto_Open()\nEnd Sub", {("autoexec-macro", "VBA runs Auto_Open when the workbook opens")}),
    ("Private Sub Workbook_Activate()\nEnd Sub",
     {("autoexec-macro", "VBA runs Workbook_Activate when the workbook gets focus")}),
    ("Sub AutoExec()\nEnd Sub", {("autoexec-macro", "VBA runs AutoExec on start")}),
    # an ordinary button handler, and a call (not a definition) of Workbook_Open, are not
    ("Private Sub CommandButton1_Click()\n  Call Workbook_Open\nEnd Sub", set()),
    ("' Sub Auto_Open()", set()),
    # network
    ('Set h = CreateObject("MSXML2.XMLHTTP")', {("macro-network-access", "VBA calls MSXML2.XMLHTTP (HTTP)")}),
    ('Set h = CreateObject("MSXML2.ServerXMLHTTP.6.0")',
     {("macro-network-access", "VBA calls MSXML2.ServerXMLHTTP (HTTP)")}),
    ('Set h = CreateObject("WinHttp.WinHttpRequest.5.1")',
     {("macro-network-access", "VBA calls WinHttp.WinHttpRequest (HTTP)")}),
    ('r = URLDownloadToFile(0, u, f, 0, 0)',
     {("macro-network-access", "VBA downloads files with URLDownloadToFile")}),
    ('Private Declare PtrSafe Function FtpPutFileA Lib "wininet.dll" ()',
     {("macro-network-access", "VBA transfers files by FTP (FtpPutFile/FtpGetFile)")}),
    ('h = InternetOpen("agent", 0, vbNullString, vbNullString, 0)',
     {("macro-network-access", "VBA uses the WinINet internet API (InternetOpen ...)")}),
    ('Shell "curl -T data.csv ftp://example.org/"',
     {("macro-network-access", "VBA runs a network tool through Shell (ftp/curl/powershell ...)")}),
    ('CreateObject("WScript.Shell").Run "powershell Invoke-WebRequest -Uri x"',
     {("macro-network-access", "VBA runs a network tool through Shell (ftp/curl/powershell ...)")}),
    ('Shell "notepad.exe"', set()),
    ('Set o = CreateObject("Outlook.Application")', {("macro-network-access", "VBA drives Outlook (can send e-mail)")}),
    ("ActiveWorkbook.SendMail Recipients:=addr", {("macro-network-access", "VBA sends e-mail (SendMail / CDO)")}),
    ('Set q = ws.QueryTables.Add(Connection:="URL;http://example.org", Destination:=Range("A1"))',
     {("macro-network-access", "VBA adds a web query (QueryTables.Add URL;)"),
      ("external-data-connection", "VBA adds query tables (QueryTables.Add)")}),
    # credentials: which kind, never the literal
    (f'ActiveSheet.Unprotect "{SECRET}"',
     {("credentials-in-file", "VBA unprotects a sheet or workbook with a literal password")}),
    (f'Sheets(1).Unprotect Password:="{SECRET}"',
     {("credentials-in-file", "VBA unprotects a sheet or workbook with a literal password")}),
    (f'ws.Protect Password:="{SECRET}", DrawingObjects:=True',
     {("credentials-in-file", "VBA protects a sheet or workbook with a literal password")}),
    (f'Workbooks.Open Filename:=p, Password:="{SECRET}"',
     {("credentials-in-file", "VBA opens a workbook with a literal password")}),
    (f'cn.Open "Driver={{SQL Server}};Server=db01;UID=sa;PWD={SECRET};"',
     {("credentials-in-file", "connection string in VBA holds a password (PWD=/Password=)"),
      ("external-data-connection", "VBA builds an ODBC/OLE DB connection string")}),
    (f'Const DB_PASSWORD As String = "{SECRET}"',
     {("credentials-in-file", "VBA keeps a password in a string constant")}),
    (f'strPwd = "{SECRET}"', {("credentials-in-file", "VBA assigns a literal password to a variable")}),
    # not credentials: empty literal, a variable, a placeholder, a name that only starts with "password"
    ('ActiveSheet.Unprotect ""', set()),
    ("ActiveSheet.Unprotect Password:=pw", set()),
    ('s = "Provider=Microsoft.ACE.OLEDB.12.0;Jet OLEDB:Database Password={Password};"',
     {("external-data-connection", "VBA builds an ODBC/OLE DB connection string")}),
    ('passwordUrl = "https://example.org/reset"', set()),
    ('cn.Open "DSN=x;PWD=" & pw', {("external-data-connection", "VBA builds an ODBC/OLE DB connection string")}),
    # data connections
    ('Set cn = CreateObject("ADODB.Connection")', {("external-data-connection", "VBA opens ADODB connections")}),
    ('Set st = CreateObject("ADODB.Stream")', set()),
    ("Set db = DBEngine.OpenDatabase(path)",
     {("external-data-connection", "VBA opens databases through DAO (OpenDatabase)")}),
])
def test_code_risks(source, expected):
    got = {(r["code"], r["detail"]) for r in code_risks([source])}
    assert got == expected


def test_risk_details_never_hold_the_literal():
    source = "\n".join([
        f'ActiveSheet.Unprotect "{SECRET}"',
        f'cn.Open "Provider=SQLOLEDB;Data Source=srv;User ID=sa;Password={SECRET};"',
        f'Const PASS = "{SECRET}"',
        f'myPassword = "{SECRET}"',
    ])
    risks = code_risks([source])
    assert len([r for r in risks if r["code"] == "credentials-in-file"]) == 4
    assert all(SECRET not in r["detail"] for r in risks)


def test_repeats_are_counted_not_listed():
    risks = code_risks(['ws.Unprotect "a1"\nws.Unprotect "b2"', 'ws.Unprotect "c3"'])
    assert risks == [{"code": "credentials-in-file",
                      "detail": "VBA unprotects a sheet or workbook with a literal password (3 places)"}]


def test_risks_come_in_a_fixed_code_order():
    source = 'Set c = CreateObject("ADODB.Connection")\nSub Auto_Open()\nShell "ftp -s:x.txt"\nEnd Sub'
    assert [r["code"] for r in code_risks([source])] == [
        "autoexec-macro", "macro-network-access", "external-data-connection"]


@pytest.mark.parametrize("source, expected", [
    ('Attribute VB_Name = "Sheet1"\nAttribute VB_Base = "0{00020820}"\n', (0, 0)),
    ("Option Explicit\n\n", (0, 0)),
    ("Option Explicit\nSub A()\n  ' note\n  x = 1\nEnd Sub\n", (4, 1)),
    (("Public Function F(x)\nEnd Function\nPrivate Property Get P()\nEnd Property\n"
      "Private Declare PtrSafe Function GetTickCount Lib \"kernel32\" () As Long\n"), (5, 2)),
    ("Friend Static Sub S()\n\nEnd Sub\nRem old\n", (2, 1)),
])
def test_measure_source(source, expected):
    assert measure_source(source) == expected
