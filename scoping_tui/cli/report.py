"""`report` and `diagram`: the analysis as a document, the system as a picture."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from scoping_tui.cli.support import (
    EXIT_OK,
    EXIT_USAGE,
    add_analysis_options,
    analysable,
    emit,
    emit_bytes,
    format_arg,
    format_names,
    formatter,
    line,
)
from scoping_tui.engine.assessment import assess
from scoping_tui.formats.registry import (
    DIAGRAM_FORMATS,
    REPORT_FORMATS,
    format_for_path,
    render_report,
)


def register(sub: argparse._SubParsersAction[Any]) -> None:
    report = sub.add_parser(
        "report", formatter_class=formatter,
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
    add_analysis_options(report)
    report.set_defaults(run=cmd_report)

    diagram = sub.add_parser(
        "diagram", formatter_class=formatter,
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
    add_analysis_options(diagram)
    diagram.set_defaults(run=cmd_diagram)


def cmd_report(args: argparse.Namespace, out: TextIO) -> int:

    fmt = args.format
    if fmt is None and args.output:
        fmt = format_for_path(args.output, REPORT_FORMATS)
        if fmt is None:
            sys.stderr.write(f"{line(args.output)}: cannot tell the format from the extension; "
                             f"give --format {'|'.join(REPORT_FORMATS)}\n")
            return EXIT_USAGE
    fmt = fmt or "md"
    loaded = analysable(args)
    if loaded is None:
        return EXIT_USAGE
    catalog, model = loaded
    assessment = assess(model, catalog, args.phase, args.as_of, args.unknowns)
    text = render_report(fmt, assessment, catalog, on_no_diagram=_warn_no_diagram)
    return emit(text, args.output, args.file, out)


def _warn_no_diagram(reason: str) -> None:
    sys.stderr.write(f"warning: the report has no diagram: {reason}\n")


def cmd_diagram(args: argparse.Namespace, out: TextIO) -> int:
    from scoping_tui.export.dot import GraphvizError, render_dot, render_graph
    from scoping_tui.export.mermaid import render_mermaid
    from scoping_tui.export.view import parse_view

    fmt = args.format or format_for_path(args.output, DIAGRAM_FORMATS)
    if fmt is None:
        sys.stderr.write(f"{line(args.output)}: cannot tell the diagram format from the "
                         f"extension; give --format {'|'.join(DIAGRAM_FORMATS)}\n")
        return EXIT_USAGE
    loaded = analysable(args)
    if loaded is None:
        return EXIT_USAGE
    catalog, model = loaded
    try:
        view = parse_view(args.view, model, show_findings=not args.no_findings,
                          direction=args.direction)
    except ValueError as exc:
        sys.stderr.write(f"--view: {exc}\n")
        return EXIT_USAGE
    assessment = (assess(model, catalog, args.phase, args.as_of, args.unknowns)
                  if view.show_findings else None)
    if fmt == "mmd":
        return emit(render_mermaid(model, assessment, view), args.output, args.file, out)
    source = render_dot(model, assessment, view)
    if fmt == "dot":
        return emit(source, args.output, args.file, out)
    try:
        image = render_graph(source, fmt)
    except GraphvizError as exc:
        dot_path = str(Path(args.output).with_suffix(".dot"))
        if emit(source, dot_path, args.file, out) == EXIT_OK:
            sys.stderr.write(f"wrote the DOT source to {line(dot_path)}; render it later with "
                             f"`dot -T{fmt} {line(dot_path)} -o {line(args.output)}`\n")
        sys.stderr.write(f"{line(args.file)}: no {fmt.upper()} diagram: {exc}\n")
        return EXIT_USAGE
    return emit_bytes(image, args.output, args.file)
