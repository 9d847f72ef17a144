"""Queue tickets, calls, wait estimates and congestion — the Qt-free core (issue 6).

Modules
-------
- ``model``     plain data: :class:`Ticket`, :class:`QueueEvent`, :class:`QueueState` (the fold
  of a day's events), :class:`TicketState`, :class:`EventKind`, the errors
  (:class:`QueueError` ⊃ ``TicketNotFound``, ``InvalidTransition``, ``UnknownService``,
  ``UnknownCounter``; all :class:`~madoguchi.errors.MadoguchiError` with ja/en messages).
- ``tables``    SQLAlchemy tables (Alembic branch ``queue``).
- ``service``   :class:`TicketQueue` — one branch's queue on a :class:`~madoguchi.store.db.Database`.
- ``estimate``  wait estimate (:class:`WaitEstimate`, value + 80 % range) and :func:`backtest` (MAE).
- ``kpi``       :func:`build_snapshot` → :class:`QueueSnapshot` (displays), :func:`new_calls`,
  :func:`day_kpis` → :class:`DayKpis` (supervisor), :func:`kpi_csv`.
- ``staffing``  Erlang C, :func:`counters_needed`, :func:`staffing_whatif` (checked by simulation).
- ``simulate``  discrete-event counter days (benchmark, tests, staffing check).
- ``notify``    :class:`QueueWatcher` — LISTEN/NOTIFY (PostgreSQL) or polling (SQLite), reconnects;
  :class:`SnapshotFeed` — a watcher that reloads the snapshot for you (coalesced, off the UI thread).
- ``web``       the small local congestion page (``madoguchi serve``); ``qr`` QR codes for receipts
  (the ticket in the URL fragment: ``…/#honcho/A-007``).
- ``publish``   one-way publishing out of the LGWAN segment (``madoguchi publish``): :func:`public_snapshot`
  (``status.json``: every branch, calls, the line in order with estimates, hours, hints; ticket labels,
  never names), the static page from ``resources/web/public/``, :class:`Publisher` (its own thread,
  every few seconds and on each change, back-off and log lines on failure).
- ``targets``   where it goes: :class:`FolderTarget` (temp file + rename), :class:`HttpTarget` (WebDAV PUT),
  :class:`S3Target` (SigV4); :func:`open_target` from ``--to``; :func:`probe` for selftest.

Every call that touches the database blocks (milliseconds; seconds when the server is
away): from Qt run it with ``madoguchi.ui.workers.run_in_background``. A lost database
raises :class:`~madoguchi.errors.DatabaseUnavailable`; nothing is half-committed, so the
same action can simply be tried again (issue with the same idempotency key).

Reception (受付)::

    queue = TicketQueue(database, settings.branch_id, terminal="reception-1")
    key = f"{terminal}:{uuid4()}"              # one key per button press *intent*; reuse it
    ticket = queue.issue("A", idempotency_key=key)   # pending: not waiting, not counted
    wait = queue.estimate(ticket)              # WaitEstimate for the receipt (minutes/low/high)
    qr = ticket_qr_png(status_page_url(base_url, queue.branch_id))
    ... print the receipt ...
    queue.confirm(ticket)                      # printed (or the clerk confirmed): it waits now
    queue.void(ticket, "印刷失敗")              # or: printing failed, the number stays on record

A double press within the same intent reuses ``key`` and gets the same ticket back. On
start, ``queue.expire_pending()`` voids tickets a stopped reception PC left pending.

Counter (窓口)::

    queue.open_counter(3, staff_id=user.id)    # optional: call_next opens it too
    ticket = queue.call_next(3, staff_id=user.id)   # None: nobody waits for this counter's services
    queue.recall(ticket); queue.served(ticket); queue.no_show(ticket)
    queue.transfer(ticket, "B", reason="…")    # keeps the original arrival time
    queue.requeue(ticket, reason="書類不足")      # back to the line, arrival time kept
    queue.call("A-012", 3, reason="予約")        # out of order: reason required and recorded
    queue.prioritise("A-015", "車いす利用", staff_id=supervisor.id)   # supervisor only (UI checks role)
    queue.close_counter(3)

Lobby display (表示) and supervisor (管理)::

    watcher = QueueWatcher(database, branch_id=..., on_change=..., on_status=...)
    watcher.start()          # callbacks come on the watcher's thread: re-emit as Qt signals
    # on_change(QueueChange): reload queue.snapshot() (debounce a little); kind "resync"
    #   comes after (re)connecting — reload everything
    # on_status(online, error): show/hide the オフライン banner; keep the last snapshot on screen
    # or simply: SnapshotFeed(queue, on_snapshot=..., on_status=...).start() — it does the
    # reloading on its own thread and keeps feed.latest while offline
    snapshot = queue.snapshot()              # services (waiting, longest wait, estimate, open counters),
                                             # counters (open, ticket at it, staff), calls (newest first)
    for call in new_calls(previous_snapshot, snapshot): announce(call)   # chime + voice
    kpis = day_kpis(queue.branch_id, queue.state(), queue.services(), queue.counters(), now,
                    alert_minutes=settings.wait_alert_minutes)
    csv_text = kpi_csv(kpis)
    advice = staffing_whatif(queue.branch_id, queue.state(), queue.services(), queue.counters(), now,
                             target_minutes=20)
    result = backtest(queue.events(day), queue.counters(), {s.id: s.default_minutes for s in queue.services()})
    watcher.stop()

Times are UTC ``datetime`` s; the office day and hours are Japan time (``model.BUSINESS_TZ``).
No queue table or message holds personal data: a ticket is a number, a service and times;
``reason`` texts are staff notes and never leave through the public page.
"""
