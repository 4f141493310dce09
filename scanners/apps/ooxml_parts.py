"""What an OOXML workbook's zip parts say about code, UI, connections and links.

Reads the zip with :mod:`zipfile` directly (openpyxl drops connections.xml
and knows nothing of ribbons).  Most facts come from the part listing; small
parts (rels, connections.xml, workbook.xml) are read only when the listing
shows them, every read is capped, and XML with a DOCTYPE is refused.
Sheet XML is read only when formulas are counted, which the caller asks for
apps only.
"""
from __future__ import annotations

import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from xml.parsers import expat

from ..document import ReadError
from ..link_targets import masked_target

#: a small part (rels, connections.xml, workbook.xml) may not inflate past this
SMALL_PART = 16 << 20
#: vbaProject.bin may not inflate past this
VBA_PART = 64 << 20
#: formulas are counted over at most this much sheet XML
FORMULA_BUDGET = 256 << 20
CHUNK = 1 << 16
MAX_MEMBERS = 100_000
MAX_LISTED = 6                      # targets named in one risk detail

REL_EXTERNAL_LINK_PATH = "/externalLinkPath"
REL_HYPERLINK = "/hyperlink"
REL_UI = "/ui/extensibility"

_FORMULA = re.compile(rb"<(?:[A-Za-z][\w.-]*:)?f[\s>/]")
_HYPERLINK_FN = re.compile(rb"HYPERLINK\(", re.IGNORECASE)


class XmlRefused(ReadError):
    """A part declares a DOCTYPE (how XML bombs and external entities start)."""


@dataclass
class Connection:
    """One data connection, described in our own words."""

    kind: str                          # "ODBC", "OLE DB", "web query", "text import", "Power Query" ...
    source: str | None = None          # short target: file name, server or host
    saved_password: bool = False       # savePassword="1"
    password_in_string: bool = False   # PWD=/Password= with a value in the connection string


@dataclass
class PackageFacts:
    """Counts and short targets from an OOXML package."""

    vba_part: str | None = None
    macro_sheets: int = 0              # set by the caller (:mod:`.ooxml_sheets`)
    hidden_macro_sheets: int = 0
    dialog_sheets: int = 0
    custom_ui: bool = False
    activex_controls: int = 0
    form_controls: int = 0
    auto_open_name: bool = False
    external_links: list[str] = field(default_factory=list)
    connections: list[Connection] = field(default_factory=list)
    query_tables: int = 0
    power_query: bool = False
    web_hyperlinks: int = 0
    file_hyperlinks: list[str] = field(default_factory=list)
    hyperlink_hosts: list[str] = field(default_factory=list)
    formulas: int = 0
    formula_hyperlinks: int = 0
    formulas_counted: bool = False
    #: optional parts that could not be read (our phrases); their facts are missing
    unread: list[str] = field(default_factory=list)


def open_package(source) -> zipfile.ZipFile:
    """Open a zip package (path or file object); anything wrong with it is a ReadError."""
    try:
        zf = zipfile.ZipFile(source)
    except zipfile.BadZipFile:
        raise ReadError("not a zip file or truncated zip") from None
    except (OSError, EOFError, ValueError, NotImplementedError, OverflowError):
        raise ReadError("unreadable zip") from None
    if len(zf.infolist()) > MAX_MEMBERS:
        zf.close()
        raise ReadError("zip bomb: too many parts")
    return zf


def read_part(zf: zipfile.ZipFile, name: str, max_bytes: int = SMALL_PART) -> bytes:
    """A part's bytes, refusing to inflate past ``max_bytes``."""
    return b"".join(iter_part(zf, name, max_bytes))


