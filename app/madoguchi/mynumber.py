"""The individual number (個人番号, マイナンバー): check digit and masking.

The number is handled under the My Number Act: read only when a form needs it, shown
masked until the clerk reveals it, never logged, never kept beyond the visit. This module
only knows the number's shape; it never stores or logs one.
"""

from __future__ import annotations

import unicodedata

LENGTH = 12
VISIBLE = 4
MASK_CHAR = "*"


def normalise(number: str) -> str:
    """Digits only: full-width digits become ASCII; spaces and hyphens are dropped."""
    text = unicodedata.normalize("NFKC", number or "")
    return "".join(ch for ch in text if ch not in " -\u2010\u2011\u2012\u2013\u2212\u30fc\t")


def check_digit(first_eleven: str) -> int:
    """The check digit for the first 11 digits (総務省令: 個人番号の検査用数字).

    With P_n the n-th digit counted from the right of the 11 digits and Q_n = n + 1 for
    n ≤ 6, n − 5 for n ≥ 7: remainder = Σ P_n·Q_n mod 11; check = 0 if remainder ≤ 1
    else 11 − remainder.
    """
    if len(first_eleven) != LENGTH - 1 or not first_eleven.isascii() or not first_eleven.isdigit():
        raise ValueError("expected 11 ASCII digits")
    total = 0
    for n, digit in enumerate(reversed(first_eleven), start=1):
        weight = n + 1 if n <= 6 else n - 5
        total += int(digit) * weight
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def check_digit_valid(number: str) -> bool:
    """True when ``number`` (after :func:`normalise`) is 12 digits with a correct check digit."""
    digits = normalise(number)
    if len(digits) != LENGTH or not digits.isascii() or not digits.isdigit():
        return False
    return check_digit(digits[:-1]) == int(digits[-1])


def mask(number: str) -> str:
    """``"********1234"``: every digit but the last four hidden. Empty stays empty."""
    digits = normalise(number)
    if not digits:
        return ""
    if len(digits) <= VISIBLE:
        return MASK_CHAR * len(digits)
    return MASK_CHAR * (len(digits) - VISIBLE) + digits[-VISIBLE:]


def make_valid(first_eleven: str) -> str:
    """The full 12-digit number for 11 digits (synthetic test data, form previews)."""
    return first_eleven + str(check_digit(first_eleven))
