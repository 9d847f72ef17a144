"""Printing a packet through the OS print system, and checking what became of the job.

Qt-free core for CUPS (Linux, macOS): the PDF goes to CUPS as a PDF (``lp``), so the text
survives to the printer; the printer's and the job's state are read over IPP from the local
CUPS server (a tiny IPP client below: three operations, no dependency). Every way a print
can fail — a printer that is missing, switched off, paused, out of paper, a job held or
aborted — becomes :class:`~madoguchi.errors.PrinterUnavailable` in plain words; the caller
keeps the packet and offers re-print. Windows prints through QPrinter (``madoguchi.ui.printing``).

Building the command is separate from running it (Vorta's habit) so it is tested without a
printer: :func:`lp_command`.
"""

from __future__ import annotations

import getpass
import http.client
import logging
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any

from madoguchi.errors import PrinterUnavailable

log = logging.getLogger(__name__)

PAPER_MEDIA = {"A4": "A4", "A3": "A3", "B4": "B4", "B5": "B5", "Letter": "Letter"}
_C_LOCALE = {"LC_ALL": "C", "LANG": "C"}


@dataclass(frozen=True)
class PrintOptions:
    """Where and how to print: from the settings (``printer_name``, ``paper``, ``duplex``)."""

    printer: str = ""  # empty: the system's default printer
    paper: str = "A4"
    duplex: bool = False
    copies: int = 1
    title: str = "madoguchi"  # never a resident's name: job titles are visible to every user

    @classmethod
    def from_settings(cls, settings: Any, title: str = "madoguchi") -> PrintOptions:
        return cls(printer=settings.printer_name, paper=settings.paper, duplex=settings.duplex, title=title)


class JobState(IntEnum):
    """IPP job-state values (RFC 8011 §5.3.7)."""

    PENDING = 3
    HELD = 4
    PROCESSING = 5
    STOPPED = 6
    CANCELED = 7
    ABORTED = 8
    COMPLETED = 9


class PrinterState(IntEnum):
    IDLE = 3
    PROCESSING = 4
    STOPPED = 5


@dataclass(frozen=True)
class PrinterStatus:
    name: str
    state: PrinterState
    accepting: bool
    reasons: tuple[str, ...] = ()
    message: str = ""


@dataclass(frozen=True)
class JobStatus:
    state: JobState
    reasons: tuple[str, ...] = ()
    pages_done: int = 0


@dataclass
class PrintJob:
    """A job handed to the OS: its id, its printer, and how long the hand-over took."""

    printer: str
    job_id: int
    submitted_seconds: float = 0.0
    final_state: JobState | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.printer}-{self.job_id}"


# --- plain words ----------------------------------------------------------------------------------
def _missing(printer: str) -> PrinterUnavailable:
    if not printer:
        return PrinterUnavailable(
            "既定のプリンタが設定されていません。設定画面で帳票プリンタを選んでから、再印刷してください。",
            "No default printer is set. Choose the form printer in Settings, then print again.")
    return PrinterUnavailable(
        f"プリンタ「{printer}」が見つかりません。プリンタ名の設定と接続を確認してから、再印刷してください。",
        f"The printer '{printer}' was not found. Check the printer name in Settings and its connection, then print again.")


def _no_print_system() -> PrinterUnavailable:
    return PrinterUnavailable(
        "印刷システム（CUPS）に接続できません。情報システム担当に連絡してください。帳票は保持しています。",
        "The print system (CUPS) cannot be reached. Call IT; the packet is kept.")


