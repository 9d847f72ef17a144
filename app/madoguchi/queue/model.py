"""The queue's domain model: plain data, no database, no Qt.

A ticket's life is a chain of :class:`QueueEvent` s; its current state is what folding
those events gives (:class:`QueueState`). The database keeps the events append-only and a
projection of the current state for locking (see :mod:`madoguchi.queue.service`); the
display, the supervisor's KPIs, the wait estimate and its back-test all read a
:class:`QueueState` folded from the events, so they see exactly what the event log says.

States (整理券の状態)::

    pending ──confirmed──▶ issued ──called──▶ called ──recalled──▶ recalled
       │                    │  ▲                 │ │                  │
     voided          prioritised  requeued ◀─────┘ ├─served──▶ served  │
                            │                      ├─no_show─▶ no_show │
                     transferred ◀─────────────────┴───────────────────┘

``pending`` is a number that exists but does not count yet: the receipt is being printed.
It becomes ``issued`` (waiting) once printing succeeded or the clerk confirmed, or
``voided`` when printing failed — so a number never waits in the queue without a paper
ticket (no ghost numbers) while the series stays gap-free (the voided number is on record).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum

from madoguchi.errors import ExitCode, MadoguchiError

#: Japan has no daylight saving time: a fixed offset needs no tz database (Windows has none)
BUSINESS_TZ = timezone(timedelta(hours=9), "JST")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every timestamp we store is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def business_day(at: datetime) -> date:
    """The office day a moment belongs to (ticket series restart every day)."""
    return as_utc(at).astimezone(BUSINESS_TZ).date()


def ticket_label(prefix: str, number: int) -> str:
    return f"{prefix}-{number:03d}"


class TicketState(StrEnum):
    PENDING = "pending"
    ISSUED = "issued"
    CALLED = "called"
    RECALLED = "recalled"
    TRANSFERRED = "transferred"
    SERVED = "served"
    NO_SHOW = "no_show"
    VOIDED = "voided"


WAITING_STATES = frozenset({TicketState.ISSUED, TicketState.TRANSFERRED})
AT_COUNTER_STATES = frozenset({TicketState.CALLED, TicketState.RECALLED})
FINAL_STATES = frozenset({TicketState.SERVED, TicketState.NO_SHOW, TicketState.VOIDED})


class EventKind(StrEnum):
    ISSUED = "issued"  # a number was allocated (state pending)
    CONFIRMED = "confirmed"  # the receipt printed / the clerk confirmed: the ticket waits
    VOIDED = "voided"
    CALLED = "called"
    RECALLED = "recalled"
    TRANSFERRED = "transferred"
    REQUEUED = "requeued"  # back to the waiting line, keeping the arrival time
    PRIORITISED = "prioritised"  # a supervisor moved it forward (reason recorded)
    SERVED = "served"
    NO_SHOW = "no_show"
    COUNTER_OPENED = "counter_opened"
    COUNTER_CLOSED = "counter_closed"


#: which states each ticket event may start from, and the state it leads to (None: unchanged)
TRANSITIONS: dict[EventKind, tuple[frozenset[TicketState], TicketState | None]] = {
    EventKind.CONFIRMED: (frozenset({TicketState.PENDING}), TicketState.ISSUED),
    EventKind.VOIDED: (frozenset({TicketState.PENDING}) | WAITING_STATES, TicketState.VOIDED),
    EventKind.CALLED: (WAITING_STATES, TicketState.CALLED),
    EventKind.RECALLED: (AT_COUNTER_STATES, TicketState.RECALLED),
    EventKind.TRANSFERRED: (WAITING_STATES | AT_COUNTER_STATES, TicketState.TRANSFERRED),
    EventKind.REQUEUED: (AT_COUNTER_STATES, TicketState.ISSUED),
    EventKind.PRIORITISED: (WAITING_STATES, None),
    EventKind.SERVED: (AT_COUNTER_STATES, TicketState.SERVED),
    EventKind.NO_SHOW: (AT_COUNTER_STATES, TicketState.NO_SHOW),
}

TICKET_EVENTS = frozenset(TRANSITIONS) | {EventKind.ISSUED}
COUNTER_EVENTS = frozenset({EventKind.COUNTER_OPENED, EventKind.COUNTER_CLOSED})


class QueueError(MadoguchiError):
    """A queue operation that cannot be done as asked (wrong state, unknown ticket …)."""

    exit_code = ExitCode.INPUT


class TicketNotFound(QueueError):
    pass


class InvalidTransition(QueueError):
    pass


class UnknownService(QueueError):
    pass


class UnknownCounter(QueueError):
    pass


def invalid_transition(label: str, state: TicketState, kind: EventKind) -> InvalidTransition:
    return InvalidTransition(
        f"整理券 {label} は状態「{STATE_NAMES_JA[state]}」のため「{EVENT_NAMES_JA[kind]}」できません。"
        "画面を更新して最新の状態を確認してください。",
        f"ticket {label} is {state.value}, so it cannot be {kind.value}. Refresh to see its current state.")


STATE_NAMES_JA = {
    TicketState.PENDING: "発券中", TicketState.ISSUED: "待ち", TicketState.CALLED: "呼出中",
    TicketState.RECALLED: "再呼出", TicketState.TRANSFERRED: "回送", TicketState.SERVED: "完了",
    TicketState.NO_SHOW: "不在", TicketState.VOIDED: "取消",
}
EVENT_NAMES_JA = {
    EventKind.ISSUED: "発券", EventKind.CONFIRMED: "発券確定", EventKind.VOIDED: "取消",
    EventKind.CALLED: "呼出", EventKind.RECALLED: "再呼出", EventKind.TRANSFERRED: "回送",
    EventKind.REQUEUED: "待ちに戻す", EventKind.PRIORITISED: "優先", EventKind.SERVED: "完了",
    EventKind.NO_SHOW: "不在", EventKind.COUNTER_OPENED: "窓口開始", EventKind.COUNTER_CLOSED: "窓口終了",
}


@dataclass(frozen=True)
class ServiceInfo:
    id: int
    prefix: str
    name: str
    name_en: str
    default_minutes: float
    sort_order: int = 0


@dataclass(frozen=True)
class CounterInfo:
    id: int
    branch_id: str
    number: int
    name: str
    service_ids: frozenset[int]


@dataclass(frozen=True)
class QueueEvent:
    """One row of the append-only event log. ``reason`` is staff text, never shown publicly."""

    id: int
    at: datetime
    kind: EventKind
    branch_id: str
    day: date
    ticket_id: int | None = None
    seq: int = 0
    counter_id: int | None = None
    service_id: int | None = None
    number: int | None = None
    label: str | None = None
    staff_id: int | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Ticket:
    """A ticket's current state, as derived from its events."""

    id: int
    branch_id: str
    day: date
    number: int
    label: str
    service_id: int  # the service it waits for now (changes on transfer)
    original_service_id: int
    state: TicketState
    arrival_at: datetime  # when the number was taken; kept through transfers (fair order)
    confirmed_at: datetime | None = None
    first_called_at: datetime | None = None
    called_at: datetime | None = None  # latest call at the current counter
    finished_at: datetime | None = None
    counter_id: int | None = None
    priority: int = 0
    calls: int = 0
    version: int = 1

    @property
    def waiting(self) -> bool:
        return self.state in WAITING_STATES

    def order_key(self) -> tuple:
        """Fair order: supervisor priority first, then arrival, then number."""
        return (-self.priority, self.arrival_at, self.id)

    def wait_minutes(self, now: datetime) -> float | None:
        """Minutes from arrival to the first call (or to ``now`` while still waiting)."""
        start = self.confirmed_at or self.arrival_at
        end = self.first_called_at or (now if self.state in WAITING_STATES else None)
        return None if end is None else max(0.0, (end - start).total_seconds() / 60)


