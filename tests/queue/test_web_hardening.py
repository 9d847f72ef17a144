"""Issue 13's attacks on ``serve`` over raw sockets: smuggled bodies, Transfer-Encoding, too
many query fields, clients that hang up or never finish their headers, the rate limiter's
table and trusted proxies, and one write per response (no Nagle stall)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from madoguchi.queue.web import StatusServer, _RateLimiter, client_address, make_server, parse_proxies
from madoguchi.seed import seed_defaults


@pytest.fixture
def server(database) -> Iterator[StatusServer]:  # noqa: ANN001
    seed_defaults(database, counters=2)
    running = make_server(database, "127.0.0.1", 0, ttl=0.0, burst=500, per_client_per_second=500,
                          header_seconds=1.0)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()


def _exchange(server: StatusServer, raw: bytes, *, wait: float = 3.0) -> bytes:
    """Send ``raw``, read until the server closes or ``wait`` passes."""
    with socket.create_connection(server.server_address[:2], timeout=wait) as sock:
        sock.sendall(raw)
        chunks = []
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def _statuses(reply: bytes) -> list[int]:
    return [int(line.split()[1]) for line in reply.split(b"\r\n") if line.startswith(b"HTTP/1.")]


def test_a_request_body_is_never_parsed_as_the_next_request(server: StatusServer) -> None:
    smuggled = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    raw = (b"GET /api/status HTTP/1.1\r\nHost: x\r\nContent-Length: " + str(len(smuggled)).encode()
           + b"\r\n\r\n" + smuggled)
    reply = _exchange(server, raw)
    assert _statuses(reply) == [413]  # one answer, the connection closed: the body was no request
    assert b"Connection: close" in reply


def test_transfer_encoding_is_refused(server: StatusServer) -> None:
    raw = (b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
           b"1c\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n0\r\n\r\n")
    assert _statuses(_exchange(server, raw)) == [501]


def test_a_post_body_is_not_read_as_a_request(server: StatusServer) -> None:
    smuggled = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    raw = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + str(len(smuggled)).encode() + b"\r\n\r\n" + smuggled
    assert _statuses(_exchange(server, raw)) == [405]


def test_six_query_fields_give_a_400_not_a_traceback(server: StatusServer) -> None:
    reply = _exchange(server, b"GET /?a=1&b=2&c=3&d=4&e=5&f=6 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert _statuses(reply) == [400]


def test_headers_must_arrive_in_time(server: StatusServer) -> None:
    with socket.create_connection(server.server_address[:2], timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\n")
        started = time.monotonic()
        for _ in range(8):  # a byte every 0.4 s keeps the socket timeout from ever firing
            try:
                sock.sendall(b"X")
            except OSError:
                break
            time.sleep(0.4)
        try:
            rest = sock.recv(100)
        except OSError:
            rest = b""
        assert rest == b"" and time.monotonic() - started < 6  # closed after header_seconds (1 s)


def test_keep_alive_responses_are_one_write(server: StatusServer) -> None:
    """Headers and body in one segment: many keep-alive requests are answered without the
    ~40 ms Nagle/delayed-ACK stall (counted, not timed: each reply arrives in one recv)."""
    with socket.create_connection(server.server_address[:2], timeout=5) as sock:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) in (0, 1)
        whole = 0
        for _ in range(20):
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            first = sock.recv(65536)
            whole += first.endswith(b"\r\n\r\nok\n")
        assert whole == 20


def test_clients_that_hang_up_leave_no_traceback(sqlite_url: str, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, MADOGUCHI_DATABASE_URL=sqlite_url)
    process = subprocess.Popen([sys.executable, "-m", "madoguchi", "serve", "--host", "127.0.0.1", "--port",
                                str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout.readline().startswith("serving")  # type: ignore[union-attr]
        for _ in range(30):
            sock = socket.create_connection(("127.0.0.1", port))
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            sock.sendall(b"GET /api/status?lang=en HTTP/1.1\r\nHost: x\r\n\r\n")
            sock.close()  # RST before the answer is written
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"GET /?a=1&b=2&c=3&d=4&e=5&f=6 HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.recv(100)
        sock.close()
        time.sleep(1.0)
    finally:
        process.terminate()
        _out, err = process.communicate(timeout=10)
    assert "Traceback" not in err and "BrokenPipeError" not in err and "ConnectionResetError" not in err


def test_the_rate_limiter_is_bounded_and_remembers_recent_clients() -> None:
    limiter = _RateLimiter(per_second=0.001, burst=2, max_clients=100)
    assert limiter.allow("10.0.0.1") and limiter.allow("10.0.0.1") and not limiter.allow("10.0.0.1")
    for index in range(99):  # fewer than the table holds: the abuser is not forgotten
        limiter.allow(f"192.0.2.{index}")
    assert not limiter.allow("10.0.0.1")
    for index in range(5000):
        limiter.allow(f"198.51.{index // 256}.{index % 256}")
    assert len(limiter) <= 100


def test_trusted_proxy_forwarded_for() -> None:
    proxies = parse_proxies("10.0.0.5, 10.1.0.0/24")
    assert client_address("203.0.113.9", "1.2.3.4", proxies) == "203.0.113.9"  # not a proxy: header ignored
    assert client_address("10.0.0.5", "198.51.100.7", proxies) == "198.51.100.7"
    # the client's own forged entries on the left do not count; the proxy chain is skipped
    assert client_address("10.0.0.5", "6.6.6.6, 198.51.100.7, 10.1.0.3", proxies) == "198.51.100.7"
    assert client_address("10.0.0.5", "garbage", proxies) == "10.0.0.5"
    assert client_address("10.0.0.5", None, ()) == "10.0.0.5"


def test_everyone_behind_a_trusted_proxy_is_not_one_client(database) -> None:  # noqa: ANN001
    seed_defaults(database)
    server = make_server(database, "127.0.0.1", 0, burst=2, per_client_per_second=0.01, trusted_proxies="127.0.0.1")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        def get(forwarded: str) -> int:
            raw = (f"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: {forwarded}\r\nConnection: close\r\n\r\n"
                   .encode())
            return _statuses(_exchange(server, raw))[0]
        assert [get("198.51.100.1") for _ in range(3)] == [200, 200, 429]
        assert get("198.51.100.2") == 200  # another resident behind the same proxy
    finally:
        server.shutdown()
        server.server_close()
