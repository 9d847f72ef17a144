from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
import pytest

from madoguchi.errors import InputError
from madoguchi.ids.capture import CameraCapture, HotFolderWatcher
from tests.data import cards


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_hot_folder_reports_files_once_complete_in_order_each_once(tmp_path: Path) -> None:
    (tmp_path / "old.jpg").write_bytes(b"scanned before the watcher started")
    clock = FakeClock()
    watcher = HotFolderWatcher(tmp_path, settle_seconds=0.3, clock=clock)
    assert watcher.poll() == []
    first = tmp_path / "scan001.jpg"
    first.write_bytes(b"\xff\xd8" + b"x" * 100)  # a partial write
    (tmp_path / "scan.tmp").write_bytes(b"ignored")
    assert watcher.poll() == []  # just seen
    clock.now += 0.5
    with first.open("ab") as handle:  # the scanner is still writing
        handle.write(b"y" * 100)
    assert watcher.poll() == []
    second = tmp_path / "scan002.png"
    second.write_bytes(b"\x89PNG" + b"z" * 50)
    third = tmp_path / "scan003.tif"
    third.write_bytes(b"II*" + b"w" * 50)
    clock.now += 0.5
    assert watcher.poll() == [first]  # unchanged since the last poll: complete; the others were just seen
    clock.now += 0.5
    assert watcher.poll() == [second, third]  # in the order they were written
    clock.now += 0.5
    assert watcher.poll() == []  # each once
    empty = tmp_path / "scan004.jpg"
    empty.write_bytes(b"")
    for _ in range(3):
        clock.now += 0.5
        assert watcher.poll() == []  # an empty file is never complete


def test_a_scan_that_arrived_during_a_reading_is_not_a_new_visit(tmp_path: Path) -> None:
    clock = FakeClock()
    watcher = HotFolderWatcher(tmp_path, settle_seconds=0.3, clock=clock)
    (tmp_path / "scan-during.jpg").write_bytes(b"\xff\xd8" + b"x" * 100)
    assert watcher.poll() == []
    watcher.skip_waiting()  # the camera's capture of the same card was read meanwhile
    clock.now += 0.5
    assert watcher.poll() == []
    later = tmp_path / "scan-next.jpg"
    later.write_bytes(b"\xff\xd8" + b"y" * 100)
    assert watcher.poll() == []
    clock.now += 0.5
    assert watcher.poll() == [later]  # the next resident's scan is reported as usual


def test_hot_folder_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="scanner folder"):
        HotFolderWatcher(tmp_path / "missing")


def _write_video(path: Path, frames: list[np.ndarray], fps: float = 10.0) -> None:
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    assert writer.isOpened()
    for frame in frames:
        writer.write(frame)
    writer.release()


def test_camera_captures_a_card_once_it_is_held_still(tmp_path: Path) -> None:
    rng = random.Random(5)
    card, _truth = cards.render_card("mynumber_card", rng)
    desk = np.full((360, 640, 3), 60, np.uint8)
    empty = [desk.copy() for _ in range(5)]
    moving = [cards._place(card, desk.copy(), cards._corners((200 + 25 * i, 180), 300, 10 * i, 0.0, rng), False)
              for i in range(5)]
    still_frame = cards._place(card, desk.copy(), cards._corners((330, 180), 320, 4, 0.0, rng), False)
    still = [still_frame.copy() for _ in range(10)]
    video = tmp_path / "camera.avi"
    _write_video(video, empty + moving + still, fps=10.0)
    with CameraCapture(str(video), hold_seconds=0.5) as camera:
        frame = camera.next_capture()
        assert frame is not None
        # captured only after ~0.5 s (5 frames at 10 fps) of the still card
        assert camera.frames >= len(empty) + len(moving) + 5
        assert camera.frames <= len(empty) + len(moving) + 7
        assert camera.next_capture() is None or camera.frames <= 20


def test_camera_that_cannot_open_is_a_clear_error(tmp_path: Path) -> None:
    from madoguchi.errors import EngineUnavailable

    with pytest.raises(EngineUnavailable, match="camera"):
        CameraCapture(str(tmp_path / "no-such-video.avi"))
