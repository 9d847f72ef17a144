"""Reading a field by a vote over differently prepared reads, and the repairs that go with it:
a date put together from its parts, a cut glyph of the neighbouring field dropped, numerals
and building words OCR gets one dot wrong."""

from __future__ import annotations

import numpy as np
import pytest

from madoguchi.ids import fields
from madoguchi.ids.address import check_address, city_of, tidy
from madoguchi.ids.layouts import FieldSpec
from madoguchi.ids.ocr import OcrEngine, Recognition

DATE = FieldSpec("birth_date", (0.3, 0.6, 0.3, 0.4), "date", "date_western")


class ScriptedEngine(OcrEngine):
    """Answers each recognition with the next of a script (text, confidence) and counts calls:
    the vote's own logic is what is under test here, the real engine is in the other tests."""

    name = "scripted"

    def __init__(self, script: list[tuple[str, float]]) -> None:
        self.script = list(script)
        self.calls = 0

    def recognise(self, image, *, lang="jpn", psm=7, whitelist="", words=False, symbols=False) -> Recognition:  # noqa: ANN001
        text, confidence = self.script[min(self.calls, len(self.script) - 1)]
        self.calls += 1
        return Recognition(text, confidence)


def _line_image() -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]]]:
    grey = np.full((40, 200), 255, np.uint8)
    grey[12:28, 20:180:12] = 0  # something ink-like on one line
    crop = np.dstack([grey] * 3)
    return crop, grey, [(12, 28)]


def test_two_agreeing_reads_end_the_vote() -> None:
    crop, grey, bands = _line_image()
    engine = ScriptedEngine([("1985年3月1日", 0.9), ("1985年3月1日", 0.8), ("1986年3月1日", 0.9)])
    best, _ = fields._vote(engine, crop, grey, bands, DATE)
    assert best.value == "1985-03-01"
    assert engine.calls == 2
    assert best.confidence == pytest.approx(0.9)


def test_one_confident_read_alone_is_not_trusted() -> None:
    crop, grey, bands = _line_image()
    # the first read is confident and wrong; the others agree on another value
    engine = ScriptedEngine([("1986年3月1日", 0.95), ("1985年3月1日", 0.7), ("1985年3月1日", 0.7)])
    best, _ = fields._vote(engine, crop, grey, bands, DATE)
    assert best.value == "1985-03-01"
    assert "1986-03-01" in best.alternatives
    # the reads disagreed: reported less sure than its best read
    assert best.confidence < 0.7


def test_no_read_valid_gives_the_most_confident_invalid_one() -> None:
    crop, grey, bands = _line_image()
    engine = ScriptedEngine([("年月", 0.2), ("1985年", 0.4), ("年", 0.1)])
    best, _ = fields._vote(engine, crop, grey, bands, DATE)
    assert not best.valid
    assert engine.calls == len(fields.VARIANTS)


def test_date_put_together_from_parts_when_no_two_reads_agree() -> None:
    crop, grey, bands = _line_image()
    # each read lost something different (the 1 of the month, the 2 of the year, the day)
    script = [("035年10月15日", 0.4), ("2035年0月15日", 0.4), ("2035年10月3日", 0.3), ("2035年10月15", 0.3),
              ("035年1月15日", 0.3), ("20351", 0.1), ("年10月", 0.2), ("2035年", 0.2)]
    best, _ = fields._vote(ScriptedEngine(script), crop, grey, bands, DATE)
    assert best.value == "2035-10-15"
    assert best.extra == {"read_by_parts": True}
    assert best.confidence < 0.6  # always shown as unsure


