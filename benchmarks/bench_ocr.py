"""OCR of ID cards: the reader (``ppocr``, the default engine) and the previous reader (``tesserocr``), each
beside plain ``tesseract IMAGE - -l jpn`` + regexes over the same images in the same run.

Sets:
- ``specimens``: the shared real specimens (``../shared/data/specimens`` from the repository's root, with its
  truth.jsonl; skipped with a note when absent) — the first-class figure;
- one set per capture condition of tests/data/cards.py (scan, camera, fullframe, small, lowjpeg,
  watermark), cards of seeds 7000 + 100 × condition index + i, never used for tuning (tuning used seeds
  1xxx, 3xxx and 4xxx), the kinds taken in turn.

Figures per set and reader: field accuracy (the document type counts as a field) compared with exactly the
rules of /work/shared/tools/score_ids.py (``canon``: NFKC, whitespace removed, dash variants, 丁目/番/号 vs
1-2-3, upper-case names and numbers); cards with every field right; fields marked sure (confidence ≥ 0.80)
and fields wrong but sure, both as shares of all fields (the document type not counted, as in score_ids.py).
Then the median seconds per card with the reader loaded once (one warm-up read; every card of every set) and
the cold start of one card: a fresh ``madoguchi read-id`` process until it exits, beside one fresh
``tesseract`` process. A reader whose engine cannot be loaded is reported as unavailable and skipped.
``BENCH_OCR_MISSES=1`` lists every miss on stderr (set, file, field, expected, got).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.figures import Figure

NAME = "ocr"
ROOT = Path(__file__).resolve().parent.parent
SPECIMENS = ROOT.parent / "shared" / "data" / "specimens"
SEED_BASE = 7000
#: the default engine first, then the previous reader
READERS = ("ppocr", "tesserocr")
BASELINE = "plain tesseract -l jpn + regex"
SURE = 0.80  # the counter's threshold: below it a field is shown for checking
#: cards per generated set (~220 per reader in all); --quick takes one of each kind per condition
COUNTS = {"scan": 50, "camera": 50, "fullframe": 30, "small": 30, "lowjpeg": 30, "watermark": 30}
QUICK_COUNT = 5
ACCURACY_TARGETS = {"specimens": ">= 95", "scan": ">= 99", "camera": ">= 97"}
#: truth.jsonl keys that are not fields
META = ("id", "file", "condition", "document_type", "source", "repo", "commit")


# --- the comparison rules of /work/shared/tools/score_ids.py (kept identical) -------------------

_KANJI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}


def _kanji_to_int(text: str) -> str:
    if not text:
        return text
    if all(c in _KANJI_DIGITS for c in text):
        return str(int("".join(str(_KANJI_DIGITS[c]) for c in text)))
    total, current = 0, 0
    for c in text:
        if c == "十":
            total += (current or 1) * 10
            current = 0
        elif c in _KANJI_DIGITS:
            current = _KANJI_DIGITS[c]
        else:
            return text
    return str(total + current)


def canon(name: str, value: object) -> str | None:
    """A field's value in the form score_ids.py compares."""
    if value is None:
        return None
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
    if name == "address":
        text = re.sub(r"([〇一二三四五六七八九十]+)丁目", lambda m: _kanji_to_int(m.group(1)) + "丁目", text)
        text = re.sub(r"[‐‑‒–—―−ー－]", "-", text)
        text = re.sub(r"(\d+)丁目(\d+)番地?(\d+)号?", r"\1-\2-\3", text)
        text = re.sub(r"(\d+)番地?(\d+)号?", r"\1-\2", text)
        text = re.sub(r"(\d)号", r"\1", text)
    if name in ("name", "document_number"):
        text = text.upper()
    return text


# --- the cards -----------------------------------------------------------------------------------


@dataclass
class Case:
    set: str  # "specimens" or a capture condition
    path: Path
    document_type: str
    truth: dict[str, str]


