"""The public congestion page: ``madoguchi serve`` (standard library only).

- ``GET /api/status`` — read-only JSON: per branch and service the waiting count, the
  estimated wait with its range and whether a counter is open; the time it was computed.
  Counts and minutes only: no ticket numbers, no names, nothing about a person.
- ``GET /`` — the same as an HTML page (Japanese, ``?lang=en`` English), rendered on the
  server so it works without JavaScript, refreshed every 30 s by a small script
  (``resources/web/``).
- ``GET /healthz`` — ``ok`` / 503 for the ward's monitoring.

Protection for a page on the ward's website: it binds only the configured address,
answers GET and HEAD only, refuses long URLs (414), too many query fields (400), request
bodies (413) and ``Transfer-Encoding`` (501) — closing the connection, so a body is never
read as the next request — limits requests per client address (429; a bounded table of
clients, the address taken from ``X-Forwarded-For`` only behind a configured trusted proxy)
and concurrent requests (503), gives a client ``HEADER_SECONDS`` to send a request's
headers, computes the status at most every ``ttl`` seconds whatever the traffic, and keeps
serving the last status, marked ``"stale": true``, while the database is away. Each response
goes out in one write with TCP_NODELAY (no Nagle delay on keep-alive connections), and a
client that hangs up is no traceback.
"""

from __future__ import annotations

import html
import ipaddress
import json
import logging
import socket
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from madoguchi import paths
from madoguchi.errors import MadoguchiError
from madoguchi.queue.model import BUSINESS_TZ, utcnow
from madoguchi.store.db import Database

log = logging.getLogger(__name__)

MAX_PATH = 256
MAX_QUERY_FIELDS = 5
#: seconds a client has to send a request line and its headers (slowloris); also the
#: idle time of a keep-alive connection
HEADER_SECONDS = 10.0
#: client addresses the rate limiter remembers at most (least recently seen forgotten first)
MAX_CLIENTS = 10_000
STATIC = {"/static/page.js": ("page.js", "text/javascript; charset=utf-8"),
          "/static/style.css": ("style.css", "text/css; charset=utf-8")}


def congestion(database: Database, now: datetime | None = None) -> dict:
    """The public status of every active branch (the body of ``/api/status``)."""
    from madoguchi.queue.service import TicketQueue, load_branches

    now = now or utcnow()
    branches = []
    for branch in load_branches(database):
        snapshot = TicketQueue(database, branch.id).snapshot(now)
        services = []
        for status in snapshot.services:
            estimate = status.estimate.as_dict()
            services.append({"prefix": status.service.prefix, "name": status.service.name,
                             "name_en": status.service.name_en, "waiting": status.waiting,
                             "wait_minutes": estimate["minutes"], "wait_low": estimate["low"],
                             "wait_high": estimate["high"], "open": status.open_counters > 0})
        branches.append({"id": branch.id, "name": branch.name, "name_en": branch.name_en or branch.name,
                         "waiting": snapshot.waiting_total, "services": services})
    return {"updated_at": now.astimezone(BUSINESS_TZ).isoformat(timespec="seconds"), "stale": False,
            "branches": branches}


class StatusCache:
    """Computes the status at most every ``ttl`` seconds; keeps the last one while offline."""

    def __init__(self, database: Database, ttl: float = 2.0) -> None:
        self.database = database
        self.ttl = ttl
        self._lock = threading.Lock()
        self._value: dict | None = None
        self._at = 0.0

    def get(self) -> dict | None:
        with self._lock:
            if self._value is not None and time.monotonic() - self._at < self.ttl:
                return self._value
            try:
                self._value = congestion(self.database)
            except MadoguchiError as error:
                log.warning("status page: database unavailable (%s)", error.__class__.__name__)
                if self._value is not None:
                    self._value = dict(self._value, stale=True)
            self._at = time.monotonic()
            return self._value


