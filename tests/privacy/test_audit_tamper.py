"""Someone with write access to the database (not to the key file or the anchor) rewrites the
audit chain the ways issue 13 tried; each must be caught, naming the first bad row and the kind.

The attacker's script uses the project's own functions (``row_hash``; ``row_mac`` with the key
when the attacker has stolen it) and rewrites the rows and the head, as a real one would.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from madoguchi.privacy import audit_keys
from madoguchi.privacy.audit import GENESIS_HASH, Action, AuditLog, row_hash, row_mac
from madoguchi.store.db import Database

Hasher = Callable[[int, datetime, str, str, str | None, str, str], tuple[str, str | None]]


def _fill(log: AuditLog, count: int = 8) -> None:
    for index in range(count):
        log.record("clerk", Action.FIELD_VIEWED, f"visit{index % 3}", {"field": "address", "n": index})


def _at(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _unkeyed(seq: int, at: datetime, actor: str, action: str, visit: str | None, detail: str,
             prev: str) -> tuple[str, str | None]:
    return row_hash(seq, at, actor, action, visit, detail, prev), None


def _with_stolen_key(log: AuditLog) -> Hasher:
    keys = audit_keys.read_keys(log.key_path)
    assert keys is not None
    key = keys.current

    def _mac(seq: int, at: datetime, actor: str, action: str, visit: str | None, detail: str,
             prev: str) -> tuple[str, str | None]:
        return row_mac(key.secret, key.key_id, seq, at, actor, action, visit, detail, prev), key.key_id
    return _mac


def _rechain(database: Database, hasher: Hasher, *, edit: Callable[[dict], dict] | None = None) -> None:
    """The attacker's script: optionally edit rows, renumber, recompute every hash and the head."""
    with database.engine.begin() as connection:
        rows = [dict(r._mapping) for r in connection.execute(text("SELECT * FROM audit_log ORDER BY seq"))]
        connection.execute(text("DELETE FROM audit_log"))
        prev = GENESIS_HASH
        edited = [e for e in ((edit(r) for r in rows) if edit else rows) if e is not None]
        for seq, row in enumerate(edited, 1):
            row = {**row, "seq": seq, "at": _at(row["at"]), "prev_hash": prev}
            row["hash"], row["key_id"] = hasher(seq, row["at"], row["actor"], row["action"], row["visit_id"],
                                                row["detail"], prev)
            connection.execute(text("INSERT INTO audit_log (seq, at, actor, action, visit_id, detail, prev_hash, "
                                    "hash, key_id) VALUES (:seq, :at, :actor, :action, :visit_id, :detail, "
                                    ":prev_hash, :hash, :key_id)"), row)
            prev = row["hash"]
        count = connection.execute(text("SELECT COUNT(*) FROM audit_log")).scalar()
        connection.execute(text("UPDATE audit_head SET seq = :s, last_hash = :h WHERE id = 1"),
                           {"s": count, "h": prev})


def _first(log: AuditLog) -> tuple[int, str]:
    result = log.verify()
    assert not result.ok
    assert result.first is not None
    return result.first.seq, result.first.problem


def _edit_row_5(row: dict) -> dict:
    return {**row, "actor": "someone"} if row["seq"] == 5 else row


def test_rewrite_of_the_whole_chain_with_the_projects_hash_is_caught(database: Database) -> None:
    log = AuditLog(database)
    _fill(log)
    _rechain(database, _unkeyed, edit=_edit_row_5)
    # every row is now "unkeyed": the first is row 1, and the anchor shows row 5 was rewritten
    assert _first(log) == (1, "unkeyed")
    assert (5, "rewritten") in {(b.seq, b.problem) for b in log.verify().breaks}


def test_rewrite_with_the_stolen_key_is_caught_by_the_anchor(database: Database) -> None:
    log = AuditLog(database)
    _fill(log)
    _rechain(database, _with_stolen_key(log), edit=_edit_row_5)
    assert _first(log) == (5, "rewritten")
    assert "#5" in log.verify().summary("en")


def test_deleting_and_renumbering_is_caught(database: Database) -> None:
    log = AuditLog(database)
    _fill(log)
    _rechain(database, _with_stolen_key(log), edit=lambda row: None if row["seq"] == 3 else row)
    first = _first(log)
    assert first == (3, "rewritten")
    assert (8, "wiped") in {(b.seq, b.problem) for b in log.verify().breaks}


def test_backdating_is_caught(database: Database) -> None:
    log = AuditLog(database)
    _fill(log)
    _rechain(database, _with_stolen_key(log),
             edit=lambda row: {**row, "at": _at(row["at"]) - timedelta(days=3)} if row["seq"] == 2 else row)
    assert _first(log) == (2, "rewritten")


def test_a_forged_admin_creation_appended_without_the_key_is_caught(database: Database) -> None:
    log = AuditLog(database)
    _fill(log, 4)
    with database.engine.begin() as connection:
        head = connection.execute(text("SELECT seq, last_hash FROM audit_head")).one()
        at = datetime.now().astimezone()
        detail = '{"login":"x","role":"admin"}'
        digest = row_hash(head.seq + 1, at, "admin", "user_created", None, detail, head.last_hash)
        connection.execute(text("INSERT INTO audit_log (seq, at, actor, action, visit_id, detail, prev_hash, hash) "
                                "VALUES (:s, :at, 'admin', 'user_created', NULL, :d, :p, :h)"),
                           {"s": head.seq + 1, "at": at, "d": detail, "p": head.last_hash, "h": digest})
        connection.execute(text("UPDATE audit_head SET seq = :s, last_hash = :h"), {"s": head.seq + 1, "h": digest})
    assert _first(log) == (5, "unkeyed")