@dataclass
class CounterState:
    counter_id: int
    open: bool = False
    staff_id: int | None = None
    ticket_id: int | None = None
    since: datetime | None = None


@dataclass(frozen=True)
class ServiceSample:
    """One finished service at a counter, for the service-time estimate."""

    service_id: int
    counter_id: int | None
    started: datetime
    ended: datetime

    @property
    def minutes(self) -> float:
        return max(0.0, (self.ended - self.started).total_seconds() / 60)


@dataclass
class QueueState:
    """The fold of a branch's events: tickets, counters and finished service times."""

    tickets: dict[int, Ticket] = field(default_factory=dict)
    counters: dict[int, CounterState] = field(default_factory=dict)
    samples: list[ServiceSample] = field(default_factory=list)
    last_event_id: int = 0
    last_event_at: datetime | None = None

    @classmethod
    def from_events(cls, events: Iterable[QueueEvent]) -> QueueState:
        state = cls()
        for event in events:
            state.apply(event)
        return state

    def apply(self, event: QueueEvent) -> Ticket | None:
        """Fold one event in; raise :class:`InvalidTransition` for an impossible one."""
        self.last_event_id = max(self.last_event_id, event.id)
        self.last_event_at = event.at
        if event.kind in COUNTER_EVENTS:
            self._apply_counter(event)
            return None
        if event.kind == EventKind.ISSUED:
            ticket = Ticket(id=event.ticket_id or 0, branch_id=event.branch_id, day=event.day,
                            number=event.number or 0, label=event.label or "", service_id=event.service_id or 0,
                            original_service_id=event.service_id or 0, state=TicketState.PENDING,
                            arrival_at=event.at, version=event.seq or 1)
            self.tickets[ticket.id] = ticket
            return ticket
        ticket = self.tickets.get(event.ticket_id or -1)
        if ticket is None:
            raise TicketNotFound(f"整理券 (id {event.ticket_id}) の発券記録がありません。",
                                 f"ticket id {event.ticket_id} has no issue event.")
        new = apply_ticket_event(ticket, event)
        self._track_counter(ticket, new, event)
        self.tickets[new.id] = new
        return new

    def _apply_counter(self, event: QueueEvent) -> None:
        counter = self.counters.setdefault(event.counter_id or 0, CounterState(event.counter_id or 0))
        counter.open = event.kind == EventKind.COUNTER_OPENED
        counter.staff_id = event.staff_id if counter.open else None
        counter.since = event.at

    def _track_counter(self, old: Ticket, new: Ticket, event: QueueEvent) -> None:
        if event.kind == EventKind.CALLED and event.counter_id is not None:
            counter = self.counters.setdefault(event.counter_id, CounterState(event.counter_id))
            counter.open, counter.ticket_id, counter.since = True, new.id, event.at
            if event.staff_id is not None:
                counter.staff_id = event.staff_id
        if old.state in AT_COUNTER_STATES and new.state not in AT_COUNTER_STATES:
            if old.counter_id is not None and old.counter_id in self.counters:
                counter = self.counters[old.counter_id]
                if counter.ticket_id == old.id:
                    counter.ticket_id, counter.since = None, event.at
            if event.kind in (EventKind.SERVED, EventKind.TRANSFERRED) and old.called_at is not None:
                self.samples.append(ServiceSample(old.service_id, old.counter_id, old.called_at, event.at))

    # -- queries -------------------------------------------------------------------------

    def waiting(self, service_ids: Iterable[int] | None = None) -> list[Ticket]:
        """Waiting tickets in fair order, optionally only those of ``service_ids``."""
        wanted = None if service_ids is None else set(service_ids)
        tickets = [t for t in self.tickets.values()
                   if t.state in WAITING_STATES and (wanted is None or t.service_id in wanted)]
        return sorted(tickets, key=Ticket.order_key)

    def next_for(self, service_ids: Iterable[int]) -> Ticket | None:
        waiting = self.waiting(service_ids)
        return waiting[0] if waiting else None

    def at_counter(self, counter_id: int) -> Ticket | None:
        counter = self.counters.get(counter_id)
        return self.tickets.get(counter.ticket_id) if counter and counter.ticket_id else None

    def open_counter_ids(self) -> set[int]:
        return {c.counter_id for c in self.counters.values() if c.open}

    def by_label(self, label: str) -> Ticket | None:
        for ticket in self.tickets.values():
            if ticket.label == label:
                return ticket
        return None


