"""The PIN pad: the resident types the card's 4-digit PIN (on the clerk's or a customer-facing screen).

Digits only, masked, the tries left always shown. With one try left the dialog says in
plain words that a wrong PIN locks the card, and the clerk must tick an explicit
confirmation before the PIN can be sent. The PIN is kept only in the line edit and handed
over once by :meth:`PinDialog.take_pin`, which clears it; it is never logged or stored.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QRegularExpression, Qt
from PySide6.QtGui import QKeySequence, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

PIN_LENGTH = 4
#: the card named in the prompt, by document type (madoguchi.ids.model.DocumentType)
_CARD_NAMES = {
    "mynumber_card": QT_TRANSLATE_NOOP("PinDialog", "マイナンバーカード"),
    "drivers_license": QT_TRANSLATE_NOOP("PinDialog", "運転免許証"),
    "residence_card": QT_TRANSLATE_NOOP("PinDialog", "在留カード"),
}


class PinDialog(QDialog):
    def __init__(self, tries_left: int, card_label: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pinDialog")
        self.setWindowTitle(self.tr("暗証番号の入力"))
        self._tries_left = tries_left
        layout = QVBoxLayout(self)

        intro = self.tr("{card}の暗証番号（数字4桁）を入力してください。").format(
            card=self.tr(_CARD_NAMES.get(card_label, card_label)) if card_label else self.tr("カード"))
        self._intro = QLabel(intro, self)
        self._intro.setWordWrap(True)
        layout.addWidget(self._intro)

        self.tries_label = QLabel(self.tr("残り回数: {n} 回").format(n=tries_left), self)
        self.tries_label.setObjectName("pinTriesLeft")
        layout.addWidget(self.tries_label)

        self.pin_edit = QLineEdit(self)
        self.pin_edit.setObjectName("pinEdit")
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setMaxLength(PIN_LENGTH)
        self.pin_edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"[0-9]{0,4}"), self.pin_edit))
        self.pin_edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData
                                          | Qt.InputMethodHint.ImhNoPredictiveText)
        self.pin_edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin_edit.setAccessibleName(self.tr("暗証番号"))
        layout.addWidget(self.pin_edit)

        layout.addLayout(self._build_keypad())

        self.warning_label = QLabel(self)
        self.warning_label.setObjectName("pinLastTryWarning")
        self.warning_label.setWordWrap(True)
        self.confirm_box = QCheckBox(self.tr("ロックされることを本人に伝え、続けることを確認しました(&C)"), self)
        self.confirm_box.setObjectName("pinConfirmLastTry")
        layout.addWidget(self.warning_label)
        layout.addWidget(self.confirm_box)
        if tries_left == 1:
            self.warning_label.setText(self.tr(
                "残りは1回です。間違えるとカードがロックされ、市区町村の窓口で暗証番号の再設定が必要になります。"
                "分からない場合は入力せず、券面の撮影で受け付けてください。"))
            self.warning_label.setProperty("kind", "warning")
        else:
            self.warning_label.hide()
            self.confirm_box.hide()

        self.buttons = QDialogButtonBox(self)
        self.ok_button = self.buttons.addButton(self.tr("読み取る (Enter)"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("pinOk")
        self.ok_button.setDefault(True)
        cancel = self.buttons.addButton(self.tr("やめる (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("pinCancel")
        self.buttons.accepted.connect(self._on_accept_requested)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.pin_edit.textChanged.connect(self._on_input_changed)
        self.confirm_box.toggled.connect(self._on_input_changed)
        self.rejected.connect(self.pin_edit.clear)
        self._on_input_changed()
        self.pin_edit.setFocus()

    def _build_keypad(self) -> QGridLayout:
        grid = QGridLayout()
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back"]
        for index, key in enumerate(keys):
            if key == "clear":
                button = QPushButton(self.tr("消去"), self)
                button.clicked.connect(self._on_clear_clicked)
            elif key == "back":
                button = QPushButton(self.tr("1字消す"), self)
                button.clicked.connect(self._on_backspace_clicked)
            else:
                button = QPushButton(key, self)
                button.clicked.connect(lambda _checked=False, digit=key: self._on_digit_clicked(digit))
            button.setObjectName(f"pinKey_{key}")
            # the keyboard is the main path; the pad is for a touch screen, so keep focus on the edit
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setAutoDefault(False)
            grid.addWidget(button, index // 3, index % 3)
        return grid

    # -- state -----------------------------------------------------------------------------------

    @property
    def tries_left(self) -> int:
        return self._tries_left

    def needs_confirmation(self) -> bool:
        return self._tries_left == 1

    def confirmed_last_try(self) -> bool:
        return self.needs_confirmation() and self.confirm_box.isChecked()

    def is_complete(self) -> bool:
        text = self.pin_edit.text()
        digits_ok = len(text) == PIN_LENGTH and text.isascii() and text.isdigit()
        return digits_ok and (not self.needs_confirmation() or self.confirm_box.isChecked())

    def take_pin(self) -> str:
        """The PIN typed, handed over once: the field is cleared."""
        pin = self.pin_edit.text()
        self.pin_edit.clear()
        return pin

    # -- slots -----------------------------------------------------------------------------------

    def _on_input_changed(self, *_args: object) -> None:
        self.ok_button.setEnabled(self.is_complete())

    def _on_digit_clicked(self, digit: str) -> None:
        if len(self.pin_edit.text()) < PIN_LENGTH:
            self.pin_edit.setText(self.pin_edit.text() + digit)

    def _on_clear_clicked(self) -> None:
        self.pin_edit.clear()

    def _on_backspace_clicked(self) -> None:
        self.pin_edit.setText(self.pin_edit.text()[:-1])

    def _on_accept_requested(self) -> None:
        if self.is_complete():
            self.accept()

    def keyPressEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        if event.matches(QKeySequence.StandardKey.Cancel):
            self.pin_edit.clear()
        super().keyPressEvent(event)


def ask_pin(tries_left: int, card_label: str = "", parent: QWidget | None = None) -> tuple[str, bool] | None:
    """Show the PIN pad; (pin, last try confirmed) or None when cancelled."""
    dialog = PinDialog(tries_left, card_label, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        confirmed = dialog.confirmed_last_try()
        return dialog.take_pin(), confirmed
    finally:
        dialog.deleteLater()
