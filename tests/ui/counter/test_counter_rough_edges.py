"""What a clerk tripped over on the real window, each kept fixed on the real widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from madoguchi.counter.check import NO_BANCHI, NO_PLACE
from madoguchi.counter.flow import Step


def _to_what(qtbot, view, card_reading, event: str = "転入", *, accept_kana: bool = True) -> None:
    view.flow.start()
    view.flow.set_reading(card_reading)
    if accept_kana:
        view.flow.accept_all_suggestions()
    for name, state in view.flow.fields.items():
        if state.problem:
            view.flow.edit(name, {"birth_date": "1985-04-12", "address": "東京都大田区蒲田5丁目13番1号"}.get(name, "試験"))
    view.check.confirmed.emit()
    qtbot.waitUntil(lambda: view.flow.step == Step.WHAT)
    number = [name for name, _ in view.flow.life_events()].index(event) + 1
    view.what.events.setFocus()
    QTest.keyClick(view.what.events, Qt.Key(Qt.Key.Key_0 + number))
    qtbot.waitUntil(lambda: view.flow.visit.life_event == event)


def test_postal_code_then_tab_from_habit_keeps_the_banchi_in_the_address(qtbot, counter_view, card_reading) -> None:
    view = counter_view
    _to_what(qtbot, view, card_reading)
    what = view.what
    what.new_postal.setFocus()
    QTest.keyClicks(what.new_postal, "1440052")
    assert what.new_address.hasFocus() and what.new_address.text() == "東京都大田区蒲田"
    assert NO_BANCHI in view.flow.what_problems()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # the clerk's habit after a postal code
    assert what.new_address.hasFocus(), "the Tab carried the focus past 住所"
    assert "番地" in what.address_note.text()
    QTest.keyClicks(QApplication.focusWidget(), "5-13-14")
    assert view.flow.new_address["address"] == "東京都大田区蒲田5-13-14" and view.flow.new_address["building"] == ""
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # with its 番地 the address lets the focus go on
    assert what.new_building.hasFocus()
    assert NO_BANCHI not in view.flow.what_problems()


def test_an_address_without_its_town_is_named_and_stops_the_preview(qtbot, counter_view, card_reading) -> None:
    view = counter_view
    _to_what(qtbot, view, card_reading, "転居")
    what = view.what
    what.new_address.setFocus()
    QTest.keyClicks(what.new_address, "5-13-14")
    what.move_date.setFocus()
    QTest.keyClicks(what.move_date, "R8.11.2")
    assert view.flow.what_problems() == [NO_PLACE]
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert view.flow.step == Step.WHAT
    assert "市区町村" in what.message.text()


def _to_preview(qtbot, view) -> None:
    what = view.what
    what.new_postal.setFocus()
    QTest.keyClicks(what.new_postal, "1440052")
    QTest.keyClicks(QApplication.focusWidget(), "5-13-14")
    what.move_date.setFocus()
    QTest.keyClicks(what.move_date, "R8.11.2")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.flow.packet is not None, timeout=30000)


def test_preview_notes_name_the_form_and_the_field_not_their_ids(qtbot, counter_view, card_reading) -> None:
    view = counter_view
    _to_what(qtbot, view, card_reading, accept_kana=False)  # furigana left as unconfirmed suggestions
    _to_preview(qtbot, view)
    text = view.preview.message.text()
    assert "注意" in text and "住民異動届「届出人のフリガナ」: ふりがなが未確認" in text, text
    assert "jumin_ido" not in text and "notifier_kana" not in text


def test_the_card_just_read_is_ticked_as_the_identity_document(qtbot, counter_view, card_reading) -> None:
    view = counter_view
    assert card_reading.document_type.value == "mynumber_card"
    _to_what(qtbot, view, card_reading)
    _to_preview(qtbot, view)
    placed = {(p.form_id, p.field_id): p.value for page in view.flow.packet.pages for p in page.placed}
    assert placed[("jumin_ido", "id_mynumber_card")] == "✓"
    assert not any(key[1] in ("id_drivers_license", "id_residence_card", "id_passport") for key in placed)
    # the preview's trace lists it with the other filled fields, by its label
    rows = [[view.preview.trace.topLevelItem(i).text(c) for c in range(4)]
            for i in range(view.preview.trace.topLevelItemCount())]
    (row,) = [row for row in rows if row[1] == "個人番号カード"]
    assert row[2] == "✓" and "本人確認書類" in row[3], row


def test_the_demo_offers_sample_cards_and_a_camera_clip(qtbot, counter_settings) -> None:
    from tests.ui.counter.conftest import close_view, make_view

    view = make_view(qtbot, counter_settings, demo=True)
    try:
        QTest.keyClick(view.focusWidget() or view, Qt.Key.Key_F3)
        assert view.flow.step == Step.CARD
        labels = [button.text() for button in view.card.sample_buttons]
        assert labels == ["マイナンバーカード", "運転免許証", "在留カード"]
        assert all(button.isVisible() for button in view.card.sample_buttons)
        assert view.card.camera_button.isVisible() and str(view.card.camera_source).endswith("camera.avi")
        view.card.sample_buttons[1].click()
        qtbot.waitUntil(lambda: view.flow.step == Step.CHECK, timeout=60000)
        assert view.flow.document_type == "drivers_license" and view.flow.fields["family_name"].value
    finally:
        close_view(view)


def test_outside_the_demo_no_samples_are_offered(counter_view) -> None:
    assert counter_view.card.sample_buttons == [] and counter_view.card.camera_source is None
