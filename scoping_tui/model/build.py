"""Turn schema-valid plain data into the frozen SystemModel."""

from __future__ import annotations

from typing import Any

from scoping_tui.model.load import Document
from scoping_tui.model.types import (
    AcceptedRisk,
    AgentFacts,
    Boundary,
    Component,
    ControlImpl,
    Flow,
    ModelFacts,
    SoftwareFacts,
    StoreFacts,
    SystemInfo,
    ToolFacts,
    ToolGrant,
)
from scoping_tui.model.types import SystemModel as SystemModel


def _t(value: Any) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, list) else ()


def _model_facts(raw: dict[str, Any] | None) -> ModelFacts | None:
    if raw is None:
        return None
    return ModelFacts(
        provider=raw.get("provider", ""),
        origin=raw.get("origin"),
        base_model=raw.get("base_model", ""),
        terms=raw.get("terms"),
        trains_on_inputs=raw.get("trains_on_inputs"),
        modality=_t(raw.get("modality")),
        weights_format=raw.get("weights_format"),
    )


def _agent_facts(raw: dict[str, Any] | None) -> AgentFacts | None:
    if raw is None:
        return None
    return AgentFacts(
        model=raw.get("model"),
        tools=tuple(ToolGrant(g["tool"], _t(g.get("permissions")), g.get("approval"),
                              g.get("approval_when", "")) for g in raw.get("tools", [])),
        runs_generated_code=bool(raw.get("runs_generated_code", False)),
        approval=raw.get("approval"),
        triggers=_t(raw.get("triggers")),
        memory=_t(raw.get("memory")),
        delegates_to=_t(raw.get("delegates_to")),
        identity=raw.get("identity"),
        credential_lifetime=raw.get("credential_lifetime"),
    )


def _store_facts(raw: dict[str, Any] | None) -> StoreFacts | None:
    if raw is None:
        return None
    return StoreFacts(
        encrypted_at_rest=raw.get("encrypted_at_rest"),
        multi_tenant=raw.get("multi_tenant"),
        ingests_untrusted=raw.get("ingests_untrusted"),
        persistence=raw.get("persistence"),
        shared=raw.get("shared"),
        filters_by_user=raw.get("filters_by_user"),
    )


def _software_facts(raw: dict[str, Any] | None) -> SoftwareFacts | None:
    if raw is None:
        return None
    return SoftwareFacts(
        installs_at_runtime=raw.get("installs_at_runtime"),
        pinned=raw.get("pinned"),
        verified=raw.get("verified"),
        sbom=raw.get("sbom"),
        packages=_t(raw.get("packages")),
    )


def _tool_facts(raw: dict[str, Any] | None) -> ToolFacts | None:
    if raw is None:
        return None
    return ToolFacts(
        authentication=raw.get("authentication"),
        side_effects=_t(raw.get("side_effects")),
        fetches_untrusted=raw.get("fetches_untrusted"),
        source=raw.get("source"),
        transport=raw.get("transport"),
        privileges=raw.get("privileges"),
    )


def build_model(document: Document) -> SystemModel:
    """Build the model from a document that passed schema validation."""
    data: dict[str, Any] = document.data
    system = data["system"]
    info = SystemInfo(
        name=system["name"],
        description=system.get("description", ""),
        owner=system.get("owner", ""),
        phase=system.get("phase", "prototype"),
        phase_declared="phase" in system,
        generative_scope=system.get("generative_scope"),
        agentic_scope=system.get("agentic_scope"),
        tags=_t(system.get("tags")),
        unknowns=system.get("unknowns", "ask"),
        priorities=_t(system.get("priorities")),
    )
    boundaries = tuple(
        Boundary(b["id"], b["name"], b["kind"], b.get("parent"), b.get("description", ""), i)
        for i, b in enumerate(data.get("boundaries", []))
    )
    components = tuple(
        Component(
            id=c["id"],
            name=c["name"],
            type=c["type"],
            boundary=c.get("boundary"),
            hosting=c.get("hosting"),
            description=c.get("description", ""),
            owner=c.get("owner", ""),
            data=_t(c.get("data")),
            secrets=c.get("secrets"),
            human_review=c.get("human_review"),
            role=c.get("role"),
            exposure=c.get("exposure"),
            software=_software_facts(c.get("software")),
            tags=_t(c.get("tags")),
            model=_model_facts(c.get("model")),
            agent=_agent_facts(c.get("agent")),
            store=_store_facts(c.get("store")),
            tool=_tool_facts(c.get("tool")),
            index=i,
        )
        for i, c in enumerate(data.get("components", []))
    )
    flows = tuple(
        Flow(
            id=f["id"],
            source=f["from"],
            target=f["to"],
            name=f.get("name", ""),
            data=_t(f.get("data")),
            protocol=f.get("protocol"),
            authenticated=f.get("authenticated"),
            encrypted=f.get("encrypted"),
            replay_protected=f.get("replay_protected"),
            token_validated=f.get("token_validated"),
            description=f.get("description", ""),
            index=i,
        )
        for i, f in enumerate(data.get("flows", []))
    )
    controls = tuple(
        ControlImpl(
            control=c["control"],
            status=c["status"],
            targets=("*",) if c.get("targets", "*") == "*" else tuple(c["targets"]),
            reason=c.get("reason", ""),
            evidence=c.get("evidence", ""),
            owner=c.get("owner", ""),
            index=i,
        )
        for i, c in enumerate(data.get("controls", []))
    )
    risks = tuple(
        AcceptedRisk(r["finding"], r["owner"], r["reason"], r["expires"], r.get("ticket", ""), i)
        for i, r in enumerate(data.get("accepted_risks", []))
    )
    return SystemModel(document.file, info, boundaries, components, flows, controls, risks,
                       document.source)
