"""What must never be printed wrong: the checks shared by every door a value comes in by
(resident JSON, the counter's Check step) and by the forms engine itself before it prints.

- no control characters and no format characters (bidi overrides and isolates, zero-width
  characters …): they print as empty boxes and can reverse a name on paper;
- dates in a plausible range (from 1868, the first era the forms print; a birth date not in
  the future; other dates at most :data:`YEARS_AHEAD` years ahead);
- the individual number: 12 digits with a correct check digit;
- every character printed exists in an embedded font (:func:`madoguchi.forms.render.missing_glyphs`).

Each check returns None or a ``(Japanese, English)`` message naming what is wrong — the
character by its code point, never the resident's value.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from madoguchi import mynumber

EARLIEST = date(1868, 1, 25)  # 明治 begins (the earliest era the forms print)
YEARS_AHEAD = 10
#: characters a printed field may hold at most (longer is a pasted document, not a value)
MAX_TEXT = 2000

Message = tuple[str, str]


def char_name(char: str) -> str:
    """``「𠮷」(U+20BB7)``, or just the code point for an invisible character."""
    code = f"U+{ord(char):04X}"
    if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
        return code
    return f"「{char}」({code})"


def forbidden_chars(text: str, *, allow_newline: bool = False) -> list[str]:
    """Control and format characters in ``text`` (a newline only where lines are allowed)."""
    found = []
    for char in text:
        if allow_newline and char == "\n":
            continue
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            found.append(char)
    return found


def text_problem(text: str, *, allow_newline: bool = False) -> Message | None:
    if len(text) > MAX_TEXT:
        return (f"{len(text)} 文字あり、長すぎます（{MAX_TEXT} 文字まで）。",
                f"{len(text)} characters is too long (up to {MAX_TEXT}).")
    bad = forbidden_chars(text, allow_newline=allow_newline)
    if not bad:
        return None
    return (f"制御文字・書式文字 {char_name(bad[0])} は使えません（文字の向きを変える記号など）。削除して入力し直してください。",
            f"the control or format character {char_name(bad[0])} is not allowed (e.g. a direction "
            "override); delete it and type the value again.")


def date_problem(day: date, *, birth: bool = False, today: date | None = None) -> Message | None:
    today = today or date.today()
    latest = today if birth else date(min(today.year + YEARS_AHEAD, 9999), 12, 31)
    if day < EARLIEST:
        return (f"{EARLIEST.isoformat()} より前の日付は扱えません。確かめてください。",
                f"dates before {EARLIEST.isoformat()} cannot be used; check the date.")
    if day > latest:
        if birth:
            return "生年月日が未来の日付です。確かめてください。", "the birth date is in the future; check it."
        return (f"{latest.year} 年より後の日付はありえません。確かめてください。",
                f"a date after {latest.year} is not plausible; check it.")
    return None


def individual_number_problem(value: str) -> Message | None:
    digits = mynumber.normalise(value)
    if not digits:
        return None
    if len(digits) != mynumber.LENGTH or not digits.isascii() or not digits.isdigit():
        return ("個人番号は12桁の数字です。読み取り直すか入力し直してください。",
                "the individual number has 12 digits; read or type it again.")
    if not mynumber.check_digit_valid(digits):
        return ("個人番号の検査用数字（最後の桁）が合いません。読み取り直すか入力し直してください。",
                "the individual number's check digit (the last digit) is wrong; read or type it again.")
    return None


#: Resident attributes that are dates, and which of them are birth dates
DATE_KEYS = ("birth_date", "move_date")
BIRTH_KEYS = frozenset({"birth_date"})


def resident_problems(resident, today: date | None = None) -> list[tuple[str, Message]]:  # noqa: ANN001
    """(field path, message) for every value of ``resident`` that must not be printed."""
    from dataclasses import fields

    found: list[tuple[str, Message]] = []
    people = [("", resident)] + [(f"members[{i}].", m) for i, m in enumerate(resident.members)]
    for prefix, person in people:
        for spec in fields(person):
            value = getattr(person, spec.name)
            if not isinstance(value, str) or not value:
                continue
            path = prefix + spec.name
            problem = text_problem(value)
            if problem is None and spec.name in DATE_KEYS:
                try:
                    problem = date_problem(date.fromisoformat(value), birth=spec.name in BIRTH_KEYS, today=today)
                except ValueError:
                    problem = None  # the record's own validation names a malformed date
            if problem is None and spec.name == "individual_number":
                problem = individual_number_problem(value)
            if problem is not None:
                found.append((path, problem))
    for key, value in resident.extra.items():
        if isinstance(value, str) and (problem := text_problem(value, allow_newline=True)) is not None:
            found.append((str(key), problem))
    return found
