"""Foundation: branches, services, counters, staff users.

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_foundation"
down_revision = None
branch_labels = ("foundation",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "branch",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_en", sa.String(100), nullable=False, server_default=""),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    )
    op.create_table(
        "service",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("prefix", sa.String(4), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_en", sa.String(100), nullable=False, server_default=""),
        sa.Column("sort_order", sa.Integer, nullable=False, server_default="0"),
        sa.Column("default_service_minutes", sa.Integer, nullable=False, server_default="10"),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.UniqueConstraint("prefix", name="uq_service_prefix"),
    )
    op.create_table(
        "counter",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("branch_id", sa.String(40), sa.ForeignKey("branch.id", name="fk_counter_branch_id_branch"),
                  nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("name", sa.String(100), nullable=False, server_default=""),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.UniqueConstraint("branch_id", "number", name="uq_counter_branch_id"),
    )
    op.create_table(
        "counter_service",
        sa.Column("counter_id", sa.Integer,
                  sa.ForeignKey("counter.id", ondelete="CASCADE", name="fk_counter_service_counter_id_counter"),
                  primary_key=True),
        sa.Column("service_id", sa.Integer,
                  sa.ForeignKey("service.id", ondelete="CASCADE", name="fk_counter_service_service_id_service"),
                  primary_key=True),
    )
    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("login", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("os_user", sa.String(100), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("login", name="uq_staff_user_login"),
        sa.UniqueConstraint("os_user", name="uq_staff_user_os_user"),
    )


def downgrade() -> None:
    for table in ("staff_user", "counter_service", "counter", "service", "branch"):
        op.drop_table(table)
