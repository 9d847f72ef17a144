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

import cv2
import numpy as np

from madoguchi.ids import card as card_module
from madoguchi.ids import errors, parse
from madoguchi.ids.capture import intake
from madoguchi.ids.classify import classify
from madoguchi.ids.fields import CHARSETS, clean_crop, extract_fields, to_pixels
from madoguchi.ids.layouts import Anchor, Layout, load_layouts
from madoguchi.ids.model import DocumentType, Field, IdReading
from madoguchi.ids.ocr import OcrEngine, create_engine
from madoguchi.ids.ppocr import PpocrEngine
from madoguchi.ids.textlines import UNSURE_CAP, classify_lines, passport_name_seen, read_fields

log = logging.getLogger(__name__)

__all__ = ["IdReader", "read_id"]


class IdReader:
    """Reads ID documents from images. Construct once (the engine loads once), call ``read`` per image."""

    def __init__(self, engine_name: str = "ppocr", *, engine: OcrEngine | None = None,
                 layouts: dict[DocumentType, Layout] | None = None, tessdata: Path | None = None) -> None:
        self._tessdata = tessdata
        self.neural: PpocrEngine | None = None
        if engine is None and engine_name == "ppocr":
            self.neural = PpocrEngine()
            self._tesseract: OcrEngine | None = None
            self.engine: OcrEngine = self.neural
        else:
            self.engine = engine or create_engine(engine_name, tessdata)
            self._tesseract = self.engine
        self.layouts = layouts or load_layouts()
        self._lock = threading.Lock()

    @property
    def tesseract(self) -> OcrEngine:
        """Tesseract, loaded on first use beside the neural engine (the passport's MRZ)."""
        if self._tesseract is None:
            self._tesseract = create_engine("tesserocr", self._tessdata)
        return self._tesseract

    def close(self) -> None:
        self.engine.close()
        if self._tesseract is not None and self._tesseract is not self.engine:
            self._tesseract.close()

    def read(self, image: bytes | Path | str | np.ndarray, source: str = "") -> IdReading:
        """Read one capture. Raises ImageUnreadable, ImageTooLarge, CardNotFound or TwoCardsInView
        (all InputError) for captures that cannot be read; an unsupported card gives a reading of
        type ``unknown`` with a warning naming the supported documents."""
        if not source:
            source = str(image) if isinstance(image, (str, Path)) else "<image>"
        started = time.perf_counter()
        with self._lock:
            try:
                reading = self._read(image, source)
            except cv2.error as exc:
                # an image OpenCV cannot process is a bad capture, never a crash of the batch
                log.warning("OpenCV refused a capture: %s", type(exc).__name__)
                raise errors.image_unreadable(source, "画像を処理できません", "the image cannot be processed") from None
        log.debug("read %s as %s in %.3f s", "capture", reading.document_type.value, time.perf_counter() - started)
        return reading

    def _read(self, image: bytes | Path | str | np.ndarray, source: str) -> IdReading:
        image = intake(image, source)  # regular files only, byte and pixel caps, accepted formats only
        if self.neural is not None:
            return self._read_lines(self.neural, image, source)
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
            _require_sex_on_old_design(reading)
        for name, found in reading.fields.items():
            if not found.valid:
                reading.warnings.append(f"{name}: {found.problem}")
        return reading

    # --- the neural reader --------------------------------------------------------------------

    def _read_lines(self, engine: PpocrEngine, image: bytes | Path | str | np.ndarray, source: str) -> IdReading:
        """Card found and flattened where its outline shows, else the whole image is the card
        (a scanner's auto-crop, a tight photo); classified by what is printed; fields anchored
        on their printed labels."""
        capture = card_module.load_image(image, source)
        try:
            outline = card_module.find_card_outline(capture)
        except errors.CardNotFound as exc:
            outline, not_found = None, exc
        else:
            not_found = None
        views: list[tuple[np.ndarray, np.ndarray | None]] = []
        if outline is not None:
            views.append((card_module.warp_card(capture, outline), outline))
        views.append((card_module.whole_frame(capture), None))
        document_type, face, lines, used = DocumentType.UNKNOWN, views[0][0], [], outline
        for view, view_outline in views:
            for turned in (False, True):
                candidate = card_module.rotate_180(view) if turned else view
                kind, found = _classified_lines(engine, candidate)
                if kind is not DocumentType.UNKNOWN:
                    document_type, face, lines = kind, candidate, found
                    used = view_outline if view_outline is None or not turned else np.roll(view_outline, 2, axis=0)
                    break
            if document_type is not DocumentType.UNKNOWN:
                break
        if document_type is DocumentType.UNKNOWN and not_found is not None:
            raise not_found
        reading = IdReading(source=source, document_type=document_type, card_image=face,
                            outline=tuple((float(x), float(y)) for x, y in used) if used is not None else None)
        if document_type is DocumentType.UNKNOWN:
            reading.warnings.append(errors.unsupported_document().message_ja)
            return reading
        layout = self.layouts[document_type]
        if document_type is DocumentType.PASSPORT:
            reading.fields = self._read_mrz(card_module.to_card_size(face), layout)
            name = reading.fields.get("name")
            if name is not None and name.confidence >= MRZ_CHECKED and not passport_name_seen(name.value, lines):
                name.confidence = UNSURE_CAP
        else:
            reading.fields = read_fields(engine, face, lines, layout)
            missing = [spec.name for spec in layout.fields if not spec.optional and spec.name not in reading.fields]
            if missing and used is not None:
                # an outline inside the card (a frame of the license's table) cut fields off:
                # the whole image may hold them
                whole = views[-1][0]
                kind, whole_lines = _classified_lines(engine, whole)
                if kind is document_type:
                    _take_better(reading.fields, read_fields(engine, whole, whole_lines, layout))
            _require_sex_on_old_design(reading)
        for name, found_field in reading.fields.items():
            if not found_field.valid:
                reading.warnings.append(f"{name}: {found_field.problem}")
        return reading

    # --- anchors ------------------------------------------------------------------------------

    def _anchor_offsets(self, face: np.ndarray, layout: Layout) -> dict[str, tuple[float, float, float]]:
        """Where each printed label really is relative to its prior: (dx, dy, right edge) as card fractions.

        One recognition of the label column gives every label's position (word boxes); a label
        that is not found keeps the prior (offset 0)."""
        if not layout.anchors:
            return {}
        x0 = min(a.box[0] for a in layout.anchors)
        x1 = max(a.box[1] for a in layout.anchors)
        offsets: dict[str, tuple[float, float, float]] = {}
        left, top, width, height = to_pixels((x0, x1, 0.0, 1.0))
        grey = clean_crop(face[top:top + height, left:left + width])
        result = self.engine.recognise(grey, lang="jpn", psm=11, words=True)
        for anchor in layout.anchors:
            offsets[anchor.label] = _locate_label(anchor, result.words, left, top)
        return offsets

    # --- passport -----------------------------------------------------------------------------

    def _read_mrz(self, face: np.ndarray, layout: Layout) -> dict[str, Field]:
        import cv2

        from madoguchi.ids.fields import binarise

        spec = next(f for f in layout.fields if f.kind == "mrz")
        x, y, w, h = to_pixels(spec.box)
        grey = clean_crop(face[y:y + h, x:x + w])
        best: parse.MrzData | None = None
        confidence = 0.0
        box = (x, y, w, h)
        # check digits do not cover the names: read until two readings agree, else take the most common
        names: list[str] = []
        for variant in (0, 1, 2):
            # MRZ characters read best at about 20 px high: the card face prints them larger
            image = cv2.resize(grey, None, fx=0.7, fy=0.7, interpolation=cv2.INTER_AREA) if variant != 1 else grey
            if variant == 2:
                image = binarise(image)
            result = self.tesseract.recognise(image, lang="eng", psm=6, whitelist=CHARSETS["mrz"])
            lines = [re.sub(r"[^A-Z0-9<]", "", line.upper()) for line in result.text.splitlines()]
            lines = [line for line in lines if len(line) >= 30]
            if len(lines) < 2:
                continue
            try:
                data = parse.parse_mrz(fix_mrz_line1(lines[-2]), fix_mrz_line2(lines[-1]))
            except parse.ParseError:
                continue
            names.append(f"{data.surname} {data.given_names}".strip())
            if best is None or len(data.failed_checks) < len(best.failed_checks):
                best, confidence = data, result.confidence
            if not data.failed_checks and len(names) >= 2 and names[-1] == names[-2]:
                break
        if best is None:
            return {"document_number": Field("", 0.0, box, valid=False, problem="the MRZ could not be read")}
        problem = ("MRZ check digit failed: " + ", ".join(best.failed_checks)) if best.failed_checks else ""

        def field(value: str, name: str) -> Field:
            # a check digit that holds is independent evidence: the value is sure
            ok = name not in best.failed_checks and "composite" not in best.failed_checks
            return Field(value, round(MRZ_CHECKED if ok else confidence * 0.5, 3), box, valid=ok,
                         problem="" if ok else problem)

        name = max(names, key=names.count)
        fields = {
            # no check digit covers the name: sure only when two reads agree
            "name": Field(name, round(MRZ_CHECKED if names.count(name) > 1 else confidence * 0.6, 3), box),
            "nationality": field(best.nationality, "composite"),
            "birth_date": field(best.birth_date.isoformat(), "birth_date"),
            "expiry_date": field(best.expiry_date.isoformat(), "expiry_date"),
            "document_number": field(best.document_number, "document_number"),
        }
        if best.sex:
            fields["sex"] = field(best.sex, "composite")
        return fields


