"""Who is who: :class:`Department` (組織, dated for annual reorganisations), :class:`User`
(a role and a department), :class:`UserSession` (a signed-in browser),
:class:`LoginThrottle` (failed sign-ins), :class:`ApiToken` (remote scanners)."""
from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from inventory.models.base import _fk, _when, utcnow


class Role(StrEnum):
    clerk = "clerk"                      # 各課の担当者
    dept_head = "dept_head"              # 所属長
    it_division = "it_division"          # 情報システム担当課
    privacy_office = "privacy_office"    # 個人情報保護担当課
    admin = "admin"


ROLE_LABELS = {"clerk": "担当者", "dept_head": "所属長", "it_division": "情報システム担当課",
               "privacy_office": "個人情報保護担当課", "admin": "管理者"}


class Department(SQLModel, table=True):
    """A department (組織) for one period: a reorganisation ends it (``valid_to``) and starts
    new ones, which ``successor_id`` links, so history stays readable.  ``code`` is the
    city's organisation code; it may be reused in a later period."""
    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("code", "valid_from"),)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, index=True)
    name: str = Field(max_length=200)
    parent_id: int | None = _fk("department.id")
    #: the department head (所属長), a user; nullable until assigned
    head_id: int | None = Field(default=None, sa_column_args=[
        ForeignKey("app_user.id", use_alter=True)])
    valid_from: dt.date = Field(default_factory=lambda: dt.date(2000, 4, 1))
    #: last day the department exists; None while current
    valid_to: dt.date | None = None
    successor_id: int | None = _fk("department.id", index=False)


class User(SQLModel, table=True):
    """Someone who signs in.  ``password_hash`` is for local accounts (None with LDAP)."""
    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100, unique=True)
    display_name: str = Field(default="", max_length=200)
    email: str | None = Field(default=None, max_length=254)
    role: str = Field(default=Role.clerk, max_length=20, index=True)
    department_id: int | None = _fk("department.id")
    password_hash: str | None = Field(default=None, max_length=255)
    active: bool = True
    #: the staff member (inventory.models.people.Person) this account belongs to, if known
    person_id: int | None = Field(default=None, foreign_key="person.id", unique=True)
    created_at: dt.datetime | None = _when(nullable=False, now=True)


class UserSession(SQLModel, table=True):
    """One signed-in browser: its id lives in the signed session cookie, only its sha256 here,
    so that signing out, a password or role change or an idle or absolute time-out ends it on
    the server (a copied cookie is worth nothing afterwards)."""
    __tablename__ = "user_session"
    id: int | None = Field(default=None, primary_key=True)
    token_sha256: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="app_user.id", ondelete="CASCADE", index=True)
    created_at: dt.datetime | None = _when(nullable=False, now=True)
    last_seen_at: dt.datetime | None = _when(nullable=False, now=True)
    revoked_at: dt.datetime | None = _when()
    client_address: str | None = Field(default=None, max_length=100)


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins of one account (``kind`` "account", ``key`` the sha256 of the user name
    typed, so mistyped passwords in the name field are not kept) or one client address
    (``kind`` "address", ``key`` the address), counted in a window; ``retry_after`` refuses
    attempts until then, ``locked_at`` until an administrator unlocks."""
    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("kind", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)
    key: str = Field(max_length=100)
    failures: int = 0
    window_started_at: dt.datetime | None = _when(nullable=False, now=True)
    retry_after: dt.datetime | None = _when()
    locked_at: dt.datetime | None = _when()


#: how long an API token is valid unless its creator says otherwise
TOKEN_VALID_DAYS = 365


def token_expiry(days: int = TOKEN_VALID_DAYS) -> dt.datetime:
    """The expiry of a token made (or rotated) now and valid for ``days``."""
    return utcnow() + dt.timedelta(days=days)


class ApiToken(SQLModel, table=True):
    """A bearer token for remote scanners posting records; only its sha256 is stored.

    A token expires (``expires_at``: ``valid_days`` after it is made, a year by
    default); rotating it replaces the secret (and so its sha256) and starts a
    new period of ``valid_days``: the old secret is refused from then on.  ``last_used_at`` is written at most once a minute."""
    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    token_sha256: str = Field(max_length=64, unique=True)
    share_id: int | None = _fk("share.id")
    created_by_id: int | None = _fk("app_user.id", index=False)
    created_at: dt.datetime | None = _when(nullable=False, now=True)
    #: the length of a period: from creation, and from each rotation
    valid_days: int = Field(default=TOKEN_VALID_DAYS, sa_column_kwargs={"server_default": text("365")})
    expires_at: dt.datetime = Field(default_factory=token_expiry, sa_type=DateTime(timezone=True),
                                    nullable=False)
    rotated_at: dt.datetime | None = _when()
    last_used_at: dt.datetime | None = _when()
    revoked_at: dt.datetime | None = _when()
