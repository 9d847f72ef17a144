"""Step 3, Check: the card beside the fields, the crop beside every field, attention first.

Fields that the OCR was unsure of, or that fail validation, are highlighted and get the focus
first; edits are validated as the clerk types (dates, katakana, postal code ↔ address);
furigana suggestions are shown as suggestions to accept (Alt+K). Ctrl+Enter confirms.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from madoguchi.counter.check import CHECK_FIELDS, FieldState, display_value
from madoguchi.counter.flow import Step, VisitFlow
from madoguchi.ui.counter.common import StepWidget, card_pixmap, crop_pixmap, heading
from madoguchi.ui.counter.data_text import data_tr


def _wareki_note(value: str) -> str:
    try:
        from madoguchi.wareki import format_wareki

        return format_wareki(date.fromisoformat(value))
    except (ImportError, ValueError):
        return ""


class FieldRow:
    """One row: label, crop of the card, the editable value, and what needs the clerk's eye."""

    def __init__(self, owner: CheckStepWidget, name: str, label: str) -> None:
        self.name = name
        self.label = QLabel(label)
        self.label.setObjectName("fieldLabel")
        self.crop = QLabel()
        self.crop.setObjectName("fieldCrop")
        self.crop.setFixedSize(304, 38)
        self.crop.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.edit = QLineEdit()
        self.edit.setObjectName(f"field_{name}")
        self.edit.setAccessibleName(label)
        self.label.setBuddy(self.edit)
        self.note = QLabel()
        self.note.setObjectName("fieldNote")
        self.note.setWordWrap(True)
        self.accept = QPushButton()
        self.accept.setObjectName("acceptSuggestion")
        self.accept.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Alt+K from the keyboard; the button is for the mouse
        self.accept.hide()
        self.edit.textEdited.connect(lambda text: owner._on_field_edited(name, text))
        self.edit.editingFinished.connect(lambda: owner._on_field_finished(name))
        self.edit.returnPressed.connect(lambda: owner._on_return_pressed(name))
        self.accept.clicked.connect(lambda: owner._on_accept_clicked(name))


