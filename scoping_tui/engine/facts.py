"""The facts threat rules may test, each computed from the model with the evidence behind it.

Rules in ``models/threats.yaml`` name these facts; the catalog loader rejects any other name, so
the list below is the whole vocabulary of conditions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scoping_tui.engine.index import (
    AGENT_TYPES,
    MODEL_TYPES,
    PEOPLE_FACING,
    SENSITIVE,
    ModelIndex,
    component_path,
    flow_path,
)
from scoping_tui.engine.scope import (
    ACTING_PERMISSIONS,
    acts,
    effective_approval,
    grant_approval,
    unapproved_permissions,
)
from scoping_tui.model.paths import Path
from scoping_tui.model.types import Boundary, Component, Flow

Target = Component | Flow | Boundary


@dataclass(frozen=True)
class Evidence:
    text: str
    path: Path


@dataclass(frozen=True)
class Unknown:
    """A security fact the model leaves unstated: a question for the review, not a weakness."""

    question: str
    """Key of QUESTIONS: which field is unstated."""
    kind: str
    """flow or component: the element that should state it."""
    element: str
    path: Path


@dataclass(frozen=True)
class Ask:
    """How the review asks about one unstated fact."""

    one: str
    """An element that leaves it unstated, singular ("flow does not say whether …")."""
    many: str
    """The plural form ("flows do not say whether …")."""
    answer: str
    """The field that answers it."""


QUESTIONS: dict[str, Ask] = {
    "authenticated": Ask("flow does not say whether the receiver authenticates the sender",
                         "flows do not say whether the receiver authenticates the sender",
                         "authenticated: true or false"),
    "encrypted": Ask("flow does not say whether it is encrypted in transit",
                     "flows do not say whether they are encrypted in transit",
                     "encrypted: true or false, or a protocol such as https"),
    "encrypted_at_rest": Ask("store does not say whether it is encrypted at rest",
                             "stores do not say whether they are encrypted at rest",
                             "store.encrypted_at_rest: true or false"),
    "transport": Ask("MCP server or tool does not say how it is reached",
                     "MCP servers and tools do not say how they are reached",
                     "tool.transport: in-process, stdio, http or sse"),
    "replay_protected": Ask("flow does not say whether replayed or stale messages are rejected",
                            "flows do not say whether replayed or stale messages are rejected",
                            "replay_protected: true or false"),
    "multi_tenant": Ask("store does not say whether it holds several tenants' or users' data",
                        "stores do not say whether they hold several tenants' or users' data",
                        "store.multi_tenant: true or false"),
}
"""The facts whose absence is asked about rather than assumed; rules fire only on stated values
unless the model or the command line asks for the worst-case reading."""


@dataclass(frozen=True)
class FactValue:
    value: Any
    evidence: tuple[Evidence, ...] = ()
    unknown: tuple[Unknown, ...] = ()
    """Not empty when the model does not state what decides this fact: conditions testing it are
    undecided, and these become the review's questions."""


Compute = Callable[[ModelIndex, Any], FactValue]


@dataclass(frozen=True)
class FactSpec:
    name: str
    kind: str
    """component, flow or boundary."""
    label: str
    value_type: str
    """bool, str, set or int: which operators make sense."""
    compute: Compute


REGISTRY: dict[str, FactSpec] = {}


def fact(name: str, kind: str, label: str, value_type: str) -> Callable[[Compute], Compute]:
    def register(fn: Compute) -> Compute:
        REGISTRY[f"{kind}:{name}"] = FactSpec(name, kind, label, value_type, fn)
        return fn
    return register


def _field(component: Component, *keys: str | int) -> Path:
    return (*component_path(component), *keys)


def _describe(component: Component) -> str:
    return f"{component.type} `{component.id}`"


# --- component facts -------------------------------------------------------------------------

@fact("type", "component", "type", "str")
def _type(ix: ModelIndex, c: Component) -> FactValue:
    return FactValue(c.type, (Evidence(f"{_describe(c)}", _field(c, "type")),))


@fact("hosting", "component", "hosting", "str")
def _hosting(ix: ModelIndex, c: Component) -> FactValue:
    return FactValue(c.hosting, (Evidence(f"hosting: {c.hosting or 'not stated'}",
                                          _field(c, "hosting")),))


@fact("data", "component", "data held", "set")
def _data(ix: ModelIndex, c: Component) -> FactValue:
    return FactValue(frozenset(c.data), (Evidence(f"holds {', '.join(c.data) or 'no data'}",
                                                  _field(c, "data")),))


@fact("handles", "component", "data handled", "set")
def _handles(ix: ModelIndex, c: Component) -> FactValue:
    """Data the component holds, receives or sends."""
    found = set(c.data)
    evidence = [Evidence(f"holds {', '.join(c.data)}", _field(c, "data"))] if c.data else []
    for flow in ix.incoming.get(c.id, []) + ix.outgoing.get(c.id, []):
        new = set(flow.data) - found
        if new:
            found |= new
            evidence.append(Evidence(f"flow `{flow.id}` carries {', '.join(sorted(new))}",
                                     flow_path(flow)))
    return FactValue(frozenset(found), tuple(evidence))


@fact("sensitive_data", "component", "sensitive data handled", "set")
def _sensitive(ix: ModelIndex, c: Component) -> FactValue:
    handled = _handles(ix, c)
    sensitive = handled.value & SENSITIVE
    evidence = tuple(e for e in handled.evidence if any(s in e.text for s in sensitive))
    return FactValue(frozenset(sensitive), evidence)


@fact("secrets", "component", "holds secrets", "bool")
def _secrets(ix: ModelIndex, c: Component) -> FactValue:
    return FactValue(bool(c.secrets), (Evidence(
        "holds or can read secrets" if c.secrets else "holds no secrets (as stated)",
        _field(c, "secrets")),))


