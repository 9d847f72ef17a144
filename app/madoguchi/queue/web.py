"""The public congestion page: ``madoguchi serve`` (standard library only).

- ``GET /api/status`` — read-only JSON: per branch and service the waiting count, the
  estimated wait with its range and whether a counter is open; the time it was computed.
  Counts and minutes only: no ticket numbers, no names, nothing about a person.
- ``GET /`` — the same as an HTML page (Japanese, ``?lang=en`` English), rendered on the
  server so it works without JavaScript, refreshed every 30 s by a small script
  (``resources/web/``).
- ``GET /healthz`` — ``ok`` / 503 for the ward's monitoring.

Protection for a page on the ward's website: it binds only the configured address,
answers GET and HEAD only, refuses long URLs (414), limits requests per client address
(429) and concurrent requests (503), times out slow clients, computes the status at most
every ``ttl`` seconds whatever the traffic, and keeps serving the last status, marked
``"stale": true``, while the database is away.
"""

from __future__ import annotations

import html
import json
import logging
import threading
import time
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
    """A token bucket per client address."""

    def __init__(self, per_second: float, burst: int) -> None:
        self.per_second, self.burst = per_second, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            if len(self._buckets) > 10_000:
                self._buckets.clear()  # bounded memory under a scan
            tokens, last = self._buckets.get(client, (float(self.burst), now))
            tokens = min(self.burst, tokens + (now - last) * self.per_second)
            if tokens < 1:
                self._buckets[client] = (tokens, now)
                return False
            self._buckets[client] = (tokens - 1, now)
            return True


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
                 timeout: float = 10.0) -> None:
        self.cache = StatusCache(database, ttl)
        self.limiter = _RateLimiter(per_client_per_second, burst)
        self.slots = threading.BoundedSemaphore(max_concurrent)
        self.client_timeout = timeout
        super().__init__(address, _Handler)

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

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        log.debug("status page: " + format, *args)

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _refuse(self) -> None:
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"method not allowed\n", "text/plain; charset=utf-8",
                   extra={"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse

    def _answer(self, head: bool) -> None:
        if len(self.path) > MAX_PATH:
            self._send(HTTPStatus.REQUEST_URI_TOO_LONG, b"uri too long\n", "text/plain; charset=utf-8")
            return
        if not self.server.limiter.allow(self.client_address[0]):
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
        query = parse_qs(url.query, max_num_fields=5)
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
        self.end_headers()
        if not head:
            self.wfile.write(body)


def make_server(database: Database, host: str = "127.0.0.1", port: int = 8080, **options) -> StatusServer:  # noqa: ANN003
    """A ready server bound to ``host:port`` (port 0: a free one); call ``serve_forever()``."""
    return StatusServer((host, port), database, **options)
