"""What each runtime dependency costs and what it is there for: ``python installer/deps.py [--json]``.

For every distribution the app's requirements pull in (pyproject.toml's dependencies and the
installers' extras), in THIS environment: installed size (its RECORD), the cold import time of its
top-level modules (a fresh interpreter each, the interpreter's own start subtracted; the median of
three), which of the app's requirements brings it, and whether the installers ship it (a dependency
that build.RUNTIME_REQUIREMENTS leaves out is marked "not shipped"). Run it in a venv made with
``pip install -e '.[ic]'`` for the figures of a ward PC's install.
"""

from __future__ import annotations

import argparse
import importlib.metadata as metadata
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from packaging.requirements import Requirement

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build  # noqa: E402  (installer/build.py, beside this file)


def _dist(name: str) -> metadata.Distribution | None:
    try:
        return metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None


def walk(roots: Sequence[str], overrides: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Normalised distribution name → the root requirement that brings it (in this environment)."""
    brought: dict[str, str] = {}
    pending = [(Requirement(spec), build.requirement_name(spec)) for spec in roots]
    while pending:
        requirement, root = pending.pop()
        name = build.normalise(requirement.name)
        if name in brought:
            continue
        dist = _dist(requirement.name)
        if dist is None:
            continue
        brought[name] = root
        for text in overrides.get(name, dist.requires or []):
            dependency = Requirement(text)
            extras = ("", *requirement.extras)
            if dependency.marker is None or any(dependency.marker.evaluate({"extra": e}) for e in extras):
                pending.append((dependency, root))
    return brought


def installed_bytes(dist: metadata.Distribution) -> int:
    total = 0
    for file in dist.files or []:
        try:
            total += os.path.getsize(file.locate())
        except OSError:
            pass
    return total


def top_level(dist: metadata.Distribution) -> list[str]:
    text = dist.read_text("top_level.txt")
    if text:
        names = [n.strip() for n in text.split() if n.strip() and not n.startswith("_")]
    else:
        names = sorted({str(f).split("/")[0].removesuffix(".py") for f in dist.files or []
                        if "/" in str(f) and str(f).endswith("__init__.py") and ".dist-info" not in str(f)})
    return names[:3]


def _start(code: str) -> float:
    began = time.perf_counter()
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False,
                               env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    elapsed = time.perf_counter() - began
    return elapsed if completed.returncode == 0 else float("nan")


def import_seconds(modules: Sequence[str], baseline: float) -> float:
    if not modules:
        return float("nan")
    code = "; ".join(f"import {m}" for m in modules)
    return max(0.0, statistics.median(_start(code) for _ in range(3)) - baseline)


def report() -> list[dict]:
    roots = build.requirements()
    shipped = walk(roots, build.RUNTIME_REQUIREMENTS)
    declared = walk(roots, {})
    baseline = statistics.median(_start("pass") for _ in range(3))
    rows = []
    for name, root in sorted(declared.items()):
        dist = _dist(name)
        assert dist is not None
        modules = top_level(dist)
        rows.append({"name": dist.metadata["Name"], "version": dist.version, "brought_by": root,
                     "installed_mb": round(installed_bytes(dist) / 1e6, 1),
                     "import_s": round(import_seconds(modules, baseline), 3), "modules": modules,
                     "shipped": name in shipped})
    return sorted(rows, key=lambda r: -r["installed_mb"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="installer/deps.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows = report()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    print(f"{'distribution':<28}{'MB':>8}{'import s':>10}  {'brought by':<24}shipped")
    for row in rows:
        print(f"{row['name']:<28}{row['installed_mb']:>8.1f}{row['import_s']:>10.3f}  {row['brought_by']:<24}"
              f"{'yes' if row['shipped'] else 'NOT SHIPPED'}")
    shipped = sum(r["installed_mb"] for r in rows if r["shipped"])
    left = sum(r["installed_mb"] for r in rows if not r["shipped"])
    print(f"installed: {shipped + left:.0f} MB with every declared requirement, {shipped:.0f} MB shipped "
          f"({left:.0f} MB in {sum(not r['shipped'] for r in rows)} distributions left out)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
