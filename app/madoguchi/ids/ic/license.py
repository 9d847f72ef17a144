"""Driver's license (運転免許証): the 記載事項 (card-face entries) after PIN 1.

Constants, as TRETJapanNFCReader's driver's license reader uses them
(``DriversLicenseReaderReadFunctions.swift``, ``DriversLicenseCard+Convert.swift``,
``DriversLicenseExtensions.swift``), following the police's card specification:

- SELECT MF is ``00 A4 00 00`` with no data (``selectMF``).
- MF EF ``000A``: PIN setting, ``C1 01 01`` when the holder set PINs, ``C1 01 00`` when not
  (``readPINSetting`` / ``convertToPinSetting``); without PINs the card expects ``****``.
- MF EF ``0001``: PIN 1 (4 digits, 3 tries), VERIFY ``00 20 00 80 04`` (``readMatters``).
  MF EF ``0002`` is PIN 2, needed only for the 本籍 (DF1 EF 02) and the photo (DF2): this
  module never selects either, by design.
- DF1 AID ``A0 00 00 02 31 01 00 00 00 00 00 00 00 00 00 00`` (``selectDF1``; also the AID
  list in ``DriversLicenseReader.swift``), EF ``0001``: the 記載事項 as one-byte-tag TLVs:
  ``12`` name, ``15`` name in kana, ``16`` birth date, ``17`` address, ``18`` issue date,
  ``1B`` expiry, ``20`` issuing public safety commission, ``21`` license number
  (``convertToMatters``).
- Text is JIS X 0208, two bytes a character (row, cell, each 0x21–0x7E): setting the top
  bit of both gives EUC-JP. ``FFF1``–``FFF7`` stand for 外字 (characters outside JIS X 0208,
  drawn by the issuer) and ``FFFA`` for a missing character (``init(jisX0208Data:)``).
  TRET reads these pairs low byte first; JIS codes are row first, so both orders are accepted.
- Dates are ASCII: an era digit (1 明治, 2 大正, 3 昭和, 4 平成, 5 令和) and YYMMDD
  (``toDateFromJapanese``); the license number is 12 ASCII digits.
"""

from __future__ import annotations

from madoguchi import wareki
from madoguchi.ids.ic import tlv
from madoguchi.ids.ic.apdu import (
    Transmit,
    exchange,
    raise_for_status,
    read_range,
    select_aid,
    select_ef,
    select_mf,
)
from madoguchi.ids.ic.errors import UnsupportedCard
from madoguchi.ids.ic.pin import pin_bytes, query_tries, verify_once
from madoguchi.ids.model import DocumentType, Field, IdReading

AID_DF1 = bytes.fromhex("A0000002310100000000000000000000")
EF_PIN1 = bytes.fromhex("0001")
EF_PIN_SETTING = bytes.fromhex("000A")
EF_ENTRIES = bytes.fromhex("0001")  # in DF1
MAX_TRIES = 3
#: what the card expects as PIN 1 when the holder set none
NO_PIN = "****"

TAG_PIN_SETTING = 0xC1
TAG_NAME = 0x12
TAG_NAME_KANA = 0x15
TAG_BIRTH_DATE = 0x16
TAG_ADDRESS = 0x17
TAG_ISSUE_DATE = 0x18
TAG_EXPIRY = 0x1B
TAG_ISSUER = 0x20
TAG_NUMBER = 0x21

#: the entries file is about 880 bytes (TRET reads 880 at once); never read more than this
_MAX_ENTRIES_SIZE = 4096

GAIJI_MARK = "〓"  # 下駄記号: the usual stand-in for a character that cannot be shown
_GAIJI_CODES = {0xFFF0 + n for n in range(1, 8)}
_MISSING_CODE = 0xFFFA
#: Python's EUC-JP maps a few JIS X 0208 symbols to other code points than Windows (cp932)
#: does; the rest of the app (and ward systems) use the Windows ones, e.g. the full-width
#: hyphen-minus in addresses such as ２－１－２.
_CP932_STYLE = str.maketrans({"\u2212": "\uff0d", "\u301c": "\uff5e", "\u2016": "\u2225",
                              "\u00a2": "\uffe0", "\u00a3": "\uffe1", "\u00ac": "\uffe2"})


def is_license(transmit: Transmit) -> bool:
    """True when the card has the license's DF1."""
    return exchange(transmit, select_aid(AID_DF1)).ok


def _select_in_mf(transmit: Transmit, fid: bytes) -> None:
    response = exchange(transmit, select_mf())
    if not response.ok:
        raise UnsupportedCard()
    response = exchange(transmit, select_ef(fid))
    if not response.ok:
        raise_for_status(response, f"SELECT EF {fid.hex().upper()}")


def pin_is_set(transmit: Transmit) -> bool:
    """Whether the holder set PINs (MF EF 000A); when unsure, assume they did."""
    _select_in_mf(transmit, EF_PIN_SETTING)
    data = read_range(transmit, 0, 3)
    try:
        items = tlv.parse(data)
    except Exception:  # noqa: BLE001 - an odd setting file must not stop the read: ask for the PIN
        return True
    for item in items:
        if item.tag == TAG_PIN_SETTING and item.value:
            return item.value[0] != 0x00
    return True


