"""Email reminders (督促) to the departments whose declaration is overdue.

Who is overdue is :func:`inventory.declarations.campaigns.progress_state` "overdue": the due date has
passed (in Japan time) and the declaration has not reached the privacy office.  Each
overdue department gets one message, in Japanese (the texts are msgids of
:mod:`inventory.catalogue`; ``lang="en"`` gives English), addressed to the active users with an
email address among:

- its clerks and heads (users of the department with role clerk or dept_head), and its
  designated head (``Department.head_id``);
- when it has no head of its own, the heads of the nearest department above it that has
  some: they approve its declaration (their scope covers it).

At most one reminder per department per day (Japan time) unless forced.  The rule holds
between concurrent runs (the web button and a cron job): a reminder is claimed by one
``UPDATE declaration SET last_reminded_at = now WHERE id = ... AND (last_reminded_at IS
NULL OR last_reminded_at < start of today)`` before the message is sent, recorded with a
:class:`~inventory.models.DeclarationEvent` "remind", and committed once the SMTP server
took the message (rolled back if it did not).  So :func:`send_reminders` commits, one
department at a time: a failure later in the list never forgets a message already sent.
It does not bump the declaration's version (a reminder must not make the clerks' open
forms stale).

Email goes through :mod:`inventory.mailer` (the relay shared with the scan alerts), with
its settings: ``INVENTORY_SMTP_HOST`` (unset: no email), ``_PORT``, ``_USER``, ``_PASSWORD``,
``_FROM``, ``_STARTTLS``.  :func:`smtp_settings` reads them from the app's config first
(the web app), then from the environment (the CLI, and the web app without them in its
config).  One connection per message: a failure concerns one department only.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import select, update

from inventory import catalogue
from inventory.clock import city_today, day_start
from inventory.declarations.campaigns import campaign_progress, progress_state
from inventory.labels import DECLARATION_STATUS_LABELS, PROGRESS_LABELS
from inventory.mailer import MailError, SmtpSettings, send_mail
from inventory.models import (
    Declaration,
    DeclarationCampaign,
    DeclarationEvent,
    DeclarationStatus,
    Department,
    Role,
    User,
    utcnow,
)

SETTING_NAMES = ("INVENTORY_SMTP_HOST", "INVENTORY_SMTP_PORT", "INVENTORY_SMTP_USER",
                 "INVENTORY_SMTP_PASSWORD", "INVENTORY_SMTP_FROM", "INVENTORY_SMTP_STARTTLS")
RECIPIENT_ROLES = (Role.clerk, Role.dept_head)


class ReminderError(Exception):
    """Reminders cannot be sent as configured (the message says which setting)."""


def smtp_settings(config: Mapping | None = None, environ: Mapping | None = None) -> SmtpSettings | None:
    """The relay's settings: each ``INVENTORY_SMTP_*`` of ``config`` (an app's config) if set
    there, else of ``environ`` (the process environment); None when no host is set.  Raises
    :class:`inventory.mailer.MailError` for a port that is not a number."""
    merged = dict(os.environ if environ is None else environ)
    for name in SETTING_NAMES:
        value = (config or {}).get(name)
        if value not in (None, ""):
            merged[name] = str(value)
    return SmtpSettings.from_env(merged)


@dataclass
class Outcome:
    """What happened to one overdue department's reminder.

    ``status``: sent, already_today (one was sent today), no_recipients, failed (the SMTP
    server refused or could not be reached), would_send (a dry run)."""
    declaration_id: int
    department_code: str
    department_name: str
    status: str
    recipients: int = 0
    error: str = ""


# --- recipients ------------------------------------------------------------------------------

def recipients(session, departments: list[Department]) -> dict[int, list[tuple[str, str]]]:
    """Department id -> [(display name, email)] of the people to remind (see the module docstring).
    Two statements whatever the number of departments."""
    tree = {d_id: (parent, head) for d_id, parent, head in session.execute(
        select(Department.id, Department.parent_id, Department.head_id))}
    people = session.execute(select(User.id, User.display_name, User.username, User.email, User.role,
                                    User.department_id)
                             .where(User.active, User.email.is_not(None), User.email != "")).all()
    by_id = {p.id: p for p in people}
    heads: dict[int, list] = {}
    clerks: dict[int, list] = {}
    for person in people:
        if person.role == Role.dept_head:
            heads.setdefault(person.department_id, []).append(person)
        elif person.role == Role.clerk:
            clerks.setdefault(person.department_id, []).append(person)
    found = {}
    for department in departments:
        chosen = list(clerks.get(department.id, [])) + _heads_for(department.id, tree, heads, by_id)
        unique = {p.id: p for p in chosen}
        found[department.id] = [(p.display_name or p.username, p.email)
                                for p in sorted(unique.values(), key=lambda p: p.id)]
    return found


def _heads_for(department_id: int, tree: dict, heads: dict, by_id: dict) -> list:
    """The department's own heads (and designated head), else those of the nearest department above."""
    current, seen = department_id, set()
    while current is not None and current not in seen:
        seen.add(current)
        parent, designated = tree.get(current, (None, None))
        own = list(heads.get(current, []))
        if designated in by_id and by_id[designated].role in RECIPIENT_ROLES:
            own.append(by_id[designated])
        if own:
            return own
        current = parent
    return []


