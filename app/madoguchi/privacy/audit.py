"""The audit log: who did what, when, on which visit — ids and actions only.

Append-only and tamper-evident against someone who can write the database:

- each row carries an HMAC-SHA-256 over its fields and the previous row's MAC (a keyed
  chain); the key lives outside the database (:mod:`madoguchi.privacy.audit_keys`), so
  rows cannot be forged or re-chained without it;
- the one-row ``audit_head`` holds the last sequence number and MAC (a deleted tail);
- every append also writes the new head to an anchor outside the database, so even a
  rewrite of the whole chain by someone holding the key, or wiping every row, no longer
  matches the anchors.

:meth:`AuditLog.verify` names the first bad row and the kind of tampering. Text fields
are bounded and cleaned of control characters; the CSV export neutralises cells a
spreadsheet would run as a formula.

Several PCs append to one PostgreSQL database at once. An append starts by updating the
head row, which takes a row lock on PostgreSQL and the write lock on SQLite: appends are
serialised by the database itself and the chain never forks.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from madoguchi.config import Settings, load_settings
from madoguchi.errors import InputError
from madoguchi.privacy import audit_keys
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
    AUDIT_HEAD_RESTORED = "audit_head_restored"
    AUDIT_KEY_ROTATED = "audit_key_rotated"


_ACTION = re.compile(r"^[a-z][a-z_]{1,39}$")
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
# ids, form ids, field names, counts: short tokens without spaces. A 12-digit run is
# shaped like an individual number and is never accepted.
_TOKEN = re.compile(r"^[A-Za-z0-9_.:/\-]{0,64}$")
_NUMBER_LIKE = re.compile(r"\d{10,}")
REDACTED = "<redacted>"
UNKNOWN_ACTOR = "unknown"
ACTOR_MAX = 64
# control characters, bidi overrides/isolates and other format characters never reach the log
_CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def clean_text(value: str, limit: int) -> str:
    """``value`` without control or format characters (Cc, Cf: bidi overrides, zero-width …),
    cut to ``limit`` characters."""
    kept = "".join(ch for ch in value[: limit * 4] if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    return kept[:limit]


def csv_cell(value: Any) -> Any:
    """A value a spreadsheet shows as text: a leading = + - @ (or tab/CR) gets a ' in front."""
    if isinstance(value, str) and value.startswith(_CSV_FORMULA):
        return "'" + value
    return value


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


def _row_text(seq: int, at: datetime, actor: str, action: str, visit_id: str | None, detail: str,
              prev_hash: str) -> bytes:
    return "\x1f".join((str(seq), _stamp(at), actor, action, visit_id or "", detail, prev_hash)).encode("utf-8")


def row_hash(seq: int, at: datetime, actor: str, action: str, visit_id: str | None, detail: str,
             prev_hash: str) -> str:
    """The unkeyed hash of rows written before the audit key existed (verification only)."""
    return hashlib.sha256(_row_text(seq, at, actor, action, visit_id, detail, prev_hash)).hexdigest()


def row_mac(key: bytes, key_id: str, seq: int, at: datetime, actor: str, action: str, visit_id: str | None,
            detail: str, prev_hash: str) -> str:
    """HMAC-SHA-256 of one row (its fields, the key id and the previous row's MAC)."""
    text = key_id.encode("ascii") + b"\x1e" + _row_text(seq, at, actor, action, visit_id, detail, prev_hash)
    return hmac.new(key, text, hashlib.sha256).hexdigest()


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
    # edited | missing | broken_link | unkeyed | unknown_key | rewritten | wiped | tail_missing
    # | head_missing | head_mismatch | anchor_unreadable
    problem: str
    message_ja: str
    message_en: str


