"""Step 5, Preview: every page of the packet (QtPdf), zoomable; each filled value listed beside
the pages with the field it came from — select one and the view jumps to it."""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QPointF,
    Qt,
    Signal,
)
from PySide6.QtPdf import QPdfDocument, QPdfSearchModel
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from madoguchi.counter.check import SPEC_BY_NAME
from madoguchi.counter.flow import VisitFlow
from madoguchi.ui.counter.common import StepWidget, heading
from madoguchi.ui.counter.data_text import data_tr

MM_TO_PT = 72.0 / 25.4

#: where a value on a form came from, in the words of the Check and What steps
SOURCE_LABELS = {
    "full_name": QT_TRANSLATE_NOOP("PreviewStepWidget", "氏＋名"),
    "full_name_kana": QT_TRANSLATE_NOOP("PreviewStepWidget", "氏（フリガナ）＋名（フリガナ）"),
    "address_full": QT_TRANSLATE_NOOP("PreviewStepWidget", "住所＋方書"),
    "address": QT_TRANSLATE_NOOP("PreviewStepWidget", "住所"),
    "building": QT_TRANSLATE_NOOP("PreviewStepWidget", "方書"),
    "previous_address": QT_TRANSLATE_NOOP("PreviewStepWidget", "前住所（カードの住所）"),
    "previous_postal_code": QT_TRANSLATE_NOOP("PreviewStepWidget", "前住所の郵便番号"),
    "new_address": QT_TRANSLATE_NOOP("PreviewStepWidget", "転出先の住所"),
    "new_postal_code": QT_TRANSLATE_NOOP("PreviewStepWidget", "転出先の郵便番号"),
    "moving_to": QT_TRANSLATE_NOOP("PreviewStepWidget", "新しい住所"),
    "moving_from": QT_TRANSLATE_NOOP("PreviewStepWidget", "前住所"),
    "moving_to_postal_code": QT_TRANSLATE_NOOP("PreviewStepWidget", "新しい住所の郵便番号"),
    "moving_from_postal_code": QT_TRANSLATE_NOOP("PreviewStepWidget", "前住所の郵便番号"),
    "age": QT_TRANSLATE_NOOP("PreviewStepWidget", "生年月日から計算"),
    "person_count": QT_TRANSLATE_NOOP("PreviewStepWidget", "人数"),
    "household_head": QT_TRANSLATE_NOOP("PreviewStepWidget", "世帯主"),
    "relationship": QT_TRANSLATE_NOOP("PreviewStepWidget", "続柄"),
    "phone": QT_TRANSLATE_NOOP("PreviewStepWidget", "電話番号"),
    "move_date": QT_TRANSLATE_NOOP("PreviewStepWidget", "異動日"),
    "address_kana": QT_TRANSLATE_NOOP("PreviewStepWidget", "住所（フリガナ）"),
}


def source_label(source: str) -> str:
    """``resident.family_name`` → 氏 (確認), ``answer.x`` → 確認事項 x, ``today`` → 届出日, in the UI language."""
    if source == "today":
        return QCoreApplication.translate("PreviewStepWidget", "届出日（今日）")
    if source.startswith("answer."):
        return QCoreApplication.translate("PreviewStepWidget", "確認事項")
    attr = source.split(".")[-1].split("[")[0]
    if attr in SPEC_BY_NAME:
        return QCoreApplication.translate("PreviewStepWidget", "{0}（確認画面）").format(
            data_tr(SPEC_BY_NAME[attr].label_ja))
    if attr in SOURCE_LABELS:
        return QCoreApplication.translate("PreviewStepWidget", SOURCE_LABELS[attr])
    return source


