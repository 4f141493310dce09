"""The one scan loop: walk and inspect the roots, hand every record on to sinks.

``inventory scan`` (local and ``--post``), ``inventory demo`` and the tasks of a
distributed scan all scan through :func:`scan_into`; what differs is where the
records go, and that is a list of sinks (:mod:`inventory.scanning.sinks`: JSON
lines, the table summary, the registry, the remote scanner's spool; the
partition sink of :mod:`inventory.scanning.distributed`).

A sink is told four things, in this order::

    open(options)      before the first record, in the sinks' order (a registry sink
                       begins its run)
    add(record)        each record, in walk order, to each sink in the sinks' order
    close(summary)     after the last record or an error, in the reverse order (the
                       output first, then a registry run is finished or a spool sent)
    report(summary)    once every sink is closed and the state cache too, in the
                       sinks' order (lines for a person on standard error)

``close`` and ``report`` are called however the scan ends (``summary.finished``
is False after Ctrl-C, SIGTERM or an error, which is then raised again), so
that a registry run ends partial and a spool is kept rather than lost.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scanners.pool import DEFAULT_TIMEOUT

from inventory import catalogue, details
from inventory.scanning.progress import Progress


@dataclass(frozen=True)
class ScanOptions:
    """What to scan and how: the options of ``inventory scan`` that are not about the output."""

    roots: tuple[str, ...]
    #: inspecting processes (None: one per core; 0: in this process, no time limit)
    workers: int | None = None
    timeout: float = DEFAULT_TIMEOUT
    exclude: tuple[str, ...] = ()
    #: also recognise business apps and shadow IT (False: personal data only)
    apps: bool = True
    #: the incremental state cache (None: no cache, every file is read)
    state_path: str | os.PathLike | None = None
    #: read every file even with a state cache, and rewrite the cache
    full: bool = False
    #: seconds to wait before reading each file
    throttle: float = 0.0
    #: the progress line on standard error (None: when it is a terminal)
    progress: bool | None = None
    #: language of what a person reads (the table, the progress line, messages on standard
    #: error; inventory.catalogue): "ja" or "en", None: $INVENTORY_LANG, else Japanese
    lang: str | None = None


@dataclass
class ScanSummary:
    """How a scan went, as the sinks are closed: ``finished`` when it got to its end."""

    records: int = 0
    finished: bool = False
    error: BaseException | None = None
    #: folders the walk could not list: their files were not seen (not removed)
    unlisted: list[str] = field(default_factory=list)
    #: the (closed) state cache of an incremental scan, with its counts
    state: object | None = None


class Sink:
    """Where records go; the methods do nothing unless a sink needs them (module docstring)."""

    #: takes an unchanged file's record as its JSON line (scanners.state.Carried); a scan
    #: whose sinks all do spares parsing those lines back into dicts
    lines = False

    def open(self, options: ScanOptions) -> None:
        pass

    def add(self, record) -> None:
        pass

    def close(self, summary: ScanSummary) -> None:
        pass

    def report(self, summary: ScanSummary) -> None:
        pass


def scan_into(options: ScanOptions, sinks: Sequence[Sink],
              records: Iterable | None = None) -> ScanSummary:
    """Scan ``options.roots`` (or take ``records``, a partition's) into ``sinks``; the summary.

    An error while scanning or writing closes the sinks (``summary.finished`` False) and is
    raised again."""
    summary = ScanSummary()
    bar = Progress(enabled=options.progress, lang=options.lang)
    state = open_state(options.state_path)
    opened: list[Sink] = []
    try:
        for sink in sinks:
            sink.open(options)
            opened.append(sink)
        if records is None:
            records = scan_records(options, bar, state, summary.unlisted,
                                   lines=all(sink.lines for sink in sinks))
        for record in records:
            for sink in sinks:
                sink.add(record)
            summary.records += 1
        summary.finished = True
        bar.close()
    except BaseException as exc:
        summary.error = exc
        raise
    finally:
        _end(opened, summary, state)
    return summary


def scan_records(options: ScanOptions, bar: Progress, state, unlisted: list[str], lines: bool):
    """The records of the roots (scanners.scan.scan_roots), drawing ``bar``."""
    from scanners.scan import scan_roots

    return scan_roots(options.roots, workers=options.workers, timeout=options.timeout,
                      exclude=options.exclude, on_candidate=bar.candidate, on_done=bar.record,
                      apps=options.apps, state=state, full=options.full, throttle=options.throttle,
                      on_walk_error=lambda where, exc: _unlisted(unlisted, where, exc), lines=lines)


def walk_warning(where: str, exc: OSError) -> str:
    """The line printed for a folder a walk could not list, in the language of what is printed
    (the scanner reports it, and its reason, in its own English: scanners.walk.walk_warning)."""
    reason = details.render_error(exc.strerror or type(exc).__name__, "error")
    return catalogue.gettext("Warning: the folder %(folder)s could not be listed: %(reason)s") % {
        "folder": where, "reason": reason}


def _unlisted(unlisted: list[str], where: str, exc: OSError) -> None:
    print(walk_warning(where, exc), file=sys.stderr)
    unlisted.append(where)


def _end(sinks: list[Sink], summary: ScanSummary, state) -> None:
    """Close every sink (last first), then the state cache, then let every sink report; an
    error of one sink does not keep the others open (the first is raised at the end)."""
    failures = [_call(sink.close, summary) for sink in reversed(sinks)]
    if state is not None:
        state.close()
        summary.state = state
    failures += [_call(sink.report, summary) for sink in sinks]
    failure = next((f for f in failures if f is not None), None)
    if failure is not None:
        raise failure


def _call(method, summary: ScanSummary) -> BaseException | None:
    try:
        method(summary)
    except BaseException as exc:        # noqa: BLE001 (raised by _end once all are closed)
        return exc
    return None


def open_state(path):
    """The state cache of an incremental scan (None: no cache)."""
    if path is None:
        return None
    from scanners.state import ScanState

    return ScanState(path)


def default_state_path() -> Path:
    """``$INVENTORY_SCAN_STATE``, else scan-state.db in the instance folder
    (``$INVENTORY_INSTANCE_PATH``, else ./instance, beside the embedded registry)."""
    named = os.environ.get("INVENTORY_SCAN_STATE")
    if named:
        return Path(named)
    return Path(os.environ.get("INVENTORY_INSTANCE_PATH") or Path.cwd() / "instance") / "scan-state.db"
