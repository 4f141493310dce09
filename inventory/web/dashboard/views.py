"""The dashboard: counts of live assets (not removed) in the user's scope, as tables and SVG charts.

A fixed number of GROUP BY queries whatever the number of assets: live
assets by department and status (with the totals), apps by lifecycle,
guideline and complexity (through the ``is_app`` index), and assets by
category and by active risk (city-wide: all rows minus removed assets'
rows, which avoids joining every asset).  Nothing is read per asset, and
nothing read from a file is shown: codes and counts only.

Counting a million assets takes about a second, so counts are kept per scope
(:class:`CountCache`, also used for the department view's pending work) for
as long as the registry's :func:`registry_stamp` is unchanged: every
person's change writes an AuditEvent and every scan batch moves its run's
record count, so a page never shows counts older than the last committed
change made through the app, the API or a scan.  A write that bypasses both
(a hand-made SQL update) shows after :data:`COUNT_CACHE_SECONDS` at the latest.
"""
from __future__ import annotations

import threading
import time
from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from flask import Blueprint, current_app, has_request_context, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import distinct, func, select

from inventory.models import Asset, AssetCategory, AssetStatus, AuditEvent, Department, Finding, Role, ScanRun
from inventory.clock import city_today
from inventory.web.dashboard.charts import bar_chart
from inventory.web.dashboard.needs import count_needs
from inventory.web.extensions import get_session
from inventory.web.labels import (
    CATEGORY_LABELS,
    COMPLEXITY_LABELS,
    GUIDELINE_LABELS,
    LIFECYCLE_LABELS,
    RISK_LABELS,
    STATUS_LABELS,
    label,
)
from inventory.web.permissions import AREA_ROLES, department_scope, require_roles, restrict_to_scope

bp = Blueprint("dashboard", __name__)
LIVE = Asset.status != AssetStatus.removed
TOTAL_KEYS = ("assets", "personal", "sensitive", "my_number", "apps", "with_risks")
#: cached counts are made again at least this often, whatever the stamp says
COUNT_CACHE_SECONDS = 300
STAMP_KEY = "inventory.registry_stamp"


@dataclass
class DashboardCounts:
    """Counts of live assets in one scope."""
    totals: Counter = field(default_factory=Counter)
    departments: Counter = field(default_factory=Counter)     # department id (None: unassigned)
    statuses: Counter = field(default_factory=Counter)
    lifecycles: Counter = field(default_factory=Counter)      # apps only
    guidelines: Counter = field(default_factory=Counter)      # apps only
    complexities: Counter = field(default_factory=Counter)    # apps only
    categories: Counter = field(default_factory=Counter)      # assets holding each category
    risks: Counter = field(default_factory=Counter)           # assets with each active risk


def count_assets(session, scope: set[int] | None) -> DashboardCounts:
    """Every dashboard count for the departments in ``scope`` (None: the whole registry)."""
    counts = DashboardCounts(totals=Counter(dict.fromkeys(TOTAL_KEYS, 0)))
    flags = {"personal": Asset.personal_present, "sensitive": Asset.sensitive,
             "my_number": Asset.my_number, "with_risks": Asset.risk_count > 0}
    stmt = (select(Asset.department_id, Asset.status, func.count(),
                   *(func.count().filter(condition) for condition in flags.values()))
            .where(LIVE).group_by(Asset.department_id, Asset.status))
    for dept, status, n, *flagged in session.execute(restrict_to_scope(stmt, scope)):
        counts.totals["assets"] += n
        counts.totals.update(dict(zip(flags, flagged)))
        counts.departments[dept] += n
        counts.statuses[status] += n
    app_facets = (Asset.lifecycle, Asset.guideline, Asset.complexity)
    stmt = select(*app_facets, func.count()).where(LIVE, Asset.is_app).group_by(*app_facets)
    for lifecycle, guideline, complexity, n in session.execute(restrict_to_scope(stmt, scope)):
        counts.totals["apps"] += n
        counts.lifecycles[lifecycle] += n
        counts.guidelines[guideline] += n
        counts.complexities[complexity] += n
    counts.categories = _count_live(
        session, select(AssetCategory.category, func.count()).group_by(AssetCategory.category),
        Asset.id == AssetCategory.asset_id, scope)
    counts.risks = _count_live(
        session, select(Finding.code, func.count(distinct(Finding.asset_id)))
        .where(Finding.kind == "risk", Finding.active, Finding.dismissed.is_(False))
        .group_by(Finding.code), Asset.id == Finding.asset_id, scope)
    return counts


