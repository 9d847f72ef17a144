"""Life-event rules: data in forms/events.yaml, validated; the resident's situation refines them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from madoguchi.errors import InputError
from madoguchi.forms.catalogue import check_forms
from madoguchi.forms.definition import FormDefinitionError
from madoguchi.forms.events import (
    answers_for_event,
    check_event_rules,
    forms_for_event,
    load_event_rules,
    questions_for_event,
)
from madoguchi.paths import forms_dir
from tests.forms.residents import make_resident

TODAY = date(2026, 11, 25)


def test_shipped_rules_cover_every_event() -> None:
    rules = load_event_rules()
    assert {"転入", "転居", "転出", "出生", "婚姻", "死亡", "証明書の交付"} <= set(rules.events)
    assert [name for name, event in rules.events.items() if event.move] == ["転入", "転居", "転出"]
    assert {rules.events[n].move for n in ("転入", "転居")} == {"in"} and rules.events["転出"].move == "out"
    assert check_event_rules() == []


def test_a_ward_adds_and_removes_events_as_data(tmp_path: Path) -> None:
    """events.yaml alone decides which events the counter offers, with their labels and move kind."""
    folder = _copy_forms(tmp_path)
    events_file = folder / "events.yaml"
    data = yaml.safe_load(events_file.read_text(encoding="utf-8"))
    del data["events"]["死亡"]
    data["events"]["帰化"] = {"label": "帰化（国籍の取得）", "forms": ["juminhyo"], "move": "in"}
    events_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert check_forms(folder) == []
    rules = load_event_rules(events_file)
    assert "死亡" not in rules.events and rules.events["帰化"].label == "帰化（国籍の取得）"
    assert rules.events["帰化"].move == "in"
    data["events"]["帰化"]["move"] = "sideways"
    events_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = check_forms(folder)
    assert [p.key for p in problems] == ["events.帰化.move"] and "sideways" in problems[0].message_ja


def test_move_in_family_gets_what_the_situation_needs() -> None:
    family = make_resident(1, members=1, children=2)
    family.birth_date, family.members[0].birth_date = "1985-01-01", "1987-01-01"
    family.members[1].birth_date, family.members[2].birth_date = "2023-04-01", "2017-09-09"  # 3 and 9
    answers = {"nhi": True, "seal_registration": True, "mynumber_card": True, "juminhyo_needed": True}
    assert forms_for_event("転入", family, answers, today=TODAY) == [
        "jumin_ido", "kokuho", "jido_teate", "inkan_toroku", "mynumber_henko", "juminhyo"]


def test_move_in_without_children_or_insurance() -> None:
    single = make_resident(2, members=0, children=0)
    single.birth_date = "1990-05-05"
    assert forms_for_event("転入", single, {"nhi": False}, today=TODAY) == ["jumin_ido"]


@pytest.mark.parametrize(("birth", "expected"), [("1951-11-25", True), ("1951-11-26", False)])
def test_seventy_five_on_the_day_brings_kouki(birth: str, expected: bool) -> None:
    elder = make_resident(3, members=0, children=0)
    elder.birth_date = birth
    assert ("kouki" in forms_for_event("転居", elder, {}, today=TODAY)) is expected


@pytest.mark.parametrize(("birth", "expected"), [("2008-11-26", True), ("2008-11-25", False)])
def test_child_under_18_brings_jido_teate(birth: str, expected: bool) -> None:
    parent = make_resident(4, members=0, children=1)
    parent.birth_date = "1980-01-01"
    parent.members[0].birth_date = birth
    assert ("jido_teate" in forms_for_event("転入", parent, {}, today=TODAY)) is expected


def test_certificates_follow_the_answer() -> None:
    resident = make_resident(5)
    assert forms_for_event("証明書の交付", resident, {"certificates": ["戸籍", "課税証明"]}, today=TODAY) == [
        "koseki", "kazei"]


def test_questions_and_implied_answers() -> None:
    assert [q.id for q in questions_for_event("転入")] == ["nhi", "seal_registration", "mynumber_card",
                                                           "juminhyo_needed"]
    assert answers_for_event("転出", {"nhi": True})["ido_kind"] == "転出"
    assert answers_for_event("転出", {"ido_kind": "転居"})["ido_kind"] == "転居"  # the clerk wins


def test_unknown_event() -> None:
    with pytest.raises(InputError, match="no life event"):
        forms_for_event("引越し", make_resident(1), {})


def _copy_forms(tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "forms"
    shutil.copytree(forms_dir(), target)
    return target


def test_rule_naming_a_missing_form_is_refused(tmp_path: Path) -> None:
    folder = _copy_forms(tmp_path)
    data = yaml.safe_load((folder / "events.yaml").read_text(encoding="utf-8"))
    data["events"]["転入"]["rules"].append({"when": {"answer": "nhi"}, "add": ["kaigo"]})
    data["events"]["転居"]["rules"].append({"when": {"answer": "pets"}, "add": ["kokuho"]})
    data["events"]["出生"]["rules"].append({"when": {"age_under": 3}, "add": ["kokuho"]})
    (folder / "events.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = check_forms(folder)
    keys = {p.key for p in problems}
    assert "events.転入.rules[6].add" in keys
    assert "events.転居.rules[4].when" in keys
    assert any(k.startswith("events.出生.rules[1].when") for k in keys), keys
    with pytest.raises(FormDefinitionError):
        load_event_rules(folder / "events.yaml")


def test_yaml_error_is_named_with_its_place(tmp_path: Path) -> None:
    folder = _copy_forms(tmp_path)
    (folder / "events.yaml").write_text("events: {転入: [\n", encoding="utf-8")
    assert "YAML" in check_event_rules(folder / "events.yaml")[0].message_en
