"""A person's check of a file the scanner could not read: ``asset.content_review``.

An encrypted or unreadable file (status ``encrypted`` or ``error``) is never
shown as holding no personal data; it needs a person until a department
records what it holds: "personal" or "none" (NULL: not checked).  A human
decision like the triage fields: scans never write it, and it follows the
asset through re-scans, renames and moves.

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-08 00:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ALTER TABLE on both databases (SQLite adds and drops a column in place since 3.35):
    # no batch copy of the asset table and its expression indexes
    op.add_column('asset', sa.Column('content_review', sa.String(length=20), nullable=True))


def downgrade() -> None:
    op.drop_column('asset', 'content_review')