class CheckStepWidget(StepWidget):
    title = QT_TRANSLATE_NOOP("CounterView", "確認")  # shown by CounterView
    confirmed = Signal()

    def __init__(self, flow: VisitFlow, parent: QWidget | None = None) -> None:
        super().__init__(flow, parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 8, 16, 8)
        outer.addWidget(heading(self.tr("読み取り結果を確認してください")))
        self.summary = QLabel()
        self.summary.setObjectName("stepMessage")
        self.summary.setWordWrap(True)
        outer.addWidget(self.summary)
        body = QHBoxLayout()
        outer.addLayout(body, 1)
        self.card = QLabel()
        self.card.setObjectName("cardPicture")
        self.card.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        # the card follows the space it gets (never the other way round: large text must still fit)
        self.card.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.card.setMinimumWidth(240)
        body.addWidget(self.card, 4)

        grid_host = QWidget()
        self.grid = QGridLayout(grid_host)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(4)
        self.rows: dict[str, FieldRow] = {}
        for index, spec in enumerate(CHECK_FIELDS):
            row = FieldRow(self, spec.name, data_tr(spec.label_ja))
            self.rows[spec.name] = row
            self.grid.addWidget(row.label, index * 2, 0)
            self.grid.addWidget(row.crop, index * 2, 1)
            self.grid.addWidget(row.edit, index * 2, 2)
            note_row = QHBoxLayout()
            note_row.addWidget(row.note, 1)
            note_row.addWidget(row.accept)
            self.grid.addLayout(note_row, index * 2 + 1, 2)
        self.grid.setColumnStretch(2, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_host)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        body.addWidget(scroll, 6)
        # Tab follows the screen: top to bottom
        edits = [self.rows[spec.name].edit for spec in CHECK_FIELDS]
        for first, second in itertools.pairwise(edits):
            QWidget.setTabOrder(first, second)

        buttons = QHBoxLayout()
        self.back_button = self.button(self.tr("読み直す"), "Alt+Left", self._on_back_clicked)
        self.accept_all_button = self.button(self.tr("フリガナ候補を採用"), "Alt+K", self._on_accept_all_clicked)
        self.confirm_button = self.button(self.tr("確定して次へ"), "Ctrl+Return", self._on_confirm_clicked)
        self.add_shortcut("Ctrl+Enter", self._on_confirm_clicked)
        self.confirm_button.setObjectName("primaryButton")
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.accept_all_button)
        buttons.addWidget(self.confirm_button)
        outer.addLayout(buttons)
        QWidget.setTabOrder(edits[-1], self.accept_all_button)
        QWidget.setTabOrder(self.accept_all_button, self.confirm_button)
        flow.fields_changed.connect(self._on_fields_changed)

    # --- showing --------------------------------------------------------------------------------
    def refresh(self, *, keep: str = "") -> None:
        for name, row in self.rows.items():
            state = self.flow.fields[name]
            if name != keep:
                row.edit.setText(display_value(name, state.value))
            self._show_state(row, state)
        self._show_card()
        attention = sum(1 for s in self.flow.fields.values() if s.needs_attention)
        problems = self.flow.problems()
        if problems:
            text = self.tr("直す必要がある項目: {0}。赤枠の項目を直してください。").format(len(problems))
        elif attention:
            text = self.tr("黄色の項目（{0}件）をカードと見比べてください。よければ Ctrl+Enter で確定します。").format(attention)
        else:
            text = self.tr("すべての項目を読み取りました。Ctrl+Enter で確定します。")
        self.summary.setText(text)
        has_suggestions = any(s.suggestion and s.spec.kind == "kana" for s in self.flow.fields.values())
        self.accept_all_button.setEnabled(has_suggestions)

    def _show_state(self, row: FieldRow, state: FieldState) -> None:
        level = "error" if state.problem else ("warn" if state.needs_attention else "")
        row.edit.setProperty("attention", level)
        row.edit.style().unpolish(row.edit)
        row.edit.style().polish(row.edit)
        notes = []
        if state.problem:
            notes.append(state.problem)
        elif state.low_confidence:
            notes.append(self.tr("読取に自信なし: カードと見比べてください"))
        if state.spec.kind == "date" and state.value and not state.problem:
            notes.append(_wareki_note(state.value))
        if state.source == "postal" and state.value:
            notes.append(self.tr("郵便番号データから補完"))
        if state.source == "ic":
            notes.append(self.tr("ICチップから"))
        row.accept.setVisible(bool(state.suggestion))
        if state.suggestion:
            keys = self.tr("（Alt+K）") if state.spec.kind == "kana" else ""
            notes.append(self.tr("候補: {0}").format(state.suggestion))
            row.accept.setText(self.tr("採用") + keys)
        row.note.setText("　".join(n for n in notes if n))
        row.note.setVisible(bool(row.note.text()))
        crop = crop_pixmap(self.flow.card_image, state.box)
        if crop is not None:
            row.crop.setPixmap(crop)
        else:
            row.crop.clear()
            row.crop.setText({"postal": self.tr("郵便番号データから"), "ic": self.tr("ICチップから"),
                              "clerk": self.tr("職員が入力")}.get(state.source, self.tr("カードに記載なし")
                                                                  if not state.value else self.tr("画像なし")))

    def _show_card(self) -> None:
        image = self.flow.card_image
        if image is None:
            self.card.setText(self.tr("カード画像はありません\n（画像はメモリにだけ置かれ、保存されません）"))
            return
        boxes = [(s.box, s.needs_attention) for s in self.flow.fields.values() if s.box is not None]
        width = max(200, min(self.card.width() - 8, 900))
        self.card.setPixmap(card_pixmap(image, boxes, width))

    def resizeEvent(self, event: Any) -> None:  # Qt override
        super().resizeEvent(event)
        if self.isVisible():
            self._show_card()

    def _on_fields_changed(self) -> None:
        if self.isVisible():
            focused = next((n for n, r in self.rows.items() if r.edit.hasFocus()), "")
            self.refresh(keep=focused)

    # --- editing --------------------------------------------------------------------------------
    def _on_field_edited(self, name: str, text: str) -> None:
        self.flow.edit(name, text)  # fields_changed refreshes the others, not the one being typed

    def _on_field_finished(self, name: str) -> None:
        state = self.flow.fields[name]
        if not state.problem:
            self.rows[name].edit.setText(display_value(name, state.value))

    def _on_return_pressed(self, name: str) -> None:
        """Enter moves to the next field that still needs attention (Tab to the next one on screen)."""
        order = [n for n in self.flow.review_order() if self.flow.fields[n].needs_attention and n != name]
        if order:
            self.rows[order[0]].edit.setFocus()
            self.rows[order[0]].edit.selectAll()
        else:
            self.confirm_button.setFocus()

    def _on_accept_clicked(self, name: str) -> None:
        self.flow.accept_suggestion(name)

    def _on_accept_all_clicked(self) -> None:
        self.flow.accept_all_suggestions()

    def _on_back_clicked(self) -> None:
        self.flow.go_to(Step.CARD)

    def _on_confirm_clicked(self) -> None:
        problems = self.flow.problems()
        if problems:
            self.rows[problems[0][0]].edit.setFocus()
            self.summary.setText(self.tr("確定できません: {0}").format(
                self.tr("、").join(f"{data_tr(self.flow.fields[n].spec.label_ja)}（{p}）" for n, p in problems)))
            return
        self.confirmed.emit()

    def enter(self) -> None:
        self.refresh()
        first = self.flow.review_order()[0]
        target = self.rows[first].edit if self.flow.fields[first].needs_attention else self.confirm_button
        target.setFocus()
        if isinstance(target, QLineEdit):
            target.selectAll()
