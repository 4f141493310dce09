"""What a department reviews, as SQL: its assets with findings, each finding's state, what is pending.

A finding is *dismissed* (``Finding.dismissed``), *confirmed*
(``Finding.confirmed_at``; the AuditEvent ``finding``/``confirmed`` is its
history), or *pending*.  Every query here is filtered to a set of
departments and grouped or paged in SQL: a page costs a fixed number of
queries whatever the number of assets.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, func, not_, or_, select, union_all

from inventory.models import Asset, AssetStatus, Finding, Lifecycle
from inventory.web.assets.queries import assets_in_order
from inventory.web.assets.unread import needs_person_counts
from inventory.web.permissions import restrict_to_scope
from inventory.web.triage.queue import PAGE_SIZE, capped_count

LIVE = Asset.status != AssetStatus.removed
#: an asset the department reviews: personal data or risks
REVIEWED = (LIVE, or_(Asset.personal_present, Asset.risk_count > 0))
#: apps still in use (not retired)
APP_IN_USE = (LIVE, Asset.is_app, or_(Asset.lifecycle.is_(None), Asset.lifecycle != Lifecycle.retired))
CONFIRMED = Finding.confirmed_at.is_not(None)
PENDING = and_(Finding.active, not_(Finding.dismissed), Finding.confirmed_at.is_(None))
ATTENTION_LIMIT = 20
REVIEW_ORDER = (Asset.sensitive.desc(), Asset.my_number.desc(), Asset.risk_count.desc(), Asset.id)
#: a page of at most this many departments is read department by department
MERGED_DEPARTMENTS = 64


def finding_state(dismissed: bool, confirmed: bool) -> str:
    """"dismissed", "confirmed" or "pending"."""
    return "dismissed" if dismissed else "confirmed" if confirmed else "pending"


def review_page(session, scope: set[int] | None, page: int, pending_only: bool = False
                ) -> tuple[int, list[Asset]]:
    """(number of reviewed assets in ``scope``, the assets of ``page``): most sensitive first.

    In a request the count and the page's ids come from the app's caches while
    the registry's stamp holds (a confirmation or dismissal writes an
    AuditEvent): a bureau's page is a union of one branch per department,
    which costs more to build than to run.
    """
    from inventory.web.dashboard.views import cached_ids, scope_key

    conditions = list(REVIEWED)
    if pending_only:
        conditions.append(exists().where(Finding.asset_id == Asset.id, PENDING))
    total = capped_count(session, restrict_to_scope(select(Asset.id).where(*conditions), scope), cached=True)
    key = ("review_page", scope_key(scope), pending_only, page)
    ids = cached_ids(session, key, lambda: _page_ids(session, conditions, scope, page),
                     cache="review_page_cache")
    return total, assets_in_order(session, ids)


def _page_ids(session, conditions: list, scope: set[int] | None, page: int) -> list[int]:
    if scope and 1 < len(scope) <= MERGED_DEPARTMENTS:
        return _page_by_department(session, conditions, scope, page)
    stmt = (restrict_to_scope(select(Asset.id).where(*conditions), scope)
            .order_by(*REVIEW_ORDER).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    return list(session.execute(stmt).scalars())


def _page_by_department(session, conditions: list, scope: set[int], page: int) -> list[int]:
    """The ids of a page of several departments (a head's), read off ``ix_asset_review`` one
    department at a time and merged: the index leads with the department, so a plain ``IN``
    would sort all of their reviewed assets for every page."""
    keys = (Asset.sensitive, Asset.my_number, Asset.risk_count, Asset.id)
    branches = [select(select(*keys).where(*conditions, Asset.department_id == department)
                       .order_by(*REVIEW_ORDER).limit(page * PAGE_SIZE).subquery(f"d{department}"))
                for department in sorted(scope)]
    merged = union_all(*branches).subquery("merged")
    return list(session.execute(
        select(merged.c.id).order_by(merged.c.sensitive.desc(), merged.c.my_number.desc(),
                                     merged.c.risk_count.desc(), merged.c.id)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).scalars())


def finding_counts(session, asset_ids: list[int]) -> dict[int, Counter]:
    """Asset id -> Counter of its active findings by state (one query)."""
    if not asset_ids:
        return {}
    rows = (select(Finding.asset_id, Finding.dismissed, CONFIRMED.label("confirmed"))
            .where(Finding.asset_id.in_(asset_ids), Finding.active).subquery())
    stmt = (select(rows.c.asset_id, rows.c.dismissed, rows.c.confirmed, func.count())
            .group_by(rows.c.asset_id, rows.c.dismissed, rows.c.confirmed))
    counts: dict[int, Counter] = defaultdict(Counter)
    for asset_id, dismissed, confirmed, n in session.execute(stmt):
        counts[asset_id][finding_state(dismissed, confirmed)] += n
    return counts


def findings_of(session, asset_id: int) -> list[tuple[Finding, str]]:
    """The active findings of an asset with their state: columns first, then risks."""
    stmt = (select(Finding, CONFIRMED.label("confirmed"))
            .where(Finding.asset_id == asset_id, Finding.active)
            .order_by(Finding.kind, Finding.sheet, Finding.column, Finding.code, Finding.id))
    return [(f, finding_state(f.dismissed, confirmed)) for f, confirmed in session.execute(stmt)]


@dataclass
class PendingWork:
    """What is pending in a scope, per department id (None: unassigned)."""
    findings: Counter = field(default_factory=Counter)          # pending findings
    unstaffed_apps: Counter = field(default_factory=Counter)    # apps without owner or deputy
    overdue_apps: Counter = field(default_factory=Counter)      # apps whose review date is past
    attention: list = field(default_factory=list)               # up to ATTENTION_LIMIT such apps
    unread: Counter = field(default_factory=Counter)            # unread files nobody checked

    def departments(self) -> set:
        return set(self.findings) | set(self.unstaffed_apps) | set(self.overdue_apps) | set(self.unread)

    def totals(self) -> dict[str, int]:
        return {"findings": sum(self.findings.values()), "unstaffed": sum(self.unstaffed_apps.values()),
                "overdue": sum(self.overdue_apps.values()), "unread": sum(self.unread.values())}


def pending_work(session, scope: set[int] | None, today: dt.date) -> PendingWork:
    """Pending findings, unread files nobody has checked, and apps needing people or a review,
    per department, in four queries."""
    work = PendingWork()
    work.unread = needs_person_counts(session, scope)
    stmt = (select(Asset.department_id, func.count()).select_from(Finding)
            .join(Asset, Asset.id == Finding.asset_id).where(LIVE, PENDING)
            .group_by(Asset.department_id))
    work.findings.update(dict(session.execute(restrict_to_scope(stmt, scope)).all()))
    unstaffed = or_(Asset.owner_id.is_(None), Asset.deputy_id.is_(None))
    overdue = Asset.next_review < today
    stmt = (select(Asset.department_id, func.count().filter(unstaffed), func.count().filter(overdue))
            .where(*APP_IN_USE, or_(unstaffed, overdue)).group_by(Asset.department_id))
    for dept, n_unstaffed, n_overdue in session.execute(restrict_to_scope(stmt, scope)):
        if n_unstaffed:
            work.unstaffed_apps[dept] = n_unstaffed
        if n_overdue:
            work.overdue_apps[dept] = n_overdue
    # plain rows (no ORM objects): the pending work is cached across requests
    stmt = (select(Asset.id, Asset.name, Asset.department_id, Asset.owner_id, Asset.deputy_id,
                   Asset.next_review).where(*APP_IN_USE, or_(unstaffed, overdue))
            .order_by(Asset.next_review.is_(None), Asset.next_review, Asset.id).limit(ATTENTION_LIMIT))
    work.attention = list(session.execute(restrict_to_scope(stmt, scope)).all())
    return work