def _count_live(session, stmt, join_on, scope: set[int] | None) -> Counter:
    """Counts of ``stmt`` (key, count grouped over a table of asset rows) for live assets in ``scope``.

    City-wide, the counts over all rows minus those of removed assets: two scans
    of narrow tables and an index, cheaper than joining every live asset.
    """
    if scope is None:
        counts = Counter(dict(session.execute(stmt).all()))
        removed = stmt.join(Asset, join_on).where(Asset.status == AssetStatus.removed)
        counts.subtract(dict(session.execute(removed).all()))
        return +counts
    return Counter(dict(session.execute(
        restrict_to_scope(stmt.join(Asset, join_on).where(LIVE), scope)).all()))


def registry_stamp(session) -> tuple:
    """Something that changes with every committed change to what the counts count: the last
    AuditEvent (people's changes, finished scan runs) and the scan runs' record counts (a run
    moves them with every batch it writes).  Three index or small-table reads."""
    return tuple(session.execute(select(
        select(func.max(AuditEvent.id)).scalar_subquery(),
        select(func.count(ScanRun.id)).scalar_subquery(),
        select(func.coalesce(func.sum(ScanRun.records), 0)).scalar_subquery())).one())


class CountCache:
    """Values (counts) per key, kept while the registry's stamp is unchanged and for at most
    ``max_age`` seconds; the ``size`` most recently used keys are kept.

    One thread computes a missing value while the others asking for the same
    key wait for it (fifty clients must not start fifty one-second counts).
    Cached values are shared between requests: callers must not change them.
    """

    def __init__(self, max_age: float = COUNT_CACHE_SECONDS, size: int = 512):
        self._max_age, self._size = max_age, size
        self._entries: OrderedDict = OrderedDict()    # key -> (stamp, made at, value)
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: Hashable, stamp: tuple, compute: Callable):
        """The value of ``key`` made at ``stamp``; ``compute()`` makes it when there is none."""
        found = self._lookup(key, stamp)
        if found is not None:
            return found[0]
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            found = self._lookup(key, stamp)      # made by another thread while this one waited
            if found is not None:
                return found[0]
            value = compute()
            with self._guard:
                self._entries[key] = (stamp, time.monotonic(), value)
                self._entries.move_to_end(key)
                while len(self._entries) > self._size:
                    old, _entry = self._entries.popitem(last=False)
                    self._locks.pop(old, None)
            return value

    def _lookup(self, key: Hashable, stamp: tuple) -> tuple | None:
        with self._guard:
            entry = self._entries.get(key)
            if entry is None or entry[0] != stamp or time.monotonic() - entry[1] > self._max_age:
                return None
            self._entries.move_to_end(key)
            return (entry[2],)


def cached_ids(session, key: tuple, compute: Callable, cache: str, size: int = 1024) -> list[int]:
    """The ids ``compute()`` gives (a page of a list), kept compactly in the app's cache named
    ``cache`` under ``key`` while the registry's stamp holds; computed directly outside a request."""
    if not has_request_context():
        return list(compute())
    return list(cached_counts(session, key, lambda: array("q", compute()), cache=cache, size=size))


def cached_counts(session, key: tuple, compute: Callable, cache: str = "count_cache", size: int = 512):
    """``compute()`` for ``key`` (which names the scope), from the app's :class:`CountCache`
    named ``cache`` (made with room for ``size`` keys on first use)."""
    counts = current_app.extensions.get(cache)
    if counts is None:
        counts = current_app.extensions.setdefault(cache, CountCache(size=size))
    return counts.get(key, request_stamp(session), compute)


