"""The card protocols over the virtual card's APDU engine in process (no pcscd): fast logic checks.

The same engine answers through the real pcscd + vpcd in test_reader_pcsc.py.
"""

from __future__ import annotations

import pytest

from madoguchi.ids.ic import apdu, mynumber, tlv
from madoguchi.ids.ic import license as license_card
from madoguchi.ids.ic.errors import CardLocked, LastTryNotConfirmed, PinFormatError, WrongPin
from tests.ic import virtual_card
from tests.ic.data import license_holder, mynumber_holder


def _transmit(card: virtual_card.Card) -> apdu.Transmit:
    def transmit(command: bytes) -> apdu.Response:
        answer = card.process(command)
        return apdu.Response(answer[:-2], answer[-2], answer[-1])

    return transmit


def _pin_sent(card: virtual_card.Card) -> int:
    return sum(1 for entry in card.log if entry["cmd"] == "VERIFY" and entry["pin_sent"])


def test_tlv_lengths_short_and_long() -> None:
    long_value = bytes(300)
    data = tlv.encode(0xDF22, b"abc") + tlv.encode(0xDF23, bytes(200)) + tlv.encode(0x12, long_value)
    items = tlv.parse(data)
    assert [(i.tag, len(i.value)) for i in items] == [(0xDF22, 3), (0xDF23, 200), (0x12, 300)]
    assert tlv.header_size(tlv.encode(0xFF20, bytes(300))) == (5, 300)


@pytest.mark.parametrize("pin", ["123", "12345", "12a4", "１２３４", "", " 1234"])
def test_malformed_pin_is_refused_before_the_card_sees_it(pin: str) -> None:
    card = virtual_card.mynumber_card(mynumber_holder())
    with pytest.raises(PinFormatError):
        mynumber.read(_transmit(card), pin)
    assert card.log == []


def test_basic_four_and_number_only_when_asked() -> None:
    holder = mynumber_holder(seed=3)
    card = virtual_card.mynumber_card(holder)
    reading = mynumber.read(_transmit(card), holder["pin"])
    assert reading.value("name") == holder["name"]
    assert "individual_number" not in reading.fields
    assert not any(e.get("ef") == "0001" for e in card.log)
    reading = mynumber.read(_transmit(card), holder["pin"], individual_number=True)
    assert reading.value("individual_number") == holder["individual_number"]
    assert reading.fields["individual_number"].valid


def test_bad_check_digit_is_flagged() -> None:
    holder = mynumber_holder(seed=4)
    number = holder["individual_number"]
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    card = virtual_card.mynumber_card({**holder, "individual_number": wrong})
    field = mynumber.read(_transmit(card), holder["pin"], individual_number=True).fields["individual_number"]
    assert not field.valid and "検査用数字" in field.problem


def test_bad_birth_date_and_sex_code_are_flagged_not_dropped() -> None:
    holder = mynumber_holder(seed=5, birth_date="19850230", sex="9")
    card = virtual_card.mynumber_card(holder)
    reading = mynumber.read(_transmit(card), holder["pin"])
    assert reading.fields["birth_date"].value == "19850230" and not reading.fields["birth_date"].valid
    assert not reading.fields["sex"].valid
    assert len(reading.warnings) == 2


def test_wrong_pin_then_last_try_then_locked() -> None:
    holder = mynumber_holder(seed=6, tries=2)
    card = virtual_card.mynumber_card(holder)
    with pytest.raises(WrongPin) as wrong:
        mynumber.read(_transmit(card), "0000" if holder["pin"] != "0000" else "1111")
    assert wrong.value.tries_left == 1
    assert _pin_sent(card) == 1
    with pytest.raises(LastTryNotConfirmed):
        mynumber.read(_transmit(card), holder["pin"])
    assert _pin_sent(card) == 1
    with pytest.raises(CardLocked):
        mynumber.read(_transmit(card), "0000" if holder["pin"] != "0000" else "1111", confirm_last_try=True)
    assert card.pins["pin"].tries == 0
    with pytest.raises(CardLocked):
        mynumber.read(_transmit(card), holder["pin"], confirm_last_try=True)
    assert _pin_sent(card) == 2


def test_jis_text_with_gaiji_both_byte_orders_and_missing_chars() -> None:
    value = virtual_card.jis("見本") + b"\xff\xf1" + b"\xf2\xff" + b"\xff\xfa" + b"\x21"
    text, gaiji, missing = license_card.decode_jis(value)
    assert text == "見本〓〓〓〓"
    assert (gaiji, missing) == (2, 2)
    assert license_card.decode_jis(virtual_card.jis("２－１"))[0] == "２－１"


@pytest.mark.parametrize(("raw", "iso", "valid"), [
    ("3610501", "1986-05-01", True),
    ("5010501", "2019-05-01", True),  # 令和元年5月1日, the first day of 令和
    ("4310430", "2019-04-30", True),  # 平成31年4月30日, the last day of 平成
    ("4310501", "4310501", False),  # 平成31年5月1日 does not exist
    ("9010101", "9010101", False),  # no era 9
    ("50101", "50101", False),
])
def test_license_dates(raw: str, iso: str, valid: bool) -> None:
    fields = license_card.parse_entries(tlv.encode(0x16, raw.encode()) + bytes(10))
    assert fields["birth_date"].value == iso
    assert fields["birth_date"].valid is valid


def test_license_reads_entries_and_never_pin2() -> None:
    holder = license_holder(seed=7)
    card = virtual_card.drivers_license(holder)
    reading = license_card.read(_transmit(card), holder["pin1"])
    assert reading.value("name") == "見本　〓子"
    assert reading.fields["name"].extra["gaiji"] == 1
    assert reading.fields["address"].extra["missing_chars"] == 1
    assert reading.value("document_number") == holder["number"]
    assert not any(e["cmd"] == "VERIFY" and e["ef"] == "0002" for e in card.log)
    assert not any(e.get("ef") == "0002" and e.get("df") == "DF1" for e in card.log)


def test_runs_without_pyscard(monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys

    from madoguchi.checks import Status
    from madoguchi.config import Settings
    from madoguchi.ids.ic.errors import IcSupportMissing
    from madoguchi.ids.ic.reader import IcCardReader, probe_reader

    probe = "import sys, madoguchi.ids.ic.reader, madoguchi.cli; assert 'smartcard' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", probe], check=False).returncode == 0
    monkeypatch.setitem(sys.modules, "smartcard", None)  # as if pyscard were not installed
    reader = IcCardReader(Settings())
    assert not reader.available()
    with pytest.raises(IcSupportMissing):
        reader.read("1234")
    assert probe_reader(Settings()).status == Status.WARN


def test_verification_number_b_digits() -> None:
    from datetime import date

    from madoguchi.ids.ic.errors import VerificationNumberFormatError

    assert mynumber.verification_number_b(date(1985, 4, 3), 2030, "4821") == "60040320304821"
    assert mynumber.verification_number_b(date(2019, 5, 1), 2029, "0007") == "01050120290007"  # 令和元年
    with pytest.raises(VerificationNumberFormatError):
        mynumber.verification_number_b(date(1985, 4, 3), 2030, "48a1")
