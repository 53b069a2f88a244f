"""Command line: thin shell over the core. Exit codes: 0 clean, 1 findings, 2 unusable input.

Each command family lives in its own module with a ``register(sub)`` that adds its subcommands
and sets ``run`` on them; this module only builds the parser from them and dispatches.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path

from scoping_tui import __version__
from scoping_tui.cli import batch, catalog, diff, importing, new, report, ui
from scoping_tui.cli.support import EXIT_CODES_HELP, EXIT_OK, EXIT_USAGE, formatter
from scoping_tui.model.suggest import closest

COMMAND_FAMILIES = (batch, diff, importing, report, catalog, new, ui)
"""In the order `scoping-tui --help` lists them."""


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with a one-line hint, as our exit-code contract says."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="scoping-tui",
        formatter_class=formatter,
        description="Threat modeling and scoping for AI systems: validate a YAML system model, "
        "place it on the AWS scoping matrices, derive threats and the controls each lifecycle "
        "phase requires.",
        epilog="examples:\n"
        "  scoping-tui samples/rag-support-assistant.yaml   open a model\n"
        "  scoping-tui validate threat-model.yaml            check a model for problems\n"
        "  scoping-tui new threat-model.yaml --template ops-agent\n\n" + EXIT_CODES_HELP,
    )
    parser.add_argument("--version", action="version", version=f"scoping-tui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    for family in COMMAND_FAMILIES:
        family.register(sub)
    return parser


def _never_fail_to_print() -> None:
    """Print what the terminal cannot show as escapes instead of dying with a traceback.

    A model may hold any Unicode text (CJK names, emoji); a console or a redirected output in a
    legacy encoding (cp1252, latin-1, ASCII) would otherwise raise UnicodeEncodeError mid-way.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(AttributeError, OSError, ValueError):
                reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    _never_fail_to_print()
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = _subcommands(parser)
    if args_list and args_list[0] not in commands and not args_list[0].startswith("-"):
        mistyped = _mistyped_command(args_list[0], tuple(commands))
        if mistyped is not None:
            parser.print_usage(sys.stderr)
            sys.stderr.write(f"scoping-tui: error: {mistyped}\n")
            return EXIT_USAGE
        args_list.insert(0, "open")
    if not args_list and ui.interactive():
        return ui.run_ui(None, None)
    args = _parse(parser, args_list)
    run = getattr(args, "run", None)
    if run is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(run(args, sys.stdout))
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


def _mistyped_command(word: str, commands: Sequence[str]) -> str | None:
    """Why ``word`` (given where a command or a model file goes) is neither, or None.

    `scoping-tui FILE` opens a file, so a misspelled command would otherwise be read as a
    file name and the rest of the line reported as unrecognised."""
    if Path(word).exists() or any(c in word for c in "/\\.") or word.endswith((".yaml", ".yml")):
        return None
    match = closest(word, commands)
    if match is None:
        return (f"{word!r} is neither a command nor a model file; commands: "
                f"{', '.join(commands)}")
    return f"unknown command {word!r}; did you mean {match!r}?"


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Parse ``argv``; an unrecognised option is reported by its own command, with that
    command's usage and the option it was probably meant to be."""
    args, extras = parser.parse_known_args(argv)
    if not extras:
        return args
    command = _subcommands(parser).get(getattr(args, "command", None) or "")
    target = command if command is not None else parser
    options = [o for action in target._actions for o in action.option_strings]
    unknown = extras[0]
    hint = ""
    if unknown.startswith("-"):
        match = closest(unknown.split("=", 1)[0], options)
        hint = f"; did you mean {match!r}?" if match is not None else ""
    target.error(f"unrecognized argument{'s' if len(extras) > 1 else ''}: "
                 f"{' '.join(extras)}{hint}")
    raise AssertionError("error() exits")


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


if __name__ == "__main__":
    raise SystemExit(main())
