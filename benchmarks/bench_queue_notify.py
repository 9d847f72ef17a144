"""How fast a call reaches a display: PostgreSQL LISTEN/NOTIFY against SQLite polling.

A ``QueueWatcher`` (what the lobby display and the dashboard use) listens while another
connection calls tickets; the figure is the time from ``call_next`` returning to the
watcher's callback. Target: within 1 s of a call. The baseline is the embedded SQLite
database's polling (0.5 s interval), measured in the same run.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.figures import Figure


def _latencies(database, calls: int, poll_interval: float) -> list[float]:  # noqa: ANN001
    from madoguchi.queue.notify import RESYNC, QueueWatcher
    from madoguchi.queue.service import TicketQueue
    from madoguchi.seed import seed_defaults

    seed_defaults(database, counters=2)
    queue = TicketQueue(database, "honcho")
    for _ in range(calls):
        queue.issue("A", confirm=True)
    arrived = threading.Event()

    def on_change(change) -> None:  # noqa: ANN001
        if change.kind != RESYNC:
            arrived.set()

    found = []
    with QueueWatcher(database, branch_id="honcho", on_change=on_change, poll_interval=poll_interval) as watcher:
        if not watcher.wait_online(10):
            raise RuntimeError("the watcher did not come online")
        time.sleep(1.0)
        for _ in range(calls):
            arrived.clear()
            started = time.perf_counter()
            ticket = queue.call_next(1)
            if not arrived.wait(10):
                raise RuntimeError("a call never reached the watcher")
            found.append(time.perf_counter() - started)
            queue.served(ticket)
            time.sleep(0.3)
            arrived.clear()
    return found


def run(quick: bool = False) -> list[Figure]:
    from tests.support.postgres import start_server

    from madoguchi.store.db import open_database

    calls = 5 if quick else 20
    server = start_server()
    try:
        pg = open_database(server.create_database())
        ours = _latencies(pg, calls, poll_interval=0.5)
        pg.dispose()
    finally:
        server.stop("immediate")
    with tempfile.TemporaryDirectory() as folder:
        lite = open_database("sqlite:///" + (Path(folder) / "notify.sqlite3").as_posix())
        polled = _latencies(lite, calls, poll_interval=0.5)
        lite.dispose()
    label = "SQLite polling every 0.5 s"
    return [
        Figure("queue_notify", "call_to_display_median", statistics.median(ours) * 1000, "ms",
               baseline=statistics.median(polled) * 1000, baseline_label=label),
        Figure("queue_notify", "call_to_display_max", max(ours) * 1000, "ms",
               baseline=max(polled) * 1000, baseline_label=label, target="<= 1000"),
    ]
