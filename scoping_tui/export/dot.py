"""Graphviz DOT data-flow diagrams, and rendering them to SVG, PNG or PDF with ``dot``.

Untrusted model text only ever reaches the DOT source inside HTML-like labels, escaped with
``html.escape`` after removing the characters XML cannot carry; identifiers are synthetic
(``n0``, ``cluster_c0``), so no name can close a label, open an attribute or add a node.
"""

from __future__ import annotations

import html
import math
import os
import shutil
import subprocess
import textwrap

from scoping_tui.engine.assessment import Assessment
from scoping_tui.engine.threats import SEVERITIES
from scoping_tui.export.view import (
    AGENT,
    EXTERNAL,
    MODEL,
    PROCESS,
    STORE,
    Badge,
    DiagramView,
    FlowEdge,
    Reference,
    Selection,
    category,
    clean,
    describe,
    select,
)
from scoping_tui.model.types import Boundary, Component, SystemModel

FORMATS = ("svg", "png", "pdf")
PNG_DPI = 144
FONT = "Helvetica"
NAME_WIDTH = 24
"""Characters per line of a node name: wide nodes push a 40-component layout off the page."""
EDGE_WIDTH = 34

SEVERITY_COLOURS = {
    "critical": "#8E0000",
    "high": "#D84315",
    "medium": "#F9A825",
    "low": "#5C85B8",
}
# Text on a medium (amber) badge needs to be dark to stay legible.
SEVERITY_TEXT = {"critical": "white", "high": "white", "medium": "black", "low": "white"}

BOUNDARY_COLOUR = "#C62828"
FLOW_COLOUR = "#616161"
CROSSING_COLOUR = "#1F4E9E"
WARNING_COLOUR = "#B71C1C"
REFERENCE_COLOUR = "#2E7D32"
LABEL_GROUND = "#FFFFFFCC"

# shape, style, fill, border, pen width: the conventions a threat modeler expects.
NODE_STYLES: dict[str, tuple[str, str, str, str, float]] = {
    EXTERNAL: ("box", "filled", "#F2F2F2", "#424242", 1.2),
    PROCESS: ("box", "rounded,filled", "#E3EEFA", "#3D6EA8", 1.2),
    AGENT: ("box", "rounded,filled,bold", "#E3F2E1", "#2E7D32", 2.4),
    MODEL: ("hexagon", "filled", "#EEE5F7", "#6A3D9A", 1.8),
    STORE: ("cylinder", "filled", "#FFF5D6", "#9C7A00", 1.2),
}
CATEGORY_NAMES = {
    EXTERNAL: "External entity",
    PROCESS: "Process",
    AGENT: "Agent / orchestrator",
    MODEL: "Foundation model",
    STORE: "Data store",
}


DEFAULT_LAYOUT_TIMEOUT = 60.0
"""Seconds ``dot`` may take to lay out one diagram (``SCOPING_TUI_DOT_TIMEOUT`` changes it).

A model far below the size limit can still have thousands of elements, which dot would lay out
for many minutes; a stuck export or report is worse than one without its picture."""


def layout_timeout() -> float:
    raw = os.environ.get("SCOPING_TUI_DOT_TIMEOUT", "")
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_LAYOUT_TIMEOUT
    return value if math.isfinite(value) and value > 0 else DEFAULT_LAYOUT_TIMEOUT


class GraphvizError(RuntimeError):
    """Graphviz could not draw the diagram; the message says why and what to do instead."""


class GraphvizMissing(GraphvizError):
    """Graphviz's ``dot`` program is not installed or not on PATH."""

    def __init__(self) -> None:
        super().__init__(
            "Graphviz's `dot` program was not found on PATH; it is needed for SVG, PNG and PDF. "
            "Install Graphviz (Debian/Ubuntu: `apt-get install graphviz`, macOS: "
            "`brew install graphviz`, Windows: `winget install graphviz`), or write DOT "
            "(-o FILE.dot) or Mermaid (-o FILE.mmd) instead, which need no Graphviz.")


class GraphvizFailed(GraphvizError):
    """``dot`` ran but gave no drawing: it took too long, or it failed."""