@fact("human_review", "component", "human reviews every output", "bool")
def _human_review(ix: ModelIndex, c: Component) -> FactValue:
    text = {True: "a person reviews every output", False: "no person reviews its outputs",
            None: "no human review of outputs is stated"}[c.human_review]
    return FactValue(bool(c.human_review), (Evidence(text, _field(c, "human_review")),))


@fact("in_internet", "component", "sits on the internet", "bool")
def _in_internet(ix: ModelIndex, c: Component) -> FactValue:
    value = ix.in_internet(c)
    return FactValue(value, (Evidence("sits in an internet boundary" if value else
                                      "not in an internet boundary", _field(c, "boundary")),))


@fact("internet_exposed", "component", "reachable from the internet", "bool")
def _internet_exposed(ix: ModelIndex, c: Component) -> FactValue:
    if ix.in_internet(c):
        return FactValue(True, (Evidence("sits in an internet boundary", _field(c, "boundary")),))
    if c.exposure == "internet":
        return FactValue(True, (Evidence("stated as reachable from the internet",
                                         _field(c, "exposure")),))
    for flow in ix.incoming.get(c.id, []):
        source = ix.components.get(flow.source)
        if source is not None and ix.in_internet(source):
            return FactValue(True, (Evidence(
                f"receives flow `{flow.id}` from {_describe(source)} on the internet",
                flow_path(flow)),))
    return FactValue(False, (Evidence("no flow from the internet reaches it",
                                      component_path(c)),))


def _people_reaching(ix: ModelIndex, c: Component) -> list[tuple[Component, Flow]]:
    """End users whose input reaches it directly or through client apps, gateways, services,
    guardrails, queues or outside services that relay it, each with the flow leaving the user."""
    found: list[tuple[Component, Flow]] = []
    seen: set[str] = set()
    frontier = [c.id]
    while frontier:
        current = frontier.pop()
        for flow in ix.incoming.get(current, []):
            source = ix.components.get(flow.source)
            if source is None or source.id in seen:
                continue
            seen.add(source.id)
            if source.type == "user":
                # Operators and approvers are the system's own trusted staff: what they type
                # is not an outsider's attack path.
                if source.role in (None, "end-user"):
                    found.append((source, flow))
                continue
            # An outside service in the chain (a chat platform, a mail relay) passes on what a
            # person wrote; the walk still has to reach a user to count.
            if source.type in PEOPLE_FACING or source.type in ("service", "guardrail",
                                                               "external-service",
                                                               "message-queue"):
                frontier.append(source.id)
    return found


@fact("receives_from_people", "component", "takes input from people", "bool")
def _from_people(ix: ModelIndex, c: Component) -> FactValue:
    people = _people_reaching(ix, c)
    if not people:
        return FactValue(False, (Evidence("no person's input reaches it", component_path(c)),))
    user, flow = people[0]
    return FactValue(True, (Evidence(f"takes input from user `{user.id}` (flow `{flow.id}`)",
                                     flow_path(flow)),))


@fact("reached_by_unauthenticated_people", "component",
      "people reach it without authenticating", "bool")
def _anonymous_people(ix: ModelIndex, c: Component) -> FactValue:
    """A person's input reaches it and the person's own flow is stated as not authenticated
    (caller id, an open chat page): who they claim to be is not checked."""
    for user, flow in _people_reaching(ix, c):
        if flow.authenticated is False:
            return FactValue(True, (Evidence(
                f"user `{user.id}` reaches it without authenticating (flow `{flow.id}`)",
                flow_path(flow)),))
    return FactValue(False, (Evidence("no person is stated to reach it unauthenticated",
                                      component_path(c)),))


def _untrusted_sources(ix: ModelIndex, c: Component, indirect_only: bool) -> list[Evidence]:
    evidence: list[Evidence] = []
    for flow in ix.incoming.get(c.id, []):
        source = ix.components.get(flow.source)
        if source is None:
            continue
        direct = source.type in PEOPLE_FACING or source.type == "user"
        if indirect_only and direct:
            continue
        if "untrusted-content" in flow.data:
            evidence.append(Evidence(f"flow `{flow.id}` from `{source.id}` carries "
                                     "untrusted content", flow_path(flow)))
        elif source.tool is not None and source.tool.fetches_untrusted:
            evidence.append(Evidence(f"`{source.id}` fetches untrusted content and sends it "
                                     f"here (flow `{flow.id}`)", flow_path(flow)))
        elif source.store is not None and source.store.ingests_untrusted:
            evidence.append(Evidence(f"store `{source.id}` ingests untrusted content and feeds "
                                     f"it here (flow `{flow.id}`)", flow_path(flow)))
    if c.agent is not None:
        for index, grant in enumerate(c.agent.tools):
            tool = ix.components.get(grant.tool)
            if tool is not None and tool.tool is not None and tool.tool.fetches_untrusted:
                evidence.append(Evidence(f"its tool `{tool.id}` returns untrusted content",
                                         _field(c, "agent", "tools", index)))
            # A store granted as a tool (a mailbox, a ticket queue) hands the agent whatever
            # outsiders wrote into it.
            elif tool is not None and tool.store is not None and tool.store.ingests_untrusted:
                evidence.append(Evidence(f"it reads store `{tool.id}`, which ingests untrusted "
                                         "content", _field(c, "agent", "tools", index)))
        for index, ref in enumerate(c.agent.delegates_to):
            other = ix.components.get(ref)
            # Another organisation's agent answers with whatever it was given or told.
            if other is not None and _third_party_boundary(ix, other) is not None:
                evidence.append(Evidence(f"it reads the answers of `{ref}`, another "
                                         "organisation's agent",
                                         _field(c, "agent", "delegates_to", index)))
        for index, ref in enumerate(c.agent.memory):
            store = ix.components.get(ref)
            if store is not None and store.store is not None and store.store.ingests_untrusted:
                evidence.append(Evidence(f"its memory `{ref}` ingests untrusted content",
                                         _field(c, "agent", "memory", index)))
    return evidence


