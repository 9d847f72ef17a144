"""Japanese text helpers for printing: full/half width, katakana/hiragana, line breaking.

Pure functions, no fonts: :mod:`madoguchi.forms.render` measures with the embedded font.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_HIRA_START, _HIRA_END = 0x3041, 0x3096
_KATA_OFFSET = 0x60

#: characters a line must not start with (行頭禁則, the common set)
NO_LINE_START = set("、。，．,.）)」』】〕〉》]｝}ー－-ゝゞ々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ・：；:;!！?？")
#: characters a line must not end with (行末禁則)
NO_LINE_END = set("（(「『【〔〈《[｛{")


_HALF_KANA = re.compile("[\uff61-\uff9f]+")


def _widen_half_kana(text: str) -> str:
    """Half-width katakana → full width (ｶﾞ → ガ), touching nothing else (NFKC would also turn
    the ideographic space into a plain one)."""
    return _HALF_KANA.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)


def to_full_width(text: str) -> str:
    """ASCII and half-width katakana → full width (``5丁目1-2`` → ``５丁目１－２``)."""
    text = _widen_half_kana(text)
    out = []
    for char in text:
        code = ord(char)
        if char == " ":
            out.append("\u3000")
        elif 0x21 <= code <= 0x7E:
            out.append(chr(code + 0xFEE0))
        else:
            out.append(char)
    return "".join(out)


def to_half_width(text: str) -> str:
    """Full-width ASCII (digits, letters, hyphens) → half width; kana stay full width."""
    out = []
    for char in text:
        code = ord(char)
        if char == "\u3000":
            out.append(" ")
        elif 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        elif char in "‐―−ー" and out and out[-1].isdigit():
            out.append("-")  # 1ー2 typed with the long-vowel mark between digits
        else:
            out.append(char)
    return "".join(out)


def to_katakana(text: str) -> str:
    text = _widen_half_kana(text)
    return "".join(chr(ord(c) + _KATA_OFFSET) if _HIRA_START <= ord(c) <= _HIRA_END else c for c in text)


def to_hiragana(text: str) -> str:
    text = _widen_half_kana(text)
    return "".join(chr(ord(c) - _KATA_OFFSET) if _HIRA_START + _KATA_OFFSET <= ord(c) <= _HIRA_END + _KATA_OFFSET
                   else c for c in text)


def is_kana(text: str) -> bool:
    """True when ``text`` is only kana (either script), the long-vowel mark, spaces and dots."""
    allowed = set(" \u3000・ー")
    return all(c in allowed or _HIRA_START <= ord(c) <= 0x30FF for c in text)


def wrap_text(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (character by character, as Japanese
    is set), keeping 行頭/行末禁則 by moving one character down; explicit newlines are kept.
    A single character wider than ``width`` gives a line that does not fit (the caller checks)."""
    lines: list[str] = []
    widths: dict[str, float] = {}

    def char_width(char: str) -> float:
        if char not in widths:
            widths[char] = measure(char)
        return widths[char]

    # widths add up character by character (no kerning in the embedded fonts): linear time
    for paragraph in text.split("\n"):
        current: list[str] = []
        used = 0.0
        for char in paragraph:
            step = char_width(char)
            if current and used + step > width:
                if (char in NO_LINE_START and len(current) > 1) or (current[-1] in NO_LINE_END and len(current) > 1):
                    carried = current.pop()
                    lines.append("".join(current))
                    current, used = [carried, char], char_width(carried) + step
                else:
                    lines.append("".join(current))
                    current, used = [char], step
            else:
                current.append(char)
                used += step
        lines.append("".join(current))
    return lines
