"""The privacy branch's tables: the audit chain and its head.

Migration: ``store/migrations/versions/privacy_0001_audit.py``. No personal data here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from madoguchi.store.models import Base

GENESIS_HASH = "0" * 64


class AuditEntry(Base):
    """One audited action. ``hash`` = HMAC-SHA-256 (key ``key_id``) over this row's fields and ``prev_hash``."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    visit_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    #: the audit key that made ``hash`` (HMAC-SHA-256); NULL on rows from before keys existed
    key_id: Mapped[str | None] = mapped_column(String(16), nullable=True)


class AuditHead(Base):
    """One row: the last sequence number and hash. Updating it first serialises appends
    (a row lock on PostgreSQL, the write lock on SQLite), and it reveals a deleted tail."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)
