"""Privacy tests purge temp folders: each test gets its own "system temp folder" so a purge
never reaches another process's files."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def private_system_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from madoguchi.privacy import retention

    folder = tmp_path / "system-temp"
    folder.mkdir()
    monkeypatch.setattr(retention, "system_temp_dir", lambda: folder)
    return folder
