"""Annual personal-data holdings declarations (個人情報ファイル簿): opening a campaign, who may
see, edit and act on a declaration, the checks of an item's values, and the workflow.  Web
views, the CLI, the Excel import and the tests all go through these functions and those of
:mod:`~inventory.declarations.editing` (an item's changes) and
:mod:`~inventory.declarations.campaigns` (prefill, progress); none of them commits unless
it says so.

The workflow of a department's declaration::

    draft ──submit──▶ submitted ──approve (所属長)──▶ reviewing ──accept (個人情報保護担当課)──▶ accepted
      ▲                  │ return                      │ return                               │ reopen
      └──── returned ◀───┴─────────────────────────────┘                                      │
      ▲                                                                                       │
      └───────────────────────────────────────────────────────────────────────────────────────┘

Accepting freezes the items as a :class:`DeclarationSnapshot` numbered ``history_no``;
reopening an accepted declaration (a change during the year) makes it a draft
again, and its next acceptance is the next history number.

Concurrency: every change names the ``version`` the person saw; the row is updated
only if it still has that version (one ``UPDATE ... WHERE version = :seen``), else
:class:`StaleError` is raised and nothing is written: two clerks never silently
overwrite each other.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update

from inventory.declarations.campaigns import current_departments, prefill, previous_campaign
from inventory.declarations.fields import FIELDS
from inventory.models import (
    Declaration,
    DeclarationCampaign,
    DeclarationEvent,
    DeclarationItem,
    DeclarationItemAsset,
    DeclarationSnapshot,
    DeclarationStatus,
    Role,
    User,
    utcnow,
)
from inventory.permissions import department_scope   # one rule for scopes, shared with assets

S = DeclarationStatus
#: statuses in which the department edits its items
EDITABLE = frozenset({S.draft, S.returned})
#: action -> (statuses it starts from, status it leads to, roles that may take it)
TRANSITIONS = {
    "submit": ({S.draft, S.returned}, S.submitted, {Role.clerk, Role.dept_head}),
    "approve": ({S.submitted}, S.reviewing, {Role.dept_head}),
    "return_head": ({S.submitted}, S.returned, {Role.dept_head}),
    "accept": ({S.reviewing}, S.accepted, {Role.privacy_office, Role.admin}),
    "return_office": ({S.reviewing}, S.returned, {Role.privacy_office, Role.admin}),
    "reopen": ({S.accepted}, S.draft, {Role.clerk, Role.dept_head, Role.privacy_office, Role.admin}),
}
#: actions whose comment is required (a return must say why)
COMMENT_REQUIRED = frozenset({"return_head", "return_office"})
#: roles that edit a department's items (their own department's)
EDITOR_ROLES = frozenset({Role.clerk, Role.dept_head})
#: roles that run campaigns and see every declaration
OFFICE_ROLES = frozenset({Role.privacy_office, Role.admin})


class DeclarationError(Exception):
    """A change refused for a reason the person can act on; ``code`` is stable, the message
    is shown translated by the web layer."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class StaleError(DeclarationError):
    """Someone else changed the declaration or item since the person loaded it."""

    def __init__(self, what: str = "declaration"):
        super().__init__("stale", f"the {what} was changed by someone else in the meantime")
        self.what = what


# --- opening a campaign ----------------------------------------------------------------------

