"""Step 4, What: the life event, the few questions its rules need, the new address of a move,
and the form list (which updates as the clerk answers; forms can be added or removed)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from madoguchi.counter.check import NO_BANCHI
from madoguchi.counter.flow import VisitFlow
from madoguchi.forms.definition import Question
from madoguchi.ui.counter.common import StepWidget, heading
from madoguchi.ui.counter.data_text import data_tr


class EventListWidget(QListWidget):
    """The life events, chosen with the arrow keys and Enter, or at once with their number."""

    number_pressed = Signal(int)

    def keyPressEvent(self, event: Any) -> None:  # Qt override
        text = event.text()
        if text.isdigit() and text != "0" and int(text) <= self.count():
            self.number_pressed.emit(int(text) - 1)
            return
        super().keyPressEvent(event)


class WhatStepWidget(StepWidget):
    title = QT_TRANSLATE_NOOP("CounterView", "手続")  # shown by CounterView
    preview_requested = Signal()
    back_requested = Signal()

    def __init__(self, flow: VisitFlow, parent: QWidget | None = None) -> None:
        super().__init__(flow, parent)
        self._building = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 8, 16, 8)
        outer.addWidget(heading(self.tr("手続を選んでください")))
        self.message = QLabel()
        self.message.setObjectName("stepMessage")
        self.message.setWordWrap(True)
        outer.addWidget(self.message)
        body = QHBoxLayout()
        outer.addLayout(body, 1)

        events_box = QGroupBox(self.tr("届出・手続（数字キーで選択）"))
        events_layout = QVBoxLayout(events_box)
        self.events = EventListWidget()
        self.events.setObjectName("eventList")
        self.events.number_pressed.connect(self._on_event_number_pressed)
        self.events.itemActivated.connect(self._on_event_activated)
        self.events.itemClicked.connect(self._on_event_activated)
        events_layout.addWidget(self.events)
        body.addWidget(events_box, 3)

        middle = QVBoxLayout()
        self.address_box = QGroupBox(self.tr("新しい住所"))
        address_form = QFormLayout(self.address_box)
        self.card_address = QLabel()
        self.card_address.setObjectName("fieldNote")
        self.card_address.setWordWrap(True)
        address_form.addRow(self.card_address)
        self.new_postal = QLineEdit()
        self.new_postal.setObjectName("newPostalCode")
        self.new_postal.setPlaceholderText(self.tr("例: 144-0052（住所を補完します）"))
        self.new_address = QLineEdit()
        self.new_address.setObjectName("newAddress")
        # the postal code filled the town and moved the focus here: a Tab or Enter from habit must not
        # carry the 番地 the clerk types next into 方書
        self.new_address.installEventFilter(self)
        self.new_address.setPlaceholderText(self.tr("番地まで入力"))
        self.new_building = QLineEdit()
        self.new_building.setObjectName("newBuilding")
        self.address_note = QLabel()
        self.address_note.setObjectName("fieldNote")
        address_form.addRow(self.tr("郵便番号"), self.new_postal)
        address_form.addRow(self.tr("住所"), self.new_address)
        address_form.addRow(self.tr("方書（建物名・部屋）"), self.new_building)
        address_form.addRow("", self.address_note)
        self.move_date = QLineEdit()
        self.move_date.setObjectName("moveDate")
        self.move_date.setPlaceholderText(self.tr("例: 2026-11-18、R8.11.18、令和8年11月18日"))
        self.move_date_note = QLabel()
        self.move_date_note.setObjectName("fieldNote")
        self.household_head = QLineEdit()
        self.household_head.setObjectName("householdHead")
        self.relationship = QLineEdit()
        self.relationship.setObjectName("relationship")
        address_form.addRow(self.tr("異動日"), self.move_date)
        address_form.addRow("", self.move_date_note)
        address_form.addRow(self.tr("世帯主"), self.household_head)
        address_form.addRow(self.tr("続柄"), self.relationship)
        self.move_date.textEdited.connect(self._on_move_date_edited)
        self.household_head.textEdited.connect(lambda text: self.flow.set_household(head=text))
        self.relationship.textEdited.connect(lambda text: self.flow.set_household(relationship=text))
        self.new_postal.textEdited.connect(self._on_new_postal_edited)
        self.new_address.textEdited.connect(self._on_new_address_edited)
        self.new_building.textEdited.connect(lambda text: self.flow.set_new_address(building=text))
        middle.addWidget(self.address_box)
        self.questions_box = QGroupBox(self.tr("確認事項"))
        self.questions_form = QFormLayout(self.questions_box)
        middle.addWidget(self.questions_box)
        middle.addStretch(1)
        body.addLayout(middle, 4)

        forms_box = QGroupBox(self.tr("作成する帳票（Space で追加・除外）"))
        forms_layout = QVBoxLayout(forms_box)
        self.forms = QListWidget()
        self.forms.setObjectName("formList")
        self.forms.itemChanged.connect(self._on_form_toggled)
        forms_layout.addWidget(self.forms)
        body.addWidget(forms_box, 3)

        buttons = QHBoxLayout()
        self.back_button = self.button(self.tr("戻る"), "Alt+Left", self.back_requested.emit)
        self.preview_button = self.button(self.tr("プレビューへ"), "Ctrl+Return", self._on_preview_clicked)
        self.add_shortcut("Ctrl+Enter", self._on_preview_clicked)
        self.preview_button.setObjectName("primaryButton")
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.preview_button)
        outer.addLayout(buttons)
        self._question_widgets: list[QWidget] = []
        flow.forms_changed.connect(self._on_forms_changed)

    # --- events ---------------------------------------------------------------------------------
    def _fill_events(self) -> None:
        self._building = True
        self.events.clear()
        try:
            events = self.flow.life_events()
        except Exception as exc:  # a broken rules file: say so, keep the visit
            events = []
            self.message.setText(getattr(exc, "message_ja", self.tr("手続の定義を読めません。")))
        for number, (event, label) in enumerate(events, start=1):
            item = QListWidgetItem(f"{number}  {data_tr(label)}")
            item.setData(Qt.ItemDataRole.UserRole, event)
            self.events.addItem(item)
        current = self.flow.visit.life_event if self.flow.visit else ""
        for row in range(self.events.count()):
            if self.events.item(row).data(Qt.ItemDataRole.UserRole) == current:
                self.events.setCurrentRow(row)
        self._building = False

    def _on_event_number_pressed(self, row: int) -> None:
        self.events.setCurrentRow(row)
        self._choose(row)
        self._focus_after_event()

    def _on_event_activated(self, item: QListWidgetItem) -> None:
        self._choose(self.events.row(item))
        self._focus_after_event()

    def _choose(self, row: int) -> None:
        event = self.events.item(row).data(Qt.ItemDataRole.UserRole)
        if self.flow.visit is not None and self.flow.visit.life_event == event:
            return
        try:
            self.flow.choose_event(event)
        except Exception as exc:  # shown in plain words, the visit goes on
            self.message.setText(getattr(exc, "message_ja", str(exc.__class__.__name__)))
            return
        self._build_questions()
        self._show_address()
        self._update_message()

    def _focus_after_event(self) -> None:
        if self.flow.needs_new_address() and not self.flow.new_address["address"]:
            self.new_postal.setFocus()
        elif self._question_widgets:
            self._question_widgets[0].setFocus()
        else:
            self.preview_button.setFocus()

    # --- questions ------------------------------------------------------------------------------
    def _build_questions(self) -> None:
        while self.questions_form.rowCount():
            self.questions_form.removeRow(0)
        self._question_widgets = []
        answers = self.flow.visit.answers if self.flow.visit else {}
        for question in self.flow.questions():
            widget = self._question_widget(question, answers.get(question.id))
            widget.setObjectName(f"question_{question.id}")
            self._question_widgets.append(widget)
            self.questions_form.addRow(data_tr(question.label), widget)
        self.questions_box.setVisible(bool(self._question_widgets))
        chain = [self.new_postal, self.new_address, self.new_building, self.move_date, self.household_head,
                 self.relationship, *self._question_widgets, self.forms]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _question_widget(self, question: Question, value: Any) -> QWidget:
        qid, kind = question.id, question.kind
        if kind == "bool":
            box = QCheckBox(self.tr("はい"))
            box.setChecked(bool(value) and str(value).lower() not in ("false", "no", "0"))
            box.toggled.connect(lambda checked: self._on_answered(qid, checked))
            return box
        if kind == "choice":
            combo = QComboBox()
            choices = [str(c) for c in question.choices]
            combo.addItems(choices)
            if value in choices:
                combo.setCurrentIndex(choices.index(value))
            combo.currentTextChanged.connect(lambda text: self._on_answered(qid, text))
            return combo
        if kind == "number":
            spin = QSpinBox()
            spin.setRange(0, 99)
            spin.setValue(int(value or 0))
            spin.valueChanged.connect(lambda number: self._on_answered(qid, number))
            return spin
        edit = QLineEdit("" if value is None else str(value))
        edit.textEdited.connect(lambda text: self._on_answered(qid, text))
        return edit

    def _on_answered(self, question_id: str, value: Any) -> None:
        self.flow.answer(question_id, value)
        self._update_message()

    # --- new address ----------------------------------------------------------------------------
    def _show_address(self) -> None:
        needed = self.flow.needs_new_address()
        self.address_box.setVisible(needed)
        if needed:
            title = self.tr("転出先の住所") if self.flow.visit.life_event == "転出" else self.tr("新しい住所")
            self.address_box.setTitle(title)
            card = self.flow.fields["address"].value
            label = self.tr("現住所（カード）") if self.flow.visit.life_event == "転出" else self.tr("前住所（カード）")
            self.card_address.setText(f"{label}: {card}" if card else "")
            self.new_postal.setText(self.flow.new_address["postal_code"])
            self.new_address.setText(self.flow.new_address["address"])
            self.new_building.setText(self.flow.new_address["building"])
            self.move_date.setText(self.flow.new_address["move_date"])
            head, relationship = self.flow.household_defaults()
            self.household_head.setText(head)
            self.relationship.setText(relationship)

    def _on_new_postal_edited(self, text: str) -> None:
        before = self.flow.new_address["address"]
        problem, _ = self.flow.set_new_address(postal_code=text)
        after = self.flow.new_address["address"]
        digits = sum(c.isdigit() for c in text)
        self.address_note.setText(problem if digits >= 7 else "")
        if after != before:
            self.new_address.setText(after)
            if not problem:
                self.new_address.setFocus()
                self.new_address.end(False)
        self._update_message()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if watched is self.new_address and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and event.modifiers() == Qt.KeyboardModifier.NoModifier and self.flow.new_address_lacks_banchi():
            self.address_note.setText(data_tr(NO_BANCHI))
            self.new_address.end(False)
            return True
        return super().eventFilter(watched, event)

    def _on_move_date_edited(self, text: str) -> None:
        problem = self.flow.set_move_date(text)
        shown = ""
        if problem and len(text.strip()) >= 6:
            shown = problem
        elif self.flow.new_address["move_date"]:
            from madoguchi.wareki import format_wareki

            shown = format_wareki(date.fromisoformat(self.flow.new_address["move_date"]))
        self.move_date_note.setText(shown)
        self._update_message()

    def _on_new_address_edited(self, text: str) -> None:
        self.flow.set_new_address(address=text)
        if not self.new_postal.hasFocus():
            self.new_postal.setText(self.flow.new_address["postal_code"])
        self._update_message()

    # --- forms ----------------------------------------------------------------------------------
    def _on_forms_changed(self, form_ids: list[str]) -> None:
        self._building = True
        self.forms.clear()
        try:
            catalogue = self.flow.forms.all_forms()
        except Exception:  # the chosen ids still show
            catalogue = [(f, f) for f in form_ids]
        titles = dict(catalogue)
        ordered = list(form_ids) + [f for f, _ in catalogue if f not in form_ids]
        for form_id in ordered:
            item = QListWidgetItem(data_tr(titles.get(form_id, form_id)))
            item.setData(Qt.ItemDataRole.UserRole, form_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if form_id in form_ids else Qt.CheckState.Unchecked)
            self.forms.addItem(item)
        self._building = False
        self._update_message()

    def _on_form_toggled(self, item: QListWidgetItem) -> None:
        if self._building:
            return
        form_id = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            self.flow.add_form(form_id)
        else:
            self.flow.remove_form(form_id)

    def _update_message(self) -> None:
        problems = self.flow.what_problems()
        count = len(self.flow.form_ids())
        if problems:
            self.message.setText("　".join(data_tr(p) for p in problems))
        else:
            self.message.setText(self.tr("帳票 {0} 件を作成します。Ctrl+Enter でプレビューします。").format(count))

    def _on_preview_clicked(self) -> None:
        problems = self.flow.what_problems()
        if problems:
            self._update_message()
            if self.flow.needs_new_address() and not self.flow.new_address["address"]:
                self.new_postal.setFocus()
            else:
                self.events.setFocus()
            return
        self.preview_requested.emit()

    def clear(self) -> None:
        """The visit is over: nothing of the resident stays in the widgets."""
        for edit in (self.new_postal, self.new_address, self.new_building):
            edit.clear()
        self.address_note.clear()
        self.card_address.clear()
        while self.questions_form.rowCount():
            self.questions_form.removeRow(0)
        self._question_widgets = []
        self.forms.clear()
        self.events.clear()

    def enter(self) -> None:
        self._fill_events()
        self._build_questions()
        self._show_address()
        self._on_forms_changed(self.flow.form_ids())
        self.events.setFocus()
