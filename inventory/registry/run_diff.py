"""What one scan run changed: new, changed, moved, returned and removed assets, and new risks.

The changes are the run's :class:`~inventory.models.AssetChange` rows (ingest
writes them); the new risks are risk findings whose ``first_seen_run_id`` is
the run (findings that existed before migration 0004 are new in no run).
``inventory runs show RUN_ID`` prints a diff; alerts read the same tables.

A diff lists each asset once: an asset in a section of changes carries the
labels of its new risks; the section of new risks lists the other assets with
one (an unchanged file a newer detector flagged).  Texts and labels come from
:mod:`inventory.catalogue` (Japanese by default, as in the web UI); a diff shows
paths, labels and counts, never a value read from a file.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, select

from inventory import catalogue
from inventory.labels import CHANGE_LABELS, RISK_LABELS, RUN_STATUS_LABELS
from inventory.models import Asset, AssetChange, ChangeKind, Finding, ScanRun, Share

CHANGE_ORDER = (ChangeKind.new, ChangeKind.changed, ChangeKind.moved, ChangeKind.returned,
                ChangeKind.removed)


@dataclass
class Item:
    """One asset in a diff: where it is now (and was, for a move), and its new risks' codes."""

    asset_id: int
    root: str
    path: str
    old_path: str | None = None
    codes: list[str] = field(default_factory=list)


@dataclass
class RunDiff:
    run: ScanRun
    share_name: str | None
    #: change kind -> how many assets
    counts: dict[str, int] = field(default_factory=dict)
    #: change kind -> the first ``limit`` assets, by path
    items: dict[str, list[Item]] = field(default_factory=dict)
    #: risk code -> how many findings first seen in the run
    risk_counts: dict[str, int] = field(default_factory=dict)
    #: assets with a risk first seen in the run
    risk_assets: int = 0
    #: the first ``limit`` of those that no section of changes lists, by path
    risks: list[Item] = field(default_factory=list)

    @property
    def new_risks(self) -> int:
        return sum(self.risk_counts.values())

    @property
    def unlisted_risk_assets(self) -> int:
        """Assets with a new risk that the diff does not list (past a section's ``limit``)."""
        listed = {i.asset_id for items in self.items.values() for i in items if i.codes}
        return self.risk_assets - len(listed) - len(self.risks)


def load_diff(session, run_id: int, limit: int = 20) -> RunDiff | None:
    """The diff of run ``run_id`` with up to ``limit`` assets per section; None if no such run."""
    run = session.get(ScanRun, run_id)
    if run is None:
        return None
    share = session.get(Share, run.share_id) if run.share_id else None
    diff = RunDiff(run=run, share_name=share.name if share else None)
    change = AssetChange.__table__
    asset = Asset.__table__
    diff.counts = dict(session.execute(select(change.c.change, func.count())
                                       .where(change.c.run_id == run_id).group_by(change.c.change)).all())
    for kind in diff.counts:
        rows = session.execute(
            select(asset.c.id, asset.c.root, asset.c.path, change.c.old_path)
            .join(asset, asset.c.id == change.c.asset_id)
            .where(change.c.run_id == run_id, change.c.change == kind)
            .order_by(asset.c.root, asset.c.path).limit(limit)).all()
        diff.items[kind] = [Item(r.id, r.root, r.path, old_path=r.old_path) for r in rows]
    risk = _new_risk_findings(run_id)
    diff.risk_counts = dict(session.execute(
        select(Finding.code, func.count()).where(*risk).group_by(Finding.code)).all())
    if not diff.risk_counts:
        return diff
    diff.risk_assets = session.execute(select(func.count(func.distinct(Finding.asset_id))).where(*risk)).scalar()
    listed = [i for items in diff.items.values() for i in items]
    others = (select(asset.c.id, asset.c.root, asset.c.path).where(
        asset.c.id.in_(select(Finding.asset_id).where(*risk)))
        .order_by(asset.c.root, asset.c.path))
    if listed:
        others = others.where(asset.c.id.not_in([i.asset_id for i in listed]))
    diff.risks = [Item(r.id, r.root, r.path) for r in session.execute(others.limit(limit)).all()]
    _attach_codes(session, risk, listed + diff.risks)
    return diff


def _attach_codes(session, risk: list, items: list[Item]) -> None:
    """Give each item the codes of its new risks."""
    by_id: dict[int, list[Item]] = {}
    for item in items:
        by_id.setdefault(item.asset_id, []).append(item)
    ids = list(by_id)
    for start in range(0, len(ids), 500):
        for asset_id, code in session.execute(
                select(Finding.asset_id, Finding.code).distinct()
                .where(*risk, Finding.asset_id.in_(ids[start:start + 500]))
                .order_by(Finding.asset_id, Finding.code)).all():
            for item in by_id[asset_id]:
                item.codes.append(code)


def _new_risk_findings(run_id: int) -> list:
    """Conditions for the open risk findings a run reported first."""
    return [Finding.first_seen_run_id == run_id, Finding.kind == "risk", Finding.active.is_(True),
            Finding.dismissed.is_(False)]


# ----- text -----
def run_status(status: str, lang: str | None = None) -> str:
    return catalogue.label(RUN_STATUS_LABELS, status, lang)


def when(value: dt.datetime | None) -> str:
    """A run's time in the machine's local time, to the minute."""
    if value is None:
        return "-"
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


