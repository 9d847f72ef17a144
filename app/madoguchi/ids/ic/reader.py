"""PC/SC card reader front: the one API the counter screen and the CLI use.

Usage (from a background thread — every call blocks on the card; each call opens its own
PC/SC context, so one reader object may be used from any one thread at a time)::

    from madoguchi.ids.ic.reader import IcCardReader
    from madoguchi.ids.ic.errors import CardError, WrongPin, LastTryNotConfirmed, CardLocked

    reader = IcCardReader(settings)            # settings: ic_reader, use_ic_reader
    if reader.available():                     # IC reading enabled, pyscard present, the reader connected
        document_type = reader.wait_for_card(timeout=30.0, should_stop=lambda: cancelled)
                                               # -> DocumentType; NoCard on timeout / stop
        status = reader.pin_tries_left()       # asks the card, sends no PIN
        document_type, tries = status          # also status.pin_required (False: license without PIN)
        # show the PIN pad (madoguchi.ui.widgets.pin_dialog) with `tries`;
        # with tries == 1 the clerk must confirm explicitly
        reading = reader.read(pin, confirm_last_try=confirmed,
                              individual_number=visit_needs_it)   # -> IdReading, source "ic:<reader>"
        reader.wait_for_removal(timeout=60.0)  # optional: True once the card is taken off

``read`` never retries a PIN: a wrong one raises :class:`WrongPin` (``.tries_left``),
one try left without ``confirm_last_try`` raises :class:`LastTryNotConfirmed` before the PIN
is sent, a blocked PIN raises :class:`CardLocked`, a PIN that is not 4 digits raises
``PinFormatError`` before the card sees anything. Other failures are :class:`CardError`
subclasses (``ReaderUnavailable``, ``NoCard``, ``CardRemoved``, ``UnsupportedCard``,
``CardReadError``, ``IcSupportMissing``), all in ``madoguchi.ids.ic.errors``, each with
``message_ja``/``message_en``; on any of them the counter offers OCR instead. Each call
connects to the card and leaves it reset, so the PIN-verified state never outlives the call.
The PIN is held only in local variables: never logged, stored, or put in a message.

Without the PIN, ``read_with_verification_number_b(birth_date=..., card_expiry_year=...,
security_code=...)`` reads the basic four of a My Number card with 照合番号B (from the card
face, e.g. by OCR) — only when the ward's policy allows it: the setting ``allow_pinless_read``
(off by default) must be true, else :class:`PinlessReadNotAllowed` is raised before the card
is touched. It never gives the individual number.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from madoguchi.checks import CheckResult, Status
from madoguchi.config import Settings
from madoguchi.ids.ic import license as license_card
from madoguchi.ids.ic import mynumber
from madoguchi.ids.ic.apdu import Response, Transmit
from madoguchi.ids.ic.errors import (
    CardError,
    CardReadError,
    CardRemoved,
    IcSupportMissing,
    NoCard,
    PinlessReadNotAllowed,
    ReaderUnavailable,
    UnsupportedCard,
)
from madoguchi.ids.model import DocumentType, IdReading

log = logging.getLogger(__name__)

#: longest single wait on the PC/SC service, so a waiting thread can be stopped promptly
_POLL_MS = 250


@dataclass(frozen=True)
class PinStatus:
    """What the card says before any PIN is typed; unpacks as ``(document_type, tries_left)``."""

    document_type: DocumentType
    tries_left: int
    #: False for a driver's license whose holder set no PIN (the reader sends ``****`` itself)
    pin_required: bool = True

    def __iter__(self) -> Iterator[Any]:
        return iter((self.document_type, self.tries_left))


def _scard() -> Any:
    """pyscard's PC/SC module, imported on first use so the app runs (OCR only) without it."""
    try:
        from smartcard import scard
    except ImportError as exc:
        raise IcSupportMissing() from exc
    return scard


def pyscard_installed() -> bool:
    try:
        _scard()
    except IcSupportMissing:
        return False
    return True


def _no_service() -> ReaderUnavailable:
    return ReaderUnavailable(
        "スマートカードサービスに接続できません。ICカードリーダーの接続と、サービス（Windows: Smart Card、"
        "Linux: pcscd）が動いているか確認してください。",
        "cannot reach the smart card service; check the reader and that the service runs "
        "(Windows: Smart Card, Linux: pcscd).")


@contextmanager
def _context() -> Iterator[Any]:
    scard = _scard()
    result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if result != scard.SCARD_S_SUCCESS:
        raise _no_service()
    try:
        yield context
    finally:
        scard.SCardReleaseContext(context)


