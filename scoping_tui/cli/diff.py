"""`scoping-tui diff`: what a change does to the threat picture, for a reviewer or a CI job."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import Any, TextIO

from scoping_tui.cli.gitrev import GitError, display_name
from scoping_tui.cli.support import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    add_no_color,
    add_unknowns,
    byte_count,
    catalog_or_report,
    date_arg,
    emit_bytes,
    format_arg,
    format_names,
    line,
    model_at_revision,
    printable,
    valid_model,
)
from scoping_tui.cli.support import formatter as _formatter
from scoping_tui.cli.term import Style, wants_colour
from scoping_tui.engine.catalog import PHASES, Catalog
from scoping_tui.engine.threats import SEVERITIES
from scoping_tui.model.load import max_bytes_from_env
from scoping_tui.model.types import SystemModel

FORMATS = ("text", "markdown", "json")

DESCRIPTION = """\
Show what a change does to the threat picture: the model's elements that were added, removed,
renamed or changed (field by field), how the scope moved, the findings the change introduces and
resolves, the controls it makes missing or puts in place, and readiness per phase before and
after. Both versions are analysed for the same phase (the new model's, unless --phase).

Compare two files (OLD NEW), or one file with itself at a git revision (FILE --git-ref REF:
the old side is FILE as committed at REF, the new side is FILE in the working tree). Renamed
elements are recognised, and a rename alone introduces and resolves nothing.

A change that removes or weakens a stated safeguard (an agent's approval, identity or
credential lifetime, a flow's authentication or encryption, a store's encryption or
isolation, human review, broader tool permissions or triggers, a control no longer in place,
more autonomy) is a regression of its own: it is reported first and fails the gate, even when
findings that concerned the safeguard stop applying.\
"""

EPILOG = """\
examples:
  scoping-tui diff old.yaml new.yaml
  scoping-tui diff threat-model.yaml --git-ref origin/main
  scoping-tui diff threat-model.yaml --git-ref HEAD~3 --format markdown -o diff.md
  scoping-tui diff threat-model.yaml --git-ref main --fail-on critical --format json

exit codes:
  0  the change introduces no unresolved finding at or above --fail-on and weakens no
     safeguard (or --allow-weakening)
  1  it does: a new or reopened unresolved finding, or one whose severity rose, at or above
     --fail-on, or a weakened safeguard (listed at the end of the report)
  2  unusable input: a missing or invalid model on either side (diagnostics on stderr, the
     git side named FILE@REF), an unknown or refused revision, no git repository, or a usage
     error
"""


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the `diff` subcommand to the CLI's subparsers."""
    parser = sub.add_parser(
        "diff", formatter_class=_formatter,
        help="what a change does to the threat picture (two files, or a file against git)",
        description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="OLD NEW, or with --git-ref the one FILE to compare with itself")
    parser.add_argument("--git-ref", metavar="REF", default=None,
                        help="compare FILE as committed at this git revision (branch, tag or "
                        "commit) with FILE in the working tree")
    parser.add_argument("--format", type=format_arg(*FORMATS), default="text", metavar="FORMAT",
                        help=f"{format_names(*FORMATS)}: text for a terminal, markdown for a "
                        "pull-request comment, json (schemas/diff.schema.json); default: text")
    parser.add_argument("-o", "--output", metavar="OUT",
                        help="write to this file instead of standard output (never over either "
                        "model)")
    parser.add_argument("--fail-on", choices=SEVERITIES, default="high",
                        help="lowest severity of a new unresolved finding that makes the exit "
                        "status 1 (default: high)")
    parser.add_argument("--allow-weakening", action="store_true",
                        help="report weakened safeguards without failing on them (for a "
                        "change that relaxes a safeguard on purpose)")
    parser.add_argument("--phase", choices=PHASES, default=None,
                        help="lifecycle phase to analyse both versions for (default: the new "
                        "model's system.phase)")
    parser.add_argument("--catalog", action="append", default=[], metavar="EXTRA.yaml",
                        help="extend the built-in catalog with this file (repeatable)")
    parser.add_argument("--as-of", type=date_arg, default=None, metavar="YYYY-MM-DD",
                        help="the date acceptances are judged against (default: today), for "
                        "reproducible runs")
    add_unknowns(parser)
    parser.add_argument("--max-size", type=byte_count, default=None, metavar="BYTES",
                        help=f"largest model file to read, on either side (default: "
                        f"{max_bytes_from_env()}, or $SCOPING_TUI_MAX_BYTES)")
    add_no_color(parser)
    parser.set_defaults(run=cmd_diff)


def _git_model(file: str, ref: str, args: argparse.Namespace, catalog: Catalog,
               new: SystemModel) -> SystemModel | None:
    """The model in ``file`` as committed at ``ref``, or None after saying why on stderr.

    A model added after ``ref`` is compared with an empty one, so a pull request that adds a
    model gets a comment listing everything in it as new.
    """
    try:
        return model_at_revision(file, ref, args.max_size, catalog, args.as_of,
                                 "the old version cannot be compared", sys.stderr)
    except GitError as exc:
        if exc.missing_file:
            sys.stderr.write(f"scoping-tui diff: {line(str(exc))}; comparing with an empty "
                             "model, so everything in it is new\n")
            return SystemModel(file=display_name(file, ref),
                               system=replace(new.system, description="", owner="", tags=()))
        sys.stderr.write(f"scoping-tui diff: {line(str(exc))}\n")
        return None


def _coloured(text: str, failing: bool, style: Style) -> str:
    """Headline bold, verdict red when the change fails the gate (green otherwise), and each
    finding's severity in its colour."""
    if not style.enabled:
        return text
    lines = text.split("\n")
    for number, content in enumerate(lines):
        if number == 0:
            lines[0] = style(content, "bold")
        elif number == 1:
            lines[1] = style(content, "bold-red" if failing else "green")
        else:
            word = content[2:].split(" ", 1)[0]
            if content.startswith("  ") and word in SEVERITIES:
                lines[number] = "  " + style.severity(word, word) + content[2 + len(word):]
    return "\n".join(lines)


def cmd_diff(args: argparse.Namespace, out: TextIO) -> int:
    from scoping_tui.engine.diff import diff
    from scoping_tui.export.diff_report import (
        render_diff_json,
        render_diff_markdown,
        render_diff_text,
    )

    files: list[str] = args.files
    if args.git_ref is not None and len(files) != 1:
        sys.stderr.write("scoping-tui diff: with --git-ref give one FILE (it is compared with "
                         "itself at that revision)\n")
        return EXIT_USAGE
    if args.git_ref is None and len(files) != 2:
        sys.stderr.write("scoping-tui diff: give OLD and NEW files, or one FILE and "
                         "--git-ref REF\n")
        return EXIT_USAGE
    catalog = catalog_or_report(args.catalog)
    if catalog is None:
        return EXIT_USAGE
    new_file = files[-1]
    new = valid_model(new_file, args.max_size, catalog, args.as_of)
    if new is None:
        return EXIT_USAGE
    if args.git_ref is not None:
        old = _git_model(new_file, args.git_ref, args, catalog, new)
    else:
        old = valid_model(files[0], args.max_size, catalog, args.as_of)
    if old is None:
        return EXIT_USAGE
    report = diff(old, new, catalog, args.phase, args.as_of, fail_on=args.fail_on,
                  allow_weakening=args.allow_weakening, unknowns=args.unknowns)
    renderers = {"text": render_diff_text, "markdown": render_diff_markdown,
                 "json": render_diff_json}
    text = renderers[args.format](report)
    if args.format == "text":
        text = printable(text)
        if args.output is None:
            text = _coloured(text, report.gate_fails, Style(wants_colour(out, args.no_color)))
    if args.output is None:
        out.write(text)
    else:
        written = emit_bytes(text.encode("utf-8", "backslashreplace"), args.output, files)
        if written != EXIT_OK:
            return written
    return EXIT_FINDINGS if report.gate_fails else EXIT_OK
