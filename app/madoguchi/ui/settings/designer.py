"""The form designer (設定 → 様式デザイナー, admin only): a ward adds its own forms without code.

Open a form (or a ward's background PDF for a new one), place and size fields with the mouse
on the page, bind each to a resident field or a question, choose its kind, check the
placement against a 10 mm coordinate grid (PyPDFForm's calibration habit), preview the form
filled with the demo resident, and save ``form.yaml`` — validated through the same loader the
counter uses, so a definition that would not load is never written.

The page is shown at ``SCALE`` scene units per millimetre; every number the user sees is mm
from the top-left, as in form.yaml.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QKeySequence, QPainter, QPen, QPixmap, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGraphicsItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from madoguchi.datafile import read_data_file
from madoguchi.errors import MadoguchiError
from madoguchi.forms import definition as defs
from madoguchi.paths import forms_dir
from madoguchi.ui.context import AppContext
from madoguchi.ui.widgets.banner import BannerWidget

SCALE = 3.0  # scene units (pixels at zoom 1) per mm
GRID_MM = 10
_HANDLE = 8.0  # scene units: the bottom-right corner that resizes a field


def source_choices(questions: list[dict[str, Any]]) -> list[str]:
    """What a field can be bound to: resident fields, people's rows, the form's questions, today."""
    plain = sorted(a for a, kind in defs._resident_attrs().items() if kind is str)
    people = [f"resident.persons[{{i}}].{attr}" for attr in sorted(defs._member_attrs())]
    return ([f"resident.{a}" for a in plain] + people + [f"answer.{q['id']}" for q in questions] + ["today"])


class FieldItem(QGraphicsRectItem):
    """One field on the page: drag to move, drag the bottom-right corner to resize."""

    def __init__(self, designer: FormDesignerWidget, raw: dict[str, Any]) -> None:
        x, y, w, h = raw["box"]
        super().__init__(0, 0, w * SCALE, h * SCALE)
        self.designer, self.raw = designer, raw
        self.setPos(x * SCALE, y * SCALE)
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsMovable | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
                      | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
                      | QGraphicsItem.GraphicsItemFlag.ItemIsFocusable)
        self.setBrush(QBrush(QColor(30, 120, 220, 40)))
        self.setPen(QPen(QColor(30, 90, 200), 0))
        self.label = QGraphicsSimpleTextItem(raw["id"], self)
        self.label.setFont(QFont("IPAexGothic", 7))
        self.label.setBrush(QBrush(QColor(20, 60, 160)))
        self._resizing = False
        self.setZValue(10)

    def box_mm(self) -> list[float]:
        rect = self.rect()
        return [round(self.pos().x() / SCALE, 1), round(self.pos().y() / SCALE, 1),
                round(rect.width() / SCALE, 1), round(rect.height() / SCALE, 1)]

    def set_box_mm(self, box: list[float]) -> None:
        self.setPos(box[0] * SCALE, box[1] * SCALE)
        self.setRect(0, 0, max(1.0, box[2]) * SCALE, max(1.0, box[3]) * SCALE)

    def mousePressEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        corner = self.rect().bottomRight()
        self._resizing = (abs(event.pos().x() - corner.x()) < _HANDLE and abs(event.pos().y() - corner.y()) < _HANDLE)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: ANN001, N802
        if self._resizing:
            self.setRect(0, 0, max(SCALE, event.pos().x()), max(SCALE, event.pos().y()))
            self.designer.field_geometry_changed(self)
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: ANN001, N802
        self._resizing = False
        super().mouseReleaseEvent(event)
        self.designer.field_geometry_changed(self)

    def itemChange(self, change, value):  # noqa: ANN001, ANN201, N802
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            self.designer.field_geometry_changed(self)
        return super().itemChange(change, value)


class PageView(QGraphicsView):
    """The page; a drag on an empty part of it draws a new field."""

    field_drawn = Signal(QRectF)  # in mm

    def __init__(self, scene: QGraphicsScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self._start: QPointF | None = None
        self._rubber: QGraphicsRectItem | None = None
        self.editable = True

    def mousePressEvent(self, event) -> None:  # noqa: ANN001, N802
        item = self.itemAt(event.position().toPoint())
        on_field = isinstance(item, FieldItem) or (item is not None and isinstance(item.parentItem(), FieldItem))
        if self.editable and event.button() == Qt.MouseButton.LeftButton and not on_field:
            self._start = self.mapToScene(event.position().toPoint())
            self._rubber = self.scene().addRect(QRectF(self._start, self._start), QPen(QColor(220, 60, 60), 0))
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: ANN001, N802
        if self._start is not None and self._rubber is not None:
            self._rubber.setRect(QRectF(self._start, self.mapToScene(event.position().toPoint())).normalized())
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: ANN001, N802
        if self._start is not None and self._rubber is not None:
            rect = QRectF(self._start, self.mapToScene(event.position().toPoint())).normalized()
            self.scene().removeItem(self._rubber)
            self._start, self._rubber = None, None
            if rect.width() >= 2 * SCALE and rect.height() >= 2 * SCALE:
                self.field_drawn.emit(QRectF(rect.x() / SCALE, rect.y() / SCALE, rect.width() / SCALE,
                                             rect.height() / SCALE))
            return
        super().mouseReleaseEvent(event)


class FormDesignerWidget(QWidget):
    """Place fields on a form's page and save its form.yaml (admins only)."""

    form_saved = Signal(str)  # form id

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.forms_directory: Path = forms_dir()
        self.data: dict[str, Any] | None = None
        self.form_id = ""
        self._background_source: Path | None = None
        self._items: list[FieldItem] = []
        self._page_item: QGraphicsPixmapItem | None = None
        self._grid_items: list[QGraphicsItem] = []
        self._documents: list[QPdfDocument] = []
        self._updating = False
        self.page_index = 0
        self._build()
        self._wire()
        context.user_changed.connect(self._on_user_changed)
        self._on_user_changed(context.user)
        self.reload_forms()

    # --- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        title = QLabel(self.tr("様式デザイナー"))
        title.setObjectName("workspaceTitle")
        outer.addWidget(title)
        self.role_banner = BannerWidget()
        outer.addWidget(self.role_banner)
        self.banner = BannerWidget()
        outer.addWidget(self.banner)
        bar = QHBoxLayout()
        self.form_combo = QComboBox()
        self.form_combo.setObjectName("designer_form")
        self.new_button = QPushButton(self.tr("新規 (Ctrl+N)"))
        self.open_pdf_button = QPushButton(self.tr("背景PDFを開く (Ctrl+O)"))
        self.page_spin = QSpinBox()
        self.page_spin.setObjectName("designer_page_number")
        self.page_spin.setPrefix(self.tr("ページ "))
        self.page_spin.setRange(1, 1)
        self.add_page_button = QPushButton(self.tr("ページ追加"))
        self.grid_check = QCheckBox(self.tr("座標グリッド (Ctrl+G)"))
        self.preview_button = QPushButton(self.tr("見本で確認 (Ctrl+P)"))
        self.preview_button.setCheckable(True)
        self.delete_button = QPushButton(self.tr("項目を削除 (Del)"))
        self.save_button = QPushButton(self.tr("保存 (Ctrl+S)"))
        # two rows, so the bar still fits a 1366 px screen in large-text mode
        for widget in (self.form_combo, self.new_button, self.open_pdf_button, self.page_spin, self.add_page_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        outer.addLayout(bar)
        actions = QHBoxLayout()
        for widget in (self.grid_check, self.preview_button, self.delete_button, self.save_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        outer.addLayout(actions)

        body = QHBoxLayout()
        self.scene = QGraphicsScene(self)
        self.view = PageView(self.scene)
        self.view.setObjectName("designer_page")
        body.addWidget(self.view, 3)
        panel = QWidget()
        form = QFormLayout(panel)
        self.id_edit = QLineEdit()
        self.kind_combo = QComboBox()
        self.kind_combo.addItems(list(defs.KINDS))
        self.source_combo = QComboBox()
        self.source_combo.setEditable(True)
        self.font_size = QDoubleSpinBox()
        self.font_size.setRange(4, 40)
        self.font_size.setSingleStep(0.5)
        self.font_size.setValue(10.5)
        self.digits = QDoubleSpinBox()
        self.digits.setDecimals(0)
        self.digits.setRange(0, 64)
        self.align_combo = QComboBox()
        self.align_combo.addItems(["left", "center", "right"])
        self.box_spins = []
        for _ in range(4):
            spin = QDoubleSpinBox()
            spin.setRange(0, 500)
            spin.setDecimals(1)
            spin.setSuffix(" mm")
            self.box_spins.append(spin)
        form.addRow(self.tr("項目ID"), self.id_edit)
        form.addRow(self.tr("種類"), self.kind_combo)
        form.addRow(self.tr("取得元"), self.source_combo)
        form.addRow(self.tr("文字サイズ"), self.font_size)
        form.addRow(self.tr("桁数（digits）"), self.digits)
        form.addRow(self.tr("揃え"), self.align_combo)
        for label, spin in zip((self.tr("左 x"), self.tr("上 y"), self.tr("幅"), self.tr("高さ")), self.box_spins):
            form.addRow(label, spin)
        self.position_label = QLabel()
        form.addRow(self.position_label)
        body.addWidget(panel, 1)
        outer.addLayout(body, 1)
        self._panel = panel

    def _wire(self) -> None:
        self.form_combo.currentIndexChanged.connect(self._on_form_chosen)
        self.new_button.clicked.connect(self._on_new_clicked)
        self.open_pdf_button.clicked.connect(self._on_open_pdf_clicked)
        self.grid_check.toggled.connect(self._on_grid_toggled)
        self.page_spin.valueChanged.connect(self._on_page_changed)
        self.add_page_button.clicked.connect(self._on_add_page_clicked)
        self.preview_button.toggled.connect(self._on_preview_toggled)
        self.delete_button.clicked.connect(self.delete_selected)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.scene.selectionChanged.connect(self._on_selection_changed)
        self.view.field_drawn.connect(self._on_field_drawn)
        self.id_edit.editingFinished.connect(self._on_properties_edited)
        self.kind_combo.currentIndexChanged.connect(self._on_properties_edited)
        self.source_combo.currentTextChanged.connect(self._on_properties_edited)
        self.font_size.valueChanged.connect(self._on_properties_edited)
        self.digits.valueChanged.connect(self._on_properties_edited)
        self.align_combo.currentIndexChanged.connect(self._on_properties_edited)
        for spin in self.box_spins:
            spin.valueChanged.connect(self._on_box_edited)
        for keys, slot in (("Ctrl+N", self._on_new_clicked), ("Ctrl+O", self._on_open_pdf_clicked),
                           ("Ctrl+G", self.grid_check.toggle), ("Ctrl+P", self.preview_button.toggle),
                           ("Ctrl+S", self._on_save_clicked), ("Delete", self.delete_selected)):
            QShortcut(QKeySequence(keys), self, activated=slot)

    # --- permissions ------------------------------------------------------------------------------
    def _on_user_changed(self, _user: object) -> None:
        allowed = self.context.has_role("admin")
        for widget in (self.new_button, self.open_pdf_button, self.save_button, self.delete_button, self._panel,
                       self.add_page_button):
            widget.setEnabled(allowed)
        self.view.editable = allowed
        if allowed:
            self.role_banner.clear_message()
        else:
            self.role_banner.show_message(self.tr("様式の編集は管理者だけができます。管理者でサインインしてください。"),
                                     "warning")

    # --- forms ----------------------------------------------------------------------------------
    def reload_forms(self) -> None:
        self.form_combo.blockSignals(True)
        self.form_combo.clear()
        directory = Path(self.forms_directory)
        if directory.is_dir():
            for path in sorted(directory.glob(f"*/{defs.FORM_FILE}")):
                self.form_combo.addItem(path.parent.name, str(path))
        self.form_combo.blockSignals(False)
        if self.form_combo.count():
            self._on_form_chosen(self.form_combo.currentIndex())

    def _on_form_chosen(self, index: int) -> None:
        path = self.form_combo.itemData(index)
        if not path:
            return
        data, problems = read_data_file(Path(path))
        if problems or not isinstance(data, dict):
            self._show_problems(problems)
            return
        self.open_data(data, Path(path).parent)

    def open_data(self, data: dict[str, Any], folder: Path | None = None, background: Path | None = None) -> None:
        """Edit ``data`` (a parsed form.yaml); its page 1 is shown."""
        self.data = copy.deepcopy(data)
        self.data.setdefault("pages", [{}])
        for page in self.data["pages"]:
            page.setdefault("fields", [])
        self.page_index = 0
        self.page_spin.blockSignals(True)
        self.page_spin.setRange(1, len(self.data["pages"]))
        self.page_spin.setValue(1)
        self.page_spin.blockSignals(False)
        self.form_id = self.data.get("id", "")
        self._background_source = background
        self.page_index = 0
        if background is None and folder is not None and self.data.get("background") == "pdf":
            self._background_source = folder / defs.BACKGROUND_FILE
        self.banner.clear_message()
        self.source_combo.clear()
        self.source_combo.addItems(source_choices(self.data.get("questions", [])))
        self._rebuild_scene()

    def new_form(self, form_id: str, title: str, background: Path | None = None) -> None:
        """Start a new form; with ``background`` the ward's PDF is the page."""
        data: dict[str, Any] = {"id": form_id, "title": title, "procedure": title, "paper": "A4",
                                "pages": [{"drawing": [] if background else
                                           [{"type": "title", "text": title, "at": [105, 20]}], "fields": []}]}
        if background is not None:
            data["background"] = "pdf"
        self.open_data(data, background=background)

    def open_background(self, path: Path) -> None:
        """Use a ward's PDF as the page of the form being edited."""
        if self.data is None:
            self.new_form(path.stem.lower().replace(" ", "_") or "new_form", path.stem, path)
            return
        self.data["background"] = "pdf"
        self._background_source = path
        self._rebuild_scene()

    # --- scene ----------------------------------------------------------------------------------
    def _page_size(self) -> tuple[float, float]:
        assert self.data is not None
        paper = defs.PAPER_SIZES.get(self.data.get("paper", "A4"), defs.PAPER_SIZES["A4"])
        return (paper[1], paper[0]) if self.data.get("orientation") == "landscape" else paper

    def _page_pdf(self, filled: bool) -> bytes | None:
        """The page to show: the ward's PDF, or the form drawn from its definition (blank or filled)."""
        assert self.data is not None
        if self._background_source is not None and not filled:
            try:
                return self._background_source.read_bytes()
            except OSError as exc:
                self.banner.show_message(self.tr("背景PDFを読めません: {0}").format(exc.__class__.__name__), "error")
                return None
        form, problems = defs.parse_form(self._current_data(), Path(f"{self.form_id}/{defs.FORM_FILE}"))
        if form is None:
            self._show_problems(problems)
            return None
        if self._background_source is not None:
            form.background_pdf = self._background_source
        from madoguchi.forms.render import render_form

        if filled:
            from madoguchi.forms.demo import DEMO_ANSWERS, demo_resident

            data, _, _ = render_form(demo_resident(), form, DEMO_ANSWERS, print_unconfirmed_kana=True)
        else:
            data, _, _ = render_form(None, form)
        return data

    def _render_page(self, pdf: bytes) -> QPixmap | None:
        document = QPdfDocument(self)
        from PySide6.QtCore import QBuffer, QIODevice

        buffer = QBuffer(self)
        buffer.setData(QByteArray(pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document.load(buffer)
        if document.status() != QPdfDocument.Status.Ready or document.pageCount() == 0:
            self.banner.show_message(self.tr("PDFを表示できません。"), "error")
            return None
        width, height = self._page_size()
        page = min(self.page_index, document.pageCount() - 1)
        image = document.render(page, QSize(int(width * SCALE * 2), int(height * SCALE * 2)))
        document.close()
        buffer.close()
        return QPixmap.fromImage(image.scaled(int(width * SCALE), int(height * SCALE),
                                              Qt.AspectRatioMode.IgnoreAspectRatio,
                                              Qt.TransformationMode.SmoothTransformation))

    def _rebuild_scene(self, filled: bool = False) -> None:
        self.scene.clear()
        self._items, self._grid_items, self._page_item = [], [], None
        if self.data is None:
            return
        width, height = self._page_size()
        self.scene.setSceneRect(0, 0, width * SCALE, height * SCALE)
        pdf = self._page_pdf(filled)
        pixmap = self._render_page(pdf) if pdf else None
        if pixmap is None:
            pixmap = QPixmap(QImage(int(width * SCALE), int(height * SCALE), QImage.Format.Format_RGB32))
            pixmap.fill(QColor("white"))
        self._page_item = self.scene.addPixmap(pixmap)
        self._page_item.setZValue(0)
        for raw in self._page_fields():
            item = FieldItem(self, raw)
            item.setVisible(not filled)
            self.scene.addItem(item)
            self._items.append(item)
        self._build_grid(width, height)

    def _build_grid(self, width: float, height: float) -> None:
        pen_minor, pen_major = QPen(QColor(220, 60, 60, 90), 0), QPen(QColor(220, 60, 60, 170), 0)
        for x in range(0, int(width) + 1, GRID_MM):
            line = self.scene.addLine(x * SCALE, 0, x * SCALE, height * SCALE, pen_major if x % 50 == 0 else pen_minor)
            self._grid_items.append(line)
            if x % 50 == 0:
                self._grid_items.append(self._grid_label(str(x), x * SCALE + 2, 2))
        for y in range(0, int(height) + 1, GRID_MM):
            line = self.scene.addLine(0, y * SCALE, width * SCALE, y * SCALE, pen_major if y % 50 == 0 else pen_minor)
            self._grid_items.append(line)
            if y % 50 == 0:
                self._grid_items.append(self._grid_label(str(y), 2, y * SCALE + 2))
        for item in self._grid_items:
            item.setZValue(5)
            item.setVisible(self.grid_check.isChecked())

    def _grid_label(self, text: str, x: float, y: float) -> QGraphicsSimpleTextItem:
        label = self.scene.addSimpleText(text)
        label.setBrush(QBrush(QColor(200, 40, 40)))
        label.setPos(x, y)
        return label

    def _on_grid_toggled(self, checked: bool) -> None:
        for item in self._grid_items:
            item.setVisible(checked)

    def _on_preview_toggled(self, checked: bool) -> None:
        if self.data is not None:
            self._rebuild_scene(filled=checked)

    # --- pages ----------------------------------------------------------------------------------
    def _page_fields(self) -> list[dict[str, Any]]:
        assert self.data is not None
        return self.data["pages"][self.page_index]["fields"]

    def _on_page_changed(self, number: int) -> None:
        if self.data is not None and 1 <= number <= len(self.data["pages"]):
            self.page_index = number - 1
            self._rebuild_scene(filled=self.preview_button.isChecked())

    def _on_add_page_clicked(self) -> None:
        if self.data is None:
            return
        self.data["pages"].append({"drawing": [], "fields": []})
        self.page_spin.setRange(1, len(self.data["pages"]))
        self.page_spin.setValue(len(self.data["pages"]))

    # --- fields ---------------------------------------------------------------------------------
    def add_field(self, box_mm: list[float], kind: str = "text", source: str = "") -> FieldItem:
        """A new field at ``box_mm`` (what a mouse drag on the page does)."""
        assert self.data is not None
        fields = self._page_fields()
        taken = {f["id"] for page in self.data["pages"] for f in page.get("fields", [])}
        number = len(fields) + 1
        while f"field_{number}" in taken:
            number += 1
        raw: dict[str, Any] = {"id": f"field_{number}", "kind": kind, "source": source or "resident.full_name",
                               "box": [round(v, 1) for v in box_mm]}
        fields.append(raw)
        item = FieldItem(self, raw)
        self.scene.addItem(item)
        self._items.append(item)
        self.scene.clearSelection()
        item.setSelected(True)
        return item

    def _on_field_drawn(self, rect: QRectF) -> None:
        if self.data is None:
            self.banner.show_message(self.tr("先に様式を選ぶか、新規作成してください。"), "warning")
            return
        self.add_field([rect.x(), rect.y(), rect.width(), rect.height()])

    def selected_item(self) -> FieldItem | None:
        chosen = [i for i in self.scene.selectedItems() if isinstance(i, FieldItem)]
        return chosen[0] if chosen else None

    def delete_selected(self) -> None:
        item = self.selected_item()
        if item is None or self.data is None:
            return
        self._page_fields().remove(item.raw)
        self._items.remove(item)
        self.scene.removeItem(item)

    def field_geometry_changed(self, item: FieldItem) -> None:
        old = list(item.raw["box"])
        new = item.box_mm()
        dx, dy = new[0] - old[0], new[1] - old[1]
        item.raw["box"] = new
        # circles and era marks travel with their field
        for option in item.raw.get("options", []):
            option["box"] = [round(option["box"][0] + dx, 1), round(option["box"][1] + dy, 1), *option["box"][2:]]
        for era, box in (item.raw.get("eras") or {}).items():
            item.raw["eras"][era] = [round(box[0] + dx, 1), round(box[1] + dy, 1), *box[2:]]
        if item is self.selected_item():
            self._show_item(item)

    def _on_selection_changed(self) -> None:
        item = self.selected_item()
        if item is not None:
            self._show_item(item)

    def _show_item(self, item: FieldItem) -> None:
        self._updating = True
        raw = item.raw
        self.id_edit.setText(raw["id"])
        self.kind_combo.setCurrentText(raw["kind"])
        self.source_combo.setCurrentText(raw.get("source", ""))
        self.font_size.setValue(float(raw.get("font_size", 10.5)))
        self.digits.setValue(float(raw.get("digits", 0)))
        self.align_combo.setCurrentText(raw.get("align", "left"))
        for spin, value in zip(self.box_spins, raw["box"]):
            spin.setValue(float(value))
        self.position_label.setText(self.tr("x {0} / y {1} mm").format(raw["box"][0], raw["box"][1]))
        self._updating = False

    def _on_properties_edited(self, *_args: object) -> None:
        item = self.selected_item()
        if item is None or self._updating:
            return
        raw = item.raw
        raw["id"] = self.id_edit.text().strip() or raw["id"]
        raw["kind"] = self.kind_combo.currentText()
        raw["source"] = self.source_combo.currentText().strip()
        if self.font_size.value() != 10.5 or "font_size" in raw:
            raw["font_size"] = round(self.font_size.value(), 1)
        if raw["kind"] == "digits":
            raw["digits"] = int(self.digits.value()) or 1
        else:
            raw.pop("digits", None)
        if self.align_combo.currentText() != "left" or "align" in raw:
            raw["align"] = self.align_combo.currentText()
        item.label.setText(raw["id"])

    def _on_box_edited(self, *_args: object) -> None:
        item = self.selected_item()
        if item is None or self._updating:
            return
        item.set_box_mm([spin.value() for spin in self.box_spins])
        self.field_geometry_changed(item)

    # --- saving -----------------------------------------------------------------------------------
    def _current_data(self) -> dict[str, Any]:
        assert self.data is not None
        data = copy.deepcopy(self.data)
        for page in data["pages"]:
            for raw in page.get("fields", []):
                raw["box"] = [round(float(v), 1) for v in raw["box"]]
        return data

    def save(self) -> Path | None:
        """Validate and write ``<forms>/<id>/form.yaml`` (and the background PDF); None when refused."""
        if self.data is None or not self.context.has_role("admin"):
            return None
        data = self._current_data()
        folder = Path(self.forms_directory) / str(data.get("id", ""))
        target = folder / defs.FORM_FILE
        # validate exactly what would be written, through the loader, before touching the folder
        text = defs.dump_form(data)

        from madoguchi.datafile import load_yaml

        parsed = load_yaml(text)
        background_ok = self._background_source is not None and self._background_source.is_file()
        _, problems = defs.parse_form(parsed, target, None)
        if data.get("background") == "pdf" and not background_ok and not (folder / defs.BACKGROUND_FILE).is_file():
            problems.append(defs._problem(target, "background", "背景 PDF がありません。", "the background PDF is missing."))
        problems = [p for p in problems if p.key != "background"] if background_ok else problems
        if problems:
            self._show_problems(problems)
            return None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if background_ok and self._background_source != folder / defs.BACKGROUND_FILE:
                shutil.copyfile(self._background_source, folder / defs.BACKGROUND_FILE)
            temporary = target.with_suffix(".yaml.tmp")
            temporary.write_text(text, encoding="utf-8")
            temporary.replace(target)
        except OSError as exc:
            self.banner.show_message(self.tr("保存できません: {0}").format(exc.__class__.__name__), "error")
            return None
        form, problems = defs.load_form_file(target)
        if form is None:  # cannot happen after the check above; said plainly if it does
            self._show_problems(problems)
            return None
        self._select_in_combo(target)
        self.banner.show_message(self.tr("{0} を保存しました。").format(target), "info")
        self.form_saved.emit(form.id)
        return target

    def _select_in_combo(self, target: Path) -> None:
        """List a newly saved form in the chooser without reopening it (the scene stays as it is)."""
        self.form_combo.blockSignals(True)
        index = self.form_combo.findData(str(target))
        if index < 0:
            self.form_combo.addItem(target.parent.name, str(target))
            index = self.form_combo.count() - 1
        self.form_combo.setCurrentIndex(index)
        self.form_combo.blockSignals(False)

    def _on_save_clicked(self) -> None:
        self.save()

    def _show_problems(self, problems: list[Any]) -> None:
        language = self.context.language
        lines = [p.message(language) for p in problems[:8]]
        self.banner.show_message(self.tr("様式定義に問題があります:") + "\n" + "\n".join(lines), "error")

    # --- dialogs ----------------------------------------------------------------------------------
    def _on_new_clicked(self) -> None:
        form_id, ok = QInputDialog.getText(self, self.tr("新しい様式"), self.tr("様式ID（英小文字・数字・_）:"))
        if not ok or not form_id.strip():
            return
        title, ok = QInputDialog.getText(self, self.tr("新しい様式"), self.tr("様式名:"))
        if ok:
            self.new_form(form_id.strip(), title.strip() or form_id.strip())

    def _on_open_pdf_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("背景PDFを開く"), "", "PDF (*.pdf)")
        if path:
            try:
                self.open_background(Path(path))
            except MadoguchiError as error:
                self.banner.show_message(error.message(self.context.language), "error")
