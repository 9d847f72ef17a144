"""Run in a subprocess on a real X server: open the app's window, visit every workspace by
its keyboard shortcut, and save a grab of the real screen for each.

Usage: python tests/ui/xvfb_tour.py OUT_DIR [--large] [--high-contrast] [--lang en]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.support.qtwait import pump, use_project_root  # noqa: E402

use_project_root(__file__)




def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--large", action="store_true")
    parser.add_argument("--high-contrast", action="store_true")
    parser.add_argument("--lang", default="ja")
    args = parser.parse_args()

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from madoguchi.config import load_settings
    from madoguchi.ui.app import build_window, create_application, demo_settings
    from madoguchi.ui.main_window import WORKSPACES
    from madoguchi.ui.workers import wait_for_background

    settings = replace(demo_settings(load_settings()), large_text=args.large, high_contrast=args.high_contrast,
                       language=args.lang)
    app = create_application(settings)
    context, window = build_window(settings, demo=True, sign_in_as="admin")
    window.resize(1280, 760)
    window.move(0, 0)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.activateWindow()
    window.raise_()
    QTest.qWaitForWindowActive(window)
    wait_for_background(20000)
    deadline = 0
    while context.database is None and context.database_error is None and deadline < 200:
        pump(50)
        deadline += 1
    args.out_dir.mkdir(parents=True, exist_ok=True)
    report = {"platform": QApplication.platformName(), "database": context.database is not None, "shots": []}
    suffix = ("-large" if args.large else "") + ("-contrast" if args.high_contrast else "") + (
        "-en" if args.lang != "ja" else "")
    for number, spec in enumerate(WORKSPACES, start=1):
        QTest.keyClick(window, Qt.Key(Qt.Key.Key_0.value + number), Qt.KeyboardModifier.ControlModifier)
        pump(300)
        screen = window.screen().grabWindow(0)  # the real X root window
        path = args.out_dir / f"workspace-{number}-{spec.key}{suffix}.png"
        screen.save(str(path))
        report["shots"].append({"workspace": spec.key, "current": window.current_workspace(), "file": str(path),
                                "width": screen.width(), "height": screen.height()})
    print(json.dumps(report))
    window.close()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
