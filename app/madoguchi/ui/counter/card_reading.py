"""Card images and their reading: the scanner's folder watched, a file or a camera frame read on
the reader's own thread, one at a time.

The folder's change notification wakes the check at once; a slow poll is the fallback (network
folders send no notifications). The poll pauses while a card is being read: each tick would make
the OCR thread yield the GIL. The reader starts (and warms up) on the same thread, so it never
holds up the shared pool (the database opening at start, printing).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QThreadPool, QTimer, Signal

from madoguchi.counter.service import VisitService
from madoguchi.errors import MadoguchiError
from madoguchi.ids.capture import HotFolderWatcher
from madoguchi.ids.model import IdReading
from madoguchi.ui.workers import run_in_background

log = logging.getLogger(__name__)

POLL_MS = 250
SETTLE_S = 0.15  # a scanner's file counts as written once unchanged this long (and openable)


class ScannerFolderWatch(QObject):
    image_ready = Signal(object)  # Path of the newest settled image
    failed = Signal(object)  # MadoguchiError

    def __init__(self, accepting: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._accepting = accepting
        self.watcher: HotFolderWatcher | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._on_polled)
        self._events = QFileSystemWatcher(self)
        self._events.directoryChanged.connect(self._on_folder_changed)
        self._paused = False

    def watch(self, folder: str) -> None:
        """Watch ``folder`` ('' = none); MadoguchiError when it cannot be watched."""
        self.watcher = None
        self._timer.stop()
        if self._events.directories():
            self._events.removePaths(self._events.directories())
        if folder:
            self.watcher = HotFolderWatcher(folder, settle_seconds=SETTLE_S)
            self._events.addPath(folder)
            self._timer.start()

    def pause(self) -> None:
        self._paused = True
        self._timer.stop()

    def skip_waiting(self) -> None:
        if self.watcher is not None:
            self.watcher.skip_waiting()

    def resume(self) -> None:
        self._paused = False
        if self.watcher is not None:
            self._timer.start()

    def _on_folder_changed(self, _path: str) -> None:
        """A file appeared or grew: look now, and again once it can have settled."""
        self._on_polled()
        QTimer.singleShot(int(SETTLE_S * 1000) + 20, self._on_polled)

    def _on_polled(self) -> None:
        if self.watcher is None or self._paused or not self._accepting():
            return
        try:
            ready: list[Path] = self.watcher.poll()
        except MadoguchiError as error:
            self.failed.emit(error)
            return
        if ready:
            self.image_ready.emit(ready[-1])


class CardReading(QObject):
    """Reads card images through the service, one at a time; the scanner folder's images first say
    ``scanned`` (the view may start a visit), then are read like any other."""

    scanned = Signal(object)  # Path, about to be read
    busy = Signal()
    read = Signal(object)  # IdReading
    failed = Signal(object)  # BaseException

    def __init__(self, service: VisitService, accepting: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.reader_error: MadoguchiError | None = None
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.scanner = ScannerFolderWatch(accepting, self)
        self.scanner.image_ready.connect(self._on_scanned)
        self.scanner.failed.connect(self.failed)

    def start(self) -> None:
        run_in_background(self.service.start_reader, on_done=lambda _reader: None, on_error=self._on_reader_failed,
                          pool=self.pool, owner=self)

    def _on_reader_failed(self, error: BaseException) -> None:
        self.reader_error = error if isinstance(error, MadoguchiError) else None
        log.warning("ID reader unavailable: %s", error.__class__.__name__)

    def _on_scanned(self, path: Path) -> None:
        self.scanned.emit(path)
        self.read_image(path, "scanner")

    def read_image(self, image: object, source: str) -> None:
        if self.service.reader is None:
            self.failed.emit(self.reader_error or MadoguchiError(
                "読取の準備中です。数秒後にもう一度試してください。", "the reader is still starting; try again in a few seconds."))
            return
        self.scanner.pause()
        self.busy.emit()
        run_in_background(self.service.read, image, source, on_done=self._on_read, on_error=self._on_failed,
                          pool=self.pool)

    def _on_read(self, reading: IdReading) -> None:
        # the card is read: a scan of it that came in meanwhile must not start a second visit
        self.scanner.skip_waiting()
        self.scanner.resume()
        self.read.emit(reading)

    def _on_failed(self, error: BaseException) -> None:
        self.scanner.resume()
        self.failed.emit(error)
