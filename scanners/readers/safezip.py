"""Guarded access to zip packages (OOXML, ODS) and their XML parts.

Every part is streamed in chunks with a cap on the bytes inflated, so a zip
bomb costs at most the cap; XML is parsed with expat and any DOCTYPE is
refused, which rules out entity-expansion bombs and external entities.
"""
from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable, Iterator
from xml.parsers import expat

from ..document import ReadError

CHUNK = 64 * 1024
#: a part declared larger than this, at a ratio above MAX_RATIO, is a bomb
BOMB_SIZE = 256 * 1024 * 1024
#: deflate cannot do much better than ~1030:1; real sheets rarely pass 100:1
MAX_RATIO = 200
#: all parts together may not declare more than this
MAX_TOTAL = 4 * 1024 * 1024 * 1024
MAX_MEMBERS = 100_000


class PartTooLarge(ReadError):
    """A part inflated past the cap its reader allowed."""


class StopParsing(Exception):
    """Raised by a handler once it has what it needs."""


def open_zip(path_or_file) -> zipfile.ZipFile:
    """Open a zip package; anything wrong with it is a ReadError."""
    try:
        zf = zipfile.ZipFile(path_or_file)
    except zipfile.BadZipFile as exc:
        raise ReadError("truncated zip" if "directory" in str(exc) else "not a zip file") from None
    except (OSError, EOFError, ValueError, NotImplementedError, OverflowError):
        raise ReadError("unreadable zip") from None
    check_bomb(zf)
    return zf


def check_bomb(zf: zipfile.ZipFile) -> None:
    """Refuse a package whose central directory declares a bomb."""
    members = zf.infolist()
    if len(members) > MAX_MEMBERS:
        zf.close()
        raise ReadError("zip bomb: too many parts")
    total = 0
    for info in members:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > BOMB_SIZE and ratio > MAX_RATIO:
            zf.close()
            raise ReadError("zip bomb: part declares %d MB at ratio %d" % (info.file_size >> 20, ratio))
    if total > MAX_TOTAL:
        zf.close()
        raise ReadError("zip bomb: parts declare %d MB" % (total >> 20))


class PartIndex:
    """Lookup of part names ignoring case and backslashes (producers disagree on both)."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        self.names = {n.replace("\\", "/").lower(): n for n in zf.namelist() if not n.endswith(("/", "\\"))}

    def find(self, name: str) -> str | None:
        return self.names.get(name.replace("\\", "/").lstrip("/").lower())

    def size(self, name: str) -> int:
        return self.zf.getinfo(name).file_size


def iter_part(zf: zipfile.ZipFile, name: str, max_bytes: int) -> Iterator[bytes]:
    """Inflate one part chunk by chunk; PartTooLarge past ``max_bytes``."""
    seen = 0
    try:
        with zf.open(name) as stream:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    return
                seen += len(chunk)
                if seen > max_bytes:
                    raise PartTooLarge("zip bomb: part inflates past %d MB" % (max_bytes >> 20))
                yield chunk
    except zipfile.BadZipFile as exc:
        if "CRC" in str(exc):
            return  # raised after the last chunk: the data was all there, keep it
        raise ReadError("corrupt zip part") from None
    except (zlib.error, EOFError):
        raise ReadError("corrupt zip part") from None
    except (NotImplementedError, RuntimeError):  # unsupported compression, encrypted member
        raise ReadError("unsupported zip part") from None
    except OSError:
        raise ReadError("unreadable zip part") from None


def local(name: str) -> str:
    """A name without its namespace prefix ("x:row" -> "row")."""
    return name[name.find(":") + 1:]


class XmlRefused(ReadError):
    """A part declares a DOCTYPE or entities (how XML bombs start)."""


def _refuse_doctype(*_args) -> None:
    raise XmlRefused("XML with DOCTYPE refused")


def parse_part(
    zf: zipfile.ZipFile,
    name: str,
    start: Callable[[str, dict], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
    max_bytes: int = 64 * 1024 * 1024,
) -> int | None:
    """Stream one XML part through expat callbacks.

    Names reach the callbacks as written, prefix included ("row", "x:row"):
    handlers compare ``local(name)``.  Namespaces are not resolved (it is
    faster, and parts are told apart by their role, not their namespace).

    Returns None when the whole part was parsed, or the byte offset where a
    handler raised StopParsing.  Bad XML raises ReadError, a DOCTYPE XmlRefused,
    inflating past ``max_bytes`` PartTooLarge.
    """
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        for chunk in iter_part(zf, name, max_bytes):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except StopParsing:
        return parser.CurrentByteIndex
    except expat.ExpatError:
        raise ReadError("bad XML in %s" % name.rpartition("/")[2][:60]) from None
    except RecursionError:
        raise ReadError("XML nested too deep") from None
    except (LookupError, UnicodeError):
        raise ReadError("XML in an unknown encoding") from None
    return None


def attr(attrs: dict, wanted: str) -> str | None:
    """An attribute by local name, whatever namespace it carries."""
    value = attrs.get(wanted)
    if value is not None:
        return value
    for key, value in attrs.items():
        if local(key) == wanted:
            return value
    return None