def iter_part(zf: zipfile.ZipFile, name: str, max_bytes: int):
    """Inflate one part chunk by chunk; ReadError past ``max_bytes`` or on a corrupt member."""
    seen = 0
    try:
        with zf.open(name) as stream:
            while chunk := stream.read(CHUNK):
                seen += len(chunk)
                if seen > max_bytes:
                    raise ReadError(f"zip part inflates past {max_bytes >> 20} MB")
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise ReadError("corrupt zip part") from None
    except (NotImplementedError, RuntimeError):
        raise ReadError("unsupported zip part") from None
    except (OSError, KeyError):
        raise ReadError("unreadable zip part") from None


def parse_xml(data: bytes, on_start) -> None:
    """Run ``on_start(local_name, attrs)`` over each element; no DOCTYPE allowed."""
    def refuse(*_args):
        raise XmlRefused("XML with DOCTYPE refused")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = lambda name, attrs: on_start(
        name.rpartition(" ")[2], {k.rpartition(" ")[2]: v for k, v in attrs.items()})
    try:
        parser.Parse(data, True)
    except expat.ExpatError:
        raise ReadError("bad XML part") from None
    except RecursionError:
        raise ReadError("XML nested too deep") from None


def relationships(zf: zipfile.ZipFile, name: str) -> list[tuple[str, str, str]]:
    """(type, target, target mode) of each relationship in a .rels part."""
    rels: list[tuple[str, str, str]] = []

    def on_start(tag, attrs):
        if tag == "Relationship":
            rels.append((attrs.get("Type", ""), attrs.get("Target", ""), attrs.get("TargetMode", "")))

    parse_xml(read_part(zf, name), on_start)
    return rels


def short_target(target: str) -> str:
    """A link target as the registry may show it: scheme and host of a URL, server or drive and
    file type of a path (:func:`scanners.link_targets.masked_target`), never a folder or file name."""
    return masked_target(target)


def program_name(name: str) -> str:
    """The application of a DDE or OLE link (``Excel``, ``Word.Document.12``); a path is masked."""
    text = "".join(ch for ch in name if ch.isprintable()).strip()
    return text[:40] if re.fullmatch(r"[A-Za-z][A-Za-z0-9._ ]{0,39}", text) else masked_target(text)[:40]


class PartList:
    """Case-insensitive view of a package's part names."""

    def __init__(self, zf: zipfile.ZipFile):
        self.by_lower = {n.lower(): n for n in zf.namelist() if not n.endswith("/")}

    def get(self, name: str) -> str | None:
        return self.by_lower.get(name.lower())

    def under(self, folder: str, suffixes: tuple[str, ...] = (".xml", ".bin")) -> list[str]:
        """Parts directly in ``folder`` (not in its _rels) ending in one of ``suffixes``."""
        prefix = folder.lower().rstrip("/") + "/"
        return [real for low, real in self.by_lower.items()
                if low.startswith(prefix) and "/" not in low[len(prefix):] and low.endswith(suffixes)]


def package_facts(zf: zipfile.ZipFile) -> PackageFacts:
    """Facts from the listing and the small parts it points to (no sheet XML)."""
    parts = PartList(zf)
    facts = PackageFacts()
    facts.vba_part = next((real for low, real in parts.by_lower.items() if low.endswith("vbaproject.bin")), None)
    facts.activex_controls = len([p for p in parts.under("xl/activeX", (".xml",))])
    facts.form_controls = len(parts.under("xl/ctrlProps", (".xml",)))
    facts.query_tables = len(parts.under("xl/queryTables"))
    steps = (
        ("ribbon", lambda: setattr(facts, "custom_ui", _has_custom_ui(zf, parts))),
        ("external links", lambda: facts.external_links.extend(_external_link_targets(zf, parts))),
        ("connections", lambda: _read_connections(zf, parts, facts)),
        ("Power Query", lambda: setattr(facts, "power_query", facts.power_query or _has_data_mashup(zf, parts))),
        ("hyperlinks", lambda: _read_hyperlinks(zf, parts, facts)),
    )
    for what, step in steps:        # a broken optional part costs its own facts, not the others
        try:
            step()
        except ReadError as exc:
            facts.unread.append(f"{what}: {exc}")
    return facts


