"""The declarations area's item pages: an item's form (new, or the department's while the
declaration is drafted; read-only otherwise), abolish (廃止) and restore, delete, and its
history over the years.  The rules are the services' (``inventory.declarations.editing``
and ``workflow``); see :mod:`.views` for how a refusal is answered.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inventory.declarations import editing
from inventory.declarations import workflow as decl
from inventory.declarations.fields import FIELDS
from inventory.models import DeclarationCampaign, DeclarationItem, FileType
from inventory.web.dashboard.views import department_names
from inventory.web.declarations.base import LABELS, bp, guard
from inventory.web.declarations.display import audit_asset_ids, field_title, shown_audit, shown_item
from inventory.web.declarations.forms import ItemForm, VersionForm
from inventory.web.declarations.queries import (
    asset_names,
    audit_of,
    declaration_or_404,
    item_or_404,
    linkable_assets,
    linked_asset_ids,
    lineage_items,
    snapshot_entries,
    was_deleted,
)
from inventory.web.extensions import get_session
from inventory.web.labels import label, translated


def gone_message() -> str:
    """Said when an edit was posted for an item deleted in the meantime."""
    return _("Another staff member deleted this item after you opened it. Your input is kept below: "
             "save it to add it again as a new item.")



# --- items ------------------------------------------------------------------------------------

@bp.route("/<int:declaration_id>/items/new", methods=("GET", "POST"))
@guard
def new_item(declaration_id: int):
    """Add an item (a personal-information file not suggested by the scans or last year)."""
    session = get_session()
    declaration = declaration_or_404(session, declaration_id, current_user)
    if current_user.role not in decl.EDITOR_ROLES:
        abort(403)
    form = _item_form(session, declaration, [], posted=request.method == "POST")
    if request.method == "GET":
        if not decl.may_edit(session, current_user, declaration):
            flash(_("This declaration is not being drafted now, so its items cannot be changed."), "error")
            return redirect(url_for("declarations.show", declaration_id=declaration.id))
        form.file_type.data, form.exemption.data = FileType.electronic.value, ""
        form.organisation.data = department_names(session).get(declaration.department_id, ("", ""))[1]
        return _render_item(session, declaration, None, form)
    return _save(session, declaration, None, form)


@bp.route("/items/<int:item_id>", methods=("GET", "POST"))
@guard
def item(item_id: int):
    """An item: its form for the department while the declaration is drafted, else read-only."""
    session = get_session()
    if request.method == "POST" and session.get(DeclarationItem, item_id) is None \
            and was_deleted(session, item_id):
        return _item_gone(session)
    found, declaration = item_or_404(session, item_id, current_user)
    linked = linked_asset_ids(session, found.id)
    if request.method == "GET":
        form = _item_form(session, declaration, linked, posted=False, categories=found.record_categories)
        form.fill_from(found, linked)
        return _render_item(session, declaration, found, form)
    if current_user.role not in decl.EDITOR_ROLES:
        abort(403)
    form = _item_form(session, declaration, linked, posted=True, categories=found.record_categories)
    return _save(session, declaration, found, form)


def _item_form(session, declaration, linked: list[int], posted: bool, categories=()) -> ItemForm:
    """The item form (the posted one, or an empty one to fill) with its choices: categories,
    and the assets the item may link."""
    form = ItemForm() if posted else ItemForm(formdata=None)
    form.declaration.data = str(declaration.id)
    choices = [(a.id, a.name) for a in linkable_assets(session, declaration, linked)]
    return form.setup(list(categories or []), choices)


def _item_gone(session):
    """An edit posted for an item someone deleted meanwhile: the person's input, offered to be
    saved as a new item of the declaration the form came from (if they may edit it)."""
    wanted = request.form.get("declaration", "")
    if not wanted.isdigit():
        abort(404)
    declaration = declaration_or_404(session, int(wanted), current_user)
    if current_user.role not in decl.EDITOR_ROLES:
        abort(403)
    form = _item_form(session, declaration, [], posted=True, categories=request.form.getlist("record_categories"))
    form.version.data = ""
    return _render_item(session, declaration, None, form, status=409, message=gone_message())


def _save(session, declaration, found: DeclarationItem | None, form: ItemForm):
    """Save the posted item through the service; on a refusal, the form again with the input."""
    if not form.validate():
        return _render_item(session, declaration, found, form, status=400)
    allowed = {asset_id for asset_id, _name in form.assets.choices}
    if not set(form.chosen_assets()) <= allowed:
        abort(400)                                     # not offered: a tampered form
    item_id = found.id if found is not None else None      # the row may be gone after a refusal
    values, problems = form.values()
    if problems:
        parsed = {p.field for p in problems}
        form.show_problems(problems + [p for p in decl.check_values(values) if p.field not in parsed])
        return _render_item(session, declaration, found, form, status=400)
    try:
        saved = editing.save_item(session, current_user, declaration, found, values, form.seen_version(),
                                  form.chosen_assets())
    except decl.DeclarationError as exc:
        session.rollback()
        return _refused_item(session, declaration, item_id, form, exc)
    session.commit()
    if decl.completeness_problems(decl.item_dict(saved)):
        flash(_("The item was saved, but it is incomplete: fill in every required field (the number "
                "of people too) before the declaration is submitted."), "error")
    else:
        flash(_("The item was saved."), "info")
    return redirect(url_for("declarations.show", declaration_id=declaration.id, _anchor=f"item-{saved.id}"))


def _refused_item(session, declaration, item_id: int | None, form: ItemForm, exc: decl.DeclarationError):
    """Why an item was not saved, at its fields or above the form; the input is kept."""
    if exc.code == "forbidden":
        abort(403)
    if exc.code == "not_found":
        abort(404)
    found = session.get(DeclarationItem, item_id) if item_id is not None else None
    if isinstance(exc, editing.InvalidItem):
        form.show_problems(exc.problems)
        return _render_item(session, declaration, found, form, status=400)
    if isinstance(exc, decl.StaleError) and item_id is not None:
        if found is None:
            form.version.data = ""
            return _render_item(session, declaration, None, form, status=409, message=gone_message())
        form.version.data = str(found.version)
        return _render_item(session, declaration, found, form, status=409, conflict=True, message=_(
            "Another staff member updated this item after you opened it. Your input is kept in the form, "
            "and the values saved now are shown beside each field that differs: compare them, then save again."))
    return _render_item(session, declaration, found, form, status=409, message=_(
        "This declaration is not being drafted now, so its items cannot be changed. Your input is kept below."))


def _render_item(session, declaration, found: DeclarationItem | None, form: ItemForm, status: int = 200,
                 message: str | None = None, conflict: bool = False):
    """The item page: the form (new or edit) for editors, the saved values for everyone else;
    after a conflict, the saved values beside the fields the person typed differently."""
    campaign = session.get(DeclarationCampaign, declaration.campaign_id)
    linked = linked_asset_ids(session, found.id) if found is not None else []
    assets = {a.id: a for a in linkable_assets(session, declaration, linked)}
    saved, differs = {}, set()
    if found is not None:
        saved = shown_item(found)
        if conflict:
            differs = _differing(form, found, linked)
    return render_template(
        "declarations/item.html", declaration=declaration, campaign=campaign, item=found, form=form,
        fields=FIELDS, saved=saved, differs=differs, conflict=conflict, message=message,
        editable=decl.may_edit(session, current_user, declaration), assets=assets, linked=linked,
        department=department_names(session).get(declaration.department_id, ("", "—"))[1],
        version_form=VersionForm(formdata=None, version=str(found.version) if found else ""),
        labels=translated(LABELS), label=label), status


def _differing(form: ItemForm, current: DeclarationItem, linked: list[int]) -> set[str]:
    """Names of the fields (and "assets") where the person's input differs from the saved item."""
    values, problems = form.values()
    differs = {p.field for p in problems}
    saved = decl.item_dict(current)
    for field in FIELDS:
        if not _same(values[field.name], saved[field.name]):
            differs.add(field.name)
    if sorted(form.chosen_assets()) != sorted(linked):
        differs.add("assets")
    return differs


