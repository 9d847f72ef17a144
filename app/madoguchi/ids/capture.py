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
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from madoguchi.errors import EngineUnavailable, InputError
from madoguchi.ids import errors as id_errors

log = logging.getLogger(__name__)

#: what scanners save; anything else in the folder (.tmp, .part, desktop.ini) is ignored
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp"})

#: bytes read from a file at most (a scan of a card is a few MB); more is refused unread
MAX_INTAKE_BYTES = 80 * 1024 * 1024
#: pixels a capture may have (checked from the header, before any pixel is decoded)
MAX_INTAKE_PIXELS = 150_000_000
#: the shortest side and the widest aspect ratio an image of a card can have
MIN_SIDE = 64
MAX_ASPECT = 12


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

    def skip_waiting(self) -> None:
        """Count every file now in the folder as taken (a scan that arrived while another capture
        of the same card was being read belongs to that visit, not to a new one)."""
        self._done.update(self._candidates())
        self._pending.clear()
        self._last_change.clear()

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


# --- intake of one capture ----------------------------------------------------------------------
def image_format(data: bytes) -> str | None:
    """The accepted format ``data`` starts with (told by its first bytes, never by the file name),
    or None. OpenCV decodes many more (Radiance HDR, PAM, PFM, EXR …) whose size Pillow cannot
    check first: those are never decoded."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "TIFF"
    if data.startswith(b"BM"):
        return "BMP"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def read_capture_file(path: str | os.PathLike[str], source: str = "") -> bytes:
    """The bytes of one capture file: a regular file only (never a device, FIFO or socket,
    also not behind a symlink), refused unread above :data:`MAX_INTAKE_BYTES`."""
    source = source or str(path)
    try:
        # O_NONBLOCK: opening a FIFO with no writer must not wait for ever
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise id_errors.image_unreadable(source, "ファイルがありません", "the file does not exist") from None
    except IsADirectoryError:
        raise id_errors.image_unreadable(source, "フォルダです", "it is a folder") from None
    except OSError as exc:
        raise id_errors.image_unreadable(source, f"開けません（{exc.strerror}）",
                                         f"cannot open it ({exc.strerror})") from exc
    with os.fdopen(fd, "rb", buffering=0) as handle:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise id_errors.image_unreadable(source, "フォルダです", "it is a folder")
        if not stat.S_ISREG(info.st_mode):
            raise id_errors.image_unreadable(source, "通常のファイルではありません（デバイス・FIFO・ソケット）",
                                             "it is not a regular file (a device, FIFO or socket)")
        if info.st_size > MAX_INTAKE_BYTES:
            raise id_errors.image_too_large(source, f"{info.st_size / 1e6:.0f} MB")
        data = handle.read(MAX_INTAKE_BYTES + 1)  # the size may grow while it is read
    if len(data) > MAX_INTAKE_BYTES:
        raise id_errors.image_too_large(source, f"over {MAX_INTAKE_BYTES // (1024 * 1024)} MB")
    return data


def check_capture_bytes(data: bytes, source: str = "<bytes>") -> bytes:
    """``data`` when it is an accepted format whose header gives a sane size; else a clear error.

    Only JPEG, PNG, TIFF, BMP and WebP pass, told by their first bytes; their width and height
    come from the header (Pillow, no pixels decoded) and are checked against the pixel cap and
    against the shape a card's image can have, so OpenCV never decodes anything unchecked.
    """
    if not data:
        raise id_errors.image_unreadable(source, "空のファイルです", "the file is empty")
    if len(data) > MAX_INTAKE_BYTES:
        raise id_errors.image_too_large(source, f"{len(data) / 1e6:.0f} MB")
    kind = image_format(data)
    if kind is None:
        raise id_errors.image_unreadable(source, "対応する形式の画像ファイルではありません（JPEG・PNG・TIFF・BMP・WebP のみ）",
                                         "it is not an image file in an accepted format (JPEG, PNG, TIFF, BMP or WebP only)")
    import io
    import warnings

    from PIL import Image as PILImage

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data), formats=[kind]) as probe:
                width, height = probe.size
    except PILImage.DecompressionBombError:
        raise id_errors.image_too_large(source, "over 150 megapixels") from None
    except Exception:  # noqa: BLE001 - Pillow raises many types for a broken header
        raise id_errors.image_unreadable(source, "画像の先頭部分が壊れています", "the image header is corrupt") from None
    if width * height > MAX_INTAKE_PIXELS:
        raise id_errors.image_too_large(source, f"{width}×{height}")
    if min(width, height) < MIN_SIDE or max(width, height) > MAX_ASPECT * min(width, height):
        raise id_errors.image_unreadable(source, f"カードが写る大きさ・形ではありません（{width}×{height}）",
                                         f"it cannot show a card at this size or shape ({width}×{height})")
    return data


def intake(image: Any, source: str = "") -> Any:
    """One capture as the reader takes it: a path is read with :func:`read_capture_file`, bytes
    are checked with :func:`check_capture_bytes`; an array (a camera frame) passes as it is."""
    if isinstance(image, str | Path | os.PathLike):
        source = source or str(image)
        return check_capture_bytes(read_capture_file(image, source), source)
    if isinstance(image, bytes | bytearray | memoryview):
        return check_capture_bytes(bytes(image), source or "<bytes>")
    return image

