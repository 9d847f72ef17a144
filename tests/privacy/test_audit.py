"""The audit chain on real SQLite and real PostgreSQL: edits, deletions, concurrent writers."""

from __future__ import annotations

import io
import threading
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import text

from madoguchi.privacy.audit import REDACTED, Action, AuditLog
from madoguchi.store.db import Database


def _fill(log: AuditLog, count: int = 6) -> None:
    for index in range(count):
        log.record("clerk", Action.FIELD_VIEWED, f"visit{index % 2}", {"field": "address", "n": index})


def test_intact_chain_verifies(database: Database) -> None:
    log = AuditLog(database)
    assert log.verify().ok and log.verify().rows == 0
    _fill(log)
    result = log.verify()
    assert result.ok and result.rows == 6
    assert "改ざんされていません" in result.summary("ja")


def test_edited_row_is_caught(database: Database) -> None:
    log = AuditLog(database)
    _fill(log)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'someone' WHERE seq = 3"))
    result = log.verify()
    assert not result.ok
    assert [(b.seq, b.problem) for b in result.breaks] == [(3, "edited")]
    assert "#3" in result.summary("en")


def test_deleted_row_is_caught(database: Database) -> None:
    log = AuditLog(database)
    _fill(log)
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq = 4"))
    result = log.verify()
    problems = {(b.seq, b.problem) for b in result.breaks}
    assert (4, "missing") in problems and (5, "broken_link") in problems
    assert result.first is not None and (result.first.seq, result.first.problem) == (4, "missing")
    assert "#4" in result.summary("en")


def test_deleted_last_row_is_caught(database: Database) -> None:
    log = AuditLog(database)
    _fill(log)
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq = 6"))
    assert [b.problem for b in log.verify().breaks] == ["tail_missing"]


def test_rewritten_hash_without_the_chain_is_caught(database: Database) -> None:
    # someone edits a row and recomputes its own hash, but not the rows after it
    from madoguchi.privacy.audit import row_hash

    log = AuditLog(database)
    _fill(log)
    with database.engine.begin() as connection:
        row = connection.execute(text("SELECT seq, at, action, visit_id, detail, prev_hash FROM audit_log "
                                      "WHERE seq = 2")).one()
        at = row.at if isinstance(row.at, datetime) else datetime.fromisoformat(str(row.at))
        digest = row_hash(2, at, "other", row.action, row.visit_id, row.detail, row.prev_hash)
        connection.execute(text("UPDATE audit_log SET actor = 'other', hash = :h WHERE seq = 2"), {"h": digest})
    breaks = {(b.seq, b.problem) for b in log.verify().breaks}
    # the unkeyed hash no longer matches the row's HMAC, and the anchor says what row 2 was
    assert {(2, "edited"), (2, "rewritten"), (3, "broken_link")} <= breaks


def test_concurrent_writers_never_fork_the_chain(database_url: str, database: Database) -> None:
    """Four "PCs" (own engines) append at once; the chain stays one line."""
    errors: list[BaseException] = []
    per_writer, writers = 25, 4

    def _write(number: int) -> None:
        own = Database(database_url)
        try:
            log = AuditLog(own)
            for index in range(per_writer):
                log.record(f"pc{number}", Action.CARD_READ, f"v{number}x{index}")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=_write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    log = AuditLog(database)
    result = log.verify()
    assert result.ok, result.summary("en")
    assert result.rows == per_writer * writers == log.count()
    assert [r.seq for r in log.entries()] == list(range(1, per_writer * writers + 1))


def test_rows_hold_ids_not_personal_data(database: Database) -> None:
    log = AuditLog(database)
    log.record("clerk", Action.FIELD_EDITED, "abc", {
        "field": "family_name", "value": "山田 太郎", "number": "123456789018", "as_int": 123456789018,
        "forms": ["juminhyo", "kokuho"], "count": 3})
    entry = log.entries()[0]
    assert entry.detail == {"field": "family_name", "value": REDACTED, "number": REDACTED, "as_int": REDACTED,
                            "forms": ["juminhyo", "kokuho"], "count": 3}
    assert log.verify().ok


def test_csv_export_by_date_range(database: Database) -> None:
    log = AuditLog(database)
    now = datetime.now(UTC)
    log.record("admin", Action.LOGIN, at=now - timedelta(days=10))
    log.record("clerk", Action.PRINT, "v1", {"form": "juminhyo"}, at=now)
    out = io.StringIO()
    today = now.astimezone().date()
    assert log.export_csv(out, today, today) == 1
    lines = out.getvalue().splitlines()
    assert lines[0] == "seq,at,actor,action,visit_id,detail"
    assert lines[1].startswith("2,") and ",clerk,print,v1," in lines[1]
    everything = io.StringIO()
    assert log.export_csv(everything) == 2
    assert log.export_csv(io.StringIO(), date(2000, 1, 1), date(2000, 1, 2)) == 0
