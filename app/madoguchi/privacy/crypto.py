"""Encryption at rest: AES-256-GCM from ``cryptography``.

A blob is ``MAGIC + nonce(12) + ciphertext‖tag``. ``associated`` data (e.g. the visit id)
is authenticated but not stored: a blob moved to another visit does not decrypt. A wrong
key or a changed byte raises :class:`DecryptionFailed` — never garbage.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from madoguchi.errors import ExitCode, MadoguchiError

MAGIC = b"MDG1"
NONCE_BYTES = 12
KEY_BYTES = 32
_OVERHEAD = len(MAGIC) + NONCE_BYTES + 16


class DecryptionFailed(MadoguchiError):
    """The data cannot be decrypted: wrong key, or the data was changed or is not ours."""

    exit_code = ExitCode.PERMISSION

    def __init__(self, what: str = "data") -> None:
        super().__init__(
            f"暗号化されたデータ（{what}）を復号できません。鍵が違うか、データが壊れているか改ざんされています。"
            "この端末の鍵（設定 key_store）を確認してください。データは変更していません。",
            f"the encrypted {what} cannot be decrypted: the key is wrong, or the data is damaged or was "
            "changed. Check this PC's key (setting key_store). The data was left unchanged.")


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def _cipher(key: bytes) -> AESGCM:
    if not isinstance(key, bytes | bytearray) or len(key) != KEY_BYTES:
        raise DecryptionFailed("key")
    return AESGCM(bytes(key))


def encrypt(data: bytes, key: bytes, associated: bytes = b"") -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return MAGIC + nonce + _cipher(key).encrypt(nonce, bytes(data), associated or None)


def decrypt(blob: bytes, key: bytes, associated: bytes = b"", what: str = "data") -> bytes:
    cipher = _cipher(key)
    if len(blob) < _OVERHEAD or not blob.startswith(MAGIC):
        raise DecryptionFailed(what)
    nonce = blob[len(MAGIC):len(MAGIC) + NONCE_BYTES]
    try:
        return cipher.decrypt(nonce, blob[len(MAGIC) + NONCE_BYTES:], associated or None)
    except InvalidTag as exc:
        raise DecryptionFailed(what) from exc


def is_encrypted(blob: bytes) -> bool:
    return blob.startswith(MAGIC) and len(blob) >= _OVERHEAD


def write_encrypted(path: Path, data: bytes, key: bytes, associated: bytes = b"") -> None:
    """Encrypt to ``path`` atomically (a power cut leaves the old file or the new one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as handle:
        handle.write(encrypt(data, key, associated))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def read_encrypted(path: Path, key: bytes, associated: bytes = b"") -> bytes:
    return decrypt(path.read_bytes(), key, associated, what=path.name)
