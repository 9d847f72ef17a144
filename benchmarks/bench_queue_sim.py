"""A simulated ward day: 18 branches with 3–8 counters, arrivals peaking at opening, at
lunch and on Mondays, service times by service (madoguchi.queue.simulate).

Prints the wait-estimate MAE of our estimator (EWMA service times spread over the open
counters with head-of-line delay) and of the naive "people ahead × 5 minutes" over the same
tickets, each estimated when the ticket was issued; how much faster than real time the day
ran (target ≥ 60×); and the same for one branch played through the real TicketQueue on SQLite.
"""

from __future__ import annotations

import random
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from benchmarks.figures import Figure
from madoguchi.queue.estimate import backtest
from madoguchi.queue.model import ServiceInfo
from madoguchi.queue.simulate import BranchPlan, simulate_day
from madoguchi.seed import DEFAULT_SERVICES

MONDAY, WEDNESDAY = date(2026, 11, 23), date(2026, 11, 25)
DAY_HOURS = 8.75  # 08:30-17:15


def _services() -> list[ServiceInfo]:
    return [ServiceInfo(i + 1, s.prefix, s.name, s.name_en, float(s.minutes), i) for i, s in enumerate(DEFAULT_SERVICES)]


def _plans(day: date, branches: int) -> list[BranchPlan]:
    plans = []
    for b in range(branches):
        rng = random.Random(1000 + b)
        # each branch's real service times differ from the configured defaults
        bias = {p: rng.uniform(0.75, 1.3) for p in "ABCDEF"}
        plans.append(BranchPlan(f"branch{b:02d}", rng.randint(3, 8), day, seed=day.toordinal() * 100 + b,
                                service_bias=bias))
    return plans


def _ward_day(day: date, branches: int) -> tuple[int, float, float, float, float]:
    services = _services()
    priors = {s.id: s.default_minutes for s in services}
    tickets = 0
    err = naive = wait = 0.0
    started = time.perf_counter()
    for plan in _plans(day, branches):
        backend, counters, _ = simulate_day(plan, services)
        result = backtest(backend.events, counters, priors)
        tickets += result.tickets
        err += result.mae * result.tickets
        naive += result.naive_mae * result.tickets
        wait += result.mean_wait * result.tickets
    return tickets, err, naive, wait, time.perf_counter() - started


def _database_day(quick: bool) -> tuple[float, int, float, float]:
    """One branch's day through the real TicketQueue (SQLite), with the simulation's clock."""
    from madoguchi.queue.service import TicketQueue
    from madoguchi.seed import seed_defaults
    from madoguchi.store.db import open_database

    with tempfile.TemporaryDirectory() as folder:
        database = open_database("sqlite:///" + (Path(folder) / "bench.sqlite3").as_posix())
        seed_defaults(database, "honcho", "本庁舎", counters=6)
        queue = TicketQueue(database, "honcho", clock=lambda: datetime.now(UTC))
        plan = BranchPlan("honcho", 6, MONDAY, seed=42, closes=(11, 0) if quick else (17, 15))
        simulated_hours = (plan.closes[0] + plan.closes[1] / 60) - (plan.opens[0] + plan.opens[1] / 60)

        def backend(clock):  # noqa: ANN001, ANN202
            queue.clock = clock
            return queue

        started = time.perf_counter()
        _, _, issued = simulate_day(plan, queue.services(), backend_factory=backend, counters=queue.counters())
        result = backtest(queue.events(MONDAY), queue.counters(), {s.id: s.default_minutes for s in queue.services()})
        elapsed = time.perf_counter() - started
        problems = queue.verify_projection(MONDAY)
        database.dispose()
    if problems:
        raise RuntimeError(f"projection differs from the events: {problems[:3]}")
    return simulated_hours * 3600 / elapsed, issued, result.mae, result.naive_mae


def run(quick: bool = False) -> list[Figure]:
    branches = 6 if quick else 18
    days = (MONDAY,) if quick else (MONDAY, WEDNESDAY)
    figures = []
    total_tickets, total_err, total_naive, total_wait, total_seconds = 0, 0.0, 0.0, 0.0, 0.0
    for day in days:
        tickets, err, naive, wait, seconds = _ward_day(day, branches)
        label = day.strftime("%a").lower()
        figures.append(Figure("queue_sim", f"estimate_mae_{label}", err / tickets, "min", baseline=naive / tickets,
                              baseline_label="people ahead × 5 min", target="ratio <= 0.5"))
        figures.append(Figure("queue_sim", f"mean_wait_{label}", wait / tickets, "min"))
        figures.append(Figure("queue_sim", f"tickets_{label}", tickets, "tickets"))
        total_tickets += tickets
        total_err, total_naive, total_wait, total_seconds = (total_err + err, total_naive + naive,
                                                             total_wait + wait, total_seconds + seconds)
    figures.append(Figure("queue_sim", "estimate_mae", total_err / total_tickets, "min",
                          baseline=total_naive / total_tickets, baseline_label="people ahead × 5 min",
                          target="ratio <= 0.5"))
    figures.append(Figure("queue_sim", "speed_vs_real_time", DAY_HOURS * 3600 * len(days) / total_seconds, "x",
                          target=">= 60"))
    speed, issued, mae, naive = _database_day(quick)
    figures.append(Figure("queue_sim", "db_speed_vs_real_time", speed, "x", target=">= 60"))
    figures.append(Figure("queue_sim", "db_branch_estimate_mae", mae, "min", baseline=naive,
                          baseline_label="people ahead × 5 min", target="ratio <= 0.5"))
    figures.append(Figure("queue_sim", "db_branch_tickets", issued, "tickets"))
    return figures