def open_campaign(session, user: User | None, fiscal_year: int, opens_on: dt.date, due_on: dt.date,
                  reference_date: dt.date | None = None, publish_threshold: int = 1000,
                  title: str = "") -> DeclarationCampaign:
    """Create the campaign of ``fiscal_year`` and a prefilled draft for every department that
    exists on the reference date.  Raises :class:`DeclarationError` on a duplicate year or
    inconsistent dates.  The caller commits."""
    reference_date = reference_date or opens_on
    if due_on < opens_on:
        raise DeclarationError("dates", "the due date is before the opening date")
    if publish_threshold < 0:
        raise DeclarationError("threshold", "the publication threshold is negative")
    taken = session.execute(select(DeclarationCampaign.id)
                            .where(DeclarationCampaign.fiscal_year == fiscal_year)).first()
    if taken:
        raise DeclarationError("duplicate", "a campaign for this fiscal year exists")
    campaign = DeclarationCampaign(fiscal_year=fiscal_year, title=title, opens_on=opens_on,
                                   due_on=due_on, reference_date=reference_date,
                                   publish_threshold=publish_threshold,
                                   created_by_id=user.id if user else None)
    session.add(campaign)
    session.flush()
    previous = previous_campaign(session, campaign)
    for department in current_departments(session, reference_date):
        declaration = Declaration(campaign_id=campaign.id, department_id=department.id)
        session.add(declaration)
        session.flush()
        _event(session, user, declaration, "create", None, S.draft)
        prefill(session, campaign, declaration, department, previous)
    return campaign


# --- permissions -----------------------------------------------------------------------------

def may_see(session, user: User, declaration: Declaration) -> bool:
    """Office roles and the IT division see every declaration; a department's clerks and head
    see their department's (and their sub-departments')."""
    scope = department_scope(session, user)
    return scope is None or declaration.department_id in scope


def may_edit(session, user: User, declaration: Declaration) -> bool:
    """Clerks and heads of the department edit its items while it is a draft or returned."""
    return (user.role in EDITOR_ROLES and declaration.status in EDITABLE
            and may_see(session, user, declaration))


def allowed_actions(session, user: User, declaration: Declaration) -> list[str]:
    """The workflow actions ``user`` may take on ``declaration`` now."""
    if not may_see(session, user, declaration):
        return []
    actions = []
    for action, (sources, _target, roles) in TRANSITIONS.items():
        if declaration.status in sources and user.role in roles:
            actions.append(action)
    if "submit" in actions and declaration.status == S.returned and user.role != Role.clerk \
            and _returned_by(session, declaration) == user.id:
        actions.remove("submit")          # a head who returned it waits for the clerks' correction
    return actions


def _returned_by(session, declaration: Declaration) -> int | None:
    """Who took the return that made the declaration ``returned`` (its latest return event)."""
    return session.execute(select(DeclarationEvent.user_id).where(
        DeclarationEvent.declaration_id == declaration.id,
        DeclarationEvent.action.in_(("return_head", "return_office")))
        .order_by(DeclarationEvent.at.desc(), DeclarationEvent.id.desc()).limit(1)).scalar()


# --- an item's values ------------------------------------------------------------------------

@dataclass
class ItemProblem:
    """A field's value refused: ``field`` (an item field name) and a message code."""
    field: str
    code: str
    limit: int | None = None


def check_values(values: dict) -> list[ItemProblem]:
    """Problems with item ``values`` (already typed: int, bool, list, str).  Empty: valid."""
    problems = []
    for f in FIELDS:
        value = values.get(f.name)
        if f.required and (value is None or (isinstance(value, str) and not value.strip())):
            problems.append(ItemProblem(f.name, "required"))
        elif f.kind == "text" and value is not None and len(value) > f.max_length:
            problems.append(ItemProblem(f.name, "too_long", f.max_length))
        elif f.kind == "int" and value is not None and (not isinstance(value, int) or value < 0):
            problems.append(ItemProblem(f.name, "not_count"))
        elif f.kind == "choice" and value not in (None, "") and value not in f.choices:
            problems.append(ItemProblem(f.name, "choice"))
        elif f.kind == "choice" and f.name == "file_type" and not value:
            problems.append(ItemProblem(f.name, "required"))
    return problems


def completeness_problems(values: dict) -> list[ItemProblem]:
    """What stops an item's submission: :func:`check_values`' problems, and the fields an item
    may be saved without but not submitted without (``to_submit``: 本人の数)."""
    problems = check_values(values)
    for f in FIELDS:
        if f.to_submit and values.get(f.name) in (None, "") and not any(p.field == f.name for p in problems):
            problems.append(ItemProblem(f.name, "required"))
    return problems


