"""The counter workspace through its real widgets (offscreen): what the clerk spends and feels.

- ``keys_card_to_print``: keystrokes + clicks (actions) for a 転入 of one resident whose card
  read cleanly, from the card on the scanner to the printed packet, typing the new address
  excluded; ``keys_card_to_print_with_address`` includes it (postal code + 番地, one key per
  character); ``entries_typed`` counts the values typed by hand (the new address: 2, the 異動日: 1). Baseline:
  the paper counter's handwritten entries for the same forms, counted from the form definitions
  (every resident-sourced value the packet fills: name, kana, address, birth date …).
- ``hot_folder_to_fields``: with the app warm, a card image dropped in the scanner folder →
  its fields shown on the Check step. Baseline: the reader alone on the same image.
- ``print_handoff_five_forms``: Print pressed → the job handed to the OS (CUPS job id) for a
  five-form packet. Baseline: ``lp`` of the same PDF from a shell.
The window's start-up is bench_startup's figure (not repeated here).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import replace
from pathlib import Path

from benchmarks.figures import Figure

ROOT = Path(__file__).resolve().parent.parent
SEEDS = range(1, 13)


class _Keys:
    def __init__(self) -> None:
        self.count = 0

    def key(self, key, modifier=None) -> None:  # noqa: ANN001
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        self.count += 1
        QTest.keyClick(QApplication.focusWidget(), key, modifier or Qt.KeyboardModifier.NoModifier)

    def type(self, text: str) -> None:
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        self.count += len(text)
        QTest.keyClicks(QApplication.focusWidget(), text)


def _wait(condition, seconds: float = 120.0, *, events: tuple = (), poll_ms: int = 10) -> float:  # noqa: ANN001
    """Run the real event loop (which lets worker threads have the GIL, unlike QTest.qWait) until
    ``condition`` holds; ``events`` (plain flow events) wake it at once, so a slow poll costs nothing."""
    from PySide6.QtCore import QEventLoop, QTimer

    started = time.perf_counter()
    if condition():
        return 0.0
    loop = QEventLoop()

    def check(*_args: object) -> None:
        if condition() or time.perf_counter() - started > seconds:
            loop.quit()

    timer = QTimer()
    timer.setInterval(poll_ms)
    timer.timeout.connect(check)
    for event in events:
        event.connect(check)
    timer.start()
    loop.exec()
    timer.stop()
    for event in events:
        event.disconnect(check)
    if not condition():
        raise TimeoutError("the counter view did not get there in time")
    return time.perf_counter() - started


def _clean_sample():  # noqa: ANN202
    """The first generated My Number card the real reader reads exactly (the 'read cleanly' case)."""
    from tests.data.cards import generate_sample

    from madoguchi.ids.parse import split_name
    from madoguchi.ids.pipeline import IdReader

    reader = IdReader()
    first = None
    for seed in SEEDS:
        sample = generate_sample(seed, "mynumber_card", "scan", upside_down=False)
        reading = reader.read(sample.encoded(), source="bench")
        first = first or sample
        truth = sample.truth
        split = split_name(truth["name"])
        read_name = reading.value("name").replace("\u3000", " ").split()
        if (read_name == [split.family, split.given] and reading.value("birth_date")
                and unicodedata.normalize("NFKC", reading.value("address")) == unicodedata.normalize("NFKC", truth["address"])):
            return sample, True
    return first, False


def _view(settings):  # noqa: ANN001, ANN202
    from madoguchi.seed import seed_defaults
    from madoguchi.store.db import open_database
    from madoguchi.ui.app import create_application
    from madoguchi.ui.context import AppContext, SignedInUser
    from madoguchi.ui.counter.view import CounterView

    create_application(settings)
    database = open_database(settings.effective_database_url)
    seed_defaults(database, settings.branch_id, settings.branch_name)
    context = AppContext(settings)
    context.set_database(database)
    context.set_user(SignedInUser(None, "bench", "bench", "clerk"))
    view = CounterView(context)
    view.resize(1366, 800)
    view.show()
    view.activateWindow()
    _wait(lambda: view.service.reader is not None and view.service.drafts is not None)
    return view


def _paper_entries(view) -> int:  # noqa: ANN001
    """Entries a resident writes by hand on the paper forms of this packet (resident-sourced fields)."""
    forms = view.flow.forms.definitions
    count = 0
    for page in view.flow.packet.pages:
        form = forms[page.form_id]
        seen = set()
        for placed in page.placed:
            try:
                field = form.field(placed.field_id)
            except KeyError:
                continue  # a part of a field (an era circle): the field itself is counted
            base = field.base_id or field.id
            if field.source.startswith("resident.") and (base, field.row) not in seen:
                seen.add((base, field.row))
                count += 1
    return count


def _visit(view, keys: _Keys, sample, scans: Path, *, forms_extra: tuple[str, ...] = ()) -> dict:  # noqa: ANN001
    """One 転入 through the widgets; returns what was measured."""
    from PySide6.QtCore import Qt

    from madoguchi.counter.flow import Step

    ctrl = Qt.KeyboardModifier.ControlModifier
    measured: dict = {}
    keys.key(Qt.Key.Key_F3)
    path = scans / f"card-{time.perf_counter_ns()}.png"
    dropped = time.perf_counter()
    path.write_bytes(sample.encoded())
    _wait(lambda: view.flow.step == Step.CHECK and bool(view.check.rows["family_name"].edit.text()),
          events=(view.flow.fields_changed, view.flow.step_changed), poll_ms=500)
    measured["fields_shown"] = time.perf_counter() - dropped
    at_card = keys.count
    if any(s.suggestion and s.spec.kind == "kana" for s in view.flow.fields.values()):
        keys.key(Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    keys.key(Qt.Key.Key_Return, ctrl)
    if view.flow.step != Step.WHAT:  # the card did not read cleanly: the clerk fixes what is red
        raise RuntimeError(f"the card needs fixing: {view.flow.problems()}")
    keys.key(Qt.Key.Key_1)
    before_address = keys.count
    keys.type("1440052")
    keys.type("5-13-1")
    keys.key(Qt.Key.Key_Tab)  # 方書: none
    keys.key(Qt.Key.Key_Tab)  # to 異動日
    before_date = keys.count
    keys.type("R8.11.2")
    address_keys = (before_date - before_address - 2) + (keys.count - before_date)
    for form_id in forms_extra:
        view.flow.add_form(form_id)
    keys.key(Qt.Key.Key_Return, ctrl)
    _wait(lambda: view.flow.packet is not None)
    pressed = time.perf_counter()
    keys.key(Qt.Key.Key_P, ctrl)
    _wait(lambda: view.service.print_job is not None or view.flow.outcome is not None)
    measured["handoff"] = time.perf_counter() - pressed
    _wait(lambda: view.flow.outcome is not None)
    if not view.flow.outcome.ok:
        raise RuntimeError(view.flow.outcome.message_en)
    measured["keys_with_address"] = keys.count - at_card
    measured["keys"] = measured["keys_with_address"] - address_keys
    # the new address (its postal code, then the 番地 after the completed town) and the 異動日
    measured["entries_typed"] = 3
    measured["paper_entries"] = _paper_entries(view)
    measured["pages"] = view.flow.packet.page_count
    measured["pdf"] = view.flow.packet.pdf
    keys.key(Qt.Key.Key_Return, ctrl)
    return measured


def _lp_seconds(pdf: bytes, printer: str) -> float:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        started = time.perf_counter()
        subprocess.run(["lp", "-d", printer, "-o", "media=A4", handle.name], check=True, capture_output=True)
        return time.perf_counter() - started


def run(quick: bool = False) -> list[Figure]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    runs = 2 if quick else 5
    with tempfile.TemporaryDirectory() as home:
        os.environ["MADOGUCHI_HOME"] = home
        from tests.support.cups import cups_pdf_queue

        from madoguchi.config import load_settings
        from madoguchi.ids.pipeline import IdReader
        from madoguchi.ui.workers import wait_for_background

        scans = Path(home) / "scans"
        scans.mkdir()
        sample, clean = _clean_sample()
        with cups_pdf_queue() as queue:
            settings = replace(load_settings(), database_url="sqlite:///" + str(Path(home) / "bench.sqlite3"),
                               scanner_folder=str(scans), printer_name=queue.name, key_store="file")
            view = _view(settings)
            keys = _Keys()
            # the plain 転入 (the forms the rules choose): its keys are the same every time; it also warms up
            plain = _visit(view, keys, sample, scans)
            shown, handoffs, results = [], [], []
            for _ in range(runs):
                keys.count = 0
                result = _visit(view, keys, sample, scans,
                                forms_extra=("juminhyo", "kokuho", "inkan_toroku"))
                shown.append(result["fields_shown"])
                handoffs.append(result["handoff"])
                results.append(result)
            reader = IdReader()
            reader.read(sample.encoded(), source="bench")
            alone = []
            for _ in range(runs):
                started = time.perf_counter()
                reader.read(sample.encoded(), source="bench")
                alone.append(time.perf_counter() - started)
            lp = [_lp_seconds(results[-1]["pdf"], queue.name) for _ in range(runs)]
            wait_for_background(30000)
            view.wait_for_work(30000)
            view.context.database.dispose()
    last = results[-1]
    label = "paper: handwritten entries, same forms" + ("" if clean else " (card NOT read cleanly)")
    return [
        Figure("counter", "keys_card_to_print", plain["keys"], "actions", baseline=plain["paper_entries"],
               baseline_label=label + f", {plain['pages']} pages", target="<= 10"),
        Figure("counter", "entries_typed", plain["entries_typed"], "entries", baseline=plain["paper_entries"],
               baseline_label=label + f", {plain['pages']} pages"),
        Figure("counter", "keys_card_to_print_with_address", plain["keys_with_address"], "keys+clicks"),
        Figure("counter", "hot_folder_to_fields", statistics.median(shown), "s", baseline=statistics.median(alone),
               baseline_label="IdReader.read alone", target="<= 1"),
        Figure("counter", f"print_handoff_{last['pages']}_pages", statistics.median(handoffs), "s",
               baseline=statistics.median(lp), baseline_label="lp from a shell", target="<= 1"),
    ]
