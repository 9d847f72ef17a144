"""Retention: a visit's data is deleted after printing plus a hold, and at the set time.

What is purged:

- drafts and packets in the draft store (:mod:`madoguchi.privacy.drafts`) past their hold;
- our temporary files (:func:`temp_dir`, and this user's ``madoguchi-visit-*`` entries in
  the system temp folder) past the same hold;
- rows of other parts' tables through :func:`register_purger` (a part that keeps visit data
  in the database registers how to delete it before a cut-off).

Setting ``retention``: ``end_of_day`` (default) keeps a visit's data until the day's
``purge_time`` (or until midnight when it was touched after that time); a number of hours
``H`` keeps it ``H`` hours after printing (or after the last change for unfinished drafts).
``0`` deletes at the next purge. Visits open on this PC's screen are never purged from under
the clerk (``keep``). The audit log is not purged: it holds ids and actions only.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from madoguchi import paths
from madoguchi.config import Settings
from madoguchi.privacy.drafts import DraftInfo, DraftStore, _overwrite_and_unlink
from madoguchi.store.db import Database

log = logging.getLogger(__name__)

#: the prefix of our entries in the system temp folder; nothing else there is ever touched
TEMP_PREFIX = "madoguchi-visit-"

#: name → function(database, cutoff) -> number of rows deleted; see :func:`register_purger`
PURGERS: dict[str, Callable[[Database, datetime], int]] = {}


def register_purger(name: str, purger: Callable[[Database, datetime], int]) -> None:
    """A part that stores visit data in the database registers how to delete rows older
    than the cut-off (an aware UTC datetime). Register at import of the part's module."""
    PURGERS[name] = purger


def temp_dir() -> Path:
    """Our own temporary folder (print spool files, previews): purged with the visits."""
    return paths.ensure_dir(paths.cache_dir() / "tmp")


def temporary_path(suffix: str = "") -> Path:
    """A new file path in :func:`temp_dir` for data that must not outlive the visit."""
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=suffix, dir=temp_dir())
    os.close(fd)
    return Path(name)


@dataclass
class PurgeReport:
    at: datetime
    drafts_deleted: int = 0
    temp_files_deleted: int = 0
    rows_deleted: dict[str, int] = field(default_factory=dict)
    kept_open: int = 0
    #: finished print jobs of ours purged from CUPS's spool (document files and history)
    spool_jobs_purged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (self.drafts_deleted + self.temp_files_deleted + sum(self.rows_deleted.values())
                + self.spool_jobs_purged)

    def summary(self, language: str = "ja") -> str:
        rows = sum(self.rows_deleted.values())
        if language == "ja":
            text = (f"消去しました: 下書き {self.drafts_deleted} 件、一時ファイル {self.temp_files_deleted} 件、"
                    f"データベースの行 {rows} 件、印刷スプールのジョブ {self.spool_jobs_purged} 件")
            return text + (f"（画面で使用中の {self.kept_open} 件は保持）" if self.kept_open else "")
        text = (f"purged: {self.drafts_deleted} drafts, {self.temp_files_deleted} temporary files, "
                f"{rows} database rows, {self.spool_jobs_purged} print jobs in the spool")
        return text + (f" ({self.kept_open} in use on screen kept)" if self.kept_open else "")

    def detail_ids(self) -> dict[str, int]:
        return {"drafts": self.drafts_deleted, "temp_files": self.temp_files_deleted,
                "rows": sum(self.rows_deleted.values()), "spool_jobs": self.spool_jobs_purged}


# --- when does data expire ----------------------------------------------------------------------
def purge_clock(settings: Settings) -> time:
    hours, minutes = settings.purge_time.split(":")
    return time(int(hours), int(minutes))


def expires_at(touched: datetime, settings: Settings) -> datetime:
    """When data last touched (printed, or saved) at ``touched`` must be gone (aware)."""
    touched = touched if touched.tzinfo else touched.replace(tzinfo=UTC)
    if settings.retention != "end_of_day":
        return touched + timedelta(hours=int(settings.retention))
    local = touched.astimezone()
    day_end = datetime.combine(local.date(), purge_clock(settings), tzinfo=local.tzinfo)
    if local >= day_end:
        day_end = datetime.combine(local.date() + timedelta(days=1), time.min, tzinfo=local.tzinfo)
    return day_end


def _touched(info: DraftInfo) -> datetime:
    return info.printed_at if info.state == "printed" and info.printed_at else info.updated_at


def cutoff(settings: Settings, now: datetime) -> datetime:
    """Rows of other parts last touched before this instant are expired (for PURGERS)."""
    if settings.retention != "end_of_day":
        return now - timedelta(hours=int(settings.retention))
    local = now.astimezone()
    today_purge = datetime.combine(local.date(), purge_clock(settings), tzinfo=local.tzinfo)
    return today_purge if local >= today_purge else datetime.combine(local.date(), time.min, tzinfo=local.tzinfo)


