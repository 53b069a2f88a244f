"""AWS Threat Composer JSON (``.tc.json``): findings as threat statements, controls as mitigations.

The shape is Threat Composer's data-exchange format (schema ``threat-composer-v1``, draft
2020-12). Every finding becomes a threat written in Threat Composer's grammar; every control the
system needs becomes a mitigation, linked to the threats whose findings made it needed.

- Status: open and partially mitigated findings are ``threatIdentified``; mitigated findings and
  accepted risks are ``threatResolved`` (the threat was dealt with; the Comments say how).
  ``threatResolvedNotUseful`` means "this statement is not relevant", which no finding is.
  Controls: implemented ``mitigationResolved``, not-applicable
  ``mitigationResolvedWillNotAction``, planned or partial ``mitigationInProgress``, missing
  ``mitigationIdentified``.
- The statement parts (source, prerequisites, action, impact) are derived generically: who acts
  from the way in that the threat's rule tests (untrusted content, people, the provider, the
  supply chain, the network) and the way the model exposes the target; the action and impact
  from the threat's STRIDE letters and the target's type and data; the catalog title names the
  specific threat. The catalog has no per-threat statement fields.
- Text: the format is plain text with length limits per field (the schema's, and the app's,
  which counts UTF-16 code units). Control characters and bidirectional overrides are removed,
  ``<`` and ``>`` become ``‹ ›`` (the app refuses anything that looks like an HTML tag), and
  every field is clipped to its limit with an ellipsis.
- Metadata uses only the keys every app version accepts: ``STRIDE``, ``Priority`` and
  ``Comments`` (the rationale, rating, missing controls, acceptance); older versions refuse
  ``custom:`` keys. Tags (30 characters at most) name the threat id and its OWASP/ATLAS ids.
- Ids are UUIDs derived (uuid5) from the system name and the finding or control id, so the same
  model exports byte-identical files.
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from scoping_tui.engine.assessment import Assessment
from scoping_tui.engine.catalog import PHASES, Threat
from scoping_tui.engine.conditions import Condition, Leaf
from scoping_tui.engine.controls import FindingStatus, Requirement
from scoping_tui.engine.index import (
    AGENT_TYPES,
    MODEL_TYPES,
    PEOPLE_FACING,
    STORE_TYPES,
    ModelIndex,
)
from scoping_tui.engine.scope import Scope
from scoping_tui.engine.threats import Finding
from scoping_tui.export.view import MAX_NESTING
from scoping_tui.export.words import plural
from scoping_tui.model.types import Boundary, Component, Flow, SystemModel

SCHEMA_VERSION = 1
NAMESPACE = uuid.UUID("58ded18a-67fd-4e51-8715-af7d13aa27c9")
"""Fixed namespace of the derived ids: never change it, or re-imports duplicate everything."""

# Limits of the threat-composer-v1 schema (and the app's zod schemas).
NAME_MAX = 200
FIELD_MAX = 200
STATEMENT_MAX = 1400
CONTENT_MAX = 1000
COMMENT_MAX = 1000
TAG_MAX = 30
MARKDOWN_MAX = 100_000
_ITEM_MAX = 2_000
"""A component's or flow's description inside the architecture and data flow text."""

THREAT_STATUS = {"open": "threatIdentified", "partially-mitigated": "threatIdentified",
                 "mitigated": "threatResolved", "accepted": "threatResolved"}
MITIGATION_STATUS = {"implemented": "mitigationResolved",
                     "not-applicable": "mitigationResolvedWillNotAction",
                     "planned": "mitigationInProgress", "partial": "mitigationInProgress",
                     "missing": "mitigationIdentified"}
PRIORITY = {"critical": "High", "high": "High", "medium": "Medium", "low": "Low"}
GOALS = {"S": ("confidentiality", "integrity"), "T": ("integrity",), "R": ("integrity",),
         "I": ("confidentiality",), "D": ("availability",),
         "E": ("confidentiality", "integrity")}
_GOAL_ORDER = ("confidentiality", "integrity", "availability")
_TAG_FRAMEWORKS = {"owasp-llm": "OWASP", "owasp-asi": "OWASP", "owasp-agentic": "OWASP Agentic",
                   "atlas": "ATLAS"}
_THIRD_PARTY_HOSTING = frozenset({"managed-api", "third-party-saas"})
_THIRD_PARTY_ZONES = frozenset({"third-party", "saas-provider"})
_TOOL_TYPES = frozenset({"tool", "mcp-server", "code-sandbox"})

# --- text -----------------------------------------------------------------------------------

_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85\x0b\x0c]")
_SPACES = re.compile(r"\s+")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~&])")
_MD_LINE_START = re.compile(r"^(\d*)([-+=.)])")
"""What would make a line a list item or a heading underline."""


def _clean(text: str) -> str:
    """Text without control characters (line breaks and tabs kept), bidi controls or lone
    surrogates, and with nothing that looks like an HTML tag."""
    text = _LINE_BREAKS.sub("\n", text)
    kept = "".join(c for c in text if c in "\n\t" or not (
        c in _BIDI or unicodedata.category(c) in ("Cc", "Cs")))
    return kept.replace("<", "‹").replace(">", "›")


def _units(char: str) -> int:
    """UTF-16 code units: what the app's length checks count."""
    return 2 if ord(char) > 0xFFFF else 1


