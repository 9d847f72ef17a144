"""Signing in, the idle lock and the first admin: the Qt side of madoguchi.privacy.users.

:class:`SignInFlow` ties it to the main window. When the database is ready it runs the
start-up purge, then signs in: by the OS user (``login_mode = os_user``), the first-admin
dialog (no account yet) or the :class:`LoginDialog`. While signed in, :class:`IdleWatcher`
locks the window after ``idle_lock_minutes`` without input: a :class:`LockOverlay` covers
every workspace until the same user's password is typed (or another user signs in).
Ctrl+L locks at once, Ctrl+Shift+L signs out. The automatic purge is armed at
``purge_time`` with a QTimer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from madoguchi.errors import MadoguchiError
from madoguchi.privacy import users
from madoguchi.privacy.audit import Action, AuditLog
from madoguchi.ui.audit import add_labelled_rows
from madoguchi.ui.audit import record as record_audit
from madoguchi.ui.context import AppContext, SignedInUser
from madoguchi.ui.workers import run_in_background

log = logging.getLogger(__name__)

#: after this many wrong passwords in a row the form waits before it accepts another
MAX_FAILURES = 5
THROTTLE_MS = 30_000
DEMO_ACCOUNTS: tuple[tuple[str, str], ...] = (
    ("clerk", QT_TRANSLATE_NOOP("LoginDialog", "職員")),
    ("supervisor", QT_TRANSLATE_NOOP("LoginDialog", "係長")),
    ("admin", QT_TRANSLATE_NOOP("LoginDialog", "管理者")),
)


def signed_in_user(user: users.User) -> SignedInUser:
    return SignedInUser(user.id, user.login, user.display_name, user.role)


def _check_password(database, login: str, password: str) -> users.User | None:  # noqa: ANN001
    """Background work: the back-off, authenticate, and audit a failure (the login only when it exists)."""
    actor = users.login_for_audit(database, login)
    users.check_backoff(database, actor)  # shared with the CLI and every PC: it counts the audit log's rows
    user = users.authenticate(database, login, password)
    if user is None:
        AuditLog(database).record(actor, Action.LOGIN_FAILED, detail_ids={"via": "ui"})
    return user


class CredentialsForm(QWidget):
    """Login name, password, a message line and the sign-in button; checks off the UI thread."""

    authenticated = Signal(object)  # users.User

    def __init__(self, context: AppContext, parent: QWidget | None = None, *, fixed_login: str | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._failures = 0
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.login_edit = QLineEdit()
        self.login_edit.setObjectName("login_name")
        self.login_edit.setMaxLength(64)
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("login_password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        login_label = QLabel(self.tr("ログイン名(&L)"))
        login_label.setBuddy(self.login_edit)
        password_label = QLabel(self.tr("パスワード(&P)"))
        password_label.setBuddy(self.password_edit)
        form.addRow(login_label, self.login_edit)
        form.addRow(password_label, self.password_edit)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setObjectName("login_message")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.submit_button = QPushButton(self.tr("ログイン (Enter)"))
        self.submit_button.setObjectName("login_submit")
        self.submit_button.setDefault(True)
        self.submit_button.clicked.connect(self._on_submit_clicked)
        self.password_edit.returnPressed.connect(self._on_submit_clicked)
        self.login_edit.returnPressed.connect(self.password_edit.setFocus)
        layout.addWidget(self.submit_button)
        if fixed_login:
            self.login_edit.setText(fixed_login)
            self.login_edit.setReadOnly(True)
        self.setFocusProxy(self.password_edit if fixed_login else self.login_edit)

    def fill(self, login: str, password: str = "") -> None:
        self.login_edit.setText(login)
        self.password_edit.setText(password)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _on_submit_clicked(self) -> None:
        login, password = self.login_edit.text().strip(), self.password_edit.text()
        if not login or not password:
            self.show_message(self.tr("ログイン名とパスワードを入力してください。"))
            return
        database = self.context.database
        if database is None:
            self.show_message(self.tr("データベースに接続できないため、ログインできません。接続の回復を待ってください。"))
            return
        self.submit_button.setEnabled(False)
        run_in_background(_check_password, database, login, password,
                          on_done=self._on_checked, on_error=self._on_check_failed)

    def _on_checked(self, user: users.User | None) -> None:
        self.password_edit.clear()
        if user is not None:
            self._failures = 0
            self.submit_button.setEnabled(True)
            self.message.hide()
            self.authenticated.emit(user)
            return
        self._failures += 1
        if self._failures >= MAX_FAILURES:
            self.show_message(self.tr("パスワードを続けて間違えたため、30秒待ってからもう一度入力してください。"))
            QTimer.singleShot(THROTTLE_MS, lambda: self.submit_button.setEnabled(True))
            self._failures = 0
        else:
            self.submit_button.setEnabled(True)
            self.show_message(self.tr("ログイン名またはパスワードが違います。"))
        self.password_edit.setFocus()

    def _on_check_failed(self, error: BaseException) -> None:
        self.submit_button.setEnabled(True)
        text = error.message(self.context.language) if isinstance(error, MadoguchiError) else \
            self.tr("ログインの確認に失敗しました（{0}）。").format(error.__class__.__name__)
        self.show_message(text)


class LoginDialog(QDialog):
    """Sign in by password (or the OS user). In the demo, one click per demo account."""

    signed_in = Signal(object)  # users.User
    quit_requested = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("LoginDialog")
        self.setWindowTitle(self.tr("ログイン — 窓口 Madoguchi"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("ログインしてください"))
        title.setObjectName("workspaceTitle")
        layout.addWidget(title)
        self.form = CredentialsForm(context, self)
        self.form.authenticated.connect(self._on_authenticated)
        layout.addWidget(self.form)
        self.os_user_button: QPushButton | None = None
        if context.settings.login_mode == "os_user":
            name = users.current_os_user()
            self.os_user_button = QPushButton(self.tr("OSユーザー {0} でログイン (Ctrl+O)").format(name))
            self.os_user_button.setObjectName("login_os_user")
            self.os_user_button.setShortcut(QKeySequence("Ctrl+O"))
            self.os_user_button.clicked.connect(self._on_os_user_clicked)
            layout.addWidget(self.os_user_button)
        self.demo_buttons: dict[str, QPushButton] = {}
        if context.demo:
            layout.addWidget(QLabel(self.tr("デモ用アカウント（ログイン名とパスワードは同じ）:")))
            row = QHBoxLayout()
            for number, (login, name) in enumerate(DEMO_ACCOUNTS, start=1):
                button = QPushButton(self.tr("{0} {1} (F{2})").format(self.tr(name), login, number))
                button.setObjectName(f"demo_{login}")
                button.setShortcut(QKeySequence(f"F{number}"))
                button.setAutoDefault(False)
                button.clicked.connect(lambda _=False, who=login: self.sign_in_demo(who))
                row.addWidget(button)
                self.demo_buttons[login] = button
            layout.addLayout(row)
            self.form.fill("clerk", "clerk")
        quit_button = QPushButton(self.tr("終了 (Ctrl+Q)"))
        quit_button.setObjectName("login_quit")
        quit_button.setShortcut(QKeySequence("Ctrl+Q"))
        quit_button.setAutoDefault(False)
        quit_button.clicked.connect(self._on_quit_clicked)
        layout.addWidget(quit_button)
        self.form.setFocus()

    def sign_in_demo(self, login: str) -> None:
        self.form.fill(login, login)
        self.form.submit_button.click()

    def _on_authenticated(self, user: users.User) -> None:
        self.signed_in.emit(user)
        self.accept()

    def _on_os_user_clicked(self) -> None:
        database = self.context.database
        if database is None:
            self.form.show_message(self.tr("データベースに接続できないため、ログインできません。"))
            return
        run_in_background(users.user_for_os_user, database, on_done=self._on_os_user_found,
                          on_error=self.form._on_check_failed)

    def _on_os_user_found(self, user: users.User | None) -> None:
        if user is None:
            self.form.show_message(self.tr("このOSユーザーはどのアカウントにも割り当てられていません。"))
            return
        self._on_authenticated(user)

    def reject(self) -> None:  # noqa: D401 - Qt override
        """Escape does not dismiss the sign-in: nothing can be used without it (終了 closes the app)."""

    def _on_quit_clicked(self) -> None:
        self.quit_requested.emit()


class FirstAdminDialog(QDialog):
    """First start, no account yet: create the first admin (argon2 hash, off the UI thread)."""

    signed_in = Signal(object)  # users.User

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("FirstAdminDialog")
        self.setWindowTitle(self.tr("最初の管理者の作成"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("アカウントがまだありません。この端末の管理者アカウントを作成してください。"
                               "職員のアカウントは、管理者でログインした後に作成できます。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.login_edit = QLineEdit("admin")
        self.login_edit.setObjectName("admin_login")
        self.name_edit = QLineEdit(self.tr("管理者"))
        self.name_edit.setObjectName("admin_name")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("admin_password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setObjectName("admin_confirm")
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        add_labelled_rows(form, ((self.tr("ログイン名(&L)"), self.login_edit), (self.tr("表示名(&N)"), self.name_edit),
                             (self.tr("パスワード（{0}文字以上）(&P)").format(users.MIN_PASSWORD), self.password_edit),
                             (self.tr("パスワード（確認）(&C)"), self.confirm_edit)))
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setObjectName("admin_message")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.create_button = QPushButton(self.tr("作成してログイン (Enter)"))
        self.create_button.setObjectName("admin_create")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self._on_create_clicked)
        layout.addWidget(self.create_button)
        self.password_edit.setFocus()

    def reject(self) -> None:  # noqa: D401 - Qt override
        """Escape does not dismiss it: without an admin nobody can sign in."""

    def _on_create_clicked(self) -> None:
        if self.password_edit.text() != self.confirm_edit.text():
            self._show(self.tr("2回入力したパスワードが一致しません。"))
            return
        database = self.context.database
        if database is None:
            self._show(self.tr("データベースに接続できません。"))
            return
        self.create_button.setEnabled(False)
        run_in_background(_create_first_admin, database, self.login_edit.text().strip(),
                          self.name_edit.text().strip(), self.password_edit.text(),
                          on_done=self._on_created, on_error=self._on_failed)

    def _on_created(self, user: users.User) -> None:
        self.signed_in.emit(user)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self.create_button.setEnabled(True)
        self._show(error.message(self.context.language) if isinstance(error, MadoguchiError)
                   else error.__class__.__name__)

    def _show(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()


def _create_first_admin(database, login: str, name: str, password: str) -> users.User:  # noqa: ANN001
    if users.has_admin(database):
        raise MadoguchiError("管理者はすでに作成されています。ログインしてください。",
                             "an admin exists already; sign in.")
    user = users.create_user(database, login, name or login, users.Role.ADMIN, password)
    AuditLog(database).record(user.login, Action.USER_CREATED, detail_ids={"login": user.login, "role": user.role})
    return user


class LockOverlay(QWidget):
    """Covers the whole window while it is locked; only the password of ``login`` unlocks it."""

    unlocked = Signal(object)  # users.User
    switch_requested = Signal()

    def __init__(self, context: AppContext, window: QMainWindow, login: str, display_name: str) -> None:
        super().__init__(window)
        self.context = context
        self.setObjectName("LockOverlay")
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        panel = QWidget()
        panel.setMaximumWidth(480)
        layout = QVBoxLayout(panel)
        title = QLabel(self.tr("画面をロックしました"))
        title.setObjectName("workspaceTitle")
        layout.addWidget(title)
        layout.addWidget(QLabel(self.tr("{0} さんのパスワードで解除します。").format(display_name)))
        self.form = CredentialsForm(context, panel, fixed_login=login)
        self.form.submit_button.setText(self.tr("ロック解除 (Enter)"))
        self.form.authenticated.connect(self.unlocked.emit)
        layout.addWidget(self.form)
        self.switch_button = QPushButton(self.tr("別のユーザーでログイン (Ctrl+Shift+L)"))
        self.switch_button.setObjectName("lock_switch_user")
        self.switch_button.setAutoDefault(False)
        self.switch_button.clicked.connect(self.switch_requested.emit)
        layout.addWidget(self.switch_button)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(panel)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        window.installEventFilter(self)
        self.setGeometry(window.rect())
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize and watched is self.parent():
            self.setGeometry(self.parentWidget().rect())
        return False


class IdleWatcher(QObject):
    """Emits ``timed_out`` after ``minutes`` without keyboard or mouse input (0: never)."""

    timed_out = Signal()
    _INPUT = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                        QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.ShortcutOverride})

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.timed_out.emit)
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.minutes = max(0, int(minutes))
        self.timer.setInterval(self.minutes * 60_000)

    def start(self) -> None:
        if self.minutes > 0:
            self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in self._INPUT and self.timer.isActive():
            self.timer.start()
        return False


class SignInFlow(QObject):
    """Who is signed in to the window: sign-in, lock, sign-out, and the purges around them."""

    def __init__(self, context: AppContext, window: QMainWindow, *, sign_in_as: str | None = None,
                 open_visits: Callable[[], Iterable[str]] | None = None) -> None:
        super().__init__(window)
        self.context = context
        self.window = window
        self.dialog: QDialog | None = None
        self.overlay: LockOverlay | None = None
        self._open_visits = open_visits
        self.idle = IdleWatcher(context.settings.idle_lock_minutes, self)
        self.idle.timed_out.connect(self._on_idle_timed_out)
        self.purge_timer = QTimer(self)
        self.purge_timer.setSingleShot(True)
        self.purge_timer.timeout.connect(self._on_purge_due)
        self.last_purge = None
        self._focus_before: QWidget | None = None
        self._settings_seen = context.settings
        lock = QAction(self.tr("画面ロック"), window)
        lock.setObjectName("action_lock")
        lock.setShortcut(QKeySequence("Ctrl+L"))
        lock.triggered.connect(self.lock)
        sign_out = QAction(self.tr("ログアウト"), window)
        sign_out.setObjectName("action_sign_out")
        sign_out.setShortcut(QKeySequence("Ctrl+Shift+L"))
        sign_out.triggered.connect(self.sign_out)
        window.addAction(lock)
        window.addAction(sign_out)
        context.database_ready.connect(self._on_database_ready)
        context.settings_changed.connect(self._on_settings_changed)
        window.destroyed.connect(self._stop_timers)
        if sign_in_as is not None:
            self._sign_in_demo_account(sign_in_as)
        if context.database is not None:
            self._on_database_ready(context.database)

    # --- start ----------------------------------------------------------------------------------
    def _sign_in_demo_account(self, login: str) -> None:
        """Tests, screenshots and ``MADOGUCHI_DEMO_USER``: a demo account without the dialog."""
        from madoguchi.seed import DEMO_USERS

        if not self.context.demo:
            raise MadoguchiError("自動ログインはデモでのみ使えます。", "automatic sign-in exists in the demo only.")
        for demo_login, name, role, _password in DEMO_USERS:
            if demo_login == login:
                self._set_user(SignedInUser(None, demo_login, name, role.value))
                return
        raise MadoguchiError(f"デモ用アカウント {login} はありません。", f"there is no demo account {login}.")

    def _on_database_ready(self, database) -> None:  # noqa: ANN001
        from madoguchi.privacy.retention import purge_at_start

        run_in_background(purge_at_start, database, self.context.settings, "system", self._keep(),
                          on_done=self._on_purged, on_error=self._on_purge_failed)
        self._arm_purge()
        if self.context.user is not None:
            record_audit(self.context, Action.LOGIN, detail_ids={"via": "demo"})
            return
        if self.context.settings.login_mode == "os_user":
            run_in_background(users.user_for_os_user, database, on_done=self._on_os_user_checked,
                              on_error=lambda _e: self.show_sign_in())
        else:
            run_in_background(users.has_users, database, on_done=self._on_users_checked,
                              on_error=lambda _e: self.show_sign_in())

    def _on_os_user_checked(self, user: users.User | None) -> None:
        if user is not None:
            self.sign_in(user, via="os_user")
        else:
            self.show_sign_in()

    def _on_users_checked(self, exists: bool) -> None:
        if exists:
            self.show_sign_in()
        else:
            self.show_first_admin()

    # --- dialogs --------------------------------------------------------------------------------
    def show_sign_in(self) -> LoginDialog:
        self._close_dialog()
        dialog = LoginDialog(self.context, self.window)
        dialog.signed_in.connect(self.sign_in)
        dialog.quit_requested.connect(self.window.close)
        self.dialog = dialog
        dialog.open()
        # without this the main window may keep the keyboard (after a sign-out, or without a WM)
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def show_first_admin(self) -> FirstAdminDialog:
        self._close_dialog()
        dialog = FirstAdminDialog(self.context, self.window)
        dialog.signed_in.connect(self.sign_in)
        self.dialog = dialog
        dialog.open()
        # without this the main window may keep the keyboard (after a sign-out, or without a WM)
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.done(0)
            self.dialog.deleteLater()
            self.dialog = None

    # --- sign in / out --------------------------------------------------------------------------
    def sign_in(self, user: users.User, via: str = "password") -> None:
        self._set_user(signed_in_user(user))
        record_audit(self.context, Action.LOGIN, detail_ids={"via": via})

    def _set_user(self, user: SignedInUser) -> None:
        self.context.set_user(user)
        self.idle.start()

    def sign_out(self) -> None:
        if self.context.user is None:
            return
        record_audit(self.context, Action.LOGOUT)
        self.idle.stop()
        self._remove_overlay()
        self.context.set_user(None)
        self.show_sign_in()

    # --- lock -----------------------------------------------------------------------------------
    def lock(self) -> None:
        user = self.context.user
        if user is None or self.overlay is not None:
            return
        self.idle.stop()
        self._focus_before = QApplication.focusWidget()
        self.window.centralWidget().setEnabled(False)
        self.overlay = LockOverlay(self.context, self.window, user.login, user.display_name)
        self.overlay.unlocked.connect(self._on_unlocked)
        self.overlay.switch_requested.connect(self.sign_out)
        self.overlay.show()
        self.overlay.form.setFocus()
        record_audit(self.context, Action.LOCKED)

    @property
    def locked(self) -> bool:
        return self.overlay is not None

    def _on_unlocked(self, user: users.User) -> None:
        self._remove_overlay()
        record_audit(self.context, Action.UNLOCKED)
        self.idle.start()
        self.window.activateWindow()
        try:  # back where the clerk was typing, if that widget still exists
            if self._focus_before is not None:
                self._focus_before.setFocus()
        except RuntimeError:
            pass
        self._focus_before = None

    def _remove_overlay(self) -> None:
        if self.overlay is not None:
            self.window.removeEventFilter(self.overlay)
            self.overlay.hide()
            self.overlay.deleteLater()
            self.overlay = None
            self.window.centralWidget().setEnabled(True)

    def _on_idle_timed_out(self) -> None:
        self.lock()

    def _on_settings_changed(self, settings) -> None:  # noqa: ANN001
        # the audit names the keys that changed, never their values (a URL may hold a password)
        before = self._settings_seen.as_dict()
        changed = sorted(key for key, value in settings.as_dict().items() if before.get(key) != value)
        self._settings_seen = settings
        if changed:
            record_audit(self.context, Action.SETTINGS_CHANGED, detail_ids={"keys": changed})
        self.idle.set_minutes(settings.idle_lock_minutes)
        if self.context.user is not None and not self.locked:
            self.idle.start()
        self._arm_purge()

    # --- purge ----------------------------------------------------------------------------------
    def _keep(self) -> list[str]:
        """Visits open on this PC's screen: the counter view may offer ``open_visit_ids()``."""
        if self._open_visits is not None:
            return list(self._open_visits())
        views = getattr(self.window, "views", {})
        counter = views.get("counter") if isinstance(views, dict) else None
        getter = getattr(counter, "open_visit_ids", None)
        if callable(getter):
            return list(getter())
        # the counter workspace's visit in progress (its VisitFlow), until it offers open_visit_ids()
        visit = getattr(getattr(counter, "flow", None), "visit", None)
        visit_id = getattr(visit, "id", None)
        return [visit_id] if isinstance(visit_id, str) else []

    def _arm_purge(self) -> None:
        from madoguchi.privacy.retention import PurgeSchedule

        seconds = PurgeSchedule(self.context.settings).seconds_until_next()
        self.purge_timer.start(min(seconds, 24 * 3600) * 1000)

    def _on_purge_due(self) -> None:
        from madoguchi.privacy.retention import purge_and_audit

        database = self.context.database
        if database is not None:
            run_in_background(purge_and_audit, database, self.context.settings, "system", keep=self._keep(),
                              on_done=self._on_purged, on_error=self._on_purge_failed)
        self._arm_purge()

    def _on_purged(self, report) -> None:  # noqa: ANN001
        self.last_purge = report

    def _on_purge_failed(self, error: BaseException) -> None:
        log.error("automatic purge failed: %s", error.__class__.__name__)

    def _stop_timers(self) -> None:
        self.purge_timer.stop()
        self.idle.stop()