@dataclass
class Tally:
    """Per set: every field scored (document type included), sure fields, cards with every field right."""

    right: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))
    fields: int = 0  # fields other than the document type (the denominator of the sure shares)
    sure: int = 0
    wrong_sure: int = 0
    cards_right: list[bool] = field(default_factory=list)

    def all_right(self) -> list[bool]:
        return [value for values in self.right.values() for value in values]


def specimen_cases(folder: Path = SPECIMENS) -> list[Case]:
    truth_file = folder / "truth.jsonl"
    if not truth_file.is_file():
        return []
    cases = []
    for line in truth_file.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            truth = {name: value for name, value in entry.items() if name not in META}
            cases.append(Case("specimens", folder / entry["file"], entry["document_type"], truth))
    return cases


def generated_cases(folder: Path, per_condition: dict[str, int]) -> list[Case]:
    from tests.data import cards

    cases = []
    for index, condition in enumerate(cards.ALL_CONDITIONS):
        for i in range(per_condition[condition]):
            kind = cards.KINDS[i % len(cards.KINDS)]
            sample = cards.generate_sample(SEED_BASE + 100 * index + i, kind, condition)
            path = cards.write_sample(sample, folder)
            cases.append(Case(condition, path, sample.document_type, dict(sample.truth)))
    return cases


def score(case: Case, document_type: str, found: dict[str, tuple[str, float | None]], tally: Tally) -> None:
    """Score one card's reading: ``found`` maps a field to (value, confidence or None)."""
    misses = os.environ.get("BENCH_OCR_MISSES")
    every = document_type == case.document_type
    tally.right["document_type"].append(every)
    if misses and not every:
        print(f"  miss {case.set} {case.path.name} document_type {case.document_type!r} -> {document_type!r}",
              file=sys.stderr)
    for name, expected in case.truth.items():
        value, confidence = found.get(name, (None, None))
        right = canon(name, value) == canon(name, expected)
        tally.right[name].append(right)
        tally.fields += 1
        if confidence is not None and confidence >= SURE:
            tally.sure += 1
            tally.wrong_sure += int(not right)
        every &= right
        if misses and not right:
            print(f"  miss {case.set} {case.path.name} {name} {expected!r} -> {value!r} ({confidence})", file=sys.stderr)
    tally.cards_right.append(every)


# --- plain Tesseract -----------------------------------------------------------------------------


def _baseline_document_type(compact: str) -> str:
    """What a simple script tells from the page text: the first title it finds."""
    for words, document_type in ((("在留カード", "在留資格"), "residence_card"), (("運転免許", "公安委員会"), "drivers_license"),
                                 (("個人番号", "マイナンバー"), "mynumber_card"), (("PASSPORT", "P<JPN", "旅券"), "passport")):
        if any(word in compact for word in words):
            return document_type
    return "unknown"


