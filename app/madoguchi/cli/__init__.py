"""The ``madoguchi`` command: thin argparse front over the core.

Each module in this package named ``cmd_<name>.py`` defines ``register(subparsers)``
which adds one subcommand (or a group) and sets ``func`` on it; ``main`` finds them all,
so adding a command never means editing this file. ``func(args)`` returns the exit code.
Errors are caught here, at the edge, and printed in the configured language.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from collections.abc import Sequence

from madoguchi import __version__
from madoguchi.errors import ExitCode, MadoguchiError

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="madoguchi",
        description="Madoguchi (窓口): counter app for Japanese municipal offices. "
                    "With no subcommand the desktop app starts.",
    )
    parser.add_argument("--version", action="version", version=f"madoguchi {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log to stderr as well (debug level)")
    parser.add_argument("--lang", choices=("ja", "en"), default=None,
                        help="language of messages (default: the language setting)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    package = sys.modules[__name__]
    for module_info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if module_info.name.startswith("cmd_"):
            module = importlib.import_module(f"{__name__}.{module_info.name}")
            module.register(subparsers)
    parser.set_defaults(func=_start_app)
    return parser


def _start_app(args: argparse.Namespace) -> int:
    from madoguchi.ui.app import run_app

    return run_app(demo=False)


def main(argv: Sequence[str] | None = None) -> int:
    from madoguchi.cli._common import language_for, print_error
    from madoguchi.logs import setup_logging

    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(verbose=args.verbose)
    try:
        return int(args.func(args) or 0)
    except MadoguchiError as error:
        log.info("command failed: %s (exit %d)", error.__class__.__name__, error.exit_code)
        print_error(error, language_for(args))
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return ExitCode.OK
