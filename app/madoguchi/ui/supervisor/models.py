"""Table models for the 管理 workspace: the day's KPIs per service and the staffing what-if."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QCoreApplication, QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor


def minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


Column = tuple[str, Callable[[Any], Any]]


class _RowsModel(QAbstractTableModel):
    COLUMNS: tuple[Column, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return QCoreApplication.translate("SupervisorView", self.COLUMNS[section][0])
        return None

    def text(self, row: int, column: int) -> str:
        return str(self.COLUMNS[column][1](self.rows[row]))

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.row(), index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and self.highlight(self.rows[index.row()]):
            return QBrush(QColor("#ffd6d6"))
        if role == Qt.ItemDataRole.ForegroundRole and self.highlight(self.rows[index.row()]):
            return QBrush(QColor("#000000"))
        return None

    def highlight(self, row: Any) -> bool:
        return False


class ServiceKpiModel(_RowsModel):
    """One row per service (kpi.ServiceKpi); rows past the alert threshold are tinted."""

    COLUMNS = (
        (QT_TRANSLATE_NOOP("SupervisorView", "業務"), lambda k: f"{k.prefix}  {k.name}"),
        (QT_TRANSLATE_NOOP("SupervisorView", "待ち人数"), lambda k: k.waiting),
        (QT_TRANSLATE_NOOP("SupervisorView", "最長待ち（分）"), lambda k: minutes(k.longest_wait_minutes)),
        (QT_TRANSLATE_NOOP("SupervisorView", "平均待ち（分）"), lambda k: minutes(k.average_wait_minutes)),
        (QT_TRANSLATE_NOOP("SupervisorView", "平均対応（分）"), lambda k: minutes(k.average_service_minutes)),
        (QT_TRANSLATE_NOOP("SupervisorView", "本日受付"), lambda k: k.arrivals),
        (QT_TRANSLATE_NOOP("SupervisorView", "完了"), lambda k: k.served),
        (QT_TRANSLATE_NOOP("SupervisorView", "不在"), lambda k: k.no_show),
        (QT_TRANSLATE_NOOP("SupervisorView", "直近の到着（人/時）"), lambda k: f"{k.arrivals_last_hour_rate:.1f}"),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.alerting: set[int] = set()

    def set_kpis(self, kpis: Any) -> None:
        self.alerting = {a.service_id for a in kpis.alerts}
        self.set_rows(kpis.services)

    def highlight(self, row: Any) -> bool:
        return row.service_id in self.alerting


class StaffingModel(_RowsModel):
    """One row per service (staffing.StaffingAdvice)."""

    COLUMNS = (
        (QT_TRANSLATE_NOOP("SupervisorView", "業務"), lambda a: a.prefix),
        (QT_TRANSLATE_NOOP("SupervisorView", "到着（人/時）"), lambda a: f"{a.arrivals_per_hour:.1f}"),
        (QT_TRANSLATE_NOOP("SupervisorView", "対応時間（分）"), lambda a: f"{a.service_minutes:.1f}"),
        (QT_TRANSLATE_NOOP("SupervisorView", "開いている窓口"), lambda a: a.open_counters),
        (QT_TRANSLATE_NOOP("SupervisorView", "必要な窓口"), lambda a: a.counters_needed),
        (QT_TRANSLATE_NOOP("SupervisorView", "増減"), lambda a: f"{a.extra_counters:+d}"),
        (QT_TRANSLATE_NOOP("SupervisorView", "予想平均待ち（分・Erlang C）"), lambda a: minutes(a.erlang_wait_minutes)),
        (QT_TRANSLATE_NOOP("SupervisorView", "シミュレーション（分）"), lambda a: minutes(a.simulated_wait_minutes)),
    )

    def highlight(self, row: Any) -> bool:
        return row.extra_counters > 0
