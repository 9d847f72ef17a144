"""The neural (PP-OCR) reader on the real engine: the shared real specimens, cards that fill the
frame, small images, the Japanese forms of characters, and confidence that refuses what is wrong."""

from __future__ import annotations

import importlib.util
import json
import random
from dataclasses import replace
from datetime import date
from pathlib import Path

import cv2
import numpy as np
import pytest

from madoguchi.errors import ConfigError
from madoguchi.ids import errors
from madoguchi.ids.model import DocumentType
from madoguchi.ids.parse import clean
from madoguchi.ids.pipeline import IdReader
from madoguchi.ids.variants import japanese_forms, load_variants
from tests.data import cards

ROOT = Path(__file__).resolve().parents[2]
SPECIMENS = ROOT.parent / "shared" / "data" / "specimens"
#: the counter's threshold: a field at or above it is shown as sure
SURE = 0.8


@pytest.fixture(scope="module")
def reader() -> IdReader:
    built = IdReader("ppocr")
    yield built
    built.close()


def _truth() -> list[dict]:
    path = SPECIMENS / "truth.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _canon():  # noqa: ANN202 - the shared scorer's comparison, the one used on the unseen specimens
    spec = importlib.util.spec_from_file_location("score_ids", SPECIMENS.parents[1] / "tools" / "score_ids.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.canon


def _score(reading, truth: dict) -> list[tuple[str, bool, float]]:
    """(field, right, confidence) for every field of the truth, the document type included."""
    canon = _canon()
    results = []
    for name, value in truth.items():
        if name in ("file", "condition", "source"):
            continue
        if name == "document_type":
            results.append((name, reading.document_type.value == value, 1.0))
            continue
        found = reading.fields.get(name)
        got = found.value if found else None
        results.append((name, canon(name, value) == canon(name, got), found.confidence if found else 0.0))
    return results


needs_specimens = pytest.mark.skipif(not _truth(), reason=f"the shared specimens are not at {SPECIMENS}")


@needs_specimens
@pytest.mark.parametrize("truth", _truth(), ids=lambda t: t["file"])
def test_each_real_specimen_reads(reader: IdReader, truth: dict) -> None:
    reading = reader.read(SPECIMENS / truth["file"])
    results = _score(reading, truth)
    wrong = [name for name, right, _ in results if not right]
    # at most one field of a card wrong, and never the document type
    assert "document_type" not in wrong
    assert len(wrong) <= 1, wrong


@needs_specimens
def test_real_specimens_accuracy_and_trustworthy_confidence(reader: IdReader) -> None:
    results = [r for truth in _truth() for r in _score(reader.read(SPECIMENS / truth["file"]), truth)]
    fields = [r for r in results if r[0] != "document_type"]
    accuracy = sum(right for _, right, _ in results) / len(results)
    sure = [r for r in fields if r[2] >= SURE]
    wrong_but_sure = [r for r in sure if not r[1]]
    assert accuracy >= 0.95
    assert len(sure) / len(fields) >= 0.85
    assert len(wrong_but_sure) / len(fields) <= 0.005


def _right(reading, truth: dict[str, str]) -> float:
    return sum(1 for name, value in truth.items()
               if name in reading.fields and clean(reading.fields[name].value) == clean(value)) / len(truth)


@pytest.mark.parametrize("kind", ["drivers_license", "mynumber_card", "residence_card"])
def test_card_filling_the_whole_frame(reader: IdReader, kind: str) -> None:
    """A scanner's auto-crop: the image is the card, no background, no outline to find."""
    card, truth = cards.render_card(kind, random.Random(5100 + len(kind)))
    tight = cv2.resize(card, (675, 425), interpolation=cv2.INTER_AREA)
    reading = reader.read(tight, source="tight")
    assert reading.document_type.value == kind
    assert _right(reading, truth) >= 0.8


@pytest.mark.parametrize("kind", ["mynumber_card", "drivers_license"])
def test_small_image_of_375_pixels(reader: IdReader, kind: str) -> None:
    """A phone picture sent small: the card with a thin margin of desk, 375 pixels wide."""
    card, truth = cards.render_card(kind, random.Random(5201 + len(kind)))
    framed = cv2.copyMakeBorder(card, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=(90, 90, 90))
    small = cv2.resize(framed, (375, round(375 * framed.shape[0] / framed.shape[1])), interpolation=cv2.INTER_AREA)
    reading = reader.read(small, source="small")
    assert reading.document_type.value == kind
    assert _right(reading, truth) >= 0.6


@pytest.mark.parametrize(("kind", "condition", "seed"), [
    ("drivers_license", "camera", 5301), ("mynumber_card_2026", "camera", 5302), ("residence_card", "scan", 5303),
    ("passport", "scan", 5304), ("mynumber_card", "scan", 5305),
])
def test_generated_captures(reader: IdReader, kind: str, condition: str, seed: int) -> None:
    sample = cards.generate_sample(seed, kind, condition)
    reading = reader.read(sample.encoded(), source=kind)
    assert reading.document_type.value == sample.document_type
    assert _right(reading, sample.truth) >= 0.8
    wrong_but_sure = [name for name, value in sample.truth.items() if name in reading.fields
                      and reading.fields[name].confidence >= SURE and clean(reading.fields[name].value) != clean(value)]
    assert not wrong_but_sure


def test_upside_down_card(reader: IdReader) -> None:
    sample = cards.generate_sample(5401, "drivers_license", "scan", upside_down=True)
    reading = reader.read(sample.encoded(), source="turned")
    assert reading.document_type is DocumentType.DRIVERS_LICENSE
    assert _right(reading, sample.truth) >= 0.8


def test_a_date_that_cannot_be_is_never_sure(reader: IdReader) -> None:
    """A birth date in the future is read as printed, but the card's dates contradict it: it
    is reported below the counter's threshold rather than as sure."""
    rng = random.Random(5501)
    person = replace(cards.make_person(rng), birth=date(date.today().year + 3, 4, 1))
    card, truth = cards.render_mynumber(rng, person, design_2026=True, jitter=0.0)
    reading = reader.read(card, source="future")
    assert clean(reading.fields["birth_date"].value) == clean(truth["birth_date"])
    assert reading.fields["birth_date"].confidence < SURE


def test_no_card_and_two_cards_are_refused_with_a_reason(reader: IdReader) -> None:
    with pytest.raises(errors.CardNotFound):
        reader.read(cards.no_card_capture(5601), source="empty desk")
    with pytest.raises(errors.TwoCardsInView):
        reader.read(cards.two_cards_capture(5602), source="two")


def test_unsupported_card_is_unknown_with_a_warning(reader: IdReader) -> None:
    reading = reader.read(cards.unsupported_card(5701), source="point card")
    assert reading.document_type is DocumentType.UNKNOWN
    assert reading.warnings


def test_broken_image_is_a_clear_error(reader: IdReader, tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    with pytest.raises(errors.ImageUnreadable):
        reader.read(broken)


# --- the Japanese forms of characters --------------------------------------------------------


def test_chinese_forms_become_japanese_only_where_certain() -> None:
    assert japanese_forms("性别男") == "性別男"
    assert japanese_forms("在留期間（满了日）") == "在留期間（満了日）"
    assert japanese_forms("合和06年") == "令和06年"
    assert japanese_forms("メゾン八イツ202号") == "メゾンハイツ202号"
    # 八 between kanji stays a kanji; a character JIS X 0208 has is never replaced (叶 is a name kanji)
    assert japanese_forms("八王子市") == "八王子市"
    assert japanese_forms("叶 花子") == "叶 花子"


def test_simplified_character_in_a_name_is_not_sure(reader: IdReader) -> None:
    from madoguchi.ids.layouts import FieldSpec
    from madoguchi.ids.textlines import _interpret

    candidate = _interpret(FieldSpec("name", (0, 1, 0, 1), "name_ja"), "奋号花子", 0.99)
    assert not candidate.valid  # 奋 is not a Japanese character: the clerk must look


def test_variant_table_errors_name_the_file_and_entry(tmp_path: Path) -> None:
    bad = tmp_path / "variants.yaml"
    bad.write_text("simplified:\n  叶: 葉\n", encoding="utf-8")  # 叶 is in JIS X 0208: never certain
    with pytest.raises(ConfigError) as raised:
        load_variants(bad)
    assert str(bad) in raised.value.message_en and "叶" in raised.value.message_en


def test_engine_models_come_from_the_installed_package() -> None:
    from madoguchi.ids.ppocr import model_files

    files = model_files()
    assert all(path is not None and path.is_file() and "site-packages" in str(path) for path in files.values())
    assert np.all([path.suffix == ".onnx" for path in files.values()])
