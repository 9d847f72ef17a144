"""Build app/madoguchi/ids/layouts/signatures.json: each document type's mean ink-density grid.

Run: ``.venv/bin/python -m tests.data.build_signatures``. Uses seeds 3xxx of the card
generator (neither the tuning seeds 1xxx nor the benchmark's 7xxx), flat cards only; every
font, person and pattern variation averages out, the layout stays.
"""

from __future__ import annotations

import random

import numpy as np

from madoguchi.ids.card import CARD_HEIGHT, CARD_WIDTH
from madoguchi.ids.classify import SIGNATURES, layout_signature
from tests.data import cards

PER_KIND = 40


def build() -> dict[str, np.ndarray]:
    import cv2

    sums: dict[str, np.ndarray] = {}
    for index, kind in enumerate(cards.KINDS):
        document_type = "mynumber_card" if kind.startswith("mynumber") else kind
        for n in range(PER_KIND):
            rng = random.Random(3000 + index * 1000 + n)
            card, _truth = cards.render_card(kind, rng, jitter=0.02)
            card = cv2.resize(card, (CARD_WIDTH, CARD_HEIGHT), interpolation=cv2.INTER_AREA)
            signature = layout_signature(card)
            sums[document_type] = sums.get(document_type, 0) + signature
    result = {}
    for name, total in sums.items():
        mean = total - total.mean()
        result[name] = (mean / np.linalg.norm(mean)).astype(np.float32)
    return result


def save(signatures: dict[str, np.ndarray]) -> None:
    import json

    data = {name: [round(float(v), 5) for v in grid.ravel()] for name, grid in signatures.items()}
    SIGNATURES.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")


def main() -> None:
    signatures = build()
    save(signatures)
    print(f"wrote {SIGNATURES} ({', '.join(signatures)})")


if __name__ == "__main__":
    main()
