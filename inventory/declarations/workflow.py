"""Annual personal-data holdings declarations (個人情報ファイル簿): campaigns, prefill, editing
with optimistic locking, and the workflow.  Web views, the CLI, the Excel import and the
tests all go through these functions; none of them commits unless it says so.

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

from sqlalchemy import func, or_, select, update

from inventory.declarations.fields import COMPARED, FIELD_BY_NAME, FIELDS, published_flag
from inventory.models import (
    Asset,
    AssetStatus,
    Declaration,
    DeclarationCampaign,
    DeclarationEvent,
    DeclarationItem,
    DeclarationItemAsset,
    DeclarationSnapshot,
    DeclarationStatus,
    Department,
    FileType,
    ItemChange,
    Role,
    User,
    record_change,
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


# --- campaigns -----------------------------------------------------------------------------

def current_departments(session, on: dt.date) -> list[Department]:
    """Departments that exist on ``on`` (valid_from <= on <= valid_to), by code."""
    stmt = (select(Department).where(Department.valid_from <= on,
                                     or_(Department.valid_to.is_(None), Department.valid_to >= on))
            .order_by(Department.code, Department.id))
    return list(session.execute(stmt).scalars())


def previous_campaign(session, campaign: DeclarationCampaign) -> DeclarationCampaign | None:
    stmt = (select(DeclarationCampaign).where(DeclarationCampaign.fiscal_year < campaign.fiscal_year)
            .order_by(DeclarationCampaign.fiscal_year.desc()).limit(1))
    return session.execute(stmt).scalars().first()


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


# --- prefill ---------------------------------------------------------------------------------

def predecessor_ids(session, department: Department) -> set[int]:
    """Departments whose holdings ``department`` inherits: itself, those a reorganisation
    merged or renamed into it (``successor_id``), and earlier periods of its code."""
    stmt = select(Department.id).where(or_(
        Department.id == department.id, Department.successor_id == department.id,
        Department.code == department.code))
    return set(session.execute(stmt).scalars())


def latest_accepted_items(session, declaration_id: int) -> list[dict]:
    """The items of a declaration's latest accepted version (its newest snapshot), or []."""
    stmt = (select(DeclarationSnapshot.items).where(DeclarationSnapshot.declaration_id == declaration_id)
            .order_by(DeclarationSnapshot.history_no.desc()).limit(1))
    return session.execute(stmt).scalars().first() or []


def prefill(session, campaign: DeclarationCampaign, declaration: Declaration, department: Department,
            previous: DeclarationCampaign | None) -> None:
    """Fill a new declaration: last year's accepted items carried forward (継続, links to assets
    still live), then one suggested item (新規, origin "scan") per live personal-data asset of
    the department that no carried item links, with byte-identical copies linked to it too."""
    position = 0
    linked: set[int] = set()
    if previous is not None:
        sources = predecessor_ids(session, department)
        old = session.execute(select(Declaration.id).where(
            Declaration.campaign_id == previous.id, Declaration.department_id.in_(sorted(sources)))
            .order_by(Declaration.id)).scalars().all()
        for old_id in old:
            for frozen in latest_accepted_items(session, old_id):
                if frozen.get("abolished"):
                    continue
                position += 1
                item = _carried_item(frozen, declaration, position, campaign)
                session.add(item)
                session.flush()
                live = _live_assets(session, frozen.get("asset_ids") or [])
                _link(session, item.id, live)
                linked.update(live)
    for asset, copies in _unlinked_personal_assets(session, department.id, linked):
        position += 1
        item = DeclarationItem(
            declaration_id=declaration.id, position=position, origin="scan", change=ItemChange.new,
            file_name=_stem(asset.name)[:200], organisation=department.name[:200],
            record_categories=list(asset.categories or []), sensitive=bool(asset.sensitive),
            subject_count=asset.records or None, file_type=FileType.electronic)
        item.published = published_flag(item.subject_count, item.exemption, campaign.publish_threshold)
        session.add(item)
        session.flush()
        item.lineage_id = item.id
        _link(session, item.id, [asset.id, *copies])


def _carried_item(frozen: dict, declaration: Declaration, position: int,
                  campaign: DeclarationCampaign) -> DeclarationItem:
    values = {f.name: frozen.get(f.name) for f in FIELDS if f.name in frozen}
    item = DeclarationItem(declaration_id=declaration.id, position=position, origin="carried",
                           change=ItemChange.continued, carried_from_id=frozen.get("id"),
                           lineage_id=frozen.get("lineage_id") or frozen.get("id"), **values)
    item.published = published_flag(item.subject_count, item.exemption or "", campaign.publish_threshold)
    return item


def _live_assets(session, asset_ids: list[int]) -> list[int]:
    if not asset_ids:
        return []
    stmt = select(Asset.id).where(Asset.id.in_(asset_ids), Asset.status != AssetStatus.removed)
    return list(session.execute(stmt).scalars())


