"""Kana suggestions (フリガナ) for a resident — always unconfirmed until the clerk accepts them.

ID cards print no reading. Names are read with pykakasi's dictionary (name readings are
often unusual, so a suggestion is only a starting point); the address reading comes from
the postal data's town readings (``madoguchi.postal``).

How "never print an unconfirmed reading" works: :func:`apply_suggestions` writes a suggestion
into the resident *and* lists its path in ``Resident.kana_unconfirmed``; the renderer
(:mod:`madoguchi.forms.render`) leaves every field that depends on a listed path blank and
reports it, unless the caller passes ``print_unconfirmed_kana=True``. :func:`confirm_kana`
(the clerk accepts or corrects a reading) removes the path. Kana that arrive with the record
(typed by the clerk, or a JSON file) are not listed, so they print.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from madoguchi.forms.text import is_kana, to_katakana
from madoguchi.visit import Resident

NAME_PAIRS = (("family_name", "family_name_kana"), ("given_name", "given_name_kana"))


@dataclass(frozen=True)
class KanaSuggestion:
    path: str  # e.g. "family_name_kana", "members[1].given_name_kana", "address_kana"
    value: str  # katakana
    source: str  # "pykakasi" | "postal" | "kana" (the text was kana already)
    confirmed: bool = False


@cache
def _kakasi() -> Any:
    import pykakasi

    return pykakasi.kakasi()


def reading(text: str) -> str:
    """The katakana reading of ``text`` by dictionary (pykakasi)."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return ""
    if is_kana(text):
        return to_katakana(text)
    return "".join(part["kana"] for part in _kakasi().convert(text)).replace(" ", "")


def address_reading(address: str) -> str:
    """The reading of the address's prefecture, city and town from the postal data ("" if unknown)."""
    from madoguchi import postal

    entry = postal.find_by_address(address)
    if entry is None or (not entry.town_kana and not entry.city_kana):
        return ""
    kana = entry.prefecture_kana + entry.city_kana + entry.town_kana
    return to_katakana(unicodedata.normalize("NFKC", kana))


def suggest_kana(resident: Resident) -> dict[str, KanaSuggestion]:
    """Suggestions for every name (the resident's and the members') and the address, by path."""
    suggestions: dict[str, KanaSuggestion] = {}
    people: list[tuple[str, Any]] = [("", resident)] + [(f"members[{i}].", m) for i, m in enumerate(resident.members)]
    for prefix, person in people:
        for name_attr, kana_attr in NAME_PAIRS:
            name = getattr(person, name_attr)
            if name:
                source = "kana" if is_kana(name) else "pykakasi"
                suggestions[prefix + kana_attr] = KanaSuggestion(prefix + kana_attr, reading(name), source)
    if resident.address:
        value = address_reading(resident.address)
        if value:
            suggestions["address_kana"] = KanaSuggestion("address_kana", value, "postal")
    return suggestions


def _target(resident: Resident, path: str) -> tuple[Any, str]:
    if path.startswith("members["):
        index_text, attr = path[len("members["):].split("].", 1)
        return resident.members[int(index_text)], attr
    return resident, path


def apply_suggestions(resident: Resident, suggestions: dict[str, KanaSuggestion], *,
                      overwrite: bool = False) -> list[str]:
    """Write suggestions into empty kana fields (all with ``overwrite``), marking each unconfirmed.
    Returns the paths written."""
    written = []
    for path, suggestion in suggestions.items():
        owner, attr = _target(resident, path)
        if getattr(owner, attr) and not overwrite:
            continue
        setattr(owner, attr, suggestion.value)
        if not suggestion.confirmed and path not in resident.kana_unconfirmed:
            resident.kana_unconfirmed.append(path)
        written.append(path)
    return written


def confirm_kana(resident: Resident, path: str, value: str | None = None) -> None:
    """The clerk accepted (or, with ``value``, corrected) the reading at ``path``."""
    owner, attr = _target(resident, path)
    if value is not None:
        setattr(owner, attr, to_katakana(value.strip()))
    if path in resident.kana_unconfirmed:
        resident.kana_unconfirmed.remove(path)


def unconfirmed(resident: Resident) -> list[str]:
    return list(resident.kana_unconfirmed)


def suggest_postal_code(resident: Resident) -> str:
    """The postal code of the resident's address from the postal data ("" if not found)."""
    from madoguchi import postal

    entry = postal.find_by_address(resident.address) if resident.address else None
    return entry.postal_code if entry else ""
