"""Logging: a rotating file in the user log directory, stderr with ``-v``.

Log lines carry ids and actions, never a resident's personal data. As a second line of
defence a filter masks anything shaped like an individual number, a phone number or a
date of birth that slipped into a message.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import sys

from madoguchi import paths

_MASKS = (
    re.compile(r"(?<!\d)\d{12}(?!\d)"),  # individual number / license number
    re.compile(r"(?<!\d)\d{4}[ \-\u3000]\d{4}[ \-\u3000]\d{4}(?!\d)"),  # the same, grouped as on the card
    re.compile(r"[０-９]{4,}"),  # full-width digits: numbers typed or read from a card
    re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)"),  # ISO dates (birth dates)
    re.compile(r"(?<!\d)0\d{1,4}-\d{1,4}-\d{3,4}(?!\d)"),  # phone numbers
)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = message
        for pattern in _MASKS:
            masked = pattern.sub("***", masked)
        if masked != message:
            record.msg, record.args = masked, None
        return True


_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_configured = False


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """The log file (and each one after a rollover) readable by its owner only (0600)."""

    def _open(self):  # noqa: ANN202 - stdlib signature
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if sys.platform != "win32":
            os.fchmod(fd, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


def setup_logging(verbose: bool = False) -> None:
    """Configure the root ``madoguchi`` logger once per process."""
    global _configured
    logger = logging.getLogger("madoguchi")
    if _configured:
        if verbose:
            _add_stderr(logger)
        return
    _configured = True
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False
    try:
        directory = paths.ensure_dir(paths.log_dir())
        handler: logging.Handler = _PrivateRotatingFileHandler(
            directory / "madoguchi.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(RedactingFilter())
    logger.addHandler(handler)
    if verbose:
        _add_stderr(logger)


def _add_stderr(logger: logging.Logger) -> None:
    if any(getattr(h, "_madoguchi_stderr", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler()
    handler._madoguchi_stderr = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(RedactingFilter())
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
