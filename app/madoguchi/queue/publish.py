"""One-way publishing of congestion out of the closed (LGWAN) segment: ``madoguchi publish``.

Counter PCs and the queue database sit on the LGWAN-connected segment, which accepts no
connection from the internet (三層分離). So nothing on the internet side ever asks us: a
publisher on one machine of the segment *sends* a small static snapshot to a target outside
(:mod:`madoguchi.queue.targets`: a relay folder, a WebDAV server, an S3 bucket) every few
seconds and at once after each call. The public page is plain files any web server or CDN
serves to any number of phones; our cost per snapshot does not grow with the viewers.

What is published (:func:`public_snapshot` → ``status.json``): for every active branch its
names, today's hours and whether it is open now, and per service the tickets at a counter
(label and counter number), the waiting tickets in the order they will be called with each
one's estimate (so a phone can show "3 ahead, about 12 min" for its own ticket, which it
keeps in the URL fragment — never sent to any server), the estimate for a new ticket with its
range, the day's last issued number, and a hint to a quicker branch nearby. Ticket labels
(``A-007``) and counts only: never a name, a reason text or a staff member.

The page itself (``index.html``, ``page.js``, ``page.css``, ``texts.json``) comes from
``resources/web/public/``; ``site.yaml`` there (or the ward's own, ``publish_site``) gives
opening hours, closed days, neighbours and the service names in the six languages.

:class:`Publisher` runs the loop on its own thread (the ``publish`` command, or the app on
one PC with ``publish_in_app``): builds, sends the page files when they changed and then
``status.json``, backs off after a failure (``interval × 2^n``, at most ``max_backoff``) with
one log line per failure and one when the target is back.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from madoguchi import paths
from madoguchi.errors import ConfigError, MadoguchiError, Problem
from madoguchi.queue.model import BUSINESS_TZ, utcnow
from madoguchi.queue.targets import PublishError, Target
from madoguchi.store.db import Database

log = logging.getLogger(__name__)

LANGUAGES = ("ja", "en", "zh", "ko", "vi", "ne")
WEEKDAY_KEYS = ("weekdays", "saturday", "sunday")
STATUS_NAME = "status.json"
#: the page's files: name in resources/web/public → (content type, cache control)
PAGE_FILES = {
    "index.html": ("text/html; charset=utf-8", "public, max-age=300"),
    "page.js": ("text/javascript; charset=utf-8", "public, max-age=300"),
    "page.css": ("text/css; charset=utf-8", "public, max-age=300"),
}
TEXTS_NAME = "texts.json"
#: the snapshot may be cached this long by a CDN (the page polls every few seconds)
STATUS_CACHE = "public, max-age=2"
#: page files are sent again this often even when unchanged (a relay folder may be cleaned)
RESEND_PAGE_SECONDS = 600.0


def public_dir() -> Path:
    return paths.resource_path("web", "public")


# -- site.yaml ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hours:
    """Opening hours per kind of day: ``(open, close)`` as "HH:MM", or None (closed)."""

    weekdays: tuple[str, str] | None
    saturday: tuple[str, str] | None
    sunday: tuple[str, str] | None

    def on(self, day: date) -> tuple[str, str] | None:
        return (self.weekdays, self.weekdays, self.weekdays, self.weekdays, self.weekdays,
                self.saturday, self.sunday)[day.weekday()]


@dataclass(frozen=True)
class BranchSite:
    names: dict[str, str]
    hours: Hours
    nearby: tuple[str, ...] | None  # None: every other branch


@dataclass(frozen=True)
class Site:
    hours: Hours
    closed_days: frozenset[str]
    max_age_seconds: int
    hint_min_saving_minutes: float
    hint_min_saving_ratio: float
    branches: dict[str, BranchSite] = field(default_factory=dict)
    services: dict[str, dict[str, str]] = field(default_factory=dict)

    def branch(self, branch_id: str) -> BranchSite:
        return self.branches.get(branch_id) or BranchSite({}, self.hours, None)

    def closed_on(self, day: date) -> bool:
        return day.strftime("%m-%d") in self.closed_days or day.isoformat() in self.closed_days


def _problem(where: str, key: str, ja: str, en: str) -> Problem:
    return Problem(where, key, ja, en)


def _parse_hours(value: Any, where: str, key: str, problems: list[Problem]) -> tuple[str, str] | None:
    if value is None:
        return None
    text = str(value).replace("〜", "-").replace("–", "-")
    start, _, end = text.partition("-")
    ok = all(len(t) == 5 and t[2] == ":" and t[:2].isdigit() and t[3:].isdigit() and int(t[:2]) < 24
             and int(t[3:]) < 60 for t in (start, end)) and start < end
    if not ok:
        problems.append(_problem(where, key, f"{value!r} は使えません。\"08:30-17:15\" の形か null（閉庁）です。",
                                 f"{value!r} is not valid; expected \"08:30-17:15\" or null (closed)."))
        return None
    return start, end


def _hours(data: Any, default: Hours | None, where: str, key: str, problems: list[Problem]) -> Hours:
    if data is None and default is not None:
        return default
    if not isinstance(data, dict):
        problems.append(_problem(where, key, "weekdays / saturday / sunday の表です。",
                                 "expected a mapping with weekdays / saturday / sunday."))
        return default or Hours(None, None, None)
    for unknown in set(data) - set(WEEKDAY_KEYS):
        problems.append(_problem(where, f"{key}.{unknown}", "不明な項目です。", "unknown key."))
    values = []
    for day_key in WEEKDAY_KEYS:
        if day_key in data:
            values.append(_parse_hours(data[day_key], where, f"{key}.{day_key}", problems))
        else:
            values.append(getattr(default, day_key) if default else None)
    return Hours(*values)


def _names(data: Any, where: str, key: str, problems: list[Problem]) -> dict[str, str]:
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        problems.append(_problem(where, key, "言語コード: 名前 の表です。", "expected a mapping language: name."))
        return {}
    for code in set(data) - set(LANGUAGES):
        problems.append(_problem(where, f"{key}.{code}", f"言語 {code} はありません（{' / '.join(LANGUAGES)}）。",
                                 f"unknown language {code} (use {' / '.join(LANGUAGES)})."))
    return {k: v for k, v in data.items() if k in LANGUAGES}


def load_site(path: Path | None = None) -> Site:
    """Read and check ``site.yaml``; raise :class:`ConfigError` naming the file and field of every problem."""
    import yaml

    from madoguchi.datafile import load_yaml

    path = path or public_dir() / "site.yaml"
    where = str(path)
    try:
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ConfigError(f"{where} を読めません（{error.__class__.__name__}）。",
                          f"cannot read {where} ({error.__class__.__name__}).") from error
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: 表（キー: 値）ではありません。", f"{where}: not a mapping.")
    known = {"hours", "closed_days", "max_age_seconds", "hint_min_saving_minutes", "hint_min_saving_ratio",
             "branches", "services"}
    for unknown in set(data) - known:
        problems.append(_problem(where, unknown, "不明な項目です。", "unknown key."))
    hours = _hours(data.get("hours") or {"weekdays": "08:30-17:15"}, None, where, "hours", problems)
    closed = data.get("closed_days") or []
    if not isinstance(closed, list) or not all(isinstance(d, str) and len(d) in (5, 10) for d in closed):
        problems.append(_problem(where, "closed_days", "\"MM-DD\" または \"YYYY-MM-DD\" のリストです。",
                                 "expected a list of \"MM-DD\" or \"YYYY-MM-DD\"."))
        closed = []

    def number(key: str, default: float, low: float, high: float) -> float:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            problems.append(_problem(where, key, f"{low}〜{high} の数です。", f"expected a number {low}-{high}."))
            return default
        return value

    branches: dict[str, BranchSite] = {}
    raw_branches = data.get("branches") or {}
    if not isinstance(raw_branches, dict):
        problems.append(_problem(where, "branches", "拠点ID: 設定 の表です。", "expected a mapping branch id: settings."))
        raw_branches = {}
    for branch_id, entry in raw_branches.items():
        key = f"branches.{branch_id}"
        entry = entry or {}
        if not isinstance(entry, dict):
            problems.append(_problem(where, key, "表です。", "expected a mapping."))
            continue
        for unknown in set(entry) - {"names", "hours", "nearby"}:
            problems.append(_problem(where, f"{key}.{unknown}", "不明な項目です。", "unknown key."))
        nearby = entry.get("nearby")
        if nearby is not None and not (isinstance(nearby, list) and all(isinstance(n, str) for n in nearby)):
            problems.append(_problem(where, f"{key}.nearby", "拠点IDのリストです。", "expected a list of branch ids."))
            nearby = None
        branches[str(branch_id)] = BranchSite(_names(entry.get("names"), where, f"{key}.names", problems),
                                              _hours(entry.get("hours"), hours, where, f"{key}.hours", problems),
                                              tuple(nearby) if nearby is not None else None)
    services: dict[str, dict[str, str]] = {}
    for prefix, names in (data.get("services") or {}).items():
        services[str(prefix)] = _names(names, where, f"services.{prefix}", problems)
    max_age = int(number("max_age_seconds", 120, 10, 3600))
    saving = float(number("hint_min_saving_minutes", 10, 0, 600))
    ratio = float(number("hint_min_saving_ratio", 0.3, 0, 1))
    if problems:
        raise ConfigError("\n".join(p.message("ja") for p in problems), "\n".join(p.message("en") for p in problems))
    return Site(hours, frozenset(closed), max_age, saving, ratio, branches, services)


def load_texts(path: Path | None = None) -> dict[str, dict[str, str]]:
    """The page's texts (``texts.yaml``): every key in every language, or :class:`ConfigError`."""
    from madoguchi.datafile import load_yaml

    path = path or public_dir() / "texts.yaml"
    data = load_yaml(path.read_text(encoding="utf-8"))
    problems = []
    if not isinstance(data, dict) or set(data) != set(LANGUAGES):
        raise ConfigError(f"{path}: 言語 {' / '.join(LANGUAGES)} の表が必要です。",
                          f"{path}: expected one mapping per language {' / '.join(LANGUAGES)}.")
    keys = set(data["ja"])
    for code in LANGUAGES:
        for missing in sorted(keys - set(data[code])):
            problems.append(f"{path}: {code}.{missing}")
        for extra in sorted(set(data[code]) - keys):
            problems.append(f"{path}: {code}.{extra}")
    if problems:
        raise ConfigError("翻訳が揃っていません: " + ", ".join(problems), "texts differ between languages: "
                          + ", ".join(problems))
    return data


