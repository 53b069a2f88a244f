"""Command line: thin shell over the core. Exit codes: 0 clean, 1 findings, 2 unusable input."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from scoping_tui import __version__, cli_batch, cli_diff, cli_import
from scoping_tui.cli_batch import MISSING_CONTROLS
from scoping_tui.cli_support import (
    EXIT_CODES_HELP,
    EXIT_OK,
    EXIT_USAGE,
    format_arg,
    format_names,
    valid_model,
)
from scoping_tui.cli_support import add_max_size as _add_max_size
from scoping_tui.cli_support import catalog_or_report as _catalog
from scoping_tui.cli_support import counts as _counts
from scoping_tui.cli_support import date_arg as _date
from scoping_tui.cli_support import emit as _emit
from scoping_tui.cli_support import emit_bytes as _emit_bytes
from scoping_tui.cli_support import formatter as _formatter
from scoping_tui.cli_support import line as _line
from scoping_tui.cli_support import load as _load
from scoping_tui.cli_support import plural as _plural
from scoping_tui.cli_support import printable as _printable
from scoping_tui.engine.assessment import assess
from scoping_tui.engine.catalog import PHASES, Catalog
from scoping_tui.engine.index import NAMED_SETS
from scoping_tui.engine.threats import SEVERITIES
from scoping_tui.export.reports import REPORT_FORMATS, render_report
from scoping_tui.fileio import atomic_write_text
from scoping_tui.locations import model_schema_path, samples_dir
from scoping_tui.model.load import not_openable
from scoping_tui.model.schema_line import place_schema, with_schema_line
from scoping_tui.model.suggest import closest, did_you_mean
from scoping_tui.model.types import SystemModel

COMMANDS = ("validate", "analyze", "check", "diff", "report", "diagram", "import", "catalog",
            "schema", "new", "open", "serve")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
REPORT_EXTENSIONS = {"md": "md", "markdown": "md", "html": "html", "htm": "html",
                     "json": "json", "sarif": "sarif", "csv": "csv"}
DIAGRAM_FORMATS = ("svg", "png", "pdf", "dot", "mmd")


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with a one-line hint, as our exit-code contract says."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


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
        "printed as FILE:LINE:COL: SEVERITY: MESSAGE. " + MANY_FILES_HELP,
        epilog="examples:\n"
        "  scoping-tui validate threat-model.yaml\n"
        "  scoping-tui validate 'models/**/*.yaml'\n"
        "  scoping-tui validate --strict --format json models/*.yaml\n\n"
        "exit codes (the worst over all files):\n  0  every file is valid (warnings allowed)\n"
        "  1  only warnings, and --strict was given\n"
        "  2  a file is unreadable or invalid, or a pattern matches nothing\n",
    )
    validate.add_argument("files", nargs="+", metavar="FILE",
                          help="model files, folders or glob patterns")
    validate.add_argument("--format", type=format_arg("text", "json"), default="text",
                          metavar="FORMAT", help=f"{format_names('text', 'json')} "
                          "(default: text)")
    validate.add_argument("--strict", action="store_true",
                          help="fail (exit 1) on warnings too")
    validate.add_argument("--catalog", action="append", default=[], metavar="EXTRA.yaml",
                          help="also accept control and threat ids from this catalog file "
                          "(repeatable)")
    _add_max_size(validate)
    _add_no_color(validate)

    analyze = sub.add_parser(
        "analyze", formatter_class=_formatter,
        help="scope, threats with reasons, and the controls each phase needs",
        description="Analyse a model: where it sits on both AWS scoping matrices and why, the "
        "threats that apply to each element with the facts that made them apply, and the "
        "controls the phase requires, with what is missing. " + MANY_FILES_HELP,
        epilog="examples:\n"
        "  scoping-tui analyze threat-model.yaml\n"
        "  scoping-tui analyze 'models/**/*.yaml'\n"
        "  scoping-tui analyze threat-model.yaml --phase production --format markdown -o TM.md\n"
        "  scoping-tui analyze threat-model.yaml --explain ops-agent\n"
        "  scoping-tui analyze threat-model.yaml --explain LLM06-EXCESSIVE-AGENCY@ops-agent\n\n"
        "exit codes (the worst over all files):\n  0  analysed\n"
        "  2  unusable model, catalog or arguments\n",
    )
    analyze.add_argument("files", nargs="+", metavar="FILE",
                         help="model files, folders or glob patterns")
    analyze.add_argument("--format", type=format_arg("text", "json", "markdown"),
                         default="text", metavar="FORMAT",
                         help=f"{format_names('text', 'json', 'markdown')} (default: text)")
    analyze.add_argument("-o", "--output", metavar="OUT",
                         help="write to this file instead of standard output")
    analyze.add_argument("--explain", metavar="TARGET",
                         help="for one element (or THREAT@TARGET): every threat considered and "
                         "why it did or did not apply (one file only)")
    _add_analysis_options(analyze)
    _add_no_color(analyze)

    check = sub.add_parser(
        "check", formatter_class=_formatter,
        help="CI gate: fail on unresolved findings or missing required controls",
        description="Gate a model in CI. Two gates, each with its own option: findings "
        "(--fail-on: an unresolved, i.e. open or partially mitigated, finding at or above this "
        "severity fails; accepted risks count as resolved until they expire) and missing "
        "controls (--missing-controls: a control the phase requires that is not in place "
        "fails, is only listed as a warning, or is ignored). With --baseline or --git-ref only "
        "what is new fails: findings that were not unresolved in the older version (matched "
        "by their stable ids, THREAT@element, so reordering the file changes nothing) and "
        "controls that were not already missing; and a safeguard the change removed or weakened "
        "fails it too (see `scoping-tui diff --help`). " + MANY_FILES_HELP,
        epilog="examples:\n"
        "  scoping-tui check threat-model.yaml\n"
        "  scoping-tui check threat-model.yaml --fail-on critical --missing-controls warn\n"
        "  scoping-tui check threat-model.yaml --fail-on none --phase production   # controls "
        "only\n"
        "  scoping-tui check threat-model.yaml --baseline old/threat-model.yaml\n"
        "  scoping-tui check 'models/**/*.yaml' --git-ref origin/main\n\n"
        "exit codes (the worst over all files):\n  0  both gates pass (warnings allowed)\n"
        "  1  a gate fails: a finding at or above --fail-on, or (with --missing-controls fail, "
        "the default) a missing required control; the reasons are printed\n"
        "  2  unusable model, baseline, catalog or arguments\n",
    )
    check.add_argument("files", nargs="+", metavar="FILE",
                       help="model files, folders or glob patterns")
    check.add_argument("--fail-on", choices=(*SEVERITIES, "none"), default="high",
                       help="findings gate: the lowest severity of an unresolved finding that "
                       "fails (default: high); none: findings never fail the gate")
    check.add_argument("--missing-controls", choices=MISSING_CONTROLS, default="fail",
                       help="controls gate: a control the phase requires that is not in "
                       "place fails the gate (fail, the default), is listed as a warning "
                       "(warn), or is left out (ignore)")
    check.add_argument("--allow-weakening", action="store_true",
                       help="with --baseline or --git-ref: report safeguards the change "
                       "weakened (approval, authentication, encryption, permissions, controls "
                       "in place…) without failing on them")
    check.add_argument("--format", type=format_arg("text", "json"), default="text",
                       metavar="FORMAT", help=f"{format_names('text', 'json')} (default: text)")
    check.add_argument("--baseline", metavar="OLD",
                       help="an older version of the model: fail only on what is new since")
    check.add_argument("--git-ref", metavar="REF",
                       help="compare each file with its version at this git revision "
                       "(a branch, tag or commit); a file absent there counts as all new")
    _add_analysis_options(check)
    _add_no_color(check)

    cli_diff.register(sub)
    cli_import.register(sub)

    report = sub.add_parser(
        "report", formatter_class=_formatter,
        help="write a report: Markdown, HTML, JSON, SARIF, CSV, Threat Composer or OTM",
        description="Write the analysis as a report. The format follows the output file's "
        "extension when --format is not given (.tc.json is Threat Composer, .otm.json is "
        "OTM). Output is deterministic: the same model (and --as-of) gives byte-identical "
        "files, so reports can be committed. threat-composer writes AWS Threat Composer's "
        "JSON (each unresolved finding a threat statement, each control a linked mitigation); "
        "otm writes the Open Threat Model (components, trust zones, flows, threats, "
        "mitigations), which `scoping-tui import` reads back exactly.",
        epilog="examples:\n"
        "  scoping-tui report threat-model.yaml -o THREAT-MODEL.md\n"
        "  scoping-tui report threat-model.yaml -o report.html\n"
        "  scoping-tui report threat-model.yaml --format sarif -o scoping.sarif\n"
        "  scoping-tui report threat-model.yaml --format csv > findings.csv\n"
        "  scoping-tui report threat-model.yaml -o app.tc.json      # open in Threat Composer\n"
        "  scoping-tui report threat-model.yaml -o app.otm.json\n\n"
        "exit codes:\n  0  written\n  2  unusable model, catalog or arguments\n",
    )
    report.add_argument("file", metavar="FILE", help="the model file")
    report.add_argument("--format", type=format_arg(*REPORT_FORMATS), default=None,
                        metavar="FORMAT", help=f"{format_names(*REPORT_FORMATS)} (default: "
                        "from -o's extension, else markdown)")
    report.add_argument("-o", "--output", metavar="OUT",
                        help="write to this file instead of standard output")
    _add_analysis_options(report)

    diagram = sub.add_parser(
        "diagram", formatter_class=_formatter,
        help="draw the data-flow diagram (Graphviz SVG/PNG/PDF/DOT or Mermaid)",
        description="Draw the data-flow diagram: trust boundaries as dashed clusters, flows "
        "labelled with their data and protocol, boundary crossings emphasised, unauthenticated "
        "or unencrypted flows marked, each element badged with its unresolved findings. SVG, "
        "PNG and PDF need Graphviz's `dot`; .dot and .mmd (Mermaid) do not.",
        epilog="examples:\n"
        "  scoping-tui diagram threat-model.yaml -o dfd.svg\n"
        "  scoping-tui diagram threat-model.yaml -o dfd.mmd --no-findings\n"
        "  scoping-tui diagram threat-model.yaml -o vpc.png --view boundary:app-vpc\n"
        "  scoping-tui diagram threat-model.yaml -o agent.svg --view around:ops-agent "
        "--direction TB\n\n"
        "exit codes:\n  0  written\n"
        "  2  unusable model or arguments, or Graphviz missing (the .dot file is still "
        "written)\n",
    )
    diagram.add_argument("file", metavar="FILE", help="the model file")
    diagram.add_argument("-o", "--output", metavar="OUT", required=True,
                         help="the diagram file: .svg, .png, .pdf, .dot or .mmd")
    diagram.add_argument("--format", type=format_arg(*DIAGRAM_FORMATS), default=None,
                         metavar="FORMAT", help=f"{format_names(*DIAGRAM_FORMATS)} (default: "
                         "from the output's extension)")
    diagram.add_argument("--view", default="system", metavar="VIEW",
                         help="what to draw: system (default), boundary:ID, or around:ID (a "
                         "component and its neighbours)")
    diagram.add_argument("--no-findings", action="store_true",
                         help="leave out the finding badges")
    diagram.add_argument("--direction", choices=("LR", "TB"), default="LR",
                         help="left-to-right (default) or top-down")
    _add_analysis_options(diagram)

    catalog = sub.add_parser(
        "catalog", formatter_class=_formatter,
        help="browse the threats, controls and facts of the knowledge base",
        description="Browse the knowledge base: the threats, the controls and the facts rules "
        "can test. Add organisation catalogs with --catalog.",
        epilog="examples:\n  scoping-tui catalog list --kind threats --framework owasp-agentic\n"
        "  scoping-tui catalog show LLM01-DIRECT-INJECTION\n  scoping-tui catalog facts\n",
    )
    catalog.add_argument("action", choices=("list", "show", "facts"),
                         help="list entries, show one, or list the facts rules can use")
    catalog.add_argument("id", nargs="?", metavar="ID", help="with show: a threat or control id")
    catalog.add_argument("--kind", choices=("threats", "controls"), default=None,
                         help="with list: only threats or only controls")
    catalog.add_argument("--framework", metavar="NAME", default=None,
                         help="with list: only entries citing this framework (owasp-llm, "
                         "owasp-agentic, owasp-asi, atlas, nist-ai-rmf, saif, ...)")
    catalog.add_argument("--catalog", action="append", default=[], metavar="EXTRA.yaml",
                         help="also load this catalog file (repeatable)")

    schema = sub.add_parser(
        "schema", formatter_class=_formatter,
        help="show where the model's JSON Schema is, or print it",
        description="The JSON Schema (draft-07) that model files follow. Editors' YAML "
        "language servers give completion and hover help from the first line of a model, "
        "a path relative to the model's folder:\n"
        "  # yaml-language-server: $schema=.scoping-tui/system-model.schema.json\n"
        "`scoping-tui new` writes that line and a copy of the schema at the root of the git "
        "work tree (commit both), so the line works in every clone. The installed schema's "
        "own path, printed by this command, is specific to this machine.",
        epilog="examples:\n  scoping-tui schema\n"
        "  scoping-tui schema --print > .scoping-tui/system-model.schema.json\n",
    )
    schema.add_argument("--print", action="store_true", dest="print_schema",
                        help="print the schema itself instead of its path")

    new = sub.add_parser(
        "new", formatter_class=_formatter,
        help="start a new model from a bundled template",
        description="Write a new model file from one of the bundled samples. An existing file is "
        "never overwritten. Its first line points editors at the JSON Schema by a relative "
        "path, at a copy written once per git work tree (.scoping-tui/system-model.schema.json "
        "at its root; beside the model outside git): commit it with the model, and the "
        "schema works in every teammate's clone.",
        epilog="examples:\n  scoping-tui new threat-model.yaml\n"
        "  scoping-tui new ops.yaml --template ops-agent\n  scoping-tui new --list\n",
    )
    new.add_argument("file", nargs="?", metavar="FILE", help="the model file to create")
    new.add_argument("--template", default="rag-support-assistant", metavar="NAME",
                     help="sample to start from (default: rag-support-assistant)")
    new.add_argument("--list", action="store_true", help="list the templates and exit")

    open_ = sub.add_parser(
        "open", formatter_class=_formatter,
        help="open a model in the terminal UI (the default command: `scoping-tui FILE`)",
        description="Open a model file in the terminal UI: the model tree, the element editor, "
        "findings, controls per phase, scope, problems and the diagram, re-analysed live as "
        "you edit. When the output is not a terminal (or with --summary) it prints a summary "
        "instead. `scoping-tui` with no file opens the start screen.",
        epilog="examples:\n  scoping-tui samples/ops-agent.yaml\n"
        "  scoping-tui open threat-model.yaml --summary\n\n"
        "keys: F2–F7 switch tabs, F8 the tree, Ctrl+S save, Ctrl+Z/Ctrl+Y undo/redo, "
        "Ctrl+P commands, Ctrl+Q quit\n",
    )
    open_.add_argument("file", metavar="FILE", help="the model file to open")
    open_.add_argument("--summary", action="store_true",
                       help="print a summary instead of opening the UI")
    open_.add_argument("--ui", action="store_true", help=argparse.SUPPRESS)
    # Set by `serve` (whoever drives the browser page types the paths): see scoping_tui.confine.
    open_.add_argument("--confine-to", metavar="DIR", default=None, help=argparse.SUPPRESS)
    open_.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD",
                       help="the date acceptances are judged against (default: today)")
    _add_max_size(open_)

    serve = sub.add_parser(
        "serve", formatter_class=_formatter,
        help="serve the terminal UI to a web browser, at an address with a secret token",
        description="Serve the same UI in a web browser with textual-serve. Every browser "
        "connection starts its own copy of the UI on this machine, with the rights of the user "
        "running this command. Open the address it prints: its token is new each run, and "
        "nothing answers without it. Requests must name this server in their Host header (an "
        "IP address, localhost or --host: no DNS rebinding), and the WebSocket must come from "
        "this server's own page (Origin), so other web pages in the same browser cannot drive "
        "the UI. While served, the UI reads and writes files only inside the model's folder: "
        "no absolute, ~ or .. paths, nor links leading out (--allow-any-path lifts this). It "
        "binds to 127.0.0.1 unless --host says otherwise, and warns when it does: the token "
        "then crosses the network in plain HTTP.",
        epilog="examples:\n  scoping-tui serve threat-model.yaml\n"
        "  scoping-tui serve threat-model.yaml --port 8765\n"
        "  scoping-tui serve threat-model.yaml --allow-any-path   # export outside its folder\n",
    )
    serve.add_argument("file", metavar="FILE", help="the model file to open")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to bind (default 127.0.0.1; anything else offers the UI "
                       "to the network over plain HTTP, token included)")
    serve.add_argument("--port", type=_port, default=8000, help="port (default 8000)")
    serve.add_argument("--allow-any-path", action="store_true",
                       help="let the served UI save and export anywhere the user can write, "
                       "not only inside the model's folder")
    return parser


MANY_FILES_HELP = ("Several files, folders (searched for .yaml/.yml files) and glob patterns "
                   "(quote them; ** crosses folders) run in parallel and end with a summary "
                   "table.")


def _add_no_color(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-color", action="store_true",
                        help="no colours even on a terminal (NO_COLOR=1 does the same; colours "
                        "are never written to files or pipes)")


def _add_analysis_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--phase", choices=PHASES, default=None,
                        help="lifecycle phase to analyse for (default: the model's system.phase)")
    parser.add_argument("--catalog", action="append", default=[], metavar="EXTRA.yaml",
                        help="extend the built-in catalog with this file (repeatable)")
    parser.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD",
                        help="the date acceptances are judged against (default: today), for "
                        "reproducible runs")
    _add_max_size(parser)


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
    if args_list and args_list[0] not in COMMANDS and not args_list[0].startswith("-"):
        mistyped = _mistyped_command(args_list[0])
        if mistyped is not None:
            parser.print_usage(sys.stderr)
            sys.stderr.write(f"scoping-tui: error: {mistyped}\n")
            return EXIT_USAGE
        args_list.insert(0, "open")
    if not args_list and _interactive():
        return _run_ui(None, None)
    args = _parse(parser, args_list)
    try:
        if args.command == "validate":
            return cli_batch.cmd_validate(args, sys.stdout)
        if args.command == "analyze":
            return cli_batch.cmd_analyze(args, sys.stdout)
        if args.command == "check":
            return cli_batch.cmd_check(args, sys.stdout)
        if args.command == "diff":
            return cli_diff.cmd_diff(args, sys.stdout)
        if args.command == "import":
            return cli_import.cmd_import(args, sys.stdout)
        if args.command == "report":
            return cmd_report(args, sys.stdout)
        if args.command == "diagram":
            return cmd_diagram(args, sys.stdout)
        if args.command == "catalog":
            return cmd_catalog(args, sys.stdout)
        if args.command == "schema":
            return cmd_schema(args, sys.stdout)
        if args.command == "new":
            return cmd_new(args, sys.stdout)
        if args.command == "open":
            return cmd_open(args, sys.stdout)
        if args.command == "serve":
            return cmd_serve(args)
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    parser.print_help()
    return EXIT_USAGE


def _mistyped_command(word: str) -> str | None:
    """Why ``word`` (given where a command or a model file goes) is neither, or None.

    `scoping-tui FILE` opens a file, so a misspelled command would otherwise be read as a
    file name and the rest of the line reported as unrecognised."""
    if Path(word).exists() or any(c in word for c in "/\\.") or word.endswith((".yaml", ".yml")):
        return None
    match = closest(word, COMMANDS)
    if match is None:
        return (f"{word!r} is neither a command nor a model file; commands: "
                f"{', '.join(COMMANDS)}")
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


def _analysable(args: argparse.Namespace) -> tuple[Catalog, SystemModel] | None:
    """Catalog and valid model, or None after reporting every problem on stderr."""
    catalog = _catalog(args.catalog)
    if catalog is None:
        return None
    model = valid_model(args.file, args.max_size, catalog, args.as_of)
    return None if model is None else (catalog, model)


def _report_format(output: str) -> str | None:
    name = Path(output).name.lower()
    for suffix, fmt in (("tc.json", "threat-composer"), ("otm.json", "otm")):
        if name.endswith("." + suffix):
            return fmt
    return REPORT_EXTENSIONS.get(Path(output).suffix.lower().lstrip("."))


def cmd_report(args: argparse.Namespace, out: TextIO) -> int:

    fmt = args.format
    if fmt is None and args.output:
        fmt = _report_format(args.output)
        if fmt is None:
            sys.stderr.write(f"{_line(args.output)}: cannot tell the format from the extension; "
                             f"give --format {'|'.join(REPORT_FORMATS)}\n")
            return EXIT_USAGE
    fmt = fmt or "md"
    loaded = _analysable(args)
    if loaded is None:
        return EXIT_USAGE
    catalog, model = loaded
    assessment = assess(model, catalog, args.phase, args.as_of)
    text = render_report(fmt, assessment, catalog, on_no_diagram=_warn_no_diagram)
    return _emit(text, args.output, args.file, out)


def _warn_no_diagram(reason: str) -> None:
    sys.stderr.write(f"warning: the report has no diagram: {reason}\n")


def cmd_diagram(args: argparse.Namespace, out: TextIO) -> int:
    from scoping_tui.export.dot import GraphvizError, render_dot, render_graph
    from scoping_tui.export.mermaid import render_mermaid
    from scoping_tui.export.view import parse_view

    fmt = args.format or Path(args.output).suffix.lower().lstrip(".")
    if fmt not in DIAGRAM_FORMATS:
        sys.stderr.write(f"{_line(args.output)}: cannot tell the diagram format from the "
                         f"extension; give --format {'|'.join(DIAGRAM_FORMATS)}\n")
        return EXIT_USAGE
    loaded = _analysable(args)
    if loaded is None:
        return EXIT_USAGE
    catalog, model = loaded
    try:
        view = parse_view(args.view, model, show_findings=not args.no_findings,
                          direction=args.direction)
    except ValueError as exc:
        sys.stderr.write(f"--view: {exc}\n")
        return EXIT_USAGE
    assessment = assess(model, catalog, args.phase, args.as_of) if view.show_findings else None
    if fmt == "mmd":
        return _emit(render_mermaid(model, assessment, view), args.output, args.file, out)
    source = render_dot(model, assessment, view)
    if fmt == "dot":
        return _emit(source, args.output, args.file, out)
    try:
        image = render_graph(source, fmt)
    except GraphvizError as exc:
        dot_path = str(Path(args.output).with_suffix(".dot"))
        if _emit(source, dot_path, args.file, out) == EXIT_OK:
            sys.stderr.write(f"wrote the DOT source to {_line(dot_path)}; render it later with "
                             f"`dot -T{fmt} {_line(dot_path)} -o {_line(args.output)}`\n")
        sys.stderr.write(f"{_line(args.file)}: no {fmt.upper()} diagram: {exc}\n")
        return EXIT_USAGE
    return _emit_bytes(image, args.output, args.file)


def cmd_catalog(args: argparse.Namespace, out: TextIO) -> int:
    from scoping_tui.engine import facts

    catalog = _catalog(args.catalog)
    if catalog is None:
        return EXIT_USAGE
    if args.action == "facts":
        for spec in sorted(facts.REGISTRY.values(), key=lambda s: (s.kind, s.name)):
            out.write(f"{spec.kind:9}  {spec.name:32}  {spec.value_type:4}  {spec.label}\n")
        out.write("\nSets a rule can name ({set: NAME} after in:)\n")
        for name, members in NAMED_SETS.items():
            out.write(f"  {name:22}  {', '.join(sorted(members))}\n")
        return EXIT_OK
    if args.action == "show":
        return _show(args.id, catalog, out)
    if args.framework is not None and args.framework not in catalog.frameworks:
        sys.stderr.write(f"unknown framework {args.framework!r}"
                         f"{did_you_mean(args.framework, catalog.frameworks)}; choose from "
                         f"{', '.join(sorted(catalog.frameworks))}\n")
        return EXIT_USAGE
    if args.kind in (None, "threats"):
        for threat in sorted(catalog.threats.values(), key=lambda t: t.id):
            refs = threat.references.get(args.framework, ()) if args.framework else ()
            if args.framework and not refs:
                continue
            tail = f"  [{', '.join(refs)}]" if refs else ""
            out.write(_printable(f"threat   {threat.id:34} {threat.title}{tail}\n"))
    if args.kind in (None, "controls"):
        for control in sorted(catalog.controls.values(), key=lambda c: (c.phase_index, c.id)):
            refs = control.references.get(args.framework, ()) if args.framework else ()
            if args.framework and not refs:
                continue
            tail = f"  [{', '.join(refs)}]" if refs else ""
            out.write(_printable(f"control  {control.id:34} {control.phase:10} "
                                 f"{control.title}{tail}\n"))
    return EXIT_OK


def _show(entry_id: str | None, catalog: Catalog, out: TextIO) -> int:
    if entry_id is None:
        sys.stderr.write("scoping-tui catalog show: name a threat or control id\n")
        return EXIT_USAGE
    lines: list[str] = []
    known = [*catalog.threats, *catalog.controls]
    exact = [i for i in known if i.lower() == entry_id.lower()]
    if len(exact) == 1:  # ids are upper case; `catalog show llm01-direct-injection` means it
        entry_id = exact[0]
    threat = catalog.threats.get(entry_id)
    control = catalog.controls.get(entry_id)
    if threat is not None:
        lines += [f"{threat.id}: {threat.title}", "", threat.description, "",
                  f"target: {threat.target}   STRIDE: {', '.join(threat.stride)}   "
                  f"base likelihood {threat.likelihood}, impact {threat.impact}",
                  f"rating factors: {', '.join(threat.factors) or 'none'}",
                  f"mitigated by: {', '.join(catalog.mitigated_by.get(threat.id, ()))}"]
        refs = threat.references
    elif control is not None:
        lines += [f"{control.id}: {control.title}", "", control.description, "",
                  f"required from: {control.phase}   layer: {control.layer}",
                  f"dimension: {control.dimension or '-'}   discipline: "
                  f"{control.discipline or '-'}",
                  f"mitigates: {', '.join(control.mitigates)}"]
        if control.examples:
            lines.append("examples: " + "; ".join(control.examples))
        refs = control.references
    else:
        sys.stderr.write(f"no threat or control has the id {entry_id!r}"
                         f"{_id_hint(entry_id, known)}\n")
        return EXIT_USAGE
    lines.append("references:")
    for framework, ids in refs.items():
        for ref in ids:
            title = catalog.reference_title(framework, ref)
            lines.append(f"  {framework}: {ref}" + (f" — {title}" if title else ""))
    out.write(_printable("\n".join(lines) + "\n"))
    return EXIT_OK


def _id_hint(entry_id: str, known: Sequence[str]) -> str:
    """What ``entry_id`` probably meant: the ids it starts (`LLM01` → both LLM01 threats), or
    the closest id."""
    wanted = entry_id.lower()
    starting = sorted(i for i in known if i.lower().startswith(wanted))
    if not starting:
        starting = sorted(i for i in known if wanted in i.lower())
    if starting and len(wanted) >= 2:
        shown = ", ".join(starting[:8]) + (f" and {len(starting) - 8} more"
                                           if len(starting) > 8 else "")
        return f"; {'the id' if len(starting) == 1 else 'ids'} with that in: {shown}"
    return did_you_mean(entry_id, known)


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
    try:
        schema = place_schema(target)
        atomic_write_text(target, with_schema_line(template.read_text(encoding="utf-8"),
                                                   schema.reference), overwrite=False)
    except FileExistsError:
        sys.stderr.write(f"{_line(str(target))}: already exists; not overwriting it\n")
        return EXIT_USAGE
    except OSError as exc:
        sys.stderr.write(f"{_line(str(target))}: cannot write: {exc.strerror or exc}\n")
        return EXIT_USAGE
    out.write(f"wrote {_line(str(target))} from template {args.template}; check it with "
              f"`scoping-tui validate {_line(str(target))}`\n")
    shown = _line(_near(schema.path))
    if schema.written:
        out.write(f"wrote {shown}: the schema editors validate the model with (its first "
                  "line points there); commit it with the model\n")
    elif schema.stale:
        sys.stderr.write(f"warning: {shown} differs from this version's schema and was left "
                         f"as it is; refresh it with `scoping-tui schema --print > {shown}`\n")
    return EXIT_OK


def _near(path: Path) -> str:
    """``path`` relative to the working folder when it is inside it, as users typed theirs."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _template_title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines()[1:6]:
        stripped = line.lstrip("# ").strip()
        if stripped:
            return stripped
    return ""


