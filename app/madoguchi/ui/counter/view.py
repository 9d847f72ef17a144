"""The 窓口 workspace: one visit, from the card on the desk to the signed packet, on one screen.

A thin view over the Qt-free use case (:mod:`madoguchi.counter`): :class:`VisitFlow` holds the
visit, :class:`VisitService` its outside world (ID reader, draft store, audit log, queue, printer).
The step bar shows where the visit is, the stack shows one step, the hint bar its shortcuts. This
class presents and forwards intent: it runs the service's blocking calls off the UI thread
(``run_in_background``), watches the scanner folder, and turns failures into plain words that
lose nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QThreadPool, QTimer
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from madoguchi.counter.flow import PrintOutcome, Step, VisitFlow
from madoguchi.counter.service import VisitService
from madoguchi.errors import MadoguchiError
from madoguchi.printing import save_pdf
from madoguchi.ui import printing as ui_printing
from madoguchi.ui.context import AppContext
from madoguchi.ui.counter.card_step import CardStepWidget
from madoguchi.ui.counter.check_step import CheckStepWidget
from madoguchi.ui.counter.common import StepWidget, error_text
from madoguchi.ui.counter.data_text import data_tr
from madoguchi.ui.counter.done_step import DoneStepWidget
from madoguchi.ui.counter.drafts import DraftKeeper
from madoguchi.ui.counter.ic import read_ic_card
from madoguchi.ui.counter.preview_step import PreviewStepWidget
from madoguchi.ui.counter.print_step import PrintStepWidget
from madoguchi.ui.counter.scanner_folder import ScannerFolderWatch
from madoguchi.ui.counter.step_bar import StepBarWidget
from madoguchi.ui.counter.style import counter_style_sheet
from madoguchi.ui.counter.what_step import WhatStepWidget
from madoguchi.ui.counter.who_step import WhoStepWidget
from madoguchi.ui.widgets.banner import BannerWidget
from madoguchi.ui.workers import run_in_background

log = logging.getLogger(__name__)

WAITING_REFRESH_MS = 15000


class CounterView(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.flow = VisitFlow()
        user = context.user
        self.service = VisitService(context.settings, ui_printing, login=user.login if user is not None else "-")
        self.reader_error: MadoguchiError | None = None
        self._ic_available = False
        # the reader's start-up and its reads get their own thread: they never hold up the shared pool
        # (the database opening at start, printing)
        self._reader_pool = QThreadPool(self)
        self._reader_pool.setMaxThreadCount(1)
        self.setObjectName("CounterView")
        self.setStyleSheet(counter_style_sheet(context.settings))
        self._build()
        self.flow.step_changed.connect(self._on_step_changed)
        self.keeper = DraftKeeper(self.flow, self.service, self)
        self.keeper.listed.connect(self._on_open_visits)
        self.keeper.loaded.connect(self._on_draft_loaded)
        self.keeper.failed.connect(self._on_keeper_failed)
        self.scanner = ScannerFolderWatch(lambda: self.flow.step in (Step.WHO, Step.CARD, Step.DONE), self)
        self.scanner.image_ready.connect(self._on_scanned)
        self.scanner.failed.connect(lambda error: self.card.show_problem(error.message(self.context.language)))
        self._waiting_timer = QTimer(self)
        self._waiting_timer.setInterval(WAITING_REFRESH_MS)
        self._waiting_timer.timeout.connect(self._refresh_waiting)
        context.database_ready.connect(self._on_database_ready)
        context.settings_changed.connect(self._on_settings_changed)
        context.user_changed.connect(self._on_user_changed)
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
        flow = self.flow
        self.who, self.card, self.check = WhoStepWidget(flow), CardStepWidget(flow), CheckStepWidget(flow)
        self.what, self.preview = WhatStepWidget(flow), PreviewStepWidget(flow)
        self.printer, self.done = PrintStepWidget(flow), DoneStepWidget(flow)
        self.steps: dict[Step, StepWidget] = {
            Step.WHO: self.who, Step.CARD: self.card, Step.CHECK: self.check, Step.WHAT: self.what,
            Step.PREVIEW: self.preview, Step.PRINT: self.printer, Step.DONE: self.done,
        }
        self.step_bar = StepBarWidget({step: self.tr(widget.title) for step, widget in self.steps.items()})
        self.step_bar.add_cancel_shortcut(self)
        self.step_bar.cancel_requested.connect(self._on_cancel_requested)
        self.chips, self.ticket_label = self.step_bar.chips, self.step_bar.ticket_label
        self.cancel_button = self.step_bar.cancel_button
        layout.addWidget(self.step_bar)
        self.banner = BannerWidget()
        layout.addWidget(self.banner)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.hint_bar = QLabel()
        self.hint_bar.setObjectName("hintBar")
        self.hint_bar.setWordWrap(True)
        layout.addWidget(self.hint_bar)
        for step, widget in self.steps.items():
            widget.setObjectName(f"step_{step.value}")
            self.stack.addWidget(widget)

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
    def _in_background(self, fn: Any, *args: Any, on_done: Any = None, warn: str | None = None,
                       pool: QThreadPool | None = None) -> None:
        """A service call off the UI thread; its failure shown on the banner (``warn``: as a warning, prefixed)."""
        def failed(error: BaseException) -> None:
            text = error_text(error, self.context.language)
            self.banner.show_message((warn + text) if warn is not None else text, "warning" if warn is not None
                                     else "error")
        run_in_background(fn, *args, on_done=on_done, on_error=failed, pool=pool)

    def _start_services(self) -> None:
        run_in_background(self.service.start_reader, on_done=lambda _reader: None, on_error=self._on_reader_failed,
                          pool=self._reader_pool, owner=self)
        self.keeper.start()
        if self.context.settings.use_ic_reader:
            run_in_background(self.service.ic_available, on_done=self._on_ic_checked, on_error=lambda _e: None)

    def _on_settings_changed(self, settings: Any) -> None:
        self.service.settings = settings
        self.setStyleSheet(counter_style_sheet(settings))
        try:
            self.scanner.watch(settings.scanner_folder)
        except MadoguchiError as error:
            self.banner.show_message(error.message(self.context.language), "warning")
        camera = settings.camera_index if settings.camera_index >= 0 else None
        self.card.configure(hot_folder=settings.scanner_folder, camera=camera, ic_reader=self._ic_available)

    def _on_user_changed(self, user: Any) -> None:
        self.service.login = user.login if user is not None else "-"

    def _on_reader_failed(self, error: BaseException) -> None:
        self.reader_error = error if isinstance(error, MadoguchiError) else None
        log.warning("ID reader unavailable: %s", error.__class__.__name__)

    def _on_ic_checked(self, available: bool) -> None:
        self._ic_available = bool(available)
        if available:
            self._on_settings_changed(self.context.settings)

    def _on_database_ready(self, database: Any) -> None:
        self.service.attach_database(database)
        self.who.set_queue_available(True, "")
        self._refresh_waiting()

    def _refresh_waiting(self) -> None:
        if self.service.queue is None or self.flow.step not in (Step.WHO, Step.DONE):
            return
        run_in_background(self.service.waiting, on_done=self.who.set_waiting,
                          on_error=lambda _e: self.who.set_waiting(None), owner=self.who)

    def _audit(self, action: str, detail: dict[str, Any] | None = None, visit_id: str | None = None) -> None:
        """Record what was done (ids only, never personal data); off the UI thread."""
        visit_id = visit_id or (self.flow.visit.id if self.flow.visit is not None else None)
        if visit_id is not None:
            run_in_background(self.service.audit, action, visit_id, detail,
                              on_error=lambda e: log.warning("audit failed: %s", e.__class__.__name__))

    # --- steps ----------------------------------------------------------------------------------
    def _on_step_changed(self, step: Step) -> None:
        previous = self.stack.currentWidget()
        widget = self.steps[step]
        if isinstance(previous, StepWidget) and previous is not widget:
            previous.leave()
        self.stack.setCurrentWidget(widget)
        self.step_bar.show_step(step, self._ticket_text(), self.flow.visit is not None)
        self._update_hints()
        widget.enter()
        if step in (Step.WHO, Step.DONE):
            self.keeper.refresh()
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

    def wait_for_work(self, timeout_ms: int = 30000) -> bool:
        """Wait until this view's own threads are idle (tests, closing); the shared pool has its own wait."""
        return self._reader_pool.waitForDone(timeout_ms) and self.keeper.wait(timeout_ms)

    def _on_quitting(self) -> None:
        """Closing the app mid-visit: the visit is saved now, not 0.4 s later."""
        self.keeper.save_now()

    def save_draft_now(self) -> None:
        """Save at once (tests, closing): the same write as the autosave."""
        self.keeper.save_now()

    def _on_keeper_failed(self, what: str, error: BaseException) -> None:
        self.banner.show_message(what + error_text(error, self.context.language), "warning" if what else "error")

    def _on_open_visits(self, open_visits: list[Any]) -> None:
        self.who.set_open_visits(open_visits, self.flow.visit.id if self.flow.visit is not None else None)
        self._update_hints()
        if self.flow.step == Step.WHO and self.isVisible():
            self.who.enter()

    # --- who ------------------------------------------------------------------------------------
    def _on_walk_in_requested(self) -> None:
        self.banner.clear_message()
        self.flow.start()

    def _on_next_ticket_requested(self) -> None:
        if self.service.queue is None:
            self.banner.show_message(self.tr("整理券の呼び出しはまだ使えません。整理券なしで受付できます（F3）。"), "info")
            return
        self._in_background(self.service.call_next, on_done=self._on_ticket_called)

    def _on_ticket_called(self, ticket: Any) -> None:
        if ticket is None:
            self.banner.show_message(self.tr("お待ちの方はいません。"), "info")
            return
        self.banner.clear_message()
        self.flow.start(ticket, ticket.label)

    def _on_resume_requested(self, visit_id: str) -> None:
        self.keeper.load(visit_id)

    def _on_draft_loaded(self, payload: bytes) -> None:
        try:
            self.flow.resume(payload)
        except MadoguchiError as error:
            self.banner.show_message(error.message(self.context.language), "error")
            return
        self.banner.show_message(self.tr("中断した受付を再開しました。カード画像は保存されないため表示されません。"), "info")
        self._audit("draft_resumed")
        if self.flow.step == Step.PREVIEW:
            self._render()

    def _on_discard_requested(self, visit_id: str) -> None:
        self.keeper.discard(visit_id)
        self._audit("draft_discarded", visit_id=visit_id)

    # --- card -----------------------------------------------------------------------------------
    def _on_scanned(self, path: Path) -> None:
        if self.flow.visit is None:
            self.flow.start()  # a card scanned before F3: the visit starts with it
        self._read_image(path, "scanner")

    def _on_file_chosen(self, path: Path) -> None:
        self._read_image(path, "file")

    def _read_image(self, image: Any, source: str) -> None:
        if self.service.reader is None:
            text = self.reader_error.message(self.context.language) if self.reader_error is not None else self.tr(
                "読取の準備中です。数秒後にもう一度試してください。")
            self.card.show_problem(text)
            return
        self.scanner.pause()
        self.card.show_busy(self.tr("読み取っています…"))
        run_in_background(self.service.read, image, source, on_done=self._on_card_read,
                          on_error=self._on_card_failed, pool=self._reader_pool)

    def _on_card_read(self, reading: Any) -> None:
        self.scanner.resume()
        if self.flow.visit is None:
            return
        self.card.show_capture(reading.card_image, reading.outline)
        self._take_reading(reading, reading.source.split(":")[0])

    def _take_reading(self, reading: Any, source: str) -> None:
        self.flow.set_reading(reading)
        self._audit("card_read", {"source": source, "document": str(getattr(reading.document_type, "value", ""))})

    def _on_card_failed(self, error: BaseException) -> None:
        self.scanner.resume()
        self.card.show_problem(error_text(error, self.context.language) + self.tr("　置き直して読み取るか、画像ファイルを開いてください。"))

    def _on_ic_requested(self) -> None:
        read_ic_card(self, self.context.settings, on_read=self._on_ic_read, on_failed=self._on_ic_failed)

    def _on_ic_read(self, reading: Any) -> None:
        if self.flow.visit is None:
            self.flow.start()
        self._take_reading(reading, "ic")

    def _on_ic_failed(self, error: BaseException) -> None:
        # whatever was read already stays in the fields; OCR is the way on
        self.card.show_problem(error_text(error, self.context.language) + self.tr("　カードを書画カメラ・スキャナで読み取ることもできます（Ctrl+O）。"))

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
        run_in_background(self.flow.render, on_done=self._on_packet_rendered,
                          on_error=lambda e: self.preview.show_problem(error_text(e, self.context.language)))

    def _on_packet_rendered(self, packet: Any) -> None:
        if self.flow.visit is None:
            return
        self.flow.set_packet(packet)
        self.preview.show_packet(packet)

    # --- print ----------------------------------------------------------------------------------
    def _on_print_requested(self) -> None:
        packet = self.flow.packet
        if packet is None or self.flow.visit is None:
            return
        self.flow.to_print()
        settings = self.context.settings
        self.printer.set_details(settings.printer_name, settings.paper, settings.duplex,
                                 [data_tr(self.flow.forms.title(f)) for f in self.flow.form_ids()], packet.page_count)
        self.printer.show_sending(settings.printer_name)
        self.keeper.keep_packet(self.flow.visit.id, packet.pdf)
        run_in_background(self.service.submit_print, packet.pdf, on_done=self._on_job_submitted,
                          on_error=self._on_print_failed)

    def _on_job_submitted(self, job: Any) -> None:
        self.printer.show_handed_over(job.name)
        self._audit("print", {"pages": self.flow.packet.page_count if self.flow.packet else 0,
                              "forms": len(self.flow.form_ids()), "job": job.name[-64:]})
        run_in_background(self.service.follow_print, job, on_done=self._on_job_printed, on_error=self._on_print_failed)

    def _on_job_printed(self, job: Any) -> None:
        if self.flow.visit is None:
            return
        pages = self.flow.packet.page_count if self.flow.packet is not None else 0
        self.flow.printed(PrintOutcome(True, job_name=job.name))
        self.keeper.mark_printed(self.flow.visit.id)
        self.printer.show_printed(pages)

    def _on_print_failed(self, error: BaseException) -> None:
        message = error_text(error, self.context.language)
        self.flow.printed(PrintOutcome(False, message, getattr(error, "message_en", "")))
        self.printer.show_failed(message)

    def _on_save_requested(self) -> None:
        packet = self.flow.packet
        if packet is None:
            return
        suggested = str(Path.home() / f"madoguchi-{datetime.now():%Y%m%d-%H%M}.pdf")
        name, _ = QFileDialog.getSaveFileName(self, self.tr("PDFで保存"), suggested, self.tr("PDF (*.pdf)"))
        if name:
            self._in_background(save_pdf, packet.pdf, Path(name), on_done=self._on_pdf_saved)

    def _on_pdf_saved(self, path: Path) -> None:
        self.banner.show_message(self.tr("PDFを保存しました: {0}").format(path), "info")
        self.printer.allow_finish()

    def _on_cancel_requested(self) -> None:
        """The resident leaves before the end: after a confirmation everything of the visit is removed."""
        if self.flow.visit is None:
            return
        answer = QMessageBox.question(
            self, self.tr("受付を中止"),
            self.tr("この受付を中止して、入力した内容と帳票を消去しますか？（元に戻せません）"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._audit("draft_discarded")
        self._end_visit()
        self.flow.discard()
        self.check.refresh()
        self.banner.show_message(self.tr("受付を中止しました。入力した内容は消去しました。"), "info")

    def _end_visit(self) -> None:
        """The visit's draft goes (after any save still queued), its print job is forgotten, its widgets cleared."""
        self.keeper.end(self.flow.visit.id)
        self.service.forget_print()
        # whatever of the last resident the widgets still hold leaves the screen
        for widget in (self.preview, self.what, self.card.picture, self.card.status):
            widget.clear()

    # --- done -----------------------------------------------------------------------------------
    def _on_finish_requested(self) -> None:
        if self.flow.visit is None:
            return
        self._audit("visit_done", {"forms": len(self.flow.form_ids())})
        ticket, label = self.flow.ticket, self.flow.ticket_label
        if ticket is not None and self.service.queue is not None:
            self._in_background(self.service.served, ticket.id, warn="")
        self._end_visit()
        self.flow.finish()
        summary = self.tr("お客様の情報は画面・メモリ・自動保存から消去しました。")
        if label:
            summary = self.tr("整理券 {0} を完了にしました。").format(label) + summary
        self.done.set_summary(summary)
        self.check.refresh()
        self.ticket_label.setText("")
