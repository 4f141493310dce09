"""Business risks of macro source code: keywords mapped to what an IT division acts on.

This is not a malware verdict.  oletools' AutoExec/Suspicious flags fire on
ordinary button handlers; here a keyword only counts when it says something
about the business: the code runs by itself on open, reaches the network
(HTTP, FTP, sockets, mail, shelling out to curl/ftp/powershell), keeps a
password in the file, or pulls data from a database.

Works on VBA source; the same rules serve Access modules and VBScript.
Risk details are phrases we write ourselves: never a literal from the code.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..record import risk

#: risks of one code at most (a 50,000-line add-in must not flood a record)
MAX_PER_CODE = 6


@dataclass(frozen=True)
class Rule:
    """A pattern over comment-free code lines and the risk it stands for."""

    code: str
    detail: str
    pattern: re.Pattern


def _rule(code: str, detail: str, regex: str) -> Rule:
    return Rule(code, detail, re.compile(regex, re.IGNORECASE))


_SUB = r"^\s*(?:(?:Public|Private|Friend|Static)\s+)*Sub\s+"

#: procedures Office runs by itself when a document opens or gets focus
AUTO_EXEC_RULES = (
    _rule("autoexec-macro", "VBA runs Workbook_Open when the workbook opens", _SUB + r"Workbook_Open\b"),
    _rule("autoexec-macro", "VBA runs Workbook_Activate when the workbook gets focus",
          _SUB + r"Workbook_Activate\b"),
    _rule("autoexec-macro", "VBA runs Auto_Open when the workbook opens", _SUB + r"Auto_?Open\w*"),
    _rule("autoexec-macro", "VBA runs AutoExec on start", _SUB + r"Auto_?Exec\b"),
    _rule("autoexec-macro", "VBA runs Document_Open when the document opens", _SUB + r"Document_Open\b"),
)

_NET_TOOL = r"\b(?:ftp|tftp|curl|wget|bitsadmin|scp|sftp|pscp|psftp|certutil|Invoke-WebRequest|" \
            r"Invoke-RestMethod|Net\.WebClient|Start-BitsTransfer)\b"

NETWORK_RULES = (
    _rule("macro-network-access", "VBA calls MSXML2.ServerXMLHTTP (HTTP)", r"ServerXMLHTTP"),
    _rule("macro-network-access", "VBA calls MSXML2.XMLHTTP (HTTP)", r"\bXMLHTTP(?:\.\d+\.\d+)?\b"),
    _rule("macro-network-access", "VBA calls WinHttp.WinHttpRequest (HTTP)", r"WinHttp\.?WinHttpRequest|\bWinHttpOpen\b"),
    _rule("macro-network-access", "VBA downloads files with URLDownloadToFile", r"\bURLDownloadToFile"),
    _rule("macro-network-access", "VBA uses the WinINet internet API (InternetOpen ...)",
          r"\bInternet(?:Open|OpenUrl|Connect|ReadFile)[AW]?\b"),
    _rule("macro-network-access", "VBA transfers files by FTP (FtpPutFile/FtpGetFile)",
          r"\bFtp(?:PutFile|GetFile|OpenFile)[AW]?\b"),
    _rule("macro-network-access", "VBA opens network sockets (Winsock)", r"\bMSWinsock\b|\bWinsock\b|\bWSAStartup\b"),
    _rule("macro-network-access", "VBA drives a web browser (InternetExplorer.Application)",
          r"InternetExplorer\.Application"),
    _rule("macro-network-access", "VBA drives Outlook (can send e-mail)",
          r"Outlook\.Application|\.CreateItem\s*\(\s*(?:0|olMailItem)\s*\)"),
    _rule("macro-network-access", "VBA sends e-mail (SendMail / CDO)", r"\.SendMail\b|CDO\.Message"),
    _rule("macro-network-access", "VBA runs a network tool through Shell (ftp/curl/powershell ...)",
          r"\b(?:Shell|\.Run|\.Exec|ShellExecute[AW]?)\b.*" + _NET_TOOL),
    _rule("macro-network-access", "VBA adds a web query (QueryTables.Add URL;)", r"[\"']URL;"),
)

_LITERAL = r"\"[^\"]+\""          # a non-empty string literal
#: a name that says "password": strPassword, DB_PWD, PASS_SHEET (not passwordUrl)
_PASSWORD_NAME = r"\w*(?:password|passwd|pwd|pass)(?:_\w+)?"

CREDENTIAL_RULES = (
    _rule("credentials-in-file", "VBA unprotects a sheet or workbook with a literal password",
          r"\.?Unprotect\s*(?:\(\s*)?(?:Password\s*:=\s*)?" + _LITERAL),
    _rule("credentials-in-file", "VBA protects a sheet or workbook with a literal password",
          r"\.Protect(?:Sharing|Structure)?\b.*\bPassword\s*:=\s*" + _LITERAL),
    _rule("credentials-in-file", "VBA opens a workbook with a literal password",
          r"\bWorkbooks\.Open\b.*\b(?:Write)?Password\s*:=\s*" + _LITERAL),
    _rule("credentials-in-file", "VBA passes a literal password argument (Password:=)",
          r"\bPassword\s*:=\s*" + _LITERAL),
    _rule("credentials-in-file", "connection string in VBA holds a password (PWD=/Password=)",
          r"\"[^\"]*\b(?:PWD|Password)\s*=\s*[^;\"\s&{<%$]"),
    _rule("credentials-in-file", "VBA keeps a password in a string constant",
          r"^\s*(?:(?:Public|Private|Global)\s+)?Const\s+" + _PASSWORD_NAME + r"(?:\s+As\s+String)?\s*=\s*"
          + _LITERAL),
    _rule("credentials-in-file", "VBA assigns a literal password to a variable",
          r"^\s*(?:Let\s+)?(?:\w+\.)?" + _PASSWORD_NAME + r"\s*=\s*" + _LITERAL + r"\s*$"),
)

DATA_CONNECTION_RULES = (
    _rule("external-data-connection", "VBA opens ADODB connections", r"ADODB\.(?:Connection|Recordset|Command)"),
    _rule("external-data-connection", "VBA opens databases through DAO (OpenDatabase)",
          r"\bOpenDatabase\s*\(|\bDBEngine\b|DAO\.(?:Database|DBEngine)"),
    _rule("external-data-connection", "VBA builds an ODBC/OLE DB connection string",
          r"\"[^\"]*\b(?:Provider|DSN|Driver|DBQ)\s*=|\"ODBC;"),
    _rule("external-data-connection", "VBA adds query tables (QueryTables.Add)", r"QueryTables\.Add\b"),
)

RULES: tuple[Rule, ...] = AUTO_EXEC_RULES + NETWORK_RULES + CREDENTIAL_RULES + DATA_CONNECTION_RULES

#: one pass that tells whether a line can match any rule (most lines cannot)
_ANY_RULE = re.compile("|".join(f"(?:{rule.pattern.pattern})" for rule in RULES), re.IGNORECASE)

#: risk codes in the order a record lists them
CODE_ORDER = ("autoexec-macro", "macro-network-access", "credentials-in-file", "external-data-connection")


def strip_comment(line: str) -> str:
    """A VBA line without its comment (``'`` outside a string literal, or ``Rem``)."""
    stripped = line.lstrip()
    if stripped[:4].lower() == "rem " or stripped.lower() == "rem":
        return ""
    if "'" not in line:
        return line
    in_string = False
    for i, ch in enumerate(line):
        if ch == '"':
            in_string = not in_string
        elif ch == "'" and not in_string:
            return line[:i]
    return line


def logical_lines(source: str) -> Iterator[str]:
    """Comment-free logical lines: continuations (`` _``) joined, blank lines and attributes dropped."""
    pending = ""
    for raw in source.splitlines():
        line = strip_comment(raw).rstrip()
        if line.endswith(" _") or line == "_":
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        if line.strip() and not line.lstrip().startswith("Attribute "):
            yield line
    if pending.strip():
        yield pending


def code_risks(sources: Iterable[str]) -> list[dict]:
    """Risks found in some modules' source: ``[{"code": ..., "detail": ...}]``, each detail once."""
    found: dict[Rule, int] = {}
    for source in sources:
        for line in logical_lines(source):
            if not _ANY_RULE.search(line):
                continue
            for rule in _rules_for(line):
                found[rule] = found.get(rule, 0) + 1
    return risks_from_counts(found)


def _rules_for(line: str) -> Iterator[Rule]:
    matched_credential = False
    for rule in RULES:
        if rule.code == "credentials-in-file":
            if matched_credential:     # one credential reason per line: the most specific
                continue
            if rule.pattern.search(line):
                matched_credential = True
                yield rule
        elif rule.pattern.search(line):
            yield rule


def risks_from_counts(found: dict[Rule, int]) -> list[dict]:
    """Risk dicts in CODE_ORDER, at most MAX_PER_CODE per code, with the number of places."""
    risks: list[dict] = []
    for code in CODE_ORDER:
        rules = [r for r in RULES if r.code == code and r in found]
        for rule in rules[:MAX_PER_CODE]:
            count = found[rule]
            detail = rule.detail if count == 1 else f"{rule.detail} ({count} places)"
            risks.append(risk(code, detail))
    return risks

