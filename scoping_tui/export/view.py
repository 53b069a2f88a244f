"""What a data-flow diagram shows: the view, the elements it selects, and their finding badges.

The DOT and Mermaid renderers only format; every decision about what is drawn, how flows are
merged and which element carries which badge is made here once, so both formats agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from scoping_tui.engine.assessment import Assessment
from scoping_tui.engine.index import AGENT_TYPES, STORE_TYPES, ModelIndex
from scoping_tui.engine.threats import SEVERITIES, Finding
from scoping_tui.model.suggest import did_you_mean
from scoping_tui.model.types import Boundary, Component, Flow, SystemModel

DIRECTIONS = ("LR", "TB")
EXTERNAL_TYPES = frozenset({"user", "external-service", "genai-app"})
"""Drawn as external entities: outside the system's control (a genai-app is a third party's)."""

# Visual categories a threat modeler recognises, in legend order.
EXTERNAL, PROCESS, STORE, MODEL, AGENT = "external", "process", "store", "model", "agent"
CATEGORIES = (EXTERNAL, PROCESS, AGENT, MODEL, STORE)

_K = TypeVar("_K")


@dataclass(frozen=True)
class DiagramView:
    """``focus`` is ``system``, ``boundary:<id>`` or ``around:<component id>``."""

    focus: str = "system"
    show_findings: bool = True
    direction: str = "LR"

    def __post_init__(self) -> None:
        _check_focus_syntax(self.focus)
        if self.direction not in DIRECTIONS:
            raise ValueError(f"unknown diagram direction {self.direction!r}: use LR or TB"
                             + did_you_mean(self.direction.upper(), DIRECTIONS))

    @property
    def kind(self) -> str:
        return self.focus.split(":", 1)[0]

    @property
    def target(self) -> str | None:
        return self.focus.split(":", 1)[1] if ":" in self.focus else None


def _check_focus_syntax(focus: str) -> None:
    kind, sep, target = focus.partition(":")
    if kind == "system" and not sep:
        return
    if kind in ("boundary", "around") and sep and target:
        return
    if kind in ("boundary", "around"):
        raise ValueError(f"view {focus!r} needs an id: {kind}:ID")
    raise ValueError(f"unknown view {focus!r}: use system, boundary:ID or around:ID"
                     + did_you_mean(kind, ("system", "boundary", "around")))


def parse_view(text: str, model: SystemModel | None = None, *, show_findings: bool = True,
               direction: str = "LR") -> DiagramView:
    """The ``--view`` option as a DiagramView; with a model, its id must exist there."""
    view = DiagramView(text.strip(), show_findings, direction.strip().upper())
    if model is not None:
        check_view(model, view)
    return view


def check_view(model: SystemModel, view: DiagramView) -> None:
    """Raise ValueError, with a did-you-mean, when the view names an id the model lacks."""
    target = view.target
    if view.kind == "boundary" and target is not None and model.boundary(target) is None:
        raise ValueError(f"no boundary {target!r} in the model"
                         + _hint(target, [b.id for b in model.boundaries]))
    if view.kind == "around" and target is not None and model.component(target) is None:
        raise ValueError(f"no component {target!r} in the model"
                         + _hint(target, [c.id for c in model.components]))


def _hint(word: str, ids: list[str]) -> str:
    """A did-you-mean, or else the ids there are when they are few enough to read."""
    suggestion = did_you_mean(word, ids)
    if suggestion or not ids:
        return suggestion
    shown = ", ".join(ids[:12]) + (", …" if len(ids) > 12 else "")
    return f"; its ids are: {shown}"


MAX_TEXT = 200
"""Longest model value drawn: the schema's limit for names; longer text is cut with "…"."""


