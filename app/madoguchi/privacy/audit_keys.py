"""What makes the audit chain hold against someone who can write the database.

- **The MAC key** lives outside the database: a key file (mode 0600 in a 0700 folder) at the
  setting ``audit_key_file`` (default ``<data dir>/keys/audit.keys``). Each line is
  ``<key id> <base64 key> <first seq>``; the last line is the key in use, older lines verify
  older rows (rotation: :func:`rotate_key`). Every PC that appends to one shared database
  needs the same file (the installer copies it; see installer/README.md).
  Rows before the first key's ``first seq`` were written by a version without keys and are
  checked with the old unkeyed hash; an unkeyed row after it is tampering.
- **The anchor**: after every append the new head (sequence number and MAC) is appended to
  an append-only file outside the database (setting ``audit_anchor_file``, default
  ``<data dir>/audit/anchors.log``; point it at a share on another server where staff may
  only append) and, on POSIX, to syslog. A rewrite of the whole chain — rows and head,
  even with the key — no longer matches the anchors, and wiping rows leaves anchors beyond
  the end of the chain.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import secrets
import stat
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from madoguchi import paths
from madoguchi.config import Settings, load_settings
from madoguchi.errors import ConfigError

log = logging.getLogger(__name__)

KEY_BYTES = 32


def key_file(settings: Settings | None = None) -> Path:
    settings = settings or load_settings()
    return Path(settings.audit_key_file) if settings.audit_key_file else paths.data_dir() / "keys" / "audit.keys"


def anchor_file(settings: Settings | None = None) -> Path:
    settings = settings or load_settings()
    return Path(settings.audit_anchor_file) if settings.audit_anchor_file else paths.data_dir() / "audit" / "anchors.log"


@dataclass(frozen=True)
class AuditKey:
    key_id: str
    secret: bytes
    first_seq: int


@dataclass(frozen=True)
class AuditKeys:
    keys: tuple[AuditKey, ...]

    @property
    def current(self) -> AuditKey:
        return self.keys[-1]

    @property
    def first_keyed_seq(self) -> int:
        return self.keys[0].first_seq

    def get(self, key_id: str | None) -> AuditKey | None:
        return next((key for key in self.keys if key.key_id == key_id), None)


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    if sys.platform != "win32":
        os.chmod(path, 0o700)


def _damaged(path: Path, line: int) -> ConfigError:
    return ConfigError(f"監査ログの鍵ファイル {path} の {line} 行目が壊れています。管理者に連絡してください。",
                       f"line {line} of the audit key file {path} is damaged; contact the administrator.")


def read_keys(path: Path) -> AuditKeys | None:
    """The keys in ``path``; None when the file does not exist. A file others can read is refused."""
    if not path.exists():
        return None
    if sys.platform != "win32" and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(f"監査ログの鍵ファイル {path} を他のユーザーも読めます。`chmod 600 {path}` を実行してください。",
                          f"the audit key file {path} is readable by other users; run `chmod 600 {path}`.")
    keys: list[AuditKey] = []
    for number, line in enumerate(path.read_text(encoding="ascii", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 3 or not parts[2].isdigit():
            raise _damaged(path, number)
        try:
            secret = base64.b64decode(parts[1], validate=True)
        except (binascii.Error, ValueError):
            raise _damaged(path, number) from None
        if len(secret) != KEY_BYTES:
            raise _damaged(path, number)
        keys.append(AuditKey(parts[0][:16], secret, int(parts[2])))
    if not keys:
        raise _damaged(path, 1)
    return AuditKeys(tuple(keys))


def _append_key(path: Path, first_seq: int, *, exclusive: bool) -> None:
    _private_dir(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (os.O_EXCL if exclusive else 0)
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "a", encoding="ascii") as handle:
        key = base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")
        handle.write(f"{secrets.token_hex(4)} {key} {first_seq}\n")


def load_or_create_keys(path: Path, next_seq: int) -> AuditKeys:
    """The keys; on first use a new key that signs rows from ``next_seq`` on."""
    keys = read_keys(path)
    if keys is not None:
        return keys
    try:
        _append_key(path, next_seq, exclusive=True)
        log.info("new audit key created")
    except FileExistsError:
        pass  # another process created it at the same moment
    keys = read_keys(path)
    assert keys is not None
    return keys


def rotate_key(path: Path, next_seq: int) -> AuditKeys:
    """Add a new key that signs from ``next_seq`` on; the old ones stay to verify older rows."""
    if not path.exists():
        return load_or_create_keys(path, next_seq)
    read_keys(path)  # refuse a damaged or readable file before appending to it
    _append_key(path, next_seq, exclusive=False)
    keys = read_keys(path)
    assert keys is not None
    return keys


# --- anchors ------------------------------------------------------------------------------------
def database_id(description: str) -> str:
    """Which database an anchor belongs to (a demo database in the same folder has its own)."""
    return hashlib.sha256(description.encode("utf-8")).hexdigest()[:16]


def write_anchor(path: Path, db_id: str, seq: int, digest: str, stamp: str) -> None:
    """Append the head to the anchor file (and syslog); a failure is logged, never raised."""
    _append_line(path, f"{db_id} {seq} {digest} {stamp}\n", f"audit anchor db={db_id} seq={seq} mac={digest}")


def write_note(path: Path, note: str) -> None:
    """An event that could not go into the database (the rescue path), kept beside the anchors."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    _append_line(path, f"# {stamp} {note}\n", note)


def _append_line(path: Path, line: str, message: str) -> None:
    """``line`` appended to ``path`` (0600) and ``message`` sent to syslog; failures logged only."""
    try:
        _private_dir(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(line)
    except OSError as exc:
        log.error("audit anchor not written (%s)", exc.__class__.__name__)
    if sys.platform == "win32":
        return
    try:
        import syslog

        syslog.openlog("madoguchi", 0, syslog.LOG_AUTH)
        syslog.syslog(syslog.LOG_INFO, message)
    except OSError:
        pass


def read_anchors(path: Path, db_id: str) -> tuple[dict[int, str], list[int]]:
    """seq → MAC of the database's anchor lines, and the numbers of lines that could not be read."""
    anchors: dict[int, str] = {}
    bad: list[int] = []
    if not path.exists():
        return anchors, bad
    with path.open(encoding="ascii", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if line.startswith("#"):
                continue
            parts = line.split()
            if len(parts) < 3 or not parts[1].isdigit() or len(parts[2]) != 64:
                bad.append(number)
                continue
            if parts[0] == db_id:
                anchors[int(parts[1])] = parts[2]
    return anchors, bad
