"""The whole visit through the real widgets, offscreen: a generated card dropped in the scanner
folder → fields → an edit → the life event → preview → print to the real CUPS queue → done."""

from __future__ import annotations

import subprocess
import unicodedata

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from madoguchi.counter.flow import Step
from madoguchi.ids.parse import split_name
from tests.data.cards import write_sample
from tests.ui.counter.conftest import close_view, make_view

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


class Keyboard:
    """Types into whatever has the focus, as a clerk would, and counts the keys."""

    def __init__(self, view) -> None:
        self.view = view
        self.count = 0

    def target(self):
        return QApplication.focusWidget() or self.view

    def key(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        self.count += 1
        QTest.keyClick(self.target(), key, modifier)

    def type(self, text: str) -> None:
        """ASCII as key presses; Japanese as the IME commits it (QTest cannot press a kanji key)."""
        if text.isascii():
            self.count += len(text)
            QTest.keyClicks(self.target(), text)
            return
        self.count += 2 * len(text) + 1  # romaji keys and the conversion key, roughly
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(self.target(), event)


def _fix_fields(view, keyboard: Keyboard, truth: dict[str, str]) -> list[str]:
    """Type the truth into every field the reader got wrong (the clerk's edit); returns the fields edited."""
    flow = view.flow
    split = split_name(truth["name"])
    wanted = {"family_name": split.family, "given_name": split.given, "birth_date": truth["birth_date"],
              "address": unicodedata.normalize("NFKC", truth["address"])}
    edited = []
    for name, value in wanted.items():
        if flow.fields[name].value != value:
            edit: QLineEdit = view.check.rows[name].edit
            edit.setFocus()
            edit.selectAll()
            keyboard.key(Qt.Key.Key_Delete)
            keyboard.type(value)
            edited.append(name)
    return edited


def _wait_step(qtbot, view, step: Step, timeout: int = 20000) -> None:
    qtbot.waitUntil(lambda: view.flow.step == step, timeout=timeout)


def _drive_to_preview(qtbot, view, keyboard: Keyboard, truth: dict[str, str]) -> None:
    _wait_step(qtbot, view, Step.CHECK, 30000)
    _fix_fields(view, keyboard, truth)
    # one edit always happens: the clerk corrects a furigana reading (名前 readings are often unusual)
    kana = view.check.rows["given_name_kana"].edit
    kana.setFocus()
    kana.selectAll()
    keyboard.type("ゆうこ")  # hiragana typed, stored as katakana
    assert view.flow.fields["given_name_kana"].value == "ユウコ"
    keyboard.key(Qt.Key.Key_K, ALT)  # accept the remaining furigana suggestion
    assert not view.flow.fields["family_name_kana"].suggestion
    keyboard.key(Qt.Key.Key_Return, CTRL)
    _wait_step(qtbot, view, Step.WHAT)
    assert view.what.events.hasFocus()
    keyboard.type("1")  # 転入
    assert view.flow.visit.life_event == "転入"
    assert view.what.new_postal.hasFocus()
    keyboard.type("1440052")
    assert view.what.new_address.text() == "東京都大田区蒲田"
    assert view.what.new_address.hasFocus()
    keyboard.type("5-13-1")
    assert view.flow.visit.resident.address == "東京都大田区蒲田5-13-1"
    keyboard.key(Qt.Key.Key_Tab)  # 方書: none
    keyboard.key(Qt.Key.Key_Tab)
    assert view.what.move_date.hasFocus()
    keyboard.type("R8.11.2")
    assert view.flow.visit.resident.move_date == "2026-11-02"
    assert view.what.move_date_note.text() == "令和8年11月2日"
    assert view.what.household_head.text() == view.flow.visit.resident.full_name  # their own household
    keyboard.key(Qt.Key.Key_Return, CTRL)
    _wait_step(qtbot, view, Step.PREVIEW)
    qtbot.waitUntil(lambda: view.flow.packet is not None, timeout=20000)


@pytest.mark.cups
@pytest.mark.slow
def test_card_in_scanner_folder_to_printed_packet(qtbot, counter_settings, cups_queue, card_sample,
                                                  scan_folder) -> None:
    view = make_view(qtbot, counter_settings, printer=cups_queue.name)
    keyboard = Keyboard(view)
    try:
        keyboard.key(Qt.Key.Key_F3)  # walk-in
        assert view.flow.step == Step.CARD
        write_sample(card_sample, scan_folder, "scan-0001")
        _drive_to_preview(qtbot, view, keyboard, card_sample.truth)
        packet = view.flow.packet
        assert view.preview.document.pageCount() == packet.page_count
        assert view.preview.trace.topLevelItemCount() > 0
        keyboard.key(Qt.Key.Key_P, CTRL)
        _wait_step(qtbot, view, Step.PRINT)
        qtbot.waitUntil(lambda: view.flow.outcome is not None, timeout=60000)
        assert view.flow.outcome.ok, view.flow.outcome.message_ja
        job = view.service.print_job
        written = cups_queue.output_for(job.job_id)
        assert len(PdfReader(written).pages) == packet.page_count
        text = subprocess.run(["pdftotext", str(written), "-"], capture_output=True, text=True, check=True).stdout
        compact = text.replace(" ", "").replace("\u3000", "")
        assert "大田区蒲田" in compact
        assert split_name(card_sample.truth["name"]).family in compact
        visit_id = view.flow.visit.id
        keyboard.key(Qt.Key.Key_Return, CTRL)  # done
        assert view.flow.step == Step.DONE
        assert view.flow.visit is None and view.flow.packet is None and view.flow.card_image is None
        assert all(not row.edit.text() for row in view.check.rows.values())
        assert not view.what.new_address.text() and not view.what.new_postal.text()
        assert view.preview.trace.topLevelItemCount() == 0 and view.preview.document.pageCount() == 0
        view.wait_for_work(10000)
        assert view.service.drafts.list_open() == []
        from madoguchi.privacy.audit import AuditLog
        from madoguchi.ui.workers import wait_for_background

        wait_for_background(20000)
        trail = [e for e in AuditLog(view.context.database).entries() if e.visit_id == visit_id]
        actions = [e.action for e in trail]
        assert actions[0] == "card_read" and {"field_edited", "print", "visit_done"} <= set(actions)
        assert all(e.actor == "clerk1" for e in trail)
        names = split_name(card_sample.truth["name"])
        assert not any(names.family in str(e.detail) for e in trail)  # ids and counts only
    finally:
        close_view(view)


@pytest.mark.cups
def test_printer_off_keeps_the_packet_and_reprints(qtbot, counter_settings, cups_queue, card_reading,
                                                   card_sample) -> None:
    view = make_view(qtbot, counter_settings, printer=cups_queue.name)
    keyboard = Keyboard(view)
    try:
        keyboard.key(Qt.Key.Key_F3)
        view.flow.set_reading(card_reading)
        _drive_to_preview(qtbot, view, keyboard, card_sample.truth)
        packet = view.flow.packet
        cups_queue.disable()
        try:
            keyboard.key(Qt.Key.Key_P, CTRL)
            qtbot.waitUntil(lambda: view.flow.outcome is not None, timeout=30000)
            assert not view.flow.outcome.ok
            assert "停止" in view.printer.state.text()
            assert "保持" in view.printer.next_hint.text()
            assert view.printer.reprint_button.hasFocus()
            assert view.flow.packet is packet  # nothing to type again
        finally:
            cups_queue.enable()
        keyboard.key(Qt.Key.Key_R, CTRL)
        qtbot.waitUntil(lambda: view.flow.outcome is not None and view.flow.outcome.ok, timeout=60000)
        assert len(PdfReader(cups_queue.output_for(view.service.print_job.job_id)).pages) == packet.page_count
    finally:
        close_view(view)


def test_autosaved_visit_is_offered_and_resumed(qtbot, counter_settings, card_reading) -> None:
    first = make_view(qtbot, counter_settings)
    first.flow.start()
    first.flow.set_reading(card_reading)
    first.flow.edit("family_name", "試験")
    first.save_draft_now()
    visit_id = first.flow.visit.id
    first.close()
    close_view(first)

    # the PC restarts: the next counter view offers the visit
    second = make_view(qtbot, counter_settings)
    try:
        qtbot.waitUntil(lambda: second.who.drafts.count() == 1, timeout=10000)
        assert second.who.drafts_box.isVisible()
        QTest.keyClick(second.who.drafts, Qt.Key.Key_F5)
        qtbot.waitUntil(lambda: second.flow.visit is not None, timeout=10000)  # read and decrypted off the UI thread
        assert second.flow.visit.id == visit_id
        assert second.flow.step == Step.CHECK
        assert second.check.rows["family_name"].edit.text() == "試験"
        assert second.flow.fields["family_name"].edited
    finally:
        close_view(second)


def test_discarding_an_autosaved_visit_deletes_it(qtbot, counter_settings, card_reading) -> None:
    first = make_view(qtbot, counter_settings)
    first.flow.start()
    first.flow.set_reading(card_reading)
    first.save_draft_now()
    first.close()
    close_view(first)
    second = make_view(qtbot, counter_settings)
    try:
        qtbot.waitUntil(lambda: second.who.drafts.count() == 1, timeout=10000)
        QTest.keyClick(second.who.drafts, Qt.Key.Key_Delete, CTRL)
        qtbot.waitUntil(lambda: second.who.drafts.count() == 0, timeout=10000)
        assert second.service.drafts.list_open() == []
        assert second.flow.visit is None
    finally:
        close_view(second)
