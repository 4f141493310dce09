"""Alerts on new high-risk findings after scan runs: email and a webhook, at once or as a daily digest.

Rules (each can be turned off; the personal-data ones take a minimum of
estimated rows about people, ``min_records``):

===================== =========================================================
``cloud-sync-personal`` a ``cloud-sync-folder`` risk first seen in the run, on
                        a file with personal data
``remote-access-tool``  a ``remote-access-tool`` risk first seen in the run
``sensitive-file``      a file new in the run that holds sensitive personal data
                        (要配慮個人情報)
``my-number-app``       a business app holding My Numbers, new in the run or
                        with a My Number column first seen in it
===================== =========================================================

Dismissed findings and removed files never alert.  The first scan of a share (or of roots
scanned without a share) is a baseline: until a run over the same scope has finished, its
runs send one summary (files, personal data, unread files, and how many files each rule
matched: :class:`Baseline`) instead of an alert per file; ``baseline = false`` in the
configuration alerts on a first scan too.  Configuration:
:class:`~inventory.registry.alert_config.AlertConfig` (a TOML file overridden by the
environment; see docs/scheduling.md).  Email goes through
:mod:`inventory.mailer` (``INVENTORY_SMTP_*``) to ``email_to``, else to the
active IT-division and privacy-office users with an address.

What is sent: rule codes, counts, asset ids and paths (metadata), never a
value read from a file.  A run is alerted once: an
:class:`~inventory.models.AuditEvent` (``scan_run`` / ``alerted``) records
the delivery; a run whose delivery failed is taken up by the next digest.
"""
from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import and_, func, literal, or_, select

from inventory import catalogue
from inventory.labels import ALERT_RULE_LABELS, UNREAD_STATUSES
from inventory.models import (Asset, AssetChange, AssetStatus, AuditEvent, Finding, Role, ScanRun, Share,
                              User, utcnow)
from inventory.registry.alert_config import RULES, AlertConfig, Rule
RECIPIENT_ROLES = (Role.it_division, Role.privacy_office)


# ----- finding the alerts -----
@dataclass(frozen=True)
class Alert:
    """One asset that triggered one rule in one run (ids, location and a code: no values)."""

    rule: str
    run_id: int
    asset_id: int
    root: str
    path: str
    code: str
    records: int

    def as_dict(self) -> dict:
        return {"rule": self.rule, "run_id": self.run_id, "asset_id": self.asset_id,
                "root": self.root, "path": self.path, "code": self.code, "records": self.records}


def find_alerts(session, run_ids: list[int], config: AlertConfig) -> list[Alert]:
    """The alerts of the given runs under ``config``'s rules, one per rule and asset."""
    if not run_ids:
        return []
    found: dict[tuple[str, int], Alert] = {}
    for rule in RULES:
        settings = config.rules[rule]
        if not settings.enabled:
            continue
        for row in session.execute(_RULE_QUERIES[rule](run_ids, settings)):
            found.setdefault((rule, row.id), Alert(rule, row.run_id, row.id, row.root, row.path,
                                                   row.code, row.records))
    return sorted(found.values(), key=lambda a: (RULES.index(a.rule), a.root, a.path))


def _live():
    return Asset.status != AssetStatus.removed


def _first_seen_risk(code: str, run_ids: list[int]):
    """Open findings of risk ``code`` first seen in one of the runs."""
    return and_(Finding.kind == "risk", Finding.code == code, Finding.first_seen_run_id.in_(run_ids),
                Finding.active.is_(True), Finding.dismissed.is_(False))


def _cloud_sync_personal(run_ids: list[int], rule: Rule):
    return (select(Asset.id, Asset.root, Asset.path, Asset.records,
                   Finding.first_seen_run_id.label("run_id"), Finding.code)
            .join(Finding, Finding.asset_id == Asset.id)
            .where(_first_seen_risk("cloud-sync-folder", run_ids), _live(),
                   Asset.personal_present.is_(True), Asset.records >= rule.min_records))


def _remote_access_tool(run_ids: list[int], _rule: Rule):
    return (select(Asset.id, Asset.root, Asset.path, Asset.records,
                   Finding.first_seen_run_id.label("run_id"), Finding.code)
            .join(Finding, Finding.asset_id == Asset.id)
            .where(_first_seen_risk("remote-access-tool", run_ids), _live()))


def _sensitive_file(run_ids: list[int], rule: Rule):
    return (select(Asset.id, Asset.root, Asset.path, Asset.records, AssetChange.run_id,
                   literal("sensitive").label("code"))
            .join(AssetChange, AssetChange.asset_id == Asset.id)
            .where(AssetChange.run_id.in_(run_ids), AssetChange.change == "new", _live(),
                   Asset.sensitive.is_(True), Asset.records >= rule.min_records))


