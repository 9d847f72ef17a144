"""The 設定 workspace: this PC's settings (with the problems found while loading them) and
the form designer, each on its own tab.

Every setting from ``config.SPECS`` gets an editor; saving validates each value through
the core (``config.set_value``) and names the key of any value it refuses.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from madoguchi import config
from madoguchi.errors import ConfigError
from madoguchi.ui.context import AppContext
from madoguchi.ui.widgets.banner import BannerWidget


class SettingsView(QTabWidget):
    """The workspace: PC settings and the form designer (Alt+1 / Alt+2 switch between them)."""

    DESIGNER_TAB = 1

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.pc_settings = PcSettingsWidget(context)
        self._designer: QWidget | None = None
        self.addTab(self.pc_settings, self.tr("端末の設定 (Alt+1)"))
        # the designer loads every form and renders a page: built when first opened, not at start-up
        self.addTab(QWidget(), self.tr("様式デザイナー (Alt+2)"))
        self.currentChanged.connect(self._on_tab_changed)
        for number in (1, 2):
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Alt+{number}"))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _=False, index=number - 1: self.setCurrentIndex(index))
            self.addAction(action)

    @property
    def designer(self):  # noqa: ANN201 - FormDesignerWidget, imported lazily
        if self._designer is None:
            from madoguchi.ui.settings.designer import FormDesignerWidget

            current = self.currentIndex()
            self.blockSignals(True)
            placeholder = self.widget(self.DESIGNER_TAB)
            title = self.tabText(self.DESIGNER_TAB)
            self._designer = FormDesignerWidget(self.context)
            self.removeTab(self.DESIGNER_TAB)
            self.insertTab(self.DESIGNER_TAB, self._designer, title)
            placeholder.deleteLater()
            self.setCurrentIndex(current)
            self.blockSignals(False)
        return self._designer

    def _on_tab_changed(self, index: int) -> None:
        if index == self.DESIGNER_TAB and self._designer is None:
            self.setCurrentWidget(self.designer)


class PcSettingsWidget(QWidget):
    settings_saved = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._editors: dict[str, QWidget] = {}
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("設定"))
        title.setObjectName("workspaceTitle")
        layout.addWidget(title)
        self.file_label = QLabel()
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.file_label)
        self.problems_banner = BannerWidget()
        layout.addWidget(self.problems_banner)
        self.result_banner = BannerWidget()
        layout.addWidget(self.result_banner)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        inner = QWidget()
        self.form = QFormLayout(inner)
        english = context.language == "en"
        for spec in config.SPECS:
            editor = self._editor_for(spec)
            editor.setObjectName(f"setting_{spec.key}")
            editor.setToolTip(spec.key)
            self._editors[spec.key] = editor
            label = QLabel(f"{spec.help_en if english else spec.help_ja}  [{spec.key}]")
            label.setBuddy(editor)
            self.form.addRow(label, editor)
        scroll.setWidget(inner)
        layout.addWidget(scroll, 1)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.reload_button = QPushButton(self.tr("元に戻す"))
        self.save_button = QPushButton(self.tr("保存 (Ctrl+S)"))
        self.save_button.setShortcut("Ctrl+S")
        self.save_button.setDefault(True)
        buttons.addWidget(self.reload_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.reload_button.clicked.connect(self._on_reload_clicked)
        self.show_settings(context.settings)

    def _editor_for(self, spec: config.SettingSpec) -> QWidget:
        if spec.kind is bool:
            return QCheckBox()
        if spec.choices:
            box = QComboBox()
            for choice in spec.choices:
                box.addItem(str(choice), choice)
            return box
        if spec.kind is int:
            box = QSpinBox()
            box.setRange(-1, 65535)
            return box
        return QLineEdit()

    def show_settings(self, settings: config.Settings) -> None:
        self.file_label.setText(self.tr("設定ファイル: {0}").format(settings.source))
        for spec in config.SPECS:
            editor, value = self._editors[spec.key], getattr(settings, spec.key)
            if isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(0, editor.findData(value)))
            elif isinstance(editor, QSpinBox):
                editor.setValue(int(value))
            elif isinstance(editor, QLineEdit):
                editor.setText(str(value))
        if settings.problems:
            lines = [p.message(self.context.language) for p in settings.problems]
            self.problems_banner.show_message(
                self.tr("設定ファイルに問題があります（既定値で起動しました）:") + "\n" + "\n".join(lines), "warning")
        else:
            self.problems_banner.clear_message()

    def _value_of(self, spec: config.SettingSpec) -> str:
        editor = self._editors[spec.key]
        if isinstance(editor, QCheckBox):
            return "true" if editor.isChecked() else "false"
        if isinstance(editor, QComboBox):
            return str(editor.currentData())
        if isinstance(editor, QSpinBox):
            return str(editor.value())
        assert isinstance(editor, QLineEdit)
        return editor.text()

    def _on_save_clicked(self) -> None:
        path = self.context.settings.source
        current = self.context.settings
        errors: list[str] = []
        saved = current
        changed: list[str] = []
        for spec in config.SPECS:
            raw = self._value_of(spec)
            if raw == str(getattr(current, spec.key)).lower() or raw == str(getattr(current, spec.key)):
                continue
            try:
                saved = config.set_value(spec.key, raw, path)
                changed.append(spec.key)
            except ConfigError as error:
                errors.append(error.message(self.context.language))
        if changed:
            from madoguchi.privacy.audit import Action
            from madoguchi.ui.audit import record

            record(self.context, Action.SETTINGS_CHANGED, detail_ids={"keys": changed, "via": "ui"})
        if errors:
            self.result_banner.show_message("\n".join(errors), "error")
            return
        language_changed = saved.language != current.language
        self.context.set_settings(saved)
        self.show_settings(saved)
        message = self.tr("保存しました。")
        if language_changed:
            message += " " + self.tr("表示言語は再起動後に切り替わります。")
        self.result_banner.show_message(message, "info")
        self.settings_saved.emit(saved)

    def _on_reload_clicked(self) -> None:
        self.show_settings(self.context.settings)
        self.result_banner.clear_message()