def list_readers() -> list[str]:
    """The names of the PC/SC readers present (empty when none, or no PC/SC service)."""
    scard = _scard()
    try:
        with _context() as context:
            result, names = scard.SCardListReaders(context, [])
    except ReaderUnavailable:
        return []
    if result != scard.SCARD_S_SUCCESS:
        return []
    return [str(name) for name in names]


class IcCardReader:
    """One configured PC/SC reader (``ic_reader``: a name or its beginning; empty: the first one)."""

    def __init__(self, settings: Settings, *, reader_name: str | None = None) -> None:
        self._settings = settings
        self._wanted = reader_name if reader_name is not None else settings.ic_reader

    # -- the reader ---------------------------------------------------------------------------

    def available(self) -> bool:
        """True when IC reading is enabled, pyscard is installed and the reader is connected."""
        if not self._settings.use_ic_reader or not pyscard_installed():
            return False
        try:
            self.reader_name()
        except CardError:
            return False
        return True

    def reader_name(self) -> str:
        """The name of the reader used; raises ReaderUnavailable when it is not connected."""
        names = list_readers()
        if not names:
            raise ReaderUnavailable(
                "ICカードリーダーが見つかりません。接続と、スマートカードサービス（Windows: Smart Card、Linux: pcscd）"
                "を確認してください。今回は券面の撮影（OCR）を使えます。",
                "no IC card reader found; check the cable and the smart card service (pcscd). "
                "OCR of the card face works meanwhile.")
        if not self._wanted:
            return names[0]
        for name in names:
            if name == self._wanted:
                return name
        for name in names:
            if name.startswith(self._wanted):
                return name
        connected = ", ".join(names)
        raise ReaderUnavailable(
            f"設定のICカードリーダー {self._wanted!r} がありません（接続中: {connected}）。設定の ic_reader を直してください。",
            f"IC card reader {self._wanted!r} is not connected (connected: {connected}); fix the ic_reader setting.")

    def card_present(self) -> bool:
        scard = _scard()
        return bool(self._state(0) & scard.SCARD_STATE_PRESENT)

    def wait_for_card(self, timeout: float, *, should_stop: Callable[[], bool] | None = None) -> DocumentType:
        """Block until a card is on the reader, then say which card it is.

        Raises NoCard after ``timeout`` seconds (or when ``should_stop()`` turns true),
        UnsupportedCard for a card that is neither a My Number card nor a license.
        """
        if not self._wait(present=True, timeout=timeout, should_stop=should_stop):
            raise NoCard()
        with self._connection() as transmit:
            return detect_document_type(transmit)

    def wait_for_removal(self, timeout: float, *, should_stop: Callable[[], bool] | None = None) -> bool:
        """Block until the card is taken off the reader; False when it is still there after ``timeout``."""
        return self._wait(present=False, timeout=timeout, should_stop=should_stop)

    # -- the card ------------------------------------------------------------------------------

    def pin_tries_left(self) -> PinStatus:
        """Ask the card how many PIN tries are left, sending no PIN (VERIFY with no data)."""
        with self._connection() as transmit:
            document_type = detect_document_type(transmit)
            if document_type is DocumentType.MYNUMBER_CARD:
                return PinStatus(document_type, mynumber.pin_tries_left(transmit))
            pin_set = license_card.pin_is_set(transmit)
            return PinStatus(document_type, license_card.pin_tries_left(transmit), pin_required=pin_set)

    def read(self, pin: str, *, confirm_last_try: bool = False, individual_number: bool = False) -> IdReading:
        """Verify ``pin`` once and read the card face data (see the module docstring).

        ``individual_number`` is ignored for a driver's license (it has none).
        """
        with self._connection() as transmit:
            document_type = detect_document_type(transmit)
            source = f"ic:{self._connected}"
            if document_type is DocumentType.MYNUMBER_CARD:
                reading = mynumber.read(transmit, pin, confirm_last_try=confirm_last_try,
                                        individual_number=individual_number, source=source)
            else:
                reading = license_card.read(transmit, pin, confirm_last_try=confirm_last_try, source=source)
        log.info("IC card read: %s, %d fields", document_type.value, len(reading.fields))
        return reading

    def read_with_verification_number_b(self, *, birth_date: date, card_expiry_year: int, security_code: str,
                                        confirm_last_try: bool = False) -> IdReading:
        """The basic four of a My Number card via 照合番号B, if ``allow_pinless_read`` allows it."""
        if not self._settings.allow_pinless_read:
            raise PinlessReadNotAllowed()
        number_b = mynumber.verification_number_b(birth_date, card_expiry_year, security_code)
        with self._connection() as transmit:
            if detect_document_type(transmit) is not DocumentType.MYNUMBER_CARD:
                raise UnsupportedCard()
            reading = mynumber.read_with_verification_number_b(
                transmit, number_b, confirm_last_try=confirm_last_try, source=f"ic:{self._connected}")
        log.info("IC card read with 照合番号B: %d fields", len(reading.fields))
        return reading

    # -- PC/SC plumbing ----------------------------------------------------------------------

    _connected = ""

    def _state(self, timeout_ms: int, known: int | None = None) -> int:
        scard = _scard()
        name = self.reader_name()
        with _context() as context:
            current = scard.SCARD_STATE_UNAWARE if known is None else known
            result, states = scard.SCardGetStatusChange(context, timeout_ms, [(name, current)])
        if result == scard.SCARD_E_TIMEOUT:
            return current
        if result != scard.SCARD_S_SUCCESS:
            raise ReaderUnavailable(
                f"ICカードリーダー {name!r} の状態を読めません。接続を確認してください。",
                f"cannot read the state of reader {name!r}; check the cable.")
        return int(states[0][1])

    def _wait(self, *, present: bool, timeout: float, should_stop: Callable[[], bool] | None) -> bool:
        scard = _scard()
        deadline = time.monotonic() + max(0.0, timeout)
        state = self._state(0)
        while True:
            if bool(state & scard.SCARD_STATE_PRESENT) == present and not state & scard.SCARD_STATE_MUTE:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (should_stop is not None and should_stop()):
                return False
            state = self._state(int(min(remaining * 1000, _POLL_MS)) or 1,
                                known=state & ~scard.SCARD_STATE_CHANGED)

    @contextmanager
    def _connection(self) -> Iterator[Transmit]:
        """Connected to the card inside one PC/SC transaction; the card is reset afterwards so no
        PIN-verified state outlives the call."""
        scard = _scard()
        name = self.reader_name()
        with _context() as context:
            result, card, protocol = scard.SCardConnect(
                context, name, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
            if result in (scard.SCARD_E_NO_SMARTCARD, scard.SCARD_W_REMOVED_CARD, scard.SCARD_E_TIMEOUT):
                raise NoCard()
            if result == scard.SCARD_W_UNRESPONSIVE_CARD or result == scard.SCARD_W_UNPOWERED_CARD:
                raise UnsupportedCard()
            if result != scard.SCARD_S_SUCCESS:
                raise CardReadError(
                    f"カードに接続できません（PC/SC {result & 0xFFFFFFFF:08X}）。カードを置き直してください。",
                    f"cannot connect to the card (PC/SC {result & 0xFFFFFFFF:08X}); place it again.")
            self._connected = name
            try:
                scard.SCardBeginTransaction(card)
                yield _transmitter(card, protocol)
            finally:
                scard.SCardEndTransaction(card, scard.SCARD_LEAVE_CARD)
                scard.SCardDisconnect(card, scard.SCARD_RESET_CARD)


def _transmitter(card: Any, protocol: int) -> Transmit:
    scard = _scard()

    def transmit(command: bytes) -> Response:
        result, answer = scard.SCardTransmit(card, protocol, list(command))
        if result != scard.SCARD_S_SUCCESS or len(answer) < 2:
            # with the card gone the service answers "removed", "reset" or "not transacted"
            raise CardRemoved()
        return Response(bytes(answer[:-2]), answer[-2], answer[-1])

    return transmit


def probe_reader(settings: Settings) -> CheckResult:
    """Selftest check (optional, so never worse than a warning): is the configured reader there?"""
    if not settings.use_ic_reader:
        return CheckResult("ic_reader", Status.WARN, "ICカードリーダーは使わない設定です", "IC card reading is turned off",
                           "使う場合は use_ic_reader を true にしてください。", "set use_ic_reader to true to use it.")
    if not pyscard_installed():
        error = IcSupportMissing()
        return CheckResult("ic_reader", Status.WARN, "pyscard がありません（券面の撮影のみ使えます）",
                           "pyscard is missing (only OCR of the card face works)",
                           error.message_ja, error.message_en)
    try:
        name = IcCardReader(settings).reader_name()
    except CardError as error:
        return CheckResult("ic_reader", Status.WARN, error.message_ja, error.message_en,
                           "リーダーを接続し、設定の ic_reader を確認してください。",
                           "connect the reader and check the ic_reader setting.")
    count = len(list_readers())
    return CheckResult("ic_reader", Status.OK, f"{name}（接続中のリーダー {count} 台）", f"{name} ({count} readers connected)")


def detect_document_type(transmit: Transmit) -> DocumentType:
    """Which card is this: the My Number card-face AP, else the license's DF1, else unsupported."""
    if mynumber.select_application(transmit):
        return DocumentType.MYNUMBER_CARD
    if license_card.is_license(transmit):
        return DocumentType.DRIVERS_LICENSE
    raise UnsupportedCard()


__all__ = ["IcCardReader", "PinStatus", "detect_document_type", "list_readers", "probe_reader", "pyscard_installed"]