def test_a_row_signed_with_a_guessed_key_is_caught(database: Database) -> None:
    log = AuditLog(database)
    _fill(log, 3)
    current = audit_keys.read_keys(log.key_path).current  # type: ignore[union-attr]

    def _guess(seq: int, at: datetime, actor: str, action: str, visit: str | None, detail: str,
               prev: str) -> tuple[str, str | None]:
        return row_mac(b"\0" * 32, current.key_id, seq, at, actor, action, visit, detail, prev), current.key_id
    _rechain(database, _guess)
    assert _first(log) == (1, "edited")


def test_wiping_every_row_is_caught(database: Database) -> None:
    log = AuditLog(database)
    _fill(log, 5)
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log"))
        connection.execute(text("UPDATE audit_head SET seq = 0, last_hash = :g"), {"g": GENESIS_HASH})
    assert _first(log) == (1, "wiped")


def test_a_missing_head_is_reported_and_the_next_record_restores_it(database: Database) -> None:
    log = AuditLog(database)
    _fill(log, 3)
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_head"))
    assert _first(log) == (4, "head_missing")
    seq = log.record("admin", Action.LOGIN)  # no NoResultFound: the head is rebuilt, and that is logged
    assert seq == 5
    actions = [r.action for r in log.entries()]
    assert actions[-2:] == [Action.AUDIT_HEAD_RESTORED, Action.LOGIN]
    assert log.verify().ok


def test_rows_from_before_the_key_still_verify(database: Database) -> None:
    """An installation upgraded from the unkeyed chain: old rows check with the old hash."""
    with database.engine.begin() as connection:
        prev = GENESIS_HASH
        for seq in (1, 2):
            at = datetime.now().astimezone()
            digest = row_hash(seq, at, "clerk", "login", None, "{}", prev)
            connection.execute(text("INSERT INTO audit_log (seq, at, actor, action, visit_id, detail, prev_hash, "
                                    "hash) VALUES (:s, :at, 'clerk', 'login', NULL, '{}', :p, :h)"),
                               {"s": seq, "at": at, "p": prev, "h": digest})
            prev = digest
        connection.execute(text("UPDATE audit_head SET seq = 2, last_hash = :h"), {"h": prev})
    log = AuditLog(database)
    log.record("clerk", Action.LOGOUT)
    assert audit_keys.read_keys(log.key_path).first_keyed_seq == 3  # type: ignore[union-attr]
    result = log.verify()
    assert result.ok, result.summary("en")


def test_key_rotation_keeps_old_rows_verifiable(database: Database) -> None:
    log = AuditLog(database)
    _fill(log, 3)
    old = audit_keys.read_keys(log.key_path).current.key_id  # type: ignore[union-attr]
    new = log.rotate_key("admin")
    assert new != old
    _fill(log, 2)
    assert log.verify().ok
    ids = {r[0] for r in database.engine.connect().execute(text("SELECT key_id FROM audit_log"))}
    assert ids == {old, new}


def test_key_and_anchor_files_are_private(database: Database) -> None:
    log = AuditLog(database)
    log.record("admin", Action.LOGIN)
    if sys.platform != "win32":
        assert log.key_path.stat().st_mode & 0o777 == 0o600
        assert log.key_path.parent.stat().st_mode & 0o777 == 0o700
        assert log.anchor_path.stat().st_mode & 0o777 == 0o600
        log.key_path.chmod(0o644)
        from madoguchi.errors import ConfigError

        with pytest.raises(ConfigError, match="chmod 600"):
            log.record("admin", Action.LOGOUT)


def test_audit_text_is_bounded_and_csv_safe(database: Database) -> None:
    log = AuditLog(database)
    log.record("=HYPERLINK(\"http://x\")\u202e\x07" + "a" * 200, Action.LOGIN_FAILED)
    log.record("@SUM(1)", Action.LOGIN_FAILED)
    actors = [r.actor for r in log.entries()]
    assert all(len(a) <= 64 and "\u202e" not in a and "\x07" not in a for a in actors)
    out = io.StringIO()
    log.export_csv(out)
    cells = [row[2] for row in csv.reader(io.StringIO(out.getvalue()))][1:]
    assert cells[0].startswith("'=HYPERLINK") and cells[1] == "'@SUM(1)"
    assert log.verify().ok


def test_cli_verify_names_the_first_bad_row(tmp_path, database_url: str, database: Database) -> None:
    log = AuditLog(database)
    _fill(log, 6)
    env = {"MADOGUCHI_DATABASE_URL": database_url}
    setup = _cli(["users", "create-admin", "--login", "boss"], env, "longpassword\nlongpassword\n")
    assert setup.returncode == 0, setup.stderr
    _rechain(database, _with_stolen_key(log), edit=_edit_row_5)
    done = _cli(["--lang", "en", "audit", "verify", "--user", "boss"], env, "longpassword\n")
    assert done.returncode == 1
    assert "first bad row: #5 (rewritten)" in done.stdout


def _cli(args: list[str], env: dict[str, str], stdin: str) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([sys.executable, "-m", "madoguchi", *args], input=stdin, capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120, check=False)


def test_cli_rotates_the_key(database_url: str, database: Database) -> None:
    env = {"MADOGUCHI_DATABASE_URL": database_url}
    assert _cli(["users", "create-admin", "--login", "boss"], env, "longpassword\nlongpassword\n").returncode == 0
    log = AuditLog(database)
    before = audit_keys.read_keys(log.key_path).current.key_id  # type: ignore[union-attr]
    done = _cli(["audit", "rotate-key", "--user", "boss"], env, "longpassword\n")
    assert done.returncode == 0, done.stderr
    after = audit_keys.read_keys(log.key_path).current.key_id  # type: ignore[union-attr]
    assert after != before and after in done.stdout
    assert log.verify().ok
