"""The 監査 workspace (admin): recent audit rows, chain verification, CSV export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate
from PySide6.QtGui import QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from madoguchi.errors import MadoguchiError
from madoguchi.privacy.audit import Action, AuditLog, AuditRecord, VerifyResult
from madoguchi.ui.audit import read_only_table
from madoguchi.ui.audit import record as record_audit
from madoguchi.ui.audit.users import UsersPanel
from madoguchi.ui.context import AppContext
from madoguchi.ui.widgets.banner import BannerWidget
from madoguchi.ui.workers import run_in_background

ROWS_SHOWN = 500
_COLUMNS = (
    QT_TRANSLATE_NOOP("AuditView", "番号"),
    QT_TRANSLATE_NOOP("AuditView", "日時"),
    QT_TRANSLATE_NOOP("AuditView", "操作者"),
    QT_TRANSLATE_NOOP("AuditView", "操作"),
    QT_TRANSLATE_NOOP("AuditView", "来庁ID"),
    QT_TRANSLATE_NOOP("AuditView", "詳細"),
)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def _load(database, start: date, end: date) -> list[AuditRecord]:  # noqa: ANN001
    from datetime import datetime, time, timedelta

    begin = datetime.combine(start, time.min).astimezone()
    finish = datetime.combine(end + timedelta(days=1), time.min).astimezone()
    return AuditLog(database).entries(begin, finish, limit=ROWS_SHOWN, newest_first=True)


class AuditView(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.last_result: VerifyResult | None = None
        outer = QVBoxLayout(self)
        title = QLabel(self.tr("監査"))
        title.setObjectName("workspaceTitle")
        outer.addWidget(title)
        self.pages = QTabWidget()
        self.pages.setObjectName("audit_pages")
        outer.addWidget(self.pages, 1)
        log_page = QWidget()
        layout = QVBoxLayout(log_page)
        self.pages.addTab(log_page, self.tr("監査ログ"))
        self.users_panel = UsersPanel(context)
        self.pages.addTab(self.users_panel, self.tr("職員アカウント"))
        self.pages.currentChanged.connect(self._on_page_changed)
        note = QLabel(self.tr("誰が・いつ・どの来庁で何をしたかの記録です（個人情報は含みません）。"
                              "各行は前の行のハッシュを持ち、書き換えや削除を検出できます。"))
        note.setWordWrap(True)
        layout.addWidget(note)

        row = QHBoxLayout()
        today = date.today()
        self.from_edit = QDateEdit(_qdate(today.replace(day=1)))
        self.from_edit.setObjectName("audit_from")
        self.to_edit = QDateEdit(_qdate(today))
        self.to_edit.setObjectName("audit_to")
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        from_label = QLabel(self.tr("期間(&F)"))
        from_label.setBuddy(self.from_edit)
        row.addWidget(from_label)
        row.addWidget(self.from_edit)
        row.addWidget(QLabel("〜"))
        row.addWidget(self.to_edit)
        self.refresh_button = QPushButton(self.tr("表示 (F5)"))
        self.refresh_button.setShortcut(QKeySequence("F5"))
        self.refresh_button.clicked.connect(self.refresh)
        self.verify_button = QPushButton(self.tr("改ざん検証 (Ctrl+Shift+V)"))
        self.verify_button.setObjectName("audit_verify")
        self.verify_button.setShortcut(QKeySequence("Ctrl+Shift+V"))
        self.verify_button.clicked.connect(self.verify)
        self.export_button = QPushButton(self.tr("CSV出力 (Ctrl+E)"))
        self.export_button.setObjectName("audit_export")
        self.export_button.setShortcut(QKeySequence("Ctrl+E"))
        self.export_button.clicked.connect(self._on_export_clicked)
        for button in (self.refresh_button, self.verify_button, self.export_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)

        self.result_banner = BannerWidget()
        self.result_banner.setObjectName("audit_result")
        layout.addWidget(self.result_banner)
        self.table = read_only_table([self.tr(c) for c in _COLUMNS], "audit_table")
        layout.addWidget(self.table, 1)
        self.setFocusProxy(self.refresh_button)

    # --- data -----------------------------------------------------------------------------------
    def _allowed(self) -> bool:
        return self.context.database is not None and self.context.has_role("admin")

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.refresh()
        self.users_panel.refresh()

    def _on_page_changed(self, _index: int) -> None:
        self.users_panel.refresh()

    def refresh(self) -> None:
        if not self._allowed():
            return
        run_in_background(_load, self.context.database, _pydate(self.from_edit.date()), _pydate(self.to_edit.date()),
                          on_done=self._on_loaded, on_error=self._on_failed)

    def _on_loaded(self, records: list[AuditRecord]) -> None:
        import json

        self.table.setRowCount(len(records))
        for index, entry in enumerate(records):
            values = (str(entry.seq), entry.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"), entry.actor,
                      entry.action, entry.visit_id or "", json.dumps(entry.detail, ensure_ascii=False, sort_keys=True))
            for column, value in enumerate(values):
                self.table.setItem(index, column, QTableWidgetItem(value))

    def verify(self) -> None:
        if not self._allowed():
            return
        self.verify_button.setEnabled(False)
        run_in_background(AuditLog(self.context.database).verify, on_done=self._on_verified, on_error=self._on_failed)

    def _on_verified(self, result: VerifyResult) -> None:
        self.verify_button.setEnabled(True)
        self.last_result = result
        self.result_banner.show_message(result.summary(self.context.language), "info" if result.ok else "error")
        record_audit(self.context, Action.AUDIT_VERIFIED, detail_ids={"rows": result.rows, "ok": result.ok})

    def _on_export_clicked(self) -> None:
        if not self._allowed():
            return
        start, end = _pydate(self.from_edit.date()), _pydate(self.to_edit.date())
        name, _filter = QFileDialog.getSaveFileName(self, self.tr("監査ログのCSV出力"),
                                                    f"audit-{start:%Y%m%d}-{end:%Y%m%d}.csv", "CSV (*.csv)")
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> None:
        if not self._allowed():
            return
        start, end = _pydate(self.from_edit.date()), _pydate(self.to_edit.date())
        run_in_background(AuditLog(self.context.database).export_csv_file, path, start, end,
                          on_done=lambda count: self._on_exported(path, count), on_error=self._on_failed)

    def _on_exported(self, path: Path, count: int) -> None:
        self.result_banner.show_message(self.tr("{0} 件を {1} に出力しました。").format(count, path), "info")
        record_audit(self.context, Action.EXPORT, detail_ids={"what": "audit_csv", "rows": count})

    def _on_failed(self, error: BaseException) -> None:
        self.verify_button.setEnabled(True)
        text = error.message(self.context.language) if isinstance(error, MadoguchiError) else \
            self.tr("失敗しました（{0}）。").format(error.__class__.__name__)
        self.result_banner.show_message(text, "error")
