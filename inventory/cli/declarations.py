"""Declaration commands: ``inventory declarations remind`` (email reminders to overdue departments).

Run it from cron or a systemd timer once a working day; running it again the same day
sends nothing new (one reminder per department per day unless ``--force``).
"""
from __future__ import annotations

import click

STATUS_TEXT = {"sent": "sent", "already_today": "already reminded today", "no_recipients":
               "nobody to remind (no clerk or head with an email address)", "failed": "FAILED",
               "would_send": "would send (dry run)"}


@click.group()
def declarations() -> None:
    """The annual personal-data holdings declarations (個人情報ファイル簿).

    \b
    Example:
      inventory declarations remind --campaign 2026 --dry-run
    """


@declarations.command("remind")
@click.option("--campaign", "fiscal_year", type=int, default=None, metavar="YEAR",
              help="The campaign's fiscal year (default: the newest campaign).")
@click.option("--force", is_flag=True, help="Remind departments already reminded today too.")
@click.option("--dry-run", is_flag=True, help="List who would be reminded; send and record nothing.")
def remind(fiscal_year, force, dry_run):
    """Email a reminder (in Japanese) to each department whose declaration is overdue.

    SMTP: INVENTORY_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM, _STARTTLS (see README).

    \b
    Example:
      INVENTORY_SMTP_HOST=mail.city.example INVENTORY_SMTP_FROM=kojin@city.example \\
        inventory declarations remind
    """
    from inventory.cli.registry import open_registry
    from inventory.mailer import MailError
    from inventory.declarations.reminders import ReminderError, latest_campaign, send_reminders, smtp_settings

    try:
        settings = smtp_settings()
        if settings is None and not dry_run:
            raise ReminderError("SMTP is not configured: set INVENTORY_SMTP_HOST (and INVENTORY_SMTP_FROM)")
    except (ReminderError, MailError) as exc:
        raise click.ClickException(str(exc)) from None
    with open_registry()() as session:
        campaign = latest_campaign(session, fiscal_year)
        if campaign is None:
            raise click.ClickException("no such campaign" if fiscal_year else "no campaign yet")
        outcomes = send_reminders(session, campaign, settings, force=force, dry_run=dry_run)
    for o in outcomes:
        extra = f" ({o.recipients} recipients)" if o.recipients else ""
        error = f": {o.error}" if o.error else ""
        click.echo(f"{o.department_code} {o.department_name}: {STATUS_TEXT.get(o.status, o.status)}{extra}{error}")
    if not outcomes:
        click.echo(f"campaign {campaign.fiscal_year}: no overdue department", err=True)
    if any(o.status == "failed" for o in outcomes):
        raise SystemExit(1)


#: what this module adds to ``inventory`` (inventory.cli.main.LazyGroup)
COMMANDS = (declarations,)
