"""The queue workspaces in the real window on a real X server, with real traffic; screenshots in
results/queue for a person to look at (as a resident in the lobby, and as a supervisor)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import requirements
from tests.support.xvfb import xvfb, xvfb_env

TOUR = Path(__file__).with_name("xvfb_queue_tour.py")
ROOT = Path(__file__).resolve().parents[3]


def _end_speech_daemon(runtime: Path) -> None:
    """End the speech-dispatcher the tour spawned (found by its socket under our runtime folder)."""
    import os
    import signal
    import time

    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            args = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "speech-dispatcher" in args and str(runtime) in args:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.kill(int(proc.name), sig)
                except ProcessLookupError:
                    break
                time.sleep(0.5)


def _not_blank(path: Path) -> bool:
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 29)}
    return len(colours) > 8


@pytest.mark.xvfb
@pytest.mark.cups
@pytest.mark.slow
def test_queue_workspaces_on_a_real_screen(tmp_path: Path, results_dir: Path, cups_queue) -> None:  # noqa: ANN001, ARG001
    """cups_queue: a running scheduler, so the missing receipt printer is refused as missing whatever the host runs."""
    requirements.require_executable("Xvfb", "xvfb")
    out_dir = results_dir / "queue"
    for old in out_dir.glob("*.png"):
        old.unlink()
    with xvfb(1920, 1080) as display:
        env = xvfb_env(display, tmp_path / "home")
        env["PYTHONPATH"] = str(ROOT)
        # the OS voice (speech-dispatcher) is spawned on demand: give it a socket of ours, to end it after
        runtime = tmp_path / "run"
        runtime.mkdir(mode=0o700)
        env["XDG_RUNTIME_DIR"] = env["XDG_CACHE_HOME"] = str(runtime)
        try:
            completed = subprocess.run([sys.executable, str(TOUR), str(out_dir)], env=env, capture_output=True,
                                       text=True, timeout=240, cwd=ROOT)
        finally:
            _end_speech_daemon(runtime)
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    (out_dir / "tour.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    assert report["platform"] == "xcb"
    shots = {shot["name"]: shot for shot in report["shots"]}
    assert set(shots) == {"1-reception", "2-reception-print-failed", "3-display", "4-lobby-fullscreen-en",
                          "4-lobby-fullscreen-ne", "5-supervisor"}
    assert shots["1-reception"]["waiting"] > 0
    assert shots["2-reception-print-failed"]["pending"] and "receipt-printer-offline" in \
        shots["2-reception-print-failed"]["problem"]
    assert shots["3-display"]["latest"] in shots["3-display"]["ticker"]
    assert shots["4-lobby-fullscreen-en"]["full_screen"]
    assert shots["4-lobby-fullscreen-en"]["ticker"].startswith("Number ")
    assert "待ち" in shots["5-supervisor"]["summary"]
    assert shots["5-supervisor"]["what_if"]
    # the voice: either a Japanese voice, or a plain reason on the screen why there is none
    voice = report["voice"]
    assert voice["voice"] or voice["problem"]
    for shot in report["shots"]:
        assert _not_blank(Path(shot["file"]))
