"""The whole counter visit without a display: card image → checked record → forms → packet → print
job → ticket served, through VisitFlow and VisitService with the real reader, forms, draft store,
queue (SQLite) and CUPS; the printer failing, a re-print, and a crash resumed from the draft."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from madoguchi.config import Settings, load_settings
from madoguchi.counter.flow import PrintOutcome, Step, VisitFlow
from madoguchi.counter.service import VisitService
from madoguchi.errors import InputError, PrinterUnavailable
from madoguchi.ids.model import IdReading
from madoguchi.privacy.audit import AuditLog
from madoguchi.queue.model import TicketState
from madoguchi.seed import seed_defaults
from madoguchi.store.db import Database, open_database
from madoguchi.ui import (
    printing as os_printing,  # Qt-free on this path: CUPS; only Windows paints with QPrinter
)

if TYPE_CHECKING:
    from tests.data.cards import Sample
    from tests.support.cups import CupsQueue

MISSING_PRINTER = "madoguchi-no-such-printer"


@pytest.fixture
def counter(sqlite_url: str) -> Iterator[tuple[Settings, Database]]:
    settings = replace(load_settings(), database_url=sqlite_url, counter_number=1, key_store="file")
    database = open_database(settings.effective_database_url)
    seed_defaults(database, settings.branch_id, settings.branch_name, counters=3)
    yield settings, database
    database.dispose()


def _service(settings: Settings, database: Database) -> VisitService:
    service = VisitService(settings, os_printing, database=database, login="clerk1")
    service.open_drafts()
    return service


def _clerk_checks(flow: VisitFlow) -> None:
    """The Check step as a clerk does it: furigana accepted, anything the OCR got wrong typed from the card."""
    flow.accept_all_suggestions()
    typed = {"birth_date": "1985-04-12", "address": "東京都大田区蒲田5丁目13番1号", "sex": "女"}
    for name, state in flow.fields.items():
        if state.problem:
            flow.edit(name, typed.get(name, "シケン" if state.spec.kind == "kana" else "試験"))


@pytest.mark.cups
@pytest.mark.slow
def test_card_image_to_served_ticket_with_a_failed_print_and_a_reprint(counter: tuple[Settings, Database],
                                                                       cups_queue: CupsQueue, card_sample: Sample) -> None:
    settings, database = counter
    service = _service(replace(settings, printer_name=MISSING_PRINTER), database)
    service.start_reader()
    queue = service.queue
    ticket = queue.issue(sorted(queue.counter(1).service_ids)[0], confirm=True)
    assert service.waiting() == 1
    called = service.call_next()
    assert called.id == ticket.id and queue.ticket(ticket.id).state == TicketState.CALLED

    flow = VisitFlow()
    flow.start(called, called.label)
    reading = service.read(card_sample.encoded(), "scanner")
    flow.set_reading(reading)
    assert flow.step == Step.CHECK and flow.fields["family_name"].value
    _clerk_checks(flow)
    resident = flow.confirm()
    flow.choose_event("証明書の交付")
    flow.answer("certificates", ["住民票"])
    flow.to_preview()
    flow.set_packet(flow.render())
    service.keep_packet(flow.visit.id, flow.packet.pdf)
    service.save_draft(flow.visit.id, flow.to_draft())

    # the printer is missing: a plain message, nothing lost, nothing half-sent
    flow.to_print()
    with pytest.raises(PrinterUnavailable) as failed:
        service.submit_print(flow.packet.pdf)
    flow.printed(PrintOutcome(False, failed.value.message("ja")))
    assert "見つかりません" in flow.outcome.message_ja and flow.visit is not None and flow.packet is not None

    # the clerk picks the right printer and presses 再印刷
    service.settings = replace(service.settings, printer_name=cups_queue.name)
    job = service.submit_print(flow.packet.pdf)
    job = service.follow_print(job)
    flow.printed(PrintOutcome(True, job_name=job.name))
    service.mark_printed(flow.visit.id)
    assert flow.visit.state == "printed" and service.print_job is job
    printed = cups_queue.output_for(job.job_id)
    text = subprocess.run(["pdftotext", str(printed), "-"], capture_output=True, text=True, check=True).stdout
    assert resident.family_name in text.replace(" ", "").replace("\u3000", "")

    # done: the ticket is served, the draft and the kept packet are gone, the audit has ids only
    visit_id = flow.visit.id
    service.audit("visit_done", visit_id, {"forms": len(flow.form_ids())})
    assert service.served(called.id).state == TicketState.SERVED
    service.delete_draft(visit_id)
    flow.finish()
    assert service.open_visits() == [] and service.kept_packet(visit_id) is None
    assert queue.ticket(ticket.id).state == TicketState.SERVED
    entries = AuditLog(database).entries()
    assert [e.action for e in entries][-1:] == ["visit_done"]
    assert all(resident.family_name not in repr(entry) for entry in entries)


def test_a_crash_mid_visit_is_resumed_from_the_draft_with_its_packet(counter: tuple[Settings, Database],
                                                                     card_reading: IdReading) -> None:
    settings, database = counter
    service = _service(settings, database)
    flow = VisitFlow()
    flow.start(ticket_label="A-001")
    flow.set_reading(card_reading)
    _clerk_checks(flow)
    flow.confirm()
    flow.choose_event("証明書の交付")
    flow.answer("certificates", ["住民票", "課税証明"])
    flow.to_preview()
    flow.set_packet(flow.render())
    flow.to_print()
    service.keep_packet(flow.visit.id, flow.packet.pdf)
    service.save_draft(flow.visit.id, flow.to_draft())

    # the PC restarts: a new service and flow find the visit and its packet
    again = _service(settings, database)
    (info,) = again.open_visits()
    assert info.visit_id == flow.visit.id
    resumed = VisitFlow()
    resumed.resume(again.load_draft(info.visit_id))
    assert resumed.step == Step.PREVIEW and resumed.ticket_label == "A-001"
    assert resumed.form_ids() == flow.form_ids()
    assert again.kept_packet(info.visit_id) == flow.packet.pdf
    assert resumed.render().page_count == flow.packet.page_count
    with pytest.raises(InputError):
        again.load_draft("no-such-visit")


def test_without_a_reader_or_a_queue_the_service_says_so(counter: tuple[Settings, Database]) -> None:
    settings, _database = counter  # no database given to this service
    service = VisitService(settings, os_printing)
    with pytest.raises(InputError) as no_reader:
        service.read(b"", "file")
    assert "読取の準備中" in no_reader.value.message("ja")
    with pytest.raises(InputError) as no_queue:
        service.call_next()
    assert "F3" in no_queue.value.message("ja")
    assert service.open_visits() == [] and service.kept_packet("x") is None
    service.audit("visit_done", "x")  # no database: nothing to record, nothing raised