@dataclass
class VerifyResult:
    rows: int = 0
    breaks: list[Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def first(self) -> Break | None:
        """The first bad row (lowest sequence number) and its kind of tampering."""
        return min(self.breaks, key=lambda b: b.seq) if self.breaks else None

    def summary(self, language: str = "ja") -> str:
        if self.ok:
            return (f"監査ログは改ざんされていません（{self.rows} 件を検証）。" if language == "ja"
                    else f"the audit log is intact ({self.rows} rows verified).")
        head = (f"監査ログに {len(self.breaks)} 件の不整合があります（{self.rows} 件を検証）:" if language == "ja"
                else f"the audit log has {len(self.breaks)} inconsistencies ({self.rows} rows verified):")
        first = self.first
        assert first is not None
        lead = (f"最初の不整合: #{first.seq}（{first.problem}）" if language == "ja"
                else f"first bad row: #{first.seq} ({first.problem})")
        lines = [b.message_ja if language == "ja" else b.message_en for b in self.breaks[:20]]
        return "\n".join([head, lead, *lines])


def _entry_record(entry: AuditEntry) -> AuditRecord:
    try:
        detail = json.loads(entry.detail or "{}")
    except ValueError:
        detail = {"_unreadable": True}
    return AuditRecord(entry.seq, _utc(entry.at), entry.actor, entry.action, entry.visit_id,
                       detail if isinstance(detail, dict) else {})


class _HeadMissing(Exception):
    pass


class AuditLog:
    def __init__(self, database: Database, settings: Settings | None = None) -> None:
        self.database = database
        self.settings = settings or load_settings()
        self.key_path = audit_keys.key_file(self.settings)
        self.anchor_path = audit_keys.anchor_file(self.settings)
        self.database_id = audit_keys.database_id(database.describe())

    # --- keys -----------------------------------------------------------------------------------
    def _head_seq(self) -> int:
        with self.database.session() as session:
            head = session.scalar(select(AuditHead.seq).where(AuditHead.id == 1))
            if head is None:
                head = session.scalar(select(func.max(AuditEntry.seq)))
            return int(head or 0)

    def keys(self, *, create: bool = True) -> audit_keys.AuditKeys | None:
        if not create:
            return audit_keys.read_keys(self.key_path)
        return audit_keys.load_or_create_keys(self.key_path, self._head_seq() + 1)

    def rotate_key(self, actor_login: str) -> str:
        """A new MAC key from the next row on (the old ones keep verifying older rows)."""
        self.keys()
        keys = audit_keys.rotate_key(self.key_path, self._head_seq() + 1)
        self.record(actor_login, Action.AUDIT_KEY_ROTATED, detail_ids={"key_id": keys.current.key_id})
        return keys.current.key_id

    # --- writing --------------------------------------------------------------------------------
    def record(self, actor_login: str, action: str | Action, visit_id: str | None = None,
               detail_ids: dict[str, Any] | None = None, *, at: datetime | None = None) -> int:
        """Append one row; returns its sequence number."""
        action = str(action)
        if not _ACTION.match(action):
            raise ValueError(f"not an audit action: {action!r}")
        actor = clean_text(actor_login or "", ACTOR_MAX) or "-"
        if visit_id is not None and not _TOKEN.match(visit_id):
            raise ValueError("visit_id must be an id")
        detail = json.dumps(_clean_detail(detail_ids), ensure_ascii=True, sort_keys=True, separators=(",", ":"))
        key = self.keys().current
        moment = _utc(at or datetime.now(UTC))
        for attempt in range(2):
            try:
                seq, digest = self._append(key, moment, actor, action, visit_id, detail)
                break
            except _HeadMissing:
                if attempt:
                    raise
                self._restore_head(key)
        audit_keys.write_anchor(self.anchor_path, self.database_id, seq, digest, _stamp(moment))
        log.debug("audit %s #%d", action, seq)
        return seq

    def _append(self, key: audit_keys.AuditKey, moment: datetime, actor: str, action: str,
                visit_id: str | None, detail: str) -> tuple[int, str]:
        with self.database.session() as session:
            # the head row first: this UPDATE is the lock that serialises every writer
            session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1))
            head = session.execute(select(AuditHead.seq, AuditHead.last_hash).where(AuditHead.id == 1)).one_or_none()
            if head is None:
                raise _HeadMissing
            seq, prev = int(head.seq), head.last_hash
            digest = row_mac(key.secret, key.key_id, seq, moment, actor, action, visit_id, detail, prev)
            session.add(AuditEntry(seq=seq, at=moment, actor=actor, action=action, visit_id=visit_id,
                                   detail=detail, prev_hash=prev, hash=digest, key_id=key.key_id))
            session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=digest))
        return seq, digest

    def _restore_head(self, key: audit_keys.AuditKey) -> None:
        """The head row was deleted: rebuild it from the last row and say so in the log itself."""
        log.error("audit head row missing: rebuilt from the last row (verify the audit log)")
        with self.database.session() as session:
            last = session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc())
                                   .limit(1)).first()
        seq, prev = (int(last.seq), last.hash) if last is not None else (0, GENESIS_HASH)
        try:
            with self.database.session() as session:
                session.add(AuditHead(id=1, seq=seq, last_hash=prev))
        except IntegrityError:
            return  # another writer restored it first
        moment = datetime.now(UTC)
        seq, digest = self._append(key, moment, "system", Action.AUDIT_HEAD_RESTORED.value, None,
                                   json.dumps({"after": seq}, separators=(",", ":")))
        audit_keys.write_anchor(self.anchor_path, self.database_id, seq, digest, _stamp(moment))

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

    def failures_since(self, actor: str, since: datetime) -> tuple[int, datetime | None]:
        """How many failed sign-ins ``actor`` had since ``since``, and when the last was."""
        with self.database.session() as session:
            row = session.execute(select(func.count(AuditEntry.seq), func.max(AuditEntry.at)).where(
                AuditEntry.actor == actor, AuditEntry.action == Action.LOGIN_FAILED.value,
                AuditEntry.at >= _utc(since))).one()
        return int(row[0] or 0), (_utc(row[1]) if row[1] is not None else None)

    def count(self) -> int:
        with self.database.session() as session:
            return int(session.scalar(select(AuditHead.seq).where(AuditHead.id == 1)) or 0)

    def verify(self) -> VerifyResult:
        """Walk the chain in order; report every edited, missing, forged or rewritten row."""
        result = VerifyResult()
        keys = self.keys(create=False)
        first_keyed = keys.first_keyed_seq if keys else None
        anchors, unreadable = audit_keys.read_anchors(self.anchor_path, self.database_id)
        for line in unreadable[:5]:
            result.breaks.append(Break(0, "anchor_unreadable", f"アンカーファイルの {line} 行目が読めません。",
                                       f"line {line} of the anchor file cannot be read."))
        expected_seq, prev_hash = 1, GENESIS_HASH
        with self.database.session() as session:
            head = session.execute(select(AuditHead.seq, AuditHead.last_hash).where(AuditHead.id == 1)).one_or_none()
            for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=1000)):
                result.rows += 1
                self._check_row(entry, expected_seq, prev_hash, keys, first_keyed, anchors, result)
                expected_seq, prev_hash = entry.seq + 1, entry.hash
        last_seq = expected_seq - 1
        if head is None:
            result.breaks.append(Break(last_seq + 1, "head_missing", "監査ログの先頭情報（audit_head）が削除されています。",
                                       "the audit head row (audit_head) was deleted."))
        elif head.seq > last_seq:
            result.breaks.append(Break(last_seq + 1, "tail_missing",
                                       f"最後の行（#{last_seq + 1}〜#{head.seq}）が削除されています。",
                                       f"the last rows (#{last_seq + 1}-#{head.seq}) were deleted."))
        elif head.seq < last_seq or head.last_hash != prev_hash:
            result.breaks.append(Break(head.seq, "head_mismatch",
                                       "監査ログの先頭情報と最後の行が一致しません（改ざんの疑い）。",
                                       "the audit head does not match the last row (possible tampering)."))
        known_end = max(last_seq, head.seq if head is not None else 0)
        beyond = [seq for seq in anchors if seq > known_end]
        if beyond:
            first, last = known_end + 1, max(beyond)
            result.breaks.append(Break(first, "wiped",
                                       f"アンカーにある #{first}〜#{last} の行がデータベースにありません（削除）。",
                                       f"rows #{first}-#{last} recorded in the anchor are gone from the database "
                                       "(deleted)."))
        return result

    @staticmethod
    def _check_row(entry: AuditEntry, expected_seq: int, prev_hash: str, keys: audit_keys.AuditKeys | None,
                   first_keyed: int | None, anchors: dict[int, str], result: VerifyResult) -> None:
        seq = entry.seq
        if seq != expected_seq:
            first, last = expected_seq, seq - 1
            result.breaks.append(Break(first, "missing", f"#{first}〜#{last} の行が削除されています。",
                                       f"rows #{first}-#{last} were deleted."))
        if entry.prev_hash != prev_hash:
            result.breaks.append(Break(seq, "broken_link",
                                       f"#{seq} の前の行へのつながりが壊れています（削除または改ざん）。",
                                       f"row #{seq} does not link to the row before it (deleted or altered)."))
        fields = (seq, entry.at, entry.actor, entry.action, entry.visit_id, entry.detail, entry.prev_hash)
        if not entry.key_id:
            if first_keyed is not None and seq >= first_keyed:
                result.breaks.append(Break(seq, "unkeyed", f"#{seq} は鍵なしで書かれています（偽造）。",
                                           f"row #{seq} carries no key id (forged)."))
            elif row_hash(*fields) != entry.hash:
                result.breaks.append(Break(seq, "edited", f"#{seq} の内容が書き換えられています。",
                                           f"row #{seq} was altered."))
        else:
            key = keys.get(entry.key_id) if keys else None
            if key is None:
                result.breaks.append(Break(seq, "unknown_key", f"#{seq} は不明な鍵 {entry.key_id!r} で書かれています（偽造）。",
                                           f"row #{seq} names an unknown key {entry.key_id!r} (forged)."))
            elif not hmac.compare_digest(row_mac(key.secret, key.key_id, *fields), entry.hash):
                result.breaks.append(Break(seq, "edited", f"#{seq} の内容が書き換えられています。",
                                           f"row #{seq} was altered."))
        anchored = anchors.get(seq)
        if anchored is not None and anchored != entry.hash:
            result.breaks.append(Break(seq, "rewritten",
                                       f"#{seq} がアンカーの記録と一致しません（チェーン全体の書き換え）。",
                                       f"row #{seq} does not match the anchor (the chain was rewritten)."))

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
            writer.writerow([csv_cell(cell) for cell in (
                record.seq, record.at.astimezone().isoformat(timespec="seconds"), clean_text(record.actor, ACTOR_MAX),
                record.action, record.visit_id or "", json.dumps(record.detail, ensure_ascii=True, sort_keys=True))])
            count += 1
        return count

    def export_csv_file(self, path: Path, start: date | None = None, end: date | None = None) -> int:
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:  # BOM: Excel opens it as UTF-8
            return self.export_csv(handle, start, end)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min).astimezone()


def actions() -> Iterable[str]:
    return (a.value for a in Action)
