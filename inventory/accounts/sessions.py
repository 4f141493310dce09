"""Sessions the server can end: one :class:`~inventory.models.UserSession` per signed-in browser.

The browser keeps a random id in Flask's signed cookie; the registry keeps its
sha256 only.  A session is live while it is not revoked, was seen within the
idle time-out and began within the absolute one.  Signing out revokes one
session; a password, role, department or active-flag change revokes all of a
user's sessions (:func:`revoke_user_sessions`), wherever the change is made
(web admin pages, own password page, CLI, demo seeding).

Used by the web app and the CLI alike, so nothing here needs Flask.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select, update

from inventory.models import User, UserSession, utcnow

#: last_seen_at is written at most this often, so browsing costs one write a minute, not one a page
TOUCH_INTERVAL = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class SessionLimits:
    """How long a session lives: without a request (``idle``) and at most (``longest``)."""
    idle: dt.timedelta = dt.timedelta(minutes=30)
    longest: dt.timedelta = dt.timedelta(hours=10)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """A stored time as an aware UTC time (SQLite gives them back naive)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value


#: ended sessions are kept this long (who was signed in from where, for an inquiry), then deleted
KEEP_ENDED = dt.timedelta(days=7)


def start_session(session, user_id: int, address: str | None = None,
                  limits: SessionLimits = SessionLimits()) -> str:
    """A new session of ``user_id``; returns the id the cookie carries (the caller commits).
    The user's sessions that ended more than :data:`KEEP_ENDED` ago are deleted on the way, so
    the table holds about a week of sign-ins per user, not every sign-in since installation."""
    forget_ended_sessions(session, user_id, limits)
    token = secrets.token_urlsafe(32)
    session.add(UserSession(token_sha256=token_hash(token), user_id=user_id,
                            client_address=(address or "")[:100] or None))
    return token


def live_session(session, token: str, limits: SessionLimits,
                 now: dt.datetime | None = None) -> tuple[UserSession, User] | None:
    """The live session this cookie id names and its user (one query), else None; notes that it
    was seen (at most once a minute, committing)."""
    if not token or len(token) > 100:
        return None
    found = session.execute(select(UserSession, User).join(User, User.id == UserSession.user_id)
                            .where(UserSession.token_sha256 == token_hash(token))).first()
    now = now or utcnow()
    if found is None or not is_live(found[0], limits, now):
        return None
    if now - aware(found[0].last_seen_at) >= TOUCH_INTERVAL:
        found[0].last_seen_at = now
        session.commit()
    return found[0], found[1]


def is_live(found: UserSession, limits: SessionLimits, now: dt.datetime) -> bool:
    """Not revoked, seen within the idle time-out, begun within the absolute one."""
    return (found.revoked_at is None and now - aware(found.last_seen_at) <= limits.idle
            and now - aware(found.created_at) <= limits.longest)


def forget_ended_sessions(session, user_id: int, limits: SessionLimits,
                          now: dt.datetime | None = None) -> int:
    """Delete ``user_id``'s sessions begun before any of them could still be live, plus
    :data:`KEEP_ENDED`; returns how many."""
    cutoff = (now or utcnow()) - limits.longest - KEEP_ENDED
    return session.execute(delete(UserSession).where(
        UserSession.user_id == user_id, UserSession.created_at < cutoff)).rowcount


def end_session(session, token: str) -> None:
    """Revoke the session this cookie id names (signing out); the caller commits."""
    session.execute(update(UserSession).where(
        UserSession.token_sha256 == token_hash(token), UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow()))


def revoke_user_sessions(session, user_id: int, keep_token: str | None = None) -> int:
    """Revoke every live session of ``user_id`` except the one ``keep_token`` names (the person's
    own, when they change their own password); the caller commits.  Returns how many."""
    stmt = update(UserSession).where(UserSession.user_id == user_id,
                                     UserSession.revoked_at.is_(None))
    if keep_token:
        stmt = stmt.where(UserSession.token_sha256 != token_hash(keep_token))
    return session.execute(stmt.values(revoked_at=utcnow())).rowcount
