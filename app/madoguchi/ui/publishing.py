"""Publishing congestion from the running app on one PC (setting ``publish_in_app``).

The core :class:`~madoguchi.queue.publish.Publisher` does the work on its own thread (and
its watcher's); this adapter only starts it once the database is there, restarts it when
the settings change and stops it when the app quits. A bad target or site file is logged
and retried by the publisher: the counter keeps working whatever the target does.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject

from madoguchi.config import Settings
from madoguchi.errors import MadoguchiError
from madoguchi.ui.context import AppContext

log = logging.getLogger(__name__)

_KEYS = ("publish_target", "publish_interval", "publish_in_app", "publish_site")


class PublishingService(QObject):
    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.publisher: Any = None
        self._settings_key = self._key(context.settings)
        context.database_ready.connect(self._on_database_ready)
        context.settings_changed.connect(self._on_settings_changed)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)
        if context.database is not None:
            self._on_database_ready(context.database)

    @staticmethod
    def _key(settings: Settings) -> tuple:
        return tuple(getattr(settings, key) for key in _KEYS)

    def _on_database_ready(self, database: Any) -> None:
        self._restart(database)

    def _on_settings_changed(self, settings: Settings) -> None:
        key = self._key(settings)
        if key != self._settings_key and self.context.database is not None:
            self._settings_key = key
            self._restart(self.context.database)

    def _restart(self, database: Any) -> None:
        from madoguchi.queue.publish import publisher_from_settings

        self.stop()
        try:
            self.publisher = publisher_from_settings(self.context.settings, database)
        except MadoguchiError as error:
            log.warning("publish: not started: %s", error.message("en"))
            return
        if self.publisher is not None:
            self.publisher.start()  # its own thread; nothing here waits for the target

    def stop(self) -> None:
        """Stop the publisher without waiting for it here: a PUT under way may take up to its timeout,
        and stopping the watcher waits for its thread (the app waits for background work at exit)."""
        if self.publisher is not None:
            from madoguchi.ui.workers import run_in_background

            publisher, self.publisher = self.publisher, None
            run_in_background(publisher.stop)
