"""Run in a subprocess on a real X server: a whole counter visit in the real main window, by
keyboard, with a grab of the real screen at every step (for a person to look at).

Usage: python tests/ui/counter/xvfb_counter_tour.py OUT_DIR CARD_IMAGE [--printer NAME] [--large]
       [--high-contrast] [--printer-off-first]
Prints one JSON line: the platform, the files written, the steps reached.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from tests.support.qtwait import pump, use_project_root  # noqa: E402

use_project_root(__file__)



def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("card", type=Path)
    parser.add_argument("--printer", default="")
    parser.add_argument("--large", action="store_true")
    parser.add_argument("--high-contrast", action="store_true")
    parser.add_argument("--printer-off-first", action="store_true")
    args = parser.parse_args()

    started = time.perf_counter()
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from madoguchi.config import load_settings
    from madoguchi.counter.flow import Step
    from madoguchi.ui.app import build_window, create_application, demo_settings

    scans = Path(tempfile.mkdtemp(prefix="madoguchi-scans-"))
    settings = replace(demo_settings(load_settings()), scanner_folder=str(scans), printer_name=args.printer,
                       large_text=args.large, high_contrast=args.high_contrast, key_store="file")
    app = create_application(settings)
    context, window = build_window(settings, demo=True, sign_in_as="clerk")
    window.resize(1366, 800)
    window.move(0, 0)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.activateWindow()
    QTest.qWaitForWindowActive(window)
    view = window.views["counter"]
    report: dict = {"platform": QApplication.platformName(), "shots": [], "steps": []}

    suffix = ("-large" if args.large else "") + ("-contrast" if args.high_contrast else "")
    args.out_dir.mkdir(parents=True, exist_ok=True)

    def wait(condition, ms: int = 120000) -> None:  # generous: CI shares two cores
        waited = 0
        while not condition() and waited < ms:
            pump(50)
            waited += 50
        if not condition():
            shot("timeout")
            print(json.dumps(report, ensure_ascii=False))
            from madoguchi.ui.workers import wait_for_background

            wait_for_background(60000)
            raise SystemExit(f"timed out at step {view.flow.step.value}")

    def shot(name: str) -> None:
        pump(250)
        path = args.out_dir / f"{len(report['shots']) + 1:02d}-{name}{suffix}.png"
        window.screen().grabWindow(0).save(str(path))
        report["shots"].append(str(path))
        report["steps"].append(view.flow.step.value)
        report.setdefault("seconds", []).append(round(time.perf_counter() - started, 2))

    def key(k: Qt.Key, mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        QTest.keyClick(QApplication.focusWidget() or view, k, mod)

    def ime(text: str) -> None:
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(QApplication.focusWidget(), event)

    ctrl, alt = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier
    wait(lambda: context.user is not None and context.database is not None)
    window.show_workspace("counter")
    wait(lambda: view.service.reader is not None and view.service.drafts is not None)
    pump(200)
    shot("who")
    key(Qt.Key.Key_F3)
    wait(lambda: view.flow.step == Step.CARD, 10000)
    shot("card")
    (scans / ("card" + args.card.suffix)).write_bytes(args.card.read_bytes())
    wait(lambda: view.flow.step == Step.CHECK)
    shot("check")
    # the clerk corrects the given name's reading, accepts the family name's suggestion, confirms
    view.check.rows["given_name_kana"].edit.setFocus()
    view.check.rows["given_name_kana"].edit.selectAll()
    ime("ゆうこ")
    shot("check-edited")
    if view.flow.problems():
        # a field the OCR could not read at all: the screen shows it red; fill it as the clerk would
        for name, _problem in view.flow.problems():
            view.check.rows[name].edit.setFocus()
            if name == "birth_date":
                QTest.keyClicks(QApplication.focusWidget(), "1990-01-01")
            else:
                ime("試験")
    key(Qt.Key.Key_K, alt)
    key(Qt.Key.Key_Return, ctrl)
    wait(lambda: view.flow.step == Step.WHAT, 10000)
    shot("what-empty")
    QTest.keyClicks(QApplication.focusWidget(), "1")
    QTest.keyClicks(QApplication.focusWidget(), "1440052")
    QTest.keyClicks(QApplication.focusWidget(), "5-13-1")
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_Tab)
    QTest.keyClicks(QApplication.focusWidget(), "R8.11.2")
    shot("what")
    key(Qt.Key.Key_Return, ctrl)
    wait(lambda: view.flow.packet is not None)
    shot("preview")
    trace = view.preview.trace
    items = [trace.topLevelItem(i) for i in range(trace.topLevelItemCount())]
    # the clerk picks the new address among the printed values: it is highlighted on the page
    item = next((i for i in items if i.text(1) == "新住所"), items[0] if items else None)
    if item is not None:
        view.preview.trace.setCurrentItem(item)
        view.preview.trace.setFocus()
        pump(500)  # the text search behind the highlight runs in the background
        shot("preview-traced")
    if args.printer_off_first and args.printer:
        subprocess.run(["cupsdisable", args.printer], check=False)
    key(Qt.Key.Key_P, ctrl)
    wait(lambda: view.flow.outcome is not None, 60000)
    shot("print-off" if args.printer_off_first else "print")
    if args.printer_off_first and args.printer:
        subprocess.run(["cupsenable", args.printer], check=False)
        key(Qt.Key.Key_R, ctrl)
        wait(lambda: view.flow.outcome is not None and view.flow.outcome.ok, 60000)
        shot("print-reprinted")
    key(Qt.Key.Key_Return, ctrl)
    wait(lambda: view.flow.step == Step.DONE, 10000)
    shot("done")
    print(json.dumps(report, ensure_ascii=False))
    window.close()
    app.quit()
    from madoguchi.ui.workers import wait_for_background

    wait_for_background(20000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
