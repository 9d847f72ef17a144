"""Sign-in, roles, lock and the audit viewer on the real MainWindow (pytest-qt, offscreen)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from madoguchi.config import load_settings
from madoguchi.ui.login import FirstAdminDialog, LoginDialog
from madoguchi.ui.workers import wait_for_background as _wait_for_tasks

RESTRICTED = ("supervisor", "designer", "settings", "audit")


def wait_for_background(timeout_ms: int = 20000) -> None:
    """Let every view's background work finish AND deliver its result while the window lives."""
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    for _ in range(10):
        _wait_for_tasks(timeout_ms)
        QApplication.processEvents()
        if QThreadPool.globalInstance().activeThreadCount() == 0:
            break


def _finish(context, window) -> None:  # noqa: ANN001
    """End a window as the app's quit would: views stop their watchers and timers on
    aboutToQuit, then their last background results are delivered while they still exist."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    window.close()
    QApplication.instance().aboutToQuit.emit()
    for timer in window.findChildren(QTimer):  # no view starts new work while the window goes
        timer.stop()
    wait_for_background(20000)
    if context.database is not None:
        context.database.dispose()


def _start(qtbot, sqlite_url: str, *, demo: bool, **changes):  # noqa: ANN001, ANN202
    from madoguchi.ui.app import build_window, create_application

    settings = replace(load_settings(), database_url=sqlite_url, **changes)
    create_application(settings)
    context, window = build_window(settings, demo=demo)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: context.database is not None, timeout=20000)
    return context, window


@pytest.fixture
def demo_window(qtbot, sqlite_url: str):  # noqa: ANN001, ANN201
    context, window = _start(qtbot, sqlite_url, demo=True)
    yield context, window
    _finish(context, window)


def _dialog(qtbot, window, kind):  # noqa: ANN001, ANN202
    flow = window.sign_in_flow
    qtbot.waitUntil(lambda: isinstance(flow.dialog, kind) and flow.dialog.isVisible(), timeout=10000)
    return flow.dialog


def _sign_in(qtbot, window, login: str, password: str) -> None:  # noqa: ANN001
    dialog = _dialog(qtbot, window, LoginDialog)
    dialog.form.fill(login, password)
    qtbot.mouseClick(dialog.form.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.context.user is not None, timeout=10000)


def _visible_workspaces(window) -> set[str]:  # noqa: ANN001
    return {key for key, index in window._tab_index.items() if window.tabs.isTabVisible(index)}


def test_nothing_is_open_before_sign_in(demo_window) -> None:  # noqa: ANN001
    context, window = demo_window
    assert context.user is None
    assert _visible_workspaces(window) == set()
    assert not window.show_workspace("counter")


def test_clerk_cannot_open_restricted_views(qtbot, demo_window) -> None:  # noqa: ANN001
    context, window = demo_window
    _sign_in(qtbot, window, "clerk", "clerk")
    assert context.user.role == "clerk"
    visible = _visible_workspaces(window)
    assert {"reception", "counter", "display"} <= visible
    for key in RESTRICTED:
        if key in window.views:
            assert key not in visible
            assert not window.show_workspace(key), key
    assert "audit" in window.views  # the audit workspace exists, just not for a clerk
    # keyboard too: Ctrl+<n> of the audit tab does not switch to it
    before = window.current_workspace()
    number = list(window._tab_index).index("audit") + 1
    qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0.value + number), Qt.KeyboardModifier.ControlModifier)
    assert window.current_workspace() == before


def test_supervisor_and_admin_see_their_views(qtbot, demo_window) -> None:  # noqa: ANN001
    context, window = demo_window
    _sign_in(qtbot, window, "supervisor", "supervisor")
    visible = _visible_workspaces(window)
    assert "supervisor" in visible and "audit" not in visible and "settings" not in visible
    window.sign_in_flow.sign_out()
    assert context.user is None and _visible_workspaces(window) == set()
    _sign_in(qtbot, window, "admin", "admin")
    assert {"supervisor", "settings", "audit"} <= _visible_workspaces(window)


def test_wrong_password_is_refused_and_audited(qtbot, demo_window) -> None:  # noqa: ANN001
    from madoguchi.privacy.audit import AuditLog

    context, window = demo_window
    dialog = _dialog(qtbot, window, LoginDialog)
    dialog.form.fill("admin", "not the password")
    qtbot.mouseClick(dialog.form.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.form.message.isVisible(), timeout=10000)
    assert "違います" in dialog.form.message.text() and context.user is None
    wait_for_background(10000)
    actions = [(r.actor, r.action) for r in AuditLog(context.database).entries()]
    assert ("admin", "login_failed") in actions


def test_demo_account_buttons_sign_in_quickly(qtbot, demo_window) -> None:  # noqa: ANN001
    context, window = demo_window
    dialog = _dialog(qtbot, window, LoginDialog)
    assert dialog.form.login_edit.text() == "clerk"  # pre-filled: Enter is enough
    qtbot.mouseClick(dialog.demo_buttons["supervisor"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: context.user is not None, timeout=10000)
    assert context.user.login == "supervisor"


def test_lock_hides_everything_until_the_password(qtbot, demo_window) -> None:  # noqa: ANN001
    context, window = demo_window
    _sign_in(qtbot, window, "clerk", "clerk")
    flow = window.sign_in_flow
    flow.idle.timer.setInterval(50)  # the idle lock, minutes made milliseconds
    flow.idle.start()
    qtbot.waitUntil(lambda: flow.locked, timeout=5000)
    overlay = flow.overlay
    assert overlay.isVisible() and overlay.geometry() == window.rect()
    assert not window.centralWidget().isEnabled()
    overlay.form.fill("clerk", "wrong")
    qtbot.mouseClick(overlay.form.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: overlay.form.message.isVisible(), timeout=10000)
    assert flow.locked
    flow.idle.timer.setInterval(60_000)  # so the next lock cannot come before the unlock is seen
    overlay.form.password_edit.setText("clerk")
    qtbot.mouseClick(overlay.form.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not flow.locked, timeout=10000)
    assert window.centralWidget().isEnabled() and context.user.login == "clerk"


def test_switch_user_from_the_lock(qtbot, demo_window) -> None:  # noqa: ANN001
    context, window = demo_window
    _sign_in(qtbot, window, "clerk", "clerk")
    window.sign_in_flow.lock()
    qtbot.mouseClick(window.sign_in_flow.overlay.switch_button, Qt.MouseButton.LeftButton)
    assert context.user is None
    _sign_in(qtbot, window, "admin", "admin")
    assert context.user.role == "admin" and not window.sign_in_flow.locked


def test_first_start_creates_the_first_admin(qtbot, sqlite_url: str) -> None:  # noqa: ANN001
    from madoguchi.privacy import users

    context, window = _start(qtbot, sqlite_url, demo=False)
    dialog = _dialog(qtbot, window, FirstAdminDialog)
    dialog.password_edit.setText("short")
    dialog.confirm_edit.setText("short")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=10000)
    assert "8" in dialog.message.text() and context.user is None
    dialog.password_edit.setText("first admin pw")
    dialog.confirm_edit.setText("first admin pw")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: context.user is not None, timeout=10000)
    assert context.user.role == "admin" and "audit" in _visible_workspaces(window)
    assert users.authenticate(context.database, "admin", "first admin pw") is not None
    _finish(context, window)


def test_os_user_mode_signs_in_by_mapping(qtbot, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from madoguchi.privacy import users
    from madoguchi.store.db import open_database

    database = open_database(sqlite_url)
    users.create_user(database, "tanaka", "田中", "supervisor", None, os_user="tanaka01")
    database.dispose()
    monkeypatch.setattr(users, "current_os_user", lambda: "tanaka01")
    context, window = _start(qtbot, sqlite_url, demo=False, login_mode="os_user")
    qtbot.waitUntil(lambda: context.user is not None, timeout=10000)
    assert context.user.login == "tanaka" and "supervisor" in _visible_workspaces(window)
    _finish(context, window)


def test_audit_view_verifies_and_exports(qtbot, demo_window, tmp_path) -> None:  # noqa: ANN001
    _context, window = demo_window
    _sign_in(qtbot, window, "admin", "admin")
    assert window.show_workspace("audit")
    view = window.views["audit"]
    qtbot.waitUntil(lambda: view.table.rowCount() >= 1, timeout=10000)
    assert any(view.table.item(r, 3).text() == "login" for r in range(view.table.rowCount()))
    qtbot.mouseClick(view.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.last_result is not None, timeout=10000)
    assert view.last_result.ok and "改ざんされていません" in view.result_banner.text()
    target = tmp_path / "audit.csv"
    view.export_to(target)
    qtbot.waitUntil(lambda: target.exists() and "出力しました" in view.result_banner.text(), timeout=10000)
    assert "login" in target.read_text(encoding="utf-8-sig")


@pytest.mark.xvfb
@pytest.mark.slow
def test_sign_in_lock_and_audit_on_a_real_screen(results_dir, madoguchi_home) -> None:  # noqa: ANN001
    """The whole tour by keyboard in a real window under Xvfb; grabs kept in results/screenshots/."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    from tests.support import requirements
    from tests.support.xvfb import xvfb, xvfb_env

    requirements.require_executable("Xvfb", "xvfb")
    tour = Path(__file__).with_name("xvfb_login_tour.py")
    with xvfb() as display:
        completed = subprocess.run([sys.executable, str(tour), str(results_dir / "screenshots")],
                                   env=xvfb_env(display, madoguchi_home), capture_output=True, text=True,
                                   timeout=180, check=False)
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["platform"] == "xcb"
    assert not set(RESTRICTED) & set(report["visible"]["clerk"])
    assert {"settings", "audit"} <= set(report["visible"]["admin"])
    assert report["locked_overlay_covers"] and report["verified"]
    assert {"login", "locked", "unlocked", "logout"} <= set(report["audit_actions"])
    for path in report["shots"].values():
        assert Path(path).stat().st_size > 10_000


