"""The public congestion page: JSON API, HTML, limits, and a real headless Chromium."""

from __future__ import annotations

import json
import re
import subprocess
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from madoguchi.queue.qr import status_page_url, ticket_qr_png, ticket_qr_svg
from madoguchi.queue.service import TicketQueue
from madoguchi.queue.web import make_server
from madoguchi.seed import seed_defaults
from tests.support.requirements import require_executable

ALLOWED_SERVICE_KEYS = {"prefix", "name", "name_en", "waiting", "wait_minutes", "wait_low", "wait_high", "open"}


@pytest.fixture
def status_server(database):  # noqa: ANN001, ANN201
    seed_defaults(database, counters=3)
    seed_defaults(database, branch_id="kita", branch_name="北特別出張所", counters=2)
    queue = TicketQueue(database, "honcho")
    for service in "AAABBC":
        queue.issue(service, confirm=True)
    queue.call_next(1)
    queue.open_counter(2)
    TicketQueue(database, "kita").issue("B", confirm=True)
    server = make_server(database, "127.0.0.1", 0, ttl=0.0, burst=200, per_client_per_second=100)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _get(url: str, method: str = "GET") -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_status_api_has_counts_and_estimates_but_no_personal_or_ticket_data(status_server) -> None:  # noqa: ANN001
    status, headers, body = _get(status_server.url + "api/status")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    data = json.loads(body)
    assert set(data) == {"updated_at", "stale", "branches"}
    honcho = next(b for b in data["branches"] if b["id"] == "honcho")
    assert set(honcho) == {"id", "name", "name_en", "waiting", "services"}
    for service in honcho["services"]:
        assert set(service) == ALLOWED_SERVICE_KEYS
    by_prefix = {s["prefix"]: s for s in honcho["services"]}
    assert by_prefix["A"]["waiting"] == 2 and by_prefix["B"]["waiting"] == 2  # A-001 is at counter 1
    assert by_prefix["A"]["open"] and by_prefix["A"]["wait_low"] <= by_prefix["A"]["wait_minutes"] <= \
        by_prefix["A"]["wait_high"]
    assert not by_prefix["E"]["open"] and by_prefix["E"]["wait_minutes"] is None
    assert not re.search(rb"[A-F]-\d{3}", body), "ticket numbers must not be published"
    assert b"reason" not in body and b"staff" not in body


def test_html_page_in_japanese_and_english(status_server) -> None:  # noqa: ANN001
    status, headers, body = _get(status_server.url)
    page = body.decode("utf-8")
    assert status == 200 and "窓口の混雑状況" in page and "住民異動" in page and "北特別出張所" in page
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    english = _get(status_server.url + "?lang=en")[2].decode("utf-8")
    assert "Counter congestion" in english and "Moving in / out" in english and 'lang="en"' in english
    assert _get(status_server.url + "static/page.js")[0] == 200


def test_request_limits(database) -> None:  # noqa: ANN001
    seed_defaults(database)
    server = make_server(database, "127.0.0.1", 0, burst=3, per_client_per_second=0.01)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert server.server_address[0] == "127.0.0.1"
        assert _get(server.url + "api/status", method="POST")[0] == 405
        assert _get(server.url + "x" * 400)[0] == 414
        codes = [_get(server.url + "healthz")[0] for _ in range(4)]
        assert codes[-1] == 429 and 200 in codes
    finally:
        server.shutdown()
        server.server_close()


def test_qr_code_for_the_receipt() -> None:
    url = status_page_url("https://ward.example.jp/madoguchi", "honcho", "en")
    assert url == "https://ward.example.jp/madoguchi/?branch=honcho&lang=en"
    assert ticket_qr_svg(url).lstrip().startswith("<svg")
    assert ticket_qr_png(url)[:8] == b"\x89PNG\r\n\x1a\n"


def _chromium(*args: str, user_data: Path) -> subprocess.CompletedProcess:
    chromium = require_executable("chromium")
    return subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           f"--user-data-dir={user_data}", *args],
                          capture_output=True, text=True, timeout=90, check=False)


@pytest.mark.chromium
@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_page_in_headless_chromium(status_server, results_dir: Path, tmp_path: Path) -> None:  # noqa: ANN001
    # the script replaces the server-rendered table after its first refresh; dump after it could have run
    dom = _chromium("--virtual-time-budget=35000", "--dump-dom", status_server.url, user_data=tmp_path / "c1")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "住民異動" in dom.stdout and 'data-branch="kita"' in dom.stdout
    assert "オフライン" not in dom.stdout, "the page's refresh failed in the browser"
    for name, size, query in (("queue-public-page-phone.png", "390,844", ""),
                              ("queue-public-page-en.png", "1024,768", "?lang=en")):
        shot = results_dir / name
        shot.unlink(missing_ok=True)
        result = _chromium(f"--screenshot={shot}", f"--window-size={size}", "--hide-scrollbars",
                           status_server.url + query, user_data=tmp_path / name)
        assert result.returncode == 0 and shot.stat().st_size > 5000, result.stderr[-2000:]


@pytest.mark.slow
def test_serve_command_binds_the_given_address(sqlite_url: str, tmp_path: Path) -> None:
    import os
    import socket
    import sys

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, MADOGUCHI_DATABASE_URL=sqlite_url)
    process = subprocess.Popen([sys.executable, "-m", "madoguchi", "serve", "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith(f"serving http://127.0.0.1:{port}/"), process.stderr.read()  # type: ignore[union-attr]
        status, _, body = _get(f"http://127.0.0.1:{port}/api/status")
        assert status == 200 and json.loads(body)["branches"][0]["id"] == "honcho"
    finally:
        process.terminate()
        process.wait(10)
        for stream in (process.stdout, process.stderr):
            stream.close()  # type: ignore[union-attr]
