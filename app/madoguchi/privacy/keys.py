"""Where this PC's data key lives: the OS key store, or a key file only its user can read.

Setting ``key_store``:

- ``keyring``: the OS key store through ``keyring`` (Windows Credential Manager, protected
  by DPAPI; the Secret Service on Linux desktops; the macOS Keychain). Refused with a clear
  message when no such store is usable.
- ``file``: ``<data dir>/keys/data.key``, created with mode 0600 in a 0700 folder (on Windows
  the per-user application data folder already admits only its user). A key file that others
  can read is refused.
- ``auto`` (default): an existing key file first (so a key once chosen stays in use), else
  the OS key store when one is usable, else a new key file.

Backends are picked by priority with a fallback (Vorta's/keyring's habit). File-based
third-party keyring backends (``keyrings.alt``) are not an OS key store and are used only
when ``keyring`` is chosen explicitly. Every drafted visit is encrypted with this key, so
losing it only loses drafts of unfinished visits — nothing that outlives the day.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import stat
import sys
from pathlib import Path

from madoguchi import paths
from madoguchi.checks import CheckResult, Status
from madoguchi.config import Settings
from madoguchi.errors import ConfigError
from madoguchi.privacy.crypto import KEY_BYTES, new_key

log = logging.getLogger(__name__)

SERVICE = "madoguchi"
ENTRY = "data-key"


def key_file_path() -> Path:
    return paths.data_dir() / "keys" / "data.key"


# --- OS key store -------------------------------------------------------------------------------
def _backend():  # noqa: ANN202 - keyring type imported lazily
    import keyring

    return keyring.get_keyring()


def _leaf_backends(backend) -> list:  # noqa: ANN001
    return list(getattr(backend, "backends", None) or [backend])


def os_key_store_usable() -> bool:
    """True when an OS key store (not the fail/null backend, not a plain-file one) is usable."""
    try:
        backend = _backend()
    except Exception:  # noqa: BLE001 - a broken keyring installation means "not usable"
        return False
    return any(_is_os_backend(b) for b in _leaf_backends(backend))


def _is_os_backend(backend) -> bool:  # noqa: ANN001
    module = type(backend).__module__
    if not module.startswith("keyring.backends.") or module.endswith((".fail", ".null", ".chainer")):
        return False
    try:
        return float(backend.priority) >= 1
    except Exception:  # noqa: BLE001 - a backend whose priority raises is unusable here
        return False


def keyring_name() -> str:
    try:
        return type(_backend()).__name__
    except Exception:  # noqa: BLE001
        return "none"


def _decode(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise ConfigError(f"{where} の暗号鍵が壊れています。管理者に連絡してください（下書きは読めなくなります）。",
                          f"the encryption key in {where} is damaged; contact the administrator "
                          "(drafts encrypted with it cannot be read).")
    return key


def _keyring_error(exc: BaseException | None = None) -> ConfigError:
    reason = f"（{exc.__class__.__name__}）" if exc else ""
    return ConfigError(
        f"OSの鍵保管庫（keyring）が使えません{reason}。Windows では資格情報マネージャー、Linux では Secret Service"
        "（GNOME Keyring など）が必要です。使えない端末では設定 key_store を file にしてください。",
        f"the OS key store (keyring) is not usable{' (' + exc.__class__.__name__ + ')' if exc else ''}. "
        "Windows needs the Credential Manager, Linux a Secret Service (e.g. GNOME Keyring). "
        "Where none exists set key_store to file.")


def _load_from_keyring(create: bool = True) -> bytes | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        stored = keyring.get_password(SERVICE, ENTRY)
        if stored is not None:
            return _decode(stored, "keyring")
        if not create:
            return None
        key = new_key()
        keyring.set_password(SERVICE, ENTRY, base64.b64encode(key).decode("ascii"))
        log.info("new data key stored in the OS key store (%s)", keyring_name())
        return key
    except KeyringError as exc:
        raise _keyring_error(exc) from exc


# --- key file -----------------------------------------------------------------------------------
def _check_private(path: Path) -> None:
    if sys.platform == "win32":
        return  # %LOCALAPPDATA% is per-user by its ACL; POSIX modes mean little there
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"鍵ファイル {path} を他のユーザーも読めます。`chmod 600 {path}` で本人だけが読めるようにしてください。",
            f"the key file {path} is readable by other users; run `chmod 600 {path}` so only its owner can read it.")


def _load_from_file(create: bool = True) -> bytes | None:
    path = key_file_path()
    if path.exists():
        _check_private(path)
        return _decode(path.read_text(encoding="ascii", errors="replace"), str(path))
    if not create:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    if sys.platform != "win32":
        os.chmod(path.parent, 0o700)
    key = new_key()
    # O_EXCL: two processes starting at once never overwrite each other's fresh key
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _load_from_file(create=False)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(base64.b64encode(key).decode("ascii") + "\n")
    log.info("new data key written to the key file")
    return key


# --- the one entry point ------------------------------------------------------------------------
def key_source(settings: Settings) -> str:
    """Where :func:`load_key` takes the key from now: ``keyring`` or ``file``."""
    if settings.key_store in ("keyring", "file"):
        return settings.key_store
    if key_file_path().exists() or not os_key_store_usable():
        return "file"
    return "keyring"


def load_key(settings: Settings) -> bytes:
    """This PC's 32-byte data key, created on first use in the configured store."""
    source = key_source(settings)
    if source == "keyring":
        if settings.key_store == "keyring":
            try:
                backend = _backend()
            except Exception as exc:  # noqa: BLE001
                raise _keyring_error(exc) from exc
            if all(type(b).__module__.endswith((".fail", ".null")) for b in _leaf_backends(backend)):
                raise _keyring_error()
        key = _load_from_keyring()
        assert key is not None
        return key
    key = _load_from_file()
    assert key is not None
    return key


def selftest_check(settings: Settings) -> CheckResult:
    """``madoguchi selftest``: the key loads and encrypts/decrypts (creates it on first run)."""
    from madoguchi.privacy.crypto import decrypt, encrypt

    try:
        key = load_key(settings)
        ok = decrypt(encrypt(b"selftest", key), key) == b"selftest"
    except ConfigError as exc:
        return CheckResult("key_store", Status.NG, exc.message_ja, exc.message_en,
                           "設定 key_store を見直してください（file にすると鍵ファイルを使います）。",
                           "review the key_store setting (file uses a key file).")
    source = key_source(settings)
    where = f"keyring ({keyring_name()})" if source == "keyring" else f"file {key_file_path()}"
    if not ok:
        return CheckResult("key_store", Status.NG, "暗号化の自己診断に失敗しました", "the encryption self-check failed")
    return CheckResult("key_store", Status.OK, f"暗号鍵: {where}", f"data key: {where}")
