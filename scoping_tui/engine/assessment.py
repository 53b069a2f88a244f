"""The whole analysis of one model: scope, findings with status, controls per phase, readiness."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scoping_tui.engine.catalog import PHASES, Catalog, Threat
from scoping_tui.engine.controls import (
    FindingStatus,
    Readiness,
    Recommendation,
    Requirement,
    finding_statuses,
    readiness,
    recommendations,
    required_for,
    requirements,
)
from scoping_tui.engine.index import ModelIndex
from scoping_tui.engine.scope import Scope, agentic_scope, generative_scope
from scoping_tui.engine.threats import SEVERITIES, FactCache, Question, derive
from scoping_tui.model.types import SystemModel
from scoping_tui.util.gcpause import paused_gc


@dataclass(frozen=True)
class Assessment:
    model: SystemModel
    phase: str
    as_of: dt.date
    generative: Scope
    agentic: Scope
    findings: tuple[FindingStatus, ...]
    requirements: tuple[Requirement, ...]
    """Every control the system needs in any phase."""
    readiness: tuple[Readiness, ...]
    """One per phase, prototype first."""
    recommendations: tuple[Recommendation, ...]
    questions: tuple[Question, ...] = ()
    """Unstated security facts that would decide threats, grouped by fact."""
    unknowns: str = "ask"
    """How unstated facts were read: ask, or worst-case (their threats raised, marked)."""

    @property
    def assumed_findings(self) -> int:
        """Findings raised only by reading unstated facts worst-case."""
        return sum(1 for status in self.findings if status.finding.assumed)

    @property
    def open_questions(self) -> int:
        """Elements that leave a deciding fact unstated, over all questions."""
        return sum(len(question.elements) for question in self.questions)

    @property
    def next_phase(self) -> str | None:
        index = PHASES.index(self.phase)
        return PHASES[index + 1] if index + 1 < len(PHASES) else None

    def required(self, phase: str | None = None) -> list[Requirement]:
        return required_for(phase or self.phase, self.requirements)

    def missing(self, phase: str | None = None) -> list[Requirement]:
        return [r for r in self.required(phase) if not r.done]

    def readiness_for(self, phase: str) -> Readiness:
        return self.readiness[PHASES.index(phase)]

    def threats_found(self) -> list[Threat]:
        """Each threat with a finding, once, by id: what the reports explain in full."""
        found = {status.finding.threat.id: status.finding.threat for status in self.findings}
        return [found[key] for key in sorted(found)]

    def counts(self, unresolved_only: bool = True) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITIES, 0)
        for status in self.findings:
            if status.unresolved or not unresolved_only:
                counts[status.finding.severity] += 1
        return counts


UNKNOWNS = ("ask", "worst-case")


def assess(model: SystemModel, catalog: Catalog, phase: str | None = None,
           as_of: dt.date | None = None, unknowns: str | None = None) -> Assessment:
    """Analyse a validated model. ``as_of`` fixes "today" for acceptance expiry; ``unknowns``
    (ask or worst-case) overrides the model's own ``system.unknowns``."""
    phase = phase or model.system.phase
    today = as_of or dt.date.today()
    with paused_gc():
        return _assess(model, catalog, phase, today, unknowns or model.system.unknowns)


def _assess(model: SystemModel, catalog: Catalog, phase: str, today: dt.date,
            unknowns: str) -> Assessment:
    index = ModelIndex(model)
    cache = FactCache(index)
    derivation = derive(model, catalog, cache, worst_case=unknowns == "worst-case")
    findings = derivation.findings
    reqs = requirements(model, catalog, findings, cache)
    statuses = finding_statuses(model, catalog, findings, phase, today, cache)
    return Assessment(
        model=model,
        phase=phase,
        as_of=today,
        generative=generative_scope(model),
        agentic=agentic_scope(model),
        findings=tuple(statuses),
        requirements=tuple(reqs),
        readiness=tuple(readiness(p, reqs) for p in PHASES),
        recommendations=tuple(recommendations(required_for(PHASES[-1], reqs), statuses)),
        questions=derivation.questions,
        unknowns=unknowns,
    )