def request_stamp(session) -> tuple:
    """:func:`registry_stamp`, read once per request (kept in the request's WSGI environ; views
    that change the registry redirect before anything shows counts)."""
    stamp = request.environ.get(STAMP_KEY)
    if stamp is None:
        stamp = request.environ[STAMP_KEY] = registry_stamp(session)
    return stamp


def scope_key(scope: set[int] | None) -> frozenset | None:
    return None if scope is None else frozenset(scope)


def department_names(session) -> dict[int, tuple[str, str]]:
    """Department id -> (sort key, "部 課" display name) for every department.

    In a request the names come from the app's cache while the registry's
    stamp holds (every change to a department writes an AuditEvent): most
    pages show them, and building them took a tenth of an asset list's time.
    Callers must not change the dict.
    """
    if has_request_context():
        return cached_counts(session, ("department_names",), lambda: _department_names(session),
                             cache="department_names", size=1)
    return _department_names(session)


def _department_names(session) -> dict[int, tuple[str, str]]:
    rows = {d.id: d for d in session.execute(
        select(Department.id, Department.code, Department.name, Department.parent_id))}
    names = {}
    for dept_id, row in rows.items():
        chain, seen, current = [], set(), row
        while current is not None and current.id not in seen:   # parents, guarding against loops
            seen.add(current.id)
            chain.append(current)
            current = rows.get(current.parent_id)
        chain.reverse()
        names[dept_id] = ("/".join(d.code for d in chain), " ".join(d.name for d in chain))
    return names


#: the department chart shows this many departments (the most files); the table beside it all
TOP_DEPARTMENTS = 12


@dataclass
class Section:
    """One block of the dashboard: a title, (label, count) rows, where each row leads (``links``),
    and its chart; ``table``: a table of every row beside the chart (long lists only)."""
    key: str
    title: str
    heading: str
    rows: list[tuple[str, int]]
    links: list[str | None] = field(default_factory=list)
    table: bool = False

    @property
    def chart(self):
        if self.table:
            top = sorted(range(len(self.rows)), key=lambda i: -self.rows[i][1])[:TOP_DEPARTMENTS]
            top.sort()
            return bar_chart(f"chart-{self.key}", self.title, [self.rows[i] for i in top],
                             links=[self.links[i] for i in top] if self.links else None)
        return bar_chart(f"chart-{self.key}", self.title, self.rows, links=self.links or None)


def _coded_rows(counter: Counter, labels: dict, order: list) -> list[tuple[str, int, object]]:
    """(label, count, code) rows in the order of ``order`` (known codes first), then other codes by count."""
    known = [code for code in order if counter.get(code)]
    others = sorted((c for c in counter if c not in order and counter[c]),
                    key=lambda c: (-counter[c], str(c)))
    return [(label(labels, code), counter[code], code) for code in known + others]


def _section(key: str, title: str, heading: str, coded: list, link) -> Section:
    """A section of ``coded`` rows (label, count, code); ``link(code)``: the list a row leads to."""
    return Section(key, title, heading, [(text, n) for text, n, _code in coded],
                   [link(code) for _text, _n, code in coded])


def _assets_link(**args) -> str | None:
    """The asset list filtered by ``args`` (None outside a request: charts without links)."""
    if not has_request_context():
        return None
    return url_for("assets.index", **args)


def _facet(name: str, app: bool = False):
    """A row's link for facet ``name``: its code, "none" for a row of assets without one."""
    extra = {"app": "yes"} if app else {}
    return lambda code: _assets_link(**{name: "none" if code is None else code}, **extra)