def _baseline_fields(text: str) -> dict[str, str]:
    """What a simple script gets from plain Tesseract output: regexes over the page text."""
    from madoguchi.ids import parse

    compact = parse.clean(text)
    found: dict[str, str] = {}
    dates, expiry = [], ""
    for match in re.finditer(r"(明治|大正|昭和|平成|令和)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日|((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日",
                             compact):
        try:
            day = parse.parse_date(match.group(0)).isoformat()
        except parse.ParseError:
            continue
        dates.append(day)
        if compact[match.end():match.end() + 4] == "まで有効":
            expiry = expiry or day
    if dates:
        found["birth_date"] = dates[0]
        found["expiry_date"] = expiry or (dates[-1] if len(dates) > 1 else "")
    number = re.search(r"第(\d{12})号", compact) or re.search(r"[A-Z]{2}\d{8}[A-Z]{2}", compact)
    if number:
        found["document_number"] = number.group(1) if number.lastindex else number.group(0)
    if "男" in compact:
        found["sex"] = "male"
    elif "女" in compact:
        found["sex"] = "female"
    lines = [parse.clean(line) for line in text.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("氏名") and len(line) > 2:
            found.setdefault("name", line[2:])
        if line.startswith("住所") and len(line) > 2:
            found.setdefault("address", line[2:])
    found["document_type"] = _baseline_document_type(compact)
    return found


def _tesseract(executable: str, path: Path) -> str:
    return subprocess.run([executable, str(path), "-", "-l", "jpn"], capture_output=True, text=True,
                          check=False).stdout


def run_baseline(cases: list[Case]) -> tuple[dict[str, Tally], list[float]]:
    executable = shutil.which("tesseract")
    tallies: dict[str, Tally] = defaultdict(Tally)
    seconds: list[float] = []
    if not executable:
        print("# ocr: tesseract not found: no baseline", flush=True)
        return tallies, seconds
    for case in cases:
        started = time.perf_counter()
        found = _baseline_fields(_tesseract(executable, case.path))
        seconds.append(time.perf_counter() - started)
        document_type = found.pop("document_type")
        score(case, document_type, {name: (value, None) for name, value in found.items()}, tallies[case.set])
    return tallies, seconds


# --- the readers ---------------------------------------------------------------------------------


def run_reader(engine_name: str, cases: list[Case]) -> tuple[dict[str, Tally], list[float]] | None:
    """Every case read by one IdReader (loaded once, one warm-up read); None when the engine is unavailable."""
    from madoguchi.errors import InputError
    from madoguchi.ids.pipeline import IdReader

    try:
        reader = IdReader(engine_name)
    except Exception as exc:  # noqa: BLE001 - any failure to load means the engine is not there to measure
        print(f"# ocr: reader {engine_name}: engine unavailable ({exc.__class__.__name__}: {exc})", flush=True)
        return None
    tallies: dict[str, Tally] = defaultdict(Tally)
    seconds: list[float] = []
    try:
        try:
            reader.read(cases[0].path)  # warm-up
        except Exception:  # noqa: BLE001, S110 - the warm-up only loads models; its card is scored below
            pass
        for case in cases:
            started = time.perf_counter()
            try:
                reading = reader.read(case.path, source=case.path.name)
                document_type = reading.document_type.value
                found = {name: (value.value, value.confidence) for name, value in reading.fields.items()}
            except InputError:  # card not found, two cards … : every field lost
                document_type, found = "", {}
            except Exception as exc:  # noqa: BLE001 - a crash scores zero and the run goes on
                print(f"# ocr: {engine_name} on {case.path.name}: {exc.__class__.__name__}", file=sys.stderr)
                document_type, found = "", {}
            seconds.append(time.perf_counter() - started)
            score(case, document_type, found, tallies[case.set])
    finally:
        reader.close()
    return tallies, seconds


def _madoguchi_command() -> tuple[list[str], dict[str, str]]:
    script = Path(sys.executable).with_name("madoguchi")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, (str(ROOT / "app"), os.environ.get("PYTHONPATH")))))
    return ([str(script)] if script.exists() else [sys.executable, "-m", "madoguchi"]), env


def cold_start(engine_name: str, image: Path, repeats: int) -> float | None:
    """Seconds from starting ``madoguchi read-id --engine NAME --json IMAGE`` to its exit (the median of
    ``repeats`` runs); None when the command does not read with that engine."""
    command, env = _madoguchi_command()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        done = subprocess.run([*command, "read-id", "--engine", engine_name, "--json", str(image)], capture_output=True,
                              text=True, env=env, check=False)
        times.append(time.perf_counter() - started)
        if not any(line.startswith("{") and '"fields"' in line for line in done.stdout.splitlines()):
            print(f"# ocr: read-id --engine {engine_name} gave no reading (exit {done.returncode}): "
                  f"{(done.stderr.strip().splitlines() or [''])[-1][:200]}", flush=True)
            return None
    return statistics.median(times)


