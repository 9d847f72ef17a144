"""The audit log: who did what, when, on which visit — ids and actions only.

Append-only: each row carries the hash of the previous one (a hash chain) and the
one-row ``audit_head`` holds the last sequence number and hash, so :meth:`AuditLog.verify`
finds an edited row, a deleted row (a gap or a broken link) and a deleted tail.

Several PCs append to one PostgreSQL database at once. An append starts by updating the
head row, which takes a row lock on PostgreSQL and the write lock on SQLite: appends are
serialised by the database itself and the chain never forks.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select, update

from madoguchi.errors import InputError
from madoguchi.privacy.tables import GENESIS_HASH, AuditEntry, AuditHead
from madoguchi.store.db import Database

log = logging.getLogger(__name__)


class Action(StrEnum):
    CARD_READ = "card_read"
    FIELD_VIEWED = "field_viewed"
    FIELD_EDITED = "field_edited"
    NUMBER_REVEALED = "number_revealed"
    NUMBER_READ = "number_read"
    PRINT = "print"
    EXPORT = "export"
    PURGE = "purge"
    DRAFT_RESUMED = "draft_resumed"
    DRAFT_DISCARDED = "draft_discarded"
    VISIT_DONE = "visit_done"
    LOGIN = "login"
    LOGOUT = "logout"
    LOGIN_FAILED = "login_failed"
    LOCKED = "locked"
    UNLOCKED = "unlocked"
    PERMISSION_DENIED = "permission_denied"
    SETTINGS_CHANGED = "settings_changed"
    USER_CREATED = "user_created"
    USER_CHANGED = "user_changed"
    AUDIT_VERIFIED = "audit_verified"


_ACTION = re.compile(r"^[a-z][a-z_]{1,39}$")
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
# ids, form ids, field names, counts: short tokens without spaces. A 12-digit run is
# shaped like an individual number and is never accepted.
_TOKEN = re.compile(r"^[A-Za-z0-9_.:/\-]{0,64}$")
_NUMBER_LIKE = re.compile(r"\d{10,}")
REDACTED = "<redacted>"


def _safe(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return abs(value) < 10**9  # counts and row ids; never a 12-digit number
    return isinstance(value, str) and bool(_TOKEN.match(value)) and not _NUMBER_LIKE.search(value)


def _clean_detail(detail: dict[str, Any] | None) -> dict[str, Any]:
    """Keep ids and counts; anything that could be personal data is replaced, loudly."""
    clean: dict[str, Any] = {}
    for key, value in (detail or {}).items():
        if not isinstance(key, str) or not _KEY.match(key):
            log.warning("audit detail key refused")
            continue
        if _safe(value):
            clean[key] = value
        elif isinstance(value, list | tuple) and len(value) <= 50 and all(_safe(v) for v in value):
            clean[key] = list(value)
        else:
            log.warning("audit detail %s redacted: only ids and counts belong in the audit log", key)
            clean[key] = REDACTED
    return clean


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _stamp(moment: datetime) -> str:
    return _utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_hash(seq: int, at: datetime, actor: str, action: str, visit_id: str | None, detail: str,
             prev_hash: str) -> str:
    text = "\x1f".join((str(seq), _stamp(at), actor, action, visit_id or "", detail, prev_hash))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuditRecord:
    seq: int
    at: datetime
    actor: str
    action: str
    visit_id: str | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class Break:
    seq: int
    problem: str  # edited | missing | broken_link | tail_missing | head_mismatch
    message_ja: str
    message_en: str


@dataclass
class VerifyResult:
    rows: int = 0
    breaks: list[Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks

    def summary(self, language: str = "ja") -> str:
        if self.ok:
            return (f"監査ログは改ざんされていません（{self.rows} 件を検証）。" if language == "ja"
                    else f"the audit log is intact ({self.rows} rows verified).")
        head = (f"監査ログに {len(self.breaks)} 件の不整合があります（{self.rows} 件を検証）:" if language == "ja"
                else f"the audit log has {len(self.breaks)} inconsistencies ({self.rows} rows verified):")
        lines = [b.message_ja if language == "ja" else b.message_en for b in self.breaks[:20]]
        return "\n".join([head, *lines])


def _entry_record(entry: AuditEntry) -> AuditRecord:
    try:
        detail = json.loads(entry.detail or "{}")
    except ValueError:
        detail = {"_unreadable": True}
    return AuditRecord(entry.seq, _utc(entry.at), entry.actor, entry.action, entry.visit_id,
                       detail if isinstance(detail, dict) else {})


class AuditLog:
    def __init__(self, database: Database) -> None:
        self.database = database

    # --- writing --------------------------------------------------------------------------------
    def record(self, actor_login: str, action: str | Action, visit_id: str | None = None,
               detail_ids: dict[str, Any] | None = None, *, at: datetime | None = None) -> int:
        """Append one row; returns its sequence number."""
        action = str(action)
        if not _ACTION.match(action):
            raise ValueError(f"not an audit action: {action!r}")
        actor = (actor_login or "-")[:64]
        if visit_id is not None and not _TOKEN.match(visit_id):
            raise ValueError("visit_id must be an id")
        detail = json.dumps(_clean_detail(detail_ids), ensure_ascii=True, sort_keys=True, separators=(",", ":"))
        moment = _utc(at or datetime.now(UTC))
        with self.database.session() as session:
            # the head row first: this UPDATE is the lock that serialises every writer
            session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1))
            head = session.execute(select(AuditHead.seq, AuditHead.last_hash).where(AuditHead.id == 1)).one()
            seq, prev = int(head.seq), head.last_hash
            digest = row_hash(seq, moment, actor, action, visit_id, detail, prev)
            session.add(AuditEntry(seq=seq, at=moment, actor=actor, action=action, visit_id=visit_id,
                                   detail=detail, prev_hash=prev, hash=digest))
            session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=digest))
        log.debug("audit %s #%d", action, seq)
        return seq

    # --- reading --------------------------------------------------------------------------------
    def entries(self, start: datetime | None = None, end: datetime | None = None, *, limit: int | None = None,
                newest_first: bool = False) -> list[AuditRecord]:
        query = select(AuditEntry)
        if start is not None:
            query = query.where(AuditEntry.at >= _utc(start))
        if end is not None:
            query = query.where(AuditEntry.at < _utc(end))
        query = query.order_by(AuditEntry.seq.desc() if newest_first else AuditEntry.seq)
        if limit is not None:
            query = query.limit(limit)
        with self.database.session() as session:
            return [_entry_record(entry) for entry in session.scalars(query)]

    def count(self) -> int:
        with self.database.session() as session:
            return int(session.scalar(select(AuditHead.seq).where(AuditHead.id == 1)) or 0)

    def verify(self) -> VerifyResult:
        """Walk the chain in order; report every edited, missing or relinked row."""
        result = VerifyResult()
        expected_seq, prev_hash = 1, GENESIS_HASH
        with self.database.session() as session:
            head = session.execute(select(AuditHead.seq, AuditHead.last_hash).where(AuditHead.id == 1)).one_or_none()
            for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=1000)):
                result.rows += 1
                if entry.seq != expected_seq:
                    first, last = expected_seq, entry.seq - 1
                    result.breaks.append(Break(entry.seq, "missing",
                                               f"#{first}〜#{last} の行が削除されています。",
                                               f"rows #{first}-#{last} were deleted."))
                if entry.prev_hash != prev_hash:
                    result.breaks.append(Break(entry.seq, "broken_link",
                                               f"#{entry.seq} の前の行へのつながりが壊れています（削除または改ざん）。",
                                               f"row #{entry.seq} does not link to the row before it "
                                               "(deleted or altered)."))
                digest = row_hash(entry.seq, entry.at, entry.actor, entry.action, entry.visit_id, entry.detail,
                                  entry.prev_hash)
                if digest != entry.hash:
                    result.breaks.append(Break(entry.seq, "edited", f"#{entry.seq} の内容が書き換えられています。",
                                               f"row #{entry.seq} was altered."))
                expected_seq, prev_hash = entry.seq + 1, entry.hash
        last_seq = expected_seq - 1
        if head is None:
            result.breaks.append(Break(0, "head_mismatch", "監査ログの先頭情報がありません。",
                                       "the audit head row is missing."))
        elif head.seq > last_seq:
            result.breaks.append(Break(head.seq, "tail_missing",
                                       f"最後の行（#{last_seq + 1}〜#{head.seq}）が削除されています。",
                                       f"the last rows (#{last_seq + 1}-#{head.seq}) were deleted."))
        elif head.seq != last_seq or head.last_hash != prev_hash:
            result.breaks.append(Break(head.seq, "head_mismatch",
                                       "監査ログの先頭情報と最後の行が一致しません（改ざんの疑い）。",
                                       "the audit head does not match the last row (possible tampering)."))
        return result

    # --- export ---------------------------------------------------------------------------------
    def export_csv(self, out: IO[str], start: date | None = None, end: date | None = None) -> int:
        """Rows from ``start`` to ``end`` (local dates, inclusive) as CSV; returns the row count."""
        begin = _local_midnight(start) if start else None
        finish = _local_midnight(end + timedelta(days=1)) if end else None
        if begin and finish and begin >= finish:
            raise InputError("期間の開始日が終了日より後です。", "the start date is after the end date.")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(("seq", "at", "actor", "action", "visit_id", "detail"))
        count = 0
        for record in self.entries(begin, finish):
            writer.writerow((record.seq, record.at.astimezone().isoformat(timespec="seconds"), record.actor,
                             record.action, record.visit_id or "",
                             json.dumps(record.detail, ensure_ascii=False, sort_keys=True)))
            count += 1
        return count

    def export_csv_file(self, path: Path, start: date | None = None, end: date | None = None) -> int:
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:  # BOM: Excel opens it as UTF-8
            return self.export_csv(handle, start, end)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min).astimezone()


def actions() -> Iterable[str]:
    return (a.value for a in Action)
