"""The 表示 workspace (to be built by its issue)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from madoguchi.ui.context import AppContext
from madoguchi.ui.widgets.placeholder import PlaceholderView


class DisplayView(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(PlaceholderView(self.tr("表示"), self.tr("ロビー表示")))