def render_graph(dot_source: str, fmt: str, timeout: float | None = None) -> bytes:
    """Lay out and draw DOT source with the real ``dot`` program.

    ``dot`` is stopped after ``timeout`` seconds (default: ``layout_timeout()``); GraphvizFailed
    then says so, as it does when dot fails.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "png":
        dot_source = _with_dpi(dot_source, PNG_DPI)
    limit = layout_timeout() if timeout is None else timeout
    executable = shutil.which("dot")
    if executable is None:
        raise GraphvizMissing()
    try:
        done = subprocess.run([executable, f"-T{fmt}"], input=dot_source.encode("utf-8"),
                              capture_output=True, timeout=limit, check=False)
    except FileNotFoundError as exc:
        raise GraphvizMissing() from exc
    except subprocess.TimeoutExpired as exc:
        raise GraphvizFailed(
            f"Graphviz's `dot` took more than {limit:g} s to lay out the diagram and was "
            "stopped; draw a part of the model (--view boundary:ID or --view around:ID), write "
            "Mermaid (-o FILE.mmd), or allow more time with SCOPING_TUI_DOT_TIMEOUT=SECONDS"
        ) from exc
    except OSError as exc:
        raise GraphvizFailed(f"Graphviz's `dot` could not be run: {exc.strerror or exc}") from exc
    if done.returncode != 0 or not done.stdout:
        problem = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = problem[-1] if problem else f"exit status {done.returncode}"
        raise GraphvizFailed(f"Graphviz's `dot` could not draw the diagram: {reason}")
    return done.stdout


def _with_dpi(dot_source: str, dpi: int) -> str:
    """The source with a resolution for bitmaps, set right after the opening brace.

    Graphviz's default of 96 dpi turns 8-point edge labels into a blur once a PNG is scaled to
    a page; SVG and PDF are vector and keep the default, which also fixes their point size.
    """
    head, brace, body = dot_source.partition("{")
    return f"{head}{brace}\n  graph [dpi={dpi}];{body}" if brace else dot_source


def render_dot(model: SystemModel, assessment: Assessment | None,
               view: DiagramView | None = None) -> str:
    """DOT source for the view; the same input always gives byte-identical output."""
    view = view or DiagramView()
    selection = select(model, view, assessment)
    lines = [
        "digraph dfd {",
        *_indent(_defaults(selection)),
        *_indent(_clusters(selection, None)),
        *_indent(_edges(selection)),
        "}",
    ]
    return "\n".join(lines) + "\n"


def _indent(lines: list[str]) -> list[str]:
    return ["  " + line for line in lines]


def _defaults(selection: Selection) -> list[str]:
    return [
        f"graph [rankdir={selection.view.direction}, compound=true, "
        f'fontname="{FONT}", fontsize=12, ranksep=0.65, nodesep=0.35, pad=0.3, '
        'labelloc=b, labeljust=l, outputorder=edgesfirst,',
        f"       label={_legend(selection)}];",
        f'node [fontname="{FONT}", fontsize=11, margin="0.18,0.07"];',
        f'edge [fontname="{FONT}", fontsize=9, arrowsize=0.7, color="{FLOW_COLOUR}"];',
    ]


# --- text ---------------------------------------------------------------------------------


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most about ``width`` characters, breaking at spaces and at newlines."""
    lines: list[str] = []
    for paragraph in clean(text).split("\n"):
        lines.extend(textwrap.wrap(paragraph, width, break_on_hyphens=False) or [""])
    # An empty name still needs a line, or the node collapses.
    return [line for line in lines if line.strip()] or [""]


def _html(text: str) -> str:
    """One line of text as HTML-label content.

    Graphviz expands backslash escapes even inside HTML-like labels (``\\N`` becomes the node's
    name, ``\\\\`` one backslash, also when written as ``&#92;``), so backslashes are doubled.
    """
    return html.escape(text, quote=True).replace("\\", "\\\\")


def esc(text: str, width: int = 0) -> str:
    """Label-safe HTML: every model value goes through here before it reaches DOT."""
    lines = wrap(text, width) if width else [" ".join(clean(text).split())]
    return "<BR/>".join(_html(line) for line in lines)


def _font(text: str, size: int | None = None, colour: str | None = None,
          bold: bool = False, italic: bool = False) -> str:
    """Wrap already escaped ``text`` in font markup."""
    if not text:
        return ""  # Graphviz rejects an empty <FONT></FONT> as a syntax error.
    if bold:
        text = f"<B>{text}</B>"
    if italic:
        text = f"<I>{text}</I>"
    attrs = (f' POINT-SIZE="{size}"' if size else "") + (f' COLOR="{colour}"' if colour else "")
    return f"<FONT{attrs}>{text}</FONT>" if attrs else text


