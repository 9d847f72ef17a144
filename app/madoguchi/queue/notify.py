"""Being told that the queue changed: :class:`QueueWatcher` (Qt-free, one background thread).

- **PostgreSQL**: every committed queue change sends ``NOTIFY madoguchi_queue`` with
  ``{"branch", "event", "kind"}``; the watcher ``LISTEN`` s on its own psycopg connection, so
  a display hears of a call within milliseconds of the commit.
- **SQLite** (one PC, no server): the watcher polls the newest event id every
  ``poll_interval`` seconds (0.5 s by default).
- **Offline**: if the database goes away the watcher reports ``on_status(False, error)`` (a
  :class:`~madoguchi.errors.DatabaseUnavailable`), retries every ``reconnect_interval``
  seconds, and once back reports ``on_status(True, None)`` followed by a ``resync`` change —
  a view then reloads its :meth:`TicketQueue.snapshot`, since notifications sent while it
  was away are lost.

Use a callback (called on the watcher's thread: a Qt adapter re-emits it as a queued
signal) or, without one, iterate :meth:`QueueWatcher.changes`::

    with QueueWatcher(database, branch_id="honcho") as watcher:
        for change in watcher.changes(timeout=5):
            refresh()
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import func, select

from madoguchi.errors import DatabaseUnavailable, MadoguchiError
from madoguchi.queue import tables as t
from madoguchi.queue.service import NOTIFY_CHANNEL
from madoguchi.store.db import Database, unavailable_error

log = logging.getLogger(__name__)

RESYNC = "resync"


@dataclass(frozen=True)
class QueueChange:
    """Something changed. ``kind`` is an :class:`~madoguchi.queue.model.EventKind` value,
    ``"changed"`` (SQLite polling: one or more events) or ``"resync"`` (reload everything)."""

    kind: str
    branch_id: str | None = None
    event_id: int | None = None


class QueueWatcher:
    def __init__(self, database: Database, *, branch_id: str | None = None,
                 on_change: Callable[[QueueChange], None] | None = None,
                 on_status: Callable[[bool, MadoguchiError | None], None] | None = None,
                 poll_interval: float = 0.5, reconnect_interval: float = 1.0, heartbeat: float = 5.0) -> None:
        self.database = database
        self.branch_id = branch_id
        self.on_change = on_change
        self.on_status = on_status
        self.poll_interval = poll_interval
        self.reconnect_interval = reconnect_interval
        self.heartbeat = heartbeat
        self.online: bool | None = None
        self.error: MadoguchiError | None = None
        self._changes: queue.Queue[QueueChange] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- life -----------------------------------------------------------------------------

    def start(self) -> QueueWatcher:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="madoguchi-queue-watcher", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def __enter__(self) -> QueueWatcher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def changes(self, timeout: float | None = None) -> Iterator[QueueChange]:
        """Yield changes as they come (only without ``on_change``); ends after ``timeout`` s of quiet."""
        while not self._stop.is_set():
            try:
                yield self._changes.get(timeout=timeout)
            except queue.Empty:
                return

    def wait_online(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.online:
                return True
            time.sleep(0.02)
        return bool(self.online)

    # -- delivery -------------------------------------------------------------------------

    def _emit(self, change: QueueChange) -> None:
        if self.branch_id is not None and change.branch_id not in (None, self.branch_id):
            return
        if self.on_change is None:
            self._changes.put(change)
            return
        try:
            self.on_change(change)
        except Exception:  # noqa: BLE001 - a broken listener must not stop the watcher
            log.exception("queue change listener failed")

    def _set_status(self, online: bool, error: MadoguchiError | None) -> None:
        if online == self.online:
            return
        self.online, self.error = online, error
        log.info("queue watcher %s", "online" if online else f"offline ({error.__class__.__name__})")
        if self.on_status is not None:
            try:
                self.on_status(online, error)
            except Exception:  # noqa: BLE001
                log.exception("queue status listener failed")
        if online:
            self._emit(QueueChange(RESYNC, None, None))

    def _run(self) -> None:
        runner = self._listen if self.database.is_postgresql else self._poll
        while not self._stop.is_set():
            try:
                runner()
            except DatabaseUnavailable as error:
                self._set_status(False, error)
            except Exception as exc:  # noqa: BLE001 - psycopg/SQLAlchemy errors: the database is away
                self._set_status(False, unavailable_error(self.database.url, exc))
            self._stop.wait(self.reconnect_interval)

    # -- PostgreSQL ------------------------------------------------------------------------

    def _conninfo(self) -> str:
        return self.database.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)

    def _listen(self) -> None:
        import psycopg

        with psycopg.connect(self._conninfo(), autocommit=True, connect_timeout=3) as connection:
            connection.execute(f"LISTEN {NOTIFY_CHANNEL}")
            self._set_status(True, None)
            last_beat = time.monotonic()
            while not self._stop.is_set():
                for notify in connection.notifies(timeout=0.25):
                    self._emit(_parse(notify.payload))
                if time.monotonic() - last_beat > self.heartbeat:
                    # a cut cable sends nothing: ask, so a dead link shows within seconds
                    connection.execute("SELECT 1")
                    last_beat = time.monotonic()

    # -- SQLite ----------------------------------------------------------------------------

    def _latest(self) -> tuple[int, int]:
        query = select(func.coalesce(func.max(t.QueueEventRow.id), 0), func.count(t.QueueEventRow.id))
        if self.branch_id is not None:
            query = query.where(t.QueueEventRow.branch_id == self.branch_id)
        with self.database.session() as session:
            latest, count = session.execute(query).one()
        return int(latest), int(count)

    def _poll(self) -> None:
        seen = self._latest()
        self._set_status(True, None)
        while not self._stop.wait(self.poll_interval):
            latest = self._latest()
            if latest != seen:
                seen = latest
                self._emit(QueueChange("changed", self.branch_id, latest[0]))


def _parse(payload: str) -> QueueChange:
    try:
        data = json.loads(payload)
        return QueueChange(str(data.get("kind", "changed")), data.get("branch"), data.get("event"))
    except (ValueError, AttributeError):
        return QueueChange("changed")


class SnapshotFeed:
    """A fresh :class:`~madoguchi.queue.kpi.QueueSnapshot` for a display, kept up to date off the UI thread.

    Reloads the snapshot after every change (changes within ``min_interval`` seconds are
    coalesced into one reload), after a reconnect, and every ``refresh`` seconds anyway
    (waits grow with time even when nothing happens). ``on_snapshot(snapshot)`` and
    ``on_status(online, error)`` are called on the feed's threads; while offline the last
    snapshot stays in :attr:`latest` — show it with the オフライン banner.
    """

    def __init__(self, queue, on_snapshot: Callable[[object], None],  # noqa: ANN001 - service.TicketQueue
                 on_status: Callable[[bool, MadoguchiError | None], None] | None = None, *,
                 min_interval: float = 0.15, refresh: float = 30.0, poll_interval: float = 0.5,
                 reconnect_interval: float = 1.0) -> None:
        self.queue = queue
        self.on_snapshot = on_snapshot
        self.on_status = on_status
        self.min_interval = min_interval
        self.refresh = refresh
        self.latest = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.watcher = QueueWatcher(queue.database, branch_id=queue.branch_id, on_change=self._on_change,
                                    on_status=self._on_watch_status, poll_interval=poll_interval,
                                    reconnect_interval=reconnect_interval)

    def start(self) -> SnapshotFeed:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="madoguchi-snapshot-feed", daemon=True)
        self._thread.start()
        self.watcher.start()
        self._wake.set()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self.watcher.stop(timeout)
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def __enter__(self) -> SnapshotFeed:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _on_change(self, _change: QueueChange) -> None:
        self._wake.set()

    def _on_watch_status(self, online: bool, error: MadoguchiError | None) -> None:
        if self.on_status is not None:
            self.on_status(online, error)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.refresh)
            if self._stop.is_set():
                return
            self._stop.wait(self.min_interval)  # let a burst of changes (served + called) settle
            self._wake.clear()
            try:
                snapshot = self.queue.snapshot()
            except MadoguchiError as error:
                log.info("snapshot feed: %s", error.__class__.__name__)
                continue  # the watcher reports offline and wakes us on its return
            self.latest = snapshot
            try:
                self.on_snapshot(snapshot)
            except Exception:  # noqa: BLE001
                log.exception("snapshot listener failed")
