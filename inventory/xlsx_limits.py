"""How big a workbook is, counted before openpyxl parses it (the imports' first check).

openpyxl reads every row of a sheet, blank or not, and fills the gaps between
numbered rows: a 4.7 MB sheet of a million blank rows, or a few kilobytes
naming row 1,048,576, costs seconds of CPU before a caller can skip a single
blank; a 237 KB file of 5.5 million shared strings took 48 s and 746 MB.
:func:`check_workbook` streams each XML part of the zip once, in chunks,
counting row elements, the highest row number and the shared strings, and
stops at the first limit passed, so a refused file costs at most the bytes
up to the limit.  The ``<dimension>`` and ``<sst count>`` attributes are not
trusted: they are written by whoever made the file.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

CHUNK = 64 * 1024
#: a row element (any namespace prefix) and, when it has one, its row number
ROW = re.compile(rb"<(?:\w+:)?row(?=[\s>/])(?:[^>]{0,900}?\sr=[\"'](\d{1,9})[\"'])?")
#: a shared string (``<si>`` of sharedStrings.xml, any namespace prefix)
SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s>/]")
OVERLAP = 1024        # longer than a row tag up to its number (at most 900 bytes looked at)


class WorkbookTooLarge(ValueError):
    """A part of the workbook passes a limit: ``what`` is "rows" or "shared_strings"."""

    def __init__(self, what: str, part: str, bytes_read: int):
        super().__init__(f"{part}: too many {what}")
        self.what, self.part, self.bytes_read = what, part, bytes_read


@dataclass
class WorkbookSize:
    """What the check counted: rows of the largest sheet, shared strings, bytes decompressed."""
    rows: int = 0
    shared_strings: int = 0
    bytes_read: int = 0


def check_workbook(data: bytes, max_rows: int, max_shared_strings: int) -> WorkbookSize:
    """Count ``data``'s rows per part and its shared strings; raise :class:`WorkbookTooLarge`
    past ``max_rows`` (row elements or the highest row number) or ``max_shared_strings``.

    ``data`` must be a zip (callers check that, and the declared unpacked size, first)."""
    size = WorkbookSize()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.filename.endswith(".xml"):
                try:
                    with archive.open(info) as part:
                        _count_part(part, info.filename, size, max_rows, max_shared_strings)
                except zlib.error:
                    raise zipfile.BadZipFile(f"{info.filename}: damaged") from None
    return size


def _count_part(part, name: str, size: WorkbookSize, max_rows: int, max_strings: int) -> None:
    """Stream one part: a tag starting in the last OVERLAP bytes of a chunk is counted with
    the next chunk, whole (so a row number cut in two is never missed)."""
    rows, pending = 0, b""
    while True:
        chunk = part.read(CHUNK)
        size.bytes_read += len(chunk)
        text = pending + chunk
        end = max(0, len(text) - OVERLAP) if chunk else len(text)
        for found in ROW.finditer(text):
            if found.start() >= end:
                break
            rows = max(rows + 1, int(found.group(1) or 0))
            if rows > max_rows:
                raise WorkbookTooLarge("rows", name, size.bytes_read)
        for found in SHARED_STRING.finditer(text):
            if found.start() >= end:
                break
            size.shared_strings += 1
            if size.shared_strings > max_strings:
                raise WorkbookTooLarge("shared_strings", name, size.bytes_read)
        size.rows = max(size.rows, rows)
        if not chunk:
            return
        pending = text[end:]
