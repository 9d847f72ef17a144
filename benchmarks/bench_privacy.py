"""The cost of privacy: the audit chain's appends and verification, and AES-GCM at rest.

- audit append: rows/s of ``AuditLog.record`` (lock the head, hash, insert) against a plain
  INSERT of the same row through the same SQLAlchemy session, on SQLite (one writer).
- audit verify: rows/s of ``AuditLog.verify`` over the chain just written, against reading
  the same rows without hashing.
- encryption: MB/s of ``crypto.encrypt`` + ``decrypt`` of a 2 MB packet against a plain copy.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from datetime import UTC, datetime

from benchmarks.figures import Figure


def _rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def run(quick: bool) -> list[Figure]:
    from sqlalchemy import insert, select

    from madoguchi.privacy import crypto
    from madoguchi.privacy.audit import AuditLog
    from madoguchi.privacy.tables import AuditEntry
    from madoguchi.store.db import open_database

    rows = 300 if quick else 2000
    folder = tempfile.mkdtemp(prefix="madoguchi-bench-audit-")
    database = open_database("sqlite:///" + os.path.join(folder, "bench.sqlite3"))
    log = AuditLog(database)
    started = time.perf_counter()
    for index in range(rows):
        log.record("clerk", "field_viewed", f"v{index % 50}", {"field": "address", "n": index})
    chained = _rate(rows, time.perf_counter() - started)

    started = time.perf_counter()
    for index in range(rows):
        with database.session() as session:
            session.execute(insert(AuditEntry).values(
                seq=100_000 + index, at=datetime.now(UTC), actor="clerk", action="field_viewed",
                visit_id=f"v{index % 50}", detail='{"field":"address"}', prev_hash="0" * 64, hash="0" * 64))
    plain = _rate(rows, time.perf_counter() - started)
    with database.engine.begin() as connection:
        connection.execute(AuditEntry.__table__.delete().where(AuditEntry.seq >= 100_000))

    started = time.perf_counter()
    result = log.verify()
    verify_rate = _rate(result.rows, time.perf_counter() - started)
    assert result.ok
    started = time.perf_counter()
    with database.session() as session:
        count = len(list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq))))
    read_rate = _rate(count, time.perf_counter() - started)
    database.dispose()
    shutil.rmtree(folder, ignore_errors=True)

    key, packet = crypto.new_key(), os.urandom(2 * 1024 * 1024)
    repeats = 5 if quick else 20
    started = time.perf_counter()
    for _ in range(repeats):
        assert crypto.decrypt(crypto.encrypt(packet, key, b"v"), key, b"v") == packet
    aes = _rate(repeats * 2, time.perf_counter() - started)
    started = time.perf_counter()
    for _ in range(repeats):
        copied = bytes(bytearray(packet))
        assert bytes(bytearray(copied)) == packet
    copy = _rate(repeats * 2, time.perf_counter() - started)

    return [
        Figure("privacy", "audit_append", round(chained, 1), "rows/s", round(plain, 1), "plain INSERT"),
        Figure("privacy", "audit_verify", round(verify_rate), "rows/s", round(read_rate), "read without hashing"),
        Figure("privacy", "encrypt_decrypt_2MB", round(aes * 2, 1), "MB/s", round(copy * 2, 1), "plain copy"),
    ]
