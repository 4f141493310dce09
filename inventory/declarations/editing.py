"""Editing a declaration's items (個人情報ファイル簿) while it is a draft or returned: create,
change, link to assets, abolish (廃止) or delete an item; each change derives the item's 区分
(継続 / 変更 / 新規 / 廃止), audits every changed field and moves the declaration's version on.

Concurrency: every change names the ``version`` of the item the person saw; the row is
updated only if it still has that version (one ``UPDATE ... WHERE version = :seen``), else
:class:`~inventory.declarations.workflow.StaleError` is raised and nothing is written.  Who
may edit, and the checks of a value, are :mod:`inventory.declarations.workflow`'s.  Nothing
here commits.
"""
from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from inventory.declarations.fields import COMPARED, FIELD_BY_NAME, published_flag
from inventory.declarations.workflow import (
    EDITABLE,
    EDITOR_ROLES,
    DeclarationError,
    ItemProblem,
    StaleError,
    check_values,
    item_dict,
    may_see,
)
from inventory.models import (
    Declaration,
    DeclarationCampaign,
    DeclarationItem,
    DeclarationItemAsset,
    DeclarationProposal,
    DeclarationSnapshot,
    ItemChange,
    ProposalStatus,
    User,
    record_change,
    utcnow,
)


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


def _new_item(session, declaration: Declaration, changes: dict, origin: str = "person") -> DeclarationItem:
    item = new_item_row(session, declaration.id, origin=origin, change=ItemChange.new, **changes)
    item.lineage_id = item.id
    return item


#: how many times an item is numbered again when another took its number at the same moment
NUMBER_ATTEMPTS = 5


def new_item_row(session, declaration_id: int, **values) -> DeclarationItem:
    """Insert an item numbered one past the declaration's highest number (No.).

    The number is computed by the INSERT itself, so SQLite (one writer at a time) never
    gives a number twice.  On PostgreSQL two sessions may compute the same number; the
    unique (declaration_id, position) refuses the second, which takes the next number
    in a savepoint, without losing the rest of its transaction."""
    def numbered() -> DeclarationItem:
        item = DeclarationItem(declaration_id=declaration_id, **values)
        item.position = (select(func.coalesce(func.max(DeclarationItem.position), 0) + 1)
                         .where(DeclarationItem.declaration_id == declaration_id).scalar_subquery())
        return item

    if session.get_bind().dialect.name == "sqlite":
        item = numbered()
        session.add(item)
        session.flush()
        return item
    for attempt in range(NUMBER_ATTEMPTS):
        item = numbered()
        try:
            with session.begin_nested():
                session.add(item)
                session.flush()
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise StaleError("declaration") from None
            continue
        return item
    raise StaleError("declaration")      # not reached


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
    (the ファイル簿 must show what ended).  An item adopted from a scan suggestion gives the
    suggestion back (pending): its files are undeclared again."""
    _require_editable(session, user, declaration)
    if item.carried_from_id is not None:
        raise DeclarationError("carried", "an item carried from last year is abolished, not deleted")
    if item.version != seen_version:
        raise StaleError("item")
    record_change(session, user, item, "deleted", item.file_name, None)
    for proposal in session.execute(select(DeclarationProposal)
                                    .where(DeclarationProposal.item_id == item.id)).scalars():
        # the adoption undone: the files are undeclared again, so the suggestion is back
        record_change(session, user, proposal, "status", proposal.status, ProposalStatus.pending)
        proposal.status, proposal.item_id = ProposalStatus.pending, None
        proposal.decided_by_id = proposal.decided_at = None
        session.add(proposal)
    session.flush()
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
