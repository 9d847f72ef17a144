"""Discrete-event simulation of counter days, for the benchmark, the back-test and the staffing check.

:func:`simulate_day` plays one office day of one branch: residents arrive (a Poisson
process peaking at opening, at lunch and on Mondays), take a ticket for a service, counters
call them in the real fair order, serve them for a lognormal time whose mean depends on the
service and the clerk, some do not come (recall, then no-show), and one clerk takes a lunch
break. It drives a *backend* with :class:`~madoguchi.queue.service.TicketQueue`'s methods:
:class:`MemoryQueue` (the event fold in memory, fast) or a real ``TicketQueue`` on a database
with the simulation's clock — both leave the same kind of event log, which
:func:`madoguchi.queue.estimate.backtest` replays.

:func:`simulate_wait` is the small first-come-first-served simulation that checks Erlang C.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from madoguchi.queue.model import (
    BUSINESS_TZ,
    CounterInfo,
    EventKind,
    QueueError,
    QueueEvent,
    QueueState,
    ServiceInfo,
    Ticket,
    business_day,
    ticket_label,
)

#: the default services' share of arrivals (A 住民異動 … F マイナンバーカード)
DEFAULT_MIX = {"A": 0.25, "B": 0.35, "C": 0.12, "D": 0.08, "E": 0.10, "F": 0.10}


class MemoryQueue:
    """A branch queue in memory with TicketQueue's method names (issue, call_next, served …)."""

    def __init__(self, branch_id: str, services: list[ServiceInfo], counters: list[CounterInfo],
                 clock: Callable[[], datetime]) -> None:
        self.branch_id = branch_id
        self.clock = clock
        self._services = {s.prefix: s for s in services}
        self._counters = {c.number: c for c in counters}
        self.state = QueueState()
        self.events: list[QueueEvent] = []
        self._ids = itertools.count(1)
        self._numbers: dict[tuple[int, date], int] = {}

    def services(self) -> list[ServiceInfo]:
        return list(self._services.values())

    def counters(self) -> list[CounterInfo]:
        return list(self._counters.values())

    def _record(self, kind: EventKind, ticket: Ticket | None = None, **values) -> Ticket | None:  # noqa: ANN003
        at = self.clock()
        if ticket is not None:
            # the same columns TicketQueue writes, so both logs read alike
            values.setdefault("counter_id", ticket.counter_id)
            values.update(number=ticket.number, label=ticket.label)
        event = QueueEvent(id=next(self._ids), at=at, kind=kind, branch_id=self.branch_id,
                           day=ticket.day if ticket else business_day(at), ticket_id=ticket.id if ticket else None,
                           seq=ticket.version + 1 if ticket else 0, **values)
        result = self.state.apply(event)
        self.events.append(event)
        return result

    def issue(self, service: str, *, confirm: bool = False) -> Ticket:
        info = self._services[service]
        at = self.clock()
        key = (info.id, business_day(at))
        number = self._numbers[key] = self._numbers.get(key, 0) + 1
        ticket_id = next(self._ids)
        event = QueueEvent(id=ticket_id, at=at, kind=EventKind.ISSUED, branch_id=self.branch_id, day=key[1],
                           ticket_id=ticket_id, seq=1, service_id=info.id, number=number,
                           label=ticket_label(info.prefix, number))
        ticket = self.state.apply(event)
        self.events.append(event)
        assert ticket is not None
        return self._record(EventKind.CONFIRMED, ticket) if confirm else ticket  # type: ignore[return-value]

    def call_next(self, counter_number: int) -> Ticket | None:
        counter = self._counters[counter_number]
        if self.state.at_counter(counter.id) is not None:
            raise QueueError("前の番号が終わっていません。", "the previous ticket is not finished.")
        if counter.id not in self.state.open_counter_ids():
            self._record(EventKind.COUNTER_OPENED, counter_id=counter.id)
        ticket = self.state.next_for(counter.service_ids)
        return None if ticket is None else self._record(EventKind.CALLED, ticket, counter_id=counter.id)

    def _ticket(self, ref: Ticket | int) -> Ticket:
        return self.state.tickets[ref.id if isinstance(ref, Ticket) else ref]

    def served(self, ref: Ticket | int) -> Ticket:
        return self._record(EventKind.SERVED, self._ticket(ref))  # type: ignore[return-value]

    def no_show(self, ref: Ticket | int) -> Ticket:
        return self._record(EventKind.NO_SHOW, self._ticket(ref))  # type: ignore[return-value]

    def recall(self, ref: Ticket | int) -> Ticket:
        return self._record(EventKind.RECALLED, self._ticket(ref))  # type: ignore[return-value]

    def open_counter(self, number: int) -> None:
        self._record(EventKind.COUNTER_OPENED, counter_id=self._counters[number].id)

    def close_counter(self, number: int) -> None:
        self._record(EventKind.COUNTER_CLOSED, counter_id=self._counters[number].id)


