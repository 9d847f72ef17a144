"""PP-OCR (PaddleOCR's detection and recognition models, exported to ONNX) on onnxruntime.

One thin module around the external engine (OCRmyPDF's habit), like ``ocr.py`` for Tesseract:
a probe for the package and its model files, and recognition functions that map engine failures
to our own errors. The models come from the installed ``rapidocr`` wheel only — every model path
is given explicitly, so the library's download code is never reached: no network at run time.

Measured on the shared real specimens and the generated cards, PP-OCR reads card text far
better than Tesseract's Japanese models (real specimens: 0.77 vs 0.17 with the same naive
parser); it is the main engine, and Tesseract stays beside it for the MRZ and as a second
reader where PP-OCR's line is doubtful (see ``pipeline``).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from madoguchi.checks import CheckResult, Status
from madoguchi.errors import EngineUnavailable
from madoguchi.ids.ocr import OcrEngine, Recognition

#: the model files the rapidocr wheel carries (PP-OCRv6 small detection and recognition)
MODEL_FILES = {"det": "PP-OCRv6_det_small.onnx", "rec": "PP-OCRv6_rec_small.onnx"}
#: recognition input height of the model
LINE_HEIGHT = 48
#: a line recognised with less confidence is noise (a pattern, a photo's edge)
MIN_SCORE = 0.3


@dataclass(frozen=True)
class TextLine:
    """One detected line of text: what it says, the recogniser's confidence 0–1 and its
    axis-aligned box (x, y, w, h) in the pixels of the image it was found in."""

    text: str
    confidence: float
    box: tuple[int, int, int, int]

    @property
    def centre_y(self) -> float:
        return self.box[1] + self.box[3] / 2

    @property
    def right(self) -> int:
        return self.box[0] + self.box[2]


def model_dir() -> Path | None:
    """The folder of the installed rapidocr package's models, or None when it is not installed."""
    try:
        import rapidocr
    except ImportError:
        return None
    return Path(rapidocr.__file__).parent / "models"


def model_files() -> dict[str, Path | None]:
    directory = model_dir()
    return {task: (directory / name if directory and (directory / name).is_file() else None)
            for task, name in MODEL_FILES.items()}


def _missing_engine(detail: str) -> EngineUnavailable:
    return EngineUnavailable(
        f"OCRエンジン PP-OCR が使えません（{detail}）。`pip install rapidocr onnxruntime` で入れ直すか、"
        "設定の ocr_engine を tesserocr にしてください。",
        f"the OCR engine PP-OCR is not available ({detail}). Reinstall with `pip install rapidocr onnxruntime`, "
        "or set ocr_engine to tesserocr.")


def probe_engine() -> CheckResult:
    """Selftest check: rapidocr and onnxruntime importable, both model files there and loadable."""
    hint = ("pip install --force-reinstall rapidocr onnxruntime", "pip install --force-reinstall rapidocr onnxruntime")
    try:
        import onnxruntime
    except ImportError:
        return CheckResult("ocr-ppocr", Status.NG, "onnxruntime がありません", "onnxruntime is not installed", *hint)
    files = model_files()
    missing = [MODEL_FILES[task] for task, path in files.items() if path is None]
    if missing:
        return CheckResult("ocr-ppocr", Status.NG, f"PP-OCR のモデルがありません: {', '.join(missing)}",
                           f"PP-OCR model files are missing: {', '.join(missing)}", *hint)
    try:
        engine = PpocrEngine()
        engine.read_lines(np.full((64, 256, 3), 255, np.uint8))
    except EngineUnavailable as exc:
        return CheckResult("ocr-ppocr", Status.NG, exc.message_ja, exc.message_en, *hint)
    paths = ", ".join(str(p) for p in files.values())
    return CheckResult("ocr-ppocr", Status.OK, f"PP-OCR (onnxruntime {onnxruntime.__version__}) モデル: {paths}",
                       f"PP-OCR (onnxruntime {onnxruntime.__version__}) models: {paths}")


