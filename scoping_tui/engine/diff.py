"""What a change does to a threat model: its elements field by field, and the threat picture.

Two versions of a model are compared element by element, keyed by id (controls by control id
and targets, accepted risks by finding id), never by position, so reordering the file changes
nothing. An element that disappears while one of the same kind appears with (nearly) the same
content is a rename, and every reference that follows it (flow ends, boundaries, agent tools,
controls' targets, accepted risks' findings) is read through the rename before comparing, so a
rename is reported once and introduces or resolves no finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from scoping_tui.engine.assessment import Assessment, assess
from scoping_tui.engine.catalog import PHASES, Catalog, Control
from scoping_tui.engine.controls import FindingStatus, Readiness, Requirement
from scoping_tui.engine.safeguards import Weakening, weakenings
from scoping_tui.engine.scope import Scope
from scoping_tui.engine.threats import SEVERITIES
from scoping_tui.model.references import REFERENCES
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

FieldValue = str | int | bool | None | tuple[str, ...]
"""A model value as compared: lists are tuples (sorted where order carries no meaning)."""
Flat = dict[str, FieldValue]
Ref = Callable[[str], str]

SECTIONS = ("boundaries", "components", "flows", "controls", "accepted_risks")
CHANGE_KINDS = ("added", "removed", "renamed", "changed")
RENAME_THRESHOLD = 0.5
"""A removed and an added element of the same type are a rename when more than this share of
their set fields are equal (ids aside)."""

_SYSTEM_FIELDS = ("name", "description", "owner", "phase", "generative_scope", "agentic_scope",
                  "tags")


def _same(text: str) -> str:
    return text


# --- model diff --------------------------------------------------------------------------------

@dataclass(frozen=True)
class FieldChange:
    path: str
    """Dotted, as in the YAML: ``agent.approval``, ``encrypted``, ``agent.tools[crm]``."""
    old: FieldValue
    """None when the field was not set (or the tool not granted)."""
    new: FieldValue


@dataclass(frozen=True)
class ElementChange:
    section: str
    """One of SECTIONS."""
    change: str
    """added, removed, renamed or changed."""
    id: str
    """The element's id in the new model (in the old one when removed). For controls the control
    id, for accepted risks the finding id."""
    old_id: str
    """Its id in the old model: differs from ``id`` only for renames; empty when added."""
    name: str
    detail: str
    """Component type, boundary kind, ``from → to`` of a flow, where a control is declared, the
    owner of an accepted risk."""
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class ModelDiff:
    system: tuple[FieldChange, ...]
    boundaries: tuple[ElementChange, ...]
    components: tuple[ElementChange, ...]
    flows: tuple[ElementChange, ...]
    controls: tuple[ElementChange, ...]
    accepted_risks: tuple[ElementChange, ...]
    renames: tuple[tuple[str, str], ...]
    """(old id, new id) of renamed boundaries, components and flows, sorted."""

    @property
    def elements(self) -> tuple[ElementChange, ...]:
        return (*self.boundaries, *self.components, *self.flows, *self.controls,
                *self.accepted_risks)

    def section(self, name: str) -> tuple[ElementChange, ...]:
        found: tuple[ElementChange, ...] = getattr(self, name)
        return found

    @property
    def rename_map(self) -> dict[str, str]:
        return dict(self.renames)

    @property
    def count(self) -> int:
        """Changed system fields plus changed elements."""
        return len(self.system) + len(self.elements)

    @property
    def empty(self) -> bool:
        return self.count == 0


def display_value(value: FieldValue) -> str:
    """A value as a reader expects it: ``true``, ``[read, write]``, ``(not set)``."""
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"
    if value == "":
        return '""'
    return str(value)


def json_value(value: FieldValue) -> str | int | bool | list[str] | None:
    return list(value) if isinstance(value, tuple) else value


def _plain(value: Any) -> FieldValue:
    if isinstance(value, tuple):
        return tuple(sorted(str(v) for v in value))
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _facts(prefix: str, facts: Any, empty: Any, ref: Ref, refs: frozenset[str] = frozenset(),
           ) -> Flat:
    """The fields of a fact section; an absent section reads as an empty one."""
    facts = facts if facts is not None else empty
    out: Flat = {}
    assert is_dataclass(facts)
    for spec in fields(facts):
        value = getattr(facts, spec.name)
        if spec.name == "tools":
            continue
        if spec.name in refs:
            value = tuple(ref(v) for v in value) if isinstance(value, tuple) else \
                None if value is None else ref(value)
        out[f"{prefix}.{spec.name}"] = _plain(value)
    return out


_AGENT_REFERENCES = frozenset(r.keys[1] for r in REFERENCES
                              if r.keys[0] == "agent" and len(r.keys) == 2)
"""The agent's fields that name other elements (its tool grants are compared one by one)."""