def _same(typed, saved) -> bool:
    """Whether a typed value equals the saved one (categories in any order, text trimmed)."""
    if isinstance(typed, list) or isinstance(saved, list):
        return sorted(typed or []) == sorted(saved or [])
    if isinstance(typed, str) or isinstance(saved, str):
        return (typed or "").strip() == (saved or "").strip()
    return typed == saved


@bp.route("/items/<int:item_id>/abolish", methods=("POST",))
@guard
def abolish(item_id: int):
    """Mark an item carried from last year 廃止 (it stays in the declaration, as ended)."""
    return _abolished(item_id, True)


@bp.route("/items/<int:item_id>/restore", methods=("POST",))
@guard
def restore(item_id: int):
    """Undo 廃止 of a carried item."""
    return _abolished(item_id, False)


def _abolished(item_id: int, abolished: bool):
    session = get_session()
    found, declaration = item_or_404(session, item_id, current_user)
    form = VersionForm()
    if not form.validate() or form.seen_version() is None:
        abort(400)
    try:
        editing.set_abolished(session, current_user, declaration, found, abolished, form.seen_version())
    except decl.DeclarationError as exc:
        session.rollback()
        return _refused_button(declaration.id, item_id, exc)
    session.commit()
    flash(_("The item is marked as abolished.") if abolished else _("The item is no longer abolished."), "info")
    return redirect(url_for("declarations.show", declaration_id=declaration.id, _anchor=f"item-{item_id}"))


