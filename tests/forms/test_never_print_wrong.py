"""Issue 13: wrong data is never printed without a word — a bad individual number, a character
no font has (☒), bidi/control characters, an implausible date. Checked on real PDFs
(pdftotext/pdffonts) where the question is what is on the paper."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from madoguchi import validation
from madoguchi.errors import InputError
from madoguchi.forms import render
from madoguchi.forms.catalogue import load_forms
from madoguchi.mynumber import make_valid
from madoguchi.visit import Resident
from tests.forms.residents import make_resident

TODAY = date(2026, 11, 20)
from tests.forms.test_render import ANSWERS  # noqa: E402


@pytest.fixture(scope="module")
def forms():  # noqa: ANN201
    return load_forms()


def _number_forms(forms) -> list[str]:  # noqa: ANN001
    return [form_id for form_id, form in forms.items() if form.requires_individual_number]


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.parametrize("number", ["123456789012", "12345678901A", "１２３４５６７８９０１２"])
def test_a_bad_individual_number_is_never_printed(forms, number: str, tmp_path: Path) -> None:  # noqa: ANN001
    resident = make_resident(3)
    good = resident.individual_number
    assert validation.individual_number_problem(good) is None
    resident.individual_number = number
    targets = _number_forms(forms)
    assert targets, "no form prints the individual number"
    for form_id in targets:
        pdf, pages, outcome = render.render_form(resident, forms[form_id], ANSWERS, today=TODAY)
        placed = [p for page in pages for p in page.placed if "individual_number" in p.field_id]
        assert placed == []
        messages = [p.message("en") for p in outcome.problems if "individual_number" in p.key]
        assert messages and ("check digit" in messages[0] or "12 digits" in messages[0])
        assert "123456789" not in _pdftotext(pdf, tmp_path).replace(" ", "")


def test_a_good_individual_number_is_printed(forms) -> None:  # noqa: ANN001
    resident = make_resident(3)
    resident.individual_number = make_valid("12345678901")
    form_id = _number_forms(forms)[0]
    _, pages, _outcome = render.render_form(resident, forms[form_id], ANSWERS, today=TODAY)
    assert any(p.value == resident.individual_number for page in pages for p in page.placed)


def test_a_resident_json_with_a_bad_number_is_refused_at_input() -> None:
    data = make_resident(1).to_json()
    data["individual_number"] = "123456789012"
    with pytest.raises(InputError, match=r"individual_number.*check digit"):
        Resident.from_json(data, where="r.json")


def test_a_name_outside_ipaex_prints_in_ipamj_not_as_a_box(forms, tmp_path: Path) -> None:  # noqa: ANN001
    if render.mj_font() is None:
        pytest.skip("IPAmj明朝 (Debian fonts-ipamj-mincho) is not installed")
    resident = make_resident(2, members=0, children=0)
    resident.family_name = "𠮷野"
    assert render.missing_glyphs("𠮷野", "mincho") == []
    pdf, pages, outcome = render.render_form(resident, forms["juminhyo"], ANSWERS, today=TODAY)
    assert not [p for p in outcome.problems if "𠮷" in p.message("ja")]
    assert any("𠮷野" in p.value for page in pages for p in page.placed)
    # reportlab's ToUnicode map truncates characters beyond the BMP, so text extraction shows
    # U+20BB; the page itself shows 𠮷 (looked at in a PNG from pdftoppm): the glyph comes from IPAmj
    assert "野" in _pdftotext(pdf, tmp_path)
    path = tmp_path / "out.pdf"
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "IPAmjMincho" in fonts


def test_a_character_no_font_has_stops_with_its_name(forms, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    resident = make_resident(2, members=0, children=0)
    resident.family_name = "\U000f0001野"  # a private-use character: in no font
    _, pages, outcome = render.render_form(resident, forms["juminhyo"], ANSWERS, today=TODAY)
    named = [p for p in outcome.problems if "U+F0001" in p.message("en")]
    assert named, [p.message("en") for p in outcome.problems]
    assert not any("\U000f0001" in p.value for page in pages for p in page.placed)
    # without IPAmj installed, 𠮷 itself is named instead of printed as ☒
    monkeypatch.setattr(render, "mj_font", lambda: None)
    assert render.missing_glyphs("𠮷野", "mincho") == ["𠮷"]


@pytest.mark.parametrize("name", ["山田\u202e郎太", "山\x07田", "山田\u200b", "山田\u2066x\u2069"])
def test_bidi_and_control_characters_are_refused(forms, name: str) -> None:  # noqa: ANN001
    data = make_resident(1).to_json()
    data["family_name"] = name
    with pytest.raises(InputError, match=r"family_name.*U\+"):
        Resident.from_json(data, where="r.json")
    resident = make_resident(1, members=0, children=0)
    resident.family_name = name  # set behind the validation's back: the engine still refuses
    _, pages, outcome = render.render_form(resident, forms["juminhyo"], ANSWERS, today=TODAY)
    assert not any(name in p.value for page in pages for p in page.placed)
    assert any("U+" in p.message("en") for p in outcome.problems)


@pytest.mark.parametrize(("birth", "ok"), [("9999-12-31", False), ("1850-01-01", False), ("2030-01-01", False),
                                           ("1900-05-05", True), ("2026-11-20", True)])
def test_implausible_dates_are_refused(forms, birth: str, ok: bool) -> None:  # noqa: ANN001
    data = make_resident(1).to_json()
    data["birth_date"] = birth
    if ok:
        Resident.from_json(data)
    else:
        with pytest.raises(InputError, match="birth_date"):
            Resident.from_json(data)
    resident = make_resident(1, members=0, children=0)
    resident.birth_date = birth
    _, pages, _outcome = render.render_form(resident, forms["juminhyo"], ANSWERS, today=TODAY)
    printed = any(p.field_id == "requester_birth" for page in pages for p in page.placed)
    assert printed == ok


def test_the_counter_check_step_shows_the_core_refusals() -> None:
    from madoguchi.counter.check import validate

    assert "U+202E" in validate("text", "山田\u202e太郎")[1]
    assert validate("date", "9999-12-31")[1]
    assert validate("date", "1985-04-12") == ("1985-04-12", "")


def test_long_text_fits_in_linear_time() -> None:
    """An 80,000-character address is refused by length, and wrapping is linear (no timing:
    the number of width measurements is counted)."""
    calls = 0

    def measure(text: str) -> float:
        nonlocal calls
        calls += 1
        return float(len(text))

    from madoguchi.forms.text import wrap_text

    lines = wrap_text("あいうえおかきくけこ" * 8000, 40.0, measure)
    assert len(lines) == 2000 and calls <= 20
    assert validation.text_problem("住" * 80_000) is not None


def test_fill_cli_names_the_bad_field(tmp_path: Path) -> None:
    data = make_resident(1).to_json()
    data["family_name"] = "山田\u202e"
    source = tmp_path / "r.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.pdf"
    result = subprocess.run([sys.executable, "-m", "madoguchi", "--lang", "en", "fill", "--resident", str(source),
                             "--form", "juminhyo", "--out", str(out)], capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "family_name" in result.stderr and "U+202E" in result.stderr
    assert not out.exists()


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils")
def test_ipamj_is_a_listed_package() -> None:
    root = Path(__file__).resolve().parents[2] / "installer" / "debian"
    for name in ("test-packages.txt", "runtime-packages.txt"):
        assert "fonts-ipamj-mincho" in (root / name).read_text(encoding="utf-8").split()
