"""One branch's ticket queue on a database: :class:`TicketQueue`.

Every write is one short transaction that (1) locks what it changes, (2) checks the
transition with the same function the event fold uses (:func:`model.apply_ticket_event`),
(3) appends the event row, (4) updates the ``queue_ticket`` projection, and on PostgreSQL
(5) sends ``NOTIFY madoguchi_queue`` from the event's own INSERT (``RETURNING pg_notify(…)``),
which PostgreSQL delivers only if the transaction commits. Either all of it lands or none
of it does: a lost database raises :class:`~madoguchi.errors.DatabaseUnavailable` and
nothing is half-committed.

Why it cannot race:

- **numbers**: ``UPDATE queue_series SET last_number = last_number + 1 … RETURNING`` is a
  single locked statement (PostgreSQL row lock; SQLite ``BEGIN IMMEDIATE``), in the same
  transaction as the ticket insert: no read-modify-write, no duplicate, no gap.
- **calls**: PostgreSQL picks the head of the line with ``FOR UPDATE SKIP LOCKED`` after
  locking the counter's own row, so two clerks calling at once get different tickets; SQLite
  serialises writers with ``BEGIN IMMEDIATE``.
- **no ghost numbers**: :meth:`TicketQueue.issue` gives a *pending* ticket (number on record,
  not waiting, not counted) unless ``confirm=True``; reception confirms it once the receipt
  printed (:meth:`confirm`) or voids it (:meth:`void`) — a voided number stays on record, so
  the series has no gaps and the queue no ghosts.
- **double press**: an ``idempotency_key`` (unique in the table) returns the first ticket.

Read side: :meth:`state` folds the day's events into a :class:`~madoguchi.queue.model.QueueState`;
:meth:`snapshot` turns it into what displays show (see :mod:`madoguchi.queue.kpi`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from datetime import date, datetime, timedelta

from sqlalchemy import Text, cast, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from madoguchi.queue import tables as t
from madoguchi.queue.model import (
    AT_COUNTER_STATES,
    WAITING_STATES,
    CounterInfo,
    EventKind,
    InvalidTransition,
    QueueError,
    QueueEvent,
    QueueState,
    ServiceInfo,
    Ticket,
    TicketNotFound,
    TicketState,
    UnknownCounter,
    UnknownService,
    apply_ticket_event,
    as_utc,
    business_day,
    ticket_label,
    utcnow,
)
from madoguchi.store.db import Database
from madoguchi.store.models import Branch, Counter, CounterService, Service

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "madoguchi_queue"

TicketRef = int | str | Ticket


class TicketQueue:
    """The queue of one branch. Thread-safe as far as the database is; cheap to create.

    ``clock`` returns the current UTC time (tests and the simulation pass their own);
    ``terminal`` names this PC in the event log.
    """

    def __init__(self, database: Database, branch_id: str = "honcho", *,
                 clock: Callable[[], datetime] = utcnow, terminal: str = "") -> None:
        self.database = database
        self.branch_id = branch_id
        self.clock = clock
        self.terminal = terminal[:64] or None
        self._services: dict[int, ServiceInfo] | None = None
        self._counters: dict[int, CounterInfo] | None = None

    # -- reference data -------------------------------------------------------------------

    def services(self) -> list[ServiceInfo]:
        """Active services in display order (cached; :meth:`reload` after edits in 設定)."""
        if self._services is None:
            self._services = load_services(self.database)
        return sorted(self._services.values(), key=lambda s: (s.sort_order, s.prefix))

    def counters(self) -> list[CounterInfo]:
        if self._counters is None:
            self._counters = {c.number: c for c in load_counters(self.database, self.branch_id)}
        return sorted(self._counters.values(), key=lambda c: c.number)

    def reload(self) -> None:
        self._services = self._counters = None

    def service(self, ref: int | str) -> ServiceInfo:
        """A service by id or prefix letter (``"A"``)."""
        self.services()
        assert self._services is not None
        for service in self._services.values():
            if service.id == ref or (isinstance(ref, str) and (service.prefix.upper() == ref.upper()
                                                               or (ref.isdigit() and service.id == int(ref)))):
                return service
        known = ", ".join(s.prefix for s in self.services())
        raise UnknownService(f"業務 {ref!r} はありません。使える業務: {known}",
                             f"there is no service {ref!r}; known services: {known}")

    def counter(self, number: int) -> CounterInfo:
        self.counters()
        assert self._counters is not None
        counter = self._counters.get(int(number))
        if counter is None:
            self.reload()
            self.counters()
            counter = self._counters.get(int(number))  # type: ignore[union-attr]
        if counter is None:
            raise UnknownCounter(f"{self.branch_id} に {number}番窓口はありません。設定で窓口を追加してください。",
                                 f"branch {self.branch_id} has no counter {number}; add it in the settings.")
        return counter

    # -- transactions ---------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with self.database.session() as session:
            if not self.database.is_postgresql:
                # take SQLite's write lock now, not at the first write: a read that later
                # upgrades to a write could fail under another PC's commit
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            yield session

    def _insert_ignore(self, session: Session, table, values: dict) -> None:  # noqa: ANN001
        if self.database.is_postgresql:
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        session.execute(dialect_insert(table).values(**values).on_conflict_do_nothing())

    def _append(self, session: Session, kind: EventKind, at: datetime, *, ticket: t.QueueTicket | None = None,
                seq: int = 0, counter_id: int | None = None, service_id: int | None = None,
                staff_id: int | None = None, reason: str | None = None) -> tuple[int, str]:
        """Append one event row (a plain INSERT … RETURNING: no ORM bookkeeping); return (id, kind)."""
        values = {"at": at, "day": ticket.day if ticket is not None else business_day(at),
                  "branch_id": self.branch_id, "kind": kind.value,
                  "ticket_id": ticket.id if ticket is not None else None, "seq": seq, "counter_id": counter_id,
                  "service_id": service_id, "number": ticket.number if ticket is not None else None,
                  "label": ticket.label if ticket is not None else None, "staff_id": staff_id,
                  "reason": (reason or None) and reason[:200], "terminal": self.terminal}
        statement = insert(t.QueueEventRow).values(**values).returning(t.QueueEventRow.id)
        if self.database.is_postgresql:
            # NOTIFY from the same statement (no extra round trip); PostgreSQL delivers it
            # only if the transaction commits, so a display never hears of a change that failed
            table = t.QueueEventRow.__table__
            payload = func.json_build_object("branch", table.c.branch_id, "event", table.c.id,
                                             "kind", table.c.kind)
            statement = statement.returning(func.pg_notify(NOTIFY_CHANNEL, cast(payload, Text)))
        event_id = session.execute(statement).first()[0]
        return event_id, kind.value

    def _transition(self, session: Session, row: t.QueueTicket, kind: EventKind, at: datetime, *,
                    counter_id: int | None = None, service_id: int | None = None, staff_id: int | None = None,
                    reason: str | None = None, counter_state: t.QueueCounterState | None = None) -> Ticket:
        """Check and record one ticket event; the projection follows the same rule as the fold.

        ``counter_state``: the locked row of the ticket's counter, when the caller holds it.
        """
        current = ticket_from_row(row)
        event = QueueEvent(id=0, at=at, kind=kind, branch_id=row.branch_id, day=row.day, ticket_id=row.id,
                           seq=current.version + 1, counter_id=counter_id, service_id=service_id,
                           staff_id=staff_id, reason=reason)
        new = apply_ticket_event(current, event)
        leaves_counter = current.state in AT_COUNTER_STATES and new.state not in AT_COUNTER_STATES
        if leaves_counter and counter_state is not None:
            counter_state.ticket_id = None
        elif leaves_counter:
            session.execute(update(t.QueueCounterState)
                            .where(t.QueueCounterState.counter_id == current.counter_id,
                                   t.QueueCounterState.ticket_id == row.id).values(ticket_id=None))
        for column in ("service_id", "state", "priority", "confirmed_at", "first_called_at", "called_at",
                       "finished_at", "counter_id", "calls", "version"):
            setattr(row, column, getattr(new, column))
        self._append(session, kind, at, ticket=row, seq=new.version,
                     counter_id=counter_id if counter_id is not None else current.counter_id,
                     service_id=service_id, staff_id=staff_id, reason=reason)
        return new

    def _lock_ticket(self, session: Session, ref: TicketRef) -> t.QueueTicket:
        query = select(t.QueueTicket).where(t.QueueTicket.branch_id == self.branch_id)
        if isinstance(ref, Ticket):
            query = query.where(t.QueueTicket.id == ref.id)
        elif isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            query = query.where(t.QueueTicket.id == int(ref))
        else:
            label = ref.strip().upper()
            query = query.where(t.QueueTicket.label == label,
                                t.QueueTicket.day == business_day(self.clock())).order_by(t.QueueTicket.id.desc())
        row = session.scalars(query.with_for_update().limit(1).execution_options(populate_existing=True)).first()
        if row is None:
            raise TicketNotFound(f"整理券 {ref} は見つかりません（本日・{self.branch_id}）。番号を確認してください。",
                                 f"ticket {ref} not found (today, branch {self.branch_id}); check the number.")
        return row

    def _change(self, ref: TicketRef, kind: EventKind, **kwargs) -> Ticket:  # noqa: ANN003
        with self._write() as session:
            # lock order everywhere: the counter's row before the ticket's (as call_next does),
            # so "served" and "call next" pressed at once on one counter cannot deadlock
            peek = self._lock_ticket_readonly(session, ref)
            counter_state = None
            if peek.counter_id is not None and peek.state in {s.value for s in AT_COUNTER_STATES}:
                counter_state = session.scalars(
                    select(t.QueueCounterState).where(t.QueueCounterState.counter_id == peek.counter_id)
                    .with_for_update()).first()
            row = self._lock_ticket(session, peek.id)
            if counter_state is not None and counter_state.ticket_id != row.id:
                counter_state = None  # it left that counter meanwhile: nothing to clear there
            return self._transition(session, row, kind, self.clock(), counter_state=counter_state, **kwargs)

    # -- reception ------------------------------------------------------------------------

    def issue(self, service: int | str, *, confirm: bool = False, idempotency_key: str | None = None,
              staff_id: int | None = None) -> Ticket:
        """Give out the next number of ``service`` today.

        Without ``confirm`` the ticket is *pending*: call :meth:`confirm` once the receipt
        printed (or the clerk confirmed), :meth:`void` if it did not. The same
        ``idempotency_key`` twice (a double press) returns the first ticket.
        """
        info = self.service(service)
        if idempotency_key:
            existing = self._by_key(idempotency_key)
            if existing is not None:
                return existing
        try:
            with self._write() as session:
                now = self.clock()
                day = business_day(now)
                number = self._next_number(session, info.id, day)
                # confirmed at once: the row is written in its final state (one statement less),
                # the log still gets both events, exactly as confirm() would append them
                row = t.QueueTicket(branch_id=self.branch_id, day=day, number=number,
                                    label=ticket_label(info.prefix, number), service_id=info.id,
                                    original_service_id=info.id,
                                    state=(TicketState.ISSUED if confirm else TicketState.PENDING).value,
                                    priority=0, arrival_at=now, confirmed_at=now if confirm else None, calls=0,
                                    version=2 if confirm else 1, idempotency_key=idempotency_key or None)
                session.add(row)
                session.flush()
                self._append(session, EventKind.ISSUED, now, ticket=row, seq=1, service_id=info.id, staff_id=staff_id)
                if confirm:
                    self._append(session, EventKind.CONFIRMED, now, ticket=row, seq=2, staff_id=staff_id)
                return ticket_from_row(row)
        except IntegrityError:
            # the same key committed first on another PC: that ticket is the answer
            existing = self._by_key(idempotency_key) if idempotency_key else None
            if existing is None:
                raise
            return existing

    def _next_number(self, session: Session, service_id: int, day: date) -> int:
        """The series' next number: one locked ``UPDATE … RETURNING`` (the row is created once a day)."""
        bump = (update(t.QueueSeries)
                .where(t.QueueSeries.branch_id == self.branch_id, t.QueueSeries.service_id == service_id,
                       t.QueueSeries.day == day)
                .values(last_number=t.QueueSeries.last_number + 1)
                .returning(t.QueueSeries.last_number))
        number = session.execute(bump).scalar_one_or_none()
        if number is None:  # the day's first ticket of this series (another PC may be creating it too)
            self._insert_ignore(session, t.QueueSeries.__table__,
                                {"branch_id": self.branch_id, "service_id": service_id, "day": day,
                                 "last_number": 0})
            number = session.execute(bump).scalar_one()
        return number

    def _by_key(self, key: str) -> Ticket | None:
        with self.database.session() as session:
            row = session.scalars(select(t.QueueTicket).where(t.QueueTicket.idempotency_key == key)).first()
            return ticket_from_row(row) if row is not None else None

    def confirm(self, ref: TicketRef, *, staff_id: int | None = None) -> Ticket:
        """The receipt printed (or the clerk confirmed): the pending ticket starts waiting."""
        return self._change(ref, EventKind.CONFIRMED, staff_id=staff_id)

    def void(self, ref: TicketRef, reason: str, *, staff_id: int | None = None) -> Ticket:
        """Cancel a pending (printing failed) or waiting ticket; the number stays on record."""
        return self._change(ref, EventKind.VOIDED, reason=reason, staff_id=staff_id)

    def expire_pending(self, older_than: timedelta = timedelta(minutes=10)) -> list[Ticket]:
        """Void today's tickets left pending (a reception PC stopped while printing); return them.

        They never waited and never counted; voiding records that their numbers were not used.
        """
        now = self.clock()
        with self.database.session() as session:
            ids = list(session.scalars(select(t.QueueTicket.id).where(
                t.QueueTicket.branch_id == self.branch_id, t.QueueTicket.day == business_day(now),
                t.QueueTicket.state == TicketState.PENDING.value, t.QueueTicket.arrival_at < now - older_than)))
        voided = []
        for ticket_id in ids:
            try:
                voided.append(self.void(ticket_id, "発券未確定のまま期限切れ / pending ticket expired"))
            except InvalidTransition:
                pass  # confirmed meanwhile by its reception PC
        return voided

    # -- counter --------------------------------------------------------------------------

    def _lock_counter(self, session: Session, counter: CounterInfo) -> t.QueueCounterState:
        query = select(t.QueueCounterState).where(t.QueueCounterState.counter_id == counter.id).with_for_update()
        state = session.scalars(query).first()
        if state is None:  # the counter's first use ever: another PC may be creating it too
            self._insert_ignore(session, t.QueueCounterState.__table__, {"counter_id": counter.id, "is_open": False})
            state = session.scalars(query).one()
        return state

    def _ensure_open(self, session: Session, state: t.QueueCounterState, counter: CounterInfo, at: datetime,
                     staff_id: int | None) -> None:
        day = business_day(at)
        if state.is_open and state.day == day:
            return
        state.is_open, state.day, state.staff_id = True, day, staff_id
        self._append(session, EventKind.COUNTER_OPENED, at, counter_id=counter.id, staff_id=staff_id)

    def open_counter(self, number: int, *, staff_id: int | None = None) -> None:
        """The clerk sits down: the counter counts for estimates and takes calls."""
        counter = self.counter(number)
        with self._write() as session:
            state = self._lock_counter(session, counter)
            now = self.clock()
            if state.is_open and state.day == business_day(now) and state.staff_id == staff_id:
                return
            state.is_open = False
            self._ensure_open(session, state, counter, now, staff_id)

    def close_counter(self, number: int, *, staff_id: int | None = None) -> None:
        counter = self.counter(number)
        with self._write() as session:
            state = self._lock_counter(session, counter)
            if state.ticket_id is not None:
                current = session.get(t.QueueTicket, state.ticket_id)
                if current is not None and current.state in {s.value for s in AT_COUNTER_STATES}:
                    raise QueueError(f"{number}番窓口には対応中の {current.label} があります。完了・不在・回送してから閉じてください。",
                                     f"counter {number} is still serving {current.label}; finish it first.")
            if not state.is_open:
                return
            state.is_open, state.staff_id = False, None
            self._append(session, EventKind.COUNTER_CLOSED, self.clock(), counter_id=counter.id, staff_id=staff_id)

    def call_next(self, counter_number: int, *, staff_id: int | None = None,
                  finish_current: bool = False) -> Ticket | None:
        """Call the first waiting ticket (fair order) of the services this counter handles.

        Returns None when nobody waits. With a ticket still at the counter this raises,
        unless ``finish_current`` records it as served first.
        """
        counter = self.counter(counter_number)
        with self._write() as session:
            now = self.clock()
            state = self._lock_counter(session, counter)
            self._finish_current(session, state, counter_number, now, finish_current)
            self._ensure_open(session, state, counter, now, staff_id)
            with session.no_autoflush:  # the counter row is written once, at commit
                row = session.scalars(
                    select(t.QueueTicket)
                    .where(t.QueueTicket.branch_id == self.branch_id, t.QueueTicket.day == business_day(now),
                           t.QueueTicket.state.in_([s.value for s in WAITING_STATES]),
                           t.QueueTicket.service_id.in_(sorted(counter.service_ids)))
                    .order_by(t.QueueTicket.priority.desc(), t.QueueTicket.arrival_at, t.QueueTicket.id)
                    .limit(1).with_for_update(skip_locked=True)).first()
            if row is None:
                return None
            ticket = self._transition(session, row, EventKind.CALLED, now, counter_id=counter.id, staff_id=staff_id)
            state.ticket_id = row.id
            return ticket

    def call(self, ref: TicketRef, counter_number: int, *, reason: str = "", staff_id: int | None = None) -> Ticket:
        """Call one ticket by number. Out of the fair order a ``reason`` is required and recorded."""
        counter = self.counter(counter_number)
        with self._write() as session:
            now = self.clock()
            state = self._lock_counter(session, counter)
            self._finish_current(session, state, counter_number, now, False)
            row = self._lock_ticket(session, ref)
            if row.service_id not in counter.service_ids:
                raise QueueError(f"{counter_number}番窓口はこの業務を扱いません（{row.label}）。先に回送してください。",
                                 f"counter {counter_number} does not handle the service of {row.label}; "
                                 "transfer it first.")
            head = session.scalars(
                select(t.QueueTicket.id)
                .where(t.QueueTicket.branch_id == self.branch_id, t.QueueTicket.day == row.day,
                       t.QueueTicket.state.in_([s.value for s in WAITING_STATES]),
                       t.QueueTicket.service_id.in_(sorted(counter.service_ids)))
                .order_by(t.QueueTicket.priority.desc(), t.QueueTicket.arrival_at, t.QueueTicket.id)
                .limit(1)).first()
            if head != row.id and not reason.strip():
                raise QueueError(f"{row.label} は順番どおりではありません。呼出の理由を入力してください。",
                                 f"{row.label} is not next in line; give the reason for calling it out of order.")
            self._ensure_open(session, state, counter, now, staff_id)
            ticket = self._transition(session, row, EventKind.CALLED, now, counter_id=counter.id,
                                      staff_id=staff_id, reason=reason.strip() or None)
            state.ticket_id = row.id
            return ticket

    def _finish_current(self, session: Session, state: t.QueueCounterState, number: int, now: datetime,
                        finish: bool) -> None:
        if state.ticket_id is None:
            return
        current = session.scalars(select(t.QueueTicket).where(t.QueueTicket.id == state.ticket_id)
                                  .with_for_update()).one()
        if current.state not in {s.value for s in AT_COUNTER_STATES}:
            state.ticket_id = None
            return
        if not finish:
            raise QueueError(f"{number}番窓口の {current.label} が終わっていません。完了・不在・回送を先に記録してください。",
                             f"{current.label} at counter {number} is not finished; record served, no-show or "
                             "transfer first.")
        self._transition(session, current, EventKind.SERVED, now, counter_state=state)

    def recall(self, ref: TicketRef, *, staff_id: int | None = None) -> Ticket:
        return self._change(ref, EventKind.RECALLED, staff_id=staff_id)

    def served(self, ref: TicketRef, *, staff_id: int | None = None) -> Ticket:
        return self._change(ref, EventKind.SERVED, staff_id=staff_id)

    def no_show(self, ref: TicketRef, *, staff_id: int | None = None) -> Ticket:
        return self._change(ref, EventKind.NO_SHOW, staff_id=staff_id)

    def requeue(self, ref: TicketRef, *, reason: str = "", staff_id: int | None = None) -> Ticket:
        """Back to the waiting line (e.g. a document is missing), keeping the arrival time."""
        return self._change(ref, EventKind.REQUEUED, reason=reason, staff_id=staff_id)

    def transfer(self, ref: TicketRef, service: int | str, *, reason: str = "",
                 staff_id: int | None = None) -> Ticket:
        """Send to another service's line, keeping the original arrival time (no new number)."""
        target = self.service(service)
        return self._change(ref, EventKind.TRANSFERRED, service_id=target.id, reason=reason, staff_id=staff_id)

    def prioritise(self, ref: TicketRef, reason: str, *, staff_id: int | None = None) -> Ticket:
        """A supervisor moves a waiting ticket forward (accessibility …); the reason is recorded."""
        if not reason.strip():
            raise QueueError("優先する理由を入力してください。", "give the reason for moving the ticket forward.")
        return self._change(ref, EventKind.PRIORITISED, reason=reason.strip(), staff_id=staff_id)

    # -- reading --------------------------------------------------------------------------

    def ticket(self, ref: TicketRef) -> Ticket:
        with self.database.session() as session:
            return ticket_from_row(self._lock_ticket_readonly(session, ref))

    def _lock_ticket_readonly(self, session: Session, ref: TicketRef) -> t.QueueTicket:
        # the same lookup without FOR UPDATE
        query = select(t.QueueTicket).where(t.QueueTicket.branch_id == self.branch_id)
        if isinstance(ref, Ticket):
            query = query.where(t.QueueTicket.id == ref.id)
        elif isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            query = query.where(t.QueueTicket.id == int(ref))
        else:
            query = query.where(t.QueueTicket.label == ref.strip().upper(),
                                t.QueueTicket.day == business_day(self.clock())).order_by(t.QueueTicket.id.desc())
        row = session.scalars(query.limit(1)).first()
        if row is None:
            raise TicketNotFound(f"整理券 {ref} は見つかりません（本日・{self.branch_id}）。",
                                 f"ticket {ref} not found (today, branch {self.branch_id}).")
        return row

    def events(self, day: date | None = None, *, after_id: int = 0) -> list[QueueEvent]:
        """The branch's events of ``day`` (default today) in order."""
        day = day or business_day(self.clock())
        with self.database.session() as session:
            # plain rows, not ORM objects: a busy day has thousands and displays reload often
            table = t.QueueEventRow.__table__
            rows = session.execute(select(table)
                                   .where(table.c.branch_id == self.branch_id, table.c.day == day,
                                          table.c.id > after_id)
                                   .order_by(table.c.id)).all()
            return [event_from_row(row) for row in rows]

    def state(self, day: date | None = None) -> QueueState:
        """The day's state, folded from its events (never from the projection)."""
        return QueueState.from_events(self.events(day))

    def last_event_id(self) -> int:
        with self.database.session() as session:
            return session.scalar(select(func.coalesce(func.max(t.QueueEventRow.id), 0))
                                  .where(t.QueueEventRow.branch_id == self.branch_id)) or 0

    def snapshot(self, now: datetime | None = None, *, recent_calls: int = 8):  # noqa: ANN201 - kpi.QueueSnapshot
        """What the lobby display and the counters show now: see :class:`madoguchi.queue.kpi.QueueSnapshot`."""
        from madoguchi.queue.kpi import build_snapshot

        now = now or self.clock()
        return build_snapshot(self.branch_id, self.state(business_day(now)), self.services(), self.counters(), now,
                              recent_calls=recent_calls)

    def estimate(self, ref: TicketRef, now: datetime | None = None):  # noqa: ANN201 - estimate.WaitEstimate
        """The remaining wait of one ticket (for the receipt)."""
        from madoguchi.queue.estimate import WaitEstimate, estimate_ticket

        now = now or self.clock()
        ticket = self.ticket(ref)
        state = self.state(ticket.day)
        if ticket.state not in WAITING_STATES and ticket.state != TicketState.PENDING:
            return WaitEstimate(0.0, 0.0, 0.0, 0, 0)
        if ticket.state == TicketState.PENDING:
            from madoguchi.queue.estimate import estimate_new_ticket

            return estimate_new_ticket(state, self.counters(), self.time_model(state), ticket.service_id, now)
        return estimate_ticket(state, self.counters(), self.time_model(state), ticket.id, now)

    def time_model(self, state: QueueState):  # noqa: ANN201 - estimate.ServiceTimeModel
        from madoguchi.queue.estimate import ServiceTimeModel

        return ServiceTimeModel.from_samples({s.id: s.default_minutes for s in self.services()}, state.samples)

    def verify_projection(self, day: date | None = None) -> list[str]:
        """Differences between the ``queue_ticket`` projection and the fold of the events (empty: consistent)."""
        state = self.state(day)
        day = day or business_day(self.clock())
        with self.database.session() as session:
            rows = session.scalars(select(t.QueueTicket).where(t.QueueTicket.branch_id == self.branch_id,
                                                               t.QueueTicket.day == day)).all()
            stored = {row.id: ticket_from_row(row) for row in rows}
        problems = [f"ticket {tid} missing from the events" for tid in stored if tid not in state.tickets]
        for tid, folded in state.tickets.items():
            if stored.get(tid) != folded:
                problems.append(f"ticket {tid}: projection {stored.get(tid)} != events {folded}")
        return problems


    def rebuild_projection(self, day: date | None = None) -> int:
        """Rewrite the day's ``queue_ticket`` and counter rows from the events (repair); return tickets fixed."""
        day = day or business_day(self.clock())
        fixed = 0
        with self._write() as session:
            state = QueueState.from_events(self.events(day))
            rows = {row.id: row for row in session.scalars(
                select(t.QueueTicket).where(t.QueueTicket.branch_id == self.branch_id, t.QueueTicket.day == day)
                .with_for_update())}
            for ticket_id, folded in state.tickets.items():
                row = rows.get(ticket_id)
                if row is None or ticket_from_row(row) == folded:
                    continue
                for column in _TICKET_FIELDS:
                    if column not in ("id", "branch_id", "day"):
                        value = getattr(folded, column)
                        setattr(row, column, value.value if isinstance(value, TicketState) else value)
                fixed += 1
            for counter_id, folded_counter in state.counters.items():
                row = session.get(t.QueueCounterState, counter_id, with_for_update=True)
                if row is None:
                    row = t.QueueCounterState(counter_id=counter_id)
                    session.add(row)
                row.is_open, row.staff_id, row.ticket_id, row.day = (folded_counter.open, folded_counter.staff_id,
                                                                     folded_counter.ticket_id, day)
        return fixed


