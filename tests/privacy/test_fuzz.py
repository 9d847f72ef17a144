"""Fuzzing the three doors untrusted data comes in by: image bytes, form files, resident JSON.

Thousands of generated inputs each (hypothesis, derandomised so CI runs the same inputs):
nothing may crash; a refused input must be a clear :class:`MadoguchiError` (with Japanese and
English messages). Each test prints how many inputs it tried and keeps the counts in
``results/fuzz-counts.json``.
"""

from __future__ import annotations

import copy
import json
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from madoguchi.errors import MadoguchiError

COUNTS: dict[str, dict[str, int]] = {}
FUZZ = settings(deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture])


def _tally(name: str, outcome: str) -> None:
    counts = COUNTS.setdefault(name, {})
    counts[outcome] = counts.get(outcome, 0) + 1


def _check_error(error: MadoguchiError) -> None:
    assert error.message_ja and error.message_en, "an error without a message"


def _report(name: str, capsys, results_dir: Path, minimum: int) -> None:  # noqa: ANN001
    counts = COUNTS.get(name, {})
    total = sum(counts.values())
    with capsys.disabled():
        print(f"\n[fuzz] {name}: {total} inputs tried; outcomes {json.dumps(counts, ensure_ascii=False)}")
    path = results_dir / "fuzz-counts.json"
    stored = json.loads(path.read_text()) if path.exists() else {}
    stored[name] = {"inputs": total, "outcomes": counts}
    path.write_text(json.dumps(stored, indent=2, ensure_ascii=False))
    assert total >= minimum, f"only {total} inputs were tried"


# --- resident JSON import -------------------------------------------------------------------------
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
    kind = draw(st.integers(0, 4))
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


@pytest.mark.slow
def test_fuzz_resident_json_import(capsys, results_dir: Path) -> None:  # noqa: ANN001
    from madoguchi.visit import Resident

    COUNTS.pop("resident_json", None)

    @settings(FUZZ, max_examples=2000)
    @given(resident_texts())
    def _fuzz(text: str) -> None:
        try:
            resident = Resident.from_json_text(text, "fuzz.json")
        except MadoguchiError as error:
            _check_error(error)
            _tally("resident_json", error.__class__.__name__)
            return
        # an accepted record survives the round trip unchanged
        assert Resident.from_json(resident.to_json()).to_json() == resident.to_json()
        _tally("resident_json", "accepted")

    _fuzz()
    _report("resident_json", capsys, results_dir, 2000)


# --- form files -------------------------------------------------------------------------------
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


@pytest.mark.slow
def test_fuzz_form_loader(tmp_path: Path, capsys, results_dir: Path) -> None:  # noqa: ANN001
    from madoguchi.forms.definition import load_form_file, parse_form

    SAMPLE_FORM.clear()
    SAMPLE_FORM.update(_sample_form())
    COUNTS.pop("form_loader", None)
    folder = tmp_path / str(SAMPLE_FORM["id"])  # the loader checks that the folder is named by the id
    folder.mkdir()
    path = folder / "form.yaml"

    @settings(FUZZ, max_examples=1500)
    @given(form_inputs())
    def _fuzz(case: tuple[str, Any]) -> None:
        kind, value = case
        try:
            if kind == "text":
                path.write_text(value, encoding="utf-8", errors="surrogatepass")
                form, problems = load_form_file(path)
            else:
                form, problems = parse_form(value, path, folder)
        except MadoguchiError as error:
            _check_error(error)
            _tally("form_loader", error.__class__.__name__)
            return
        except UnicodeEncodeError:
            _tally("form_loader", "unwritable_test_input")
            return
        assert form is not None or problems, "refused without saying why"
        for problem in problems:
            assert problem.message_ja and problem.message_en and problem.where
        _tally("form_loader", "accepted" if form is not None else "problems")

    _fuzz()
    _report("form_loader", capsys, results_dir, 1500)


# --- image intake -----------------------------------------------------------------------------
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

    kind = draw(st.integers(0, 3))
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


@pytest.fixture(scope="module")
def reader():  # noqa: ANN201
    from madoguchi.ids.pipeline import IdReader

    instance = IdReader()
    yield instance
    instance.close()


@pytest.mark.slow
def test_fuzz_image_intake(reader, capsys, results_dir: Path) -> None:  # noqa: ANN001
    COUNTS.pop("image_intake", None)

    @settings(FUZZ, max_examples=1500)
    @given(image_bytes())
    def _fuzz(data: bytes) -> None:
        try:
            reading = reader.read(data, "fuzz")
        except MadoguchiError as error:
            _check_error(error)
            _tally("image_intake", error.__class__.__name__)
            return
        _tally("image_intake", f"read:{reading.document_type.value}")

    _fuzz()
    _report("image_intake", capsys, results_dir, 1500)
