"""The ``inventory`` command line."""
from __future__ import annotations

import json
import sys
from contextlib import nullcontext

import click

from scanners.pool import DEFAULT_TIMEOUT, default_workers
from scanners.scan import scan_roots

from .progress import Progress
from .report import format_table


#: modules that add commands to ``main``; imported only when a command of theirs
#: is asked for, so that ``inventory scan`` does not pay for Flask and SQLAlchemy
COMMAND_MODULES = ("inventory.cli_registry", "inventory.cli_web")


class LazyGroup(click.Group):
    """A command group that imports its command modules on first need."""

    loaded = False

    def load_all(self) -> None:
        if not self.loaded:
            import importlib

            self.loaded = True
            for name in COMMAND_MODULES:
                importlib.import_module(name)

    def get_command(self, ctx, cmd_name):
        if cmd_name not in self.commands:
            self.load_all()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx):
        self.load_all()
        return super().list_commands(ctx)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Personal-data asset inventory and shadow-IT registry."""


def run_scan(roots, fmt, output, workers, timeout, exclude, progress, lang, apps=True,
             registry=False) -> int:
    """Scan roots, write records or the summary (and into the registry); return the record count."""
    bar = Progress(enabled=progress)
    records = []
    writer = _registry_writer(roots) if registry else nullcontext()
    out = open(output, "w", encoding="utf-8", newline="\n") if output else sys.stdout
    try:
        with writer:
            for record in scan_roots(roots, workers=workers, timeout=timeout, exclude=exclude,
                                     on_candidate=bar.candidate, on_done=bar.record, apps=apps):
                if registry:
                    writer.add(record)
                if fmt == "jsonl":
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
                else:
                    records.append(record)
        bar.close()
        if fmt == "table":
            out.write(format_table(records, lang=lang) + "\n")
    finally:
        if output:
            out.close()
    if registry:
        from .ingest_finish import run_summary

        run = writer.run
        click.echo(f"registry: scan run {run.id} {run.status}: {run_summary(run)}", err=True)
    return bar.done


def _registry_writer(roots):
    """A writer into the registry for one scan run (tables created on an empty database)."""
    from .cli_registry import open_registry
    from .ingest import RegistryWriter

    return RegistryWriter(open_registry(), roots, source="cli")


@main.command()
@click.argument("roots", nargs=-1, required=True, type=click.Path(exists=True))
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
@click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True,
              help="Language of the table summary.")
@click.option("--apps/--no-apps", default=True, show_default=True,
              help="Also recognise business apps and shadow IT (--no-apps: personal data only).")
@click.option("--registry/--no-registry", default=True, show_default=True,
              help="Write the records into the registry ($INVENTORY_DATABASE_URL, else "
                   "instance/inventory.db) as one scan run.")
def scan(roots, fmt, output, workers, timeout, exclude, progress, lang, apps, registry):
    """Scan folders (mounted file shares) or files for personal data.

    \b
    Example:
      inventory scan /mnt/share/福祉部 --format jsonl --output scan.jsonl --workers 4
    """
    if fmt is None:
        fmt = "table" if (output is None and sys.stdout.isatty()) else "jsonl"
    run_scan(roots, fmt, output, default_workers() if workers is None else workers,
             timeout, exclude, progress, lang, apps, registry)


@main.command()
@click.option("--dest", type=click.Path(file_okay=False), default="demo-share", show_default=True,
              help="Folder to write the demo share into (replaced if it exists).")
@click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True)
@click.option("--serve/--no-serve", default=True, show_default=True,
              help="Serve the web UI on 127.0.0.1:5000 afterwards.")
def demo(dest, lang, serve):
    """Generate a demo municipal share, scan it into the registry, print the demo accounts
    and serve the web UI on http://127.0.0.1:5000/.

    \b
    Example:
      inventory demo --dest /tmp/demo-share --no-serve
    """
    from .cli_web import run_demo

    run_demo(dest, lang=lang, serve=serve)


if __name__ == "__main__":
    main()
