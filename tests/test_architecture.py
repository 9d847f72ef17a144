"""The layering of DESIGN.md, enforced: the core never imports Qt (import-linter), and ruff is clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> str:
    found = Path(sys.executable).with_name(name)
    return str(found) if found.exists() else (shutil.which(name) or name)


def test_core_never_imports_qt() -> None:
    completed = subprocess.run([_tool("lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                               timeout=300, check=False)
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]
    assert "Contracts: " in completed.stdout and " broken" in completed.stdout


def test_ruff_is_clean() -> None:
    completed = subprocess.run([_tool("ruff"), "check", "app", "tests", "benchmarks"], cwd=ROOT,
                               capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, completed.stdout[-4000:]
