"""The desktop shell offscreen: every workspace by keyboard, settings, banners, state."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QSpinBox

from madoguchi import config
from madoguchi.ui.main_window import WORKSPACES, MainWindow, window_state


def _press_ctrl_number(qtbot, window: MainWindow, number: int) -> None:  # noqa: ANN001
    qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0.value + number), Qt.KeyboardModifier.ControlModifier)


def test_every_workspace_opens_by_keyboard(qtbot, main_window: MainWindow) -> None:  # noqa: ANN001
    main_window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main_window)
    assert main_window.tabs.count() == len(WORKSPACES) == 6
    titles = [main_window.tabs.tabText(i) for i in range(main_window.tabs.count())]
    assert [t.split(" ")[0] for t in titles] == ["受付", "窓口", "表示", "管理", "設定", "監査"]
    for number, spec in enumerate(WORKSPACES, start=1):
        _press_ctrl_number(qtbot, main_window, number)
        qtbot.waitUntil(lambda key=spec.key: main_window.current_workspace() == key, timeout=2000)
        assert f"Ctrl+{number}" in main_window.tabs.tabText(number - 1)


def test_database_ready_shows_in_status_bar(main_window: MainWindow) -> None:
    assert main_window.context.database is not None
    assert "sqlite" in main_window.status_db.text()
    assert not main_window.banner.isVisible()


def test_unreachable_database_shows_banner_instead_of_crashing(qtbot, app_settings) -> None:  # noqa: ANN001
    from madoguchi.ui.app import build_window

    settings = replace(app_settings, database_url="postgresql://u:pw@127.0.0.1:9/x")
    context, window = build_window(settings, demo=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: context.database_error is not None, timeout=20000)
    assert window.banner.isVisible()
    assert "接続できません" in window.banner.text()
    assert "オフライン" in window.status_db.text()
    # nobody can sign in without the database, and the window says how to fix it
    assert "database_url" in window.banner.text()
    assert window.isVisible()


def test_broken_settings_file_starts_and_shows_the_problem(qtbot, sqlite_url: str) -> None:  # noqa: ANN001
    from madoguchi import paths
    from madoguchi.ui.app import build_window

    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('counter_number = "x"\n', encoding="utf-8")
    settings = replace(config.load_settings(), database_url=sqlite_url)
    context, window = build_window(settings, demo=True, sign_in_as="admin")
    qtbot.addWidget(window)
    window.show()
    assert window.banner.isVisible() and "設定" in window.banner.text()
    view = window.views["settings"].pc_settings
    assert window.show_workspace("settings")
    assert view.problems_banner.isVisible()
    assert str(path) in view.problems_banner.text() and "counter_number" in view.problems_banner.text()
    qtbot.waitUntil(lambda: context.database is not None, timeout=20000)
    context.database.dispose()


def test_settings_page_saves_a_valid_value_and_refuses_a_bad_one(qtbot, main_window: MainWindow) -> None:  # noqa: ANN001
    view = main_window.views["settings"].pc_settings
    main_window.show_workspace("settings")
    spin = view.findChild(QSpinBox, "setting_counter_number")
    spin.setValue(6)
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert config.load_settings().counter_number == 6
    assert "6番窓口" in main_window.status_place.text()
    time_edit = view.findChild(QLineEdit, "setting_purge_time")
    time_edit.setText("25:99")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert view.result_banner.isVisible() and "purge_time" in view.result_banner.text()
    assert config.load_settings().purge_time == "18:00"


def test_window_state_is_remembered(qtbot, main_window: MainWindow) -> None:  # noqa: ANN001
    main_window.show_workspace("display")
    main_window.resize(1000, 700)
    main_window.save_state()
    assert window_state().value("workspace") == "display"
    again = MainWindow(main_window.context)
    qtbot.addWidget(again)
    assert again.current_workspace() == "display"


def test_large_text_and_high_contrast_style(qtbot, app_settings) -> None:  # noqa: ANN001
    from madoguchi.ui.style import style_sheet

    plain = style_sheet(app_settings)
    large = style_sheet(replace(app_settings, large_text=True))
    contrast = style_sheet(replace(app_settings, high_contrast=True))
    assert "16pt" not in plain and "16pt" in large
    assert "#ffff00" in contrast and "#ffff00" not in plain
    assert ":focus" in plain  # a visible focus ring always


def test_bundled_japanese_font_is_registered(main_window: MainWindow) -> None:
    from madoguchi.ui.style import register_fonts

    families = register_fonts()
    assert families.get("ipaexg.ttf", "").startswith("IPAex")
    assert QApplication.font().family() == families["ipaexg.ttf"]


def test_settings_workspace_hosts_the_form_designer(main_window: MainWindow) -> None:
    from madoguchi.ui.settings.designer import FormDesignerWidget

    view = main_window.views["settings"]
    main_window.show_workspace("settings")
    assert view.count() == 2
    assert not isinstance(view.widget(1), FormDesignerWidget)  # built on first use, not at start-up
    view.setCurrentIndex(1)
    assert isinstance(view.currentWidget(), FormDesignerWidget)
    assert view.currentWidget() is view.designer
    assert view.tabText(1).startswith("様式デザイナー")


def test_large_text_window_fits_a_1366_pixel_screen(qtbot, app_settings) -> None:  # noqa: ANN001
    from madoguchi.ui.app import build_window, create_application

    settings = replace(app_settings, large_text=True)
    app = create_application(settings)
    try:
        context, window = build_window(settings, demo=True, sign_in_as="admin")
        qtbot.addWidget(window)
        too_wide = {key: view.minimumSizeHint().width() for key, view in window.views.items()
                    if view.minimumSizeHint().width() > 1340}
        assert not too_wide, too_wide
        assert window.minimumSizeHint().width() <= 1366
        qtbot.waitUntil(lambda: context.database is not None, timeout=20000)
        context.database.dispose()
    finally:
        from madoguchi.ui.style import apply_style

        apply_style(app, app_settings)
