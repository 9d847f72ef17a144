"""``madoguchi config show | set KEY VALUE | path``."""

from __future__ import annotations

import argparse
import json

from madoguchi import config, paths
from madoguchi.cli._common import language_for, print_problems, settings_for


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("config", help="show or change this PC's settings",
                                   description="Show or change this PC's settings (TOML file; "
                                               "MADOGUCHI_<KEY> environment variables override it).")
    sub = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    show = sub.add_parser("show", help="print every setting and where it came from")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(func=_show)
    setter = sub.add_parser("set", help="set one setting in the settings file")
    setter.add_argument("key", choices=[spec.key for spec in config.SPECS], metavar="KEY")
    setter.add_argument("value", metavar="VALUE")
    setter.set_defaults(func=_set)
    where = sub.add_parser("path", help="print the settings file's path")
    where.set_defaults(func=lambda args: print(paths.config_file()) or 0)


def _show(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    language = language_for(args)
    if args.json:
        data = settings.as_dict()
        data["_file"] = str(settings.source)
        data["_problems"] = [p.message(language) for p in settings.problems]
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(f"# {settings.source}")
        width = max(len(spec.key) for spec in config.SPECS)
        for spec in config.SPECS:
            value = getattr(settings, spec.key)
            if spec.key == "database_url" and not value:
                value = f"(embedded) {settings.effective_database_url}"
            note = spec.help_ja if language == "ja" else spec.help_en
            print(f"{spec.key.ljust(width)} = {value!s:<30} # {note}")
    print_problems(settings.problems, language)
    return 1 if settings.problems else 0


def _set(args: argparse.Namespace) -> int:
    settings = config.set_value(args.key, args.value)
    print(f"{args.key} = {getattr(settings, args.key)}  ({settings.source})")
    return 0
