"""Step 7, Done: the resident's data has left the screen, memory and draft store; the ticket is served."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from madoguchi.counter.flow import VisitFlow
from madoguchi.ui.counter.common import StepWidget, heading


class DoneStepWidget(StepWidget):
    title = QT_TRANSLATE_NOOP("CounterView", "完了")  # shown by CounterView
    next_ticket_requested = Signal()
    walk_in_requested = Signal()

    def __init__(self, flow: VisitFlow, parent: QWidget | None = None) -> None:
        super().__init__(flow, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(heading(self.tr("受付が完了しました")))
        self.summary = QLabel()
        self.summary.setObjectName("stepMessage")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        row = QHBoxLayout()
        self.next_button = self.button(self.tr("次の整理券を呼ぶ"), "F2", self.next_ticket_requested.emit)
        self.walk_in_button = self.button(self.tr("整理券なしで受付"), "F3", self.walk_in_requested.emit)
        for widget in (self.next_button, self.walk_in_button):
            widget.setObjectName("bigButton")
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)

    def set_summary(self, text: str) -> None:
        self.summary.setText(text)

    def enter(self) -> None:
        (self.next_button if self.next_button.isEnabled() else self.walk_in_button).setFocus()
