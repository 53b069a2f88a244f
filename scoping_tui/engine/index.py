"""Derived structure of a model, computed once: neighbours, boundary chains, crossings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from scoping_tui.engine.scope import Scope, agentic_scope, generative_scope
from scoping_tui.model.paths import Path
from scoping_tui.model.types import Boundary, Component, Flow, SystemModel

SENSITIVE = frozenset({"confidential", "restricted", "pii", "phi", "payment", "financial",
                       "credentials"})
STORE_TYPES = frozenset({"vector-store", "knowledge-base", "memory", "data-store", "message-queue",
                         "training-data", "model-registry", "secrets-store", "monitoring"})
AGENT_TYPES = frozenset({"agent", "orchestrator"})
MODEL_TYPES = frozenset({"foundation-model", "genai-app"})
PEOPLE_FACING = frozenset({"user", "client-app", "api-gateway"})
VENDOR_HOSTING = frozenset({"third-party-saas", "configured-saas"})
"""Hosting where a vendor runs the code and the infrastructure, whoever configures it."""
NAMED_SETS: dict[str, frozenset[str]] = {
    "sensitive-data": SENSITIVE,
    "store-types": STORE_TYPES,
    "agent-types": AGENT_TYPES,
    "model-types": MODEL_TYPES,
    "people-facing-types": PEOPLE_FACING,
    "vendor-hosting": VENDOR_HOSTING,
}
"""The engine's sets, by the names rules use for them (``in: {set: agent-types}``): a rule
that spelled one out would silently miss a member added here."""


def component_path(component: Component) -> Path:
    return ("components", component.index)


def flow_path(flow: Flow) -> Path:
    return ("flows", flow.index)


def boundary_path(boundary: Boundary) -> Path:
    return ("boundaries", boundary.index)


@dataclass(frozen=True)
class ModelIndex:
    model: SystemModel

    @cached_property
    def components(self) -> dict[str, Component]:
        return {c.id: c for c in self.model.components}

    @cached_property
    def boundaries(self) -> dict[str, Boundary]:
        return {b.id: b for b in self.model.boundaries}

    @cached_property
    def incoming(self) -> dict[str, list[Flow]]:
        found: dict[str, list[Flow]] = {c.id: [] for c in self.model.components}
        for flow in self.model.flows:
            found.setdefault(flow.target, []).append(flow)
        return found

    @cached_property
    def outgoing(self) -> dict[str, list[Flow]]:
        found: dict[str, list[Flow]] = {c.id: [] for c in self.model.components}
        for flow in self.model.flows:
            found.setdefault(flow.source, []).append(flow)
        return found

    @cached_property
    def granted_by(self) -> dict[str, list[Component]]:
        """Agents that may call each tool."""
        found: dict[str, list[Component]] = {}
        for component in self.model.components:
            if component.agent is not None:
                for grant in component.agent.tools:
                    found.setdefault(grant.tool, []).append(component)
        return found

    @cached_property
    def memory_users(self) -> dict[str, list[Component]]:
        found: dict[str, list[Component]] = {}
        for component in self.model.components:
            if component.agent is not None:
                for ref in component.agent.memory:
                    found.setdefault(ref, []).append(component)
        return found

    @cached_property
    def delegated_by(self) -> dict[str, list[Component]]:
        found: dict[str, list[Component]] = {}
        for component in self.model.components:
            if component.agent is not None:
                for ref in component.agent.delegates_to:
                    found.setdefault(ref, []).append(component)
        return found

    @cached_property
    def by_type(self) -> dict[str, tuple[Component, ...]]:
        found: dict[str, list[Component]] = {}
        for component in self.model.components:
            found.setdefault(component.type, []).append(component)
        return {t: tuple(cs) for t, cs in found.items()}

    @cached_property
    def generative(self) -> Scope:
        return generative_scope(self.model)

    @cached_property
    def agentic(self) -> Scope:
        return agentic_scope(self.model)

    @cached_property
    def types(self) -> frozenset[str]:
        return frozenset(c.type for c in self.model.components)

    def boundary_chain(self, boundary_id: str | None) -> tuple[Boundary, ...]:
        """The boundary and its ancestors, innermost first."""
        if not boundary_id:
            return ()
        chain = self._chains.get(boundary_id)
        if chain is None:
            # Walked on demand, with a set for the cycle guard: a chain thousands of
            # boundaries deep costs its depth once, not its depth squared for each boundary.
            walked: list[Boundary] = []
            seen: set[str] = set()
            node = self.boundaries.get(boundary_id)
            while node is not None and node.id not in seen:
                seen.add(node.id)
                walked.append(node)
                node = self.boundaries.get(node.parent) if node.parent else None
            chain = self._chains[boundary_id] = tuple(walked)
        return chain

    @cached_property
    def _chains(self) -> dict[str, tuple[Boundary, ...]]:
        return {}

    def _zone(self, component: Component) -> str | None:
        """The kind of the boundary a component sits in (None outside any)."""
        boundary = self.boundaries.get(component.boundary) if component.boundary else None
        return boundary.kind if boundary is not None else None

    def in_internet(self, component: Component) -> bool:
        zone = self._zone(component)
        if zone is not None:
            return zone == "internet"
        return component.type in ("user", "external-service")

    def crosses(self, flow: Flow) -> bool:
        source = self.components.get(flow.source)
        target = self.components.get(flow.target)
        if source is None or target is None:
            return False
        return source.boundary != target.boundary

    def untrusted_zone(self, component: Component) -> bool:
        """Outside the organisation's control: the internet, a user device, a third party."""
        zone = self._zone(component)
        if zone is not None:
            return zone in ("internet", "user-device", "third-party")
        return component.type in ("user", "external-service")