def load_services(database: Database) -> dict[int, ServiceInfo]:
    with database.session() as session:
        return {s.id: ServiceInfo(s.id, s.prefix, s.name, s.name_en, float(s.default_service_minutes), s.sort_order)
                for s in session.scalars(select(Service).where(Service.active.is_(True)))}


def load_counters(database: Database, branch_id: str) -> list[CounterInfo]:
    with database.session() as session:
        links: dict[int, set[int]] = {}
        for counter_id, service_id in session.execute(select(CounterService.counter_id, CounterService.service_id)):
            links.setdefault(counter_id, set()).add(service_id)
        return [CounterInfo(c.id, c.branch_id, c.number, c.name, frozenset(links.get(c.id, ())))
                for c in session.scalars(select(Counter).where(Counter.branch_id == branch_id,
                                                               Counter.active.is_(True)).order_by(Counter.number))]


def load_branches(database: Database) -> list[Branch]:
    with database.session() as session:
        return list(session.scalars(select(Branch).where(Branch.active.is_(True)).order_by(Branch.id)))


_TICKET_FIELDS = [f.name for f in fields(Ticket)]
_TIMESTAMPS = ("arrival_at", "confirmed_at", "first_called_at", "called_at", "finished_at")


def ticket_from_row(row: t.QueueTicket) -> Ticket:
    values = {name: getattr(row, name) for name in _TICKET_FIELDS}
    for name in _TIMESTAMPS:
        if values[name] is not None:
            values[name] = as_utc(values[name])
    values["state"] = TicketState(values["state"])
    return Ticket(**values)


def event_from_row(row) -> QueueEvent:  # noqa: ANN001 - an ORM row or a Core row
    return QueueEvent(id=row.id, at=as_utc(row.at), kind=EventKind(row.kind), branch_id=row.branch_id, day=row.day,
                      ticket_id=row.ticket_id, seq=row.seq, counter_id=row.counter_id, service_id=row.service_id,
                      number=row.number, label=row.label, staff_id=row.staff_id, reason=row.reason)