def clip(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` UTF-16 code units (so also in ``limit`` characters),
    ending in an ellipsis when it had to be cut."""
    if sum(_units(c) for c in text) <= limit:
        return text
    kept: list[str] = []
    used = 1  # the ellipsis
    for char in text:
        used += _units(char)
        if used > limit:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…"


def line(text: str, limit: int) -> str:
    """One line of plain text: whitespace (line breaks too) collapsed, cleaned, clipped."""
    return clip(_SPACES.sub(" ", _clean(text)).strip(), limit)


def _block(text: str, limit: int) -> str:
    """Several lines of text: line breaks kept, other whitespace collapsed, cleaned, clipped."""
    lines = [_SPACES.sub(" ", part).strip() for part in _clean(text).split("\n")]
    return clip("\n".join(lines).strip(), limit)


def _escape(text: str) -> str:
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(r"\1\\\2", escaped)


def _md(text: str, limit: int = _ITEM_MAX) -> str:
    """A user's text inside Markdown: one line, clipped, Markdown syntax escaped."""
    return _escape(line(text, limit))


def _md_block(text: str, limit: int) -> str:
    """A user's paragraphs inside Markdown: line breaks kept, clipped, syntax escaped."""
    return "\n".join(_escape(part) for part in _block(text, limit).split("\n"))


def _markdown(parts: Iterable[str]) -> str:
    """Markdown sections joined, cut at a line boundary to fit the schema's limit."""
    text = "\n\n".join(p for p in parts if p).strip()
    if sum(_units(c) for c in text) <= MARKDOWN_MAX:
        return text
    note = "\n\n*(cut to fit Threat Composer's limit)*"
    budget = MARKDOWN_MAX - len(note) - 1
    kept: list[str] = []
    used = 0
    for row in text.split("\n"):
        cost = sum(_units(c) for c in row) + 1
        if used + cost > budget:
            break
        kept.append(row)
        used += cost
    return "\n".join(kept) + note


def _tags(values: Iterable[str]) -> list[str]:
    found: list[str] = []
    for value in values:
        tag = line(value, TAG_MAX)
        if tag and tag not in found:
            found.append(tag)
    return found


def _join(items: Sequence[str], last: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def _article(phrase: str) -> str:
    return "An" if phrase[:1].lower() in ("a", "e", "i", "o", "u") else "A"


def _lower_first(text: str) -> str:
    """Sentence case to mid-sentence: "Agent loops" → "agent loops", "MCP server" stays."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def derived_id(system: str, kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}\x00{system}\x00{key}"))


# --- threat statements ----------------------------------------------------------------------

def _names(components: Iterable[Component]) -> str:
    names: list[str] = []
    for component in components:
        if component.name not in names:
            names.append(component.name)
    return _join(names, "or")


def _people(ix: ModelIndex, component: Component) -> tuple[list[Component], list[Component]]:
    """The users whose input reaches the component (directly or through front ends, gateways,
    services and guardrails), and the components they reach it through, nearest first."""
    users: list[Component] = []
    entries: list[Component] = []
    seen = {component.id}
    frontier = [component]
    while frontier:
        current = frontier.pop(0)
        for flow in ix.incoming.get(current.id, []):
            source = ix.components.get(flow.source)
            if source is None or source.id in seen:
                continue
            seen.add(source.id)
            if source.type == "user":
                users.append(source)
                if current is not component and current not in entries:
                    entries.append(current)
            elif source.type in PEOPLE_FACING or source.type in ("service", "guardrail"):
                frontier.append(source)
    return users, entries


def _exposed(ix: ModelIndex, component: Component) -> bool:
    if ix.in_internet(component):
        return True
    return any((source := ix.components.get(flow.source)) is not None and ix.in_internet(source)
               for flow in ix.incoming.get(component.id, []))


def _untrusted_sources(ix: ModelIndex, component: Component) -> list[Component]:
    """Where content that outsiders can influence comes into the component from."""
    found: list[Component] = []
    for flow in ix.incoming.get(component.id, []):
        source = ix.components.get(flow.source)
        if source is None or source.type in PEOPLE_FACING:
            continue
        if "untrusted-content" in flow.data or (
                source.tool is not None and source.tool.fetches_untrusted) or (
                source.store is not None and source.store.ingests_untrusted):
            found.append(source)
    if component.agent is not None:
        for ref in (*(g.tool for g in component.agent.tools), *component.agent.memory):
            other = ix.components.get(ref)
            if other is not None and (
                    (other.tool is not None and other.tool.fetches_untrusted)
                    or (other.store is not None and other.store.ingests_untrusted)):
                found.append(other)
    if component.store is not None and component.store.ingests_untrusted and not found:
        found.append(component)
    return found


def _zone(ix: ModelIndex, component: Component) -> Boundary | None:
    chain = ix.boundary_chain(component.boundary)
    return chain[0] if chain else None


_PEOPLE_FACTS = frozenset({"receives_from_people"})
_UNTRUSTED_FACTS = frozenset({"untrusted_indirect", "receives_untrusted",
                              "store.ingests_untrusted", "tool.fetches_untrusted"})
_PROVIDER_FACTS = frozenset({"model.trains_on_inputs"})
_SUPPLY_FACTS = frozenset({"model.origin", "model.weights_format", "tool.source",
                           "agent.third_party_tools"})
_NETWORK_FACTS = frozenset({"internet_exposed", "in_internet", "unauthenticated_inbound",
                            "tool.authentication"})


def tested_facts(condition: Condition, negated: bool = False) -> frozenset[str]:
    """Facts a rule needs to be true (or present) to fire: its leaves outside a ``not``,
    or under two of them; ``is: false`` counts as a negation."""
    if isinstance(condition, Leaf):
        flipped = negated != (condition.operator == "is" and condition.operand is False)
        return frozenset() if flipped else frozenset({condition.fact.name})
    inner = negated != (condition.combinator == "not")
    found: frozenset[str] = frozenset()
    for child in condition.children:
        found |= tested_facts(child, inner)
    return found


def _third_party(ix: ModelIndex, component: Component) -> bool:
    zone = _zone(ix, component)
    return component.hosting in _THIRD_PARTY_HOSTING or (
        zone is not None and zone.kind in _THIRD_PARTY_ZONES)


def _who(ix: ModelIndex, component: Component, threat: Threat) -> tuple[str, str]:
    """Threat source and prerequisites for a threat on a component: the way in that the
    threat's rule tests first (untrusted content, people, the provider, the supply chain, the
    network), else the way the model exposes the component."""
    name = component.name
    facts = tested_facts(threat.when)
    users, entries = _people(ix, component)
    people = bool(users)
    untrusted = _untrusted_sources(ix, component)
    exposed = _exposed(ix, component)
    zone = _zone(ix, component)
    if facts & _UNTRUSTED_FACTS and untrusted:
        way = "untrusted"
    elif facts & _PEOPLE_FACTS and people:
        way = "people"
    elif facts & _PROVIDER_FACTS and _third_party(ix, component):
        way = "provider"
    elif facts & _SUPPLY_FACTS and "T" in threat.stride and "I" not in threat.stride:
        way = "supply"
    elif facts & _NETWORK_FACTS and exposed:
        way = "internet"
    else:
        way = ("people" if people else "untrusted" if untrusted else "internet" if exposed
               else "provider" if _third_party(ix, component) else "insider")
    if way == "people":
        outside = exposed or any(ix.untrusted_zone(user) for user in users)
        return (f"{'external' if outside else 'internal'} actor who can send input to {name}",
                f"with access to {_names(entries[:3]) if entries else name}")
    if way == "untrusted":
        return (f"external actor who can plant content that {name} reads",
                f"with a way to put text into {_names(untrusted[:3])}")
    if way == "provider":
        return (f"third party that runs {name}, or someone who compromises it",
                f"with control over {zone.name if zone is not None else name}")
    if way == "supply":
        return (f"compromised or careless supplier of {name}",
                f"with a way to change what {name} is built or loaded from")
    if way == "internet":
        return "internet-based actor", f"with a network path to {name}"
    if zone is not None:
        return "insider or intruder", f"with access to {zone.name}"
    return "insider or intruder", f"with access to the environment {name} runs in"


def _component_action(letter: str, component: Component) -> str:
    name = component.name
    if letter == "S":
        return f"pose as a principal that {name} trusts"
    if letter == "T":
        if component.type in AGENT_TYPES:
            return f"steer the actions of {name}"
        if component.type in MODEL_TYPES:
            return f"steer the output of {name}"
        if component.type in STORE_TYPES:
            return f"alter the content of {name}"
        if component.type in _TOOL_TYPES:
            return f"misuse {name}"
        return f"tamper with {name}"
    if letter == "R":
        return f"act through {name} without a record that ties the action to them"
    if letter == "I":
        return f"obtain data that {name} holds or processes"
    if letter == "D":
        return f"exhaust the capacity or budget of {name}"
    if letter == "E":
        return f"make {name} act beyond the rights its owner meant to grant"
    return f"make {name} produce convincing but wrong or misleading output"


def _flow_action(letter: str, source: str, target: str, data: Sequence[str]) -> str:
    if letter == "S":
        return f"pose as {source} towards {target}"
    if letter == "T":
        return f"alter or inject messages sent from {source} to {target}"
    if letter == "R":
        return f"send messages from {source} to {target} that cannot be traced to them"
    if letter == "I":
        if data:
            return f"read the {_join(list(data), 'and')} data sent from {source} to {target}"
        return f"read what is sent from {source} to {target}"
    if letter == "D":
        return f"disrupt what is sent from {source} to {target}"
    if letter == "E":
        return f"use what is sent from {source} to {target} to gain rights on {target}"
    return f"corrupt what is sent from {source} to {target}"


_OUTSIDE_ZONES = frozenset({"internet", "user-device", "third-party", "saas-provider"})
_ZONE_ACTIONS = {
    "S": "pose as a component inside {zone}",
    "T": "tamper with what runs in {zone}",
    "R": "act inside {zone} without leaving a trace",
    "I": "read data held in {zone}",
    "D": "cut {zone} off from the rest of the system",
    "E": "gain control of what runs in {zone}",
}

_IMPACTS = {
    "S": "actions taken or data released in someone else's name",
    "T": "unintended actions or content from {asset}",
    "R": "no reliable record of who caused an action",
    "I": "disclosure of {data} to people not entitled to it",
    "D": "an outage or runaway cost of {asset}",
    "E": "rights being used that nobody granted to the actor",
}


def _impact(stride: Sequence[str], asset: str, sensitive: Sequence[str]) -> str:
    data = _join(list(sensitive), "and") + " data" if sensitive else "data"
    phrases = [_IMPACTS[letter].format(asset=asset, data=data) for letter in stride
               if letter in _IMPACTS]
    return _join(phrases, "and") if phrases else "people relying on output that is wrong"


def _goals(stride: Sequence[str]) -> list[str]:
    found = {goal for letter in stride for goal in GOALS.get(letter, ())} or {"integrity"}
    return [goal for goal in _GOAL_ORDER if goal in found]


_SENSITIVE_ORDER = ("credentials", "payment", "financial", "phi", "pii", "restricted",
                    "confidential")


def _sensitive(data: Iterable[str]) -> list[str]:
    held = set(data)
    return [d for d in _SENSITIVE_ORDER if d in held]


_Parts = tuple[str, str, str, str, list[str]]
"""Threat source, prerequisites, action, impact and further impacted assets."""


def _component_parts(finding: Finding, component: Component, ix: ModelIndex) -> _Parts:
    stride = finding.threat.stride
    source, prerequisites = _who(ix, component, finding.threat)
    handled = set(component.data)
    for flow in ix.incoming.get(component.id, []) + ix.outgoing.get(component.id, []):
        handled.update(flow.data)
    return (source, prerequisites, _component_action(stride[0] if stride else "", component),
            _impact(stride, component.name, _sensitive(handled)), [])


def _flow_parts(finding: Finding, ix: ModelIndex) -> _Parts:
    flows = {f.id: f for f in ix.model.flows}
    flow = flows[finding.target]
    also = [flows[a] for a in finding.also if a in flows]
    start, end = ix.components.get(flow.source), ix.components.get(flow.target)
    src = start.name if start is not None else flow.source
    dst = end.name if end is not None else flow.target
    data = sorted({d for f in (flow, *also) for d in f.data})
    if start is not None and start.type in AGENT_TYPES | MODEL_TYPES:
        source, prerequisites = (f"actor who can influence what {src} produces",
                                 f"with a way to put text in front of {src}")
    else:
        outside = start is not None and ix.untrusted_zone(start)
        source = "network-based actor" if outside else "insider or intruder"
        prerequisites = f"with a position on the path from {src} to {dst}"
    stride = finding.threat.stride
    action = _flow_action(stride[0] if stride else "", src, dst, _sensitive(data) or data)
    return (source, prerequisites, action, _impact(stride, dst, _sensitive(data)),
            [f.name or f"{f.source} → {f.target}" for f in also])


def _boundary_parts(finding: Finding, ix: ModelIndex) -> _Parts:
    zone = ix.boundaries.get(finding.target)
    name = finding.target_name
    if zone is not None and zone.kind in _OUTSIDE_ZONES:
        source, prerequisites = "external actor", f"with a foothold in {name}"
    else:
        source, prerequisites = "insider or intruder", f"with access to {name}"
    stride = finding.threat.stride
    template = _ZONE_ACTIONS.get(stride[0] if stride else "", "compromise what runs in {zone}")
    return source, prerequisites, template.format(zone=name), _impact(stride, name, ()), []


def statement_parts(status: FindingStatus, ix: ModelIndex) -> dict[str, Any]:
    """The grammar fields of one finding: threatSource, prerequisites, threatAction,
    threatImpact, impactedGoal, impactedAssets and the statement, within the schema's limits."""
    finding = status.finding
    component = ix.components.get(finding.target)
    if finding.target_kind == "component" and component is not None:
        source, prerequisites, action, impact, more = _component_parts(finding, component, ix)
    elif finding.target_kind == "flow":
        source, prerequisites, action, impact, more = _flow_parts(finding, ix)
    else:
        source, prerequisites, action, impact, more = _boundary_parts(finding, ix)
    parts: dict[str, Any] = {
        "threatSource": line(source, FIELD_MAX),
        "prerequisites": line(prerequisites, FIELD_MAX),
        "threatAction": line(f"{action} ({_lower_first(finding.threat.title)})", FIELD_MAX),
        "threatImpact": line(impact, FIELD_MAX),
        "impactedGoal": _goals(finding.threat.stride),
        "impactedAssets": [line(a, FIELD_MAX) for a in (finding.target_name, *more)],
    }
    parts["statement"] = compose_statement(parts)
    return parts


def compose_statement(parts: dict[str, Any]) -> str:
    """The statement as Threat Composer renders its full template: "A/An [threat_source]
    [prerequisites] can [threat_action], which leads to [threat_impact], resulting in reduced
    [impacted_goal] of [impacted_assets]"."""
    source = parts["threatSource"]
    text = (f"{_article(source)} {source} {parts['prerequisites']} can {parts['threatAction']}, "
            f"which leads to {parts['threatImpact']}, resulting in reduced "
            f"{_join(parts['impactedGoal'], 'and/or')} of "
            f"{_join(parts['impactedAssets'], 'and')}")
    return clip(_SPACES.sub(" ", text).replace(" ,", ","), STATEMENT_MAX)


# --- threats and mitigations ----------------------------------------------------------------

def _reference_tags(status: FindingStatus) -> list[str]:
    tags = []
    for framework, ids in status.finding.threat.references.items():
        prefix = _TAG_FRAMEWORKS.get(framework)
        if prefix is not None:
            tags += [f"{prefix} {ref}" for ref in ids]
    return tags


def _threat_comment(status: FindingStatus, assessment: Assessment) -> str:
    finding = status.finding
    parts = [f"scoping-tui finding {finding.id}: {status.status}, severity {finding.severity} "
             f"at the {assessment.phase} phase."]
    if status.acceptance is not None:
        risk = status.acceptance
        parts.append(f"Risk accepted by {risk.owner} until {risk.expires}: {risk.reason}"
                     + (f" (ticket {risk.ticket})" if risk.ticket else "") + ".")
    elif status.expired_acceptance is not None:
        risk = status.expired_acceptance
        parts.append(f"The acceptance by {risk.owner} expired on {risk.expires}.")
    parts.append("Why: " + "; ".join(finding.rationale) + ".")
    parts.append("Rating: " + "; ".join(finding.rating) + ".")
    if status.missing:
        parts.append("Missing controls: " + ", ".join(status.missing) + ".")
    if status.implemented:
        parts.append("In place: " + ", ".join(status.implemented) + ".")
    parts.append(finding.threat.description)
    return line(" ".join(parts), COMMENT_MAX)


def _threat(status: FindingStatus, number: int, assessment: Assessment,
            ix: ModelIndex) -> dict[str, Any]:
    finding = status.finding
    system = assessment.model.system.name
    tags = [finding.threat.id, *_reference_tags(status)]
    if status.status == "accepted":
        tags.append("risk accepted")
    return {
        "id": derived_id(system, "threat", finding.id),
        "numericId": number,
        "displayOrder": number,
        **statement_parts(status, ix),
        "status": THREAT_STATUS[status.status],
        "tags": _tags(tags),
        "metadata": [
            {"key": "STRIDE", "value": [s for s in "STRIDE" if s in finding.threat.stride]},
            {"key": "Priority", "value": PRIORITY[finding.severity]},
            {"key": "Comments", "value": _threat_comment(status, assessment)},
        ],
    }


def _where(targets: Sequence[str]) -> str:
    return "the whole system" if "*" in targets else ", ".join(targets)


def _mitigation_comment(req: Requirement, assessment: Assessment) -> str:
    control = req.control
    required = PHASES.index(control.phase) <= PHASES.index(assessment.phase)
    parts = [f"scoping-tui control {control.id}: {req.status}; required from the "
             f"{control.phase} phase" + ("" if required else
                                         f" (not yet at {assessment.phase})") + "."]
    parts.append(f"Needed on {_where(req.targets)}.")
    if req.missing_on and req.status != "missing":
        parts.append(f"Missing on {_where(req.missing_on)}.")
    for impl in req.declared:
        text = f"Declared {impl.status} on {_where(impl.targets)}"
        text += f" by {impl.owner}" if impl.owner else ""
        text += f": {impl.reason}" if impl.reason else ""
        text += f" (evidence: {impl.evidence})" if impl.evidence else ""
        parts.append(text + ".")
    if control.examples:
        parts.append("Examples: " + "; ".join(control.examples) + ".")
    return line(" ".join(parts), COMMENT_MAX)


def _mitigation(req: Requirement, number: int, assessment: Assessment) -> dict[str, Any]:
    control = req.control
    return {
        "id": derived_id(assessment.model.system.name, "mitigation", control.id),
        "numericId": number,
        "displayOrder": number,
        "content": line(f"{control.title}: {control.description}", CONTENT_MAX),
        "status": MITIGATION_STATUS[req.status],
        "tags": _tags([control.id, f"phase {control.phase}", control.layer]),
        "metadata": [{"key": "Comments", "value": _mitigation_comment(req, assessment)}],
    }


# --- application, architecture and data flow text ------------------------------------------

def _scope_lines(label: str, scope: Scope) -> list[str]:
    declared = "" if scope.declared is None else (
        " (declared the same)" if scope.declared == scope.value
        else f" (declared {scope.declared})")
    rows = [f"- {label}: {scope.value} {scope.name}{declared}"]
    rows += [f"  - {_md(reason.text)}" for reason in scope.reasons]
    return rows


def _application(assessment: Assessment) -> str:
    model = assessment.model
    system = model.system
    unresolved = sum(1 for s in assessment.findings if s.unresolved)
    scope = ["### Scope", "",
             f"- Lifecycle phase: {assessment.phase}"
             + ("" if system.phase_declared else " (not declared; prototype assumed)"),
             *_scope_lines("Generative AI scope", assessment.generative),
             *_scope_lines("Agentic AI scope", assessment.agentic)]
    if system.owner:
        scope.append(f"- Owner: {_md(system.owner)}")
    if system.tags:
        scope.append("- Tags: " + ", ".join(_md(t, 100) for t in system.tags))
    ready = ["### Readiness", ""] + [
        f"- {r.phase}: {r.percent}% ({r.done} of {r.required} required controls in place)"
        for r in assessment.readiness]
    source = (f"Exported by scoping-tui from {_md(model.file)}, assessed as of "
              f"{assessment.as_of.isoformat()}: {plural(len(assessment.findings), 'threat')}, "
              f"{unresolved} unresolved; {plural(len(assessment.requirements), 'control')}.")
    return _markdown([_md_block(system.description, MARKDOWN_MAX // 4), "\n".join(scope),
                      "\n".join(ready), source])


def _component_line(component: Component, indent: str) -> str:
    facts = [f"`{component.id}`", component.type]
    if component.hosting:
        facts.append(component.hosting)
    if component.data:
        facts.append("data: " + ", ".join(component.data))
    text = f"{indent}- **{_md(component.name)}** ({', '.join(facts)})"
    if component.description:
        text += f": {_md(component.description)}"
    return text


def _architecture(model: SystemModel) -> str:
    ids = {b.id for b in model.boundaries}
    children: dict[str | None, list[Boundary]] = {}
    for boundary in model.boundaries:
        parent = boundary.parent if boundary.parent in ids else None
        children.setdefault(parent, []).append(boundary)
    members: dict[str | None, list[Component]] = {}
    for component in model.components:
        key = component.boundary if component.boundary in ids else None
        members.setdefault(key, []).append(component)
    rows = ["### Trust boundaries and components", ""]
    seen: set[str] = set()

    def walk(start: Boundary, start_depth: int) -> None:
        # Depth first with a stack, indented no deeper than MAX_NESTING: thousands of nested
        # boundaries neither overflow the recursion limit nor make unreadable Markdown.
        stack = [(start, start_depth)]
        while stack:
            boundary, depth = stack.pop()
            if boundary.id in seen:
                continue
            seen.add(boundary.id)
            indent = "  " * min(depth, MAX_NESTING)
            text = f"{indent}- Boundary **{_md(boundary.name)}** (`{boundary.id}`, " \
                   f"{boundary.kind})"
            if boundary.description:
                text += f": {_md(boundary.description)}"
            rows.append(text)
            rows.extend(_component_line(c, indent + "  ")
                        for c in members.get(boundary.id, []))
            stack.extend((child, depth + 1)
                         for child in reversed(children.get(boundary.id, [])))

    for root in children.get(None, []):
        walk(root, 0)
    for boundary in model.boundaries:  # boundaries in a parent cycle (invalid, but safe)
        walk(boundary, 0)
    outside = members.get(None, [])
    if outside:
        rows += ["", "### Outside any trust boundary", ""]
        rows.extend(_component_line(c, "") for c in outside)
    if len(rows) == 2:
        rows.append("No boundaries or components are declared.")
    return _markdown(["\n".join(rows)])


def _flow_line(flow: Flow, model: SystemModel) -> str:
    names = {c.id: c.name for c in model.components}
    protocol = flow.protocol or "protocol not stated"
    auth = {True: "authenticated", False: "unauthenticated",
            None: "authentication not stated"}[flow.authenticated]
    enc = {True: "encrypted", False: "unencrypted", None: "encryption not stated"}[flow.encrypted]
    text = (f"- {_md(names.get(flow.source, flow.source))} → "
            f"{_md(names.get(flow.target, flow.target))} ({protocol}, {auth}, {enc}): "
            + (", ".join(flow.data) if flow.data else "no data classification stated"))
    label = f"`{flow.id}`" + (f" {_md(flow.name)}" if flow.name else "")
    text += f" — {label}"
    if flow.description:
        text += f": {_md(flow.description)}"
    return text


def _dataflow(model: SystemModel) -> str:
    rows = ["### Data flows", ""]
    rows += [_flow_line(flow, model) for flow in model.flows] or ["No data flows are declared."]
    return _markdown(["\n".join(rows)])


# --- the document ---------------------------------------------------------------------------

def threat_composer_dict(assessment: Assessment) -> dict[str, Any]:
    model = assessment.model
    ix = ModelIndex(model)
    system = model.system.name
    threats = [_threat(s, n, assessment, ix) for n, s in enumerate(assessment.findings, 1)]
    mitigations = [_mitigation(r, n, assessment)
                   for n, r in enumerate(assessment.requirements, 1)]
    exported = {s.finding.id for s in assessment.findings}
    links = [{"mitigationId": derived_id(system, "mitigation", req.control.id),
              "linkedId": derived_id(system, "threat", finding_id)}
             for req in assessment.requirements for finding_id in req.findings
             if finding_id in exported]
    return {
        "schema": SCHEMA_VERSION,
        "applicationInfo": {"name": line(system, NAME_MAX) or "Unnamed system",
                            "description": _application(assessment)},
        "architecture": {"description": _architecture(model)},
        "dataflow": {"description": _dataflow(model)},
        "assumptions": [],
        "mitigations": mitigations,
        "assumptionLinks": [],
        "mitigationLinks": links,
        "threats": threats,
    }


def render_threat_composer(assessment: Assessment) -> str:
    return json.dumps(threat_composer_dict(assessment), indent=2, ensure_ascii=False) + "\n"