# --- the purge ----------------------------------------------------------------------------------
def purge(database: Database | None, settings: Settings, now: datetime | None = None, *,
          keep: Iterable[str] = (), store: DraftStore | None = None, everything: bool = False) -> PurgeReport:
    """Delete what is past the retention. ``everything`` ignores the hold (``madoguchi purge --all``)."""
    now = now or datetime.now(UTC)
    now = now if now.tzinfo else now.astimezone()
    report = PurgeReport(at=now)
    keep_ids = set(keep)
    store = store or DraftStore(None)
    for info in store.list_all():
        if info.visit_id in keep_ids:
            report.kept_open += 1
            continue
        if everything or info.state == "done" or expires_at(_touched(info), settings) <= now:
            try:
                store.delete(info.visit_id)
                report.drafts_deleted += 1
            except OSError as exc:
                report.errors.append(f"draft: {exc.__class__.__name__}")
    report.temp_files_deleted = _purge_temp(settings, now, everything, report)
    report.spool_jobs_purged = _purge_spool(report)
    if database is not None:
        limit = now if everything else cutoff(settings, now)
        for name, purger in sorted(PURGERS.items()):
            report.rows_deleted[name] = int(purger(database, limit.astimezone(UTC)))
    log.info("purge: %d drafts, %d temp files, %d rows", report.drafts_deleted, report.temp_files_deleted,
             sum(report.rows_deleted.values()))
    return report


def _purge_spool(report: PurgeReport) -> int:
    """Finished print jobs of ours still in CUPS's spool (a job purged after printing leaves
    none; this catches one whose purge failed, or a PC that was switched off mid-job)."""
    from madoguchi import printing
    from madoguchi.errors import PrinterUnavailable

    try:
        return printing.purge_finished_jobs()
    except PrinterUnavailable:
        return 0  # no print system here: no spool to check
    except OSError as exc:
        report.errors.append(f"spool: {exc.__class__.__name__}")
        return 0


def _owned_by_us(path: Path) -> bool:
    getuid = getattr(os, "getuid", None)
    try:
        return getuid is None or path.lstat().st_uid == getuid()
    except OSError:
        return False


def system_temp_dir() -> Path:
    return Path(tempfile.gettempdir())


def system_temp_entries() -> list[Path]:
    """This user's ``madoguchi-visit-*`` entries in the system temp folder."""
    try:
        return [p for p in system_temp_dir().iterdir()
                if p.name.startswith(TEMP_PREFIX) and not p.is_symlink() and _owned_by_us(p)]
    except OSError:
        return []


def _temp_candidates() -> list[Path]:
    return list(temp_dir().iterdir()) + system_temp_entries()


def _purge_temp(settings: Settings, now: datetime, everything: bool, report: PurgeReport) -> int:
    deleted = 0
    for path in _temp_candidates():
        try:
            touched = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            if not everything and expires_at(touched, settings) > now:
                continue
            if path.is_dir():
                for child in path.rglob("*"):
                    if child.is_file():
                        _overwrite_and_unlink(child)
                shutil.rmtree(path, ignore_errors=True)
            else:
                _overwrite_and_unlink(path)
            deleted += 1
        except OSError as exc:
            report.errors.append(f"temp: {exc.__class__.__name__}")
    return deleted


def purge_and_audit(database: Database | None, settings: Settings, actor: str, *, now: datetime | None = None,
                    keep: Iterable[str] = (), store: DraftStore | None = None,
                    everything: bool = False) -> PurgeReport:
    """:func:`purge`, then an audit row ``purge`` with the counts (when a database is there)."""
    report = purge(database, settings, now, keep=keep, store=store, everything=everything)
    if database is not None:
        from madoguchi.privacy.audit import Action, AuditLog

        AuditLog(database).record(actor, Action.PURGE, detail_ids=report.detail_ids())
    return report


def purge_at_start(database: Database | None, settings: Settings, actor: str = "system",
                   keep: Iterable[str] = ()) -> PurgeReport:
    """What the app calls at start-up (in the background): everything already expired."""
    return purge_and_audit(database, settings, actor, keep=keep)


# --- the schedule the UI drives -----------------------------------------------------------------
class PurgeSchedule:
    """When the next automatic purge is due; the UI arms a QTimer with :meth:`seconds_until_next`
    and calls :func:`purge_and_audit` when it fires (then re-arms)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def next_run(self, now: datetime | None = None) -> datetime:
        now = (now or datetime.now(UTC)).astimezone()
        today = datetime.combine(now.date(), purge_clock(self.settings), tzinfo=now.tzinfo)
        candidates = [today if today > now else today + timedelta(days=1)]
        if self.settings.retention != "end_of_day":
            # hour-based holds expire all day long: look again every 15 minutes
            candidates.append(now + timedelta(minutes=15))
        else:
            candidates.append(datetime.combine(now.date() + timedelta(days=1), time.min, tzinfo=now.tzinfo))
        return min(candidates)

    def seconds_until_next(self, now: datetime | None = None) -> int:
        now = (now or datetime.now(UTC)).astimezone()
        return max(1, int((self.next_run(now) - now).total_seconds()) + 1)
