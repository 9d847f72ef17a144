"""20 processes issuing, calling and serving tickets at once against a real PostgreSQL.

Each process is one PC: it issues tickets for random services and calls the next ticket
at its own counter (recording the previous one as served), pausing 0.5-2 s between rounds:
together about 30 transactions a second on one branch, some 30 times what a whole ward of
18 branches makes on a busy day (a clerk calls every few minutes). The full run then
repeats it as a stress test with 0.1-0.4 s pauses (figures ``*_stress``, no target).
The machine's load average before the run is printed: on a shared 2-core machine the
latency says little without it. Afterwards the database is checked: every series numbered
1..N without duplicates or gaps, every issued ticket present (none lost), no ticket called
by two counters, projection = events. Prints the p95 latency of a call (target ≤ 100 ms).

Baseline from the same run: the same processes allocating numbers the naive way
(``SELECT max(number) + 1`` then ``INSERT``), counting the duplicates that produces.
A throw-away cluster is started with tests/support/postgres.py (Debian's postgresql).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import shutil
import statistics
import time

from benchmarks.figures import Figure

PREFIXES = "ABCDEF"


def _worker(url: str, index: int, seconds: float, barrier, pause: tuple[float, float] = (0.5, 2.0)) -> dict:  # noqa: ANN001
    from madoguchi.queue.service import TicketQueue
    from madoguchi.store.db import open_database

    database = open_database(url, migrate=False)
    queue = TicketQueue(database, "honcho", terminal=f"pc{index:02d}")
    rng = random.Random(index)
    counter = index + 1
    issued, called, call_ms, issue_ms = [], [], [], []
    barrier.wait(60)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        started = time.perf_counter()
        issued.append(queue.issue(rng.choice(PREFIXES), confirm=True).label)
        issue_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        ticket = queue.call_next(counter, finish_current=True)
        call_ms.append((time.perf_counter() - started) * 1000)
        if ticket is not None:
            called.append(ticket.label)
        time.sleep(rng.uniform(*pause))
    current = queue.snapshot()
    for status in current.counters:
        if status.counter.number == counter and status.ticket_id is not None:
            queue.served(status.ticket_id)
    database.dispose()
    return {"issued": issued, "called": called, "call_ms": call_ms, "issue_ms": issue_ms}


def _naive_worker(url: str, index: int, seconds: float, barrier) -> int:  # noqa: ANN001
    """The read-modify-write numbering a hurried implementation would write."""
    import psycopg

    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    count = 0
    with psycopg.connect(conninfo) as connection:
        barrier.wait(60)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            with connection.transaction():
                number = connection.execute("SELECT coalesce(max(number), 0) + 1 FROM naive_ticket").fetchone()[0]
                connection.execute("INSERT INTO naive_ticket (number) VALUES (%s)", (number,))
            count += 1
            time.sleep(0.001)
    return count


def _pool_run(function, url: str, processes: int, seconds: float, *extra: object) -> list:  # noqa: ANN001
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(processes)
        with context.Pool(processes) as pool:
            jobs = [pool.apply_async(function, (url, i, seconds, barrier, *extra)) for i in range(processes)]
            return [job.get(timeout=seconds + 120) for job in jobs]


def _check(url: str, results: list[dict]) -> dict:
    from madoguchi.queue.service import TicketQueue
    from madoguchi.store.db import open_database

    database = open_database(url, migrate=False)
    queue = TicketQueue(database, "honcho")
    state = queue.state()
    issued = [label for r in results for label in r["issued"]]
    called = [label for r in results for label in r["called"]]
    stored = [t.label for t in state.tickets.values()]
    duplicates = len(issued) - len(set(issued)) + len(stored) - len(set(stored))
    gaps = 0
    for prefix in PREFIXES:
        numbers = sorted(int(label[2:]) for label in stored if label.startswith(prefix))
        gaps += (numbers[-1] - len(numbers)) if numbers else 0
    lost = len(set(issued) - set(stored))
    problems = queue.verify_projection()
    database.dispose()
    return {"issued": len(issued), "called": len(called), "called_twice": len(called) - len(set(called)),
            "duplicates": duplicates, "gaps": gaps, "lost": lost, "projection_problems": len(problems)}


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def run(quick: bool = False) -> list[Figure]:
    from tests.support.postgres import find_pg_bin, start_server

    from madoguchi.seed import seed_defaults
    from madoguchi.store.db import open_database

    if find_pg_bin() is None:
        raise RuntimeError("PostgreSQL server binaries not found (Debian package postgresql)")
    processes = 8 if quick else 20
    seconds = 10.0 if quick else 60.0
    background_load = os.getloadavg()[0]
    server = start_server()
    try:
        url = server.create_database()
        database = open_database(url)
        seed_defaults(database, "honcho", "本庁舎", counters=processes)
        with database.engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE naive_ticket (id serial PRIMARY KEY, number int NOT NULL)")
        database.dispose()
        started = time.perf_counter()
        results = _pool_run(_worker, url, processes, seconds)
        elapsed = time.perf_counter() - started
        check = _check(url, results)
        stress = None if quick else _pool_run(_worker, url, processes, seconds, (0.1, 0.4))
        if stress is not None:
            stress_check = _check(url, results + stress)
            if any(stress_check[k] for k in ("duplicates", "gaps", "lost", "called_twice", "projection_problems")):
                raise RuntimeError(f"stress run broke the queue: {stress_check}")
        naive_counts = _pool_run(_naive_worker, url, processes, 3.0 if quick else 10.0)
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
            naive_total, naive_distinct = connection.execute(
                "SELECT count(*), count(DISTINCT number) FROM naive_ticket").fetchone()
    finally:
        server.stop("immediate")
        shutil.rmtree(server.base, ignore_errors=True)
    call_ms = [v for r in results for v in r["call_ms"]]
    issue_ms = [v for r in results for v in r["issue_ms"]]
    assert sum(naive_counts) == naive_total
    return [
        # the machine is shared: latency means little without the load it was measured under
        Figure("queue_pg", "load_average_before", round(background_load, 1), "on 2 cores"),
        Figure("queue_pg", "processes", processes, "processes"),
        Figure("queue_pg", "seconds", round(elapsed, 1), "s"),
        Figure("queue_pg", "tickets_issued", check["issued"], "tickets"),
        Figure("queue_pg", "tickets_called", check["called"], "tickets"),
        Figure("queue_pg", "duplicate_numbers", check["duplicates"], "numbers",
               baseline=naive_total - naive_distinct, baseline_label="SELECT max()+1 then INSERT", target="0"),
        Figure("queue_pg", "number_gaps", check["gaps"], "numbers", target="0"),
        Figure("queue_pg", "lost_tickets", check["lost"], "tickets", target="0"),
        Figure("queue_pg", "called_twice", check["called_twice"], "tickets", target="0"),
        Figure("queue_pg", "projection_mismatches", check["projection_problems"], "tickets", target="0"),
        Figure("queue_pg", "call_latency_p95", round(_p95(call_ms), 1), "ms", target="<= 100"),
        Figure("queue_pg", "call_latency_median", round(statistics.median(call_ms), 1), "ms"),
        Figure("queue_pg", "issue_latency_p95", round(_p95(issue_ms), 1), "ms"),
        *_stress_figures(stress),
    ]


def _stress_figures(stress: list[dict] | None) -> list[Figure]:
    if stress is None:
        return []
    call_ms = [v for r in stress for v in r["call_ms"]]
    return [Figure("queue_pg", "tickets_issued_stress", sum(len(r["issued"]) for r in stress), "tickets"),
            Figure("queue_pg", "call_latency_p95_stress", round(_p95(call_ms), 1), "ms"),
            Figure("queue_pg", "call_latency_median_stress", round(statistics.median(call_ms), 1), "ms")]
