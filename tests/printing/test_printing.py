"""Printing through real CUPS: what the queue wrote is compared with the packet we sent."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from madoguchi import printing
from madoguchi.errors import PrinterUnavailable
from madoguchi.paths import resource_path
from madoguchi.printing import JobState, PrinterState, PrinterStatus, PrintOptions

pytestmark = pytest.mark.cups


def _packet(pages: int) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("IPAexGothic", str(resource_path("fonts", "ipaexg.ttf"))))
    out = io.BytesIO()
    page = canvas.Canvas(out)
    for number in range(1, pages + 1):
        page.setFont("IPAexGothic", 14)
        page.drawString(72, 760, f"住民異動届 {number}頁 試験 花子")
        page.showPage()
    page.save()
    return out.getvalue()


def _text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_lp_command_carries_printer_paper_and_duplex(tmp_path: Path) -> None:
    command = printing.lp_command(PrintOptions("counter-3", paper="B4", duplex=True, copies=2), tmp_path / "p.pdf",
                                  "counter-3")
    assert command[:3] == ["lp", "-d", "counter-3"]
    assert "media=B4" in command and "sides=two-sided-long-edge" in command
    assert command[command.index("-n") + 1] == "2"
    assert command[-1] == str(tmp_path / "p.pdf")
    simplex = printing.lp_command(PrintOptions("x"), tmp_path / "p.pdf", "x")
    assert "sides=one-sided" in simplex and "media=A4" in simplex


def test_printer_problems_in_plain_words() -> None:
    paper = printing.problem_for_printer(PrinterStatus("p", PrinterState.STOPPED, True, ("media-empty-error",)))
    assert paper is not None and "用紙がありません" in paper.message_ja and "再印刷" in paper.message_ja
    off = printing.problem_for_printer(PrinterStatus("p", PrinterState.STOPPED, True, ("offline-report",)))
    assert off is not None and "電源" in off.message_ja
    paused = printing.problem_for_printer(PrinterStatus("p", PrinterState.STOPPED, True, ("paused",)))
    assert paused is not None and "停止" in paused.message_ja
    assert printing.problem_for_printer(PrinterStatus("p", PrinterState.IDLE, True)) is None


def test_ipp_response_parsing_handles_multiple_values() -> None:
    body = bytes([2, 0, 0, 0, 0, 0, 0, 1, 0x04])
    body += printing._attribute(0x23, "printer-state", [5])
    body += printing._attribute(0x44, "printer-state-reasons", ["paused", "media-empty-error"])
    body += printing._attribute(0x22, "printer-is-accepting-jobs", ["\x01"])
    body += bytes([0x03])
    status, attrs = printing.parse_ipp_response(body)
    assert status == 0
    assert attrs["printer-state"] == [5]
    assert attrs["printer-state-reasons"] == ["paused", "media-empty-error"]
    assert attrs["printer-is-accepting-jobs"] == [True]


def test_print_reaches_cups_with_pages_and_text(cups_queue) -> None:
    packet = _packet(3)
    job = printing.print_pdf(packet, PrintOptions(cups_queue.name, duplex=True), timeout=60)
    assert job.final_state == JobState.COMPLETED
    written = cups_queue.output_for(job.job_id)
    assert len(PdfReader(written).pages) == len(PdfReader(io.BytesIO(packet)).pages) == 3
    pages = _text(written).split("\f")[:3]
    # every page keeps its Japanese text (pdftocairo's subsets may drop a lone digit's mapping, so the
    # comparison is on the words a clerk reads)
    assert all("住民異動届" in page and "試験 花子" in page for page in pages)


def test_stopped_queue_is_refused_in_plain_words_and_nothing_is_queued(cups_queue) -> None:
    before = set(cups_queue.out_dir.glob("*.pdf"))
    cups_queue.disable()
    try:
        with pytest.raises(PrinterUnavailable) as caught:
            printing.submit_pdf(_packet(1), PrintOptions(cups_queue.name))
        assert "停止" in caught.value.message_ja and "再印刷" in caught.value.message_ja
        status = printing.printer_status(cups_queue.name)
        assert status is not None and status.state == PrinterState.STOPPED
    finally:
        cups_queue.enable()
    assert set(cups_queue.out_dir.glob("*.pdf")) == before


def test_missing_printer_is_named(cups_queue) -> None:
    with pytest.raises(PrinterUnavailable) as caught:
        printing.submit_pdf(_packet(1), PrintOptions("no-such-printer-7"))
    assert "no-such-printer-7" in caught.value.message_ja and "見つかりません" in caught.value.message_ja


def test_held_job_is_reported_and_can_be_cancelled(cups_queue) -> None:
    # a job held at the printer (what a printer does when it waits for paper) never counts as printed
    completed = subprocess.run(["lp", "-d", cups_queue.name, "-H", "indefinite", "-t", "held", "-"],
                               input=_packet(1), capture_output=True, check=True, env={"LC_ALL": "C"})
    job = printing.PrintJob(cups_queue.name, printing._job_id(completed.stdout.decode(), cups_queue.name))
    with pytest.raises(PrinterUnavailable) as caught:
        printing.follow_job(job, timeout=10)
    assert "保留" in caught.value.message_ja
    assert caught.value.job is job
    printing.cancel_job(job)
    assert printing.job_status(job).state == JobState.CANCELED


def test_save_pdf_is_atomic(tmp_path: Path) -> None:
    target = printing.save_pdf(_packet(1), tmp_path / "packet.pdf")
    assert target.read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.glob("*.part"))
