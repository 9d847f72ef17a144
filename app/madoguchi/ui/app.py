"""Starting the desktop app: settings, Qt, style, translations, window, database.

The window is shown first; the database is opened and migrated in the background so a
slow or missing server never freezes the start (the banner says what happened).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import replace
from functools import partial
from typing import Any

from madoguchi import APP_NAME, paths
from madoguchi.config import Settings, load_settings
from madoguchi.errors import MadoguchiError

log = logging.getLogger(__name__)

_STARTED = time.perf_counter()


def demo_settings(settings: Settings) -> Settings:
    """The demo runs on a fresh SQLite file in the data directory, recreated each start."""
    folder = paths.ensure_dir(paths.data_dir() / "demo")
    for leftover in folder.glob("madoguchi-demo.sqlite3*"):
        leftover.unlink()
    return replace(settings, database_url="sqlite:///" + (folder / "madoguchi-demo.sqlite3").as_posix())


def open_app_database(settings: Settings, demo: bool):  # noqa: ANN201
    from madoguchi.seed import seed_defaults, seed_demo
    from madoguchi.store.db import open_database

    database = open_database(settings.effective_database_url)
    if demo:
        seed_demo(database, settings.branch_id, settings.branch_name)
    else:
        seed_defaults(database, settings.branch_id, settings.branch_name)
    return database


def create_application(settings: Settings, argv: list[str] | None = None):  # noqa: ANN201
    from PySide6.QtWidgets import QApplication

    from madoguchi.ui.i18n import install_translator
    from madoguchi.ui.style import apply_style

    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    icon_path = paths.resource_path("icons", "madoguchi.svg")
    if icon_path.exists():
        from PySide6.QtGui import QIcon

        app.setWindowIcon(QIcon(str(icon_path)))
    apply_style(app, settings)
    install_translator(app, settings.language)
    return app


def build_window(settings: Settings, *, demo: bool, sign_in_as: str | None = None,
                 live_office_speed: float = 0.0):  # noqa: ANN201
    """Context and main window, database opening in the background, then the sign-in.

    ``sign_in_as`` (demo only: tests, screenshots, ``MADOGUCHI_DEMO_USER``) signs a demo
    account in without the login dialog. ``live_office_speed`` (demo only; 0 = none): the queue
    simulator plays the other counters and the arriving residents at that many times real time.
    """
    from madoguchi.ui.context import AppContext
    from madoguchi.ui.login import SignInFlow
    from madoguchi.ui.main_window import MainWindow
    from madoguchi.ui.publishing import PublishingService
    from madoguchi.ui.workers import run_in_background

    context = AppContext(settings, demo=demo)
    window = MainWindow(context)
    window.publishing = PublishingService(context, window)  # publish_in_app: congestion out, own thread
    window.sign_in_flow = SignInFlow(context, window, sign_in_as=sign_in_as)

    def _failed(error: BaseException) -> None:
        if isinstance(error, MadoguchiError):
            context.set_database_error(error)
        else:
            log.error("database start failed: %s", error.__class__.__name__)
            context.set_database_error(MadoguchiError(
                f"データベースの準備に失敗しました（{error.__class__.__name__}）。`madoguchi -v db upgrade` で詳細を確認してください。",
                f"preparing the database failed ({error.__class__.__name__}); run `madoguchi -v db upgrade` for details."))

    if demo and live_office_speed > 0:
        context.database_ready.connect(partial(_start_live_office, context, live_office_speed))
    run_in_background(open_app_database, settings, demo, on_done=context.set_database, on_error=_failed)
    return context, window


def _start_live_office(context: Any, speed: float, database: Any) -> None:
    """The demo's office comes alive (研修): counters other than this one call and serve, residents arrive."""
    from PySide6.QtCore import QCoreApplication

    from madoguchi.queue.live import LiveOffice

    if context.live_office is not None:
        return
    context.live_office = LiveOffice(database, context.settings.branch_id, own_counter=context.settings.counter_number,
                                     speed=speed)
    context.live_office.start()
    app = QCoreApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(context.live_office.stop)


def run_app(*, demo: bool = False) -> int:
    settings = load_settings()
    if demo:
        settings = demo_settings(settings)
    app = create_application(settings)
    demo_user = (os.environ.get("MADOGUCHI_DEMO_USER") or None) if demo else None
    # the demo's live office at real time unless told otherwise (MADOGUCHI_DEMO_SPEED=0: an empty office)
    speed = float(os.environ.get("MADOGUCHI_DEMO_SPEED") or 1.0) if demo else 0.0
    _context, window = build_window(settings, demo=demo, sign_in_as=demo_user, live_office_speed=speed)
    window.show()
    if os.environ.get("MADOGUCHI_EXIT_WHEN_READY"):
        from PySide6.QtCore import QTimer

        def _ready() -> None:
            print(f"READY {time.perf_counter() - _STARTED:.3f}", flush=True)
            window.close()
            app.quit()

        QTimer.singleShot(0, _ready)
    code = app.exec()
    from madoguchi.ui.workers import wait_for_background

    wait_for_background(10000)
    return code


def main() -> int:
    from madoguchi.logs import setup_logging

    setup_logging()
    return run_app(demo="--demo" in sys.argv)