def problem_for_printer(status: PrinterStatus) -> PrinterUnavailable | None:
    """The plain-words problem a printer's state means, or None when it can print."""
    reasons = " ".join(status.reasons)
    name = status.name
    if "media-empty" in reasons or "media-needed" in reasons:
        return PrinterUnavailable(
            f"プリンタ「{name}」の用紙がありません。用紙を補充してから「再印刷」を押してください。",
            f"The printer '{name}' is out of paper. Refill it, then press Re-print.")
    if "media-jam" in reasons:
        return PrinterUnavailable(
            f"プリンタ「{name}」で紙が詰まりました。紙を取り除いてから「再印刷」を押してください。",
            f"Paper is jammed in the printer '{name}'. Clear it, then press Re-print.")
    if "offline" in reasons or "shutdown" in reasons:
        return PrinterUnavailable(
            f"プリンタ「{name}」の電源が切れているか、接続されていません。電源とケーブルを確認してから「再印刷」を押してください。",
            f"The printer '{name}' is off or not connected. Check its power and cable, then press Re-print.")
    if not status.accepting:
        return PrinterUnavailable(
            f"プリンタ「{name}」は印刷を受け付けていません。情報システム担当に連絡してください。帳票は保持しています。",
            f"The printer '{name}' is not accepting jobs. Call IT; the packet is kept.")
    if status.state == PrinterState.STOPPED:
        return PrinterUnavailable(
            f"プリンタ「{name}」は停止しています（電源・用紙・エラー表示を確認してください）。直したら「再印刷」を押してください。",
            f"The printer '{name}' is stopped (check its power, paper and error light). Then press Re-print.")
    return None


def problem_for_job(job: PrintJob, status: JobStatus, printer: PrinterStatus | None) -> PrinterUnavailable | None:
    """The problem a job's state means (None while it is fine or done)."""
    if status.state in (JobState.PENDING, JobState.PROCESSING, JobState.STOPPED) and printer is not None:
        problem = problem_for_printer(printer)
        if problem is not None:
            return problem
    if status.state == JobState.HELD:
        return PrinterUnavailable(
            f"印刷が保留されています（{job.name}）。プリンタを確認してから「再印刷」を押してください。",
            f"The print job {job.name} is held. Check the printer, then press Re-print.")
    if status.state == JobState.STOPPED:
        return PrinterUnavailable(
            f"印刷が途中で止まりました（{job.name}）。プリンタを確認してから「再印刷」を押してください。",
            f"The print job {job.name} stopped. Check the printer, then press Re-print.")
    if status.state in (JobState.CANCELED, JobState.ABORTED):
        return PrinterUnavailable(
            f"印刷が取り消されました（{job.name}）。プリンタを確認してから「再印刷」を押してください。",
            f"The print job {job.name} was cancelled or aborted. Check the printer, then press Re-print.")
    return None


# --- a tiny IPP client ----------------------------------------------------------------------------
_OP_CANCEL_JOB = 0x0008
_OP_GET_JOB_ATTRIBUTES = 0x0009
_OP_GET_JOBS = 0x000A
_OP_GET_PRINTER_ATTRIBUTES = 0x000B
_TAG_OPERATION = 0x01
_TAG_END = 0x03
_TAG_INTEGER, _TAG_BOOLEAN, _TAG_ENUM = 0x21, 0x22, 0x23
_TAG_NAME, _TAG_KEYWORD, _TAG_URI, _TAG_CHARSET, _TAG_LANGUAGE = 0x42, 0x44, 0x45, 0x47, 0x48
_TEXT_TAGS = {0x41, 0x42, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49}
_STATUS_NOT_FOUND = 0x0406


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self._path)
        self.sock = sock


def _cups_server() -> str:
    server = os.environ.get("CUPS_SERVER", "")
    if server:
        return server
    for path in ("/run/cups/cups.sock", "/var/run/cups/cups.sock", "/private/var/run/cupsd"):
        if Path(path).exists():
            return path
    return "localhost:631"


def _connection(timeout: float = 5.0) -> http.client.HTTPConnection:
    server = _cups_server()
    if server.startswith("/"):
        return _UnixConnection(server, timeout)
    host, _, port = server.partition(":")
    return http.client.HTTPConnection(host, int(port or 631), timeout=timeout)


def _attribute(tag: int, name: str, values: list[str | int]) -> bytes:
    out = b""
    for index, value in enumerate(values):
        if isinstance(value, bool):
            raw = b"\x01" if value else b"\x00"
        elif isinstance(value, int):
            raw = struct.pack(">i", value)
        else:
            raw = value.encode("utf-8")
        label = name.encode("ascii") if index == 0 else b""
        out += struct.pack(">BH", tag, len(label)) + label + struct.pack(">H", len(raw)) + raw
    return out


