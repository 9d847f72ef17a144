"""受付: a ticket counts only once its receipt printed (or the clerk confirmed); a double press is one ticket."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from madoguchi.queue.model import TicketState
from madoguchi.queue.service import TicketQueue
from tests.ui.queue.conftest import stop_view


def _reception(qtbot, context, database):  # noqa: ANN001, ANN202
    from madoguchi.ui.reception.view import ReceptionView

    view = ReceptionView(context)
    qtbot.addWidget(view)
    view.show()
    context.set_database(database)
    qtbot.waitUntil(lambda: "A" in view.buttons and view.snapshot is not None, timeout=10000)
    return view


def _tickets(database) -> list:  # noqa: ANN001
    return sorted(TicketQueue(database, "honcho").state().tickets.values(), key=lambda t: t.id)


@pytest.mark.cups
@pytest.mark.slow
def test_keyboard_double_press_issues_one_printed_ticket(qtbot, make_context, counters_db, cups_queue,
                                                         results_dir: Path) -> None:
    context = make_context(receipt_printer=cups_queue.name)
    view = _reception(qtbot, context, counters_db)
    with qtbot.waitSignal(view.ticket_issued, timeout=60000) as issued:
        qtbot.keyClick(view, Qt.Key.Key_1)
        qtbot.keyClick(view, Qt.Key.Key_1)  # the resident's second, impatient press
    ticket = issued.args[0]
    assert ticket.label == "A-001"
    assert ticket.state == TicketState.ISSUED
    qtbot.wait(300)
    assert [(t.label, t.state) for t in _tickets(counters_db)] == [("A-001", TicketState.ISSUED)]
    # what came out of the (real) printer is the receipt
    job = view.last.extra["job"]
    printed = cups_queue.output_for(job.job_id)
    text = subprocess.run(["pdftotext", str(printed), "-"], capture_output=True, text=True, check=True).stdout
    assert "A-001" in text and "住民異動" in text and "本庁舎" in text
    (results_dir / "queue").mkdir(exist_ok=True)
    (results_dir / "queue" / "receipt-A-001.pdf").write_bytes(view.last.pdf)
    # the next press is a new ticket of the same series
    with qtbot.waitSignal(view.ticket_issued, timeout=60000):
        view._last_press = None  # noqa: SLF001 - a press long after the first
        qtbot.keyClick(view, Qt.Key.Key_1)
    assert [t.label for t in _tickets(counters_db)] == ["A-001", "A-002"]
    qtbot.waitUntil(lambda: view.snapshot.service("A").waiting == 2, timeout=5000)
    stop_view(view)


@pytest.mark.cups
def test_failed_print_leaves_no_ghost_number(qtbot, make_context, counters_db, cups_queue) -> None:  # noqa: ARG001
    # a running scheduler (cups_queue starts one) that has no such printer: "見つかりません", whatever the host runs
    context = make_context()  # the receipt printer does not exist
    view = _reception(qtbot, context, counters_db)
    with qtbot.waitSignal(view.print_failed, timeout=30000):
        qtbot.keyClick(view, Qt.Key.Key_2)
    assert view.problem.isVisible()
    assert "見つかりません" in view.problem_text.text()
    # the number exists but does not wait: nobody can be called for it
    (ticket,) = _tickets(counters_db)
    assert (ticket.label, ticket.state) == ("B-001", TicketState.PENDING)
    assert TicketQueue(counters_db, "honcho").snapshot().service("B").waiting == 0
    # the clerk gives up on it: voided, on record, never called
    with qtbot.waitSignal(view.ticket_voided, timeout=10000):
        qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert [(t.label, t.state) for t in _tickets(counters_db)] == [("B-001", TicketState.VOIDED)]
    assert TicketQueue(counters_db, "honcho").call_next(2) is None
    # the next failure is confirmed by hand (number written on a spare ticket): now it counts
    view._last_press = None  # noqa: SLF001
    with qtbot.waitSignal(view.print_failed, timeout=30000):
        qtbot.keyClick(view, Qt.Key.Key_2)
    with qtbot.waitSignal(view.ticket_issued, timeout=10000):
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert [(t.label, t.state) for t in _tickets(counters_db)] == [("B-001", TicketState.VOIDED),
                                                                   ("B-002", TicketState.ISSUED)]
    assert TicketQueue(counters_db, "honcho").call_next(2).label == "B-002"
    stop_view(view)


def test_receipt_pdf_has_number_wait_and_qr(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from madoguchi.config import load_settings
    from madoguchi.queue.receipt import Receipt, render_receipt

    receipt = Receipt("C-012", "国民健康保険", "National health insurance", datetime(2026, 11, 23, 1, 5, tzinfo=UTC),
                      load_settings().branch_name, 4, 18.4, 11.0, 26.2, "http://127.0.0.1:8080/?branch=honcho")
    path = tmp_path / "receipt.pdf"
    path.write_bytes(render_receipt(receipt))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "C-012" in text and "国民健康保険" in text
    assert "約18分（11〜26分）" in text
    assert "10:05" in text  # issued time in Japan
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) == 3  # header lines + the QR code
