"""The PIN rules shared by both cards: ask the tries first, verify once, never retry.

The PIN lives only in the arguments of these functions; it is never logged, stored or put
into an error message (the messages say how many tries are left, nothing else).
"""

from __future__ import annotations

from madoguchi.ids.ic.apdu import Transmit, exchange, tries_from_status, verify
from madoguchi.ids.ic.errors import CardLocked, LastTryNotConfirmed, PinFormatError, WrongPin

PIN_LENGTH = 4


def pin_bytes(pin: str) -> bytes:
    """The 4 ASCII digits the card expects; anything else is refused before the card sees it."""
    if len(pin) != PIN_LENGTH or not all("0" <= ch <= "9" for ch in pin):
        raise PinFormatError()
    return pin.encode("ascii")


def query_tries(transmit: Transmit, max_tries: int) -> int:
    """VERIFY with no data on the selected PIN EF: the tries left, without spending one.

    jpki/myna ``read_pin`` and TRETJapanNFCReader ``lookupRemainingPIN``: ``63 Cx`` means x
    tries left. ``90 00`` (already verified in this session) counts as all tries left.
    """
    tries = tries_from_status(exchange(transmit, verify()))
    return max_tries if tries is None else tries


def verify_once(transmit: Transmit, pin: bytes, *, confirm_last_try: bool, max_tries: int) -> None:
    """Send the PIN exactly once, after checking the card is not locked or on its last try."""
    tries = query_tries(transmit, max_tries)
    if tries == 0:
        raise CardLocked()
    if tries == 1 and not confirm_last_try:
        raise LastTryNotConfirmed()
    response = exchange(transmit, verify(pin))
    if response.ok:
        return
    left = tries_from_status(response)
    if left == 0:
        raise CardLocked()
    raise WrongPin(left if left is not None else max(tries - 1, 0))
