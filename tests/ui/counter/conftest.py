"""Fixtures for the counter workspace: a view on a real (temporary) database with its scanner folder
(the generated card, its reading and the real CUPS queue are tests/conftest.py's)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from madoguchi.config import load_settings


@pytest.fixture
def scan_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "scans"
    folder.mkdir()
    return folder


@pytest.fixture
def counter_settings(sqlite_url: str, scan_folder: Path):
    return replace(load_settings(), database_url=sqlite_url, scanner_folder=str(scan_folder), counter_number=1,
                   key_store="file")


def make_view(qtbot, settings, *, printer: str = "", demo: bool = False):
    """The counter view in a real AppContext with a migrated database, services ready."""
    from madoguchi.seed import seed_defaults
    from madoguchi.store.db import open_database
    from madoguchi.ui.app import create_application
    from madoguchi.ui.context import AppContext, SignedInUser
    from madoguchi.ui.counter.view import CounterView

    settings = replace(settings, printer_name=printer) if printer else settings
    create_application(settings)
    database = open_database(settings.effective_database_url)
    seed_defaults(database, settings.branch_id, settings.branch_name, counters=3)
    context = AppContext(settings, demo=demo)
    context.set_database(database)
    context.set_user(SignedInUser(None, "clerk1", "窓口 一郎", "clerk"))
    view = CounterView(context)
    qtbot.addWidget(view)
    view.resize(1280, 760)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: view.service.reader is not None and view.service.drafts is not None, timeout=30000)
    # the counter's shortcuts are window shortcuts: this view's window must be the active one (a
    # previous test's window may still be when it is torn down late)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view.window(), timeout=5000)
    return view


def close_view(view) -> None:
    """Stop the camera, let every thread of the view finish, close its database."""
    from madoguchi.ui.workers import wait_for_background

    view.card.stop_camera()
    view.wait_for_work(30000)
    wait_for_background(30000)
    view.wait_for_work(30000)
    view.context.database.dispose()


@pytest.fixture
def counter_view(qtbot, counter_settings):
    view = make_view(qtbot, counter_settings)
    yield view
    close_view(view)
