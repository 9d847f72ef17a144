"""Step 6, Print: the job's outcome, checked. A printer that is off, out of paper or missing
keeps the packet, says so in plain words and offers re-print (or saving the PDF)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from madoguchi.counter.flow import VisitFlow
from madoguchi.ui.counter.common import StepWidget, heading


class PrintStepWidget(StepWidget):
    title = QT_TRANSLATE_NOOP("CounterView", "印刷")  # shown by CounterView
    reprint_requested = Signal()
    save_requested = Signal()
    finish_requested = Signal()
    back_requested = Signal()

    def __init__(self, flow: VisitFlow, parent: QWidget | None = None) -> None:
        super().__init__(flow, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(heading(self.tr("印刷")))
        self.state = QLabel()
        self.state.setObjectName("printState")
        self.state.setWordWrap(True)
        self.state.setMargin(10)
        layout.addWidget(self.state)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(420)
        layout.addWidget(self.progress)
        self.next_hint = QLabel()
        self.next_hint.setObjectName("stepMessage")
        self.next_hint.setWordWrap(True)
        layout.addWidget(self.next_hint)
        self.details = QLabel()
        self.details.setObjectName("printDetails")
        self.details.setWordWrap(True)
        layout.addWidget(self.details)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        self.back_button = self.button(self.tr("プレビューに戻る"), "Alt+Left", self.back_requested.emit)
        self.save_button = self.button(self.tr("PDFで保存"), "Ctrl+S", self.save_requested.emit)
        self.reprint_button = self.button(self.tr("再印刷"), "Ctrl+R", self.reprint_requested.emit)
        self.finish_button = self.button(self.tr("完了"), "Ctrl+Return", self._on_finish_clicked)
        self.add_shortcut("Ctrl+Enter", self._on_finish_clicked)
        self.finish_button.setObjectName("primaryButton")
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        for widget in (self.save_button, self.reprint_button, self.finish_button):
            buttons.addWidget(widget)
        layout.addLayout(buttons)
        self._done = False

    def _set_kind(self, kind: str) -> None:
        self.state.setProperty("kind", kind)
        self.state.style().unpolish(self.state)
        self.state.style().polish(self.state)

    def set_details(self, printer: str, paper: str, duplex: bool, titles: list[str], pages: int) -> None:
        """What is being printed where (form titles and counts only: nothing of the resident)."""
        lines = [self.tr("プリンタ: {0}　用紙: {1}　{2}").format(printer or self.tr("既定のプリンタ"), paper,
                                                            self.tr("両面") if duplex else self.tr("片面")),
                 self.tr("帳票（{0} 頁）:").format(pages)]
        lines += [f"　・{title}" for title in titles]
        self.details.setText("\n".join(lines))

    def show_sending(self, printer: str) -> None:
        self._done = False
        self._set_kind("busy")
        self.state.setText(self.tr("プリンタ「{0}」に送っています…").format(printer) if printer
                           else self.tr("プリンタに送っています…"))
        self.progress.show()
        self.next_hint.setText("")
        self.reprint_button.setEnabled(False)
        self.finish_button.setEnabled(False)

    def show_handed_over(self, job_name: str) -> None:
        self._set_kind("busy")
        self.state.setText(self.tr("印刷中です（{0}）。出てくるまでお待ちください…").format(job_name))

    def show_printed(self, pages: int) -> None:
        self._done = True
        self._set_kind("ok")
        self.progress.hide()
        self.state.setText(self.tr("印刷しました（{0} 頁）。").format(pages))
        self.next_hint.setText(self.tr("帳票をお渡しし、署名欄に署名をいただいてください。"
                                       "終わったら Ctrl+Enter で完了します（画面とメモリから消去します）。"))
        self.reprint_button.setEnabled(True)
        self.finish_button.setEnabled(True)
        self.finish_button.setFocus()

    def show_failed(self, message: str) -> None:
        self._done = False
        self._set_kind("error")
        self.progress.hide()
        self.state.setText(message)
        self.next_hint.setText(self.tr("帳票は保持しています。入力し直す必要はありません。"
                                       "プリンタを直したら Ctrl+R で再印刷、または Ctrl+S でPDFに保存できます。"))
        self.reprint_button.setEnabled(True)
        # finishing now would wipe the packet before it is on paper: only after a re-print or a saved PDF
        self.finish_button.setEnabled(False)
        self.reprint_button.setFocus()

    def allow_finish(self) -> None:
        """The packet was saved as a PDF (to print elsewhere): the visit may end."""
        self.finish_button.setEnabled(True)

    def _on_finish_clicked(self) -> None:
        if self.finish_button.isEnabled():
            self.finish_requested.emit()

    def enter(self) -> None:
        (self.finish_button if self._done else self.reprint_button).setFocus()