def _unlinked_personal_assets(session, department_id: int, linked: set[int]):
    """(asset, [ids of its live copies]) for live personal assets of one department (not its
    sub-departments: they declare for themselves) that ``linked`` does not hold; copies of an
    original go with it (one item), copies of a linked original are linked by nobody here."""
    stmt = (select(Asset).where(Asset.department_id == department_id, Asset.personal_present,
                                Asset.status != AssetStatus.removed).order_by(Asset.path, Asset.id))
    assets = list(session.execute(stmt).scalars())
    copies: dict[int, list[int]] = {}
    originals = []
    for asset in assets:
        if asset.copy_of_id is not None and any(a.id == asset.copy_of_id for a in assets):
            copies.setdefault(asset.copy_of_id, []).append(asset.id)
        else:
            originals.append(asset)
    for asset in originals:
        if asset.id in linked:
            continue
        yield asset, [c for c in copies.get(asset.id, []) if c not in linked]


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name


def _link(session, item_id: int, asset_ids) -> None:
    for asset_id in dict.fromkeys(asset_ids):
        session.add(DeclarationItemAsset(item_id=item_id, asset_id=asset_id))
    session.flush()


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
    return actions


# --- editing ---------------------------------------------------------------------------------

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


def save_item(session, user: User, declaration: Declaration, item: DeclarationItem | None,
              values: dict, seen_version: int | None, asset_ids: list[int] | None = None
              ) -> DeclarationItem:
    """Create (``item`` None) or change an item of an editable declaration.

    ``values`` are typed field values (see :func:`check_values`); ``seen_version`` the item's
    version the person edited (ignored for a new item).  Every changed field is audited.
    Raises :class:`DeclarationError` (not editable, invalid) or :class:`StaleError`.
    """
    _require_editable(session, user, declaration)
    problems = check_values(values)
    if problems:
        raise InvalidItem(problems)
    campaign = session.get(DeclarationCampaign, declaration.campaign_id)
    changes = {name: values.get(name) for name in FIELD_BY_NAME}
    changes["published"] = published_flag(changes["subject_count"], changes["exemption"] or "",
                                          campaign.publish_threshold)
    if item is None:
        item = _new_item(session, declaration, changes)
    else:
        if item.declaration_id != declaration.id:
            raise DeclarationError("not_found", "the item is not part of this declaration")
        _update_item(session, user, item, changes, seen_version)
    if asset_ids is not None:
        set_item_assets(session, user, item, asset_ids)
    item.change = derive_change(session, item)
    session.add(item)
    touch(session, user, declaration)
    return item


class InvalidItem(DeclarationError):
    def __init__(self, problems: list[ItemProblem]):
        super().__init__("invalid", "; ".join(f"{p.field}: {p.code}" for p in problems))
        self.problems = problems


def _new_item(session, declaration: Declaration, changes: dict) -> DeclarationItem:
    last = session.execute(select(func.max(DeclarationItem.position))
                           .where(DeclarationItem.declaration_id == declaration.id)).scalar()
    item = DeclarationItem(declaration_id=declaration.id, position=(last or 0) + 1, origin="person",
                           change=ItemChange.new, **changes)
    session.add(item)
    session.flush()
    item.lineage_id = item.id
    return item


def _update_item(session, user: User, item: DeclarationItem, changes: dict, seen_version) -> None:
    """Write ``changes`` if the item still has ``seen_version`` (atomically), auditing each field."""
    before = {name: getattr(item, name) for name in changes}
    result = session.execute(update(DeclarationItem)
                             .where(DeclarationItem.id == item.id, DeclarationItem.version == seen_version)
                             .values(**changes, version=DeclarationItem.version + 1, updated_at=utcnow()))
    if result.rowcount != 1:
        session.rollback()
        raise StaleError("item")
    session.refresh(item)
    for name, old in before.items():
        if name != "published":
            record_change(session, user, item, name, _comparable(old), _comparable(changes[name]))


def set_item_assets(session, user: User, item: DeclarationItem, asset_ids: list[int]) -> None:
    """Link the item to exactly ``asset_ids`` (audited as one change of "assets")."""
    current = set(session.execute(select(DeclarationItemAsset.asset_id)
                                  .where(DeclarationItemAsset.item_id == item.id)).scalars())
    wanted = set(asset_ids)
    if current == wanted:
        return
    for asset_id in current - wanted:
        session.delete(session.get(DeclarationItemAsset, (item.id, asset_id)))
    for asset_id in wanted - current:
        session.add(DeclarationItemAsset(item_id=item.id, asset_id=asset_id))
    session.flush()
    record_change(session, user, item, "assets", ",".join(map(str, sorted(current))) or None,
                  ",".join(map(str, sorted(wanted))) or None)


