"""Load on the public congestion page (``madoguchi serve``): requests/s, p50 and p99 latency of
``GET /api/status`` over keep-alive connections.

Our server (one write per response, TCP_NODELAY) runs in its own process with the rate limit
lifted (the load comes from one address). The baseline, measured in the same run on the same
status JSON, is a plain ``http.server`` handler that writes the headers and the body
separately without TCP_NODELAY — what ``serve`` did before issue 13 (each keep-alive response
then waits ~40 ms for the delayed ACK). Clients: ``CLIENTS`` threads in this process, each on
one keep-alive connection, for ``SECONDS`` seconds.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.figures import Figure

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 4

_OURS = """
import sys
from madoguchi.store.db import open_database
from madoguchi.seed import seed_defaults
from madoguchi.queue.web import make_server
database = open_database(sys.argv[1])
seed_defaults(database, counters=3)
server = make_server(database, "127.0.0.1", 0, per_client_per_second=1e9, burst=10**9, max_concurrent=64)
print(server.server_address[1], flush=True)
server.serve_forever()
"""

_BASELINE = """
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from madoguchi.store.db import open_database
from madoguchi.seed import seed_defaults
from madoguchi.queue.web import StatusCache
database = open_database(sys.argv[1])
seed_defaults(database, counters=3)
cache = StatusCache(database, 2.0)

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def do_GET(self):
        body = json.dumps(cache.get(), ensure_ascii=False).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

class Server(ThreadingHTTPServer):
    daemon_threads = True

server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


def _start(code: str, url: str) -> tuple[subprocess.Popen[str], int]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "app"), str(ROOT)]))
    process = subprocess.Popen([sys.executable, "-c", code, url], stdout=subprocess.PIPE, text=True, env=env)
    port = int(process.stdout.readline())  # type: ignore[union-attr]
    return process, port


def _load(port: int, seconds: float) -> tuple[int, list[float], int]:
    """(requests answered, latencies in s, errors) from CLIENTS keep-alive connections."""
    request = b"GET /api/status HTTP/1.1\r\nHost: bench\r\n\r\n"
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        mine: list[float] = []
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            reader = sock.makefile("rb")
            while time.monotonic() < stop:
                started = time.perf_counter()
                sock.sendall(request)
                status = reader.readline()
                length = 0
                while True:
                    line = reader.readline()
                    if line in (b"\r\n", b""):
                        break
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                reader.read(length)
                if not status.startswith(b"HTTP/1.1 200"):
                    with lock:
                        errors[0] += 1
                mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies), latencies, errors[0]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run(quick: bool = False) -> list[Figure]:
    seconds = 2.0 if quick else 8.0
    results: dict[str, tuple[float, float, float, int]] = {}
    with tempfile.TemporaryDirectory(prefix="madoguchi-bench-serve-") as folder:
        url = "sqlite:///" + (Path(folder) / "serve.sqlite3").as_posix()
        for name, code in (("baseline", _BASELINE), ("ours", _OURS)):
            process, port = _start(code, url)
            try:
                _load(port, 0.5)  # warm-up: caches, the first status computed
                count, latencies, errors = _load(port, seconds)
            finally:
                process.terminate()
                process.wait(10)
                process.stdout.close()  # type: ignore[union-attr]
            results[name] = (count / seconds, statistics.median(latencies) * 1000,
                             _percentile(latencies, 0.99) * 1000, errors)
    ours, base = results["ours"], results["baseline"]
    label = "headers and body written apart, as serve did before issue 13"
    return [
        Figure("serve", "requests_per_second", round(ours[0], 1), "req/s", round(base[0], 1), label),
        Figure("serve", "latency_p50", round(ours[1], 3), "ms", round(base[1], 3), label),
        Figure("serve", "latency_p99", round(ours[2], 3), "ms", round(base[2], 3), label),
        Figure("serve", "errors", ours[3], "responses not 200", target="0"),
    ]
