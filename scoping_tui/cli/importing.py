"""`scoping-tui import`: a threat model from another tool, as a model file of ours."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from scoping_tui.cli.support import (
    EXIT_OK,
    EXIT_USAGE,
    add_max_size,
    catalog_or_report,
    date_arg,
    display,
    emit,
    formatter,
    line,
    plural,
)
from scoping_tui.formats.common import ImportFailed, counts
from scoping_tui.formats.importer import import_file
from scoping_tui.formats.registry import IMPORT_FORMATS
from scoping_tui.util.fileio import atomic_write_text

DESCRIPTION = """\
Convert a threat model written by another tool into a scoping-tui model:

  threagile        Threagile YAML (technical assets, trust boundaries, links, risk tracking)
  pytm             OWASP pytm JSON (the output of `tm.py --json`)
  threat-dragon    OWASP Threat Dragon v2 JSON (diagrams, cells, threats)
  threat-composer  AWS Threat Composer JSON (.tc.json): a skeleton plus mapped threats
  otm              Open Threat Model JSON (also what `scoping-tui report --format otm` writes)

The format is recognised from the content unless --from names it. The result is always a
valid model; what the import could only guess, and what needs a human decision, is listed at
the top of the file and beside each element as comments, and summarised on standard error."""


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser(
        "import", help="convert a Threagile, pytm, Threat Dragon, Threat Composer or OTM model",
        description=DESCRIPTION,
        formatter_class=formatter,
        epilog="examples:\n"
        "  scoping-tui import threagile.yaml -o threat-model.yaml\n"
        "  scoping-tui import dragon.json --from threat-dragon -o threat-model.yaml\n"
        "  scoping-tui import app.tc.json > threat-model.yaml\n\n"
        "exit codes:\n  0  imported (see the notes for what needs a human decision)\n"
        "  2  the file cannot be read or imported (the error says where), or the output "
        "exists\n",
    )
    parser.add_argument("file", metavar="FILE", help="the file to import")
    parser.add_argument("-o", "--output", metavar="OUT",
                        help="write the model here (default: standard output); an existing "
                        "file is kept unless --force")
    parser.add_argument("--from", dest="source_format", choices=IMPORT_FORMATS, default=None,
                        help="the source format (default: recognised from the content)")
    parser.add_argument("--force", action="store_true",
                        help="replace OUT if it exists (never the imported file itself)")
    parser.add_argument("--catalog", action="append", default=[], metavar="EXTRA.yaml",
                        help="also map onto threats and controls from this catalog "
                        "(repeatable)")
    parser.add_argument("--as-of", type=date_arg, default=None,
                        metavar="YYYY-MM-DD",
                        help="the import's date (default: today): acceptances the source gives "
                        "no expiry get one 90 days after it, and accepted risks are kept only "
                        "where the analysis on that date finds them")
    add_max_size(parser)
    parser.set_defaults(run=cmd_import)


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    output = Path(args.output) if args.output else None
    if output is not None and output.exists() and not args.force:
        sys.stderr.write(f"{line(args.output)}: already exists; not overwriting it (choose "
                         "another name, or add --force to replace it)\n")
        return EXIT_USAGE
    catalog = catalog_or_report(args.catalog)
    if catalog is None:
        return EXIT_USAGE
    try:
        result = import_file(Path(args.file), args.source_format, display=display(args.file),
                             max_bytes=args.max_size, catalog=catalog, as_of=args.as_of)
    except ImportFailed as exc:
        for diagnostic in exc.diagnostics:
            sys.stderr.write(line(diagnostic.format()) + "\n")
        sys.stderr.write(f"{line(args.file)}: nothing was imported\n")
        return EXIT_USAGE
    if output is None:
        code = emit(result.text, None, args.file, out)
    elif args.force:
        code = emit(result.text, args.output, args.file, out)
    else:
        code = _create(result.text, output, args.file)
    if code != EXIT_OK:
        return code
    tally = counts(list(result.notes))
    sys.stderr.write(
        f"imported {line(args.file)} as {result.format}: "
        f"{plural(len(result.model.components), 'component')}, "
        f"{plural(len(result.model.flows), 'flow')}, "
        f"{plural(len(result.model.boundaries), 'boundary', 'boundaries')}; "
        f"{tally['mapped']} mapped, {tally['guessed']} guessed, "
        f"{tally['human']} need a human decision\n")
    for note in result.notes:
        if note.kind == "human":
            where = f"{note.element}: " if note.element else ""
            sys.stderr.write(f"  decide: {line(where + note.message)}\n")
    if output is not None:
        sys.stderr.write(f"next: review the comments in {line(args.output)}, then "
                         f"`scoping-tui {line(args.output)}`\n")
    return EXIT_OK


def _create(text: str, output: Path, source: str) -> int:
    """Write a new file; refuse if one appeared since we looked (never lose what is there)."""
    try:
        atomic_write_text(output, text, overwrite=False)
    except FileExistsError:
        sys.stderr.write(f"{line(str(output))}: already exists; not overwriting it\n")
        return EXIT_USAGE
    except OSError as exc:
        sys.stderr.write(f"{line(str(output))}: cannot write: {exc.strerror or exc}\n")
        return EXIT_USAGE
    sys.stderr.write(f"wrote {line(str(output))}\n")
    return EXIT_OK
