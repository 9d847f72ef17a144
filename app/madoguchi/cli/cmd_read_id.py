"""``madoguchi read-id [--json] IMAGE [IMAGE ...]``: read ID documents by OCR."""

from __future__ import annotations

import argparse
import json
import sys

#: the fields the CLI prints, in this order (a field the document does not carry is left out)
CLI_FIELDS = ("name", "address", "birth_date", "sex", "expiry_date", "document_number", "nationality")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("read-id", help="read ID cards (My Number card, license, residence card, passport) by OCR",
                                   description="Read ID documents from image files by OCR.")
    parser.add_argument("--json", action="store_true", help="one JSON object per image, one per line")
    parser.add_argument("--engine", choices=("ppocr", "tesserocr", "pytesseract"), default=None,
                        help="OCR engine (default: the ocr_engine setting)")
    parser.add_argument("images", nargs="+", metavar="IMAGE")
    parser.set_defaults(func=run)


def reading_json(reading) -> dict:  # noqa: ANN001 - IdReading, imported lazily
    data = reading.to_json()
    data["fields"] = {name: value for name, value in data["fields"].items() if name in CLI_FIELDS}
    return data


def run(args: argparse.Namespace) -> int:
    from madoguchi.cli._common import language_for, settings_for
    from madoguchi.errors import InputError
    from madoguchi.ids.model import DocumentType
    from madoguchi.ids.pipeline import IdReader

    language = language_for(args)
    engine = args.engine
    if engine is None:
        try:
            engine = settings_for(args).ocr_engine
        except Exception:  # noqa: BLE001 - a broken settings file must not stop reading: use the default
            engine = "ppocr"
    reader = IdReader(engine)
    failed = False
    for source in args.images:
        try:
            reading = reader.read(source, source=source)
        except InputError as error:
            failed = True
            _emit_error(args, source, error.message(language))
            continue
        if reading.document_type is DocumentType.UNKNOWN:
            failed = True
        if args.json:
            print(json.dumps(reading_json(reading), ensure_ascii=False), flush=True)
        else:
            _print_table(reading, language)
    return 1 if failed else 0


def _emit_error(args: argparse.Namespace, source: str, message: str) -> None:
    if args.json:
        print(json.dumps({"source": source, "error": message}, ensure_ascii=False), flush=True)
    else:
        print(f"{source}: {message}", file=sys.stderr)


def _print_table(reading, language: str) -> None:  # noqa: ANN001
    print(f"{reading.source}: {reading.document_type.value}")
    for name in CLI_FIELDS:
        found = reading.fields.get(name)
        if found is None:
            continue
        flag = "" if found.valid else ("  ← 要確認: " if language == "ja" else "  ← check: ") + found.problem
        print(f"  {name:<16} {found.value:<40} {found.confidence:4.2f}{flag}")
    for warning in reading.warnings:
        print(f"  ! {warning}")
