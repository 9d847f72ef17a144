"""Shared fixtures.

- Every test runs with its own ``MADOGUCHI_HOME`` (config, data, logs, cache in a temp
  folder), so no test touches the developer's own settings (napari's habit).
- Qt runs offscreen in this process; a real window under Xvfb runs in a subprocess.
- Every test must end its threads and timers (napari's habit): a Python thread, a QThread or a
  QTimer a test started and left running fails it (:func:`no_leftover_threads_or_timers`).
- ``database_url`` is parametrised over a real SQLite file and a real PostgreSQL server
  that the session starts itself (tests/support/postgres.py).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("MADOGUCHI_DATABASE_URL", None)

from tests.support import requirements  # noqa: E402
from tests.support.cups import CupsQueue, cups_pdf_queue  # noqa: E402
from tests.support.postgres import PostgresServer, find_pg_bin, start_server  # noqa: E402

if TYPE_CHECKING:
    from madoguchi.ids.model import IdReading
    from tests.data.cards import Sample

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results"
CARD_SEED = 11


@pytest.fixture(autouse=True)
def madoguchi_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "madoguchi-home"
    home.mkdir()
    monkeypatch.setenv("MADOGUCHI_HOME", str(home))
    for key in list(os.environ):
        if key.startswith("MADOGUCHI_") and key not in ("MADOGUCHI_HOME", "MADOGUCHI_REQUIRE_ALL",
                                                        "MADOGUCHI_PG_BIN", "MADOGUCHI_RESOURCES_ROOT"):
            monkeypatch.delenv(key)
    return home


LEFTOVER_GRACE_S = 10.0  # a watcher told to stop ends within its poll interval; a stuck one never does


def _settle_qt() -> None:
    """Let Qt finish what was asked of it: deferred deletes of closed widgets, queued signals."""
    if "PySide6.QtCore" not in sys.modules:
        return
    from PySide6.QtCore import QCoreApplication, QEvent

    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        QCoreApplication.processEvents()


def _running(qobjects: list, check: str) -> list:
    found = []
    for obj in qobjects:
        try:
            if getattr(obj, check)():
                found.append(obj)
        except RuntimeError:  # its C++ object is gone with its parent: not running
            continue
    return found


@pytest.fixture(autouse=True)
def no_leftover_threads_or_timers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail a test that leaves a thread or a timer running (napari's dangling_qthreads/qtimers):
    it would keep working on a closed database, or wake up inside the next test."""
    before = set(threading.enumerate())
    started: list = []
    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QThread, QTimer

        for cls in (QThread, QTimer):
            original = cls.start

            def start(self, *args, _original=original):
                started.append(self)
                return _original(self, *args)

            monkeypatch.setattr(cls, "start", start)
    yield
    deadline = time.monotonic() + LEFTOVER_GRACE_S
    while True:
        _settle_qt()
        threads = [t for t in threading.enumerate() if t not in before and t.is_alive()
                   and not isinstance(t, threading._DummyThread)]  # Qt pool threads seen from Python
        qthreads = _running([o for o in started if type(o).__name__ != "QTimer"], "isRunning")
        timers = _running([o for o in started if type(o).__name__ == "QTimer"], "isActive")
        if not (threads or qthreads) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    leftovers = [f"thread {t.name}" for t in threads] + [f"QThread {type(q).__name__}" for q in qthreads]
    leftovers += [f"QTimer {t.objectName() or '?'} of {type(t.parent()).__name__}" for t in timers]
    assert not leftovers, "the test left these running: " + ", ".join(leftovers)


@pytest.fixture(scope="session")
def results_dir() -> Path:
    """Where tests keep artifacts for review (screenshots, PDFs, PNG pages); git ignores it."""
    RESULTS.mkdir(exist_ok=True)
    return RESULTS


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    if find_pg_bin() is None:
        requirements.missing("PostgreSQL server (Debian package postgresql)")
    server = start_server()
    try:
        yield server
    finally:
        server.stop("immediate")


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty database on the session's PostgreSQL server."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return "sqlite:///" + (tmp_path / "test.sqlite3").as_posix()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """The same test on a real SQLite file and on a real PostgreSQL database."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def database(database_url: str):
    """A migrated database with the default services."""
    from madoguchi.seed import seed_defaults
    from madoguchi.store.db import open_database

    db = open_database(database_url)
    seed_defaults(db)
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def cups_queue() -> Iterator[CupsQueue]:
    """A real CUPS queue writing PDFs (cupsd started by the session when it is not running)."""
    with cups_pdf_queue() as queue:
        yield queue


@pytest.fixture(scope="session")
def card_sample() -> Sample:
    """A synthetic My Number card (tests/data/cards.py), scanned flat."""
    from tests.data.cards import generate_sample

    return generate_sample(CARD_SEED, "mynumber_card", "scan", upside_down=False)


@pytest.fixture(scope="session")
def card_reading(card_sample: Sample) -> IdReading:
    """The real reader's reading of the card (read once per session: OCR takes seconds)."""
    from madoguchi.ids.pipeline import IdReader

    return IdReader().read(card_sample.encoded(), source="test")
