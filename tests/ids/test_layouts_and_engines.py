"""Layouts as validated data, the two OCR engines, and the card finder's geometry."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from madoguchi.errors import ConfigError
from madoguchi.ids import card as card_module
from madoguchi.ids.layouts import load_layout, load_layouts
from madoguchi.ids.model import DocumentType
from madoguchi.ids.ocr import PytesseractEngine, TesserocrEngine, create_engine
from tests.data import cards
from tests.support.requirements import require_executable


def test_every_supported_document_has_a_valid_layout() -> None:
    layouts = load_layouts()
    assert set(layouts) == {DocumentType.MYNUMBER_CARD, DocumentType.DRIVERS_LICENSE, DocumentType.RESIDENCE_CARD,
                            DocumentType.PASSPORT}
    for layout in layouts.values():
        assert layout.title is not None
        for spec in layout.fields:
            x0, x1, y0, y1 = spec.box
            assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1


@pytest.mark.parametrize(("text", "key"), [
    ("document_type: mynumber_card\nkeywords: [a]\nfields: {name: {box: [0.5, 0.1, 0, 1], kind: name_ja}}\n",
     "fields.name.box"),
    ("document_type: mynumber_card\nkeywords: [a]\nfields: {name: {box: [0, 1, 0, 1], kind: shoe_size}}\n",
     "fields.name.kind"),
    ("document_type: library_card\nkeywords: [a]\nfields: {name: {box: [0, 1, 0, 1], kind: name_ja}}\n",
     "document_type"),
    ("document_type: mynumber_card\nkeywords: [a]\nfields: {name: {box: [0, 1, 0, 1], kind: name_ja, anchor: X}}\n",
     "fields.name.anchor"),
])
def test_a_bad_layout_names_file_key_and_problem(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_layout(path)
    assert str(path) in raised.value.message_en and key in raised.value.message_en


def _date_line() -> np.ndarray:
    rng = random.Random(2)
    canvas = cards.Canvas(rng, 0.0, (255, 255, 255))
    canvas.text(0.05, 0.12, 0.22, "1986年12月06日", cards.GOTHIC[0], size_factor=0.8)
    image = canvas.finish()
    return image[int(0.05 * cards.H): int(0.35 * cards.H)]


def test_tesserocr_engine_reads_a_date_with_its_character_set() -> None:
    engine = create_engine("tesserocr")
    assert isinstance(engine, TesserocrEngine)
    result = engine.recognise(_date_line(), psm=7, whitelist="0123456789年月日")
    assert result.text.replace(" ", "") == "1986年12月06日"
    assert 0.5 < result.confidence <= 1.0
    engine.close()


def test_pytesseract_engine_reads_the_same_line() -> None:
    require_executable("tesseract", "tesseract-ocr")
    engine = PytesseractEngine()
    result = engine.recognise(_date_line(), psm=7)
    assert result.text.replace(" ", "") == "1986年12月06日"


def test_order_corners_puts_the_long_side_on_top() -> None:
    upright = np.array([[100, 100], [300, 100], [300, 418], [100, 418]], np.float32)  # a card standing on its end
    ordered = card_module._order_corners(upright)
    top = np.linalg.norm(ordered[1] - ordered[0])
    side = np.linalg.norm(ordered[3] - ordered[0])
    assert top > side
