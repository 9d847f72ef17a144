"""Reading the card's IC chip from the Card step: wait for the card, show the tries left, ask the
PIN (madoguchi.ui.widgets.pin_dialog), read — all PC/SC work off the UI thread. A failure is
reported to the caller, which keeps what was read and offers OCR."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QWidget

from madoguchi.config import Settings
from madoguchi.ui.workers import run_in_background

CARD_WAIT_SECONDS = 10.0


def read_ic_card(parent: QWidget, settings: Settings, *, on_read: Callable[[Any], None],
                 on_failed: Callable[[BaseException], None]) -> None:
    from madoguchi.ids.ic.reader import IcCardReader

    reader = IcCardReader(settings)

    def wait_and_ask() -> Any:
        reader.wait_for_card(CARD_WAIT_SECONDS)
        return reader.pin_tries_left()

    def ask_pin(status: Any) -> None:
        pin, confirm = "", False
        if getattr(status, "pin_required", True):
            from madoguchi.ui.widgets.pin_dialog import PinDialog

            dialog = PinDialog(status.tries_left, str(getattr(status.document_type, "value", "")), parent)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            confirm = dialog.confirmed_last_try()
            pin = dialog.take_pin()
        run_in_background(reader.read, pin, confirm_last_try=confirm, on_done=on_read, on_error=on_failed)

    run_in_background(wait_and_ask, on_done=ask_pin, on_error=on_failed)
