"""Keyboard first: every step reachable by keys alone, shortcuts shown, Tab in screen order."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton

from madoguchi.counter.check import CHECK_FIELDS
from madoguchi.counter.flow import Step
from madoguchi.ui.counter.style import counter_style_sheet

CTRL = Qt.KeyboardModifier.ControlModifier


def _focus_in(widget) -> bool:
    focused = QApplication.focusWidget()
    return focused is not None and (focused is widget or widget.isAncestorOf(focused))


def test_every_button_shows_its_shortcut(counter_view) -> None:
    for step, widget in counter_view.steps.items():
        for button in widget.findChildren(QPushButton):
            if button.objectName() == "acceptSuggestion":
                continue  # the per-field button: Alt+K is on the step's own button
            assert "（" in button.text() and button.text().endswith("）"), (step, button.text())


def test_keyboard_only_through_the_steps(qtbot, counter_view, card_reading) -> None:
    view = counter_view
    assert view.flow.step == Step.WHO
    assert "F3" in view.hint_bar.text() and "F2" in view.hint_bar.text()
    QTest.keyClick(view.focusWidget() or view, Qt.Key.Key_F3)
    assert view.flow.step == Step.CARD
    assert "Ctrl+O" in view.hint_bar.text()
    assert "F6" not in view.hint_bar.text()  # no camera configured: its key is not advertised
    view.flow.set_reading(card_reading)
    assert view.flow.step == Step.CHECK
    qtbot.waitUntil(lambda: _focus_in(view.check))
    first = view.flow.review_order()[0]
    if view.flow.fields[first].needs_attention:
        assert view.check.rows[first].edit.hasFocus()  # what needs the clerk's eye comes first
    # Tab follows the screen, top to bottom
    edits = [view.check.rows[spec.name].edit for spec in CHECK_FIELDS]
    edits[0].setFocus()
    for expected in edits[1:]:
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert expected.hasFocus(), expected.objectName()
    # Alt+Left goes back to the card, and the step bar says where we are
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert view.flow.step == Step.CARD
    assert view.chips[Step.CARD].property("state") == "current"
    assert view.chips[Step.WHO].property("state") == "done"


def test_large_text_and_high_contrast_change_the_counter_style(counter_view) -> None:
    settings = counter_view.context.settings
    plain = counter_style_sheet(settings)
    large = counter_style_sheet(replace(settings, large_text=True))
    contrast = counter_style_sheet(replace(settings, high_contrast=True))
    assert "font-size: 22pt" in large and "font-size: 22pt" not in plain
    assert "#ffff00" in contrast and "#ffff00" not in plain
    counter_view.context.set_settings(replace(settings, high_contrast=True))
    assert "#ffff00" in counter_view.styleSheet()
