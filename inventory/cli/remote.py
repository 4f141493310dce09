"""Remote and distributed scans: ``inventory scan --post`` / ``--distributed``, ``inventory spool``
and ``inventory worker``.

Exit codes of a remote or distributed scan, and of ``spool send``:
0 every record is in the registry and the run is finished;
3 records are left in the spool (the registry stayed unreachable, or a
partition failed): ``inventory spool send`` delivers them later;
4 the registry refused the records (bad or revoked token, a run of another
token): fix the cause, then ``inventory spool send --token ...``.
See docs/remote-scanners.md.
"""
from __future__ import annotations

import os
import sys

import click

from scanners.walk import is_smb_root

from inventory.cli.text import CliUsageError, _, command, current_language, group

from inventory.scanning.remote import Delivery, send_spool
from inventory.scanning.remote_client import TOKEN_ENV, Refused, endpoint, env_float
from inventory.scanning.spool import Spool, SpoolBusy, spool_home
from inventory.scanning.sinks import JsonlSink, RemoteSink, TableSink
from inventory.scanning.loop import ScanOptions, scan_into

EXIT_DELIVERED, EXIT_SPOOLED, EXIT_REFUSED = 0, 3, 4
SEND_WAIT_ENV = RemoteSink.SEND_WAIT_ENV
#: test-only: seconds to sleep after each record, so a test can stop the registry mid-scan
TEST_DELAY_ENV = "INVENTORY_TEST_SCAN_DELAY"


def need_token(token: str | None) -> str:
    """The bearer token from --token or $INVENTORY_API_TOKEN (an error without one)."""
    token = token or os.environ.get(TOKEN_ENV, "")
    if not token.strip():
        raise CliUsageError(_("--post needs a token: --token or $%(variable)s.") % {"variable": TOKEN_ENV})
    return token.strip()


def check_url(url: str) -> str:
    try:
        endpoint(url)
    except ValueError as exc:
        raise CliUsageError(_("--post: %(problem)s") % {"problem": exc}) from None
    return url


def exit_code(result: Delivery) -> int:
    if result.delivered:
        return EXIT_DELIVERED
    return EXIT_REFUSED if isinstance(result.error, Refused) else EXIT_SPOOLED


def report(result: Delivery, spool: Spool | None = None) -> int:
    """Tell what was delivered (stderr); return the exit code."""
    if result.delivered:
        click.echo(_delivered(result.run, result.status, result.totals), err=True)
    else:
        if spool is not None:
            kept = _("The records are kept in %(path)s") % {"path": spool.path}
        else:
            kept = _("The records are kept in the spool")
        why = f" ({result.error})" if result.error else ""
        click.echo(kept + why + _("; send them later with `inventory spool send`."), err=True)
    return exit_code(result)


def _delivered(run, status, totals: dict) -> str:
    """"Registry: scan run 12: Finished; 10 records: ..." from the registry API's answer."""
    from inventory import catalogue
    from inventory.labels import RUN_STATUS_LABELS
    from inventory.registry.run_diff import counts_text

    lang = current_language()
    return _("Registry: scan run %(id)s: %(status)s; %(counts)s") % {
        "id": run, "status": catalogue.label(RUN_STATUS_LABELS, status, lang),
        "counts": counts_text(totals or {}, lang)}


def remote_scan(options: ScanOptions, url, token, spool_dir, distributed, partitions, fmt,
                output) -> int:
    """``inventory scan --post`` / ``--distributed``: check the options, run; the exit code."""
    if not url:
        raise CliUsageError(_("--distributed needs --post URL: the workers post to the registry's API."))
    check_url(url)
    token = need_token(token)
    if distributed:
        if output:
            raise CliUsageError(_("--distributed: the records go to the registry, not to --output."))
        if any(is_smb_root(r) for r in options.roots):
            raise CliUsageError(_("--distributed scans mounted folders; scan smb:// roots with --post."))
        return run_distributed_scan(options, url, token, partitions)
    return run_remote_scan(options, url, token, spool_dir, fmt, output)


def run_remote_scan(options: ScanOptions, url: str, token: str, spool_dir, fmt: str, output) -> int:
    """A scan whose records go to the registry's API through a local spool (and to the
    output as a local scan writes them); the exit code."""
    remote = RemoteSink(url, token, spool_dir, delay=env_float(TEST_DELAY_ENV, 0.0))
    try:
        scan_into(options, [remote, JsonlSink(output) if fmt == "jsonl" else TableSink(output)])
    except Refused:
        pass                                    # reported below; the spool keeps the records
    finally:
        if remote.result is not None:
            code = report(remote.result, remote.spool)
    return code


