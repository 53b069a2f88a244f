"""Findings per element, for reading: each component with the findings on it and on the flows
it sends, and one threat repeated over several of those flows folded into one entry.

Only how the text, Markdown and HTML outputs show findings: the engine's findings are unchanged, and
the machine formats (JSON, SARIF, CSV) keep one result per finding.
"""

from __future__ import annotations

from dataclasses import dataclass

from scoping_tui.engine.assessment import Assessment
from scoping_tui.engine.catalog import Threat
from scoping_tui.engine.controls import FindingStatus
from scoping_tui.engine.index import boundary_path, component_path, flow_path
from scoping_tui.engine.threats import SEVERITIES
from scoping_tui.model.types import Boundary, Component, Flow, SystemModel

STATUSES = ("open", "partially-mitigated", "mitigated", "accepted")
OUTSIDE_SENDERS = frozenset({"user", "external-service"})
"""Senders whose flows are grouped under the receiver: they are not ours to fix."""
GROUP_KINDS = ("component", "boundary", "system")
"""What a group is about, in the order groups of equal severity come in."""


@dataclass(frozen=True)
class FlowRef:
    """One flow an entry covers, with the finding that covers it."""

    id: str
    line: int
    """Where the flow is defined in the model file."""
    status: FindingStatus
    """The finding on it; for a flow in a finding's ``also``, the finding of its first flow."""

    @property
    def primary(self) -> bool:
        """The finding is named after this flow (not one of the further flows it covers)."""
        return self.status.finding.target == self.id


@dataclass(frozen=True)
class Entry:
    """One threat on one element: a single finding, or the findings of one threat on several
    flows the element sends, folded."""

    threat: Threat
    findings: tuple[FindingStatus, ...]
    """Worst first: by severity, then target id."""
    flows: tuple[FlowRef, ...] = ()
    """Every flow the findings cover, in the order of ``findings`` (empty unless on flows)."""

    @property
    def worst(self) -> FindingStatus:
        """The finding whose reasons, rating and missing controls the entry shows."""
        return self.findings[0]

    @property
    def severity(self) -> str:
        return self.worst.finding.severity

    @property
    def folded(self) -> bool:
        """More than one finding shown as this entry."""
        return len(self.findings) > 1

    @property
    def on_flows(self) -> bool:
        return self.worst.finding.target_kind == "flow"

    def status_counts(self) -> tuple[tuple[str, int], ...]:
        """How many of its flows (or, not on flows, its findings) have each status: the
        statuses that occur, in order."""
        return _status_counts(tuple(flow.status for flow in self.flows) or self.findings)

    def differences(self, flow: FlowRef) -> list[str]:
        """The severity and status of one of its flows where they differ from the entry's
        (the worst finding's)."""
        finding = flow.status.finding
        return [*([finding.severity] if finding.severity != self.severity else []),
                *([flow.status.status] if flow.status.status != self.worst.status else [])]


@dataclass(frozen=True)
class ElementGroup:
    """The findings of one element (a component with the flows it sends, a boundary, or the
    whole system), as entries."""

    kind: str
    """component, boundary or system (findings no element of the model holds)."""
    id: str
    type: str
    """The component's type, the boundary's kind, or ``system``."""
    name: str
    line: int
    entries: tuple[Entry, ...]

    @property
    def findings(self) -> tuple[FindingStatus, ...]:
        return tuple(status for entry in self.entries for status in entry.findings)

    @property
    def severity_rank(self) -> int:
        """Of its worst finding (0 is critical)."""
        return min(status.finding.severity_rank for status in self.findings)

    def severity_counts(self) -> dict[str, int]:
        """Its findings per severity, whatever their status, every severity present."""
        counts = dict.fromkeys(SEVERITIES, 0)
        for status in self.findings:
            counts[status.finding.severity] += 1
        return counts

    def status_counts(self) -> tuple[tuple[str, int], ...]:
        return _status_counts(self.findings)

    def resolved_counts(self) -> tuple[tuple[str, int], ...]:
        """How many of its findings are mitigated and accepted, those that occur."""
        return tuple(item for item in self.status_counts() if item[0] in ("mitigated", "accepted"))


def _status_counts(findings: tuple[FindingStatus, ...]) -> tuple[tuple[str, int], ...]:
    counts = {status: 0 for status in STATUSES}
    for found in findings:
        counts[found.status] = counts.get(found.status, 0) + 1
    return tuple((status, count) for status, count in counts.items() if count)