def _request(operation: int, target: list[bytes]) -> bytes:
    body = struct.pack(">BBHI", 2, 0, operation, 1) + bytes([_TAG_OPERATION])
    body += _attribute(_TAG_CHARSET, "attributes-charset", ["utf-8"])
    body += _attribute(_TAG_LANGUAGE, "attributes-natural-language", ["en"])
    body += b"".join(target)
    body += _attribute(_TAG_NAME, "requesting-user-name", [getpass.getuser()])
    return body + bytes([_TAG_END])


def parse_ipp_response(data: bytes) -> tuple[int, dict[str, list[Any]]]:
    """(status code, attributes by name) of an IPP response; groups are merged (we ask for one object)."""
    status, groups = parse_ipp_groups(data)
    merged: dict[str, list[Any]] = {}
    for group in groups:
        for name, values in group.items():
            merged.setdefault(name, []).extend(values)
    return status, merged


def parse_ipp_groups(data: bytes) -> tuple[int, list[dict[str, list[Any]]]]:
    """(status code, one attribute dict per group): Get-Jobs answers one group per job."""
    status = struct.unpack(">H", data[2:4])[0]
    groups: list[dict[str, list[Any]]] = []
    attributes: dict[str, list[Any]] = {}
    position, last = 8, ""
    while position < len(data):
        tag = data[position]
        position += 1
        if tag == _TAG_END:
            break
        if tag < 0x10:  # the start of the next attribute group
            if attributes:
                groups.append(attributes)
            attributes, last = {}, ""
            continue
        name_length = struct.unpack(">H", data[position:position + 2])[0]
        name = data[position + 2:position + 2 + name_length].decode("ascii", "replace")
        position += 2 + name_length
        value_length = struct.unpack(">H", data[position:position + 2])[0]
        raw = data[position + 2:position + 2 + value_length]
        position += 2 + value_length
        if tag in (_TAG_INTEGER, _TAG_ENUM) and value_length == 4:
            value: Any = struct.unpack(">i", raw)[0]
        elif tag == _TAG_BOOLEAN:
            value = raw == b"\x01"
        elif tag in _TEXT_TAGS:
            value = raw.decode("utf-8", "replace")
        else:
            value = raw
        if name:
            last = name
            attributes.setdefault(name, []).append(value)
        elif last:
            attributes[last].append(value)
    if attributes:
        groups.append(attributes)
    return status, groups


def _ipp(operation: int, path: str, target: list[bytes]) -> tuple[int, dict[str, list[Any]]]:
    return parse_ipp_response(_ipp_raw(operation, path, target))


def _ipp_raw(operation: int, path: str, target: list[bytes]) -> bytes:
    try:
        connection = _connection()
        try:
            connection.request("POST", path, _request(operation, target), {"Content-Type": "application/ipp"})
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
    except OSError as exc:
        log.warning("CUPS not reachable: %s", exc.__class__.__name__)
        raise _no_print_system() from exc
    if response.status != 200 or len(data) < 8:
        raise _no_print_system()
    return data


def _printer_uri(name: str) -> str:
    return f"ipp://localhost/printers/{name}"


def printer_status(name: str) -> PrinterStatus | None:
    """The printer's state over IPP, or None when CUPS has no such printer."""
    wanted = ["printer-state", "printer-state-reasons", "printer-is-accepting-jobs", "printer-state-message"]
    status, attrs = _ipp(_OP_GET_PRINTER_ATTRIBUTES, f"/printers/{name}",
                         [_attribute(_TAG_URI, "printer-uri", [_printer_uri(name)]),
                          _attribute(_TAG_KEYWORD, "requested-attributes", wanted)])
    if status == _STATUS_NOT_FOUND or "printer-state" not in attrs:
        return None
    reasons = tuple(r for r in attrs.get("printer-state-reasons", []) if r != "none")
    return PrinterStatus(name, PrinterState(attrs["printer-state"][0]),
                         bool(attrs.get("printer-is-accepting-jobs", [True])[0]), reasons,
                         str(attrs.get("printer-state-message", [""])[0]))


