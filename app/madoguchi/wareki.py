"""Japanese era (和暦) dates: conversion both ways with exact era boundaries.

Parsing the printed forms of a card (full-width digits, 元年, spaces, OCR noise) belongs
to ``madoguchi.ids.parse``; this module only knows the calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Era:
    name: str  # 令和
    romaji: str  # Reiwa
    letter: str  # R
    start: date  # first day of the era
    #: code used by the driver's license chip (1 明治 … 5 令和)
    code: int


ERAS: tuple[Era, ...] = (
    Era("明治", "Meiji", "M", date(1868, 10, 23), 1),
    Era("大正", "Taisho", "T", date(1912, 7, 30), 2),
    Era("昭和", "Showa", "S", date(1926, 12, 25), 3),
    Era("平成", "Heisei", "H", date(1989, 1, 8), 4),
    Era("令和", "Reiwa", "R", date(2019, 5, 1), 5),
)
ERA_BY_NAME = {era.name: era for era in ERAS}
ERA_BY_CODE = {era.code: era for era in ERAS}


class WarekiError(ValueError):
    """A Japanese-era date that does not exist (year past the era's end, day before its start …)."""


def era_of(day: date) -> Era:
    for era in reversed(ERAS):
        if day >= era.start:
            return era
    raise WarekiError(f"{day.isoformat()} is before the Meiji era")


def era_end(era: Era) -> date | None:
    """The last day of ``era`` (None for the current era)."""
    index = ERAS.index(era)
    if index + 1 < len(ERAS):
        return date.fromordinal(ERAS[index + 1].start.toordinal() - 1)
    return None


def to_wareki(day: date) -> tuple[Era, int]:
    """(era, year of era) for a Western date; year 1 is 元年."""
    era = era_of(day)
    return era, day.year - era.start.year + 1


def from_wareki(era: Era | str, year: int, month: int, day: int) -> date:
    """The Western date of an era date, refusing dates outside the era."""
    if isinstance(era, str):
        if era not in ERA_BY_NAME:
            raise WarekiError(f"unknown era {era!r}")
        era = ERA_BY_NAME[era]
    if year < 1:
        raise WarekiError("era year must be 1 or more")
    try:
        result = date(era.start.year + year - 1, month, day)
    except ValueError as exc:
        raise WarekiError(str(exc)) from exc
    if result < era.start:
        raise WarekiError(f"{era.name}{year}年{month}月{day}日 is before the start of {era.name}")
    end = era_end(era)
    if end is not None and result > end:
        raise WarekiError(f"{era.name}{year}年{month}月{day}日 is after the end of {era.name}")
    return result


def format_wareki(day: date, *, gannen: bool = True, zero_pad: bool = False) -> str:
    """``令和元年5月1日`` / ``平成31年04月30日`` (zero_pad)."""
    era, year = to_wareki(day)
    year_text = "元" if (gannen and year == 1) else (f"{year:02d}" if zero_pad else str(year))
    if zero_pad:
        return f"{era.name}{year_text}年{day.month:02d}月{day.day:02d}日"
    return f"{era.name}{year_text}年{day.month}月{day.day}日"
