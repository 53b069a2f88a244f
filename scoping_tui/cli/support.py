"""What every CLI command shares: exit codes, safe printing, loading, writing outputs.

Kept apart from `entry.py` so each command module can use it without importing the others.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from scoping_tui.engine.assessment import UNKNOWNS
from scoping_tui.engine.catalog import PHASES, Catalog, CatalogError, load_catalog
from scoping_tui.engine.scope import scope_mismatches
from scoping_tui.export import words
from scoping_tui.model.diagnostics import Diagnostic, Severity
from scoping_tui.model.load import max_bytes_from_env
from scoping_tui.model.semantic import KnownIds
from scoping_tui.model.suggest import closest
from scoping_tui.model.text import printable as safe_text
from scoping_tui.model.types import SystemModel
from scoping_tui.model.validate import LoadResult, load_model
from scoping_tui.util.fileio import atomic_write_bytes

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

EXIT_CODES_HELP = """\
exit codes:
  0  clean
  1  findings, or a gate failed (for validate: warnings with --strict)
  2  unusable input (unreadable or invalid model) or a usage error
"""


def _known(catalog: Catalog | None) -> KnownIds | None:
    if catalog is None:
        return None
    return catalog.known_ids()


def load(path: str, max_size: int | None, catalog: Catalog | None = None,
         today: dt.date | None = None) -> LoadResult:
    return load_model(Path(path), display(path), checks=[scope_mismatches], max_bytes=max_size,
                      catalog=_known(catalog), today=today)


def display(path: str) -> str:
    """The name a model goes by in messages and reports.

    A file name that is not valid UTF-8 reaches Python with lone surrogates in it, which no
    UTF-8 output can hold; they are shown as U+FFFD so every report stays valid UTF-8.
    """
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def catalog_or_report(extra: Sequence[str]) -> Catalog | None:
    """The catalog, or None after printing why it cannot be used."""
    try:
        return load_catalog(extra)
    except CatalogError as exc:
        for diagnostic in exc.diagnostics:
            sys.stderr.write(line(diagnostic.format()) + "\n")
        sys.stderr.write("scoping-tui: the catalog has errors; nothing was analysed\n")
        return None


def valid_model(file: str, max_size: int | None, catalog: Catalog,
                as_of: dt.date | None = None, err: TextIO | None = None) -> SystemModel | None:
    """The valid model in ``file``, or None after reporting its errors on ``err`` (stderr)."""
    hint = f"fix these first (`scoping-tui validate {line(file)}` lists warnings too)"
    return _checked(load(file, max_size, catalog, as_of), file, hint, err or sys.stderr)


def model_at_revision(file: str, ref: str, max_size: int | None, catalog: Catalog,
                      as_of: dt.date | None, hint: str, err: TextIO) -> SystemModel | None:
    """The valid model in ``file`` as committed at ``ref``, read exactly as a model file is,
    and named ``FILE@REF``; None after reporting its errors and ``hint`` on ``err``. Raises
    GitError when git cannot give the file (``missing_file`` when that revision lacks it)."""
    from scoping_tui.cli.gitrev import display_name, read_at_revision
    from scoping_tui.model.validate import load_text

    name = display_name(file, ref)
    text = read_at_revision(Path(file), ref, max_size)
    result = load_text(text, name, catalog=_known(catalog), checks=[scope_mismatches],
                       today=as_of)
    return _checked(result, name, hint, err)


def _checked(result: LoadResult, shown: str, hint: str, err: TextIO) -> SystemModel | None:
    """The loaded model, or None after its errors and ``hint`` went to ``err``."""
    errors, _ = counts(result.diagnostics)
    for diagnostic in result.diagnostics:
        if diagnostic.severity is Severity.ERROR:
            err.write(line(diagnostic.format()) + "\n")
    if result.model is None or errors:
        err.write(f"{line(shown)}: invalid ({plural(errors, 'error')}); {hint}\n")
        return None
    return result.model


def counts(diagnostics: Sequence[Diagnostic]) -> tuple[int, int]:
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    return errors, len(diagnostics) - errors


plural = words.plural


def printable(text: str) -> str:
    """Keep terminal control characters from the model out of the terminal (lines kept)."""
    return safe_text(text, keep_newlines=True)


def line(text: str) -> str:
    """One printable line: file names and diagnostics cannot start a new line or send escapes."""
    return safe_text(text)


def emit(text: str, output: str | None, model_file: str, out: TextIO) -> int:
    """Text to standard output (no ``output``, or ``-``), or to ``output`` (see
    ``emit_bytes``)."""
    if output is None or output == "-":
        out.write(text)
        return EXIT_OK
    # Text from the model is valid UTF-8; only a file name that is not (a lone surrogate from
    # the command line) could fail here, and it is written as an escape instead.
    return emit_bytes(text.encode("utf-8", "backslashreplace"), output, model_file)


def emit_bytes(data: bytes, output: str, model_file: str | Sequence[str]) -> int:
    """Write atomically, never over a model file; exit 2 with the reason when it fails.
    ``-`` is standard output, as for most tools."""
    if output == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return EXIT_OK
    target = Path(output)
    protected = [model_file] if isinstance(model_file, str) else list(model_file)
    if target.exists() and any(target.resolve() == Path(m).resolve() for m in protected):
        sys.stderr.write(f"{line(output)}: that is the model file; refusing to write over it\n")
        return EXIT_USAGE
    try:
        atomic_write_bytes(target, data)
    except OSError as exc:
        sys.stderr.write(f"{line(output)}: cannot write: {exc.strerror or exc}\n")
        return EXIT_USAGE
    sys.stderr.write(f"wrote {line(output)}\n")
    return EXIT_OK


def formatter(prog: str) -> argparse.HelpFormatter:
    """Help that keeps the line breaks of descriptions and examples."""
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def byte_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of bytes")
    return value


def add_max_size(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-size", type=byte_count, default=None, metavar="BYTES",
                        help=f"largest file to read (default: {max_bytes_from_env()}, "
                        "or $SCOPING_TUI_MAX_BYTES)")


FORMAT_ALIASES = {"md": "markdown", "htm": "html", "txt": "text", "tc": "threat-composer",
                  "mermaid": "mmd", "gv": "dot", "graphviz": "dot"}
"""Other names users give a format: every command takes them, so `--format md` works
wherever Markdown does."""


def format_arg(*names: str) -> Callable[[str], str]:
    """An argparse ``type`` for ``--format``: one of ``names`` or an alias of one, returned as
    the name the command uses, with a "did you mean" when it is neither."""
    canonical = {FORMAT_ALIASES.get(name, name): name for name in names}

    def parse(text: str) -> str:
        wanted = text.lower()
        wanted = FORMAT_ALIASES.get(wanted, wanted)
        if wanted in canonical:
            return canonical[wanted]
        match = closest(wanted, canonical)
        hint = f" (did you mean {match!r}?)" if match is not None else ""
        raise argparse.ArgumentTypeError(
            f"unknown format {text!r}{hint}; choose from {format_names(*names)}")
    parse.__name__ = "format"
    return parse


def format_names(*names: str) -> str:
    """``names`` as help shows them, each under its one name with its aliases:
    ``text (txt), json, markdown (md)``."""
    shown = []
    for name in names:
        main = FORMAT_ALIASES.get(name, name)
        aliases = [a for a, target in FORMAT_ALIASES.items() if target == main]
        shown.append(f"{main} ({', '.join(aliases)})" if aliases else main)
    return ", ".join(shown)


MANY_FILES_HELP = ("Several files, folders (searched for .yaml/.yml files) and glob patterns "
                   "(quote them; ** crosses folders) run in parallel and end with a summary "
                   "table.")


def add_no_color(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-color", action="store_true",
                        help="no colours even on a terminal (NO_COLOR=1 does the same; colours "
                        "are never written to files or pipes)")


def add_analysis_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--phase", choices=PHASES, default=None,
                        help="lifecycle phase to analyse for (default: the model's system.phase)")
    parser.add_argument("--catalog", action="append", default=[], metavar="EXTRA.yaml",
                        help="extend the built-in catalog with this file (repeatable)")
    parser.add_argument("--as-of", type=date_arg, default=None, metavar="YYYY-MM-DD",
                        help="the date acceptances are judged against (default: today), for "
                        "reproducible runs")
    add_unknowns(parser)
    add_max_size(parser)


def add_unknowns(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--unknowns", choices=UNKNOWNS, default=None,
                        help="what an unstated security fact means: ask (a question for the "
                        "review; rules fire only on stated facts) or worst-case (assume the "
                        "insecure value); default: the model's system.unknowns, else ask")


def analysable(args: argparse.Namespace) -> tuple[Catalog, SystemModel] | None:
    """Catalog and valid model, or None after reporting every problem on stderr."""
    catalog = catalog_or_report(args.catalog)
    if catalog is None:
        return None
    model = valid_model(args.file, args.max_size, catalog, args.as_of)
    return None if model is None else (catalog, model)
