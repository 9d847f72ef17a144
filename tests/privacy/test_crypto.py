"""Encryption at rest, and the data key's two homes (OS key store, key file)."""

from __future__ import annotations

import os
import stat
from dataclasses import replace

import keyring
import pytest
from keyring.backends.fail import Keyring as FailKeyring
from keyrings.alt.file import PlaintextKeyring

from madoguchi.config import Settings
from madoguchi.errors import ConfigError
from madoguchi.privacy import crypto, keys

SECRET = "山田　花子 123456789018".encode()


def test_round_trip_is_unchanged_and_ciphertext_reveals_nothing() -> None:
    key = crypto.new_key()
    blob = crypto.encrypt(SECRET, key, b"visit-1")
    assert SECRET not in blob and "山田".encode() not in blob and b"123456789018" not in blob
    assert crypto.decrypt(blob, key, b"visit-1") == SECRET
    assert crypto.encrypt(SECRET, key) != crypto.encrypt(SECRET, key)  # fresh nonce each time


def test_wrong_key_tampering_and_moved_blob_give_a_clear_error() -> None:
    key, other = crypto.new_key(), crypto.new_key()
    blob = crypto.encrypt(SECRET, key, b"visit-1")
    with pytest.raises(crypto.DecryptionFailed) as info:
        crypto.decrypt(blob, other, b"visit-1")
    assert "復号できません" in info.value.message_ja and "key" in info.value.message_en
    tampered = bytearray(blob)
    tampered[-5] ^= 1
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(bytes(tampered), key, b"visit-1")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(blob, key, b"visit-2")  # a blob copied to another visit
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(b"not ours at all", key)
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(blob, b"short")


def test_file_round_trip(tmp_path) -> None:  # noqa: ANN001
    key = crypto.new_key()
    path = tmp_path / "packet.mdg"
    crypto.write_encrypted(path, SECRET, key, b"a")
    assert SECRET not in path.read_bytes()
    assert crypto.read_encrypted(path, key, b"a") == SECRET
    with pytest.raises(crypto.DecryptionFailed):
        crypto.read_encrypted(path, crypto.new_key(), b"a")


@pytest.fixture
def no_os_keyring():  # noqa: ANN201
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def file_keyring(tmp_path):  # noqa: ANN001, ANN201
    """keyring's real API with the keyrings.alt plaintext-file backend configured in process
    (this Linux has no Secret Service; Windows would use the Credential Manager here)."""
    previous = keyring.get_keyring()
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring_pass.cfg")
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_key_file_is_created_private_and_reused(no_os_keyring) -> None:  # noqa: ANN001
    settings = Settings(key_store="file")
    key = keys.load_key(settings)
    assert len(key) == 32
    path = keys.key_file_path()
    assert path.exists()
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert keys.load_key(settings) == key
    assert keys.load_key(Settings(key_store="auto")) == key  # auto keeps an existing key file


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_key_file_readable_by_others_is_refused(no_os_keyring) -> None:  # noqa: ANN001
    keys.load_key(Settings(key_store="file"))
    os.chmod(keys.key_file_path(), 0o644)
    with pytest.raises(ConfigError) as info:
        keys.load_key(Settings(key_store="file"))
    assert "chmod 600" in info.value.message_en


def test_damaged_key_file_is_a_clear_error(no_os_keyring) -> None:  # noqa: ANN001
    keys.load_key(Settings(key_store="file"))
    keys.key_file_path().write_text("garbage\n")
    with pytest.raises(ConfigError, match="damaged"):
        keys.load_key(Settings(key_store="file"))


def test_auto_without_os_key_store_uses_a_file(no_os_keyring) -> None:  # noqa: ANN001
    assert not keys.os_key_store_usable()
    assert keys.key_source(Settings()) == "file"
    keys.load_key(Settings())
    assert keys.key_file_path().exists()


def test_keyring_chosen_without_a_backend_is_refused(no_os_keyring) -> None:  # noqa: ANN001
    with pytest.raises(ConfigError) as info:
        keys.load_key(Settings(key_store="keyring"))
    assert "key_store" in info.value.message_en
    assert not keys.key_file_path().exists()


def test_keyring_stores_and_reuses_the_key(file_keyring) -> None:  # noqa: ANN001
    settings = Settings(key_store="keyring")
    key = keys.load_key(settings)
    assert len(key) == 32
    assert not keys.key_file_path().exists()  # nothing written beside the data
    stored = keyring.get_password(keys.SERVICE, keys.ENTRY)
    assert stored is not None
    assert keys.load_key(settings) == key
    # the key from the store decrypts what was encrypted before a restart
    blob = crypto.encrypt(SECRET, key)
    assert crypto.decrypt(blob, keys.load_key(replace(settings))) == SECRET


def test_plain_file_keyring_is_not_taken_for_an_os_key_store(file_keyring) -> None:  # noqa: ANN001
    # auto must not put the key in a third-party plaintext file when no OS store exists
    assert not keys.os_key_store_usable()
    assert keys.key_source(Settings(key_store="auto")) == "file"
