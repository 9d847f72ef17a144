"""Generated inputs for the three doors untrusted data comes in by — resident JSON, form
files, image bytes — and the check each input must pass: accepted, or refused with a clear
:class:`~madoguchi.errors.MadoguchiError` (Japanese and English). Never a crash.

Shared by the test suite (a few hundred inputs, ``tests/privacy/test_fuzz.py``) and the
benchmark (``benchmarks/bench_fuzz.py``, over 10,000). Hypothesis runs derandomised, so both
see the same inputs on every run.
"""

from __future__ import annotations

import copy
import json
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from madoguchi.errors import MadoguchiError

FUZZ = settings(deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=list(HealthCheck))


def _check_error(error: MadoguchiError) -> None:
    assert error.message_ja and error.message_en, "an error without a message"


# --- resident JSON ------------------------------------------------------------------------------
_json_leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30)
_json = st.recursive(_json_leaf, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
_RESIDENT_KEYS = ["family_name", "given_name", "birth_date", "sex", "move_date", "postal_code",
                  "individual_number", "members", "extra", "address"]
_resident_like = st.dictionaries(st.sampled_from(_RESIDENT_KEYS) | st.text(max_size=8),
                                 _json | st.lists(st.dictionaries(st.sampled_from(
                                     ["family_name", "birth_date", "sex", "relationship", "x"]), _json,
                                     max_size=4), max_size=3), max_size=8)
_dates = st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(0, 9999), st.integers(0, 13),
                   st.integers(0, 32))


@st.composite
def resident_texts(draw) -> str:  # noqa: ANN001
    kind = draw(st.integers(0, 6))
    if kind == 5:  # what must never reach paper: controls, bidi overrides, implausible dates, bad numbers
        data = draw(_resident_like)
        data["family_name"] = draw(st.text(max_size=6)) + draw(st.sampled_from(
            ["\u202e", "\u2066", "\x07", "\u200b", "\ufeff", "", "𠮷", "\U000f0001"]))
        data["individual_number"] = draw(st.text("0123456789A１２ -", max_size=14))
        data["birth_date"] = draw(_dates)
        return ("\ufeff" if draw(st.booleans()) else "") + json.dumps(data, ensure_ascii=draw(st.booleans()))
    if kind == 6:  # numbers too long, nesting too deep inside objects
        digits = draw(st.integers(1, 50_000))
        depth = draw(st.integers(1, 3000))
        return '{"extra": ' + '{"a":' * depth + "9" * digits + "}" * depth + "}"
    if kind == 0:
        return draw(st.text(max_size=200))
    if kind == 1:
        depth = draw(st.integers(1, 5000))
        return "[" * depth + "]" * draw(st.integers(0, depth))
    if kind == 2:
        data = draw(_resident_like)
        if draw(st.booleans()):
            data["birth_date"] = draw(_dates)
        return json.dumps(data, ensure_ascii=draw(st.booleans()))
    text = json.dumps(draw(_resident_like))
    cut = draw(st.integers(0, len(text)))
    return text[:cut] + draw(st.text(max_size=5)) + text[cut:]




def check_resident_text(text: str) -> str:
    """The outcome of importing ``text`` as a resident record."""
    from madoguchi.visit import Resident

    try:
        resident = Resident.from_json_text(text, "fuzz.json")
    except MadoguchiError as error:
        _check_error(error)
        return error.__class__.__name__
    # an accepted record survives the round trip unchanged
    assert Resident.from_json(resident.to_json()).to_json() == resident.to_json()
    return "accepted"


# --- form files ---------------------------------------------------------------------------------
def _sample_form() -> dict[str, Any]:
    import yaml

    from madoguchi import paths

    path = paths.forms_dir() / "juminhyo" / "form.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


_YAML_SNIPPETS = ["!!python/object/apply:os.system ['echo pwned']", "a: &a [*a]", "? [a]\n: b", "%YAML 9.9\n---",
                  "id: !!binary aGVsbG8=", "pages: {}", "\t- x", "a: b: c", "'unterminated", "id: 1e999",
                  "pages:\n  - fields:\n    - {id: x, box: [1, 2]}", "\ufeffid: x", "--- !<tag:yaml.org,2002:str> x"]


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


