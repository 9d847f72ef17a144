"""``madoguchi forms list|check`` and ``madoguchi fill``, run in process; resident JSON errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from madoguchi.cli import main
from madoguchi.errors import ExitCode, InputError
from madoguchi.visit import Resident
from tests.forms.residents import make_resident
from tests.forms.test_definition import MINIMAL, mutated, write_form


@pytest.fixture
def resident_file(tmp_path: Path) -> Path:
    path = tmp_path / "resident.json"
    resident = make_resident(11, members=1, children=1)
    resident.members[1].birth_date = "2020-02-02"
    path.write_text(json.dumps(resident.to_json(), ensure_ascii=False), encoding="utf-8")
    return path


def test_forms_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forms", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"jumin_ido", "kokuho"} <= {row["id"] for row in rows}
    assert all(row["title"] and row["procedure"] for row in rows)


def test_forms_list_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forms", "list"]) == 0
    assert "住民異動届" in capsys.readouterr().out


def test_forms_check_shipped_and_bad(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forms", "check"]) == 0
    write_form(tmp_path, mutated(lambda d: d["pages"][0]["fields"][0].update(kind="stamp", box=[1, 1, 500, 5])))
    other = mutated(lambda d: d["pages"][0]["fields"][1].pop("box"))
    other["id"] = "other"
    write_form(tmp_path, other, "other")
    capsys.readouterr()
    assert main(["--lang", "en", "forms", "check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "sample/form.yaml: pages[0].fields[0](name).kind" in out
    assert "other/form.yaml: pages[0].fields[1](purpose): required key 'box'" in out
    assert "2 problem(s)" in out


def test_fill_forms(resident_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "packet.pdf"
    assert main(["fill", "--resident", str(resident_file), "--form", "juminhyo", "--form", "kazei",
                 "--answer", "purpose=提出用", "--out", str(out), "--parts", str(tmp_path / "parts")]) == 0
    assert len(PdfReader(out).pages) == 2
    assert sorted(p.name for p in (tmp_path / "parts").iterdir()) == ["juminhyo.pdf", "kazei.pdf"]
    assert "提出用" in PdfReader(out).pages[0].extract_text()


def test_fill_event(resident_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "packet.pdf"
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"nhi": True}), encoding="utf-8")
    assert main(["fill", "--resident", str(resident_file), "--event", "転入", "--answers", str(answers),
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "jumin_ido, kokuho, jido_teate" in printed
    first = PdfReader(out).pages[0].extract_text()
    assert "住" in first


def test_fill_unknown_form(resident_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fill", "--resident", str(resident_file), "--form", "nope", "--out",
                 str(tmp_path / "x.pdf")]) == ExitCode.INPUT
    assert "nope" in capsys.readouterr().err


@pytest.mark.parametrize(("content", "words"), [
    ("{not json", "JSON"),
    ("[1, 2]", "JSON オブジェクト"),
    ('{"birth_date": "1985-02-30"}', "birth_date"),
    ('{"family_name": 12}', "family_name"),
    ('{"sex": "x"}', "sex"),
    ('{"members": [{"given_name": "a", "shoe": "b"}]}', "members[0]"),
    ('{"members": [{"birth_date": "2020-13-01"}]}', "members[0].birth_date"),
    ('{"kana_unconfirmed": "family_name_kana"}', "kana_unconfirmed"),
])
def test_resident_json_errors(tmp_path: Path, content: str, words: str,
                              capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    code = main(["--lang", "ja", "fill", "--resident", str(path), "--form", "juminhyo", "--out",
                 str(tmp_path / "x.pdf")])
    assert code == ExitCode.INPUT
    err = capsys.readouterr().err
    assert words in err and str(path) in err
    assert not (tmp_path / "x.pdf").exists()


def test_resident_round_trip_keeps_extra_keys() -> None:
    data = make_resident(12).to_json()
    data["purpose"] = "勤務先"
    again = Resident.from_json(data)
    assert again.extra["purpose"] == "勤務先"
    assert Resident.from_json(again.to_json()) == again
    with pytest.raises(InputError):
        Resident.from_json_text("")


def test_fill_reports_fields_not_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_form(tmp_path / "forms", mutated(lambda d: d["pages"][0]["fields"][1].update(box=[20, 60, 10, 5])))
    resident = tmp_path / "r.json"
    resident.write_text(json.dumps(make_resident(1).to_json(), ensure_ascii=False), encoding="utf-8")
    assert main(["--lang", "en", "fill", "--resident", str(resident), "--form", "sample", "--forms-dir",
                 str(tmp_path / "forms"), "--answer", "purpose=" + "長い" * 20, "--out", str(tmp_path / "o.pdf")]) == 0
    assert "sample: purpose: the value does not fit" in capsys.readouterr().err
    assert MINIMAL["id"] == "sample"
