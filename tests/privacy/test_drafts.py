"""Encrypted drafts and packets of visits in progress."""

from __future__ import annotations

import pytest

from madoguchi.errors import InputError
from madoguchi.privacy.crypto import DecryptionFailed, new_key
from madoguchi.privacy.drafts import DraftStore

PAYLOAD = '{"family_name": "試験", "individual_number": "123456789018"}'.encode()


def test_save_load_list_delete(tmp_path) -> None:  # noqa: ANN001
    store = DraftStore(tmp_path / "drafts", new_key())
    assert store.load("v1") is None and store.list_open() == []
    store.save("v1", PAYLOAD)
    store.save("v2", b"other")
    store.save_packet("v1", "juminhyo", b"%PDF-1.7 fake")
    assert store.load("v1") == PAYLOAD
    assert store.load_packet("v1", "juminhyo") == b"%PDF-1.7 fake"
    assert sorted(d.visit_id for d in store.list_open()) == ["v1", "v2"]
    assert store.info("v1").packets == ("juminhyo",)
    for path in (tmp_path / "drafts").rglob("*"):
        if path.is_file():
            assert b"123456789018" not in path.read_bytes() and "試験".encode() not in path.read_bytes()
    store.mark("v2", "done")
    assert [d.visit_id for d in store.list_open()] == ["v1"]
    assert store.delete("v1") and not (tmp_path / "drafts" / "v1").exists()
    assert store.load("v1") is None and not store.delete("v1")


def test_other_key_cannot_read_a_draft(tmp_path) -> None:  # noqa: ANN001
    DraftStore(tmp_path / "d", new_key()).save("v1", PAYLOAD)
    with pytest.raises(DecryptionFailed):
        DraftStore(tmp_path / "d", new_key()).load("v1")


def test_a_draft_copied_to_another_visit_does_not_decrypt(tmp_path) -> None:  # noqa: ANN001
    key = new_key()
    store = DraftStore(tmp_path / "d", key)
    store.save("v1", PAYLOAD)
    store.save("v2", b"x")
    (tmp_path / "d" / "v2" / "draft.mdg").write_bytes((tmp_path / "d" / "v1" / "draft.mdg").read_bytes())
    with pytest.raises(DecryptionFailed):
        store.load("v2")


@pytest.mark.parametrize("visit_id", ["../x", "", "a/b", "x" * 65, "..", "名前"])
def test_visit_ids_cannot_leave_the_folder(tmp_path, visit_id: str) -> None:  # noqa: ANN001
    with pytest.raises(InputError):
        DraftStore(tmp_path / "d", new_key()).save(visit_id, b"x")


def test_default_location_is_the_data_dir(madoguchi_home) -> None:  # noqa: ANN001
    store = DraftStore(None, new_key())
    store.save("v1", b"x")
    assert (madoguchi_home / "data" / "drafts" / "v1" / "draft.mdg").exists()
