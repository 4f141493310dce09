"""The ``inventory`` command line.

What it prints for a person is in Japanese, or in English with ``--lang en`` or
``INVENTORY_LANG=en`` (:mod:`inventory.cli.text`); help texts and messages are the
catalogue's English msgids.
"""
from __future__ import annotations

import os
import signal
import sys
from contextlib import contextmanager

import click

from scanners.pool import DEFAULT_TIMEOUT, default_workers
from scanners.walk import is_smb_root

from inventory.cli.text import CliError, CliUsageError, Group, _, current_language
from inventory.scanning.loop import ScanOptions, default_state_path, scan_into


#: modules whose ``COMMANDS`` are added to ``main``; imported only when a command of theirs
#: is asked for, so that ``inventory scan`` does not pay for Flask and SQLAlchemy.  They do
#: not import this module (no import cycle): the group takes their commands.
COMMAND_MODULES = ("inventory.cli.registry", "inventory.cli.web", "inventory.cli.declarations",
                   "inventory.cli.runs", "inventory.cli.remote")


class LazyGroup(Group):
    """A command group that imports its command modules on first need."""

    loaded = False

    def load_all(self) -> None:
        if not self.loaded:
            import importlib

            self.loaded = True
            for name in COMMAND_MODULES:
                for command in importlib.import_module(name).COMMANDS:
                    self.add_command(command)

    def get_command(self, ctx, cmd_name):
        if cmd_name not in self.commands:
            self.load_all()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx):
        self.load_all()
        return super().list_commands(ctx)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Personal-data asset inventory and shadow-IT registry.

    Texts are in Japanese; --lang en (before or after a command) or INVENTORY_LANG=en
    prints them in English.

    \b
    Example:
      inventory scan /mnt/share/福祉部
      inventory --lang en runs list
    """


def _share_to_scan(name: str):
    """The registry's share ``name``; its root must be reachable (an unmounted share is an
    error, never an empty share)."""
    from sqlmodel import select

    from inventory.cli.registry import open_registry
    from inventory.models import Share

    with open_registry()() as session:
        share = session.exec(select(Share).where(Share.name == name)).first()
    if share is None:
        raise CliError(_("No share named %(name)s in the registry.") % {"name": repr(name)})
    if share.active and is_smb_root(share.root):
        from scanners.smb import SmbRootError, reachable_root

        try:
            reachable_root(share.root)
        except SmbRootError as exc:
            raise CliError(_("The root of share %(name)s is not reachable: %(reason)s")
                           % {"name": repr(name), "reason": exc}) from None
    elif share.active and not os.path.exists(share.root):
        raise CliError(_("The root of share %(name)s is not reachable: %(reason)s")
                       % {"name": repr(name), "reason": share.root})
    return share


@contextmanager
def _stop_on_sigterm():
    """systemd stops a unit with SIGTERM: end as on Ctrl-C, so that the run closes as partial
    (nothing marked removed) and the state cache keeps the files that were finished."""
    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:                  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class ScanRoot(click.Path):
    """A folder or file that exists, or the smb:// URL of a share the scanner can log on to
    (credentials from the environment, docs/smb.md)."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and is_smb_root(value):
            from scanners.smb import SmbRootError, reachable_root

            try:
                reachable_root(value)
            except SmbRootError as exc:
                self.fail(str(exc), param, ctx)
            return value
        return super().convert(value, param, ctx)


@main.command()
@click.argument("roots", nargs=-1, type=ScanRoot(exists=True))
@click.option("--share", "share_name", default=None, metavar="NAME",
              help="Scan the registry's share NAME: its root without its exclusions, as a run "
                   "linked to the share (for cron and systemd timers; see docs/scheduling.md).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default=None,
              help="jsonl: one scan record per line; table: a human summary "
                   "(the default when standard output is a terminal).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to FILE instead of standard output.")
@click.option("--workers", "-w", type=click.IntRange(min=0), default=None,
              help="Worker processes (default: one per core; 0 = in this process, no time limit).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_TIMEOUT, show_default=True,
              help="Seconds allowed per file before it is recorded as an error.")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Skip paths (relative to the root) or names matching GLOB; repeatable.")
@click.option("--progress/--no-progress", default=None,
              help="Progress line on standard error (default: when it is a terminal).")
@click.option("--apps/--no-apps", default=True, show_default=True,
              help="Also recognise business apps and shadow IT (--no-apps: personal data only).")
@click.option("--registry/--no-registry", default=True, show_default=True,
              help="Write the records into the registry ($INVENTORY_DATABASE_URL, else "
                   "instance/inventory.db) as one scan run.")
@click.option("--incremental/--full", default=True, show_default=True,
              help="Carry unchanged files' records forward from the state cache without reading "
                   "them, and resume a stopped scan (--full: read every file, rewrite the cache).")