#: how far down the card (fraction of its height) each document's fields reach: lines below are
#: not recognised (the license's category table, the My Number card's organ-donation print),
#: which halves the recognition work on a card
_FIELDS_REACH = {DocumentType.MYNUMBER_CARD: 0.5, DocumentType.DRIVERS_LICENSE: 0.8, DocumentType.PASSPORT: 0.8}


def _take_better(fields: dict[str, Field], others: dict[str, Field]) -> None:
    """Each field from the reading that has it valid and more confidently. (Boxes of fields
    taken from the other view are in its coordinates; they are dropped.)"""
    for name, other in others.items():
        mine = fields.get(name)
        if mine is None or (other.valid, other.confidence) > (mine.valid, mine.confidence):
            other.box = None
            fields[name] = other


def _classified_lines(engine: PpocrEngine, face: np.ndarray) -> tuple[DocumentType, list]:
    """The document type and the lines its fields need. The upper half of the card is read
    first (every document prints its title or labels there); the rest only as far as that
    document's fields reach, or all of it when the upper half did not tell the document."""
    height = face.shape[0]
    quads = engine.detect(face)
    upper = [q for q in quads if q[:, 1].mean() < 0.5 * height]
    lines = engine.read_boxes(face, upper)
    kind, _score = classify_lines(lines)
    reach = _FIELDS_REACH.get(kind, 1.0) * height
    rest = [q for q in quads if 0.5 * height <= q[:, 1].mean() < reach]
    lines += engine.read_boxes(face, rest)
    if kind is DocumentType.UNKNOWN:
        kind, _score = classify_lines(lines)
    return kind, lines


