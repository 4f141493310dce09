"""Counters of the work a reader does, for tests that guard bounded work.

A time in a unit test fails on a loaded machine; a count does not.  These wrap the real
objects (the file a module opens, a real function, a real compiled pattern) and count
what passes through them: the code under test runs unchanged.  The times themselves are
figures of ``make bench`` (bench/guards.py).
"""
from __future__ import annotations

import builtins
import functools
import zipfile
from dataclasses import dataclass, field


@dataclass
class OpenedFile:
    """What one opened file gave: read calls, bytes, the largest single read."""

    path: str
    reads: int = 0
    bytes: int = 0
    largest: int = 0

    def tally(self, data) -> None:
        self.reads += 1
        self.bytes += len(data)
        self.largest = max(self.largest, len(data))


@dataclass
class ReadTally:
    """Every file a module opened, in order."""

    files: list[OpenedFile] = field(default_factory=list)

    @property
    def bytes(self) -> int:
        return sum(f.bytes for f in self.files)


class CountingFile:
    """A real file object whose reads are counted; everything else goes straight to it."""

    def __init__(self, real, opened: OpenedFile):
        self._real, self._opened = real, opened

    def read(self, size: int = -1):
        data = self._real.read(size)
        self._opened.tally(data)
        return data

    def readinto(self, buffer) -> int:
        n = self._real.readinto(buffer)
        self._opened.tally(memoryview(buffer)[:n or 0])
        return n

    def __getattr__(self, name: str):
        return getattr(self._real, name)

    def __iter__(self):
        for line in self._real:
            self._opened.tally(line)
            yield line

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._real.close()


def count_reads(monkeypatch, module) -> ReadTally:
    """Count what ``module`` reads through ``open`` (the builtin, shadowed in that module only)."""
    tally = ReadTally()

    def counting_open(file, *args, **kwargs):
        opened = OpenedFile(str(file))
        tally.files.append(opened)
        return CountingFile(builtins.open(file, *args, **kwargs), opened)

    monkeypatch.setattr(module, "open", counting_open, raising=False)
    return tally


def count_part_reads(monkeypatch) -> ReadTally:
    """Count the parts any zip package opens and the bytes inflated from each."""
    tally = ReadTally()
    real_open = zipfile.ZipFile.open

    def counting_open(self, name, mode="r", *args, **kwargs):
        stream = real_open(self, name, mode, *args, **kwargs)
        if mode != "r":
            return stream
        opened = OpenedFile(name if isinstance(name, str) else name.filename)
        tally.files.append(opened)
        return CountingFile(stream, opened)

    monkeypatch.setattr(zipfile.ZipFile, "open", counting_open)
    return tally


def count_calls(monkeypatch, owner, name: str) -> list:
    """Record the arguments of every call of ``owner.name`` and still call the real one."""
    calls: list = []
    real = getattr(owner, name)

    @functools.wraps(real)
    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


class CountingPattern:
    """A real compiled pattern that records the length of every text it searches."""

    def __init__(self, real, lengths: list[int]):
        self._real, self._lengths = real, lengths

    def search(self, text, *args):
        self._lengths.append(len(text))
        return self._real.search(text, *args)

    def finditer(self, text, *args):
        self._lengths.append(len(text))
        return self._real.finditer(text, *args)

    def __getattr__(self, name: str):
        return getattr(self._real, name)