def _port(text: str) -> int:
    port = int(text) if text.isascii() and text.isdigit() else 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1 to 65535)")
    return port


def cmd_serve(args: argparse.Namespace) -> int:
    import shlex

    path = Path(args.file)
    refused = not_openable(path, args.file)
    if refused is not None:
        sys.stderr.write(_line(refused.diagnostics[0].format()) + "\n")
        return EXIT_USAGE
    from scoping_tui.tui.serve import GuardedServer, ui_command

    if args.host not in LOOPBACK:
        sys.stderr.write(f"warning: serving on {_line(args.host)} over plain HTTP: anyone who "
                         "can watch the network can read the token in the address, then read "
                         "and edit the model\n")
    model = path.resolve()
    server = GuardedServer(shlex.join(ui_command(model, confine=not args.allow_any_path)),
                           host=args.host, port=args.port, model=_line(str(model)))
    try:
        server.serve()
    except OSError as exc:  # the port is taken, the address is not this machine's
        sys.stderr.write(f"cannot listen on {_line(args.host)} port {args.port}: "
                         f"{exc.strerror or exc}\n")
        return EXIT_USAGE
    return EXIT_OK


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _run_ui(path: Path | None, as_of: dt.date | None, confine_to: Path | None = None) -> int:
    """Run the terminal UI (imported only here: the CLI works without Textual loaded)."""
    from scoping_tui.tui.app import make_app

    catalog = _catalog([])
    if catalog is None:
        return EXIT_USAGE
    make_app(path, catalog=catalog, as_of=as_of, confine_to=confine_to).run()
    return EXIT_OK


