"""Filled PDFs read back: every value inside its field's box, fonts embedded, pages kept as PNGs."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from madoguchi.errors import InputError
from madoguchi.forms.catalogue import load_forms
from madoguchi.forms.definition import dump_form
from madoguchi.forms.furigana import apply_suggestions, confirm_kana, suggest_kana
from madoguchi.forms.render import Packet, fit_text, register_fonts, render_form, render_packet
from madoguchi.forms.text import to_full_width, to_half_width, to_hiragana, wrap_text
from tests.forms.pdfread import fonts, inside, render_png, words_by_page, words_in
from tests.forms.residents import make_resident
from tests.forms.test_definition import MINIMAL, mutated, write_form

TODAY = date(2026, 11, 25)
ANSWERS = {"ido_kind": "転入", "purpose": "勤務先に提出するため", "copies": 2, "certificate": "世帯全員",
           "include": ["世帯主・続柄"], "honseki": "東京都大田区蒲田五丁目13番地", "hittousha": "山田　太郎",
           "koseki_kind": ["戸籍全部事項証明書", "戸籍の附票の写し"], "nhi_date": "2026-11-01",
           "spouse_name": "山田　花子", "tax_certificate": ["課税証明書"], "change_items": ["住所"]}
TEXT_KINDS = {"text", "kana", "multiline", "date", "digits"}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def forms():  # noqa: ANN201
    return load_forms()


@pytest.fixture(scope="module")
def packet(forms, tmp_path_factory: pytest.TempPathFactory) -> tuple[Packet, Path]:  # noqa: ANN001
    resident = make_resident(7, members=2, children=2)
    resident.members[1].birth_date = "1948-02-03"  # someone for 後期高齢者医療
    result = render_packet(resident, list(forms), forms, ANSWERS, today=TODAY)
    path = tmp_path_factory.mktemp("packet") / "packet.pdf"
    path.write_bytes(result.pdf)
    return result, path


def test_packet_has_every_form_in_order(packet, forms) -> None:  # noqa: ANN001
    result, path = packet
    assert result.problems == []
    assert list(result.parts) == list(forms)
    assert result.page_count == len(PdfReader(path).pages) == sum(len(f.pages) for f in forms.values())
    assert [p.form_id for p in result.pages] == [f for f in forms for _ in forms[f].pages]
    for form_id, data in result.parts.items():
        assert len(PdfReader(io.BytesIO(data)).pages) == len(forms[form_id].pages)


def test_every_value_is_inside_its_box(packet, forms) -> None:  # noqa: ANN001
    result, path = packet
    pages = words_by_page(path)
    checked = 0
    for page_words, placed_page in zip(pages, result.pages, strict=True):
        form = forms[placed_page.form_id]
        for placed in placed_page.placed:
            if placed.field_id.endswith(".era"):
                continue
            if form.field(placed.field_id).kind not in TEXT_KINDS:
                continue
            found = words_in(page_words, placed.box)
            assert _squash("".join(w.text for w in found)) == _squash("".join(placed.lines)), \
                (placed.form_id, placed.field_id)
            for word in found:
                assert inside(word, placed.box), (placed.form_id, placed.field_id, word)
            checked += 1
    assert checked > 80


def test_circles_and_ticks_are_reported_in_their_boxes(packet) -> None:  # noqa: ANN001
    result, _ = packet
    placed = {(p.form_id, p.field_id): p for page in result.pages for p in page.placed}
    assert placed[("jumin_ido", "ido_kind")].value == "転入"
    assert placed[("juminhyo", "whole_household")].value == "✓"
    assert ("juminhyo", "part_household") not in placed
    assert ("koseki", "kind_fuhyo") in placed and ("koseki", "kind_kojin") not in placed


def test_fonts_are_embedded(packet) -> None:  # noqa: ANN001
    _, path = packet
    rows = fonts(path)
    assert rows
    assert all(row["emb"] == "yes" for row in rows), rows
    assert {re.sub(r"^[A-Z]{6}\+", "", row["name"]) for row in rows} == {"IPAexGothic", "IPAexMincho"}


@pytest.mark.slow
def test_pages_are_kept_as_png_for_review(packet, forms, results_dir: Path, tmp_path: Path) -> None:  # noqa: ANN001
    result, _ = packet
    target = results_dir / "forms"
    target.mkdir(exist_ok=True)
    for form_id, data in result.parts.items():
        pdf = tmp_path / f"{form_id}.pdf"
        pdf.write_bytes(data)
        png = render_png(pdf, target / form_id)
        assert png.stat().st_size > 20_000
        (target / f"{form_id}.pdf").write_bytes(data)


def test_individual_number_only_where_required(forms) -> None:  # noqa: ANN001
    resident = make_resident(3)
    result = render_packet(resident, list(forms), forms, ANSWERS, today=TODAY)
    for form_id, data in result.parts.items():
        text = _squash("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
        assert (resident.individual_number in text) == forms[form_id].requires_individual_number, form_id


@pytest.mark.parametrize(("born", "printed", "era"), [
    ("1989-01-07", "64年1月7日", "昭和"), ("1989-01-08", "元年1月8日", "平成"),
    ("2019-04-30", "31年4月30日", "平成"), ("2019-05-01", "元年5月1日", "令和"),
    ("1926-12-24", None, "大正"), ("1926-12-25", "元年12月25日", "昭和"),
])
def test_wareki_boundaries_circle_the_right_era(forms, born: str, printed: str | None, era: str) -> None:  # noqa: ANN001
    resident = make_resident(1, members=0, children=0)
    resident.birth_date = born
    _, pages, outcome = render_form(resident, forms["jumin_ido"], ANSWERS, today=TODAY)
    placed = {p.field_id: p for p in pages[0].placed}
    assert placed["person_birth[0].era"].value == era
    assert placed["person_birth[0]"].value == printed if printed else placed["person_birth[0]"].value.startswith("15")
    assert outcome.problems == []


def test_wareki_date_text(forms) -> None:  # noqa: ANN001
    resident = make_resident(1, members=0, children=0)
    resident.birth_date = "1989-01-08"  # a birth date is never after the day of printing
    _, pages, _ = render_form(resident, forms["juminhyo"], ANSWERS, today=date(2019, 4, 30))
    placed = {p.field_id: p.value for p in pages[0].placed}
    assert placed["requester_birth"] == "平成元年1月8日"
    assert placed["requested_on"] == "平成31年4月30日"


def test_meiji_birth_on_a_form_without_meiji_is_reported(forms) -> None:  # noqa: ANN001
    resident = make_resident(1, members=0, children=0)
    resident.birth_date = "1911-05-01"
    _, _pages, outcome = render_form(resident, forms["jumin_ido"], ANSWERS, today=TODAY)
    assert [p.key for p in outcome.problems] == ["person_birth[0]"]
    assert "明治" in outcome.problems[0].message_ja


def test_long_value_shrinks_then_wraps_then_is_refused(tmp_path: Path) -> None:
    write_form(tmp_path, mutated(lambda d: d["pages"][0]["fields"][1].update(
        box=[20, 60, 60, 12], font_size=12, min_font_size=8)))
    form = load_forms(tmp_path)["sample"]
    resident = make_resident(1)
    _, pages, outcome = render_form(resident, form, {"purpose": "勤務先に提出"}, today=TODAY)
    assert {p.field_id: p.font_size for p in pages[0].placed}["purpose"] == 12
    medium = "勤務先（株式会社テスト商事 総務部）に提出するため"
    _, pages, outcome = render_form(resident, form, {"purpose": medium}, today=TODAY)
    purpose = next(p for p in pages[0].placed if p.field_id == "purpose")
    assert len(purpose.lines) == 2 and purpose.font_size >= 8 and outcome.problems == []
    assert "".join(purpose.lines) == medium
    long = medium * 4
    data, pages, outcome = render_form(resident, form, {"purpose": long}, today=TODAY)
    assert "purpose" not in {p.field_id for p in pages[0].placed}
    assert [p.key for p in outcome.problems] == ["purpose"]
    assert "枠に収まらない" in outcome.problems[0].message_ja
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(data)
    assert "勤務先" not in "".join(w.text for w in words_by_page(pdf)[0])


def test_no_wrap_field_shrinks_or_refuses(tmp_path: Path) -> None:
    write_form(tmp_path, mutated(lambda d: d["pages"][0]["fields"][0].update(
        box=[20, 40, 30, 8], font_size=12, min_font_size=9, wrap=False)))
    form = load_forms(tmp_path)["sample"]
    resident = make_resident(2)
    resident.family_name, resident.given_name = "長谷川", "翔太郎"
    _, pages, outcome = render_form(resident, form, {}, today=TODAY)
    name = next(p for p in pages[0].placed if p.field_id == "name")
    assert 9 <= name.font_size < 12 and len(name.lines) == 1
    resident.given_name = "翔太郎" * 3
    _, pages, outcome = render_form(resident, form, {}, today=TODAY)
    assert [p.key for p in outcome.problems] == ["name"]


def test_fit_text_respects_box() -> None:
    register_fonts()
    fit = fit_text("あいうえお" * 10, "gothic", 40, 20, 12, 7, True)
    assert fit is not None and len(fit.lines) > 1
    assert fit_text("あ", "gothic", 1, 1, 12, 7, True) is None


def test_digits_overflow_is_reported(forms) -> None:  # noqa: ANN001
    resident = make_resident(4)
    resident.individual_number = "1234567890123"
    _, _, outcome = render_form(resident, forms["kokuho"], ANSWERS, today=TODAY)
    assert [p.key for p in outcome.problems] == ["individual_number"]


def test_unconfirmed_kana_is_never_printed(forms, tmp_path: Path) -> None:  # noqa: ANN001
    resident = make_resident(5, members=0, children=0)
    resident.family_name_kana = resident.given_name_kana = ""
    apply_suggestions(resident, suggest_kana(resident))
    assert "family_name_kana" in resident.kana_unconfirmed
    data, pages, outcome = render_form(resident, forms["inkan_toroku"], ANSWERS, today=TODAY)
    assert "kana" not in {p.field_id for p in pages[0].placed}
    assert [p.key for p in outcome.problems] == ["kana"]
    pdf = tmp_path / "unconfirmed.pdf"
    pdf.write_bytes(data)
    assert resident.family_name_kana not in "".join(w.text for w in words_by_page(pdf)[0])
    # the clerk says print anyway
    _, pages, outcome = render_form(resident, forms["inkan_toroku"], ANSWERS, today=TODAY,
                                    print_unconfirmed_kana=True)
    assert "kana" in {p.field_id for p in pages[0].placed} and outcome.problems == []
    # the clerk confirms both readings
    confirm_kana(resident, "family_name_kana")
    confirm_kana(resident, "given_name_kana", "たろう")
    _, pages, outcome = render_form(resident, forms["inkan_toroku"], ANSWERS, today=TODAY)
    kana = next(p for p in pages[0].placed if p.field_id == "kana")
    assert kana.value.endswith("タロウ") and outcome.problems == []


def test_unconfirmed_member_kana_blanks_only_that_row(forms) -> None:  # noqa: ANN001
    resident = make_resident(6, members=1, children=0)
    resident.kana_unconfirmed = ["members[0].given_name_kana"]
    _, pages, outcome = render_form(resident, forms["jumin_ido"], ANSWERS, today=TODAY)
    placed = {p.field_id for p in pages[0].placed}
    assert "person_kana[0]" in placed and "person_kana[1]" not in placed
    assert [p.key for p in outcome.problems] == ["person_kana[1]"]


def test_width_and_script_conversions() -> None:
    assert to_full_width("5-13 ABC") == "５－１３\u3000ＡＢＣ"
    assert to_half_width("０３－１２３４") == "03-1234"
    assert to_full_width("ｶﾏﾀ") == "カマタ"
    assert to_hiragana("バンゴウ　ハナコ") == "ばんごう　はなこ"
    assert wrap_text("あいう。えお", 3, len) == ["あい", "う。え", "お"]  # 。 never starts a line


def test_half_width_phone_printed_half_width(forms) -> None:  # noqa: ANN001
    resident = make_resident(8)
    resident.phone = "０３－１１１１－２２２２"
    _, pages, _ = render_form(resident, forms["juminhyo"], ANSWERS, today=TODAY)
    assert {p.field_id: p.value for p in pages[0].placed}["requester_phone"] == "03-1111-2222"


def test_ward_pdf_background_is_merged_under(tmp_path: Path, forms) -> None:  # noqa: ANN001
    blank, _, _ = render_form(None, forms["juminhyo"])  # the drawn form stands in for a ward's own PDF
    data = mutated(lambda d: d.update(background="pdf"))
    write_form(tmp_path, data)
    (tmp_path / "sample" / "background.pdf").write_bytes(blank)
    form = load_forms(tmp_path)["sample"]
    filled, _, _ = render_form(make_resident(9), form, {"purpose": "提出用"}, today=TODAY)
    pdf = tmp_path / "merged.pdf"
    pdf.write_bytes(filled)
    text = "".join(w.text for w in words_by_page(pdf)[0])
    assert "住民票の写し等交付申請書" in text and "提出用" in text
    assert "見本" not in text  # a PDF background replaces the drawn one
    # in a packet, between drawn forms, the ward PDF goes under its own page only
    packet = render_packet(make_resident(9), ["kazei", "sample", "koseki"], {**forms, "sample": form},
                           {"purpose": "提出用"}, today=TODAY)
    pdf.write_bytes(packet.pdf)
    texts = ["".join(w.text for w in page) for page in words_by_page(pdf)]
    assert "課税・非課税証明書交付申請書" in texts[0] and "住民票の写し等交付申請書" not in texts[0]
    assert "住民票の写し等交付申請書" in texts[1] and "提出用" in texts[1]
    assert "戸籍証明書等請求書" in texts[2] and "住民票の写し等交付申請書" not in texts[2]
    alone = PdfReader(io.BytesIO(packet.parts["sample"])).pages
    assert len(alone) == 1 and "提出用" in alone[0].extract_text()


def test_unknown_form_and_empty_choice(forms) -> None:  # noqa: ANN001
    with pytest.raises(InputError, match="no such form"):
        render_packet(make_resident(1), ["nope"], forms)
    with pytest.raises(InputError):
        render_packet(make_resident(1), [], forms)


def test_grid_for_calibration(forms, tmp_path: Path) -> None:  # noqa: ANN001
    data, _, _ = render_form(None, forms["kazei"], grid=True)
    pdf = tmp_path / "grid.pdf"
    pdf.write_bytes(data)
    numbers = {w.text for w in words_by_page(pdf)[0]}
    assert {"50", "100", "200", "290"} <= numbers


def test_template_kept_blank_when_no_resident(forms, tmp_path: Path) -> None:  # noqa: ANN001
    data, pages, _ = render_form(None, forms["jumin_ido"])
    assert pages[0].placed == []
    pdf = tmp_path / "blank.pdf"
    pdf.write_bytes(data)
    assert "住民異動届" in _squash("".join(w.text for w in words_by_page(pdf)[0]))


def test_dump_form_output_is_loadable(tmp_path: Path) -> None:
    write_form(tmp_path, dump_form(MINIMAL))
    assert "sample" in load_forms(tmp_path)


def test_move_out_swaps_the_addresses(forms) -> None:  # noqa: ANN001
    resident = make_resident(10, members=0, children=0)
    resident.new_address, resident.new_postal_code = "大阪府大阪市北区梅田一丁目1番1号", "530-0001"
    _, pages, _ = render_form(resident, forms["jumin_ido"], {"ido_kind": "転出"}, today=TODAY)
    placed = {p.field_id: p.value for p in pages[0].placed}
    assert placed["new_address"] == to_full_width("大阪府大阪市北区梅田一丁目1番1号")
    assert placed["new_postal"] == "5300001"
    assert placed["old_address"].startswith(to_full_width(resident.address))
    assert placed["ido_kind"] == "転出"


def test_kana_field_refuses_non_kana(forms) -> None:  # noqa: ANN001
    resident = make_resident(12, members=0, children=0)
    resident.given_name_kana = "花子"
    _, pages, outcome = render_form(resident, forms["inkan_toroku"], ANSWERS, today=TODAY)
    assert "kana" not in {p.field_id for p in pages[0].placed}
    assert [p.key for p in outcome.problems] == ["kana"]
    resident.given_name_kana = "ﾊﾅｺ"  # half-width katakana is widened, not refused
    _, pages, outcome = render_form(resident, forms["inkan_toroku"], ANSWERS, today=TODAY)
    assert next(p for p in pages[0].placed if p.field_id == "kana").value.endswith("ハナコ")


def test_western_date_and_right_aligned_digits(tmp_path: Path) -> None:
    write_form(tmp_path, mutated(lambda d: d["pages"][0]["fields"].extend([
        {"id": "born", "kind": "date", "source": "resident.birth_date", "date_style": "western",
         "box": [20, 80, 60, 10]},
        {"id": "phone_boxes", "kind": "digits", "digits": 11, "align": "right", "source": "resident.phone",
         "box": [20, 100, 88, 8]}])))
    form = load_forms(tmp_path)["sample"]
    resident = make_resident(13)
    resident.birth_date, resident.phone = "1989-01-08", "03-1234-5678"
    data, pages, outcome = render_form(resident, form, {}, today=TODAY)
    placed = {p.field_id: p for p in pages[0].placed}
    assert placed["born"].value == "1989年1月8日"
    assert placed["phone_boxes"].value == "0312345678" and outcome.problems == []
    pdf = tmp_path / "digits.pdf"
    pdf.write_bytes(data)
    digits = words_in(words_by_page(pdf)[0], placed["phone_boxes"].box)
    cell = 88 / 11
    assert digits and min(w.box[0] for w in digits) > 20 + cell  # ten digits in eleven boxes, filled from the right
