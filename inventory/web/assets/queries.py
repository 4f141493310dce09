"""The asset list's SQL: filters on indexed columns, sort, one page, a bounded count.

:class:`AssetFilters` is what the list form asked for, already checked;
:func:`filtered_assets` adds its WHERE clauses to a select of :class:`Asset`
(categories and risks through their ``(category|code, asset_id)`` indexes),
:func:`sort_order` gives the ORDER BY, :func:`page_rows` reads one page (ids
first, then the page's rows: the sort carries two columns, not whole rows),
and :func:`count_matching` counts exactly up to a limit, estimating beyond it
on PostgreSQL.  Callers restrict the select to the user's scope first
(:func:`~inventory.web.permissions.visible_assets`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import false, func, literal_column, select, union_all

from inventory.labels import UNREAD_STATUSES
from inventory.models import Asset, AssetCategory, AssetStatus, Finding

PAGE_SIZE = 50
#: counted exactly up to this many matches; more are estimated (PostgreSQL) or shown as "more than"
COUNT_LIMIT = 10_000
#: a path-ordered page of at most this many departments is read department by department
MERGED_DEPARTMENTS = 64
#: characters in a trigram: shorter search terms cannot use the pg_trgm index
TRIGRAM = 3
#: the value of a facet filter that asks for "not set" (no complexity, not triaged ...)
UNSET = "none"
#: status filter: every status, removed files included (the default hides them)
ALL_STATUSES = "all"
#: status filter: files whose contents could not be read and nobody has checked yet
NEEDS_PERSON_STATUS = "unread"
#: sort keys; a path sorts on its first 300 characters (root: 200), which a btree index can hold
#: (see :func:`sort_order`), and on the id past them; literal numbers, so that an index on
#: ``(substr(root, 1, 200), substr(path, 1, 300), id)`` matches prepared statements too
SORT_COLUMNS = {
    "path": (func.substr(Asset.root, literal_column("1"), literal_column("200")),
             func.substr(Asset.path, literal_column("1"), literal_column("300"))),
    "size": (Asset.size,), "mtime": (Asset.mtime,), "records": (Asset.records,),
    "risk_count": (Asset.risk_count,), "last_seen": (Asset.last_seen_at,),
}
#: the columns the list and the export show (no JSON but the category codes)
LIST_COLUMNS = (Asset.id, Asset.root, Asset.path, Asset.name, Asset.kind, Asset.size, Asset.mtime,
                Asset.status, Asset.department_id, Asset.personal_present, Asset.categories,
                Asset.sensitive, Asset.my_number, Asset.records, Asset.is_app, Asset.app_kind,
                Asset.complexity, Asset.risk_count, Asset.lifecycle, Asset.guideline,
                Asset.first_seen_at, Asset.last_seen_at, Asset.error, Asset.content_review)


@dataclass(frozen=True)
class AssetFilters:
    """A checked list query: None means "any"; ``UNSET`` asks for a facet that is not set."""
    text: str = ""
    departments: frozenset[int] | None = None    # the chosen department and its sub-departments
    unassigned: bool = False                     # assets of no department
    kind: str | None = None
    category: str | None = None
    sensitive: bool | None = None
    my_number: bool | None = None
    risk: str | None = None
    status: str | None = None                    # None: every status but removed
    is_app: bool | None = None
    complexity: str | None = None
    lifecycle: str | None = None
    guideline: str | None = None
    sort: str = "path"
    descending: bool = False


def filtered_assets(stmt, filters: AssetFilters):
    """``stmt`` (a select involving :class:`Asset`) with the WHERE clauses of ``filters``."""
    if filters.status is None:
        stmt = stmt.where(Asset.status != AssetStatus.removed)
    elif filters.status == NEEDS_PERSON_STATUS:
        stmt = stmt.where(Asset.status.in_(UNREAD_STATUSES), Asset.content_review.is_(None))
    elif filters.status != ALL_STATUSES:
        stmt = stmt.where(Asset.status == filters.status)
    if filters.unassigned:
        stmt = stmt.where(Asset.department_id.is_(None))
    elif filters.departments is not None:
        stmt = stmt.where(Asset.department_id.in_(sorted(filters.departments))
                          if filters.departments else false())
    for column, wanted in ((Asset.kind, filters.kind), (Asset.sensitive, filters.sensitive),
                           (Asset.my_number, filters.my_number), (Asset.is_app, filters.is_app)):
        if wanted is not None:
            stmt = stmt.where(column == wanted)
    for column, wanted in ((Asset.complexity, filters.complexity),
                           (Asset.lifecycle, filters.lifecycle), (Asset.guideline, filters.guideline)):
        if wanted == UNSET:
            stmt = stmt.where(column.is_(None))
        elif wanted is not None:
            stmt = stmt.where(column == wanted)
    if filters.category:
        stmt = stmt.where(Asset.id.in_(
            select(AssetCategory.asset_id).where(AssetCategory.category == filters.category)))
    if filters.risk:
        stmt = stmt.where(Asset.id.in_(
            select(Finding.asset_id).where(Finding.code == filters.risk, Finding.kind == "risk",
                                           Finding.active, Finding.dismissed.is_(False))))
    if filters.text:
        stmt = stmt.where(text_condition(filters.text))
    return stmt


def text_condition(text: str):
    """``path`` contains ``text``, whatever the case.

    ILIKE on PostgreSQL, which the pg_trgm index on ``path`` serves; lower() LIKE
    on SQLite.  A term shorter than a trigram (名簿, 台帳: two characters are
    common in Japanese) gives the index nothing to look up: it would read every
    entry before the first row, so such terms are written in a form the index
    does not match and PostgreSQL reads rows until it has the page (or the
    count's limit) instead: fast for common terms, a full scan for rare ones.
    """
    pattern = like_pattern(text)
    if len(text) >= TRIGRAM:
        return Asset.path.ilike(pattern, escape="\\")
    return func.lower(Asset.path).like(func.lower(pattern), escape="\\")


def sort_keys(filters: AssetFilters) -> list:
    """The sort's columns: the chosen one(s), then the id."""
    return [*SORT_COLUMNS.get(filters.sort, SORT_COLUMNS["path"]), Asset.id]


def sort_order(filters: AssetFilters, keys: list | None = None) -> list:
    """ORDER BY terms over ``keys`` (default :func:`sort_keys`), all one way.

    Empty values come last ascending and first descending on both databases:
    the order of a btree index on ``(column, id)`` read forwards or backwards,
    so that PostgreSQL can read a page off such an index instead of sorting.
    """
    keys = sort_keys(filters) if keys is None else keys
    return [key.desc().nulls_first() if filters.descending else key.asc().nulls_last() for key in keys]


def like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its ``%``, ``_`` and ``\\`` taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def page_rows(session, stmt, filters: AssetFilters, page: int, size: int = PAGE_SIZE,
              few: bool = False, departments: frozenset[int] | None = None) -> list:
    """Rows (:data:`LIST_COLUMNS`) of page ``page`` (from 1) of ``stmt``: see :func:`page_ids`."""
    return rows_of(session, page_ids(session, stmt, filters, page, size, few, departments))


def page_ids(session, stmt, filters: AssetFilters, page: int, size: int = PAGE_SIZE,
             few: bool = False, departments: frozenset[int] | None = None) -> list[int]:
    """The ids of page ``page`` (from 1) of ``stmt`` (a select involving Asset), in order.

    ``few``: the matches were counted and are few: gather and sort them all
    (a materialized CTE) rather than let the planner walk a sort index hoping
    to meet matches early, which reads most of the table when they are rare or
    clustered.  With many matches the index walk is the fast plan, except for
    the path order within some departments (``departments``: the departments
    ``stmt`` is limited to, when known): see :func:`_path_page_by_department`.
    """
    keys = sort_keys(filters)
    if not few and filters.sort == "path" and departments and len(departments) <= MERGED_DEPARTMENTS:
        return list(session.execute(_path_page_by_department(stmt, filters, departments, page,
                                                             size)).scalars())
    if few:
        ids_stmt = _gathered(stmt, filters)
    else:
        ids_stmt = filtered_assets(stmt.with_only_columns(Asset.id), filters).order_by(
            *sort_order(filters, keys))
    return list(session.execute(ids_stmt.limit(size).offset((page - 1) * size)).scalars())


def matching_ids(session, stmt, filters: AssetFilters) -> list[int]:
    """The ids of every match of ``stmt`` with ``filters``, in list order (for a counted, small
    result: its pages are then cut from this list)."""
    return list(session.execute(_gathered(stmt, filters)).scalars())


def _gathered(stmt, filters: AssetFilters):
    """The matches' ids, ordered: gathered first (a materialized CTE), then sorted."""
    keys = sort_keys(filters)
    found = filtered_assets(stmt.with_only_columns(
        *(key.label(f"sort_{n}") for n, key in enumerate(keys[:-1])), Asset.id), filters,
    ).cte("matching").prefix_with("MATERIALIZED")
    return select(found.c.id).order_by(*sort_order(filters, list(found.c)))


def assets_in_order(session, ids: list[int]) -> list[Asset]:
    """The :class:`Asset` objects of ``ids``, in that order (one query)."""
    if not ids:
        return []
    found = {a.id: a for a in session.execute(select(Asset).where(Asset.id.in_(ids))).scalars()}
    return [found[i] for i in ids if i in found]


def rows_of(session, ids: list[int]) -> list:
    """The :data:`LIST_COLUMNS` rows of ``ids``, in that order."""
    if not ids:
        return []
    rows = {row.id: row for row in session.execute(select(*LIST_COLUMNS).where(Asset.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def _path_page_by_department(stmt, filters: AssetFilters, departments: frozenset[int], page: int,
                             size: int):
    """The ids of a path-ordered page of assets of ``departments``, read department by department.

    Departments own folders: their files sit together in path order, so
    walking the path index for a department's files first reads every file
    of the shares before them (seconds, for a department of the last
    share).  Here each department reads its first ``page * size`` matches
    off ``ix_asset_dept_path`` (department, root, path, id), and the
    ordered branches are merged (PostgreSQL: a Merge Append): a page costs
    a few index reads per department, wherever its folders sort.
    """
    keys = sort_keys(filters)
    labels = [f"sort_{n}" for n in range(len(keys) - 1)] + ["id"]
    branches = []
    for department in sorted(departments):
        branch = filtered_assets(stmt.with_only_columns(
            *(key.label(name) for key, name in zip(keys, labels))), filters)
        branch = (branch.where(Asset.department_id == department)
                  .order_by(*sort_order(filters, keys)).limit(page * size).subquery(f"d{department}"))
        branches.append(select(branch))
    merged = union_all(*branches).subquery("merged")
    return (select(merged.c.id).order_by(*sort_order(filters, [merged.c[name] for name in labels]))
            .limit(size).offset((page - 1) * size))


def departments_of(scope: set[int] | None, filters: AssetFilters) -> frozenset[int] | None:
    """The departments a list is limited to (its scope and its department filter), None when
    it is not limited to known departments (city-wide, or unassigned assets)."""
    if filters.unassigned:
        return None
    limits = [frozenset(s) for s in (scope, filters.departments) if s is not None]
    return frozenset.intersection(*limits) if limits else None


def export_rows(session, stmt, filters: AssetFilters, batch: int = 5000):
    """Every row (:data:`LIST_COLUMNS`) matching, in list order, read in batches (server-side cursor).

    On PostgreSQL the planner is told that every row will be read (a cursor is
    otherwise planned for its first rows: walking a sort index over the whole
    table instead of sorting the matches).
    """
    query = (filtered_assets(stmt.with_only_columns(*LIST_COLUMNS), filters)
             .order_by(*sort_order(filters)))
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1.0")
    yield from connection.execution_options(yield_per=batch).execute(query)


@dataclass(frozen=True)
class MatchCount:
    """How many assets match: ``exact`` up to the count limit, else at least ``limit`` (``estimate``
    from the PostgreSQL planner when there is one)."""
    value: int
    exact: bool
    estimate: int | None = None


def count_matching(session, stmt, filters: AssetFilters, limit: int = COUNT_LIMIT) -> MatchCount:
    """Count the matches of ``stmt`` with ``filters``, reading at most ``limit + 1`` of them."""
    matching = filtered_assets(stmt.with_only_columns(Asset.id), filters)
    bounded = select(func.count()).select_from(matching.limit(limit + 1).subquery())
    found = session.execute(bounded).scalar_one()
    if found <= limit:
        return MatchCount(found, True)
    return MatchCount(limit, False, planner_estimate(session, matching))


def planner_estimate(session, stmt) -> int | None:
    """PostgreSQL's estimate of the rows ``stmt`` returns (None on other databases)."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return None
    compiled = stmt.compile(dialect=bind.dialect, compile_kwargs={"render_postcompile": True})
    plan = session.connection().exec_driver_sql(
        f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar_one()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
