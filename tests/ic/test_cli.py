"""``madoguchi read-card`` end to end: a real process, the PIN on stdin, the real PC/SC stack."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ic.conftest import VirtualCard
from tests.ic.data import license_holder, mynumber_holder

pytestmark = [pytest.mark.pcsc, pytest.mark.slow]


def _read_card(*args: str, stdin: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "madoguchi", *args], input=stdin, capture_output=True, text=True,
                          timeout=60, env={**os.environ, **(env or {})})


def _logs(home: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in home.rglob("*.log*") if p.is_file())


def test_reads_with_the_pin_on_stdin(virtual_card: VirtualCard, madoguchi_home: Path) -> None:
    holder = mynumber_holder(seed=31, pin="7291")
    virtual_card.insert(holder)
    done = _read_card("-v", "read-card", "--reader", virtual_card.reader.name, "--json", stdin="7291\n")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["source"] == f"ic:{virtual_card.reader.name}"
    assert data["document_type"] == "mynumber_card"
    assert data["pin_tries_left"] == 3
    assert data["fields"]["name"]["value"] == holder["name"]
    assert data["fields"]["name"]["source"] == "ic" and data["fields"]["name"]["confidence"] == 1.0
    assert "individual_number" not in data["fields"]
    assert "残り回数: 3" in done.stderr
    # the PIN is nowhere: not in the output, the log (verbose), nor the settings folder
    assert "7291" not in done.stdout + done.stderr + _logs(madoguchi_home)
    assert not any(b"7291" in p.read_bytes() for p in madoguchi_home.rglob("*") if p.is_file())


def test_individual_number_flag(virtual_card: VirtualCard) -> None:
    holder = mynumber_holder(seed=32)
    virtual_card.insert(holder)
    done = _read_card("read-card", "--json", "--individual-number", "--reader", virtual_card.reader.name,
                      stdin=holder["pin"] + "\n")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["fields"]["individual_number"]["value"] == holder["individual_number"]


def test_wrong_pin_exits_non_zero_and_last_try_needs_the_flag(virtual_card: VirtualCard) -> None:
    holder = license_holder(seed=33, tries=2)
    virtual_card.insert(holder)
    wrong = "0000" if holder["pin1"] != "0000" else "1111"
    done = _read_card("--lang", "en", "read-card", "--json", stdin=wrong + "\n")
    assert done.returncode == 9
    assert "wrong PIN; 1 tries left" in done.stderr and done.stdout == ""
    done = _read_card("read-card", "--json", stdin=holder["pin1"] + "\n")
    assert done.returncode == 9 and "残りが1回" not in done.stdout
    assert "1回" in done.stderr
    assert virtual_card.tries()["pin1"] == 1
    done = _read_card("read-card", "--json", "--confirm-last-try", stdin=holder["pin1"] + "\n")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["document_type"] == "drivers_license"


def test_failures_exit_non_zero_with_a_message(virtual_card: VirtualCard) -> None:
    done = _read_card("read-card", "--json", stdin="1234\n")
    assert done.returncode == 9 and "カードがリーダーに置かれていません" in done.stderr
    done = _read_card("read-card", "--reader", "No Such Reader", stdin="1234\n")
    assert done.returncode == 9 and "No Such Reader" in done.stderr
    done = _read_card("read-card", stdin="1234\n", env={"PCSCLITE_CSOCK_NAME": "/nonexistent/pcscd.comm"})
    assert done.returncode == 9 and "ICカードリーダーが見つかりません" in done.stderr
    virtual_card.insert({"type": "unknown"})
    done = _read_card("read-card", stdin="1234\n")
    assert done.returncode == 9 and "読み取れません" in done.stderr
    virtual_card.insert(mynumber_holder(seed=34, tries=0))
    done = _read_card("read-card", stdin="1234\n")
    assert done.returncode == 9 and "ロック" in done.stderr
    virtual_card.insert(mynumber_holder(seed=35))
    done = _read_card("read-card", stdin="12x4\n")
    assert done.returncode == 5 and "数字4桁" in done.stderr