def group_findings(assessment: Assessment) -> tuple[ElementGroup, ...]:
    """The assessment's findings per element, the element with the most findings at the worst
    severity first (then components before boundaries, each in model order, and findings on no
    element last).

    A finding on a flow goes to the flow's source component, or to its receiver when a person
    or an outside service sends it. Within a group the findings of
    one threat on several flows are one entry; entries come worst severity first, then by
    threat id. Every finding is in exactly one entry.
    """
    model = assessment.model
    components = {c.id: (position, c) for position, c in enumerate(model.components)}
    boundaries = {b.id: (position, b) for position, b in enumerate(model.boundaries)}
    flows = {f.id: f for f in model.flows}
    buckets: dict[tuple[str, str], dict[str, list[FindingStatus]]] = {}
    for status in assessment.findings:
        finding = status.finding
        key = _group_key(finding.target_kind, finding.target, components, boundaries, flows)
        fold = finding.threat.id if finding.target_kind == "flow" else finding.id
        buckets.setdefault(key, {}).setdefault(fold, []).append(status)
    groups = []
    for (kind, element_id), by_entry in buckets.items():
        entries = sorted((_entry(model, statuses, flows) for statuses in by_entry.values()),
                         key=_entry_order)
        groups.append(_group(model, kind, element_id, tuple(entries), components, boundaries))

    def order(group: ElementGroup) -> tuple[tuple[int, ...], int, int]:
        position = components[group.id][0] if group.kind == "component" else \
            boundaries[group.id][0] if group.kind == "boundary" else 0
        # Most findings at the worst severity first: 14 high before 1 high.
        counts = group.severity_counts()
        return tuple(-counts[s] for s in SEVERITIES), GROUP_KINDS.index(group.kind), position

    return tuple(sorted(groups, key=order))


def finding_count(groups: tuple[ElementGroup, ...]) -> int:
    return sum(len(entry.findings) for group in groups for entry in group.entries)


def entry_count(groups: tuple[ElementGroup, ...]) -> int:
    return sum(len(group.entries) for group in groups)


def _group_key(kind: str, target: str, components: dict[str, tuple[int, Component]],
               boundaries: dict[str, tuple[int, Boundary]],
               flows: dict[str, Flow]) -> tuple[str, str]:
    if kind == "component" and target in components:
        return "component", target
    if kind == "flow":
        flow = flows.get(target)
        # A flow from a person or an outside service is the receiver's to secure.
        if flow is not None and flow.source in components and \
                components[flow.source][1].type in OUTSIDE_SENDERS and flow.target in components:
            return "component", flow.target
        if flow is not None and flow.source in components:
            return "component", flow.source
    if kind == "boundary" and target in boundaries:
        return "boundary", target
    return "system", ""


def _finding_order(status: FindingStatus) -> tuple[int, str]:
    return status.finding.severity_rank, status.finding.target


def _entry_order(entry: Entry) -> tuple[int, str, str]:
    return entry.worst.finding.severity_rank, entry.threat.id, entry.worst.finding.target


def _entry(model: SystemModel, statuses: list[FindingStatus], flows: dict[str, Flow]) -> Entry:
    ordered = tuple(sorted(statuses, key=_finding_order))
    first = ordered[0].finding
    refs: list[FlowRef] = []
    if first.target_kind == "flow":
        for status in ordered:
            finding = status.finding
            refs.append(FlowRef(finding.target, finding.line, status))
            for other in finding.also:
                flow = flows.get(other)
                line = finding.line if flow is None else \
                    model.source.value(flow_path(flow)).line
                refs.append(FlowRef(other, line, status))
    return Entry(first.threat, ordered, tuple(refs))


def _group(model: SystemModel, kind: str, element_id: str, entries: tuple[Entry, ...],
           components: dict[str, tuple[int, Component]],
           boundaries: dict[str, tuple[int, Boundary]]) -> ElementGroup:
    if kind == "component":
        component = components[element_id][1]
        return ElementGroup(kind, component.id, component.type, component.name,
                            model.source.value(component_path(component)).line, entries)
    if kind == "boundary":
        boundary = boundaries[element_id][1]
        return ElementGroup(kind, boundary.id, boundary.kind, boundary.name,
                            model.source.value(boundary_path(boundary)).line, entries)
    return ElementGroup(kind, "system", "system", model.system.name,
                        model.source.value(("system",)).line, entries)
