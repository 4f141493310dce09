"""What a person reads of a scan record's free text: risk details and error reasons.

The scan record (../shared/spec/scan-record.md) carries a risk's ``detail`` and a
file's ``error`` as short English phrases our scanner writes; the registry keeps
them as they came (after :mod:`inventory.registry.record_guard` checked them).
Nobody reads them as they are: at display, each known phrase is parsed into a
code and its parameters (:func:`parse_detail`) and written from the catalogue
(:mod:`inventory.catalogue`) through an English msgid, Japanese by default
("column %(column)s of sheet %(sheet)s is hidden" ->
"シート「%(sheet)s」の%(column)s列が非表示").

- Details: one entry of :data:`DETAILS` per phrase family of
  ``record_guard.DETAILS`` (``tests/registry/test_details.py`` holds both
  lists together); the shadow-IT phrases the scanner writes in Japanese are
  shown as they are; any other text is :data:`UNKNOWN_DETAIL`, never raw English.
- Error reasons (``error`` of a record with status error, encrypted or skipped):
  a reader's reason names one of a few classes (:data:`ERROR_CLASSES`:
  encrypted, not the format its name says, damaged, too large, timed out ...),
  each with its label; a reason of no class reads as "could not be read".

Rendering at display, not at ingest: the record format and the stored rows do not
change, rows stored before this module read in Japanese too, and a better
wording later needs no migration.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from inventory import catalogue
from inventory.catalogue import N_

Gettext = Callable[[str], str]


@dataclass(frozen=True)
class Phrase:
    """One family of phrases: ``pattern`` (named groups are the parameters) and its msgid."""
    code: str
    pattern: re.Pattern
    msgid: str


def _p(code: str, pattern: str, msgid: str) -> Phrase:
    return Phrase(code, re.compile(pattern), msgid)


_N = r"\d{1,9}"
#: " (3x)" after a counted detail: the same link or connection several times
_TIMES = rf"(?: \((?P<times>{_N})x\))?"

#: the risk details the scanner writes, most specific first
DETAILS: tuple[Phrase, ...] = (
    _p("sheet-hidden", r"sheet (?P<sheet>.+) is hidden", N_("sheet %(sheet)s is hidden")),
    _p("sheet-very-hidden", r"sheet (?P<sheet>.+) is veryHidden",
       N_("sheet %(sheet)s is very hidden (it cannot be shown again from Excel's menus)")),
    _p("column-hidden", r"column (?P<column>\S+) of sheet (?P<sheet>.+) is hidden",
       N_("column %(column)s of sheet %(sheet)s is hidden")),
    _p("rows-hidden", r"rows of sheet (?P<sheet>.+) holding personal data are hidden",
       N_("rows of sheet %(sheet)s holding personal data are hidden")),
    _p("connection-password", r"connections\.xml: (?P<kind>.+?) connection with saved password",
       N_("%(kind)s connection with a saved password")),
    _p("connection-string-password", r"connections\.xml: (?P<kind>.+?) connection string holds a password",
       N_("the connection string of a %(kind)s connection holds a password")),
    _p("connection-to", rf"connections\.xml: (?P<kind>.+?) connection to (?P<target>.+?){_TIMES}",
       N_("%(kind)s data connection to %(target)s")),
    _p("connection", rf"connections\.xml: (?P<kind>.+?) connection{_TIMES}", N_("%(kind)s data connection")),
    _p("query-tables", rf"(?P<count>{_N}) query table\(s\) refresh from an external source",
       N_("%(count)s query table(s) refreshed from an external source")),
    _p("workbook-link", rf"formulas link to workbook (?P<target>.+?){_TIMES}",
       N_("formulas refer to another workbook: %(target)s")),
    _p("dde-link", rf"DDE/OLE link to (?P<target>.+?){_TIMES}", N_("DDE/OLE link to %(target)s")),
    _p("more-workbooks", rf"and links to (?P<count>{_N}) more workbooks",
       N_("and links to %(count)s more workbooks")),
    _p("file-hyperlink", rf"hyperlink to file (?P<target>.+?){_TIMES}", N_("hyperlink to the file %(target)s")),
    _p("web-hyperlinks", rf"(?P<count>{_N}) hyperlink\(s\) to web addresses \((?P<hosts>.+)\)",
       N_("%(count)s hyperlink(s) to web addresses (%(hosts)s)")),
    _p("hyperlink-formulas", rf"(?P<count>{_N}) HYPERLINK formula\(s\)", N_("%(count)s HYPERLINK formula(s)")),
    _p("data-connections", rf"(?P<count>{_N}) data connection\(s\) to external sources",
       N_("%(count)s data connection(s) to external sources")),
    _p("hyperlinks", rf"(?P<count>{_N}) hyperlink\(s\)", N_("%(count)s hyperlink(s)")),
    _p("auto-open-macro-sheets",
       rf"defined name Auto_Open runs a macro when the workbook opens \((?P<count>{_N}) hidden Excel 4 macro sheet\(s\)\)",
       N_("the defined name Auto_Open runs a macro when the workbook opens (%(count)s hidden Excel 4 macro sheet(s))")),
    _p("auto-open", r"defined name Auto_Open runs a macro when the workbook opens",
       N_("the defined name Auto_Open runs a macro when the workbook opens")),
    _p("linked-odbc", rf"linked table to ODBC source{_TIMES}", N_("linked table to an ODBC data source")),
    _p("linked-access-file", rf"linked table in another Access file: (?P<target>.+?){_TIMES}",
       N_("linked table in another Access file: %(target)s")),
    _p("linked-access", rf"linked table in another Access file{_TIMES}", N_("linked table in another Access file")),
    _p("linked-text-folder", rf"linked table to text file in folder: (?P<target>.+?){_TIMES}",
       N_("linked table to a text file in the folder %(target)s")),
    _p("linked-text", rf"linked table to text file{_TIMES}", N_("linked table to a text file")),
    _p("linked-kind-target", rf"linked table to (?P<kind>[^:]+?): (?P<target>.+?){_TIMES}",
       N_("linked table to a %(kind)s: %(target)s")),
    _p("linked-kind", rf"linked table to (?P<kind>[^:]+?){_TIMES}", N_("linked table to a %(kind)s")),
    _p("more-linked-tables", rf"and (?P<count>{_N}) more linked tables", N_("and %(count)s more linked tables")),
    _p("linked-password", r"linked table (?P<table>.+?): connect string holds a password \((?P<connect>.+)\)",
       N_("the connect string of the linked table %(table)s holds a password (%(connect)s)")),
    _p("copy", r"byte-identical copy of (?P<path>.+)", N_("byte-identical copy of %(path)s")),
    _p("encrypted", r"password-protected or encrypted: contents could not be inspected",
       N_("password-protected or encrypted: contents could not be inspected")),
    _p("power-query", r"Power Query \(DataMashup\) queries", N_("Power Query (DataMashup) queries")),
    _p("access-autoexec", r"macro AutoExec runs when the database opens",
       N_("the macro AutoExec runs when the database opens")),
)

#: the VBA rules' phrases (scanners/apps/code_risks.RULES), each its own msgid; " (N places)" after
VBA_PHRASES = (
    N_("VBA runs Workbook_Open when the workbook opens"),
    N_("VBA runs Workbook_Activate when the workbook gets focus"),
    N_("VBA runs Auto_Open when the workbook opens"),
    N_("VBA runs AutoExec on start"),
    N_("VBA runs Document_Open when the document opens"),
    N_("VBA calls MSXML2.ServerXMLHTTP (HTTP)"),
    N_("VBA calls MSXML2.XMLHTTP (HTTP)"),
    N_("VBA calls WinHttp.WinHttpRequest (HTTP)"),
    N_("VBA downloads files with URLDownloadToFile"),
    N_("VBA uses the WinINet internet API (InternetOpen ...)"),
    N_("VBA transfers files by FTP (FtpPutFile/FtpGetFile)"),
    N_("VBA opens network sockets (Winsock)"),
    N_("VBA drives a web browser (InternetExplorer.Application)"),
    N_("VBA drives Outlook (can send e-mail)"),
    N_("VBA sends e-mail (SendMail / CDO)"),
    N_("VBA runs a network tool through Shell (ftp/curl/powershell ...)"),
    N_("VBA adds a web query (QueryTables.Add URL;)"),
    N_("VBA unprotects a sheet or workbook with a literal password"),
    N_("VBA protects a sheet or workbook with a literal password"),
    N_("VBA opens a workbook with a literal password"),
    N_("VBA passes a literal password argument (Password:=)"),
    N_("connection string in VBA holds a password (PWD=/Password=)"),
    N_("VBA keeps a password in a string constant"),
    N_("VBA assigns a literal password to a variable"),
    N_("VBA opens ADODB connections"),
    N_("VBA opens databases through DAO (OpenDatabase)"),
    N_("VBA builds an ODBC/OLE DB connection string"),
    N_("VBA adds query tables (QueryTables.Add)"),
)
_VBA = re.compile(rf"(?P<rule>VBA .+?|connection string in VBA .+?)(?: \((?P<places>{_N}) places\))?")

#: the scanner's words for kinds of connections and linked tables (the ``kind`` parameter);
#: product names (ODBC, OLE DB, Oracle, SQL Server ...) stay as they are
KIND_WORDS = {
    "file database": N_("file database"), "web query": N_("web query"), "text import": N_("text import"),
    "ADO recordset": N_("ADO recordset"), "Access database": N_("Access database"),
    "Excel workbook": N_("Excel workbook"), "text file": N_("text file"), "SharePoint list": N_("SharePoint list"),
    "web page": N_("web page"), "dBASE file": N_("dBASE file"), "Paradox file": N_("Paradox file"),
    "Lotus file": N_("Lotus file"), "Outlook folder": N_("Outlook folder"),
    "Exchange folder": N_("Exchange folder"), "Access file": N_("Access file"),
    "ODBC source": N_("ODBC data source"), "other external source": N_("other external source"),
    "(target unknown)": N_("(target unknown)"), "mailto: (an e-mail address)": N_("an e-mail address"),
}
_TRANSLATED_PARAMS = ("kind", "target")

UNKNOWN_DETAIL = N_("(a detail this version cannot show)")
TIMES = N_("%(text)s (%(count)s times)")
PLACES = N_("%(text)s (in %(count)s places)")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
#: an English sentence: three ASCII words in a row, two of them in lower case
_SENTENCE = re.compile(r"\b[A-Za-z][a-z'\-]*(?:[ ,]+[A-Za-z][A-Za-z'\-]*){2,}")


def has_english_sentence(text: str) -> bool:
    """Whether ``text`` holds an English sentence (product names such as "SQL Server" are not)."""
    for found in _SENTENCE.finditer(text):
        words = re.findall(r"[A-Za-z][A-Za-z'\-]*", found.group())
        if sum(w.islower() and len(w) > 1 for w in words) >= 2:
            return True
    return False


def parse_detail(text: str) -> tuple[str, dict] | None:
    """(msgid, parameters) of a detail the scanner writes, None for any other text."""
    if not isinstance(text, str):
        return None
    for phrase in DETAILS:
        found = phrase.pattern.fullmatch(text)
        if found:
            return phrase.msgid, {k: v for k, v in found.groupdict().items() if v is not None}
    found = _VBA.fullmatch(text)
    if found and found["rule"] in VBA_PHRASES:
        return found["rule"], ({"places": found["places"]} if found["places"] else {})
    return None


def _gettext(gettext: Gettext | None, lang: str | None) -> Gettext:
    return gettext if gettext is not None else catalogue.translator(lang)


def render_detail(text, lang: str | None = None, gettext: Gettext | None = None) -> str:
    """A risk detail as a person reads it, in ``lang`` (or through ``gettext``, e.g. the web's)."""
    if text is None or text == "":
        return ""
    _ = _gettext(gettext, lang)
    parsed = parse_detail(text)
    if parsed is None:
        # the shadow-IT details are written in Japanese: shown as they are; nothing else is
        return text if _JAPANESE.search(str(text)) and not has_english_sentence(str(text)) else _(UNKNOWN_DETAIL)
    msgid, params = parsed
    times, places = params.pop("times", None), params.pop("places", None)
    for key in _TRANSLATED_PARAMS:
        if key in params and params[key] in KIND_WORDS:
            params[key] = _(KIND_WORDS[params[key]])
    out = _(msgid) % params if params else _(msgid)
    if times:
        out = _(TIMES) % {"text": out, "count": times}
    if places:
        out = _(PLACES) % {"text": out, "count": places}
    return out


# ------------------------------------------------------------------ error reasons

@dataclass(frozen=True)
class ErrorClass:
    code: str
    pattern: re.Pattern
    msgid: str


def _e(code: str, pattern: str, msgid: str) -> ErrorClass:
    return ErrorClass(code, re.compile(pattern, re.IGNORECASE), msgid)


#: classes of the reasons readers give, the first that matches wins
ERROR_CLASSES: tuple[ErrorClass, ...] = (
    _e("access-denied", r"access denied|permission denied|privilege|logon failure|authentication failed",
       N_("access was denied (check the scanning account's rights)")),
    _e("in-use", r"locked by another|being deleted|sharing violation|in use",
       N_("the file was in use by another user")),
    _e("not-found", r"not found|no such file|removed or renamed", N_("the file was moved or deleted during the scan")),
    _e("network", r"share unavailable|session closed|connection to the server|cannot connect|did not answer"
       r"|refused by the server|out of resources", N_("the file server could not be reached")),
    _e("encrypted-database", r"(encrypted|encoded) database|database password",
       N_("the database is encrypted or has a password")),
    _e("encrypted", r"encrypt|password", N_("the file is encrypted or protected by a password")),
    _e("timeout", r"timed out|time limit", N_("reading took too long and was stopped")),
    _e("crashed", r"crashed|killed|signal", N_("the reader stopped unexpectedly")),
    _e("too-large", r"too large|zip bomb|memory limit|too deep|too many|inflates past|past \d+ MB",
       N_("the file is too large or too complex to read safely")),
    _e("no-reader", r"no reader|not inspected|unsupported|unknown (access )?format|mdbtools not installed",
       N_("a file format the scanner cannot read")),
    _e("cannot-open", r"cannot (open|read) file", N_("the file could not be opened")),
    _e("wrong-format", r"not an? |not text|under an? \w+ name|neither|inside an OOXML name|unknown binary|without an? ",
       N_("the contents are not in the format the file name says")),
    _e("damaged", r"corrupt|truncated|unreadable|bad |missing|incomplete|empty file|zero-filled|no workbook"
       r"|no table|cannot read|cannot run|failed|invalid|error|unknown encoding|not in catalog|malformed",
       N_("the file is damaged or incomplete")),
)
UNKNOWN_ERROR = N_("the file could not be read")


def error_class(reason, status: str | None = None) -> str:
    """The class code of an error reason ("encrypted", "damaged" ...; "unknown" for none)."""
    text = str(reason or "")
    for cls in ERROR_CLASSES:
        if cls.pattern.search(text):
            return cls.code
    return "encrypted" if status == "encrypted" else "unknown"


def render_error(reason, status: str | None = None, lang: str | None = None,
                 gettext: Gettext | None = None) -> str:
    """An error reason as a person reads it: its class's label, in ``lang`` (or ``gettext``)."""
    if not reason and status not in ("encrypted", "error"):
        return ""
    _ = _gettext(gettext, lang)
    code = error_class(reason, status)
    for cls in ERROR_CLASSES:
        if cls.code == code:
            return _(cls.msgid)
    return _(UNKNOWN_ERROR)
