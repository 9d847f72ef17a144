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

_DASH_LOOKALIKES = re.compile(r"(?<=[0-9０-９])(?:う?[ー一二ニ‐—―−ｰ─\-－=]){1,3}(?=[0-9０-９])")
_LEGIT_ENDINGS = ("丁目", "番地", "番", "号", "階", "室", "棟")
_DASHES = "ー一‐—―−ｰ─\\-－"
#: kana a mincho full-width digit is read as (４ as キ or オ, １ as ユ)
_KANA_DIGITS = {"キ": "4", "オ": "4", "ォ": "4", "ユ": "1", "ュ": "1"}
# where only a number can stand: before a dash and a number (キ, オ, ユ), or after a number and
# a dash when no number follows (a kana followed by a digit may be a piece of the dash: left)
_KANA_DIGIT_BEFORE_DASH = re.compile(rf"[キオユ](?=[{_DASHES}][0-9０-９])")
_KANA_DIGIT_AFTER_DASH = re.compile(rf"(?<=[0-9０-９][{_DASHES}])[キオォユュ](?![0-9０-９])")
# 丁目 always has its number: a kana or kanji that looks like a numeral there is that numeral
_CHOME_NUMERAL = {"上": "七", "ヒ": "七", "セ": "七", "モ": "七", "匕": "七", "ニ": "二", "こ": "二", "ミ": "三",
                  "王": "五", "互": "五", "大": "六", "ナ": "六", "人": "八", "入": "八", "ハ": "八", "丸": "九",
                  "力": "九", "カ": "九", "匹": "四", "西": "四", "ー": "一"}
_CHOME_LOOKALIKE = re.compile(rf"(?<=[\u3040-\u30ff\u4e00-\u9fff])([{''.join(_CHOME_NUMERAL)}])(?=丁目)")
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
# katakana words of building names that OCR gets one dot wrong (ポ/ボ, ツ/ッ, ゾ/ソ)
_BUILDING_WORDS = {"コーボ": "コーポ", "ハイッ": "ハイツ", "メソン": "メゾン", "マンシヨン": "マンション",
                   "レジテンス": "レジデンス", "ハレス": "パレス"}


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
    """The name that best matches a prefix of ``text`` (length ±1), with the prefix length used;
    None when nothing is near or two names fit a misread text equally (no guessing)."""
    tied = _best_prefixes(text, names, max_errors)
    return tied[0] if len(tied) == 1 else None


def _best_prefixes(text: str, names: list[str], max_errors: int) -> list[tuple[str, int]]:
    """Every name that matches a prefix of ``text`` best (several only when they tie with
    errors: an exact match is unique), with the prefix length used."""
    best: tuple[float, int] | None = None  # score (longer and fewer errors first), errors
    found: dict[str, int] = {}
    for name in names:
        n = len(name)
        for used in (n, n - 1, n + 1):
            if used <= 0 or used > len(text):
                continue
            errors = _distance(text[:used], name)
            # a short name allows fewer errors (2 of 4 would match far too much)
            allowed = min(max_errors, 0 if n < 2 else 1 if n < 5 else 2)
            score = -(n - 1.5 * errors)
            if errors > allowed:
                continue
            if best is None or (score, errors) < best:
                best, found = (score, errors), {name: used}
            elif (score, errors) == best and name not in found:
                found[name] = used
    return list(found.items())


def tidy(text: str) -> str:
    """Whitespace removed, dash look-alikes between numbers → the dash of the digits' width,
    and a stray character or two after the final number (noise of the pattern) dropped."""
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"(?<=[0-9０-９－\-])了", "7", text)  # a mincho ７ read as 了
    # 丁 of 丁目 read as 十, 本 or 寸 after the number
    text = re.sub(r"(?<=[一二三四五六七八九0-9０-９])[十本寸丁』「」]目", "丁目", text)
    text = _CHOME_LOOKALIKE.sub(lambda m: _CHOME_NUMERAL[m.group(1)], text)
    full_width = bool(re.search(r"[０-９]", text))  # digits keep the width the others were read in

    def as_digit(match: re.Match[str]) -> str:
        digit = _KANA_DIGITS[match.group(0)]
        return digit.translate(_FULL_WIDTH) if full_width else digit

    text = _KANA_DIGIT_AFTER_DASH.sub(as_digit, text)
    text = _KANA_DIGIT_BEFORE_DASH.sub(as_digit, text)
    for misread, word in _BUILDING_WORDS.items():
        text = text.replace(misread, word)
    text = re.sub(r"(?<=[一二三四五六七八九十])目(?=[0-9０-９])", "丁目", text)  # 丁 of 丁目 lost
    text = _DASH_LOOKALIKES.sub(lambda m: "－" if re.match(r"[０-９]", text[m.start() - 1]) else "-", text)
    tail = re.search(r"(?<=[0-9０-９号])([^0-9０-９号]{1,2})$", text)
    if tail and not any(text.endswith(ending) for ending in _LEGIT_ENDINGS):
        text = text[: tail.start()]
    # nothing numeric follows the final 号 (checked once the noise above is gone: 号1ピ)
    text = re.sub(r"(?<=号)[0-9０-９]$", "", text)
    return text