# --- workflow --------------------------------------------------------------------------------

def act(session, user: User, declaration: Declaration, action: str, seen_version: int,
        comment: str = "") -> Declaration:
    """Take a workflow ``action`` on the declaration the person saw at ``seen_version``.

    Raises :class:`DeclarationError` (not allowed now, comment missing, an incomplete item on
    submit) or :class:`StaleError`.  The caller commits.
    """
    if action not in TRANSITIONS:
        raise DeclarationError("unknown_action", "unknown action")
    sources, target, _roles = TRANSITIONS[action]
    if action not in allowed_actions(session, user, declaration):
        if declaration.status not in sources and may_see(session, user, declaration):
            raise DeclarationError("wrong_status", "the declaration is not at this step")
        raise DeclarationError("forbidden", "you may not take this action")
    if declaration.version != seen_version:
        raise StaleError("declaration")
    comment = (comment or "").strip()
    if action in COMMENT_REQUIRED and not comment:
        raise DeclarationError("comment_required", "a return needs a comment")
    if action == "submit":
        _check_complete(session, declaration)
    now = utcnow()
    values = {"status": target, "version": Declaration.version + 1, "updated_at": now}
    values.update({"submit": {"submitted_at": now}, "approve": {"approved_at": now},
                   "accept": {"accepted_at": now}}.get(action, {}))
    if declaration.started_at is None and user.role in EDITOR_ROLES:
        values["started_at"] = now
    previous_status = declaration.status      # before the UPDATE, which syncs the object
    result = session.execute(update(Declaration)
                             .where(Declaration.id == declaration.id, Declaration.version == seen_version,
                                    Declaration.status == previous_status)
                             .values(**values))
    if result.rowcount != 1:
        session.rollback()
        raise StaleError("declaration")
    session.refresh(declaration)
    _event(session, user, declaration, action, previous_status, target, comment or None)
    if action == "accept":
        freeze(session, user, declaration)
    return declaration


def _check_complete(session, declaration: Declaration) -> None:
    """A declaration is submitted only when each live item has its required fields."""
    for item in items_of(session, declaration.id):
        if item.abolished:
            continue
        if completeness_problems(item_dict(item)):
            raise DeclarationError("incomplete", f"item {item.position} is incomplete")


def freeze(session, user: User, declaration: Declaration) -> DeclarationSnapshot:
    """Store the accepted items as the next history number."""
    declaration.history_no += 1
    snapshot = DeclarationSnapshot(declaration_id=declaration.id, history_no=declaration.history_no,
                                   accepted_by_id=user.id if user else None,
                                   items=[item_dict(i, with_assets=session)
                                          for i in items_of(session, declaration.id)])
    session.add(snapshot)
    session.add(declaration)
    session.flush()
    return snapshot


def items_of(session, declaration_id: int) -> list[DeclarationItem]:
    stmt = (select(DeclarationItem).where(DeclarationItem.declaration_id == declaration_id)
            .order_by(DeclarationItem.position, DeclarationItem.id))
    return list(session.execute(stmt).scalars())


def item_dict(item: DeclarationItem, with_assets=None) -> dict:
    """An item as plain data (a snapshot entry); ``with_assets``: a session to add its links."""
    data = {f.name: getattr(item, f.name) for f in FIELDS}
    data.update(id=item.id, lineage_id=item.lineage_id, position=item.position, change=item.change,
                abolished=item.abolished, published=item.published, carried_from_id=item.carried_from_id)
    if with_assets is not None:
        data["asset_ids"] = sorted(with_assets.execute(
            select(DeclarationItemAsset.asset_id).where(DeclarationItemAsset.item_id == item.id)).scalars())
    return data


def _event(session, user: User | None, declaration: Declaration, action: str, from_status, to_status,
           comment: str | None = None) -> None:
    session.add(DeclarationEvent(declaration_id=declaration.id, user_id=user.id if user else None,
                                 action=action, from_status=from_status, to_status=to_status,
                                 comment=comment))
