"""The targeted second looks: the block number after the town read with the characters it is
printed with, the trailing noise after 号, and a validated value the engine scored 0."""

from __future__ import annotations

import pytest

from madoguchi.ids.address import tidy
from madoguchi.ids.fields import _BLOCK_FORM, _building_part, _groups
from madoguchi.ids.parse import clean
from madoguchi.ids.pipeline import IdReader
from tests.data import cards


@pytest.fixture(scope="module")
def reader() -> IdReader:
    reader = IdReader("tesserocr")
    yield reader
    reader.close()


def test_noise_and_a_stray_digit_after_the_final_go_are_dropped() -> None:
    assert tidy("富山県富山市水橋堅田二丁目1番11号1ピ") == "富山県富山市水橋堅田二丁目1番11号"


def test_building_name_starts_at_two_characters_that_are_no_numbers() -> None:
    assert _building_part("１－５－５コーポ第二６０２号") == "コーポ第二６０２号"
    # kana misread from a digit (エ for １) next to a dash is no building
    assert _building_part("エー１３－３") == ""
    assert _building_part("八丁目１４番６号") == ""


def test_a_second_reading_may_not_drop_a_number_the_first_saw() -> None:
    assert _groups("3ーュユー13") == 3 > _groups("3-13")
    assert _groups("エー13-3") == _groups("1-13-3")


@pytest.mark.parametrize("block", ["1-13-3", "五丁目13番14号", "3丁目30番地18", "12番地3", "9番16号"])
def test_block_number_forms(block: str) -> None:
    assert _BLOCK_FORM.fullmatch(block)


@pytest.mark.parametrize("block", ["9番16号2", "エ-13-3", "1-", ""])
def test_not_block_number_forms(block: str) -> None:
    assert not _BLOCK_FORM.fullmatch(block)


@pytest.mark.slow
@pytest.mark.parametrize(("seed", "kind", "condition"), [
    (3062, "drivers_license", "scan"),  # mincho １ read as ユ: 4-17ーユ1 without the second look
    (3096, "mynumber_card", "camera"),  # 八丁目 read as 私丁目 without it
])
def test_block_number_with_full_width_digits_is_read_again(reader: IdReader, seed: int, kind: str,
                                                             condition: str) -> None:
    sample = cards.generate_sample(seed, kind, condition)
    address = reader.read(sample.encoded()).fields["address"]
    assert clean(address.value) == clean(sample.truth["address"])
    assert address.valid


@pytest.mark.slow
def test_residence_card_number_scored_zero_by_the_engine_keeps_a_confidence(reader: IdReader) -> None:
    # Tesseract scores YR07437587JG 0 as a word (its Y is unsure) although it is right
    sample = cards.generate_sample(3113, "residence_card", "scan")
    number = reader.read(sample.encoded()).fields["document_number"]
    assert number.value == sample.truth["document_number"]
    assert number.confidence >= 0.3
