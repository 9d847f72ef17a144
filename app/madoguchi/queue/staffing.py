"""Staffing what-if: how many counters keep the wait under N minutes?

Erlang C (M/M/c) with the live arrival rate and the day's service time gives the answer;
a discrete-event simulation with counter-like service times (lognormal, CV 0.6, first come
first served) checks it, since real service times are not exponential. Per service, as if
its counters served it alone; counters shared between services make the real need lower.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from madoguchi.queue.estimate import ServiceTimeModel
from madoguchi.queue.kpi import day_kpis
from madoguchi.queue.model import CounterInfo, QueueState, ServiceInfo


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability, by the stable recursion B(k) = a·B(k-1) / (k + a·B(k-1))."""
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """Probability that an arrival has to wait, with ``load`` = λ·S erlangs on ``servers`` counters."""
    if servers <= 0:
        return 1.0
    if load <= 0:
        return 0.0
    if load >= servers:
        return 1.0
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1 - b))


def mean_wait_minutes(servers: int, arrivals_per_hour: float, service_minutes: float) -> float:
    """Mean wait in the queue (Erlang C); infinite when the counters cannot keep up."""
    load = arrivals_per_hour * service_minutes / 60.0
    if servers <= 0 or load >= servers:
        return math.inf
    if load <= 0:
        return 0.0
    return erlang_c(servers, load) * service_minutes / (servers - load)


def wait_exceeds_probability(servers: int, arrivals_per_hour: float, service_minutes: float,
                             minutes: float) -> float:
    """P(wait > minutes) = C · exp(-(c·μ - λ)·t)."""
    load = arrivals_per_hour * service_minutes / 60.0
    if servers <= 0 or load >= servers:
        return 1.0
    rate = (servers - load) / service_minutes  # (cμ - λ) per minute
    return erlang_c(servers, load) * math.exp(-rate * minutes)


def counters_needed(arrivals_per_hour: float, service_minutes: float, target_minutes: float,
                    max_counters: int = 60) -> int:
    """The fewest counters whose Erlang C mean wait is at most ``target_minutes``."""
    if arrivals_per_hour <= 0:
        return 0
    for servers in range(1, max_counters + 1):
        if mean_wait_minutes(servers, arrivals_per_hour, service_minutes) <= target_minutes:
            return servers
    return max_counters


@dataclass(frozen=True)
class StaffingAdvice:
    service_id: int
    prefix: str
    arrivals_per_hour: float
    service_minutes: float
    open_counters: int
    counters_needed: int
    target_minutes: float
    erlang_wait_minutes: float  # with counters_needed
    simulated_wait_minutes: float  # the same, by simulation

    @property
    def extra_counters(self) -> int:
        return self.counters_needed - self.open_counters


def staffing_whatif(branch_id: str, state: QueueState, services: list[ServiceInfo], counters: list[CounterInfo],
                    now: datetime, target_minutes: float, *, simulate: bool = True, seed: int = 7) -> list[StaffingAdvice]:
    """Advice per service from the live arrival rate (last hour) and the day's service time."""
    from madoguchi.queue.simulate import simulate_wait

    kpis = day_kpis(branch_id, state, services, counters, now)
    model = ServiceTimeModel.from_samples({s.id: s.default_minutes for s in services}, state.samples)
    open_ids = state.open_counter_ids()
    advice = []
    for kpi in kpis.services:
        rate = kpi.arrivals_last_hour_rate
        minutes = model.mean(kpi.service_id)
        needed = counters_needed(rate, minutes, target_minutes)
        simulated = simulate_wait(rate, minutes, needed, seed=seed) if simulate and needed else 0.0
        advice.append(StaffingAdvice(
            kpi.service_id, kpi.prefix, rate, minutes,
            sum(1 for c in counters if c.id in open_ids and kpi.service_id in c.service_ids), needed,
            target_minutes, mean_wait_minutes(needed, rate, minutes) if needed else 0.0, simulated))
    return advice
