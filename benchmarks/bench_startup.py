"""Cold start to an interactive main window, against a bare PySide6 window.

Both run in fresh processes, offscreen, on a fresh demo database; "interactive" is the
moment the event loop first runs after the window is shown. Median of N runs each.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

from benchmarks.figures import Figure

_BARE = r"""
import time, sys
t0 = time.perf_counter()
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.setCentralWidget(QLabel("窓口")); w.show()
def ready():
    print(f"READY {time.perf_counter() - t0:.3f}", flush=True); app.quit()
QTimer.singleShot(0, ready)
app.exec()
"""


def _time(cmd: list[str], env: dict[str, str]) -> float:
    """Seconds from starting the process to its READY line (the window shown, the event loop running)."""
    started = time.perf_counter()
    with subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as process:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("READY"):
                elapsed = time.perf_counter() - started
                break
        else:
            raise RuntimeError(f"no READY line from {cmd}")
        process.wait(120)
    return elapsed


def run(quick: bool = False) -> list[Figure]:
    runs = 3 if quick else 7
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               MADOGUCHI_EXIT_WHEN_READY="1")
    ours, bare = [], []
    with tempfile.TemporaryDirectory() as home:
        env["MADOGUCHI_HOME"] = home
        for _ in range(runs):
            ours.append(_time([sys.executable, "-m", "madoguchi", "demo"], env))
            bare.append(_time([sys.executable, "-c", _BARE], env))
    return [Figure("startup", "cold_start_to_window", statistics.median(ours), "s",
                   baseline=statistics.median(bare), baseline_label="bare PySide6 window", target="<= 3")]