def job_status(job: PrintJob) -> JobStatus:
    wanted = ["job-state", "job-state-reasons", "job-media-sheets-completed"]
    status, attrs = _ipp(_OP_GET_JOB_ATTRIBUTES, "/jobs",
                         [_attribute(_TAG_URI, "printer-uri", [_printer_uri(job.printer)]),
                          _attribute(_TAG_INTEGER, "job-id", [job.job_id]),
                          _attribute(_TAG_KEYWORD, "requested-attributes", wanted)])
    if status == _STATUS_NOT_FOUND or "job-state" not in attrs:
        # CUPS forgets finished jobs only when told to (PreserveJobHistory); a job it does not know was purged
        return JobStatus(JobState.COMPLETED, ("job-purged",))
    return JobStatus(JobState(attrs["job-state"][0]), tuple(attrs.get("job-state-reasons", [])),
                     int(attrs.get("job-media-sheets-completed", [0])[0]))


def cancel_job(job: PrintJob) -> None:
    """Cancel a job that is stuck, so a re-print never comes out twice."""
    _ipp(_OP_CANCEL_JOB, "/jobs", [_attribute(_TAG_URI, "printer-uri", [_printer_uri(job.printer)]),
                                    _attribute(_TAG_INTEGER, "job-id", [job.job_id])])


# --- nothing left in the spool --------------------------------------------------------------------
#: job names (titles) Madoguchi gives its jobs start with this; never a resident's name
JOB_NAME_PREFIX = "madoguchi"
_JOB_DONE_STATES = (JobState.COMPLETED, JobState.CANCELED, JobState.ABORTED)


def purge_job(job: PrintJob) -> bool:
    """Remove our finished job and its document files from CUPS's spool at once (IPP Cancel-Job
    with ``purge-job``, what ``cancel -x`` does), instead of waiting for ``PreserveJobFiles``.
    A failure is logged, never raised: the packet has printed."""
    try:
        status, _attrs = _ipp(_OP_CANCEL_JOB, "/jobs", [
            _attribute(_TAG_URI, "job-uri", [f"ipp://localhost/jobs/{job.job_id}"]),
            _attribute(_TAG_BOOLEAN, "purge-job", [True])])
    except PrinterUnavailable:
        return False
    if status >= 0x0400 and status != _STATUS_NOT_FOUND:
        log.warning("CUPS did not purge job %d (IPP status 0x%04x)", job.job_id, status)
        return False
    return True


def finished_jobs_of_ours() -> list[PrintJob]:
    """This user's finished Madoguchi jobs CUPS still keeps (IPP Get-Jobs, my-jobs)."""
    if not cups_available():
        return []
    status, groups = parse_ipp_groups(_ipp_raw(_OP_GET_JOBS, "/", [
        _attribute(_TAG_URI, "printer-uri", ["ipp://localhost/"]),
        _attribute(_TAG_KEYWORD, "which-jobs", ["completed"]),
        _attribute(_TAG_BOOLEAN, "my-jobs", [True]),
        _attribute(_TAG_KEYWORD, "requested-attributes", ["job-id", "job-name", "job-state"])]))
    if status >= 0x0400:
        return []
    return [PrintJob("", int(job["job-id"][0])) for job in groups
            if job.get("job-id") and str(job.get("job-name", [""])[0]).startswith(JOB_NAME_PREFIX)
            and job.get("job-state", [0])[0] in _JOB_DONE_STATES]


def purge_finished_jobs() -> int:
    """Purge every finished Madoguchi job still in the spool (``madoguchi purge``); the count."""
    return sum(purge_job(job) for job in finished_jobs_of_ours())


# --- lp -------------------------------------------------------------------------------------------
def cups_available() -> bool:
    return shutil.which("lp") is not None


def default_printer() -> str:
    """The system's default destination ('' when there is none)."""
    lpstat = shutil.which("lpstat")
    if lpstat is None:
        return ""
    completed = subprocess.run([lpstat, "-d"], capture_output=True, text=True, check=False,
                               env={**os.environ, **_C_LOCALE}, timeout=10)
    prefix = "system default destination:"
    for line in completed.stdout.splitlines():
        if line.startswith(prefix):
            return line[len(prefix):].strip()
    return ""


def lp_command(options: PrintOptions, pdf_path: Path, printer: str) -> list[str]:
    """The ``lp`` command line for one packet (a PDF, so CUPS keeps its text)."""
    media = PAPER_MEDIA.get(options.paper, "A4")
    sides = "two-sided-long-edge" if options.duplex else "one-sided"
    return ["lp", "-d", printer, "-t", options.title, "-n", str(max(1, options.copies)),
            "-o", f"media={media}", "-o", f"sides={sides}", "-o", "fit-to-page=false", "--", str(pdf_path)]


