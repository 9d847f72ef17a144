"""管理: the dashboard shows the core's numbers for a generated day; CSV export; the staffing what-if."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from madoguchi.queue.kpi import day_kpis, kpi_csv
from madoguchi.queue.service import TicketQueue
from madoguchi.queue.simulate import BranchPlan, simulate_day
from madoguchi.queue.staffing import staffing_whatif
from madoguchi.ui.supervisor.models import minutes
from tests.ui.queue.conftest import stop_view

ALERT_MINUTES = 20


@pytest.fixture
def generated_day(counters_db):  # noqa: ANN001, ANN201
    """A Monday morning at 本庁舎 played through the real TicketQueue on the real database."""
    services = TicketQueue(counters_db, "honcho").services()
    counters = TicketQueue(counters_db, "honcho").counters()
    plan = BranchPlan("honcho", counters=3, day=date(2026, 11, 23), closes=(10, 30), base_rate_per_counter=4.0,
                      seed=5)
    backend, _counters, issued = simulate_day(
        plan, services, lambda clock: TicketQueue(counters_db, "honcho", clock=clock), counters=counters)
    queue = TicketQueue(counters_db, "honcho", clock=backend.clock)
    # two residents arrive after the last call and are still waiting
    queue.issue("A", confirm=True)
    queue.issue("B", confirm=True)
    return queue, issued + 2


def _supervisor(qtbot, context, queue):  # noqa: ANN001, ANN202
    from madoguchi.ui.supervisor.view import SupervisorView

    view = SupervisorView(context)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    view.link.clock = queue.clock  # the simulated day's "now"
    with qtbot.waitSignal(view.kpis_shown, timeout=20000):
        context.set_database(queue.database)
    return view


def test_kpis_csv_and_what_if_match_the_core(qtbot, make_context, generated_day, tmp_path: Path) -> None:
    queue, issued = generated_day
    context = make_context(wait_alert_minutes=ALERT_MINUTES)
    view = _supervisor(qtbot, context, queue)
    expected = day_kpis("honcho", queue.state(), queue.services(), queue.counters(), queue.clock(),
                        alert_minutes=ALERT_MINUTES)
    assert sum(k.arrivals for k in expected.services) == issued
    model = view.kpi_model
    assert model.rowCount() == len(expected.services) == 6
    for row, kpi in enumerate(expected.services):
        assert model.text(row, 0) == f"{kpi.prefix}  {kpi.name}"
        assert model.text(row, 1) == str(kpi.waiting)
        assert model.text(row, 2) == minutes(kpi.longest_wait_minutes)
        assert model.text(row, 3) == minutes(kpi.average_wait_minutes)
        assert model.text(row, 4) == minutes(kpi.average_service_minutes)
        assert model.text(row, 5) == str(kpi.arrivals)
        assert model.text(row, 6) == str(kpi.served)
    assert view.day.kpis.throughput_per_hour == expected.throughput_per_hour
    assert f"待ち {expected.waiting_now}人" in view.summary.text()
    # the chart draws the core's waiting series, one line per service
    chart = view.waiting_chart.chart()
    assert len(chart.series()) == 6
    assert chart.series()[0].count() == len(expected.waiting_series)
    assert view.alerts.isVisible() == bool(expected.alerts)

    # CSV export: the core's CSV, by service and hour
    path = view.export_csv(tmp_path / "kpi.csv")
    content = path.read_bytes().decode("utf-8")
    assert content == kpi_csv(expected)
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert rows[0][:4] == ["day", "branch", "service", "hour"]
    assert {r[3] for r in rows[1:]} >= {"08", "09", "all"}
    assert sum(int(r[4]) for r in rows[1:] if r[3] == "all") == issued

    # what-if: how many counters keep the wait under 10 minutes
    view.target_box.setValue(10)
    with qtbot.waitSignal(view.what_if_shown, timeout=30000) as shown:
        assert view.run_what_if()
    advice = shown.args[0]
    core = staffing_whatif("honcho", queue.state(), queue.services(), queue.counters(), queue.clock(), 10.0)
    assert [(a.prefix, a.counters_needed, a.open_counters) for a in advice] == \
        [(a.prefix, a.counters_needed, a.open_counters) for a in core]
    assert view.staffing_model.rowCount() == 6
    busiest = max(advice, key=lambda a: a.arrivals_per_hour)
    assert busiest.counters_needed >= 1
    assert busiest.erlang_wait_minutes <= 10.0
    assert "窓口" in view.what_if_note.text()
    stop_view(view)


def test_branch_selector_lists_every_branch(qtbot, make_context, counters_db) -> None:
    from madoguchi.seed import seed_defaults

    seed_defaults(counters_db, "tokubetsu1", "特別出張所", counters=1)
    other = TicketQueue(counters_db, "tokubetsu1")
    other.issue("B", confirm=True)
    context = make_context()
    view = _supervisor(qtbot, context, TicketQueue(counters_db, "honcho"))
    qtbot.waitUntil(lambda: view.branch_box.count() == 2, timeout=10000)
    assert view.kpi_model.text(1, 1) == "0"
    with qtbot.waitSignal(view.kpis_shown, timeout=10000) as shown:
        view.branch_box.setCurrentIndex(view.branch_box.findData("tokubetsu1"))
    assert shown.args[0].branch_id == "tokubetsu1"
    assert view.kpi_model.text(1, 1) == "1"  # B waiting at the other branch
    stop_view(view)
