"""The lobby board: what residents read from across the room.

Big, high contrast (white and yellow on near-black), sized from the widget's height so the
same board fills a tab or a 55-inch screen. Left: the numbers being called and their
counters, the newest highlighted. Right: waiting counts and estimated waits per service.
Bottom: the newest call in rotating languages. A red オフライン banner says when the
figures are the last known ones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from madoguchi.queue.model import BUSINESS_TZ
from madoguchi.ui.display.announce import Announcements
from madoguchi.ui.queue_adapter import wait_text

CALL_ROWS = 5
TICKER_SECONDS = 4

_STYLE = """
#lobbyBoard {{ background: #101418; }}
#lobbyBoard QLabel {{ color: #ffffff; background: transparent; font-size: {base}px; }}
#lobbyBoard QLabel#boardTitle {{ font-size: {title}px; font-weight: bold; color: #ffffff; }}
#lobbyBoard QLabel#boardClock {{ font-size: {title}px; color: #ffffff; }}
#lobbyBoard QLabel#sectionTitle {{ font-size: {section}px; font-weight: bold; color: #9fd3ff; }}
#lobbyBoard QLabel#callLabel, #lobbyBoard QLabel#callCounter {{ font-size: {call}px; font-weight: bold; }}
#lobbyBoard QLabel#callArrow {{ font-size: {call}px; color: #9fd3ff; }}
#lobbyBoard QFrame#callRow {{ border-bottom: 2px solid #2c3640; }}
#lobbyBoard QFrame#callRow[latest="true"] {{ background: #ffd400; border-radius: 8px; border-bottom: none; }}
#lobbyBoard QFrame#callRow[latest="true"] QLabel {{ color: #000000; }}
#lobbyBoard QLabel#serviceName {{ font-size: {service}px; }}
#lobbyBoard QLabel#serviceWaiting {{ font-size: {service}px; font-weight: bold; color: #ffd400; }}
#lobbyBoard QLabel#serviceWait {{ font-size: {small}px; color: #ffffff; }}
#lobbyBoard QLabel#noCalls {{ font-size: {section}px; color: #c8d0d8; }}
#lobbyBoard QLabel#ticker {{ font-size: {ticker}px; color: #000000; background: #ffffff; padding: 6px 16px;
    border-radius: 6px; }}
#lobbyBoard QLabel#tickerLanguage {{ font-size: {small}px; color: #9fd3ff; }}
#lobbyBoard QLabel#offlineBanner {{ font-size: {section}px; font-weight: bold; color: #ffffff;
    background: #c00020; padding: 8px 16px; border-radius: 6px; }}