def test_settings_changes_are_audited_by_key(qtbot, demo_window) -> None:  # noqa: ANN001
    from madoguchi.privacy.audit import AuditLog

    context, window = demo_window
    _sign_in(qtbot, window, "admin", "admin")
    context.set_settings(replace(context.settings, idle_lock_minutes=3, database_url=context.settings.database_url))
    wait_for_background(10000)
    assert window.sign_in_flow.idle.timer.interval() == 3 * 60_000
    entry = [r for r in AuditLog(context.database).entries() if r.action == "settings_changed"][-1]
    assert entry.actor == "admin" and entry.detail == {"keys": ["idle_lock_minutes"]}


def test_admin_creates_and_deactivates_an_account(qtbot, demo_window) -> None:  # noqa: ANN001
    from madoguchi.privacy import users

    context, window = demo_window
    _sign_in(qtbot, window, "admin", "admin")
    window.show_workspace("audit")
    view = window.views["audit"]
    view.pages.setCurrentWidget(view.users_panel)
    panel = view.users_panel
    qtbot.waitUntil(lambda: panel.table.rowCount() == 3, timeout=10000)  # the demo accounts
    panel.login_edit.setText("yamada")
    panel.name_edit.setText("窓口 山田")
    panel.password_edit.setText("yamada pass")
    qtbot.mouseClick(panel.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 4, timeout=10000)
    assert users.authenticate(context.database, "yamada", "yamada pass").role == "clerk"
    row = next(i for i, a in enumerate(panel.accounts) if a.login == "yamada")
    panel.table.selectRow(row)
    qtbot.mouseClick(panel.active_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "状態を変更" in panel.banner.text(), timeout=10000)
    assert users.authenticate(context.database, "yamada", "yamada pass") is None
    # the last admin cannot be switched off
    panel.table.selectRow(next(i for i, a in enumerate(panel.accounts) if a.login == "admin"))
    qtbot.mouseClick(panel.active_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "最後の管理者" in panel.banner.text(), timeout=10000)


