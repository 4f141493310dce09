"""The registry's tables (SQLModel), for SQLite and PostgreSQL alike, one module per area;
every public name is here, so ``from inventory.models import Asset`` is the way to use them.

Who is who (:mod:`~inventory.models.accounts`):
  :class:`Department` (組織, dated for annual reorganisations), :class:`User`
  (a role and a department), :class:`UserSession` (a signed-in browser),
  :class:`LoginThrottle` (failed sign-ins), :class:`ApiToken` (remote scanners).
The staff directory (:mod:`~inventory.models.people`): :class:`Person` (職員, with or
  without an account; owners and deputies of apps are people).
What was scanned (:mod:`~inventory.models.assets`):
  :class:`Share` (a scan root; :class:`ShareMapping` maps path prefixes to
  departments), :class:`ScanRun`, :class:`Asset` (one file),
  :class:`AssetCategory` (an asset's personal-data categories, one row each,
  for fast filters), :class:`Finding` (a column or a risk, with its
  dismissal), :class:`AssetChange` (new / changed / moved / removed, per run),
  :class:`PendingRecord` (records whose fate is decided when a run finishes).
What people did:
  triage fields on :class:`Asset`, :class:`AssetComment`, :class:`AuditEvent`
  (:mod:`~inventory.models.audit`).
The yearly ファイル簿 (:mod:`~inventory.models.declarations`):
  :class:`DeclarationCampaign`, :class:`Declaration`, :class:`DeclarationItem` and
  what hangs on them.
What all share (:mod:`~inventory.models.base`): the constraint naming convention, the JSON
column type, UTC times.

Rules every table follows:
  - nothing read from a scanned file is stored except what a scan record
    carries (headers, categories, counts, hashes, masked examples);
  - all timestamps are UTC (SQLite keeps them naive, PostgreSQL aware);
  - coded values are short English codes kept as plain strings (adding a
    code needs no migration); the Japanese labels are the ``*_LABELS`` dicts.

Importing this package registers every table on ``SQLModel.metadata`` (Alembic's
``migrations/env.py`` relies on it).
"""
from __future__ import annotations

from inventory.models.accounts import (
    ROLE_LABELS,
    TOKEN_VALID_DAYS,
    ApiToken,
    Department,
    LoginThrottle,
    Role,
    User,
    UserSession,
    token_expiry,
)
from inventory.models.assets import (
    Asset,
    AssetCategory,
    AssetChange,
    AssetComment,
    AssetStatus,
    ChangeKind,
    Finding,
    Guideline,
    Lifecycle,
    PendingRecord,
    ScanRun,
    Share,
    ShareMapping,
)
from inventory.models.audit import AuditEvent, record_change, set_field
from inventory.models.base import JSONType, as_utc, utcnow
from inventory.models.people import Person, PersonSource
from inventory.models.declarations import (
    DECLARATION_STATUS_LABELS,
    FILE_TYPE_LABELS,
    ITEM_CHANGE_LABELS,
    Declaration,
    DeclarationCampaign,
    DeclarationEvent,
    DeclarationItem,
    DeclarationItemAsset,
    DeclarationProposal,
    DeclarationProposalAsset,
    DeclarationSnapshot,
    DeclarationStatus,
    FileType,
    ItemChange,
    ProposalStatus,
)

__all__ = [
    "DECLARATION_STATUS_LABELS", "FILE_TYPE_LABELS", "ITEM_CHANGE_LABELS", "ROLE_LABELS", "TOKEN_VALID_DAYS",
    "ApiToken", "Asset", "AssetCategory", "AssetChange", "AssetComment", "AssetStatus", "AuditEvent",
    "ChangeKind", "Declaration", "DeclarationCampaign", "DeclarationEvent", "DeclarationItem",
    "DeclarationItemAsset", "DeclarationProposal", "DeclarationProposalAsset", "DeclarationSnapshot", "DeclarationStatus", "Department", "FileType", "Finding",
    "Guideline", "ItemChange", "JSONType", "Lifecycle", "LoginThrottle", "PendingRecord", "Person", "PersonSource", "ProposalStatus", "Role", "ScanRun",
    "Share", "ShareMapping", "User", "UserSession",
    "as_utc", "record_change", "set_field", "token_expiry", "utcnow",
]
