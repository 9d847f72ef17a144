"""Step 2, Card: camera (live preview in a worker thread), scanner hot folder, file, or IC chip.

Whatever the source, the card arrives as an image (or an IC reading) that the view reads off
the UI thread; this step shows what is happening and the card with its detected outline.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QThread, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from madoguchi.counter.flow import VisitFlow
from madoguchi.ui.counter.common import StepWidget, bgr_to_qimage, card_pixmap, heading

log = logging.getLogger(__name__)


class CameraWorker(QThread):
    """Reads the document camera in its own thread: a preview frame now and then, and the frame
    in which a card was held still (madoguchi.ids.capture.CameraCapture decides when)."""

    frame_shown = Signal(QImage, bool)  # preview, card in view
    card_captured = Signal(object)  # numpy BGR frame
    failed = Signal(object)  # MadoguchiError

    def __init__(self, source: int | str, parent: Any = None) -> None:
        super().__init__(parent)
        self.source = source
        self._stopping = False

    def stop(self) -> None:
        self._stopping = True

    def run(self) -> None:
        from madoguchi.errors import MadoguchiError
        from madoguchi.ids.capture import CameraCapture

        try:
            capture = CameraCapture(self.source)
        except MadoguchiError as exc:
            self.failed.emit(exc)
            return
        original = capture.read_frame

        def read_and_show() -> Any:
            if self._stopping:
                return None
            frame = original()
            if frame is not None and capture.frames % 3 == 0:
                small = frame[::4, ::4] if frame.shape[1] > 1200 else frame[::2, ::2]
                self.frame_shown.emit(bgr_to_qimage(small), capture.status.card_in_view)
            return frame

        capture.read_frame = read_and_show  # type: ignore[method-assign] - previews from the same loop
        try:
            while not self._stopping:
                frame = capture.next_capture()
                if frame is None:
                    break
                self.card_captured.emit(frame)
                self._stopping = True
        finally:
            capture.close()


class CardStepWidget(StepWidget):
    title = QT_TRANSLATE_NOOP("CounterView", "カード")  # shown by CounterView
    file_chosen = Signal(Path)
    frame_captured = Signal(object)
    ic_requested = Signal()

    def __init__(self, flow: VisitFlow, parent: QWidget | None = None) -> None:
        super().__init__(flow, parent)
        self.camera_source: int | str | None = None
        self._camera: CameraWorker | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(heading(self.tr("本人確認書類を読み取ります")))
        self.instructions = QLabel()
        self.instructions.setObjectName("stepMessage")
        self.instructions.setWordWrap(True)
        layout.addWidget(self.instructions)
        self.ic_label = QLabel(self.tr("カードをリーダーに置いてください"))
        self.ic_label.setObjectName("attentionText")
        self.ic_label.hide()
        layout.addWidget(self.ic_label)
        self.picture = QLabel()
        self.picture.setObjectName("cardPicture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.picture.setMinimumSize(320, 200)
        layout.addWidget(self.picture, 1)
        self.status = QLabel()
        self.status.setObjectName("stepStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        self.open_button = self.button(self.tr("画像ファイルを開く"), "Ctrl+O", self._on_open_clicked)
        self.camera_button = self.button(self.tr("カメラで撮る"), "F6", self._on_camera_clicked)
        self.ic_button = self.button(self.tr("ICチップを読む"), "F7", self.ic_requested.emit)
        for widget in (self.open_button, self.camera_button, self.ic_button):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        #: the demo's sample cards (set_samples): one button each, read like an opened file
        self.samples_row = QHBoxLayout()
        layout.addLayout(self.samples_row)
        self.sample_buttons: list[QPushButton] = []
        self.configure(hot_folder="", camera=None, ic_reader=False)

    def set_samples(self, samples: list[tuple[str, Path]]) -> None:
        """(label, image) of sample cards to try the counter with (the demo; set once)."""
        if samples:
            self.samples_row.addWidget(QLabel(self.tr("見本カードで試す:")))
        for label, path in samples:
            button = QPushButton(label)
            button.setObjectName("sampleCard")
            button.clicked.connect(lambda _=False, path=path: self.file_chosen.emit(path))
            self.samples_row.addWidget(button)
            self.sample_buttons.append(button)
        self.samples_row.addStretch(1)

    def configure(self, *, hot_folder: str, camera: int | str | None, ic_reader: bool) -> None:
        self.camera_source = camera
        self.camera_button.setVisible(camera is not None)
        self.ic_button.setVisible(ic_reader)
        self.ic_label.setVisible(ic_reader)
        ways = []
        if hot_folder:
            ways.append(self.tr("スキャナで読み取る（自動で取り込みます）"))
        if camera is not None:
            ways.append(self.tr("書画カメラの下に置いて静止させる（自動で撮影します）"))
        ways.append(self.tr("画像ファイルを開く（Ctrl+O）"))
        self.instructions.setText(self.tr("次のいずれかで読み取ってください: ") + self.tr(" ／ ").join(ways))

    # --- states ---------------------------------------------------------------------------------
    def show_busy(self, text: str) -> None:
        self.status.setProperty("kind", "busy")
        self._repolish(self.status)
        self.status.setText(text)

    def show_problem(self, text: str) -> None:
        self.status.setProperty("kind", "error")
        self._repolish(self.status)
        self.status.setText(text)

    def show_capture(self, image: Any, outline: Any = None) -> None:
        if image is None:
            return
        width = max(320, min(self.picture.width() - 8, 900))
        self.picture.setPixmap(card_pixmap(image, [], width, outline))

    @staticmethod
    def _repolish(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    # --- sources --------------------------------------------------------------------------------
    def _on_open_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("本人確認書類の画像"), "",
                                              self.tr("画像 (*.png *.jpg *.jpeg *.tif *.tiff *.bmp *.webp)"))
        if name:
            self.file_chosen.emit(Path(name))

    def _on_camera_clicked(self) -> None:
        if self._camera is not None:
            self.stop_camera()
        else:
            self.start_camera()

    def start_camera(self) -> None:
        if self.camera_source is None or self._camera is not None:
            return
        worker = CameraWorker(self.camera_source, self)
        worker.frame_shown.connect(self._on_frame_shown)
        worker.card_captured.connect(self._on_card_captured)
        worker.failed.connect(lambda error: self.show_problem(error.message_ja))
        worker.finished.connect(self._on_camera_finished)
        self._camera = worker
        self.show_busy(self.tr("カメラ映像を表示しています。カードを置いて手を離してください。"))
        worker.start()

    def stop_camera(self) -> None:
        if self._camera is not None:
            self._camera.stop()
            self._camera.wait(3000)
            self._camera = None

    def _on_camera_finished(self) -> None:
        self._camera = None

    def _on_frame_shown(self, image: QImage, card_in_view: bool) -> None:
        pixmap = QPixmap.fromImage(image).scaled(self.picture.size(), Qt.AspectRatioMode.KeepAspectRatio)
        self.picture.setPixmap(pixmap)
        self.status.setText(self.tr("カードを検出しました。動かさずにお待ちください…") if card_in_view
                            else self.tr("カードが見えません。カメラの下に置いてください。"))

    def _on_card_captured(self, frame: Any) -> None:
        self.frame_captured.emit(frame)

    def enter(self) -> None:
        self.status.setText("")
        self.picture.clear()
        self.picture.setText(self.tr("（ここに読み取ったカードが表示されます）"))
        if self.camera_source is not None:
            self.start_camera()
        self.open_button.setFocus()

    def leave(self) -> None:
        self.stop_camera()