@fact("receives_untrusted", "component", "receives untrusted content", "bool")
def _receives_untrusted(ix: ModelIndex, c: Component) -> FactValue:
    evidence = _untrusted_sources(ix, c, indirect_only=False)
    return FactValue(bool(evidence), tuple(evidence) or (
        Evidence("no untrusted content reaches it", component_path(c)),))


@fact("untrusted_indirect", "component", "untrusted content from tools, stores or services",
      "bool")
def _untrusted_indirect(ix: ModelIndex, c: Component) -> FactValue:
    evidence = _untrusted_sources(ix, c, indirect_only=True)
    return FactValue(bool(evidence), tuple(evidence) or (
        Evidence("no untrusted content reaches it from tools, stores or services",
                 component_path(c)),))


def _neighbour_types(ix: ModelIndex, c: Component, outgoing: bool) -> FactValue:
    """Types of the components at the other end of the component's flows, one way."""
    types = []
    evidence = []
    flows = ix.outgoing.get(c.id, []) if outgoing else ix.incoming.get(c.id, [])
    for flow in flows:
        other = ix.components.get(flow.target if outgoing else flow.source)
        if other is not None:
            types.append(other.type)
            verb = "sends output to" if outgoing else "receives from"
            evidence.append(Evidence(f"{verb} {_describe(other)} (flow `{flow.id}`)",
                                     flow_path(flow)))
    return FactValue(frozenset(types), tuple(evidence))


@fact("feeds_model_output_to", "component", "its output goes to", "set")
def _output_to(ix: ModelIndex, c: Component) -> FactValue:
    return _neighbour_types(ix, c, outgoing=True)


@fact("sends_to_monitoring", "component", "sends logs to monitoring", "bool")
def _monitored(ix: ModelIndex, c: Component) -> FactValue:
    for flow in ix.outgoing.get(c.id, []):
        target = ix.components.get(flow.target)
        if target is not None and target.type == "monitoring":
            return FactValue(True, (Evidence(f"logs to `{target.id}` (flow `{flow.id}`)",
                                             flow_path(flow)),))
    return FactValue(False, (Evidence("no flow to a monitoring component",
                                      component_path(c)),))


@fact("system_has_types", "component", "component types in the system", "set")
def _system_types(ix: ModelIndex, c: Component) -> FactValue:
    return FactValue(ix.types, (Evidence("the system's component types", ("components",)),))


@fact("upstream_types", "component", "types that send it data", "set")
def _upstream(ix: ModelIndex, c: Component) -> FactValue:
    return _neighbour_types(ix, c, outgoing=False)


def _third_party_boundary(ix: ModelIndex, c: Component) -> Boundary | None:
    """The third-party boundary it sits in, at any depth: another organisation's ground."""
    return next((b for b in ix.boundary_chain(c.boundary) if b.kind == "third-party"), None)


@fact("another_organisation", "component", "run by another organisation", "bool")
def _another_organisation(ix: ModelIndex, c: Component) -> FactValue:
    """It sits in a third-party boundary: another organisation's agent or service, whose inside
    is theirs to secure; what it sends us is ours to check."""
    theirs = _third_party_boundary(ix, c)
    if theirs is None:
        return FactValue(False)  # nothing worth citing in a finding's reasons
    return FactValue(True, (Evidence(f"inside third-party boundary `{theirs.id}`",
                                     _field(c, "boundary")),))


RELAYS = frozenset({"api-gateway", "service", "guardrail", "client-app", "message-queue"})
"""Components a request or a message passes through on its way somewhere else."""


def _first_reached(ix: ModelIndex, c: Component, wanted: Callable[[Component], bool],
                   through: frozenset[str]) -> tuple[Component, Flow] | None:
    """The first component ``wanted`` accepts, following outgoing flows from ``c`` through
    components of the ``through`` types, with the flow that reaches it."""
    seen = {c.id}
    frontier = [c.id]
    while frontier:
        for flow in ix.outgoing.get(frontier.pop(), []):
            target = ix.components.get(flow.target)
            if target is None or target.id in seen:
                continue
            seen.add(target.id)
            if wanted(target):
                return target, flow
            if target.type in through:
                frontier.append(target.id)
    return None


@fact("output_reaches_people", "component", "its output reaches a person", "bool")
def _output_reaches_people(ix: ModelIndex, c: Component) -> FactValue:
    """Following its outgoing flows through services, gateways, guardrails, client apps and
    outside services (a notification topic, a mail relay), it reaches a user, or a place a
    user opens (a flow from the user to it: flows point from whoever starts the exchange, so
    the user reads what is there): what it writes is read by someone, whoever started it."""
    through = RELAYS | {"external-service"}
    found = _first_reached(ix, c, lambda t: t.type == "user", through)
    if found is not None:
        user, flow = found
        return FactValue(True, (Evidence(f"its output reaches user `{user.id}` (flow "
                                         f"`{flow.id}`)", flow_path(flow)),))

    def user_flow_into(target: Component) -> Flow | None:
        return next((f for f in ix.incoming.get(target.id, [])
                     if (source := ix.components.get(f.source)) is not None
                     and source.type == "user"), None)

    shown = _first_reached(
        ix, c, lambda t: t.type in through and user_flow_into(t) is not None, through)
    if shown is not None:
        place, flow = shown
        reader = user_flow_into(place)
        assert reader is not None
        return FactValue(True, (
            Evidence(f"its output goes to {_describe(place)} (flow `{flow.id}`)",
                     flow_path(flow)),
            Evidence(f"user `{reader.source}` reads it there (flow `{reader.id}`)",
                     flow_path(reader))))
    return FactValue(False, (Evidence("no flow from it reaches a person", component_path(c)),))


@fact("reaches_ai", "component", "calls a model or agent, directly or through services",
      "bool")
