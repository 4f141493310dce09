"""Files whose contents the scanner could not read (status ``encrypted`` or ``error``).

Nothing unread may look clean: such a file never shows "no personal data was
found"; every list says why it was not read (a Japanese label of the reason's
class, :func:`inventory.labels.unread_reason`, never the scanner's English
error) and that it needs a person, until someone of its department records
what it holds (``Asset.content_review``: "personal" or "none").  That decision
is the person's, like the triage fields: scans never write it, and it follows
the asset through re-scans, renames and moves.

The templates reach these helpers as ``unread`` (each area's blueprint adds it
to its templates' context: :func:`template_context`).
"""
from __future__ import annotations

from collections import Counter, namedtuple

from flask_babel import gettext as _
from sqlalchemy import func, select

from inventory.labels import (
    CONTENT_REVIEW_LABELS,
    CONTENT_REVIEW_SHORT_LABELS,
    UNREAD_ADVICE_LABELS,
    UNREAD_REASON_LABELS,
    UNREAD_SHORT_LABELS,
    UNREAD_STATUSES,
    unread_reason,
)
from inventory.models import Asset
from inventory.web.permissions import restrict_to_scope

#: the decisions a person may record
CONTENT_REVIEWS = ("personal", "none")
#: an unread file (a removed file has status "removed": never unread)
UNREAD = Asset.status.in_(UNREAD_STATUSES)
#: an unread file nobody has checked yet: it needs a person
NEEDS_PERSON = (UNREAD, Asset.content_review.is_(None))
#: files listed on a page of the department view's section
SECTION_LIMIT = 50
#: a file of that section (plain values: the section is kept in the app's count cache)
UnreadRow = namedtuple("UnreadRow", "id name folder kind status error department_id")


class UnreadTexts:
    """What the templates say about a file's reading (in the request's language)."""

    @staticmethod
    def is_unread(status) -> bool:
        return status in UNREAD_STATUSES

    @staticmethod
    def reason(status, error) -> str | None:
        """"encrypted or password-protected" ...; None for a file that was read."""
        found = unread_reason(status, error)
        return _(UNREAD_REASON_LABELS[found]) if found else None

    @staticmethod
    def short(status, error) -> str | None:
        found = unread_reason(status, error)
        return _(UNREAD_SHORT_LABELS[found]) if found else None

    @classmethod
    def sentence(cls, status, error) -> str | None:
        """"The contents of this file could not be checked (reason)"."""
        reason = cls.reason(status, error)
        return _("The contents of this file could not be checked (%(reason)s).", reason=reason) if reason else None

    @staticmethod
    def advice(status, error) -> str:
        found = unread_reason(status, error)
        return _(UNREAD_ADVICE_LABELS["encrypted" if found == "encrypted" else "default"])

    @staticmethod
    def review(code) -> str:
        """"Contents checked: holds personal data" ... (None: not checked yet)."""
        text = CONTENT_REVIEW_LABELS.get(code)
        return _(text) if text else str(code)

    @staticmethod
    def review_short(code) -> str:
        text = CONTENT_REVIEW_SHORT_LABELS.get(code)
        return _(text) if text else str(code)


def template_context() -> dict:
    """``unread`` for a blueprint's templates (``bp.context_processor(template_context)``)."""
    return {"unread": UnreadTexts}


def needs_person_counts(session, scope: set[int] | None) -> Counter:
    """Department id -> unread files nobody has checked yet, within ``scope`` (one query)."""
    stmt = select(Asset.department_id, func.count()).where(*NEEDS_PERSON).group_by(Asset.department_id)
    return Counter(dict(session.execute(restrict_to_scope(stmt, scope)).all()))


def needs_person(session, scope: set[int] | None, limit: int = SECTION_LIMIT) -> tuple[int, list]:
    """(how many unread files nobody has checked yet, the first ``limit`` of them by department
    and path as plain rows), within ``scope``: one query (the total is a window count)."""
    stmt = (select(Asset.id, Asset.name, Asset.folder, Asset.kind, Asset.status, Asset.error,
                   Asset.department_id, func.count().over().label("total"))
            .where(*NEEDS_PERSON).order_by(Asset.department_id, Asset.path, Asset.id).limit(limit))
    rows = [tuple(r) for r in session.execute(restrict_to_scope(stmt, scope)).all()]
    return (rows[0][-1] if rows else 0), [UnreadRow(*r[:-1]) for r in rows]
