"""`open` and `serve`: the terminal UI, in this terminal or in a web browser."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from scoping_tui.cli.support import (
    EXIT_OK,
    EXIT_USAGE,
    add_max_size,
    catalog_or_report,
    counts,
    date_arg,
    formatter,
    line,
    load,
    plural,
    printable,
)
from scoping_tui.model.load import not_openable

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def register(sub: argparse._SubParsersAction[Any]) -> None:
    open_ = sub.add_parser(
        "open", formatter_class=formatter,
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
    # Set by `serve` (whoever drives the browser page types the paths): see util/confine.py.
    open_.add_argument("--confine-to", metavar="DIR", default=None, help=argparse.SUPPRESS)
    open_.add_argument("--as-of", type=date_arg, default=None, metavar="YYYY-MM-DD",
                       help="the date acceptances are judged against (default: today)")
    add_max_size(open_)
    open_.set_defaults(run=cmd_open)

    serve = sub.add_parser(
        "serve", formatter_class=formatter,
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
    serve.set_defaults(run=lambda args, out: cmd_serve(args))


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
        sys.stderr.write(line(refused.diagnostics[0].format()) + "\n")
        return EXIT_USAGE
    from scoping_tui.tui.serve import GuardedServer, ui_command

    if args.host not in LOOPBACK:
        sys.stderr.write(f"warning: serving on {line(args.host)} over plain HTTP: anyone who "
                         "can watch the network can read the token in the address, then read "
                         "and edit the model\n")
    model = path.resolve()
    server = GuardedServer(shlex.join(ui_command(model, confine=not args.allow_any_path)),
                           host=args.host, port=args.port, model=line(str(model)))
    try:
        server.serve()
    except OSError as exc:  # the port is taken, the address is not this machine's
        sys.stderr.write(f"cannot listen on {line(args.host)} port {args.port}: "
                         f"{exc.strerror or exc}\n")
        return EXIT_USAGE
    return EXIT_OK


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def run_ui(path: Path | None, as_of: dt.date | None, confine_to: Path | None = None) -> int:
    """Run the terminal UI (imported only here: the CLI works without Textual loaded)."""
    from scoping_tui.tui.app import make_app

    catalog = catalog_or_report([])
    if catalog is None:
        return EXIT_USAGE
    make_app(path, catalog=catalog, as_of=as_of, confine_to=confine_to).run()
    return EXIT_OK


def cmd_open(args: argparse.Namespace, out: TextIO) -> int:
    from scoping_tui.export.summary import model_summary

    if args.ui or (not args.summary and interactive()):
        path = Path(args.file)
        refused = not_openable(path, args.file)
        if refused is not None:
            hint = (f" (create one with `scoping-tui new {args.file}`)"
                    if not os.path.lexists(path) else "")
            sys.stderr.write(line(refused.diagnostics[0].format() + hint) + "\n")
            return EXIT_USAGE
        confine_to = Path(args.confine_to).resolve() if args.confine_to else None
        if confine_to is not None and not path.resolve().is_relative_to(confine_to):
            sys.stderr.write(f"{line(args.file)}:1:1: error: not inside "
                             f"{line(str(confine_to))}\n")
            return EXIT_USAGE
        return run_ui(path, args.as_of, confine_to)
    catalog = catalog_or_report([])
    if catalog is None:
        return EXIT_USAGE
    result = load(args.file, args.max_size, catalog)
    for diagnostic in result.diagnostics:
        out.write(line(diagnostic.format()) + "\n")
    if result.model is None or not result.ok:
        errors, _ = counts(result.diagnostics)
        out.write(f"{line(args.file)}: invalid ({plural(errors, 'error')}); fix these first\n")
        return EXIT_USAGE
    out.write(printable(model_summary(result.model)))
    return EXIT_OK
