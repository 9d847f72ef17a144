"""The result of reading an ID document, whatever the source (OCR or IC chip).

Plain data only: the visit and the UI know an :class:`IdReading`, never how it was made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class DocumentType(StrEnum):
    MYNUMBER_CARD = "mynumber_card"
    DRIVERS_LICENSE = "drivers_license"
    RESIDENCE_CARD = "residence_card"
    PASSPORT = "passport"
    UNKNOWN = "unknown"


#: the field names a reading may carry, in the order the counter screen shows them
FIELD_NAMES: tuple[str, ...] = (
    "name", "name_kana", "address", "birth_date", "sex", "expiry_date", "document_number",
    "nationality", "individual_number", "issue_date",
)

Box = tuple[int, int, int, int]  # x, y, w, h on the normalised card image


@dataclass
class Field:
    """One value read from a document.

    ``confidence`` is 0–1; ``box`` is where on the normalised card image the value was
    read (None for the IC chip); ``source`` is ``"ocr"`` or ``"ic"``; ``valid`` is False
    when the value failed validation (a date that does not exist, a bad check digit …),
    with ``problem`` saying why.
    """

    value: str
    confidence: float
    box: Box | None = None
    source: str = "ocr"
    valid: bool = True
    problem: str = ""
    #: alternatives the clerk may pick from (e.g. a second OCR reading, a family/given split)
    alternatives: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"value": self.value, "confidence": round(float(self.confidence), 3)}
        if self.box is not None:
            data["box"] = [int(v) for v in self.box]
        data["source"] = self.source
        if not self.valid:
            data["invalid"] = True
            data["problem"] = self.problem
        if self.alternatives:
            data["alternatives"] = list(self.alternatives)
        data.update(self.extra)
        return data


@dataclass
class IdReading:
    """What one document gave: its type, its fields and any warnings."""

    source: str
    document_type: DocumentType = DocumentType.UNKNOWN
    fields: dict[str, Field] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: the normalised card image (numpy BGR array) kept in memory only; never serialised
    card_image: Any = field(default=None, repr=False, compare=False)
    #: the outline of the card found in the original capture, as four (x, y) points
    outline: tuple[tuple[float, float], ...] | None = None

    def value(self, name: str, default: str = "") -> str:
        found = self.fields.get(name)
        return found.value if found else default

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "document_type": self.document_type.value,
            "fields": {name: f.to_json() for name, f in self.fields.items()},
            "warnings": list(self.warnings),
        }
