"""Command line: thin shell over the core. Exit codes: 0 clean, 1 findings, 2 unusable input."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from scoping_tui import __version__
from scoping_tui.engine.scope import scope_mismatches
from scoping_tui.fileio import atomic_write_text
from scoping_tui.locations import model_schema_path, samples_dir
from scoping_tui.model.diagnostics import Diagnostic, Severity
from scoping_tui.model.load import max_bytes_from_env
from scoping_tui.model.validate import LoadResult, load_model

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

EXIT_CODES_HELP = """\
exit codes:
  0  clean
  1  findings, or a gate failed (for validate: warnings with --strict)
  2  unusable input (unreadable or invalid model) or a usage error
"""

COMMANDS = ("validate", "schema", "new", "open")


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with a one-line hint, as our exit-code contract says."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="scoping-tui",
        formatter_class=_formatter,
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

    validate = sub.add_parser(
        "validate", formatter_class=_formatter,
        help="check model files against the schema and for broken references",
        description="Check one or more model files: YAML syntax, the JSON Schema, unique ids, "
        "references, boundary cycles, and warnings for suspicious shapes. Every problem is "
        "printed as FILE:LINE:COL: SEVERITY: MESSAGE.",
        epilog="examples:\n"
        "  scoping-tui validate threat-model.yaml\n"
        "  scoping-tui validate --strict --format json models/*.yaml\n\n"
        "exit codes:\n  0  every file is valid (warnings allowed)\n"
        "  1  only warnings, and --strict was given\n"
        "  2  a file is unreadable or invalid\n",
    )
    validate.add_argument("files", nargs="+", metavar="FILE", help="model files to check")
    validate.add_argument("--format", choices=("text", "json"), default="text",
                          help="output format (default: text)")
    validate.add_argument("--strict", action="store_true",
                          help="fail (exit 1) on warnings too")
    _add_max_size(validate)

    schema = sub.add_parser(
        "schema", formatter_class=_formatter,
        help="show where the model's JSON Schema is, or print it",
        description="The JSON Schema (draft-07) that model files follow. Point your editor's YAML "
        "language server at it for completion and hover help by putting this line at the top "
        "of a model:\n"
        "  # yaml-language-server: $schema=<path printed by this command>",
        epilog="examples:\n  scoping-tui schema\n"
        "  scoping-tui schema --print > model.schema.json\n",
    )
    schema.add_argument("--print", action="store_true", dest="print_schema",
                        help="print the schema itself instead of its path")

    new = sub.add_parser(
        "new", formatter_class=_formatter,
        help="start a new model from a bundled template",
        description="Write a new model file from one of the bundled samples. An existing file is "
        "never overwritten.",
        epilog="examples:\n  scoping-tui new threat-model.yaml\n"
        "  scoping-tui new ops.yaml --template ops-agent\n  scoping-tui new --list\n",
    )
    new.add_argument("file", nargs="?", metavar="FILE", help="the model file to create")
    new.add_argument("--template", default="rag-support-assistant", metavar="NAME",
                     help="sample to start from (default: rag-support-assistant)")
    new.add_argument("--list", action="store_true", help="list the templates and exit")

    open_ = sub.add_parser(
        "open", formatter_class=_formatter,
        help="open a model (the default command: `scoping-tui FILE`)",
        description="Open a model file: validate it and show the system, its scope on both "
        "matrices and why.",
        epilog="examples:\n  scoping-tui samples/ops-agent.yaml\n",
    )
    open_.add_argument("file", metavar="FILE", help="the model file to open")
    _add_max_size(open_)
    return parser


def _add_max_size(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-size", type=int, default=None, metavar="BYTES",
                        help=f"largest model file to read (default: {max_bytes_from_env()}, "
                        "or $SCOPING_TUI_MAX_BYTES)")


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] not in COMMANDS and not args_list[0].startswith("-"):
        args_list.insert(0, "open")
    parser = build_parser()
    args = parser.parse_args(args_list)
    try:
        if args.command == "validate":
            return cmd_validate(args, sys.stdout)
        if args.command == "schema":
            return cmd_schema(args, sys.stdout)
        if args.command == "new":
            return cmd_new(args, sys.stdout)
        if args.command == "open":
            return cmd_open(args, sys.stdout)
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    parser.print_help()
    return EXIT_USAGE


def _load(path: str, max_size: int | None) -> LoadResult:
    return load_model(Path(path), path, checks=[scope_mismatches], max_bytes=max_size)


def _counts(diagnostics: Sequence[Diagnostic]) -> tuple[int, int]:
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    return errors, len(diagnostics) - errors


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    results = [(name, _load(name, args.max_size)) for name in args.files]
    worst = EXIT_OK
    for _, result in results:
        errors, warnings = _counts(result.diagnostics)
        if errors or result.model is None:
            worst = EXIT_USAGE
        elif warnings and args.strict:
            worst = max(worst, EXIT_FINDINGS)
    if args.format == "json":
        payload = {
            "version": 1,
            "files": [
                {
                    "file": name,
                    "valid": result.ok,
                    "errors": _counts(result.diagnostics)[0],
                    "warnings": _counts(result.diagnostics)[1],
                    "diagnostics": [d.to_json() for d in result.diagnostics],
                }
                for name, result in results
            ],
        }
        out.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return worst
    for name, result in results:
        for diagnostic in result.diagnostics:
            out.write(_printable(diagnostic.format()) + "\n")
        errors, warnings = _counts(result.diagnostics)
        verdict = "valid" if result.ok else "invalid"
        out.write(f"{name}: {verdict} ({_plural(errors, 'error')}, "
                  f"{_plural(warnings, 'warning')})\n")
    return worst


def _printable(text: str) -> str:
    """Keep terminal control characters from the model out of the terminal."""
    return "".join(c if c.isprintable() or c in "\t\n" else repr(c)[1:-1] for c in text)


def cmd_schema(args: argparse.Namespace, out: TextIO) -> int:
    path = model_schema_path()
    if args.print_schema:
        out.write(path.read_text(encoding="utf-8"))
    else:
        out.write(f"{path}\n")
    return EXIT_OK


def _templates() -> dict[str, Path]:
    return {p.stem: p for p in sorted(samples_dir().glob("*.yaml"))}


def cmd_new(args: argparse.Namespace, out: TextIO) -> int:
    templates = _templates()
    if args.list:
        for name, path in templates.items():
            out.write(f"{name}\t{_template_title(path)}\n")
        return EXIT_OK
    if args.file is None:
        sys.stderr.write("scoping-tui new: name the file to create, e.g. "
                         "`scoping-tui new threat-model.yaml`\n")
        return EXIT_USAGE
    template = templates.get(args.template)
    if template is None:
        sys.stderr.write(f"scoping-tui new: no template named {args.template!r}; choose one of: "
                         f"{', '.join(templates)}\n")
        return EXIT_USAGE
    target = Path(args.file)
    if target.exists():
        sys.stderr.write(f"{target}: already exists; not overwriting it (choose another name or "
                         "remove the file first)\n")
        return EXIT_USAGE
    text = template.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith("# yaml-language-server:"):
        lines[0] = f"# yaml-language-server: $schema={model_schema_path()}\n"
    try:
        atomic_write_text(target, "".join(lines), overwrite=False)
    except FileExistsError:
        sys.stderr.write(f"{target}: already exists; not overwriting it\n")
        return EXIT_USAGE
    except OSError as exc:
        sys.stderr.write(f"{target}: cannot write: {exc.strerror or exc}\n")
        return EXIT_USAGE
    out.write(f"wrote {target} from template {args.template}; check it with "
              f"`scoping-tui validate {target}`\n")
    return EXIT_OK


def _template_title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines()[1:6]:
        stripped = line.lstrip("# ").strip()
        if stripped:
            return stripped
    return ""


def cmd_open(args: argparse.Namespace, out: TextIO) -> int:
    from scoping_tui.export.summary import model_summary

    result = _load(args.file, args.max_size)
    for diagnostic in result.diagnostics:
        out.write(_printable(diagnostic.format()) + "\n")
    if result.model is None or not result.ok:
        errors, _ = _counts(result.diagnostics)
        out.write(f"{args.file}: invalid ({_plural(errors, 'error')}); fix these first\n")
        return EXIT_USAGE
    out.write(_printable(model_summary(result.model)))
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
