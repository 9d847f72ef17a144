"""Encrypted autosave of visits in progress, and of their filled packets.

Files in this PC's data directory (``<data dir>/drafts/<visit id>/``), not the database:
a draft belongs to the PC whose clerk is serving the resident and to that PC's key, it
survives a lost network or a power cut, and purging it needs no server.

Per visit: ``draft.mdg`` (the autosaved visit, bytes given by the counter workspace),
``packet-<name>.mdg`` (filled PDFs kept for a reprint) — both AES-GCM with the visit id
as associated data — and ``meta.json`` (visit id, state and times only, never personal
data) so that retention can decide without the key. ``delete`` runs when the visit is done;
:func:`madoguchi.privacy.retention.purge` removes whatever is left past the retention.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from madoguchi import paths
from madoguchi.errors import InputError
from madoguchi.privacy.crypto import read_encrypted, write_encrypted

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_PACKET = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")
DRAFT_FILE = "draft.mdg"
META_FILE = "meta.json"


def default_dir() -> Path:
    return paths.data_dir() / "drafts"


@dataclass(frozen=True)
class DraftInfo:
    visit_id: str
    state: str  # open | printed | done
    created_at: datetime
    updated_at: datetime
    printed_at: datetime | None
    has_draft: bool
    packets: tuple[str, ...]


def _now() -> datetime:
    return datetime.now(UTC)


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class DraftStore:
    """``DraftStore(location, key)``: ``location`` is a folder, or None/a Database for the default."""

    def __init__(self, location: Any = None, key: bytes = b"") -> None:
        self.directory = Path(location) if isinstance(location, str | os.PathLike) else default_dir()
        self.key = key

    # --- paths ----------------------------------------------------------------------------------
    def _visit_dir(self, visit_id: str) -> Path:
        if not isinstance(visit_id, str) or not _ID.match(visit_id):
            raise InputError("来庁の識別子が正しくありません。", "the visit id is not valid.")
        return self.directory / visit_id

    def _write_meta(self, visit_id: str, **changes: Any) -> None:
        folder = self._visit_dir(visit_id)
        meta = self._read_meta(folder) or {"visit_id": visit_id, "state": "open", "created_at": _now().isoformat()}
        meta.update(changes)
        meta["updated_at"] = _now().isoformat()
        tmp = folder / (META_FILE + ".part")
        tmp.write_text(json.dumps(meta), encoding="utf-8")
        os.replace(tmp, folder / META_FILE)

    @staticmethod
    def _read_meta(folder: Path) -> dict[str, Any] | None:
        try:
            meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return meta if isinstance(meta, dict) else None

    def _ensure(self, visit_id: str) -> Path:
        folder = self._visit_dir(visit_id)
        folder.mkdir(parents=True, exist_ok=True)
        if os.name == "posix":
            os.chmod(self.directory, 0o700)
        return folder

    # --- drafts ---------------------------------------------------------------------------------
    def save(self, visit_id: str, payload: bytes) -> None:
        folder = self._ensure(visit_id)
        write_encrypted(folder / DRAFT_FILE, payload, self.key, visit_id.encode())
        self._write_meta(visit_id)

    def load(self, visit_id: str) -> bytes | None:
        path = self._visit_dir(visit_id) / DRAFT_FILE
        if not path.exists():
            return None
        return read_encrypted(path, self.key, visit_id.encode())

    def mark(self, visit_id: str, state: str) -> None:
        """Record the visit's state (``printed`` starts the retention hold)."""
        if state not in ("open", "printed", "done"):
            raise ValueError(state)
        self._ensure(visit_id)
        changes: dict[str, Any] = {"state": state}
        if state == "printed":
            changes["printed_at"] = _now().isoformat()
        self._write_meta(visit_id, **changes)

    def info(self, visit_id: str) -> DraftInfo | None:
        folder = self._visit_dir(visit_id)
        return self._info(folder) if folder.is_dir() else None

    def _info(self, folder: Path) -> DraftInfo:
        meta = self._read_meta(folder) or {}
        mtime = datetime.fromtimestamp(max((p.stat().st_mtime for p in folder.iterdir()), default=0), UTC)
        packets = tuple(sorted(p.name[len("packet-"):-len(".mdg")] for p in folder.glob("packet-*.mdg")))
        return DraftInfo(
            visit_id=folder.name, state=str(meta.get("state", "open")),
            created_at=_parse_time(meta.get("created_at")) or mtime,
            updated_at=_parse_time(meta.get("updated_at")) or mtime,
            printed_at=_parse_time(meta.get("printed_at")),
            has_draft=(folder / DRAFT_FILE).exists(), packets=packets)

    def list_all(self) -> list[DraftInfo]:
        if not self.directory.is_dir():
            return []
        folders = [p for p in self.directory.iterdir() if p.is_dir() and _ID.match(p.name)]
        return sorted((self._info(p) for p in folders), key=lambda info: info.updated_at)

    def list_open(self) -> list[DraftInfo]:
        """Visits with a draft that were not finished: what the counter offers to resume."""
        return [info for info in self.list_all() if info.has_draft and info.state != "done"]

    def delete(self, visit_id: str) -> bool:
        """Remove everything of the visit (draft, packets, meta). True if something was there."""
        folder = self._visit_dir(visit_id)
        if not folder.exists():
            return False
        for child in folder.iterdir():
            _overwrite_and_unlink(child)
        shutil.rmtree(folder, ignore_errors=True)
        return True

    # --- packets --------------------------------------------------------------------------------
    def save_packet(self, visit_id: str, name: str, pdf: bytes) -> None:
        if not _PACKET.match(name):
            raise InputError("帳票の名前が正しくありません。", "the packet name is not valid.")
        folder = self._ensure(visit_id)
        write_encrypted(folder / f"packet-{name}.mdg", pdf, self.key, f"{visit_id}/{name}".encode())
        self._write_meta(visit_id)

    def load_packet(self, visit_id: str, name: str) -> bytes | None:
        if not _PACKET.match(name):
            raise InputError("帳票の名前が正しくありません。", "the packet name is not valid.")
        path = self._visit_dir(visit_id) / f"packet-{name}.mdg"
        if not path.exists():
            return None
        return read_encrypted(path, self.key, f"{visit_id}/{name}".encode())


def _overwrite_and_unlink(path: Path) -> None:
    """Overwrite before unlinking: a cheap best effort against undelete tools (the data is
    encrypted anyway; SSDs may keep old blocks, which is why encryption comes first)."""
    try:
        if path.is_file():
            size = path.stat().st_size
            with open(path, "r+b") as handle:
                handle.write(b"\0" * size)
                handle.flush()
                os.fsync(handle.fileno())
        path.unlink(missing_ok=True)
    except IsADirectoryError:
        shutil.rmtree(path, ignore_errors=True)
    except OSError:
        path.unlink(missing_ok=True)
