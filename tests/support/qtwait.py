"""Waiting in scripts that drive a real window (the Xvfb tours).

``QTest.qWait`` holds the GIL while it sleeps, which starves the app's worker threads (the
database opens in the background, OCR runs there): run the event loop instead.
"""

from __future__ import annotations


def pump(ms: int) -> None:
    """Run the Qt event loop for ``ms`` milliseconds."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def use_project_root(script: str) -> None:
    """Make ``tests.support`` importable from a tour run as a script, and drop the script's own
    folder from sys.path (tests/ui/queue would hide the standard library's queue module)."""
    import sys
    from pathlib import Path

    here = Path(script).resolve().parent
    root = next(p for p in here.parents if (p / "pyproject.toml").exists())
    sys.path[:] = [str(root)] + [p for p in sys.path if p and Path(p).resolve() not in (here, root)]
