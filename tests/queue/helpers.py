"""Shared helpers for the queue tests: a controllable clock and a ready queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from madoguchi.queue.service import TicketQueue
from madoguchi.seed import seed_defaults
from madoguchi.store.db import Database, open_database

#: a Monday 09:00 JST
MONDAY_9 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)


class Clock:
    def __init__(self, start: datetime = MONDAY_9) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> datetime:
        self.now += timedelta(minutes=minutes)
        return self.now


def ready_queue(database: Database, counters: int = 3, clock: Clock | None = None) -> TicketQueue:
    seed_defaults(database, counters=counters)
    return TicketQueue(database, "honcho", clock=clock or Clock())


def worker_issue(url: str, service: str, count: int, start_barrier) -> list[str]:  # noqa: ANN001
    """Run in a separate process: issue ``count`` tickets as fast as possible."""
    database = open_database(url, migrate=False)
    queue = TicketQueue(database, "honcho", terminal="worker")
    start_barrier.wait(30)
    labels = [queue.issue(service, confirm=True).label for _ in range(count)]
    database.dispose()
    return labels


def worker_call(url: str, counter: int, start_barrier) -> list[str]:  # noqa: ANN001
    """Run in a separate process: call and serve at one counter until nobody waits."""
    database = open_database(url, migrate=False)
    queue = TicketQueue(database, "honcho", terminal=f"counter-{counter}")
    start_barrier.wait(30)
    called = []
    while (ticket := queue.call_next(counter, finish_current=True)) is not None:
        called.append(ticket.label)
    database.dispose()
    return called
