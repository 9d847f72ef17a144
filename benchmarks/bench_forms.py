"""A five-form packet for one resident (the 転入 visit of a family), against a naive renderer.

Ours: ``render_packet`` — fonts registered once per process, the whole packet drawn on one
canvas (background and values together, fonts embedded once), no PDF merging.
Baseline (the same five forms, rendered naively): for every form, parse the TrueType fonts
again, draw the background on one reportlab canvas and the values on another, merge the two
with pypdf page by page, then merge the forms — PyPDFForm-style overlay without any caching.

Figures: median warm ms, fresh-process seconds (import + load definitions + render + write),
peak memory (max RSS of that fresh process), and each form's warm cost.
"""

from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.figures import Figure

FORMS = ["jumin_ido", "kokuho", "jido_teate", "inkan_toroku", "juminhyo"]
ROOT = Path(__file__).resolve().parent.parent

_FRESH = r"""
import resource, sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r}); sys.path.insert(0, {app!r})
from benchmarks.bench_forms import FORMS, naive_packet
from madoguchi.forms.catalogue import load_forms
from madoguchi.forms.demo import DEMO_ANSWERS, demo_resident
from madoguchi.forms.render import render_packet
forms = load_forms()
if {naive!r}:
    data = naive_packet(demo_resident(), FORMS, forms, DEMO_ANSWERS)
else:
    data = render_packet(demo_resident(), FORMS, forms, DEMO_ANSWERS).pdf
open({out!r}, "wb").write(data)
# VmHWM is this process's own peak; ru_maxrss is inherited from the parent across fork on Linux
try:
    hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    hwm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"TIME {{time.perf_counter() - t0:.4f}} RSS {{hwm / 1024:.1f}}")
"""


def naive_packet(resident, form_ids, forms, answers) -> bytes:  # noqa: ANN001
    """The baseline: no font cache, background and values on separate canvases, merged with pypdf."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    from madoguchi.forms import render
    from madoguchi.paths import resource_path

    packet = PdfWriter()
    for form_id in form_ids:
        form = forms[form_id]
        for role, name in render.FONT_NAMES.items():  # parse the fonts again for every form
            pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", render.FONT_FILES[role]))))
        size = (form.page_size_mm[0] * render.MM, form.page_size_mm[1] * render.MM)
        back, over = io.BytesIO(), io.BytesIO()
        back_canvas, over_canvas = Canvas(back, pagesize=size), Canvas(over, pagesize=size)
        ctx = render._Context(resident, dict(answers), form, __import__("datetime").date.today())
        outcome = render._Outcome()
        for definition in form.pages:
            render.draw_background(render._Page(back_canvas, form.page_size_mm), form, definition)
            page = render._Page(over_canvas, form.page_size_mm)
            for item in definition.fields:
                render.fill_field(page, item, ctx, outcome, False)
            back_canvas.showPage()
            over_canvas.showPage()
        back_canvas.save()
        over_canvas.save()
        writer = PdfWriter()
        for base, top in zip(PdfReader(io.BytesIO(back.getvalue())).pages,
                             PdfReader(io.BytesIO(over.getvalue())).pages, strict=True):
            added = writer.add_page(base)
            added.merge_page(top)
        merged = io.BytesIO()
        writer.write(merged)
        packet.append(PdfReader(io.BytesIO(merged.getvalue())))
    out = io.BytesIO()
    packet.write(out)
    return out.getvalue()


def _median_ms(fn, runs: int) -> float:  # noqa: ANN001
    fn()  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _fresh(naive: bool, runs: int) -> tuple[float, float]:
    times, peaks = [], []
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, MADOGUCHI_HOME=home)
        out = str(Path(home) / "packet.pdf")
        code = _FRESH.format(root=str(ROOT), app=str(ROOT / "app"), naive=naive, out=out)
        for _ in range(runs):
            started = time.perf_counter()
            result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                    timeout=120, check=True)
            times.append(time.perf_counter() - started)
            peaks.append(float(result.stdout.split("RSS")[1]))
    return statistics.median(times), max(peaks)


def run(quick: bool = False) -> list[Figure]:
    from madoguchi.forms.catalogue import load_forms
    from madoguchi.forms.demo import DEMO_ANSWERS, demo_resident
    from madoguchi.forms.render import render_form, render_packet

    runs = 5 if quick else 25
    forms = load_forms()
    resident = demo_resident()
    ours = _median_ms(lambda: render_packet(resident, FORMS, forms, DEMO_ANSWERS), runs)
    naive = _median_ms(lambda: naive_packet(resident, FORMS, forms, DEMO_ANSWERS), runs)
    fresh_runs = 2 if quick else 5
    ours_fresh, ours_peak = _fresh(False, fresh_runs)
    naive_fresh, naive_peak = _fresh(True, fresh_runs)
    label = "naive: fonts parsed per form, background+overlay merged with pypdf"
    figures = [
        Figure("forms", "packet5_warm_median", ours, "ms", baseline=naive, baseline_label=label, target="<= 150"),
        Figure("forms", "packet5_fresh_process", ours_fresh, "s", baseline=naive_fresh, baseline_label=label,
               target="<= 1.5"),
        Figure("forms", "packet5_peak_memory", ours_peak, "MB", baseline=naive_peak, baseline_label=label,
               target="<= 200"),
    ]
    for form_id in FORMS:
        cost = _median_ms(lambda f=form_id: render_form(resident, forms[f], DEMO_ANSWERS), runs)
        naive_cost = _median_ms(lambda f=form_id: naive_packet(resident, [f], forms, DEMO_ANSWERS), runs)
        figures.append(Figure("forms", f"form_{form_id}_warm", cost, "ms", baseline=naive_cost, baseline_label="naive"))
    return figures
