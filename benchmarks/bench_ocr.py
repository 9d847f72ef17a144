"""OCR of ID cards: field accuracy and seconds per card, ours vs plain ``tesseract IMAGE - -l jpn`` + regexes.

Cards come from tests/data/cards.py with seeds 7000+ (never used for tuning: tuning used seeds 1xxx, 3xxx and 4xxx).
Accuracy is exact match after NFKC and whitespace removal, per condition, document type and field;
plus the share of cards with every field right; time is the median per card from image file to
validated fields in a warm process (reader constructed once, one warm-up read).
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from benchmarks.figures import Figure

NAME = "ocr"
SEED_BASE = 7000
BASELINE = "plain tesseract -l jpn + regex"


def _samples(count: int):  # noqa: ANN202
    from tests.data import cards

    kinds, conditions = cards.KINDS, cards.CONDITIONS
    for index in range(count):
        kind = kinds[index % len(kinds)]
        condition = conditions[(index // len(kinds)) % len(conditions)]
        yield cards.generate_sample(SEED_BASE + index, kind, condition)


def _baseline_fields(text: str) -> dict[str, str]:
    """What a simple script gets from plain Tesseract output: regexes over the page text."""
    from madoguchi.ids import parse

    compact = parse.clean(text)
    found: dict[str, str] = {}
    dates = []
    for match in re.finditer(r"(明治|大正|昭和|平成|令和)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日|((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日",
                             compact):
        try:
            dates.append(parse.parse_date(match.group(0)).isoformat())
        except parse.ParseError:
            continue
    if dates:
        found["birth_date"] = dates[0]
        found["expiry_date"] = dates[-1] if len(dates) > 1 else ""
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
    return found


def _score(truth: dict[str, str], fields: dict[str, str], table: dict, key: tuple[str, str]) -> bool:
    from madoguchi.ids.parse import clean

    all_right = True
    for name, value in truth.items():
        right = clean(fields.get(name, "")) == clean(value)
        table[(*key, name)].append(right)
        all_right &= right
    return all_right


def run(quick: bool) -> list[Figure]:
    from tests.data import cards

    from madoguchi.ids.pipeline import IdReader

    count = 30 if quick else 220
    reader = IdReader("tesserocr")
    folder = Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    tesseract = shutil.which("tesseract")
    try:
        samples = []
        for sample in _samples(count):
            path = cards.write_sample(sample, folder, f"{sample.kind}-{sample.condition}-{sample.seed}")
            samples.append((sample, path))
        reader.read(samples[0][1])  # warm-up
        ours, base = defaultdict(list), defaultdict(list)
        cards_right: dict[str, list[bool]] = defaultdict(list)
        base_cards_right: dict[str, list[bool]] = defaultdict(list)
        seconds, base_seconds = [], []
        for sample, path in samples:
            started = time.perf_counter()
            try:
                reading = reader.read(path)
                values = {name: found.value for name, found in reading.fields.items()}
            except Exception as exc:  # noqa: BLE001 - a failed card scores zero and the run goes on
                print(f"# {path.name}: {exc.__class__.__name__}", file=sys.stderr)
                values = {}
            seconds.append(time.perf_counter() - started)
            key = (sample.condition, sample.document_type)
            cards_right[sample.condition].append(_score(sample.truth, values, ours, key))
            if tesseract and (not quick or len(base_seconds) < 10):
                started = time.perf_counter()
                text = subprocess.run([tesseract, str(path), "-", "-l", "jpn"], capture_output=True, text=True,
                                      check=False).stdout
                base_seconds.append(time.perf_counter() - started)
                base_cards_right[sample.condition].append(_score(sample.truth, _baseline_fields(text), base, key))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        reader.close()
    return _figures(ours, base, cards_right, base_cards_right, seconds, base_seconds, len(samples))


def _share(values: list[bool]) -> float:
    return 100.0 * sum(values) / len(values) if values else 0.0


def _figures(ours: dict, base: dict, cards_right: dict, base_cards_right: dict, seconds: list[float],
             base_seconds: list[float], count: int) -> list[Figure]:
    figures = [Figure(NAME, "cards", count, "cards")]
    targets = {"scan": ">= 98", "camera": ">= 95"}
    for condition in ("scan", "camera"):
        mine = [v for k, vs in ours.items() if k[0] == condition for v in vs]
        theirs = [v for k, vs in base.items() if k[0] == condition for v in vs]
        figures.append(Figure(NAME, f"{condition}.field_accuracy", round(_share(mine), 2), "%",
                              round(_share(theirs), 2) if theirs else None, BASELINE, targets[condition]))
        figures.append(Figure(NAME, f"{condition}.cards_all_fields_right", round(_share(cards_right[condition]), 2), "%",
                              round(_share(base_cards_right[condition]), 2) if base_cards_right[condition] else None,
                              BASELINE))
    for key in sorted(ours):
        condition, document_type, field = key
        theirs = base.get(key)
        figures.append(Figure(NAME, f"{condition}.{document_type}.{field}", round(_share(ours[key]), 1), "%",
                              round(_share(theirs), 1) if theirs else None, BASELINE))
    figures.append(Figure(NAME, "median_seconds_per_card", round(statistics.median(seconds), 3), "s",
                          round(statistics.median(base_seconds), 3) if base_seconds else None, BASELINE, "<= 0.5"))
    return figures
