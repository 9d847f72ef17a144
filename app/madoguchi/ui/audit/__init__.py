"""The 監査 workspace, and the one way views record an audited action."""

from __future__ import annotations

from typing import Any

from madoguchi.ui.context import AppContext


def record(context: AppContext, action: str, visit_id: str | None = None,
           detail_ids: dict[str, Any] | None = None, actor: str | None = None) -> None:
    """Append an audit row off the UI thread (ids and actions only, never personal data).

    ``actor`` defaults to the signed-in user's login. Without a database nothing is
    recorded (the banner already says the database is offline).
    """
    from madoguchi.privacy.audit import AuditLog
    from madoguchi.ui.workers import run_in_background

    database = context.database
    if database is None:
        return
    login = actor or (context.user.login if context.user else "-")
    run_in_background(AuditLog(database).record, login, str(action), visit_id, detail_ids, on_error=_failed)


def _failed(error: BaseException) -> None:
    import logging

    logging.getLogger(__name__).error("audit record failed: %s", error.__class__.__name__)