def _component(component: Component, ref: Ref) -> Flat:
    out: Flat = {
        "name": component.name,
        "type": component.type,
        "boundary": None if component.boundary is None else ref(component.boundary),
        "hosting": component.hosting,
        "description": component.description,
        "owner": component.owner,
        "data": _plain(component.data),
        "secrets": component.secrets,
        "human_review": component.human_review,
        "tags": _plain(component.tags),
    }
    out.update(_facts("model", component.model, ModelFacts(), ref))
    out.update(_facts("agent", component.agent, AgentFacts(), ref, _AGENT_REFERENCES))
    grants: dict[str, set[str]] = {}
    for grant in component.agent.tools if component.agent is not None else ():
        grants.setdefault(ref(grant.tool), set()).update(grant.permissions)
    for tool in sorted(grants):
        out[f"agent.tools[{tool}]"] = tuple(sorted(grants[tool]))
    out.update(_facts("store", component.store, StoreFacts(), ref))
    out.update(_facts("tool", component.tool, ToolFacts(), ref))
    return out


def _flow(flow: Flow, ref: Ref) -> Flat:
    return {
        "name": flow.name,
        "from": ref(flow.source),
        "to": ref(flow.target),
        "data": _plain(flow.data),
        "protocol": flow.protocol,
        "authenticated": flow.authenticated,
        "encrypted": flow.encrypted,
        "description": flow.description,
    }


def _boundary(boundary: Boundary, ref: Ref) -> Flat:
    return {
        "name": boundary.name,
        "kind": boundary.kind,
        "parent": None if boundary.parent is None else ref(boundary.parent),
        "description": boundary.description,
    }


def _control(impl: ControlImpl, ref: Ref) -> Flat:
    return {
        "status": impl.status,
        "targets": tuple(sorted(ref(t) if t != "*" else t for t in impl.targets)),
        "reason": impl.reason,
        "evidence": impl.evidence,
        "owner": impl.owner,
    }


def _risk(risk: AcceptedRisk, ref: Ref) -> Flat:
    return {"owner": risk.owner, "reason": risk.reason, "expires": risk.expires,
            "ticket": risk.ticket}


def _finding_ref(finding_id: str, ref: Ref) -> str:
    threat, at, target = finding_id.partition("@")
    return f"{threat}{at}{ref(target)}" if at else finding_id


def _field_changes(old: Flat, new: Flat) -> tuple[FieldChange, ...]:
    keys = list(new) + [k for k in old if k not in new]
    return tuple(FieldChange(k, old.get(k), new.get(k)) for k in keys
                 if old.get(k) != new.get(k))


def _similarity(old: Flat, new: Flat) -> float:
    keys = [k for k in {*old, *new} if old.get(k) not in (None, "", ())
            or new.get(k) not in (None, "", ())]
    if not keys:
        return 1.0
    return sum(1 for k in keys if old.get(k) == new.get(k)) / len(keys)


Element = Boundary | Component | Flow


@dataclass(frozen=True)
class _Section:
    name: str
    flatten: Callable[[Any, Ref], Flat]
    kind_of: Callable[[Any], str]

    def items(self, model: SystemModel) -> dict[str, Element]:
        found: tuple[Element, ...] = getattr(model, self.name)
        return {e.id: e for e in found}


_ID_SECTIONS = (
    _Section("boundaries", _boundary, lambda b: b.kind),
    _Section("components", _component, lambda c: c.type),
    _Section("flows", _flow, lambda f: ""),
)


