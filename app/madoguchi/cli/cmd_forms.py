"""``madoguchi forms list [--json]`` and ``madoguchi forms check [DIR]``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("forms", help="list or check the form definitions",
                                   description="List the forms (forms/<id>/form.yaml) or check every definition.")
    sub = parser.add_subparsers(dest="forms_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="id, title and procedure of every form")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.add_argument("--dir", type=Path, default=None, help="forms folder (default: the shipped forms/)")
    listing.set_defaults(func=_list)
    check = sub.add_parser("check", help="report every problem in every form and in events.yaml; "
                                         "exit 1 if there is any")
    check.add_argument("directory", nargs="?", type=Path, default=None, metavar="DIR",
                       help="forms folder (default: the shipped forms/)")
    check.set_defaults(func=_check)


def _list(args: argparse.Namespace) -> int:
    from madoguchi.forms.catalogue import load_forms

    forms = load_forms(args.dir)
    rows = [{"id": f.id, "title": f.title, "procedure": f.procedure, "pages": len(f.pages),
             "fields": len(f.fields), "requires_individual_number": f.requires_individual_number,
             "questions": [q.id for q in f.questions]} for f in forms.values()]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    width = max((len(r["id"]) for r in rows), default=2)
    for row in rows:
        print(f"{row['id'].ljust(width)}  {row['title']}  [{row['procedure']}]")
    return 0


def _check(args: argparse.Namespace) -> int:
    from madoguchi.cli._common import language_for
    from madoguchi.forms.catalogue import check_forms
    from madoguchi.paths import forms_dir

    directory = args.directory or forms_dir()
    problems = check_forms(directory)
    language = language_for(args)
    for problem in problems:
        print(problem.message(language))
    if problems:
        summary = f"{len(problems)} 件の問題があります。" if language == "ja" else f"{len(problems)} problem(s)."
        print(summary)
        return 1
    count = sum(1 for p in Path(directory).iterdir() if (p / "form.yaml").is_file())
    print(f"OK: {count} 様式に問題はありません。" if language == "ja" else f"OK: {count} forms, no problems.")
    return 0
