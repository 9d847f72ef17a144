"""ISO/IEC 7816-4 command APDUs and status words, the few the card readers need.

Everything here works over a ``Transmit`` function (bytes in, :class:`Response` out), so
the card protocols are tested without pyscard and the PC/SC glue stays in ``reader``.
The command shapes (SELECT by AID ``00 A4 04 0C``, SELECT EF ``00 A4 02 0C 02 <fid>``,
VERIFY ``00 20 00 80 [Lc PIN]``, READ BINARY ``00 B0 <offset> <Le>``) are those of
jpki/myna ``src/reader.rs`` (select_df, select_ef, read_pin, verify_pin, read_binary) and
TRETJapanNFCReader ``IndividualNumberReaderCommands.swift`` / ``DriversLicenseReaderCommands.swift``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from madoguchi.ids.ic.errors import CardLocked, CardReadError

#: status words (ISO/IEC 7816-4 §5.6)
SW_OK = 0x9000
SW_END_OF_FILE = 0x6282  # fewer bytes than Le: the end of the file was reached
SW_FILE_NOT_FOUND = 0x6A82
SW_WRONG_OFFSET = 0x6B00  # offset beyond the end of the file
SW_SECURITY_NOT_SATISFIED = 0x6982
SW_AUTH_BLOCKED = 0x6983
SW_PIN_BLOCKED = 0x6984  # "referenced data invalidated": jpki/myna and the card spec call it blocked

#: the longest short READ BINARY answer (Le = 00 asks for up to 256 bytes)
MAX_SHORT_LE = 256


@dataclass(frozen=True)
class Response:
    data: bytes
    sw1: int
    sw2: int

    @property
    def sw(self) -> int:
        return (self.sw1 << 8) | self.sw2

    @property
    def ok(self) -> bool:
        return self.sw == SW_OK

    def describe(self) -> str:
        """The status word only: never the data, which may be a resident's."""
        return f"SW={self.sw:04X}"


Transmit = Callable[[bytes], Response]


def select_aid(aid: bytes) -> bytes:
    """SELECT a DF by its application identifier, no FCI wanted (P1=04, P2=0C)."""
    return bytes([0x00, 0xA4, 0x04, 0x0C, len(aid)]) + aid


def select_ef(fid: bytes) -> bytes:
    """SELECT an EF of the current DF by its 2-byte file id (P1=02, P2=0C)."""
    return bytes([0x00, 0xA4, 0x02, 0x0C, len(fid)]) + fid


def select_mf() -> bytes:
    """SELECT the master file with no data (the driver's license: TRETJapanNFCReader selectMF)."""
    return bytes([0x00, 0xA4, 0x00, 0x00])


def verify(pin: bytes | None = None) -> bytes:
    """VERIFY against the selected PIN EF (P2=80); with no PIN the card only says the tries left."""
    if pin is None:
        return bytes([0x00, 0x20, 0x00, 0x80])
    return bytes([0x00, 0x20, 0x00, 0x80, len(pin)]) + pin


def read_binary(offset: int, length: int) -> bytes:
    """READ BINARY of ``length`` bytes (1–256) at ``offset`` (0–32767) of the selected EF."""
    if not 0 <= offset <= 0x7FFF:
        raise ValueError("offset out of range")
    if not 1 <= length <= MAX_SHORT_LE:
        raise ValueError("length out of range")
    return bytes([0x00, 0xB0, offset >> 8, offset & 0xFF, length & 0xFF])


def exchange(transmit: Transmit, command: bytes) -> Response:
    """Send one command, following the T=0 hints: ``61 xx`` (GET RESPONSE) and ``6C xx`` (wrong Le)."""
    response = transmit(command)
    if response.sw1 == 0x6C and len(command) == 5:
        response = transmit(command[:4] + bytes([response.sw2]))
    if response.sw1 != 0x61:
        return response
    data = response.data
    while response.sw1 == 0x61:
        response = transmit(bytes([0x00, 0xC0, 0x00, 0x00, response.sw2]))
        data += response.data
    return Response(data, response.sw1, response.sw2)


def read_range(transmit: Transmit, offset: int, length: int) -> bytes:
    """Up to ``length`` bytes of the selected EF from ``offset``, in 256-byte steps.

    Stops early at the end of the file, which cards say differently: fewer bytes than
    asked, ``62 82`` or ``6B 00``.
    """
    data = b""
    while len(data) < length:
        step = min(MAX_SHORT_LE, length - len(data))
        response = exchange(transmit, read_binary(offset + len(data), step))
        if response.sw == SW_WRONG_OFFSET and (data or offset):
            break
        if response.sw not in (SW_OK, SW_END_OF_FILE):
            raise_for_status(response, "READ BINARY")
        data += response.data
        if response.sw == SW_END_OF_FILE or len(response.data) < step:
            break
    return data


def read_tlv_file(transmit: Transmit) -> bytes:
    """The one BER-TLV record the selected EF holds, read to its exact length.

    jpki/myna ``read_binary_all``: read the first 7 bytes (tag and length fit in them), then
    the rest of the record.
    """
    from madoguchi.ids.ic.tlv import header_size

    head = read_range(transmit, 0, 7)
    size = header_size(head)
    if size is None:
        raise CardReadError("カードのファイルが空か壊れています。券面の撮影（OCR）を使ってください。",
                            "the card's file is empty or damaged; use OCR instead.")
    total = size[0] + size[1]
    if total <= len(head):
        return head[:total]
    return head + read_range(transmit, len(head), total - len(head))


def tries_from_status(response: Response) -> int | None:
    """PIN tries left from a VERIFY answer: ``63 Cx`` → x; ``69 84``/``69 83`` → 0; ``90 00`` → None."""
    if response.sw1 == 0x63 and response.sw2 & 0xF0 == 0xC0:
        return response.sw2 & 0x0F
    if response.sw in (SW_PIN_BLOCKED, SW_AUTH_BLOCKED):
        return 0
    if response.ok:
        return None
    raise_for_status(response, "VERIFY")
    return None  # pragma: no cover - raise_for_status always raises


def raise_for_status(response: Response, what: str) -> None:
    """Turn an unexpected status word into the error the clerk can act on."""
    if response.sw in (SW_PIN_BLOCKED, SW_AUTH_BLOCKED):
        raise CardLocked()
    raise CardReadError(
        f"カードが想定外の応答をしました（{what}: {response.describe()}）。カードを置き直してやり直すか、券面の撮影（OCR）を使ってください。",
        f"the card answered unexpectedly ({what}: {response.describe()}); place it again and retry, or use OCR.")
