"""Translations: Japanese source strings, English from resources/i18n/madoguchi_en.ts.

The ``.qm`` files are built from the ``.ts`` sources (pyside6-lrelease), never committed:
the installer's build compiles them, and a source checkout compiles them into the user
cache directory at start-up when they are missing or older than the source.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from madoguchi import paths

log = logging.getLogger(__name__)

LANGUAGES = {"ja": "日本語", "en": "English"}


def ts_file(language: str) -> Path:
    return paths.resource_path("i18n", f"madoguchi_{language}.ts")


def _lrelease() -> list[str] | None:
    exe = Path(sys.executable).with_name("pyside6-lrelease")
    for candidate in (exe, exe.with_suffix(".exe")):
        if candidate.exists():
            return [str(candidate)]
    found = shutil.which("pyside6-lrelease") or shutil.which("lrelease")
    return [found] if found else None


def compile_translation(language: str, out_dir: Path | None = None) -> Path | None:
    """Build ``madoguchi_<lang>.qm`` from its .ts when needed; return its path."""
    source = ts_file(language)
    bundled = source.with_suffix(".qm")
    if bundled.exists() and (not source.exists() or bundled.stat().st_mtime >= source.stat().st_mtime):
        return bundled
    if not source.exists():
        return None
    target_dir = paths.ensure_dir(out_dir or paths.cache_dir() / "i18n")
    target = target_dir / f"madoguchi_{language}.qm"
    if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
        return target
    tool = _lrelease()
    if tool is None:
        log.warning("pyside6-lrelease not found; UI stays in Japanese")
        return None
    completed = subprocess.run([*tool, "-silent", str(source), "-qm", str(target)], capture_output=True,
                               text=True, check=False)
    if completed.returncode != 0 or not target.exists():
        log.warning("lrelease failed for %s (exit %d)", source.name, completed.returncode)
        return None
    return target


def install_translator(app: QCoreApplication, language: str) -> QTranslator | None:
    """Install the translator for ``language`` (ja needs none: it is the source language)."""
    QLocale.setDefault(QLocale(QLocale.Language.Japanese if language == "ja" else QLocale.Language.English))
    if language == "ja":
        return None
    qm = compile_translation(language)
    if qm is None:
        return None
    translator = QTranslator(app)
    if translator.load(str(qm)):
        app.installTranslator(translator)
        return translator
    log.warning("could not load translation %s", qm.name)
    return None
