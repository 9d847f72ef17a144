"""表示: a call made through the core shows within 1 s (PostgreSQL NOTIFY), after a restart of the
view too; the オフライン banner when the database goes away, and recovery on its own."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import pytest

from madoguchi.queue.service import TicketQueue
from madoguchi.seed import seed_defaults
from madoguchi.store.db import open_database
from tests.ui.queue.conftest import stop_view


def _display(qtbot, context, database):  # noqa: ANN001, ANN202
    from madoguchi.ui.display.view import DisplayView

    view = DisplayView(context, speech_engine="", sound=False)
    qtbot.addWidget(view)
    view.resize(1280, 720)
    view.show()
    context.set_database(database)
    qtbot.waitUntil(lambda: view.board.snapshot is not None, timeout=10000)
    return view


def _latest(view) -> str:  # noqa: ANN001
    row, label, counter = view.board.call_rows[0]
    return f"{label.text()} {counter.text()}" if row.isVisible() else ""


@pytest.mark.postgres
def test_call_shows_on_the_board_and_after_restart(qtbot, make_context, postgres_url: str) -> None:
    database = open_database(postgres_url)
    seed_defaults(database, counters=3)
    queue = TicketQueue(database, "honcho", terminal="counter-pc")
    for prefix in "ABA":
        queue.issue(prefix, confirm=True)
    context = make_context()
    view = _display(qtbot, context, database)
    qtbot.waitUntil(lambda: view.link.watcher is not None and view.link.watcher.online, timeout=10000)
    assert _latest(view) == ""
    announced: list[tuple[str, int]] = []
    view.call_announced.connect(lambda label, counter: announced.append((label, counter)))
    # another PC calls A-001 to counter 1; NOTIFY brings it (the 1 s target: benchmarks/bench_queue_notify.py)
    queue.call_next(1)
    qtbot.waitUntil(lambda: _latest(view) == "A-001 1番窓口", timeout=10000)
    assert announced == [("A-001", 1)]
    assert "A-001" in view.board.ticker.text()
    queue.call_next(2)
    qtbot.waitUntil(lambda: _latest(view) == "B-001 2番窓口", timeout=10000)
    assert view.board.call_rows[0][0].property("latest") == "true"
    assert view.board.call_rows[1][1].text() == "A-001"
    assert view.board.service_rows["A"][1].text() == "1人"
    stop_view(view)

    # the display PC restarts: the board shows the current calls at once, and does not call them out again
    context2 = make_context()
    restarted = _display(qtbot, context2, database)
    again: list[tuple[str, int]] = []
    restarted.call_announced.connect(lambda label, counter: again.append((label, counter)))
    assert _latest(restarted) == "B-001 2番窓口"
    qtbot.waitUntil(lambda: restarted.link.watcher is not None and restarted.link.watcher.online, timeout=10000)
    queue.served("A-001")
    queue.call_next(1)
    qtbot.waitUntil(lambda: _latest(restarted) == "A-002 1番窓口", timeout=10000)
    assert again == [("A-002", 1)]
    stop_view(restarted)
    database.dispose()


@pytest.mark.postgres
@pytest.mark.slow
def test_offline_banner_and_recovery(qtbot, make_context, results_dir: Path) -> None:
    from tests.support.postgres import find_pg_bin, start_server
    from tests.support.requirements import missing

    if find_pg_bin() is None:
        missing("PostgreSQL server (Debian package postgresql)")
    server = start_server()  # our own server: stopping it must not disturb the shared one
    try:
        database = open_database(server.create_database())
        seed_defaults(database, counters=2)
        queue = TicketQueue(database, "honcho")
        queue.issue("A", confirm=True)
        queue.call_next(1)
        view = _display(qtbot, make_context(), database)
        assert _latest(view) == "A-001 1番窓口"
        server.stop("immediate")
        qtbot.waitUntil(lambda: view.board.offline_banner.isVisible(), timeout=15000)
        assert "オフライン" in view.board.offline_banner.text()
        assert _latest(view) == "A-001 1番窓口"  # the last known state stays on the screen
        (results_dir / "queue").mkdir(exist_ok=True)
        view.grab().save(str(results_dir / "queue" / "display-offline.png"))
        server.restart()
        qtbot.waitUntil(lambda: not view.board.offline_banner.isVisible(), timeout=20000)
        queue.issue("B", confirm=True)
        queue.call_next(2)
        qtbot.waitUntil(lambda: _latest(view) == "B-001 2番窓口", timeout=5000)
        stop_view(view)
        database.dispose()
    finally:
        server.stop("immediate")


def test_display_on_sqlite_polls_and_opens_the_lobby_window(qtbot, make_context, sqlite_url: str) -> None:
    database = open_database(sqlite_url)
    seed_defaults(database, counters=3)
    queue = TicketQueue(database, "honcho")
    queue.issue("C", confirm=True)
    view = _display(qtbot, make_context(), database)
    queue.call_next(2)
    qtbot.waitUntil(lambda: _latest(view) == "C-001 2番窓口", timeout=3000)
    window = view.open_lobby_window()
    assert window.isFullScreen() or window.isVisible()
    assert window.board.call_rows[0][1].text() == "C-001"
    window.close()
    qtbot.waitUntil(lambda: view.window is None, timeout=2000)
    stop_view(view)
    database.dispose()


def test_announcements_are_data_in_six_languages() -> None:
    from madoguchi.ui.display.announce import load_announcements

    announcements = load_announcements()
    texts = dict((lang.code, text) for lang, text in announcements.texts("A-027", 3))
    assert list(texts) == ["ja", "en", "zh", "ko", "vi", "ne"]
    assert texts["ja"] == "A-027 番の方　3番窓口へお越しください"
    assert texts["en"] == "Number A-027, please come to counter 3"
    assert all("A-027" in text and "3" in text for text in texts.values())
    assert announcements.speech("A-027", 3) == "ばんごう エー の 27ばん の かた、3ばん まどぐち へ おこしください"


def test_announcements_file_problems_are_named(tmp_path: Path) -> None:
    from madoguchi.errors import ConfigError
    from madoguchi.ui.display.announce import load_announcements

    bad = tmp_path / "announcements.yaml"
    bad.write_text("languages:\n  - {code: ja, name: 日本語, text: '{number} 番', idle: x}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_announcements(bad)
    assert "languages[0].text" in error.value.message_en


def test_chime_is_a_valid_wav() -> None:
    from madoguchi.ui.display.announce import chime_wav

    with wave.open(io.BytesIO(chime_wav())) as wav:
        assert wav.getnchannels() == 1 and wav.getframerate() == 44100
        assert 1.2 < wav.getnframes() / wav.getframerate() < 1.5


def test_announcer_reports_its_voice_and_queues_calls(qtbot) -> None:
    from madoguchi.ui.display.announce import Announcer, load_announcements

    announcer = Announcer(load_announcements(), engine="mock", sound=False)
    with qtbot.waitSignal(announcer.voice_ready, timeout=5000) as ready:
        announcer.ensure_voice()
    report = ready.args[0]
    assert report.engine == "mock" or report.problem  # either a voice, or a plain reason why not
    sentences: list[str] = []
    announcer.announced.connect(sentences.append)
    announcer.announce("A-027", 3)
    announcer.announce("B-004", 1)
    qtbot.waitUntil(lambda: len(sentences) == 2, timeout=8000)
    assert sentences[0].startswith("ばんごう エー の 27ばん")
    assert "1ばん まどぐち" in sentences[1]
    announcer.stop()