def clean(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` without the characters a diagram file cannot carry, line breaks as ``\n``.

    C0/C1 controls, lone surrogates and the non-characters U+FFFE/U+FFFF make Graphviz's
    label parser (expat) reject the whole file, so they go; every kind of line break becomes
    ``\n``, which each renderer turns into its own line break; tabs become spaces.
    Format characters such as the right-to-left mark stay: they are part of the text.
    Flow names have no length limit, and one huge label would wreck the whole layout.
    """
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    out: list[str] = []
    for char in text.replace("\r\n", "\n"):
        code = ord(char)
        if char in "\n\r\x85\u2028\u2029":
            out.append("\n")
        elif char in "\t\v\f":
            out.append(" ")
        elif code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000 \
                or code in (0xFFFE, 0xFFFF):
            continue
        else:
            out.append(char)
    return "".join(out)


def category(component: Component) -> str:
    if component.type in EXTERNAL_TYPES:
        return EXTERNAL
    if component.type in STORE_TYPES:
        return STORE
    if component.type == "foundation-model":
        return MODEL
    if component.type in AGENT_TYPES:
        return AGENT
    return PROCESS


@dataclass(frozen=True)
class FlowEdge:
    """One drawn edge: every flow from the same source to the same target, merged."""

    source: str
    target: str
    flows: tuple[Flow, ...]
    crosses: bool
    """The two ends sit in different trust boundaries."""

    @property
    def unauthenticated(self) -> bool:
        return any(f.authenticated is False for f in self.flows)

    @property
    def unencrypted(self) -> bool:
        return any(f.encrypted is False for f in self.flows)


@dataclass(frozen=True)
class Reference:
    """An agent's tool grant, model, memory or delegation with no flow to show it.

    In-process tools have no flow of their own (the grant is the edge), so without this they
    would float unconnected.
    """

    source: str
    target: str
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class Badge:
    count: int
    severity: str
    """The highest severity among the unresolved findings counted."""


@dataclass(frozen=True)
class Selection:
    model: SystemModel
    view: DiagramView
    components: tuple[Component, ...]
    """In model order, so output is stable and follows the author's ordering."""
    boundaries: tuple[Boundary, ...]
    edges: tuple[FlowEdge, ...]
    references: tuple[Reference, ...]
    component_badges: dict[str, Badge] = field(default_factory=dict)
    boundary_badges: dict[str, Badge] = field(default_factory=dict)
    edge_badges: dict[int, Badge] = field(default_factory=dict)
    """Keyed by position in ``edges``."""
    findings: bool = False
    """Badges are drawn: there is an assessment and the view asks for them."""

    @property
    def flows(self) -> tuple[Flow, ...]:
        return tuple(flow for edge in self.edges for flow in edge.flows)

    @cached_property
    def node_ids(self) -> dict[str, str]:
        """Synthetic ids: user text never becomes a DOT or Mermaid identifier."""
        return {c.id: f"n{i}" for i, c in enumerate(self.components)}

    @cached_property
    def cluster_ids(self) -> dict[str, str]:
        return {b.id: f"c{i}" for i, b in enumerate(self.boundaries)}

    def child_boundaries(self, parent: str | None) -> list[Boundary]:
        return self._children.get(parent, [])

    def members(self, boundary: str | None) -> list[Component]:
        return self._members.get(boundary, [])

    @cached_property
    def _members(self) -> dict[str | None, list[Component]]:
        members: dict[str | None, list[Component]] = {}
        for component in self.components:
            members.setdefault(component.boundary, []).append(component)
        return members

    @cached_property
    def _children(self) -> dict[str | None, list[Boundary]]:
        """Boundaries by the parent they are drawn in. Below MAX_NESTING levels they are drawn
        in their ancestor at that depth: no picture needs more, and neither Graphviz, Mermaid
        nor the recursion that writes them copes with thousands of levels."""
        by_id = {b.id: b for b in self.boundaries}
        depth: dict[str, int] = {}
        for boundary in self.boundaries:
            chain: list[Boundary] = []
            node: Boundary | None = boundary
            while node is not None and node.id not in depth:
                chain.append(node)
                node = by_id.get(node.parent) if node.parent else None
            level = depth[node.id] if node is not None else -1
            for item in reversed(chain):
                level += 1
                depth[item.id] = level
        anchor: dict[str, str] = {}
        """Where a boundary's children are drawn: itself, or its ancestor at the last level."""
        for boundary in sorted(self.boundaries, key=lambda b: depth[b.id]):
            deep = depth[boundary.id] >= MAX_NESTING and boundary.parent in anchor
            anchor[boundary.id] = anchor[boundary.parent or ""] if deep else boundary.id
        children: dict[str | None, list[Boundary]] = {}
        for boundary in self.boundaries:
            parent = boundary.parent
            if parent is not None and parent in anchor:
                parent = anchor[parent]
            children.setdefault(parent, []).append(boundary)
        return children

    @property
    def categories(self) -> list[str]:
        present = {category(c) for c in self.components}
        return [c for c in CATEGORIES if c in present]


MAX_NESTING = 24
"""Boundary levels a diagram draws; deeper ones are drawn inside the last level."""


def select(model: SystemModel, view: DiagramView,
           assessment: Assessment | None = None) -> Selection:
    """The components, merged flows, references and boundaries that ``view`` draws."""
    check_view(model, view)
    index = ModelIndex(model)
    chosen = _chosen_components(model, index, view)
    components = tuple(c for c in model.components if c.id in chosen)
    flows = [f for f in model.flows if f.source in chosen and f.target in chosen]
    edges = _merge(flows, index)
    boundaries = _boundaries_for(components, index)
    badges: tuple[dict[str, Badge], dict[str, Badge], dict[int, Badge]] = ({}, {}, {})
    findings = assessment is not None and view.show_findings
    if assessment is not None and view.show_findings:
        badges = _badge_maps(assessment, components, boundaries, edges)
    return Selection(
        model=model,
        view=view,
        components=components,
        boundaries=boundaries,
        edges=edges,
        references=_references(components, chosen, flows),
        component_badges=badges[0],
        boundary_badges=badges[1],
        edge_badges=badges[2],
        findings=findings,
    )


def _chosen_components(model: SystemModel, index: ModelIndex, view: DiagramView) -> set[str]:
    target = view.target
    if view.kind == "boundary" and target is not None:
        return {c.id for c in model.components
                if any(b.id == target for b in index.boundary_chain(c.boundary))}
    if view.kind == "around" and target is not None:
        return {target} | _neighbours(model, target)
    return {c.id for c in model.components}


def _neighbours(model: SystemModel, component_id: str) -> set[str]:
    found: set[str] = set()
    for flow in model.flows:
        if flow.source == component_id:
            found.add(flow.target)
        if flow.target == component_id:
            found.add(flow.source)
    for agent in model.components:
        refs = _agent_refs(agent)
        if agent.id == component_id:
            found.update(ref for ref, _ in refs)
        elif any(ref == component_id for ref, _ in refs):
            found.add(agent.id)
    # A reference to an id the model lacks has nothing to draw.
    return {ref for ref in found if model.component(ref) is not None}


def _agent_refs(component: Component) -> list[tuple[str, str]]:
    """(referenced component, how) for every reference an agent makes, in file order."""
    agent = component.agent
    if agent is None:
        return []
    refs: list[tuple[str, str]] = []
    if agent.model:
        refs.append((agent.model, "model"))
    for grant in agent.tools:
        perms = f" ({', '.join(grant.permissions)})" if grant.permissions else ""
        refs.append((grant.tool, "tool" + perms))
    refs.extend((ref, "memory") for ref in agent.memory)
    refs.extend((ref, "delegates") for ref in agent.delegates_to)
    return refs


def _boundaries_for(components: Iterable[Component], index: ModelIndex) -> tuple[Boundary, ...]:
    """Every boundary that holds a drawn component directly or through nesting."""
    needed: set[str] = set()
    for component in components:
        needed.update(b.id for b in index.boundary_chain(component.boundary))
    return tuple(b for b in index.model.boundaries if b.id in needed)


def _merge(flows: list[Flow], index: ModelIndex) -> tuple[FlowEdge, ...]:
    """One edge per ordered pair, as the engine groups repeated flows into one finding."""
    groups: dict[tuple[str, str], list[Flow]] = {}
    for flow in flows:
        groups.setdefault((flow.source, flow.target), []).append(flow)
    return tuple(
        FlowEdge(source, target, tuple(group), any(index.crosses(f) for f in group))
        for (source, target), group in groups.items()
    )


def _references(components: tuple[Component, ...], chosen: set[str],
                flows: list[Flow]) -> tuple[Reference, ...]:
    linked = {frozenset((f.source, f.target)) for f in flows}
    found: dict[tuple[str, str], list[str]] = {}
    for component in components:
        for ref, how in _agent_refs(component):
            if ref in chosen and ref != component.id \
                    and frozenset((component.id, ref)) not in linked:
                kinds = found.setdefault((component.id, ref), [])
                if how not in kinds:
                    kinds.append(how)
    return tuple(Reference(s, t, tuple(kinds)) for (s, t), kinds in found.items())


def _badge_maps(assessment: Assessment, components: tuple[Component, ...],
                boundaries: tuple[Boundary, ...], edges: tuple[FlowEdge, ...],
                ) -> tuple[dict[str, Badge], dict[str, Badge], dict[int, Badge]]:
    hits: dict[tuple[str, str], list[Finding]] = {}
    for status in assessment.findings:
        if status.unresolved:
            finding = status.finding
            # A grouped flow finding covers the flows in ``also`` too.
            for target in (finding.target, *finding.also):
                hits.setdefault((finding.target_kind, target), []).append(finding)

    def badge(kind: str, ids: Iterable[str]) -> Badge | None:
        # Keyed by finding id so a finding covering two merged flows counts once on the edge.
        found = {f.id: f.severity for i in ids for f in hits.get((kind, i), [])}
        if not found:
            return None
        return Badge(len(found), min(found.values(), key=SEVERITIES.index))

    def keep(pairs: Iterable[tuple[_K, Badge | None]]) -> dict[_K, Badge]:
        return {key: b for key, b in pairs if b is not None}

    return (keep((c.id, badge("component", [c.id])) for c in components),
            keep((b.id, badge("boundary", [b.id])) for b in boundaries),
            keep((i, badge("flow", [f.id for f in e.flows])) for i, e in enumerate(edges)))


def describe(view: DiagramView, model: SystemModel) -> str:
    """A human title for the view, from names rather than ids."""
    target = view.target or ""
    if view.kind == "boundary":
        boundary = model.boundary(target)
        return f"inside {boundary.name if boundary else target}"
    if view.kind == "around":
        component = model.component(target)
        return f"around {component.name if component else target}"
    return "whole system"
