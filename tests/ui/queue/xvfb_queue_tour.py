"""Run in a subprocess on a real X server: the app's real window with a morning of real queue
traffic (played through the real TicketQueue), then 受付, 表示, the lobby board full-screen and
管理, each grabbed from the real screen.

Usage: python tests/ui/queue/xvfb_queue_tour.py OUT_DIR
Prints one JSON line: the shots, what each screen showed, and the speech engine's report.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from tests.support.qtwait import pump, use_project_root  # noqa: E402

use_project_root(__file__)

#: a printer name no print system knows: the tour shows the clerk's choice after a failed print
MISSING_PRINTER = "receipt-printer-offline"




def wait_until(predicate, timeout_ms: int = 20000) -> bool:  # noqa: ANN001
    waited = 0
    while not predicate():
        if waited > timeout_ms:
            return False
        pump(50)
        waited += 50
    return True


def play_morning(database) -> int:  # noqa: ANN001
    """Earlier today: residents came and were served (the simulation drives the real TicketQueue)."""
    from madoguchi.queue.model import BUSINESS_TZ
    from madoguchi.queue.service import TicketQueue
    from madoguchi.queue.simulate import BranchPlan, simulate_day

    now = datetime.now(BUSINESS_TZ)
    start = now - timedelta(hours=4)
    end = now - timedelta(minutes=25)
    if start.date() != now.date():
        return 0  # just after midnight: no "earlier today" to play
    probe = TicketQueue(database, "honcho")
    plan = BranchPlan("honcho", counters=len(probe.counters()), day=now.date(), opens=(start.hour, start.minute),
                      closes=(end.hour, end.minute), base_rate_per_counter=3.2, seed=3)
    _backend, _counters, issued = simulate_day(
        plan, probe.services(), lambda clock: TicketQueue(database, "honcho", clock=clock, terminal="tour"),
        counters=probe.counters())
    return issued


def queue_now(database) -> None:  # noqa: ANN001
    """The last 20 minutes: a line forms and three counters call."""
    from madoguchi.queue.service import TicketQueue

    now = datetime.now(UTC)
    moments = iter([now - timedelta(minutes=20 - i) for i in range(20)])
    queue = TicketQueue(database, "honcho", clock=lambda: next(moments, datetime.now(UTC)), terminal="tour")
    for prefix in "ABBABCBEAFBD":
        queue.issue(prefix, confirm=True)
    live = TicketQueue(database, "honcho", terminal="tour")
    for number in (1, 2, 3):
        current = live.state().at_counter(live.counter(number).id)
        if current is not None:
            live.served(current)
    for number in (2, 3, 1):
        live.call_next(number)


def grab(window, path: Path) -> dict:  # noqa: ANN001
    screen = window.screen().grabWindow(0)  # the real X root window
    screen.save(str(path))
    return {"file": str(path), "width": screen.width(), "height": screen.height()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args()

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from madoguchi.config import load_settings
    from madoguchi.queue.service import TicketQueue
    from madoguchi.ui.app import build_window, create_application, demo_settings
    from madoguchi.ui.workers import wait_for_background

    settings = replace(demo_settings(load_settings()), receipt_printer=MISSING_PRINTER, wait_alert_minutes=30)
    app = create_application(settings)
    context, window = build_window(settings, demo=True, sign_in_as="supervisor")
    window.resize(1600, 940)
    window.move(0, 0)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.activateWindow()
    window.raise_()
    wait_until(lambda: context.database is not None or context.database_error is not None)
    if context.database is None:
        print(json.dumps({"error": str(context.database_error)}))
        return 1
    database = context.database
    issued = play_morning(database)
    queue_now(database)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    report: dict = {"platform": QApplication.platformName(), "issued_earlier": issued, "shots": []}

    def shot(name: str, **extra: object) -> None:
        pump(400)
        report["shots"].append({"name": name, **grab(window, args.out_dir / f"{name}.png"), **extra})

    reception = window.views["reception"]
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    wait_until(lambda: reception.snapshot is not None and reception.snapshot.waiting_total > 0)
    shot("1-reception", waiting=reception.snapshot.waiting_total)
    pump(300)
    # a real key press where the keyboard focus is after Ctrl+1 (証明書; the receipt printer is off)
    QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_2)
    wait_until(lambda: reception.pending is not None, 30000)
    shot("2-reception-print-failed", pending=reception.pending.ticket.label if reception.pending else None,
         problem=reception.problem_text.text())
    QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Return)  # a hand-written number instead
    wait_until(lambda: reception.pending is None and not reception.busy)

    display = window.views["display"]
    window.show_workspace("display")
    wait_until(lambda: display.board.snapshot is not None and display.board.snapshot.calls)
    live = TicketQueue(database, "honcho", terminal="tour")
    current = live.state().at_counter(live.counter(4).id)
    if current is not None:
        live.served(current)
    called = live.call_next(4)
    wait_until(lambda: display.board.call_rows[0][1].text() == (called.label if called else ""), 5000)
    pump(1500)  # the voice set-up reports in the meantime
    report["voice"] = {"engine": display.announcer.voice_report.engine,
                       "voice": display.announcer.voice_report.voice,
                       "engines": list(display.announcer.voice_report.engines),
                       "problem": display.announcer.voice_report.problem,
                       "status": display.voice_status.text()}
    shot("3-display", latest=display.board.call_rows[0][1].text(), ticker=display.board.ticker.text())

    lobby = display.open_lobby_window()
    QTest.qWaitForWindowExposed(lobby)
    pump(800)
    for index in (1, 5):  # English, then Nepali in the rotation
        lobby.board._ticker_index = index  # noqa: SLF001 - jump the rotation for the screenshot
        lobby.board._show_ticker()  # noqa: SLF001
        shot(f"4-lobby-fullscreen-{lobby.board.announcements.languages[index].code}",
             full_screen=lobby.isFullScreen(), ticker=lobby.board.ticker.text())
    QTest.keyClick(lobby, Qt.Key.Key_Escape)
    wait_until(lambda: display.window is None, 3000)

    supervisor = window.views["supervisor"]
    window.show_workspace("supervisor")
    wait_until(lambda: supervisor.day is not None)
    supervisor.target_box.setValue(15)
    supervisor.run_what_if()
    wait_until(lambda: bool(supervisor.advice), 30000)
    shot("5-supervisor", summary=supervisor.summary.text(), alerts=supervisor.alerts.text(),
         what_if=supervisor.what_if_note.text())

    print(json.dumps(report, ensure_ascii=False))
    for view in window.views.values():
        if hasattr(view, "shutdown"):
            view.shutdown()
    wait_for_background(20000)
    window.close()
    app.quit()
    # leave without the interpreter's teardown: Qt objects then die in an arbitrary order (the
    # speech engine's callback thread among them), which once crashed after the work was done
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