def check_printer(printer: str) -> PrinterStatus:
    """The printer's status; PrinterUnavailable in plain words if it cannot print now."""
    if not printer:
        raise _missing(printer)
    status = printer_status(printer)
    if status is None:
        raise _missing(printer)
    problem = problem_for_printer(status)
    if problem is not None:
        raise problem
    return status


def submit_pdf(pdf: bytes, options: PrintOptions) -> PrintJob:
    """Hand the PDF to CUPS; return the job. Refuses (PrinterUnavailable) when the printer cannot print now,
    so a job never waits in a stopped queue to come out later beside its re-print."""
    if not cups_available():
        raise _no_print_system()
    started = time.perf_counter()
    printer = options.printer or default_printer()
    check_printer(printer)
    with tempfile.TemporaryDirectory(prefix="madoguchi-print-") as folder:
        path = Path(folder) / "packet.pdf"
        path.write_bytes(pdf)
        command = lp_command(options, path, printer)
        command[0] = shutil.which("lp") or "lp"
        completed = subprocess.run(command, capture_output=True, text=True, check=False,
                                   env={**os.environ, **_C_LOCALE}, timeout=30)
    if completed.returncode != 0:
        log.warning("lp failed: %s", completed.stderr.strip()[:200])
        if "not exist" in completed.stderr or "Unknown destination" in completed.stderr:
            raise _missing(printer)
        raise PrinterUnavailable(
            f"プリンタ「{printer}」が印刷を受け付けませんでした（{completed.stderr.strip()[:80]}）。「再印刷」を押すか、情報システム担当に連絡してください。",
            f"The printer '{printer}' refused the job ({completed.stderr.strip()[:80]}). Press Re-print or call IT.")
    job_id = _job_id(completed.stdout, printer)
    return PrintJob(printer, job_id, time.perf_counter() - started)


def _job_id(stdout: str, printer: str) -> int:
    # "request id is PRINTER-42 (1 file(s))"
    for word in stdout.split():
        if word.startswith(printer + "-") and word[len(printer) + 1:].isdigit():
            return int(word[len(printer) + 1:])
    raise PrinterUnavailable("印刷ジョブの番号を確認できませんでした。プリンタの出力を確認してください。",
                             f"The print job number could not be read ({stdout.strip()[:80]}); check the printer's output.")


def follow_job(job: PrintJob, *, timeout: float = 120.0, interval: float = 0.2,
               on_progress: Callable[[JobStatus], None] | None = None) -> PrintJob:
    """Follow the job until the printer has it all; PrinterUnavailable (with ``job`` attached) if it stalls."""
    deadline = time.monotonic() + timeout
    while True:
        status = job_status(job)
        if on_progress is not None:
            on_progress(status)
        if status.state == JobState.COMPLETED:
            job.final_state = status.state
            purge_job(job)  # its document files must not wait in the spool for PreserveJobFiles
            return job
        printer = printer_status(job.printer)
        problem = problem_for_job(job, status, printer)
        if problem is None and printer is None:
            problem = _missing(job.printer)
        if problem is not None:
            job.final_state = status.state
            problem.job = job  # type: ignore[attr-defined] - the UI cancels it before a re-print
            raise problem
        if time.monotonic() > deadline:
            problem = PrinterUnavailable(
                f"印刷がまだ終わっていません（{job.name}）。プリンタを確認し、出ていなければ「再印刷」を押してください。",
                f"The print job {job.name} has not finished. Check the printer; if nothing came out, press Re-print.")
            problem.job = job  # type: ignore[attr-defined]
            raise problem
        time.sleep(interval)


def print_pdf(pdf: bytes, options: PrintOptions, *, timeout: float = 120.0) -> PrintJob:
    """Submit and follow: returns when the job is complete, raises PrinterUnavailable otherwise."""
    return follow_job(submit_pdf(pdf, options), timeout=timeout)


def save_pdf(pdf: bytes, path: Path) -> Path:
    """Save the packet where the clerk chose (the 'save PDF' path); atomic so a half file never remains."""
    from madoguchi.paths import write_file

    return write_file(Path(path), pdf)  # owner-only: the packet holds a resident's data
