"""Where the system sits on the two AWS scoping matrices, derived from its components."""

from __future__ import annotations

from dataclasses import dataclass

from scoping_tui.model.diagnostics import Diagnostic, Severity
from scoping_tui.model.types import AgentFacts, Component, SystemModel, ToolGrant

GENERATIVE_SCOPES = {
    1: "Consumer app",
    2: "Enterprise app",
    3: "Pre-trained models",
    4: "Fine-tuned models",
    5: "Self-trained models",
}
AGENTIC_SCOPES = {
    1: "No agency",
    2: "Prescribed agency",
    3: "Supervised agency",
    4: "Full agency",
}
_ORIGIN_SCOPE = {"pre-trained": 3, "fine-tuned": 4, "self-trained": 5}
ACTING_PERMISSIONS = frozenset({"write", "delete", "execute", "financial",
                                "external-communication"})


@dataclass(frozen=True)
class ScopeReason:
    scope: int
    component: str
    text: str


@dataclass(frozen=True)
class Scope:
    value: int
    name: str
    reasons: tuple[ScopeReason, ...]
    """Why: one line per component that puts the system at this scope (or the default)."""
    declared: int | None


def _generative_of(component: Component) -> tuple[int, str] | None:
    model = component.model
    if component.type == "genai-app":
        terms = model.terms if model is not None else None
        if terms == "enterprise":
            return 2, f"{component.type} `{component.id}` is used under enterprise terms"
        return 1, f"{component.type} `{component.id}` is used under consumer terms" + (
            "" if terms else " (no `model.terms` given, so assumed consumer)")
    if component.type == "foundation-model":
        origin = model.origin if model is not None and model.origin else "pre-trained"
        scope = _ORIGIN_SCOPE[origin]
        words = {
            "pre-trained": "a third-party model called unchanged",
            "fine-tuned": "a third-party model fine-tuned on your data",
            "self-trained": "a model you trained from scratch",
        }[origin]
        return scope, f"foundation-model `{component.id}` is {words}"
    return None


def generative_scope(model: SystemModel) -> Scope:
    found = [(s, c.id, text) for c in model.components
             if (hit := _generative_of(c)) is not None for s, text in [hit]]
    declared = model.system.generative_scope
    if not found:
        reason = ScopeReason(3, "", "no foundation-model or genai-app component; assumed an "
                             "application calling a pre-trained model")
        return Scope(3, GENERATIVE_SCOPES[3], (reason,), declared)
    top = max(s for s, _, _ in found)
    reasons = tuple(ScopeReason(s, cid, text) for s, cid, text in found if s == top)
    return Scope(top, GENERATIVE_SCOPES[top], reasons, declared)


def acting_permissions(component: Component) -> frozenset[str]:
    """Permissions beyond reading that the agent's tool grants give it."""
    agent = component.agent
    if agent is None:
        return frozenset()
    granted = {p for grant in agent.tools for p in grant.permissions}
    return frozenset(granted & ACTING_PERMISSIONS)


GRANT_APPROVAL = {"every-action": "always", "high-risk": "conditional"}
"""How an agent's approval reads for one tool grant that does not state its own."""


def acts(grant: ToolGrant) -> bool:
    """The grant lets the agent do more than read."""
    return bool(set(grant.permissions) & ACTING_PERMISSIONS)


def _agent_level(agent: AgentFacts) -> str:
    """The agent's own approval as a grant's level: none, conditional or always."""
    return GRANT_APPROVAL.get(agent.approval or "none", "none")


def grant_approval(agent: AgentFacts, grant: ToolGrant) -> str:
    """none, conditional or always: whether calls through this grant wait for a person."""
    return grant.approval or _agent_level(agent)


def effective_approval(component: Component) -> str | None:
    """The agent's approval with its tool grants' own approvals folded in: every-action when
    every acting grant (and generated code) waits for a person, none when nothing does,
    high-risk when some do. The agent's own value when no grant states one."""
    agent = component.agent
    if agent is None:
        return None
    acting = [g for g in agent.tools if acts(g)]
    if not any(g.approval for g in acting):
        return agent.approval
    levels = {grant_approval(agent, g) for g in acting}
    if agent.runs_generated_code:
        levels.add(_agent_level(agent))
    if levels == {"always"}:
        return "every-action"
    if levels == {"none"}:
        return "none"
    return "high-risk"


def unapproved_permissions(component: Component) -> frozenset[str]:
    """Acting permissions used with no person approving any call (generated code counts as
    execute)."""
    agent = component.agent
    if agent is None:
        return frozenset()
    found = {p for g in agent.tools if grant_approval(agent, g) == "none"
             for p in g.permissions if p in ACTING_PERMISSIONS}
    if agent.runs_generated_code and _agent_level(agent) == "none":
        found.add("execute")
    return frozenset(found)


def _agentic_of(component: Component) -> tuple[int, str] | None:
    agent = component.agent
    if agent is None:
        return None
    acting = sorted(acting_permissions(component))
    if agent.runs_generated_code:
        acting.append("runs generated code")
    if not acting:
        return 1, f"{component.type} `{component.id}` can only read (no tool grant beyond read)"
    can = ", ".join(acting)
    approval = effective_approval(component) or "none"
    if approval == "every-action":
        return 2, f"{component.type} `{component.id}` can act ({can}) but every action needs " \
            "human approval"
    self_started = sorted(set(agent.triggers) & {"event", "schedule"})
    if self_started:
        return 4, f"{component.type} `{component.id}` starts itself ({', '.join(self_started)})" \
            f" and acts ({can}) with approval: {approval}"
    return 3, f"{component.type} `{component.id}` acts ({can}) after a person starts it, with " \
        f"approval: {approval}"


def agentic_scope(model: SystemModel) -> Scope:
    found = [(s, c.id, text) for c in model.components
             if (hit := _agentic_of(c)) is not None for s, text in [hit]]
    declared = model.system.agentic_scope
    if not found:
        reason = ScopeReason(1, "", "no agent or orchestrator component")
        return Scope(1, AGENTIC_SCOPES[1], (reason,), declared)
    top = max(s for s, _, _ in found)
    reasons = tuple(ScopeReason(s, cid, text) for s, cid, text in found if s == top)
    return Scope(top, AGENTIC_SCOPES[top], reasons, declared)


def scope_mismatches(model: SystemModel) -> list[Diagnostic]:
    """Warnings where the declared scope differs from the one the components imply."""
    out = []
    for key, scope, names in (("generative_scope", generative_scope(model), GENERATIVE_SCOPES),
                              ("agentic_scope", agentic_scope(model), AGENTIC_SCOPES)):
        if scope.declared is None or scope.declared == scope.value:
            continue
        why = "; ".join(r.text for r in scope.reasons)
        out.append(Diagnostic(
            model.file, model.source.value(("system", key)), Severity.WARNING,
            f"system.{key} declares {scope.declared} ({names[scope.declared]}) but the "
            f"components imply {scope.value} ({scope.name}): {why}",
            "scope-mismatch", f"system.{key}"))
    return out
