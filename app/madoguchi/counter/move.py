"""A move's addresses on the resident record, where the forms engine reads them.

For a move in (転入・転居: ``move: in`` in events.yaml) the card shows the old address, which
becomes ``previous_address``, and the new one the clerk entered becomes the address; for a move
out (転出: ``move: out``) the card's address stays the current one and the new one is the
destination.
"""

from __future__ import annotations

from madoguchi.visit import Resident

#: what the clerk enters for a move (the draft keeps it as it is)
MOVE_KEYS = ("postal_code", "address", "building", "move_date", "household_head", "relationship")


def empty_move() -> dict[str, str]:
    return dict.fromkeys(MOVE_KEYS, "")


def household_defaults(move: dict[str, str], resident: Resident | None) -> tuple[str, str]:
    """Who heads the household unless the clerk says otherwise: the resident, as 世帯主."""
    name = resident.full_name if resident else ""
    return (move["household_head"] or name, move["relationship"] or ("世帯主" if name else ""))


def apply_move(resident: Resident, kind: str, card_address: str, card_postal: str, move: dict[str, str]) -> None:
    """Put the move's addresses on ``resident`` (``kind``: 'in' or 'out')."""
    if kind == "out":
        resident.address, resident.postal_code = card_address, card_postal
        resident.new_address, resident.new_postal_code = move["address"], move["postal_code"]
    else:
        # the forms engine reads a record without new_address as 転入/転居 (madoguchi.forms.render._moving)
        resident.previous_address, resident.previous_postal_code = card_address, card_postal
        resident.address, resident.postal_code = move["address"], move["postal_code"]
        resident.new_address, resident.new_postal_code = "", ""
    resident.building = move["building"]
    resident.move_date = move["move_date"]
    resident.household_head, resident.relationship = household_defaults(move, resident)
