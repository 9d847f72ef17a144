"""``madoguchi read-card``: read a My Number card or driver's license through the IC card reader.

The PIN is read from standard input (a prompt with echo off on a terminal) — never from an
argument, so it never shows in the process list or the shell history, and never logged.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from madoguchi.cli._common import language_for, settings_for


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "read-card", help="read a My Number card or driver's license through the IC card reader",
        description="Read the card-face data from the IC chip of a My Number card (券面事項入力補助AP: name, "
                    "address, birth date, sex) or a driver's license (記載事項 after PIN 1). The PIN is read "
                    "from standard input, with a hidden prompt on a terminal; it is never an argument. "
                    "Exits 9 for a wrong PIN, a locked card, no reader, no card, an unsupported card or a card "
                    "removed while reading.")
    parser.add_argument("--reader", metavar="NAME", default=None,
                        help="reader name or its beginning (default: the ic_reader setting, else the first reader)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--individual-number", action="store_true",
                        help="also read the individual number (My Number card; only when a form needs it)")
    parser.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                        help="wait this long for a card to be placed (default: it must be there already)")
    parser.add_argument("--confirm-last-try", action="store_true",
                        help="allow sending the PIN when only one try is left (a wrong PIN then locks the card); "
                             "on a terminal you are asked instead")
    parser.add_argument("--list-readers", action="store_true", help="list the connected readers and exit")
    parser.set_defaults(func=_run)


def _ask_pin(language: str) -> str:
    """One line from stdin; on a terminal a prompt with echo off."""
    if sys.stdin.isatty():
        prompt = "暗証番号（数字4桁）: " if language == "ja" else "PIN (4 digits): "
        return getpass.getpass(prompt, stream=sys.stderr)
    return sys.stdin.readline().rstrip("\r\n")


def _confirm_last_try(args: argparse.Namespace, language: str) -> bool:
    if args.confirm_last_try:
        return True
    if not sys.stdin.isatty():
        return False
    question = ("残り1回です。間違えるとカードがロックされ、市区町村の窓口での再設定が必要になります。続けますか？ [y/N]: "
                if language == "ja" else
                "One try left: a wrong PIN locks the card (reset only at the municipal office). Continue? [y/N]: ")
    print(question, end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip().lower() in ("y", "yes", "はい")


def _run(args: argparse.Namespace) -> int:
    from madoguchi.ids.ic import license as license_card
    from madoguchi.ids.ic import mynumber
    from madoguchi.ids.ic.errors import CardLocked
    from madoguchi.ids.ic.reader import IcCardReader, list_readers, pyscard_installed
    from madoguchi.ids.model import DocumentType

    settings = settings_for(args)
    language = language_for(args)
    if args.list_readers:
        if not pyscard_installed():
            from madoguchi.ids.ic.errors import IcSupportMissing

            raise IcSupportMissing()
        for name in list_readers():
            print(name)
        return 0
    reader = IcCardReader(settings, reader_name=args.reader)
    name = reader.reader_name()
    reader.wait_for_card(args.wait)
    status = reader.pin_tries_left()
    if status.tries_left == 0:
        raise CardLocked()
    pin = ""
    if status.pin_required:
        label = "暗証番号の残り回数" if language == "ja" else "PIN tries left"
        print(f"{label}: {status.tries_left}", file=sys.stderr)
        pin = _ask_pin(language)
    confirm = status.tries_left == 1 and status.pin_required and _confirm_last_try(args, language)
    reading = reader.read(pin, confirm_last_try=confirm, individual_number=args.individual_number)
    del pin
    # a successful VERIFY resets the card's counter to its maximum
    max_tries = mynumber.MAX_TRIES if reading.document_type is DocumentType.MYNUMBER_CARD else license_card.MAX_TRIES
    if args.json:
        data = reading.to_json()
        data["pin_tries_left"] = max_tries
        print(json.dumps(data, ensure_ascii=False))
        return 0
    print(f"# {reading.source}  {reading.document_type.value}")
    for field_name, value in reading.fields.items():
        mark = "" if value.valid else ("  ※ " + value.problem)
        print(f"{field_name}: {value.value}{mark}")
    return 0
