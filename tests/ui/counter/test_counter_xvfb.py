"""A real window on a real X server (Xvfb): the counter visit, a screenshot of every step saved to
results/counter for a person to look at."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.data.cards import write_sample
from tests.support import requirements
from tests.support.xvfb import xvfb, xvfb_env

TOUR = Path(__file__).with_name("xvfb_counter_tour.py")
ROOT = Path(__file__).resolve().parents[3]


def _tour(tmp_path: Path, out_dir: Path, card: Path, *extra: str) -> dict:
    with xvfb() as display:
        env = xvfb_env(display, tmp_path / "home")
        env["PYTHONPATH"] = str(ROOT)
        completed = subprocess.run([sys.executable, str(TOUR), str(out_dir), str(card), *extra], env=env,
                                   capture_output=True, text=True, timeout=240, cwd=ROOT)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.mark.xvfb
@pytest.mark.cups
@pytest.mark.slow
def test_counter_visit_on_a_real_screen(tmp_path: Path, results_dir: Path, card_sample, cups_queue) -> None:
    requirements.require_executable("Xvfb", "xvfb")
    out_dir = results_dir / "counter"
    for old in out_dir.glob("*.png"):
        old.unlink()
    card = write_sample(card_sample, tmp_path, "card")
    report = _tour(tmp_path, out_dir, card, "--printer", cups_queue.name, "--printer-off-first")
    assert report["platform"] == "xcb"
    assert report["steps"][:3] == ["who", "card", "check"]
    assert "done" in report["steps"]
    for shot in report["shots"]:
        assert Path(shot).stat().st_size > 10_000  # a real picture, not a blank grab
    large = _tour(tmp_path, out_dir, card, "--printer", cups_queue.name, "--large", "--high-contrast")
    assert "done" in large["steps"]
