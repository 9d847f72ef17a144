"""A real CUPS queue that writes PDFs (Debian's cups + printer-driver-cups-pdf), for print tests.

The session starts ``cupsd`` in the foreground as its own child when no scheduler is running
(and stops it at the end), adds the queue ``madoguchi-pdf`` whose output folder is fixed by a
per-queue cups-pdf config (``/etc/cups/cups-pdf-<name>.conf``, chosen by the device URI), and
renders PDFs with pdftocairo so the text of the packet survives into what CUPS wrote.
Needs root (it writes /etc/cups), as on CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support import requirements

QUEUE = "madoguchi-pdf"
OUT_DIR = Path("/var/spool/cups-pdf/madoguchi-test")
PPD_CANDIDATES = ("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd", "/usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd")
_ENV = {**os.environ, "LC_ALL": "C", "LANG": "C"}


@dataclass
class CupsQueue:
    name: str
    out_dir: Path

    def output_for(self, job_id: int, timeout: float = 30.0) -> Path:
        """The PDF cups-pdf wrote for ``job_id`` (its file name ends in job_<id>.pdf)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [p for p in self.out_dir.glob(f"*job_{job_id}.pdf") if p.stat().st_size > 0]
            if found:
                return found[0]
            time.sleep(0.1)
        raise AssertionError(f"cups-pdf wrote nothing for job {job_id} in {self.out_dir}")

    def disable(self) -> None:
        subprocess.run(["cupsdisable", self.name], check=True, env=_ENV)

    def enable(self) -> None:
        subprocess.run(["cupsenable", self.name], check=True, env=_ENV)


def scheduler_running() -> bool:
    completed = subprocess.run(["lpstat", "-r"], capture_output=True, text=True, env=_ENV, check=False)
    return "scheduler is running" in completed.stdout and "not" not in completed.stdout


def _ppd() -> str | None:
    return next((p for p in PPD_CANDIDATES if Path(p).exists()), None)


@contextmanager
def cups_pdf_queue() -> Iterator[CupsQueue]:
    for tool in ("cupsd", "lpadmin", "lp", "lpstat", "cupsenable", "cupsdisable"):
        requirements.require_executable(tool, "cups")
    requirements.require_executable("pdftotext", "poppler-utils")
    ppd = _ppd()
    if ppd is None or not Path("/usr/lib/cups/backend/cups-pdf").exists():
        requirements.missing("cups-pdf (Debian package printer-driver-cups-pdf)")
    if os.geteuid() != 0:
        requirements.missing("root, to configure the cups-pdf test queue")
    started: subprocess.Popen | None = None
    if not scheduler_running():
        started = subprocess.Popen([shutil.which("cupsd") or "cupsd", "-f"], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while not scheduler_running():
            if started.poll() is not None or time.monotonic() > deadline:
                started.kill()
                raise RuntimeError("cupsd did not start")
            time.sleep(0.1)
    try:
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        for old in OUT_DIR.glob("*.pdf"):
            old.unlink()
        Path(f"/etc/cups/cups-pdf-{QUEUE}.conf").write_text(f"Out {OUT_DIR}\nAnonDirName {OUT_DIR}\n",
                                                             encoding="utf-8")
        subprocess.run(["lpadmin", "-p", QUEUE, "-v", f"cups-pdf:/{QUEUE}", "-P", ppd, "-E",
                        "-o", "pdftops-renderer-default=pdftocairo", "-o", "printer-error-policy=abort-job"],
                       check=True, capture_output=True, env=_ENV)
        queue = CupsQueue(QUEUE, OUT_DIR)
        queue.enable()
        yield queue
    finally:
        if started is not None:
            started.terminate()
            try:
                started.wait(10)
            except subprocess.TimeoutExpired:
                started.kill()
