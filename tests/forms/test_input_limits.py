"""Issue 13, items 9 and 11: bad input is a message, never a traceback — deep JSON, 100,000-digit
numbers in JSON and YAML, NaN coordinates, a 100,000-page form, a garbage background.pdf —
and a JSON file saved with a byte-order mark is read."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from madoguchi.datafile import DataRefused, load_json, load_yaml
from madoguchi.errors import InputError
from madoguchi.visit import Resident
from tests.forms.residents import make_resident

FORMS = Path(__file__).resolve().parents[2] / "forms"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "madoguchi", "--lang", "en", *args], capture_output=True, text=True,
                          timeout=180, check=False)


def _fill(resident: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return _cli("fill", "--resident", str(resident), "--form", "juminhyo", "--out", str(out))


def test_json_nested_2000_deep_is_a_message(tmp_path: Path) -> None:
    source = tmp_path / "deep.json"
    source.write_text("[" * 2000 + "]" * 2000, encoding="utf-8")
    result = _fill(source, tmp_path / "out.pdf")
    assert result.returncode == 5 and "Traceback" not in result.stderr
    assert "nested deeper than" in result.stderr
    with pytest.raises(DataRefused, match="nested"):
        load_json('{"a":' * 100 + "1" + "}" * 100)


def test_a_100000_digit_integer_in_json_is_a_message(tmp_path: Path) -> None:
    data = make_resident(1).to_json()
    text = json.dumps(data, ensure_ascii=False)[:-1] + ', "copies": ' + "9" * 100_000 + "}"
    source = tmp_path / "big.json"
    source.write_text(text, encoding="utf-8")
    result = _fill(source, tmp_path / "out.pdf")
    assert result.returncode == 5 and "Traceback" not in result.stderr
    assert "digits" in result.stderr
    with pytest.raises(InputError, match="digits"):
        Resident.from_json_text(text)
    with pytest.raises(DataRefused):
        load_json("[NaN]")


def test_a_100000_digit_integer_and_deep_nesting_in_yaml_are_refused() -> None:
    with pytest.raises(yaml.YAMLError, match="digits"):
        load_yaml("copies: " + "9" * 100_000 + "\n")
    with pytest.raises(yaml.YAMLError, match="nested"):
        load_yaml("a: " + "[" * 200 + "]" * 200 + "\n")
    with pytest.raises(yaml.YAMLError):  # libyaml's own limit, still a YAMLError, never RecursionError
        load_yaml("a: " + "[" * 2000 + "]" * 2000 + "\n")
    assert load_yaml("day: 2026-11-01\nphone: '0312345678901234567890123456789012'\n")["phone"].startswith("03")


def test_json_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    source = tmp_path / "bom.json"
    source.write_text(json.dumps(make_resident(1).to_json(), ensure_ascii=False), encoding="utf-8-sig")
    assert source.read_bytes().startswith(b"\xef\xbb\xbf")
    result = _fill(source, tmp_path / "out.pdf")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")


def _form_copy(tmp_path: Path, form_id: str) -> Path:
    root = tmp_path / "forms"
    shutil.copytree(FORMS / form_id, root / form_id)
    shutil.copy(FORMS / "events.yaml", root / "events.yaml")
    return root


def _check(root: Path) -> subprocess.CompletedProcess[str]:
    return _cli("forms", "check", str(root))


@pytest.mark.parametrize("spoil", ["box", "repeat"])
def test_nan_numbers_fail_forms_check(tmp_path: Path, spoil: str) -> None:
    root = _form_copy(tmp_path, "kokuho")
    path = root / "kokuho" / "form.yaml"
    data = load_yaml(path.read_text(encoding="utf-8"))
    fields = data["pages"][0]["fields"]
    if spoil == "box":
        fields[0]["box"][0] = float("nan")
    else:
        item = next(f for page in data["pages"] for f in page.get("fields", ()) if "repeat" in f)
        item["repeat"]["step"][1] = float("nan")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = _check(root)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "NaN" in result.stdout + result.stderr


def test_a_100000_page_form_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "forms"
    (root / "huge").mkdir(parents=True)
    shutil.copy(FORMS / "events.yaml", root / "events.yaml")
    page = "  - fields: []\n"
    (root / "huge" / "form.yaml").write_text("id: huge\ntitle: 大きい\nprocedure: 試験\npages:\n" + page * 100_000,
                                             encoding="utf-8")
    result = _check(root)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "pages" in result.stdout + result.stderr


def test_a_garbage_background_pdf_fails_forms_check_not_fill(tmp_path: Path) -> None:
    root = _form_copy(tmp_path, "juminhyo")
    path = root / "juminhyo" / "form.yaml"
    data = load_yaml(path.read_text(encoding="utf-8"))
    data["background"] = "pdf"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (root / "juminhyo" / "background.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    result = _check(root)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "background" in result.stdout + result.stderr
    resident = tmp_path / "r.json"
    resident.write_text(json.dumps(make_resident(1).to_json(), ensure_ascii=False), encoding="utf-8")
    filled = _cli("fill", "--resident", str(resident), "--form", "juminhyo", "--forms-dir", str(root),
                  "--out", str(tmp_path / "out.pdf"))
    assert filled.returncode != 0 and "Traceback" not in filled.stderr
