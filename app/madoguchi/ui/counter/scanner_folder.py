"""The scanner's folder, watched: a card image written there is handed on once it has settled.

The folder's change notification wakes the check at once; a slow poll is the fallback (network
folders send no notifications). The poll pauses while a card is being read: each tick would make
the OCR thread yield the GIL.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from madoguchi.errors import MadoguchiError
from madoguchi.ids.capture import HotFolderWatcher

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