# --- the message -------------------------------------------------------------------------------

def wareki(day: dt.date) -> str:
    """A date in the Japanese era calendar (令和 from 2019-05-01, 平成 before), e.g. 令和8年6月30日."""
    era, first = ("令和", 2019) if day >= dt.date(2019, 5, 1) else ("平成", 1989)
    year = day.year - first + 1
    return f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"


def fiscal_year_label(year: int, lang: str | None = "ja") -> str:
    """2026 -> 2026年度（令和8年度） (English: fiscal year 2026)."""
    if catalogue.language(lang) != "ja":
        return catalogue.gettext("fiscal year %(year)s", lang) % {"year": year}
    return f"{year}年度（{wareki(dt.date(year, 5, 1)).split('年')[0]}年度）"


def long_date(day: dt.date, lang: str | None = "ja") -> str:
    """2026-06-30 -> 2026年6月30日（令和8年6月30日） (English: 2026-06-30)."""
    if catalogue.language(lang) != "ja":
        return day.isoformat()
    return f"{day.year}年{day.month}月{day.day}日（{wareki(day)}）"


def where_it_stands(declaration: Declaration, campaign: DeclarationCampaign, lang: str | None = "ja") -> str:
    """The step an overdue declaration is at (未着手 / 作成中 / 差戻し / 所属長決裁待ち): its progress
    as it was on the due date, which says what is missing better than 期限超過."""
    if declaration.status == DeclarationStatus.returned:
        return catalogue.label(DECLARATION_STATUS_LABELS, "returned", lang)
    return catalogue.label(PROGRESS_LABELS, progress_state(declaration, campaign, campaign.due_on), lang)


def reminder_text(campaign: DeclarationCampaign, department: Department, state: str,
                  link: str | None = None, lang: str | None = "ja") -> tuple[str, str]:
    """The reminder's subject and body in ``lang`` (Japanese); ``state``: where the declaration stands."""
    _ = catalogue.translator(lang)
    year = fiscal_year_label(campaign.fiscal_year, lang)
    subject = _("[Personal-data file register] The declaration for %(year)s is past its due date "
                "(%(department)s)") % {"year": year, "department": department.name}
    title = _("(%(title)s)") % {"title": campaign.title} if campaign.title else ""
    lines = [
        _("To the clerks and the head of %(department)s") % {"department": department.name},
        "",
        _("The declaration of personal-data files for %(year)s%(title)s was due on %(due)s, but it has "
          "not reached the privacy office for review yet.") % {
            "year": year, "title": title, "due": long_date(campaign.due_on, lang)},
        "",
        _("Where it stands: %(state)s") % {"state": state},
        "",
        _("Please check the declaration on its page and submit it with the head's approval."),
    ]
    if link:
        lines.append(link)
    lines += ["", _("This message was sent automatically by the personal-data inventory."),
              _("If anything is unclear, please ask the privacy office.")]
    return subject, "\n".join(lines) + "\n"


