"""The system model as frozen dataclasses: what the engine and exporters read."""

from __future__ import annotations

from dataclasses import dataclass, field

from scoping_tui.model.load import SourceMap


@dataclass(frozen=True)
class SystemInfo:
    name: str
    description: str = ""
    owner: str = ""
    phase: str = "prototype"
    phase_declared: bool = False
    generative_scope: int | None = None
    agentic_scope: int | None = None
    tags: tuple[str, ...] = ()
    unknowns: str = "ask"
    """ask or worst-case: how analysis reads unstated security facts."""
    priorities: tuple[str, ...] = ()
    """confidentiality, integrity, availability, most important first; empty weighs all alike."""


@dataclass(frozen=True)
class Boundary:
    id: str
    name: str
    kind: str
    parent: str | None = None
    description: str = ""
    index: int = 0


@dataclass(frozen=True)
class ModelFacts:
    provider: str = ""
    origin: str | None = None
    base_model: str = ""
    terms: str | None = None
    trains_on_inputs: bool | None = None
    modality: tuple[str, ...] = ()
    weights_format: str | None = None


@dataclass(frozen=True)
class ToolGrant:
    tool: str
    permissions: tuple[str, ...] = ()
    approval: str | None = None
    """none, conditional or always; unstated follows the agent's approval."""
    approval_when: str = ""


@dataclass(frozen=True)
class AgentFacts:
    model: str | None = None
    tools: tuple[ToolGrant, ...] = ()
    runs_generated_code: bool = False
    approval: str | None = None
    triggers: tuple[str, ...] = ()
    memory: tuple[str, ...] = ()
    delegates_to: tuple[str, ...] = ()
    identity: str | None = None
    credential_lifetime: str | None = None


@dataclass(frozen=True)
class StoreFacts:
    encrypted_at_rest: bool | None = None
    multi_tenant: bool | None = None
    ingests_untrusted: bool | None = None
    persistence: str | None = None
    shared: str | None = None
    filters_by_user: bool | None = None


@dataclass(frozen=True)
class SoftwareFacts:
    installs_at_runtime: bool | None = None
    pinned: bool | None = None
    verified: bool | None = None
    sbom: bool | None = None
    packages: tuple[str, ...] = ()


@dataclass(frozen=True)
class ToolFacts:
    authentication: str | None = None
    side_effects: tuple[str, ...] = ()
    fetches_untrusted: bool | None = None
    source: str | None = None
    transport: str | None = None
    privileges: str | None = None
    """scoped, broad or admin: the rights it runs with."""


@dataclass(frozen=True)
class Component:
    id: str
    name: str
    type: str
    boundary: str | None = None
    hosting: str | None = None
    description: str = ""
    owner: str = ""
    data: tuple[str, ...] = ()
    secrets: bool | None = None
    human_review: bool | None = None
    role: str | None = None
    """For a user: end-user (also when unstated), operator or approver."""
    exposure: str | None = None
    """internet or internal, when stated outright rather than shown by flows."""
    software: SoftwareFacts | None = None
    tags: tuple[str, ...] = ()
    model: ModelFacts | None = None
    agent: AgentFacts | None = None
    store: StoreFacts | None = None
    tool: ToolFacts | None = None
    index: int = 0
    """Position in the file's `components` list, for locating it in the source."""


@dataclass(frozen=True)
class Flow:
    id: str
    source: str
    target: str
    name: str = ""
    data: tuple[str, ...] = ()
    protocol: str | None = None
    authenticated: bool | None = None
    encrypted: bool | None = None
    replay_protected: bool | None = None
    token_validated: bool | None = None
    description: str = ""
    index: int = 0


@dataclass(frozen=True)
class ControlImpl:
    control: str
    status: str
    targets: tuple[str, ...] = ("*",)
    reason: str = ""
    evidence: str = ""
    owner: str = ""
    index: int = 0

    @property
    def system_wide(self) -> bool:
        return "*" in self.targets


@dataclass(frozen=True)
class AcceptedRisk:
    finding: str
    owner: str
    reason: str
    expires: str
    ticket: str = ""
    index: int = 0

    @property
    def threat(self) -> str:
        return self.finding.split("@", 1)[0]

    @property
    def target(self) -> str:
        return self.finding.split("@", 1)[1]


@dataclass(frozen=True)
class SystemModel:
    file: str
    system: SystemInfo
    boundaries: tuple[Boundary, ...] = ()
    components: tuple[Component, ...] = ()
    flows: tuple[Flow, ...] = ()
    controls: tuple[ControlImpl, ...] = ()
    accepted_risks: tuple[AcceptedRisk, ...] = ()
    source: SourceMap = field(default_factory=SourceMap, compare=False, repr=False)

    def component(self, component_id: str) -> Component | None:
        return self._components_by_id().get(component_id)

    def boundary(self, boundary_id: str) -> Boundary | None:
        return {b.id: b for b in self.boundaries}.get(boundary_id)

    def _components_by_id(self) -> dict[str, Component]:
        cached: dict[str, Component] | None = self.__dict__.get("_by_id")
        if cached is None:
            cached = {c.id: c for c in self.components}
            object.__setattr__(self, "_by_id", cached)
        return cached
