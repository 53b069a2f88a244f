"""Open Threat Model (OTM 0.2.0, ``.otm.json``): the model, its threats and its controls.

Boundaries are trust zones, components and flows keep their ids, catalog threats that apply are
``threats``, the controls the system needs are ``mitigations``, and every finding is a threat
instance on its component or flow. Text is kept exactly (JSON escapes what needs escaping): OTM
sets no length limits, and an OTM import must be able to rebuild the model.

Attributes layout (read by the OTM importer)
--------------------------------------------
Everything scoping-tui knows that OTM has no field for sits under one key, ``"scoping-tui"``, in
the ``attributes`` of the element, with the YAML model's own key names and values (so an importer
merges the native fields and these keys into the element's YAML). Keys are present only when the
model sets them; a section (``model``, ``agent``, ``store``, ``tool``) is present, possibly
empty, exactly when the component has it. Where a key appears both natively and here, this one
wins.

- ``project.attributes["scoping-tui"]``::

      layout: 1                      # version of this layout
      system: {phase?, generative_scope?, agentic_scope?}   # declared values only
      controls: [{control, status, targets ("*" or [ids]), reason?, evidence?, owner?}]
      accepted_risks: [{finding, owner, reason, expires, ticket?}]
      assessment: {phase, as_of, generative_scope: {value, name}, agentic_scope: {value, name}}
                                     # derived, informational: an importer ignores it

  Native: ``project.name`` ← system.name, ``description``, ``owner``, ``tags`` ← system.tags.
  ``project.id`` is a slug of the name (not part of the model).
- ``trustZones[]``: native ``id``, ``name``, ``type`` ← boundary kind, ``description``,
  ``parent.trustZone`` ← boundary parent. ``risk.trustRating`` is derived from the kind. A zone
  holding components that have no boundary carries ``attributes["scoping-tui"] = {"synthetic":
  true}``: it is not in the model, and its components have no ``boundary``. Findings on a
  boundary go in the zone's ``attributes["scoping-tui"]["threats"]`` (OTM zones have no
  ``threats``), in the same shape as a component's threat instances.
- ``components[]``: native ``id``, ``name``, ``type`` (the scoping-tui component type),
  ``description``, ``tags``, ``parent.trustZone`` ← boundary. ``attributes["scoping-tui"]``:
  ``hosting``, ``owner``, ``data``, ``secrets``, ``human_review``, ``model`` {provider, origin,
  base_model, terms, trains_on_inputs, modality, weights_format}, ``agent`` {model, tools:
  [{tool, permissions}], runs_generated_code, approval, triggers, memory, delegates_to, identity,
  credential_lifetime}, ``store`` {encrypted_at_rest, multi_tenant, ingests_untrusted,
  persistence, shared}, ``tool`` {authentication, side_effects, fetches_untrusted, source,
  transport}.
- ``dataflows[]``: native ``id``, ``source`` ← from, ``destination`` ← to, ``description``,
  ``name`` (``"A → B"`` when the flow has none, with ``"name": ""`` in the attributes).
  ``bidirectional`` is always false. ``attributes["scoping-tui"]``: ``protocol``,
  ``authenticated``, ``encrypted``, ``data``. Tags repeat them for people.
- ``threats[]`` and ``mitigations[]`` are catalog entries (ids are catalog ids) with their
  catalog facts under ``attributes["scoping-tui"]``; an importer does not need them.

Threat instances: ``{threat, state, mitigations: [{mitigation, state}]}``; threat states are
``exposed`` (open), ``partly-mitigated``, ``mitigated`` and ``accepted``; mitigation states are
``implemented``, ``not-applicable``, ``planned``, ``required`` (missing, required at this phase)
and ``recommended`` (missing, required from a later phase).
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from scoping_tui.engine.assessment import Assessment
from scoping_tui.engine.catalog import PHASES, Threat
from scoping_tui.engine.controls import SEVERITY_WEIGHT, FindingStatus, Requirement, target_status
from scoping_tui.engine.index import ModelIndex
from scoping_tui.engine.scope import Scope
from scoping_tui.model.types import (
    AcceptedRisk,
    AgentFacts,
    Boundary,
    Component,
    ControlImpl,
    Flow,
    ModelFacts,
    StoreFacts,
    SystemModel,
    ToolFacts,
)

OTM_VERSION = "0.2.0"
KEY = "scoping-tui"
LAYOUT = 1
UNZONED = "unzoned"
# How far the zone's occupants are trusted, 0–100: outside the organisation low.
TRUST_RATING = {"internet": 10, "user-device": 20, "third-party": 30, "saas-provider": 40,
                "corporate-network": 60, "on-prem": 70, "cloud-account": 70, "vpc": 80,
                "subnet": 85, "container": 90}
UNZONED_RATING = 50
LEVEL_SCORE = {"low": 30, "medium": 60, "high": 90}
THREAT_STATE = {"open": "exposed", "partially-mitigated": "partly-mitigated",
                "mitigated": "mitigated", "accepted": "accepted"}
STRIDE_NAMES = {"S": "Spoofing", "T": "Tampering", "R": "Repudiation",
                "I": "Information disclosure", "D": "Denial of service",
                "E": "Elevation of privilege"}


def slug(text: str) -> str:
    """A lower-case ASCII id for ``text``: "Support assistant (EU)" → "support-assistant-eu"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "system"