@bp.route("/items/<int:item_id>/delete", methods=("POST",))
@guard
def delete(item_id: int):
    """Delete an item new this year (a carried item is abolished instead)."""
    session = get_session()
    found, declaration = item_or_404(session, item_id, current_user)
    form = VersionForm()
    if not form.validate() or form.seen_version() is None:
        abort(400)
    try:
        editing.delete_item(session, current_user, declaration, found, form.seen_version())
    except decl.DeclarationError as exc:
        session.rollback()
        return _refused_button(declaration.id, item_id, exc)
    session.commit()
    flash(_("The item was deleted."), "info")
    return redirect(url_for("declarations.show", declaration_id=declaration.id))


def _refused_button(declaration_id: int, item_id: int, exc: decl.DeclarationError):
    """An abolish / restore / delete refused: 403 when not allowed, else a message on the page."""
    if exc.code == "forbidden":
        abort(403)
    messages = {
        "carried": _("An item carried over from last year cannot be deleted: mark it as abolished instead."),
        "stale": _("Another staff member updated this item after you opened it. Check it, then try again."),
        "not_editable": _("This declaration is not being drafted now, so its items cannot be changed."),
    }
    flash(messages.get(exc.code, _("This change cannot be made.")), "error")
    return redirect(url_for("declarations.show", declaration_id=declaration_id, _anchor=f"item-{item_id}"))


# --- an item's history ------------------------------------------------------------------------

@bp.route("/items/<int:item_id>/history")
@guard
def history(item_id: int):
    """Every change to the item and to its earlier years' forms, and the accepted versions
    (history numbers) that hold them."""
    session = get_session()
    found, declaration = item_or_404(session, item_id, current_user)
    forms = lineage_items(session, found, current_user)
    rows = audit_of(session, [li.item.id for li in forms])
    years = {li.item.id: li.campaign.fiscal_year for li in forms}
    visible = {li.item.id for li in forms if decl.may_see(session, current_user, li.declaration)}
    return render_template(
        "declarations/history.html", item=found, declaration=declaration, forms=forms, rows=rows, years=years,
        visible=visible,
        snapshots=snapshot_entries(session, forms), field_title=field_title, shown_audit=shown_audit,
        asset_names=asset_names(session, audit_asset_ids(rows), current_user),
        names=department_names(session), labels=translated(LABELS), label=label)
