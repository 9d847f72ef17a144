"""Fonts and style sheets: bundled Japanese fonts, large-text and high-contrast modes."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from madoguchi import paths
from madoguchi.config import Settings

log = logging.getLogger(__name__)

UI_FONT_FAMILY = "IPAexGothic"
_registered: dict[str, str] = {}


def register_fonts() -> dict[str, str]:
    """Register the bundled IPAex fonts with Qt once; return file → family."""
    if _registered:
        return _registered
    for name in ("ipaexg.ttf", "ipaexm.ttf"):
        path = paths.resource_path("fonts", name)
        font_id = QFontDatabase.addApplicationFont(str(path)) if path.exists() else -1
        if font_id < 0:
            log.warning("bundled font %s could not be registered", name)
            continue
        families = QFontDatabase.applicationFontFamilies(font_id)
        if families:
            _registered[name] = families[0]
    return _registered


def style_sheet(settings: Settings) -> str:
    parts = ["base.qss"]
    if settings.large_text:
        parts.append("large.qss")
    if settings.high_contrast:
        parts.append("high_contrast.qss")
    sheets = []
    for name in parts:
        path = paths.resource_path("styles", name)
        if path.exists():
            sheets.append(path.read_text(encoding="utf-8"))
    return "\n".join(sheets)


def apply_style(app: QApplication, settings: Settings) -> None:
    families = register_fonts()
    family = families.get("ipaexg.ttf", UI_FONT_FAMILY)
    font = QFont(family)
    font.setPointSize(16 if settings.large_text else 11)
    app.setFont(font)
    app.setStyleSheet(style_sheet(settings))
