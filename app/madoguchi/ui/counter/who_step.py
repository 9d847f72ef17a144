"""Step 1, Who: call the next ticket or start a walk-in visit; resume or discard a saved visit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from madoguchi.counter.flow import VisitFlow
from madoguchi.ui.counter.common import StepWidget, heading

if TYPE_CHECKING:
    from madoguchi.privacy.drafts import DraftInfo


class WhoStepWidget(StepWidget):
    title = QT_TRANSLATE_NOOP("CounterView", "受付")  # shown by CounterView
    next_ticket_requested = Signal()
    walk_in_requested = Signal()
    resume_requested = Signal(str)  # visit id
    discard_requested = Signal(str)

    def __init__(self, flow: VisitFlow, parent: QWidget | None = None) -> None:
        super().__init__(flow, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(heading(self.tr("次のお客様")))
        self.waiting = QLabel()
        self.waiting.setObjectName("waitingCount")
        layout.addWidget(self.waiting)
        self.message = QLabel()
        self.message.setObjectName("stepMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.next_button = self.button(self.tr("次の整理券を呼ぶ"), "F2", self.next_ticket_requested.emit)
        self.walk_in_button = self.button(self.tr("整理券なしで受付"), "F3", self.walk_in_requested.emit)
        for widget in (self.next_button, self.walk_in_button):
            widget.setObjectName("bigButton")
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        tip = QLabel(self.tr("カードをスキャナで読み取ると、その場で受付を始めます（整理券なしの受付）。"))
        tip.setObjectName("stepMessage")
        tip.setWordWrap(True)
        layout.addWidget(tip)

        self.drafts_box = QWidget()
        drafts = QVBoxLayout(self.drafts_box)
        drafts.setContentsMargins(0, 16, 0, 0)
        title = QLabel(self.tr("中断された受付があります（停電・異常終了など）。再開するか破棄してください。"))
        title.setObjectName("attentionText")
        title.setWordWrap(True)
        drafts.addWidget(title)
        self.drafts = QListWidget()
        self.drafts.setObjectName("draftList")
        self.drafts.setMaximumHeight(160)
        drafts.addWidget(self.drafts)
        buttons = QHBoxLayout()
        self.resume_button = self.button(self.tr("再開"), "F5", self._on_resume_clicked)
        self.discard_button = self.button(self.tr("破棄"), "Ctrl+Delete", self._on_discard_clicked)
        buttons.addWidget(self.resume_button)
        buttons.addWidget(self.discard_button)
        buttons.addStretch(1)
        drafts.addLayout(buttons)
        layout.addWidget(self.drafts_box)
        layout.addStretch(1)
        self.set_drafts([])
        self.set_queue_available(False, "")

    def set_queue_available(self, available: bool, why: str) -> None:
        self.message.setText(why if not available and why else "")
        self.message.setVisible(bool(self.message.text()))

    def set_waiting(self, count: int | None) -> None:
        """How many wait for this counter's services (None: unknown, e.g. no queue)."""
        self.waiting.setText("" if count is None else self.tr("この窓口の業務でお待ちの方: {0} 人").format(count))
        self.waiting.setVisible(count is not None)

    def set_open_visits(self, open_visits: list[DraftInfo], current: str | None) -> None:
        """The visits left half-way (DraftInfo), but the one at the counter now: when and which, no personal data."""
        self.set_drafts([(info.visit_id, self.tr("{0} に中断した受付（受付番号 {1}）").format(
            info.updated_at.astimezone().strftime("%m/%d %H:%M"), info.visit_id[:6]))
            for info in open_visits if info.visit_id != current])

    def set_drafts(self, drafts: list[tuple[str, str]]) -> None:
        """(visit id, description without personal data)."""
        self.drafts.clear()
        for visit_id, text in drafts:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, visit_id)
            self.drafts.addItem(item)
        if drafts:
            self.drafts.setCurrentRow(0)
        self.drafts_box.setVisible(bool(drafts))

    def _current_draft(self) -> str:
        item = self.drafts.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None and self.drafts_box.isVisible() else ""

    def _on_resume_clicked(self) -> None:
        if visit_id := self._current_draft():
            self.resume_requested.emit(visit_id)

    def _on_discard_clicked(self) -> None:
        if visit_id := self._current_draft():
            self.discard_requested.emit(visit_id)

    def enter(self) -> None:
        if self.drafts_box.isVisible():
            self.drafts.setFocus()
        elif self.next_button.isEnabled():
            self.next_button.setFocus()
        else:
            self.walk_in_button.setFocus()
