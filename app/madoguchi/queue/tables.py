"""The queue's tables (Alembic branch ``queue``: migrations/versions/queue_0001_tickets.py).

- ``queue_event``: the append-only event log; every change is one row (triggers refuse
  UPDATE and DELETE on both SQLite and PostgreSQL).
- ``queue_ticket``: the current state of each ticket, projected from its events in the same
  transaction. It is the row writers lock (``SELECT … FOR UPDATE``) and the index the
  counters search; it can always be rebuilt from the events (:func:`service.rebuild_projection`).
- ``queue_series``: one row per branch, service and day holding the last number given out;
  numbers come from ``UPDATE … SET last_number = last_number + 1 … RETURNING`` inside the
  issuing transaction, so two PCs can never get the same number and a rolled-back issue
  leaves no gap.
- ``queue_counter_state``: per counter, open or closed and the ticket at it (projection).
No table holds personal data: a ticket is a number, a service and timestamps.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from madoguchi.store.models import Base

#: SQLite only auto-increments an INTEGER PRIMARY KEY
BigId = BigInteger().with_variant(Integer(), "sqlite")


class QueueSeries(Base):
    __tablename__ = "queue_series"
    branch_id: Mapped[str] = mapped_column(ForeignKey("branch.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class QueueTicket(Base):
    __tablename__ = "queue_ticket"
    __table_args__ = (
        UniqueConstraint("branch_id", "original_service_id", "day", "number", name="uq_queue_ticket_series_number"),
        Index("ix_queue_ticket_waiting", "branch_id", "state", "service_id", "priority", "arrival_at"),
        Index("ix_queue_ticket_day", "branch_id", "day"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    branch_id: Mapped[str] = mapped_column(ForeignKey("branch.id"))
    day: Mapped[date] = mapped_column(Date)
    number: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(16))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    original_service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    state: Mapped[str] = mapped_column(String(16))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    arrival_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    first_called_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    called_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"), nullable=True)
    calls: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: the same key twice (a double press, a retried request) returns the first ticket
    idempotency_key: Mapped[str | None] = mapped_column(String(80), nullable=True, unique=True)


class QueueEventRow(Base):
    __tablename__ = "queue_event"
    __table_args__ = (
        UniqueConstraint("ticket_id", "seq", name="uq_queue_event_ticket_seq"),
        Index("ix_queue_event_branch_day", "branch_id", "day", "id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    day: Mapped[date] = mapped_column(Date)
    branch_id: Mapped[str] = mapped_column(ForeignKey("branch.id"))
    kind: Mapped[str] = mapped_column(String(20))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("queue_ticket.id"), nullable=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"), nullable=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"), nullable=True)
    number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    label: Mapped[str | None] = mapped_column(String(16), nullable=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    terminal: Mapped[str | None] = mapped_column(String(64), nullable=True)


class QueueCounterState(Base):
    __tablename__ = "queue_counter_state"
    counter_id: Mapped[int] = mapped_column(ForeignKey("counter.id", ondelete="CASCADE"), primary_key=True)
    is_open: Mapped[bool] = mapped_column(Boolean, default=False)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("queue_ticket.id"), nullable=True)
    day: Mapped[date | None] = mapped_column(Date, nullable=True)