def test_scheduled_purge_keeps_the_visit_on_screen(qtbot, demo_window) -> None:  # noqa: ANN001
    from datetime import UTC, datetime, timedelta
    from types import SimpleNamespace

    from madoguchi.privacy import retention
    from madoguchi.privacy.crypto import new_key
    from madoguchi.privacy.drafts import DraftStore

    context, window = demo_window
    _sign_in(qtbot, window, "clerk", "clerk")
    store = DraftStore(None, new_key())
    store.save("onscreen", b"x")
    store.save("abandoned", b"y")
    flow = window.sign_in_flow
    flow._open_visits = lambda: ["onscreen"]
    report = retention.purge(context.database, replace(context.settings, retention="0"),
                             datetime.now(UTC) + timedelta(minutes=1), keep=flow._keep(), store=store)
    assert report.kept_open == 1 and [d.visit_id for d in store.list_all()] == ["onscreen"]
    # without the hook, the counter view's visit in progress is found through its flow
    flow._open_visits = None
    counter = window.views["counter"]
    if getattr(counter, "open_visit_ids", None) is None:
        original = counter.flow
        counter.flow = SimpleNamespace(visit=SimpleNamespace(id="onscreen"))
        try:
            assert flow._keep() == ["onscreen"]
        finally:
            counter.flow = original
    # the timer is armed for the next purge time
    assert flow.purge_timer.isActive() and flow.purge_timer.remainingTime() > 0
