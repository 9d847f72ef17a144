"""The app in a real window on a real X server (Xvfb), with a screenshot of each workspace.

The screenshots are kept under results/screenshots/ for review.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import requirements
from tests.support.xvfb import xvfb, xvfb_env

TOUR = Path(__file__).with_name("xvfb_tour.py")


def _tour(results_dir: Path, home: Path, *flags: str) -> dict:
    requirements.require_executable("Xvfb", "xvfb")
    out = results_dir / "screenshots"
    with xvfb() as display:
        completed = subprocess.run([sys.executable, str(TOUR), str(out), *flags], env=xvfb_env(display, home),
                                   capture_output=True, text=True, timeout=180, check=False)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _not_blank(path: Path) -> bool:
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 29)}
    return len(colours) > 8


@pytest.mark.xvfb
@pytest.mark.slow
def test_real_window_screenshot_of_every_workspace(results_dir: Path, madoguchi_home: Path) -> None:
    report = _tour(results_dir, madoguchi_home)
    assert report["platform"] == "xcb"
    assert report["database"] is True
    assert [s["workspace"] for s in report["shots"]] == [s["current"] for s in report["shots"]]
    assert len(report["shots"]) == 6
    for shot in report["shots"]:
        assert Path(shot["file"]).stat().st_size > 10_000
        assert _not_blank(Path(shot["file"]))


@pytest.mark.xvfb
@pytest.mark.slow
def test_real_window_large_high_contrast_english(results_dir: Path, madoguchi_home: Path) -> None:
    report = _tour(results_dir, madoguchi_home, "--large", "--high-contrast", "--lang", "en")
    assert [s["workspace"] for s in report["shots"]] == [s["current"] for s in report["shots"]]
