from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.cups import CupsQueue, cups_pdf_queue


@pytest.fixture(scope="session")
def cups_queue() -> Iterator[CupsQueue]:
    """A real CUPS queue writing PDFs (cupsd started by the session when it is not running)."""
    with cups_pdf_queue() as queue:
        yield queue