def apply_ticket_event(ticket: Ticket, event: QueueEvent) -> Ticket:
    """The ticket after ``event``: the one transition function, shared by the database and the fold."""
    allowed, target = TRANSITIONS[event.kind]
    if ticket.state not in allowed:
        raise invalid_transition(ticket.label, ticket.state, event.kind)
    at = event.at
    changes: dict = {"version": event.seq or ticket.version + 1}
    if target is not None:
        changes["state"] = target
    if event.kind == EventKind.CONFIRMED:
        changes["confirmed_at"] = at
    elif event.kind == EventKind.CALLED:
        changes.update(counter_id=event.counter_id, called_at=at, calls=ticket.calls + 1,
                       first_called_at=ticket.first_called_at or at)
    elif event.kind == EventKind.RECALLED:
        changes["calls"] = ticket.calls + 1
    elif event.kind == EventKind.TRANSFERRED:
        changes.update(service_id=event.service_id or ticket.service_id, counter_id=None, called_at=None,
                       priority=0)
    elif event.kind == EventKind.REQUEUED:
        changes.update(counter_id=None, called_at=None)
    elif event.kind == EventKind.PRIORITISED:
        changes["priority"] = ticket.priority + 1
    elif event.kind in (EventKind.SERVED, EventKind.NO_SHOW, EventKind.VOIDED):
        changes["finished_at"] = at
    return replace(ticket, **changes)