def _reaches_ai(ix: ModelIndex, c: Component) -> FactValue:
    """Following its outgoing flows through gateways, services, guardrails and client apps,
    it reaches a model or an agent: it is part of the AI application's own code path."""
    # Not a genai-app: calling a vendor's finished app makes nobody's code AI code.
    found = _first_reached(ix, c, lambda t: t.type == "foundation-model"
                           or t.type in AGENT_TYPES, RELAYS)
    if found is None:
        return FactValue(False, (Evidence("no flow from it reaches a model or agent",
                                          component_path(c)),))
    target, flow = found
    return FactValue(True, (Evidence(f"its requests reach {_describe(target)} "
                                     f"(flow `{flow.id}`)", flow_path(flow)),))


LOCAL_PROTOCOLS = frozenset({"in-process", "stdio"})
"""Flows that never touch a network: only the calling process can send on them."""


@fact("called_by_agents", "component", "other agents call it over a network", "bool")
def _called_by_agents(ix: ModelIndex, c: Component) -> FactValue:
    """An agent's flow reaches it over a network (not in-process or stdio), or an agent of
    another organisation hands it tasks: its load and what it tells are set by other agents.
    Only agents: the model an agent reasons with is its own, not a service it calls."""
    if c.type not in AGENT_TYPES:
        return FactValue(False)
    for flow in ix.incoming.get(c.id, []):
        source = ix.components.get(flow.source)
        if source is not None and source.type in AGENT_TYPES \
                and flow.protocol not in LOCAL_PROTOCOLS:
            return FactValue(True, (Evidence(
                f"{_describe(source)} calls it over the network (flow `{flow.id}`)",
                flow_path(flow)),))
    for agent in ix.delegated_by.get(c.id, []):
        if _third_party_boundary(ix, agent) is not None:
            return FactValue(True, (Evidence(
                f"{_describe(agent)}, another organisation's agent, delegates to it",
                component_path(agent)),))
    return FactValue(False, (Evidence("no agent calls it over a network", component_path(c)),))


@fact("renders_model_output", "component", "shows model or agent output to people", "bool")
def _renders_output(ix: ModelIndex, c: Component) -> FactValue:
    """A front end whose requests reach a generating model or agent (through gateways and
    services) gets the answer back to display, or one that a model's or agent's flow reaches.
    Not a vendor's finished app (a genai-app, a vendor-run agent): its web UI is the vendor's."""
    def ours(target: Component | None) -> bool:
        return (_generates_text(target) and target is not None and target.type != "genai-app"
                and target.hosting != "third-party-saas")

    found = _first_reached(ix, c, ours, RELAYS - {"client-app"})
    if found is not None:
        target, flow = found
        return FactValue(True, (Evidence(f"shows the answers of {_describe(target)} (flow "
                                         f"`{flow.id}`)", flow_path(flow)),))
    for flow in ix.incoming.get(c.id, []):
        if ours(ix.components.get(flow.source)):
            return FactValue(True, (Evidence(f"receives output of `{flow.source}` (flow "
                                             f"`{flow.id}`)", flow_path(flow)),))
    return FactValue(False, (Evidence("no model or agent output reaches it",
                                      component_path(c)),))


@fact("unauthenticated_inbound", "component", "accepts unauthenticated flows", "bool")
def _unauth_in(ix: ModelIndex, c: Component) -> FactValue:
    """True when a network flow into it is stated as unauthenticated; unknown when none is but
    some do not say."""
    stated: list[Evidence] = []
    unstated: list[Flow] = []
    for f in ix.incoming.get(c.id, []):
        if f.protocol in LOCAL_PROTOCOLS or f.authenticated:
            continue
        if f.authenticated is False:
            stated.append(Evidence(f"flow `{f.id}` from `{f.source}` is not authenticated",
                                   flow_path(f)))
        else:
            unstated.append(f)
    if stated:
        return FactValue(True, tuple(stated))
    if unstated:
        return FactValue(None, tuple(
            Evidence(f"flow `{f.id}` from `{f.source}` is not stated as authenticated",
                     flow_path(f)) for f in unstated),
            tuple(u for f in unstated for u in _flow_unknown(f, "authenticated")))
    return FactValue(False, (Evidence("every network flow into it is authenticated",
                                      component_path(c)),))


# --- model facts ---

@fact("model.origin", "component", "model origin", "str")
def _origin(ix: ModelIndex, c: Component) -> FactValue:
    origin = c.model.origin if c.model is not None else None
    if origin is None and c.type == "foundation-model":
        origin = "pre-trained"
    return FactValue(origin, (Evidence(f"origin: {origin or 'not stated'}",
                                       _field(c, "model", "origin")),))


@fact("model.terms", "component", "terms of use", "str")
def _terms(ix: ModelIndex, c: Component) -> FactValue:
    terms = c.model.terms if c.model is not None else None
    return FactValue(terms, (Evidence(f"used under {terms or 'unstated'} terms",
                                      _field(c, "model", "terms")),))


@fact("model.trains_on_inputs", "component", "provider trains on inputs", "bool")
def _trains(ix: ModelIndex, c: Component) -> FactValue:
    value = c.model.trains_on_inputs if c.model is not None else None
    text = {True: "the provider may train on what is sent to it",
            False: "the provider does not train on inputs",
            None: "whether the provider trains on inputs is not stated"}[value]
    return FactValue(value, (Evidence(text, _field(c, "model", "trains_on_inputs")),))


@fact("model.modality", "component", "modality", "set")
def _modality(ix: ModelIndex, c: Component) -> FactValue:
    value = frozenset(c.model.modality) if c.model is not None else frozenset()
    return FactValue(value, (Evidence(f"modality: {', '.join(sorted(value)) or 'not stated'}",
                                      _field(c, "model", "modality")),))


@fact("model.weights_format", "component", "weights format", "str")
def _weights(ix: ModelIndex, c: Component) -> FactValue:
    value = c.model.weights_format if c.model is not None else None
    return FactValue(value, (Evidence(f"weights format: {value or 'not stated'}",
                                      _field(c, "model", "weights_format")),))


