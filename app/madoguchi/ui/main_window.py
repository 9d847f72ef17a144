"""The main window: one tab per workspace, a banner for what must be seen, a status bar.

Workspaces are registered in :data:`WORKSPACES` (Mu's explicit registry): key, title,
shortcut, the roles that may open it, and the view class. Switching is by Ctrl+1…Ctrl+5.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSettings, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from madoguchi import __version__, paths
from madoguchi.ui.context import AppContext, SignedInUser
from madoguchi.ui.widgets.banner import BannerWidget


@dataclass(frozen=True)
class WorkspaceSpec:
    key: str
    title_ja: str
    view: str  # "module:Class"
    roles: tuple[str, ...]  # roles that may open it ("" = anybody signed in)


WORKSPACES: tuple[WorkspaceSpec, ...] = (
    WorkspaceSpec("reception", QT_TRANSLATE_NOOP("MainWindow", "受付"), "madoguchi.ui.reception.view:ReceptionView", ()),
    WorkspaceSpec("counter", QT_TRANSLATE_NOOP("MainWindow", "窓口"), "madoguchi.ui.counter.view:CounterView", ()),
    WorkspaceSpec("display", QT_TRANSLATE_NOOP("MainWindow", "表示"), "madoguchi.ui.display.view:DisplayView", ()),
    WorkspaceSpec("supervisor", QT_TRANSLATE_NOOP("MainWindow", "管理"), "madoguchi.ui.supervisor.view:SupervisorView", ("supervisor",)),
    WorkspaceSpec("settings", QT_TRANSLATE_NOOP("MainWindow", "設定"), "madoguchi.ui.settings.view:SettingsView", ("admin",)),
    WorkspaceSpec("audit", QT_TRANSLATE_NOOP("MainWindow", "監査"), "madoguchi.ui.audit.view:AuditView", ("admin",)),
)


def _load_view(spec: WorkspaceSpec):  # noqa: ANN202
    module_name, class_name = spec.view.split(":")
    return getattr(importlib.import_module(module_name), class_name)


def window_state() -> QSettings:
    return QSettings(str(paths.config_dir() / "window.ini"), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("MainWindow")
        self.setWindowTitle(self.tr("窓口 Madoguchi") + (self.tr("（デモ）") if context.demo else ""))
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 6)
        self.banner = BannerWidget()
        layout.addWidget(self.banner)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("workspaces")
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.views: dict[str, QWidget] = {}
        self._tab_index: dict[str, int] = {}
        for number, spec in enumerate(WORKSPACES, start=1):
            view = _load_view(spec)(context)
            view.setObjectName(f"workspace_{spec.key}")
            self.views[spec.key] = view
            title = self.tr(spec.title_ja)
            self._tab_index[spec.key] = self.tabs.addTab(view, f"{title} (Ctrl+{number})")
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _=False, key=spec.key: self.show_workspace(key))
            self.addAction(action)

        full_screen = QAction(self.tr("全画面"), self)
        full_screen.setShortcut(QKeySequence("F11"))
        full_screen.triggered.connect(self._on_full_screen_toggled)
        self.addAction(full_screen)

        self.status_place = QLabel()
        self.status_user = QLabel()
        self.status_db = QLabel()
        for label in (self.status_place, self.status_user, self.status_db):
            self.statusBar().addPermanentWidget(label)
        self.statusBar().showMessage(f"Madoguchi {__version__}")
        if context.demo:
            training = QLabel(self.tr("研修モード（デモ用データベース）: 他の窓口と来庁者はシミュレーションです"))
            training.setObjectName("trainingMode")
            training.setStyleSheet("background: #fff3b0; color: #5a4500; font-weight: bold; padding: 0 6px;")
            self.statusBar().addWidget(training)

        context.database_ready.connect(self._on_database_ready)
        context.database_failed.connect(self._on_database_failed)
        context.user_changed.connect(self._on_user_changed)
        context.settings_changed.connect(self._on_settings_changed)
        self._on_settings_changed(context.settings)
        self._on_user_changed(context.user)
        self.status_db.setText(self.tr("データベース: 接続中…"))
        self._restore_state()

    # --- workspaces -------------------------------------------------------------------------
    def show_workspace(self, key: str) -> bool:
        index = self._tab_index[key]
        if not self.tabs.isTabEnabled(index):
            self.statusBar().showMessage(self.tr("この画面を開く権限がありません。"), 5000)
            return False
        self.tabs.setCurrentIndex(index)
        view = self.views[key]
        QTimer.singleShot(0, lambda: view.setFocus() if view.focusWidget() is None else view.focusWidget().setFocus())
        return True

    def current_workspace(self) -> str:
        widget = self.tabs.currentWidget()
        return next(key for key, view in self.views.items() if view is widget)

    def _on_user_changed(self, user: SignedInUser | None) -> None:
        for spec in WORKSPACES:
            allowed = user is not None and (not spec.roles or self.context.has_role(*spec.roles))
            self.tabs.setTabEnabled(self._tab_index[spec.key], allowed)
            self.tabs.setTabVisible(self._tab_index[spec.key], allowed)
        if user is None:
            self.status_user.setText(self.tr("未ログイン"))
        else:
            self.status_user.setText(self.tr("{0}（{1}）").format(user.display_name, self.role_name(user.role)))

    def role_name(self, role: str) -> str:
        names = {"clerk": self.tr("職員"), "supervisor": self.tr("管理者（係長）"), "admin": self.tr("システム管理者")}
        return names.get(role, role)

    # --- status -----------------------------------------------------------------------------
    def _on_settings_changed(self, settings) -> None:  # noqa: ANN001
        self.status_place.setText(self.tr("{0} {1}番窓口").format(settings.branch_name, settings.counter_number))
        if settings.problems:
            self.banner.show_message(self.tr("設定に問題があります。設定画面で確認してください。"), "warning")

    def _on_database_ready(self, database) -> None:  # noqa: ANN001
        self.status_db.setText(self.tr("データベース: {0}").format(database.dialect))
        if not self.context.settings.problems:
            self.banner.clear_message()

    def _on_database_failed(self, error) -> None:  # noqa: ANN001
        self.status_db.setText(self.tr("データベース: オフライン"))
        self.banner.show_message(error.message(self.context.language), "error")

    def _on_full_screen_toggled(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    # --- window state -----------------------------------------------------------------------
    def _restore_state(self) -> None:
        state = window_state()
        geometry = state.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        last = state.value("workspace", "counter")
        if last in self._tab_index and self.tabs.isTabEnabled(self._tab_index[last]):
            self.tabs.setCurrentIndex(self._tab_index[last])

    def save_state(self) -> None:
        state = window_state()
        state.setValue("geometry", self.saveGeometry())
        state.setValue("workspace", self.current_workspace())
        state.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.save_state()
        super().closeEvent(event)
