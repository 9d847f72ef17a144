"""Read models for displays and dashboards, all computed from a folded :class:`QueueState`.

- :func:`build_snapshot` → :class:`QueueSnapshot`: what the lobby display and the counters
  show now (waiting count, longest wait and estimated wait per service; tickets being
  called and at which counter; counters open or closed).
- :func:`day_kpis` → :class:`DayKpis`: the supervisor's figures for the day (waiting now,
  longest wait, average wait and service time, throughput per hour, waiting over the day,
  alerts past a threshold); :func:`kpi_csv` writes them by service and hour.

Everything here is counts and times: no ticket-level data leaves through the public page
(:mod:`madoguchi.queue.web` uses only :class:`ServiceStatus` counts and estimates).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from madoguchi.queue.estimate import ServiceTimeModel, WaitEstimate, estimate_new_ticket
from madoguchi.queue.model import (
    AT_COUNTER_STATES,
    BUSINESS_TZ,
    WAITING_STATES,
    CounterInfo,
    QueueState,
    ServiceInfo,
    Ticket,
    TicketState,
)


@dataclass(frozen=True)
class ServiceStatus:
    service: ServiceInfo
    waiting: int
    longest_wait_minutes: float
    estimate: WaitEstimate
    open_counters: int


@dataclass(frozen=True)
class CounterStatus:
    counter: CounterInfo
    open: bool
    ticket_id: int | None
    ticket_label: str | None
    since: datetime | None
    staff_id: int | None = None  # the clerk on duty (staff_user.id), when known


@dataclass(frozen=True)
class CallNotice:
    """A ticket now at a counter: what the lobby display lists (and announces when new)."""

    ticket_id: int
    label: str
    service_id: int
    counter_id: int
    counter_number: int
    counter_name: str
    called_at: datetime
    calls: int  # 1: first call; more: recalled


@dataclass(frozen=True)
class QueueSnapshot:
    branch_id: str
    at: datetime
    last_event_id: int
    services: list[ServiceStatus]
    counters: list[CounterStatus]
    calls: list[CallNotice]  # newest first

    @property
    def waiting_total(self) -> int:
        return sum(s.waiting for s in self.services)

    def service(self, prefix: str) -> ServiceStatus:
        return next(s for s in self.services if s.service.prefix == prefix)


def _minutes(delta: timedelta) -> float:
    return max(0.0, delta.total_seconds() / 60)


def build_snapshot(branch_id: str, state: QueueState, services: list[ServiceInfo], counters: list[CounterInfo],
                   now: datetime, *, recent_calls: int = 8) -> QueueSnapshot:
    model = ServiceTimeModel.from_samples({s.id: s.default_minutes for s in services}, state.samples)
    open_ids = state.open_counter_ids()
    statuses = []
    for service in services:
        waiting = state.waiting([service.id])
        longest = max((_minutes(now - (t.confirmed_at or t.arrival_at)) for t in waiting), default=0.0)
        statuses.append(ServiceStatus(service, len(waiting), longest,
                                      estimate_new_ticket(state, counters, model, service.id, now),
                                      sum(1 for c in counters if c.id in open_ids and service.id in c.service_ids)))
    by_id = {c.id: c for c in counters}
    counter_statuses = []
    for counter in counters:
        at = state.at_counter(counter.id)
        cs = state.counters.get(counter.id)
        counter_statuses.append(CounterStatus(counter, counter.id in open_ids, at.id if at else None,
                                              at.label if at else None, cs.since if cs else None,
                                              cs.staff_id if cs else None))
    calls = [CallNotice(t.id, t.label, t.service_id, t.counter_id, by_id[t.counter_id].number,
                        by_id[t.counter_id].name, t.called_at, t.calls)
             for t in state.tickets.values()
             if t.state in AT_COUNTER_STATES and t.counter_id in by_id and t.called_at is not None]
    calls.sort(key=lambda c: c.called_at, reverse=True)
    return QueueSnapshot(branch_id, now, state.last_event_id, statuses, counter_statuses, calls[:recent_calls])


def new_calls(previous: QueueSnapshot | None, current: QueueSnapshot) -> list[CallNotice]:
    """Calls in ``current`` that ``previous`` did not show (first calls and recalls): what a
    lobby display announces. With ``previous=None`` (a fresh start) every call showing now is
    returned; after a reconnect pass the last snapshot held, so old calls are not repeated."""
    if previous is None:
        return list(current.calls)
    seen = {(c.ticket_id, c.calls, c.counter_id) for c in previous.calls}
    return [c for c in current.calls if (c.ticket_id, c.calls, c.counter_id) not in seen]


# -- the supervisor's day -----------------------------------------------------------------


@dataclass(frozen=True)
class ServiceKpi:
    service_id: int
    prefix: str
    name: str
    arrivals: int
    waiting: int
    served: int
    no_show: int
    longest_wait_minutes: float  # of those waiting now
    average_wait_minutes: float | None  # arrival → first call, of those called today
    max_wait_minutes: float | None
    average_service_minutes: float | None
    arrivals_last_hour_rate: float  # per hour, for the staffing what-if


@dataclass(frozen=True)
class HourKpi:
    service_id: int
    prefix: str
    hour: int  # local hour of arrival (0-23)
    arrivals: int
    served: int
    no_show: int
    average_wait_minutes: float | None
    max_wait_minutes: float | None
    average_service_minutes: float | None


@dataclass(frozen=True)
class Alert:
    service_id: int
    prefix: str
    minutes: float
    threshold: float
    kind: str  # "longest_wait": someone has waited that long; "estimate": a new ticket would

    def message(self, language: str = "ja") -> str:
        if language == "ja":
            what = "最長待ち" if self.kind == "longest_wait" else "予想待ち"
            return f"{self.prefix}: {what} {self.minutes:.0f}分（基準 {self.threshold:.0f}分）"
        what = "longest wait" if self.kind == "longest_wait" else "estimated wait"
        return f"{self.prefix}: {what} {self.minutes:.0f} min (threshold {self.threshold:.0f} min)"


@dataclass(frozen=True)
class DayKpis:
    branch_id: str
    at: datetime
    services: list[ServiceKpi]
    hours: list[HourKpi]
    throughput_per_hour: dict[int, int]  # local hour → tickets served
    waiting_series: list[tuple[datetime, dict[int, int]]]  # time → waiting per service id
    alerts: list[Alert]

    @property
    def waiting_now(self) -> int:
        return sum(s.waiting for s in self.services)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _local_hour(at: datetime) -> int:
    return at.astimezone(BUSINESS_TZ).hour


def _service_minutes(state: QueueState) -> dict[int, list[float]]:
    by_service: dict[int, list[float]] = {}
    for sample in state.samples:
        by_service.setdefault(sample.service_id, []).append(sample.minutes)
    return by_service


def day_kpis(branch_id: str, state: QueueState, services: list[ServiceInfo], counters: list[CounterInfo],
             now: datetime, *, alert_minutes: float = 45.0, series_step_minutes: int = 5) -> DayKpis:
    tickets = [t for t in state.tickets.values() if t.state not in (TicketState.PENDING, TicketState.VOIDED)]
    service_minutes = _service_minutes(state)
    snapshot = build_snapshot(branch_id, state, services, counters, now)
    kpis, hours, alerts = [], [], []
    for status in snapshot.services:
        service = status.service
        mine = [t for t in tickets if t.original_service_id == service.id or t.service_id == service.id]
        waits = [w for t in mine if t.first_called_at and (w := t.wait_minutes(now)) is not None]
        recent = [t for t in mine if t.original_service_id == service.id
                  and _minutes(now - t.arrival_at) <= 60]
        day_start = min((t.arrival_at for t in tickets), default=now)
        window = min(60.0, max(15.0, _minutes(now - day_start)))
        kpis.append(ServiceKpi(
            service.id, service.prefix, service.name,
            arrivals=sum(1 for t in mine if t.original_service_id == service.id),
            waiting=status.waiting,
            served=sum(1 for t in mine if t.state == TicketState.SERVED and t.service_id == service.id),
            no_show=sum(1 for t in mine if t.state == TicketState.NO_SHOW and t.service_id == service.id),
            longest_wait_minutes=status.longest_wait_minutes,
            average_wait_minutes=_mean(waits), max_wait_minutes=max(waits, default=None),
            average_service_minutes=_mean(service_minutes.get(service.id, [])),
            arrivals_last_hour_rate=len(recent) * 60.0 / window))
        hours.extend(_hours(service, mine, state, now))
        if alert_minutes > 0 and status.longest_wait_minutes >= alert_minutes:
            alerts.append(Alert(service.id, service.prefix, status.longest_wait_minutes, alert_minutes, "longest_wait"))
        if alert_minutes > 0 and status.estimate.minutes is not None and status.estimate.minutes >= alert_minutes:
            alerts.append(Alert(service.id, service.prefix, status.estimate.minutes, alert_minutes, "estimate"))
    throughput: dict[int, int] = {}
    for ticket in tickets:
        if ticket.state == TicketState.SERVED and ticket.finished_at is not None:
            hour = _local_hour(ticket.finished_at)
            throughput[hour] = throughput.get(hour, 0) + 1
    return DayKpis(branch_id, now, kpis, hours, dict(sorted(throughput.items())),
                   waiting_series(tickets, now, series_step_minutes), alerts)


def _hours(service: ServiceInfo, mine: list[Ticket], state: QueueState, now: datetime) -> list[HourKpi]:
    by_hour: dict[int, list[Ticket]] = {}
    for ticket in mine:
        if ticket.original_service_id == service.id:
            by_hour.setdefault(_local_hour(ticket.arrival_at), []).append(ticket)
    samples: dict[int, list[float]] = {}
    for sample in state.samples:
        if sample.service_id == service.id:
            samples.setdefault(_local_hour(sample.started), []).append(sample.minutes)
    rows = []
    for hour in sorted(set(by_hour) | set(samples)):
        group = by_hour.get(hour, [])
        waits = [w for t in group if t.first_called_at and (w := t.wait_minutes(now)) is not None]
        rows.append(HourKpi(service.id, service.prefix, hour, len(group),
                            sum(1 for t in group if t.state == TicketState.SERVED),
                            sum(1 for t in group if t.state == TicketState.NO_SHOW),
                            _mean(waits), max(waits, default=None), _mean(samples.get(hour, []))))
    return rows


def waiting_series(tickets: list[Ticket], now: datetime, step_minutes: int = 5) -> list[tuple[datetime, dict[int, int]]]:
    """How many waited, per service, every ``step_minutes`` from the first arrival until now.

    A ticket waits from its confirmation to its first call (transfers count in the first service).
    """
    spans = [(t.confirmed_at, t.first_called_at or (now if t.state in WAITING_STATES else t.finished_at or now),
              t.original_service_id) for t in tickets if t.confirmed_at is not None]
    if not spans:
        return []
    start = min(s[0] for s in spans).replace(second=0, microsecond=0)
    step = timedelta(minutes=step_minutes)
    series = []
    moment = start
    while moment <= now:
        counts: dict[int, int] = {}
        for begin, end, service_id in spans:
            if begin <= moment < end:
                counts[service_id] = counts.get(service_id, 0) + 1
        series.append((moment, counts))
        moment += step
    return series


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def kpi_csv(kpis: DayKpis) -> str:
    """The day's KPIs by service and hour (UTF-8 with BOM so Excel opens it in Japanese)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["day", "branch", "service", "hour", "arrivals", "served", "no_show", "average_wait_min",
                     "max_wait_min", "average_service_min"])
    day = kpis.at.astimezone(BUSINESS_TZ).date().isoformat()
    for row in kpis.hours:
        writer.writerow([day, kpis.branch_id, row.prefix, f"{row.hour:02d}", row.arrivals, row.served, row.no_show,
                         _fmt(row.average_wait_minutes), _fmt(row.max_wait_minutes),
                         _fmt(row.average_service_minutes)])
    for service in kpis.services:
        writer.writerow([day, kpis.branch_id, service.prefix, "all", service.arrivals, service.served,
                         service.no_show, _fmt(service.average_wait_minutes), _fmt(service.max_wait_minutes),
                         _fmt(service.average_service_minutes)])
    return out.getvalue()
