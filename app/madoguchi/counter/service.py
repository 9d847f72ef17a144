"""The visit's outside world as blocking calls: the ID reader, the draft store, the audit log, the
queue and the printer.

Every method blocks (OCR, disk, database, CUPS), so the view runs them off the UI thread and a
test simply calls them: the whole chain — card image → checked record → forms → packet → print
job → ticket served — runs without a display. The printer is given (``submit``/``follow``/
``cancel``, as :mod:`madoguchi.ui.printing` offers them with its Windows path), everything else
is built from the settings when it is first needed.

Nothing here logs a resident's data; the audit records ids and counts only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from madoguchi.config import Settings
from madoguchi.counter.flow import warm_up
from madoguchi.errors import InputError, PrinterUnavailable
from madoguchi.ids.model import IdReading
from madoguchi.printing import PrintJob
from madoguchi.privacy.audit import AuditLog
from madoguchi.queue.model import Ticket
from madoguchi.queue.service import TicketQueue
from madoguchi.store.db import Database

if TYPE_CHECKING:
    from madoguchi.ids.pipeline import IdReader
    from madoguchi.privacy.drafts import DraftInfo, DraftStore

class Printer(Protocol):
    """How the visit hands a packet to the OS: submit (fast), follow (waits until printed), cancel."""

    def submit(self, pdf: bytes, settings: Settings) -> PrintJob: ...

    def follow(self, job: PrintJob) -> PrintJob: ...

    def cancel(self, job: PrintJob) -> None: ...


class VisitService:
    """One counter's services. Reader and draft store start in the background (:meth:`start_reader`,
    :meth:`open_drafts`); until then they are None and the view says so."""

    def __init__(self, settings: Settings, printer: Printer, *, database: Database | None = None,
                 login: str = "-") -> None:
        self.settings = settings
        self.printer = printer
        self.login = login
        self.reader: IdReader | None = None
        self.drafts: DraftStore | None = None
        self.database: Database | None = None
        self.queue: TicketQueue | None = None
        #: the last job handed over for this visit (cancelled before a re-print, so nothing comes out twice)
        self.print_job: PrintJob | None = None
        if database is not None:
            self.attach_database(database)

    # --- start ------------------------------------------------------------------------------------
    def start_reader(self) -> IdReader:
        """The ID reader, created once, and the flow's helpers warmed up, so the first card is as fast as the next."""
        # imported here: OpenCV and Tesseract cost 0.2 s, and the window must not wait for them
        from madoguchi.ids.pipeline import IdReader

        reader = IdReader(engine_name=self.settings.ocr_engine)
        warm_up()
        self.reader = reader
        return reader

    def open_drafts(self) -> DraftStore:
        # imported here: the key store and cryptography cost 0.1 s at start-up
        from madoguchi.privacy.drafts import DraftStore
        from madoguchi.privacy.keys import load_key

        self.drafts = DraftStore(None, load_key(self.settings))
        return self.drafts

    def ic_available(self) -> bool:
        # imported here: pyscard costs 0.1 s and most counters have no IC reader
        from madoguchi.ids.ic.reader import IcCardReader

        return bool(IcCardReader(self.settings).available())

    def attach_database(self, database: Database) -> None:
        self.database = database
        self.queue = TicketQueue(database, self.settings.branch_id, terminal=f"counter-{self.settings.counter_number}")

    # --- card -------------------------------------------------------------------------------------
    def read(self, image: Any, source: str) -> IdReading:
        if self.reader is None:
            raise InputError("読取の準備中です。数秒後にもう一度試してください。",
                             "the reader is still starting; try again in a few seconds.")
        return self.reader.read(image, source=source)

    # --- queue ------------------------------------------------------------------------------------
    def _queue(self) -> TicketQueue:
        if self.queue is None:
            raise InputError("整理券の呼び出しはまだ使えません。整理券なしで受付できます（F3）。",
                             "calling tickets is not available yet; serve without a ticket (F3).")
        return self.queue

    def call_next(self) -> Ticket | None:
        """The next resident for this counter, called; None when nobody waits."""
        return self._queue().call_next(self.settings.counter_number)

    def waiting(self) -> int:
        """How many wait for the services this counter serves."""
        queue = self._queue()
        return len(queue.state().waiting(queue.counter(self.settings.counter_number).service_ids))

    def served(self, ticket_id: int) -> Ticket:
        return self._queue().served(ticket_id)

    # --- drafts -----------------------------------------------------------------------------------
    def save_draft(self, visit_id: str, payload: bytes) -> None:
        if self.drafts is not None:
            self.drafts.save(visit_id, payload)

    def open_visits(self) -> list[DraftInfo]:
        """Visits left half-way (a crash, a closed window), oldest first."""
        return self.drafts.list_open() if self.drafts is not None else []

    def load_draft(self, visit_id: str) -> bytes:
        payload = self.drafts.load(visit_id) if self.drafts is not None else None
        if payload is None:
            raise InputError("保存された受付が見つかりません。", "the saved visit was not found.")
        return payload

    def delete_draft(self, visit_id: str) -> None:
        if self.drafts is not None:
            self.drafts.delete(visit_id)

    def keep_packet(self, visit_id: str, pdf: bytes) -> None:
        """The filled packet is kept (encrypted) until the visit is done: a crash loses no re-print."""
        if self.drafts is not None:
            self.drafts.save_packet(visit_id, "packet", pdf)

    def kept_packet(self, visit_id: str) -> bytes | None:
        return self.drafts.load_packet(visit_id, "packet") if self.drafts is not None else None

    def mark_printed(self, visit_id: str) -> None:
        if self.drafts is not None:
            self.drafts.mark(visit_id, "printed")

    # --- audit ------------------------------------------------------------------------------------
    def audit(self, action: str, visit_id: str | None, detail: dict[str, Any] | None = None) -> None:
        """Record what was done (ids and counts only, never personal data)."""
        if self.database is not None:
            AuditLog(self.database).record(self.login, action, visit_id, detail)

    # --- print ------------------------------------------------------------------------------------
    def submit_print(self, pdf: bytes) -> PrintJob:
        """Hand the packet to the OS (a stuck earlier job of this visit is cancelled first)."""
        stuck, self.print_job = self.print_job, None
        if stuck is not None:
            self.printer.cancel(stuck)
        self.print_job = self._kept_on_failure(self.printer.submit, pdf, self.settings)
        return self.print_job

    def follow_print(self, job: PrintJob) -> PrintJob:
        """Wait until the job came out; PrinterUnavailable (the job kept, to cancel before a re-print) when not."""
        self.print_job = self._kept_on_failure(self.printer.follow, job)
        return self.print_job

    def _kept_on_failure(self, step: Any, *args: Any) -> PrintJob:
        try:
            return step(*args)
        except PrinterUnavailable as error:
            failed = getattr(error, "job", None)
            if failed is not None:
                self.print_job = failed
            raise

    def forget_print(self) -> None:
        self.print_job = None
