"""Japanese forms of the characters the neural recogniser returns in their Chinese form.

The table is data (``variants.yaml``); this module applies it only where the Japanese form is
certain: a simplified character that JIS X 0208 lacks cannot be printed on a Japanese card, so
its Japanese form is what the card shows; a kanji that looks like a katakana is that katakana
only beside another katakana; fixed phrases (合和 → 令和) can only be one thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from madoguchi.datafile import load_yaml
from madoguchi.errors import ConfigError

VARIANTS_FILE = Path(__file__).with_name("variants.yaml")
_SECTIONS = ("simplified", "katakana", "phrases")
_KATAKANA = "\u30a1-\u30fa\u30fc"


@dataclass(frozen=True)
class VariantTable:
    simplified: dict[str, str]
    katakana: dict[str, str]
    phrases: dict[str, str]


def in_jis_x0208(char: str) -> bool:
    """Whether a character can be printed from JIS X 0208 (what every Japanese card's font has)."""
    try:
        char.encode("shift_jis")
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=4)
def load_variants(path: Path = VARIANTS_FILE) -> VariantTable:
    """The table, validated; raises ConfigError naming the file, the section and the entry."""
    where = str(path)
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"文字の対応表 {where} を読めません: {exc}", f"cannot read the variant table {where}: {exc}") from exc
    if not isinstance(data, dict) or set(data) - set(_SECTIONS):
        raise ConfigError(f"{where}: 項目は {', '.join(_SECTIONS)} だけです",
                          f"{where}: the only sections are {', '.join(_SECTIONS)}")
    sections: dict[str, dict[str, str]] = {}
    for section in _SECTIONS:
        entries = data.get(section) or {}
        if not isinstance(entries, dict):
            raise ConfigError(f"{where}: {section} は「文字: 文字」の対応にしてください",
                              f"{where}: {section} must map text to text")
        for source, target in entries.items():
            bad = not isinstance(source, str) or not isinstance(target, str) or not source or not target
            if not bad and section != "phrases":
                bad = len(source) != 1 or len(target) != 1
            if not bad and section == "simplified":
                bad = in_jis_x0208(source) or not in_jis_x0208(target)
            if bad:
                raise ConfigError(
                    f"{where}: {section} の {source!r}: {target!r} が正しくありません（simplified は JIS X 0208 にない1文字 → "
                    "JIS X 0208 の1文字、katakana は1文字 → 1文字）",
                    f"{where}: {section} entry {source!r}: {target!r} is invalid (simplified: one character outside "
                    "JIS X 0208 → one inside it; katakana: one character → one character)")
        sections[section] = dict(entries)
    return VariantTable(**sections)


def japanese_forms(text: str, table: VariantTable | None = None) -> str:
    """``text`` with the table's certain replacements made."""
    table = table or load_variants()
    for source, target in table.phrases.items():
        text = text.replace(source, target)
    text = "".join(table.simplified.get(char, char) if not in_jis_x0208(char) else char for char in text)
    if table.katakana:
        lookalikes = re.escape("".join(table.katakana))
        pattern = re.compile(rf"(?<=[{_KATAKANA}])[{lookalikes}]|[{lookalikes}](?=[{_KATAKANA}])")
        text = pattern.sub(lambda m: table.katakana[m.group(0)], text)
    return text
