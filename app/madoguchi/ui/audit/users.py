"""職員アカウント (admin): list, create, change role, (de)activate, reset a password.

Each change goes through :mod:`madoguchi.privacy.users` off the UI thread and is audited
(``user_created`` / ``user_changed``, with the login and role only).
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from madoguchi.errors import MadoguchiError
from madoguchi.privacy import users
from madoguchi.privacy.audit import Action
from madoguchi.ui.audit import add_labelled_rows, read_only_table
from madoguchi.ui.audit import record as record_audit
from madoguchi.ui.context import AppContext
from madoguchi.ui.widgets.banner import BannerWidget
from madoguchi.ui.workers import run_in_background

_COLUMNS = (
    QT_TRANSLATE_NOOP("UsersPanel", "ログイン名"),
    QT_TRANSLATE_NOOP("UsersPanel", "表示名"),
    QT_TRANSLATE_NOOP("UsersPanel", "役割"),
    QT_TRANSLATE_NOOP("UsersPanel", "状態"),
    QT_TRANSLATE_NOOP("UsersPanel", "OSユーザー"),
)
_ROLES = (
    ("clerk", QT_TRANSLATE_NOOP("UsersPanel", "職員")),
    ("supervisor", QT_TRANSLATE_NOOP("UsersPanel", "係長")),
    ("admin", QT_TRANSLATE_NOOP("UsersPanel", "管理者")),
)


class UsersPanel(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.accounts: list[users.User] = []
        layout = QVBoxLayout(self)
        self.banner = BannerWidget()
        self.banner.setObjectName("users_result")
        layout.addWidget(self.banner)
        self.table = read_only_table([self.tr(c) for c in _COLUMNS], "users_table")
        layout.addWidget(self.table, 1)

        form = QFormLayout()
        self.login_edit = QLineEdit()
        self.login_edit.setObjectName("new_login")
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("new_name")
        self.role_combo = QComboBox()
        self.role_combo.setObjectName("new_role")
        for value, name in _ROLES:
            self.role_combo.addItem(self.tr(name), value)
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("new_password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.os_user_edit = QLineEdit()
        self.os_user_edit.setObjectName("new_os_user")
        add_labelled_rows(form, ((self.tr("ログイン名(&G)"), self.login_edit), (self.tr("表示名(&D)"), self.name_edit),
                             (self.tr("役割(&R)"), self.role_combo),
                             (self.tr("パスワード（{0}文字以上）(&W)").format(users.MIN_PASSWORD), self.password_edit),
                             (self.tr("OSユーザー名（任意）(&U)"), self.os_user_edit)))
        layout.addLayout(form)
        row = QHBoxLayout()
        self.create_button = QPushButton(self.tr("作成 (Ctrl+N)"))
        self.create_button.setObjectName("user_create")
        self.create_button.setShortcut(QKeySequence("Ctrl+N"))
        self.create_button.clicked.connect(self._on_create_clicked)
        self.role_button = QPushButton(self.tr("選択した人の役割を変更"))
        self.role_button.setObjectName("user_set_role")
        self.role_button.clicked.connect(self._on_role_clicked)
        self.active_button = QPushButton(self.tr("有効／無効の切替"))
        self.active_button.setObjectName("user_toggle_active")
        self.active_button.clicked.connect(self._on_active_clicked)
        self.password_button = QPushButton(self.tr("パスワードを再設定"))
        self.password_button.setObjectName("user_reset_password")
        self.password_button.clicked.connect(self._on_password_clicked)
        for button in (self.create_button, self.role_button, self.active_button, self.password_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)

    # --- data -----------------------------------------------------------------------------------
    def _allowed(self) -> bool:
        return self.context.database is not None and self.context.has_role("admin")

    def refresh(self) -> None:
        if self._allowed():
            run_in_background(users.list_users, self.context.database, on_done=self._on_listed,
                              on_error=self._on_failed)

    def _on_listed(self, accounts: list[users.User]) -> None:
        self.accounts = accounts
        names = dict(_ROLES)
        self.table.setRowCount(len(accounts))
        for index, account in enumerate(accounts):
            values = (account.login, account.display_name, self.tr(names.get(account.role, account.role)),
                      self.tr("有効") if account.active else self.tr("無効"), account.os_user or "")
            for column, value in enumerate(values):
                self.table.setItem(index, column, QTableWidgetItem(value))

    def selected(self) -> users.User | None:
        rows = self.table.selectionModel().selectedRows()
        return self.accounts[rows[0].row()] if rows and rows[0].row() < len(self.accounts) else None

    def _selected_or_warn(self) -> users.User | None:
        account = self.selected()
        if account is None:
            self.banner.show_message(self.tr("表から職員を選んでください。"), "warning")
        return account

    # --- changes --------------------------------------------------------------------------------
    def _run(self, fn, *args, done_text: str, action: str, **kwargs) -> None:  # noqa: ANN001, ANN003
        if not self._allowed():
            return

        def _done(account: users.User) -> None:
            record_audit(self.context, action, detail_ids={"login": account.login, "role": account.role,
                                                           "active": account.active})
            self.banner.show_message(done_text.format(account.login), "info")
            self.password_edit.clear()
            self.refresh()

        run_in_background(fn, self.context.database, *args, on_done=_done, on_error=self._on_failed, **kwargs)

    def _on_create_clicked(self) -> None:
        password = self.password_edit.text() or None
        self._run(users.create_user, self.login_edit.text().strip(),
                  self.name_edit.text().strip() or self.login_edit.text().strip(), self.role_combo.currentData(),
                  password, os_user=self.os_user_edit.text().strip() or None,
                  done_text=self.tr("{0} を作成しました。"), action=Action.USER_CREATED)

    def _on_role_clicked(self) -> None:
        account = self._selected_or_warn()
        if account is None:
            return
        self._run(users.update_user, account.login, role=self.role_combo.currentData(),
                  done_text=self.tr("{0} の役割を変更しました。"), action=Action.USER_CHANGED)

    def _on_active_clicked(self) -> None:
        account = self._selected_or_warn()
        if account is None:
            return
        self._run(users.update_user, account.login, active=not account.active,
                  done_text=self.tr("{0} の状態を変更しました。"), action=Action.USER_CHANGED)

    def _on_password_clicked(self) -> None:
        account = self._selected_or_warn()
        if account is None:
            return
        self._run(users.update_user, account.login, password=self.password_edit.text(),
                  done_text=self.tr("{0} のパスワードを再設定しました。"), action=Action.USER_CHANGED)

    def _on_failed(self, error: BaseException) -> None:
        text = error.message(self.context.language) if isinstance(error, MadoguchiError) else \
            self.tr("失敗しました（{0}）。").format(error.__class__.__name__)
        self.banner.show_message(text, "error")
