"""Parsing and validating what a card prints: dates, names, sex, document numbers, MRZ.

Pure functions over text, no OCR and no images: the counter screen uses them for validation
as the clerk types (``parse_date``), the reader uses them on OCR output. Every parser raises
:class:`ParseError` (a ``ValueError``) with an English reason; the caller decides how to show it.

The calendar itself (era boundaries) is ``madoguchi.wareki``.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from datetime import date

from madoguchi import wareki

__all__ = [
    "ERA_LETTERS",
    "MrzData",
    "NameSplit",
    "ParseError",
    "clean",
    "mrz_check_digit",
    "parse_date",
    "parse_date_pair",
    "parse_license_number",
    "parse_mrz",
    "parse_residence_card_number",
    "parse_sex",
    "split_name",
]


class ParseError(ValueError):
    """The text is not a valid value of the kind asked for."""


ERA_LETTERS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}

# OCR confuses these in dates and numbers; mapped only inside digit contexts
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1",
                                   "i": "1", "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "G": "6",
                                   "〇": "0", "口": "0"})


def clean(text: str) -> str:
    """NFKC and all whitespace removed: the comparison form of any field."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


_ERA_NAMES = "|".join(wareki.ERA_BY_NAME)
_ERA_DATE = re.compile(rf"({_ERA_NAMES}|[MTSHR])\.?(元|\d{{1,2}})[年.\-/](\d{{1,2}})[月.\-/](\d{{1,2}})日?")
_WESTERN_DATE = re.compile(r"((?:1[89]|20|21)\d\d)[年.\-/](\d{1,2})[月.\-/](\d{1,2})日?")
_COMPACT_DATE = re.compile(r"^((?:19|20)\d\d)(\d\d)(\d\d)$")


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ParseError(f"no such date: {year}-{month:02d}-{day:02d} ({exc})") from exc


def _era_date(match: re.Match[str]) -> date:
    era = ERA_LETTERS.get(match.group(1), match.group(1))
    year = 1 if match.group(2) == "元" else int(match.group(2))
    try:
        return wareki.from_wareki(era, year, int(match.group(3)), int(match.group(4)))
    except wareki.WarekiError as exc:
        raise ParseError(str(exc)) from exc


def parse_date(text: str) -> date:
    """A date as printed on a card or typed by the clerk.

    Accepts era dates (``平成元年　３月３１日生``, ``令和０１年０５月０７日``, ``H1.3.31``),
    Western dates (``1988年09月03日``, ``2025-03-31``, ``20250331``) and the license's pair
    ``2027年(令和09年)06月01日`` whose two years must agree. Suffixes (生, まで有効) are ignored.
    Raises :class:`ParseError` when there is no date or it does not exist.
    """
    compact = clean(text)
    pair = re.search(r"((?:19|20)\d\d)年?\(([^)]*?)(元|\d{1,2})年?\)(\d{1,2})月(\d{1,2})日", compact)
    if pair:
        return _pair_date(pair)
    match = _ERA_DATE.search(compact)
    if match:
        return _era_date(match)
    match = _WESTERN_DATE.search(compact)
    if match:
        return _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _COMPACT_DATE.match(compact)
    if match:
        return _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    raise ParseError(f"not a date: {text!r}")


def _pair_date(match: re.Match[str]) -> date:
    western_year = int(match.group(1))
    era_name = ERA_LETTERS.get(match.group(2), match.group(2))
    month, day = int(match.group(4)), int(match.group(5))
    result = _make_date(western_year, month, day)
    if era_name:
        era_year = 1 if match.group(3) == "元" else int(match.group(3))
        try:
            era_date = wareki.from_wareki(era_name, era_year, month, day)
        except wareki.WarekiError as exc:
            raise ParseError(f"the era year does not match the Western year: {exc}") from exc
        if era_date != result:
            raise ParseError(f"{western_year} and {era_name}{era_year} are different years")
    return result


def parse_date_pair(text: str) -> date:
    """``2027年(令和09年)06月01日`` → 2027-06-01, refusing a pair whose years disagree."""
    match = re.search(r"((?:19|20)\d\d)年?\(([^)]*?)(元|\d{1,2})年?\)(\d{1,2})月(\d{1,2})日", clean(text))
    if not match:
        raise ParseError(f"not a Western/era date pair: {text!r}")
    return _pair_date(match)


def digits_in_context(text: str) -> str:
    """OCR look-alikes (O→0, l→1 …) replaced, for text that can only hold digits."""
    return clean(text).translate(_DIGIT_LOOKALIKES)


def parse_sex(text: str) -> str:
    """``男`` / ``M`` / ``男 M.`` → ``male``; ``女`` / ``F`` → ``female``."""
    compact = clean(text).upper()
    if "女" in compact:
        return "female"
    if "男" in compact:
        return "male"
    # the sex box holds nothing else: a lone F or M (however the dot was read) decides
    if "F" in compact and "M" not in compact:
        return "female"
    if "M" in compact and "F" not in compact:
        return "male"
    raise ParseError(f"not a sex: {text!r}")


def parse_license_number(text: str) -> str:
    """12 digits (``第　０１２３４５６７８９００　号``). The check digit is not published, so it is
    never checked: a card is never rejected on it."""
    digits = re.sub(r"\D", "", digits_in_context(text.replace("第", "").replace("号", "")))
    if len(digits) != 12:
        raise ParseError(f"a driver's license number has 12 digits, found {len(digits)}")
    return digits


