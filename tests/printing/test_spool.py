"""Issue 13: a printed packet must not stay in CUPS's spool as a job file (Debian keeps them
24 h by default). Real CUPS with cups-pdf: the spool folder itself is looked at."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from madoguchi import printing
from madoguchi.printing import JobState, PrintOptions
from tests.printing.test_printing import _packet

pytestmark = pytest.mark.cups

SPOOL = Path("/var/spool/cups")


def _spool_files(job_id: int) -> list[Path]:
    return sorted(SPOOL.glob(f"d{job_id:05d}-*")) + sorted(SPOOL.glob(f"c{job_id:05d}"))


def _wait_completed(job: printing.PrintJob, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while printing.job_status(job).state != JobState.COMPLETED:
        assert time.monotonic() < deadline, "the job did not complete"
        time.sleep(0.2)


def test_our_job_leaves_nothing_in_the_spool(cups_queue) -> None:  # noqa: ANN001
    if not os.access(SPOOL, os.R_OK):
        pytest.skip("the CUPS spool folder is not readable here (needs root, as on CI)")
    job = printing.print_pdf(_packet(2), PrintOptions(cups_queue.name), timeout=60)
    assert job.final_state == JobState.COMPLETED
    assert cups_queue.output_for(job.job_id).exists()  # it did print
    assert _spool_files(job.job_id) == []
    assert printing.job_status(job).reasons == ("job-purged",)  # CUPS no longer knows it


def test_purge_finds_a_finished_job_left_in_the_spool(cups_queue, madoguchi_home: Path) -> None:  # noqa: ANN001
    if not os.access(SPOOL, os.R_OK):
        pytest.skip("the CUPS spool folder is not readable here (needs root, as on CI)")
    # a job whose own purge never ran (the PC was switched off right after printing)
    done = subprocess.run(["lp", "-d", cups_queue.name, "-t", "madoguchi", "-"], input=_packet(1),
                          capture_output=True, check=True, env={**os.environ, "LC_ALL": "C"})
    job = printing.PrintJob(cups_queue.name, printing._job_id(done.stdout.decode(), cups_queue.name))
    _wait_completed(job)
    assert _spool_files(job.job_id), "CUPS kept no job file (PreserveJobFiles off?): nothing to test"
    assert any(j.job_id == job.job_id for j in printing.finished_jobs_of_ours())
    result = subprocess.run([sys.executable, "-m", "madoguchi", "--lang", "en", "purge"], capture_output=True,
                            text=True, timeout=120, check=False, env={**os.environ, "MADOGUCHI_HOME": str(madoguchi_home)})
    assert result.returncode == 0, result.stderr
    assert "print jobs in the spool" in result.stdout
    assert _spool_files(job.job_id) == []


def test_other_peoples_jobs_are_left_alone(cups_queue) -> None:  # noqa: ANN001
    done = subprocess.run(["lp", "-d", cups_queue.name, "-t", "payroll", "-"], input=_packet(1),
                          capture_output=True, check=True, env={**os.environ, "LC_ALL": "C"})
    job = printing.PrintJob(cups_queue.name, printing._job_id(done.stdout.decode(), cups_queue.name))
    _wait_completed(job)
    assert all(j.job_id != job.job_id for j in printing.finished_jobs_of_ours())
