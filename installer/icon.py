"""Draw Madoguchi's app icon: ``python installer/icon.py``.

The SVG below is the source (a window — 窓 — above a counter — 口); the PNG and the
Windows ICO are rendered from it with Qt's SVG renderer, so all three always agree.
Writes resources/icons/madoguchi.svg, madoguchi.png (256 px), madoguchi-<n>.png and madoguchi.ico.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)

SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <title>Madoguchi 窓口</title>
  <rect x="8" y="8" width="240" height="240" rx="48" fill="#1d4f91"/>
  <!-- 窓: a window with four panes -->
  <rect x="60" y="40" width="136" height="112" rx="10" fill="#e6f0fb" stroke="#ffffff" stroke-width="10"/>
  <path d="M128 40 V152 M60 96 H196" stroke="#ffffff" stroke-width="10"/>
  <!-- someone at the window -->
  <circle cx="128" cy="98" r="17" fill="#1d4f91"/>
  <path d="M94 147 Q94 121 128 121 Q162 121 162 147 Z" fill="#1d4f91"/>
  <!-- 口: the counter -->
  <rect x="36" y="170" width="184" height="30" rx="9" fill="#f4a340"/>
  <rect x="70" y="200" width="16" height="28" rx="4" fill="#f4a340"/>
  <rect x="170" y="200" width="16" height="28" rx="4" fill="#f4a340"/>
</svg>
"""


def render_png(svg: bytes, size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(["icon", "-platform", "offscreen"])
    renderer = QSvgRenderer(QByteArray(svg))
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


def main() -> int:
    from PIL import Image

    ICONS.mkdir(parents=True, exist_ok=True)
    (ICONS / "madoguchi.svg").write_text(SVG, encoding="utf-8")
    svg = SVG.encode("utf-8")
    images = {}
    for size in sorted(set(PNG_SIZES) | set(ICO_SIZES)):
        images[size] = render_png(svg, size)
        if size in PNG_SIZES:
            (ICONS / f"madoguchi-{size}.png").write_bytes(images[size])
    (ICONS / "madoguchi.png").write_bytes(images[256])
    largest = Image.open(io.BytesIO(images[256]))
    frames = [Image.open(io.BytesIO(images[size])) for size in ICO_SIZES]
    largest.save(ICONS / "madoguchi.ico", format="ICO", sizes=[(s, s) for s in ICO_SIZES], append_images=frames)
    print(f"wrote {ICONS.relative_to(ROOT)}/madoguchi.svg, .png, -<n>.png, .ico")
    return 0


if __name__ == "__main__":
    sys.exit(main())
