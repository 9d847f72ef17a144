"""``madoguchi queue …`` on the configured database (MADOGUCHI_DATABASE_URL)."""

from __future__ import annotations

import json

import pytest

from madoguchi.cli import main
from madoguchi.errors import ExitCode


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


PASSWORD = "supervisor-pw"


def _supervisor(monkeypatch: pytest.MonkeyPatch) -> tuple[str, ...]:
    """A supervisor account on the configured database; ``--user`` arguments, password on stdin."""
    import io

    from madoguchi import config
    from madoguchi.privacy import users
    from madoguchi.store.db import open_database

    database = open_database(config.load_settings().effective_database_url)
    try:
        if users.get_user(database, "kakaricho") is None:
            users.create_user(database, "kakaricho", "係長", "supervisor", PASSWORD)
    finally:
        database.dispose()
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
    return ("--user", "kakaricho")


def test_issue_call_served_status(database_url, monkeypatch, capsys) -> None:  # noqa: ANN001
    monkeypatch.setenv("MADOGUCHI_DATABASE_URL", database_url)
    assert _run(capsys, "queue", "counters", "--ensure", "3")[0] == 0
    code, out = _run(capsys, "queue", "issue", "--service", "A", "--json")
    assert code == 0 and json.loads(out)["label"] == "A-001" and json.loads(out)["state"] == "issued"
    code, out = _run(capsys, "queue", "issue", "--service", "A", "--key", "press-1")
    assert out.startswith("A-002 issued")
    assert _run(capsys, "queue", "issue", "--service", "A", "--key", "press-1")[1].startswith("A-002")
    code, out = _run(capsys, "queue", "call", "--counter", "1")
    assert code == 0 and out.startswith("A-001 called counter 1")
    assert _run(capsys, "queue", "served", "A-001")[1].startswith("A-001 served")
    code, out = _run(capsys, "queue", "status", "--json")
    status = json.loads(out)
    assert status["waiting"] == 1
    assert {s["prefix"]: s["waiting"] for s in status["services"]}["A"] == 1
    assert _run(capsys, "queue", "served", "A-001")[0] == ExitCode.INPUT  # already served
    assert _run(capsys, "queue", "kpi", "--csv", "-")[0] == ExitCode.PERMISSION  # a supervisor's
    code, out = _run(capsys, "queue", "kpi", "--csv", "-", *_supervisor(monkeypatch))
    assert out.splitlines()[0].startswith("day,branch,service,hour")
    code, out = _run(capsys, "queue", "backtest", "--json")
    assert code == 0 and json.loads(out)["tickets"] >= 0


def test_nobody_waiting_and_unknown_service(database_url, monkeypatch, capsys) -> None:  # noqa: ANN001
    monkeypatch.setenv("MADOGUCHI_DATABASE_URL", database_url)
    _run(capsys, "queue", "counters", "--ensure", "2")
    assert _run(capsys, "queue", "call", "--counter", "2")[0] == 1
    assert main(["queue", "issue", "--service", "Z"]) == ExitCode.INPUT
    assert "業務" in capsys.readouterr().err


def test_recall_transfer_no_show_and_out_of_order_call(sqlite_url, monkeypatch, capsys) -> None:  # noqa: ANN001
    monkeypatch.setenv("MADOGUCHI_DATABASE_URL", sqlite_url)
    _run(capsys, "queue", "counters", "--ensure", "2")
    for _ in range(3):
        _run(capsys, "queue", "issue", "--service", "B")
    assert _run(capsys, "queue", "call", "--counter", "1")[1].startswith("B-001 called")
    assert _run(capsys, "queue", "recall", "B-001", "--json")[1].count('"calls": 2') == 1
    assert _run(capsys, "queue", "transfer", "B-001", "--to", "C")[1].startswith("B-001 transferred")
    assert _run(capsys, "queue", "call", "--counter", "1", "--ticket", "B-003")[0] == ExitCode.INPUT  # no reason
    code, out = _run(capsys, "queue", "call", "--counter", "1", "--ticket", "B-003", "--reason", "予約")
    assert code == 0 and out.startswith("B-003 called counter 1")
    assert _run(capsys, "queue", "no-show", "B-003")[1].startswith("B-003 no_show")
    assert _run(capsys, "queue", "prioritise", "B-002", "--reason", "体調不良")[0] == ExitCode.PERMISSION
    assert _run(capsys, "queue", "prioritise", "B-002", "--reason", "体調不良", *_supervisor(monkeypatch))[0] == 0
    assert _run(capsys, "queue", "call", "--counter", "2")[1].startswith("B-002 called counter 2")
