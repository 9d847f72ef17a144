"""The form designer: place a field with the mouse, bind it, save, and load it back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from madoguchi.config import load_settings
from madoguchi.forms.catalogue import load_forms
from madoguchi.forms.render import render_form
from madoguchi.paths import forms_dir
from madoguchi.ui.context import AppContext, SignedInUser
from madoguchi.ui.settings.designer import SCALE, FieldItem, FormDesignerWidget


@pytest.fixture
def designer(qtbot, tmp_path: Path):  # noqa: ANN001, ANN201
    context = AppContext(load_settings())
    context.set_user(SignedInUser(1, "admin", "管理者", "admin"))
    widget = FormDesignerWidget(context)
    qtbot.addWidget(widget)
    folder = tmp_path / "forms"
    folder.mkdir()
    shutil.copytree(forms_dir() / "juminhyo", folder / "juminhyo")
    widget.forms_directory = folder
    widget.reload_forms()
    widget.resize(1200, 900)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _send(widget, kind: QEvent.Type, point: QPointF, buttons: Qt.MouseButton) -> None:  # noqa: ANN001
    viewport = widget.view.viewport()
    local = QPointF(widget.view.mapFromScene(point))
    event = QMouseEvent(kind, local, QPointF(viewport.mapToGlobal(local.toPoint())), Qt.MouseButton.LeftButton,
                        buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, event)


def _drag(widget, start_mm: tuple[float, float], end_mm: tuple[float, float]) -> None:  # noqa: ANN001
    start = QPointF(start_mm[0] * SCALE, start_mm[1] * SCALE)
    end = QPointF(end_mm[0] * SCALE, end_mm[1] * SCALE)
    widget.view.centerOn(start)
    _send(widget, QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton)
    _send(widget, QEvent.Type.MouseMove, (start + end) / 2, Qt.MouseButton.LeftButton)
    _send(widget, QEvent.Type.MouseMove, end, Qt.MouseButton.LeftButton)
    _send(widget, QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)


def test_place_a_field_with_the_mouse_and_save(designer, tmp_path: Path) -> None:  # noqa: ANN001
    before = len(designer.data["pages"][0]["fields"])
    _drag(designer, (20, 266), (90, 276))  # an empty strip near the bottom of the page
    assert len(designer.data["pages"][0]["fields"]) == before + 1
    item = designer.selected_item()
    assert isinstance(item, FieldItem)
    x, y, w, h = item.raw["box"]
    assert abs(x - 20) < 1.5 and abs(y - 266) < 1.5 and abs(w - 70) < 1.5 and abs(h - 10) < 1.5
    designer.id_edit.setText("memo")
    designer.id_edit.editingFinished.emit()
    designer.source_combo.setCurrentText("resident.phone")
    designer.kind_combo.setCurrentText("text")
    designer.font_size.setValue(12)
    designer.box_spins[2].setValue(60)  # width typed in mm
    saved = designer.save()
    assert saved == tmp_path / "forms" / "juminhyo" / "form.yaml"
    form = load_forms(tmp_path / "forms")["juminhyo"]
    memo = form.field("memo")
    assert memo.source == "resident.phone" and memo.font_size == 12 and memo.box[2] == 60
    # the saved form renders, with the new field filled
    from madoguchi.forms.demo import demo_resident

    _, pages, _outcome = render_form(demo_resident(), form, {})
    assert "memo" in {p.field_id for p in pages[0].placed}


def test_an_invalid_field_is_not_saved(designer, tmp_path: Path) -> None:  # noqa: ANN001
    original = (tmp_path / "forms" / "juminhyo" / "form.yaml").read_text(encoding="utf-8")
    designer.add_field([150, 280, 80, 10])  # runs off the right edge
    assert designer.save() is None
    assert "outside the page" in designer.banner.text() or "はみ出して" in designer.banner.text()
    assert (tmp_path / "forms" / "juminhyo" / "form.yaml").read_text(encoding="utf-8") == original


def test_new_form_on_a_ward_pdf(designer, tmp_path: Path, results_dir: Path) -> None:  # noqa: ANN001
    ward_pdf = tmp_path / "ward.pdf"
    ward_pdf.write_bytes(render_form(None, load_forms()["kazei"])[0])
    designer.new_form("ward_kazei", "課税証明（区の様式）", ward_pdf)
    designer.grid_check.setChecked(True)
    assert all(item.isVisible() for item in designer._grid_items)
    designer.add_field([44, 120, 78, 11], source="resident.full_name")
    (results_dir / "forms").mkdir(parents=True, exist_ok=True)
    designer.grab().save(str(results_dir / "forms" / "designer.png"))
    assert designer.save() is not None
    form = load_forms(tmp_path / "forms")["ward_kazei"]
    assert form.background_pdf is not None and form.background_pdf.is_file()


def test_preview_and_delete(designer, qtbot) -> None:  # noqa: ANN001
    designer.preview_button.setChecked(True)
    assert designer._page_item is not None
    assert not any(item.isVisible() for item in designer._items)
    designer.preview_button.setChecked(False)
    count = len(designer._items)
    designer._items[0].setSelected(True)
    designer.delete_selected()
    assert len(designer._items) == count - 1


def test_only_admins_may_edit(qtbot) -> None:  # noqa: ANN001
    context = AppContext(load_settings())
    context.set_user(SignedInUser(2, "clerk", "職員", "clerk"))
    widget = FormDesignerWidget(context)
    qtbot.addWidget(widget)
    assert not widget.save_button.isEnabled()
    assert widget.save() is None
    assert "管理者" in widget.role_banner.text()


def test_second_page(designer, tmp_path: Path) -> None:  # noqa: ANN001
    designer.add_page_button.click()
    assert designer.page_index == 1 and designer._items == []
    designer.add_field([20, 20, 60, 10], source="resident.full_name")
    assert designer.save() is not None
    form = load_forms(tmp_path / "forms")["juminhyo"]
    assert len(form.pages) == 2 and form.field("field_1").page == 1
    designer.page_spin.setValue(1)
    assert len(designer._items) == len(form.pages[0].fields)
