"""Fixtures for the queue workspaces (受付 · 表示 · 管理): a context on a real database."""

from __future__ import annotations

from dataclasses import replace

import pytest

from madoguchi.config import load_settings
from madoguchi.seed import seed_defaults

#: a printer name no print system knows: printing fails for real
MISSING_PRINTER = "madoguchi-no-such-receipt-printer"


@pytest.fixture
def queue_settings():  # noqa: ANN201
    return replace(load_settings(), branch_id="honcho", branch_name="本庁舎", counter_number=1,
                   receipt_printer=MISSING_PRINTER, wait_alert_minutes=20)


@pytest.fixture
def make_context(queue_settings):  # noqa: ANN001, ANN201
    """AppContext factory; the database arrives later, as in the app (``context.set_database``)."""
    from madoguchi.ui.context import AppContext

    def make(**changes):  # noqa: ANN003, ANN202
        return AppContext(replace(queue_settings, **changes))

    return make


@pytest.fixture
def counters_db(database):  # noqa: ANN001, ANN201
    """The ``database`` fixture with three counters at the branch."""
    seed_defaults(database, counters=3)
    return database


def stop_view(view) -> None:  # noqa: ANN001
    """Stop the view's watcher thread and timers, then let background work end."""
    from madoguchi.ui.workers import wait_for_background

    view.shutdown()
    wait_for_background(20000)
