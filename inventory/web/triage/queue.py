"""The IT triage queue as SQL: which assets, in which order, one page at a time.

The queue holds live (not removed) assets that are business apps or hold
personal data; its filter ``kind=unread`` holds instead the files the scanner
could not read (encrypted, unreadable) that nobody has checked yet.  Order: unclassified first (no guideline), then most risks,
sensitive data, My Number, complexity High > Medium > Low > unrated, then
id (stable pages).  Filters and order are plain columns of ``asset``, so the
database sorts and pages (LIMIT/OFFSET); a page is three queries whatever
the registry's size (count, the page, the page's people).  Counts stop at
:data:`COUNT_CAP` ("10,000+"): an exact count of a million rows costs more
than the page itself, and nobody pages that far (narrow the filters instead).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from flask import has_request_context
from sqlalchemy import case, func, or_, select

from inventory.models import Asset, AssetStatus, Guideline, Lifecycle
from inventory.web.assets.queries import assets_in_order
from inventory.web.assets.unread import NEEDS_PERSON
from inventory.web.permissions import restrict_to_scope

PAGE_SIZE = 50
COUNT_CAP = 10_000
MAX_PAGE = COUNT_CAP // PAGE_SIZE
#: filter value meaning "no value" (no guideline, no stage, not rated)
NONE = "none"
KINDS = ("all", "apps", "personal", "unread")
COMPLEXITIES = ("High", "Medium", "Low")
COMPLEXITY_RANK = case({"High": 3, "Medium": 2, "Low": 1}, value=Asset.complexity, else_=0)
QUEUE_ORDER = (Asset.guideline.is_(None).desc(), Asset.risk_count.desc(), Asset.sensitive.desc(),
               Asset.my_number.desc(), COMPLEXITY_RANK.desc(), Asset.id)
IN_QUEUE = (Asset.status != AssetStatus.removed, or_(Asset.is_app, Asset.personal_present))


@dataclass(frozen=True)
class QueueFilters:
    """What the user asked the queue for (URL query arguments); unknown values are ignored."""
    department: int | None = None
    lifecycle: str | None = None
    guideline: str | None = None
    complexity: str | None = None
    owner: str | None = None        # NONE: apps in use (not retired) without an owner
    kind: str = "all"
    page: int = 1

    @classmethod
    def from_args(cls, args, departments) -> QueueFilters:
        """Filters from ``args`` (a MultiDict); ``departments``: the ids the user may filter on."""
        dept = args.get("department", "")
        page = args.get("page", "")
        return cls(
            department=int(dept) if dept.isdigit() and int(dept) in departments else None,
            lifecycle=_one_of(args.get("lifecycle"), [s.value for s in Lifecycle] + [NONE]),
            guideline=_one_of(args.get("guideline"), [g.value for g in Guideline] + [NONE]),
            complexity=_one_of(args.get("complexity"), list(COMPLEXITIES) + [NONE]),
            owner=_one_of(args.get("owner"), [NONE]),
            kind=_one_of(args.get("kind"), KINDS) or "all",
            page=min(int(page), MAX_PAGE) if page.isdigit() and int(page) > 0 else 1)

    def query_args(self, **changes) -> dict:
        """URL arguments for these filters (with ``changes``), leaving out defaults."""
        values = asdict(replace(self, **changes))
        return {k: v for k, v in values.items()
                if v is not None and not (k == "kind" and v == "all") and not (k == "page" and v == 1)}


def _one_of(value, allowed):
    return value if value in allowed else None


def _matches(column, wanted: str | None):
    return column.is_(None) if wanted == NONE else column == wanted


def queue_conditions(filters: QueueFilters, departments: set[int] | None) -> list:
    """WHERE conditions of the queue; ``departments``: the chosen department and those below it."""
    conditions = list(IN_QUEUE)
    if filters.kind == "unread":        # files nobody could read and nobody has checked: not in IN_QUEUE
        conditions = list(NEEDS_PERSON)
    elif filters.kind == "apps":
        conditions.append(Asset.is_app)
    elif filters.kind == "personal":
        conditions.append(Asset.personal_present)
    if departments is not None:
        conditions.append(Asset.department_id.in_(sorted(departments)))
    if filters.owner == NONE:
        conditions += [Asset.owner_id.is_(None),
                       or_(Asset.lifecycle.is_(None), Asset.lifecycle != Lifecycle.retired)]
    for column, wanted in ((Asset.lifecycle, filters.lifecycle), (Asset.guideline, filters.guideline),
                           (Asset.complexity, filters.complexity)):
        if wanted:
            conditions.append(_matches(column, wanted))
    return conditions


def queue_page(session, filters: QueueFilters, scope: set[int] | None,
               departments: set[int] | None) -> tuple[int, list[Asset]]:
    """(number of assets in the queue, the assets of ``filters.page``), within ``scope``.

    In a request the count and the page's ids are kept in the app's caches
    until the registry changes (any triage decision writes an AuditEvent, so
    a classified app leaves the page at once): a filtered queue (apps not yet
    classified, deep pages) costs PostgreSQL 20-60 ms to count and cut.
    """
    from inventory.web.dashboard.views import cached_ids, scope_key

    conditions = queue_conditions(filters, departments)
    total = capped_count(session, restrict_to_scope(select(Asset.id).where(*conditions), scope),
                         cached=True)
    stmt = restrict_to_scope(select(Asset.id).where(*conditions), scope).order_by(*QUEUE_ORDER)
    stmt = stmt.limit(PAGE_SIZE).offset((filters.page - 1) * PAGE_SIZE)
    key = ("queue_page", filters, scope_key(scope), scope_key(departments))
    ids = cached_ids(session, key, lambda: session.execute(stmt).scalars(), cache="queue_page_cache")
    return total, assets_in_order(session, ids)


def people_of(session, assets) -> dict[int, str]:
    """Person id -> 氏名（所属）, for the owners and deputies of ``assets`` (one query)."""
    from inventory.web.people import person_labels

    return person_labels(session, {i for a in assets for i in (a.owner_id, a.deputy_id)})


def capped_count(session, stmt, cached: bool = False) -> int:
    """How many rows ``stmt`` selects, counting no further than COUNT_CAP + 1.

    ``cached`` (in a request): the count is kept in the app's count cache,
    keyed by its SQL (scope included), until the registry changes, so that
    paging through a costly list counts once (see :mod:`inventory.web.dashboard.views`).
    """
    counted = select(func.count()).select_from(stmt.limit(COUNT_CAP + 1).subquery())
    if not (cached and has_request_context()):
        return session.execute(counted).scalar_one()
    from inventory.web.dashboard.views import cached_counts

    sql = str(counted.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
    return cached_counts(session, ("capped", sql), lambda: session.execute(counted).scalar_one(),
                         cache="list_count_cache", size=4096)


def page_count(total: int) -> int:
    """Pages needed for ``total`` rows (at most MAX_PAGE)."""
    return min(MAX_PAGE, max(1, -(-total // PAGE_SIZE)))


def shown_total(total: int) -> str:
    """A count as shown: "1,234", or "10,000+" past the cap."""
    return f"{COUNT_CAP:,}+" if total > COUNT_CAP else f"{total:,}"