def pin_tries_left(transmit: Transmit) -> int:
    """Tries left for PIN 1; sends no PIN."""
    _select_in_mf(transmit, EF_PIN1)
    return query_tries(transmit, MAX_TRIES)


def read(transmit: Transmit, pin: str, *, confirm_last_try: bool = False, source: str = "ic") -> IdReading:
    """Verify PIN 1 once (``****`` when the holder set none) and read the 記載事項 without 本籍."""
    if not pin_is_set(transmit):
        pin = NO_PIN
        secret = pin.encode("ascii")
    else:
        secret = pin_bytes(pin)
    _select_in_mf(transmit, EF_PIN1)
    verify_once(transmit, secret, confirm_last_try=confirm_last_try, max_tries=MAX_TRIES)
    del secret
    if not is_license(transmit):
        raise UnsupportedCard()
    response = exchange(transmit, select_ef(EF_ENTRIES))
    if not response.ok:
        raise_for_status(response, "SELECT EF 0001 (DF1)")
    data = read_range(transmit, 0, _MAX_ENTRIES_SIZE)
    reading = IdReading(source=source, document_type=DocumentType.DRIVERS_LICENSE)
    reading.fields.update(parse_entries(data))
    reading.warnings.extend(f"{name}: {f.problem}" for name, f in reading.fields.items() if not f.valid)
    return reading


def _field(value: str, **kwargs: object) -> Field:
    return Field(value, confidence=1.0, box=None, source="ic", **kwargs)  # type: ignore[arg-type]


def decode_jis(value: bytes) -> tuple[str, int, int]:
    """(text, number of 外字, number of missing characters) of a JIS X 0208 value.

    外字 and missing characters become 〓 so the clerk sees where they are; nothing is dropped.
    """
    chars: list[str] = []
    gaiji = missing = 0
    for i in range(0, len(value) - 1, 2):
        high, low = value[i], value[i + 1]
        code, swapped = (high << 8) | low, (low << 8) | high
        if code in _GAIJI_CODES or swapped in _GAIJI_CODES:
            gaiji += 1
            chars.append(GAIJI_MARK)
        elif _MISSING_CODE in (code, swapped):
            missing += 1
            chars.append(GAIJI_MARK)
        else:
            try:
                chars.append(bytes([high | 0x80, low | 0x80]).decode("euc_jp"))
            except UnicodeDecodeError:
                missing += 1
                chars.append(GAIJI_MARK)
    if len(value) % 2:
        missing += 1
        chars.append(GAIJI_MARK)
    return "".join(chars).translate(_CP932_STYLE), gaiji, missing


def _text_field(value: bytes) -> Field:
    text, gaiji, missing = decode_jis(value)
    if not gaiji and not missing:
        return _field(text)
    parts_ja = []
    if gaiji:
        parts_ja.append(f"外字が {gaiji} 文字")
    if missing:
        parts_ja.append(f"表示できない文字が {missing} 文字")
    problem = "、".join(parts_ja) + f"あります（{GAIJI_MARK} の箇所）。券面を見て正しい字に直してください。"
    return _field(text, valid=False, problem=problem, extra={"gaiji": gaiji, "missing_chars": missing})


def _date_field(value: bytes) -> Field:
    raw = value.decode("ascii", errors="replace")
    try:
        if len(raw) != 7 or not raw.isdigit():
            raise ValueError(raw)
        era = wareki.ERA_BY_CODE[int(raw[0])]
        day = wareki.from_wareki(era, int(raw[1:3]), int(raw[3:5]), int(raw[5:7]))
    except (KeyError, ValueError):  # WarekiError is a ValueError
        return _field(raw, valid=False, problem="日付（元号コード＋年月日）を読めません。券面を見て直してください。")
    return _field(day.isoformat(), extra={"wareki": wareki.format_wareki(day)})


def _number_field(value: bytes, issuer: str) -> Field:
    raw = value.decode("ascii", errors="replace")
    extra = {"issuer": issuer} if issuer else {}
    if len(raw) != 12 or not raw.isdigit():
        return _field(raw, valid=False, problem="免許証番号が12桁の数字ではありません。券面を見て直してください。", extra=extra)
    return _field(raw, extra=extra)


def parse_entries(data: bytes) -> dict[str, Field]:
    """The fields of DF1 EF 0001, named as the OCR reader names them."""
    items = {item.tag: item.value for item in tlv.parse(data, stop_at_padding=True)}
    fields: dict[str, Field] = {}
    for tag, name in ((TAG_NAME, "name"), (TAG_NAME_KANA, "name_kana"), (TAG_ADDRESS, "address")):
        if tag in items:
            fields[name] = _text_field(items[tag])
    for tag, name in ((TAG_BIRTH_DATE, "birth_date"), (TAG_ISSUE_DATE, "issue_date"), (TAG_EXPIRY, "expiry_date")):
        if tag in items:
            fields[name] = _date_field(items[tag])
    issuer = decode_jis(items[TAG_ISSUER])[0] if TAG_ISSUER in items else ""
    if TAG_NUMBER in items:
        fields["document_number"] = _number_field(items[TAG_NUMBER], issuer)
    return fields
