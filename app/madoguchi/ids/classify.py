"""Which document is this, and which way up?

The top band of the card face (and the bottom band, for a passport's MRZ) is recognised once
at a reduced scale and matched against each layout's keywords; when nothing matches, the card is
tried turned by 180°. Keywords are matched loosely (most of their characters, in order) since
the band is read without a character set.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from madoguchi.ids.card import rotate_180
from madoguchi.ids.fields import clean_crop, remove_rules, scale_to_height, text_bands
from madoguchi.ids.layouts import Layout
from madoguchi.ids.model import DocumentType
from madoguchi.ids.ocr import OcrEngine
from madoguchi.ids.parse import clean


@dataclass(frozen=True)
class Classification:
    document_type: DocumentType
    upside_down: bool
    score: float
    text: str = ""


def _keyword_score(text: str, keyword: str) -> float:
    """1.0 when the keyword is in the text; partial credit when most of its characters appear in order."""
    if keyword in text:
        return 1.0
    if len(keyword) < 3 or keyword.isascii():
        return 0.0
    position, hits = 0, 0
    for ch in keyword:
        found = text.find(ch, position)
        if found >= 0:
            hits += 1
            position = found + 1
    share = hits / len(keyword)
    return share if share >= 0.6 else 0.0


def _title_scores(engine: OcrEngine, card: np.ndarray, layouts: dict[DocumentType, Layout]) -> tuple[dict, str]:
    """Each layout's score: its title region recognised, matched against its keywords."""
    from madoguchi.ids.fields import to_pixels

    scores: dict[DocumentType, float] = {}
    texts = []
    for layout in layouts.values():
        if layout.title is None:
            continue
        x, y, w, h = to_pixels(layout.title.box)
        # darkest channel: coloured titles (the My Number card's is red) stay dark, pastel patterns light
        grey = remove_rules(clean_crop(card[y:y + h, x:x + w], colour_text=True))
        bands = [b for b in text_bands(grey) if b[1] - b[0] < 0.6 * h][:4]
        if layout.title.psm == 6 or not bands:
            text = engine.recognise(grey, lang=layout.title.lang, psm=6).text
        else:
            parts = []
            for top, bottom in bands:
                pad = max(2, (bottom - top) // 5)
                line = scale_to_height(grey[max(0, top - pad): bottom + pad], 36)
                parts.append(engine.recognise(line, lang=layout.title.lang, psm=7).text)
            text = "".join(parts)
        text = clean(text).upper()
        texts.append(text)
    # the title regions overlap: score every layout on everything read
    pooled = " / ".join(texts)
    for document_type, layout in layouts.items():
        if layout.title is not None:
            scores[document_type] = sum(_keyword_score(pooled, k.upper()) for k in layout.title.keywords)
    return scores, pooled


SIGNATURE_SHAPE = (20, 32)  # rows, columns of the ink-density grid
SIGNATURES = Path(__file__).resolve().parent / "layouts" / "signatures.json"


def layout_signature(card: np.ndarray) -> np.ndarray:
    """Where the ink is on the card face, as a small zero-mean unit-norm grid.

    Text, photo, bands and rules sit in the same places on every card of a type, whatever
    the font, the person or the security pattern, so the grid tells the type and which way up
    the card lies without any OCR."""
    import cv2

    grey = clean_crop(card, colour_text=True)
    ink = (grey < 150).astype(np.float32)
    grid = cv2.resize(ink, SIGNATURE_SHAPE[::-1], interpolation=cv2.INTER_AREA)
    grid = np.sqrt(grid)  # the dense photo must not drown the text lines
    grid -= grid.mean()
    norm = float(np.linalg.norm(grid))
    return grid / norm if norm > 0 else grid


@lru_cache(maxsize=2)
def load_signatures(path: Path = SIGNATURES) -> dict[DocumentType, np.ndarray]:
    """The mean signature of each document type (built by tests/data/build_signatures.py; JSON so
    that it ships as package data like the layouts)."""
    import json

    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {DocumentType(name): np.asarray(grid, dtype=np.float32).reshape(SIGNATURE_SHAPE) for name, grid in data.items()}


def signature_scores(card: np.ndarray) -> dict[tuple[DocumentType, bool], float]:
    """Correlation of the card's signature with each type's, upright and turned 180°."""
    signature = layout_signature(card)
    turned = signature[::-1, ::-1]
    scores = {}
    for document_type, template in load_signatures().items():
        scores[(document_type, False)] = float((signature * template).sum())
        scores[(document_type, True)] = float((turned * template).sum())
    return scores


#: a signature this close to a type's decides without OCR
SIGNATURE_SURE = 0.45
#: below this the signature says nothing; the title text decides alone
SIGNATURE_WEAK = 0.2


def classify(engine: OcrEngine, card: np.ndarray, layouts: dict[DocumentType, Layout]) -> tuple[Classification, np.ndarray]:
    """The document type and the card the right way up (turned 180° if it was upside down).

    The ink layout decides when it is clear; otherwise the title regions are read (upright,
    then turned) and their keywords decide, with the layout as a tie-breaker."""
    scores = {key: value for key, value in signature_scores(card).items() if key[0] in layouts}
    if scores:
        (document_type, upside_down), score = max(scores.items(), key=lambda item: item[1])
        ranked = sorted(scores.values(), reverse=True)
        margin = ranked[0] - ranked[1] if len(ranked) > 1 else ranked[0]
        if score >= SIGNATURE_SURE and margin >= 0.15:
            face = rotate_180(card) if upside_down else card
            return Classification(document_type, upside_down, score, "layout"), face
    best: tuple[Classification, np.ndarray] | None = None
    for upside_down in (False, True):
        face = rotate_180(card) if upside_down else card
        title_scores, text = _title_scores(engine, face, layouts)
        combined = {t: title_scores.get(t, 0.0) + max(0.0, scores.get((t, upside_down), 0.0)) for t in layouts}
        document_type, score = max(combined.items(), key=lambda item: item[1])
        keyword_hits = title_scores.get(document_type, 0.0)
        sure = keyword_hits >= 1.0 or (keyword_hits > 0 and scores.get((document_type, upside_down), 0) >= SIGNATURE_WEAK)
        result = Classification(document_type if sure else DocumentType.UNKNOWN, upside_down, score if sure else 0.0,
                                text)
        if best is None or result.score > best[0].score:
            best = (result, face)
    assert best is not None
    return best