class PreviewStepWidget(StepWidget):
    title = QT_TRANSLATE_NOOP("CounterView", "プレビュー")  # shown by CounterView
    print_requested = Signal()
    save_requested = Signal()
    back_requested = Signal()

    def __init__(self, flow: VisitFlow, parent: QWidget | None = None) -> None:
        super().__init__(flow, parent)
        self._buffer: QBuffer | None = None
        self._data = QByteArray()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 8, 16, 8)
        outer.addWidget(heading(self.tr("帳票を確認してください")))
        self.message = QLabel()
        self.message.setObjectName("stepMessage")
        self.message.setWordWrap(True)
        outer.addWidget(self.message)
        self.zoom_row = QHBoxLayout()
        outer.addLayout(self.zoom_row)
        body = QHBoxLayout()
        outer.addLayout(body, 1)
        self.document = QPdfDocument(self)
        self.view = QPdfView()
        self.view.setObjectName("packetView")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        # a value picked in the trace list is found in the page's text and highlighted where it is printed
        self.search = QPdfSearchModel(self)
        self.search.setDocument(self.document)
        self.view.setSearchModel(self.search)
        self.search.countChanged.connect(self._on_search_counted)
        self._wanted_page = -1
        body.addWidget(self.view, 3)
        self.trace = QTreeWidget()
        self.trace.setObjectName("traceList")
        self.trace.setHeaderLabels([self.tr("頁"), self.tr("欄"), self.tr("印字"), self.tr("入力元")])
        self.trace.setRootIsDecorated(False)
        self.trace.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.trace.currentItemChanged.connect(self._on_trace_selected)
        body.addWidget(self.trace, 2)

        buttons = QHBoxLayout()
        self.back_button = self.button(self.tr("戻る"), "Alt+Left", self.back_requested.emit)
        self.zoom_out = self.button(self.tr("縮小"), "Ctrl+-", lambda: self._zoom(1 / 1.25))
        self.zoom_in = self.button(self.tr("拡大"), "Ctrl++", lambda: self._zoom(1.25))
        self.add_shortcut("Ctrl+=", lambda: self._zoom(1.25))
        self.fit = self.button(self.tr("幅に合わせる"), "Ctrl+0", self._on_fit_clicked)
        for widget in (self.zoom_out, self.zoom_in, self.fit):
            self.zoom_row.addWidget(widget)
        self.zoom_row.addStretch(1)
        self.save_button = self.button(self.tr("PDFで保存"), "Ctrl+S", self.save_requested.emit)
        self.print_button = self.button(self.tr("印刷"), "Ctrl+P", self.print_requested.emit)
        self.print_button.setObjectName("primaryButton")
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        outer.addLayout(buttons)
        chain = [self.zoom_out, self.zoom_in, self.fit, self.view, self.trace, self.back_button, self.save_button,
                 self.print_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)  # Tab follows the screen: zoom row, pages, trace, buttons
        self.add_shortcut("PgDown", lambda: self._page(1), self.tr("次の頁"))
        self.add_shortcut("PgUp", lambda: self._page(-1))
        self.set_ready(False)

    # --- packet ---------------------------------------------------------------------------------
    def set_ready(self, ready: bool) -> None:
        for widget in (self.print_button, self.save_button):
            widget.setEnabled(ready)

    def show_busy(self) -> None:
        self.set_ready(False)
        self.document.close()
        self.trace.clear()
        self.message.setText(self.tr("帳票を作成しています…"))

    def show_problem(self, text: str) -> None:
        self.message.setText(text)

    def show_packet(self, packet: Any) -> None:
        self.document.close()
        self._data = QByteArray(packet.pdf)
        self._buffer = QBuffer(self._data, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self._fill_trace(packet)
        forms = self._definitions()
        problems = [self._note(problem, forms) for problem in getattr(packet, "problems", [])]
        titles = [data_tr(self.flow.forms.title(f)) for f in self.flow.form_ids()]
        text = self.tr("{0} 頁（{1}）。内容を確かめて Ctrl+P で印刷します。").format(
            packet.page_count, self.tr("、").join(titles))
        if problems:
            text += "\n" + self.tr("注意: ") + "／".join(problems[:3])
        self.message.setText(text)
        self.set_ready(True)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.print_button.setFocus()

    def _note(self, problem: Any, forms: dict[str, Any]) -> str:
        """A problem of the packet as the clerk reads it: the form's title and the field's label, not their ids."""
        form = forms.get(problem.where)
        field = _field(form, problem.key)
        title = data_tr(form.title) if form is not None else problem.where
        label = field.label if field is not None and field.label else problem.key
        return self.tr("{0}「{1}」: {2}").format(title, label, problem.message_ja)

    def _fill_trace(self, packet: Any) -> None:
        self.trace.clear()
        forms = self._definitions()
        for page_number, page in enumerate(getattr(packet, "pages", []), start=1):
            form = forms.get(page.form_id)
            for placed in page.placed:
                field = _field(form, placed.field_id)
                if field is None or not field.label:
                    continue  # a part of a value (an era circle, one digit box): its field is listed
                source = source_label(field.source)
                if field.source.startswith("answer.") and form is not None:
                    question = form.question(field.source[len("answer."):])
                    source = self.tr("確認事項「{0}」").format(question.label) if question is not None else source
                item = QTreeWidgetItem([str(page_number), field.label, placed.value, source])
                for column in range(4):
                    item.setToolTip(column, f"{field.label}: {placed.value}\n← {source}")
                item.setData(0, Qt.ItemDataRole.UserRole, (page_number - 1, placed.box))
                self.trace.addTopLevelItem(item)

    def _definitions(self) -> dict[str, Any]:
        try:
            forms = self.flow.forms.definitions
        except Exception:  # the trace then names field ids only
            return {}
        return forms if isinstance(forms, dict) else {}

    def _on_trace_selected(self, item: QTreeWidgetItem | None, _previous: Any = None) -> None:
        if item is None:
            return
        page, box = item.data(0, Qt.ItemDataRole.UserRole)
        location = QPointF(box[0] * MM_TO_PT, max(0.0, box[1] * MM_TO_PT - 40))
        self.view.pageNavigator().jump(page, location, self.view.zoomFactor())
        self._wanted_page = page
        value = item.text(2).splitlines()[0].strip() if item.text(2) else ""
        self.search.setSearchString(value if len(value) >= 2 else "")

    def _on_search_counted(self) -> None:
        """Highlight the first match of the picked value on its page (the search runs in the background)."""
        for index in range(self.search.count()):
            if self.search.resultAtIndex(index).page() == self._wanted_page:
                self.view.setCurrentSearchResultIndex(index)
                return

    # --- view -----------------------------------------------------------------------------------
    def _zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.2, min(5.0, self.view.zoomFactor() * factor)))

    def _on_fit_clicked(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def _page(self, step: int) -> None:
        navigator = self.view.pageNavigator()
        target = max(0, min(self.document.pageCount() - 1, navigator.currentPage() + step))
        navigator.jump(target, QPointF(0, 0), self.view.zoomFactor())

    def enter(self) -> None:
        self.print_button.setFocus() if self.print_button.isEnabled() else self.back_button.setFocus()

    def clear(self) -> None:
        self.search.setSearchString("")
        self.document.close()
        self.trace.clear()
        self._data = QByteArray()


def _field(form: Any, field_id: str) -> Any:
    if form is None:
        return None
    try:
        return form.field(field_id)
    except Exception:  # an unknown id just shows without its source
        return None
