"""IcCardReader on the real PC/SC stack: pcscd + vpcd + our virtual card process."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest

from madoguchi.checks import Status
from madoguchi.config import Settings
from madoguchi.ids.ic.errors import (
    CardLocked,
    CardRemoved,
    LastTryNotConfirmed,
    NoCard,
    PinlessReadNotAllowed,
    ReaderUnavailable,
    UnsupportedCard,
    WrongPin,
)
from madoguchi.ids.ic.reader import IcCardReader, list_readers, probe_reader
from madoguchi.ids.model import DocumentType
from tests.ic.conftest import VirtualCard
from tests.ic.data import license_holder, mynumber_holder

pytestmark = pytest.mark.pcsc


@pytest.fixture
def reader(virtual_card: VirtualCard) -> IcCardReader:
    return IcCardReader(Settings(ic_reader=virtual_card.reader.name))


def _wrong(pin: str) -> str:
    return "0000" if pin != "0000" else "1111"


def _pins_sent(card: VirtualCard) -> list[dict]:
    return [e for e in card.log() if e["cmd"] == "VERIFY" and e["pin_sent"]]


def test_lists_and_picks_the_configured_reader(virtual_card: VirtualCard) -> None:
    assert virtual_card.reader.name in list_readers()
    assert IcCardReader(Settings(ic_reader="Virtual PCD")).reader_name().startswith("Virtual PCD")
    assert probe_reader(Settings(ic_reader=virtual_card.reader.name)).status == Status.OK


def test_right_pin_reads_the_basic_four_but_not_the_number(virtual_card: VirtualCard, reader: IcCardReader) -> None:
    holder = mynumber_holder(seed=11)
    virtual_card.insert(holder)
    assert reader.wait_for_card(5) is DocumentType.MYNUMBER_CARD
    document_type, tries = reader.pin_tries_left()
    assert (document_type, tries) == (DocumentType.MYNUMBER_CARD, 3)
    reading = reader.read(holder["pin"])
    assert reading.source == f"ic:{virtual_card.reader.name}"
    assert reading.document_type is DocumentType.MYNUMBER_CARD
    assert reading.value("name") == holder["name"]
    assert reading.value("address") == holder["address"]
    bd = holder["birth_date"]
    assert reading.value("birth_date") == f"{bd[:4]}-{bd[4:6]}-{bd[6:]}"
    assert reading.value("sex") == {"1": "male", "2": "female"}[holder["sex"]]
    assert all(f.source == "ic" and f.confidence == 1.0 and f.box is None for f in reading.fields.values())
    assert "individual_number" not in reading.fields
    log = virtual_card.log()
    assert not any(e.get("ef") == "0001" for e in log), "the individual number file was touched"
    assert {e["ef"] for e in log if e["cmd"] == "READ"} == {"0002"}


def test_individual_number_is_read_only_when_asked(virtual_card: VirtualCard, reader: IcCardReader) -> None:
    holder = mynumber_holder(seed=12)
    virtual_card.insert(holder)
    reading = reader.read(holder["pin"], individual_number=True)
    assert reading.value("individual_number") == holder["individual_number"]
    assert reading.fields["individual_number"].valid
    assert any(e["cmd"] == "READ" and e["ef"] == "0001" for e in virtual_card.log())


def test_wrong_pin_costs_one_try_and_is_never_retried(virtual_card: VirtualCard, reader: IcCardReader) -> None:
    holder = mynumber_holder(seed=13)
    virtual_card.insert(holder)
    with pytest.raises(WrongPin) as error:
        reader.read(_wrong(holder["pin"]))
    assert error.value.tries_left == 2
    assert "残り 2 回" in error.value.message_ja
    assert len(_pins_sent(virtual_card)) == 1
    assert virtual_card.tries()["pin"] == 2
    assert reader.pin_tries_left().tries_left == 2
    reader.read(holder["pin"])
    assert virtual_card.tries()["pin"] == 3


def test_one_try_left_needs_explicit_confirmation(virtual_card: VirtualCard, reader: IcCardReader) -> None:
    holder = mynumber_holder(seed=14, tries=1)
    virtual_card.insert(holder)
    assert reader.pin_tries_left().tries_left == 1
    with pytest.raises(LastTryNotConfirmed):
        reader.read(holder["pin"])
    assert _pins_sent(virtual_card) == []
    assert virtual_card.tries()["pin"] == 1
    reading = reader.read(holder["pin"], confirm_last_try=True)
    assert reading.value("name") == holder["name"]


def test_locked_card_says_where_to_reset(virtual_card: VirtualCard, reader: IcCardReader) -> None:
    holder = mynumber_holder(seed=15, tries=1)
    virtual_card.insert(holder)
    with pytest.raises(CardLocked):
        reader.read(_wrong(holder["pin"]), confirm_last_try=True)
    assert reader.pin_tries_left().tries_left == 0
    with pytest.raises(CardLocked) as error:
        reader.read(holder["pin"], confirm_last_try=True)
    assert "市区町村" in error.value.message_ja
    assert len(_pins_sent(virtual_card)) == 1


def test_card_removed_mid_read(virtual_card: VirtualCard, reader: IcCardReader) -> None:
    holder = mynumber_holder(seed=16)
    virtual_card.insert(holder)
    virtual_card.remove_on("B0")  # pulled out at the first READ BINARY, after the PIN was accepted
    with pytest.raises(CardRemoved):
        reader.read(holder["pin"])
    assert any(e["cmd"] == "REMOVED" for e in virtual_card.log())


def test_no_reader(virtual_card: VirtualCard) -> None:
    missing = IcCardReader(Settings(ic_reader="No Such Reader 99"))
    assert not missing.available()
    with pytest.raises(ReaderUnavailable) as error:
        missing.read("1234")
    assert "ic_reader" in error.value.message_ja
    assert probe_reader(Settings(ic_reader="No Such Reader 99")).status == Status.WARN
    assert not IcCardReader(Settings(ic_reader=virtual_card.reader.name, use_ic_reader=False)).available()


def test_no_card(virtual_card: VirtualCard, reader: IcCardReader) -> None:
    assert reader.available()
    assert not reader.card_present()
    with pytest.raises(NoCard):
        reader.wait_for_card(0.5)
    with pytest.raises(NoCard):
        reader.read("1234")


def test_unknown_card(virtual_card: VirtualCard, reader: IcCardReader) -> None:
    virtual_card.insert({"type": "unknown"})
    with pytest.raises(UnsupportedCard):
        reader.wait_for_card(5)
    with pytest.raises(UnsupportedCard):
        reader.read("1234")
    assert not any(e["cmd"] == "VERIFY" for e in virtual_card.log())


def test_notices_insertion_and_removal(virtual_card: VirtualCard, reader: IcCardReader) -> None:
    found: list[DocumentType] = []
    waiter = threading.Thread(target=lambda: found.append(reader.wait_for_card(10)))
    waiter.start()
    time.sleep(0.3)
    virtual_card.insert(license_holder(seed=17))
    waiter.join(15)
    assert found == [DocumentType.DRIVERS_LICENSE]
    virtual_card.command(cmd="remove")
    assert reader.wait_for_removal(10)


def test_license_with_gaiji_and_era_dates(virtual_card: VirtualCard, reader: IcCardReader) -> None:
    holder = license_holder(seed=18)
    virtual_card.insert(holder)
    status = reader.pin_tries_left()
    assert (status.document_type, status.tries_left, status.pin_required) == (DocumentType.DRIVERS_LICENSE, 3, True)
    reading = reader.read(holder["pin1"])
    assert reading.value("name") == "見本　〓子"
    name = reading.fields["name"]
    assert not name.valid and name.extra["gaiji"] == 1 and "外字" in name.problem
    assert reading.value("address") == "東京都千代田区霞が関２－１－〓"
    assert reading.fields["address"].extra["missing_chars"] == 1
    assert reading.value("name_kana") == "ミホン　ハナコ"
    assert reading.value("birth_date") == "1986-05-01"
    assert reading.value("issue_date") == "2019-05-07"
    assert reading.value("expiry_date") == "2026-06-01"
    assert reading.value("document_number") == holder["number"]
    assert reading.fields["document_number"].extra["issuer"] == "東京都公安委員会"
    assert len(reading.warnings) == 2
    log = virtual_card.log()
    assert not any(e["cmd"] == "VERIFY" and e["ef"] == "0002" for e in log), "PIN 2 must never be used"
    assert not any(e.get("aid") == "A0000002310200000000000000000000" for e in log), "the photo DF was selected"
    assert not any(e.get("df") == "DF1" and e.get("ef") == "0002" for e in log), "本籍 was touched"


def test_license_without_pin(virtual_card: VirtualCard, reader: IcCardReader) -> None:
    holder = license_holder(seed=19, pin1=None)
    virtual_card.insert(holder)
    status = reader.pin_tries_left()
    assert status.pin_required is False
    reading = reader.read("")
    assert reading.value("document_number") == holder["number"]


def test_license_wrong_pin(virtual_card: VirtualCard, reader: IcCardReader) -> None:
    holder = license_holder(seed=20)
    virtual_card.insert(holder)
    with pytest.raises(WrongPin) as error:
        reader.read(_wrong(holder["pin1"]))
    assert error.value.tries_left == 2
    assert virtual_card.tries()["pin1"] == 2
    assert len(_pins_sent(virtual_card)) == 1


def test_verification_number_b_only_when_the_ward_allows_it(virtual_card: VirtualCard) -> None:
    # 昭和60年4月3日 → "600403", card expiry 2030, security code 4821
    holder = mynumber_holder(seed=21, birth_date="19850403", number_b="60040320304821")
    virtual_card.insert(holder)
    name = virtual_card.reader.name
    with pytest.raises(PinlessReadNotAllowed):
        IcCardReader(Settings(ic_reader=name)).read_with_verification_number_b(
            birth_date=date(1985, 4, 3), card_expiry_year=2030, security_code="4821")
    assert virtual_card.log() == []
    allowed = IcCardReader(Settings(ic_reader=name, allow_pinless_read=True))
    with pytest.raises(WrongPin) as error:
        allowed.read_with_verification_number_b(birth_date=date(1985, 4, 3), card_expiry_year=2031,
                                                security_code="4821")
    assert error.value.tries_left == 9
    reading = allowed.read_with_verification_number_b(birth_date=date(1985, 4, 3), card_expiry_year=2030,
                                                      security_code="4821")
    assert reading.value("name") == holder["name"] and reading.value("birth_date") == "1985-04-03"
    assert "individual_number" not in reading.fields
    log = virtual_card.log()
    assert [e["ef"] for e in log if e["cmd"] == "VERIFY" and e["pin_sent"]] == ["0015", "0015"]
    assert not any(e.get("ef") in ("0001", "0011") for e in log)
