"""The English translation of the Qt UI (resources/i18n/madoguchi_en.ts).

Japanese is the source language; every string of the UI must have an English translation that
keeps its placeholders, shortcuts and line breaks, and the real window must come up in English.
"""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "i18n" / "madoguchi_en.ts"
PLACEHOLDER = re.compile(r"\{\w*\}|%n|%L?\d+")
#: a shortcut shown in a label: "(Ctrl+S)", "（F3）", "(Enter)"
SHORTCUT = re.compile(r"[（(]((?:Ctrl|Alt|Shift)\+[^）)]+|F\d+|Enter|Esc|Del)[）)]")
MNEMONIC = re.compile(r"&[^&\s]")


def _messages() -> list[tuple[str, str, str]]:
    """(context, source, translation) of every live message in the .ts."""
    found = []
    for context in ET.parse(TS).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is not None and translation.get("type") in ("vanished", "obsolete"):
                continue
            text = "" if translation is None else (translation.text or "")
            found.append((name, message.findtext("source") or "", text))
    return found


def _lrelease() -> str:
    tool = Path(sys.executable).with_name("pyside6-lrelease")
    if not tool.exists():
        pytest.fail("pyside6-lrelease is missing beside the Python executable (pip install PySide6)")
    return str(tool)


def test_every_ui_string_is_translated() -> None:
    completed = subprocess.run([sys.executable, str(ROOT / "installer" / "i18n.py"), "check"], cwd=ROOT,
                               capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, (
        "untranslated UI strings; run `python installer/i18n.py update`, translate, then check again:\n"
        + completed.stdout + completed.stderr)


def test_translations_keep_placeholders_shortcuts_and_line_breaks() -> None:
    messages = _messages()
    assert len(messages) > 300
    wrong = []
    for context, source, text in messages:
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
            wrong.append(f"[{context}] placeholders {source!r} → {text!r}")
        if source.count("\n") != text.count("\n"):
            wrong.append(f"[{context}] line breaks {source!r} → {text!r}")
        for keys in SHORTCUT.findall(source):
            if f"({keys})" not in text:
                wrong.append(f"[{context}] shortcut {keys} lost: {source!r} → {text!r}")
        if MNEMONIC.search(source) and not MNEMONIC.search(text):
            wrong.append(f"[{context}] & mnemonic lost: {source!r} → {text!r}")
        if re.search(r"[\u3040-\u30ff]", text) and not re.search(r"\(.*[\u3040-\u30ff\u4e00-\u9fff].*\)", text):
            wrong.append(f"[{context}] kana left in the English: {text!r}")
    assert not wrong, "\n".join(wrong)


def test_compiled_translation_turns_known_strings_into_english(qapp, tmp_path: Path) -> None:  # noqa: ANN001
    qm = tmp_path / "madoguchi_en.qm"
    completed = subprocess.run([_lrelease(), str(TS), "-qm", str(qm)], capture_output=True, text=True,
                               timeout=60, check=False)
    assert completed.returncode == 0 and qm.stat().st_size > 1000, completed.stdout + completed.stderr
    translator = QTranslator()
    assert translator.load(str(qm))
    assert translator.translate("MainWindow", "受付") == "Reception"
    assert translator.translate("MainWindow", "窓口") == "Counter"
    assert translator.translate("StepBarWidget", "受付を中止（Ctrl+Shift+Del）") == "Cancel visit (Ctrl+Shift+Del)"
    assert translator.translate("PinDialog", "残り回数: {n} 回") == "Tries left: {n}"
    assert translator.translate("DataText", "住民異動届") == "Change of residence (住民異動届)"
    # installed in the application, QCoreApplication.translate (what self.tr uses) answers in English
    assert qapp.installTranslator(translator)
    try:
        assert QCoreApplication.translate("PreviewStepWidget", "戻る") == "Back"
        assert QCoreApplication.translate("NoSuchContext", "戻る") == "戻る"
    finally:
        qapp.removeTranslator(translator)
    assert QCoreApplication.translate("PreviewStepWidget", "戻る") == "戻る"


def test_shipped_data_words_are_listed_for_translation() -> None:
    """Life events, questions, form titles and field labels come from data: each shipped one is
    listed in madoguchi.ui.counter.data_text, so it is extracted and translated like code."""
    import yaml

    from madoguchi.counter.catalogue import FormsCatalogue
    from madoguchi.counter.check import CHECK_FIELDS
    from madoguchi.counter.flow import VisitFlow
    from madoguchi.ui.counter.data_text import WORDS

    events = yaml.safe_load((ROOT / "forms" / "events.yaml").read_text(encoding="utf-8"))
    shipped = {label for _, label in FormsCatalogue().life_events()}
    shipped |= {question["label"] for question in events["questions"]}
    shipped |= {title for _, title in FormsCatalogue().all_forms()}
    shipped |= {spec.label_ja for spec in CHECK_FIELDS}
    # the What step's problems are literals in VisitFlow.what_problems
    problems = set(re.findall(r'found\.append\("([^"]+)"\)', inspect.getsource(VisitFlow.what_problems)))
    assert len(problems) >= 3, "VisitFlow.what_problems changed shape: update this test and data_text"
    shipped |= problems
    assert shipped - set(WORDS) == set()


@pytest.mark.slow
def test_main_window_in_english_shows_english_tabs(qtbot, qapp, sqlite_url: str) -> None:  # noqa: ANN001
    from madoguchi.config import load_settings
    from madoguchi.ui.app import build_window
    from madoguchi.ui.i18n import install_translator
    from madoguchi.ui.workers import wait_for_background

    locale = QLocale()
    settings = replace(load_settings(), database_url=sqlite_url, language="en")
    translator = install_translator(qapp, "en")
    assert translator is not None, "the English translation could not be compiled or loaded"
    try:
        context, window = build_window(settings, demo=True, sign_in_as="admin")
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: context.database is not None or context.database_error is not None, timeout=20000)
        titles = [window.tabs.tabText(i).split(" (")[0] for i in range(window.tabs.count())]
        assert titles == ["Reception", "Counter", "Display", "Supervisor", "Settings", "Audit"]
        assert not any(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", window.tabs.tabText(i))
                       for i in range(window.tabs.count()))
        wait_for_background(20000)
        window.close()
        qtbot.wait(200)  # let the closed window's queued events run before the session ends
        if context.database is not None:
            context.database.dispose()
    finally:
        QCoreApplication.removeTranslator(translator)
        QLocale.setDefault(locale)
    assert QCoreApplication.translate("MainWindow", "受付") == "受付"
