"""Qt meets the queue here, and only here (napari's adapter habit).

:class:`QueueLink` wraps the core's :class:`~madoguchi.queue.notify.QueueWatcher` (its own
thread: LISTEN/NOTIFY on PostgreSQL, polling on SQLite) and turns its plain callbacks into
Qt signals delivered on the UI thread. On every change it reloads what its view needs — by
default :meth:`TicketQueue.snapshot`, or any ``load(queue)`` function — off the UI thread,
one load at a time, coalescing bursts, and emits ``loaded``. When the database goes away it
emits ``online_changed(False, message)`` and keeps the last result; when it returns the
watcher's ``resync`` reloads everything (notifications sent meanwhile are lost).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import suppress
from functools import partial
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal

from madoguchi.errors import DatabaseUnavailable, MadoguchiError
from madoguchi.ui.context import AppContext
from madoguchi.ui.workers import run_in_background

log = logging.getLogger(__name__)


def wait_text(estimate: Any, *, language: str = "ja") -> str:
    """``約 12分（8〜16分）``; ``—`` when no open counter takes the service."""
    if estimate is None or estimate.minutes is None:
        return "—"
    minutes = round(estimate.minutes)
    low, high = round(estimate.low or 0), round(estimate.high or 0)
    if language == "ja":
        if high <= 1:
            return "すぐ"
        return f"約 {minutes}分（{low}〜{high}分）"
    if high <= 1:
        return "now"
    return f"about {minutes} min ({low}–{high})"


class QueueLink(QObject):
    """One view's live connection to a branch's queue.

    Signals: ``loaded(result)`` after each successful load; ``online_changed(bool, str)``
    (message in the UI language); ``changed(QueueChange)`` for each notification.
    """

    loaded = Signal(object)
    online_changed = Signal(bool, str)
    changed = Signal(object)
    #: the watcher thread's callbacks, re-emitted so Qt queues them onto the UI thread
    _watcher_changed = Signal(object)
    _watcher_status = Signal(bool, object)

    def __init__(self, context: AppContext, load: Callable[[Any], Any] | None = None, *,
                 refresh_ms: int = 15000, retry_ms: int = 2000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._load = load or (lambda queue: queue.snapshot())
        self.queue: Any = None  # TicketQueue, once the database is there
        self.watcher: Any = None
        self.branch_id = context.settings.branch_id
        self.online: bool | None = None
        self.last_result: Any = None
        self.last_loaded_at: float | None = None
        self._loading = False
        self._again = False
        self._stopped = False
        self.clock: Callable[[], Any] | None = None  # tests: the queue's clock
        self._watcher_changed.connect(self._on_watcher_changed, Qt.ConnectionType.QueuedConnection)
        self._watcher_status.connect(self._on_watcher_status, Qt.ConnectionType.QueuedConnection)
        # waits grow without events: reload now and then; retry faster while offline
        self._refresh = QTimer(self)
        self._refresh.setInterval(refresh_ms)
        self._refresh.timeout.connect(self.refresh)
        self._retry = QTimer(self)
        self._retry.setInterval(retry_ms)
        self._retry.timeout.connect(self.refresh)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)
        context.database_ready.connect(self._on_database_ready)
        context.database_failed.connect(self._on_database_failed)
        if context.database is not None:
            QTimer.singleShot(0, lambda: self._on_database_ready(context.database))
        elif context.database_error is not None:
            QTimer.singleShot(0, lambda: self._on_database_failed(context.database_error))

    # -- life -----------------------------------------------------------------------------
    def _on_database_ready(self, database: Any) -> None:
        if self._stopped or (self.queue is not None and self.queue.database is database):
            return
        self._start(database, self.branch_id)

    def _on_database_failed(self, error: MadoguchiError) -> None:
        self._set_online(False, error)

    def _start(self, database: Any, branch_id: str) -> None:
        from madoguchi.queue.notify import QueueWatcher
        from madoguchi.queue.service import TicketQueue

        self._stop_watcher()
        self.branch_id = branch_id
        kwargs = {"clock": self.clock} if self.clock is not None else {}
        self.queue = TicketQueue(database, branch_id, terminal=f"{self.context.settings.branch_id}"
                                 f"-{self.context.settings.counter_number}", **kwargs)
        self.watcher = QueueWatcher(database, branch_id=branch_id, on_change=self._deliver_change,
                                    on_status=self._deliver_status)
        self.watcher.start()
        # the view (and this link with it) may be deleted without stop(): the thread must end too
        self.destroyed.connect(partial(_stop_soon, self.watcher))
        self._refresh.start()
        self.refresh()

    def set_branch(self, branch_id: str) -> None:
        """Follow another branch (the supervisor's selector)."""
        if branch_id == self.branch_id and self.queue is not None:
            return
        self.last_result = None
        if self.queue is not None:
            self._start(self.queue.database, branch_id)
        else:
            self.branch_id = branch_id

    def stop(self) -> None:
        """Stop the watcher thread and timers (the view is closing)."""
        self._stopped = True
        self._refresh.stop()
        self._retry.stop()
        self._stop_watcher()

    def _stop_watcher(self) -> None:
        if self.watcher is not None:
            watcher, self.watcher = self.watcher, None
            # never join on the UI thread (a connect to a lost server can take seconds): the
            # thread ends by itself, and says nothing more to us meanwhile
            _stop_soon(watcher)

    # -- loading --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload now (coalesced: one load at a time, one more if asked meanwhile)."""
        if self.queue is None or self._stopped:
            return
        if self._loading:
            self._again = True
            return
        self._loading, self._again = True, False
        queue, branch = self.queue, self.branch_id
        run_in_background(self._load, queue, on_done=lambda result: self._on_loaded(result, branch),
                          on_error=self._on_load_failed)

    def _on_loaded(self, result: Any, branch: str) -> None:
        self._loading = False
        if self._stopped:
            return
        if branch == self.branch_id:
            self.last_result = result
            self.last_loaded_at = time.monotonic()
            # a load that works proves the database is back, whatever the watcher thinks yet
            if self.watcher is None or self.watcher.online is not False:
                self._set_online(True, None)
            self.loaded.emit(result)
        if self._again:
            self.refresh()

    def _on_load_failed(self, error: BaseException) -> None:
        self._loading = False
        if self._stopped:
            return
        if isinstance(error, DatabaseUnavailable):
            self._set_online(False, error)
        elif isinstance(error, MadoguchiError):
            log.warning("queue load failed: %s", error.message_en)
        else:
            # psycopg/SQLAlchemy errors that the session did not map: treat as the database being away
            log.warning("queue load failed: %s", error.__class__.__name__)
            self._set_online(False, None)
        if self._again:
            self.refresh()

    # -- watcher --------------------------------------------------------------------------
    def _deliver_change(self, change: Any) -> None:
        """On the watcher's thread: hand over to the UI thread (a queued signal)."""
        if not self._stopped:
            with suppress(RuntimeError):  # the link was deleted meanwhile
                self._watcher_changed.emit(change)

    def _deliver_status(self, online: bool, error: Any) -> None:
        if not self._stopped:
            with suppress(RuntimeError):
                self._watcher_status.emit(online, error)

    def _on_watcher_changed(self, change: Any) -> None:
        if self._stopped:
            return
        self.changed.emit(change)
        self.refresh()

    def _on_watcher_status(self, online: bool, error: Any) -> None:
        if self._stopped:
            return
        if online:
            self.refresh()  # the resync load decides; it sets online when it works
        else:
            self._set_online(False, error)

    def _set_online(self, online: bool, error: MadoguchiError | None) -> None:
        if online:
            self._retry.stop()
        elif not self._retry.isActive() and not self._stopped:
            self._retry.start()
        if online == self.online:
            return
        self.online = online
        message = "" if error is None else error.message(self.context.language)
        self.online_changed.emit(online, message)


def _stop_soon(watcher: Any) -> None:
    watcher.on_change = watcher.on_status = None
    watcher.stop(timeout=0)
