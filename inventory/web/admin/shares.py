"""Administration of shares, their folder → department mappings, and API tokens (views on ``admin_base.bp``).

Mappings are read by every scan and ingest: a change applies to files as
they are next scanned.  A mapping's folder may be typed under the root, in
full, as a UNC path or as an smb:// URL (:func:`mapping_prefix` makes it
relative to the root); when no scanned file lies under it, the admin is
warned (:func:`mapping_warning`) but the mapping is kept (the folder may
be new).  "Re-apply" brings existing assets in line at once,
in one UPDATE (the longest matching prefix wins, as in
:mod:`inventory.registry.shares`); assets whose department a person set by hand
are left alone.  An API token is shown once when created; only its sha256 is
kept (:class:`~inventory.models.ApiToken`), and revoking it is final.  A
token expires after the days chosen when it is made (a year by default);
rotating it makes a new secret for the same token (name, share, runs) and
a new period of the same length: the old secret is refused at once.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import unicodedata

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case, func, null, or_, select, true, update

from inventory.registry.rows import normalise_root
from inventory.registry.shares import ShareIndex
from inventory.models import (
    ApiToken,
    Asset,
    Share,
    ShareMapping,
    User,
    as_utc,
    record_change,
    set_field,
    token_expiry,
    utcnow,
)
from inventory.web.admin.base import audit_created, bp, department_choices, department_labels, show_once
from inventory.web.admin.forms import ConfirmForm, MappingForm, ShareForm, TokenForm
from inventory.web.extensions import get_session

SHARE_FIELDS = ("name", "root", "description", "active", "exclusions", "schedule")
TOKEN_PREFIX = "inv_"


def normalise_prefix(prefix: str) -> str:
    """A mapping's folder as ingest compares it: NFC, '/' separated, no '/' at either end."""
    return unicodedata.normalize("NFC", prefix.replace("\\", "/")).strip("/")


#: ``smb://[domain;][user@]server[:port]/share/...`` or ``//server/share/...`` (backslashes made '/')
_REMOTE = re.compile(r"^(?:smb:)?//(?:[^/@]*@)?([^/:]+)(?::\d+)?(/.*)?$", re.IGNORECASE)
_DRIVE = re.compile(r"^[A-Za-z]:(/|$)")


class MappingPathError(ValueError):
    """A folder typed for a mapping that cannot be placed under the share's root (a message of ours)."""


def _remote_parts(text: str) -> list[str] | None:
    """A UNC path or smb:// URL as [server, share, folder, ...]; None for anything else."""
    found = _REMOTE.match(text)
    if not found:
        return None
    return [found.group(1)] + [part for part in (found.group(2) or "").split("/") if part]


def mapping_prefix(root: str, typed: str) -> str:
    """The mapping prefix (relative to the share's ``root``) that ``typed`` names: a folder under
    the root (健康福祉部/介護保険課), the same folder written in full as the scanner sees it, as a
    UNC path (``\\\\server\\share\\部\\課``, also with '/') or as an smb:// URL.  Server, share and
    the root's folders compare without case (Windows); MappingPathError when ``typed`` lies
    outside the root, or is a drive letter or holds '..'."""
    text = unicodedata.normalize("NFC", typed.strip()).replace("\\", "/")
    if _DRIVE.match(text):
        raise MappingPathError(_("A drive letter (such as Z:) differs from one PC to another: enter the "
                                 "folder under the share's root, or its UNC path (\\\\server\\share\\folder)."))
    typed_parts, root_parts = _remote_parts(text), _remote_parts(root)
    if typed_parts is not None:
        if root_parts is None:
            raise MappingPathError(_("The share's root %(root)s is not a UNC path: enter the folder under "
                                     "it (e.g. 健康福祉部/介護保険課).", root=root))
        head = typed_parts[:len(root_parts)]
        if [p.casefold() for p in head] != [p.casefold() for p in root_parts]:
            raise MappingPathError(_("This path is not under the share's root %(root)s.", root=root))
        parts = typed_parts[len(root_parts):]
    elif root not in ("", "/") and (text == root or text.startswith(root + "/")):
        parts = text[len(root):].split("/")
    else:
        parts = text.split("/")
    parts = [p for p in parts if p and p != "."]
    if ".." in parts:
        raise MappingPathError(_("A folder may not contain '..'."))
    return "/".join(parts)


def mapping_examples(root: str) -> str:
    """How a folder under ``root`` may be typed in full (the hint under the mapping's field)."""
    parts = _remote_parts(root)
    if parts is None:
        return root.rstrip("/") + "/健康福祉部/介護保険課"
    folder = "/".join(parts + ["健康福祉部", "介護保険課"])
    return " / ".join(("\\\\" + folder.replace("/", "\\"), "//" + folder, "smb://" + folder))


