"""Fuzzing at scale: over 10,000 generated inputs through the three doors untrusted data comes in
by — resident JSON, form YAML/definitions, image bytes (the strategies and checks of
``tests/support/fuzz.py``; the test suite runs a few hundred of them). Every input must be
accepted or refused with a clear message; the figure that matters is crashes = 0. The counts
of each outcome are printed.
"""

from __future__ import annotations

import json
import tempfile
import time
import warnings
from pathlib import Path

from benchmarks.figures import Figure

#: inputs per door (full run); --quick runs a tenth
INPUTS = {"resident_json": 5000, "form_yaml": 3000, "image_bytes": 3000}


def run(quick: bool = False) -> list[Figure]:
    from tests.support import fuzz

    from madoguchi.ids.pipeline import IdReader

    # Pillow warns about each corrupt header it is fed on purpose; the outcomes are what count
    warnings.filterwarnings("ignore", module="PIL")
    scale = 0.1 if quick else 1.0
    figures: list[Figure] = []
    total = crashes = 0
    reader = IdReader()
    try:
        with tempfile.TemporaryDirectory(prefix="madoguchi-fuzz-") as folder:
            fuzz.load_sample_form()
            form_folder = Path(folder) / str(fuzz.SAMPLE_FORM["id"])
            form_folder.mkdir()
            doors = {"resident_json": (fuzz.resident_texts(), fuzz.check_resident_text),
                     "form_yaml": (fuzz.form_inputs(), fuzz.form_checker(form_folder)),
                     "image_bytes": (fuzz.image_bytes(), fuzz.image_checker(reader))}
            for name, (strategy, check) in doors.items():
                wanted = max(1, int(INPUTS[name] * scale))
                started = time.perf_counter()
                try:
                    counts = fuzz.run_fuzz(strategy, check, wanted)
                except Exception as exc:  # noqa: BLE001 - a crash is the figure, reported with its type
                    counts = {f"CRASH {type(exc).__name__}": 1}
                    crashes += 1
                seconds = time.perf_counter() - started
                tried = sum(counts.values())
                total += tried
                print(f"# fuzz {name}: {tried} inputs in {seconds:.0f} s; outcomes "
                      f"{json.dumps(counts, ensure_ascii=False, sort_keys=True)}", flush=True)
                figures.append(Figure("fuzz", f"{name}_inputs", tried, "inputs"))
    finally:
        reader.close()
    figures.append(Figure("fuzz", "inputs_total", total, "inputs", target=">= 10000" if not quick else ""))
    figures.append(Figure("fuzz", "crashes", crashes, "crashes", target="0"))
    return figures