def _set(data: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return data


@st.composite
def form_inputs(draw) -> tuple[str, Any]:  # noqa: ANN001
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return "text", draw(st.text(max_size=300))
    if kind == 1:
        return "text", "\n".join(draw(st.lists(st.sampled_from(_YAML_SNIPPETS) | st.text(max_size=20), max_size=6)))
    data = copy.deepcopy(SAMPLE_FORM)
    for _ in range(draw(st.integers(0, 3))):
        candidates = _paths(data)
        path = draw(st.sampled_from(candidates))
        data = _set(data, path, draw(_json | st.sampled_from([-1e9, 1e308, "", "../../etc/passwd", [0, 0, -5, 1e9]])))
    return "data", data


SAMPLE_FORM: dict[str, Any] = {}




def form_checker(folder: Path) -> Callable[[tuple[str, Any]], str]:
    """A check for :func:`form_inputs` writing into ``folder`` (named by the sample form's id)."""
    from madoguchi.forms.definition import load_form_file, parse_form

    path = folder / "form.yaml"

    def check(case: tuple[str, Any]) -> str:
        kind, value = case
        try:
            if kind == "text":
                path.write_text(value, encoding="utf-8", errors="surrogatepass")
                form, problems = load_form_file(path)
            else:
                form, problems = parse_form(value, path, folder)
        except MadoguchiError as error:
            _check_error(error)
            return error.__class__.__name__
        except UnicodeEncodeError:
            return "unwritable_test_input"
        assert form is not None or problems, "refused without saying why"
        for problem in problems:
            assert problem.message_ja and problem.message_en and problem.where
        return "accepted" if form is not None else "problems"
    return check


def load_sample_form() -> None:
    SAMPLE_FORM.clear()
    SAMPLE_FORM.update(_sample_form())


# --- image intake -------------------------------------------------------------------------------
def _png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + \
        chunk(b"IEND", b"")


@st.composite
def image_bytes(draw) -> bytes:  # noqa: ANN001
    import cv2
    import numpy as np

    kind = draw(st.integers(0, 5))
    if kind == 4:  # formats OpenCV decodes but Pillow cannot size (Radiance HDR, PAM, PFM), any name
        width, height = draw(st.integers(1, 40_000)), draw(st.integers(1, 40_000))
        header = draw(st.sampled_from([
            f"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y {height} +X {width}\n",
            f"P7\nWIDTH {width}\nHEIGHT {height}\nDEPTH 1\nMAXVAL 255\nTUPLTYPE GRAYSCALE\nENDHDR\n",
            f"PF\n{width} {height}\n-1.0\n", f"P6\n{width} {height}\n255\n"]))
        return header.encode("ascii") + draw(st.binary(max_size=512))
    if kind == 5:  # odd shapes: strips, tiny, just big enough
        import cv2
        import numpy as np

        width, height = draw(st.sampled_from([(5000, 2), (2, 5000), (64, 64), (1, 1), (900, 70), (65, 800)]))
        _ok, buffer = cv2.imencode(".png", np.full((height, width, 3), draw(st.integers(0, 255)), np.uint8))
        return buffer.tobytes()
    if kind == 0:
        return draw(st.binary(max_size=2048))
    if kind == 1:
        return _png_claiming(draw(st.integers(0, 2**31 - 1)), draw(st.integers(0, 2**31 - 1)))
    width, height = draw(st.integers(1, 48)), draw(st.integers(1, 48))
    seed = draw(st.integers(0, 2**16))
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    ext = draw(st.sampled_from([".png", ".jpg", ".bmp", ".tiff", ".webp", ".pgm"]))
    _ok, buffer = cv2.imencode(ext, pixels if ext != ".pgm" else pixels[:, :, 0])
    data = bytearray(buffer.tobytes())
    if kind == 3 and data:
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        data = data[:draw(st.integers(0, len(data)))]
    return bytes(data)




def image_checker(reader) -> Callable[[bytes], str]:  # noqa: ANN001 - IdReader
    def check(data: bytes) -> str:
        try:
            reading = reader.read(data, "fuzz")
        except MadoguchiError as error:
            _check_error(error)
            return error.__class__.__name__
        return f"read:{reading.document_type.value}"
    return check


# --- running ------------------------------------------------------------------------------------
def run_fuzz(strategy: st.SearchStrategy, check: Callable[[Any], str], examples: int) -> dict[str, int]:
    """Feed ``examples`` generated inputs to ``check``; the outcomes counted. An exception that is
    not a MadoguchiError fails (hypothesis shrinks it and prints the smallest input)."""
    counts: dict[str, int] = {}

    @settings(FUZZ, max_examples=examples)
    @given(strategy)
    def _fuzz(value: Any) -> None:
        outcome = check(value)
        counts[outcome] = counts.get(outcome, 0) + 1

    _fuzz()
    return counts