def cold_start_baseline(image: Path, repeats: int) -> float | None:
    executable = shutil.which("tesseract")
    if not executable:
        return None
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        _tesseract(executable, image)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# --- the run -------------------------------------------------------------------------------------


def run(quick: bool) -> list[Figure]:
    from tests.data import cards

    counts = dict.fromkeys(cards.ALL_CONDITIONS, QUICK_COUNT) if quick else COUNTS
    folder = Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    try:
        cases = specimen_cases()
        if not cases:
            print(f"# ocr: no shared specimens at {SPECIMENS} (../shared/data/specimens from the repository): "
                  "that set is skipped", flush=True)
        cases += generated_cases(folder, counts)
        base, base_seconds = run_baseline(cases)
        readers = {}
        for engine_name in READERS:
            measured = run_reader(engine_name, cases)
            if measured is not None:
                readers[engine_name] = measured
        cold_image = next((c.path for c in cases if c.set == "specimens" and c.document_type == "drivers_license"),
                          cases[0].path)
        repeats = 1 if quick else 3
        colds = {name: cold_start(name, cold_image, repeats) for name in readers}
        base_cold = cold_start_baseline(cold_image, repeats)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    sets = list(dict.fromkeys(case.set for case in cases))
    return figures(sets, len(cases), base, base_seconds, readers, colds, base_cold)


def _share(values: list[bool]) -> float:
    return round(100.0 * sum(values) / len(values), 2) if values else 0.0


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def figures(sets: list[str], count: int, base: dict[str, Tally], base_seconds: list[float],
            readers: dict[str, tuple[dict[str, Tally], list[float]]], colds: dict[str, float | None],
            base_cold: float | None) -> list[Figure]:
    result = [Figure(NAME, "cards", count, "cards")]
    if not readers:
        print(f"# ocr: no reader could be loaded ({', '.join(READERS)}): only plain Tesseract was measured", flush=True)

    def beside(name: str, value: float, theirs: float | None, unit: str = "%", target: str = "") -> Figure:
        return Figure(NAME, name, value, unit, theirs, BASELINE if theirs is not None else "", target)

    for set_name in sets:
        theirs = base.get(set_name)
        for engine_name, (tallies, _seconds) in readers.items():
            tally = tallies[set_name]
            result.append(beside(f"{set_name}.field_accuracy.{engine_name}", _share(tally.all_right()),
                                 _share(theirs.all_right()) if theirs else None, target=ACCURACY_TARGETS.get(set_name, "")))
            result.append(beside(f"{set_name}.cards_all_fields_right.{engine_name}", _share(tally.cards_right),
                                 _share(theirs.cards_right) if theirs else None))
            result.append(beside(f"{set_name}.sure_share.{engine_name}", _percent(tally.sure, tally.fields), None,
                                 target=">= 85" if set_name == "specimens" else ""))
            result.append(beside(f"{set_name}.wrong_but_sure.{engine_name}", _percent(tally.wrong_sure, tally.fields),
                                 None, target="<= 0.5"))
        for field_name in sorted({name for tallies, _ in readers.values() for name in tallies[set_name].right}):
            for engine_name, (tallies, _seconds) in readers.items():
                mine = tallies[set_name].right.get(field_name, [])
                their_field = theirs.right.get(field_name) if theirs else None
                result.append(beside(f"{set_name}.{field_name}.{engine_name}", _share(mine),
                                     _share(their_field) if their_field else None))
    base_median = round(statistics.median(base_seconds), 3) if base_seconds else None
    for engine_name, (_tallies, seconds) in readers.items():
        result.append(beside(f"median_seconds_per_card.{engine_name}", round(statistics.median(seconds), 3), base_median,
                             "s", "<= 0.5"))
    for engine_name, seconds in colds.items():
        if seconds is not None:
            result.append(beside(f"cold_start_one_card.{engine_name}", round(seconds, 2),
                                 round(base_cold, 2) if base_cold is not None else None, "s"))
    return result
