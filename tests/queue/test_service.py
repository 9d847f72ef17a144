"""TicketQueue on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from madoguchi.queue.model import EventKind, QueueError, TicketState, UnknownService
from madoguchi.queue.service import TicketQueue
from madoguchi.store.db import open_database
from tests.queue.helpers import Clock, ready_queue


def test_numbers_per_service_and_day_start_again_tomorrow(database) -> None:  # noqa: ANN001
    clock = Clock()
    queue = ready_queue(database, clock=clock)
    labels = [queue.issue(s, confirm=True).label for s in ("A", "A", "B", "A")]
    assert labels == ["A-001", "A-002", "B-001", "A-003"]
    clock.advance(24 * 60)
    assert queue.issue("A", confirm=True).label == "A-001"
    with pytest.raises(UnknownService):
        queue.issue("Z")


def test_pending_ticket_is_not_waiting_until_confirmed_and_void_keeps_the_number(database) -> None:  # noqa: ANN001
    queue = ready_queue(database)
    pending = queue.issue("A")
    assert pending.state == TicketState.PENDING
    assert queue.snapshot().service("A").waiting == 0  # printing not done: no ghost in the line
    assert queue.call_next(1) is None
    queue.void(pending, "印刷失敗")
    second = queue.issue("A")
    assert second.label == "A-002"  # the voided number stays on record: no gap, no reuse
    queue.confirm(second)
    assert queue.snapshot().service("A").waiting == 1


def test_double_press_with_the_same_key_issues_one_ticket(database) -> None:  # noqa: ANN001
    queue = ready_queue(database)
    first = queue.issue("B", confirm=True, idempotency_key="kiosk-1:press-42")
    again = queue.issue("B", confirm=True, idempotency_key="kiosk-1:press-42")
    assert again.id == first.id and again.label == "B-001"
    assert queue.issue("B", confirm=True).label == "B-002"


def test_call_next_is_fair_across_the_counters_services(database) -> None:  # noqa: ANN001
    clock = Clock()
    queue = ready_queue(database, clock=clock)  # counter 1: A, B; counter 2: B, C
    b1 = queue.issue("B", confirm=True)
    clock.advance(1)
    a1 = queue.issue("A", confirm=True)
    clock.advance(1)
    c1 = queue.issue("C", confirm=True)
    assert queue.call_next(2).label == b1.label  # earliest arrival among B and C
    assert queue.call_next(1).label == a1.label
    with pytest.raises(QueueError):
        queue.call_next(1)  # A-001 is still at counter 1
    assert queue.call_next(2, finish_current=True).label == c1.label
    assert queue.ticket(b1.label).state == TicketState.SERVED


def test_recall_transfer_no_show_and_served(database) -> None:  # noqa: ANN001
    clock = Clock()
    queue = ready_queue(database, clock=clock)
    a1 = queue.issue("A", confirm=True)
    clock.advance(2)
    b1 = queue.issue("B", confirm=True)
    queue.call_next(1)
    assert queue.recall(a1).calls == 2
    moved = queue.transfer(a1, "B", reason="証明書も必要")
    assert moved.state == TicketState.TRANSFERRED and moved.arrival_at == a1.arrival_at
    # A-001 arrived before B-001, so it comes first in the B line
    assert queue.call_next(2).label == "A-001"
    queue.served("A-001")
    assert queue.call_next(1).label == b1.label
    assert queue.no_show(b1).state == TicketState.NO_SHOW
    with pytest.raises(QueueError):
        queue.served(b1)
    assert queue.verify_projection() == []


def test_supervisor_moves_forward_and_out_of_order_call_needs_a_reason(database) -> None:  # noqa: ANN001
    clock = Clock()
    queue = ready_queue(database, clock=clock)
    first = queue.issue("A", confirm=True)
    clock.advance(1)
    second = queue.issue("A", confirm=True)
    third = queue.issue("A", confirm=True)
    with pytest.raises(QueueError):
        queue.prioritise(second, " ")
    queue.prioritise(second, "車いす利用")
    assert queue.call_next(1).label == second.label
    queue.served(second)
    with pytest.raises(QueueError):
        queue.call(third.label, 1)  # not next in line, no reason
    assert queue.call(third.label, 1, reason="予約").label == third.label
    reasons = {(e.kind, e.label): e.reason for e in queue.events()}
    assert reasons[(EventKind.PRIORITISED, second.label)] == "車いす利用"
    assert reasons[(EventKind.CALLED, third.label)] == "予約"
    assert queue.state().waiting()[0].label == first.label


def test_event_log_is_append_only(database) -> None:  # noqa: ANN001
    queue = ready_queue(database)
    queue.issue("A", confirm=True)
    for statement in ("UPDATE queue_event SET kind = 'served'", "DELETE FROM queue_event"):
        with pytest.raises(DBAPIError), database.engine.begin() as connection:
            connection.execute(text(statement))
    assert len(queue.events()) == 2


def test_restart_mid_day_keeps_the_state(database_url) -> None:  # noqa: ANN001
    clock = Clock()
    database = open_database(database_url)
    queue = ready_queue(database, clock=clock)
    for service in "AABBC":
        queue.issue(service, confirm=True)
        clock.advance(1)
    queue.call_next(1)
    queue.call_next(2)
    before = queue.snapshot()
    database.dispose()  # the PC restarts

    database = open_database(database_url)
    queue = TicketQueue(database, "honcho", clock=clock)
    after = queue.snapshot()
    assert [(s.service.prefix, s.waiting) for s in after.services] == \
        [(s.service.prefix, s.waiting) for s in before.services]
    assert [(c.label, c.counter_number) for c in after.calls] == [(c.label, c.counter_number) for c in before.calls]
    assert queue.verify_projection() == []
    assert queue.issue("A", confirm=True).label == "A-003"
    database.dispose()


def test_projection_can_be_rebuilt_from_the_events(database) -> None:  # noqa: ANN001
    queue = ready_queue(database)
    for service in "AAB":
        queue.issue(service, confirm=True)
    queue.call_next(1)
    with database.engine.begin() as connection:  # someone fiddles with the table by hand
        connection.execute(text("UPDATE queue_ticket SET state = 'served', priority = 5"))
        connection.execute(text("UPDATE queue_counter_state SET ticket_id = NULL"))
    assert len(queue.verify_projection()) == 3
    assert queue.rebuild_projection() == 3
    assert queue.verify_projection() == []
    with pytest.raises(QueueError):
        queue.call_next(1)  # A-001 is at counter 1 again, as the events say


def test_stale_pending_tickets_expire(database) -> None:  # noqa: ANN001
    clock = Clock()
    queue = ready_queue(database, clock=clock)
    stale = queue.issue("A")  # the reception PC stopped while printing
    clock.advance(11)
    fresh = queue.issue("A")
    assert [t.label for t in queue.expire_pending()] == [stale.label]
    assert queue.ticket(stale.id).state == TicketState.VOIDED
    assert queue.ticket(fresh.id).state == TicketState.PENDING
    assert queue.issue("1", confirm=True).label == "A-003"  # a service id as text works too
