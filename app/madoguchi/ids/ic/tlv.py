"""BER-TLV as the cards use it: the My Number card's ``FF 20`` / ``DF 2x`` records and the
driver's license's one-byte tags.

Tags follow ISO/IEC 7816-4 (low five bits all set: more tag bytes follow, each with bit 8 set
while another follows), lengths are short (< 0x80) or ``81 xx`` / ``82 xx xx``.
"""

from __future__ import annotations

from dataclasses import dataclass

from madoguchi.ids.ic.errors import CardReadError


@dataclass(frozen=True)
class Tlv:
    tag: int
    value: bytes


def _malformed(where: str) -> CardReadError:
    return CardReadError(f"カードのデータの形式が正しくありません（{where}）。券面の撮影（OCR）を使ってください。",
                         f"the card's data is malformed ({where}); use OCR instead.")


def read_tag(data: bytes, pos: int) -> tuple[int, int]:
    """The tag starting at ``pos`` and the position after it."""
    if pos >= len(data):
        raise _malformed("tag")
    tag = data[pos]
    pos += 1
    if tag & 0x1F == 0x1F:
        while True:
            if pos >= len(data):
                raise _malformed("tag")
            byte = data[pos]
            tag = (tag << 8) | byte
            pos += 1
            if not byte & 0x80:
                break
    return tag, pos


def read_length(data: bytes, pos: int) -> tuple[int, int]:
    """The length starting at ``pos`` and the position after it."""
    if pos >= len(data):
        raise _malformed("length")
    first = data[pos]
    pos += 1
    if first < 0x80:
        return first, pos
    count = first & 0x7F
    if count == 0 or count > 3 or pos + count > len(data):
        raise _malformed("length")
    return int.from_bytes(data[pos:pos + count], "big"), pos + count


def header_size(data: bytes) -> tuple[int, int] | None:
    """(header length, value length) of the TLV at the start of ``data``; None if ``data`` is too short."""
    try:
        _tag, pos = read_tag(data, 0)
        length, pos = read_length(data, pos)
    except CardReadError:
        return None
    return pos, length


def parse(data: bytes, *, stop_at_padding: bool = False) -> list[Tlv]:
    """All TLVs in ``data`` in order.

    ``stop_at_padding``: files of a fixed size are filled up with ``00`` or ``FF`` after the
    last item (the driver's license EF 01); stop there instead of reading noise.
    """
    items: list[Tlv] = []
    pos = 0
    while pos < len(data):
        if stop_at_padding and data[pos] in (0x00, 0xFF):
            break
        tag, pos = read_tag(data, pos)
        length, pos = read_length(data, pos)
        if pos + length > len(data):
            raise _malformed(f"tag {tag:X}")
        items.append(Tlv(tag, data[pos:pos + length]))
        pos += length
    return items


def parse_one(data: bytes, tag: int) -> bytes:
    """The value of the single TLV ``tag`` that ``data`` starts with (e.g. the ``FF 20`` record)."""
    found, pos = read_tag(data, 0)
    if found != tag:
        raise _malformed(f"expected tag {tag:X}, found {found:X}")
    length, pos = read_length(data, pos)
    if pos + length > len(data):
        raise _malformed(f"tag {tag:X} is cut short")
    return data[pos:pos + length]


def encode(tag: int, value: bytes) -> bytes:
    """One TLV (used by the tests' virtual card to build files the way cards do)."""
    tag_bytes = tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big")
    length = len(value)
    if length < 0x80:
        length_bytes = bytes([length])
    elif length <= 0xFF:
        length_bytes = bytes([0x81, length])
    else:
        length_bytes = bytes([0x82]) + length.to_bytes(2, "big")
    return tag_bytes + length_bytes + value
