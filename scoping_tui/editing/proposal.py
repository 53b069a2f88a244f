"""What the guided start proposes to write, and the model text of what the user keeps.

The answers (``editing/questionnaire.py``) name the parts; each becomes one item of a review:
a boundary, a component, or a flow (a flow from an agent to a tool carries the agent's grant for
it: permissions, approval, condition). Nothing is proposed that the answers do not name, except
what the answers need to connect: the model the agents reason with, the boundary a part sits in.

Dropping an item drops what cannot stand without it: a component's flows, and with a flow to a
tool the grant it carries. A dropped boundary leaves its components where they are, outside any
boundary. Security facts (encryption, authentication, tenancy, classifications nobody typed)
are never written: each stays a question for the review until the model states it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from scoping_tui.editing.part_lines import StoreLine, ToolLine
from scoping_tui.editing.questionnaire import Answers, Ownership
from scoping_tui.formats.common import slug
from scoping_tui.model.emit import Field, Item, emit_fields, emit_items, text_of
from scoping_tui.model.schema import enum_values
from scoping_tui.util.locations import model_schema_path

Kind = Literal["boundary", "component", "flow"]
MAX_ID = 64


@dataclass(frozen=True)
class Grant:
    """An agent's grant for a tool, written when the flow that carries it is kept."""

    tool: str
    permissions: tuple[str, ...]
    approval: str | None = None
    approval_when: str | None = None

    def as_entry(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"tool": self.tool, "permissions": list(self.permissions)}
        if self.approval is not None:
            entry["approval"] = self.approval
        if self.approval_when:
            entry["approval_when"] = self.approval_when
        return entry


@dataclass(frozen=True)
class Proposed:
    """One thing the guided start would write."""

    kind: Kind
    id: str
    name: str
    detail: str = ""
    """Component type, boundary kind, or for a flow what its grant allows."""
    boundary: str = ""
    """For a component: the boundary it sits in."""
    source: str = ""
    """For a flow: the component it comes from."""
    target: str = ""
    """For a flow: the component it goes to."""
    fields: tuple[Field, ...] = ()
    """What is written besides the id, name, type or kind, boundary and ends."""
    grant: Grant | None = None
    """For a flow from an agent to a tool: the grant written on the agent."""
    model: str = ""
    """For an agent: the model component it reasons with."""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def requires(self) -> tuple[str, ...]:
        """Keys of the items this one cannot be written without."""
        if self.kind == "flow":
            return (f"component:{self.source}", f"component:{self.target}")
        return ()


@dataclass(frozen=True)
class Proposal:
    answers: Answers
    items: tuple[Proposed, ...]

    def item(self, key: str) -> Proposed:
        return next(item for item in self.items if item.key == key)

    def dropped_with(self, dropped: Collection[str]) -> frozenset[str]:
        """``dropped`` and every item that needs one of them."""
        gone = {key for key in dropped if any(item.key == key for item in self.items)}
        for item in self.items:
            if any(need in gone for need in item.requires):
                gone.add(item.key)
        return frozenset(gone)

    def dependents(self, key: str) -> tuple[Proposed, ...]:
        """The items dropping ``key`` drops too, in proposal order."""
        gone = self.dropped_with({key}) - {key}
        return tuple(item for item in self.items if item.key in gone)

    def requirements(self, key: str) -> tuple[Proposed, ...]:
        """The items keeping ``key`` needs (a flow's two ends)."""
        needed = set(self.item(key).requires)
        return tuple(item for item in self.items if item.key in needed)

    def label(self, item: Proposed) -> str:
        """One line for the review: ``Web app (client-app) in Internet``."""
        names = {i.id: i.name for i in self.items}
        if item.kind == "boundary":
            return f"{item.name} ({item.detail})"
        if item.kind == "component":
            where = f" in {names[item.boundary]}" if item.boundary else ""
            return f"{item.name} ({item.detail}){where}"
        text = f"{names[item.source]} → {names[item.target]}"
        return f"{text}: {item.detail}" if item.detail else text

    def counts(self, dropped: Collection[str] = ()) -> dict[Kind, int]:
        gone = self.dropped_with(dropped)
        return {kind: sum(1 for i in self.items if i.kind == kind and i.key not in gone)
                for kind in get_args(Kind)}


