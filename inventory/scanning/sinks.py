"""Where the records of a scan go (:func:`inventory.scanning.loop.scan_into`).

- :class:`JsonlSink`: one record per line, to a file or standard output;
- :class:`TableSink`: the human summary (``--format table``);
- :class:`StateLine`: the line on the state cache's counts (standard error);
- :class:`RegistrySink`: into the registry as one scan run, linked to a share;
- :class:`RemoteSink`: into a local spool that a thread sends to the registry's API
  (the remote scanner; the partition sink of :mod:`inventory.scanning.distributed` is one too).

Messages for a person go to standard error, the records or the table to the output; they are
in the scan's language (``ScanOptions.lang``, through :mod:`inventory.catalogue`).
"""
from __future__ import annotations

import json
import os
import sys
import time

import click

from scanners.walk import is_smb_root

from inventory import catalogue
from inventory.scanning.loop import ScanOptions, ScanSummary, Sink


class _OutputSink(Sink):
    """A sink that writes text to ``output`` (a file name) or to standard output.

    Names are decoded by the walk (scanners.walk.shown_name), but a ROOT given in bytes
    that are not UTF-8 still holds lone surrogates, and standard output may not be UTF-8:
    what cannot be encoded is written as backslash escapes, never a crash at the first record.
    """

    def __init__(self, output: str | os.PathLike | None = None):
        self.output = output
        self.out = None

    def open(self, options: ScanOptions) -> None:
        if self.output:
            self.out = open(self.output, "w", encoding="utf-8", errors="backslashreplace", newline="\n")
        else:
            self.out = lenient(sys.stdout)

    def close(self, summary: ScanSummary) -> None:
        if self.output and self.out is not None:
            self.out.close()


def lenient(stream):
    """``stream`` writing what it cannot encode as backslash escapes."""
    try:
        stream.reconfigure(errors="backslashreplace")
    except (AttributeError, ValueError):     # not a text file of io's (a test's capture)
        pass
    return stream


class JsonlSink(_OutputSink):
    """One scan record per line (``--format jsonl``)."""

    lines = True

    def add(self, record) -> None:
        # an unchanged file's record is carried as its line (scanners.state.Carried)
        line = json.dumps(record, ensure_ascii=False) if isinstance(record, dict) else record.line
        self.out.write(line + "\n")


class TableSink(_OutputSink):
    """The human summary of the records (``--format table``), written when the scan ends."""

    def open(self, options: ScanOptions) -> None:
        super().open(options)
        self.lang, self.records = options.lang, []

    def add(self, record) -> None:
        self.records.append(record)

    def close(self, summary: ScanSummary) -> None:
        try:
            if summary.finished:
                from inventory.scanning.report import format_table

                self.out.write(format_table(self.records, lang=self.lang) + "\n")
        finally:
            super().close(summary)


class StateLine(Sink):
    """``scan: N files: ... (state PATH)`` on standard error once the state cache is closed."""

    lines = True
    lang: str | None = None

    def open(self, options: ScanOptions) -> None:
        self.lang = options.lang

    def report(self, summary: ScanSummary) -> None:
        state = summary.state
        if state is not None:
            counts = state.counts
            click.echo(catalogue.gettext(
                "scan: %(total)s files: reused %(reused)s (unchanged %(unchanged)s, same content %(same)s, "
                "copied or moved %(elsewhere)s) / read %(read)s (state %(path)s)", self.lang) % {
                "total": counts.total, "reused": counts.reused + counts.same_content + counts.elsewhere,
                "unchanged": counts.reused, "same": counts.same_content, "elsewhere": counts.elsewhere,
                "read": counts.read, "path": state.path}, err=True)


