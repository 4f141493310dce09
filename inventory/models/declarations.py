"""The annual personal-data holdings declarations (個人情報ファイル簿): a campaign per fiscal
year, a declaration per department, its items, their linked assets, its workflow events and
its accepted versions, frozen."""
from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from inventory.models.base import _fk, _json, _when


class DeclarationStatus(StrEnum):
    """Where a department's declaration is: draft → submitted (所属長決裁待ち) → reviewing
    (審査中, the head approved) → accepted (受理).  A head or the privacy office may return it
    (差戻し: ``returned``, editable again); an accepted declaration is reopened for a change
    during the year and takes the same path."""
    draft = "draft"
    submitted = "submitted"
    reviewing = "reviewing"
    returned = "returned"
    accepted = "accepted"


class ItemChange(StrEnum):
    """An item against last year's accepted declaration: 継続 / 変更 / 新規 / 廃止."""
    continued = "continued"
    changed = "changed"
    new = "new"
    abolished = "abolished"


class FileType(StrEnum):
    electronic = "electronic"     # 電算処理ファイル
    manual = "manual"             # マニュアル処理ファイル


DECLARATION_STATUS_LABELS = {"draft": "作成中", "submitted": "所属長決裁待ち", "reviewing": "審査中",
                             "returned": "差戻し", "accepted": "受理"}
ITEM_CHANGE_LABELS = {"continued": "継続", "changed": "変更", "new": "新規", "abolished": "廃止"}
FILE_TYPE_LABELS = {"electronic": "電算処理", "manual": "マニュアル処理"}


class DeclarationCampaign(SQLModel, table=True):
    """One fiscal year's call for declarations (年度照会) to every current department."""
    __tablename__ = "declaration_campaign"
    id: int | None = Field(default=None, primary_key=True)
    fiscal_year: int = Field(unique=True)          # 年度 (April start), e.g. 2026 for 令和8年度
    title: str = Field(default="", max_length=200)
    opens_on: dt.date
    due_on: dt.date
    #: the date the holdings are declared as of (基準日)
    reference_date: dt.date
    #: an item is published in the ファイル簿 from this many people (本人の数) up, unless exempt
    publish_threshold: int = 1000
    created_by_id: int | None = _fk("app_user.id", index=False)
    created_at: dt.datetime | None = _when(nullable=False, now=True)
    closed_at: dt.datetime | None = _when()


class Declaration(SQLModel, table=True):
    """A department's declaration in a campaign.  ``version`` grows with every change to it or its
    items (optimistic locking: a form carries the version it was drawn from); ``history_no``
    counts accepted versions (0 until the first acceptance)."""
    __tablename__ = "declaration"
    __table_args__ = (UniqueConstraint("campaign_id", "department_id"),)
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="declaration_campaign.id", ondelete="CASCADE", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    status: str = Field(default=DeclarationStatus.draft, max_length=20, index=True)
    version: int = 1
    history_no: int = 0
    #: first edit by a person (None: 未着手)
    started_at: dt.datetime | None = _when()
    submitted_at: dt.datetime | None = _when()
    approved_at: dt.datetime | None = _when()     # by the head
    accepted_at: dt.datetime | None = _when()     # by the privacy office
    last_reminded_at: dt.datetime | None = _when()
    updated_at: dt.datetime | None = _when(nullable=False, now=True)


