"""Declaration commands: ``inventory declarations remind`` (email reminders to overdue departments).

Run it from cron or a systemd timer once a working day; running it again the same day
sends nothing new (one reminder per department per day unless ``--force``).
"""
from __future__ import annotations

import click

from inventory.catalogue import N_
from inventory.cli.text import CliError, _, group

#: what happened to a department's reminder (inventory.declarations.reminders.Outcome.status)
STATUS_TEXT = {"sent": N_("sent"), "already_today": N_("already reminded today"),
               "no_recipients": N_("nobody to remind (no clerk or head with an e-mail address)"),
               "failed": N_("FAILED"), "would_send": N_("would send (dry run)")}


@group()
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
    """E-mail a reminder (in Japanese) to each department whose declaration is overdue.

    SMTP: INVENTORY_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM, _STARTTLS (see README).

    \b
    Example:
      INVENTORY_SMTP_HOST=mail.city.example INVENTORY_SMTP_FROM=kojin@city.example \\
        inventory declarations remind
    """
    from inventory.cli.registry import open_registry
    from inventory.mailer import MailError
    from inventory.declarations.reminders import latest_campaign, send_reminders, smtp_settings

    try:
        settings = smtp_settings()
    except MailError as exc:
        raise CliError(str(exc)) from None
    if settings is None and not dry_run:
        raise CliError(_("SMTP is not configured: set INVENTORY_SMTP_HOST (and INVENTORY_SMTP_FROM)."))
    with open_registry()() as session:
        campaign = latest_campaign(session, fiscal_year)
        if campaign is None:
            raise CliError(_("No campaign of fiscal year %(year)s.") % {"year": fiscal_year} if fiscal_year
                           else _("No campaign yet."))
        outcomes = send_reminders(session, campaign, settings, force=force, dry_run=dry_run)
    for o in outcomes:
        status = _(STATUS_TEXT[o.status]) if o.status in STATUS_TEXT else o.status
        if o.recipients:
            status = _("%(status)s (%(count)s recipients)") % {"status": status, "count": o.recipients}
        click.echo(f"{o.department_code} {o.department_name}: {status}" + (f": {o.error}" if o.error else ""))
    if not outcomes:
        click.echo(_("Campaign %(year)s: no department is overdue.") % {"year": campaign.fiscal_year}, err=True)
    if any(o.status == "failed" for o in outcomes):
        raise SystemExit(1)


#: what this module adds to ``inventory`` (inventory.cli.main.LazyGroup)
COMMANDS = (declarations,)
