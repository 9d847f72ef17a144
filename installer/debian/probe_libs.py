"""Run by installer/debian/runtime_libs.py in the Python environment under check (not imported).

Starts the app's native parts the way a counter PC does — Qt offscreen with multimedia, PDF, print
support and text-to-speech, OpenCV, Tesseract, ONNX Runtime, the database drivers, the crypto
libraries — and prints, as JSON, every shared object this process loaded and the Qt plugin folder.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path


def exercise() -> list[str]:
    """Load everything the app loads at run time; return the optional parts that are not installed."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["probe_libs"])
    from PySide6.QtCharts import QChart
    from PySide6.QtMultimedia import QMediaDevices
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
    from PySide6.QtTextToSpeech import QTextToSpeech

    QChart()
    QMediaDevices.videoInputs()
    QPdfDocument(app)
    QPdfView()
    QPrinterInfo.availablePrinterNames()
    QPrinter()
    QTextToSpeech.availableEngines()
    for fmt in (b"PNG", b"JPG", b"SVG"):  # image format plugins
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        QImage(8, 8, QImage.Format.Format_RGB32).save(buffer, fmt.decode())

    import madoguchi.ui.app  # noqa: F401  (the app's own imports, UI included)

    missing = []
    for name in ("cv2", "numpy", "PIL.Image", "tesserocr", "onnxruntime", "rapidocr", "psycopg", "sqlalchemy",
                 "cryptography.hazmat.bindings._rust", "argon2", "reportlab.pdfgen.canvas", "_rl_accel", "pypdf",
                 "yaml", "shapely", "pyclipper", "pykakasi", "namedivider", "smartcard.scard"):
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if "psycopg" not in missing:
        import psycopg.pq

        psycopg.pq.version()  # loads psycopg-binary's libpq
    if "onnxruntime" not in missing:
        import onnxruntime

        onnxruntime.get_available_providers()
    return missing


def loaded_objects() -> list[str]:
    paths = set()
    with open("/proc/self/maps", encoding="utf-8") as maps:
        for line in maps:
            parts = line.split(maxsplit=5)
            if len(parts) == 6 and ".so" in Path(parts[5].strip()).name:
                paths.add(parts[5].strip())
    return sorted(paths)


def main() -> int:
    missing = exercise()
    from PySide6.QtCore import QLibraryInfo

    print(json.dumps({
        "python": sys.executable,
        "plugins": QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath),
        "loaded": loaded_objects(),
        "not_installed": missing,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