def run_distributed_scan(options: ScanOptions, url: str, token: str, partitions: int) -> int:
    """Coordinate a distributed scan (:mod:`inventory.scanning.distributed`); the exit code."""
    from inventory.scanning.distributed import run_distributed

    try:
        outcome = run_distributed(options.roots, url, token, partitions,
                                  {"timeout": options.timeout, "exclude": list(options.exclude),
                                   "apps": options.apps},
                                  log=lambda message: click.echo(message, err=True))
    except Refused as exc:
        click.echo(_("Distributed scan: %(problem)s") % {"problem": exc}, err=True)
        return EXIT_REFUSED
    click.echo(_delivered(outcome["run"], outcome["status"], outcome["totals"]) + " " + _(
        "(%(partitions)s partitions, %(fixed)s copies checked again)") % {
        "partitions": outcome["partitions"], "fixed": outcome["fixed"]}, err=True)
    return EXIT_DELIVERED if outcome["complete"] else EXIT_SPOOLED


# ----- inventory spool -----
@group()
def spool() -> None:
    """The remote scanner's spool: records not yet acknowledged by the registry.

    \b
    Example:
      inventory spool list
      INVENTORY_API_TOKEN=... inventory spool send
    """


_SPOOL_OPTION = click.option("--spool", "spool_dir", type=click.Path(file_okay=False), default=None,
                             help="The spool folder (default $INVENTORY_SPOOL_DIR, else instance/spool).")


@spool.command("list")
@_SPOOL_OPTION
def spool_list(spool_dir):
    """List spools with the records the registry has not acknowledged yet."""
    spools = Spool.all_in(spool_home(spool_dir))
    for item in spools:
        meta, durable = item.meta, item.durable()
        state = (_("delivered") if meta.get("delivered")
                 else _("%(count)s to send") % {"count": durable - item.acked()})
        click.echo(_("%(name)s  run %(run)s  scan %(scan)s  %(records)s records  %(state)s  %(url)s") % {
            "name": item.path.name, "run": meta.get("run"), "scan": meta["scan"], "records": durable,
            "state": state, "url": meta["url"]})
    if not spools:
        click.echo(_("No spools."), err=True)


@spool.command("send")
@_SPOOL_OPTION
@click.option("--token", default=None, help="Bearer token (default $INVENTORY_API_TOKEN).")
@click.option("--wait", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="Stop retrying after this long (default: $INVENTORY_SEND_WAIT, else 600).")
def spool_send(spool_dir, token, wait):
    """Send what is left in the spools (after a crash, or a registry down for too long);
    a scan that did not get to its end is finished partial."""
    token = need_token(token)
    wait = env_float(SEND_WAIT_ENV, 600) if wait is None else wait
    worst = EXIT_DELIVERED
    for item in Spool.all_in(spool_home(spool_dir)):
        if item.meta.get("delivered"):
            continue
        try:
            result = send_spool(item, token, wait=wait, log=lambda m: click.echo(m, err=True))
        except SpoolBusy as exc:
            click.echo(_("Skipped: %(problem)s") % {"problem": exc}, err=True)
            continue
        click.echo(_("%(name)s: %(count)s records sent") % {"name": item.path.name, "count": result.sent},
                   err=True)
        worst = max(worst, report(result, item))
    sys.exit(worst)


# ----- inventory worker -----
@command(context_settings={"ignore_unknown_options": True})
@click.option("--concurrency", "-c", type=click.IntRange(min=1), default=None,
              help="Partitions scanned at once (default: one per core).")
@click.option("--queues", "-Q", default=None,
              help="Comma-separated queues to take tasks from (default $INVENTORY_QUEUE, else inventory).")
@click.option("--pool", type=click.Choice(["prefork", "solo", "threads"]), default="prefork",
              show_default=True, help="Celery's execution pool.")
@click.option("--loglevel", "-l", default="INFO", show_default=True)
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def worker(concurrency, queues, pool, loglevel, celery_args):
    """Run a Celery worker that scans partitions of distributed scans (near a file server).

    Needs $INVENTORY_API_TOKEN (the coordinator's token) and reaches the broker
    named by $INVENTORY_BROKER_URL (default redis://127.0.0.1:6379/0).  Further
    arguments go to `celery worker`.

    \b
    Example:
      INVENTORY_API_TOKEN=inv_... inventory worker --concurrency 4 --queues fs-north
    """
    from inventory.scanning.distributed import app

    if not os.environ.get(TOKEN_ENV):
        click.echo(_("Warning: $%(variable)s is not set: the tasks will fail to post their records.")
                   % {"variable": TOKEN_ENV}, err=True)
    argv = ["worker", f"--loglevel={loglevel}", f"--pool={pool}",
            f"--queues={queues or app.conf.task_default_queue}"]
    if concurrency:
        argv.append(f"--concurrency={concurrency}")
    app.worker_main(argv + list(celery_args))


#: what this module adds to ``inventory`` (inventory.cli.main.LazyGroup)
COMMANDS = (spool, worker)
