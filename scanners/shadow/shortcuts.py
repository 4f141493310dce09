"""Shortcuts to unsanctioned cloud storage: .url/.website, .webloc, .desktop and .lnk.

The targets are read with small bounded parsers (a .lnk parser for the
Windows Shell Link format, [MS-SHLLINK], is here too).  A finding names the
service, never the link.
"""
from __future__ import annotations

import re
import struct
from urllib.parse import urlsplit
from xml.parsers.expat import ExpatError

from ..document import ReadError
from ..record import risk
from .catalogue import default_catalogue
from .paths import sync_client_in_path
from .scripts import decode_script

MAX_SHORTCUT_BYTES = 256 * 1024
MAX_TARGETS = 128

LNK_HEADER_SIZE = 0x4C
LNK_CLSID = bytes.fromhex("0114020000000000c000000000000046")
HAS_ID_LIST, HAS_LINK_INFO, IS_UNICODE = 0x01, 0x02, 0x80
STRING_FLAGS = (0x04, 0x08, 0x10, 0x20, 0x40)   # name, relative path, working dir, arguments, icon
ENVIRONMENT_BLOCK = 0xA0000001

_URL_IN_TEXT = re.compile(r"""\b(?:https?|ftps?|webdavs?)://[^\s"'<>]+""", re.IGNORECASE)
_INI_URL = re.compile(r"^\s*URL\s*=\s*(\S.*?)\s*$", re.IGNORECASE | re.MULTILINE)
_DESKTOP_LINE = re.compile(r"^\s*(?:URL|Exec|Path)\s*=\s*(\S.*?)\s*$", re.IGNORECASE | re.MULTILINE)
_UNC_HOST = re.compile(r"""^\\\\([^\\/\s]+)""")
_PRINTABLE_RUN = re.compile(r"[^\x00-\x1f\x7f-\x9f\ufffd]{3,}")


def shortcut_risks(path: str, name: str) -> list[dict]:
    """``cloud-storage-link`` when a shortcut points at unsanctioned cloud storage or a sync folder."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_SHORTCUT_BYTES)
    except OSError:
        raise ReadError("cannot read file") from None
    return cloud_link_risks(shortcut_targets(data, name))


def shortcut_targets(data: bytes, name: str) -> list[str]:
    """The URLs and paths a shortcut's bytes point at (raises ReadError when malformed)."""
    ext = name.rpartition(".")[2].lower()
    if ext == "lnk":
        return lnk_targets(data)
    if ext == "webloc":
        import plistlib              # only for .webloc files: kept out of every scan's start-up

        try:
            plist = plistlib.loads(data)
        except (plistlib.InvalidFileException, ExpatError, ValueError, TypeError, KeyError,
                IndexError, OverflowError, UnicodeDecodeError, struct.error, RecursionError):
            raise ReadError("malformed webloc") from None
        url = plist.get("URL") if isinstance(plist, dict) else None
        return [url] if isinstance(url, str) else []
    text = decode_script(data)
    line_rx = _DESKTOP_LINE if ext == "desktop" else _INI_URL
    targets = [m.group(1) for m in line_rx.finditer(text)][:MAX_TARGETS]
    return targets + [u for t in targets if not t.lower().startswith(("http", "ftp"))
                      for u in _URL_IN_TEXT.findall(t)]


def cloud_link_risks(targets: list[str]) -> list[dict]:
    """One ``cloud-storage-link`` per service the targets lead to."""
    cat = default_catalogue()
    services: list[str] = []
    for target in targets[:MAX_TARGETS]:
        service = None
        for url in _URL_IN_TEXT.findall(target) or [target]:
            host = _host_of(url)
            if host and (service := cat.service_of_host(host)):
                break
        if service:
            service = f"{service} へのリンク"
        elif client := sync_client_in_path(target):
            service = f"{client} の同期フォルダへのショートカット"
        if service and service not in services:
            services.append(service)
    return [risk("cloud-storage-link", f"クラウドストレージ {s}（リンク先の URL は記録していません）") for s in services]


def _host_of(target: str) -> str | None:
    m = _UNC_HOST.match(target)
    if m:                                        # \\d.docs.live.net@SSL\... (WebDAV)
        return m.group(1).split("@", 1)[0]
    if "://" not in target:
        return None
    try:
        return urlsplit(target.strip()).hostname
    except ValueError:
        return None


