"""The 表示 workspace: the lobby board, and the same board full-screen on the lobby monitor.

The view owns one :class:`QueueLink` (LISTEN/NOTIFY on PostgreSQL, polling on SQLite); every
snapshot goes to the board in the tab and, when open, to the full-screen board (F9) on the
second screen. A call not seen before is announced: chime, Japanese voice, and the ticker
restarts its language rotation. After a restart or a reconnect the first snapshot is shown
without announcing what was already called (the lobby heard it).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from madoguchi.queue.model import BUSINESS_TZ
from madoguchi.ui.context import AppContext
from madoguchi.ui.display.announce import Announcer, VoiceReport, load_announcements
from madoguchi.ui.display.board import LobbyBoardWidget
from madoguchi.ui.queue_adapter import QueueLink

log = logging.getLogger(__name__)


class DisplayWindow(QWidget):
    """A frameless top-level board for the lobby monitor; Esc closes it."""

    closed = Signal()

    def __init__(self, board: LobbyBoardWidget) -> None:
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("lobbyWindow")
        self.setWindowTitle("Madoguchi — 表示")
        self.board = board
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(board)
        close = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        close.activated.connect(self.close)

    def show_on_best_screen(self) -> None:
        """On the second monitor when there is one, else full-screen on the current one."""
        screens = QGuiApplication.screens()
        primary = QGuiApplication.primaryScreen()
        target = next((s for s in screens if s is not primary), primary)
        self.setScreen(target)
        self.setGeometry(target.geometry())
        self.showFullScreen()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.closed.emit()
        super().closeEvent(event)


class DisplayView(QWidget):
    call_announced = Signal(str, int)  # label, counter number

    def __init__(self, context: AppContext, parent: QWidget | None = None, *, speech_engine: str | None = None,
                 sound: bool | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.announcements = load_announcements()
        self.announced: set[tuple[int, int]] = set()  # (ticket id, calls) already announced
        self._synced = False  # False until the first snapshot after a (re)start or reconnect
        self.last_update: datetime | None = None
        self.window: DisplayWindow | None = None
        headless = QGuiApplication.platformName() in ("offscreen", "minimal")
        if speech_engine is None and headless:
            speech_engine = ""  # nobody listens to a screen nobody sees (tests, batch runs)
        if sound is None:
            sound = not headless
        self.announcer = Announcer(self.announcements, engine=speech_engine, sound=sound, parent=self)
        self.announcer.voice_ready.connect(self._on_voice_ready)
        self.link = QueueLink(context, lambda queue: queue.snapshot(recent_calls=8), refresh_ms=15000, parent=self)
        self.link.loaded.connect(self._on_snapshot_loaded)
        self.link.online_changed.connect(self._on_online_changed)
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        controls = QHBoxLayout()
        self.full_screen_button = QPushButton(self.tr("ロビー画面に全画面表示 (F9)"))
        self.full_screen_button.setShortcut(QKeySequence("F9"))
        self.full_screen_button.clicked.connect(self.open_lobby_window)
        controls.addWidget(self.full_screen_button)
        self.sound_box = QCheckBox(self.tr("チャイムと音声 (F8)"))
        self.sound_box.setChecked(self.announcer.sound_enabled)
        self.sound_box.setShortcut(QKeySequence("F8"))
        self.sound_box.toggled.connect(self._on_sound_toggled)
        controls.addWidget(self.sound_box)
        self.voice_test_button = QPushButton(self.tr("音声テスト (F7)"))
        self.voice_test_button.setShortcut(QKeySequence("F7"))
        self.voice_test_button.clicked.connect(self._on_voice_test_clicked)
        controls.addWidget(self.voice_test_button)
        self.voice_status = QLabel(self.tr("音声: 最初の呼出で確認します（音声テストで今すぐ確認）"))
        self.voice_status.setWordWrap(True)
        controls.addWidget(self.voice_status, 1)
        layout.addLayout(controls)
        self.board = self._new_board()
        layout.addWidget(self.board, 1)

    def _new_board(self) -> LobbyBoardWidget:
        return LobbyBoardWidget(self.announcements, self.context.settings.branch_name)

    def boards(self) -> list[LobbyBoardWidget]:
        return [self.board] + ([self.window.board] if self.window is not None else [])

    # -- the lobby monitor ------------------------------------------------------------------
    def open_lobby_window(self) -> DisplayWindow:
        if self.window is None:
            board = self._new_board()
            self.window = DisplayWindow(board)
            self.window.closed.connect(self._on_lobby_window_closed)
            if self.link.last_result is not None:
                board.show_snapshot(self.link.last_result)
            if self.link.online is False:
                board.set_offline(True, self.last_update)
        self.window.show_on_best_screen()
        return self.window

    def _on_lobby_window_closed(self) -> None:
        window, self.window = self.window, None
        if window is not None:
            window.board.stop()
            window.deleteLater()

    # -- queue ------------------------------------------------------------------------------
    def _on_snapshot_loaded(self, snapshot: Any) -> None:
        self.last_update = datetime.now(BUSINESS_TZ)
        new_calls = [c for c in reversed(snapshot.calls) if (c.ticket_id, c.calls) not in self.announced]
        self.announced.update((c.ticket_id, c.calls) for c in snapshot.calls)
        for board in self.boards():
            board.set_offline(False)
            board.show_snapshot(snapshot)
        if not self._synced:
            # after a start or a reconnect: show, but do not call out what the lobby already heard
            self._synced = True
            return
        for call in new_calls:
            self.announcer.announce(call.label, call.counter_number)
            self.call_announced.emit(call.label, call.counter_number)
        if new_calls:
            for board in self.boards():
                board.restart_ticker()

    def _on_online_changed(self, online: bool, message: str) -> None:
        if online:
            return  # the next snapshot clears the banner
        self._synced = False
        for board in self.boards():
            board.set_offline(True, self.last_update)
        if message:
            log.info("display offline")

    # -- sound ------------------------------------------------------------------------------
    def _on_sound_toggled(self, on: bool) -> None:
        self.announcer.sound_enabled = on

    def _on_voice_test_clicked(self) -> None:
        self.announcer.sound_enabled = True
        self.sound_box.setChecked(True)
        self.announcer.announce_test()

    def _on_voice_ready(self, report: VoiceReport) -> None:
        if report.speaks_japanese:
            self.voice_status.setText(self.tr("音声: {0}（{1}）").format(report.voice, report.engine))
        else:
            self.voice_status.setText(self.tr("音声なし: {0}").format(report.problem))

    def shutdown(self) -> None:
        self.link.stop()
        self.announcer.stop()
        for board in self.boards():
            board.stop()
        if self.window is not None:
            self.window.close()