_RESIDENCE_NUMBER = re.compile(r"^[A-Z]{2}\d{8}[A-Z]{2}$")
_TO_LETTER = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"})


def parse_residence_card_number(text: str) -> str:
    """``AB12345678CD``: 2 letters, 8 digits, 2 letters (look-alikes fixed by position)."""
    compact = re.sub(r"[^0-9A-Za-z|]", "", clean(text)).upper()
    if len(compact) != 12:
        raise ParseError(f"a residence card number has 12 characters, found {len(compact)}")
    fixed = (compact[:2].translate(_TO_LETTER) + compact[2:10].translate(_DIGIT_LOOKALIKES)
             + compact[10:].translate(_TO_LETTER))
    if not _RESIDENCE_NUMBER.match(fixed):
        raise ParseError("a residence card number is 2 letters, 8 digits, 2 letters")
    return fixed


@dataclass(frozen=True)
class NameSplit:
    family: str
    given: str
    #: how sure the split is: 1.0 when the card shows it (a wide space), else the model's score
    score: float

    @property
    def display(self) -> str:
        return f"{self.family}　{self.given}" if self.given else self.family


_divider_lock = threading.Lock()
_divider = None


def _name_divider():  # noqa: ANN202 - namedivider is imported lazily
    """namedivider-python's BasicNameDivider: it ships its kanji statistics (assets/kanji.csv),
    so it works offline. (GBDTNameDivider downloads a model on first use; we do not use it.)"""
    global _divider
    with _divider_lock:
        if _divider is None:
            from namedivider import BasicNameDivider

            _divider = BasicNameDivider()
        return _divider


def split_name(text: str) -> NameSplit:
    """Family and given name. A visible wider space (``番号　花子``) decides; an evenly spaced
    name (the license: ``日　本　花　子``) or one without a space goes to the name-splitting
    model. Latin names (residence card) are kept whole as printed: family = the whole name."""
    stripped = unicodedata.normalize("NFKC", text).strip()
    if not stripped:
        raise ParseError("empty name")
    if re.fullmatch(r"[A-Z ,.'\-]+", stripped):
        return NameSplit(re.sub(r"\s+", " ", stripped), "", 1.0)
    parts = [p for p in re.split(r"\s+", stripped) if p]
    if len(parts) == 2 and not (len(parts[0]) == 1 and len(parts[1]) == 1 and len(stripped) > 3):
        return NameSplit(parts[0], parts[1], 1.0)
    joined = "".join(parts)
    if len(joined) < 2:
        return NameSplit(joined, "", 0.0)
    divided = _name_divider().divide_name(joined)
    return NameSplit(divided.family, divided.given, float(divided.score))


_MRZ_VALUES = {**{str(d): d for d in range(10)}, **{chr(ord("A") + i): 10 + i for i in range(26)}, "<": 0}


def mrz_check_digit(text: str) -> int:
    """ICAO 9303 check digit: weights 7-3-1, A–Z = 10–35, ``<`` = 0."""
    total = 0
    for index, ch in enumerate(text):
        if ch not in _MRZ_VALUES:
            raise ParseError(f"not an MRZ character: {ch!r}")
        total += _MRZ_VALUES[ch] * (7, 3, 1)[index % 3]
    return total % 10


@dataclass(frozen=True)
class MrzData:
    document_number: str
    nationality: str  # ISO 3166 alpha-3
    surname: str
    given_names: str
    birth_date: date
    sex: str  # male / female / ""
    expiry_date: date
    issuing_state: str
    #: names of the check digits that failed ("" when all passed)
    failed_checks: tuple[str, ...] = ()


def _mrz_date(text: str, *, future: bool) -> date:
    if not re.fullmatch(r"\d{6}", text):
        raise ParseError(f"not an MRZ date: {text!r}")
    year, month, day = int(text[:2]), int(text[2:4]), int(text[4:])
    today = date.today()
    century = 2000 if (year + 2000) <= today.year + (20 if future else 0) else 1900
    return _make_date(century + year, month, day)


def parse_mrz(line1: str, line2: str) -> MrzData:
    """The two 44-character lines of a passport (TD3). Check digits are verified; failures are
    listed in ``failed_checks`` rather than raised so the clerk still sees what was read."""
    line1, line2 = clean(line1).upper(), clean(line2).upper()
    if len(line1) != 44 or len(line2) != 44 or not line1.startswith("P"):
        raise ParseError("a passport MRZ has two lines of 44 characters, the first starting with P")
    number, nationality = line2[0:9], line2[10:13]
    birth, expiry = line2[13:19], line2[21:27]
    checks = {
        "document_number": (line2[0:9], line2[9]),
        "birth_date": (birth, line2[19]),
        "expiry_date": (expiry, line2[27]),
        "composite": (line2[0:10] + line2[13:20] + line2[21:43], line2[43]),
    }
    if line2[28:42].strip("<"):
        checks["personal_number"] = (line2[28:42], line2[42])
    failed = tuple(name for name, (data, digit) in checks.items()
                   if not digit.isdigit() or mrz_check_digit(data) != int(digit))
    names = line1[5:].split("<<", 1)
    sex = {"M": "male", "F": "female"}.get(line2[20], "")
    return MrzData(number.replace("<", ""), nationality.replace("<", ""), names[0].replace("<", " ").strip(),
                   (names[1] if len(names) > 1 else "").replace("<", " ").strip(),
                   _mrz_date(birth, future=False), sex, _mrz_date(expiry, future=True), line1[2:5].replace("<", ""),
                   failed)
