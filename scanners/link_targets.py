"""Link targets as the registry may show them: where a link goes, never what it names.

A hyperlink, linked workbook or connection points at a file whose name is
often a value (``…/山田太郎_090-xxxx.pdf``), in folders named after people
(``C:\\Users\\<name>\\…``).  What is kept is the kind of place: the scheme and
host of a URL, the server of a UNC path, the drive of a local path, and the
file type (``*.xlsx``).  ``"\\\\fs01\\共有\\山田.xlsx" -> "\\\\fs01\\…\\*.xlsx"``,
``"https://example.com/a?id=1" -> "https://example.com/…"``.
"""
from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

#: what stands for every folder and file name that was left out
ELIDED = "…"
UNKNOWN = "(target unknown)"

#: extensions that make a bare name a file rather than a server or DSN (``db01.city.local``)
FILE_TYPES = frozenset(
    "xls xlsx xlsm xlsb xlt xltx xltm xla xlam csv tsv txt prn dat dbf mdb mde accdb accde accdr "
    "ods odt odb doc docx docm rtf pdf htm html xml json sql db sqlite udl dsn odc iqy oqy bak "
    "zip lzh exe bat cmd ps1 vbs jpg png".split())
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_DRIVE = re.compile(r"^([A-Za-z]):")
_EXTENSION = re.compile(r"\.([A-Za-z][A-Za-z0-9]{0,5})$")
#: a bare server, DSN or host name (no folder, no extension): a place, kept
_HOST_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]{0,30}(\.[A-Za-z0-9_\-]{1,30}){0,4}$")


def masked_target(target: str) -> str:
    """The target of a link with every path part and file name masked (see the module docstring)."""
    text = "".join(ch for ch in unquote(target or "") if ch.isprintable()).strip()
    scheme = _SCHEME.match(text)
    if scheme and len(scheme.group(1)) > 1:     # not a drive letter
        name = scheme.group(1).lower()
        if name == "mailto":
            return "mailto: (an e-mail address)"
        if name != "file":
            return _url(name, text)
        rest = text[len("file:"):]
        text = rest if rest.startswith("//") and rest[2:3] != "/" else rest.lstrip("/")   # UNC host kept
    return masked_path(text)


def _url(scheme: str, text: str) -> str:
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError:
        return f"{scheme}:"
    if not host:
        return f"{scheme}:"
    more = ELIDED if (parts.path.strip("/") or parts.query or parts.fragment) else ""
    return f"{scheme}://{host}/{more}"[:80] if more else f"{scheme}://{host}"[:80]


def masked_path(text: str) -> str:
    """A Windows or POSIX path as its server or drive and its file type: ``C:\\…\\*.xlsx``."""
    parts = [p for p in re.split(r"[\\/]+", text or "") if p.strip()]
    if not parts:
        return UNKNOWN
    name = masked_file_name(parts[-1])
    if text.startswith(("\\\\", "//")) and len(parts) > 1:
        return f"\\\\{_server(parts[0])}\\{ELIDED}\\{name}"
    drive = _DRIVE.match(text)
    if drive:
        return f"{drive.group(1).upper()}:\\{ELIDED}\\{name}" if len(parts) > 1 else f"{drive.group(1).upper()}:\\"
    if len(parts) == 1 and _HOST_NAME.match(parts[0]) and not _is_file_name(parts[0]):
        return _bare_name(parts[0])
    sep = "/" if "/" in text and "\\" not in text else "\\"
    return name if len(parts) == 1 else f"{ELIDED}{sep}{name}"


def _is_file_name(name: str) -> bool:
    ext = _EXTENSION.search(name)
    return ext is not None and ext.group(1).lower() in FILE_TYPES


def masked_file_name(name: str) -> str:
    """A file name as its type only: ``名簿.xlsx -> *.xlsx``; no extension: ``*``."""
    ext = _EXTENSION.search(name.strip())
    return f"*.{ext.group(1).lower()}" if ext and ext.start() > 0 else "*"


def _server(name: str) -> str:
    """A UNC server kept when it is a host name; a PC named after its user (``\\\\杨继明``) is masked."""
    return _bare_name(name) if _HOST_NAME.match(name) else "*"


def _bare_name(name: str) -> str:
    """A server or DSN name is kept, unless it reads as a person's name (``Tanaka``)."""
    from .detectors.sheet_names import personal_kind

    return "*" if personal_kind(name) else name
