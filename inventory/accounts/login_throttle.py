"""Limits on password guessing, per account and per client address.

Failures are counted in a window.  From ``delay_after`` failures on, each
failure sets a time before which the next attempt is refused without
checking the password (1 s, doubling, up to ``max_delay``); at
``lock_after`` failures the account or address is locked until an
administrator unlocks it (admin user page, ``inventory users unlock``).
Nothing sleeps: a refused attempt is answered at once, with the same
message as a wrong password.

An account is keyed by the sha256 of the name typed (lower case), whether or
not such a user exists, so the answers tell nothing about which names exist,
and a password typed into the name field is never stored.  Every failure,
lock and unlock is an :class:`~inventory.models.AuditEvent` (``field``
"sign_in", ``after`` "failure <address>", "lock <address>", "unlock").
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from inventory.models import AuditEvent, LoginThrottle, User, utcnow
from inventory.accounts.sessions import aware

ACCOUNT, ADDRESS = "account", "address"


@dataclass(frozen=True)
class Limit:
    """When failures start to delay attempts, when they lock, and over what window they count."""
    delay_after: int
    lock_after: int
    window: dt.timedelta = dt.timedelta(hours=1)
    max_delay: dt.timedelta = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class ThrottleRules:
    account: Limit = Limit(delay_after=5, lock_after=10)
    address: Limit = Limit(delay_after=20, lock_after=100)


def account_key(username: str) -> str:
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()


def _keys(username: str, address: str | None) -> list[tuple[str, str]]:
    keys = [(ACCOUNT, account_key(username))]
    if address:
        keys.append((ADDRESS, address[:100]))
    return keys


def is_refused(session, username: str, address: str | None, now: dt.datetime | None = None) -> bool:
    """Whether this attempt is refused before its password is checked (locked, or too soon)."""
    now = now or utcnow()
    for kind, key in _keys(username, address):
        row = _row(session, kind, key)
        if row is not None and (row.locked_at is not None
                                or (row.retry_after is not None and aware(row.retry_after) > now)):
            return True
    return False


def record_failure(session, rules: ThrottleRules, username: str, address: str | None,
                   user_id: int | None, now: dt.datetime | None = None) -> None:
    """Count a failed attempt on the account and the address, delaying or locking; audit it.
    The caller commits."""
    now = now or utcnow()
    where = address or "?"
    _audit(session, user_id, "app_user", f"failure {where}")
    for kind, key in _keys(username, address):
        limit = rules.account if kind == ACCOUNT else rules.address
        if _count(session, _row(session, kind, key, create=True), limit, now):
            _audit(session, user_id if kind == ACCOUNT else None,
                   "app_user" if kind == ACCOUNT else "client_address", f"lock {where}")


def _count(session, row: LoginThrottle, limit: Limit, now: dt.datetime) -> bool:
    """Add one failure to ``row``; True when this failure locks it."""
    if row.locked_at is None and now - aware(row.window_started_at) > limit.window:
        row.failures, row.window_started_at, row.retry_after = 0, now, None
    row.failures += 1
    locks = row.locked_at is None and row.failures >= limit.lock_after
    if locks:
        row.locked_at = now
    elif row.failures >= limit.delay_after:
        doubling = 2 ** min(row.failures - limit.delay_after, 30)
        row.retry_after = now + min(dt.timedelta(seconds=doubling), limit.max_delay)
    session.add(row)
    return locks


def record_success(session, username: str) -> None:
    """A successful sign-in forgets the account's failures (not the address's); the caller commits."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.kind == ACCOUNT,
                                                LoginThrottle.key == account_key(username)))


def unlock(session, actor_id: int | None, username: str | None = None,
           address: str | None = None) -> bool:
    """Lift the lock and delay of an account (by user name) or an address; audit it.  False when
    there was nothing to lift.  The caller commits."""
    kind, key = (ACCOUNT, account_key(username)) if username else (ADDRESS, address)
    row = _row(session, kind, key)
    if row is None or (row.locked_at is None and row.failures == 0):
        return False
    session.delete(row)
    user_id = None
    if username:
        user_id = session.scalar(select(User.id).where(User.username == username))
    event = AuditEvent(user_id=actor_id, object_type="app_user" if username else "client_address",
                       object_id=user_id, field="sign_in", after="unlock" if username else f"unlock {key}")
    session.add(event)
    return True


def is_locked(session, username: str) -> bool:
    row = _row(session, ACCOUNT, account_key(username))
    return row is not None and row.locked_at is not None


def locked_addresses(session) -> list[LoginThrottle]:
    """Client addresses locked by failed sign-ins, newest lock first (for the admin's list)."""
    return list(session.execute(select(LoginThrottle).where(
        LoginThrottle.kind == ADDRESS, LoginThrottle.locked_at.is_not(None))
        .order_by(LoginThrottle.locked_at.desc()).limit(100)).scalars())


def _audit(session, object_id: int | None, object_type: str, after: str) -> None:
    """An event of no one (``user_id`` None): the account concerned is the object."""
    session.add(AuditEvent(user_id=None, object_type=object_type, object_id=object_id,
                           field="sign_in", after=after))


def _row(session, kind: str, key: str, create: bool = False) -> LoginThrottle | None:
    """The counter of ``kind``/``key``; with ``create``, made when missing (another request
    making it at the same moment is no error)."""
    stmt = select(LoginThrottle).where(LoginThrottle.kind == kind, LoginThrottle.key == key)
    row = session.execute(stmt).scalars().first()
    if row is not None or not create:
        return row
    try:
        with session.begin_nested():
            row = LoginThrottle(kind=kind, key=key, failures=0)
            session.add(row)
    except IntegrityError:
        row = session.execute(stmt).scalars().one()
    return row