def _official_spelling(value: str, split: tuple[str, str, str, str]) -> str:
    """The prefecture, city and town as Japan Post spells them (龍ケ崎, not 龍ヶ崎, when OCR
    picked the other form of the same character), the rest as read."""
    official = split[0] + split[1] + split[2]
    key = postal.normalise_address(official).replace("が", "ケ")
    for end in range(max(1, len(official) - 2), min(len(value), len(official) + 3) + 1):
        if postal.normalise_address(value[:end]).replace("が", "ケ") == key:
            return official + value[end:]
    return value


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
        return AddressCheck(_official_spelling(value, exact), postal.find_by_address(value), False)
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
        # several cities may fit equally (伊達市 is in 北海道 and 福島県): the town decides
        results = {}
        for pref_name, city_name, used in _city_anywhere(value):
            result = _with_town(pref_name, city_name, value[used:], numbered_ok=False)
            if result is not None:
                results[result[0]] = result
        return next(iter(results.values())) if len(results) == 1 else None
    pref_name, cities = _cities_after(value, prefecture)
    if len(cities) == 1:
        city_name, end = cities[0]
        return _with_town(pref_name, city_name, value[end:])
    # two cities fit the misread name equally (析市: 柏市 or 旭市): the town decides
    results = [r for city_name, end in cities if (r := _with_town(pref_name, city_name, value[end:], numbered_ok=False))]
    return results[0] if len(results) == 1 else None


def _cities_after(value: str, prefecture: tuple[str, int]) -> tuple[str, list[tuple[str, int]]]:
    """The cities that best match after the prefecture (several when they tie), each with
    where it ends in ``value``. The prefecture's last character may be misread into the city's
    first (宮城本原市 for 宮城県栗原市): it is tried one character shorter or longer as well."""
    pref_name, used = prefecture
    for pref_used in dict.fromkeys((used, len(pref_name), len(pref_name) - 1, len(pref_name) + 1)):
        cities = _best_prefixes(value[pref_used:], postal.cities_of(pref_name), 2)
        if cities:
            return pref_name, [(city, pref_used + city_used) for city, city_used in cities]
    return pref_name, []


def _city_anywhere(value: str) -> list[tuple[str, str, int]]:
    """The prefecture was lost to OCR: the city alone, where the prefecture stood or just after
    it (0–4 characters in), among all cities of Japan. Longer names and a prefecture that nearly
    matches what precedes the city count for a candidate; only a unique best one is taken."""
    ranked: list[tuple[float, str, str, int]] = []
    for prefecture in postal.PREFECTURES:
        for city in postal.cities_of(prefecture):
            for start in range(0, 5):
                part = value[start:start + len(city)]
                if len(part) < len(city):
                    continue
                errors = _distance(part, city)
                if errors > (1 if len(city) >= 3 else 0):
                    continue
                score = 2.0 * errors - len(city)
                if start and _distance(value[:start], prefecture) <= max(1, len(prefecture) // 2):
                    score -= 2.0
                ranked.append((score, prefecture, city, start + len(city)))
    if not ranked:
        return []
    ranked.sort()
    return [(pref, city, end) for score, pref, city, end in ranked if score == ranked[0][0]]


def _with_town(pref_name: str, city_name: str, rest: str, *,
               numbered_ok: bool = True) -> tuple[str, postal.PostalEntry] | None:
    towns = postal.towns_of(pref_name, city_name)
    town = _best_prefix(rest, towns, 2 if len(rest) > 3 else 1)
    if town is None:
        if numbered_ok and _exact_prefix_is_numbered(rest):
            entry = postal.find_by_address(pref_name + city_name)
            return (pref_name + city_name + rest, entry) if entry else None
        return None
    town_name, used = town
    fixed = pref_name + city_name + town_name + rest[used:]
    entry = postal.find_by_address(pref_name + city_name + town_name)
    return (fixed, entry) if entry else None


def _exact_prefix_is_numbered(rest: str) -> bool:
    return bool(re.match(r"[0-9０-９]", rest))


def city_of(text: str) -> tuple[str, str, list[str]] | None:
    """The prefecture and city an OCR'd address starts with (nearest real ones) and the towns of
    that city; None when no city is near enough."""
    value = tidy(text)
    prefecture = _best_prefix(value, list(postal.PREFECTURES), 1)
    if prefecture is not None:
        pref_name, cities = _cities_after(value, prefecture)
        found = {(pref_name, city) for city, _ in cities}
    else:
        found = {(pref, city) for pref, city, _ in _city_anywhere(value)}
    if len(found) != 1:
        return None
    pref_name, city_name = found.pop()
    return pref_name, city_name, postal.towns_of(pref_name, city_name)
