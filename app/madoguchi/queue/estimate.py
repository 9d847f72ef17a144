"""Wait estimates: how long until a ticket is called, as a value and a range.

The model (per branch, per day):

- **service time** per service — an exponentially weighted moving average (EWMA) of the
  finished services of the day (call → served, also call → transfer), starting from the
  service's ``default_service_minutes``, times a per-counter speed factor (an EWMA of the
  counter's service times relative to the service average) once that counter has a few;
  an EWMA of the squared deviation gives the spread.
- **spread over the open counters with head-of-line delay** — the waiting tickets are
  dealt, in the same fair order the counters call them, to the open counters that handle
  their service: each counter is free after the expected remainder of the ticket at it,
  then after each ticket dealt to it. A ticket's estimate is when its counter frees.
- **range** — the spread of the chain of services before it (80 % band).

:func:`backtest` replays a day's events, estimates each ticket's wait at the moment it
was issued (what the receipt printed) and compares with the wait it really had; the naive
"people ahead × 5 minutes" runs on the same tickets for comparison.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from madoguchi.queue.model import (
    CounterInfo,
    EventKind,
    QueueEvent,
    QueueState,
    ServiceSample,
    Ticket,
    TicketState,
)

#: 80 % band of a normal spread
Z80 = 1.2816
NAIVE_MINUTES_PER_PERSON = 5.0


@dataclass(frozen=True)
class WaitEstimate:
    """Minutes until the call. ``minutes`` is None when no open counter handles the service."""

    minutes: float | None
    low: float | None
    high: float | None
    people_ahead: int
    open_counters: int

    @property
    def known(self) -> bool:
        return self.minutes is not None

    def as_dict(self) -> dict:
        def whole(value: float | None) -> int | None:
            return None if value is None else round(value)

        return {"minutes": whole(self.minutes), "low": whole(self.low), "high": whole(self.high),
                "people_ahead": self.people_ahead, "open_counters": self.open_counters}


@dataclass
class ServiceTimeModel:
    """EWMA of service minutes per service and per (counter, service)."""

    priors: Mapping[int, float]
    alpha: float = 0.07
    #: pseudo-samples of "average speed" each counter starts with
    counter_prior_weight: float = 10.0
    _mean: dict[int, float] = field(default_factory=dict)
    _var: dict[int, float] = field(default_factory=dict)
    _counter_minutes: dict[int, float] = field(default_factory=dict)
    _counter_counts: dict[int, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def from_samples(cls, priors: Mapping[int, float], samples: Iterable[ServiceSample]) -> ServiceTimeModel:
        model = cls(priors)
        for sample in samples:
            model.observe(sample)
        return model

    def observe(self, sample: ServiceSample) -> None:
        prior = self.mean(sample.service_id)
        # a forgotten "served" press must not poison the average: clip to 4× the mean
        x = min(sample.minutes, 4 * prior)
        delta = x - prior
        self._mean[sample.service_id] = prior + self.alpha * delta
        self._var[sample.service_id] = (1 - self.alpha) * (self.var(sample.service_id) + self.alpha * delta * delta)
        if sample.counter_id is not None:
            # one speed factor per counter, learnt from every service it gives (faster than
            # one average per counter and service, which would need many samples each)
            # measured against the service averages as they are *now* (see mean()), so the
            # day's drift of a service's average is not mistaken for a slow clerk
            counter = sample.counter_id
            self._counter_minutes[counter] = self._counter_minutes.get(counter, 0.0) + x
            counts = self._counter_counts.setdefault(counter, {})
            counts[sample.service_id] = counts.get(sample.service_id, 0) + 1

    def mean(self, service_id: int, counter_id: int | None = None) -> float:
        mean = self._mean.get(service_id, float(self.priors.get(service_id, 10.0)))
        counts = self._counter_counts.get(counter_id) if counter_id is not None else None
        if counts:
            return mean * self.counter_factor(counter_id)  # type: ignore[arg-type]
        return mean

    def counter_factor(self, counter_id: int) -> float:
        """The counter's minutes over what the service averages predict, shrunk towards 1 by
        ``counter_prior_weight`` pseudo-samples: one slow case must not make a clerk "slow"."""
        counts = self._counter_counts.get(counter_id)
        if not counts:
            return 1.0
        n = sum(counts.values())
        expected = sum(self._mean.get(s, float(self.priors.get(s, 10.0))) * c for s, c in counts.items())
        ratio = self._counter_minutes[counter_id] / expected if expected else 1.0
        k = self.counter_prior_weight
        return (n * ratio + k) / (n + k)

    def var(self, service_id: int) -> float:
        # prior spread: a coefficient of variation of 0.6, typical for counter work
        return self._var.get(service_id, (0.6 * self.mean(service_id)) ** 2)


def _minutes(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 60


@dataclass(frozen=True)
class _Virtual:
    """The ticket a resident would get if they took one now."""

    id: int
    service_id: int


def plan_calls(state: QueueState, counters: Iterable[CounterInfo], model: ServiceTimeModel, now: datetime,
               *, extra_service: int | None = None, stop_at: int | None = None) -> dict[int, tuple[float, float]]:
    """Expected minutes from ``now`` until each waiting ticket is called, with its variance.

    Deals the waiting tickets (plus one virtual ticket of ``extra_service`` at the end, id -1)
    to the open counters as they would call them. Tickets no open counter handles are absent.
    """
    open_ids = state.open_counter_ids()
    handles: dict[int, frozenset[int]] = {}
    heap: list[tuple[float, float, int]] = []
    for counter in counters:
        if counter.id not in open_ids or not counter.service_ids:
            continue
        handles[counter.id] = counter.service_ids
        free, var = 0.0, 0.0
        busy = state.at_counter(counter.id)
        if busy is not None and busy.called_at is not None:
            mean = model.mean(busy.service_id, counter.id)
            elapsed = _minutes(now, busy.called_at)
            # head-of-line delay: what remains of the service under way (at least a quarter
            # of a service, since one running long is likely to run on a little more)
            free = max(mean - elapsed, 0.25 * mean)
            var = model.var(busy.service_id) * free / mean
        heap.append((free, var, counter.id))
    heapq.heapify(heap)
    line: list[Ticket | _Virtual] = list(state.waiting())
    if extra_service is not None:
        line.append(_Virtual(-1, extra_service))
    planned: dict[int, tuple[float, float]] = {}
    while heap and line:
        free, var, counter_id = heapq.heappop(heap)
        services = handles[counter_id]
        index = next((i for i, t in enumerate(line) if t.service_id in services), None)
        if index is None:
            continue  # nothing left this counter can take
        ticket = line.pop(index)
        planned[ticket.id] = (free, var)
        if ticket.id == stop_at:
            break
        heapq.heappush(heap, (free + model.mean(ticket.service_id, counter_id),
                              var + model.var(ticket.service_id), counter_id))
    return planned


def _estimate(planned: tuple[float, float] | None, ahead: int, counters: int) -> WaitEstimate:
    if planned is None:
        return WaitEstimate(None, None, None, ahead, counters)
    minutes, var = planned
    spread = Z80 * math.sqrt(var)
    return WaitEstimate(minutes, max(0.0, minutes - spread), minutes + spread, ahead, counters)


def _serving(counters: Iterable[CounterInfo], open_ids: set[int], service_id: int) -> int:
    return sum(1 for c in counters if c.id in open_ids and service_id in c.service_ids)


def estimate_new_ticket(state: QueueState, counters: list[CounterInfo], model: ServiceTimeModel,
                        service_id: int, now: datetime) -> WaitEstimate:
    """The wait a resident taking a ticket for ``service_id`` now can expect."""
    planned = plan_calls(state, counters, model, now, extra_service=service_id, stop_at=-1)
    ahead = len(state.waiting([service_id]))
    return _estimate(planned.get(-1), ahead, _serving(counters, state.open_counter_ids(), service_id))


def estimate_ticket(state: QueueState, counters: list[CounterInfo], model: ServiceTimeModel, ticket_id: int,
                    now: datetime) -> WaitEstimate:
    """The remaining wait of a waiting ticket (for its receipt or a display)."""
    ticket = state.tickets[ticket_id]
    planned = plan_calls(state, counters, model, now, stop_at=ticket_id)
    ahead = people_ahead(state, ticket)
    return _estimate(planned.get(ticket_id), ahead, _serving(counters, state.open_counter_ids(), ticket.service_id))


def estimate_waiting(state: QueueState, counters: list[CounterInfo], model: ServiceTimeModel,
                     now: datetime) -> dict[int, WaitEstimate]:
    """The remaining wait of every waiting ticket at once (one pass over the line: the public snapshot)."""
    planned = plan_calls(state, counters, model, now)
    open_ids = state.open_counter_ids()
    result: dict[int, WaitEstimate] = {}
    for service_id in {t.service_id for t in state.waiting()}:
        serving = _serving(counters, open_ids, service_id)
        for ahead, ticket in enumerate(state.waiting([service_id])):
            result[ticket.id] = _estimate(planned.get(ticket.id), ahead, serving)
    return result


def people_ahead(state: QueueState, ticket: Ticket) -> int:
    key = ticket.order_key()
    return sum(1 for t in state.waiting([ticket.service_id]) if t.order_key() < key)


def naive_estimate(ahead: int) -> float:
    return ahead * NAIVE_MINUTES_PER_PERSON


@dataclass(frozen=True)
class Backtest:
    """Mean absolute error (minutes) of our estimate and the naive one over the same tickets."""

    tickets: int
    mae: float
    naive_mae: float
    mean_wait: float
    #: per service id: (tickets, our MAE, naive MAE)
    by_service: dict[int, tuple[int, float, float]]

    @property
    def ratio(self) -> float:
        return self.mae / self.naive_mae if self.naive_mae else math.inf


def backtest(events: Iterable[QueueEvent], counters: list[CounterInfo], priors: Mapping[int, float]) -> Backtest:
    """Replay events in order; estimate each ticket when it starts waiting; compare with its real wait."""
    state = QueueState()
    model = ServiceTimeModel(priors)
    seen = 0
    ours: dict[int, float] = {}
    naive: dict[int, float] = {}
    actual: dict[int, float] = {}
    for event in events:
        ticket = state.apply(event)
        for sample in state.samples[seen:]:
            model.observe(sample)
        seen = len(state.samples)
        if ticket is None:
            continue
        if event.kind == EventKind.CONFIRMED:
            planned = plan_calls(state, counters, model, event.at, stop_at=ticket.id).get(ticket.id)
            if planned is not None:
                ours[ticket.id] = planned[0]
                naive[ticket.id] = naive_estimate(people_ahead(state, ticket))
        elif event.kind == EventKind.CALLED and ticket.calls == 1 and ticket.id in ours \
                and ticket.confirmed_at is not None:
            actual[ticket.id] = _minutes(event.at, ticket.confirmed_at)
    return _summarise(state, ours, naive, actual)


def _summarise(state: QueueState, ours: dict[int, float], naive: dict[int, float],
               actual: dict[int, float]) -> Backtest:
    done = [tid for tid in actual if state.tickets[tid].state != TicketState.VOIDED]
    if not done:
        return Backtest(0, math.nan, math.nan, math.nan, {})
    by_service: dict[int, list[int]] = {}
    for tid in done:
        by_service.setdefault(state.tickets[tid].original_service_id, []).append(tid)

    def mae(ids: list[int], guess: dict[int, float]) -> float:
        return sum(abs(guess[i] - actual[i]) for i in ids) / len(ids)

    return Backtest(len(done), mae(done, ours), mae(done, naive), sum(actual[i] for i in done) / len(done),
                    {sid: (len(ids), mae(ids, ours), mae(ids, naive)) for sid, ids in by_service.items()})