def set_abolished(session, user: User, declaration: Declaration, item: DeclarationItem,
                  abolished: bool, seen_version: int) -> None:
    """Mark a carried item 廃止 (or undo it).  An item new this year is deleted instead."""
    _require_editable(session, user, declaration)
    result = session.execute(update(DeclarationItem)
                             .where(DeclarationItem.id == item.id, DeclarationItem.version == seen_version)
                             .values(abolished=abolished, version=DeclarationItem.version + 1,
                                     updated_at=utcnow()))
    if result.rowcount != 1:
        session.rollback()
        raise StaleError("item")
    session.refresh(item)
    record_change(session, user, item, "abolished", not abolished, abolished)
    item.change = derive_change(session, item)
    session.add(item)
    touch(session, user, declaration)


def delete_item(session, user: User, declaration: Declaration, item: DeclarationItem,
                seen_version: int) -> None:
    """Delete an item that is new this year; carried items are abolished, never deleted
    (the ファイル簿 must show what ended)."""
    _require_editable(session, user, declaration)
    if item.carried_from_id is not None:
        raise DeclarationError("carried", "an item carried from last year is abolished, not deleted")
    if item.version != seen_version:
        raise StaleError("item")
    record_change(session, user, item, "deleted", item.file_name, None)
    session.delete(item)
    session.flush()
    touch(session, user, declaration)


def derive_change(session, item: DeclarationItem) -> str:
    """継続 / 変更 / 新規 / 廃止 of an item against the item it was carried from."""
    if item.abolished:
        return ItemChange.abolished
    if item.carried_from_id is None:
        return ItemChange.new
    old = _frozen_item(session, item.carried_from_id)
    if old is None:
        return ItemChange.new
    for name in COMPARED:
        if _comparable(old.get(name)) != _comparable(getattr(item, name)):
            return ItemChange.changed
    return ItemChange.continued


def _frozen_item(session, item_id: int) -> dict | None:
    """The accepted (frozen) form of an item of an earlier declaration: the newest snapshot
    holding it, else the row itself."""
    row = session.get(DeclarationItem, item_id)
    if row is None:
        return None
    for items in session.execute(select(DeclarationSnapshot.items)
                                 .where(DeclarationSnapshot.declaration_id == row.declaration_id)
                                 .order_by(DeclarationSnapshot.history_no.desc())).scalars():
        for frozen in items:
            if frozen.get("id") == item_id:
                return frozen
    return item_dict(row)


def _comparable(value):
    if isinstance(value, list):
        return sorted(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _require_editable(session, user: User, declaration: Declaration) -> None:
    if not may_see(session, user, declaration) or user.role not in EDITOR_ROLES:
        raise DeclarationError("forbidden", "you may not edit this declaration")
    if declaration.status not in EDITABLE:
        raise DeclarationError("not_editable", "the declaration is not a draft")


def touch(session, user: User | None, declaration: Declaration) -> None:
    """A change to the declaration's items: new version, and 作成中 from the first edit."""
    now = utcnow()
    declaration.version += 1
    declaration.updated_at = now
    if declaration.started_at is None and user is not None:
        declaration.started_at = now
    session.add(declaration)
    session.flush()


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
        if check_values(item_dict(item)):
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


# --- progress --------------------------------------------------------------------------------

#: the privacy office's progress states, in display order
PROGRESS_STATES = ("not_started", "drafting", "awaiting_head", "reviewing", "accepted", "overdue")
PROGRESS_LABELS = {"not_started": "未着手", "drafting": "作成中", "awaiting_head": "所属長決裁待ち",
                   "reviewing": "審査中", "accepted": "受理", "overdue": "期限超過"}


def progress_state(declaration: Declaration, campaign: DeclarationCampaign, today: dt.date) -> str:
    """未着手 / 作成中 / 所属長決裁待ち / 審査中 / 受理, or 期限超過 when the due date has passed and
    the declaration has not reached the privacy office (a head's pending approval counts as
    the department's delay)."""
    status = declaration.status
    if status == S.accepted and declaration.history_no > 0:
        return "accepted"
    if status == S.reviewing:
        return "reviewing"
    if today > campaign.due_on:
        return "overdue"
    if status == S.submitted:
        return "awaiting_head"
    if declaration.started_at is None and declaration.history_no == 0:
        return "not_started"
    return "drafting"


def campaign_progress(session, campaign: DeclarationCampaign, today: dt.date,
                      scope: set[int] | None = None) -> list[tuple[Declaration, Department, str]]:
    """(declaration, department, progress state) for each declaration of the campaign in scope."""
    stmt = (select(Declaration, Department).join(Department, Department.id == Declaration.department_id)
            .where(Declaration.campaign_id == campaign.id).order_by(Department.code, Department.id))
    if scope is not None:
        stmt = stmt.where(Declaration.department_id.in_(sorted(scope) or [-1]))
    return [(d, dept, progress_state(d, campaign, today)) for d, dept in session.execute(stmt)]