def test_date_by_parts_never_overrules_a_valid_read_it_contradicts() -> None:
    crop, grey, bands = _line_image()
    # one valid read (01-10); the invalid ones lean to month 10, which no valid read has
    script = [("1957年1月10日", 0.5), ("957年10月10日", 0.2), ("1957年10月0日", 0.2), ("57年10月10日", 0.2),
              ("1957年10月", 0.2), ("1957年月10日", 0.2), ("年10月10日", 0.2), ("1957年10月1", 0.2)]
    best, _ = fields._vote(ScriptedEngine(script), crop, grey, bands, DATE)
    assert fields._date_by_parts(script).value == "1957-10-10"
    assert best.value == "1957-01-10"
    assert not (best.extra or {}).get("read_by_parts")


@pytest.mark.parametrize(("text", "parts"), [
    ("昭和28年1月45日", {"year": 1953, "month": 1}),
    ("2030年(令和12年)01月15日まで有効", {"year": 2030, "month": 1, "day": 15}),
    ("令和元年5月1日", {"year": 2019, "month": 5, "day": 1}),
    ("13月32日", {}),
])
def test_date_parts(text: str, parts: dict) -> None:
    assert fields.date_parts(text) == parts


def test_a_cut_glyph_at_the_crop_edge_is_dropped() -> None:
    height = 30
    # a narrow fragment at column 0–5, a gap, then the text from column 30 to 200
    columns = np.array([*range(0, 6), *range(30, 200)])
    assert fields._drop_edge_fragments(columns, 240, height) == (30, 199)
    # a fragment at the right edge too
    columns = np.array([*range(10, 150), *range(230, 240)])
    assert fields._drop_edge_fragments(columns, 240, height) == (10, 149)
    # a character well inside the crop is never dropped, however narrow
    columns = np.array([*range(8, 12), *range(30, 200)])
    assert fields._drop_edge_fragments(columns, 240, height) == (8, 199)


@pytest.mark.parametrize(("read", "printed"), [
    ("長野県長野市七二会己上丁目28番4号", "長野県長野市七二会己七丁目28番4号"),  # 七 read as 上
    ("茨城県龍ケ崎市長山2』目30番地10", "茨城県龍ケ崎市長山2丁目30番地10"),  # 丁 read as 』
    ("北海道沙流郡日高町若葉町8-8ーオサンライズ山田802号", "北海道沙流郡日高町若葉町8-8-4サンライズ山田802号"),
    ("静岡県焼津市道原４－１７ーユ", "静岡県焼津市道原４－１７－１"),
    ("岩手県奥州市水沢向田8-9-24コーボ青葉901号", "岩手県奥州市水沢向田8-9-24コーポ青葉901号"),
])
def test_misread_numerals_and_building_words(read: str, printed: str) -> None:
    assert tidy(read) == printed


def test_a_kana_before_a_digit_after_a_dash_stays_unsure() -> None:
    # ３－１－１３ read as 3ーュ1-13: ュ may be the 1 or a piece of the dash; not guessed
    assert "ュ" in tidy("愛知県瀬戸市福元町3ーュ1-13")


def test_a_missing_chome_number_is_a_problem() -> None:
    candidate = fields._address_candidate("兵庫県姫路市大塩町宮前丁目14番14号", 0.9)
    assert not candidate.valid
    assert "丁目" in candidate.problem
    assert fields._address_candidate("兵庫県姫路市大塩町宮前二丁目14番14号", 0.9).valid


def test_city_of_a_misread_address() -> None:
    place = city_of("千葉県千葉市稲モ区田町1キー4-19")
    assert place is not None
    prefecture, city, towns = place
    assert (prefecture, city) == ("千葉県", "千葉市稲毛区")
    assert "轟町" in towns
    assert city_of("ーーー") is None
    assert check_address("千葉県千葉市稲毛区轟町1-4-19").entry is not None


def test_two_cities_fitting_a_misread_name_are_told_apart_by_the_town() -> None:
    # 柏 read as 析: 析市 is one character from both 柏市 and 旭市; only 柏市 has あけぼの
    check = check_address("千葉県析市あけぼの8丁目20番地9")
    assert check.value == "千葉県柏市あけぼの8丁目20番地9"
    assert check.corrected
    assert check.entry is not None and check.entry.city == "柏市"
