"""Issuing one ticket: allocate (pending) → receipt → print → confirm; or void. Qt-free steps.

Each step runs on a worker thread (``run_in_background``); the view strings them together.
The ticket counts only once :func:`confirm` ran (printing succeeded or the clerk confirmed),
so a failed print never leaves a ghost number waiting in the queue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from madoguchi.config import Settings
from madoguchi.errors import MadoguchiError, PrinterUnavailable
from madoguchi.queue.model import TicketState
from madoguchi.queue.receipt import Receipt, receipt_for, render_receipt
from madoguchi.ui.printing import print_receipt


@dataclass
class IssueOutcome:
    ticket: Any  # madoguchi.queue.model.Ticket
    receipt: Receipt
    pdf: bytes = field(repr=False)
    replayed: bool = False  # the same press again: the first ticket, not printed twice
    print_error: MadoguchiError | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def needs_decision(self) -> bool:
        return self.print_error is not None and self.ticket.state == TicketState.PENDING


def allocate(queue: Any, prefix: str, key: str, staff_id: int | None, settings: Settings) -> IssueOutcome:
    """A pending number with its receipt; a repeated ``key`` returns the first ticket."""
    ticket = queue.issue(prefix, confirm=False, idempotency_key=key, staff_id=staff_id)
    service = queue.service(ticket.service_id)
    estimate = queue.estimate(ticket)
    receipt = receipt_for(ticket, service, estimate, settings)
    replayed = ticket.state != TicketState.PENDING
    return IssueOutcome(ticket, receipt, render_receipt(receipt), replayed=replayed)


def print_and_confirm(queue: Any, outcome: IssueOutcome, settings: Settings, staff_id: int | None,
                      printer: Callable[[bytes, Settings], Any] = print_receipt) -> IssueOutcome:
    """Print; confirm when it came out. A print failure is returned, not raised: the clerk decides."""
    try:
        job = printer(outcome.pdf, settings)
    except PrinterUnavailable as error:
        outcome.print_error = error
        return outcome
    outcome.extra["job"] = job
    outcome.ticket = queue.confirm(outcome.ticket, staff_id=staff_id)
    outcome.print_error = None
    return outcome


def confirm_by_clerk(queue: Any, outcome: IssueOutcome, staff_id: int | None) -> IssueOutcome:
    """The clerk wrote the number down / handed a spare ticket: it counts now."""
    outcome.ticket = queue.confirm(outcome.ticket, staff_id=staff_id)
    outcome.print_error = None
    return outcome


def void(queue: Any, outcome: IssueOutcome, staff_id: int | None) -> IssueOutcome:
    outcome.ticket = queue.void(outcome.ticket, "整理券を印刷できず取消 / receipt not printed", staff_id=staff_id)
    return outcome
