"""Issue 13's image attacks on the intake: formats OpenCV decodes but Pillow cannot size,
devices, FIFOs, huge files and absurd shapes are refused with a clear message — nothing
decoded unchecked, nothing hanging, no cv2.error."""

from __future__ import annotations

import os
import struct
import sys
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

from madoguchi.ids import capture
from madoguchi.ids.errors import ImageTooLarge, ImageUnreadable


def _hdr_bomb(width: int, height: int) -> bytes:
    """A Radiance HDR header claiming width×height, with a little run-length data (OpenCV decodes it)."""
    header = f"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y {height} +X {width}\n".encode("ascii")
    return header + b"\x02\x02" + bytes(1000)


def _pam(width: int, height: int) -> bytes:
    header = (f"P7\nWIDTH {width}\nHEIGHT {height}\nDEPTH 1\nMAXVAL 255\nTUPLTYPE GRAYSCALE\nENDHDR\n"
              .encode("ascii"))
    return header + bytes(width * height)


def test_a_radiance_hdr_named_jpg_is_refused_before_decoding(tmp_path: Path) -> None:
    path = tmp_path / "card.jpg"
    path.write_bytes(_hdr_bomb(20_000, 7_800))
    with pytest.raises(ImageUnreadable, match="not an image file in an accepted format"):
        capture.intake(path)


def test_a_pam_image_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "card.png"
    path.write_bytes(_pam(400, 300))
    assert cv2.imdecode(np.frombuffer(path.read_bytes(), np.uint8), cv2.IMREAD_COLOR) is not None  # OpenCV would
    with pytest.raises(ImageUnreadable, match="JPEG, PNG, TIFF, BMP or WebP only"):
        capture.intake(path)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX devices")
def test_dev_zero_behind_a_symlink_is_not_read(tmp_path: Path) -> None:
    link = tmp_path / "scan.jpg"
    link.symlink_to("/dev/zero")
    with pytest.raises(ImageUnreadable, match="not a regular file"):
        capture.intake(link)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "scan.png"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []
    worker = threading.Thread(target=lambda: _catch(outcome, fifo), daemon=True)
    worker.start()
    worker.join(20)
    assert not worker.is_alive(), "read-id hung on a FIFO"
    assert outcome and isinstance(outcome[0], ImageUnreadable)


def _catch(outcome: list[BaseException], path: Path) -> None:
    try:
        capture.intake(path)
    except BaseException as exc:  # noqa: BLE001 - inspected by the test
        outcome.append(exc)


def test_a_file_over_the_byte_cap_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(capture, "MAX_INTAKE_BYTES", 1000)
    _ok, png = cv2.imencode(".png", np.zeros((100, 150, 3), np.uint8))
    path = tmp_path / "big.png"
    path.write_bytes(png.tobytes() + bytes(2000))
    with pytest.raises(ImageTooLarge):
        capture.intake(path)


def test_pixel_cap_holds_for_every_accepted_format(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(capture, "MAX_INTAKE_PIXELS", 100 * 100)
    image = np.zeros((120, 160, 3), np.uint8)
    for ext in (".jpg", ".png", ".tiff", ".bmp", ".webp"):
        ok, data = cv2.imencode(ext, image)
        assert ok
        with pytest.raises(ImageTooLarge, match="160×120"):
            capture.intake(data.tobytes(), ext)


def test_a_png_header_claiming_a_giant_image_is_refused() -> None:
    ihdr = struct.pack(">IIBBBBB", 60_000, 60_000, 8, 2, 0, 0, 0)
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(bytes(1000))) + chunk(b"IEND", b"")
    with pytest.raises(ImageTooLarge):
        capture.intake(data)


def test_a_5000_by_2_image_is_a_message_not_a_cv2_error(tmp_path: Path) -> None:
    _ok, data = cv2.imencode(".png", np.full((2, 5000, 3), 200, np.uint8))
    path = tmp_path / "strip.png"
    path.write_bytes(data.tobytes())
    with pytest.raises(ImageUnreadable, match="5000×2"):
        capture.intake(path)


def test_an_ordinary_capture_passes_unchanged(tmp_path: Path) -> None:
    _ok, data = cv2.imencode(".jpg", np.full((638, 1012, 3), 128, np.uint8))
    path = tmp_path / "card.jpg"
    path.write_bytes(data.tobytes())
    assert capture.intake(path) == data.tobytes()
    frame = np.zeros((10, 10, 3), np.uint8)
    assert capture.intake(frame) is frame  # camera frames are arrays: nothing to check here


def test_read_id_batch_goes_on_after_a_bad_image(tmp_path: Path) -> None:
    """The CLI reads every image of a batch: a refused one is an error line, not a traceback."""
    import subprocess

    bad = tmp_path / "strip.png"
    bad.write_bytes(cv2.imencode(".png", np.full((2, 5000, 3), 200, np.uint8))[1].tobytes())
    hdr = tmp_path / "bomb.jpg"
    hdr.write_bytes(_hdr_bomb(20_000, 7_800))
    result = subprocess.run([sys.executable, "-m", "madoguchi", "--lang", "en", "read-id", str(bad), str(hdr)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert "strip.png" in result.stderr + result.stdout and "bomb.jpg" in result.stderr + result.stdout
