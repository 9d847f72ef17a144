"""The individual number's check digit (official weights) and masking."""

from __future__ import annotations

import random

import pytest

from madoguchi import mynumber


def _reference_check_digit(first_eleven: str) -> int:
    # written out from the ordinance's formula, independently of the module's loop
    p = [int(d) for d in reversed(first_eleven)]  # P1 is the rightmost of the 11 digits
    q = [2, 3, 4, 5, 6, 7, 2, 3, 4, 5, 6]
    remainder = sum(a * b for a, b in zip(p, q)) % 11
    return 0 if remainder <= 1 else 11 - remainder


def test_known_example() -> None:
    # the example number published with the formula
    assert mynumber.check_digit("12345678901") == 8
    assert mynumber.check_digit_valid("123456789018")
    assert not mynumber.check_digit_valid("123456789017")


def test_matches_the_formula_on_random_numbers() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        first = "".join(rng.choice("0123456789") for _ in range(11))
        assert mynumber.check_digit(first) == _reference_check_digit(first)
        good = first + str(_reference_check_digit(first))
        assert mynumber.check_digit_valid(good)
        bad = first + str((_reference_check_digit(first) + 1) % 10)
        assert not mynumber.check_digit_valid(bad)


@pytest.mark.parametrize("text", ["1234 5678 9018", "1234-5678-9018", "１２３４５６７８９０１８"])
def test_normalises_spaces_hyphens_and_full_width(text: str) -> None:
    assert mynumber.check_digit_valid(text)


@pytest.mark.parametrize("text", ["", "12345678901", "1234567890189", "12345678901a", "٣٣٣٣٣٣٣٣٣٣٣٣"])
def test_rejects_wrong_shapes(text: str) -> None:
    assert not mynumber.check_digit_valid(text)


def test_mask_shows_the_last_four_only() -> None:
    assert mynumber.mask("123456789018") == "********9018"
    assert mynumber.mask("1234 5678 9018") == "********9018"
    assert mynumber.mask("") == ""
    assert mynumber.mask("123") == "***"
    assert "1234" not in mynumber.mask("123456789018")[:8]