def mapping_warning(session, share_id: int, prefix: str) -> str | None:
    """Why no scanned file lies under ``prefix`` (in words for the admin), or None when some does."""
    def scanned(folder: str) -> bool:
        stmt = select(Asset.id).where(Asset.share_id == share_id)
        if folder:
            stmt = stmt.where(or_(Asset.path == folder, Asset.path.startswith(folder + "/", autoescape=True)))
        return session.scalar(stmt.limit(1)) is not None

    if not scanned(""):
        return _("This share has not been scanned yet, so the folder could not be checked: check the "
                 "mapping after the first scan.")
    if not prefix or scanned(prefix):
        return None
    parts = prefix.split("/")
    for depth in range(len(parts) - 1, 0, -1):
        if scanned("/".join(parts[:depth])):
            return _("No scanned file lies under %(folder)s: the folder %(found)s exists, but nothing "
                     "under it is called %(missing)s. Check the spelling (full-width and half-width "
                     "characters, spaces).", folder=prefix, found="/".join(parts[:depth]),
                     missing=parts[depth])
    return _("No scanned file lies under %(folder)s. Check the spelling, and that the folder is "
             "written under the share's root (not from the drive or the server name).", folder=prefix)


def token_digest(token: str) -> str:
    """The sha256 (hex) under which a token is stored and looked up."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh bearer token (256 random bits)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def reapply_mappings(session, share_id: int) -> int:
    """Set the department of the share's assets (not set by hand) from its mappings; return how
    many assets changed.  One UPDATE that only writes rows whose department differs."""
    table = Asset.__table__
    whens = []
    for prefix, department_id in ShareIndex.load(session).mappings.get(share_id, ()):
        matches = true() if not prefix else or_(
            table.c.path == prefix, table.c.path.startswith(prefix + "/", autoescape=True))
        whens.append((matches, department_id))
    target = case(*whens, else_=null()) if whens else null()
    stmt = (update(table).where(table.c.share_id == share_id, table.c.department_manual.is_(False),
                                table.c.department_id.is_distinct_from(target))
            .values(department_id=target))
    return session.execute(stmt).rowcount


# ----- shares and mappings -----
@bp.route("/shares")
def shares():
    """Every share with its number of mappings."""
    session = get_session()
    counts = dict(session.execute(select(ShareMapping.share_id, func.count())
                                  .group_by(ShareMapping.share_id)).all())
    rows = session.execute(select(Share).order_by(Share.name)).scalars().all()
    return render_template("admin/shares.html", shares=rows, mapping_counts=counts)


@bp.route("/shares/new", methods=("GET", "POST"))
def share_new():
    """Add a share (a scan root)."""
    return _share_form(None)


@bp.route("/shares/<int:share_id>/edit", methods=("GET", "POST"))
def share_edit(share_id: int):
    """Change a share's name, root, description, exclusions, schedule or whether it is scanned."""
    return _share_form(share_id)


def _share_form(share_id: int | None):
    session = get_session()
    share = session.get(Share, share_id) if share_id is not None else None
    if share_id is not None and share is None:
        abort(404)
    form = ShareForm(obj=share)
    if form.validate_on_submit():
        values = {field: getattr(form, field).data for field in SHARE_FIELDS}
        values["root"] = normalise_root(values["root"])
        for field in ("name", "root"):
            clash = select(Share.id).where(getattr(Share, field) == values[field])
            if share is not None:
                clash = clash.where(Share.id != share.id)
            if session.scalar(clash) is not None:
                getattr(form, field).errors.append(_("Another share already has this value."))
        if not form.errors:
            if share is None:
                share = Share(**values)
                session.add(share)
                session.flush()
                audit_created(session, share, SHARE_FIELDS)
            else:
                for field, value in values.items():
                    set_field(session, current_user, share, field, value)
            session.commit()
            flash(_("Share %(name)s saved.", name=share.name), "info")
            return redirect(url_for(".share_detail", share_id=share.id))
    status = 400 if form.errors else 200
    return render_template("admin/share_form.html", form=form, share=share), status


@bp.route("/shares/<int:share_id>", methods=("GET", "POST"))
def share_detail(share_id: int):
    """A share's mappings: list, add (POST here), remove, re-apply to existing assets."""
    session = get_session()
    share = session.get(Share, share_id) or abort(404)
    form = MappingForm()
    form.department_id.choices = department_choices(session)
    if form.validate_on_submit():
        try:
            prefix = mapping_prefix(share.root, form.prefix.data or "")
        except MappingPathError as exc:
            prefix = None
            form.prefix.errors.append(str(exc))
        if prefix is None:
            pass
        elif len(prefix) > 1000:
            form.prefix.errors.append(_("The folder is too long (at most 1,000 characters)."))
        elif session.scalar(select(ShareMapping.id).where(ShareMapping.share_id == share.id,
                                                          ShareMapping.prefix == prefix)):
            form.prefix.errors.append(_("This folder is already mapped; remove that mapping first."))
        else:
            mapping = ShareMapping(share_id=share.id, prefix=prefix,
                                   department_id=form.department_id.data)
            session.add(mapping)
            session.flush()
            audit_created(session, mapping, ("share_id", "prefix", "department_id"))
            session.commit()
            flash(_("Mapping added for %(folder)s. It applies from the next scan, or re-apply it now.",
                    folder=prefix or _("(the whole share)")), "info")
            warning = mapping_warning(session, share.id, prefix)
            if warning:
                flash(warning, "warning")
            return redirect(url_for(".share_detail", share_id=share.id))
    mappings = session.execute(select(ShareMapping).where(ShareMapping.share_id == share.id)
                               .order_by(ShareMapping.prefix)).scalars().all()
    status = 400 if form.errors else 200
    return render_template("admin/share_detail.html", share=share, mappings=mappings, form=form,
                           examples=mapping_examples(share.root),
                           confirm=ConfirmForm(), names=department_labels(session)), status


