"""The counter visit as a Qt-free state machine (madoguchi.counter.flow): no display needed."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pytest

from madoguchi.counter.check import to_katakana, validate
from madoguchi.counter.flow import Step, VisitFlow
from madoguchi.errors import InputError
from madoguchi.ids.model import DocumentType, Field, IdReading


def _reading(**overrides: Field) -> IdReading:
    fields = {
        "name": Field("試験　花子", 0.97, (100, 30, 400, 40)),
        "birth_date": Field("昭和60年4月12日", 0.95, (100, 80, 300, 30)),
        "address": Field("東京都大田区蒲田5丁目13番1号", 0.93, (100, 120, 600, 40)),
        "sex": Field("女", 0.99, (700, 30, 40, 40)),
    }
    fields.update(overrides)
    return IdReading("test", DocumentType.MYNUMBER_CARD, fields, card_image=np.zeros((540, 856, 3), np.uint8))


def test_validate_as_you_type() -> None:
    assert validate("date", "S60.4.12") == ("1985-04-12", "")
    assert validate("date", "1985-04-12") == ("1985-04-12", "")
    assert validate("date", "昭和60年2月30日")[1]  # a day that does not exist
    assert validate("kana", "やまだ") == ("ヤマダ", "")
    assert validate("kana", "山田")[1] == "カタカナで入力してください。"
    assert validate("postal", "１４４００５２") == ("144-0052", "")
    assert "7桁" in validate("postal", "14400")[1]
    assert validate("postal", "000-0000")[1]  # not a real code
    assert validate("sex", "男") == ("male", "")
    assert validate("text", "", required=True)[1] == "入力してください。"
    assert to_katakana("ｱｲｳ") == "アイウ"


def test_reading_fills_fields_completes_postal_code_and_suggests_furigana() -> None:
    flow = VisitFlow()
    flow.start()
    flow.set_reading(_reading())
    assert flow.step == Step.CHECK
    fields = flow.fields
    assert (fields["family_name"].value, fields["given_name"].value) == ("試験", "花子")
    assert fields["birth_date"].value == "1985-04-12"
    assert fields["sex"].value == "female"
    assert fields["postal_code"].value == "144-0052" and fields["postal_code"].source == "postal"
    # no kana on a My Number card: suggestions, unconfirmed, visited first
    assert fields["family_name_kana"].value == "" and fields["family_name_kana"].suggestion
    assert flow.review_order()[:2] == ["family_name_kana", "given_name_kana"]


def test_unsure_and_invalid_fields_are_visited_first_and_block_confirmation() -> None:
    flow = VisitFlow()
    flow.start()
    flow.set_reading(_reading(birth_date=Field("昭和6O年4月", 0.4, (0, 0, 1, 1), valid=False, problem="bad"),
                              address=Field("東京都大田区蒲田5丁目13番1号", 0.55, (0, 0, 1, 1))))
    flow.accept_all_suggestions()
    order = flow.review_order()
    assert order[:2] == ["birth_date", "address"]
    assert flow.fields["address"].low_confidence
    with pytest.raises(InputError):
        flow.confirm()
    flow.edit("birth_date", "昭和60年4月12日")
    resident = flow.confirm()  # the clerk saw the yellow address and kept it: one key
    assert resident.birth_date == "1985-04-12"
    assert flow.fields["address"].confirmed_by_clerk
    assert resident.kana_unconfirmed == []


def test_unaccepted_furigana_stays_unconfirmed_for_the_forms() -> None:
    flow = VisitFlow()
    flow.start()
    flow.set_reading(_reading())
    resident = flow.confirm()
    assert resident.family_name_kana and "family_name_kana" in resident.kana_unconfirmed


def test_a_clerks_edit_survives_a_second_reading_and_missing_fields_are_kept() -> None:
    flow = VisitFlow()
    flow.start()
    flow.set_reading(_reading())
    flow.edit("given_name", "華子")
    # the IC chip read after OCR: the same structure, no box, one field fewer
    chip = IdReading("ic", DocumentType.MYNUMBER_CARD, {"name": Field("試験 花子", 1.0, None, source="ic")})
    flow.set_reading(chip)
    assert flow.fields["given_name"].value == "華子"
    assert flow.fields["family_name"].source == "ic"
    assert flow.fields["birth_date"].value == "1985-04-12"


def test_postal_code_completes_the_address_and_the_address_the_postal_code() -> None:
    flow = VisitFlow()
    flow.start()
    flow.set_reading(_reading(address=Field("", 0.0)))
    flow.edit("postal_code", "1000013")
    assert flow.fields["address"].value == "東京都千代田区霞が関"
    flow.edit("address", "大阪府大阪市北区梅田1-1")
    # the clerk typed the postal code: it is not overwritten, the disagreement is shown to accept
    assert flow.fields["postal_code"].value == "100-0013"
    assert flow.fields["postal_code"].suggestion.startswith("530-")
    flow.accept_suggestion("postal_code")
    assert flow.fields["postal_code"].value.startswith("530-")


def test_moving_in_puts_the_addresses_where_the_forms_read_them() -> None:
    flow = VisitFlow()
    flow.start()
    flow.set_reading(_reading(address=Field("神奈川県川崎市中原区小杉町1丁目403", 0.95, (0, 0, 1, 1))))
    flow.accept_all_suggestions()
    flow.confirm()
    forms = flow.choose_event("転入")
    assert "jumin_ido" in forms
    assert flow.visit.answers.get("mynumber_card") is True  # the card just read was a My Number card
    assert flow.what_problems() == ["新しい住所を入力してください。", "異動日を入力してください。"]
    flow.set_new_address(postal_code="144-0052")
    flow.set_new_address(address=flow.new_address["address"] + "5-13-1")
    next_month = (date.today() + timedelta(days=40)).isoformat()
    assert flow.set_move_date(next_month) == "異動日が未来の日付です。確かめてください。"
    assert flow.what_problems() == ["異動日を入力してください。"]
    assert flow.set_move_date("R8.11.2") == ""
    resident = flow.visit.resident
    assert resident.move_date == "2026-11-02"
    # by default the resident heads their own household
    assert resident.household_head == resident.full_name and resident.relationship == "世帯主"
    flow.set_household(head="長谷川　一郎", relationship="妻")
    assert (resident.household_head, resident.relationship) == ("長谷川　一郎", "妻")
    assert resident.previous_address.startswith("神奈川県川崎市中原区")
    assert resident.address == "東京都大田区蒲田5-13-1" and resident.postal_code == "144-0052"
    assert resident.new_address == ""
    with_nhi = flow.answer("nhi", True)
    assert len(with_nhi) > len(forms)
    removed = flow.remove_form(with_nhi[-1])
    assert with_nhi[-1] not in removed
    assert flow.add_form("juminhyo") == [*removed, "juminhyo"]
    flow.to_preview()
    packet = flow.render()
    assert packet.page_count >= len(flow.form_ids())
    assert packet.pdf.startswith(b"%PDF")
    # the event itself is circled on the 住民異動届 (届出の種類 = 転入)
    placed = {(p.form_id, p.field_id): p.value for page in packet.pages for p in page.placed}
    assert placed[("jumin_ido", "ido_kind")] == "転入"
    assert placed[("jumin_ido", "move_date")] == "令和8年11月2日"


def test_draft_round_trip_restores_the_visit_without_images() -> None:
    flow = VisitFlow()
    flow.start(ticket_label="A-027")
    flow.set_reading(_reading())
    flow.edit("given_name", "華子")
    payload = flow.to_draft()
    assert b"card_image" not in payload
    json.loads(payload)  # plain JSON: the privacy layer encrypts it
    other = VisitFlow()
    other.resume(payload)
    assert other.visit.id == flow.visit.id and other.ticket_label == "A-027"
    assert other.step == Step.CHECK
    assert other.fields["given_name"].value == "華子" and other.fields["given_name"].edited
    assert other.card_image is None
    with pytest.raises(InputError):
        other.resume(b"{not json")


def test_finishing_forgets_the_resident() -> None:
    flow = VisitFlow()
    seen: list[Step] = []
    flow.step_changed.connect(seen.append)
    flow.start()
    flow.set_reading(_reading())
    visit = flow.finish()
    assert visit is not None and visit.state == "done"
    assert flow.visit is None and flow.reading is None and flow.card_image is None
    assert all(not s.value for s in flow.fields.values())
    assert seen[-1] == Step.DONE


def test_back_goes_one_step_but_never_before_the_card_nor_after_done() -> None:
    flow = VisitFlow()
    flow.start()
    assert flow.go_back() == Step.CARD  # the visit has started: Who is behind it
    flow.set_reading(_reading())
    flow.accept_all_suggestions()
    flow.confirm()
    flow.choose_event("証明書の交付")
    assert flow.step == Step.WHAT
    assert flow.go_back() == Step.CHECK
    assert flow.go_back() == Step.CARD
    # what the clerk entered survives going back
    assert flow.fields["family_name"].value == "試験" and flow.visit.life_event == "証明書の交付"
    flow.finish()
    assert flow.go_back() == Step.DONE


def test_keeping_an_unsure_value_stops_it_asking_and_the_draft_remembers() -> None:
    flow = VisitFlow()
    flow.start()
    flow.set_reading(_reading(address=Field("東京都大田区蒲田5丁目13番1号", 0.55, (0, 0, 1, 1))))
    assert flow.fields["address"].low_confidence and "address" in flow.review_order()[:3]
    changed: list[int] = []
    flow.changed.connect(lambda: changed.append(1))
    flow.keep_value("address")
    assert changed and not flow.fields["address"].low_confidence
    assert flow.fields["address"].value == "東京都大田区蒲田5丁目13番1号"  # kept, not retyped
    other = VisitFlow()
    other.resume(flow.to_draft())
    assert other.fields["address"].confirmed_by_clerk and not other.fields["address"].needs_attention


def test_discard_forgets_everything_and_returns_to_who() -> None:
    flow = VisitFlow()
    steps: list[Step] = []
    flow.step_changed.connect(steps.append)
    flow.start(ticket_label="B-003")
    flow.set_reading(_reading())
    flow.edit("given_name", "華子")
    flow.discard()
    assert steps[-1] == Step.WHO and flow.step == Step.WHO
    assert flow.visit is None and flow.ticket_label == "" and flow.reading is None
    assert all(not s.value and not s.edited for s in flow.fields.values())
    assert flow.to_draft() == b""


def test_resume_at_print_restarts_at_preview_with_the_move_and_forms_chosen() -> None:
    """A crash while printing: the draft brings the visit back at Preview (the packet is re-rendered
    from the data, never stored in the draft), with the move, answers and hand-picked forms."""
    flow = VisitFlow()
    flow.start()
    flow.set_reading(_reading())
    flow.accept_all_suggestions()
    flow.confirm()
    flow.choose_event("転居")
    flow.set_new_address(postal_code="144-0052")
    flow.set_new_address(address=flow.new_address["address"] + "5-13-1")
    flow.set_move_date("R8.11.2")
    flow.add_form("kazei")
    flow.remove_form("juminhyo")
    flow.to_preview()
    flow.to_print()
    other = VisitFlow()
    other.resume(flow.to_draft())
    assert other.step == Step.PREVIEW
    assert other.form_ids() == flow.form_ids() and "kazei" in other.form_ids()
    assert other.new_address == flow.new_address
    assert other.visit.resident.address.endswith("5-13-1") and other.visit.resident.previous_address
    assert other.render().page_count == flow.render().page_count
