"""The counter's top bar: where the visit is (①…⑦), whose ticket, and the way out (受付を中止)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from madoguchi.counter.flow import STEPS, Step

STEP_NUMBERS = "①②③④⑤⑥⑦"


class StepBarWidget(QWidget):
    cancel_requested = Signal()

    def __init__(self, titles: dict[Step, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        top = QHBoxLayout(self)
        top.setContentsMargins(0, 0, 0, 0)
        self.chips: dict[Step, QLabel] = {}
        for number, step in zip(STEP_NUMBERS, STEPS):
            chip = QLabel(f"{number} {titles[step]}")
            chip.setObjectName("stepChip")
            self.chips[step] = chip
            top.addWidget(chip)
        top.addStretch(1)
        self.ticket_label = QLabel()
        self.ticket_label.setObjectName("ticketLabel")
        top.addWidget(self.ticket_label)
        self.cancel_button = QPushButton(self.tr("受付を中止（Ctrl+Shift+Del）"))
        self.cancel_button.setObjectName("cancelVisit")
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # never reached by Tab by accident
        self.cancel_button.clicked.connect(self.cancel_requested)
        top.addWidget(self.cancel_button)

    def add_cancel_shortcut(self, scope: QWidget) -> None:
        """Ctrl+Shift+Del anywhere in ``scope`` (the workspace) cancels the visit."""
        cancel = QShortcut(QKeySequence("Ctrl+Shift+Delete"), scope)
        cancel.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        cancel.activated.connect(self.cancel_requested)

    def show_step(self, step: Step, ticket_text: str, visit_active: bool) -> None:
        reached = STEPS.index(step)
        for other, chip in self.chips.items():
            index = STEPS.index(other)
            chip.setProperty("state", "current" if other == step else ("done" if index < reached else "todo"))
            chip.style().unpolish(chip)
            chip.style().polish(chip)
        self.ticket_label.setText(ticket_text)
        self.cancel_button.setVisible(visit_active)