def _lookup(mapping: Mapping[str, str]) -> Ref:
    """Reads an old id as the new model names it."""
    def ref(old_id: str) -> str:
        return mapping.get(old_id, old_id)
    return ref


def _candidates(section: _Section, old: SystemModel, new: SystemModel,
                mapping: Mapping[str, str], near: bool) -> list[tuple[float, str, str]]:
    """(-score, old id, new id) for removed and added elements of the same type: exact
    matches (content equal but for the id, references read through ``mapping``) or, with
    ``near``, those sharing more than RENAME_THRESHOLD of their fields."""
    before, after = section.items(old), section.items(new)
    taken = set(mapping.values())
    removed = sorted(i for i in before if i not in after and i not in mapping)
    added = sorted(i for i in after if i not in before and i not in taken)
    if not removed or not added:
        return []
    ref = _lookup(mapping)
    flat_new = {i: section.flatten(after[i], _same) for i in added}
    found: list[tuple[float, str, str]] = []
    if not near:
        by_content: dict[frozenset[tuple[str, FieldValue]], list[str]] = {}
        for new_id in added:
            by_content.setdefault(frozenset(flat_new[new_id].items()), []).append(new_id)
        for old_id in removed:
            hits = by_content.get(frozenset(section.flatten(before[old_id], ref).items()), [])
            found += [(-1.0, old_id, new_id) for new_id in hits]
        return found
    for old_id in removed:
        flat_old = section.flatten(before[old_id], ref)
        for new_id in added:
            if section.kind_of(before[old_id]) != section.kind_of(after[new_id]):
                continue
            flat = flat_new[new_id]
            if section.name == "flows" and (flat_old["from"], flat_old["to"]) != (
                    flat["from"], flat["to"]):
                continue
            score = _similarity(flat_old, flat)
            if score > RENAME_THRESHOLD:
                found.append((-score, old_id, new_id))
    return found


def _detect_renames(old: SystemModel, new: SystemModel) -> dict[str, str]:
    """Old id → new id for elements that only (or mostly) changed their id.

    Exact matches are taken first, then the best near ones, repeating while any is found: a
    renamed component makes the flows renamed with it match exactly on the next round.
    """
    mapping: dict[str, str] = {}
    while True:
        found = False
        for near in (False, True):
            chosen = sorted(c for section in _ID_SECTIONS
                            for c in _candidates(section, old, new, mapping, near))
            for _, old_id, new_id in chosen:
                if old_id not in mapping and new_id not in mapping.values():
                    mapping[old_id] = new_id
                    found = True
            if found:
                break
        if not found:
            return mapping


def _element(section: str, change: str, new_id: str, old_id: str, item: Any,
             changes: tuple[FieldChange, ...] = ()) -> ElementChange:
    if isinstance(item, Component):
        name, detail = item.name, item.type
    elif isinstance(item, Boundary):
        name, detail = item.name, item.kind
    elif isinstance(item, Flow):
        name, detail = item.name, f"{item.source} → {item.target}"
    elif isinstance(item, ControlImpl):
        name = ""
        detail = "system-wide" if item.system_wide else "on " + ", ".join(item.targets)
    else:
        assert isinstance(item, AcceptedRisk)
        name, detail = "", f"owner {item.owner}"
    return ElementChange(section, change, new_id, old_id, name, detail, changes)


def _sort(changes: Iterable[ElementChange]) -> tuple[ElementChange, ...]:
    return tuple(sorted(changes, key=lambda c: (CHANGE_KINDS.index(c.change), c.id, c.detail,
                                                c.old_id)))


def _id_section(section: _Section, old: SystemModel, new: SystemModel,
                mapping: Mapping[str, str]) -> tuple[ElementChange, ...]:
    ref = _lookup(mapping)
    before, after = section.items(old), section.items(new)
    out: list[ElementChange] = []
    for old_id, item in before.items():
        new_id = mapping.get(old_id, old_id)
        if new_id not in after:
            out.append(_element(section.name, "removed", old_id, old_id, item))
            continue
        now = after[new_id]
        changes = _field_changes(section.flatten(item, ref), section.flatten(now, _same))
        if new_id != old_id:
            out.append(_element(section.name, "renamed", new_id, old_id, now, changes))
        elif changes:
            out.append(_element(section.name, "changed", new_id, old_id, now, changes))
    arrived = {mapping.get(i, i) for i in before}
    out += [_element(section.name, "added", i, "", item) for i, item in after.items()
            if i not in arrived]
    return _sort(out)


