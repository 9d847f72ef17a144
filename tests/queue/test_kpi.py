"""The supervisor's KPIs, alerts, CSV export and staffing what-if on a controlled day."""

from __future__ import annotations

import csv
import io

from madoguchi.queue.kpi import day_kpis, kpi_csv
from madoguchi.queue.staffing import staffing_whatif
from tests.queue.helpers import Clock, ready_queue


def test_day_kpis_and_csv(database) -> None:  # noqa: ANN001
    clock = Clock()  # Monday 09:00 JST
    queue = ready_queue(database, counters=2, clock=clock)
    first = queue.issue("A", confirm=True)
    clock.advance(2)
    queue.issue("A", confirm=True)
    queue.issue("B", confirm=True)
    clock.advance(8)  # A-001 waited 10 min
    queue.call_next(1)
    clock.advance(12)
    queue.served(first)  # 12 min of service
    clock.advance(50)  # A-002 has now waited 70 min
    kpis = day_kpis("honcho", queue.state(), queue.services(), queue.counters(), clock.now, alert_minutes=45)
    a = next(s for s in kpis.services if s.prefix == "A")
    assert (a.arrivals, a.waiting, a.served) == (2, 1, 1)
    assert a.average_wait_minutes == 10 and round(a.longest_wait_minutes) == 70
    assert a.average_service_minutes == 12
    assert kpis.throughput_per_hour == {9: 1}
    assert any(alert.prefix == "A" and alert.kind == "longest_wait" for alert in kpis.alerts)
    assert "最長待ち" in kpis.alerts[0].message("ja")
    assert kpis.waiting_series[0][1] == {1: 1} and max(sum(c.values()) for _, c in kpis.waiting_series) == 3
    rows = list(csv.DictReader(io.StringIO(kpi_csv(kpis).lstrip("\ufeff"))))
    hourly = next(r for r in rows if r["service"] == "A" and r["hour"] == "09")
    assert hourly["arrivals"] == "2" and hourly["average_wait_min"] == "10.0"


def test_staffing_whatif_from_the_live_rate(database) -> None:  # noqa: ANN001
    clock = Clock()
    queue = ready_queue(database, counters=2, clock=clock)
    for _ in range(12):  # 12 arrivals of B in an hour
        queue.issue("B", confirm=True)
        clock.advance(5)
    advice = {a.prefix: a for a in staffing_whatif("honcho", queue.state(), queue.services(), queue.counters(),
                                                   clock.now, target_minutes=5)}
    b = advice["B"]
    assert b.arrivals_per_hour == 12 and b.service_minutes == 6
    # 1.2 erlangs: 2 counters give 1.35 min by Erlang C
    assert b.counters_needed == 2 and b.erlang_wait_minutes < 5 and b.simulated_wait_minutes < 5
    assert advice["D"].counters_needed == 0