class DeclarationItem(SQLModel, table=True):
    """One personal-information file declared (a line of the ファイル簿).

    ``lineage_id`` is shared by an item and its carried-forward copies in later years (the
    id of the first), so an item's history spans campaigns.  ``change`` is derived when the
    item is saved (継続 if every declared field equals the item it was carried from)
    unless ``abolished``.  ``published`` is derived from 本人の数, the threshold and the
    exemption.  Text fields are what people typed: nothing here is read from a file."""
    __tablename__ = "declaration_item"
    #: two people adding an item at once never get the same number (No.): the second insert
    #: fails and takes the next number (``inventory.declarations.editing.new_item_row``)
    __table_args__ = (UniqueConstraint("declaration_id", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    declaration_id: int = Field(foreign_key="declaration.id", ondelete="CASCADE", index=True)
    carried_from_id: int | None = _fk("declaration_item.id", index=False)
    lineage_id: int | None = Field(default=None, index=True)
    position: int = 0
    change: str = Field(default=ItemChange.new, max_length=20)
    abolished: bool = False
    #: "scan" for items suggested from scanned assets, "carried" from last year, "person", "import"
    origin: str = Field(default="person", max_length=20)
    file_name: str = Field(default="", max_length=200)                 # 個人情報ファイルの名称
    business_name: str = Field(default="", max_length=200)             # 事務の名称
    organisation: str = Field(default="", max_length=200)              # 事務をつかさどる組織の名称
    purpose: str = Field(default="", max_length=2000)                  # 利用目的
    record_categories: list = _json()                                  # 記録項目 (category codes)
    record_items_other: str = Field(default="", max_length=2000)       # 記録項目 (free items)
    record_scope: str = Field(default="", max_length=1000)             # 記録範囲
    collection_method: str = Field(default="", max_length=1000)        # 記録情報の収集方法
    sensitive: bool = False                                            # 要配慮個人情報の有無
    regular_recipients: str = Field(default="", max_length=1000)       # 経常的提供先
    disclosure_office: str = Field(default="", max_length=500)         # 開示請求等を受理する組織
    special_procedures: str = Field(default="", max_length=1000)       # 他法令による特別の手続
    file_type: str = Field(default=FileType.electronic, max_length=20)  # 電算処理 / マニュアル処理
    subject_count: int | None = None                                   # 本人の数
    exemption: str = Field(default="", max_length=10)                  # 法74条2項 各号 ("" none, "1".."10")
    published: bool = False
    retention: str = Field(default="", max_length=200)                 # 保存期間
    contractor: str = Field(default="", max_length=500)                # 委託先
    location_note: str = Field(default="", max_length=1000)            # 保管場所 (paper, free text)
    remarks: str = Field(default="", max_length=1000)                  # 備考
    version: int = 1
    updated_at: dt.datetime | None = _when(nullable=False, now=True)


class DeclarationItemAsset(SQLModel, table=True):
    """A scanned asset (file or app) where a declared item is kept."""
    __tablename__ = "declaration_item_asset"
    item_id: int = Field(foreign_key="declaration_item.id", ondelete="CASCADE", primary_key=True)
    asset_id: int = Field(foreign_key="asset.id", ondelete="CASCADE", primary_key=True, index=True)


class ProposalStatus(StrEnum):
    """A scan suggestion: waiting for a person, adopted (it became an item), or rejected (with a reason)."""
    pending = "pending"
    adopted = "adopted"
    rejected = "rejected"


class DeclarationProposal(SQLModel, table=True):
    """A suggestion drawn from the scans when a draft is opened: the files of one dataset
    (same folder and business, same columns, copies) that no item declares yet.  A
    suggestion declares nothing: a person adopts it (it becomes an item, ``item_id``) or
    rejects it, with a reason kept for the audit.  Its texts are the registry's (file and
    folder names, category codes, counts), never a value read from a file."""
    __tablename__ = "declaration_proposal"
    id: int | None = Field(default=None, primary_key=True)
    declaration_id: int = Field(foreign_key="declaration.id", ondelete="CASCADE", index=True)
    status: str = Field(default=ProposalStatus.pending, max_length=20)
    file_name: str = Field(default="", max_length=200)        # the suggested 個人情報ファイルの名称
    folder: str = Field(default="", max_length=2000)          # where its files are (the common folder)
    business_name: str = Field(default="", max_length=200)    # the files' 業務名, if people set one
    record_categories: list = _json()
    sensitive: bool = False
    subject_count: int | None = None                          # the largest scanned record count
    item_id: int | None = Field(default=None, foreign_key="declaration_item.id", ondelete="SET NULL",
                                index=False)
    reason: str | None = Field(default=None, max_length=2000)  # why it was rejected
    decided_by_id: int | None = _fk("app_user.id", index=False)
    decided_at: dt.datetime | None = _when()
    created_at: dt.datetime | None = _when(nullable=False, now=True)


class DeclarationProposalAsset(SQLModel, table=True):
    """A scanned file of a suggestion."""
    __tablename__ = "declaration_proposal_asset"
    proposal_id: int = Field(foreign_key="declaration_proposal.id", ondelete="CASCADE", primary_key=True)
    asset_id: int = Field(foreign_key="asset.id", ondelete="CASCADE", primary_key=True, index=True)


class DeclarationEvent(SQLModel, table=True):
    """A step of a declaration's workflow (create, submit, approve, return, accept, reopen,
    import, remind) with its comment: the declaration's history."""
    __tablename__ = "declaration_event"
    id: int | None = Field(default=None, primary_key=True)
    declaration_id: int = Field(foreign_key="declaration.id", ondelete="CASCADE", index=True)
    at: dt.datetime | None = _when(nullable=False, now=True)
    user_id: int | None = _fk("app_user.id", index=False)
    action: str = Field(max_length=20)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str | None = Field(default=None, max_length=20)
    comment: str | None = Field(default=None, max_length=2000)


class DeclarationSnapshot(SQLModel, table=True):
    """An accepted version of a declaration, frozen: its items as they were accepted."""
    __tablename__ = "declaration_snapshot"
    __table_args__ = (UniqueConstraint("declaration_id", "history_no"),)
    id: int | None = Field(default=None, primary_key=True)
    declaration_id: int = Field(foreign_key="declaration.id", ondelete="CASCADE", index=True)
    history_no: int
    accepted_at: dt.datetime | None = _when(nullable=False, now=True)
    accepted_by_id: int | None = _fk("app_user.id", index=False)
    items: list = _json()