# -- the snapshot ---------------------------------------------------------------------------


def _whole(value: float | None) -> int | None:
    return None if value is None else round(value)


def public_snapshot(database: Database, site: Site, now: datetime | None = None, *,
                    interval_seconds: float = 2.0) -> dict:
    """``status.json``: every active branch, what residents look for; ticket labels, never names."""
    from madoguchi.queue.estimate import ServiceTimeModel, estimate_waiting
    from madoguchi.queue.kpi import build_snapshot
    from madoguchi.queue.model import business_day
    from madoguchi.queue.service import TicketQueue, load_branches, load_counters, load_services

    now = now or utcnow()
    local = now.astimezone(BUSINESS_TZ)
    day = business_day(now)
    services = sorted(load_services(database).values(), key=lambda s: (s.sort_order, s.prefix))
    by_id = {s.id: s for s in services}
    branches = []
    for branch in load_branches(database):
        counters = load_counters(database, branch.id)
        state = TicketQueue(database, branch.id).state(day)
        snapshot = build_snapshot(branch.id, state, services, counters, now, recent_calls=10_000)
        model = ServiceTimeModel.from_samples({s.id: s.default_minutes for s in services}, state.samples)
        each = estimate_waiting(state, counters, model, now)
        issued: dict[int, int] = {}
        for ticket in state.tickets.values():
            issued[ticket.original_service_id] = max(issued.get(ticket.original_service_id, 0), ticket.number)
        info = site.branch(branch.id)
        hours = None if site.closed_on(local.date()) else info.hours.on(local.date())
        rows = []
        for status in snapshot.services:
            service = status.service
            estimate = status.estimate
            rows.append({
                "prefix": service.prefix,
                "waiting": status.waiting,
                "open": status.open_counters > 0,
                "estimate": None if estimate.minutes is None else
                [_whole(estimate.minutes), _whole(estimate.low), _whole(estimate.high)],
                "calling": [[c.label, c.counter_number] for c in snapshot.calls if c.service_id == service.id],
                "queue": [[t.label] + ([_whole(e.minutes), _whole(e.low), _whole(e.high)]
                                       if (e := each.get(t.id)) is not None and e.minutes is not None else [])
                          for t in state.waiting([service.id])],
                "issued": issued.get(service.id, 0),
            })
        names = {"ja": branch.name, "en": branch.name_en or branch.name} | info.names
        branches.append({
            "id": branch.id, "names": names,
            "hours": f"{hours[0]}-{hours[1]}" if hours else None,
            "open": bool(hours) and hours[0] <= local.strftime("%H:%M") < hours[1],
            "waiting": snapshot.waiting_total, "services": rows,
        })
    _add_hints(branches, site)
    return {
        "format": 1,
        "generated_at": local.isoformat(timespec="seconds"),
        "interval_seconds": interval_seconds,
        "max_age_seconds": site.max_age_seconds,
        "services": {s.prefix: {"ja": s.name, "en": s.name_en or s.name} | site.services.get(s.prefix, {})
                     for s in by_id.values()},
        "branches": branches,
    }


