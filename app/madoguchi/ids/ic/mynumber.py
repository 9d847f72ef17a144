"""My Number card (個人番号カード): the 券面事項入力補助AP (card-face entry AP).

Constants, as the public implementations agree:

- AID ``D3 92 10 00 31 00 01 01 04 08``: jpki/myna ``src/reader.rs`` ``select_text_ap``;
  TRETJapanNFCReader ``IndividualNumberReaderCommands.swift``
  ``IndividualNumberCardAID.cardInfoInputSupportAP``.
- PIN EF ``0011`` (4 ASCII digits, VERIFY ``00 20 00 80 04``; 3 tries): myna ``src/text.rs``
  (``select_ef("0011")`` before ``verify_pin``); TRET ``lookupRemainingPIN``
  (``.cardInfoInputSupport`` → EF ``00 11``).
- basic-four EF ``0002``: ``FF 20 <len>`` holding ``DF 21`` (offsets), ``DF 22`` name,
  ``DF 23`` address, ``DF 24`` birth date, ``DF 25`` sex, in that order: myna ``src/text.rs``
  ``attrs`` (skips the first inner item, then name, address, birth, sex).
- individual-number EF ``0001``: ``FF 10 0C`` + 12 ASCII digits: myna ``src/text.rs``
  ``mynumber`` (``read_binary(0, 17)``, BER); TRET ``readIndividualNumber``.

- 照合番号B EF ``0015`` (14 digits; opens the basic four but not the individual number):
  AokiApp/jsapdu ``packages/mynacard`` (``KENHOJO_AP_EF.PIN_B = 0x15``, "Card Surface 14
  digits"). Its digits — birth date as *Japanese-era* YYMMDD, the card's expiry year (western,
  4 digits), the 4-digit security code printed on the card — are as public sample code states
  them; not yet checked against a real card. Used only when the ward's policy allows it
  (setting ``allow_pinless_read``, off by default).

Some code found online uses other AIDs or tags (``E1``–``E5``); those are not this AP.
"""

from __future__ import annotations

from datetime import date

from madoguchi import wareki
from madoguchi.ids.ic import tlv
from madoguchi.ids.ic.apdu import Transmit, exchange, raise_for_status, read_tlv_file, select_aid, select_ef
from madoguchi.ids.ic.errors import UnsupportedCard, VerificationNumberFormatError
from madoguchi.ids.ic.pin import pin_bytes, query_tries, verify_once
from madoguchi.ids.model import DocumentType, Field, IdReading

AID_CARD_INFO_INPUT_SUPPORT = bytes.fromhex("D3921000310001010408")
EF_PIN = bytes.fromhex("0011")
EF_INDIVIDUAL_NUMBER = bytes.fromhex("0001")
EF_BASIC_FOUR = bytes.fromhex("0002")
EF_VERIFICATION_NUMBER_B = bytes.fromhex("0015")
#: 券面事項入力補助用暗証番号: 3 tries before the card locks it
MAX_TRIES = 3
#: 照合番号B allows more tries (a vendor's guide says 10); the card's own answer is what counts
MAX_TRIES_B = 10

TAG_BASIC_FOUR = 0xFF20
TAG_OFFSETS = 0xDF21
TAG_NAME = 0xDF22
TAG_ADDRESS = 0xDF23
TAG_BIRTH_DATE = 0xDF24
TAG_SEX = 0xDF25
TAG_INDIVIDUAL_NUMBER = 0xFF10

#: ISO/IEC 5218, as the card uses it
SEX_CODES = {"1": "male", "2": "female"}


def select_application(transmit: Transmit) -> bool:
    """Select the card-face entry AP; False when the card has no such AP."""
    return exchange(transmit, select_aid(AID_CARD_INFO_INPUT_SUPPORT)).ok


def _select_pin_file(transmit: Transmit) -> None:
    if not select_application(transmit):
        raise UnsupportedCard()
    response = exchange(transmit, select_ef(EF_PIN))
    if not response.ok:
        raise_for_status(response, "SELECT EF 0011")


def pin_tries_left(transmit: Transmit) -> int:
    """Tries left for the card-face PIN; sends no PIN."""
    _select_pin_file(transmit)
    return query_tries(transmit, MAX_TRIES)


def _read_ef(transmit: Transmit, fid: bytes) -> bytes:
    response = exchange(transmit, select_ef(fid))
    if not response.ok:
        raise_for_status(response, f"SELECT EF {fid.hex().upper()}")
    return read_tlv_file(transmit)


def read(transmit: Transmit, pin: str, *, confirm_last_try: bool = False, individual_number: bool = False,
         source: str = "ic") -> IdReading:
    """Verify the PIN once and read the basic four; the individual number only when asked."""
    secret = pin_bytes(pin)  # a malformed PIN is refused before the card sees anything
    _select_pin_file(transmit)
    verify_once(transmit, secret, confirm_last_try=confirm_last_try, max_tries=MAX_TRIES)
    del secret
    reading = IdReading(source=source, document_type=DocumentType.MYNUMBER_CARD)
    reading.fields.update(parse_basic_four(_read_ef(transmit, EF_BASIC_FOUR)))
    if individual_number:
        reading.fields["individual_number"] = parse_individual_number(_read_ef(transmit, EF_INDIVIDUAL_NUMBER))
    reading.warnings.extend(_warnings(reading))
    return reading


