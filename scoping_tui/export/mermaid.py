"""Mermaid flowchart data-flow diagrams, for Markdown that GitHub and GitLab render inline.

Identifiers are synthetic (``n0``, ``c0``, ``l0``) and every model value is written inside a
quoted label with Mermaid's ``#code;`` entities for each character that could end the label,
start a comment or directive, or be read as an entity or as HTML, so untrusted names can
neither break the diagram nor inject into it.
"""

from __future__ import annotations

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
    Selection,
    category,
    clean,
    select,
)
from scoping_tui.model.types import Boundary, Component, SystemModel

BREAK = "<br>"
"""The only markup written into labels; model text can never produce it (``<`` is encoded)."""

# Mermaid first replaces every ``#name;`` in the whole text with an entity, then strips
# ``%%`` comments and directives, then parses; inside a label the browser reads HTML. Each of
# these characters is written as an entity code so it is shown, never interpreted.
_NAMED = {'"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;"}
_ENCODED = frozenset("\"#%&;<>`|[]{}()\\")

SEVERITY_MARKS = {"critical": "🟥", "high": "🟧", "medium": "🟨", "low": "🟦"}
"""Coloured squares: the only way to colour part of a label that GitHub's sanitiser keeps."""

# (Mermaid shape opening, closing) per element category.
SHAPES = {
    EXTERNAL: ('["', '"]'),
    PROCESS: ('("', '")'),
    AGENT: ('("', '")'),
    MODEL: ('{{"', '"}}'),
    STORE: ('[("', '")]'),
}
CLASSES = {
    EXTERNAL: ("dfdExternal", "fill:#F2F2F2,stroke:#424242,color:#111111"),
    PROCESS: ("dfdProcess", "fill:#E3EEFA,stroke:#3D6EA8,color:#111111"),
    AGENT: ("dfdAgent", "fill:#E3F2E1,stroke:#2E7D32,stroke-width:3px,color:#111111"),
    MODEL: ("dfdModel", "fill:#EEE5F7,stroke:#6A3D9A,stroke-width:2px,color:#111111"),
    STORE: ("dfdStore", "fill:#FFF5D6,stroke:#9C7A00,color:#111111"),
}
KEY_CLASS = ("dfdKey", "fill:#FFFFFF,stroke:none,color:#333333")
CATEGORY_NAMES = {
    EXTERNAL: "External entity",
    PROCESS: "Process",
    AGENT: "Agent / orchestrator",
    MODEL: "Foundation model",
    STORE: "Data store",
}
BOUNDARY_STYLE = "fill:none,stroke:#C62828,stroke-width:2px,stroke-dasharray:6 4,color:#C62828"
CROSSING_STYLE = "stroke:#1F4E9E,stroke-width:3px"
REFERENCE_STYLE = "stroke:#2E7D32,stroke-width:1px,stroke-dasharray:2 3"


def text(value: str) -> str:
    """Model text as label content: entity codes for anything Mermaid or HTML would read."""
    out: list[str] = []
    for char in clean(value):
        if char == "\n":
            out.append(BREAK)
        elif char in _NAMED:
            out.append(_NAMED[char])
        elif char in _ENCODED or not char.isprintable():
            # Non-printables left after cleaning are format characters such as U+200F.
            out.append(f"#{ord(char)};")
        else:
            out.append(char)
    return "".join(out)


def render_mermaid(model: SystemModel, assessment: Assessment | None,
                   view: DiagramView | None = None) -> str:
    """A ``flowchart`` with nested subgraphs for trust boundaries; deterministic."""
    view = view or DiagramView()
    selection = select(model, view, assessment)
    lines = [f"flowchart {view.direction}"]
    lines += _indent(_blocks(selection, None))
    links, link_styles = _links(selection)
    lines += _indent(links)
    legend, legend_classes = _legend(selection)
    lines += _indent(legend)
    lines += _indent(_styles(selection, legend_classes) + link_styles)
    return "\n".join(lines) + "\n"


def _indent(lines: list[str]) -> list[str]:
    return ["  " + line for line in lines]


def _mark(badge: Badge) -> str:
    # The word too: the square's colour is lost without an emoji font and to colour blindness.
    return f"{SEVERITY_MARKS[badge.severity]} {badge.count} {badge.severity}"


def _badge(badge: Badge | None) -> str:
    return f" · {_mark(badge)}" if badge else ""


def _kind(value: str) -> str:
    return value.replace("-", " ")


def _node(selection: Selection, component: Component) -> str:
    opening, closing = SHAPES[category(component)]
    label = (text(component.name) + BREAK + text(_kind(component.type))
             + _badge(selection.component_badges.get(component.id)))
    return f"{selection.node_ids[component.id]}{opening}{label}{closing}"


def _subgraph_title(selection: Selection, boundary: Boundary) -> str:
    return (text(boundary.name) + " · " + text(_kind(boundary.kind))
            + _badge(selection.boundary_badges.get(boundary.id)))


def _blocks(selection: Selection, parent: str | None) -> list[str]:
    """Nodes and nested subgraphs; edges come after, or Mermaid would move nodes into them."""
    lines = [_node(selection, c) for c in selection.members(parent)]
    for boundary in selection.child_boundaries(parent):
        cluster = selection.cluster_ids[boundary.id]
        lines.append(f'subgraph {cluster}["{_subgraph_title(selection, boundary)}"]')
        lines += _indent(_blocks(selection, boundary.id))
        lines.append("end")
    return lines


def _flow_label(edge: FlowEdge, badge: Badge | None) -> str:
    parts: list[str] = []
    for flow in edge.flows:
        if flow.name:
            parts.append(text(flow.name))
        detail = ", ".join(flow.data)
        if flow.protocol:
            detail = f"{detail} · {flow.protocol}" if detail else flow.protocol
        if detail:
            parts.append(text(detail))
        warnings = [w for w, bad in (("no auth", flow.authenticated is False),
                                     ("no TLS", flow.encrypted is False)) if bad]
        if warnings:
            parts.append("⚠ " + ", ".join(warnings))
    label = BREAK.join(parts)
    if badge is not None:
        label = f"{_mark(badge)} · {label}" if label else _mark(badge)
    return label


def _links(selection: Selection) -> tuple[list[str], list[str]]:
    """Edge lines and their ``linkStyle`` lines, which refer to edges by position."""
    ids = selection.node_ids
    links: list[str] = []
    crossing: list[str] = []
    for position, edge in enumerate(selection.edges):
        weak = edge.unauthenticated or edge.unencrypted
        # Dotted for a missing safeguard, thick for a boundary crossing; both at once is dotted
        # with the crossing's colour and width from linkStyle.
        arrow = "-.->" if weak else "==>" if edge.crosses else "-->"
        label = _flow_label(edge, selection.edge_badges.get(position))
        links.append(_link(ids[edge.source], arrow, label, ids[edge.target]))
        if edge.crosses:
            crossing.append(str(position))
    references: list[str] = []
    for ref in selection.references:
        references.append(str(len(links)))
        links.append(_link(ids[ref.source], "-.->", text(", ".join(ref.kinds)), ids[ref.target]))
    styles = [f"linkStyle {','.join(positions)} {style}"
              for positions, style in ((crossing, CROSSING_STYLE), (references, REFERENCE_STYLE))
              if positions]
    return links, styles


def _link(source: str, arrow: str, label: str, target: str) -> str:
    # An empty quoted label is not valid Mermaid: a flow with no name or data gets none.
    return f'{source} {arrow}|"{label}"| {target}' if label else f"{source} {arrow} {target}"


def _legend(selection: Selection) -> tuple[list[str], dict[str, list[str]]]:
    """A legend subgraph: a sample node per element kind drawn, then a key node, in one row.

    Key lines are kept short because Mermaid wraps long label lines on its own.
    """
    classes: dict[str, list[str]] = {}
    lines = ['subgraph legend["Legend"]']
    for number, name in enumerate(selection.categories):
        opening, closing = SHAPES[name]
        lines.append(f"  l{number}{opening}{CATEGORY_NAMES[name]}{closing}")
        classes.setdefault(CLASSES[name][0], []).append(f"l{number}")
    key = ["──▶ flow: name, data · protocol"]
    if selection.boundaries:
        key.append("red dashed box: trust boundary")
    if any(e.crosses for e in selection.edges):
        key.append("━━▶ crosses a trust boundary")
    if any(e.unauthenticated or e.unencrypted for e in selection.edges):
        key.append("┄┄▶ ⚠ no auth or no TLS")
    if selection.references:
        key.append("green ┄┄▶ agent’s tool, model, memory")
    if selection.findings:
        key.append("badge: unresolved findings, worst:")
        key.append(" ".join(f"{SEVERITY_MARKS[s]} {s}" for s in SEVERITIES))
    number = len(selection.categories)
    lines.append(f'  l{number}["{BREAK.join(key)}"]')
    classes["dfdKey"] = [f"l{number}"]
    # Invisible links line the legend up along the diagram's direction instead of letting the
    # layout scatter it; they come after every styled link, so linkStyle positions stay right.
    if number:
        lines.append("  " + " ~~~ ".join(f"l{i}" for i in range(number + 1)))
    lines.append("end")
    return lines, classes


def _styles(selection: Selection, legend_classes: dict[str, list[str]]) -> list[str]:
    members: dict[str, list[str]] = {}
    for component in selection.components:
        name = CLASSES[category(component)][0]
        members.setdefault(name, []).append(selection.node_ids[component.id])
    for name, ids in legend_classes.items():
        members.setdefault(name, []).extend(ids)
    lines = [f"classDef {name} {style}" for name, style in (*CLASSES.values(), KEY_CLASS)]
    lines += [f"class {','.join(ids)} {name}" for name, ids in members.items()]
    lines += [f"style {selection.cluster_ids[b.id]} {BOUNDARY_STYLE}"
              for b in selection.boundaries]
    lines.append("style legend fill:#FFFFFF,stroke:#9E9E9E")
    return lines