"""


class LobbyBoardWidget(QFrame):
    def __init__(self, announcements: Announcements, branch_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lobbyBoard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.announcements = announcements
        self.snapshot: Any = None
        self.offline_since: datetime | None = None
        self._ticker_index = 0
        self._scale_height = 0
        self._build(branch_name)
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICKER_SECONDS * 1000)
        self._ticker.timeout.connect(self._on_ticker_timeout)
        self._ticker.start()
        self._clock = QTimer(self)
        self._clock.setInterval(10000)
        self._clock.timeout.connect(self._update_clock)
        self._clock.start()
        self._update_clock()
        self._apply_scale(600)

    # -- layout ---------------------------------------------------------------------------
    def _build(self, branch_name: str) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(12)
        top = QHBoxLayout()
        self.title = QLabel(f"{branch_name}　お呼び出し / Now calling")
        self.title.setObjectName("boardTitle")
        top.addWidget(self.title, 1)
        self.clock = QLabel("")
        self.clock.setObjectName("boardClock")
        top.addWidget(self.clock)
        layout.addLayout(top)
        self.offline_banner = QLabel("")
        self.offline_banner.setObjectName("offlineBanner")
        self.offline_banner.setWordWrap(True)
        self.offline_banner.hide()
        layout.addWidget(self.offline_banner)
        body = QHBoxLayout()
        body.setSpacing(32)
        body.addLayout(self._build_calls(), 3)
        body.addLayout(self._build_services(), 2)
        layout.addLayout(body, 1)
        self.ticker_language = QLabel("")
        self.ticker_language.setObjectName("tickerLanguage")
        layout.addWidget(self.ticker_language)
        self.ticker = QLabel("")
        self.ticker.setObjectName("ticker")
        self.ticker.setWordWrap(True)
        layout.addWidget(self.ticker)

    def _build_calls(self) -> QVBoxLayout:
        box = QVBoxLayout()
        heading = QLabel("番号 / Number　　→　窓口 / Counter")
        heading.setObjectName("sectionTitle")
        box.addWidget(heading)
        self.call_rows: list[tuple[QFrame, QLabel, QLabel]] = []
        for _ in range(CALL_ROWS):
            row = QFrame()
            row.setObjectName("callRow")
            row.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
            line = QHBoxLayout(row)
            line.setContentsMargins(16, 2, 16, 2)
            label = QLabel("")
            label.setObjectName("callLabel")
            arrow = QLabel("→")
            arrow.setObjectName("callArrow")
            counter = QLabel("")
            counter.setObjectName("callCounter")
            counter.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            line.addWidget(label, 1)
            line.addWidget(arrow)
            line.addWidget(counter, 1)
            box.addWidget(row)
            row.hide()
            self.call_rows.append((row, label, counter))
        self.no_calls = QLabel("ただいまお呼び出しはありません\nNo number is being called")
        self.no_calls.setObjectName("noCalls")
        box.addWidget(self.no_calls)
        box.addStretch(1)
        return box

    def _build_services(self) -> QVBoxLayout:
        box = QVBoxLayout()
        heading = QLabel("お待ちの人数・目安 / Waiting")
        heading.setObjectName("sectionTitle")
        box.addWidget(heading)
        self.services_grid = QGridLayout()
        self.services_grid.setHorizontalSpacing(18)
        self.services_grid.setVerticalSpacing(6)
        box.addLayout(self.services_grid)
        box.addStretch(1)
        self.service_rows: dict[str, tuple[QLabel, QLabel, QLabel]] = {}
        return box

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._apply_scale(event.size().height())

    def _apply_scale(self, height: int) -> None:
        height = max(360, height)
        if abs(height - self._scale_height) < 8:
            return
        self._scale_height = height
        unit = height / 100
        self.setStyleSheet(_STYLE.format(base=round(2.6 * unit), title=round(4.2 * unit), section=round(3.4 * unit),
                                         call=round(8.5 * unit), service=round(4.0 * unit), small=round(2.8 * unit),
                                         ticker=round(4.0 * unit)))

    # -- content --------------------------------------------------------------------------
    def show_snapshot(self, snapshot: Any) -> None:
        self.snapshot = snapshot
        self._show_calls(snapshot.calls)
        self._show_services(snapshot.services)
        self._show_ticker()

    def _show_calls(self, calls: list[Any]) -> None:
        for index, (row, label, counter) in enumerate(self.call_rows):
            if index < len(calls):
                call = calls[index]
                label.setText(call.label)
                counter.setText(f"{call.counter_number}番窓口")
                latest = "true" if index == 0 else "false"
                if row.property("latest") != latest:
                    row.setProperty("latest", latest)
                    row.style().unpolish(row)
                    row.style().polish(row)
                    for child in (label, counter, row.findChild(QLabel, "callArrow")):
                        child.style().unpolish(child)
                        child.style().polish(child)
                row.show()
            else:
                row.hide()
        self.no_calls.setVisible(not calls)

    def _show_services(self, services: list[Any]) -> None:
        for status in services:
            prefix = status.service.prefix
            if prefix not in self.service_rows:
                row = len(self.service_rows)
                name, waiting, wait = QLabel(), QLabel(), QLabel()
                name.setObjectName("serviceName")
                waiting.setObjectName("serviceWaiting")
                waiting.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                wait.setObjectName("serviceWait")
                self.services_grid.addWidget(name, row, 0)
                self.services_grid.addWidget(waiting, row, 1)
                self.services_grid.addWidget(wait, row, 2)
                self.service_rows[prefix] = (name, waiting, wait)
            name, waiting, wait = self.service_rows[prefix]
            name.setText(f"{prefix}  {status.service.name}")
            waiting.setText(f"{status.waiting}人")
            if status.estimate.minutes is None:
                wait.setText("窓口準備中 / opening soon")
            elif (status.estimate.high or 0) <= 1:
                wait.setText("すぐ / now")
            else:
                wait.setText(wait_text(status.estimate))

    def _show_ticker(self) -> None:
        languages = self.announcements.languages
        lang = languages[self._ticker_index % len(languages)]
        calls = self.snapshot.calls if self.snapshot is not None else []
        text = lang.text.format(label=calls[0].label, counter=calls[0].counter_number) if calls else lang.idle
        self.ticker_language.setText(lang.name)
        self.ticker.setText(text)

    def _on_ticker_timeout(self) -> None:
        self._ticker_index += 1
        self._show_ticker()

    def restart_ticker(self) -> None:
        """A new call: start the rotation again with Japanese."""
        self._ticker_index = 0
        self._ticker.start()
        self._show_ticker()

    def _update_clock(self) -> None:
        self.clock.setText(datetime.now(BUSINESS_TZ).strftime("%H:%M"))

    def set_offline(self, offline: bool, since: datetime | None = None) -> None:
        if not offline:
            self.offline_since = None
            self.offline_banner.hide()
            return
        self.offline_since = self.offline_since or since or datetime.now(BUSINESS_TZ)
        at = self.offline_since.astimezone(BUSINESS_TZ).strftime("%H:%M")
        self.offline_banner.setText(f"オフライン — {at} 時点の情報です。復旧を待っています。"
                                    f"　Offline — showing the state of {at}.")
        self.offline_banner.show()

    def stop(self) -> None:
        self._ticker.stop()
        self._clock.stop()
