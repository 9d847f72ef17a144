"""What every view of the running app shares: settings, database, signed-in user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from madoguchi.config import Settings
from madoguchi.errors import MadoguchiError
from madoguchi.store.db import Database


@dataclass(frozen=True)
class SignedInUser:
    id: int | None
    login: str
    display_name: str
    role: str  # clerk | supervisor | admin


class AppContext(QObject):
    """Holds the app-wide state; views read it and subscribe to its signals."""

    database_ready = Signal(object)  # Database
    database_failed = Signal(object)  # MadoguchiError
    user_changed = Signal(object)  # SignedInUser | None
    settings_changed = Signal(object)  # Settings

    def __init__(self, settings: Settings, *, demo: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.demo = demo
        #: the demo's live office (madoguchi.queue.live.LiveOffice) once it runs: other counters, arriving residents
        self.live_office: Any = None
        self.database: Database | None = None
        self.database_error: MadoguchiError | None = None
        self.user: SignedInUser | None = None

    @property
    def language(self) -> str:
        return self.settings.language

    def set_database(self, database: Database) -> None:
        self.database, self.database_error = database, None
        self.database_ready.emit(database)

    def set_database_error(self, error: MadoguchiError) -> None:
        self.database_error = error
        self.database_failed.emit(error)

    def set_user(self, user: SignedInUser | None) -> None:
        self.user = user
        self.user_changed.emit(user)

    def set_settings(self, settings: Settings) -> None:
        self.settings = settings
        self.settings_changed.emit(settings)

    def has_role(self, *roles: str) -> bool:
        """True when the signed-in user has one of ``roles`` (admin has every role)."""
        if self.user is None:
            return False
        return self.user.role == "admin" or self.user.role in roles