# ---------------------------------------------------------------- .lnk

def lnk_targets(data: bytes) -> list[str]:
    """Target path, network path, arguments and environment target of a Shell Link."""
    if len(data) < LNK_HEADER_SIZE or data[:4] != struct.pack("<I", LNK_HEADER_SIZE) \
            or data[4:20] != LNK_CLSID:
        raise ReadError("not a shell link")
    try:
        return _lnk_parts(data)
    except (struct.error, IndexError, ValueError):
        raise ReadError("malformed shell link") from None


def _lnk_parts(data: bytes) -> list[str]:
    (flags,) = struct.unpack_from("<I", data, 0x14)
    at = LNK_HEADER_SIZE
    targets: list[str] = []
    id_list: list[str] = []
    if flags & HAS_ID_LIST:
        (size,) = struct.unpack_from("<H", data, at)
        id_list = _id_list_strings(data[at + 2:at + 2 + size])
        at += 2 + size
    if flags & HAS_LINK_INFO:
        (size,) = struct.unpack_from("<I", data, at)
        targets += _link_info(data[at:at + size])
        at += size
    wide = bool(flags & IS_UNICODE)
    for flag in STRING_FLAGS:
        if flags & flag:
            (count,) = struct.unpack_from("<H", data, at)
            width = 2 if wide else 1
            raw = data[at + 2:at + 2 + count * width]
            if len(raw) < count * width:
                raise ValueError("string data runs past the end")
            targets.append(raw.decode("utf-16-le" if wide else "cp932", errors="replace"))
            at += 2 + count * width
    targets += _environment_target(data, at)
    return [t for t in targets + id_list if t.strip()]


def _link_info(info: bytes) -> list[str]:
    """LocalBasePath (+ suffix) and the network share name (+ suffix) of a LinkInfo structure."""
    header_size, link_flags, _, local_off, net_off, suffix_off = struct.unpack_from("<IIIIII", info, 4)
    suffix = _c_string(info, suffix_off)
    if header_size >= 0x24:
        _local_wide, suffix_wide = struct.unpack_from("<II", info, 0x1C)
        if suffix_wide:
            suffix = _c_wstring(info, suffix_wide)
    out = []
    if link_flags & 1 and local_off:
        out.append(_join(_c_string(info, local_off), suffix))
    if link_flags & 2 and net_off:
        (name_off,) = struct.unpack_from("<I", info, net_off + 8)
        out.append(_join(_c_string(info, net_off + name_off), suffix))
    return out


def _environment_target(data: bytes, at: int) -> list[str]:
    """TargetUnicode (else TargetAnsi) of the EnvironmentVariableDataBlock, if present."""
    for _ in range(64):
        if at + 8 > len(data):
            break
        size, signature = struct.unpack_from("<II", data, at)
        if size < 8:
            break
        if signature == ENVIRONMENT_BLOCK and size >= 0x314:
            wide = data[at + 268:at + 788].decode("utf-16-le", errors="replace").split("\0", 1)[0]
            return [wide or _c_string(data[at + 8:at + 268], 0)]
        at += size
    return []


def _id_list_strings(id_list: bytes) -> list[str]:
    """Printable runs (UTF-16LE at either alignment, and ASCII) of an ItemIDList: best effort.

    Shell items hold long folder names and URLs in UTF-16LE at offsets that
    vary by Windows version; runs are enough to match folder names and URLs.
    """
    runs: list[str] = []
    for parity in (0, 1):
        body = id_list[parity:]
        body = body[:len(body) - len(body) % 2]
        runs += _PRINTABLE_RUN.findall(body.decode("utf-16-le", errors="replace"))
    runs += [r.decode("ascii") for r in re.findall(rb"[\x20-\x7e]{3,}", id_list)]
    return runs[:MAX_TARGETS]


def _c_string(data: bytes, at: int) -> str:
    end = data.find(b"\0", at)
    return data[at:end if end >= 0 else len(data)].decode("cp932", errors="replace")


def _c_wstring(data: bytes, at: int) -> str:
    end = at
    while end + 1 < len(data) and data[end:end + 2] != b"\0\0":
        end += 2
    return data[at:end].decode("utf-16-le", errors="replace")


def _join(base: str, suffix: str) -> str:
    if not suffix:
        return base
    return base.rstrip("\\") + "\\" + suffix
