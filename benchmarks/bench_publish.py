"""Publishing congestion as static files (issue 14) against answering each phone with ``madoguchi serve``.

One SQLite database with 18 branches × 6 services, a busy morning at each. Figures, each
beside a baseline from the same run:

- ``snapshot_bytes`` / ``snapshot_gzip_bytes``: ``status.json`` for 18 branches (with every
  waiting ticket's label and estimate, for "your number"); baseline: ``serve``'s
  ``/api/status`` (counts only) for the same data.
- ``snapshot_cpu``: our CPU per snapshot (build + write to a folder).
- ``call_to_published``: a call at a counter → visible in the published ``status.json``
  (median and p95, 2 s interval, published at once on the queue's change notice); baseline:
  the interval alone (no change notice). Target ≤ 5 s.
- ``static_rps`` vs ``serve_rps``: a bounded local load test (same client, same concurrency,
  same duration) of plain nginx serving the published folder against ``madoguchi serve``'s
  ``/api/status`` (limits raised so nothing is refused).
- ``our_cpu_per_min_at_N``: what our side spends per minute at N phones polling every 10 s:
  the publisher (flat: 30 snapshots a minute whatever N) against ``serve`` (its CPU per request,
  measured in the load test, × N/10 requests a second).
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.figures import Figure

BRANCHES = 18
POLL_SECONDS = 10.0  # how often a phone asks (the page polls every max(5, interval) s; 10 s when idle-ish)


def _office(database) -> list[str]:  # noqa: ANN001
    from madoguchi.queue.service import TicketQueue
    from madoguchi.seed import seed_defaults

    ids = ["honcho"] + [f"branch{n:02d}" for n in range(1, BRANCHES)]
    for index, branch in enumerate(ids):
        seed_defaults(database, branch_id=branch, branch_name=f"第{index}特別出張所" if index else "本庁舎",
                      counters=6 if index == 0 else 3)
        queue = TicketQueue(database, branch)
        for number in range(40 if index == 0 else 15):
            queue.issue("ABCDEF"[number % 6], confirm=True)
        for counter in range(1, 4):
            queue.call_next(counter)
    return ids


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load(port: int, path: str, seconds: float, threads: int = 8) -> int:
    """Requests answered 200 within ``seconds`` by ``threads`` keep-alive clients."""
    stop = time.monotonic() + seconds
    counts = [0] * threads

    def client(slot: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                counts[slot] += 1
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.close()

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts)


def _call_latencies(database, folder: Path, calls: int, watch: bool) -> list[float]:  # noqa: ANN001
    from madoguchi.queue.publish import STATUS_NAME, Publisher
    from madoguchi.queue.service import TicketQueue
    from madoguchi.queue.targets import FolderTarget

    queue = TicketQueue(database, "honcho")
    publisher = Publisher(database, FolderTarget(folder), interval=2.0, watch=watch)
    found = []
    with publisher:
        deadline = time.monotonic() + 20
        while not (folder / STATUS_NAME).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.5)
        for _ in range(calls):
            queue.issue("A", confirm=True)
            ticket = queue.call_next(4, finish_current=True)  # counter 4 handles D, E … and A via 1
            if ticket is None:
                ticket = queue.call_next(1, finish_current=True)
            started = time.perf_counter()
            while time.perf_counter() - started < 15:
                try:
                    branches = json.loads((folder / STATUS_NAME).read_bytes())["branches"]
                    honcho = next(b for b in branches if b["id"] == "honcho")
                except (OSError, ValueError, StopIteration):
                    honcho = {"services": []}
                if any(c[0] == ticket.label for s in honcho["services"] for c in s["calling"]):
                    found.append(time.perf_counter() - started)
                    break
                time.sleep(0.02)
            else:
                raise RuntimeError("a call never reached status.json")
            time.sleep(0.7)  # calls a little apart, as at real counters
    return found


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(quick: bool = False) -> list[Figure]:
    from tests.support.webservers import free_port, start_nginx

    from madoguchi.queue.publish import STATUS_NAME, Publisher, encode_status, load_site, public_snapshot
    from madoguchi.queue.targets import FolderTarget
    from madoguchi.queue.web import congestion
    from madoguchi.store.db import open_database

    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        url = "sqlite:///" + (work / "bench.sqlite3").as_posix()
        database = open_database(url)
        _office(database)
        site = load_site()

        # -- size ------------------------------------------------------------------------
        body = encode_status(public_snapshot(database, site))
        counts_only = json.dumps(congestion(database), ensure_ascii=False).encode("utf-8")
        figures.append(Figure("publish", "snapshot_bytes_18_branches", len(body), "B", baseline=len(counts_only),
                              baseline_label="serve /api/status, counts only"))
        figures.append(Figure("publish", "snapshot_gzip_bytes_18_branches", len(gzip.compress(body)), "B",
                              baseline=len(gzip.compress(counts_only)), baseline_label="serve /api/status gzip",
                              target="<= 50000"))

        # -- our cost per snapshot ---------------------------------------------------------
        out = work / "www" / "madoguchi"
        publisher = Publisher(database, FolderTarget(out), site=site, watch=False)
        publisher.publish_once()
        rounds = 5 if quick else 20
        cpu0 = time.process_time()
        for _ in range(rounds):
            publisher.publish_once()
        per_snapshot = (time.process_time() - cpu0) / rounds
        figures.append(Figure("publish", "snapshot_cpu_18_branches", per_snapshot * 1000, "ms"))

        # -- call → published ----------------------------------------------------------------
        calls = 6 if quick else 20
        with_notice = _call_latencies(database, work / "lat1", calls, watch=True)
        interval_only = _call_latencies(database, work / "lat2", calls, watch=False)
        label = "2 s interval alone"
        figures.append(Figure("publish", "call_to_published_median", statistics.median(with_notice), "s",
                              baseline=statistics.median(interval_only), baseline_label=label))
        figures.append(Figure("publish", "call_to_published_p95", _p95(with_notice), "s",
                              baseline=_p95(interval_only), baseline_label=label, target="<= 5"))

        # -- load: nginx on the published files against madoguchi serve --------------------------
        seconds = 2.0 if quick else 5.0
        nginx = start_nginx(work / "nginx", work / "www")
        try:
            nginx_cpu0 = _cpu_seconds(nginx.process.pid)
            static = _load(nginx.port, "/madoguchi/" + STATUS_NAME, seconds)
            nginx_cpu = _cpu_seconds(nginx.process.pid) - nginx_cpu0
        finally:
            nginx.stop()
        port = free_port()
        code = ("import sys; from madoguchi.store.db import open_database; from madoguchi.queue.web import make_server;"
                f"s = make_server(open_database({url!r}, migrate=False), '127.0.0.1', {port}, ttl=2.0,"
                " per_client_per_second=1e9, burst=10**9, max_concurrent=64); print('ready', flush=True);"
                " s.serve_forever()")
        server = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                                  cwd=str(Path(__file__).resolve().parent.parent),
                                  env=dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent / "app")))
        try:
            server.stdout.readline()
            _load(port, "/api/status", 0.5, threads=1)  # warm: the first status
            serve_cpu0 = _cpu_seconds(server.pid)
            served = _load(port, "/api/status", seconds)
            serve_cpu = _cpu_seconds(server.pid) - serve_cpu0
        finally:
            server.terminate()
            server.wait(10)
        figures.append(Figure("publish", "static_nginx_rps", static / seconds, "req/s", baseline=served / seconds,
                              baseline_label="madoguchi serve /api/status, same client"))
        figures.append(Figure("publish", "web_cpu_per_request", nginx_cpu / max(static, 1) * 1e6, "us",
                              baseline=serve_cpu / max(served, 1) * 1e6, baseline_label="madoguchi serve"))
        serve_per_request = serve_cpu / max(served, 1)
        publish_per_minute = per_snapshot * 60 / 2.0  # one snapshot every 2 s, whatever the viewers
        for viewers in (100, 10_000, 100_000):
            serve_per_minute = serve_per_request * viewers / POLL_SECONDS * 60
            figures.append(Figure("publish", f"our_cpu_seconds_per_min_at_{viewers}_phones", publish_per_minute, "s",
                                  baseline=serve_per_minute, baseline_label="serve answering every phone"))
        database.dispose()
    return figures