def _pill(text: str, severity: str) -> str:
    """A badge cell in the severity's colour.

    Fixed-size because Graphviz stretches any cell (and any table nested in it) to the width
    of the widest row, which turned badges into long bars under wide labels.
    """
    inner = _font(f"<B>{_html(text)}</B>", 9, SEVERITY_TEXT[severity])
    # Graphviz cannot size a fixed cell to its text, so estimate: digits run narrower.
    width = round(8 + (6 if text.isdigit() else 7.5) * len(text))
    return (f'<TD FIXEDSIZE="TRUE" WIDTH="{width}" HEIGHT="13" CELLPADDING="0" '
            f'BGCOLOR="{SEVERITY_COLOURS[severity]}">{inner}</TD>')


def _label(rows: list[str], badge: Badge | None, align: str = "CENTER", bg: str = "") -> str:
    """An HTML-like label: one cell per row and the finding badge beside the first row.

    The badge gets a column of its own, empty below the first row: Graphviz shares out spare
    width over every column a wide row spans, so a spanning row would pull the badge away from
    the text. Left-aligned labels (edges) carry it on the left, centred ones on the right.
    """
    # BALIGN aligns the lines a long value was wrapped into, not only the cell.
    cells = [f'<TD ALIGN="{align}" BALIGN="{align}">{row}</TD>' for row in rows]
    if badge is not None:
        gutter = [_pill(str(badge.count), badge.severity)] + ["<TD></TD>"] * (len(rows) - 1)
        pairs = zip(gutter, cells, strict=True)
        cells = [g + c if align == "LEFT" else c + g for g, c in pairs]
    body = "".join(f"<TR>{cell}</TR>" for cell in cells)
    fill = f' BGCOLOR="{bg}"' if bg else ""
    return (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1"{fill}>'
            f"{body}</TABLE>>")


def _kind(value: str) -> str:
    return value.replace("-", " ")


# --- nodes and clusters -------------------------------------------------------------------


def _node(selection: Selection, component: Component) -> str:
    shape, style, fill, border, pen = NODE_STYLES[category(component)]
    rows = [_font(esc(component.name, NAME_WIDTH), bold=True),
            _font(esc(_kind(component.type)), 9, "#555555", italic=True)]
    label = _label(rows, selection.component_badges.get(component.id))
    return (f'{selection.node_ids[component.id]} [shape={shape}, style="{style}", '
            f'fillcolor="{fill}", color="{border}", penwidth={pen}, label={label}];')


def _clusters(selection: Selection, parent: str | None) -> list[str]:
    lines = [_node(selection, c) for c in selection.members(parent)]
    for boundary in selection.child_boundaries(parent):
        lines.append(f"subgraph cluster_{selection.cluster_ids[boundary.id]} {{")
        lines.extend(_indent(_cluster_attrs(selection, boundary)))
        lines.extend(_indent(_clusters(selection, boundary.id)))
        lines.append("}")
    return lines


def _cluster_attrs(selection: Selection, boundary: Boundary) -> list[str]:
    rows = [_font(esc(boundary.name, 40), bold=True) + "  "
            + _font(esc(_kind(boundary.kind)), 9, italic=True)]
    label = _label(rows, selection.boundary_badges.get(boundary.id))
    return [
        f'style="dashed,rounded"; color="{BOUNDARY_COLOUR}"; penwidth=1.5; '
        f'fontcolor="{BOUNDARY_COLOUR}"; fontsize=11; labeljust=l; labelloc=t; margin=12;',
        f"label={label};",
    ]


# --- edges --------------------------------------------------------------------------------


def _edges(selection: Selection) -> list[str]:
    drawn: set[tuple[str, str]] = set()
    lines: list[str] = []
    for position, edge in enumerate(selection.edges):
        lines.append(_flow_edge(selection, position, edge, (edge.target, edge.source) in drawn))
        drawn.add((edge.source, edge.target))
    lines += [_reference_edge(selection, ref) for ref in selection.references]
    return lines


def _flow_rows(edge: FlowEdge) -> list[str]:
    rows: list[str] = []
    for flow in edge.flows:
        if flow.name:
            rows.append(esc(flow.name, EDGE_WIDTH))
        detail = ", ".join(flow.data)
        if flow.protocol:
            # No-break spaces keep "· https" on the line of the data it qualifies.
            detail = f"{detail}\u00a0·\u00a0{flow.protocol}" if detail else flow.protocol
        if detail:
            rows.append(_font(esc(detail, EDGE_WIDTH), 8, "#5F6368"))
        warnings = [w for w, bad in (("no auth", flow.authenticated is False),
                                     ("no TLS", flow.encrypted is False)) if bad]
        if warnings:
            rows.append(_font("⚠ " + ", ".join(warnings), 8, WARNING_COLOUR, bold=True))
    return rows or [""]