def _paired(section: str, old: Sequence[Any], new: Sequence[Any], key: Callable[[Any, Ref], str],
            flatten: Callable[[Any, Ref], Flat], ref: Ref) -> tuple[ElementChange, ...]:
    """Entries without ids (controls, accepted risks), matched by key (old ones read through
    the renames): equal ones first, then those with the same targets, then in file order."""
    groups: dict[str, tuple[list[Any], list[Any]]] = {}
    for item in old:
        groups.setdefault(key(item, ref), ([], []))[0].append(item)
    for item in new:
        groups.setdefault(key(item, _same), ([], []))[1].append(item)
    out: list[ElementChange] = []
    for group_key, (before, after) in groups.items():
        before = sorted(before, key=lambda i: i.index)
        after = sorted(after, key=lambda i: i.index)
        pairs: list[tuple[Any, Any]] = []
        for rule in ("equal", "targets", "order"):
            for a in list(before):
                flat = flatten(a, ref)
                match = next((b for b in after if rule == "order"
                              or (rule == "equal" and flat == flatten(b, _same))
                              or (rule == "targets"
                                  and flat.get("targets") == flatten(b, _same).get("targets"))),
                             None)
                if match is not None:
                    pairs.append((a, match))
                    before = [x for x in before if x is not a]
                    after = [x for x in after if x is not match]
        for a, b in pairs:
            changes = _field_changes(flatten(a, ref), flatten(b, _same))
            if changes:
                out.append(_element(section, "changed", group_key, key(a, _same), b, changes))
        out += [_element(section, "removed", key(a, _same), key(a, _same), a) for a in before]
        out += [_element(section, "added", group_key, "", b) for b in after]
    return _sort(out)


def diff_models(old: SystemModel, new: SystemModel) -> ModelDiff:
    """Every change from ``old`` to ``new``: system fields, then each section's elements."""
    mapping = _detect_renames(old, new)
    ref = _lookup(mapping)
    system = _field_changes(
        {f: _plain(getattr(old.system, f)) for f in _SYSTEM_FIELDS},
        {f: _plain(getattr(new.system, f)) for f in _SYSTEM_FIELDS})
    boundaries, components, flows = (_id_section(s, old, new, mapping) for s in _ID_SECTIONS)
    controls = _paired("controls", old.controls, new.controls, lambda c, _: c.control,
                       _control, ref)
    risks = _paired("accepted_risks", old.accepted_risks, new.accepted_risks,
                    lambda r, through: _finding_ref(r.finding, through), _risk, ref)
    return ModelDiff(system, boundaries, components, flows, controls, risks,
                     tuple(sorted(mapping.items())))


# --- assessment diff ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ScopeChange:
    dimension: str
    """generative or agentic."""
    old: Scope
    new: Scope
    """With its reasons: why the system now sits where it does."""


@dataclass(frozen=True)
class FindingChange:
    id: str
    """The finding's id in the new model, or in the old one when it is gone."""
    old: FindingStatus | None
    new: FindingStatus | None

    @property
    def current(self) -> FindingStatus:
        found = self.new or self.old
        assert found is not None
        return found

    @property
    def old_id(self) -> str | None:
        return None if self.old is None else self.old.finding.id


@dataclass(frozen=True)
class ControlChange:
    control: Control
    old: Requirement | None
    """None when the control was not required (for the phase assessed)."""
    new: Requirement | None
    where: tuple[str, ...]
    """The targets concerned: where it is newly missing, or newly in place."""


@dataclass(frozen=True)
class ReadinessChange:
    phase: str
    old: Readiness
    new: Readiness

    @property
    def changed(self) -> bool:
        return (self.old.done, self.old.required, len(self.old.blockers)) != (
            self.new.done, self.new.required, len(self.new.blockers))


