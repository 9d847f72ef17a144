"""What every step of the counter workspace shares: the step base class, card images as pixmaps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QRect, Qt
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter, QPen, QPixmap, QShortcut
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from madoguchi.counter.flow import VisitFlow
from madoguchi.errors import MadoguchiError


class StepWidget(QWidget):
    """One step of the visit. Its shortcuts work anywhere in the window, but only while this step is
    the one shown (Qt ignores the shortcuts of hidden widgets), so steps can share keys."""

    title = ""

    def __init__(self, flow: VisitFlow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.flow = flow
        self._hints: list[tuple[str, str, QWidget | None]] = []

    def add_shortcut(self, keys: str, slot: Callable[[], Any], hint: str = "") -> QShortcut:
        shortcut = QShortcut(QKeySequence(keys), self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(slot)
        if hint:
            self._hints.append((key_text(keys), hint, None))
        return shortcut

    def button(self, text: str, keys: str, slot: Callable[[], Any], *, hint: bool = True) -> QPushButton:
        """A button whose label shows its shortcut, and the shortcut itself."""
        # the parentheses are a translatable pattern: full-width in Japanese, ASCII in English
        widget = QPushButton(self.tr("{0}（{1}）").format(text, key_text(keys)))
        widget.clicked.connect(slot)
        self.add_shortcut(keys, lambda: widget.isVisible() and widget.isEnabled() and slot())
        if hint:
            self._hints.append((key_text(keys), text, widget))
        return widget

    def hints(self) -> list[tuple[str, str]]:
        """(keys, what they do) for the hint bar: the shortcuts of this step's visible buttons."""
        return [(keys, text) for keys, text, widget in self._hints
                if widget is None or widget.isVisibleTo(self)]

    def enter(self) -> None:
        """Called when the step becomes visible: refresh from the flow, put the focus where work starts."""

    def leave(self) -> None:
        """Called when another step is shown."""


def error_text(error: BaseException, language: str = "ja") -> str:
    """A failure in plain words: the error's own message, or a general one that says nothing was lost."""
    if isinstance(error, MadoguchiError):
        return error.message(language)
    return QCoreApplication.translate(
        "CounterView", "予期しないエラーが起きました（{0}）。もう一度試してください。入力した内容は保持しています。"
    ).format(error.__class__.__name__)


def key_text(keys: str) -> str:
    """How a shortcut is written for the clerk ("Ctrl+Enter", as on the keyboard)."""
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText).replace("Return", "Enter")


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("stepTitle")
    return label


def bgr_to_qimage(image: Any) -> QImage:
    """A numpy BGR (or grey) image as a QImage that owns its pixels."""
    import numpy as np

    array = np.ascontiguousarray(image)
    if array.ndim == 2:
        height, width = array.shape
        return QImage(array.data, width, height, array.strides[0], QImage.Format.Format_Grayscale8).copy()
    height, width = array.shape[:2]
    rgb = np.ascontiguousarray(array[:, :, :3][:, :, ::-1])
    return QImage(rgb.data, width, height, rgb.strides[0], QImage.Format.Format_RGB888).copy()


def crop_pixmap(image: Any, box: tuple[int, int, int, int] | None, height: int = 34,
                width: int = 300) -> QPixmap | None:
    """The part of the card a value was read from, trimmed to its ink and scaled to fit the row, so
    the clerk can compare it character by character (never cut off)."""
    import numpy as np

    if image is None or box is None:
        return None
    x, y, w, h = (int(v) for v in box)
    pad = 4
    x0, y0 = max(0, x - pad), max(0, y - pad)
    crop = image[y0:y + h + pad, x0:x + w + pad]
    if crop.size == 0:
        return None
    grey = crop.mean(axis=2) if crop.ndim == 3 else crop
    inked = np.flatnonzero((grey < 110).sum(axis=0) >= 2)
    if inked.size:
        crop = crop[:, max(0, inked[0] - 2 * pad):inked[-1] + 2 * pad]
    return QPixmap.fromImage(bgr_to_qimage(crop)).scaled(width, height, Qt.AspectRatioMode.KeepAspectRatio,
                                                          Qt.TransformationMode.SmoothTransformation)


def card_pixmap(image: Any, boxes: list[tuple[tuple[int, int, int, int], bool]], width: int,
                outline: tuple[tuple[float, float], ...] | None = None) -> QPixmap:
    """The card scaled to ``width`` with each field's box drawn (attention boxes in orange)."""
    qimage = bgr_to_qimage(image)
    pixmap = QPixmap.fromImage(qimage)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for box, attention in boxes:
        pen = QPen(QColor("#e65100") if attention else QColor("#1565c0"))
        pen.setWidth(max(2, qimage.width() // 300))
        painter.setPen(pen)
        painter.drawRect(QRect(*(int(v) for v in box)))
    if outline:
        pen = QPen(QColor("#2e7d32"))
        pen.setWidth(max(3, qimage.width() // 200))
        painter.setPen(pen)
        points = [(int(x), int(y)) for x, y in outline]
        for start, end in zip(points, points[1:] + points[:1]):
            painter.drawLine(start[0], start[1], end[0], end[1])
    painter.end()
    return pixmap.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