def _my_number_app(run_ids: list[int], rule: Rule):
    new_asset = (select(AssetChange.asset_id.label("asset_id"), AssetChange.run_id.label("run_id"))
                 .where(AssetChange.run_id.in_(run_ids), AssetChange.change == "new"))
    new_column = (select(Finding.asset_id.label("asset_id"), Finding.first_seen_run_id.label("run_id"))
                  .where(Finding.kind == "column", Finding.category == "my_number",
                         Finding.first_seen_run_id.in_(run_ids), Finding.active.is_(True),
                         Finding.dismissed.is_(False)))
    why = new_asset.union(new_column).subquery()
    return (select(Asset.id, Asset.root, Asset.path, Asset.records, func.min(why.c.run_id).label("run_id"),
                   literal("my_number").label("code"))
            .join(why, why.c.asset_id == Asset.id)
            .where(_live(), Asset.is_app.is_(True), Asset.my_number.is_(True),
                   Asset.records >= rule.min_records)
            .group_by(Asset.id, Asset.root, Asset.path, Asset.records))


_RULE_QUERIES: dict[str, Callable] = {
    "cloud-sync-personal": _cloud_sync_personal, "remote-access-tool": _remote_access_tool,
    "sensitive-file": _sensitive_file, "my-number-app": _my_number_app,
}


# ----- a share's first scan: a baseline -----
@dataclass
class Baseline:
    """The first scan of one share (or of roots scanned without a share): counts, no file list.

    ``counts``: how many files each rule matched (what would have been one alert each)."""

    run_ids: list[int]
    share: str | None
    roots: list[str]
    files: int = 0
    personal: int = 0
    sensitive: int = 0
    my_number: int = 0
    apps: int = 0
    unread: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def scope(self) -> str:
        """The share's name, else its roots."""
        return self.share or ", ".join(self.roots) or "-"

    def as_dict(self) -> dict:
        return {"runs": self.run_ids, "share": self.share, "roots": self.roots, "files": self.files,
                "personal": self.personal, "sensitive": self.sensitive, "my_number": self.my_number,
                "apps": self.apps, "unread": self.unread, "counts": self.counts}


def _scope_of(run: ScanRun) -> tuple:
    return ("share", run.share_id) if run.share_id else ("roots", tuple(sorted(run.roots or [])))


def baseline_runs(session, run_ids: list[int], config: AlertConfig | None = None) -> list[int]:
    """The runs among ``run_ids`` that scan their share (or roots) for the first time: no run
    over the same scope finished before them (an interrupted first scan and the run that
    resumes it are both first scans).  None when ``config.baseline`` is off."""
    if not run_ids or (config is not None and not config.baseline):
        return []
    found = []
    for run in session.scalars(select(ScanRun).where(ScanRun.id.in_(run_ids))):
        same_scope = (ScanRun.share_id == run.share_id) if run.share_id else ScanRun.share_id.is_(None)
        earlier = session.execute(select(ScanRun.roots).where(
            ScanRun.id < run.id, ScanRun.status == "finished", same_scope)).scalars().all()
        if not any(run.share_id or sorted(roots or []) == sorted(run.roots or []) for roots in earlier):
            found.append(run.id)
    return sorted(found)


def baselines(session, run_ids: list[int], config: AlertConfig) -> list[Baseline]:
    """One :class:`Baseline` per scope of the (first-scan) runs ``run_ids``: the live files they
    saw, counted in one query, and the rules' matches counted (never listed)."""
    groups: dict[tuple, list[ScanRun]] = {}
    for run in session.scalars(select(ScanRun).where(ScanRun.id.in_(run_ids)).order_by(ScanRun.id)):
        groups.setdefault(_scope_of(run), []).append(run)
    found = []
    for (kind, key), runs in groups.items():
        ids = [r.id for r in runs]
        share = session.get(Share, key).name if kind == "share" and session.get(Share, key) else None
        roots = sorted({root for r in runs for root in (r.roots or [])})
        base = Baseline(run_ids=ids, share=share, roots=roots)
        row = session.execute(select(
            func.count(), func.count().filter(Asset.personal_present.is_(True)),
            func.count().filter(Asset.sensitive.is_(True)), func.count().filter(Asset.my_number.is_(True)),
            func.count().filter(Asset.is_app.is_(True)),
            func.count().filter(Asset.status.in_(UNREAD_STATUSES)))
            .where(_live(), or_(Asset.last_seen_run_id.in_(ids), Asset.first_seen_run_id.in_(ids)))).one()
        base.files, base.personal, base.sensitive, base.my_number, base.apps, base.unread = row
        matched = Counter(a.rule for a in find_alerts(session, ids, config))
        base.counts = {rule: matched[rule] for rule in RULES if matched[rule]}
        found.append(base)
    return found


