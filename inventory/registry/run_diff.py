"""What one scan run changed: new, changed, moved, returned and removed assets, and new risks.

The changes are the run's :class:`~inventory.models.AssetChange` rows (ingest
writes them); the new risks are risk findings whose ``first_seen_run_id`` is
the run (findings that existed before migration 0004 are new in no run).
``inventory runs show RUN_ID`` prints a diff; alerts read the same tables.

Texts are English msgids translated through the registry's catalogue
(inventory/translations), Japanese by default, as in the web UI; a diff shows
paths, codes and counts, never a value read from a file.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sqlalchemy import func, select

from inventory.labels import CHANGE_LABELS, RISK_LABELS
from inventory.models import Asset, AssetChange, ChangeKind, Finding, ScanRun, Share

CHANGE_ORDER = (ChangeKind.new, ChangeKind.changed, ChangeKind.moved, ChangeKind.returned,
                ChangeKind.removed)
TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"


@lru_cache(maxsize=4)
def translator(lang: str) -> Callable[[str], str]:
    """``gettext`` for ``lang`` from the registry's catalogue (English: the msgid itself)."""
    if lang == "en":
        return lambda text: text
    from babel.support import Translations

    return Translations.load(str(TRANSLATIONS), [lang]).gettext


def label(labels: dict, code: str, _: Callable[[str], str]) -> str:
    """A code's display label from :mod:`inventory.labels` in ``_``'s language."""
    text = labels.get(code)
    return _(str(text)) if text is not None else code


@dataclass
class Item:
    """One asset in a diff: where it is now (and was, for a move), and the risk code if any."""

    asset_id: int
    root: str
    path: str
    old_path: str | None = None
    code: str | None = None


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
    risks: list[Item] = field(default_factory=list)

    @property
    def new_risks(self) -> int:
        return sum(self.risk_counts.values())


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
    rows = session.execute(
        select(asset.c.id, asset.c.root, asset.c.path, Finding.code)
        .join(asset, asset.c.id == Finding.asset_id).where(*risk)
        .order_by(Finding.code, asset.c.root, asset.c.path).limit(limit)).all()
    diff.risks = [Item(r.id, r.root, r.path, code=r.code) for r in rows]
    return diff


def _new_risk_findings(run_id: int) -> list:
    """Conditions for the open risk findings a run reported first."""
    return [Finding.first_seen_run_id == run_id, Finding.kind == "risk", Finding.active.is_(True),
            Finding.dismissed.is_(False)]


# ----- text -----
def run_status(status: str, _: Callable[[str], str]) -> str:
    labels = {"running": "Running (or stopped without finishing)", "finished": "Finished",
              "partial": "Interrupted (partial: nothing marked removed)", "failed": "Failed"}
    return _(labels[status]) if status in labels else status


def when(value: dt.datetime | None) -> str:
    """A run's time in the machine's local time, to the minute."""
    if value is None:
        return "-"
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


def run_heading(run: ScanRun, share_name: str | None, _: Callable[[str], str]) -> str:
    """"Scan run 12 (share 本庁舎共有): Finished, 2026-11-24 02:00 to 2026-11-24 02:13"."""
    title = _("Scan run %(id)s") % {"id": run.id}
    if share_name:
        title += " (" + _("share %(name)s") % {"name": share_name} + ")"
    return _("%(title)s: %(status)s, %(start)s to %(end)s") % {
        "title": title, "status": run_status(run.status, _), "start": when(run.started_at),
        "end": when(run.finished_at)}


def format_diff(diff: RunDiff, lang: str = "ja") -> str:
    """The diff as text: heading, counts, then each section's assets (paths and codes only)."""
    _ = translator(lang)
    run = diff.run
    lines = [run_heading(run, diff.share_name, _),
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
            lines.append(f"{label(CHANGE_LABELS, kind, _)} ({diff.counts[kind]:,})")
            lines += [_item_line(item, _) for item in diff.items[kind]]
            lines += _more(diff.counts[kind] - len(diff.items[kind]), _)
    if diff.risk_counts:
        lines.append("")
        lines.append(f"{_('New risks')} ({diff.new_risks:,})")
        lines += [f"  {code}  {label(RISK_LABELS, code, _)}: {count:,}"
                  for code, count in sorted(diff.risk_counts.items())]
        lines += [_item_line(item, _) for item in diff.risks]
        lines += _more(diff.new_risks - len(diff.risks), _)
    return "\n".join(lines)


def _item_line(item: Item, _: Callable[[str], str]) -> str:
    line = f"  #{item.asset_id}  {item.path}"
    if item.code:
        line += f"  [{item.code}]"
    if item.old_path:
        line += "  (" + _("moved from %(path)s") % {"path": item.old_path} + ")"
    return line


def _more(count: int, _: Callable[[str], str]) -> list[str]:
    return ["  " + _("(and %(count)s more)") % {"count": f"{count:,}"}] if count > 0 else []


def format_runs(runs: list[tuple[ScanRun, str | None]], lang: str = "ja") -> str:
    """One line per run: id, status, times, share and the counts of :func:`run_summary`."""
    from inventory.registry.finish import run_summary

    _ = translator(lang)
    if not runs:
        return _("No scan runs yet.")
    return "\n".join(f"{run_heading(run, share, _)}\n    {run_summary(run)}" for run, share in runs)


def recent_runs(session, limit: int = 20) -> list[tuple[ScanRun, str | None]]:
    """The latest runs, newest first, with their share's name."""
    rows = session.execute(select(ScanRun, Share.name).outerjoin(Share, Share.id == ScanRun.share_id)
                           .order_by(ScanRun.id.desc()).limit(limit)).all()
    return [(run, name) for run, name in rows]
