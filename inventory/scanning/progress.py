"""A one-line progress display on standard error for long scans."""
from __future__ import annotations

import sys
import time
import unicodedata

from inventory import catalogue


def display_width(text: str) -> int:
    """Columns a string takes on a terminal (full-width characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit(text: str, width: int, keep_end: bool = True) -> str:
    """Cut a string to ``width`` terminal columns, keeping its end (the deepest folder) or start."""
    if display_width(text) <= width:
        return text
    out, used = [], 1
    for ch in (reversed(text) if keep_end else text):
        used += display_width(ch)
        if used > width:
            break
        out.append(ch)
    return "…" + "".join(reversed(out)) if keep_end else "".join(out) + "…"


class Progress:
    """Files seen, files done, files/s and the current folder, redrawn at most 10 times a second."""

    def __init__(self, stream=None, enabled: bool | None = None, width: int = 100, lang: str | None = None):
        self.stream = stream or sys.stderr
        #: "12/40 files  3.1 files/s  " in the scan's language
        self.head = catalogue.gettext("%(done)s/%(seen)s files  %(rate)s files/s  ", lang)
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.width = width
        self.seen = self.done = 0
        self.folder = ""
        self.start = time.monotonic()
        self._last = 0.0

    def candidate(self, cand) -> None:
        self.seen += 1
        self.folder = cand.path.rpartition("/")[0]
        self._draw()

    def record(self, record: dict) -> None:
        self.done += 1
        self._draw()

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.1:
            return
        self._last = now
        rate = self.done / max(now - self.start, 1e-6)
        head = self.head % {"done": f"{self.done:,}", "seen": f"{self.seen:,}", "rate": f"{rate:,.1f}"}
        line = head + fit(self.folder or ".", max(10, self.width - display_width(head)))
        self.stream.write("\r\x1b[K" + line)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()
