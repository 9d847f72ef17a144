"""Run in a subprocess on a real X server: the demo's login dialog, a sign-in as the clerk,
the idle lock, the admin's audit workspace — a screen grab of each.

Usage: python tests/privacy/xvfb_login_tour.py OUT_DIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.support.qtwait import pump, use_project_root  # noqa: E402

use_project_root(__file__)




def main() -> int:
    out_dir = Path(sys.argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from madoguchi.config import load_settings
    from madoguchi.ui.app import build_window, create_application, demo_settings
    from madoguchi.ui.login import LoginDialog

    settings = demo_settings(load_settings())
    app = create_application(settings)
    context, window = build_window(settings, demo=True)
    window.resize(1280, 760)
    window.move(0, 0)
    window.show()
    QTest.qWaitForWindowExposed(window)
    flow = window.sign_in_flow
    report: dict = {"platform": QApplication.platformName(), "shots": {}, "visible": {}}

    def wait(condition, ms: int = 20000) -> None:  # noqa: ANN001
        waited = 0
        while not condition() and waited < ms:
            pump(50)
            waited += 50
        if not condition():
            shot("timeout")
            raise SystemExit(f"timed out after {sorted(report['shots'])}; user={context.user}, "
                             f"dialog={flow.dialog}, focus={QApplication.focusWidget()}")

    def shot(name: str) -> None:
        pump(300)
        path = out_dir / f"privacy-{name}.png"
        window.screen().grabWindow(0).save(str(path))
        report["shots"][name] = str(path)

    def visible() -> list[str]:
        return [key for key, index in window._tab_index.items() if window.tabs.isTabVisible(index)]

    wait(lambda: isinstance(flow.dialog, LoginDialog) and flow.dialog.isVisible())
    shot("1-login-demo")
    # the demo is pre-filled with the clerk: Enter signs in
    QTest.keyClick(QApplication.focusWidget() or flow.dialog, Qt.Key.Key_Return)
    wait(lambda: context.user is not None)
    report["visible"]["clerk"] = visible()
    window.activateWindow()  # Xvfb has no window manager to give the focus back
    QTest.qWaitForWindowActive(window)
    shot("2-clerk-signed-in")
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    wait(lambda: flow.locked)
    report["locked_overlay_covers"] = flow.overlay.geometry() == window.rect()
    shot("3-locked")
    QTest.keyClicks(flow.overlay.form.password_edit, "clerk")
    QTest.keyClick(flow.overlay.form.password_edit, Qt.Key.Key_Return)
    wait(lambda: not flow.locked)
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    wait(lambda: context.user is None and isinstance(flow.dialog, LoginDialog) and flow.dialog.isVisible())
    QTest.qWaitForWindowActive(flow.dialog)  # X activates the new dialog asynchronously
    pump(300)
    QTest.keyClick(QApplication.focusWidget() or flow.dialog, Qt.Key.Key_F3)  # the demo admin's button
    wait(lambda: context.user is not None)
    report["visible"]["admin"] = visible()
    window.activateWindow()
    QTest.qWaitForWindowActive(window)
    window.show_workspace("audit")
    view = window.views["audit"]
    wait(lambda: view.table.rowCount() >= 4)
    QTest.keyClick(window, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    wait(lambda: view.last_result is not None)
    report["verified"] = view.last_result.ok
    report["audit_actions"] = sorted({view.table.item(r, 3).text() for r in range(view.table.rowCount())})
    shot("4-audit")
    print(json.dumps(report, ensure_ascii=False), flush=True)
    window.close()
    # let the views' background work (OCR engine warm-up …) end before Python shuts down
    from madoguchi.ui.workers import wait_for_background

    app.aboutToQuit.emit()
    wait_for_background(30000)
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