def cmd_open(args: argparse.Namespace, out: TextIO) -> int:
    from scoping_tui.export.summary import model_summary

    if args.ui or (not args.summary and _interactive()):
        path = Path(args.file)
        refused = not_openable(path, args.file)
        if refused is not None:
            hint = (f" (create one with `scoping-tui new {args.file}`)"
                    if not os.path.lexists(path) else "")
            sys.stderr.write(_line(refused.diagnostics[0].format() + hint) + "\n")
            return EXIT_USAGE
        confine_to = Path(args.confine_to).resolve() if args.confine_to else None
        if confine_to is not None and not path.resolve().is_relative_to(confine_to):
            sys.stderr.write(f"{_line(args.file)}:1:1: error: not inside "
                             f"{_line(str(confine_to))}\n")
            return EXIT_USAGE
        return _run_ui(path, args.as_of, confine_to)
    catalog = _catalog([])
    if catalog is None:
        return EXIT_USAGE
    result = _load(args.file, args.max_size, catalog)
    for diagnostic in result.diagnostics:
        out.write(_line(diagnostic.format()) + "\n")
    if result.model is None or not result.ok:
        errors, _ = _counts(result.diagnostics)
        out.write(f"{_line(args.file)}: invalid ({_plural(errors, 'error')}); fix these first\n")
        return EXIT_USAGE
    out.write(_printable(model_summary(result.model)))
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