def _add_hints(branches: list[dict], site: Site) -> None:
    """Per branch and service: the quickest open neighbour, when it saves enough to be worth the trip."""
    by_id = {b["id"]: b for b in branches}
    for branch in branches:
        nearby = site.branch(branch["id"]).nearby
        neighbours = [by_id[n] for n in (nearby if nearby is not None else by_id) if n in by_id and n != branch["id"]]
        hints = []
        for row in branch["services"]:
            here = row["estimate"][0] if row["estimate"] else None
            best = None
            for other in neighbours:
                there_row = next((r for r in other["services"] if r["prefix"] == row["prefix"]), None)
                if not other["open"] or there_row is None or not there_row["estimate"]:
                    continue
                there = there_row["estimate"][0]
                if here is not None and (here - there < site.hint_min_saving_minutes
                                         or here - there < site.hint_min_saving_ratio * here):
                    continue
                if here is None and row["open"]:
                    continue
                if best is None or there < best[1]:
                    best = (other["id"], there)
            if best is not None:
                hints.append({"prefix": row["prefix"], "branch": best[0], "minutes": best[1]})
        branch["hints"] = hints


def encode_status(status: dict) -> bytes:
    return json.dumps(status, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def page_files() -> dict[str, tuple[bytes, str, str]]:
    """The page's static files: name → (bytes, content type, cache control)."""
    folder = public_dir()
    files = {name: ((folder / name).read_bytes(), kind, cache) for name, (kind, cache) in PAGE_FILES.items()}
    texts = json.dumps(load_texts(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    files[TEXTS_NAME] = (texts, "application/json; charset=utf-8", "public, max-age=300")
    return files


# -- the loop -------------------------------------------------------------------------------


@dataclass
class PublishReport:
    """What one publish did (for the command's output and the benchmark)."""

    status_bytes: int
    page_files_sent: int
    build_seconds: float
    send_seconds: float


class Publisher:
    """Builds and sends the snapshot every ``interval`` seconds and soon after each queue change."""

    def __init__(self, database: Database, target: Target, *, site: Site | None = None, interval: float = 2.0,
                 max_backoff: float = 60.0, watch: bool = True, clock: Callable[[], datetime] = utcnow) -> None:
        self.database = database
        self.target = target
        self.site = site or load_site()
        self.interval = max(0.2, interval)
        self.max_backoff = max(self.interval, max_backoff)
        self.watch = watch
        self.clock = clock
        self.failures = 0
        self.last_error: MadoguchiError | None = None
        self.last_success: float | None = None  # time.monotonic() of the last snapshot sent
        self.published = 0
        self._page_sent: tuple[str, float] | None = None  # digest of the page files, when sent
        self._files: dict[str, tuple[bytes, str, str]] | None = None
        self._digest = ""
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._watcher = None

    # -- one round ---------------------------------------------------------------------------

    def publish_once(self) -> PublishReport:
        """Build the snapshot and send it (page files first when they changed); raise on failure."""
        started = time.perf_counter()
        body = encode_status(public_snapshot(self.database, self.site, self.clock(), interval_seconds=self.interval))
        built = time.perf_counter()
        sent = self._send_page()
        self.target.put(STATUS_NAME, body, "application/json; charset=utf-8", STATUS_CACHE)
        self.published += 1
        self.last_success = time.monotonic()
        return PublishReport(len(body), sent, built - started, time.perf_counter() - built)

    def _send_page(self) -> int:
        if self._files is None:  # read once: the page changes with a new version, not while running
            self._files = page_files()
            self._digest = hashlib.sha256(b"".join(name.encode() + body
                                                   for name, (body, _, _) in sorted(self._files.items()))).hexdigest()
        files, key = self._files, self._digest
        if self._page_sent and self._page_sent[0] == key and time.monotonic() - self._page_sent[1] < RESEND_PAGE_SECONDS:
            return 0
        for name, (body, kind, cache) in files.items():
            self.target.put(name, body, kind, cache)
        self._page_sent = (key, time.monotonic())
        return len(files)

    # -- running -----------------------------------------------------------------------------

    def start(self) -> Publisher:
        if self._thread is None:
            self._stop.clear()
            if self.watch:
                from madoguchi.queue.notify import QueueWatcher

                self._watcher = QueueWatcher(self.database, branch_id=None, on_change=lambda _change: self.poke())
                self._watcher.start()
            self._thread = threading.Thread(target=self._run, name="madoguchi-publisher", daemon=True)
            self._thread.start()
            log.info("publish: sending to %s every %.1f s", self.target.description, self.interval)
        return self

    def poke(self) -> None:
        """Publish soon (a ticket was called or issued)."""
        self._wake.set()

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def __enter__(self) -> Publisher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            delay = self._round()
            if self.failures:
                self._stop.wait(delay)  # backing off: a call does not hammer a failing target
            else:
                self._wake.wait(delay)

    def _round(self) -> float:
        """One publish with its logging; return the seconds to wait before the next."""
        try:
            self.publish_once()
        except MadoguchiError as error:
            return self._failed(error)
        except Exception as error:  # noqa: BLE001 - a bug must not end the publishing thread silently
            log.exception("publish: unexpected %s", error.__class__.__name__)
            return self._failed(PublishError(f"予期しないエラー（{error.__class__.__name__}）",
                                             f"unexpected error ({error.__class__.__name__})"))
        if self.failures:
            log.warning("publish: %s works again after %d failed attempt(s)", self.target.description, self.failures)
        self.failures, self.last_error = 0, None
        return self.interval

    def _failed(self, error: MadoguchiError) -> float:
        self.failures += 1
        self.last_error = error
        self._page_sent = None  # the target may have lost the page meanwhile: send it again with the next snapshot
        delay = min(self.max_backoff, self.interval * 2 ** self.failures)
        what = "publishing" if isinstance(error, PublishError) else "building the snapshot"
        log.warning("publish: %s failed (attempt %d): %s; retrying in %.1f s", what, self.failures,
                    error.message("en").rstrip("."), delay)
        return delay


def publisher_from_settings(settings: Any, database: Database) -> Publisher | None:
    """The publisher the app runs on this PC (``publish_in_app`` and a ``publish_target``), not started.

    Raises :class:`ConfigError` / :class:`PublishError` for a bad target or site file.
    """
    from madoguchi.queue.targets import open_target

    if not settings.publish_in_app or not settings.publish_target:
        return None
    site = load_site(Path(settings.publish_site)) if settings.publish_site else load_site()
    return Publisher(database, open_target(settings.publish_target), site=site, interval=settings.publish_interval)