# --- agent facts ---

_VERBS = {"read": "read", "write": "write", "delete": "delete", "execute": "execute code",
          "financial": "move money", "external-communication": "send messages outside"}

def _verbs(permissions: set[str] | frozenset[str]) -> str:
    return ", ".join(_VERBS.get(p, p) for p in sorted(permissions))


def _agent_bool(name: str, label: str, attr: str, yes: str, no: str) -> None:
    @fact(name, "component", label, "bool")
    def compute(ix: ModelIndex, c: Component) -> FactValue:
        value = bool(getattr(c.agent, attr)) if c.agent is not None else False
        return FactValue(value, (Evidence(yes if value else no,
                                          _field(c, "agent", attr)),))


_agent_bool("agent.runs_generated_code", "runs generated code", "runs_generated_code",
            "may run code it generates", "does not run generated code")


@fact("agent.permissions", "component", "tool permissions", "set")
def _permissions(ix: ModelIndex, c: Component) -> FactValue:
    if c.agent is None:
        return FactValue(frozenset())
    found: set[str] = set()
    evidence = []
    for index, grant in enumerate(c.agent.tools):
        new = set(grant.permissions) - found
        if new:
            found |= new
            evidence.append(Evidence(f"may {_verbs(new)} through `{grant.tool}`",
                                     _field(c, "agent", "tools", index)))
    return FactValue(frozenset(found), tuple(evidence))


@fact("agent.acting", "component", "can act", "bool")
def _acting(ix: ModelIndex, c: Component) -> FactValue:
    if c.agent is None:
        return FactValue(False)
    acting_verbs = [_VERBS[p] for p in ACTING_PERMISSIONS]
    evidence = [e for e in _permissions(ix, c).evidence
                if any(verb in e.text for verb in acting_verbs)]
    if c.agent.runs_generated_code:
        evidence.append(Evidence("may run code it generates",
                                 _field(c, "agent", "runs_generated_code")))
    return FactValue(bool(evidence), tuple(evidence) or (
        Evidence("can only read", _field(c, "agent", "tools")),))


@fact("agent.approval", "component", "human approval", "str")
def _approval(ix: ModelIndex, c: Component) -> FactValue:
    """The agent's approval, with what its tool grants say for themselves folded in."""
    value = effective_approval(c) or "none"
    stated = c.agent is not None and c.agent.approval is not None
    text = {"none": "no action waits for human approval",
            "high-risk": "only high-risk actions wait for human approval",
            "every-action": "every action waits for human approval"}[value]
    evidence = [Evidence(text + ("" if stated else " (approval not stated)"),
                         _field(c, "agent", "approval"))]
    if c.agent is not None and any(g.approval for g in c.agent.tools):
        evidence = [_grant_approval_evidence(c, i) for i, g in enumerate(c.agent.tools)
                    if acts(g)]
    return FactValue(value, tuple(evidence))


def _grant_approval_evidence(c: Component, index: int) -> Evidence:
    assert c.agent is not None
    grant = c.agent.tools[index]
    level = grant_approval(c.agent, grant)
    text = {"none": f"calls through `{grant.tool}` need no approval",
            "always": f"every call through `{grant.tool}` waits for approval",
            "conditional": f"calls through `{grant.tool}` wait for approval "
                           + (f"when {grant.approval_when}" if grant.approval_when
                              else "in some cases")}[level]
    return Evidence(text, _field(c, "agent", "tools", index))


@fact("agent.unapproved_actions", "component", "actions no person approves", "set")
def _unapproved(ix: ModelIndex, c: Component) -> FactValue:
    value = unapproved_permissions(c)
    if c.agent is None or not value:
        return FactValue(value)
    evidence = [Evidence(f"may {_verbs(set(g.permissions) & value)} through `{g.tool}` with no "
                         "approval", _field(c, "agent", "tools", i))
                for i, g in enumerate(c.agent.tools)
                if grant_approval(c.agent, g) == "none" and set(g.permissions) & value]
    if c.agent.runs_generated_code and "execute" in value and not evidence:
        evidence.append(Evidence("runs code it generates with no approval",
                                 _field(c, "agent", "runs_generated_code")))
    return FactValue(value, tuple(evidence))


@fact("agent.triggers", "component", "started by", "set")
def _triggers(ix: ModelIndex, c: Component) -> FactValue:
    value = frozenset(c.agent.triggers) if c.agent is not None else frozenset()
    return FactValue(value, (Evidence(f"started by {', '.join(sorted(value)) or 'not stated'}",
                                      _field(c, "agent", "triggers")),))


@fact("agent.identity", "component", "acts as", "str")
def _identity(ix: ModelIndex, c: Component) -> FactValue:
    value = c.agent.identity if c.agent is not None else None
    return FactValue(value, (Evidence(f"acts with identity: {value or 'not stated'}",
                                      _field(c, "agent", "identity")),))


@fact("agent.credential_lifetime", "component", "credential lifetime", "str")
def _lifetime(ix: ModelIndex, c: Component) -> FactValue:
    value = c.agent.credential_lifetime if c.agent is not None else None
    return FactValue(value, (Evidence(f"credentials: {value or 'lifetime not stated'}",
                                      _field(c, "agent", "credential_lifetime")),))


@fact("agent.delegates", "component", "hands tasks to other agents", "bool")
def _delegates(ix: ModelIndex, c: Component) -> FactValue:
    refs = c.agent.delegates_to if c.agent is not None else ()
    return FactValue(bool(refs), (Evidence(
        f"delegates to {', '.join(f'`{r}`' for r in refs)}" if refs else "delegates to no agent",
        _field(c, "agent", "delegates_to")),))


