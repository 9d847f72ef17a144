"""Reading produced PDFs back with poppler (pdftotext -bbox, pdffonts, pdftoppm)."""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.support.requirements import require_executable

PT_PER_MM = 72.0 / 25.4
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)


@dataclass(frozen=True)
class Word:
    text: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in mm from the top-left

    @property
    def centre(self) -> tuple[float, float]:
        return ((self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2)


def words_by_page(pdf: Path) -> list[list[Word]]:
    require_executable("pdftotext", "poppler-utils")
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in _PAGE.findall(out):
        pages.append([Word(html.unescape(m[4]), tuple(float(v) / PT_PER_MM for v in m[:4]))  # type: ignore[misc]
                      for m in _WORD.findall(page)])
    return pages


def fonts(pdf: Path) -> list[dict[str, str]]:
    require_executable("pdffonts", "poppler-utils")
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
    rows = []
    for line in out[2:]:
        parts = line.split()
        # name type [type2] encoding emb sub uni id gen: read from the right
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def render_png(pdf: Path, target_stem: Path, *, page: int = 1, dpi: int = 100) -> Path:
    require_executable("pdftoppm", "poppler-utils")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf),
                    str(target_stem)], check=True)
    return target_stem.with_suffix(".png")


def words_in(words: list[Word], box: tuple[float, float, float, float]) -> list[Word]:
    x, y, w, h = box
    found = [word for word in words if x <= word.centre[0] <= x + w and y <= word.centre[1] <= y + h]
    # reading order: lines top to bottom (centres within 1.5 mm are one line), then left to right
    return sorted(found, key=lambda word: (round(word.centre[1] / 1.5), word.centre[0]))


def inside(word: Word, box: tuple[float, float, float, float], tolerance: float = 0.4) -> bool:
    x, y, w, h = box
    x0, y0, x1, y1 = word.box
    return x0 >= x - tolerance and y0 >= y - tolerance and x1 <= x + w + tolerance and y1 <= y + h + tolerance