# ---------------------------------------------------------------------------------------------
# Proposing


_BOUNDARIES: dict[str, tuple[str, str]] = {
    # id: (name, kind)
    "corporate-network": ("Corporate network", "corporate-network"),
    "internet": ("Internet", "internet"),
    "chat-service": ("Chat service", "saas-provider"),
    "cloud-account": ("Your cloud account", "cloud-account"),
    "model-provider": ("Model provider", "third-party"),
    "app-provider": ("GenAI app provider", "saas-provider"),
}
_FRONT_ENDS: dict[str, tuple[str, str]] = {
    # front end answer: (default name, hosting)
    "web": ("Web app", ""),
    "chat": ("Chat bot", "third-party-saas"),
    "mobile": ("Mobile app", "on-device"),
}
_MODEL_NAMES: dict[Ownership, str] = {
    "model-api": "Foundation model", "fine-tuned": "Fine-tuned model",
    "self-trained": "In-house model", "enterprise-app": "GenAI app",
    "consumer-app": "GenAI app",
}
_ORIGIN = {"model-api": "pre-trained", "fine-tuned": "fine-tuned",
           "self-trained": "self-trained"}
_PERMISSION_WORDS = {"external-communication": "send"}


@dataclass
class _Builder:
    answers: Answers
    boundaries: dict[str, Proposed] = field(default_factory=dict)
    components: list[Proposed] = field(default_factory=list)
    flows: list[Proposed] = field(default_factory=list)
    used: set[str] = field(default_factory=set)

    def free_id(self, text: str, fallback: str) -> str:
        base = slug(text, fallback)[:MAX_ID - 4].rstrip("-")
        candidate, number = base, 2
        while candidate in self.used:
            candidate, number = f"{base}-{number}", number + 1
        self.used.add(candidate)
        return candidate

    def boundary(self, bid: str) -> str:
        if bid not in self.boundaries:
            name, kind = _BOUNDARIES[bid]
            self.used.add(bid)
            self.boundaries[bid] = Proposed("boundary", bid, name, kind)
        return bid

    def component(self, name: str, ctype: str, boundary: str, *fields: Field,
                  model: str = "") -> Proposed:
        item = Proposed("component", self.free_id(name, ctype), name, ctype,
                        self.boundary(boundary) if boundary else "", fields=fields, model=model)
        self.components.append(item)
        return item

    def flow(self, source: Proposed, target: Proposed, name: str,
             grant: Grant | None = None, detail: str = "") -> None:
        fid = self.free_id(f"{source.id}-to-{target.id}", "flow")
        self.flows.append(Proposed("flow", fid, name, detail, source=source.id,
                                   target=target.id, grant=grant))


