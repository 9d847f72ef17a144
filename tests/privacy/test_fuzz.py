"""Fuzzing the three doors untrusted data comes in by: image bytes, form files, resident JSON.

A few hundred generated inputs each here (the benchmark ``fuzz`` runs over 10,000): nothing may
crash; a refused input must be a clear :class:`MadoguchiError`. Each test prints how many inputs
it tried and keeps the counts in ``results/fuzz-counts.json``. Strategies and checks:
``tests/support/fuzz.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support import fuzz


def _report(name: str, counts: dict[str, int], capsys, results_dir: Path, minimum: int) -> None:  # noqa: ANN001
    total = sum(counts.values())
    with capsys.disabled():
        print(f"\n[fuzz] {name}: {total} inputs tried; outcomes {json.dumps(counts, ensure_ascii=False)}")
    path = results_dir / "fuzz-counts.json"
    stored = json.loads(path.read_text()) if path.exists() else {}
    stored[name] = {"inputs": total, "outcomes": counts}
    path.write_text(json.dumps(stored, indent=2, ensure_ascii=False))
    assert total >= minimum, f"only {total} inputs were tried"


@pytest.mark.slow
def test_fuzz_resident_json_import(capsys, results_dir: Path) -> None:  # noqa: ANN001
    counts = fuzz.run_fuzz(fuzz.resident_texts(), fuzz.check_resident_text, 300)
    _report("resident_json", counts, capsys, results_dir, 300)


@pytest.mark.slow
def test_fuzz_form_loader(tmp_path: Path, capsys, results_dir: Path) -> None:  # noqa: ANN001
    fuzz.load_sample_form()
    folder = tmp_path / str(fuzz.SAMPLE_FORM["id"])  # the loader checks that the folder is named by the id
    folder.mkdir()
    counts = fuzz.run_fuzz(fuzz.form_inputs(), fuzz.form_checker(folder), 200)
    _report("form_loader", counts, capsys, results_dir, 200)


@pytest.fixture(scope="module")
def reader():  # noqa: ANN201
    from madoguchi.ids.pipeline import IdReader

    instance = IdReader()
    yield instance
    instance.close()


@pytest.mark.slow
def test_fuzz_image_intake(reader, capsys, results_dir: Path) -> None:  # noqa: ANN001
    counts = fuzz.run_fuzz(fuzz.image_bytes(), fuzz.image_checker(reader), 200)
    _report("image_intake", counts, capsys, results_dir, 200)
