"""Form definitions: the shipped forms load; every bad definition gets a clear error."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from madoguchi.errors import MadoguchiError
from madoguchi.forms.catalogue import check_forms, load_forms
from madoguchi.forms.definition import FormDefinitionError, dump_form, load_form_file, parse_source

REQUIRED_FORMS = {"jumin_ido", "juminhyo", "inkan_toroku", "koseki", "kokuho", "jido_teate", "kazei", "kouki",
                  "mynumber_henko"}

MINIMAL: dict[str, Any] = {
    "id": "sample", "title": "見本", "procedure": "見本",
    "questions": [{"id": "purpose", "label": "使いみち", "kind": "text"}],
    "pages": [{"drawing": [{"type": "title", "text": "見本", "at": [105, 20]}],
               "fields": [{"id": "name", "kind": "text", "source": "resident.full_name", "box": [20, 40, 80, 10]},
                          {"id": "purpose", "kind": "text", "source": "answer.purpose", "box": [20, 60, 80, 10]}]}],
}


def write_form(directory: Path, data: dict[str, Any] | str, form_id: str = "sample") -> Path:
    folder = directory / form_id
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "form.yaml"
    path.write_text(data if isinstance(data, str) else dump_form(data), encoding="utf-8")
    return path


def mutated(change) -> dict[str, Any]:  # noqa: ANN001
    data = copy.deepcopy(MINIMAL)
    change(data)
    return data


def test_shipped_forms_have_no_problems() -> None:
    assert check_forms() == []
    forms = load_forms()
    assert set(forms) >= REQUIRED_FORMS
    for form in forms.values():
        assert form.fields, form.id
        assert form.title and form.procedure


def test_individual_number_only_on_forms_that_require_it() -> None:
    for form in load_forms().values():
        uses = any("individual_number" in f.source for f in form.fields)
        assert uses == form.requires_individual_number, form.id


def test_minimal_form_loads(tmp_path: Path) -> None:
    write_form(tmp_path, MINIMAL)
    forms = load_forms(tmp_path)
    assert list(forms) == ["sample"]
    assert forms["sample"].field("name").box == (20.0, 40.0, 80.0, 10.0)


@pytest.mark.parametrize(("change", "key", "words"), [
    (lambda d: d["pages"][0]["fields"][0].pop("box"), "pages[0].fields[0](name)", "box"),
    (lambda d: d.pop("title"), "(top)", "title"),
    (lambda d: d["pages"][0]["fields"][0].update(kind="barcode"), "pages[0].fields[0](name).kind", "barcode"),
    (lambda d: d["pages"][0]["fields"][0].update(box=[150, 40, 80, 10]), "pages[0].fields[0](name).box", "outside"),
    (lambda d: d["pages"][0]["fields"][0].update(box=[20, 290, 80, 10]), "pages[0].fields[0](name).box", "outside"),
    (lambda d: d["pages"][0]["fields"][0].update(colour="red"), "pages[0].fields[0](name)", "colour"),
    (lambda d: d["pages"][0]["fields"][0].update(source="resident.shoe_size"), "pages[0].fields[0](name).source",
     "shoe_size"),
    (lambda d: d["pages"][0]["fields"][0].update(source="answer.unknown"), "pages[0].fields[0](name).source",
     "unknown"),
    (lambda d: d["pages"][0]["fields"][0].update(source="resident.individual_number"),
     "pages[0].fields[0](name).source", "requires_individual_number"),
    (lambda d: d["pages"][0]["fields"][1].update(id="name"), "pages[0].fields[1](name).id", "duplicate"),
    (lambda d: d["pages"][0]["fields"][0].update(kind="circle-one"), "pages[0].fields[0](name).options", "options"),
    (lambda d: d["pages"][0]["fields"][0].update(kind="digits"), "pages[0].fields[0](name).digits", "digits"),
    (lambda d: d["pages"][0]["fields"][0].update(kind="date", date_style="wareki-circle", eras={"天平": [1, 1, 5, 5]}),
     "pages[0].fields[0](name).eras.天平", "unknown era"),
    (lambda d: d["pages"][0]["drawing"].append({"type": "box", "box": [0, 0, 300, 10]}),
     "pages[0].drawing[1].box", "outside"),
    (lambda d: d.update(id="other"), "id", "folder"),
])
def test_bad_definition_is_refused_naming_file_field_and_problem(tmp_path: Path, change, key: str,  # noqa: ANN001
                                                                 words: str) -> None:
    path = write_form(tmp_path, mutated(change))
    with pytest.raises(FormDefinitionError) as caught:
        load_forms(tmp_path)
    error = caught.value
    assert isinstance(error, MadoguchiError)
    assert any(p.where == str(path) and p.key == key and words in p.message_en for p in error.problems), \
        [p.message("en") for p in error.problems]
    assert str(path) in error.message_en and str(path) in error.message_ja


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write_form(tmp_path, "id: sample\ntitle: [見本\npages: []\n")
    problems = check_forms(tmp_path)
    assert len(problems) == 1
    assert problems[0].where == str(path)
    assert problems[0].key.startswith("line ")
    assert "YAML" in problems[0].message_en
    with pytest.raises(FormDefinitionError, match="YAML"):
        load_forms(tmp_path)


def test_check_reports_every_problem_in_every_form(tmp_path: Path) -> None:
    def two_problems(d: dict[str, Any]) -> None:
        d["pages"][0]["fields"][0]["box"] = [200, 40, 80, 10]
        d["pages"][0]["fields"][1]["source"] = "answer.nothing"

    write_form(tmp_path, mutated(two_problems), "sample")
    other = mutated(lambda d: d["pages"][0]["fields"][0].update(kind="stamp"))
    other["id"] = "second"
    write_form(tmp_path, other, "second")
    write_form(tmp_path, "id: [\n", "third")
    problems = check_forms(tmp_path)
    assert {Path(p.where).parent.name for p in problems} == {"sample", "second", "third"}
    assert len(problems) == 4


def test_empty_folder_and_missing_folder(tmp_path: Path) -> None:
    assert check_forms(tmp_path)[0].key == "(folder)"
    with pytest.raises(FormDefinitionError):
        load_forms(tmp_path / "nowhere")


def test_repeat_expands_rows(tmp_path: Path) -> None:
    data = mutated(lambda d: d["pages"][0]["fields"].append(
        {"id": "member", "kind": "text", "source": "resident.persons[{i}].full_name", "box": [20, 80, 80, 10],
         "repeat": {"count": 3, "step": [0, 12]}}))
    write_form(tmp_path, data)
    form = load_forms(tmp_path)["sample"]
    rows = [f for f in form.fields if f.base_id == "member"]
    assert [f.id for f in rows] == ["member[0]", "member[1]", "member[2]"]
    assert [f.source for f in rows] == [f"resident.persons[{i}].full_name" for i in range(3)]
    assert rows[2].box == (20.0, 104.0, 80.0, 10.0)


def test_repeat_row_off_the_page_is_named(tmp_path: Path) -> None:
    data = mutated(lambda d: d["pages"][0]["fields"].append(
        {"id": "member", "kind": "text", "source": "resident.persons[{i}].full_name", "box": [20, 250, 80, 10],
         "repeat": {"count": 5, "step": [0, 12]}}))
    write_form(tmp_path, data)
    problems = check_forms(tmp_path)
    assert [p.key for p in problems] == ["pages[0].fields[2](member)(row 4).box"]


def test_background_pdf_must_exist(tmp_path: Path) -> None:
    write_form(tmp_path, mutated(lambda d: d.update(background="pdf")))
    assert [p.key for p in check_forms(tmp_path)] == ["background"]


@pytest.mark.parametrize("text", ["resident", "resident.members.given_name", "resident.members[0]",
                                  "resident.address.town", "answer.", "visitor.name", "resident.members[0].shoe"])
def test_bad_sources(text: str) -> None:
    with pytest.raises(ValueError):
        parse_source(text)


def test_dump_round_trips() -> None:
    form = load_forms()["jumin_ido"]
    again = yaml.safe_load(dump_form(form.data))
    assert again == form.data


def test_load_form_file_reports_problems_without_raising(tmp_path: Path) -> None:
    path = write_form(tmp_path, mutated(lambda d: d.pop("pages")))
    form, problems = load_form_file(path)
    assert form is None and problems and "pages" in problems[0].message_en