# --- sending -----------------------------------------------------------------------------------

def send_reminders(session, campaign: DeclarationCampaign, settings: SmtpSettings | None, *,
                   now: dt.datetime | None = None, force: bool = False, dry_run: bool = False,
                   user=None, link: Callable[[Declaration], str | None] | None = None,
                   lang: str = "ja") -> list[Outcome]:
    """Remind every overdue department of ``campaign`` (see the module docstring); commits per
    department.  ``now`` (UTC) fixes the clock; ``link`` gives the URL to put in a message;
    ``lang`` the messages' language (Japanese: they go to the city's staff, whoever sends them)."""
    if settings is None and not dry_run:
        raise ReminderError("SMTP is not configured: set INVENTORY_SMTP_HOST")
    now = now or utcnow()
    today = city_today(now)
    overdue = [(d, dept) for d, dept, state in campaign_progress(session, campaign, today)
               if state == "overdue"]
    people = recipients(session, [dept for _d, dept in overdue])
    outcomes = []
    for declaration, department in overdue:
        to = people[department.id]
        outcome = Outcome(declaration.id, department.code, department.name, "", recipients=len(to))
        outcomes.append(outcome)
        if not to:
            outcome.status = "no_recipients"
        elif not force and _reminded_today(declaration, today):
            outcome.status = "already_today"
        elif dry_run:
            outcome.status = "would_send"
        else:
            subject, body = reminder_text(campaign, department, where_it_stands(declaration, campaign, lang),
                                          link(declaration) if link else None, lang)
            outcome.status, outcome.error = _remind(
                session, settings, declaration, [email for _name, email in to], subject, body,
                now, today, force, user)
    return outcomes


def _reminded_today(declaration: Declaration, today: dt.date) -> bool:
    last = declaration.last_reminded_at
    if last is None:
        return False
    if last.tzinfo is None:                      # SQLite keeps UTC times naive
        last = last.replace(tzinfo=dt.timezone.utc)
    return city_today(last) >= today


def _remind(session, settings: SmtpSettings, declaration: Declaration, to: list[str], subject: str,
            body: str, now: dt.datetime, today: dt.date, force: bool, user) -> tuple[str, str]:
    """Claim today's reminder, record it, send it, then commit (or roll back if sending failed)."""
    claim = (update(Declaration).where(Declaration.id == declaration.id).values(last_reminded_at=now)
             .execution_options(synchronize_session="fetch"))
    if not force:
        claim = claim.where((Declaration.last_reminded_at.is_(None))
                            | (Declaration.last_reminded_at < day_start(today)))
    if session.execute(claim).rowcount != 1:
        session.rollback()
        return "already_today", ""
    session.add(DeclarationEvent(declaration_id=declaration.id, user_id=getattr(user, "id", None),
                                 action="remind", from_status=declaration.status,
                                 to_status=declaration.status, comment=f"督促メール送信（{len(to)}名）"))
    session.flush()
    try:
        send_mail(to, subject, body, settings)
    except MailError as exc:
        session.rollback()
        return "failed", str(exc)
    session.commit()
    return "sent", ""


def latest_campaign(session, fiscal_year: int | None = None) -> DeclarationCampaign | None:
    """The campaign of ``fiscal_year``, else the newest one."""
    stmt = select(DeclarationCampaign)
    if fiscal_year is not None:
        stmt = stmt.where(DeclarationCampaign.fiscal_year == fiscal_year)
    return session.execute(stmt.order_by(DeclarationCampaign.fiscal_year.desc()).limit(1)).scalars().first()