#: the confidence of an MRZ value whose check digit holds
MRZ_CHECKED = 0.93

_TO_DIGIT = str.maketrans({"O": "0", "D": "0", "Q": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "B": "8", "G": "6",
                           "C": "0"})
_TO_LETTER = str.maketrans({"0": "O", "1": "I", "2": "Z", "5": "S", "8": "B", "6": "G"})
_COUNTRIES = ("JPN", "USA", "CHN", "KOR", "PRK", "VNM", "PHL", "IDN", "NPL", "THA", "MMR", "BRA", "PER", "IND", "LKA",
              "BGD", "PAK", "MNG", "KHM", "MYS", "GBR", "FRA", "DEU", "CAN", "AUS", "RUS", "TWN", "UTO")


def _nearest_country(code: str) -> str:
    if code in _COUNTRIES:
        return code
    close = [c for c in _COUNTRIES if sum(a != b for a, b in zip(code, c)) == 1]
    if "JPN" in close:  # the reader is for Japanese counters: most passports are Japanese
        return "JPN"
    return close[0] if len(close) == 1 else code


def fix_mrz_line1(line: str) -> str:
    """Line 1 of a TD3 MRZ, 44 characters: 'P', type, issuing state, then the names and fillers.
    The filler ``<`` is often read as C, L or K: a run of them after the names is filler."""
    line = line[:44].ljust(44, "<")
    head = "P" + line[1] + _nearest_country(line[2:5].translate(_TO_LETTER))
    names = line[5:].translate(_TO_LETTER)
    names = re.sub(r"(?<=[A-Z])[CLK]{0,2}<[<CLK]*$", lambda m: "<" * len(m.group(0)), names)
    names = re.sub(r"[<CLK]{3,}$", lambda m: "<" * len(m.group(0)), names)
    if head.endswith("JPN"):
        # Japanese names in Hepburn end in a vowel or N: a final D/Q is an O, a final T an I
        names = re.sub(r"[A-Z]+", lambda m: _japanese_name_end(m.group(0)), names)
    return head + names