# ----- messages -----
def email_text(alerts: list[Alert], run_ids: list[int], config: AlertConfig,
               digest: bool = False, first_scans: list[Baseline] = ()) -> tuple[str, str]:
    """(subject, body) of the alert email in ``config.lang``: per rule a count and the first
    assets; then a summary of each first scan (``first_scans``: counts only)."""
    _ = catalogue.translator(config.lang)
    runs = ", ".join(f"#{r}" for r in run_ids)
    if digest:
        subject = _("[Personal-data inventory] Daily digest: %(count)s new high-risk findings") % {
            "count": len(alerts)}
    elif not alerts and first_scans:
        subject = _("[Personal-data inventory] First scan of %(scope)s: %(files)s files") % {
            "scope": ", ".join(b.scope for b in first_scans), "files": f"{sum(b.files for b in first_scans):,}"}
    else:
        subject = _("[Personal-data inventory] %(count)s new high-risk findings (scan run %(runs)s)") % {
            "count": len(alerts), "runs": runs}
    lines = []
    if alerts or not first_scans:
        lines += [_("These high-risk findings are new in scan runs %(runs)s:") % {"runs": runs}, ""]
    by_rule = _by_rule(alerts)
    for rule, items in by_rule.items():
        title = catalogue.label(ALERT_RULE_LABELS, rule, config.lang)
        lines.append(f"■ {title} ({rule}): {len(items):,}")
        for alert in items[:config.max_items]:
            line = "  " + _("Asset %(id)s") % {"id": alert.asset_id} + f"  {alert.root}/{alert.path}"
            if config.base_url:
                line += f"\n    {config.base_url.rstrip('/')}/assets/{alert.asset_id}"
            lines.append(line)
        if len(items) > config.max_items:
            lines.append("  " + _("(and %(count)s more)") % {"count": f"{len(items) - config.max_items:,}"})
        lines.append("")
    for base in first_scans:
        lines += _baseline_lines(base, config, _)
    if alerts:
        lines.append(_("Check them in the registry and record a decision for each."))
    lines.append(_("This message holds file paths and counts only, never a value read from a file."))
    return subject, "\n".join(lines) + "\n"


def _baseline_lines(base: Baseline, config: AlertConfig, _) -> list[str]:
    """A first scan's summary: what it found, what the rules matched (counts), what comes next."""
    runs = ", ".join(f"#{r}" for r in base.run_ids)
    lines = ["■ " + _("First scan of %(scope)s (scan run %(runs)s): a baseline, no alert per file") % {
                 "scope": base.scope, "runs": runs},
             "  " + _("First scan: %(files)s files, %(personal)s with personal data, %(sensitive)s with "
                      "sensitive personal data, %(my_number)s with My Numbers, %(apps)s business apps, "
                      "%(unread)s whose contents could not be checked") % {
                 name: f"{getattr(base, name):,}"
                 for name in ("files", "personal", "sensitive", "my_number", "apps", "unread")}]
    if base.counts:
        lines.append("  " + _("High-risk files at this first scan (one alert each on a later scan):"))
        lines += [f"    {catalogue.label(ALERT_RULE_LABELS, rule, config.lang)}: {count:,}"
                  for rule, count in base.counts.items()]
    if base.unread:
        lines.append("  " + _("Files whose contents could not be checked (encrypted or unreadable) need "
                              "a person: they are listed in the triage queue and the department view."))
    if config.base_url:
        lines.append("  " + config.base_url.rstrip("/") + "/triage/")
    lines.append("  " + _("Later scans of this share alert on what is new, as usual."))
    lines.append("")
    return lines


def webhook_payload(alerts: list[Alert], run_ids: list[int], config: AlertConfig,
                    digest: bool = False, first_scans: list[Baseline] = ()) -> dict:
    """The JSON the webhook receives: counts per rule and the first ``max_items`` alerts, and
    each first scan's summary (``baselines``; event ``alerts.baseline`` when that is all)."""
    counts = Counter(a.rule for a in alerts)
    event = "alerts.digest" if digest else "alerts.baseline" if first_scans and not alerts else "alerts"
    return {"source": "inventory", "event": event,
            "runs": run_ids, "generated_at": utcnow().isoformat(timespec="seconds"),
            "total": len(alerts), "counts": {rule: counts[rule] for rule in RULES if counts[rule]},
            "alerts": [a.as_dict() for a in alerts[:config.max_items]],
            "omitted": max(0, len(alerts) - config.max_items),
            "baselines": [b.as_dict() for b in first_scans]}