class RegistrySink(Sink):
    """Write the records into the registry as one scan run (linked to ``share`` if given).

    A scan that could not list a folder ends its run partial (nothing is marked removed);
    an interrupted one too.  With ``announce`` the run's line is printed and, when the scan
    finished, its alerts are sent (when alerts are immediate).
    """

    def __init__(self, session_factory, share=None, source: str = "cli", announce: bool = True):
        self.factory, self.share, self.source, self.announce = session_factory, share, source, announce
        self.writer = None
        self.finished = False           # the run was finished (complete or partial) by close
        self.lang: str | None = None

    @property
    def run(self):
        return self.writer.run

    def open(self, options: ScanOptions) -> None:
        from scanners.smb import parse_smb_root

        from inventory.registry.ingest import RegistryWriter

        # an smb:// root is keyed as its records name it: the URL without a user name
        roots = [parse_smb_root(r).url if is_smb_root(r) else r for r in options.roots]
        self.lang = options.lang
        self.writer = RegistryWriter(self.factory, roots, share=self.share, source=self.source)

    def add(self, record) -> None:
        self.writer.add(record)

    def close(self, summary: ScanSummary) -> None:
        error = summary.error
        if error is not None:
            self.writer.__exit__(type(error), error, error.__traceback__)
            return
        if summary.unlisted:
            # files in a folder the scan could not list were not seen, not removed
            click.echo(catalogue.gettext(
                "Registry: %(count)s folders could not be listed: the run is partial and marks nothing "
                "removed.", self.lang) % {"count": len(summary.unlisted)}, err=True)
        self.writer.close(complete=not summary.unlisted)
        self.finished = True

    def report(self, summary: ScanSummary) -> None:
        if not self.announce:
            return
        from inventory.registry.run_diff import run_line

        # also when the scan was stopped (status partial)
        click.echo(catalogue.gettext("Registry: %(run)s", self.lang) % {"run": run_line(self.run, self.lang)},
                   err=True)
        if summary.finished and self.finished:
            self._send_alerts()

    def _send_alerts(self) -> None:
        """Send the run's alerts when alerts are immediate (a failure only warns; an interrupted
        scan sends none here: the digest takes its run up)."""
        from inventory.registry.alert_config import AlertConfigError
        from inventory.registry.alerts import after_run

        try:
            with self.factory() as session:
                delivery = after_run(session, self.run.id)
                session.commit()
        except AlertConfigError as exc:
            click.echo(catalogue.gettext("Warning: alerts not sent: %(problem)s", self.lang) % {"problem": exc},
                       err=True)
            return
        if delivery is not None and (delivery.to_send or delivery.errors):
            click.echo(catalogue.gettext("Alerts: %(what)s", self.lang) % {"what": delivery.text(self.lang)},
                       err=True)


def registry_root(root: str) -> str:
    """A root as the registry keys it (as a local scan writes it): an absolute path, or an
    smb:// URL without a user name."""
    from scanners.smb import parse_smb_root

    return parse_smb_root(root).url if is_smb_root(root) else os.path.abspath(root)


class RemoteSink(Sink):
    """Records go to a local spool first; a thread sends them to the registry's API
    (:mod:`inventory.scanning.remote`), so nothing found is held only in memory.

    ``run``: post into this run (a partition of a distributed scan, whose coordinator
    finishes it: ``finish`` False).  ``wait``: seconds to wait for delivery once the scan
    is over (default ``$INVENTORY_SEND_WAIT``, else 600; at most 10 after Ctrl-C or SIGTERM).
    ``delay``: seconds to sleep after each record (tests stop the registry mid-scan).
    After ``close``, ``result`` tells what was delivered and ``spool`` where the rest is.
    """

    SEND_WAIT_ENV = "INVENTORY_SEND_WAIT"

    def __init__(self, url: str, token: str, spool_dir=None, run: int | None = None,
                 finish: bool = True, wait: float | None = None, delay: float = 0.0):
        self.url, self.token, self.spool_dir = url, token, spool_dir
        self.run, self.finish, self.delay = run, finish, delay
        self.wait = wait
        self.spool = self.writer = self.result = None
        self.roots: dict[str, str] = {}

    def open(self, options: ScanOptions) -> None:
        from inventory.scanning.remote import RemoteWriter
        from inventory.scanning.remote_client import RegistryClient, env_float
        from inventory.scanning.spool import Spool, spool_home

        if self.wait is None:
            self.wait = env_float(self.SEND_WAIT_ENV, 600)
        self.roots = {r: registry_root(r) for r in options.roots}
        self.spool = Spool.create(spool_home(self.spool_dir), self.url, list(self.roots.values()),
                                  run=self.run, finish=self.finish)
        self.writer = RemoteWriter(self.spool, RegistryClient(self.url, self.token))

    def add(self, record) -> None:
        root = self.roots.get(record["root"], record["root"])
        self.writer.add(record if root == record["root"] else dict(record, root=root))
        if self.delay:
            time.sleep(self.delay)

    def close(self, summary: ScanSummary) -> None:
        from inventory.scanning.remote_client import Refused

        wait = self.wait
        if summary.error is not None and not isinstance(summary.error, Refused):
            wait = min(wait, 10.0)          # Ctrl-C, SIGTERM: a short try, then the spool
        self.result = self.writer.close(summary.finished, wait=wait)