@fact("agent.delegated_by", "component", "takes tasks from other agents", "bool")
def _delegated_by(ix: ModelIndex, c: Component) -> FactValue:
    by = ix.delegated_by.get(c.id, [])
    evidence = tuple(Evidence(f"{_describe(a)} delegates to it", component_path(a)) for a in by)
    return FactValue(bool(by), evidence)


@fact("agent.shared_memory", "component", "memory shared with others", "bool")
def _shared_memory(ix: ModelIndex, c: Component) -> FactValue:
    evidence = []
    for index, ref in enumerate(c.agent.memory if c.agent is not None else ()):
        store = ix.components.get(ref)
        if store is not None and store.store is not None and store.store.shared in (
                "shared-across-users", "shared-across-agents"):
            evidence.append(Evidence(f"memory `{ref}` is {store.store.shared}",
                                     _field(c, "agent", "memory", index)))
    return FactValue(bool(evidence), tuple(evidence))


@fact("agent.third_party_tools", "component", "uses third-party or community tools", "bool")
def _third_party_tools(ix: ModelIndex, c: Component) -> FactValue:
    evidence = []
    for index, grant in enumerate(c.agent.tools if c.agent is not None else ()):
        tool = ix.components.get(grant.tool)
        if tool is not None and tool.tool is not None and tool.tool.source in (
                "third-party", "community"):
            evidence.append(Evidence(f"tool `{tool.id}` is {tool.tool.source} code",
                                     _field(c, "agent", "tools", index)))
    return FactValue(bool(evidence), tuple(evidence))


def _section_value(c: Component, section: str, attr: str, value: Any,
                   describe: Callable[[Any], str]) -> FactValue:
    """A store or tool attribute as a fact: unknown when unstated and asked about."""
    path = _field(c, section, attr)
    evidence = (Evidence(describe(value), path),)
    if value is None and attr in QUESTIONS:
        return FactValue(None, evidence, (Unknown(attr, "component", c.id, path),))
    return FactValue(value, evidence)


# --- store facts ---

def _store_attr(name: str, label: str, attr: str, describe: Callable[[Any], str],
                value_type: str) -> None:
    @fact(name, "component", label, value_type)
    def compute(ix: ModelIndex, c: Component) -> FactValue:
        value = getattr(c.store, attr) if c.store is not None else None
        return _section_value(c, "store", attr, value, describe)


_store_attr("store.encrypted_at_rest", "encrypted at rest", "encrypted_at_rest",
            lambda v: {True: "encrypted at rest", False: "not encrypted at rest",
                       None: "encryption at rest not stated"}[v], "bool")
_store_attr("store.multi_tenant", "multi-tenant", "multi_tenant",
            lambda v: {True: "holds several tenants' data", False: "single tenant",
                       None: "tenancy not stated"}[v], "bool")
_store_attr("store.ingests_untrusted", "ingests untrusted content", "ingests_untrusted",
            lambda v: {True: "ingests content outsiders can influence",
                       False: "ingests only trusted content",
                       None: "whether it ingests untrusted content is not stated"}[v], "bool")
_store_attr("store.filters_by_user", "retrieval filtered per user", "filters_by_user",
            lambda v: {True: "returns only what the asking user may see",
                       False: "returns entries whatever the asking user may see",
                       None: "per-user filtering of retrieval not stated"}[v], "bool")
_store_attr("store.persistence", "persistence", "persistence",
            lambda v: f"persistence: {v or 'not stated'}", "str")
_store_attr("store.shared", "sharing", "shared", lambda v: f"sharing: {v or 'not stated'}",
            "str")


@fact("store.used_as_memory_by_agents", "component", "agents using it as memory", "int")
def _memory_users(ix: ModelIndex, c: Component) -> FactValue:
    users = ix.memory_users.get(c.id, [])
    return FactValue(len(users), tuple(Evidence(f"{_describe(a)} uses it as memory",
                                                component_path(a)) for a in users))


# --- tool facts ---

def _tool_attr(name: str, label: str, attr: str, describe: Callable[[Any], str],
               value_type: str) -> None:
    @fact(name, "component", label, value_type)
    def compute(ix: ModelIndex, c: Component) -> FactValue:
        value = getattr(c.tool, attr) if c.tool is not None else None
        if value_type == "set":
            value = frozenset(value or ())
        return _section_value(c, "tool", attr, value, describe)


_tool_attr("tool.authentication", "authentication", "authentication",
           lambda v: f"authentication: {v or 'not stated'}", "str")
_tool_attr("tool.side_effects", "side effects", "side_effects",
           lambda v: f"side effects: {', '.join(sorted(v)) or 'none stated'}", "set")
_tool_attr("tool.fetches_untrusted", "fetches untrusted content", "fetches_untrusted",
           lambda v: {True: "returns content outsiders can influence",
                      False: "returns only trusted content",
                      None: "whether it returns untrusted content is not stated"}[v], "bool")
_tool_attr("tool.source", "source", "source", lambda v: f"source: {v or 'not stated'}", "str")
_tool_attr("tool.transport", "transport", "transport",
           lambda v: f"transport: {v or 'not stated'}", "str")
_tool_attr("tool.privileges", "privileges", "privileges",
           lambda v: f"runs with {v} rights" if v else "its own rights are not stated", "str")


@fact("tool.granted_to_agents", "component", "agents allowed to call it", "int")
def _granted(ix: ModelIndex, c: Component) -> FactValue:
    agents = ix.granted_by.get(c.id, [])
    return FactValue(len(agents), tuple(Evidence(f"{_describe(a)} may call it",
                                                 component_path(a)) for a in agents))


# --- software supply chain ---

def _software_attr(attr: str, label: str, texts: dict[bool | None, str]) -> None:
    @fact(f"software.{attr}", "component", label, "bool")
    def compute(ix: ModelIndex, c: Component) -> FactValue:
        value = getattr(c.software, attr) if c.software is not None else None
        return FactValue(value, (Evidence(texts[value], _field(c, "software", attr)),))


