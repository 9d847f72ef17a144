"""The 管理 workspace: the day per branch and service, alerts, the staffing what-if, CSV export.

Everything shown is the core's numbers (:func:`madoguchi.queue.kpi.day_kpis`,
:func:`madoguchi.queue.staffing.staffing_whatif`) computed off the UI thread from the day's
events; the view only lays them out. Live through :class:`QueueLink` (NOTIFY / polling).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from madoguchi.errors import MadoguchiError
from madoguchi.queue.model import BUSINESS_TZ
from madoguchi.ui.context import AppContext
from madoguchi.ui.queue_adapter import QueueLink
from madoguchi.ui.supervisor.models import ServiceKpiModel, StaffingModel
from madoguchi.ui.widgets.banner import BannerWidget
from madoguchi.ui.workers import run_in_background

log = logging.getLogger(__name__)

#: one colour per service, distinguishable in colour-blind palettes (Okabe–Ito)
SERIES_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")


@dataclass(frozen=True)
class DayData:
    kpis: Any  # kpi.DayKpis
    state: Any  # model.QueueState
    services: list[Any]
    counters: list[Any]
    now: datetime


def load_day(queue: Any, alert_minutes: float) -> DayData:
    """The day's KPIs of ``queue``'s branch (a worker thread)."""
    from madoguchi.queue.kpi import day_kpis

    now = queue.clock()
    state = queue.state()
    services, counters = queue.services(), queue.counters()
    kpis = day_kpis(queue.branch_id, state, services, counters, now, alert_minutes=alert_minutes)
    return DayData(kpis, state, services, counters, now)


def what_if(day: DayData, target_minutes: float) -> list[Any]:
    from madoguchi.queue.staffing import staffing_whatif

    return staffing_whatif(day.kpis.branch_id, day.state, day.services, day.counters, day.now, target_minutes)


def local_hours(at: datetime) -> float:
    local = at.astimezone(BUSINESS_TZ)
    return local.hour + local.minute / 60


class SupervisorView(QWidget):
    kpis_shown = Signal(object)  # DayKpis
    what_if_shown = Signal(object)  # list[StaffingAdvice]
    exported = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.day: DayData | None = None
        self.advice: list[Any] = []
        self.link = QueueLink(context, self._load, refresh_ms=30000, parent=self)
        self.link.loaded.connect(self._on_day_loaded)
        self.link.online_changed.connect(self._on_online_changed)
        context.database_ready.connect(self._on_database_ready)
        if context.database is not None:
            self._on_database_ready(context.database)
        self._build()

    def _load(self, queue: Any) -> DayData:
        return load_day(queue, float(self.context.settings.wait_alert_minutes))

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        title = QLabel(self.tr("管理 — 本日の状況"))
        title.setObjectName("workspaceTitle")
        header.addWidget(title)
        header.addStretch(1)
        branch_label = QLabel(self.tr("拠点(&B)"))
        self.branch_box = QComboBox()
        self.branch_box.setMinimumWidth(200)
        branch_label.setBuddy(self.branch_box)
        self.branch_box.addItem(self.context.settings.branch_name, self.context.settings.branch_id)
        self.branch_box.currentIndexChanged.connect(self._on_branch_chosen)
        header.addWidget(branch_label)
        header.addWidget(self.branch_box)
        self.export_button = QPushButton(self.tr("CSV出力 (Ctrl+E)"))
        self.export_button.setShortcut(QKeySequence("Ctrl+E"))
        self.export_button.clicked.connect(self._on_export_clicked)
        header.addWidget(self.export_button)
        layout.addLayout(header)
        self.banner = BannerWidget()
        layout.addWidget(self.banner)
        self.summary = QLabel(self.tr("データベースに接続しています…"))
        self.summary.setObjectName("supervisorSummary")
        self.summary.setStyleSheet("font-size: 13pt; font-weight: bold;")
        layout.addWidget(self.summary)
        self.alerts = QLabel("")
        self.alerts.setObjectName("supervisorAlerts")
        self.alerts.setWordWrap(True)
        self.alerts.setStyleSheet("background: #b00020; color: white; font-size: 12pt; font-weight: bold; padding: 6px;")
        self.alerts.hide()
        layout.addWidget(self.alerts)
        self.kpi_model = ServiceKpiModel(self)
        self.kpi_table = self._table(self.kpi_model)
        layout.addWidget(self.kpi_table, 3)
        charts = QHBoxLayout()
        self.waiting_chart = self._chart_view()
        self.throughput_chart = self._chart_view()
        charts.addWidget(self.waiting_chart, 3)
        charts.addWidget(self.throughput_chart, 2)
        layout.addLayout(charts, 3)
        layout.addWidget(self._build_what_if(), 2)
        self.setTabOrder(self.branch_box, self.export_button)
        self.setTabOrder(self.export_button, self.kpi_table)
        self.setTabOrder(self.kpi_table, self.target_box)
        self.setTabOrder(self.target_box, self.what_if_button)
        self.setTabOrder(self.what_if_button, self.staffing_table)

    def _table(self, model: Any) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the name takes the slack, figures stay close
        table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        return table

    def _chart_view(self) -> Any:
        from PySide6.QtCharts import QChart, QChartView

        chart = QChart()
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        view = QChartView(chart)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(220)
        return view

    def _build_what_if(self) -> QGroupBox:
        box = QGroupBox(self.tr("人員配置の試算（待ち時間を目標以内にするには）"))
        grid = QGridLayout(box)
        label = QLabel(self.tr("目標の平均待ち時間(&T)"))
        self.target_box = QSpinBox()
        self.target_box.setRange(1, 180)
        self.target_box.setValue(15)
        self.target_box.setSuffix(self.tr(" 分"))
        label.setBuddy(self.target_box)
        self.what_if_button = QPushButton(self.tr("必要な窓口数を計算 (F5)"))
        self.what_if_button.setShortcut(QKeySequence("F5"))
        self.what_if_button.clicked.connect(self.run_what_if)
        self.what_if_note = QLabel(self.tr("直近1時間の到着数と本日の対応時間から Erlang C で計算し、シミュレーションで確かめます。"))
        self.what_if_note.setWordWrap(True)
        grid.addWidget(label, 0, 0)
        grid.addWidget(self.target_box, 0, 1)
        grid.addWidget(self.what_if_button, 0, 2)
        grid.addWidget(self.what_if_note, 0, 3)
        grid.setColumnStretch(3, 1)
        self.staffing_model = StaffingModel(self)
        self.staffing_table = self._table(self.staffing_model)
        grid.addWidget(self.staffing_table, 1, 0, 1, 4)
        return box

    # -- branches ---------------------------------------------------------------------------
    def _on_database_ready(self, database: Any) -> None:
        from madoguchi.queue.service import load_branches

        def branches() -> list[tuple[str, str]]:
            return [(b.id, b.name) for b in load_branches(database)]

        run_in_background(branches, on_done=self._on_branches_loaded, on_error=lambda _e: None)

    def _on_branches_loaded(self, branches: list[tuple[str, str]]) -> None:
        current = self.branch_box.currentData() or self.context.settings.branch_id
        self.branch_box.blockSignals(True)
        self.branch_box.clear()
        for branch_id, name in branches:
            self.branch_box.addItem(f"{name}（{branch_id}）", branch_id)
        index = max(0, self.branch_box.findData(current))
        self.branch_box.setCurrentIndex(index)
        self.branch_box.blockSignals(False)

    def _on_branch_chosen(self, _index: int) -> None:
        branch_id = self.branch_box.currentData()
        if branch_id:
            self.day = None
            self.staffing_model.set_rows([])
            self.link.set_branch(branch_id)

    # -- the day ----------------------------------------------------------------------------
    def _on_day_loaded(self, day: DayData) -> None:
        self.day = day
        kpis = day.kpis
        self.kpi_model.set_kpis(kpis)
        served = sum(k.served for k in kpis.services)
        arrivals = sum(k.arrivals for k in kpis.services)
        self.summary.setText(self.tr("{0}　待ち {1}人 ・ 本日受付 {2}人 ・ 完了 {3}人 ・ 警告基準 {4}分（{5} 更新）").format(
            self.branch_box.currentText(), kpis.waiting_now, arrivals, served,
            self.context.settings.wait_alert_minutes, day.now.astimezone(BUSINESS_TZ).strftime("%H:%M")))
        if kpis.alerts:
            self.alerts.setText("⚠ " + "　".join(a.message(self.context.language) for a in kpis.alerts))
            self.alerts.show()
        else:
            self.alerts.hide()
        self._draw_waiting(day)
        self._draw_throughput(kpis)
        self.kpis_shown.emit(kpis)

    def _draw_waiting(self, day: DayData) -> None:
        from PySide6.QtCharts import QLineSeries, QValueAxis

        chart = self.waiting_chart.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        chart.setTitle(self.tr("待ち人数の推移（業務別）"))
        series_points = day.kpis.waiting_series
        top = 1
        # the hours that have data (at least two), not a fixed office day: the line stays readable
        last = local_hours(day.now)
        first = local_hours(series_points[0][0]) if series_points else last - 1
        start, end = int(first), max(int(last) + 1, int(first) + 2)
        x_axis = QValueAxis()
        x_axis.setRange(start, end)
        x_axis.setTickCount(end - start + 1)
        x_axis.setLabelFormat("%d")
        x_axis.setTitleText(self.tr("時刻（時）"))
        y_axis = QValueAxis()
        y_axis.setLabelFormat("%d")
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        for index, service in enumerate(day.services):
            line = QLineSeries()
            line.setName(service.prefix)
            pen = QPen(QColor(SERIES_COLOURS[index % len(SERIES_COLOURS)]))
            pen.setWidth(3)
            line.setPen(pen)
            line.setPointsVisible(len(series_points) <= 2)  # a day just begun has one point: still show it
            for moment, counts in series_points:
                value = counts.get(service.id, 0)
                top = max(top, value)
                line.append(local_hours(moment), value)
            chart.addSeries(line)
            line.attachAxis(x_axis)
            line.attachAxis(y_axis)
        y_axis.setRange(0, top + 1)
        y_axis.setTickCount(min(top + 2, 6))
        y_axis.applyNiceNumbers()
        self._fonts(chart)

    def _draw_throughput(self, kpis: Any) -> None:
        from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QValueAxis

        chart = self.throughput_chart.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        chart.setTitle(self.tr("1時間あたりの対応件数"))
        hours = sorted(kpis.throughput_per_hour) or [9]
        bars = QBarSet(self.tr("完了"))
        bars.setColor(QColor(SERIES_COLOURS[0]))
        for hour in range(hours[0], hours[-1] + 1):
            bars.append(kpis.throughput_per_hour.get(hour, 0))
        series = QBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        chart.addSeries(series)
        x_axis = QBarCategoryAxis()
        x_axis.append([self.tr("{0}時").format(h) for h in range(hours[0], hours[-1] + 1)])
        y_axis = QValueAxis()
        y_axis.setLabelFormat("%d")
        most = max([*kpis.throughput_per_hour.values(), 1]) + 1
        y_axis.setRange(0, most)
        y_axis.setTickCount(min(most + 1, 6))
        y_axis.applyNiceNumbers()
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)
        chart.legend().hide()
        self._fonts(chart)

    def _fonts(self, chart: Any) -> None:
        font = QFont(self.font())
        font.setPointSize(10)
        title = QFont(font)
        title.setPointSize(12)
        title.setBold(True)
        chart.setTitleFont(title)
        chart.legend().setFont(font)
        for axis in chart.axes():
            axis.setLabelsFont(font)

    def _on_online_changed(self, online: bool, message: str) -> None:
        if online:
            self.banner.clear_message()
        else:
            self.banner.show_message(self.tr("オフライン: 表示は最後に取得した状態です。") + (" " + message if message else ""),
                                     "error")

    # -- what-if ----------------------------------------------------------------------------
    def run_what_if(self) -> bool:
        if self.day is None:
            self.what_if_note.setText(self.tr("本日のデータを読み込み中です。少し待ってからもう一度押してください。"))
            return False
        self.what_if_button.setEnabled(False)
        self.what_if_note.setText(self.tr("計算しています…"))
        run_in_background(what_if, self.day, float(self.target_box.value()), on_done=self._on_what_if_done,
                          on_error=self._on_what_if_failed)
        return True

    def _on_what_if_done(self, advice: list[Any]) -> None:
        self.advice = advice
        self.what_if_button.setEnabled(True)
        self.staffing_model.set_rows(advice)
        more = [a for a in advice if a.extra_counters > 0]
        if more:
            text = self.tr("目標 {0}分以内には、あと {1} の窓口が必要です。").format(
                self.target_box.value(), "、".join(f"{a.prefix} {a.extra_counters}" for a in more))
        else:
            text = self.tr("今の窓口数で、平均待ちは目標 {0}分以内に収まる見込みです。").format(self.target_box.value())
        self.what_if_note.setText(text + self.tr("（業務ごとに、その業務だけを担当する窓口として計算）"))
        self.what_if_shown.emit(advice)

    def _on_what_if_failed(self, error: BaseException) -> None:
        self.what_if_button.setEnabled(True)
        self.what_if_note.setText(error.message(self.context.language) if isinstance(error, MadoguchiError)
                                  else self.tr("計算できませんでした（{0}）。").format(error.__class__.__name__))

    # -- export -----------------------------------------------------------------------------
    def _on_export_clicked(self) -> None:
        if self.day is None:
            self.banner.show_message(self.tr("まだ本日のデータがありません。"), "warning")
            return
        day = self.day.now.astimezone(BUSINESS_TZ).date().isoformat()
        suggested = str(Path.home() / f"madoguchi-kpi-{self.day.kpis.branch_id}-{day}.csv")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("本日のKPIをCSVで保存"), suggested,
                                              self.tr("CSV (*.csv)"))
        if path:
            self.export_csv(Path(path))

    def export_csv(self, path: Path) -> Path:
        """Write the day's KPIs (by service and hour) to ``path``; the core writes the CSV."""
        from madoguchi.queue.kpi import kpi_csv

        if self.day is None:
            raise MadoguchiError("まだ本日のデータがありません。", "the day's data is not loaded yet.")
        text = kpi_csv(self.day.kpis)
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(text.encode("utf-8"))
        tmp.replace(path)
        self.banner.show_message(self.tr("CSVを保存しました: {0}").format(path), "info")
        self.exported.emit(str(path))
        return path

    def shutdown(self) -> None:
        self.link.stop()
