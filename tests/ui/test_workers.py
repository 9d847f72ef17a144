"""Background work: results come back on the UI thread, and never to a widget that is gone."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QLabel

from madoguchi.ui.workers import run_in_background, wait_for_background


def test_result_and_error_arrive_on_the_ui_thread(qtbot) -> None:  # noqa: ANN001
    seen: list[tuple[str, object, bool]] = []
    main = threading.get_ident()

    def work(x: int) -> int:
        assert threading.get_ident() != main
        return x * 2

    def fail() -> None:
        raise ValueError("broken")

    run_in_background(work, 21, on_done=lambda r: seen.append(("done", r, threading.get_ident() == main)))
    run_in_background(fail, on_error=lambda e: seen.append(("error", type(e).__name__, threading.get_ident() == main)))
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    assert sorted(seen) == [("done", 42, True), ("error", "ValueError", True)]


def test_callbacks_of_a_deleted_widget_are_dropped(qtbot) -> None:  # noqa: ANN001
    label = QLabel()
    gate = threading.Event()
    run_in_background(lambda: gate.wait(5) and "late", on_done=label.setText)
    label.deleteLater()
    qtbot.waitUntil(lambda: not __import__("shiboken6").isValid(label), timeout=5000)
    gate.set()
    assert wait_for_background(5000)
    qtbot.wait(50)  # the queued result is delivered (and dropped) without an exception
