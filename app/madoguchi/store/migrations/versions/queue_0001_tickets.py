"""Queue: ticket series, tickets, the append-only event log, counter state.

Revision ID: queue_0001_tickets
Revises: 0001_foundation
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "queue_0001_tickets"
down_revision = "0001_foundation"
branch_labels = ("queue",)
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "queue_series",
        sa.Column("branch_id", sa.String(40), sa.ForeignKey("branch.id", name="fk_queue_series_branch_id_branch"),
                  primary_key=True),
        sa.Column("service_id", sa.Integer, sa.ForeignKey("service.id", name="fk_queue_series_service_id_service"),
                  primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("last_number", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "queue_ticket",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("branch_id", sa.String(40), sa.ForeignKey("branch.id", name="fk_queue_ticket_branch_id_branch"),
                  nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("label", sa.String(16), nullable=False),
        sa.Column("service_id", sa.Integer, sa.ForeignKey("service.id", name="fk_queue_ticket_service_id_service"),
                  nullable=False),
        sa.Column("original_service_id", sa.Integer,
                  sa.ForeignKey("service.id", name="fk_queue_ticket_original_service_id_service"), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("priority", sa.Integer, nullable=False, server_default="0"),
        sa.Column("arrival_at", TS, nullable=False),
        sa.Column("confirmed_at", TS, nullable=True),
        sa.Column("first_called_at", TS, nullable=True),
        sa.Column("called_at", TS, nullable=True),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("counter_id", sa.Integer, sa.ForeignKey("counter.id", name="fk_queue_ticket_counter_id_counter"),
                  nullable=True),
        sa.Column("calls", sa.Integer, nullable=False, server_default="0"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("idempotency_key", sa.String(80), nullable=True),
        sa.UniqueConstraint("branch_id", "original_service_id", "day", "number",
                            name="uq_queue_ticket_series_number"),
        sa.UniqueConstraint("idempotency_key", name="uq_queue_ticket_idempotency_key"),
    )
    op.create_index("ix_queue_ticket_waiting", "queue_ticket",
                    ["branch_id", "state", "service_id", "priority", "arrival_at"])
    op.create_index("ix_queue_ticket_day", "queue_ticket", ["branch_id", "day"])
    op.create_table(
        "queue_event",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("branch_id", sa.String(40), sa.ForeignKey("branch.id", name="fk_queue_event_branch_id_branch"),
                  nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("ticket_id", BigId, sa.ForeignKey("queue_ticket.id", name="fk_queue_event_ticket_id_queue_ticket"),
                  nullable=True),
        sa.Column("seq", sa.Integer, nullable=False, server_default="0"),
        sa.Column("counter_id", sa.Integer, sa.ForeignKey("counter.id", name="fk_queue_event_counter_id_counter"),
                  nullable=True),
        sa.Column("service_id", sa.Integer, sa.ForeignKey("service.id", name="fk_queue_event_service_id_service"),
                  nullable=True),
        sa.Column("number", sa.Integer, nullable=True),
        sa.Column("label", sa.String(16), nullable=True),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff_user.id", name="fk_queue_event_staff_id_staff_user"),
                  nullable=True),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.Column("terminal", sa.String(64), nullable=True),
        sa.UniqueConstraint("ticket_id", "seq", name="uq_queue_event_ticket_seq"),
    )
    op.create_index("ix_queue_event_branch_day", "queue_event", ["branch_id", "day", "id"])
    op.create_table(
        "queue_counter_state",
        sa.Column("counter_id", sa.Integer,
                  sa.ForeignKey("counter.id", ondelete="CASCADE", name="fk_queue_counter_state_counter_id_counter"),
                  primary_key=True),
        sa.Column("is_open", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("staff_id", sa.Integer,
                  sa.ForeignKey("staff_user.id", name="fk_queue_counter_state_staff_id_staff_user"), nullable=True),
        sa.Column("ticket_id", BigId,
                  sa.ForeignKey("queue_ticket.id", name="fk_queue_counter_state_ticket_id_queue_ticket"),
                  nullable=True),
        sa.Column("day", sa.Date, nullable=True),
    )
    _forbid_event_changes()


def _forbid_event_changes() -> None:
    """The event log is append-only: the database itself refuses UPDATE and DELETE."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION queue_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'queue_event is append-only'; END $$""")
        op.execute("""CREATE TRIGGER queue_event_append_only BEFORE UPDATE OR DELETE ON queue_event
                      FOR EACH ROW EXECUTE FUNCTION queue_event_append_only()""")
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER queue_event_no_{action.lower()} BEFORE {action} ON queue_event
                           BEGIN SELECT RAISE(ABORT, 'queue_event is append-only'); END""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS queue_event_append_only ON queue_event")
        op.execute("DROP FUNCTION IF EXISTS queue_event_append_only()")
    for table in ("queue_counter_state", "queue_event", "queue_ticket", "queue_series"):
        op.drop_table(table)
