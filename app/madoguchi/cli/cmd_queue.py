"""``madoguchi queue …``: tickets and calls from the command line (scripts, tests, a spare PC).

``void``, ``prioritise`` and ``kpi`` are a supervisor's: they need ``--user`` (or the OS-user
mapping), like every supervisor/admin action of the CLI. Every action runs on the configured
database (``MADOGUCHI_DATABASE_URL`` overrides the setting) and this PC's branch (``--branch``
overrides ``branch_id``).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import date, datetime

from madoguchi.cli._common import open_configured_database, settings_for
from madoguchi.cli.cmd_users import add_login_argument, signed_in_user

#: queue actions that change another resident's place in line: a supervisor's (``--user``)
SUPERVISOR_ACTIONS = {"void": "cli.queue_supervisor", "prioritise": "cli.queue_supervisor"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("queue", help="queue tickets: issue, call, serve, status",
                                   description="Queue tickets on the configured database "
                                               "(MADOGUCHI_DATABASE_URL overrides the setting).")
    parser.add_argument("--branch", help="branch id (default: the branch_id setting)")
    sub = parser.add_subparsers(dest="queue_command", metavar="ACTION", required=True)

    issue = sub.add_parser("issue", help="take a ticket for a service")
    issue.add_argument("--service", required=True, help="service prefix letter (A, B …) or id")
    issue.add_argument("--pending", action="store_true",
                       help="leave it pending (not waiting) until `queue confirm`, as reception does while printing")
    issue.add_argument("--key", help="idempotency key: the same key again returns the same ticket")
    _json(issue)
    issue.set_defaults(func=_issue)

    for name, helptext in (("confirm", "the receipt printed: a pending ticket starts waiting"),
                           ("recall", "call a ticket at a counter again"),
                           ("served", "record a ticket as served"),
                           ("no-show", "record that the resident did not come"),
                           ("show", "show one ticket")):
        action = sub.add_parser(name, help=helptext)
        action.add_argument("ticket", help="ticket number of today (A-001) or ticket id")
        _json(action)
        action.set_defaults(func=_simple, action=name)

    for name, helptext in (("void", "cancel a pending or waiting ticket (supervisor; reason required)"),
                           ("requeue", "send a called ticket back to the line, keeping its arrival time"),
                           ("prioritise", "move a waiting ticket forward (supervisor; reason required)")):
        action = sub.add_parser(name, help=helptext)
        action.add_argument("ticket")
        action.add_argument("--reason", required=name != "requeue", default="")
        if name in SUPERVISOR_ACTIONS:
            add_login_argument(action)
        _json(action)
        action.set_defaults(func=_with_reason, action=name)

    transfer = sub.add_parser("transfer", help="send a ticket to another service's line (keeps its arrival time)")
    transfer.add_argument("ticket")
    transfer.add_argument("--to", required=True, dest="service", help="target service prefix")
    transfer.add_argument("--reason", default="")
    _json(transfer)
    transfer.set_defaults(func=_transfer)

    call = sub.add_parser("call", help="call the next ticket to a counter")
    call.add_argument("--counter", type=int, required=True, help="counter number")
    call.add_argument("--ticket", help="call this ticket instead of the next (out of order needs --reason)")
    call.add_argument("--reason", default="", help="why a ticket is called out of order")
    call.add_argument("--finish", action="store_true", help="record the ticket at the counter as served first")
    _json(call)
    call.set_defaults(func=_call)

    for name in ("open", "close"):
        counter = sub.add_parser(name, help=f"{name} a counter")
        counter.add_argument("--counter", type=int, required=True)
        counter.set_defaults(func=_counter, action=name)

    counters = sub.add_parser("counters", help="list the branch's counters (--ensure N creates 1..N)")
    counters.add_argument("--ensure", type=int, default=0, metavar="N")
    _json(counters)
    counters.set_defaults(func=_counters)

    status = sub.add_parser("status", help="waiting counts, estimated waits and calls now")
    _json(status)
    status.set_defaults(func=_status)

    kpi = sub.add_parser("kpi", help="today's KPIs (supervisor); --csv writes them by service and hour")
    kpi.add_argument("--csv", metavar="FILE", help="write CSV to FILE ('-' for stdout)")
    kpi.add_argument("--alert-minutes", type=float, default=None)
    add_login_argument(kpi)
    _json(kpi)
    kpi.set_defaults(func=_kpi)

    staffing = sub.add_parser("staffing", help="how many counters keep the wait under N minutes (Erlang C + simulation)")
    staffing.add_argument("--target", type=float, default=20.0, metavar="MINUTES")
    _json(staffing)
    staffing.set_defaults(func=_staffing)

    backtest = sub.add_parser("backtest", help="accuracy of the wait estimate over a day's history (MAE)")
    backtest.add_argument("--day", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default today)")
    _json(backtest)
    backtest.set_defaults(func=_backtest)

    watch = sub.add_parser("watch", help="print queue changes as they happen (LISTEN/NOTIFY or polling)")
    watch.add_argument("--seconds", type=float, default=0, help="stop after this long (0: until Ctrl-C)")
    watch.set_defaults(func=_watch)


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def _queue(args: argparse.Namespace):  # noqa: ANN202
    from madoguchi.queue.service import TicketQueue

    settings = settings_for(args)
    database = open_configured_database(args)
    return TicketQueue(database, args.branch or settings.branch_id, terminal="cli")


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def _print_ticket(queue, ticket, args: argparse.Namespace, extra: dict | None = None) -> int:  # noqa: ANN001
    if args.json:
        data = _plain(asdict(ticket))
        data["service"] = queue.service(ticket.service_id).prefix
        data.update(extra or {})
        print(json.dumps(data, ensure_ascii=False))
    else:
        where = ""
        if ticket.counter_id is not None:
            number = next((c.number for c in queue.counters() if c.id == ticket.counter_id), "?")
            where = f" counter {number}"
        print(f"{ticket.label} {ticket.state.value}{where}" + "".join(f" {k}={v}" for k, v in (extra or {}).items()))
    return 0


def _issue(args: argparse.Namespace) -> int:
    queue = _queue(args)
    ticket = queue.issue(args.service, confirm=not args.pending, idempotency_key=args.key)
    estimate = queue.estimate(ticket)
    return _print_ticket(queue, ticket, args, {"wait_minutes": estimate.as_dict()["minutes"]})


def _simple(args: argparse.Namespace) -> int:
    queue = _queue(args)
    action = {"confirm": queue.confirm, "recall": queue.recall, "served": queue.served,
              "no-show": queue.no_show, "show": queue.ticket}[args.action]
    return _print_ticket(queue, action(args.ticket), args)


def _with_reason(args: argparse.Namespace) -> int:
    queue = _queue(args)
    if args.action in SUPERVISOR_ACTIONS:
        signed_in_user(args, queue.database, SUPERVISOR_ACTIONS[args.action])
    action = {"void": queue.void, "requeue": lambda t, r: queue.requeue(t, reason=r),
              "prioritise": queue.prioritise}[args.action]
    return _print_ticket(queue, action(args.ticket, args.reason), args)


def _transfer(args: argparse.Namespace) -> int:
    queue = _queue(args)
    return _print_ticket(queue, queue.transfer(args.ticket, args.service, reason=args.reason), args)


def _call(args: argparse.Namespace) -> int:
    queue = _queue(args)
    if args.ticket:
        ticket = queue.call(args.ticket, args.counter, reason=args.reason)
    else:
        ticket = queue.call_next(args.counter, finish_current=args.finish)
    if ticket is None:
        print(json.dumps({"ticket": None}) if args.json else "待っている人はいません / nobody is waiting")
        return 1
    return _print_ticket(queue, ticket, args)


def _counter(args: argparse.Namespace) -> int:
    queue = _queue(args)
    (queue.open_counter if args.action == "open" else queue.close_counter)(args.counter)
    print(f"counter {args.counter} {args.action}")
    return 0


def _counters(args: argparse.Namespace) -> int:
    queue = _queue(args)
    if args.ensure:
        from madoguchi.seed import seed_defaults

        settings = settings_for(args)
        seed_defaults(queue.database, queue.branch_id, settings.branch_name, counters=args.ensure)
        queue.reload()
    prefixes = {s.id: s.prefix for s in queue.services()}
    rows = [{"number": c.number, "name": c.name, "services": sorted(prefixes[i] for i in c.service_ids if i in prefixes)}
            for c in queue.counters()]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
    else:
        for row in rows:
            print(f"{row['number']:>3} {row['name']}: {' '.join(row['services'])}")
    return 0


def _status(args: argparse.Namespace) -> int:
    queue = _queue(args)
    snapshot = queue.snapshot()
    if args.json:
        print(json.dumps(_plain({
            "branch": snapshot.branch_id, "at": snapshot.at, "last_event_id": snapshot.last_event_id,
            "waiting": snapshot.waiting_total,
            "services": [{"prefix": s.service.prefix, "name": s.service.name, "waiting": s.waiting,
                          "longest_wait_minutes": round(s.longest_wait_minutes, 1),
                          "open_counters": s.open_counters, "estimate": s.estimate.as_dict()}
                         for s in snapshot.services],
            "calls": [{"label": c.label, "counter": c.counter_number, "called_at": c.called_at, "calls": c.calls}
                      for c in snapshot.calls],
            "counters": [{"number": c.counter.number, "open": c.open, "ticket": c.ticket_label}
                         for c in snapshot.counters],
        }), ensure_ascii=False))
        return 0
    for s in snapshot.services:
        wait = "—" if s.estimate.minutes is None else f"{s.estimate.minutes:.0f} min"
        print(f"{s.service.prefix} {s.service.name}: waiting {s.waiting}, estimate {wait}, "
              f"open counters {s.open_counters}")
    for c in snapshot.calls:
        print(f"calling {c.label} → counter {c.counter_number}")
    return 0


def _kpi(args: argparse.Namespace) -> int:
    from madoguchi.queue.kpi import day_kpis, kpi_csv

    queue = _queue(args)
    signed_in_user(args, queue.database, "cli.dashboard")
    settings = settings_for(args)
    threshold = args.alert_minutes if args.alert_minutes is not None else settings.wait_alert_minutes
    kpis = day_kpis(queue.branch_id, queue.state(), queue.services(), queue.counters(), queue.clock(),
                    alert_minutes=threshold)
    if args.csv:
        text = kpi_csv(kpis)
        if args.csv == "-":
            sys.stdout.write(text.lstrip("\ufeff"))
        else:
            with open(args.csv, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            print(f"wrote {args.csv}")
        return 0
    if args.json:
        print(json.dumps(_plain({"branch": kpis.branch_id, "at": kpis.at, "waiting": kpis.waiting_now,
                                 "services": [asdict(s) for s in kpis.services],
                                 "throughput_per_hour": kpis.throughput_per_hour,
                                 "alerts": [a.message("en") for a in kpis.alerts]}), ensure_ascii=False))
        return 0
    language = "en" if args.lang == "en" else "ja"
    for s in kpis.services:
        average = "—" if s.average_wait_minutes is None else f"{s.average_wait_minutes:.1f}"
        print(f"{s.prefix}: arrivals {s.arrivals}, waiting {s.waiting}, served {s.served}, "
              f"average wait {average} min, longest now {s.longest_wait_minutes:.0f} min")
    for alert in kpis.alerts:
        print("ALERT " + alert.message(language))
    return 0


def _staffing(args: argparse.Namespace) -> int:
    from madoguchi.queue.staffing import staffing_whatif

    queue = _queue(args)
    advice = staffing_whatif(queue.branch_id, queue.state(), queue.services(), queue.counters(), queue.clock(),
                             args.target)
    if args.json:
        print(json.dumps([asdict(a) for a in advice], ensure_ascii=False))
        return 0
    for a in advice:
        print(f"{a.prefix}: {a.arrivals_per_hour:.1f}/h × {a.service_minutes:.1f} min → {a.counters_needed} counters "
              f"(open {a.open_counters}); wait Erlang C {a.erlang_wait_minutes:.1f} min, "
              f"simulated {a.simulated_wait_minutes:.1f} min")
    return 0


def _backtest(args: argparse.Namespace) -> int:
    from madoguchi.queue.estimate import backtest

    queue = _queue(args)
    result = backtest(queue.events(args.day), queue.counters(), {s.id: s.default_minutes for s in queue.services()})
    def number(value: float) -> float | None:
        return None if value != value else round(value, 2)  # NaN (no tickets) is not JSON

    data = {"tickets": result.tickets, "mae_minutes": number(result.mae),
            "naive_mae_minutes": number(result.naive_mae), "mean_wait_minutes": number(result.mean_wait)}
    if args.json:
        print(json.dumps(data))
    else:
        print(f"tickets {result.tickets}: MAE {result.mae:.1f} min (naive {result.naive_mae:.1f} min), "
              f"mean wait {result.mean_wait:.1f} min")
    return 0


def _watch(args: argparse.Namespace) -> int:
    import time

    from madoguchi.queue.notify import QueueWatcher

    queue = _queue(args)

    def status(online: bool, error: object) -> None:
        print("online" if online else f"offline: {error}", flush=True)

    deadline = time.monotonic() + args.seconds if args.seconds else None
    with QueueWatcher(queue.database, branch_id=queue.branch_id, on_status=status) as watcher:
        while deadline is None or time.monotonic() < deadline:
            for change in watcher.changes(timeout=0.2):
                print(f"{change.kind} {change.branch_id or ''} {change.event_id or ''}".rstrip(), flush=True)
                if deadline is not None and time.monotonic() > deadline:
                    break
    return 0