@dataclass(frozen=True)
class AssessmentDiff:
    phase: str
    scope: tuple[ScopeChange, ...]
    introduced: tuple[FindingChange, ...]
    """Unresolved now; absent or resolved before."""
    resolved: tuple[FindingChange, ...]
    """Unresolved before; absent or resolved now."""
    changed: tuple[FindingChange, ...]
    """In both, neither introduced nor resolved, with another severity or status."""
    now_missing: tuple[ControlChange, ...]
    now_done: tuple[ControlChange, ...]
    """Now in place where they were not (on ``where``), or newly required and already in
    place."""
    no_longer_required: tuple[ControlChange, ...]
    readiness: tuple[ReadinessChange, ...]
    """One per phase, prototype first, changed or not."""

    @property
    def empty(self) -> bool:
        return not (self.scope or self.introduced or self.resolved or self.changed
                    or self.now_missing or self.now_done or self.no_longer_required
                    or any(r.changed for r in self.readiness))


def _flows_of(status: FindingStatus, ref: Ref) -> set[str]:
    return {ref(status.finding.target), *(ref(f) for f in status.finding.also)}


def match_findings(old: Sequence[FindingStatus], new: Sequence[FindingStatus],
                   renames: Mapping[str, str] | None = None) -> dict[str, FindingStatus]:
    """New finding id → the same finding in the old assessment.

    Ids match through renames (``THREAT@old`` is ``THREAT@new``). A finding on a group of flows
    between the same two components is named after the first flow of the group; when that
    changes, the finding still matches one of the same threat sharing a flow.
    """
    ref = _lookup(renames or {})
    by_id = {_finding_ref(s.finding.id, ref): s for s in old}
    matched: dict[str, FindingStatus] = {}
    for status in new:
        if status.finding.id in by_id:
            matched[status.finding.id] = by_id.pop(status.finding.id)
    for status in new:
        if status.finding.id in matched or status.finding.target_kind != "flow":
            continue
        flows = _flows_of(status, _same)
        candidate = next((s for key, s in sorted(by_id.items())
                          if s.finding.threat.id == status.finding.threat.id
                          and _flows_of(s, ref) & flows), None)
        if candidate is not None:
            matched[status.finding.id] = candidate
            del by_id[_finding_ref(candidate.finding.id, ref)]
    return matched


def _finding_order(change: FindingChange) -> tuple[int, str]:
    return change.current.finding.severity_rank, change.id


def _findings(old: Assessment, new: Assessment, renames: Mapping[str, str],
              ) -> tuple[list[FindingChange], list[FindingChange], list[FindingChange]]:
    matched = match_findings(old.findings, new.findings, renames)
    introduced, resolved, changed = [], [], []
    for status in new.findings:
        before = matched.get(status.finding.id)
        change = FindingChange(status.finding.id, before, status)
        if status.unresolved and (before is None or not before.unresolved):
            introduced.append(change)
        elif before is not None and before.unresolved and not status.unresolved:
            resolved.append(change)
        elif before is not None and (before.finding.severity, before.status) != (
                status.finding.severity, status.status):
            changed.append(change)
    still = {id(s) for s in matched.values()}
    resolved += [FindingChange(s.finding.id, s, None) for s in old.findings
                 if id(s) not in still and s.unresolved]
    return (sorted(introduced, key=_finding_order), sorted(resolved, key=_finding_order),
            sorted(changed, key=_finding_order))


def _where(req: Requirement) -> tuple[str, ...]:
    return req.missing_on or req.targets


def _controls(old: Assessment, new: Assessment, phase: str, renames: Mapping[str, str],
              ) -> tuple[list[ControlChange], list[ControlChange], list[ControlChange]]:
    ref = _lookup(renames)
    before = {r.control.id: r for r in old.required(phase)}
    after = {r.control.id: r for r in new.required(phase)}
    missing, done, dropped = [], [], []
    for control_id, req in sorted(after.items()):
        was = before.get(control_id)
        was_missing = set() if was is None else {ref(t) for t in was.missing_on}
        if not req.done:
            if was is None or was.done:
                missing.append(ControlChange(req.control, was, req, _where(req)))
            elif newly := tuple(t for t in req.missing_on if t not in was_missing):
                missing.append(ControlChange(req.control, was, req, newly))
            elif fixed := tuple(sorted(was_missing - set(req.missing_on))):
                done.append(ControlChange(req.control, was, req, fixed))
        elif was is None or not was.done:  # now in place, or newly needed and already there
            done.append(ControlChange(req.control, was, req, req.targets))
    for control_id, was in sorted(before.items()):
        if control_id not in after:
            dropped.append(ControlChange(was.control, was, None,
                                         tuple(ref(t) for t in was.targets)))
    return missing, done, dropped


