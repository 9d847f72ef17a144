"""Run Madoguchi's benchmarks: ``python benchmarks/run.py [NAME ...] [--quick]``.

Each ``benchmarks/bench_<name>.py`` defines ``run(quick: bool) -> list[Figure]``. Every
figure is printed on one line as ``<benchmark>.<figure> <value> <unit>``, followed on the
same line by the baseline's value and the ratio wherever the figure has a baseline.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "app"))


def available() -> list[str]:
    return sorted(p.stem[len("bench_"):] for p in HERE.glob("bench_*.py"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"benchmarks to run (default all: {', '.join(available())})")
    parser.add_argument("--quick", action="store_true", help="smaller samples (a smoke run, not for the record)")
    args = parser.parse_args(argv)
    names = args.names or available()
    unknown = [n for n in names if n not in available()]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available())}")
    failed = 0
    for name in names:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        started = time.perf_counter()
        try:
            figures = module.run(quick=args.quick)
        except Exception as exc:  # noqa: BLE001 - report and go on with the next benchmark
            print(f"{name}.error {exc.__class__.__name__}: {exc}", flush=True)
            failed += 1
            continue
        for figure in figures:
            print(figure.line(), flush=True)
        print(f"# {name}: {time.perf_counter() - started:.1f} s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