class PpocrEngine(OcrEngine):
    """PP-OCR detection + recognition, loaded once. ``read_lines`` finds and reads every text
    line of an image; ``recognise`` reads one line image (the OcrEngine seam; page-segmentation
    modes and whitelists are Tesseract's and are ignored here); ``recognise_many`` reads several
    line images in one batch. Thread-safe by an internal lock."""

    name = "ppocr"

    def __init__(self, threads: int = 0) -> None:
        files = model_files()
        if model_dir() is None:
            raise _missing_engine("rapidocr is not installed")
        if any(path is None for path in files.values()):
            raise _missing_engine("model files missing in the rapidocr package")
        try:
            logging.getLogger("RapidOCR").setLevel(logging.ERROR)
            from rapidocr import RapidOCR
            from rapidocr.ch_ppocr_rec import TextRecInput

            self._rec_input = TextRecInput
            params: dict[str, Any] = {
                "Global.log_level": "error",
                "Global.use_cls": False,
                "Global.text_score": MIN_SCORE,
                # the longer side at 960 px: card text is 20–40 px high there, and detection costs
                # a third of the library's default (shorter side enlarged to 736 px)
                "Det.limit_side_len": 960,
                "Det.limit_type": "max",
                "Det.model_path": str(files["det"]),
                "Rec.model_path": str(files["rec"]),
                # never used (use_cls is off), but a path keeps the library from looking for a download
                "Cls.model_path": str(files["det"]),
                "EngineConfig.onnxruntime.intra_op_num_threads": threads or -1,
            }
            self._ocr = RapidOCR(params=params)
            logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        except (ImportError, OSError, ValueError, RuntimeError) as exc:
            raise _missing_engine(exc.__class__.__name__) from exc
        self._lock = threading.Lock()
        self._recogniser: Any = None

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        """The quadrilaterals (4×2 float arrays, image pixels) of every text line, top to bottom."""
        with self._lock:
            try:
                result = self._ocr(_bgr(image), use_cls=False, use_rec=False)
            except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own types; ours carry a message
                raise _missing_engine(f"detection failed: {exc.__class__.__name__}") from exc
        if result.boxes is None:
            return []
        return [np.asarray(quad, np.float32) for quad in result.boxes]

    def read_boxes(self, image: np.ndarray, quads: list[np.ndarray]) -> list[TextLine]:
        """The text of each detected line (lines read with less than MIN_SCORE are left out)."""
        from rapidocr.utils.process_img import get_rotate_crop_image

        image = _bgr(image)
        crops = [get_rotate_crop_image(image, quad.copy()) for quad in quads]
        lines = []
        for quad, (text, score) in zip(quads, self.recognise_many(crops)):
            if score < MIN_SCORE or not text.strip():
                continue
            x0, y0 = max(0, int(quad[:, 0].min())), max(0, int(quad[:, 1].min()))
            box = (x0, y0, max(1, int(quad[:, 0].max()) - x0), max(1, int(quad[:, 1].max()) - y0))
            lines.append(TextLine(text, score, box))
        return lines

    def read_lines(self, image: np.ndarray) -> list[TextLine]:
        """Every text line found in a BGR (or grey) image, top to bottom."""
        return self.read_boxes(image, self.detect(image))

    def recognise_many(self, images: list[np.ndarray]) -> list[tuple[str, float]]:
        """(text, confidence) for each line image, read in batches."""
        if not images:
            return []
        batch = [_bgr(img) for img in images]
        with self._lock:
            try:
                if self._recogniser is None:
                    self._recogniser = self._ocr._load_rec_model()  # the library's own loader, configured above
                output = self._recogniser(self._rec_input(img=batch))
            except Exception as exc:  # noqa: BLE001 - see read_lines
                raise _missing_engine(f"recognition failed: {exc.__class__.__name__}") from exc
        return [(str(text), float(score)) for text, score in zip(output.txts, output.scores)]

    def recognise(self, image: Any, *, lang: str = "jpn", psm: int = 7, whitelist: str = "",
                  words: bool = False, symbols: bool = False) -> Recognition:
        text, confidence = self.recognise_many([image])[0]
        return Recognition(text, confidence)

    def close(self) -> None:
        """Free the models (onnxruntime's sessions and their thread pools)."""
        with self._lock:
            self._ocr = None
            self._recogniser = None

    def describe(self) -> str:
        import onnxruntime

        return f"PP-OCR (rapidocr, onnxruntime {onnxruntime.__version__}) {model_dir()}"


def _bgr(image: np.ndarray) -> np.ndarray:
    return np.repeat(image[:, :, None], 3, axis=2) if image.ndim == 2 else image