_software_attr("installs_at_runtime", "installs software when it runs",
               {True: "downloads packages or servers when it runs",
                False: "runs only what its build installed",
                None: "whether it installs software at run time is not stated"})
_software_attr("pinned", "dependency versions pinned",
               {True: "every dependency pinned to a version or digest",
                False: "dependencies not pinned", None: "version pinning not stated"})
_software_attr("verified", "dependency provenance verified",
               {True: "hashes or signatures of its dependencies checked",
                False: "provenance of its dependencies not checked",
                None: "provenance checks not stated"})


# --- system facts available on every component ---

@fact("system.generative_scope", "component", "generative AI scope", "int")
def _gen_scope(ix: ModelIndex, c: Component) -> FactValue:
    scope = ix.generative
    return FactValue(scope.value, (Evidence(f"generative scope {scope.value} ({scope.name})",
                                            ("system",)),))


@fact("system.agentic_scope", "component", "agentic AI scope", "int")
def _agentic_scope(ix: ModelIndex, c: Component) -> FactValue:
    scope = ix.agentic
    return FactValue(scope.value, (Evidence(f"agentic scope {scope.value} ({scope.name})",
                                            ("system",)),))


# --- flow facts ------------------------------------------------------------------------------

def _flow_end(name: str, label: str, attr: str) -> None:
    @fact(name, "flow", label, "str")
    def compute(ix: ModelIndex, f: Flow) -> FactValue:
        ref = getattr(f, attr)
        end = ix.components.get(ref)
        value = end.type if end is not None else None
        return FactValue(value, (Evidence(
            f"{'from' if attr == 'source' else 'to'} {_describe(end) if end else ref}",
            (*flow_path(f), "from" if attr == "source" else "to")),))


_flow_end("from_type", "from a component of type", "source")
_flow_end("to_type", "to a component of type", "target")


@fact("data", "flow", "data carried", "set")
def _flow_data(ix: ModelIndex, f: Flow) -> FactValue:
    carried = ", ".join(f.data) or "no stated data"
    return FactValue(frozenset(f.data), (Evidence(f"carries {carried}", (*flow_path(f), "data")),))


@fact("sensitive_data", "flow", "sensitive data carried", "set")
def _flow_sensitive(ix: ModelIndex, f: Flow) -> FactValue:
    value = frozenset(f.data) & SENSITIVE
    return FactValue(value, (Evidence(f"carries {', '.join(sorted(value)) or 'nothing sensitive'}",
                                      (*flow_path(f), "data")),))


def _flow_unknown(f: Flow, question: str) -> tuple[Unknown, ...]:
    return (Unknown(question, "flow", f.id, (*flow_path(f), question)),)


def _flow_flag(f: Flow, attr: str, texts: dict[bool | None, str]) -> FactValue:
    """A flow's true/false field as a fact, unknown (a question) when unstated."""
    value: bool | None = getattr(f, attr)
    evidence = (Evidence(texts[value], (*flow_path(f), attr)),)
    if value is None:
        return FactValue(None, evidence, _flow_unknown(f, attr))
    return FactValue(value, evidence)


@fact("authenticated", "flow", "authenticated", "bool")
def _flow_auth(ix: ModelIndex, f: Flow) -> FactValue:
    return _flow_flag(f, "authenticated", {True: "authenticated", False: "not authenticated",
                                           None: "authentication not stated"})


@fact("token_validated", "flow", "receiver validates the token fully", "bool")
def _flow_token(ix: ModelIndex, f: Flow) -> FactValue:
    # Not a review question: most flows have no bearer token to validate.
    text = {True: "its token's signature, issuer, audience and expiry are checked",
            False: "its token is accepted without full checks (audience, clients or expiry)",
            None: "token validation not stated"}[f.token_validated]
    return FactValue(f.token_validated, (Evidence(text, (*flow_path(f), "token_validated")),))


@fact("replay_protected", "flow", "rejects replayed or stale messages", "bool")
def _flow_replay(ix: ModelIndex, f: Flow) -> FactValue:
    return _flow_flag(f, "replay_protected", {True: "rejects replayed messages",
                                              False: "accepts replayed messages",
                                              None: "replay protection not stated"})


ENCRYPTING_PROTOCOLS = frozenset({"https", "ssh"})
"""Protocols that always encrypt: a flow over them is encrypted whether or not it says so."""
CLEAR_PROTOCOLS = frozenset({"http", "smtp"})
"""Protocols named for their clear-text form (their TLS forms are https and SMTP with TLS, which
a model states with ``encrypted: true``)."""


@fact("encrypted", "flow", "encrypted", "bool")
def _flow_enc(ix: ModelIndex, f: Flow) -> FactValue:
    protocol = (*flow_path(f), "protocol")
    if f.encrypted is None and f.protocol in ENCRYPTING_PROTOCOLS:
        return FactValue(True, (Evidence(f"encrypted by its protocol ({f.protocol})", protocol),))
    if f.encrypted is None and f.protocol in CLEAR_PROTOCOLS:
        return FactValue(False, (Evidence(f"plain {f.protocol}, encryption not stated",
                                          protocol),))
    return _flow_flag(f, "encrypted", {True: "encrypted in transit",
                                       False: "not encrypted in transit",
                                       None: "encryption in transit not stated"})


@fact("protocol", "flow", "protocol", "str")
def _flow_protocol(ix: ModelIndex, f: Flow) -> FactValue:
    return FactValue(f.protocol, (Evidence(f"protocol: {f.protocol or 'not stated'}",
                                           (*flow_path(f), "protocol")),))


@fact("crosses_boundary", "flow", "crosses a trust boundary", "bool")
def _flow_crosses(ix: ModelIndex, f: Flow) -> FactValue:
    source = ix.components.get(f.source)
    target = ix.components.get(f.target)
    value = ix.crosses(f)
    if source is None or target is None:
        return FactValue(False)
    text = (f"crosses from boundary `{source.boundary or 'none'}` to "
            f"`{target.boundary or 'none'}`") if value else \
        f"stays inside boundary `{source.boundary or 'none'}`"
    return FactValue(value, (Evidence(text, flow_path(f)),))


