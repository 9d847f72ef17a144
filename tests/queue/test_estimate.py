"""Wait estimate, its back-test, and Erlang C against known values."""

from __future__ import annotations

import math
from datetime import date

import pytest

from madoguchi.queue.estimate import ServiceTimeModel, backtest, estimate_new_ticket
from madoguchi.queue.model import ServiceInfo, ServiceSample
from madoguchi.queue.service import TicketQueue
from madoguchi.queue.simulate import BranchPlan, MemoryQueue, counter_layout, simulate_day, simulate_wait
from madoguchi.queue.staffing import counters_needed, erlang_c, mean_wait_minutes, wait_exceeds_probability
from madoguchi.seed import DEFAULT_SERVICES
from tests.queue.helpers import MONDAY_9, Clock

SERVICES = [ServiceInfo(i + 1, s.prefix, s.name, s.name_en, float(s.minutes), i)
            for i, s in enumerate(DEFAULT_SERVICES)]
PRIORS = {s.id: s.default_minutes for s in SERVICES}


def test_ewma_follows_the_day_and_clips_a_forgotten_served_press() -> None:
    model = ServiceTimeModel({1: 10.0})
    for _ in range(60):
        model.observe(ServiceSample(1, 7, MONDAY_9, MONDAY_9.replace(minute=20)))
    assert model.mean(1) == pytest.approx(20, abs=0.5)
    assert model.mean(1, counter_id=7) == pytest.approx(20, abs=2)
    assert model.mean(1, counter_id=8) == model.mean(1)  # a counter without samples: the service average
    model.observe(ServiceSample(1, 7, MONDAY_9, MONDAY_9.replace(hour=6)))  # six hours: forgotten
    assert model.mean(1) < 20 * 1.7


def test_estimate_spreads_over_open_counters_with_head_of_line_delay() -> None:
    clock = Clock()
    counters = counter_layout(SERVICES, 2)
    queue = MemoryQueue("b", SERVICES, counters, clock)
    b = next(s for s in SERVICES if s.prefix == "B")
    both = [c for c in counters if b.id in c.service_ids]
    assert len(both) == 2
    model = ServiceTimeModel(PRIORS)
    assert estimate_new_ticket(queue.state, counters, model, b.id, clock.now).minutes is None  # nobody open
    for counter in both:
        queue.open_counter(counter.number)
    assert estimate_new_ticket(queue.state, counters, model, b.id, clock.now).minutes == 0
    for _ in range(6):
        queue.issue("B", confirm=True)
    estimate = estimate_new_ticket(queue.state, counters, model, b.id, clock.now)
    # six people ahead, 6 min each, two counters: 18 min
    assert estimate.minutes == pytest.approx(18)
    assert estimate.low < 18 < estimate.high and estimate.people_ahead == 6
    queue.call_next(both[0].number)
    clock.advance(4)  # 2 minutes left at counter 1; counter 2 is free now: #2 at 0, #3 at 2 … new one at 14
    assert estimate_new_ticket(queue.state, counters, model, b.id, clock.now).minutes == pytest.approx(14)


def test_backtest_on_a_simulated_monday_beats_the_naive_estimate() -> None:
    plan = BranchPlan("sim", 5, date(2026, 11, 23), seed=3, service_bias={"A": 1.2, "B": 0.8, "C": 1.1})
    backend, counters, issued = simulate_day(plan, SERVICES)
    result = backtest(backend.events, counters, PRIORS)
    assert result.tickets == issued > 150
    assert result.mae <= 0.5 * result.naive_mae, (result.mae, result.naive_mae)


def test_backtest_reads_the_same_history_from_the_database(database) -> None:  # noqa: ANN001
    """A short simulated morning through the real TicketQueue: the database's event log back-tests alike."""
    from madoguchi.seed import seed_defaults

    seed_defaults(database, counters=3)
    clock = Clock(MONDAY_9)
    real = TicketQueue(database, "honcho", clock=clock)
    plan = BranchPlan("honcho", 3, date(2026, 11, 23), seed=5, closes=(10, 0))
    services = real.services()
    _, _, issued = simulate_day(plan, services, backend_factory=lambda c: _with_clock(real, clock, c),
                                       counters=real.counters())
    from_db = backtest(real.events(date(2026, 11, 23)), real.counters(), {s.id: s.default_minutes for s in services})
    memory, _, _ = simulate_day(plan, services, counters=real.counters())
    in_memory = backtest(memory.events, real.counters(), {s.id: s.default_minutes for s in services})
    # E and F have no counter in this layout: those tickets are never called, so not back-tested
    assert from_db.tickets == in_memory.tickets > 15 and issued > from_db.tickets
    assert from_db.mae == pytest.approx(in_memory.mae, abs=0.01)
    assert real.verify_projection(date(2026, 11, 23)) == []


def _with_clock(queue: TicketQueue, clock: Clock, sim_clock) -> TicketQueue:  # noqa: ANN001
    queue.clock = sim_clock
    return queue


def test_erlang_c_known_values() -> None:
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: P(wait) = ρ
    # textbook call-centre example: 10 erlangs on 11 agents → 68.2 % wait
    assert erlang_c(11, 10.0) == pytest.approx(0.6821, abs=1e-4)
    # M/M/1 mean wait = ρ/(μ-λ): λ=3/h, S=10 min → 0.5 · 10 / 0.5 = 10 min
    assert mean_wait_minutes(1, 3, 10) == pytest.approx(10)
    assert mean_wait_minutes(2, 12, 10) == math.inf  # 2 erlangs on 2 counters never catches up
    assert wait_exceeds_probability(1, 3, 10, 0) == pytest.approx(0.5)
    assert counters_needed(12, 10, 5) == 3  # 2 erlangs: 3 counters → 4.4 min
    assert mean_wait_minutes(3, 12, 10) == pytest.approx(4.44, abs=0.01)


@pytest.mark.slow
def test_simulation_agrees_with_erlang_c_for_exponential_service() -> None:
    simulated = simulate_wait(24, 10, 5, cv=1.0, hours=3000, seed=11)
    assert simulated == pytest.approx(mean_wait_minutes(5, 24, 10), rel=0.12)