def run_heading(run: ScanRun, share_name: str | None, lang: str | None = None) -> str:
    """"Scan run 12 (share 本庁舎共有): Finished, 2026-11-24 02:00 to 2026-11-24 02:13"."""
    _ = catalogue.translator(lang)
    title = _("Scan run %(id)s") % {"id": run.id}
    if share_name:
        title += " (" + _("share %(name)s") % {"name": share_name} + ")"
    return _("%(title)s: %(status)s, %(start)s to %(end)s") % {
        "title": title, "status": run_status(run.status, lang), "start": when(run.started_at),
        "end": when(run.finished_at)}


#: a run's counts (ScanRun's columns; the registry API's ``totals``)
COUNT_NAMES = ("records", "new", "changed", "moved", "removed", "unchanged", "errors", "rejected", "copies")


def run_counts(run: ScanRun, lang: str | None = None) -> str:
    """A run's counts for a person ("10 records: 2 new, 1 changed ..."); the audit trail keeps
    :func:`inventory.registry.finish.run_summary`'s ``key=value`` form."""
    return counts_text({name: getattr(run, name) for name in COUNT_NAMES}, lang)


def counts_text(counts: Mapping[str, int | None], lang: str | None = None) -> str:
    """:func:`run_counts` of a mapping of :data:`COUNT_NAMES` (a missing count is 0)."""
    _ = catalogue.translator(lang)
    return _("%(records)s records: %(new)s new, %(changed)s changed, %(moved)s moved, "
             "%(removed)s removed, %(unchanged)s unchanged, %(errors)s unreadable, "
             "%(rejected)s not scan records, %(copies)s copies") % {
        name: f"{counts.get(name) or 0:,}" for name in COUNT_NAMES}


def run_line(run: ScanRun, lang: str | None = None) -> str:
    """"Scan run 12: Finished; 10 records: 2 new ...": what a scan or an ingest prints at its end."""
    return catalogue.gettext("Scan run %(id)s: %(status)s; %(counts)s", lang) % {
        "id": run.id, "status": run_status(run.status, lang), "counts": run_counts(run, lang)}


def format_diff(diff: RunDiff, lang: str | None = None) -> str:
    """The diff as text: heading, counts, then each section's assets (paths and labels only)."""
    _ = catalogue.translator(lang)
    risk_labels = catalogue.labels(RISK_LABELS, lang)
    run = diff.run
    lines = [run_heading(run, diff.share_name, lang),
             "  " + _("Roots: %(roots)s") % {"roots": ", ".join(run.roots or []) or "-"},
             "  " + _("%(records)s records: %(new)s new, %(changed)s changed, %(moved)s moved, "
                      "%(returned)s found again, %(removed)s removed, %(unchanged)s unchanged, "
                      "%(errors)s unreadable; %(risks)s new risks") % {
                 "records": f"{run.records:,}", "unchanged": f"{run.unchanged:,}",
                 "errors": f"{run.errors:,}", "risks": f"{diff.new_risks:,}",
                 **{k: f"{diff.counts.get(k, 0):,}" for k in CHANGE_ORDER}}]
    if not diff.counts and not diff.risk_counts:
        lines.append(_("No changes."))
    for kind in CHANGE_ORDER:
        if diff.counts.get(kind):
            lines.append("")
            lines.append(f"{catalogue.label(CHANGE_LABELS, kind, lang)} ({diff.counts[kind]:,})")
            lines += [_item_line(item, risk_labels, _) for item in diff.items[kind]]
            lines += _more(diff.counts[kind] - len(diff.items[kind]), _)
    if diff.risk_counts:
        lines.append("")
        lines.append(_("New risks") + f" ({diff.new_risks:,})")
        lines += [f"  {risk_labels.get(code, code)}: {count:,}"
                  for code, count in sorted(diff.risk_counts.items(),
                                            key=lambda pair: (-pair[1], risk_labels.get(pair[0], pair[0])))]
        if diff.risks:
            lines.append("  " + _("Files not listed above:"))
            lines += [_item_line(item, risk_labels, _) for item in diff.risks]
        lines += _more(diff.unlisted_risk_assets, _)
    return "\n".join(lines)


def _item_line(item: Item, risk_labels: dict[str, str], _: Callable[[str], str]) -> str:
    line = f"  #{item.asset_id}  {item.path}"
    if item.old_path:
        line += "  (" + _("moved from %(path)s") % {"path": item.old_path} + ")"
    if item.codes:
        order = {code: n for n, code in enumerate(risk_labels)}
        codes = sorted(item.codes, key=lambda code: (order.get(code, len(order)), code))
        line += "  [" + _("new risk: %(risks)s") % {
            "risks": _(", ").join(risk_labels.get(code, code) for code in codes)} + "]"
    return line


def _more(count: int, _: Callable[[str], str]) -> list[str]:
    return ["  " + _("(and %(count)s more)") % {"count": f"{count:,}"}] if count > 0 else []


def format_runs(runs: list[tuple[ScanRun, str | None]], lang: str | None = None) -> str:
    """One line per run: id, status, times and share, then its counts (:func:`run_counts`)."""
    _ = catalogue.translator(lang)
    if not runs:
        return _("No scan runs yet.")
    return "\n".join(f"{run_heading(run, share, lang)}\n    {run_counts(run, lang)}" for run, share in runs)


def recent_runs(session, limit: int = 20) -> list[tuple[ScanRun, str | None]]:
    """The latest runs, newest first, with their share's name."""
    rows = session.execute(select(ScanRun, Share.name).outerjoin(Share, Share.id == ScanRun.share_id)
                           .order_by(ScanRun.id.desc()).limit(limit)).all()
    return [(run, name) for run, name in rows]
