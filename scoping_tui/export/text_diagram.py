"""The data flow as plain text, to orient in a terminal (the TUI's Diagram tab).

Trust boundaries are nested, indented headings with their components under them; every flow
is one line ``from ──data/protocol──▶ to``, with ``⇢`` in front when it crosses a trust
boundary and ``⚠`` after it when it is stated to be unauthenticated or unencrypted. Agents'
tool, model, memory and delegation references that have no flow of their own are listed too,
so in-process tools do not float unconnected. Model order throughout: the same model always
gives the same text.
"""

from __future__ import annotations

from scoping_tui.engine.assessment import Assessment
from scoping_tui.engine.index import ModelIndex
from scoping_tui.engine.threats import SEVERITIES
from scoping_tui.export.view import MAX_NESTING, DiagramView, clean, select
from scoping_tui.model.types import Boundary, Component, Flow, SystemModel

INDENT = "  "
ARROW = "──▶"
CROSSING = "⇢"
WARNING = "⚠"
NAME_LIMIT = 60
"""Longest name drawn; a longer one is cut with "…" so one name cannot swamp the view."""


def _text(value: str, limit: int = NAME_LIMIT) -> str:
    """Model text on one line, without control characters."""
    return " ".join(clean(value, limit).split())


def _counts(assessment: Assessment | None) -> dict[tuple[str, str], dict[str, str]]:
    """(target kind, id) → {finding id: severity} of the unresolved findings on it."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    if assessment is None:
        return found
    for status in assessment.findings:
        if not status.unresolved:
            continue
        finding = status.finding
        for target in (finding.target, *finding.also):
            found.setdefault((finding.target_kind, target), {})[finding.id] = finding.severity
    return found


def _badge(hits: dict[str, str] | None) -> str:
    if not hits:
        return ""
    worst = min(hits.values(), key=SEVERITIES.index)
    return f"  ◆ {len(hits)} (worst {worst})"


class _Renderer:
    def __init__(self, model: SystemModel, assessment: Assessment | None) -> None:
        self.model = model
        self.assessment = assessment
        self.index = ModelIndex(model)
        self.hits = _counts(assessment)
        self.lines: list[str] = []
        self.boundary_ids = {b.id for b in model.boundaries}
        self.members: dict[str | None, list[Component]] = {}
        for component in model.components:
            self.members.setdefault(component.boundary, []).append(component)
        self.children: dict[str | None, list[Boundary]] = {}
        for boundary in model.boundaries:
            self.children.setdefault(boundary.parent, []).append(boundary)

    def name(self, component_id: str) -> str:
        component = self.model.component(component_id)
        return _text(component.name) if component is not None else f"?{_text(component_id)}"

    # -- boundaries and components ---------------------------------------------------------

    def component_line(self, component: Component, depth: int) -> str:
        return (f"{INDENT * depth}• {_text(component.name)}  [{_text(component.type)}]  "
                f"{_text(component.id)}" + _badge(self.hits.get(("component", component.id))))

    def boundary_line(self, boundary: Boundary, depth: int) -> str:
        return (f"{INDENT * depth}▣ {_text(boundary.name)}  ({_text(boundary.kind)})  "
                f"{_text(boundary.id)}" + _badge(self.hits.get(("boundary", boundary.id))))

    def tree(self, parent: str | None, depth: int, seen: set[str]) -> None:
        """What ``parent`` holds, depth first, in model order. Iterative, and indented no
        deeper than MAX_NESTING levels, so a chain of thousands of boundaries neither
        overflows the stack nor makes lines thousands of characters wide."""
        members, children = self.members, self.children

        def indent(level: int) -> int:
            return min(level, MAX_NESTING)

        self.lines.extend(self.component_line(c, indent(depth)) for c in members.get(parent, []))
        stack = [(depth, iter(children.get(parent, [])))]
        while stack:
            level, pending = stack[-1]
            boundary = next(pending, None)
            if boundary is None:
                stack.pop()
                continue
            # A parent cycle (only in a model that does not validate) is drawn once.
            if boundary.id in seen:
                continue
            seen.add(boundary.id)
            self.lines.append(self.boundary_line(boundary, indent(level)))
            self.lines.extend(self.component_line(c, indent(level + 1))
                              for c in members.get(boundary.id, []))
            stack.append((level + 1, iter(children.get(boundary.id, []))))

    def structure(self) -> None:
        self.lines.append("Trust boundaries and components")
        outside = [c for c in self.model.components if c.boundary is None]
        seen: set[str] = set()
        for boundary in self.model.boundaries:
            if boundary.parent is None or boundary.parent not in self.boundary_ids:
                seen.add(boundary.id)
                self.lines.append(self.boundary_line(boundary, 1))
                self.tree(boundary.id, 2, seen)
        if outside:
            self.lines.append(f"{INDENT}(outside every trust boundary)")
            self.lines.extend(self.component_line(c, 2) for c in outside)
        lost = [c for c in self.model.components
                if c.boundary is not None and c.boundary not in seen]
        if lost:
            self.lines.append(f"{INDENT}(in a boundary the model does not define)")
            self.lines.extend(self.component_line(c, 2) for c in lost)
        if not self.model.components:
            self.lines.append(f"{INDENT}(no components)")

    # -- flows -----------------------------------------------------------------------------

    def flow_line(self, flow: Flow) -> str:
        detail = ", ".join(_text(d) for d in flow.data)
        if flow.protocol:
            detail = f"{detail}/{_text(flow.protocol)}" if detail else _text(flow.protocol)
        arrow = f"──{detail}{ARROW}" if detail else ARROW
        mark = CROSSING if self.index.crosses(flow) else " "
        line = f"{INDENT}{mark} {self.name(flow.source)} {arrow} {self.name(flow.target)}"
        warnings = [w for w, bad in (("no auth", flow.authenticated is False),
                                     ("no TLS", flow.encrypted is False)) if bad]
        if warnings:
            line += f"  {WARNING} " + ", ".join(warnings)
        if flow.name:
            line += f"  ({_text(flow.name)})"
        return line + _badge(self.hits.get(("flow", flow.id)))

    def flows(self) -> None:
        self.lines.append("")
        self.lines.append(f"Flows  ({CROSSING} crosses a trust boundary, {WARNING} stated "
                          "unauthenticated or unencrypted)")
        if not self.model.flows:
            self.lines.append(f"{INDENT}(no flows)")
        self.lines.extend(self.flow_line(flow) for flow in self.model.flows)

    def references(self) -> None:
        try:
            refs = select(self.model, DiagramView(show_findings=False)).references
        except ValueError:
            return
        if not refs:
            return
        self.lines.append("")
        self.lines.append("Agent references without a flow (tool, model, memory, delegate)")
        self.lines.extend(f"{INDENT}  {self.name(r.source)} ┈{', '.join(r.kinds)}┈▷ "
                          f"{self.name(r.target)}" for r in refs)

    def render(self) -> str:
        title = _text(self.model.system.name, 120) or "(unnamed system)"
        self.lines.append(f"{title} — data flow")
        if self.assessment is not None:
            total = sum(1 for s in self.assessment.findings if s.unresolved)
            self.lines.append(f"{total} unresolved finding{'s' if total != 1 else ''} "
                              f"(phase {self.assessment.phase}); ◆ N: unresolved findings "
                              "on that element")
        self.lines.append("")
        self.structure()
        self.flows()
        self.references()
        return "\n".join(self.lines) + "\n"


def render_text_diagram(model: SystemModel, assessment: Assessment | None) -> str:
    """The data flow as text: nested boundaries, components, one line per flow."""
    return _Renderer(model, assessment).render()