def propose(answers: Answers) -> Proposal:
    """Every part the answers state, with the flows between them, in the order written."""
    build = _Builder(answers)
    people_side = "internet" if answers.users != "staff" else "corporate-network"
    groups: list[Proposed] = []
    if answers.users in ("staff", "both"):
        groups += [build.component(name, "user", "corporate-network")
                   for name in answers.staff_groups or ("Employees",)]
    if answers.users in ("public", "both"):
        groups += [build.component(name, "user", "internet")
                   for name in answers.public_groups or ("Customers",)]

    front: Proposed | None = None
    if answers.front_end in _FRONT_ENDS:
        default, hosting = _FRONT_ENDS[answers.front_end]
        where = "chat-service" if answers.front_end == "chat" else people_side
        front = build.component(answers.front_end_name or default, "client-app", where,
                                *([Field("hosting", hosting)] if hosting else []))
    back: Proposed | None = None
    if answers.backend or answers.front_end == "api":
        back = build.component(answers.backend or "API", "service", "cloud-account")

    model = _model(build, answers)
    agents = [_agent(build, agent.name, model) for agent in answers.agents]
    tools: dict[str, Proposed] = {}
    agent_names = {agent.name.lower() for agent in answers.agents}
    for line in (line for agent in answers.agents for line in agent.tools):
        key = line.name.lower()
        if key not in tools and key not in agent_names:  # one component per tool named
            tools[key] = build.component(_title(line.name), "tool", "cloud-account")
    stores = [_store(build, line) for line in answers.stores]

    # Who the people reach, and what that reaches in turn.
    entry = front or back
    starts = [a for a in agents if answers.trigger in ("person", "both")]
    for group in groups:
        if entry is not None:
            build.flow(group, entry, "Requests and answers")
        for agent in ([] if entry is not None else starts):
            build.flow(group, agent, "Tasks and results")
        if entry is None and not starts:
            build.flow(group, model, "Prompts and answers")
    if front is not None and back is not None:
        build.flow(front, back, "Requests and answers")
    caller = back or front
    if caller is not None:
        for agent in starts:
            build.flow(caller, agent, "Tasks and results")
        if not agents:
            build.flow(caller, model, "Prompts and answers")
    for agent, answer in zip(agents, answers.agents, strict=True):
        build.flow(agent, model, "Reasoning calls")
        for line in answer.tools:
            tool = tools.get(line.name.lower())
            if tool is not None:
                build.flow(agent, tool, "Tool calls", _grant(tool.id, line), _allows(line))
    searcher = agents or ([caller] if caller is not None else [model])
    for store in stores:
        for who in searcher:
            build.flow(who, store, "Retrieval")
    return Proposal(answers, (*build.boundaries.values(), *build.components, *build.flows))


def _model(build: _Builder, answers: Answers) -> Proposed:
    name = answers.model_name or _MODEL_NAMES[answers.ownership]
    if answers.buys:
        terms = "enterprise" if answers.ownership == "enterprise-app" else "consumer"
        return build.component(name, "genai-app", "app-provider",
                               Field("hosting", "third-party-saas"),
                               Field("model", [Field("terms", terms)]))
    hosted = answers.ownership == "model-api"
    return build.component(name, "foundation-model",
                           "model-provider" if hosted else "cloud-account",
                           *([Field("hosting", "managed-api")] if hosted else []),
                           Field("model", [Field("origin", _ORIGIN[answers.ownership])]))


def _agent(build: _Builder, name: str, model: Proposed) -> Proposed:
    triggers = {"person": ["user"], "event": ["event"], "both": ["user", "event"]}
    facts = Field("agent", [Field("triggers", triggers[build.answers.trigger])])
    return build.component(name, "agent", "cloud-account", facts, model=model.id)


def _store(build: _Builder, line: StoreLine) -> Proposed:
    words = {w.strip(" .;()").lower() for w in line.holds.replace(",", " ").split()}
    data = [c for c in enum_values("classification") if c in words]
    fields = [Field("description", line.holds)] if line.holds else []
    if data:
        fields.append(Field("data", data))
    return build.component(_title(line.name), "vector-store", "cloud-account", *fields)


def _title(name: str) -> str:
    """``order lookup`` → ``Order lookup``; a name typed with capitals stays as it is."""
    return name[:1].upper() + name[1:] if name[:1].islower() else name


def _grant(tool: str, line: ToolLine) -> Grant:
    return Grant(tool, tuple(line.permissions), line.approval, line.approval_when)


def _allows(line: ToolLine) -> str:
    may = ", ".join(_PERMISSION_WORDS.get(p, p) for p in line.permissions)
    if line.approval == "conditional":
        return f"may {may}; approval {line.approval_when}"
    if line.approval == "always":
        return f"may {may}; every call approved"
    if line.approval == "none":
        return f"may {may}; no approval"
    return f"may {may}"


