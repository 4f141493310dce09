"""Scan-run and alert commands: ``inventory runs list|show``, ``inventory alerts digest|send``."""
from __future__ import annotations

import click

LANG = click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True,
                    help="Language of the text.")


@click.group()
def runs() -> None:
    """Scan runs in the registry and what each changed.

    \b
    Example:
      inventory runs list
      inventory runs show 12 --lang en
    """


@runs.command("list")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@LANG
def runs_list(limit, lang):
    """The latest scan runs, newest first, with their counts.

    \b
    Example:
      inventory runs list --limit 5
    """
    from inventory.cli.registry import open_registry
    from inventory.registry.run_diff import format_runs, recent_runs

    with open_registry()() as session:
        click.echo(format_runs(recent_runs(session, limit), lang))


@runs.command("show")
@click.argument("run_id", type=int)
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="Assets listed per section (the counts are always complete).")
@LANG
def runs_show(run_id, limit, lang):
    """What one scan run changed: new, changed, moved, returned and removed assets, and new risks.

    \b
    Example:
      inventory runs show 12
    """
    from inventory.cli.registry import open_registry
    from inventory.registry.run_diff import format_diff, load_diff

    with open_registry()() as session:
        diff = load_diff(session, run_id, limit)
        if diff is None:
            raise click.ClickException(f"no scan run {run_id}")
        click.echo(format_diff(diff, lang))


@click.group()
def alerts() -> None:
    """Alerts on new high-risk findings (email and webhook; see inventory/registry/alerts.py).

    \b
    Example:
      inventory alerts digest            # daily, from cron or a systemd timer
      inventory alerts send 12 --dry-run
    """


def _config():
    from inventory.registry.alerts import AlertConfig, AlertConfigError

    try:
        return AlertConfig.load()
    except AlertConfigError as exc:
        raise click.ClickException(f"alerts configuration: {exc}") from None


def _echo_alerts(found) -> None:
    for alert in found:
        click.echo(f"{alert.rule}\trun {alert.run_id}\tasset {alert.asset_id}\t{alert.root}/{alert.path}")


def _finish(delivery) -> None:
    click.echo(f"alerts: {delivery.summary()}", err=True)
    if not delivery.delivered:
        raise SystemExit(1)


@alerts.command("digest")
@click.option("--hours", type=click.FloatRange(min=0.1), default=24.0, show_default=True,
              help="Runs finished in this many hours, not alerted yet.")
@click.option("--dry-run", is_flag=True, help="Print the alerts; send nothing.")
def alerts_digest(hours, dry_run):
    """Send one message with the alerts of every run not alerted yet (the daily digest).

    Exits 1 when a channel failed (the runs are taken up by the next digest).

    \b
    Example:
      INVENTORY_ALERT_MODE=digest inventory alerts digest
    """
    from inventory.registry.alerts import send_digest
    from inventory.cli.registry import open_registry

    config = _config()
    with open_registry()() as session:
        run_ids, found, delivery = send_digest(session, config, hours=hours, dry_run=dry_run)
        session.commit()
    click.echo(f"runs: {', '.join(map(str, run_ids)) or '-'}", err=True)
    if dry_run or delivery is None:
        _echo_alerts(found)
        return
    _finish(delivery)


@alerts.command("send")
@click.argument("run_id", type=int)
@click.option("--dry-run", is_flag=True, help="Print the alerts; send nothing.")
def alerts_send(run_id, dry_run):
    """Send the alerts of one run now (again, if they were sent before).

    \b
    Example:
      inventory alerts send 12
    """
    from inventory.registry.alerts import after_run, find_alerts
    from inventory.cli.registry import open_registry
    from inventory.models import ScanRun

    config = _config()
    with open_registry()() as session:
        if session.get(ScanRun, run_id) is None:
            raise click.ClickException(f"no scan run {run_id}")
        if dry_run:
            _echo_alerts(find_alerts(session, [run_id], config))
            return
        delivery = after_run(session, run_id, config, force=True)
        session.commit()
    _finish(delivery)


#: what this module adds to ``inventory`` (inventory.cli.main.LazyGroup)
COMMANDS = (runs, alerts)
