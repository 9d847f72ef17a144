"""The real PC/SC stack for the IC card tests: pcscd + the vpcd driver + our virtual card.

The session reuses a running pcscd (as `.ci/run` or systemd may start one) or starts
``pcscd --foreground`` itself and stops it at the end. vpcd's reader and port come from
``/etc/reader.conf.d/vpcd`` (Debian ``vsmartcard-vpcd``). The virtual card runs as its own
process (tests/ic/virtual_card.py), driven over stdin/stdout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support import requirements

VPCD_CONF = Path("/etc/reader.conf.d/vpcd")
VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
CARD_SCRIPT = Path(__file__).with_name("virtual_card.py")


@dataclass(frozen=True)
class VpcdReader:
    name: str  # as pcscd lists it: FRIENDLYNAME + " 00 00" (slot 0)
    port: int


def vpcd_reader() -> VpcdReader:
    text = VPCD_CONF.read_text(encoding="utf-8")
    friendly = re.search(r'^FRIENDLYNAME\s+"?([^"\n]+)"?', text, re.M)
    device = re.search(r"^DEVICENAME\s+\S*:(0x[0-9A-Fa-f]+|\d+)", text, re.M)
    if not friendly or not device:
        raise RuntimeError(f"cannot read FRIENDLYNAME/DEVICENAME from {VPCD_CONF}")
    return VpcdReader(f"{friendly.group(1).strip()} 00 00", int(device.group(1), 0))


def _readers() -> list[str] | None:
    """Readers of the running pcscd, or None when no pcscd answers."""
    from smartcard import scard

    result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if result != scard.SCARD_S_SUCCESS:
        return None
    try:
        result, names = scard.SCardListReaders(context, [])
        return list(names) if result == scard.SCARD_S_SUCCESS else []
    finally:
        scard.SCardReleaseContext(context)


def card_present(reader: str) -> bool:
    from smartcard import scard

    result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    assert result == scard.SCARD_S_SUCCESS
    try:
        result, states = scard.SCardGetStatusChange(context, 0, [(reader, scard.SCARD_STATE_UNAWARE)])
        assert result == scard.SCARD_S_SUCCESS, hex(result)
        return bool(states[0][1] & scard.SCARD_STATE_PRESENT)
    finally:
        scard.SCardReleaseContext(context)


def _wait_until(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.05)


@dataclass
class PcscStack:
    reader: VpcdReader
    started_pcscd: bool


@pytest.fixture(scope="session")
def pcsc_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PcscStack]:
    pcscd = shutil.which("pcscd") or ("/usr/sbin/pcscd" if Path("/usr/sbin/pcscd").exists() else None)
    if pcscd is None:
        requirements.missing("pcscd (Debian package pcscd)")
    if not VPCD_CONF.exists() or not VPCD_DRIVER.exists():
        requirements.missing("the vpcd reader driver (Debian package vsmartcard-vpcd)")
    try:
        import smartcard.scard  # noqa: F401
    except ImportError:
        requirements.missing("pyscard (pip install 'madoguchi[test]')")
    reader = vpcd_reader()
    process = None
    if _readers() is None:
        log = (tmp_path_factory.mktemp("pcscd") / "pcscd.log").open("w")
        process = subprocess.Popen([pcscd, "--foreground", "--info"], stdout=log, stderr=subprocess.STDOUT)
        _wait_until(lambda: (_readers() or []) and reader.name in (_readers() or []), 15, "pcscd and vpcd")
    elif reader.name not in (_readers() or []):
        pytest.fail(f"the running pcscd has no reader {reader.name!r}: restart it after installing vsmartcard-vpcd")
    try:
        yield PcscStack(reader, started_pcscd=process is not None)
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class VirtualCard:
    """The virtual card process; ``insert``/``remove`` wait until pcscd has seen the change."""

    def __init__(self, reader: VpcdReader) -> None:
        self.reader = reader
        root = Path(__file__).resolve().parents[2]
        self.process = subprocess.Popen(
            [sys.executable, str(CARD_SCRIPT), "--port", str(reader.port)], cwd=root, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={**os.environ, "PYTHONIOENCODING": "utf-8"})

    def command(self, **message: Any) -> dict[str, Any]:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(message, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        assert answer.get("ok"), answer
        return answer

    def insert(self, card: dict[str, Any]) -> None:
        if card_present(self.reader.name):
            self.remove()  # as at the counter: one card off, then the next one on
        self.command(cmd="insert", card=card)
        _wait_until(lambda: card_present(self.reader.name), 10, "the card to be seen by pcscd")

    def remove(self) -> None:
        self.command(cmd="remove")
        _wait_until(lambda: not card_present(self.reader.name), 10, "pcscd to see the card removed")

    def remove_on(self, ins: str) -> None:
        self.command(cmd="remove_on", ins=ins)

    def log(self) -> list[dict[str, Any]]:
        return self.command(cmd="log")["log"]

    def tries(self) -> dict[str, int]:
        return self.command(cmd="state")["tries"]

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.command(cmd="quit")
            except (OSError, ValueError, json.JSONDecodeError):
                pass
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream:
                stream.close()


@pytest.fixture(scope="session")
def _virtual_card_process(pcsc_stack: PcscStack) -> Iterator[VirtualCard]:
    card = VirtualCard(pcsc_stack.reader)
    try:
        yield card
    finally:
        card.close()


@pytest.fixture
def virtual_card(_virtual_card_process: VirtualCard) -> Iterator[VirtualCard]:
    """The virtual card process with no card on the reader; whatever a test inserts is removed after."""
    card = _virtual_card_process
    if card_present(card.reader.name):
        card.remove()
    yield card
    card.command(cmd="remove")
    _wait_until(lambda: not card_present(card.reader.name), 10, "pcscd to see the card removed")