def verification_number_b(birth_date: date, card_expiry_year: int, security_code: str) -> str:
    """照合番号B: era-year birth date YYMMDD + the card's expiry year YYYY + the security code."""
    try:
        _era, era_year = wareki.to_wareki(birth_date)
    except wareki.WarekiError as exc:
        raise VerificationNumberFormatError() from exc
    code = f"{era_year:02d}{birth_date.month:02d}{birth_date.day:02d}{card_expiry_year:04d}{security_code}"
    if len(code) != 14 or not code.isascii() or not code.isdigit():
        raise VerificationNumberFormatError()
    return code


def read_with_verification_number_b(transmit: Transmit, number_b: str, *, confirm_last_try: bool = False,
                                    source: str = "ic") -> IdReading:
    """The basic four after 照合番号B instead of the PIN (the caller checks the ward's policy)."""
    if len(number_b) != 14 or not number_b.isascii() or not number_b.isdigit():
        raise VerificationNumberFormatError()
    if not select_application(transmit):
        raise UnsupportedCard()
    response = exchange(transmit, select_ef(EF_VERIFICATION_NUMBER_B))
    if not response.ok:
        raise_for_status(response, "SELECT EF 0015")
    verify_once(transmit, number_b.encode("ascii"), confirm_last_try=confirm_last_try, max_tries=MAX_TRIES_B)
    reading = IdReading(source=source, document_type=DocumentType.MYNUMBER_CARD)
    reading.fields.update(parse_basic_four(_read_ef(transmit, EF_BASIC_FOUR)))
    reading.warnings.extend(_warnings(reading))
    return reading


def _field(value: str, **kwargs: object) -> Field:
    return Field(value, confidence=1.0, box=None, source="ic", **kwargs)  # type: ignore[arg-type]


def _text(value: bytes) -> tuple[str, bool]:
    try:
        return value.decode("utf-8"), True
    except UnicodeDecodeError:
        return value.decode("utf-8", errors="replace"), False


def parse_basic_four(record: bytes) -> dict[str, Field]:
    """Fields ``name``, ``address``, ``birth_date`` (ISO) and ``sex`` from the ``FF 20`` record."""
    items = {item.tag: item.value for item in tlv.parse(tlv.parse_one(record, TAG_BASIC_FOUR))}
    fields: dict[str, Field] = {}
    # DF 21 holds the offsets of the items that follow; the TLV structure already locates them.
    if TAG_NAME in items:
        fields["name"] = _name_field(items[TAG_NAME])
    if TAG_ADDRESS in items:
        text, ok = _text(items[TAG_ADDRESS])
        fields["address"] = _field(text) if ok else _field(text, valid=False, problem=_BAD_TEXT)
    if TAG_BIRTH_DATE in items:
        fields["birth_date"] = _birth_date_field(items[TAG_BIRTH_DATE])
    if TAG_SEX in items:
        fields["sex"] = _sex_field(items[TAG_SEX])
    return fields


_BAD_TEXT = "カードの文字を読めない箇所があります（�）。券面を見て直してください。"


def _name_field(value: bytes) -> Field:
    text, ok = _text(value)
    if not ok:
        return _field(text, valid=False, problem=_BAD_TEXT)
    extra: dict[str, object] = {}
    parts = text.split("\u3000")
    if len(parts) == 2 and all(parts):
        # the card separates family and given name with an ideographic space
        extra = {"family_name": parts[0], "given_name": parts[1]}
    return _field(text, extra=extra)


def _birth_date_field(value: bytes) -> Field:
    raw = value.decode("ascii", errors="replace")
    try:
        if len(raw) != 8 or not raw.isdigit():
            raise ValueError(raw)
        day = date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        return _field(raw, valid=False, problem="生年月日が YYYYMMDD の日付ではありません。券面を見て直してください。")
    return _field(day.isoformat())


def _sex_field(value: bytes) -> Field:
    raw = value.decode("ascii", errors="replace")
    sex = SEX_CODES.get(raw)
    if sex is None:
        return _field("", valid=False, problem=f"性別コード {raw!r} は男女のどちらでもありません。本人に確認してください。")
    return _field(sex)


def parse_individual_number(record: bytes) -> Field:
    """The 12-digit individual number from the ``FF 10`` record, its check digit verified."""
    from madoguchi.mynumber import check_digit_valid

    number = tlv.parse_one(record, TAG_INDIVIDUAL_NUMBER).decode("ascii", errors="replace")
    if not check_digit_valid(number):
        return _field(number, valid=False,
                      problem="個人番号の検査用数字が合いません。カードの読取をやり直すか、通知カード等で確認してください。")
    return _field(number)


def _warnings(reading: IdReading) -> list[str]:
    return [f"{name}: {f.problem}" for name, f in reading.fields.items() if not f.valid]
