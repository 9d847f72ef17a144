"""Running long work (OCR, camera, printing, database waits) off the UI thread.

The one way to do it: ``run_in_background(fn, *args, on_done=..., on_error=...)`` runs
``fn`` on the global QThreadPool and delivers its result or exception back on the UI
thread through queued signals. Keep a reference to nothing: the task lives until it ends.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

_live: set[_Task] = set()


class _TaskSignals(QObject):
    finished = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.signals = _TaskSignals()

    def run(self) -> None:
        try:
            result = self.fn(*self.args, **self.kwargs)
        except BaseException as exc:  # noqa: BLE001 - delivered to the UI thread, which decides
            log.debug("background task failed: %s", "".join(traceback.format_exception_only(exc)).strip())
            self._deliver(self.signals.failed, exc)
        else:
            self._deliver(self.signals.finished, result)

    def _deliver(self, signal, value: object) -> None:  # noqa: ANN001 - a bound Signal
        try:
            signal.emit(value)
        except RuntimeError:
            # the application is shutting down and took the signals object with it: nobody is listening
            log.debug("background result dropped at shutdown")


def _owner_of(callback: Callable[..., Any] | None) -> QObject | None:
    owner = getattr(callback, "__self__", None)
    return owner if isinstance(owner, QObject) else None


def _alive(owners: list[QObject]) -> bool:
    return all(shiboken6.isValid(owner) for owner in owners)


def run_in_background(fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
                      on_error: Callable[[BaseException], None] | None = None,
                      pool: QThreadPool | None = None, owner: QObject | None = None, **kwargs: Any) -> _Task:
    """Run ``fn(*args, **kwargs)`` on a pool thread; call back on the UI thread.

    The callbacks are dropped when their widget is gone by then: ``owner``, or the QObject
    a bound-method callback belongs to (a view closed while its query was running).
    """
    task = _Task(fn, args, kwargs)
    _live.add(task)
    owners = [o for o in (owner, _owner_of(on_done), _owner_of(on_error)) if o is not None]

    def _done(result: object) -> None:
        _live.discard(task)
        if on_done is not None and _alive(owners):
            on_done(result)

    def _failed(exc: object) -> None:
        _live.discard(task)
        if not _alive(owners):
            log.debug("background result dropped: its view is gone")
        elif on_error is not None:
            on_error(exc)  # type: ignore[arg-type]
        else:
            log.error("unhandled background error: %s", exc.__class__.__name__)

    task.signals.finished.connect(_done)
    task.signals.failed.connect(_failed)
    if pool is not None and pool not in _pools:
        _pools.append(pool)
    (pool or QThreadPool.globalInstance()).start(task)
    return task


#: the views' own pools (a reader's dedicated thread …), so that shutdown waits for them too
_pools: list[QThreadPool] = []


def wait_for_background(timeout_ms: int = 30000) -> bool:
    """Wait until every background task ended, on the global pool and the views' own (tests, shutdown)."""
    done = QThreadPool.globalInstance().waitForDone(timeout_ms)
    for pool in list(_pools):
        if shiboken6.isValid(pool):
            done = pool.waitForDone(timeout_ms) and done
        else:
            _pools.remove(pool)
    return done
