"""The demo's live office: the simulator playing other counters on the real database, paced by the wall clock."""

from __future__ import annotations

import time

from madoguchi.queue.live import LiveOffice
from madoguchi.queue.model import TicketState
from madoguchi.queue.service import TicketQueue
from madoguchi.seed import seed_demo


def test_other_counters_call_and_serve_while_the_trainees_counter_is_left_alone(sqlite_url: str) -> None:
    from madoguchi.store.db import open_database

    database = open_database(sqlite_url)
    try:
        seed_demo(database)
        office = LiveOffice(database, "honcho", own_counter=1, speed=600.0, seed=3)  # 10 office minutes a second
        office.start()
        queue = TicketQueue(database, "honcho")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            tickets = list(queue.state().tickets.values())
            if any(t.state == TicketState.SERVED for t in tickets) and queue.state().waiting():
                break
            time.sleep(0.2)
        assert office.stop(), "the office's thread did not end"
        tickets = list(queue.state().tickets.values())
        served = [t for t in tickets if t.state == TicketState.SERVED]
        assert served, "nobody was served"
        counters = {c.id: c.number for c in queue.counters()}
        assert 1 not in {counters.get(t.counter_id) for t in tickets if t.counter_id is not None}
        # the trainee at counter 1 calls from the same queue
        assert queue.call_next(1) is not None
    finally:
        database.dispose()
