"""The ``inventory`` command line."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from scanners.pool import DEFAULT_TIMEOUT, default_workers
from scanners.scan import scan_roots

from .progress import Progress
from .report import format_table


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Personal-data asset inventory and shadow-IT registry."""


def run_scan(roots, fmt, output, workers, timeout, exclude, progress, lang, apps=True) -> int:
    """Scan roots, write records or the summary; return the number of records."""
    bar = Progress(enabled=progress)
    records = []
    out = open(output, "w", encoding="utf-8", newline="\n") if output else sys.stdout
    try:
        for record in scan_roots(roots, workers=workers, timeout=timeout, exclude=exclude,
                                 on_candidate=bar.candidate, on_done=bar.record, apps=apps):
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
    return bar.done


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
def scan(roots, fmt, output, workers, timeout, exclude, progress, lang, apps):
    """Scan folders (mounted file shares) or files for personal data.

    \b
    Example:
      inventory scan /mnt/share/福祉部 --format jsonl --output scan.jsonl --workers 4
    """
    if fmt is None:
        fmt = "table" if (output is None and sys.stdout.isatty()) else "jsonl"
    run_scan(roots, fmt, output, default_workers() if workers is None else workers,
             timeout, exclude, progress, lang, apps)


@main.command()
@click.option("--dest", type=click.Path(file_okay=False), default="demo-share", show_default=True,
              help="Folder to write the demo share into (replaced if it exists).")
@click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True)
def demo(dest, lang):
    """Generate a small demo municipal share and scan it, printing the summary.

    \b
    Example:
      inventory demo --dest /tmp/demo-share
    """
    import shutil

    from .demo_share import generate_share

    dest_path = Path(dest)
    if dest_path.exists():
        shutil.rmtree(dest_path)
    dest_path.mkdir(parents=True)
    truth = generate_share(dest_path)
    click.echo(f"デモ用の共有フォルダを作成しました: {dest_path} ({len(truth)} ファイル)", err=True)
    run_scan([str(dest_path)], "table", None, default_workers(), DEFAULT_TIMEOUT, (), None, lang)


from . import cli_registry  # noqa: E402,F401  (registers `db` and `ingest`)

if __name__ == "__main__":
    main()
