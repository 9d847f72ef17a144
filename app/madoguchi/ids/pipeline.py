"""The OCR reading pipeline: capture → card → type and orientation → fields → IdReading.

``IdReader`` loads the OCR engine once and reuses it for every card and field. One IdReader
may be used by ONE thread at a time (Tesseract's API object is not thread-safe); ``read`` holds
an internal lock, so calls from several threads are serialised rather than corrupted. The counter
UI keeps one reader and calls it from its background worker.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from pathlib import Path

import numpy as np

from madoguchi.ids import card as card_module
from madoguchi.ids import errors, parse
from madoguchi.ids.classify import classify
from madoguchi.ids.fields import CHARSETS, clean_crop, extract_fields, to_pixels
from madoguchi.ids.layouts import Anchor, Layout, load_layouts
from madoguchi.ids.model import DocumentType, Field, IdReading
from madoguchi.ids.ocr import OcrEngine, create_engine

log = logging.getLogger(__name__)

__all__ = ["IdReader", "read_id"]


class IdReader:
    """Reads ID documents from images. Construct once (the engine loads once), call ``read`` per image."""

    def __init__(self, engine_name: str = "tesserocr", *, engine: OcrEngine | None = None,
                 layouts: dict[DocumentType, Layout] | None = None, tessdata: Path | None = None) -> None:
        self.engine = engine or create_engine(engine_name, tessdata)
        self.layouts = layouts or load_layouts()
        self._lock = threading.Lock()

    def close(self) -> None:
        self.engine.close()

    def read(self, image: bytes | Path | str | np.ndarray, source: str = "") -> IdReading:
        """Read one capture. Raises ImageUnreadable, ImageTooLarge, CardNotFound or TwoCardsInView
        (all InputError) for captures that cannot be read; an unsupported card gives a reading of
        type ``unknown`` with a warning naming the supported documents."""
        if not source:
            source = str(image) if isinstance(image, (str, Path)) else "<image>"
        started = time.perf_counter()
        with self._lock:
            reading = self._read(image, source)
        log.debug("read %s as %s in %.3f s", "capture", reading.document_type.value, time.perf_counter() - started)
        return reading

    def _read(self, image: bytes | Path | str | np.ndarray, source: str) -> IdReading:
        capture = card_module.load_image(image, source)
        outline = card_module.find_card_outline(capture)
        assert outline is not None
        face = card_module.warp_card(capture, outline)
        classification, face = classify(self.engine, face, self.layouts)
        if classification.upside_down:
            outline = np.roll(outline, 2, axis=0)
        reading = IdReading(source=source, document_type=classification.document_type, card_image=face,
                            outline=tuple((float(x), float(y)) for x, y in outline))
        if classification.document_type is DocumentType.UNKNOWN:
            error = errors.unsupported_document()
            reading.warnings.append(error.message_ja)
            return reading
        layout = self.layouts[classification.document_type]
        if classification.document_type is DocumentType.PASSPORT:
            reading.fields = self._read_mrz(face, layout)
        else:
            offsets = self._anchor_offsets(face, layout)
            reading.fields = extract_fields(self.engine, face, layout, offsets)
        for name, found in reading.fields.items():
            if not found.valid:
                reading.warnings.append(f"{name}: {found.problem}")
        return reading

    # --- anchors ------------------------------------------------------------------------------

    def _anchor_offsets(self, face: np.ndarray, layout: Layout) -> dict[str, tuple[float, float]]:
        """Where each printed label really is relative to its prior: its (dx, dy) as card fractions.

        One recognition of the label column gives every label's position (word boxes); a label
        that is not found keeps the prior (offset 0)."""
        if not layout.anchors:
            return {}
        x0 = min(a.box[0] for a in layout.anchors)
        x1 = max(a.box[1] for a in layout.anchors)
        offsets: dict[str, tuple[float, float]] = {}
        left, top, width, height = to_pixels((x0, x1, 0.0, 1.0))
        grey = clean_crop(face[top:top + height, left:left + width])
        result = self.engine.recognise(grey, lang="jpn", psm=11, words=True)
        for anchor in layout.anchors:
            offsets[anchor.label] = _locate_label(anchor, result.words, left, top)
        return offsets

    # --- passport -----------------------------------------------------------------------------

    def _read_mrz(self, face: np.ndarray, layout: Layout) -> dict[str, Field]:
        spec = next(f for f in layout.fields if f.kind == "mrz")
        x, y, w, h = to_pixels(spec.box)
        grey = clean_crop(face[y:y + h, x:x + w])
        best: parse.MrzData | None = None
        lines: list[str] = []
        confidence = 0.0
        for scale in (1.0, 1.4):
            import cv2

            image = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC) if scale != 1 else grey
            result = self.engine.recognise(image, lang="eng", psm=6, whitelist=CHARSETS["mrz"])
            lines = [re.sub(r"[^A-Z0-9<]", "", line.upper()) for line in result.text.splitlines()]
            lines = [_fit_mrz_line(line) for line in lines if len(line) >= 30]
            if len(lines) >= 2:
                try:
                    data = parse.parse_mrz(lines[-2], lines[-1])
                except parse.ParseError:
                    continue
                if best is None or len(data.failed_checks) < len(best.failed_checks):
                    best, confidence = data, result.confidence
                if not data.failed_checks:
                    break
        box = (x, y, w, h)
        if best is None:
            return {"document_number": Field("", 0.0, box, valid=False, problem="the MRZ could not be read")}
        problem = ("MRZ check digit failed: " + ", ".join(best.failed_checks)) if best.failed_checks else ""
        valid = not best.failed_checks

        def field(value: str, name: str) -> Field:
            ok = valid or name not in best.failed_checks
            return Field(value, round(confidence if ok else confidence * 0.5, 3), box, valid=ok,
                         problem="" if ok else problem)

        fields = {
            "name": field(f"{best.surname} {best.given_names}".strip(), "composite"),
            "nationality": field(best.nationality, "composite"),
            "birth_date": field(best.birth_date.isoformat(), "birth_date"),
            "expiry_date": field(best.expiry_date.isoformat(), "expiry_date"),
            "document_number": field(best.document_number, "document_number"),
        }
        if best.sex:
            fields["sex"] = field(best.sex, "composite")
        return fields


def _fit_mrz_line(line: str) -> str:
    """44 characters: OCR drops or adds a filler or two at the end of a line."""
    if len(line) > 44:
        line = line[:44]
    line = line.ljust(44, "<")
    if line.startswith("P"):
        # the filler after the names is often read as L/K: a run of 3+ of them is filler
        line = re.sub(r"[LK<]{3,}$", lambda m: "<" * len(m.group(0)), line)
    return line


def _locate_label(anchor: Anchor, words: tuple, left: int, top: int) -> tuple[float, float]:
    from madoguchi.ids.card import CARD_HEIGHT, CARD_WIDTH

    prior_x = (anchor.box[0] + anchor.box[1]) / 2
    prior_y = (anchor.box[2] + anchor.box[3]) / 2
    best: tuple[float, float, float] | None = None
    for text, _confidence, (wx, wy, ww, wh) in words:
        compact = parse.clean(text)
        if not compact or not any(ch in compact for ch in anchor.label):
            continue
        share = sum(ch in compact for ch in anchor.label) / len(anchor.label)
        if share < 0.5:
            continue
        cx = (left + wx + ww / 2) / CARD_WIDTH
        cy = (top + wy + wh / 2) / CARD_HEIGHT
        distance = abs(cy - prior_y)
        if distance > 0.06:
            continue
        if best is None or distance < best[0]:
            best = (distance, cx - prior_x, cy - prior_y)
    if best is None:
        return (0.0, 0.0)
    return (0.0, max(-0.04, min(0.04, best[2])))


_default_reader: IdReader | None = None
_default_lock = threading.Lock()


def read_id(image: bytes | Path | str | np.ndarray, source: str = "", engine_name: str = "tesserocr") -> IdReading:
    """Read with a process-wide reader (created on first use)."""
    global _default_reader
    with _default_lock:
        if _default_reader is None:
            _default_reader = IdReader(engine_name)
    return _default_reader.read(image, source)
