"""``madoguchi users | audit | purge``: sign-in by stdin, refusals for the wrong role."""

from __future__ import annotations

import io
import sys

import pytest

from madoguchi.cli import main
from madoguchi.errors import ExitCode
from madoguchi.store.db import open_database


@pytest.fixture
def cli_db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("MADOGUCHI_DATABASE_URL", sqlite_url)
    return sqlite_url


def _run(monkeypatch: pytest.MonkeyPatch, args: list[str], stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(args)


def _audit_actions(url: str) -> list[tuple[str, str]]:
    from madoguchi.privacy.audit import AuditLog

    database = open_database(url)
    try:
        return [(r.actor, r.action) for r in AuditLog(database).entries()]
    finally:
        database.dispose()


def test_first_admin_then_roles(cli_db: str, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    assert _run(monkeypatch, ["users", "create-admin", "--login", "boss"], "admin pass 1\n") == 0
    # a second admin without signing in is refused
    assert _run(monkeypatch, ["users", "create-admin", "--login", "boss2"], "x\n") == ExitCode.PERMISSION
    assert _run(monkeypatch, ["users", "create", "clerk1", "--role", "clerk", "--user", "boss"],
                "admin pass 1\nclerk pass 1\n") == 0
    assert _run(monkeypatch, ["users", "create", "sup1", "--role", "supervisor", "--user", "boss"],
                "admin pass 1\nsuper pass 1\n") == 0
    capsys.readouterr()

    # the clerk may not verify or export the audit log, nor manage users, nor purge everything
    for command in (["audit", "verify"], ["audit", "export"], ["users", "list"], ["purge", "--all"]):
        assert _run(monkeypatch, [*command, "--user", "clerk1"], "clerk pass 1\n") == ExitCode.PERMISSION, command
        assert "権限がありません" in capsys.readouterr().err
    # a supervisor may purge everything but not read the audit log
    assert _run(monkeypatch, ["purge", "--all", "--user", "sup1"], "super pass 1\n") == 0
    assert _run(monkeypatch, ["audit", "verify", "--user", "sup1"], "super pass 1\n") == ExitCode.PERMISSION
    # wrong password, and no sign-in at all
    assert _run(monkeypatch, ["audit", "verify", "--user", "boss"], "wrong\n") == ExitCode.PERMISSION
    assert _run(monkeypatch, ["audit", "verify"]) == ExitCode.PERMISSION
    capsys.readouterr()
    # the admin may
    assert _run(monkeypatch, ["audit", "verify", "--user", "boss"], "admin pass 1\n") == 0
    assert "改ざんされていません" in capsys.readouterr().out
    assert _run(monkeypatch, ["--lang", "en", "audit", "export", "--user", "boss"], "admin pass 1\n") == 0
    csv_text = capsys.readouterr().out
    assert csv_text.startswith("seq,at,actor,action,visit_id,detail")
    assert ",clerk1,permission_denied," in csv_text and ",boss,login_failed," in csv_text

    actions = _audit_actions(cli_db)
    assert ("boss", "user_created") in actions and ("sup1", "purge") in actions
    assert ("boss", "audit_verified") in actions


def test_os_user_mapping_signs_in_without_password(cli_db: str, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    from madoguchi.privacy import users

    database = open_database(cli_db)
    users.create_user(database, "boss", "管理", "admin", "admin pass 1", os_user="kanri01")
    database.dispose()
    monkeypatch.setenv("MADOGUCHI_LOGIN_MODE", "os_user")
    monkeypatch.setattr(users, "current_os_user", lambda: "kanri01")
    assert _run(monkeypatch, ["audit", "verify"]) == 0
    monkeypatch.setattr(users, "current_os_user", lambda: "stranger")
    assert _run(monkeypatch, ["audit", "verify"]) == ExitCode.PERMISSION
    assert "割り当てられていません" in capsys.readouterr().err


def test_export_to_file_by_range(cli_db: str, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # noqa: ANN001
    assert _run(monkeypatch, ["users", "create-admin"], "admin pass 1\n") == 0
    out = tmp_path / "audit.csv"
    assert _run(monkeypatch, ["audit", "export", "--from", "2000-01-01", "--to", "2099-12-31", "-o", str(out),
                              "--user", "admin"], "admin pass 1\n") == 0
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "seq,at,actor,action,visit_id,detail" and "user_created" in text
    assert _run(monkeypatch, ["audit", "export", "--from", "2020-01-02", "--to", "2020-01-01", "--user", "admin"],
                "admin pass 1\n") == ExitCode.INPUT


def test_purge_without_sign_in_deletes_only_expired(cli_db: str, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    from madoguchi.privacy.crypto import new_key
    from madoguchi.privacy.drafts import DraftStore

    store = DraftStore(None, new_key())
    store.save("fresh", b"x")
    monkeypatch.setenv("MADOGUCHI_RETENTION", "24")
    assert _run(monkeypatch, ["purge"]) == 0
    assert "下書き 0 件" in capsys.readouterr().out
    assert store.load("fresh") == b"x"


@pytest.mark.slow
def test_password_prompt_does_not_echo_on_a_terminal(madoguchi_home, tmp_path) -> None:  # noqa: ANN001
    """A real terminal (tmux): the first admin's password is typed, and never shown."""
    import subprocess
    import time
    import uuid

    from tests.support import requirements

    tmux = requirements.require_executable("tmux")
    session = f"madoguchi-{uuid.uuid4().hex[:8]}"
    command = f"{sys.executable} -m madoguchi users create-admin --login boss; sleep 30"
    env = ["env", f"MADOGUCHI_HOME={madoguchi_home}"]
    subprocess.run([tmux, "new-session", "-d", "-s", session, "-x", "120", "-y", "20", *env, "sh", "-c", command],
                   check=True)

    def screen() -> str:
        return subprocess.run([tmux, "capture-pane", "-t", session, "-p"], capture_output=True, text=True,
                              check=True).stdout

    def wait_for(text: str) -> str:
        deadline = time.monotonic() + 60
        while text not in (shown := screen()) and time.monotonic() < deadline:
            time.sleep(0.2)
        return shown

    try:
        assert "new password" in wait_for("new password")
        subprocess.run([tmux, "send-keys", "-t", session, "typed-secret-9", "Enter"], check=True)
        assert "again" in wait_for("again")
        subprocess.run([tmux, "send-keys", "-t", session, "typed-secret-9", "Enter"], check=True)
        shown = wait_for("OK admin boss")
        assert "OK admin boss" in shown
        assert "typed-secret-9" not in shown
    finally:
        subprocess.run([tmux, "kill-session", "-t", session], check=False)
    from madoguchi.privacy import users
    from madoguchi.store.db import open_database

    database = open_database("sqlite:///" + (madoguchi_home / "data" / "madoguchi.sqlite3").as_posix())
    assert users.authenticate(database, "boss", "typed-secret-9") is not None
    database.dispose()