@bp.route("/shares/<int:share_id>/mappings/<int:mapping_id>/remove", methods=("POST",))
def mapping_remove(share_id: int, mapping_id: int):
    """Remove a mapping (audited: its folder and department become empty)."""
    session = get_session()
    mapping = session.get(ShareMapping, mapping_id)
    if mapping is None or mapping.share_id != share_id or not ConfirmForm().validate_on_submit():
        abort(404 if mapping is None or mapping.share_id != share_id else 400)
    record_change(session, current_user, mapping, "prefix", mapping.prefix, None)
    record_change(session, current_user, mapping, "department_id", mapping.department_id, None)
    session.delete(mapping)
    session.commit()
    flash(_("Mapping removed. Existing assets keep their department until re-applied or re-scanned."),
          "info")
    return redirect(url_for(".share_detail", share_id=share_id))


@bp.route("/shares/<int:share_id>/reapply", methods=("POST",))
def share_reapply(share_id: int):
    """Re-apply the share's mappings to its existing assets (not those assigned by hand)."""
    session = get_session()
    share = session.get(Share, share_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    changed = reapply_mappings(session, share.id)
    record_change(session, current_user, share, "mappings_reapplied", None, changed)
    session.commit()
    flash(_("Mappings re-applied: %(count)s assets changed department.", count=changed), "info")
    return redirect(url_for(".share_detail", share_id=share.id))


# ----- API tokens -----
@bp.route("/tokens", methods=("GET", "POST"))
def tokens():
    """API tokens for remote scanners: list, create (POST: the token is shown once), revoke."""
    session = get_session()
    form = TokenForm()
    form.share_id.choices = [("", _("(any share)"))] + [
        (s.id, s.name) for s in session.execute(select(Share).order_by(Share.name)).scalars()]
    if form.validate_on_submit():
        token = new_token()
        row = ApiToken(name=form.name.data, share_id=form.share_id.data,
                       token_sha256=token_digest(token), created_by_id=current_user.id,
                       valid_days=form.valid_days.data, expires_at=token_expiry(form.valid_days.data))
        session.add(row)
        session.flush()
        audit_created(session, row, ("name", "share_id", "valid_days", "expires_at"))
        session.commit()
        return show_once(_("API token %(name)s created. Copy it now: it is not shown again.",
                           name=row.name), token, url_for(".tokens"))
    rows = session.execute(
        select(ApiToken, Share.name, User.username).outerjoin(Share, Share.id == ApiToken.share_id)
        .outerjoin(User, User.id == ApiToken.created_by_id).order_by(ApiToken.id.desc())).all()
    status = 400 if form.errors else 200
    return render_template("admin/tokens.html", tokens=rows, form=form, confirm=ConfirmForm(),
                           now=utcnow(), as_utc=as_utc), status


@bp.route("/tokens/<int:token_id>/revoke", methods=("POST",))
def token_revoke(token_id: int):
    """Revoke a token for good: the API refuses it from now on."""
    session = get_session()
    token = session.get(ApiToken, token_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if token.revoked_at is None:
        set_field(session, current_user, token, "revoked_at", utcnow())
        session.commit()
        flash(_("API token %(name)s revoked.", name=token.name), "info")
    return redirect(url_for(".tokens"))


@bp.route("/tokens/<int:token_id>/rotate", methods=("POST",))
def token_rotate(token_id: int):
    """Give a token a new secret (shown once) and a new period of the same length; the old
    secret is refused from now on.  A revoked token stays revoked."""
    session = get_session()
    token = session.get(ApiToken, token_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if token.revoked_at is not None:
        flash(_("API token %(name)s is revoked; create a new one instead.", name=token.name), "error")
        return redirect(url_for(".tokens"))
    secret, now = new_token(), utcnow()
    token.token_sha256 = token_digest(secret)
    set_field(session, current_user, token, "rotated_at", now)
    set_field(session, current_user, token, "expires_at", now + dt.timedelta(days=token.valid_days))
    session.commit()
    return show_once(_("API token %(name)s rotated. Copy the new token now: it is not shown "
                       "again, and the old one no longer works.", name=token.name),
                     secret, url_for(".tokens"))
