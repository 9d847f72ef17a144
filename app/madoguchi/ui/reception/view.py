"""The 受付 workspace: one big button per service (keys 1–9) issues a ticket and prints its receipt.

A press allocates a *pending* number (idempotency key per press, so a double press gives one
ticket), renders the receipt, prints it through the OS and confirms the ticket once it came
out. If printing fails the number does not count: the clerk re-prints, confirms by hand
(wrote the number down) or voids it — there are no ghost numbers.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from madoguchi.errors import MadoguchiError
from madoguchi.queue.receipt import preload as preload_receipt
from madoguchi.queue.receipt import wait_line
from madoguchi.ui.context import AppContext
from madoguchi.ui.printing import print_receipt
from madoguchi.ui.queue_adapter import QueueLink, wait_text
from madoguchi.ui.reception import issuing
from madoguchi.ui.widgets.banner import BannerWidget
from madoguchi.ui.workers import run_in_background

log = logging.getLogger(__name__)

#: presses of the same service closer than this are one press (a bouncing or double-pressed key)
DOUBLE_PRESS_SECONDS = 2.0

_STYLE = """
QPushButton#serviceButton { font-size: 18pt; padding: 12px; min-height: 92px; text-align: left; }
QLabel#lastTicket { font-size: 48pt; font-weight: bold; }
QLabel#lastService { font-size: 16pt; }
QLabel#issueStatus { font-size: 13pt; }
QFrame#printProblem { border: 3px solid #b00020; border-radius: 6px; }
QLabel#printProblemText { font-size: 13pt; }
"""


class ReceptionView(QWidget):
    ticket_issued = Signal(object)  # Ticket (confirmed: it waits now)
    ticket_voided = Signal(object)
    print_failed = Signal(object)  # IssueOutcome

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setStyleSheet(_STYLE)
        self.link = QueueLink(context, parent=self)
        self.link.loaded.connect(self._on_snapshot_loaded)
        self.link.online_changed.connect(self._on_online_changed)
        self.snapshot: Any = None
        self.buttons: dict[str, QPushButton] = {}
        self.keys: dict[int, str] = {}  # Qt key → service prefix
        self.busy = False
        self.pending: issuing.IssueOutcome | None = None  # printed badly, waiting for the clerk
        self.last: issuing.IssueOutcome | None = None
        self._last_press: tuple[str, float, str] | None = None  # prefix, when, key
        self.printer = print_receipt  # the one print call
        self._build()
        # digits must reach keyPressEvent wherever the clerk is in this workspace
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        title = QLabel(self.tr("受付 — 整理券の発行"))
        title.setObjectName("workspaceTitle")
        header.addWidget(title)
        header.addStretch(1)
        self.place = QLabel(self.context.settings.branch_name)
        header.addWidget(self.place)
        layout.addLayout(header)
        self.banner = BannerWidget()
        layout.addWidget(self.banner)
        hint = QLabel(self.tr("業務の番号キー（1〜9）またはボタンで整理券を発行します。"
                              "番号は印刷できてから有効になります。"))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        body = QHBoxLayout()
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setSpacing(10)
        body.addWidget(self.grid_host, 3)
        body.addWidget(self._build_side(), 2)
        layout.addLayout(body, 1)
        self.loading = QLabel(self.tr("データベースに接続しています…"))
        self.grid.addWidget(self.loading, 0, 0)

    def _build_side(self) -> QWidget:
        side = QFrame()
        box = QVBoxLayout(side)
        self.caption = QLabel(self.tr("最後に発行した番号"))
        box.addWidget(self.caption)
        self.last_ticket = QLabel("—")
        self.last_ticket.setObjectName("lastTicket")
        self.last_ticket.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.last_ticket)
        self.last_service = QLabel("")
        self.last_service.setObjectName("lastService")
        self.last_service.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.last_service.setWordWrap(True)
        box.addWidget(self.last_service)
        self.status = QLabel("")
        self.status.setObjectName("issueStatus")
        self.status.setWordWrap(True)
        box.addWidget(self.status)
        box.addWidget(self._build_problem())
        box.addStretch(1)
        return side

    def _build_problem(self) -> QFrame:
        self.problem = QFrame()
        self.problem.setObjectName("printProblem")
        box = QVBoxLayout(self.problem)
        self.problem_text = QLabel("")
        self.problem_text.setObjectName("printProblemText")
        self.problem_text.setWordWrap(True)
        box.addWidget(self.problem_text)
        row = QHBoxLayout()
        self.reprint_button = QPushButton(self.tr("再印刷 (R)"))
        self.reprint_button.setShortcut("R")
        self.reprint_button.clicked.connect(self._on_reprint_clicked)
        self.confirm_button = QPushButton(self.tr("手渡しで確定 (Enter)"))
        self.confirm_button.setToolTip(self.tr("番号を手書きで渡したときに押します。番号が有効になります。"))
        self.confirm_button.clicked.connect(self._on_confirm_clicked)
        self.void_button = QPushButton(self.tr("取り消す (Esc)"))
        self.void_button.clicked.connect(self._on_void_clicked)
        for button in (self.reprint_button, self.confirm_button, self.void_button):
            row.addWidget(button)
        box.addLayout(row)
        self.problem.hide()
        return self.problem

    def _rebuild_buttons(self, snapshot: Any) -> None:
        prefixes = [s.service.prefix for s in snapshot.services]
        if prefixes == list(self.buttons):
            return
        self.loading.hide()
        for button in self.buttons.values():
            button.deleteLater()
        self.buttons.clear()
        self.keys.clear()
        columns = 2
        for index, status in enumerate(snapshot.services):
            button = QPushButton()
            button.setObjectName("serviceButton")
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            button.clicked.connect(lambda _=False, p=status.service.prefix: self.issue(p))
            self.grid.addWidget(button, index // columns, index % columns)
            self.buttons[status.service.prefix] = button
            if index < 9:
                self.keys[int(Qt.Key.Key_1.value) + index] = status.service.prefix
        self.setTabOrder(self, next(iter(self.buttons.values()), self))

    def _update_buttons(self, snapshot: Any) -> None:
        keys = {prefix: key - int(Qt.Key.Key_0.value) for key, prefix in self.keys.items()}
        for status in snapshot.services:
            button = self.buttons.get(status.service.prefix)
            if button is None:
                continue
            key = keys.get(status.service.prefix)
            head = f"[{key}]  " if key is not None else ""
            button.setText(self.tr("{0}{1}  {2}\n待ち {3}人 ・ {4}").format(
                head, status.service.prefix, status.service.name, status.waiting,
                wait_text(status.estimate, language=self.context.language)))
            button.setEnabled(not self.busy and self.pending is None and self.link.online is not False)

    # -- queue updates ----------------------------------------------------------------------
    def _on_snapshot_loaded(self, snapshot: Any) -> None:
        if self.snapshot is None:
            preload_receipt()
        self.snapshot = snapshot
        self._rebuild_buttons(snapshot)
        self._update_buttons(snapshot)

    def _on_online_changed(self, online: bool, message: str) -> None:
        if online:
            self.banner.clear_message()
        else:
            self.banner.show_message(self.tr("オフライン: 整理券を発行できません。データベースの復旧を待っています。")
                                     + (" " + message if message else ""), "error")
        if self.snapshot is not None:
            self._update_buttons(self.snapshot)

    # -- issuing ----------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if self.pending is not None:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._on_confirm_clicked()
                return
            if event.key() == Qt.Key.Key_Escape:
                self._on_void_clicked()
                return
        prefix = self.keys.get(event.key())
        if prefix is not None and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.issue(prefix)
            return
        super().keyPressEvent(event)

    def _press_key(self, prefix: str) -> str:
        """The idempotency key of this press: a second press of the same service right after is the same."""
        now = time.monotonic()
        if self._last_press and self._last_press[0] == prefix and now - self._last_press[1] < DOUBLE_PRESS_SECONDS:
            key = self._last_press[2]
        else:
            key = f"{self.context.settings.branch_id}-{self.context.settings.counter_number}-{uuid.uuid4().hex}"
        self._last_press = (prefix, now, key)
        return key

    def issue(self, prefix: str) -> bool:
        """Issue a ticket of ``prefix``; False when a press is still being handled (ignored)."""
        key = self._press_key(prefix)
        if self.busy or self.pending is not None or self.link.queue is None:
            return False
        self._set_busy(True, self.tr("発券しています…"))
        staff = self.context.user.id if self.context.user else None
        run_in_background(issuing.allocate, self.link.queue, prefix, key, staff, self.context.settings,
                          on_done=self._on_allocated, on_error=self._on_failed)
        return True

    def _on_allocated(self, outcome: issuing.IssueOutcome) -> None:
        if outcome.replayed:
            self._set_busy(False, self.tr("同じ押し直しです。{0} は発行済みです。").format(outcome.ticket.label))
            return
        self._show_ticket(outcome)
        self._print(outcome)

    def _print(self, outcome: issuing.IssueOutcome) -> None:
        self._set_busy(True, self.tr("{0} を印刷しています…").format(outcome.ticket.label))
        staff = self.context.user.id if self.context.user else None
        run_in_background(issuing.print_and_confirm, self.link.queue, outcome, self.context.settings, staff,
                          self.printer, on_done=self._on_printed, on_error=self._on_failed)

    def _on_printed(self, outcome: issuing.IssueOutcome) -> None:
        if outcome.needs_decision:
            self.pending = outcome
            self._set_busy(False, self.tr("{0} を印刷できませんでした。まだ有効ではありません。").format(outcome.ticket.label))
            self.problem_text.setText(outcome.print_error.message(self.context.language))  # type: ignore[union-attr]
            self.caption.setText(self.tr("未確定の番号（印刷できていません）"))
            self.problem.show()
            self.reprint_button.setFocus()
            self.print_failed.emit(outcome)
            return
        self._done(outcome, self.tr("{0} を発行しました。").format(outcome.ticket.label))

    def _done(self, outcome: issuing.IssueOutcome, message: str) -> None:
        self.pending = None
        self.caption.setText(self.tr("最後に発行した番号"))
        self.problem.hide()
        self.last = outcome
        self._show_ticket(outcome)
        self._set_busy(False, message)
        self.ticket_issued.emit(outcome.ticket)
        self.link.refresh()

    def _on_failed(self, error: BaseException) -> None:
        text = error.message(self.context.language) if isinstance(error, MadoguchiError) else \
            self.tr("発券に失敗しました（{0}）。もう一度押してください。").format(error.__class__.__name__)
        log.warning("issuing failed: %s", error.__class__.__name__)
        self._set_busy(False, text)
        # the press may be repeated: the same key returns what was committed, if anything was
        self.link.refresh()

    def _on_reprint_clicked(self) -> None:
        if self.pending is not None and not self.busy:
            outcome, self.pending = self.pending, None
            self.problem.hide()
            self._print(outcome)

    def _on_confirm_clicked(self) -> None:
        if self.pending is None or self.busy:
            return
        outcome = self.pending
        self._set_busy(True, self.tr("確定しています…"))
        staff = self.context.user.id if self.context.user else None
        run_in_background(issuing.confirm_by_clerk, self.link.queue, outcome, staff,
                          on_done=lambda o: self._done(o, self.tr("{0} を確定しました（手渡し）。").format(o.ticket.label)),
                          on_error=self._on_failed)

    def _on_void_clicked(self) -> None:
        if self.pending is None or self.busy:
            return
        outcome = self.pending
        self._set_busy(True, self.tr("取り消しています…"))
        staff = self.context.user.id if self.context.user else None
        run_in_background(issuing.void, self.link.queue, outcome, staff, on_done=self._on_voided,
                          on_error=self._on_failed)

    def _on_voided(self, outcome: issuing.IssueOutcome) -> None:
        self.pending = None
        self.caption.setText(self.tr("最後に発行した番号"))
        self.problem.hide()
        self.last_ticket.setText("—")
        self.last_service.setText("")
        self._set_busy(False, self.tr("{0} を取り消しました。番号は使われません。").format(outcome.ticket.label))
        self.ticket_voided.emit(outcome.ticket)
        self.link.refresh()

    def _show_ticket(self, outcome: issuing.IssueOutcome) -> None:
        receipt = outcome.receipt
        self.last_ticket.setText(outcome.ticket.label)
        ja, _en = wait_line(receipt)
        self.last_service.setText(f"{receipt.service_name}\n{ja}")

    def _set_busy(self, busy: bool, message: str) -> None:
        self.busy = busy
        self.status.setText(message)
        if self.snapshot is not None:
            self._update_buttons(self.snapshot)

    def shutdown(self) -> None:
        self.link.stop()