# ---------------------------------------------------------------------------------------------
# Text


def starting_model(proposal: Proposal, dropped: Collection[str] = (), *,
                   schema_ref: str | None = None) -> str:
    """The model of what the user keeps of a :func:`propose` (YAML text, valid, commented).

    ``dropped`` holds the keys of the items left out (what needs them goes too).
    ``schema_ref`` is what the ``yaml-language-server`` line points editors at.
    """
    answers = proposal.answers
    gone = proposal.dropped_with(dropped)
    kept = [item for item in proposal.items if item.key not in gone]
    kept_ids = {item.id for item in kept}
    grants: dict[str, list[Grant]] = {}
    for item in kept:
        if item.grant is not None:
            grants.setdefault(item.source, []).append(item.grant)
    ref = schema_ref if schema_ref is not None else model_schema_path().as_posix()
    name = " ".join(answers.name.split())
    lines = [
        f"# yaml-language-server: $schema={ref}",
        "#",
        f"# {name}: the parts stated in the scoping-tui guided start, nothing more.",
        "# Security facts nobody has stated yet (is a flow authenticated or encrypted, is a",
        "# store encrypted or shared by tenants, which data each flow carries) are left out on",
        "# purpose: each is a question for the review until you state it.",
        "version: 1",
        "",
        "system:",
    ]
    # The scope is the model's: declared only with the model it comes from.
    emit_fields(lines, _system_fields(answers, with_scope=model_of(proposal).id in kept_ids), 2)
    boundaries = [Item([Field("id", b.id), Field("name", b.name), Field("kind", b.detail)])
                  for b in kept if b.kind == "boundary"]
    components = [_component_item(c, kept_ids, grants.get(c.id, []))
                  for c in kept if c.kind == "component"]
    flows = [Item([Field("id", f.id), Field("name", f.name), Field("from", f.source),
                   Field("to", f.target)]) for f in kept if f.kind == "flow"]
    if boundaries:
        emit_items(lines, "boundaries", boundaries, gap=False)
    if components:
        emit_items(lines, "components", components, gap=True)
    else:
        lines += ["", "components: []"]
    if flows:
        emit_items(lines, "flows", flows, gap=False)
    return text_of(lines)


def _component_item(item: Proposed, kept: set[str], grants: Iterable[Grant]) -> Item:
    fields = [Field("id", item.id), Field("name", item.name), Field("type", item.detail)]
    if item.boundary in kept:
        fields.append(Field("boundary", item.boundary))
    extra = list(item.fields)
    if item.detail == "agent":
        agent: list[Field] = []
        if item.model in kept:
            agent.append(Field("model", item.model))
        entries = [grant.as_entry() for grant in grants]
        if entries:
            agent.append(Field("tools", entries))
        facts = next(f for f in extra if f.key == "agent")
        extra = [f for f in extra if f.key != "agent"]
        extra.append(Field("agent", [*agent, *facts.value]))
    fields.extend(extra)
    return Item(fields)


def model_of(proposal: Proposal) -> Proposed:
    """The foundation model or GenAI app every proposal has."""
    return next(item for item in proposal.items
                if item.detail in ("foundation-model", "genai-app"))


def _system_fields(answers: Answers, *, with_scope: bool) -> list[Field]:
    fields = [
        Field("name", answers.name),
        Field("phase", answers.phase),
        Field("description", "What the system does and for whom."),
    ]
    if with_scope:
        fields.append(Field("generative_scope", answers.generative_scope,
                            _GENERATIVE_WHY[answers.ownership]))
    return fields


_GENERATIVE_WHY: dict[Ownership, str] = {
    "consumer-app": "a public consumer GenAI app under its public terms",
    "enterprise-app": "an enterprise GenAI app under an enterprise agreement",
    "model-api": "a third-party model called unchanged through an API",
    "fine-tuned": "a third-party model fine-tuned on your data",
    "self-trained": "a model you train from scratch",
}