@click.option("--state", "state_path", type=click.Path(dir_okay=False), default=None,
              help="The state cache file (default $INVENTORY_SCAN_STATE, else "
                   "instance/scan-state.db).")
@click.option("--no-state", is_flag=True,
              help="Use no state cache at all: read every file, remember nothing.")
@click.option("--throttle", type=click.FloatRange(min=0), default=0.0, metavar="SECONDS",
              help="Wait this long before reading each file, to spare a busy file server.")
@click.option("--post", metavar="URL", default=None,
              help="Remote scanner: send the records to the registry at URL (its API) through a "
                   "local spool, instead of writing into a database (docs/remote-scanners.md).")
@click.option("--token", default=None, help="Bearer token for --post (default $INVENTORY_API_TOKEN).")
@click.option("--spool", "spool_dir", type=click.Path(file_okay=False), default=None,
              help="Spool folder for --post (default $INVENTORY_SPOOL_DIR, else instance/spool).")
@click.option("--distributed", is_flag=True,
              help="Split the roots into partitions scanned by Celery workers (`inventory worker`), "
                   "which post to the registry at --post URL.")
@click.option("--partitions", type=click.IntRange(min=1), default=16, show_default=True,
              help="At most this many partitions for --distributed.")
def scan(roots, share_name, fmt, output, workers, timeout, exclude, progress, apps, registry,
         incremental, state_path, no_state, throttle, post, token, spool_dir, distributed, partitions):
    """Scan folders (mounted file shares), files or smb:// shares for personal data.

    A scan is incremental: files unchanged since the last scan (same size,
    modification time and inode, or the same sha256) are not read again, and
    a scan that was stopped resumes without reading the files it finished.

    \b
    Example:
      inventory scan /mnt/share/福祉部 --format jsonl --output scan.jsonl --workers 4
      inventory scan --share 本庁舎共有 --no-progress
      INVENTORY_SMB_USER=scan INVENTORY_SMB_PASSWORD=... inventory scan smb://fs01/共有/福祉部
    """
    share = None
    if share_name:
        if roots:
            raise CliUsageError(_("Give ROOT arguments or --share, not both."))
        share = _share_to_scan(share_name)
        if not share.active:
            click.echo(_("Share %(name)s is disabled: nothing was scanned.") % {"name": repr(share_name)},
                       err=True)
            return
        roots, exclude = (share.root,), tuple(share.exclusions or ()) + tuple(exclude)
    elif not roots:
        raise CliUsageError(_("Give ROOT arguments or --share NAME."))
    if fmt is None:
        fmt = "table" if (output is None and sys.stdout.isatty()) else "jsonl"
    options = ScanOptions(roots=tuple(roots), workers=default_workers() if workers is None else workers,
                          timeout=timeout, exclude=tuple(exclude), apps=apps,
                          state_path=None if no_state else (state_path or default_state_path()),
                          full=not incremental, throttle=throttle, progress=progress,
                          lang=current_language())
    if post or distributed:
        from inventory.cli.remote import remote_scan

        with _stop_on_sigterm():
            sys.exit(remote_scan(options, post, token, spool_dir, distributed, partitions, fmt, output))
    with _stop_on_sigterm():
        scan_into(options, local_sinks(fmt, output, registry, share))


def local_sinks(fmt: str, output: str | None, registry: bool, share=None) -> list:
    """The sinks of a local scan: the state cache's line, the registry (a run linked to
    ``share`` if given), the records or the table (written, then the run is finished)."""
    from inventory.scanning.sinks import JsonlSink, RegistrySink, StateLine, TableSink

    sinks = [StateLine()]
    if registry:
        from inventory.cli.registry import open_registry

        sinks.append(RegistrySink(open_registry(), share=share))
    sinks.append(JsonlSink(output) if fmt == "jsonl" else TableSink(output))
    return sinks


@main.command()
@click.option("--dest", type=click.Path(file_okay=False), default="demo-share", show_default=True,
              help="Folder to write the demo share into (replaced if it exists).")
@click.option("--serve/--no-serve", default=True, show_default=True,
              help="Serve the web UI on 127.0.0.1:5000 afterwards.")
def demo(dest, serve):
    """Generate a demo municipal share, scan it into the registry, print the demo accounts
    and serve the web UI on http://127.0.0.1:5000/.

    \b
    Example:
      inventory demo --dest /tmp/demo-share --no-serve
    """
    from inventory.cli.web import run_demo

    run_demo(dest, lang=current_language(), serve=serve)


def run() -> None:
    """The ``inventory`` console script: :func:`main`, and then the process ends.

    What the command made dies with the process, so the interpreter's last garbage
    collection, which walks and frees every object only for the process to exit (10-15 ms
    after a scan), is skipped (``gc.freeze``).  Atexit handlers still run, and commands close
    their files and databases themselves.  Tests call :func:`main`, which freezes nothing.
    """
    import gc

    try:
        main()
    finally:
        gc.freeze()


if __name__ == "__main__":
    run()
