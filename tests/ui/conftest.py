"""Fixtures for the Qt layer: the real main window on a real (temporary) database."""

from __future__ import annotations

from dataclasses import replace

import pytest

from madoguchi.config import load_settings
from madoguchi.ui.queue_adapter import QueueLink


@pytest.fixture
def app_settings(sqlite_url: str):  # noqa: ANN201
    return replace(load_settings(), database_url=sqlite_url)


@pytest.fixture
def main_window(qtbot, app_settings):  # noqa: ANN001, ANN201
    """The real main window, its database opened in the background like at a real start."""
    from madoguchi.ui.app import build_window, create_application
    from madoguchi.ui.workers import wait_for_background

    create_application(app_settings)
    context, window = build_window(app_settings, demo=True, sign_in_as="admin")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: context.database is not None or context.database_error is not None, timeout=20000)
    yield window
    if context.live_office is not None:
        assert context.live_office.stop(), "the live office did not end"
    # every workspace's queue link stops its watcher thread now, not whenever the window is deleted
    for link in window.findChildren(QueueLink):
        link.stop()
    wait_for_background(20000)
    if context.database is not None:
        context.database.dispose()
