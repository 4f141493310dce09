"""Structural check of an OLE (CFB) container before python-calamine opens it.

calamine's CFB reader sizes its buffers from header fields and sector ids
(``Vec::with_capacity(len)``, ``resize((id + 1) * sector_size)``): a 25 kB
fuzzed xls with one wild sector id makes it allocate 4 GB and abort the
whole process, which no ``except`` can catch.  This module walks the same
structures in Python and refuses any id, length or chain that points outside
the file, so such files become a ReadError instead.
"""
from __future__ import annotations

import mmap
import os
import struct

from ..document import ReadError

FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
MINI_SECTOR = 64
MINI_CUTOFF = 4096
#: how far past the end of the file an id or a declared length may point
#: before the buffer calamine would allocate for it becomes dangerous
SLACK = 64 << 20
_STREAM, _ROOT = 2, 5


def check_cfb(source: str | bytes) -> None:
    """Raise ReadError when the container (a path, or the file's bytes) would send calamine
    outside the file."""
    size = len(source) if isinstance(source, bytes) else os.path.getsize(source)
    if size < 512:
        raise ReadError("corrupt OLE: truncated header")
    if isinstance(source, bytes):
        _Container(source, size).check()
        return
    with open(source, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        _Container(data, size).check()


class _Container:
    def __init__(self, data, size: int):
        self.data = data
        shift = struct.unpack_from("<H", data, 30)[0]
        if shift not in (9, 12) or struct.unpack_from("<H", data, 32)[0] != 6:
            raise ReadError("corrupt OLE: bad sector size")
        self.sector = 1 << shift
        self.count = max(0, -(-(size - self.sector) // self.sector))  # sectors after the header
        self.size = size
        self.max_sid = self.count + SLACK // self.sector

    def _fail(self, what: str):
        raise ReadError("corrupt OLE: %s" % what)

    def _sector(self, sid: int) -> bytes:
        if sid >= self.max_sid:
            self._fail("sector outside file")
        start = (sid + 1) * self.sector
        return self.data[start:start + self.sector]

    def _u32s(self, raw: bytes) -> list[int]:
        return list(struct.unpack("<%dI" % (len(raw) // 4), raw[: len(raw) // 4 * 4]))

    def check(self) -> None:
        (dir_len, fat_len, dir_start) = struct.unpack_from("<III", self.data, 40)
        (mini_start, mini_len, difat_start, difat_len) = struct.unpack_from("<IIII", self.data, 60)
        for what, count in (("directory", dir_len), ("FAT", fat_len), ("mini FAT", mini_len),
                            ("DIFAT", difat_len)):
            if count * self.sector > self.size + SLACK:
                self._fail("%s larger than file" % what)
        fats = self._load_fat(difat_start)
        directory = self._chain(dir_start, fats, self.max_sid)
        entries = [self._entry(directory[i:i + 128]) for i in range(0, len(directory) - 127, 128)]
        if not entries:
            self._fail("empty directory")
        _, _, root_start, root_len = entries[0]
        if root_len > self.size + SLACK:
            self._fail("mini stream larger than file")
        # calamine follows both chains whatever the declared lengths say
        mini_bytes = len(self._walk(root_start, fats, self.max_sid)) * self.sector
        mini_fats = self._u32s(self._chain(mini_start, fats, self.max_sid))
        for kind, name, start, length in entries[1:]:
            if kind != _STREAM and name not in ("Workbook", "Book"):
                continue
            if length > self.size + SLACK:
                self._fail("stream larger than file")
            if length == 0:
                continue
            if length < MINI_CUTOFF:
                self._walk(start, mini_fats, (mini_bytes + SLACK) // MINI_SECTOR)
            else:
                self._walk(start, fats, self.max_sid)

    def _load_fat(self, difat_start: int) -> list[int]:
        difat = self._u32s(self.data[76:512])
        sid, steps = difat_start, 0
        while sid not in (FREESECT, ENDOFCHAIN):
            steps += 1
            if steps > self.max_sid:
                self._fail("DIFAT chain loops")
            difat.extend(self._u32s(self._sector(sid)))
            sid = difat.pop()
        fats: list[int] = []
        for sid in difat:
            if sid != FREESECT:
                fats.extend(self._u32s(self._sector(sid)))
        return fats

    def _walk(self, sid: int, fats: list[int], limit: int) -> list[int]:
        """Sector ids of a chain; fails on ids out of range and on loops."""
        ids: list[int] = []
        while sid not in (ENDOFCHAIN, FREESECT):
            if sid >= limit or sid >= len(fats) or len(ids) > limit:
                self._fail("bad sector chain")
            ids.append(sid)
            sid = fats[sid]
        return ids

    def _chain(self, sid: int, fats: list[int], limit: int) -> bytes:
        return b"".join(self._sector(s) for s in self._walk(sid, fats, limit))

    def _entry(self, raw: bytes) -> tuple[int, str, int, int]:
        name_len = min(struct.unpack_from("<H", raw, 64)[0], 64)
        name = raw[: max(name_len - 2, 0)].decode("utf-16-le", "replace")
        kind = raw[66]
        start = struct.unpack_from("<I", raw, 116)[0]
        if self.sector == 512:
            length = struct.unpack_from("<I", raw, 120)[0]
        else:
            length = struct.unpack_from("<Q", raw, 120)[0]
        return kind, name, start, length
