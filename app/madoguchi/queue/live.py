"""A live office for the demo and for training clerks (研修): the project's own queue simulator
played on the real database at real time (or faster).

Residents arrive, take tickets, and the *other* counters call and serve them, so the reception,
the lobby display and the supervisor's dashboard show a working office while a trainee serves
at their own counter (which the simulation leaves alone). It writes through the real
:class:`~madoguchi.queue.service.TicketQueue`, so everything a screen shows comes from the same
events a real day leaves. Only ever on a demo database.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from datetime import time as time_of_day

from madoguchi.queue.model import BUSINESS_TZ
from madoguchi.queue.service import TicketQueue
from madoguchi.queue.simulate import BranchPlan, simulate_day
from madoguchi.store.db import Database

log = logging.getLogger(__name__)

class LiveOffice:
    """Start with :meth:`start` (a thread of its own), end with :meth:`stop`."""

    def __init__(self, database: Database, branch_id: str, *, own_counter: int, speed: float = 1.0,
                 seed: int | None = None) -> None:
        self.database = database
        self.branch_id = branch_id
        self.own_counter = own_counter
        self.speed = max(speed, 0.001)
        self.seed = seed if seed is not None else int(time.time())
        self.issued = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="madoguchi-live-office", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> bool:
        """End the day now; True when the thread has ended."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    def _run(self) -> None:
        try:
            self.run()
        except Exception as error:  # a thread's end: the demo goes on without its office
            log.warning("live office stopped: %s", error.__class__.__name__)

    def run(self) -> int:
        """Play the office until it closes or :meth:`stop` (blocking); returns the tickets issued."""
        queue = TicketQueue(self.database, self.branch_id, terminal="live-office")
        counters = [c for c in queue.counters() if c.number != self.own_counter]
        # a whole office day from its opening, whatever the hour the demo starts (its events carry the real time)
        plan = BranchPlan(self.branch_id, len(counters), datetime.now(BUSINESS_TZ).date(), seed=self.seed)
        started_wall = time.monotonic()
        started_sim = datetime.combine(plan.day, time_of_day(*plan.opens), BUSINESS_TZ)

        def pace(when: datetime) -> bool:
            due = (when - started_sim).total_seconds() / self.speed
            return not self._stop.wait(max(0.0, due - (time.monotonic() - started_wall)))

        _backend, _counters, self.issued = simulate_day(plan, queue.services(), lambda _clock: queue, counters,
                                                        arrivals_for=len(counters) + 1, pace=pace)
        return self.issued