def build_sections(counts: DashboardCounts, names: dict) -> list[Section]:
    """The dashboard's sections, labelled in the request's language."""
    unassigned = ("~", _("Unassigned"))
    departments = sorted(counts.departments.items(),
                         key=lambda item: names.get(item[0], unassigned)[0])
    return [
        Section("departments", _("Assets by department"), _("Department"),
                [(names.get(d, unassigned)[1], n) for d, n in departments],
                [_assets_link(department="none" if d is None else d) for d, _n in departments],
                table=len(departments) > 1),
        _section("categories", _("Assets by personal-data category"), _("Category"),
                 _coded_rows(counts.categories, CATEGORY_LABELS, list(CATEGORY_LABELS)), _facet("category")),
        _section("risks", _("Assets by risk"), _("Risk"),
                 _coded_rows(counts.risks, RISK_LABELS, list(RISK_LABELS)), _facet("risk")),
        _section("statuses", _("Assets by scan status"), _("Status"),
                 _coded_rows(counts.statuses, STATUS_LABELS, list(STATUS_LABELS)), _facet("status")),
        _section("lifecycles", _("Apps by triage stage"), _("Stage"),
                 _coded_rows(counts.lifecycles, LIFECYCLE_LABELS, list(LIFECYCLE_LABELS)),
                 _facet("lifecycle", app=True)),
        _section("guidelines", _("Apps by guideline"), _("Guideline"),
                 _coded_rows(counts.guidelines, GUIDELINE_LABELS, list(GUIDELINE_LABELS)),
                 _facet("guideline", app=True)),
        _section("complexities", _("Apps by complexity"), _("Complexity"),
                 _coded_rows(counts.complexities, COMPLEXITY_LABELS, list(COMPLEXITY_LABELS)),
                 _facet("complexity", app=True)),
    ]


@dataclass
class Need:
    """One thing waiting for the person: what, how many, and the list that shows them."""
    key: str
    title: str
    hint: str
    count: int
    link: str | None


NEED_TEXTS = {
    "new_apps": (_l("New business apps to triage"), _l("Found by the scans, not yet reviewed (stage: discovered).")),
    "unowned_apps": (_l("Business apps without an owner"), _l("Apps in use with no owner recorded.")),
    "pending_findings": (_l("Unconfirmed findings"), _l("Findings nobody has confirmed or dismissed yet.")),
    "returned": (_l("Returned declarations"), _l("Returned for correction: see the reason at the top of the declaration.")),
    "overdue": (_l("Overdue declarations"), _l("Past the due date and not yet with the privacy office.")),
    "awaiting_head": (_l("Declarations awaiting your approval"), _l("Submitted by the department, waiting for the head.")),
    "awaiting_office": (_l("Declarations awaiting acceptance"), _l("Approved by the head, waiting for the privacy office.")),
}


def _need_link(key: str, found) -> str | None:
    """Where the item ``key`` of ``found`` (:class:`~inventory.web.dashboard.needs.Needs`) leads."""
    views = current_app.view_functions
    if key == "new_apps" and "triage.index" in views:
        return url_for("triage.index", kind="apps", lifecycle="discovered")
    if key == "unowned_apps" and "triage.index" in views:
        return url_for("triage.index", kind="apps", owner="none")
    if key == "pending_findings":
        return url_for("departments.index", pending="1")
    if found.campaign_id is None:
        return None
    if key in (found.single or {}) and current_user.role not in (Role.privacy_office, Role.admin):
        return url_for("declarations.show", declaration_id=found.single[key])
    if current_user.role in (Role.privacy_office, Role.admin) and "privacy.campaign" in views:
        return url_for("privacy.campaign", campaign_id=found.campaign_id)
    return url_for("declarations.index", campaign=found.campaign_id)


def needs_of(session, scope: set[int] | None) -> list[Need]:
    """What needs the signed-in person now (counted once per role, scope and day while the
    registry's stamp holds)."""
    today = city_today()
    role = str(current_user.role)
    found = cached_counts(session, ("needs", role, scope_key(scope), today),
                          lambda: count_needs(session, role, scope, today))
    return [Need(key, str(NEED_TEXTS[key][0]), str(NEED_TEXTS[key][1]), n, _need_link(key, found))
            for key, n in found.counts.items()]


@bp.route("/")
@require_roles(*AREA_ROLES["dashboard"])
def index():
    """What needs the user now, then counts of the assets they may see, by department,
    category, risk, status and triage."""
    session = get_session()
    scope = department_scope(session, current_user)
    counts = cached_counts(session, ("dashboard", scope_key(scope)), lambda: count_assets(session, scope))
    sections = build_sections(counts, department_names(session))
    return render_template("dashboard/index.html", totals=counts.totals, sections=sections,
                           needs=needs_of(session, scope), city_wide=scope is None,
                           totals_link=lambda **args: url_for("assets.index", **args))