def _japanese_name_end(name: str) -> str:
    return name[:-1] + {"D": "O", "Q": "O", "T": "I"}.get(name[-1], name[-1]) if len(name) > 1 else name


def fix_mrz_line2(line: str) -> str:
    """Line 2 by position: digits where only digits may stand, letters in the nationality."""
    line = line[:44].ljust(44, "<")
    nationality = _nearest_country(line[10:13].translate(_TO_LETTER))
    sex = line[20] if line[20] in "MF<" else "<"
    fixed = (line[0:9] + line[9].translate(_TO_DIGIT) + nationality + line[13:20].translate(_TO_DIGIT) + sex
             + line[21:28].translate(_TO_DIGIT) + line[28:42] + line[42:44].translate(_TO_DIGIT))
    return _repair_number(fixed)


def _repair_number(line: str) -> str:
    """Try the usual look-alike swaps in the document number until its check digit agrees."""
    number, digit = line[0:9], line[9]
    if not digit.isdigit() or parse.mrz_check_digit(number.replace("<", "<")) == int(digit):
        return line
    swaps = {"0": "O", "O": "0", "1": "I", "I": "1", "5": "S", "S": "5", "8": "B", "B": "8", "2": "Z", "Z": "2",
             "D": "0", "Q": "0"}
    for index, ch in enumerate(number):
        if ch in swaps:
            candidate = number[:index] + swaps[ch] + number[index + 1:]
            if parse.mrz_check_digit(candidate) == int(digit):
                return candidate + line[9:]
    return line


def _locate_label(anchor: Anchor, words: tuple, left: int, top: int) -> tuple[float, float, float]:
    """(dx, dy, right edge) of a printed label found among the recognised words, as card
    fractions; (0, 0, -1) when it is not found (the prior stands)."""
    from madoguchi.ids.card import CARD_HEIGHT, CARD_WIDTH

    prior_y = (anchor.box[2] + anchor.box[3]) / 2
    best: tuple[float, float, float] | None = None
    for text, _confidence, (wx, wy, ww, wh) in words:
        compact = parse.clean(text)
        hits = sum(ch in compact for ch in anchor.label)
        if not compact or hits / len(anchor.label) < 0.5 or hits < len(compact) / 2:
            continue
        cy = (top + wy + wh / 2) / CARD_HEIGHT
        distance = abs(cy - prior_y)
        if distance > 0.05:
            continue
        # when only the start of the label was read: square glyphs, one per character
        right = left + wx + ww if anchor.label[-1] in compact else left + wx + wh * 1.05 * len(anchor.label)
        if best is None or distance < best[0]:
            best = (distance, cy - prior_y, right / CARD_WIDTH)
    if best is None:
        return (0.0, 0.0, -1.0)
    return (0.0, max(-0.04, min(0.04, best[1])), best[2])


def _require_sex_on_old_design(reading: IdReading) -> None:
    """The My Number card issued until 2026 prints sex and an era birth date; the 2026 design
    neither. When the era date is there but sex could not be read, say so instead of leaving
    the field out as if the card did not carry it."""
    if reading.document_type is not DocumentType.MYNUMBER_CARD or "sex" in reading.fields:
        return
    birth = reading.fields.get("birth_date")
    raw = str(birth.extra.get("printed", "")) if birth else ""
    if birth is not None and re.search(r"明治|大正|昭和|平成|令和", raw):
        reading.fields["sex"] = Field("", 0.0, None, valid=False, problem="sex could not be read")


_default_reader: IdReader | None = None
_default_lock = threading.Lock()


def read_id(image: bytes | Path | str | np.ndarray, source: str = "", engine_name: str = "ppocr") -> IdReading:
    """Read with a process-wide reader (created on first use)."""
    global _default_reader
    with _default_lock:
        if _default_reader is None:
            _default_reader = IdReader(engine_name)
    return _default_reader.read(image, source)
