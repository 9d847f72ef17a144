"""Where a visit comes from and where the card comes from: the queue's next ticket, the IC chip's
failure (OCR keeps what was read), the document camera in its worker thread."""

from __future__ import annotations

from pathlib import Path

import cv2
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from madoguchi.counter.flow import Step
from madoguchi.errors import MadoguchiError
from madoguchi.queue.model import TicketState


def test_next_ticket_is_called_and_marked_served_when_done(qtbot, counter_view, card_reading) -> None:
    view = counter_view
    queue = view.service.queue
    service_id = sorted(queue.counter(1).service_ids)[0]
    ticket = queue.issue(service_id, confirm=True)
    view._refresh_waiting()
    qtbot.waitUntil(lambda: "1 人" in view.who.waiting.text(), timeout=10000)
    QTest.keyClick(QApplication.focusWidget() or view, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: view.flow.visit is not None, timeout=10000)
    assert view.flow.ticket_label == ticket.label
    assert ticket.label in view.ticket_label.text()
    assert queue.ticket(ticket.id).state == TicketState.CALLED
    view.flow.set_reading(card_reading)
    view._on_finish_requested()
    qtbot.waitUntil(lambda: queue.ticket(ticket.id).state == TicketState.SERVED, timeout=10000)
    assert view.flow.visit is None
    assert ticket.label in view.done.summary.text()


def test_nobody_waiting_is_said_plainly(qtbot, counter_view) -> None:
    QTest.keyClick(QApplication.focusWidget() or counter_view, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: counter_view.banner.isVisible(), timeout=10000)
    assert "お待ちの方はいません" in counter_view.banner.text()
    assert counter_view.flow.visit is None


def test_a_failed_ic_read_keeps_what_ocr_read_and_offers_ocr(counter_view, card_reading) -> None:
    view = counter_view
    view.flow.start()
    view.flow.set_reading(card_reading)
    before = {name: state.value for name, state in view.flow.fields.items()}
    view.flow.go_to(Step.CARD)
    view._on_ic_failed(MadoguchiError("暗証番号が違います。", "wrong PIN"))
    assert "暗証番号が違います" in view.card.status.text() and "Ctrl+O" in view.card.status.text()
    assert {name: state.value for name, state in view.flow.fields.items()} == before


@pytest.mark.slow
def test_camera_preview_and_auto_capture_run_in_a_worker_thread(qtbot, counter_settings, card_sample,
                                                                tmp_path: Path) -> None:
    """A video file stands in for the document camera (CameraCapture reads both through OpenCV)."""
    from dataclasses import replace

    from tests.ui.counter.conftest import close_view, make_view

    frame = card_sample.capture
    video = tmp_path / "camera.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (frame.shape[1], frame.shape[0]))
    for _ in range(20):  # two seconds of a card held still
        writer.write(frame)
    writer.release()
    view = make_view(qtbot, replace(counter_settings, camera_index=0))
    try:
        view.card.camera_source = str(video)  # the setting holds an index; the worker takes any OpenCV source
        QTest.keyClick(view.focusWidget() or view, Qt.Key.Key_F3)  # this view's own focus, not a closed one's
        assert view.flow.step == Step.CARD
        assert view.card.camera_button.isVisible()
        qtbot.waitUntil(lambda: view.flow.step == Step.CHECK, timeout=60000)
        assert view.flow.fields["family_name"].value
        assert view.flow.reading.source.startswith("camera")
    finally:
        close_view(view)


def test_cancelling_a_visit_asks_then_removes_everything(qtbot, counter_view, card_reading, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    view = counter_view
    view.flow.start()
    view.flow.set_reading(card_reading)
    view.save_draft_now()
    assert view.cancel_button.isVisible()
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.No)
    view._on_cancel_requested()
    assert view.flow.visit is not None  # "No" keeps the visit
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    view._on_cancel_requested()
    assert view.flow.visit is None and view.flow.step == Step.WHO
    assert all(not row.edit.text() for row in view.check.rows.values())
    view.wait_for_work(10000)
    assert view.service.drafts.list_open() == []
    assert not view.cancel_button.isVisible()
