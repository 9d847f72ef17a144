"""The visit's draft, kept as the clerk works: saved 0.4 s after the last change, listed, resumed,
deleted when the visit ends — always on one thread of its own, so a save, a listing and a delete
of the same visit never overtake each other, and never on the UI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from madoguchi.counter.flow import VisitFlow
from madoguchi.counter.service import VisitService
from madoguchi.ui.workers import run_in_background

AUTOSAVE_DELAY_MS = 400


class DraftKeeper(QObject):
    ready = Signal()
    listed = Signal(list)  # the open visits (DraftInfo), oldest first
    loaded = Signal(bytes)  # a saved visit, to resume
    failed = Signal(str, object)  # (what failed, in the UI language; the error)

    def __init__(self, flow: VisitFlow, service: VisitService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.flow, self.service = flow, service
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_DELAY_MS)
        self._autosave.timeout.connect(self.save)
        flow.changed.connect(self._on_flow_changed)

    @property
    def available(self) -> bool:
        return self.service.drafts is not None

    def start(self) -> None:
        run_in_background(self.service.open_drafts, on_done=lambda _store: self._opened(), pool=self.pool,
                          on_error=lambda e: self.failed.emit(self.tr("入力途中の自動保存が使えません: "), e))

    def _opened(self) -> None:
        self.ready.emit()
        self.refresh()

    def _on_flow_changed(self) -> None:
        if self.flow.visit is not None and self.available:
            self._autosave.start()

    def save(self) -> None:
        if self.flow.visit is None or not self.available:
            return
        run_in_background(self.service.save_draft, self.flow.visit.id, self.flow.to_draft(), pool=self.pool,
                          on_error=lambda e: self.failed.emit(self.tr("自動保存に失敗しました: "), e))

    def save_now(self) -> None:
        """Save at once and wait (tests, closing the app mid-visit)."""
        self._autosave.stop()
        self.save()
        self.pool.waitForDone(10000)

    def refresh(self) -> None:
        if self.available:
            run_in_background(self.service.open_visits, on_done=self.listed.emit, on_error=lambda _e: None,
                              pool=self.pool)

    def load(self, visit_id: str) -> None:
        run_in_background(self.service.load_draft, visit_id, on_done=self.loaded.emit, pool=self.pool,
                          on_error=lambda e: self.failed.emit("", e))

    def discard(self, visit_id: str) -> None:
        run_in_background(self.service.delete_draft, visit_id, on_done=lambda _r: self.refresh(), pool=self.pool)

    def end(self, visit_id: str) -> None:
        """The visit is over (done or cancelled): its draft and kept packet go, after any save still queued."""
        if self.available:
            self._autosave.stop()
            run_in_background(self.service.delete_draft, visit_id, pool=self.pool)

    def keep_packet(self, visit_id: str, pdf: bytes) -> None:
        if self.available:
            run_in_background(self.service.keep_packet, visit_id, pdf, pool=self.pool)

    def mark_printed(self, visit_id: str) -> None:
        if self.available:
            run_in_background(self.service.mark_printed, visit_id, pool=self.pool)

    def wait(self, timeout_ms: int) -> bool:
        return self.pool.waitForDone(timeout_ms)
