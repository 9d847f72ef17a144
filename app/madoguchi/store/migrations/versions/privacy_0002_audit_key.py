"""Privacy: audit rows name the key of their HMAC.

Revision ID: privacy_0002_audit_key
Revises: privacy_0001_audit
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "privacy_0002_audit_key"
down_revision = "privacy_0001_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("key_id", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("key_id")
