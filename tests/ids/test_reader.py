"""The reader with the real Tesseract on small generated captures, and every bad input."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from madoguchi.cli import main as cli_main
from madoguchi.errors import InputError
from madoguchi.ids import errors
from madoguchi.ids.model import DocumentType
from madoguchi.ids.parse import clean
from madoguchi.ids.pipeline import IdReader
from tests.data import cards


@pytest.fixture(scope="module")
def reader() -> IdReader:
    built = IdReader("tesserocr")
    yield built
    built.close()


def _share_right(reading, truth: dict[str, str]) -> float:
    right = sum(1 for name, value in truth.items()
                if name in reading.fields and clean(reading.fields[name].value) == clean(value))
    return right / len(truth)


# seeds of the tuning set (1xxx); the benchmark measures on 7xxx
CASES = [
    ("mynumber_card", "scan", 1105), ("mynumber_card_2026", "scan", 1125), ("drivers_license", "scan", 1135),
    ("residence_card", "scan", 1145), ("passport", "scan", 1155), ("mynumber_card", "camera", 1107),
    ("drivers_license", "camera", 1137), ("passport", "camera", 1157),
]


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "condition", "seed"), CASES)
def test_reads_generated_cards(reader: IdReader, kind: str, condition: str, seed: int, results_dir: Path) -> None:
    sample = cards.generate_sample(seed, kind, condition, upside_down=False)
    reading = reader.read(sample.encoded(), source=f"{kind}-{condition}")
    assert reading.document_type.value == sample.document_type
    assert reading.card_image is not None and reading.card_image.shape[:2] == (638, 1012)
    assert reading.outline is not None and len(reading.outline) == 4
    for found in reading.fields.values():
        assert 0.0 <= found.confidence <= 1.0
        if found.box is not None:
            x, y, w, h = found.box
            assert 0 <= x < 1012 and 0 <= y < 638 and w > 0 and h > 0
    share = _share_right(reading, sample.truth)
    (results_dir / f"ids-{kind}-{condition}.json").write_text(
        json.dumps({"truth": sample.truth, "read": reading.to_json(), "share": share}, ensure_ascii=False, indent=1),
        encoding="utf-8")
    assert share >= 0.6, (sample.truth, reading.to_json())


@pytest.mark.slow
def test_upside_down_card_is_turned_and_read(reader: IdReader) -> None:
    sample = cards.generate_sample(1165, "mynumber_card", "scan", upside_down=True)
    reading = reader.read(sample.encoded())
    assert reading.document_type is DocumentType.MYNUMBER_CARD
    assert _share_right(reading, sample.truth) >= 0.6


def test_empty_file(reader: IdReader, tmp_path: Path) -> None:
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    with pytest.raises(errors.ImageUnreadable, match="empty"):
        reader.read(path)


def test_missing_file_and_not_an_image(reader: IdReader, tmp_path: Path) -> None:
    with pytest.raises(errors.ImageUnreadable, match="does not exist"):
        reader.read(tmp_path / "missing.png")
    text = tmp_path / "notes.jpg"
    text.write_text("not an image at all", encoding="utf-8")
    with pytest.raises(errors.ImageUnreadable, match="not an image"):
        reader.read(text)


def test_truncated_jpeg(reader: IdReader) -> None:
    sample = cards.generate_sample(1171, "drivers_license", "camera")
    data = cards.encode_jpeg(sample.capture)
    with pytest.raises(errors.ImageUnreadable, match=r"truncated|corrupt"):
        reader.read(data[: len(data) // 2])


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def test_50_megapixel_images_are_refused_or_reduced_with_bounded_memory(reader: IdReader) -> None:
    # a 50-megapixel PNG is refused from its header alone (nothing decoded)
    with pytest.raises(errors.ImageTooLarge, match="too large"):
        reader.read(_png_header_only(8660, 5774))
    with pytest.raises(errors.ImageTooLarge, match="too large"):
        reader.read(_png_header_only(20000, 10000))
    # a 50-megapixel JPEG photo is decoded at a quarter scale by libjpeg and read
    sample = cards.generate_sample(1173, "mynumber_card", "camera", upside_down=False)
    big = cv2.resize(sample.capture, (8660, 5774) if sample.capture.shape[1] > sample.capture.shape[0] else (5774, 8660),
                     interpolation=cv2.INTER_LINEAR)
    data = cards.encode_jpeg(big, 80)
    del big
    reading = reader.read(data)
    assert reading.document_type is DocumentType.MYNUMBER_CARD


def test_no_card(reader: IdReader) -> None:
    with pytest.raises(errors.CardNotFound, match="no card"):
        reader.read(cards.encode_jpeg(cards.no_card_capture(3)))


def test_two_cards(reader: IdReader) -> None:
    with pytest.raises(errors.TwoCardsInView, match="two or more cards"):
        reader.read(cards.encode_jpeg(cards.two_cards_capture(4)))


def test_unsupported_card_gives_unknown_with_the_supported_list(reader: IdReader) -> None:
    reading = reader.read(cards.encode_jpeg(cards.unsupported_card(6)))
    assert reading.document_type is DocumentType.UNKNOWN
    assert reading.fields == {}
    assert any("マイナンバーカード" in warning for warning in reading.warnings)


def test_bad_inputs_are_input_errors() -> None:
    for error_type in (errors.ImageUnreadable, errors.ImageTooLarge, errors.CardNotFound, errors.TwoCardsInView):
        assert issubclass(error_type, InputError)


def test_array_input(reader: IdReader) -> None:
    with pytest.raises(errors.ImageUnreadable):
        reader.read(np.zeros((2, 2, 5), np.uint8))


@pytest.mark.slow
def test_cli_read_id_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sample = cards.generate_sample(1181, "residence_card", "scan", upside_down=False)
    good = cards.write_sample(sample, tmp_path, "card")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    code = cli_main(["--lang", "en", "read-id", "--json", str(good), str(empty)])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    assert lines[0]["source"] == str(good)
    assert lines[0]["document_type"] == "residence_card"
    assert set(lines[0]["fields"]) <= {"name", "address", "birth_date", "sex", "expiry_date", "document_number",
                                       "nationality"}
    for found in lines[0]["fields"].values():
        assert {"value", "confidence", "box"} <= set(found)
    assert lines[1] == {"source": str(empty), "error": lines[1]["error"]}
    assert "empty" in lines[1]["error"]
    assert cli_main(["--lang", "en", "read-id", str(good)]) == 0
    assert "residence_card" in capsys.readouterr().out
