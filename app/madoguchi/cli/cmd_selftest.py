"""``madoguchi selftest``."""

from __future__ import annotations

import argparse
import json

from madoguchi.cli._common import language_for, print_problems, settings_for


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "selftest", help="check every part this PC needs (exit 0 when the required ones are OK)",
        description="Check Qt, the OCR engine and its Japanese model, fonts, the database and its migrations "
                    "(required), and the printer, camera, scanner folder and IC reader (warnings only).")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from madoguchi.selftest import run_checks

    settings = settings_for(args)
    language = language_for(args)
    results, ok = run_checks(settings)
    if args.json:
        print(json.dumps([{"check": r.name, "required": c.required, "status": r.status.name,
                           "detail": r.detail_en, "fix": r.fix_en} for c, r in results], ensure_ascii=False))
    else:
        for _check, result in results:
            print(result.line(language))
        print_problems(settings.problems, language)
        summary_ja = "準備できています" if ok else "必要な項目に問題があります"
        summary_en = "ready" if ok else "a required check failed"
        print(("結果: " + summary_ja) if language == "ja" else ("result: " + summary_en))
    return 0 if ok else 1
