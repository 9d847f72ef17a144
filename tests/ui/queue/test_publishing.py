"""The in-app publisher (setting publish_in_app): starts with the database, on its own thread; a bad target
leaves the app working."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from madoguchi.queue.service import TicketQueue


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_publishing_runs_off_the_ui_thread_and_follows_the_settings(qtbot, make_context, counters_db,
                                                                    tmp_path: Path,
                                                                    caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    from madoguchi.ui.publishing import PublishingService

    out = tmp_path / "out"
    context = make_context(publish_in_app=True, publish_target=str(out), publish_interval=1)
    service = PublishingService(context)
    try:
        assert service.publisher is None  # nothing before the database is there
        context.set_database(counters_db)
        qtbot.waitUntil(lambda: (out / "status.json").exists(), timeout=15000)
        assert service.publisher._thread is not threading.current_thread()
        TicketQueue(counters_db, "honcho").issue("A", confirm=True)
        qtbot.waitUntil(lambda: json.loads((out / "status.json").read_bytes())["branches"][0]["waiting"] == 1,
                        timeout=15000)
        # a broken target: logged and retried by the publisher, the UI thread never waits for it
        caplog.set_level(logging.WARNING, logger="madoguchi.queue.publish")
        blocked = tmp_path / "blocked"
        blocked.write_text("a file where the folder should be", encoding="utf-8")
        context.set_settings(replace(context.settings, publish_target=str(blocked)))
        qtbot.waitUntil(lambda: service.publisher is not None and service.publisher.failures >= 1, timeout=15000)
        assert any("retrying in" in r.getMessage() for r in caplog.records)
        context.set_settings(replace(context.settings, publish_in_app=False))
        assert service.publisher is None
    finally:
        service.stop()
        from madoguchi.ui.workers import wait_for_background

        wait_for_background(20000)
