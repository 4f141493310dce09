"""The staff directory (職員): :class:`Person`, someone who works for the city, with or without a
sign-in account.  Owners and deputies of business apps (``Asset.owner_id``, ``deputy_id``) are
people, not accounts; a :class:`~inventory.models.User` may be linked to its person
(``User.person_id``)."""
from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlmodel import Field, SQLModel

from inventory.models.base import _fk, _when


class PersonSource(StrEnum):
    """Who keeps a person's row: a later directory sync updates the rows it owns (``directory``)
    and those the import made, matched by ``staff_number``; it leaves hand-kept rows alone."""
    manual = "manual"              # entered by an administrator
    import_ = "import"             # the org-chart import's staff sheet (職員)
    account = "account"            # made from a user account by migration 0011 (no staff number yet)
    directory = "directory"        # a directory sync (issue 20)


class Person(SQLModel, table=True):
    """A member of staff (職員) for the staff directory.

    ``staff_number`` (職員番号) is the city's key and the one an import or a directory sync
    matches on; it is unique, and empty only for people made from accounts before the
    directory existed, until an administrator or the first staff import fills it.  A person
    who leaves is made inactive (``active`` False), never deleted: the apps they owned keep
    showing their name.  No value read from a scanned file is ever stored here.
    """
    __tablename__ = "person"
    id: int | None = Field(default=None, primary_key=True)
    staff_number: str | None = Field(default=None, max_length=32, unique=True)   # 職員番号
    name: str = Field(max_length=200)                    # 氏名
    kana: str = Field(default="", max_length=200)        # カナ
    department_id: int | None = _fk("department.id")     # 所属
    title: str | None = Field(default=None, max_length=100)   # 役職
    email: str | None = Field(default=None, max_length=254)
    active: bool = True                                  # False: left (退職等), never deleted
    source: str = Field(default=PersonSource.manual, max_length=20)
    updated_at: dt.datetime | None = _when(nullable=False, now=True)
