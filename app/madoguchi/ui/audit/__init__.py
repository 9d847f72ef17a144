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


def read_only_table(headers: list[str], object_name: str):  # noqa: ANN201 - QTableWidget, imported lazily
    """A row-selecting, non-editable table sized to its contents (the audit and account lists)."""
    from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget

    table = QTableWidget(0, len(headers))
    table.setObjectName(object_name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def add_labelled_rows(form, rows) -> None:  # noqa: ANN001 - QFormLayout, [(label text, editor)]
    """Each editor with a label whose mnemonic (&X) moves the focus to it."""
    from PySide6.QtWidgets import QLabel

    for text, editor in rows:
        label = QLabel(text)
        label.setBuddy(editor)
        form.addRow(label, editor)
