"""Many processes at once on one database: unique, gap-free numbers; no ticket called twice."""

from __future__ import annotations

import multiprocessing

import pytest

from madoguchi.queue.model import TicketState
from madoguchi.queue.service import TicketQueue
from madoguchi.seed import seed_defaults
from madoguchi.store.db import open_database
from tests.queue.helpers import worker_call, worker_issue

pytestmark = pytest.mark.slow

PROCESSES = 4
PER_PROCESS = 15


def _run(function, argument_lists: list[tuple]) -> list[list[str]]:  # noqa: ANN001
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(len(argument_lists))
        with context.Pool(len(argument_lists)) as pool:
            results = [pool.apply_async(function, (*args, barrier)) for args in argument_lists]
            return [r.get(timeout=120) for r in results]


def test_processes_issuing_at_once_get_unique_gap_free_numbers(database_url) -> None:  # noqa: ANN001
    database = open_database(database_url)
    seed_defaults(database)
    results = _run(worker_issue, [(database_url, "A" if i % 2 else "B", PER_PROCESS) for i in range(PROCESSES)])
    labels = [label for result in results for label in result]
    for prefix in "AB":
        numbers = sorted(int(label.split("-")[1]) for label in labels if label.startswith(prefix))
        assert numbers == list(range(1, PER_PROCESS * PROCESSES // 2 + 1))  # unique and gap-free
    queue = TicketQueue(database, "honcho")
    assert queue.snapshot().waiting_total == PER_PROCESS * PROCESSES  # none lost
    assert queue.verify_projection() == []
    database.dispose()


def test_clerks_calling_at_once_never_get_the_same_ticket(database_url) -> None:  # noqa: ANN001
    database = open_database(database_url)
    seed_defaults(database, counters=4)
    queue = TicketQueue(database, "honcho")
    for _ in range(30):
        queue.issue("B", confirm=True)  # counters 1 and 2 both handle B
    for _ in range(10):
        queue.issue("C", confirm=True)  # counters 2 and 3 handle C
    results = _run(worker_call, [(database_url, counter) for counter in (1, 2, 3)])
    called = [label for result in results for label in result]
    assert len(called) == len(set(called)) == 40
    state = queue.state()
    assert all(t.state in (TicketState.SERVED, TicketState.CALLED) for t in state.tickets.values())
    assert queue.verify_projection() == []
    database.dispose()


def test_served_and_call_next_pressed_at_once_do_not_deadlock(database) -> None:  # noqa: ANN001
    """Two PCs (or a double click) on one counter: one wins, the other gets a clear QueueError."""
    import threading

    from madoguchi.queue.model import QueueError

    seed_defaults(database, counters=1)
    queue = TicketQueue(database, "honcho")
    for _ in range(25):  # each round calls one or two
        queue.issue("A", confirm=True)
    unexpected: list[BaseException] = []
    for _ in range(10):
        ticket = queue.call_next(1, finish_current=True)
        assert ticket is not None
        barrier = threading.Barrier(2)

        def press(action, barrier: threading.Barrier = barrier) -> None:  # noqa: ANN001
            barrier.wait(10)
            try:
                action()
            except QueueError:
                pass  # the other press won: "already served" — fine
            except BaseException as exc:  # noqa: BLE001
                unexpected.append(exc)

        threads = [threading.Thread(target=press, args=(lambda t=ticket: queue.served(t),)),
                   threading.Thread(target=press, args=(lambda: queue.call_next(1, finish_current=True),))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert not any(thread.is_alive() for thread in threads), "the two presses deadlocked"
    assert unexpected == []
    assert queue.verify_projection() == []
