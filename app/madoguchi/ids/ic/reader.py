"""PC/SC card reader front: the one API the counter screen and the CLI use.

Usage (from a background thread — every call blocks on the card)::

    reader = IcCardReader(settings)            # settings: ic_reader, use_ic_reader, allow_pinless_read
    if reader.available():                     # pyscard present, IC reading enabled, the reader found
        reader.wait_for_card(timeout=30.0)     # -> DocumentType; raises NoCard on timeout
        status = reader.pin_tries_left()       # asks the card, sends no PIN
        document_type, tries = status          # also status.pin_required (False: license without PIN)
        # show the PIN pad with `tries`; with tries == 1 the clerk must confirm explicitly
        reading = reader.read(pin, confirm_last_try=(tries == 1 and confirmed),
                              individual_number=visit_needs_it)   # -> IdReading, source "ic:<reader>"

``read`` never retries a PIN: a wrong one raises :class:`WrongPin` (with ``tries_left``),
one try left without ``confirm_last_try`` raises :class:`LastTryNotConfirmed` before the PIN
is sent, a blocked PIN raises :class:`CardLocked`. Other failures are :class:`CardError`
subclasses (``ReaderUnavailable``, ``NoCard``, ``CardRemoved``, ``UnsupportedCard``,
``CardReadError``, ``IcSupportMissing``). Each call connects to the card and leaves it reset,
so the PIN-verified state never outlives the call. The PIN is held only in local variables:
never logged, stored, or put in a message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from madoguchi.config import Settings
from madoguchi.ids.ic import license as license_card
from madoguchi.ids.ic import mynumber
from madoguchi.ids.ic.apdu import Transmit
from madoguchi.ids.ic.errors import (
    CardError,
    CardRemoved,
    IcSupportMissing,
    NoCard,
    ReaderUnavailable,
    UnsupportedCard,
)
from madoguchi.ids.model import DocumentType, IdReading

log = logging.getLogger(__name__)

#: how often wait_for_card looks again (PC/SC status change waits are capped to this too)
_POLL_SECONDS = 0.2


@dataclass(frozen=True)
class PinStatus:
    """What the card says before any PIN is typed; unpacks as ``(document_type, tries_left)``."""

    document_type: DocumentType
    tries_left: int
    #: False for a driver's license whose holder set no PIN (the reader sends ``****`` itself)
    pin_required: bool = True

    def __iter__(self) -> Iterator[Any]:
        return iter((self.document_type, self.tries_left))


def _smartcard() -> Any:
    """pyscard, imported on first use so the app runs (OCR only) without it."""
    try:
        import smartcard.System  # noqa: F401
        import smartcard.scard  # noqa: F401
        from smartcard import Exceptions  # noqa: F401
    except ImportError as exc:
        raise IcSupportMissing() from exc
    import smartcard

    return smartcard


def pyscard_installed() -> bool:
    try:
        _smartcard()
    except IcSupportMissing:
        return False
    return True


def list_readers() -> list[str]:
    """The names of the PC/SC readers present (empty when the PC/SC service is not running)."""
    sc = _smartcard()
    try:
        return [str(r) for r in sc.System.readers()]
    except sc.Exceptions.ListReadersException:
        return []
    except sc.Exceptions.EstablishContextException:
        return []


class IcCardReader:
    """One configured PC/SC reader (``ic_reader``; empty: the first one)."""

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
        """The name of the reader used; raises ReaderUnavailable when it is not there."""
        names = list_readers()
        if not names:
            raise ReaderUnavailable(
                "ICカードリーダーが見つかりません。接続と、スマートカードサービス（pcscd / Smart Card）を確認してください。",
                "no IC card reader found; check the cable and that the smart card service (pcscd) runs.")
        if not self._wanted:
            return names[0]
        for name in names:
            if name == self._wanted:
                return name
        for name in names:
            if name.startswith(self._wanted):
                return name
        available = ", ".join(names)
        raise ReaderUnavailable(
            f"設定のICカードリーダー {self._wanted!r} がありません（接続中: {available}）。設定の ic_reader を直してください。",
            f"IC card reader {self._wanted!r} not found (connected: {available}); fix the ic_reader setting.")

    def card_present(self) -> bool:
        from smartcard.scard import SCARD_STATE_PRESENT

        return bool(self._reader_state() & SCARD_STATE_PRESENT)

    def wait_for_card(self, timeout: float) -> DocumentType:
        """Block until a card is on the reader (or raise NoCard after ``timeout`` seconds).

        Returns the kind of card found; an unknown card raises UnsupportedCard.
        """
        self._wait(True, timeout)
        with self._connection() as transmit:
            return detect_document_type(transmit)

    def wait_for_removal(self, timeout: float) -> bool:
        """Block until the card is taken off the reader; False when it is still there after ``timeout``."""
        try:
            self._wait(False, timeout)
        except NoCard:
            return False
        return True

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
        """Verify ``pin`` once and read the card face data (see the module docstring)."""
        with self._connection() as transmit:
            document_type = detect_document_type(transmit)
            source = f"ic:{self._connected_name}"
            if document_type is DocumentType.MYNUMBER_CARD:
                return mynumber.read(transmit, pin, confirm_last_try=confirm_last_try,
                                     individual_number=individual_number, source=source)
            return license_card.read(transmit, pin, confirm_last_try=confirm_last_try, source=source)

    # -- PC/SC plumbing ----------------------------------------------------------------------

    _connected_name = ""

    def _reader_state(self) -> int:
        sc = _smartcard()
        from smartcard import scard

        name = self.reader_name()
        result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if result != scard.SCARD_S_SUCCESS:
            raise ReaderUnavailable("スマートカードサービスに接続できません。", "cannot reach the smart card service.")
        try:
            result, states = scard.SCardGetStatusChange(context, 0, [(name, scard.SCARD_STATE_UNAWARE)])
            if result != scard.SCARD_S_SUCCESS:
                raise ReaderUnavailable("ICカードリーダーの状態を読めません。", "cannot read the reader's state.")
            return int(states[0][1])
        finally:
            scard.SCardReleaseContext(context)
            del sc

    def _wait(self, present: bool, timeout: float) -> None:
        from smartcard.scard import SCARD_STATE_PRESENT

        deadline = time.monotonic() + timeout
        while True:
            if bool(self._reader_state() & SCARD_STATE_PRESENT) == present:
                return
            if time.monotonic() >= deadline:
                raise NoCard()
            time.sleep(_POLL_SECONDS)

    @contextmanager
    def _connection(self) -> Iterator[Transmit]:
        from smartcard.Exceptions import CardConnectionException, NoCardException

        name = self.reader_name()
        sc = _smartcard()
        reader = next(r for r in sc.System.readers() if str(r) == name)
        connection = reader.createConnection()
        try:
            connection.connect()
        except NoCardException as exc:
            raise NoCard() from exc
        except CardConnectionException as exc:
            raise NoCard() from exc
        self._connected_name = name
        try:
            yield _transmitter(connection, self)
        finally:
            try:
                from smartcard.scard import SCARD_RESET_CARD

                connection.disconnect()  # pyscard 2.x: disconnect with the connection's disposition
                del SCARD_RESET_CARD
            except CardConnectionException:
                pass


def _transmitter(connection: Any, reader: IcCardReader) -> Transmit:
    from smartcard.Exceptions import CardConnectionException

    from madoguchi.ids.ic.apdu import Response

    def transmit(command: bytes) -> Response:
        try:
            data, sw1, sw2 = connection.transmit(list(command))
        except CardConnectionException as exc:
            raise CardRemoved() from exc
        return Response(bytes(data), sw1, sw2)

    return transmit


def detect_document_type(transmit: Transmit) -> DocumentType:
    """Which card is this: try the My Number card-face AP, then the license's MF files."""
    if mynumber.select_application(transmit):
        return DocumentType.MYNUMBER_CARD
    if license_card.is_license(transmit):
        return DocumentType.DRIVERS_LICENSE
    raise UnsupportedCard()


__all__ = ["IcCardReader", "PinStatus", "detect_document_type", "list_readers", "pyscard_installed"]
_unused: Callable[..., Any] | None = None