def _set(out: dict[str, Any], key: str, value: Any) -> None:
    """Keep ``value`` unless the model left it unset (None, "" or an empty list)."""
    if value is None or value == "" or value == ():
        return
    out[key] = list(value) if isinstance(value, tuple) else value


def _fields(pairs: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs.items():
        _set(out, key, value)
    return out


# --- model sections as YAML ------------------------------------------------------------------

def _model_facts(facts: ModelFacts) -> dict[str, Any]:
    return _fields({"provider": facts.provider, "origin": facts.origin,
                    "base_model": facts.base_model, "terms": facts.terms,
                    "trains_on_inputs": facts.trains_on_inputs, "modality": facts.modality,
                    "weights_format": facts.weights_format})


def _agent_facts(facts: AgentFacts) -> dict[str, Any]:
    out = _fields({"model": facts.model})
    if facts.tools:
        out["tools"] = [_fields({"tool": g.tool, "permissions": g.permissions})
                        for g in facts.tools]
    if facts.runs_generated_code:
        out["runs_generated_code"] = True
    out.update(_fields({"approval": facts.approval, "triggers": facts.triggers,
                        "memory": facts.memory, "delegates_to": facts.delegates_to,
                        "identity": facts.identity,
                        "credential_lifetime": facts.credential_lifetime}))
    return out


def _store_facts(facts: StoreFacts) -> dict[str, Any]:
    return _fields({"encrypted_at_rest": facts.encrypted_at_rest,
                    "multi_tenant": facts.multi_tenant,
                    "ingests_untrusted": facts.ingests_untrusted,
                    "persistence": facts.persistence, "shared": facts.shared})


def _tool_facts(facts: ToolFacts) -> dict[str, Any]:
    return _fields({"authentication": facts.authentication, "side_effects": facts.side_effects,
                    "fetches_untrusted": facts.fetches_untrusted, "source": facts.source,
                    "transport": facts.transport})


def component_attributes(component: Component) -> dict[str, Any]:
    """The component's YAML keys that OTM has no field for."""
    out = _fields({"hosting": component.hosting, "owner": component.owner,
                   "data": component.data, "secrets": component.secrets,
                   "human_review": component.human_review})
    if component.model is not None:
        out["model"] = _model_facts(component.model)
    if component.agent is not None:
        out["agent"] = _agent_facts(component.agent)
    if component.store is not None:
        out["store"] = _store_facts(component.store)
    if component.tool is not None:
        out["tool"] = _tool_facts(component.tool)
    return out


def _control(impl: ControlImpl) -> dict[str, Any]:
    out: dict[str, Any] = {"control": impl.control, "status": impl.status,
                           "targets": "*" if impl.targets == ("*",) else list(impl.targets)}
    out.update(_fields({"reason": impl.reason, "evidence": impl.evidence, "owner": impl.owner}))
    return out


def _accepted(risk: AcceptedRisk) -> dict[str, Any]:
    out = {"finding": risk.finding, "owner": risk.owner, "reason": risk.reason,
           "expires": risk.expires}
    out.update(_fields({"ticket": risk.ticket}))
    return out


def _scope(scope: Scope) -> dict[str, Any]:
    return {"value": scope.value, "name": scope.name}


def _project(assessment: Assessment) -> dict[str, Any]:
    system = assessment.model.system
    declared = _fields({"phase": system.phase if system.phase_declared else None,
                        "generative_scope": system.generative_scope,
                        "agentic_scope": system.agentic_scope})
    project: dict[str, Any] = {"name": system.name, "id": slug(system.name)}
    _set(project, "description", system.description)
    _set(project, "owner", system.owner)
    _set(project, "tags", system.tags)
    project["attributes"] = {KEY: {
        "layout": LAYOUT,
        "system": declared,
        "controls": [_control(c) for c in assessment.model.controls],
        "accepted_risks": [_accepted(r) for r in assessment.model.accepted_risks],
        "assessment": {"phase": assessment.phase, "as_of": assessment.as_of.isoformat(),
                       "generative_scope": _scope(assessment.generative),
                       "agentic_scope": _scope(assessment.agentic)},
    }}
    return project


# --- threat instances ------------------------------------------------------------------------

def _mitigation_state(req: Requirement, target: str, assessment: Assessment,
                      ix: ModelIndex) -> str:
    state = target_status(req.control.id, target, assessment.model, ix)
    if state != "missing":
        return state
    required = req.control.phase_index <= PHASES.index(assessment.phase)
    return "required" if required else "recommended"


def _instances(assessment: Assessment, ix: ModelIndex) -> dict[str, list[dict[str, Any]]]:
    """Threat instances by element id: each finding on its target and on the flows it also
    covers, with the controls it needs there."""
    needed: dict[str, list[Requirement]] = {}
    for req in assessment.requirements:
        for finding_id in req.findings:
            needed.setdefault(finding_id, []).append(req)
    found: dict[str, list[dict[str, Any]]] = {}
    for status in assessment.findings:
        finding = status.finding
        instance = {
            "threat": finding.threat.id,
            "state": THREAT_STATE[status.status],
            "mitigations": [{"mitigation": req.control.id,
                             "state": _mitigation_state(req, finding.target, assessment, ix)}
                            for req in needed.get(finding.id, [])],
        }
        for element in (finding.target, *finding.also):
            found.setdefault(element, []).append(instance)
    return found


# --- elements --------------------------------------------------------------------------------

def _unzoned_id(model: SystemModel) -> str:
    taken = {b.id for b in model.boundaries} | {c.id for c in model.components} | \
        {f.id for f in model.flows}
    candidate, n = UNZONED, 1
    while candidate in taken:
        n += 1
        candidate = f"{UNZONED}-{n}"
    return candidate


def _trust_zone(boundary: Boundary, ids: set[str],
                instances: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    zone: dict[str, Any] = {"id": boundary.id, "name": boundary.name, "type": boundary.kind}
    _set(zone, "description", boundary.description)
    zone["risk"] = {"trustRating": TRUST_RATING.get(boundary.kind, UNZONED_RATING)}
    if boundary.parent is not None and boundary.parent in ids:
        zone["parent"] = {"trustZone": boundary.parent}
    if boundary.id in instances:
        zone["attributes"] = {KEY: {"threats": instances[boundary.id]}}
    return zone


def _component(component: Component, zone: str,
               instances: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": component.id, "name": component.name, "type": component.type}
    _set(out, "description", component.description)
    out["parent"] = {"trustZone": zone}
    _set(out, "tags", component.tags)
    out["threats"] = instances.get(component.id, [])
    out["attributes"] = {KEY: component_attributes(component)}
    return out


def _flow_tags(flow: Flow) -> list[str]:
    tags = [flow.protocol] if flow.protocol else []
    if flow.authenticated is not None:
        tags.append("authenticated" if flow.authenticated else "unauthenticated")
    if flow.encrypted is not None:
        tags.append("encrypted" if flow.encrypted else "unencrypted")
    return tags + list(flow.data)


def _dataflow(flow: Flow, names: dict[str, str],
              instances: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    attributes = _fields({"protocol": flow.protocol, "authenticated": flow.authenticated,
                          "encrypted": flow.encrypted, "data": flow.data})
    name = flow.name
    if not name:
        name = f"{names.get(flow.source, flow.source)} → {names.get(flow.target, flow.target)}"
        attributes["name"] = ""
    out: dict[str, Any] = {"id": flow.id, "name": name}
    _set(out, "description", flow.description)
    out.update({"bidirectional": False, "source": flow.source, "destination": flow.target,
                "tags": _flow_tags(flow), "threats": instances.get(flow.id, []),
                "attributes": {KEY: attributes}})
    return out


# --- catalog entries -------------------------------------------------------------------------

def _threat(threat: Threat, statuses: list[FindingStatus]) -> dict[str, Any]:
    likelihood = max((s.finding.likelihood for s in statuses), key=LEVEL_SCORE.__getitem__)
    impact = max((s.finding.impact for s in statuses), key=LEVEL_SCORE.__getitem__)
    where = "; ".join(f"{s.finding.target}: {s.finding.rating[0]}" for s in statuses)
    refs = [f"{framework}:{ref}" for framework, ids in threat.references.items() for ref in ids]
    return {
        "id": threat.id,
        "name": threat.title,
        "description": threat.description,
        "categories": [STRIDE_NAMES[s] for s in threat.stride if s in STRIDE_NAMES],
        "risk": {
            "likelihood": LEVEL_SCORE[likelihood],
            "likelihoodComment": f"highest rated likelihood {likelihood} (catalog base "
                                 f"{threat.likelihood}); per element: {where}",
            "impact": LEVEL_SCORE[impact],
            "impactComment": f"highest rated impact {impact} (catalog base {threat.impact})",
        },
        "tags": refs,
        "attributes": {KEY: {"stride": list(threat.stride), "target": threat.target,
                             "likelihood": threat.likelihood, "impact": threat.impact,
                             "references": {k: list(v) for k, v in threat.references.items()}}},
    }


def risk_reduction(req: Requirement, assessment: Assessment) -> int:
    """The share (0–100) of the system's severity-weighted findings this control mitigates."""
    weights = {s.finding.id: SEVERITY_WEIGHT[s.finding.severity] for s in assessment.findings}
    total = sum(weights.values())
    if total == 0:
        return 0
    share = sum(weights.get(f, 0) for f in req.findings) * 100 / total
    return max(1, round(share)) if share else 0


def _mitigation(req: Requirement, assessment: Assessment) -> dict[str, Any]:
    control = req.control
    return {
        "id": control.id,
        "name": control.title,
        "description": control.description,
        "riskReduction": risk_reduction(req, assessment),
        "attributes": {KEY: _fields({
            "phase": control.phase, "layer": control.layer, "dimension": control.dimension,
            "discipline": control.discipline, "status": req.status,
            "targets": req.targets, "missing_on": req.missing_on,
            "mitigates": control.mitigates, "findings": req.findings,
            "references": {k: list(v) for k, v in control.references.items()} or None,
        })},
    }


# --- the document ----------------------------------------------------------------------------

def _zone_of(component: Component, ids: set[str], unzoned: str) -> str:
    return component.boundary if component.boundary and component.boundary in ids else unzoned


def otm_dict(assessment: Assessment) -> dict[str, Any]:
    model = assessment.model
    ix = ModelIndex(model)
    instances = _instances(assessment, ix)
    ids = {b.id for b in model.boundaries}
    zones = [_trust_zone(b, ids, instances) for b in model.boundaries]
    unzoned = _unzoned_id(model)
    if any(c.boundary not in ids for c in model.components):
        zones.append({"id": unzoned, "name": "Outside any trust boundary", "type": UNZONED,
                      "description": "Components the model places in no trust boundary.",
                      "risk": {"trustRating": UNZONED_RATING},
                      "attributes": {KEY: {"synthetic": True}}})
    names = {c.id: c.name for c in model.components}
    by_threat: dict[str, list[FindingStatus]] = {}
    for status in assessment.findings:
        by_threat.setdefault(status.finding.threat.id, []).append(status)
    threats = [_threat(statuses[0].finding.threat, statuses)
               for _, statuses in sorted(by_threat.items())]
    return {
        "otmVersion": OTM_VERSION,
        "project": _project(assessment),
        "trustZones": zones,
        "components": [_component(c, _zone_of(c, ids, unzoned), instances)
                       for c in model.components],
        "dataflows": [_dataflow(f, names, instances) for f in model.flows],
        "threats": threats,
        "mitigations": [_mitigation(r, assessment) for r in assessment.requirements],
    }


# Kept exactly, but escaped in the file: DEL and C1 controls (a terminal runs some), bidi
# controls (they reorder what a reader sees), line separators and U+FFFE/U+FFFF. JSON itself
# escapes the C0 controls.
_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufffe\uffff]")


def render_otm(assessment: Assessment) -> str:
    text = json.dumps(otm_dict(assessment), indent=2, ensure_ascii=False)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"