class _RateLimiter:
    """A token bucket per client address, in a bounded table: past ``max_clients`` the least
    recently seen client is forgotten (it had the longest time to refill anyway)."""

    def __init__(self, per_second: float, burst: int, max_clients: int = MAX_CLIENTS) -> None:
        self.per_second, self.burst, self.max_clients = per_second, burst, max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._buckets)

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.pop(client, (float(self.burst), now))
            tokens = min(self.burst, tokens + (now - last) * self.per_second)
            allowed = tokens >= 1
            self._buckets[client] = (tokens - 1 if allowed else tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            return allowed


def parse_proxies(text: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """The setting ``public_trusted_proxies``: addresses or networks, comma separated."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())


def client_address(peer: str, forwarded_for: str | None,
                   proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> str:
    """Who the client is: the peer, or — when the peer is a trusted proxy — the right-most
    ``X-Forwarded-For`` address that is not itself a trusted proxy (the left part is the
    client's own claim and can be forged)."""
    if not proxies or not forwarded_for or not _trusted(peer, proxies):
        return peer
    for part in reversed(forwarded_for.split(",")[-20:]):
        candidate = part.strip()
        try:
            ipaddress.ip_address(candidate)
        except ValueError:
            return peer
        if not _trusted(candidate, proxies):
            return candidate
    return peer


def _trusted(address: str, proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


class _HeaderWatchdog:
    """Closes connections that did not finish their request headers in time (one thread for all)."""

    def __init__(self) -> None:
        self._deadlines: dict[socket.socket, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="madoguchi-serve-watchdog", daemon=True)
        self._thread.start()

    def arm(self, connection: socket.socket, seconds: float) -> None:
        with self._lock:
            self._deadlines[connection] = time.monotonic() + seconds

    def disarm(self, connection: socket.socket) -> None:
        with self._lock:
            self._deadlines.pop(connection, None)

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            now = time.monotonic()
            with self._lock:
                late = [c for c, deadline in self._deadlines.items() if deadline <= now]
                for connection in late:
                    del self._deadlines[connection]
            for connection in late:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@dataclass(frozen=True)
class _Page:
    language: str
    branch: str | None


def _text(language: str, ja: str, en: str) -> str:
    return ja if language == "ja" else en


def render_branches(status: dict | None, page: _Page) -> str:
    """The page's body; page.js builds the same markup from /api/status."""
    lang = page.language
    if status is None:
        return f'<p class="offline">{_text(lang, "現在、混雑状況を取得できません。", "Congestion data is not available now.")}</p>'
    parts = []
    if status.get("stale"):
        parts.append(f'<p class="offline">{_text(lang, "オフライン：最後に取得した情報です。", "Offline: showing the last known status.")}</p>')
    for branch in status["branches"]:
        if page.branch and branch["id"] != page.branch:
            continue
        name = branch["name"] if lang == "ja" else branch["name_en"]
        rows = []
        for service in branch["services"]:
            label = service["name"] if lang == "ja" else (service["name_en"] or service["name"])
            if not service["open"] and not service["waiting"]:
                wait = _text(lang, "受付時間外", "closed")
            elif service["wait_minutes"] is None:
                wait = "—"
            else:
                wait = _text(lang, f'約{service["wait_minutes"]}分', f'about {service["wait_minutes"]} min')
                wait += _text(lang, f' <small>（{service["wait_low"]}〜{service["wait_high"]}分）</small>',
                              f' <small>({service["wait_low"]}–{service["wait_high"]} min)</small>')
            rows.append(f'<tr><th scope="row"><span class="prefix">{html.escape(service["prefix"])}</span> '
                        f'{html.escape(label)}</th><td class="num">{int(service["waiting"])}</td>'
                        f'<td class="wait">{wait}</td></tr>')
        parts.append(
            f'<section class="branch" data-branch="{html.escape(branch["id"])}"><h2>{html.escape(name)}</h2>'
            f'<table><thead><tr><th scope="col">{_text(lang, "業務", "Service")}</th>'
            f'<th scope="col">{_text(lang, "待ち人数", "Waiting")}</th>'
            f'<th scope="col">{_text(lang, "待ち時間（目安）", "Estimated wait")}</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></section>')
    return "".join(parts)


def _web_file(name: str) -> Path:
    return paths.resource_path("web", name)


def render_page(status: dict | None, page: _Page) -> str:
    template = _web_file("index.html").read_text(encoding="utf-8")
    updated = status["updated_at"][11:16] if status else "--:--"
    values = {
        "__LANG__": page.language,
        "__TITLE__": _text(page.language, "窓口の混雑状況", "Counter congestion"),
        "__UPDATED_LABEL__": _text(page.language, "更新", "Updated"),
        "__UPDATED__": updated,
        "__SWITCH_HREF__": "?lang=" + ("en" if page.language == "ja" else "ja")
                           + (f"&branch={html.escape(page.branch)}" if page.branch else ""),
        "__SWITCH__": "English" if page.language == "ja" else "日本語",
        "__NOTE__": _text(page.language, "待ち時間は目安です。30秒ごとに自動で更新されます。",
                          "Wait times are estimates. This page refreshes every 30 seconds."),
        "__CONTENT__": render_branches(status, page),
    }
    for key, value in values.items():
        template = template.replace(key, value)
    return template


class StatusServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], database: Database, *, ttl: float = 2.0,
                 per_client_per_second: float = 5.0, burst: int = 30, max_concurrent: int = 32,
                 timeout: float = 10.0, header_seconds: float = HEADER_SECONDS, trusted_proxies: str = "",
                 max_clients: int = MAX_CLIENTS) -> None:
        self.cache = StatusCache(database, ttl)
        self.limiter = _RateLimiter(per_client_per_second, burst, max_clients)
        self.slots = threading.BoundedSemaphore(max_concurrent)
        self.client_timeout = timeout
        self.header_seconds = header_seconds
        self.proxies = parse_proxies(trusted_proxies)
        self.watchdog = _HeaderWatchdog()
        super().__init__(address, _Handler)

    def server_close(self) -> None:
        self.watchdog.stop()
        super().server_close()

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001 - socketserver signature
        """A client that hung up or timed out is ordinary traffic, not a traceback on the console."""
        import sys

        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            log.debug("status page: client gone (%s)", type(error).__name__)
            return
        log.error("status page: request failed (%s)", type(error).__name__, exc_info=error)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"


class _Handler(BaseHTTPRequestHandler):
    server: StatusServer
    server_version = "madoguchi"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.client_timeout)
        # one write per response already; no Nagle wait for the delayed ACK on keep-alive either
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle_one_request(self) -> None:
        self.server.watchdog.arm(self.connection, self.server.header_seconds)
        try:
            super().handle_one_request()
        finally:
            self.server.watchdog.disarm(self.connection)

    def parse_request(self) -> bool:
        ok = super().parse_request()
        self.server.watchdog.disarm(self.connection)  # the headers are in: the handler's own timeout applies
        return ok

    def _body_refused(self) -> bool:
        """A request with a body (or Transfer-Encoding) is refused and the connection closed, so
        the body is never parsed as the next request."""
        if self.headers.get("Transfer-Encoding") is not None:
            self.close_connection = True
            self._send(HTTPStatus.NOT_IMPLEMENTED, b"transfer-encoding not supported\n", "text/plain; charset=utf-8")
            return True
        length = self.headers.get("Content-Length")
        if length is not None and length.strip() not in ("", "0"):
            self.close_connection = True
            self._send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, b"request body not accepted\n",
                       "text/plain; charset=utf-8")
            return True
        return False

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        log.debug("status page: " + format, *args)

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _refuse(self) -> None:
        self.close_connection = True  # whatever body came with it is never read as a request
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"method not allowed\n", "text/plain; charset=utf-8",
                   extra={"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse

    def _answer(self, head: bool) -> None:
        if self._body_refused():
            return
        if len(self.path) > MAX_PATH:
            self._send(HTTPStatus.REQUEST_URI_TOO_LONG, b"uri too long\n", "text/plain; charset=utf-8")
            return
        client = client_address(self.client_address[0], self.headers.get("X-Forwarded-For"), self.server.proxies)
        if not self.server.limiter.allow(client):
            self._send(HTTPStatus.TOO_MANY_REQUESTS, b"too many requests\n", "text/plain; charset=utf-8",
                       extra={"Retry-After": "5"})
            return
        if not self.server.slots.acquire(blocking=False):
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, b"busy\n", "text/plain; charset=utf-8",
                       extra={"Retry-After": "5"})
            return
        try:
            self._route(head)
        finally:
            self.server.slots.release()

    def _route(self, head: bool) -> None:
        url = urlsplit(self.path)
        try:
            query = parse_qs(url.query, max_num_fields=MAX_QUERY_FIELDS)
        except ValueError:
            self._send(HTTPStatus.BAD_REQUEST, b"too many query fields\n", "text/plain; charset=utf-8", head=head)
            return
        if url.path == "/api/status":
            status = self.server.cache.get()
            if status is None:
                self._send(HTTPStatus.SERVICE_UNAVAILABLE, b'{"error": "unavailable"}\n',
                           "application/json; charset=utf-8", head=head)
                return
            body = json.dumps(status, ensure_ascii=False).encode("utf-8")
            self._send(HTTPStatus.OK, body, "application/json; charset=utf-8", head=head,
                       extra={"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=5"})
        elif url.path in ("/", "/index.html"):
            language = "en" if query.get("lang", [""])[0] == "en" else "ja"
            branch = query.get("branch", [None])[0]
            page = render_page(self.server.cache.get(), _Page(language, branch))
            self._send(HTTPStatus.OK, page.encode("utf-8"), "text/html; charset=utf-8", head=head)
        elif url.path in STATIC:
            name, kind = STATIC[url.path]
            self._send(HTTPStatus.OK, _web_file(name).read_bytes(), kind, head=head,
                       extra={"Cache-Control": "public, max-age=300"})
        elif url.path == "/healthz":
            ok = self.server.cache.get() is not None
            self._send(HTTPStatus.OK if ok else HTTPStatus.SERVICE_UNAVAILABLE, b"ok\n" if ok else b"unavailable\n",
                       "text/plain; charset=utf-8", head=head)
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8", head=head)

    def _send(self, status: HTTPStatus, body: bytes, kind: str, *, head: bool = False,
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy",
                         "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'")
        for key, value in (extra or {"Cache-Control": "no-cache"}).items():
            self.send_header(key, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        if self.request_version == "HTTP/0.9":  # no headers at all
            if not head:
                self.wfile.write(body)
            return
        # headers and body in one write (end_headers would send the headers alone)
        self._headers_buffer.append(b"\r\n")
        if not head:
            self._headers_buffer.append(body)
        self.flush_headers()


def make_server(database: Database, host: str = "127.0.0.1", port: int = 8080, **options) -> StatusServer:  # noqa: ANN003
    """A ready server bound to ``host:port`` (port 0: a free one); call ``serve_forever()``."""
    return StatusServer((host, port), database, **options)
