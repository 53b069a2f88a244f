"""Which controls each phase requires of this system, which are in place, and finding status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from scoping_tui.engine.catalog import PHASES, Catalog, Control
from scoping_tui.engine.conditions import holds
from scoping_tui.engine.index import ModelIndex
from scoping_tui.engine.threats import FactCache, Finding
from scoping_tui.model.types import AcceptedRisk, ControlImpl, SystemModel

SYSTEM = "*"
SEVERITY_WEIGHT = {"critical": 8, "high": 4, "medium": 2, "low": 1}


@dataclass(frozen=True)
class Requirement:
    """A control this system needs from ``control.phase`` on, on these targets."""

    control: Control
    targets: tuple[str, ...]
    """Element ids, or ``("*",)`` for the whole system."""
    status: str
    """implemented, partial, planned, not-applicable or missing."""
    missing_on: tuple[str, ...]
    declared: tuple[ControlImpl, ...]
    findings: tuple[str, ...]
    """Ids of the findings that make it needed here."""

    @property
    def done(self) -> bool:
        return self.status in ("implemented", "not-applicable")


@dataclass(frozen=True)
class FindingStatus:
    finding: Finding
    status: str
    """open, partially-mitigated, mitigated or accepted."""
    implemented: tuple[str, ...]
    missing: tuple[str, ...]
    """Mitigating controls required by the phase that are not in place on the target."""
    acceptance: AcceptedRisk | None = None
    expired_acceptance: AcceptedRisk | None = None

    @property
    def unresolved(self) -> bool:
        return self.status in ("open", "partially-mitigated")


def _covers(impl: ControlImpl, target: str, index: ModelIndex) -> bool:
    if impl.system_wide or target == SYSTEM:
        return impl.system_wide
    if target in impl.targets:
        return True
    flow = next((f for f in index.model.flows if f.id == target), None)
    return flow is not None and (flow.source in impl.targets or flow.target in impl.targets)


def target_status(control_id: str, target: str, model: SystemModel, index: ModelIndex) -> str:
    """implemented, planned, not-applicable or missing for one control on one target."""
    states = [impl.status for impl in model.controls
              if impl.control == control_id and _covers(impl, target, index)]
    for state in ("implemented", "not-applicable", "planned"):
        if state in states:
            return state
    return "missing"


def requirements(model: SystemModel, catalog: Catalog, findings: Sequence[Finding],
                 cache: FactCache) -> list[Requirement]:
    """Every control this system needs in any phase, with where it is needed and its state."""
    index = cache.index
    by_threat: dict[str, list[Finding]] = {}
    for finding in findings:
        by_threat.setdefault(finding.threat.id, []).append(finding)
    out: list[Requirement] = []
    for control in sorted(catalog.controls.values(), key=lambda c: (c.phase_index, c.id)):
        needed_by = [f for threat_id in control.mitigates for f in by_threat.get(threat_id, [])]
        if control.applies_to is not None:
            needed_by = [f for f in needed_by if _applies(control, f, cache)]
        if control.baseline:
            targets: tuple[str, ...] = (SYSTEM,)
        elif needed_by:
            targets = tuple(sorted({f.target for f in needed_by}))
        else:
            continue
        states = {t: target_status(control.id, t, model, index) for t in targets}
        missing = tuple(t for t, s in states.items() if s == "missing")
        values = set(states.values())
        if values <= {"implemented", "not-applicable"}:
            status = "not-applicable" if values == {"not-applicable"} else "implemented"
        elif "implemented" in values:
            status = "partial"
        elif "planned" in values:
            status = "planned"
        else:
            status = "missing"
        declared = tuple(i for i in model.controls if i.control == control.id)
        out.append(Requirement(control, targets, status, missing, declared,
                               tuple(sorted({f.id for f in needed_by}))))
    return out


def _applies(control: Control, finding: Finding, cache: FactCache) -> bool:
    assert control.applies_to is not None
    if finding.target_kind != "component":
        return True
    component = cache.index.components[finding.target]
    return holds(control.applies_to, cache.for_target("component", component))


def required_for(phase: str, reqs: Sequence[Requirement]) -> list[Requirement]:
    """Requirements in force at ``phase``: controls accumulate from prototype on."""
    limit = PHASES.index(phase)
    return [r for r in reqs if r.control.phase_index <= limit]


def finding_statuses(model: SystemModel, catalog: Catalog, findings: Sequence[Finding],
                     phase: str, as_of: dt.date, cache: FactCache) -> list[FindingStatus]:
    index = cache.index
    acceptances = {risk.finding: risk for risk in model.accepted_risks}
    limit = PHASES.index(phase)
    out = []
    for finding in findings:
        mitigating = [control for c in catalog.mitigated_by.get(finding.threat.id, ())
                      if (control := catalog.controls[c]).applies_to is None
                      or _applies(control, finding, cache)]
        relevant = [c for c in mitigating if c.phase_index <= limit] or mitigating
        states = {c.id: target_status(c.id, finding.target, model, index) for c in relevant}
        done = tuple(c for c, s in states.items() if s in ("implemented", "not-applicable"))
        missing = tuple(c for c, s in states.items() if s not in ("implemented",
                                                                    "not-applicable"))
        if relevant and not missing:
            status = "mitigated"
        elif done:
            status = "partially-mitigated"
        else:
            status = "open"
        acceptance = acceptances.get(finding.id)
        expired = None
        if acceptance is not None:
            if dt.date.fromisoformat(acceptance.expires) >= as_of:
                status = "accepted"
            else:
                expired, acceptance = acceptance, None
        out.append(FindingStatus(finding, status, done, missing, acceptance, expired))
    return out


@dataclass(frozen=True)
class Readiness:
    phase: str
    required: int
    done: int
    blockers: tuple[Requirement, ...]
    """Required controls not yet in place (planned, partial or missing)."""

    @property
    def percent(self) -> int:
        return 100 if self.required == 0 else (100 * self.done) // self.required


def readiness(phase: str, reqs: Sequence[Requirement]) -> Readiness:
    needed = required_for(phase, reqs)
    blockers = tuple(r for r in needed if not r.done)
    return Readiness(phase, len(needed), len(needed) - len(blockers), blockers)


@dataclass(frozen=True)
class Recommendation:
    requirement: Requirement
    weight: int
    """Severity-weighted count of unresolved findings this control would address."""
    closes: tuple[str, ...]


def recommendations(reqs: Sequence[Requirement], statuses: Sequence[FindingStatus],
                    ) -> list[Recommendation]:
    """Missing controls ranked by how much open risk each addresses, earliest phase first."""
    unresolved = {s.finding.id: s for s in statuses if s.unresolved}
    out = []
    for req in reqs:
        if req.done:
            continue
        closes = tuple(f for f in req.findings if f in unresolved
                       and req.control.id in unresolved[f].missing)
        weight = sum(SEVERITY_WEIGHT[unresolved[f].finding.severity] for f in closes)
        out.append(Recommendation(req, weight, closes))
    out.sort(key=lambda r: (r.requirement.control.phase_index, -r.weight,
                            r.requirement.control.id))
    return out
