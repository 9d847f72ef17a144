"""The layering of DESIGN.md, enforced: the core never imports Qt and the layers hold (import-linter), and
ruff is clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> str:
    found = Path(sys.executable).with_name(name)
    return str(found) if found.exists() else (shutil.which(name) or name)


def test_core_never_imports_qt_and_the_layers_hold() -> None:
    """pyproject.toml's import-linter contracts: the core never imports Qt or the UI, and the
    packages import only downwards through the layers (so there is no import circle between them)."""
    completed = subprocess.run([_tool("lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                               timeout=300, check=False)
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]
    assert "Contracts: 3 kept, 0 broken" in completed.stdout, completed.stdout[-2000:]
    assert "Layers: " in completed.stdout


def test_ruff_is_clean() -> None:
    completed = subprocess.run([_tool("ruff"), "check", "app", "tests", "benchmarks"], cwd=ROOT,
                               capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, completed.stdout[-4000:]
