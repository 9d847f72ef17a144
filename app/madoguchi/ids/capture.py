"""Intake: where card images come from — a scanner's hot folder or a camera.

* :class:`HotFolderWatcher` — most counter scanners save each scan as a file in a folder.
  ``poll()`` returns the files that appeared since the last call, only once they are
  completely written (size and modification time unchanged over two polls, and the file can
  be opened), oldest first, each exactly once.
* :class:`CameraCapture` — OpenCV ``VideoCapture`` on a camera index or a video file/URL.
  ``next_capture()`` reads frames until a card is in view and held still for about half a
  second, then returns that frame (automatic capture). A video file stands in for the camera
  in tests.

Neither class is thread-safe; use one from one thread (the UI's background worker).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from madoguchi.errors import EngineUnavailable, InputError

log = logging.getLogger(__name__)

#: what scanners save; anything else in the folder (.tmp, .part, desktop.ini) is ignored
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp", ".pnm", ".pgm", ".ppm"})


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    stable_polls: int = 0


class HotFolderWatcher:
    """New image files in ``folder``, each reported once it is completely written.

    A file counts as complete when its size and modification time did not change between two
    polls at least ``settle_seconds`` apart and it is not empty. Files already in the folder when
    the watcher starts are skipped unless ``include_existing`` is true.
    """

    def __init__(self, folder: str | os.PathLike[str], *, settle_seconds: float = 0.3,
                 include_existing: bool = False, clock: Callable[[], float] = time.monotonic) -> None:
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise InputError(f"スキャナの保存フォルダ {self.folder} がありません。設定の scanner_folder を確かめてください。",
                             f"the scanner folder {self.folder} does not exist; check the scanner_folder setting.")
        self.settle_seconds = settle_seconds
        self._clock = clock
        self._pending: dict[Path, _Seen] = {}
        self._last_change: dict[Path, float] = {}
        self._done: set[Path] = set()
        if not include_existing:
            self._done.update(self._candidates())

    def _candidates(self) -> list[Path]:
        try:
            entries = list(os.scandir(self.folder))
        except OSError as exc:
            raise InputError(f"スキャナの保存フォルダを読めません: {exc.strerror}",
                             f"cannot read the scanner folder: {exc.strerror}") from exc
        return [Path(e.path) for e in entries
                if e.is_file() and not e.name.startswith((".", "~")) and Path(e.name).suffix.lower() in IMAGE_SUFFIXES]

    def poll(self) -> list[Path]:
        """Files completed since the last poll, in the order they were written (mtime, then name)."""
        now = self._clock()
        ready: list[tuple[int, str, Path]] = []
        current = set()
        for path in self._candidates():
            current.add(path)
            if path in self._done:
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            seen = self._pending.get(path)
            if seen is None or (seen.size, seen.mtime_ns) != (stat.st_size, stat.st_mtime_ns):
                self._pending[path] = _Seen(stat.st_size, stat.st_mtime_ns)
                self._last_change[path] = now
                continue
            if stat.st_size == 0 or now - self._last_change[path] < self.settle_seconds:
                continue
            if not _can_open(path):
                continue
            ready.append((stat.st_mtime_ns, path.name, path))
        for path in list(self._pending):
            if path not in current:  # deleted or renamed before it was complete
                self._pending.pop(path, None)
                self._last_change.pop(path, None)
        ready.sort()
        for _mtime, _name, path in ready:
            self._done.add(path)
            self._pending.pop(path, None)
            self._last_change.pop(path, None)
        return [path for _mtime, _name, path in ready]


def _can_open(path: Path) -> bool:
    """On Windows a scanner still writing holds the file locked; opening it fails then."""
    try:
        with open(path, "rb"):
            return True
    except OSError:
        return False


@dataclass(frozen=True)
class CaptureStatus:
    """What the camera sees now, for the counter screen's live hint."""

    card_in_view: bool
    still_seconds: float
    frames: int


class CameraCapture:
    """A camera (index) or video file (path/URL) through OpenCV, with automatic capture.

    ``next_capture()`` returns the first frame in which a card has been found and held still
    (its outline moving less than ``still_tolerance`` of the frame diagonal) for ``hold_seconds``.
    Time is measured on the stream's own clock (frame count / fps), so a video file behaves like
    the live camera at any reading speed.
    """

    def __init__(self, source: int | str, *, hold_seconds: float = 0.5, still_tolerance: float = 0.01,
                 detect_width: int = 640) -> None:
        import cv2

        self.source = source
        self.hold_seconds = hold_seconds
        self.still_tolerance = still_tolerance
        self.detect_width = detect_width
        self._capture = cv2.VideoCapture(source)
        if not self._capture.isOpened():
            raise EngineUnavailable(
                f"カメラ（{source}）を開けません。接続と設定の camera_index を確かめてください。",
                f"cannot open the camera ({source}); check the connection and the camera_index setting.")
        fps = self._capture.get(cv2.CAP_PROP_FPS)
        self.fps = fps if fps and fps > 0 and fps < 1000 else 30.0
        self.frames = 0
        self.status = CaptureStatus(False, 0.0, 0)

    def close(self) -> None:
        self._capture.release()

    def __enter__(self) -> CameraCapture:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read_frame(self) -> Any | None:
        ok, frame = self._capture.read()
        if not ok or frame is None:
            return None
        self.frames += 1
        return frame

    def next_capture(self, *, max_frames: int | None = None) -> Any | None:
        """The next frame with a card held still; None when the stream ends (or ``max_frames`` pass)."""
        import numpy as np

        from madoguchi.ids.card import find_card_outline

        still_since: int | None = None
        previous: Any = None
        read = 0
        while max_frames is None or read < max_frames:
            frame = self.read_frame()
            if frame is None:
                return None
            read += 1
            scale = self.detect_width / max(frame.shape[:2])
            outline = find_card_outline(frame, max_side=self.detect_width, quiet=True)
            if outline is None:
                still_since, previous = None, None
                self.status = CaptureStatus(False, 0.0, self.frames)
                continue
            diagonal = float(np.hypot(*frame.shape[:2])) * scale
            points = np.asarray(outline, dtype=np.float32) * scale
            moved = float(np.abs(points - previous).max()) if previous is not None else float("inf")
            if moved > self.still_tolerance * diagonal:
                still_since = self.frames
            previous = points
            held = (self.frames - (still_since or self.frames)) / self.fps
            self.status = CaptureStatus(True, held, self.frames)
            if held >= self.hold_seconds:
                log.debug("card held still %.2f s: captured frame %d", held, self.frames)
                return frame
        return None
