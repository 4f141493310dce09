"""Scan-run and alert commands: ``inventory runs list|show``, ``inventory alerts digest|send``."""
from __future__ import annotations

import click

from inventory.cli.text import CliError, _, current_language, group


@group()
def runs() -> None:
    """Scan runs in the registry and what each changed.

    \b
    Example:
      inventory runs list
      inventory runs show 12 --lang en
    """


@runs.command("list")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="How many runs, newest first.")
def runs_list(limit):
    """The latest scan runs, newest first, with their counts.

    \b
    Example:
      inventory runs list --limit 5
    """
    from inventory.cli.registry import open_registry
    from inventory.registry.run_diff import format_runs, recent_runs

    with open_registry()() as session:
        click.echo(format_runs(recent_runs(session, limit), current_language()))


@runs.command("show")
@click.argument("run_id", type=int)
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="Assets listed per section (the counts are always complete).")
def runs_show(run_id, limit):
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
            raise CliError(_("No scan run %(id)s.") % {"id": run_id})
        click.echo(format_diff(diff, current_language()))


@group()
def alerts() -> None:
    """Alerts on new high-risk findings, by e-mail and webhook (set up in docs/scheduling.md).

    \b
    Example:
      inventory alerts digest
      inventory alerts send 12 --dry-run
    """


def _config():
    from inventory.registry.alert_config import AlertConfig, AlertConfigError

    try:
        return AlertConfig.load()
    except AlertConfigError as exc:
        raise CliError(_("Alerts configuration: %(problem)s") % {"problem": exc}) from None


def _echo_alerts(found) -> None:
    """One line per alert: the rule's label, the asset, where it is and the run."""
    from inventory import catalogue
    from inventory.labels import ALERT_RULE_LABELS

    lang = current_language()
    for alert in found:
        click.echo(_("%(rule)s: asset %(asset)s  %(path)s  (scan run %(run)s)") % {
            "rule": catalogue.label(ALERT_RULE_LABELS, alert.rule, lang), "asset": alert.asset_id,
            "path": f"{alert.root}/{alert.path}", "run": alert.run_id})
    if not found:
        click.echo(_("No alerts."), err=True)


def _finish(delivery) -> None:
    click.echo(_("Alerts: %(what)s") % {"what": delivery.text(current_language())}, err=True)
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
    click.echo(_("Scan runs: %(runs)s") % {"runs": ", ".join(map(str, run_ids)) or "-"}, err=True)
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
            raise CliError(_("No scan run %(id)s.") % {"id": run_id})
        if dry_run:
            _echo_alerts(find_alerts(session, [run_id], config))
            return
        delivery = after_run(session, run_id, config, force=True)
        session.commit()
    _finish(delivery)


#: what this module adds to ``inventory`` (inventory.cli.main.LazyGroup)
COMMANDS = (runs, alerts)