def _has_custom_ui(zf: zipfile.ZipFile, parts: PartList) -> bool:
    if parts.get("customUI/customUI.xml") or parts.get("customUI/customUI14.xml"):
        return True
    root_rels = parts.get("_rels/.rels")
    if root_rels is None:
        return False
    return any(kind.endswith(REL_UI) and parts.get(target.lstrip("/")) is not None
               for kind, target, _ in relationships(zf, root_rels))


def _external_link_targets(zf: zipfile.ZipFile, parts: PartList) -> list[str]:
    targets: list[str] = []
    for link in sorted(parts.under("xl/externalLinks")):
        folder, _, base = link.rpartition("/")
        rels = parts.get(f"{folder}/_rels/{base}.rels")
        found = None
        if rels is not None:
            found = next((t for kind, t, _ in relationships(zf, rels)
                          if REL_EXTERNAL_LINK_PATH.lower() in kind.lower() or "xlpathmissing" in kind.lower()
                          or kind.lower().endswith(("/xlstartup", "/xllibrary", "/xlalternatestartup"))), None)
        targets.append(short_target(found) if found else _dde_or_ole_target(zf, link))
    return targets


def _dde_or_ole_target(zf: zipfile.ZipFile, link: str) -> str:
    """An externalLink part without a file target: a DDE or OLE link, named by its application."""
    if not link.lower().endswith(".xml"):
        return "(target unknown)"
    found: list[str] = []

    def on_start(tag, attrs):
        if tag == "ddeLink" and not found:
            found.append(f"DDE/OLE link to {program_name(attrs.get('ddeService', ''))}")
        elif tag == "oleLink" and not found:
            found.append(f"DDE/OLE link to {program_name(attrs.get('progId', ''))}")

    parse_xml(read_part(zf, link), on_start)
    return found[0] if found else "(target unknown)"


_CONNECTION_TYPES = {"1": "ODBC", "2": "DAO", "3": "file database", "4": "web query", "5": "OLE DB",
                     "6": "text import", "7": "ADO recordset", "8": "DSP"}
_PROVIDERS = (                      # our own words for the providers that matter; others stay unnamed
    ("mashup", "Power Query"), ("ace.oledb", "Access database"), ("jet.oledb", "Access database"),
    ("sqloledb", "SQL Server"), ("sqlncli", "SQL Server"), ("msoledbsql", "SQL Server"),
    ("msolap", "Analysis Services"), ("oraoledb", "Oracle"), ("msdaora", "Oracle"), ("msdasql", "ODBC"),
)
_PASSWORD_KEYS = ("pwd", "password", "jet oledb:database password")
_SOURCE_KEYS = ("dbq", "data source", "dsn", "server", "location", "initial catalog")


def connection_string_facts(text: str) -> tuple[str | None, str | None, bool]:
    """(provider in our words, short source, holds a password) of an ODBC/OLE DB string."""
    pairs: dict[str, str] = {}
    for piece in text.split(";"):
        key, eq, value = piece.partition("=")
        if eq:
            pairs.setdefault(key.strip().lower(), value.strip().strip('"'))
    provider_text = (pairs.get("provider", "") + " " + pairs.get("driver", "")).lower()
    provider = next((words for key, words in _PROVIDERS if key in provider_text), None)
    source = next((pairs[k] for k in _SOURCE_KEYS if pairs.get(k)), None)
    if provider == "Power Query":       # its sources are inside the DataMashup, not in this string
        source = None
    has_password = any(pairs.get(k) for k in _PASSWORD_KEYS)
    return provider, (short_target(source) if source else None), has_password


def _read_connections(zf: zipfile.ZipFile, parts: PartList, facts: PackageFacts) -> None:
    xml_part = parts.get("xl/connections.xml")
    if xml_part is not None:
        _read_connections_xml(read_part(zf, xml_part), facts)
    bin_part = parts.get("xl/connections.bin")
    if bin_part is not None:
        data = read_part(zf, bin_part)
        text = data.decode("utf-16-le", "replace")
        provider, source, has_password = connection_string_facts(text)
        facts.connections.append(Connection(kind=provider or "binary (xlsb)", source=source,
                                            password_in_string=has_password))
        facts.power_query = facts.power_query or provider == "Power Query"


