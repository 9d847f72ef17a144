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
    from PySide6.QtWidgets import QApplication

    for _ in range(3):
        _wait_for_tasks(timeout_ms)
        QApplication.processEvents()


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
    wait_for_background(20000)
    context.database.dispose()


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
    wait_for_background(10000)
    context.database.dispose()


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
    wait_for_background(10000)
    context.database.dispose()


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
