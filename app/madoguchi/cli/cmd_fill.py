"""``madoguchi fill --resident R.json (--form ID ... | --event 転入) --out PACKET.pdf``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from madoguchi.errors import InputError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "fill", help="fill forms for one resident into a PDF packet",
        description="Fill the given forms (or every form a life event needs) from one resident record "
                    "(JSON) into one PDF packet. Fields that could not be printed are listed on stderr.")
    parser.add_argument("--resident", required=True, type=Path, metavar="R.json", help="the resident record (JSON)")
    choice = parser.add_mutually_exclusive_group(required=True)
    choice.add_argument("--form", action="append", dest="forms", metavar="ID", help="a form id (repeatable)")
    choice.add_argument("--event", metavar="EVENT", help="a life event: 転入 転居 転出 出生 婚姻 死亡 証明書の交付")
    parser.add_argument("--answers", type=Path, metavar="A.json",
                        help="the clerk's answers (JSON object: question id → value)")
    parser.add_argument("--answer", action="append", default=[], metavar="KEY=VALUE", help="one answer (repeatable)")
    parser.add_argument("--out", required=True, type=Path, metavar="PACKET.pdf", help="where to write the packet")
    parser.add_argument("--parts", type=Path, metavar="DIR", help="also write each form alone into DIR")
    parser.add_argument("--forms-dir", type=Path, default=None, help="forms folder (default: the shipped forms/)")
    parser.add_argument("--print-unconfirmed-kana", action="store_true",
                        help="print kana readings still marked unconfirmed (the clerk has checked them)")
    parser.set_defaults(func=_fill)


def _read_json(path: Path, what: str) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{what} {path} を読めません（{exc.__class__.__name__}）。",
                         f"cannot read the {what} file {path} ({exc.__class__.__name__}).") from exc
    from madoguchi.datafile import DataRefused, load_json

    try:
        return load_json(text)
    except DataRefused as exc:
        where = f"（{exc.line} 行目）" if exc.line else ""
        raise InputError(f"{path}: JSON として読めません{where}: {exc.problem}",
                         f"{path}: not valid JSON{f' (line {exc.line})' if exc.line else ''}: {exc.problem}") from None


def _answers(args: argparse.Namespace) -> dict[str, object]:
    answers: dict[str, object] = {}
    if args.answers:
        data = _read_json(args.answers, "回答ファイル")
        if not isinstance(data, dict):
            raise InputError(f"{args.answers}: 回答は JSON オブジェクトにしてください。",
                             f"{args.answers}: the answers must be a JSON object.")
        answers.update(data)
    for item in args.answer:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError(f"--answer {item}: KEY=VALUE の形で指定してください。",
                             f"--answer {item}: use KEY=VALUE.")
        answers[key] = value
    return answers


def _fill(args: argparse.Namespace) -> int:
    from madoguchi.cli._common import language_for
    from madoguchi.forms.catalogue import load_forms
    from madoguchi.forms.render import render_packet
    from madoguchi.visit import Resident

    resident = Resident.from_json(_read_json(args.resident, "来庁者データ"), where=str(args.resident))  # type: ignore[arg-type]
    forms = load_forms(args.forms_dir)
    answers = _answers(args)
    if args.event:
        from madoguchi.forms.events import answers_for_event, forms_for_event, load_event_rules

        rules = load_event_rules(args.forms_dir / "events.yaml" if args.forms_dir else None)
        answers = answers_for_event(args.event, answers, rules)
        form_ids = forms_for_event(args.event, resident, answers, rules=rules)
    else:
        form_ids = args.forms
    packet = render_packet(resident, form_ids, forms, answers, print_unconfirmed_kana=args.print_unconfirmed_kana)
    _write(args.out, packet.pdf)
    if args.parts:
        args.parts.mkdir(parents=True, exist_ok=True)
        for form_id, data in packet.parts.items():
            _write(args.parts / f"{form_id}.pdf", data)
    language = language_for(args)
    for problem in packet.problems:
        print(f"madoguchi: {'注意' if language == 'ja' else 'warning'}: {problem.message(language)}", file=sys.stderr)
    print(f"{args.out}: {', '.join(form_ids)} ({packet.page_count} pages)")
    return 0


def _write(path: Path, data: bytes) -> None:
    from madoguchi.paths import write_file

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file(path, data)  # 0600: a packet holds a resident's data
    except OSError as exc:
        raise InputError(f"{path} に書き込めません（{exc.__class__.__name__}）。",
                         f"cannot write {path} ({exc.__class__.__name__}).") from exc
