"""Where Madoguchi keeps its files, and where it finds its shipped resources.

All per-user directories come from platformdirs. ``MADOGUCHI_HOME`` moves all of them
under one folder (tests, portable installs). Shipped files (``resources/``, ``forms/``)
are found beside the source tree, inside a PyInstaller bundle, or under
``<prefix>/share/madoguchi`` — Vorta's ``get_asset`` habit.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

import platformdirs

from madoguchi import APP_ID

_APP_AUTHOR = False  # no vendor folder level on Windows


def _home() -> Path | None:
    value = os.environ.get("MADOGUCHI_HOME")
    return Path(value) if value else None


def config_dir() -> Path:
    home = _home()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP_ID, _APP_AUTHOR))


def data_dir() -> Path:
    home = _home()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP_ID, _APP_AUTHOR))


def log_dir() -> Path:
    home = _home()
    return home / "log" if home else Path(platformdirs.user_log_dir(APP_ID, _APP_AUTHOR))


def cache_dir() -> Path:
    home = _home()
    return home / "cache" if home else Path(platformdirs.user_cache_dir(APP_ID, _APP_AUTHOR))


def config_file() -> Path:
    override = os.environ.get("MADOGUCHI_CONFIG")
    return Path(override) if override else config_dir() / "settings.toml"


def ensure_dir(path: Path) -> Path:
    """``path`` as a folder; one created here is its owner's only (0700)."""
    if not path.is_dir():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def write_file(path: Path, data: bytes, *, mode: int = 0o600) -> Path:
    """Write ``data`` atomically (a half file never remains) with ``mode`` — owner-only unless
    said otherwise: a resident's packet or this PC's settings are nobody else's to read."""
    tmp = path.with_name(path.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            if sys.platform != "win32":
                os.fchmod(handle.fileno(), mode)  # an old .part with wider rights is narrowed too
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


@cache
def _project_roots() -> tuple[Path, ...]:
    roots: list[Path] = []
    override = os.environ.get("MADOGUCHI_RESOURCES_ROOT")
    if override:
        roots.append(Path(override))
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        roots.append(Path(bundle))
    # app/madoguchi/paths.py → project root two levels above the package
    roots.append(Path(__file__).resolve().parent.parent.parent)
    roots.append(Path(sys.prefix) / "share" / APP_ID)
    return tuple(roots)


def project_path(*parts: str) -> Path:
    """The first existing shipped path ``<root>/<parts>`` (e.g. ``resources/fonts``)."""
    for root in _project_roots():
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    return _project_roots()[-2].joinpath(*parts)


def resource_path(*parts: str) -> Path:
    return project_path("resources", *parts)


def forms_dir() -> Path:
    return project_path("forms")
