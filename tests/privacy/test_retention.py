"""Retention: what expires when, the purge, and that a purged visit leaves no trace."""

from __future__ import annotations

import logging
import random
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from madoguchi import paths
from madoguchi.config import Settings
from madoguchi.mynumber import make_valid
from madoguchi.privacy import retention
from madoguchi.privacy.audit import Action, AuditLog
from madoguchi.privacy.crypto import new_key
from madoguchi.privacy.drafts import DraftStore
from madoguchi.store.db import Database
from madoguchi.visit import Resident, Visit


def _local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute).astimezone()


def test_end_of_day_expires_at_the_purge_time() -> None:
    settings = Settings(retention="end_of_day", purge_time="18:00")
    assert retention.expires_at(_local(2026, 4, 1, 10), settings) == _local(2026, 4, 1, 18)
    # touched after the day's purge: gone by the next start (midnight)
    assert retention.expires_at(_local(2026, 4, 1, 19), settings) == _local(2026, 4, 2, 0)


def test_hours_hold() -> None:
    settings = Settings(retention="3")
    assert retention.expires_at(_local(2026, 4, 1, 10), settings) == _local(2026, 4, 1, 13)
    assert retention.cutoff(settings, _local(2026, 4, 1, 13)) == _local(2026, 4, 1, 10)


def test_schedule_arms_for_the_purge_time() -> None:
    settings = Settings(retention="end_of_day", purge_time="18:00")
    schedule = retention.PurgeSchedule(settings)
    assert schedule.next_run(_local(2026, 4, 1, 9)) == _local(2026, 4, 1, 18)
    assert schedule.next_run(_local(2026, 4, 1, 18, 30)) == _local(2026, 4, 2, 0)
    assert schedule.seconds_until_next(_local(2026, 4, 1, 17, 59)) in (60, 61)
    hourly = retention.PurgeSchedule(replace(settings, retention="2"))
    assert hourly.next_run(_local(2026, 4, 1, 9)) == _local(2026, 4, 1, 9, 15)


def test_purge_respects_hold_state_and_open_visits(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts", new_key())
    for visit_id in ("unfinished", "printed", "done", "on_screen"):
        store.save(visit_id, b"x")
    store.mark("printed", "printed")
    store.mark("done", "done")
    settings = Settings(retention="4")
    now = datetime.now(UTC)
    report = retention.purge(None, settings, now + timedelta(hours=1), store=store, keep=["on_screen"])
    assert report.drafts_deleted == 1 and {d.visit_id for d in store.list_all()} == {"unfinished", "printed",
                                                                                      "on_screen"}
    report = retention.purge(None, settings, now + timedelta(hours=5), store=store, keep=["on_screen"])
    assert report.drafts_deleted == 2 and report.kept_open == 1
    assert [d.visit_id for d in store.list_all()] == ["on_screen"]
    assert retention.purge(None, settings, now, store=store, everything=True).drafts_deleted == 1


def test_registered_purgers_get_the_cutoff(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[datetime] = []
    monkeypatch.setitem(retention.PURGERS, "test_rows", lambda db, cut: seen.append(cut) or 7)
    settings = Settings(retention="2")
    now = datetime(2026, 4, 1, 12, tzinfo=UTC)
    report = retention.purge_and_audit(database, settings, "system", now=now, store=DraftStore(None, b""))
    assert seen == [now - timedelta(hours=2)] and report.rows_deleted == {"test_rows": 7}
    entry = AuditLog(database).entries()[-1]
    assert entry.action == "purge" and entry.detail["rows"] == 7


def _synthetic_resident(seed: int) -> Resident:
    rng = random.Random(seed)
    family = "".join(rng.choice("試験検査模擬仮想") for _ in range(2)) + "野"
    given = "".join(rng.choice("花太郎子美") for _ in range(2)) + "衛門"
    number = make_valid("".join(rng.choice("0123456789") for _ in range(11)))
    return Resident(family_name=family, given_name=given, birth_date="1988-07-14", address="東京都架空区試験町1-2-3",
                    individual_number=number)


def _traces(needles: list[bytes], roots: list[Path]) -> list[str]:
    found = []
    for root in roots:
        if not root.exists():
            continue
        files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
        for path in files:
            try:
                data = path.read_bytes()
            except OSError:
                continue
            found += [f"{path}: {needle!r}" for needle in needles if needle in data]
    return found


@pytest.mark.slow
def test_a_purged_visit_leaves_no_trace(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A whole visit with logging at debug level, then the purge: the resident's name and
    number are nowhere in the data, cache, temp and log folders nor in the database file."""
    from madoguchi import logs
    from madoguchi.store.db import open_database

    monkeypatch.setattr(logs, "_configured", False)
    logger = logging.getLogger("madoguchi")
    monkeypatch.setattr(logger, "handlers", [])
    logs.setup_logging(verbose=True)

    resident = _synthetic_resident(2026)
    visit = Visit(resident=resident)
    settings = Settings(database_url=sqlite_url, key_store="file")
    database = open_database(sqlite_url)
    from madoguchi.privacy.keys import load_key

    store = DraftStore(database, load_key(settings))
    audit = AuditLog(database)
    payload = Resident.from_json_text(__import__("json").dumps(resident.to_json())).to_json()
    store.save(visit.id, __import__("json").dumps(payload, ensure_ascii=False).encode())
    audit.record("clerk", Action.CARD_READ, visit.id, {"source": "ocr", "fields": 5})
    audit.record("clerk", Action.NUMBER_REVEALED, visit.id, {"number": resident.individual_number})
    store.save_packet(visit.id, "juminhyo", f"%PDF fake {resident.full_name}".encode())
    spool = retention.temporary_path(".pdf")  # e.g. a print spool file in plain text
    spool.write_text(f"{resident.full_name} {resident.individual_number}", encoding="utf-8")
    sys_temp = Path(tempfile.mkdtemp(prefix=retention.TEMP_PREFIX, dir=retention.system_temp_dir()))
    (sys_temp / "preview.txt").write_text(resident.full_name, encoding="utf-8")
    # a careless log line: the filter must mask the number (names are never logged by our code)
    logging.getLogger("madoguchi.test").warning("number typed: %s", resident.individual_number)
    store.mark(visit.id, "printed")
    audit.record("clerk", Action.PRINT, visit.id, {"form": "juminhyo"})

    needles = [resident.individual_number.encode(), resident.family_name.encode(), resident.given_name.encode(),
               resident.family_name.encode("utf-16-le"), resident.individual_number.encode("utf-16-le"),
               resident.address.encode()]
    roots = [paths.data_dir(), paths.cache_dir(), paths.log_dir(), Path(sqlite_url.removeprefix("sqlite:///"))]
    assert _traces(needles, [retention.temp_dir()]), "the test must be able to fail"

    report = retention.purge_and_audit(database, settings, "system", now=datetime.now(UTC) + timedelta(days=1))
    assert report.drafts_deleted == 1 and report.temp_files_deleted >= 2
    database.dispose()
    for handler in logger.handlers:
        handler.flush()
    assert not sys_temp.exists()
    assert _traces(needles, [*roots, *retention.system_temp_entries()]) == []
    assert list(paths.log_dir().glob("*.log")), "the log was written"
    assert AuditLog(open_database(sqlite_url)).verify().ok