def diff_assessments(old: Assessment, new: Assessment, model_diff: ModelDiff) -> AssessmentDiff:
    """How the threat picture moved. Controls are compared for the phase of ``new``."""
    renames = model_diff.rename_map
    scope = tuple(ScopeChange(name, before, after) for name, before, after in (
        ("generative", old.generative, new.generative), ("agentic", old.agentic, new.agentic))
        if before.value != after.value)
    introduced, resolved, changed = _findings(old, new, renames)
    missing, done, dropped = _controls(old, new, new.phase, renames)
    readiness = tuple(ReadinessChange(p, old.readiness_for(p), new.readiness_for(p))
                      for p in PHASES)
    return AssessmentDiff(new.phase, scope, tuple(introduced), tuple(resolved), tuple(changed),
                          tuple(missing), tuple(done), tuple(dropped), readiness)


def new_findings(current: Assessment, baseline: Assessment, fail_on: str,
                 renames: Mapping[str, str] | None = None) -> list[FindingStatus]:
    """Unresolved findings at or above ``fail_on`` that the baseline did not already have
    unresolved at or above it: new ones, reopened ones, and ones whose severity rose past the
    limit. Findings of renamed targets match across the rename."""
    limit = SEVERITIES.index(fail_on)
    matched = match_findings(baseline.findings, current.findings, renames)

    def failing(status: FindingStatus) -> bool:
        return status.unresolved and status.finding.severity_rank <= limit

    return [s for s in current.findings if failing(s)
            and not ((before := matched.get(s.finding.id)) is not None and failing(before))]


# --- the whole change --------------------------------------------------------------------------

@dataclass(frozen=True)
class DiffReport:
    """A change from one model version to another, and what it does to the threat picture."""

    old_file: str
    new_file: str
    old: Assessment
    new: Assessment
    model: ModelDiff
    assessment: AssessmentDiff
    fail_on: str
    failing: tuple[FindingStatus, ...]
    """What the change adds at or above ``fail_on`` (see ``new_findings``): the gate."""
    weakened: tuple[Weakening, ...] = ()
    """Safeguards the change removes or weakens: a regression whatever the findings do."""
    allow_weakening: bool = False

    @property
    def gate_fails(self) -> bool:
        return bool(self.failing) or (bool(self.weakened) and not self.allow_weakening)

    @property
    def phase(self) -> str:
        return self.new.phase

    @property
    def as_of(self) -> dt.date:
        return self.new.as_of

    @property
    def empty(self) -> bool:
        return self.model.empty and self.assessment.empty

    @property
    def escalated(self) -> tuple[FindingStatus, ...]:
        """Failing findings that were unresolved before, below ``fail_on``."""
        introduced = {c.id for c in self.assessment.introduced}
        return tuple(s for s in self.failing if s.finding.id not in introduced)


def diff(old_model: SystemModel, new_model: SystemModel, catalog: Catalog,
         phase: str | None = None, as_of: dt.date | None = None, *,
         fail_on: str = "high", allow_weakening: bool = False,
         unknowns: str | None = None) -> DiffReport:
    """Assess both versions for the same phase (the new model's unless given) and compare."""
    phase = phase or new_model.system.phase
    today = as_of or dt.date.today()
    old = assess(old_model, catalog, phase, today, unknowns)
    new = assess(new_model, catalog, phase, today, unknowns)
    model_diff = diff_models(old_model, new_model)
    failing = new_findings(new, old, fail_on, model_diff.rename_map)
    assessment_diff = diff_assessments(old, new, model_diff)
    return DiffReport(old_model.file, new_model.file, old, new, model_diff, assessment_diff,
                      fail_on, tuple(failing),
                      weakenings(old_model, new_model, model_diff),
                      allow_weakening)
