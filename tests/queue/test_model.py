from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from madoguchi.queue.model import (
    EventKind,
    InvalidTransition,
    QueueEvent,
    QueueState,
    TicketState,
    business_day,
    ticket_label,
)

T0 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)


def _events(*kinds: tuple[EventKind, int, dict]) -> list[QueueEvent]:
    out = []
    for i, (kind, ticket_id, extra) in enumerate(kinds, start=1):
        out.append(QueueEvent(id=i, at=T0 + timedelta(minutes=i), kind=kind, branch_id="b", day=date(2026, 11, 23),
                              ticket_id=ticket_id, **extra))
    return out


def test_labels_and_business_day() -> None:
    assert ticket_label("A", 1) == "A-001"
    assert ticket_label("B", 1234) == "B-1234"
    # 23:30 UTC is already the next day in Japan
    assert business_day(datetime(2026, 11, 22, 23, 30, tzinfo=UTC)) == date(2026, 11, 23)


def test_fold_follows_a_ticket_through_its_life() -> None:
    state = QueueState.from_events(_events(
        (EventKind.COUNTER_OPENED, None, {"counter_id": 1}),
        (EventKind.ISSUED, 10, {"service_id": 1, "number": 1, "label": "A-001", "seq": 1}),
        (EventKind.CONFIRMED, 10, {"seq": 2}),
        (EventKind.CALLED, 10, {"seq": 3, "counter_id": 1}),
        (EventKind.RECALLED, 10, {"seq": 4}),
        (EventKind.SERVED, 10, {"seq": 5}),
    ))
    ticket = state.tickets[10]
    assert ticket.state == TicketState.SERVED
    assert ticket.calls == 2
    assert ticket.first_called_at == T0 + timedelta(minutes=4)
    assert state.counters[1].ticket_id is None and state.counters[1].open
    assert [round(s.minutes) for s in state.samples] == [2]


def test_pending_tickets_do_not_wait_and_fair_order_respects_priority() -> None:
    state = QueueState.from_events(_events(
        (EventKind.ISSUED, 1, {"service_id": 1, "number": 1, "label": "A-001", "seq": 1}),
        (EventKind.ISSUED, 2, {"service_id": 1, "number": 2, "label": "A-002", "seq": 1}),
        (EventKind.ISSUED, 3, {"service_id": 1, "number": 3, "label": "A-003", "seq": 1}),
        (EventKind.CONFIRMED, 2, {"seq": 2}),
        (EventKind.CONFIRMED, 3, {"seq": 2}),
        (EventKind.PRIORITISED, 3, {"seq": 3, "reason": "車いす"}),
    ))
    assert [t.label for t in state.waiting()] == ["A-003", "A-002"]  # A-001 is pending: no ghost


def test_impossible_transition_is_refused() -> None:
    events = _events((EventKind.ISSUED, 1, {"service_id": 1, "number": 1, "label": "A-001", "seq": 1}),
                     (EventKind.SERVED, 1, {"seq": 2}))
    with pytest.raises(InvalidTransition) as info:
        QueueState.from_events(events)
    assert "A-001" in info.value.message_ja and "A-001" in info.value.message_en


def test_transfer_keeps_arrival_and_moves_line() -> None:
    state = QueueState.from_events(_events(
        (EventKind.ISSUED, 1, {"service_id": 1, "number": 1, "label": "A-001", "seq": 1}),
        (EventKind.CONFIRMED, 1, {"seq": 2}),
        (EventKind.CALLED, 1, {"seq": 3, "counter_id": 1}),
        (EventKind.TRANSFERRED, 1, {"seq": 4, "service_id": 2}),
        (EventKind.ISSUED, 2, {"service_id": 2, "number": 1, "label": "B-001", "seq": 1}),
        (EventKind.CONFIRMED, 2, {"seq": 2}),
    ))
    assert [t.label for t in state.waiting([2])] == ["A-001", "B-001"]
    assert state.tickets[1].arrival_at == T0 + timedelta(minutes=1)