@dataclass(frozen=True)
class BranchPlan:
    """One branch's day: its counters, how busy it is, and how fast its clerks are."""

    branch_id: str
    counters: int
    day: date
    #: arrivals per hour per counter outside the peaks
    base_rate_per_counter: float = 2.8
    mix: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_MIX))
    #: real mean service minutes differ from the services' defaults by these factors
    service_bias: dict[str, float] = field(default_factory=dict)
    no_show_rate: float = 0.03
    opens: tuple[int, int] = (8, 30)
    closes: tuple[int, int] = (17, 15)
    seed: int = 1


def arrival_factor(local: datetime) -> float:
    """Arrival intensity relative to a quiet hour: a rush at opening, at lunch, and on Mondays."""
    minutes = local.hour * 60 + local.minute
    factor = 1.0
    if minutes < 9 * 60 + 30:
        factor = 2.0  # the queue at the door
    elif 12 * 60 <= minutes < 13 * 60:
        factor = 1.6  # office workers on their lunch break
    elif minutes >= 16 * 60:
        factor = 0.6
    if local.weekday() == 0:
        factor *= 1.35
    return factor


def counter_layout(services: list[ServiceInfo], count: int, branch_id: str = "sim") -> list[CounterInfo]:
    """Counters 1..count; each service has a main and a backup counter, and no counter idles."""
    handles: dict[int, set[int]] = {n: set() for n in range(1, count + 1)}
    for index, service in enumerate(services):
        handles[index % count + 1].add(service.id)
        handles[(index + 1) % count + 1].add(service.id)
    busiest = sorted(services, key=lambda s: -DEFAULT_MIX.get(s.prefix, 0))[:2]
    for ids in handles.values():
        if len(ids) < 2:
            ids.update(s.id for s in busiest)
    return [CounterInfo(n, branch_id, n, f"{n}番窓口", frozenset(ids)) for n, ids in handles.items()]


@dataclass
class _Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


def _local(day: date, hm: tuple[int, int]) -> datetime:
    return datetime(day.year, day.month, day.day, hm[0], hm[1], tzinfo=BUSINESS_TZ).astimezone(UTC)


