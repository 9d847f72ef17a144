"""Change notification: LISTEN/NOTIFY on PostgreSQL, polling on SQLite; offline and back."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from madoguchi.errors import DatabaseUnavailable
from madoguchi.queue.notify import RESYNC, QueueChange, QueueWatcher
from madoguchi.queue.service import TicketQueue
from madoguchi.queue.tables import QueueEventRow
from madoguchi.seed import seed_defaults
from madoguchi.store.db import open_database
from tests.support.postgres import find_pg_bin, start_server
from tests.support.requirements import missing


class Recorder:
    def __init__(self) -> None:
        self.changes: list[tuple[float, QueueChange]] = []
        self.statuses: list[bool] = []
        self.event = threading.Event()

    def on_change(self, change: QueueChange) -> None:
        self.changes.append((time.monotonic(), change))
        self.event.set()

    def on_status(self, online: bool, _error: object) -> None:
        self.statuses.append(online)

    def wait_for(self, predicate, timeout: float) -> bool:  # noqa: ANN001
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.02)
        return predicate()


def _latest_event_id(database) -> int:  # noqa: ANN001
    with database.session() as session:
        return int(session.execute(select(func.max(QueueEventRow.id))).scalar_one() or 0)


def _seen_up_to(recorder: Recorder) -> int:
    """The newest queue event a notification has told of (0 for a resync, which names none)."""
    return max((c.event_id or 0 for _, c in recorder.changes), default=0)


def test_a_call_reaches_a_watcher(database) -> None:  # noqa: ANN001
    seed_defaults(database, counters=2)
    queue = TicketQueue(database, "honcho")
    recorder = Recorder()
    with QueueWatcher(database, branch_id="honcho", on_change=recorder.on_change, on_status=recorder.on_status,
                      poll_interval=0.25) as watcher:
        assert watcher.wait_online(10)
        assert recorder.wait_for(lambda: any(c.kind == RESYNC for _, c in recorder.changes), 5)
        queue.issue("A", confirm=True)
        issued_up_to = _latest_event_id(database)
        # the issue's own notifications arrive first (no fixed sleep: a late one must not pass for the call's)
        assert recorder.wait_for(lambda: _seen_up_to(recorder) >= issued_up_to, 10.0)
        # how fast: benchmarks/bench_queue_notify.py (target 1 s); here only that it arrives
        queue.call_next(1)
        assert recorder.wait_for(lambda: _seen_up_to(recorder) > issued_up_to, 10.0), \
            "the call never reached the watcher"
        if database.is_postgresql:
            kinds = [c.kind for _, c in recorder.changes]
            assert recorder.wait_for(lambda: "called" in [c.kind for _, c in recorder.changes], 10.0), kinds


def test_iterator_api_and_branch_filter(database) -> None:  # noqa: ANN001
    seed_defaults(database, counters=1)
    seed_defaults(database, branch_id="kita", branch_name="北出張所", counters=1)
    with QueueWatcher(database, branch_id="kita", poll_interval=0.2) as watcher:
        assert watcher.wait_online(10)
        first = next(watcher.changes(timeout=5))
        assert first.kind == RESYNC
        TicketQueue(database, "honcho").issue("A", confirm=True)
        TicketQueue(database, "kita").issue("A", confirm=True)
        seen = list(watcher.changes(timeout=1.5))
    assert seen and all(c.branch_id == "kita" for c in seen)


@pytest.mark.slow
@pytest.mark.postgres
def test_database_gone_and_back(tmp_path) -> None:  # noqa: ANN001
    """A dedicated server (the session's one is shared): stop it, write, restart it."""
    if find_pg_bin() is None:
        missing("PostgreSQL server (Debian package postgresql)")
    server = start_server()
    try:
        database = open_database(server.create_database())
        seed_defaults(database, counters=2)
        queue = TicketQueue(database, "honcho")
        queue.issue("A", confirm=True)
        recorder = Recorder()
        with QueueWatcher(database, on_change=recorder.on_change, on_status=recorder.on_status,
                          reconnect_interval=0.3, heartbeat=1.0) as watcher:
            assert watcher.wait_online(10)
            server.stop("fast")
            assert recorder.wait_for(lambda: recorder.statuses[-1:] == [False], 10), recorder.statuses
            with pytest.raises(DatabaseUnavailable) as info:
                queue.issue("A", confirm=True)
            assert "データベース" in info.value.message_ja
            server.restart()
            assert recorder.wait_for(lambda: recorder.statuses[-1:] == [True], 15), recorder.statuses
            assert recorder.wait_for(lambda: any(c.kind == RESYNC for _, c in recorder.changes[1:]), 5)
            # nothing half-committed: the failed issue left no number behind
            assert queue.issue("A", confirm=True).label == "A-002"
            assert queue.snapshot().service("A").waiting == 2
            assert queue.verify_projection() == []
            recorder.changes.clear()
            queue.call_next(1)
            assert recorder.wait_for(lambda: recorder.changes, 1.0)
        database.dispose()
    finally:
        server.stop("immediate")


def test_snapshot_feed_delivers_a_fresh_snapshot_after_a_call(database) -> None:  # noqa: ANN001
    from madoguchi.queue.notify import SnapshotFeed

    seed_defaults(database, counters=2)
    queue = TicketQueue(database, "honcho")
    queue.issue("A", confirm=True)
    snapshots: list = []
    with SnapshotFeed(queue, snapshots.append, poll_interval=0.2) as feed:
        recorder = Recorder()
        assert recorder.wait_for(lambda: snapshots, 5)
        assert snapshots[-1].service("A").waiting == 1 and not snapshots[-1].calls
        queue.call_next(1)
        assert recorder.wait_for(lambda: snapshots[-1].calls, 10.0)
        assert feed.latest.calls[0].label == "A-001" and feed.latest.calls[0].counter_number == 1
