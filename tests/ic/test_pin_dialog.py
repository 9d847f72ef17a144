"""The PIN pad dialog (pytest-qt, offscreen)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from madoguchi.ui.widgets.pin_dialog import PinDialog


def _dialog(qtbot, tries: int) -> PinDialog:  # noqa: ANN001
    dialog = PinDialog(tries, "マイナンバーカード")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_digits_only_masked_and_tries_shown(qtbot) -> None:  # noqa: ANN001
    dialog = _dialog(qtbot, 3)
    assert dialog.pin_edit.echoMode() == QLineEdit.EchoMode.Password
    assert "3" in dialog.tries_label.text()
    assert dialog.warning_label.isHidden() and dialog.confirm_box.isHidden()
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.pin_edit, "1a2-3 45")
    assert dialog.pin_edit.text() == "1234"
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    assert dialog.take_pin() == "1234"
    assert dialog.pin_edit.text() == ""


def test_keypad(qtbot) -> None:  # noqa: ANN001
    dialog = _dialog(qtbot, 2)
    for key in "9876":
        qtbot.mouseClick(dialog.findChild(type(dialog.ok_button), f"pinKey_{key}"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.findChild(type(dialog.ok_button), "pinKey_5"), Qt.MouseButton.LeftButton)
    assert dialog.pin_edit.text() == "9876"
    qtbot.mouseClick(dialog.findChild(type(dialog.ok_button), "pinKey_back"), Qt.MouseButton.LeftButton)
    assert dialog.pin_edit.text() == "987"
    assert not dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.findChild(type(dialog.ok_button), "pinKey_clear"), Qt.MouseButton.LeftButton)
    assert dialog.pin_edit.text() == ""


def test_one_try_left_warns_and_needs_confirmation(qtbot) -> None:  # noqa: ANN001
    dialog = _dialog(qtbot, 1)
    assert dialog.warning_label.isVisible() and "ロック" in dialog.warning_label.text()
    qtbot.keyClicks(dialog.pin_edit, "1234")
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.result() == 0
    dialog.confirm_box.setChecked(True)
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    assert dialog.confirmed_last_try()


def test_cancel_clears_the_pin(qtbot) -> None:  # noqa: ANN001
    dialog = _dialog(qtbot, 3)
    qtbot.keyClicks(dialog.pin_edit, "4321")
    with qtbot.waitSignal(dialog.rejected, timeout=2000):
        qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Escape)
    assert dialog.pin_edit.text() == ""