def _by_rule(alerts: list[Alert]) -> dict[str, list[Alert]]:
    grouped: dict[str, list[Alert]] = {}
    for alert in alerts:
        grouped.setdefault(alert.rule, []).append(alert)
    return grouped


# ----- delivery -----
class DeliveryError(RuntimeError):
    """A channel failed; ``str(exc)`` is a short reason (no payload, no password)."""


def post_webhook(url: str, payload: dict, retries: int = 3, backoff: float = 2.0,
                 timeout: float = 10.0, sleep: Callable[[float], None] = time.sleep) -> int:
    """POST ``payload`` as JSON; retry network errors, 429 and 5xx with doubling waits.
    Return the HTTP status; raise :class:`DeliveryError` when every attempt failed."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    reason = "not attempted"
    for attempt in range(retries + 1):
        if attempt:
            sleep(backoff * 2 ** (attempt - 1))
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": "inventory-alerts"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            reason = f"HTTP {exc.code}"
            if exc.code != 429 and exc.code < 500:
                break
        except (urllib.error.URLError, OSError) as exc:
            reason = type(getattr(exc, "reason", exc)).__name__
    raise DeliveryError(f"webhook: {reason} after {attempt + 1} attempts")


def recipients(session, config: AlertConfig) -> list[str]:
    """``email_to``, else the active IT-division and privacy-office users' addresses."""
    if config.email_to:
        return config.email_to
    rows = session.execute(select(User.email).where(User.active.is_(True), User.email.is_not(None),
                                                    User.role.in_([str(r) for r in RECIPIENT_ROLES]))
                           .order_by(User.email)).scalars()
    return sorted({e for e in rows if e})


@dataclass
class Delivery:
    """What happened to one batch of alerts."""

    alerts: int = 0
    emails: int = 0
    webhook: bool = False
    errors: list[str] = field(default_factory=list)
    channels: int = 0
    #: files of the first scans summarised instead of alerted (None: no first scan)
    baseline_files: int | None = None

    @property
    def delivered(self) -> bool:
        """Every configured channel took the alerts (or there was nothing to send)."""
        return not self.errors and (not self.to_send or self.channels > 0)

    @property
    def to_send(self) -> bool:
        return bool(self.alerts) or self.baseline_files is not None

    def summary(self) -> str:
        """``alerts=2 emails=1 webhook=ok``: the form the audit trail keeps (:func:`text` for people)."""
        parts = [f"alerts={self.alerts}", f"emails={self.emails}", f"webhook={'ok' if self.webhook else '-'}"]
        if self.baseline_files is not None:
            parts.insert(1, f"baseline={self.baseline_files}")
        if self.to_send and not self.channels:
            parts.append("no channel configured")
        return " ".join(parts + [f"error: {e}" for e in self.errors])

    def text(self, lang: str | None = None) -> str:
        """What was sent, for a person, in ``lang``."""
        _ = catalogue.translator(lang)
        line = _("%(alerts)s alerts, %(emails)s e-mails sent, webhook: %(webhook)s") % {
            "alerts": f"{self.alerts:,}", "emails": f"{self.emails:,}",
            "webhook": _("delivered") if self.webhook else "-"}
        if self.baseline_files is not None:
            line = _("first scan of the share: one summary of %(files)s files, no alert per file") % {
                "files": f"{self.baseline_files:,}"} + "; " + line
        if self.to_send and not self.channels:
            line += "; " + _("no channel configured (INVENTORY_SMTP_HOST, INVENTORY_ALERT_WEBHOOK_URL)")
        return line + "".join("; " + _("error: %(error)s") % {"error": e} for e in self.errors)