def simulate_day(plan: BranchPlan, services: list[ServiceInfo], backend_factory: Callable[..., object] | None = None,
                 counters: list[CounterInfo] | None = None, *, arrivals_for: int | None = None,
                 pace: Callable[[datetime], bool] | None = None) -> tuple[object, list[CounterInfo], int]:
    """Play ``plan``'s day on a backend; return (backend, counters, tickets issued).

    ``backend_factory(clock)`` makes the backend (default: a :class:`MemoryQueue`); a real
    ``TicketQueue`` needs its counters to exist in the database already (pass them).
    ``arrivals_for``: residents arrive for this many counters (default: the simulated ones; more
    when people serve at other counters of the same queue). ``pace(when)`` is called before each
    event of the day; it may wait for the wall clock to get there (a live office) and returns
    False to end the day at once.
    """
    rng = random.Random(plan.seed)
    counters = counters or counter_layout(services, plan.counters, plan.branch_id)
    start, end = _local(plan.day, plan.opens), _local(plan.day, plan.closes)
    clock = _Clock(start)
    backend = (backend_factory or (lambda c: MemoryQueue(plan.branch_id, services, counters, c)))(clock)
    by_prefix = {s.prefix: s for s in services}
    speed = {c.number: rng.uniform(0.8, 1.25) for c in counters}
    prefixes, weights = zip(*[(p, w) for p, w in plan.mix.items() if p in by_prefix])
    heap: list[tuple[datetime, int, str, object]] = []
    order = itertools.count()

    def at(when: datetime, kind: str, payload: object = None) -> None:
        heapq.heappush(heap, (when, next(order), kind, payload))

    arriving_counters = arrivals_for or plan.counters
    peak = plan.base_rate_per_counter * arriving_counters * 2.0 * 1.35  # thinning bound
    when = start
    while True:
        when += timedelta(hours=rng.expovariate(peak))
        if when >= end:
            break
        if rng.random() < plan.base_rate_per_counter * arriving_counters * arrival_factor(
                when.astimezone(BUSINESS_TZ)) / peak:
            at(when, "arrive", rng.choices(prefixes, weights)[0])
    lunch_counter = counters[-1].number if len(counters) > 3 else None
    if lunch_counter is not None:
        at(_local(plan.day, (12, 0)), "break", lunch_counter)
        at(_local(plan.day, (13, 0)), "back", lunch_counter)
    idle = {c.number: start for c in counters}  # counter → idle since
    on_break: set[int] = set()
    wants_break: set[int] = set()
    for counter in counters:
        backend.open_counter(counter.number)  # type: ignore[attr-defined]
    issued = 0

    def try_call(number: int) -> None:
        ticket = backend.call_next(number)  # type: ignore[attr-defined]
        if ticket is None:
            idle[number] = clock.now
            return
        idle.pop(number, None)
        if rng.random() < plan.no_show_rate:
            at(clock.now + timedelta(minutes=1), "recall", (number, ticket.id))
            return
        service = next(s for s in services if s.id == ticket.service_id)
        mean = service.default_minutes * plan.service_bias.get(service.prefix, 1.0) * speed[number]
        sigma = math.sqrt(math.log(1 + 0.5 ** 2))
        minutes = rng.lognormvariate(math.log(mean) - sigma ** 2 / 2, sigma)
        at(clock.now + timedelta(minutes=minutes), "done", (number, ticket.id))

    def free(number: int) -> None:
        if number in wants_break:
            wants_break.discard(number)
            on_break.add(number)
            backend.close_counter(number)  # type: ignore[attr-defined]
            return
        try_call(number)

    while heap:
        clock.now, _, kind, payload = heapq.heappop(heap)
        if pace is not None and not pace(clock.now):
            break
        if kind == "arrive":
            service = by_prefix[payload]  # type: ignore[index]
            backend.issue(service.prefix, confirm=True)  # type: ignore[attr-defined]
            issued += 1
            for number in sorted((n for n in idle if n not in on_break), key=lambda n: idle[n]):
                counter = next(c for c in counters if c.number == number)
                if service.id in counter.service_ids:
                    try_call(number)
                    break
        elif kind == "done":
            number, ticket_id = payload  # type: ignore[misc]
            backend.served(ticket_id)  # type: ignore[attr-defined]
            free(number)
        elif kind == "recall":
            number, ticket_id = payload  # type: ignore[misc]
            backend.recall(ticket_id)  # type: ignore[attr-defined]
            at(clock.now + timedelta(minutes=2), "no_show", payload)
        elif kind == "no_show":
            number, ticket_id = payload  # type: ignore[misc]
            backend.no_show(ticket_id)  # type: ignore[attr-defined]
            free(number)
        elif kind == "break":
            if payload in idle:
                idle.pop(payload)  # type: ignore[arg-type]
                on_break.add(payload)  # type: ignore[arg-type]
                backend.close_counter(payload)  # type: ignore[attr-defined]
            else:
                wants_break.add(payload)  # type: ignore[arg-type]
        elif kind == "back":
            wants_break.discard(payload)  # type: ignore[arg-type]
            if payload in on_break:
                on_break.discard(payload)  # type: ignore[arg-type]
                backend.open_counter(payload)  # type: ignore[attr-defined]
                try_call(payload)  # type: ignore[arg-type]
        # residents still waiting at closing are served after it: the day runs until the heap is empty
    return backend, counters, issued


def simulate_wait(arrivals_per_hour: float, service_minutes: float, counters: int, *, hours: float = 200.0,
                  cv: float = 0.6, seed: int = 7) -> float:
    """Mean wait (minutes) of a first-come-first-served line with ``counters`` counters.

    Poisson arrivals, lognormal service times with coefficient of variation ``cv``; the
    first tenth of the run is left out as warm-up.
    """
    if arrivals_per_hour <= 0 or counters <= 0:
        return 0.0
    rng = random.Random(seed)
    sigma = math.sqrt(math.log(1 + cv ** 2))
    mu = math.log(service_minutes) - sigma ** 2 / 2
    free = [0.0] * counters
    now, horizon, warmup = 0.0, hours * 60, hours * 6
    waits: list[float] = []
    while now < horizon:
        now += rng.expovariate(arrivals_per_hour / 60)
        earliest = heapq.heappop(free)
        start = max(now, earliest)
        if now >= warmup:
            waits.append(start - now)
        heapq.heappush(free, start + rng.lognormvariate(mu, sigma))
    return sum(waits) / len(waits) if waits else 0.0