def _read_connections_xml(data: bytes, facts: PackageFacts) -> None:
    current: list[Connection] = []

    def on_start(tag, attrs):
        if tag == "connection":
            conn = Connection(kind=_CONNECTION_TYPES.get(attrs.get("type", ""), "data connection"),
                              saved_password=attrs.get("savePassword") in ("1", "true"))
            if attrs.get("sourceFile") or attrs.get("odcFile"):
                conn.source = short_target(attrs.get("sourceFile") or attrs.get("odcFile"))
            current.append(conn)
            facts.connections.append(conn)
        elif not current:
            return
        elif tag == "dbPr":
            provider, source, has_password = connection_string_facts(attrs.get("connection", ""))
            conn = current[-1]
            conn.kind = provider or conn.kind
            conn.source = source or conn.source
            conn.password_in_string = has_password
            facts.power_query = facts.power_query or provider == "Power Query"
        elif tag == "webPr":
            current[-1].kind = "web query"
            current[-1].source = short_target(attrs.get("url", "")) or current[-1].source
        elif tag == "textPr" and attrs.get("sourceFile"):
            current[-1].source = short_target(attrs["sourceFile"])

    parse_xml(data, on_start)


def _has_data_mashup(zf: zipfile.ZipFile, parts: PartList) -> bool:
    """Power Query keeps its queries in a customXml item whose root is DataMashup (often UTF-16)."""
    for name in parts.under("customXml", (".xml",)):
        if "itemprops" in name.lower():
            continue
        head = b""
        for chunk in iter_part(zf, name, SMALL_PART):
            head = chunk[:4096]
            break
        if b"DataMashup" in head or "DataMashup".encode("utf-16-le") in head:
            return True
    return False


def _read_hyperlinks(zf: zipfile.ZipFile, parts: PartList, facts: PackageFacts) -> None:
    hosts: Counter[str] = Counter()
    for rels in parts.under("xl/worksheets/_rels", (".rels",)):
        for kind, target, mode in relationships(zf, rels):
            if not kind.endswith(REL_HYPERLINK) or mode.lower() != "external":
                continue
            short = short_target(target)
            if short.startswith(("http://", "https://", "ftp://")):
                facts.web_hyperlinks += 1
                hosts[short.removesuffix("/…")] += 1        # listed by host
            elif short and not short.startswith("mailto:"):
                facts.file_hyperlinks.append(short)
    facts.hyperlink_hosts = [h for h, _ in hosts.most_common(MAX_LISTED)]


def count_formulas(zf: zipfile.ZipFile, facts: PackageFacts, budget: int = FORMULA_BUDGET,
                   also: tuple[str, ...] = ()) -> None:
    """Count ``<f>`` elements (and HYPERLINK calls) over the worksheets' XML, within a byte budget.

    ``also``: more sheet parts to count (Excel 4 macro sheets: their formulas are the code).
    """
    parts = PartList(zf)
    sheets = set(parts.under("xl/worksheets", (".xml",))) | {p for p in also if p.lower().endswith(".xml")}
    total = 0
    for sheet in sorted(sheets):
        tail = b""
        try:
            for chunk in iter_part(zf, sheet, budget - total + 1):
                total += len(chunk)
                window = tail + chunk
                facts.formulas += len(_FORMULA.findall(window)) - len(_FORMULA.findall(tail))
                facts.formula_hyperlinks += (len(_HYPERLINK_FN.findall(window))
                                             - len(_HYPERLINK_FN.findall(tail)))
                tail = window[-24:]
        except ReadError:
            return                       # over budget or a corrupt sheet: the count stays partial
    facts.formulas_counted = True
