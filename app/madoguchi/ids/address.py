"""Checking and correcting an address read by OCR against Japan Post's data.

The prefecture, city and town of a printed address must exist and belong together. When OCR
got one of them slightly wrong (one or two characters), the nearest real name is put in its
place and the correction is reported; the rest of the address (numbers, building) is returned
as read, with dash look-alikes between numbers made dashes again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from madoguchi import postal

_DASH_LOOKALIKES = re.compile(r"(?<=[0-9０-９])[ー一二ニ‐—―−ｰ─\-－=]{1,3}(?=[0-9０-９])")
# a full-width ４ in mincho is often read as キ or オ before a dash
_FOUR_LOOKALIKE = re.compile(r"[キオ](?=[ー一‐—―−ｰ─\-－][0-9０-９])")
_LEGIT_ENDINGS = ("丁目", "番地", "番", "号", "階", "室", "棟")


@dataclass(frozen=True)
class AddressCheck:
    value: str  # the address to show (as printed, with corrections applied)
    entry: postal.PostalEntry | None
    corrected: bool
    problem: str = ""


def _distance(a: str, b: str) -> int:
    if a == b:
        return 0
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _best_prefix(text: str, names: list[str], max_errors: int) -> tuple[str, int] | None:
    """The name that best matches a prefix of ``text`` (length ±1), with the prefix length used."""
    best: tuple[float, int, str, int] | None = None  # score (longer and fewer errors first), errors, name, used
    for name in names:
        n = len(name)
        for used in (n, n - 1, n + 1):
            if used <= 0 or used > len(text):
                continue
            errors = _distance(text[:used], name)
            allowed = max_errors if n >= 3 else min(max_errors, 1 if n >= 2 else 0)
            score = -(n - 1.5 * errors)
            if errors <= allowed and (best is None or (score, errors) < (best[0], best[1])):
                best = (score, errors, name, used)
    return (best[2], best[3]) if best else None


def tidy(text: str) -> str:
    """Whitespace removed, dash look-alikes between numbers → the dash of the digits' width,
    and a stray character or two after the final number (noise of the pattern) dropped."""
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"(?<=[0-9０-９－\-])了", "7", text)  # a mincho ７ read as 了
    text = _FOUR_LOOKALIKE.sub(lambda m: "４" if re.search(r"[０-９]", text) else "4", text)
    text = _DASH_LOOKALIKES.sub(lambda m: "－" if re.match(r"[０-９]", text[m.start() - 1]) else "-", text)
    tail = re.search(r"(?<=[0-9０-９号])([^0-9０-９号]{1,2})$", text)
    if tail and not any(text.endswith(ending) for ending in _LEGIT_ENDINGS):
        text = text[: tail.start()]
    return text


def check_address(text: str) -> AddressCheck:
    """Validate (and where needed correct) the prefecture, city and town of an OCR'd address."""
    value = tidy(text)
    if not value:
        return AddressCheck("", None, False, "empty address")
    exact = postal.split_address(value)
    corrected = _correct(value)
    # a longer real town one character away beats a shorter exact one (三本木 vs 三本木桑折)
    if exact is not None and exact[2] and (
            corrected is None or corrected[1] is None or len(corrected[1].town) <= len(exact[2])):
        return AddressCheck(value, postal.find_by_address(value), False)
    if corrected is not None:
        fixed, fixed_entry = corrected
        return AddressCheck(fixed, fixed_entry, fixed != value)
    entry = postal.find_by_address(value)
    if entry is not None:
        problem = "" if not postal.towns_of(entry.prefecture, entry.city) else "the town was not found in the postal data"
        return AddressCheck(value, entry, False, problem)
    return AddressCheck(value, None, False, "the prefecture and city were not found in the postal data")


def _correct(value: str) -> tuple[str, postal.PostalEntry] | None:
    """Nearest real prefecture → city → town at the start of ``value``; None if nothing is near."""
    prefecture = _best_prefix(value, list(postal.PREFECTURES), 1)
    if prefecture is None:
        found = _city_anywhere(value)
        if found is None:
            return None
        pref_name, city_name, used = found
    else:
        pref_name, used = prefecture
        rest = value[used:]
        city = _best_prefix(rest, postal.cities_of(pref_name), 1)
        if city is None:
            return None
        city_name, used_city = city
        used += used_city
    rest = value[used:]
    return _with_town(pref_name, city_name, rest)


def _city_anywhere(value: str) -> tuple[str, str, int] | None:
    """The prefecture was lost to OCR: the city alone, just after where the prefecture stood
    (2–4 characters in), among all cities of Japan; only a unique near match counts."""
    found: list[tuple[int, str, str, int]] = []
    for prefecture in postal.PREFECTURES:
        for city in postal.cities_of(prefecture):
            for start in range(1, 5):
                part = value[start:start + len(city)]
                if len(part) < len(city):
                    continue
                errors = _distance(part, city)
                if errors <= (1 if len(city) >= 3 else 0):
                    found.append((errors, prefecture, city, start + len(city)))
    if not found:
        return None
    found.sort()
    best = found[0]
    if any(other[0] == best[0] and other[2] != best[2] for other in found[1:]):
        return None  # two cities fit equally: do not guess
    return best[1], best[2], best[3]


def _with_town(pref_name: str, city_name: str, rest: str) -> tuple[str, postal.PostalEntry] | None:
    towns = postal.towns_of(pref_name, city_name)
    town = _best_prefix(rest, towns, 2 if len(rest) > 3 else 1)
    if town is None:
        if _exact_prefix_is_numbered(rest):
            entry = postal.find_by_address(pref_name + city_name)
            return (pref_name + city_name + rest, entry) if entry else None
        return None
    town_name, used = town
    fixed = pref_name + city_name + town_name + rest[used:]
    entry = postal.find_by_address(pref_name + city_name + town_name)
    return (fixed, entry) if entry else None


def _exact_prefix_is_numbered(rest: str) -> bool:
    return bool(re.match(r"[0-9０-９]", rest))
