"""Write the demo's sample cards and camera clip: ``python -m tests.data.demo_samples``.

Synthetic cards of made-up people (tests/data/cards.py, fixed seeds), so a newcomer can try the
counter in ``madoguchi demo`` without hunting for an image: resources/samples/ holds a scanned
My Number card, driver's licence and residence card, and a short clip of a card held under a
document camera (MJPG .avi, which OpenCV reads on every platform).
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2

from tests.data.cards import generate_sample

ROOT = Path(__file__).resolve().parent.parent.parent
OUT = ROOT / "resources" / "samples"
#: (file, seed, kind): seeds whose cards the reader reads cleanly (checked by tests/ui/counter)
CARDS = (("mynumber_card.jpg", 11, "mynumber_card"), ("drivers_license.jpg", 5, "drivers_license"),
         ("residence_card.jpg", 7, "residence_card"))
CLIP = "camera.avi"
CLIP_SEED = 11


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, seed, kind in CARDS:
        sample = generate_sample(seed, kind, "scan", upside_down=False)
        cv2.imwrite(str(OUT / name), sample.capture, [cv2.IMWRITE_JPEG_QUALITY, 88])  # a scanner's JPEG
    frame = generate_sample(CLIP_SEED, "mynumber_card", "camera", upside_down=False).capture
    writer = cv2.VideoWriter(str(OUT / CLIP), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (frame.shape[1], frame.shape[0]))
    writer.set(cv2.VIDEOWRITER_PROP_QUALITY, 70)
    for _ in range(12):  # a card held still for a little over a second
        writer.write(frame)
    writer.release()
    print("\n".join(f"{p.name} {p.stat().st_size // 1024} KiB" for p in sorted(OUT.iterdir())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
