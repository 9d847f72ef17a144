"""The counter visit as a Qt-free use case: who → card → check → what → preview → print → done.

- :mod:`.flow` — the visit's state machine (:class:`~.flow.VisitFlow`), the one object the
  counter's widgets present; it validates, completes and keeps what the clerk entered.
- :mod:`.check` — the Check step's field model and its validators.
- :mod:`.move` — where a move's addresses go on the resident record.
- :mod:`.catalogue` — the forms engine as the visit needs it (typed ``Question``s, life events).
- :mod:`.drafts` — the visit as an (unencrypted) draft payload and back.
- :mod:`.service` — the visit's outside world (reader, draft store, audit, queue, printer) as
  blocking methods the view runs in the background.

napari's habit: nothing here imports Qt (an import-linter contract), so the whole chain — card
image → checked record → forms → packet → print job → ticket served — runs without a display.
"""