PROVIDER_KINDS = frozenset({"saas-provider", "third-party"})


@fact("inside_provider", "flow", "runs inside a SaaS provider's or third party's own boundary",
      "bool")
def _flow_inside_provider(ix: ModelIndex, f: Flow) -> FactValue:
    """Both ends sit in the same provider boundary (at any depth): how that provider moves
    data between its own parts is its to secure, not the system's."""
    source = ix.components.get(f.source)
    target = ix.components.get(f.target)
    if source is None or target is None:
        return FactValue(False)
    theirs = {b.id for b in ix.boundary_chain(source.boundary) if b.kind in PROVIDER_KINDS}
    shared = next((b for b in ix.boundary_chain(target.boundary) if b.id in theirs), None)
    if shared is None:
        return FactValue(False, (Evidence("not inside one provider's boundary", flow_path(f)),))
    return FactValue(True, (Evidence(f"both ends inside {shared.kind} boundary `{shared.id}`",
                                     flow_path(f)),))


@fact("from_untrusted_zone", "flow", "starts outside the organisation's control", "bool")
def _flow_untrusted_zone(ix: ModelIndex, f: Flow) -> FactValue:
    source = ix.components.get(f.source)
    value = source is not None and ix.untrusted_zone(source)
    return FactValue(value, (Evidence(
        f"starts at `{f.source}` on the internet, a user device or a third party" if value
        else f"starts at `{f.source}` inside the organisation", (*flow_path(f), "from")),))


@fact("agent_to_agent", "flow", "between two agents", "bool")
def _flow_agents(ix: ModelIndex, f: Flow) -> FactValue:
    """From one agent to another, directly or through a message queue one writes and the
    other reads."""
    source = ix.components.get(f.source)
    target = ix.components.get(f.target)
    if source is None or target is None:
        return FactValue(False)
    if source.type in AGENT_TYPES and target.type in AGENT_TYPES:
        return FactValue(True, (Evidence(f"goes from agent `{f.source}` to agent `{f.target}`",
                                         flow_path(f)),))
    if source.type == "message-queue" and target.type in AGENT_TYPES:
        writer = next((ix.components[w.source] for w in ix.incoming.get(source.id, [])
                       if w.source in ix.components and w.source != target.id
                       and ix.components[w.source].type in AGENT_TYPES), None)
        if writer is not None:
            return FactValue(True, (Evidence(
                f"carries messages agent `{writer.id}` puts on queue `{source.id}` to agent "
                f"`{target.id}`", flow_path(f)),))
    return FactValue(False, (Evidence("not between two agents", flow_path(f)),))


NON_GENERATIVE_MODALITIES = frozenset({"embedding", "classification", "reranking"})
"""Modalities whose output is vectors, labels, scores or an order: nothing a person reads and
nothing that carries instructions on."""


def _generates_text(component: Component | None) -> bool:
    """A model or agent whose output is content: not a model stated to only embed, classify
    or rerank (a model that does not state its modality is read as a generative one)."""
    if component is None:
        return False
    if component.type in AGENT_TYPES:
        return True
    if component.type not in MODEL_TYPES:
        return False
    modality = set(component.model.modality) if component.model is not None else set()
    return not modality or not modality <= NON_GENERATIVE_MODALITIES


@fact("generates_content", "component", "generates content (text, code, media)", "bool")
def _generates_content(ix: ModelIndex, c: Component) -> FactValue:
    value = _generates_text(c)
    modality = c.model.modality if c.model is not None else ()
    if c.type in AGENT_TYPES:
        text = f"{c.type} `{c.id}` writes its own output"
    elif modality:
        text = (f"modality {', '.join(modality)}" if value
                else f"modality {', '.join(modality)}: no generated content")
    else:
        text = "modality not stated: read as a generative model" if value else \
            f"{c.type} `{c.id}` is not a model or agent"
    return FactValue(value, (Evidence(text, _field(c, "model", "modality")
                                      if c.type in MODEL_TYPES else component_path(c)),))


@fact("from_model", "flow", "carries model or agent output", "bool")
def _flow_from_model(ix: ModelIndex, f: Flow) -> FactValue:
    source = ix.components.get(f.source)
    value = _generates_text(source)
    return FactValue(value, (Evidence(f"carries output of {_describe(source)}" if value and source
                                      else "does not start at a model or agent",
                                      (*flow_path(f), "from")),))


@fact("returns_model_output", "flow", "brings a model's or agent's answer back", "bool")
def _flow_returns_output(ix: ModelIndex, f: Flow) -> FactValue:
    """Flows point from the side that starts an exchange: a call to a model or agent gets its
    answer back on the same flow, handled by the caller."""
    source = ix.components.get(f.source)
    target = ix.components.get(f.target)
    # Not orchestrators: what starts them is an event or schedule that waits for no answer.
    value = (source is not None and source.type in ("client-app", "service")
             and target is not None and target.type != "orchestrator"
             and _generates_text(target))
    text = (f"the answer of {_describe(target)} comes back to {_describe(source)} over it"
            if value and source and target else "does not bring a model's answer back")
    return FactValue(value, (Evidence(text, flow_path(f)),))


# --- boundary facts --------------------------------------------------------------------------

@fact("kind", "boundary", "kind", "str")
def _boundary_kind(ix: ModelIndex, b: Boundary) -> FactValue:
    return FactValue(b.kind, (Evidence(f"boundary `{b.id}` is a {b.kind}",
                                       ("boundaries", b.index, "kind")),))


def lookup(kind: str, name: str) -> FactSpec | None:
    return REGISTRY.get(f"{kind}:{name}")


def names(kind: str) -> list[str]:
    return sorted(spec.name for spec in REGISTRY.values() if spec.kind == kind)