def deliver(session, alerts: list[Alert], run_ids: list[int], config: AlertConfig,
            digest: bool = False, first_scans: list[Baseline] = ()) -> Delivery:
    """Send the alerts (and the first scans' summaries) by email and webhook (whichever are
    configured)."""
    from inventory.mailer import MailError, SmtpSettings, send_mail

    result = Delivery(alerts=len(alerts))
    if first_scans:
        result.baseline_files = sum(b.files for b in first_scans)
    if not result.to_send:
        return result
    smtp = SmtpSettings.from_env()
    to = recipients(session, config) if smtp else []
    if smtp and to:
        result.channels += 1
        subject, body = email_text(alerts, run_ids, config, digest, first_scans)
        try:
            send_mail(to, subject, body, smtp)
            result.emails = 1
        except MailError as exc:
            result.errors.append(str(exc))
    if config.webhook_url:
        result.channels += 1
        try:
            post_webhook(config.webhook_url, webhook_payload(alerts, run_ids, config, digest, first_scans),
                         retries=config.webhook_retries, backoff=config.webhook_backoff,
                         timeout=config.webhook_timeout)
            result.webhook = True
        except DeliveryError as exc:
            result.errors.append(str(exc))
    return result


def _mark_alerted(session, run_ids: list[int], delivery: Delivery) -> None:
    for run_id in run_ids:
        session.add(AuditEvent(object_type="scan_run", object_id=run_id, field="alerted",
                               after=delivery.summary()))


def alerted_runs(session, run_ids: list[int]) -> set[int]:
    """Which of the runs have had their alerts delivered."""
    if not run_ids:
        return set()
    return set(session.execute(select(AuditEvent.object_id).where(
        AuditEvent.object_type == "scan_run", AuditEvent.field == "alerted",
        AuditEvent.object_id.in_(run_ids))).scalars())


# ----- the two ways of sending -----
def with_orphans(session, run_ids: list[int]) -> list[int]:
    """``run_ids`` and the earlier runs of the same share or roots that never finished and were
    not alerted: a scan killed half-way (its run stays ``running``) reported findings first, and
    the run that resumed it sees them as old."""
    found = set(run_ids)
    for run in session.scalars(select(ScanRun).where(ScanRun.id.in_(run_ids))):
        same_scope = (ScanRun.share_id == run.share_id) if run.share_id else ScanRun.share_id.is_(None)
        for orphan in session.scalars(select(ScanRun).where(
                ScanRun.id < run.id, ScanRun.status == "running", same_scope)):
            if sorted(orphan.roots or []) == sorted(run.roots or []) or run.share_id:
                found.add(orphan.id)
    found -= alerted_runs(session, sorted(found - set(run_ids)))
    return sorted(found)


def after_run(session, run_id: int, config: AlertConfig | None = None, force: bool = False) -> Delivery | None:
    """After a run: in ``immediate`` mode (or ``force``), send its alerts (and those of the killed
    runs it resumed); None when not sent now (digest or off mode, already alerted).  The caller
    commits."""
    config = config or AlertConfig.load()
    if not force and (config.mode != "immediate" or alerted_runs(session, [run_id])):
        return None
    run_ids = with_orphans(session, [run_id])
    alerts, first_scans = _split(session, run_ids, config)
    delivery = deliver(session, alerts, run_ids, config, first_scans=first_scans)
    if delivery.delivered:
        _mark_alerted(session, run_ids, delivery)
    return delivery


def _split(session, run_ids: list[int], config: AlertConfig) -> tuple[list[Alert], list[Baseline]]:
    """The alerts of the runs that are not first scans, and a summary of those that are."""
    first = baseline_runs(session, run_ids, config)
    later = [r for r in run_ids if r not in first]
    return find_alerts(session, later, config), baselines(session, first, config) if first else []


def digest_runs(session, hours: float = 24.0) -> list[int]:
    """Runs that finished in the last ``hours`` (finished or partial) and were not alerted yet."""
    since = utcnow() - dt.timedelta(hours=hours)
    ids = list(session.execute(select(ScanRun.id).where(
        ScanRun.finished_at.is_not(None), ScanRun.finished_at >= since,
        or_(ScanRun.status == "finished", ScanRun.status == "partial")).order_by(ScanRun.id)).scalars())
    done = alerted_runs(session, ids)
    return with_orphans(session, [i for i in ids if i not in done])


def send_digest(session, config: AlertConfig | None = None, hours: float = 24.0,
                dry_run: bool = False) -> tuple[list[int], list[Alert], Delivery | None]:
    """One message for every run of the last ``hours`` not alerted yet (``digest`` mode, or to
    catch up runs whose immediate delivery failed).  The caller commits."""
    config = config or AlertConfig.load()
    run_ids = digest_runs(session, hours)
    alerts, first_scans = _split(session, run_ids, config)
    if dry_run or not run_ids:
        return run_ids, alerts, None
    delivery = deliver(session, alerts, run_ids, config, digest=True, first_scans=first_scans)
    if delivery.delivered:
        _mark_alerted(session, run_ids, delivery)
    return run_ids, alerts, delivery
