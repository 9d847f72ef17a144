"""Queue tickets, calls, wait estimates and congestion (Qt-free).

Start with :class:`madoguchi.queue.service.TicketQueue` (one branch's queue on a database),
:class:`madoguchi.queue.notify.QueueWatcher` (change notification) and
:mod:`madoguchi.queue.estimate` / :mod:`madoguchi.queue.kpi` / :mod:`madoguchi.queue.staffing`
for what displays and dashboards show. ``docs/queue-api.md``-style notes live in each module.
"""
