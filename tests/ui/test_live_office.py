"""`madoguchi demo`'s live office (研修): after a few simulated minutes the lobby display shows calls
and the supervisor's 管理 shows waits and served residents, all from the real queue on the demo database."""

from __future__ import annotations

import re

import pytest

from madoguchi.queue.model import TicketState


@pytest.mark.slow
def test_demo_office_fills_the_display_and_the_dashboard(qtbot, app_settings) -> None:
    from madoguchi.ui.app import build_window, create_application
    from madoguchi.ui.queue_adapter import QueueLink
    from madoguchi.ui.workers import wait_for_background

    create_application(app_settings)
    context, window = build_window(app_settings, demo=True, sign_in_as="admin", live_office_speed=300.0)
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(lambda: context.live_office is not None, timeout=20000)
        assert window.findChild(type(window.status_user), "trainingMode").text().startswith("研修モード")
        display, supervisor = window.views["display"], window.views["supervisor"]
        # five office minutes a second: within a few seconds residents have been called and served
        window.show_workspace("display")
        qtbot.waitUntil(lambda: display.board.call_rows[0][0].isVisible(), timeout=60000)
        label, counter = display.board.call_rows[0][1].text(), display.board.call_rows[0][2].text()
        assert re.fullmatch(r"[A-F]-\d{3}", label) and counter != "1番窓口"  # the trainee's counter is left alone

        def served() -> int:
            found = re.search(r"完了 (\d+)人", supervisor.summary.text())
            return int(found.group(1)) if found else 0

        window.show_workspace("supervisor")
        qtbot.waitUntil(lambda: served() > 0 and "待ち" in supervisor.summary.text(), timeout=60000)
        tickets = list(supervisor.link.queue.state().tickets.values())
        assert any(t.state == TicketState.SERVED for t in tickets)
    finally:
        assert context.live_office is None or context.live_office.stop()
        for link in window.findChildren(QueueLink):
            link.stop()
        wait_for_background(20000)
        if context.database is not None:
            context.database.dispose()
