"""The visit as a draft payload and back: enough to resume exactly, nothing derived, no images.

The payload is plain JSON; the caller encrypts it (:mod:`madoguchi.privacy.drafts`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from madoguchi.counter.check import SPEC_BY_NAME, FieldState
from madoguchi.errors import InputError
from madoguchi.visit import Resident, Visit


@dataclass
class FlowState:
    """What is saved as a draft."""

    visit: dict[str, Any] = field(default_factory=dict)
    step: str = "who"
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    ticket_label: str = ""
    new_address: dict[str, str] = field(default_factory=dict)
    forms_added: list[str] = field(default_factory=list)
    forms_removed: list[str] = field(default_factory=list)
    document_type: str = ""


def encode(state: FlowState) -> bytes:
    return json.dumps(asdict(state), ensure_ascii=False).encode("utf-8")


def decode(payload: bytes) -> tuple[FlowState, Visit, dict[str, FieldState]]:
    """The saved state, its visit and its fields; InputError (nothing changed) when it cannot be read."""
    try:
        state = FlowState(**json.loads(payload.decode("utf-8")))
        visit_data = dict(state.visit)
        resident = Resident.from_json(visit_data.pop("resident") or {}, "draft")
        visit = Visit(**visit_data, resident=resident)
        fields = {name: FieldState(**{**values, "box": tuple(values["box"]) if values.get("box") else None})
                  for name, values in state.fields.items() if name in SPEC_BY_NAME}
    except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
        raise InputError("保存された来庁データを読めません。破棄してください。",
                         f"the saved visit cannot be read ({exc.__class__.__name__}); discard it.") from exc
    return state, visit, fields
