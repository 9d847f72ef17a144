"""Kana suggestions: names by dictionary, address by the postal data; always unconfirmed."""

from __future__ import annotations

import pytest

from madoguchi.forms.furigana import (
    apply_suggestions,
    confirm_kana,
    reading,
    suggest_kana,
    suggest_postal_code,
)
from madoguchi.visit import Member, Resident


def _resident() -> Resident:
    return Resident(family_name="鈴木", given_name="一郎", address="東京都大田区蒲田五丁目13番14号",
                    members=[Member(family_name="鈴木", given_name="さくら")])


@pytest.mark.slow  # the first use loads the pykakasi dictionary and the postal data
def test_names_and_address_are_suggested_unconfirmed() -> None:
    suggestions = suggest_kana(_resident())
    assert suggestions["family_name_kana"].value == "スズキ"
    assert suggestions["given_name_kana"].value == "イチロウ"
    assert suggestions["members[0].given_name_kana"].value == "サクラ"
    assert suggestions["members[0].given_name_kana"].source == "kana"
    assert suggestions["address_kana"].value == "トウキョウトオオタクカマタ"
    assert suggestions["address_kana"].source == "postal"
    assert not any(s.confirmed for s in suggestions.values())


def test_apply_marks_unconfirmed_and_keeps_typed_kana() -> None:
    resident = _resident()
    resident.given_name_kana = "イチロー"  # typed by the clerk: kept, and not marked
    written = apply_suggestions(resident, suggest_kana(resident))
    assert "given_name_kana" not in written
    assert resident.given_name_kana == "イチロー"
    assert set(resident.kana_unconfirmed) == {"family_name_kana", "members[0].family_name_kana",
                                              "members[0].given_name_kana", "address_kana"}
    confirm_kana(resident, "members[0].given_name_kana", "さくら")
    assert resident.members[0].given_name_kana == "サクラ"
    assert "members[0].given_name_kana" not in resident.kana_unconfirmed


def test_unconfirmed_state_survives_json() -> None:
    resident = _resident()
    apply_suggestions(resident, suggest_kana(resident))
    again = Resident.from_json(resident.to_json())
    assert again.kana_unconfirmed == resident.kana_unconfirmed


def test_reading_and_postal_code() -> None:
    assert reading("ひなた") == "ヒナタ"
    assert reading("") == ""
    assert suggest_postal_code(_resident()) == "144-0052"
    assert suggest_postal_code(Resident(address="どこでもない町")) == ""