def _flow_edge(selection: Selection, position: int, edge: FlowEdge, reverse: bool) -> str:
    """One edge; ``reverse`` draws the answer to an earlier edge as a back-pointing edge.

    Two opposite edges between one pair make dot stack their labels on top of each other;
    declared in the same direction they are laid out side by side like parallel edges.
    """
    # A translucent white ground keeps a label legible where another edge runs through it.
    label = _label(_flow_rows(edge), selection.edge_badges.get(position), "LEFT", LABEL_GROUND)
    attrs = [f"label={label}"]
    if edge.crosses:
        attrs.append(f'color="{CROSSING_COLOUR}", penwidth=2.2')
    if edge.unauthenticated or edge.unencrypted:
        attrs.append('style="dashed"')
    ids = selection.node_ids
    tail, head = ids[edge.source], ids[edge.target]
    if reverse:
        return f"{head} -> {tail} [dir=back, {', '.join(attrs)}];"
    return f"{tail} -> {head} [{', '.join(attrs)}];"


def _reference_edge(selection: Selection, ref: Reference) -> str:
    label = _label([_font(esc(", ".join(ref.kinds)), 8, REFERENCE_COLOUR)], None)
    ids = selection.node_ids
    return (f'{ids[ref.source]} -> {ids[ref.target]} [style="dotted", '
            f'color="{REFERENCE_COLOUR}", arrowhead=vee, label={label}];')


# --- legend -------------------------------------------------------------------------------


def _legend(selection: Selection) -> str:
    """Title and legend as the graph's own label: it never disturbs the layout above it.

    One grid, a column pair each for elements, flows and findings: Graphviz stretches nested
    tables to the widest row, so side-by-side sub-tables would come out ragged.
    """
    view = selection.view
    title = (esc(selection.model.system.name, 80) + " — data-flow diagram, "
             + esc(describe(view, selection.model), 80))
    columns = [_shape_key(selection), _edge_key(selection)]
    if selection.findings:
        columns.append(_severity_key())
    header = "".join(f'<TD COLSPAN="2" ALIGN="LEFT">{_font(head, 9, "#555555", bold=True)}</TD>'
                     for head in ("Elements", "Flows", "Findings")[:len(columns)])
    rows = [f'<TD COLSPAN="{2 * len(columns)}" ALIGN="LEFT">{_font(title, 13, bold=True)}</TD>',
            header]
    for i in range(max(len(column) for column in columns)):
        rows.append("".join(column[i] if i < len(column) else "<TD></TD><TD></TD>"
                            for column in columns))
    body = "".join(f"<TR>{row}</TR>" for row in rows)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2">{body}</TABLE>>'


def _key_text(text: str) -> str:
    return f'<TD ALIGN="LEFT">{_font(text, 9)}</TD>'


def _swatch(border: str, fill: str = "", style: str = "") -> str:
    extra = (f' BGCOLOR="{fill}"' if fill else "") + (f' STYLE="{style}"' if style else "")
    return (f'<TD BORDER="1" COLOR="{border}"{extra} FIXEDSIZE="TRUE" WIDTH="30" HEIGHT="14" '
            'CELLPADDING="0"></TD>')


def _shape_key(selection: Selection) -> list[str]:
    cells: list[str] = []
    for name in selection.categories:
        _, _, fill, border, _ = NODE_STYLES[name]
        cells.append(_swatch(border, fill) + _key_text(CATEGORY_NAMES[name]))
    if selection.boundaries:
        cells.append(_swatch(BOUNDARY_COLOUR, style="dashed") + _key_text("Trust boundary"))
    return cells


def _edge_key(selection: Selection) -> list[str]:
    entries = [(FLOW_COLOUR, "───▶", "Flow: name, then data · protocol")]
    if any(e.crosses for e in selection.edges):
        entries.append((CROSSING_COLOUR, "<B>━━━▶</B>", "Crosses a trust boundary"))
    if any(e.unauthenticated or e.unencrypted for e in selection.edges):
        entries.append((FLOW_COLOUR, "╌╌╌▶", "Dashed, ⚠: no authentication / no TLS"))
    if selection.references:
        entries.append((REFERENCE_COLOUR, "┈┈┈&gt;", "Agent's tool, model, memory, delegate"))
    return [f'<TD ALIGN="LEFT">{_font(arrow, 9, colour)}</TD>{_key_text(text)}'
            for colour, arrow, text in entries]


def _severity_key() -> list[str]:
    meaning = {"critical": "Badge: unresolved findings,", "high": "coloured by the highest",
               "medium": "severity among them", "low": ""}
    return [_pill(severity, severity) + _key_text(meaning[severity]) for severity in SEVERITIES]
