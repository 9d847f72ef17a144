"""The 窓口 workspace: one visit, from the card on the desk to the signed packet, on one screen.

A thin view over :class:`madoguchi.counter.flow.VisitFlow` (the Qt-free model): the step bar
shows where the visit is, the stack shows one step, the hint bar its shortcuts. This class
wires the outside world to the steps — the ID reader, the scanner folder, the IC reader, the
forms engine, the printer, the queue, the draft store and the audit log — always off the UI
thread (``run_in_background``), and turns failures into plain words that lose nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QFileSystemWatcher, Qt, QThreadPool, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from madoguchi.counter.flow import STEPS, PrintOutcome, Step, VisitFlow
from madoguchi.errors import MadoguchiError
from madoguchi.ui.context import AppContext
from madoguchi.ui.counter.card_step import CardStepWidget
from madoguchi.ui.counter.check_step import CheckStepWidget
from madoguchi.ui.counter.common import StepWidget
from madoguchi.ui.counter.data_text import data_tr
from madoguchi.ui.counter.done_step import DoneStepWidget
from madoguchi.ui.counter.preview_step import PreviewStepWidget
from madoguchi.ui.counter.print_step import PrintStepWidget
from madoguchi.ui.counter.style import counter_style_sheet
from madoguchi.ui.counter.what_step import WhatStepWidget
from madoguchi.ui.counter.who_step import WhoStepWidget
from madoguchi.ui.widgets.banner import BannerWidget
from madoguchi.ui.workers import run_in_background

log = logging.getLogger(__name__)

STEP_NUMBERS = "①②③④⑤⑥⑦"
HOT_FOLDER_POLL_MS = 250  # a fallback: the folder's change notification wakes the poll at once
HOT_FOLDER_SETTLE_S = 0.15
AUTOSAVE_DELAY_MS = 400
WAITING_REFRESH_MS = 15000


def _message(error: BaseException, language: str = "ja") -> str:
    if isinstance(error, MadoguchiError):
        return error.message(language)
    return QCoreApplication.translate(
        "CounterView", "予期しないエラーが起きました（{0}）。もう一度試してください。入力した内容は保持しています。"
    ).format(error.__class__.__name__)


class CounterView(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.flow = VisitFlow()
        self.reader: Any = None  # madoguchi.ids.pipeline.IdReader, created once, warm
        self.reader_error: MadoguchiError | None = None
        self.drafts: Any = None  # madoguchi.privacy.drafts.DraftStore
        self.watcher: Any = None  # madoguchi.ids.capture.HotFolderWatcher
        self.ticket_queue: Any = None
        self._print_job: Any = None
        self._reading = False
        self._ic_available = False
        self._draft_pool = QThreadPool(self)
        self._draft_pool.setMaxThreadCount(1)  # saves and deletes of one visit never overtake each other
        # the reader's start-up and its reads get their own thread: they never hold up the shared pool
        # (the database opening at start, printing)
        self._reader_pool = QThreadPool(self)
        self._reader_pool.setMaxThreadCount(1)
        self.setObjectName("CounterView")
        self.setStyleSheet(counter_style_sheet(context.settings))
        self._build()
        self.flow.step_changed.connect(self._on_step_changed)
        self.flow.changed.connect(self._on_flow_changed)
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_DELAY_MS)
        self._autosave.timeout.connect(self._on_autosave_due)
        self._hot_folder_timer = QTimer(self)
        self._hot_folder_timer.setInterval(HOT_FOLDER_POLL_MS)
        self._hot_folder_timer.timeout.connect(self._on_hot_folder_polled)
        self._folder_events = QFileSystemWatcher(self)
        self._folder_events.directoryChanged.connect(self._on_hot_folder_changed)
        self._waiting_timer = QTimer(self)
        self._waiting_timer.setInterval(WAITING_REFRESH_MS)
        self._waiting_timer.timeout.connect(self._refresh_waiting)
        context.database_ready.connect(self._on_database_ready)
        context.settings_changed.connect(self._on_settings_changed)
        if context.database is not None:
            self._on_database_ready(context.database)
        self._on_settings_changed(context.settings)
        self._start_services()
        self._on_step_changed(Step.WHO)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._on_quitting)

    # --- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        top = QHBoxLayout()
        self.chips: dict[Step, QLabel] = {}
        for _number, step in zip(STEP_NUMBERS, STEPS):
            chip = QLabel()
            chip.setObjectName("stepChip")
            self.chips[step] = chip
            top.addWidget(chip)
        top.addStretch(1)
        self.ticket_label = QLabel()
        self.ticket_label.setObjectName("ticketLabel")
        top.addWidget(self.ticket_label)
        self.cancel_button = QPushButton(self.tr("受付を中止（Ctrl+Shift+Del）"))
        self.cancel_button.setObjectName("cancelVisit")
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # never reached by Tab by accident
        self.cancel_button.clicked.connect(self._on_cancel_requested)
        cancel = QShortcut(QKeySequence("Ctrl+Shift+Delete"), self)
        cancel.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        cancel.activated.connect(self._on_cancel_requested)
        top.addWidget(self.cancel_button)
        layout.addLayout(top)
        self.banner = BannerWidget()
        layout.addWidget(self.banner)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.hint_bar = QLabel()
        self.hint_bar.setObjectName("hintBar")
        self.hint_bar.setWordWrap(True)
        layout.addWidget(self.hint_bar)

        flow = self.flow
        self.who = WhoStepWidget(flow)
        self.card = CardStepWidget(flow)
        self.check = CheckStepWidget(flow)
        self.what = WhatStepWidget(flow)
        self.preview = PreviewStepWidget(flow)
        self.printer = PrintStepWidget(flow)
        self.done = DoneStepWidget(flow)
        self.steps: dict[Step, StepWidget] = {
            Step.WHO: self.who, Step.CARD: self.card, Step.CHECK: self.check, Step.WHAT: self.what,
            Step.PREVIEW: self.preview, Step.PRINT: self.printer, Step.DONE: self.done,
        }
        for step, widget in self.steps.items():
            widget.setObjectName(f"step_{step.value}")
            self.stack.addWidget(widget)
            self.chips[step].setText(f"{STEP_NUMBERS[STEPS.index(step)]} {self.tr(widget.title)}")

        for source in (self.who, self.done):
            source.next_ticket_requested.connect(self._on_next_ticket_requested)
            source.walk_in_requested.connect(self._on_walk_in_requested)
        self.who.resume_requested.connect(self._on_resume_requested)
        self.who.discard_requested.connect(self._on_discard_requested)
        self.card.file_chosen.connect(self._on_file_chosen)
        self.card.frame_captured.connect(lambda frame: self._read_image(frame, "camera"))
        self.card.ic_requested.connect(self._on_ic_requested)
        self.check.confirmed.connect(self._on_check_confirmed)
        self.what.back_requested.connect(lambda: self.flow.go_to(Step.CHECK))
        self.what.preview_requested.connect(self._on_preview_requested)
        self.preview.back_requested.connect(lambda: self.flow.go_to(Step.WHAT))
        self.preview.print_requested.connect(self._on_print_requested)
        self.preview.save_requested.connect(self._on_save_requested)
        self.printer.back_requested.connect(lambda: self.flow.go_to(Step.PREVIEW))
        self.printer.reprint_requested.connect(self._on_print_requested)
        self.printer.save_requested.connect(self._on_save_requested)
        self.printer.finish_requested.connect(self._on_finish_requested)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        # the focus goes where the current step's work starts whenever the workspace is shown
        QTimer.singleShot(0, self.steps[self.flow.step].enter)

    # --- services -------------------------------------------------------------------------------
    def _start_services(self) -> None:
        settings = self.context.settings
        run_in_background(_make_reader, settings.ocr_engine, on_done=self._on_reader_ready,
                          on_error=self._on_reader_failed, pool=self._reader_pool)
        run_in_background(_make_draft_store, settings, on_done=self._on_drafts_ready,
                          on_error=self._on_drafts_failed, pool=self._draft_pool)
        if settings.use_ic_reader:
            run_in_background(_ic_available, settings, on_done=self._on_ic_checked, on_error=lambda _e: None,
                              pool=self._draft_pool)

    def _on_settings_changed(self, settings: Any) -> None:
        self.setStyleSheet(counter_style_sheet(settings))
        self.watcher = None
        self._hot_folder_timer.stop()
        if self._folder_events.directories():
            self._folder_events.removePaths(self._folder_events.directories())
        if settings.scanner_folder:
            try:
                from madoguchi.ids.capture import HotFolderWatcher

                # a scanner's file counts as written once unchanged for 0.15 s (and openable)
                self.watcher = HotFolderWatcher(settings.scanner_folder, settle_seconds=HOT_FOLDER_SETTLE_S)
                self._folder_events.addPath(settings.scanner_folder)
                self._hot_folder_timer.start()
            except MadoguchiError as error:
                self.banner.show_message(error.message(self.context.language), "warning")
        camera = settings.camera_index if settings.camera_index >= 0 else None
        self.card.configure(hot_folder=settings.scanner_folder, camera=camera, ic_reader=self._ic_available)

    def _on_reader_ready(self, reader: Any) -> None:
        self.reader = reader

    def _on_reader_failed(self, error: BaseException) -> None:
        self.reader_error = error if isinstance(error, MadoguchiError) else None
        log.warning("ID reader unavailable: %s", error.__class__.__name__)

    def _on_drafts_ready(self, store: Any) -> None:
        self.drafts = store
        self._refresh_drafts()

    def _on_drafts_failed(self, error: BaseException) -> None:
        self.banner.show_message(self.tr("入力途中の自動保存が使えません: ") + _message(error, self.context.language), "warning")

    def _on_ic_checked(self, available: bool) -> None:
        self._ic_available = bool(available)
        if available:
            self._on_settings_changed(self.context.settings)

    def _on_database_ready(self, database: Any) -> None:
        try:
            from madoguchi.queue.service import TicketQueue
        except ImportError:
            self.who.set_queue_available(False, self.tr("整理券の呼び出しはまだ使えません。整理券なしで受付できます（F3）。"))
            return
        self.ticket_queue = TicketQueue(database, self.context.settings.branch_id,
                                        terminal=f"counter-{self.context.settings.counter_number}")
        self.who.set_queue_available(True, "")
        self._refresh_waiting()

    def _refresh_waiting(self) -> None:
        queue = self.ticket_queue
        if queue is None or self.flow.step not in (Step.WHO, Step.DONE):
            return
        number = self.context.settings.counter_number

        def count() -> int:
            return len(queue.state().waiting(queue.counter(number).service_ids))

        run_in_background(count, on_done=self.who.set_waiting, on_error=lambda _e: self.who.set_waiting(None),
                          owner=self.who)

    def _audit(self, action: str, detail: dict[str, Any] | None = None) -> None:
        """Record what was done (ids only, never personal data); off the UI thread."""
        database, user = self.context.database, self.context.user
        if database is None or (self.flow.visit is None and action not in ("draft_discarded",)):
            return
        visit_id = self.flow.visit.id if self.flow.visit is not None else (detail or {}).pop("visit", None)
        login = user.login if user is not None else "-"

        def record() -> None:
            from madoguchi.privacy.audit import AuditLog

            AuditLog(database).record(login, action, visit_id, detail)

        run_in_background(record, on_error=lambda e: log.warning("audit failed: %s", e.__class__.__name__))

    # --- steps ----------------------------------------------------------------------------------
    def _on_step_changed(self, step: Step) -> None:
        previous = self.stack.currentWidget()
        widget = self.steps[step]
        if isinstance(previous, StepWidget) and previous is not widget:
            previous.leave()
        self.stack.setCurrentWidget(widget)
        reached = STEPS.index(step)
        for other, chip in self.chips.items():
            index = STEPS.index(other)
            chip.setProperty("state", "current" if other == step else ("done" if index < reached else "todo"))
            chip.style().unpolish(chip)
            chip.style().polish(chip)
        self.ticket_label.setText(self._ticket_text())
        self.cancel_button.setVisible(self.flow.visit is not None)
        self._update_hints()
        widget.enter()
        if step in (Step.WHO, Step.DONE):
            self._refresh_drafts()
            self._refresh_waiting()
            self._waiting_timer.start()
        else:
            self._waiting_timer.stop()

    def _update_hints(self) -> None:
        hints = self.steps[self.flow.step].hints()
        self.hint_bar.setText(self.tr("　・　").join(f"{keys} {text}" for keys, text in hints)
                              + self.tr("　・　Tab 次の項目　・　Ctrl+数字 画面切替"))

    def _ticket_text(self) -> str:
        if self.flow.visit is None:
            return ""
        return self.tr("整理券 {0}").format(self.flow.ticket_label) if self.flow.ticket_label else self.tr("整理券なし")

    def _on_flow_changed(self) -> None:
        if self.flow.visit is not None and self.drafts is not None:
            self._autosave.start()

    def _on_autosave_due(self) -> None:
        if self.flow.visit is None or self.drafts is None:
            return
        visit_id, payload, store = self.flow.visit.id, self.flow.to_draft(), self.drafts
        run_in_background(store.save, visit_id, payload, pool=self._draft_pool,
                          on_error=lambda e: self.banner.show_message(
                              self.tr("自動保存に失敗しました: ") + _message(e, self.context.language), "warning"))

    def wait_for_work(self, timeout_ms: int = 30000) -> bool:
        """Wait until this view's own threads are idle (tests, closing); the shared pool has its own wait."""
        return self._reader_pool.waitForDone(timeout_ms) and self._draft_pool.waitForDone(timeout_ms)

    def _on_quitting(self) -> None:
        """Closing the app mid-visit: the visit is saved now, not 0.4 s later."""
        if self.flow.visit is not None and self.drafts is not None:
            self._autosave.stop()
            self.drafts.save(self.flow.visit.id, self.flow.to_draft())

    def save_draft_now(self) -> None:
        """Save at once (tests, closing): the same write as the autosave."""
        self._autosave.stop()
        self._on_autosave_due()
        self._draft_pool.waitForDone(10000)

    def _refresh_drafts(self) -> None:
        if self.drafts is None:
            return
        current = self.flow.visit.id if self.flow.visit is not None else None
        items = []
        for info in self.drafts.list_open():
            if info.visit_id == current:
                continue
            when = info.updated_at.astimezone().strftime("%m/%d %H:%M")
            items.append((info.visit_id, self.tr("{0} に中断した受付（受付番号 {1}）").format(when, info.visit_id[:6])))
        self.who.set_drafts(items)
        self._update_hints()
        self.who.enter() if self.flow.step == Step.WHO and self.isVisible() else None

    # --- who ------------------------------------------------------------------------------------
    def _clear_widgets(self) -> None:
        """Whatever of the last resident the widgets still hold leaves the screen."""
        self.preview.clear()
        self.what.clear()
        self.card.picture.clear()
        self.card.status.clear()

    def _on_walk_in_requested(self) -> None:
        self.banner.clear_message()
        self.flow.start()

    def _on_next_ticket_requested(self) -> None:
        if self.ticket_queue is None:
            self.banner.show_message(self.tr("整理券の呼び出しはまだ使えません。整理券なしで受付できます（F3）。"), "info")
            return
        counter = self.context.settings.counter_number
        run_in_background(self.ticket_queue.call_next, counter, on_done=self._on_ticket_called,
                          on_error=lambda e: self.banner.show_message(_message(e, self.context.language), "error"))

    def _on_ticket_called(self, ticket: Any) -> None:
        if ticket is None:
            self.banner.show_message(self.tr("お待ちの方はいません。"), "info")
            return
        self.banner.clear_message()
        self.flow.start(ticket, ticket.label)

    def _on_resume_requested(self, visit_id: str) -> None:
        try:
            payload = self.drafts.load(visit_id)
            if payload is None:
                raise MadoguchiError("保存された受付が見つかりません。", "the saved visit was not found.")
            self.flow.resume(payload)
        except MadoguchiError as error:
            self.banner.show_message(error.message(self.context.language), "error")
            return
        self.banner.show_message(self.tr("中断した受付を再開しました。カード画像は保存されないため表示されません。"), "info")
        self._audit("draft_resumed")
        if self.flow.step == Step.PREVIEW:
            self._render()

    def _on_discard_requested(self, visit_id: str) -> None:
        store = self.drafts
        run_in_background(store.delete, visit_id, pool=self._draft_pool, on_done=lambda _r: self._refresh_drafts())
        self._audit("draft_discarded", {"visit": visit_id})

    # --- card -----------------------------------------------------------------------------------
    def _on_hot_folder_changed(self, _path: str) -> None:
        """A file appeared or grew: look now, and again once it can have settled."""
        self._on_hot_folder_polled()
        QTimer.singleShot(int(HOT_FOLDER_SETTLE_S * 1000) + 20, self._on_hot_folder_polled)

    def _on_hot_folder_polled(self) -> None:
        if self.watcher is None or self._reading or self.flow.step not in (Step.WHO, Step.CARD, Step.DONE):
            return
        try:
            ready = self.watcher.poll()
        except MadoguchiError as error:
            self.card.show_problem(error.message(self.context.language))
            return
        if ready:
            if self.flow.visit is None:
                self.flow.start()  # a card scanned before F3: the visit starts with it
            self._read_image(ready[-1], "scanner")

    def _on_file_chosen(self, path: Path) -> None:
        self._read_image(path, "file")

    def _read_image(self, image: Any, source: str) -> None:
        if self.reader is None:
            text = self.reader_error.message(self.context.language) if self.reader_error is not None else self.tr(
                "読取の準備中です。数秒後にもう一度試してください。")
            self.card.show_problem(text)
            return
        self._reading = True
        self._hot_folder_timer.stop()  # no ticks while the OCR works: each would make it yield the GIL
        self.card.show_busy(self.tr("読み取っています…"))
        run_in_background(self.reader.read, image, source=source, on_done=self._on_card_read,
                          on_error=self._on_card_failed, pool=self._reader_pool)

    def _resume_hot_folder(self) -> None:
        self._reading = False
        if self.watcher is not None:
            self._hot_folder_timer.start()

    def _on_card_read(self, reading: Any) -> None:
        self._resume_hot_folder()
        if self.flow.visit is None:
            return
        self.card.show_capture(reading.card_image, reading.outline)
        self.flow.set_reading(reading)
        self._audit("card_read", {"source": reading.source.split(":")[0],
                                  "document": str(getattr(reading.document_type, "value", ""))})

    def _on_card_failed(self, error: BaseException) -> None:
        self._resume_hot_folder()
        self.card.show_problem(_message(error, self.context.language) + self.tr("　置き直して読み取るか、画像ファイルを開いてください。"))

    def _on_ic_requested(self) -> None:
        from madoguchi.ui.counter.ic import read_ic_card

        read_ic_card(self, self.context.settings, on_read=self._on_ic_read, on_failed=self._on_ic_failed)

    def _on_ic_read(self, reading: Any) -> None:
        if self.flow.visit is None:
            self.flow.start()
        self.flow.set_reading(reading)
        self._audit("card_read", {"source": "ic", "document": str(getattr(reading.document_type, "value", ""))})

    def _on_ic_failed(self, error: BaseException) -> None:
        # whatever was read already stays in the fields; OCR is the way on
        self.card.show_problem(_message(error, self.context.language) + self.tr("　カードを書画カメラ・スキャナで読み取ることもできます（Ctrl+O）。"))

    # --- check / what ---------------------------------------------------------------------------
    def _on_check_confirmed(self) -> None:
        try:
            self.flow.confirm()
        except MadoguchiError as error:
            self.banner.show_message(error.message(self.context.language), "warning")
            return
        edited = [name for name, state in self.flow.fields.items() if state.edited]
        if edited:
            self._audit("field_edited", {"count": len(edited)})

    def _on_preview_requested(self) -> None:
        try:
            self.flow.to_preview()
        except MadoguchiError as error:
            self.banner.show_message(error.message(self.context.language), "warning")
            return
        self._render()

    def _render(self) -> None:
        self.preview.show_busy()
        run_in_background(self.flow.render, on_done=self._on_packet_rendered, on_error=self._on_render_failed)

    def _on_packet_rendered(self, packet: Any) -> None:
        if self.flow.visit is None:
            return
        self.flow.set_packet(packet)
        self.preview.show_packet(packet)

    def _on_render_failed(self, error: BaseException) -> None:
        self.preview.show_problem(_message(error, self.context.language))

    # --- print ----------------------------------------------------------------------------------
    def _on_print_requested(self) -> None:
        packet = self.flow.packet
        if packet is None or self.flow.visit is None:
            return
        from madoguchi.ui import printing as ui_printing

        stuck, self._print_job = self._print_job, None
        self.flow.to_print()
        settings = self.context.settings
        self.printer.set_details(settings.printer_name, settings.paper, settings.duplex,
                                 [data_tr(self.flow.forms.title(f)) for f in self.flow.form_ids()], packet.page_count)
        self.printer.show_sending(settings.printer_name)
        visit_id = self.flow.visit.id
        if self.drafts is not None:
            # the filled packet is kept (encrypted) until the visit is done: a crash loses no re-print
            run_in_background(self.drafts.save_packet, visit_id, "packet", packet.pdf, pool=self._draft_pool)

        def submit() -> Any:
            if stuck is not None:
                ui_printing.cancel(stuck)
            return ui_printing.submit(packet.pdf, self.context.settings)

        run_in_background(submit, on_done=self._on_job_submitted, on_error=self._on_print_failed)

    def _on_job_submitted(self, job: Any) -> None:
        from madoguchi.ui import printing as ui_printing

        self._print_job = job
        self.printer.show_handed_over(job.name)
        self._audit("print", {"pages": self.flow.packet.page_count if self.flow.packet else 0,
                              "forms": len(self.flow.form_ids()), "job": job.name[-64:]})
        run_in_background(ui_printing.follow, job, on_done=self._on_job_printed, on_error=self._on_print_failed)

    def _on_job_printed(self, job: Any) -> None:
        if self.flow.visit is None:
            return
        self._print_job = job
        pages = self.flow.packet.page_count if self.flow.packet is not None else 0
        self.flow.printed(PrintOutcome(True, job_name=job.name))
        if self.drafts is not None:
            run_in_background(self.drafts.mark, self.flow.visit.id, "printed", pool=self._draft_pool)
        self.printer.show_printed(pages)

    def _on_print_failed(self, error: BaseException) -> None:
        job = getattr(error, "job", None)
        if job is not None:
            self._print_job = job
        message = _message(error, self.context.language)
        self.flow.printed(PrintOutcome(False, message, getattr(error, "message_en", "")))
        self.printer.show_failed(message)

    def _on_save_requested(self) -> None:
        packet = self.flow.packet
        if packet is None:
            return
        suggested = str(Path.home() / f"madoguchi-{datetime.now():%Y%m%d-%H%M}.pdf")
        name, _ = QFileDialog.getSaveFileName(self, self.tr("PDFで保存"), suggested, self.tr("PDF (*.pdf)"))
        if not name:
            return
        from madoguchi.printing import save_pdf

        run_in_background(save_pdf, packet.pdf, Path(name), on_done=self._on_pdf_saved,
                          on_error=lambda e: self.banner.show_message(_message(e, self.context.language), "error"))

    def _on_pdf_saved(self, path: Path) -> None:
        self.banner.show_message(self.tr("PDFを保存しました: {0}").format(path), "info")
        self.printer.allow_finish()

    def _on_cancel_requested(self) -> None:
        """The resident leaves before the end: after a confirmation everything of the visit is removed."""
        visit = self.flow.visit
        if visit is None:
            return
        answer = QMessageBox.question(
            self, self.tr("受付を中止"),
            self.tr("この受付を中止して、入力した内容と帳票を消去しますか？（元に戻せません）"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._audit("draft_discarded")
        if self.drafts is not None:
            self._autosave.stop()
            run_in_background(self.drafts.delete, visit.id, pool=self._draft_pool)
        self._print_job = None
        self._clear_widgets()
        self.flow.discard()
        self.check.refresh()
        self.banner.show_message(self.tr("受付を中止しました。入力した内容は消去しました。"), "info")

    # --- done -----------------------------------------------------------------------------------
    def _on_finish_requested(self) -> None:
        visit = self.flow.visit
        if visit is None:
            return
        self._audit("visit_done", {"forms": len(self.flow.form_ids())})
        ticket, label = self.flow.ticket, self.flow.ticket_label
        if ticket is not None and self.ticket_queue is not None:
            run_in_background(self.ticket_queue.served, ticket.id,
                              on_error=lambda e: self.banner.show_message(_message(e, self.context.language), "warning"))
        if self.drafts is not None:
            self._autosave.stop()
            run_in_background(self.drafts.delete, visit.id, pool=self._draft_pool)
        self._print_job = None
        self._clear_widgets()
        self.flow.finish()
        summary = self.tr("お客様の情報は画面・メモリ・自動保存から消去しました。")
        if label:
            summary = self.tr("整理券 {0} を完了にしました。").format(label) + summary
        self.done.set_summary(summary)
        self.check.refresh()
        self.ticket_label.setText("")


def _make_reader(engine: str) -> Any:
    """The ID reader, created once, and the flow's helpers warmed up, so the first card is as fast
    as the next."""
    from madoguchi.counter.flow import warm_up
    from madoguchi.ids.pipeline import IdReader

    reader = IdReader(engine_name=engine)
    warm_up()
    return reader


def _make_draft_store(settings: Any) -> Any:
    from madoguchi.privacy.drafts import DraftStore
    from madoguchi.privacy.keys import load_key

    return DraftStore(None, load_key(settings))


def _ic_available(settings: Any) -> bool:
    try:
        from madoguchi.ids.ic.reader import IcCardReader
    except ImportError:
        return False
    return bool(IcCardReader(settings).available())
