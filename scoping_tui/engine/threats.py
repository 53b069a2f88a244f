"""Threat findings: catalog threats applied to this model's elements, each with its reasons."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from scoping_tui.engine.catalog import LEVELS, Catalog, Threat
from scoping_tui.engine.conditions import Outcome, decide, evaluate, holds, type_guard
from scoping_tui.engine.facts import QUESTIONS, Evidence, FactSpec, FactValue, Target, Unknown
from scoping_tui.engine.index import ModelIndex, boundary_path, component_path, flow_path
from scoping_tui.model.paths import Path
from scoping_tui.model.types import Boundary, Component, Flow, SystemModel

SEVERITIES = ("critical", "high", "medium", "low")
_SEVERITY_BY_SCORE = {6: "critical", 5: "high", 4: "medium"}


@dataclass(frozen=True)
class Reason:
    text: str
    line: int

    def __str__(self) -> str:
        return f"{self.text} (line {self.line})"


@dataclass(frozen=True)
class Finding:
    id: str
    """Stable ``THREAT@target``: survives reordering, so acceptances and baselines keep."""
    threat: Threat
    target: str
    target_kind: str
    target_name: str
    line: int
    """Where the target is defined in the model file."""
    severity: str
    likelihood: str
    impact: str
    rating: tuple[str, ...]
    """How the severity was reached: base levels and each factor that moved them."""
    reasons: tuple[Reason, ...]
    """The facts of the model that made the rule fire."""
    also: tuple[str, ...] = ()
    """Further flows between the same two components that the same finding covers."""
    assumed: tuple[str, ...] = ()
    """Read worst-case: the unstated facts assumed insecure to raise it (empty when every fact
    behind it is stated)."""

    @property
    def rationale(self) -> list[str]:
        return [str(reason) for reason in self.reasons]

    @property
    def severity_rank(self) -> int:
        return SEVERITIES.index(self.severity)


class FactCache:
    """Facts computed once per target and fact, shared by all rules and factors."""

    def __init__(self, index: ModelIndex) -> None:
        self.index = index
        self._lookups: dict[tuple[str, str], _Lookup] = {}

    def for_target(self, kind: str, target: Target) -> _Lookup:
        key = (kind, target.id)
        found = self._lookups.get(key)
        if found is None:
            found = self._lookups[key] = _Lookup(self.index, target)
        return found


class _Lookup:
    """The facts of one element, computed on first use."""

    __slots__ = ("index", "target", "values")

    def __init__(self, index: ModelIndex, target: Target) -> None:
        self.index = index
        self.target = target
        self.values: dict[str, FactValue] = {}

    def __call__(self, spec: FactSpec) -> FactValue:
        found = self.values.get(spec.name)
        if found is None:
            found = self.values[spec.name] = spec.compute(self.index, self.target)
        return found


def targets_of(model: SystemModel, kind: str) -> tuple[Target, ...]:
    if kind == "component":
        return model.components
    if kind == "flow":
        return model.flows
    return model.boundaries


def element_path(target: Target) -> Path:
    if isinstance(target, Component):
        return component_path(target)
    if isinstance(target, Flow):
        return flow_path(target)
    return boundary_path(target)


def _reasons(model: SystemModel, evidence: tuple[Evidence, ...]) -> tuple[Reason, ...]:
    return tuple(Reason(item.text, model.source.value(item.path).line) for item in evidence)


STRIDE_PROPERTIES: dict[str, frozenset[str]] = {
    "S": frozenset({"confidentiality", "integrity"}),
    "T": frozenset({"integrity"}),
    "R": frozenset({"integrity"}),
    "I": frozenset({"confidentiality"}),
    "D": frozenset({"availability"}),
    "E": frozenset({"confidentiality", "integrity"}),
}
"""The security property each STRIDE category violates, for weighing impact by a system's
stated priorities (spoofing and elevation open both reading and changing things)."""


def _priority_move(threat: Threat, priorities: tuple[str, ...]) -> tuple[int, str] | None:
    """+1 impact when the threat hits the system's first priority, -1 when it hits only its
    last; nothing when no order is stated."""
    if len(priorities) < 2:
        return None
    hit = frozenset().union(*(STRIDE_PROPERTIES.get(s, frozenset()) for s in threat.stride))
    first, last = priorities[0], priorities[-1]
    if first in hit:
        return 1, f"{first} comes first for this system (system.priorities)"
    if hit and hit <= {last}:
        return -1, f"it threatens only {last}, which comes last for this system " \
            "(system.priorities)"
    return None


def rate(threat: Threat, lookup: _Lookup, catalog: Catalog, worst_case: bool = False,
         priorities: tuple[str, ...] = ()) -> tuple[str, str, str, tuple[str, ...]]:
    """Severity, likelihood and impact after the threat's factors and the system's priorities,
    with the explanation."""
    likelihood = LEVELS.index(threat.likelihood) + 1
    impact = LEVELS.index(threat.impact) + 1
    moved: list[str] = []
    weighed = _priority_move(threat, priorities)
    if weighed is not None and 1 <= impact + weighed[0] <= 3:
        impact += weighed[0]
        moved.append(f"{'raise' if weighed[0] > 0 else 'lower'} impact: {weighed[1]}")
    for factor_id in threat.factors:
        factor = catalog.factors[factor_id]
        if not holds(factor.when, lookup, worst_case):
            continue
        if factor.effect == "raise-likelihood" and likelihood < 3:
            likelihood += 1
        elif factor.effect == "lower-likelihood" and likelihood > 1:
            likelihood -= 1
        elif factor.effect == "raise-impact" and impact < 3:
            impact += 1
        elif factor.effect == "lower-impact" and impact > 1:
            impact -= 1
        else:
            continue
        moved.append(f"{factor.effect.replace('-', ' ')}: {factor.explain}")
    severity = _SEVERITY_BY_SCORE.get(likelihood + impact, "low")
    final_l, final_i = LEVELS[likelihood - 1], LEVELS[impact - 1]
    explanation = (f"likelihood {final_l} (base {threat.likelihood}), impact {final_i} "
                   f"(base {threat.impact}) → {severity}", *moved)
    return severity, final_l, final_i, explanation


@dataclass(frozen=True)
class Verdict:
    """One rule tested on one element: whether it applies and the facts that decided it."""

    threat: Threat
    target: Target
    outcome: Outcome


def _candidates(threat: Threat, cache: FactCache) -> tuple[Target, ...]:
    """The elements a rule can fire on: all of its kind, or only the types its guard names."""
    guard = type_guard(threat.when) if threat.target == "component" else None
    if guard is None:
        return targets_of(cache.index.model, threat.target)
    by_type = cache.index.by_type
    return tuple(c for c in cache.index.model.components if c.type in guard) if len(guard) > 3 \
        else tuple(c for t in sorted(guard) for c in by_type.get(t, ()))


def _verdicts(model: SystemModel, catalog: Catalog, cache: FactCache) -> Iterator[Verdict]:
    """The rules that fire or that unstated facts leave open, with the evidence (gathered only
    for those)."""
    for threat in sorted(catalog.threats.values(), key=lambda t: t.id):
        for target in _candidates(threat, cache):
            lookup = cache.for_target(threat.target, target)
            if decide(threat.when, lookup) is not False:
                yield Verdict(threat, target, evaluate(threat.when, lookup))


@dataclass(frozen=True)
class Question:
    """One fact several elements leave unstated, and the findings that hang on it."""

    key: str
    """Which fact: a key of ``engine.facts.QUESTIONS``."""
    elements: tuple[tuple[str, int], ...]
    """Each element that does not say, with the line where it is defined."""
    decides: tuple[str, ...]
    """The findings (THREAT@target) that would apply if the answer is the insecure one."""

    @property
    def answer(self) -> str:
        return QUESTIONS[self.key].answer

    @property
    def text(self) -> str:
        """"5 flows do not say whether …: `a`, `b`" (element ids in backticks)."""
        ask = QUESTIONS[self.key]
        count = len(self.elements)
        names = ", ".join(f"`{element}`" for element, _line in self.elements)
        return f"{count} {ask.one if count == 1 else ask.many}: {names}"


@dataclass(frozen=True)
class Derivation:
    findings: list[Finding]
    questions: tuple[Question, ...]


def derive_findings(model: SystemModel, catalog: Catalog,
                    cache: FactCache | None = None) -> list[Finding]:
    """Every threat that applies, one finding per threat and element, sorted by severity."""
    return derive(model, catalog, cache).findings


def derive(model: SystemModel, catalog: Catalog, cache: FactCache | None = None,
           worst_case: bool = False) -> Derivation:
    """Findings on stated facts and the questions unstated ones raise; with ``worst_case``,
    what unstated facts leave open is raised as findings too (and still asked)."""
    cache = cache or FactCache(ModelIndex(model))
    fired: dict[tuple[str, str], list[Verdict]] = {}
    open_: list[Verdict] = []
    for verdict in _verdicts(model, catalog, cache):
        if verdict.outcome.holds is None:
            open_.append(verdict)
            if not worst_case:
                continue
        target = verdict.target
        key = (verdict.threat.id, target.id)
        if isinstance(target, Flow) and verdict.threat.group_by_endpoints:
            key = (verdict.threat.id, f"{target.source}\x00{target.target}")
        fired.setdefault(key, []).append(verdict)
    findings = [_finding(model, catalog, cache, group, worst_case) for group in fired.values()]
    findings.sort(key=lambda f: (f.severity_rank, f.threat.id, f.target))
    return Derivation(findings, _questions(model, open_))


def _questions(model: SystemModel, verdicts: list[Verdict]) -> tuple[Question, ...]:
    by_key: dict[str, dict[str, tuple[int, set[str]]]] = {}
    for verdict in verdicts:
        for unknown in verdict.outcome.unknown:
            per_element = by_key.setdefault(unknown.question, {})
            if unknown.element not in per_element:
                per_element[unknown.element] = (model.source.value(unknown.path[:2]).line, set())
            per_element[unknown.element][1].add(f"{verdict.threat.id}@{verdict.target.id}")
    questions = []
    for key in QUESTIONS:
        elements = by_key.get(key)
        if not elements:
            continue
        ordered = sorted(elements.items(), key=lambda item: (item[1][0], item[0]))
        questions.append(Question(key, tuple((e, line) for e, (line, _d) in ordered),
                                  tuple(sorted(set().union(*(d for _l, d in elements.values()))))))
    return tuple(questions)


def _assumed(unknowns: tuple[Unknown, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f"{u.kind} `{u.element}`: {u.question} not stated"
                               for u in unknowns))


def _finding(model: SystemModel, catalog: Catalog, cache: FactCache,
             group: list[Verdict], worst_case: bool = False) -> Finding:
    group = sorted(group, key=lambda v: v.target.id)
    first = group[0]
    threat, target = first.threat, first.target
    lookup = cache.for_target(threat.target, target)
    severity, likelihood, impact, rating = rate(threat, lookup, catalog, worst_case,
                                                model.system.priorities)
    evidence = list(first.outcome.evidence)
    for other in group[1:]:
        evidence.extend(e for e in other.outcome.evidence if e not in evidence)
    also = tuple(v.target.id for v in group[1:])
    return Finding(
        id=f"{threat.id}@{target.id}",
        threat=threat,
        target=target.id,
        target_kind=threat.target,
        target_name=_name(target),
        line=model.source.value(element_path(target)).line,
        severity=severity,
        likelihood=likelihood,
        impact=impact,
        rating=rating,
        reasons=_reasons(model, tuple(evidence)),
        also=also,
        assumed=_assumed(tuple(u for v in group for u in v.outcome.unknown)),
    )


def _name(target: Target) -> str:
    if isinstance(target, Flow):
        return target.name or f"{target.source} → {target.target}"
    if isinstance(target, Component | Boundary):
        return target.name
    return target.id


@dataclass(frozen=True)
class Consideration:
    """For "why not": a threat considered for an element, and why it did or did not apply."""

    threat: Threat
    applies: bool | None
    """None: facts the model does not state decide it (a question for the review)."""
    reasons: tuple[Reason, ...]


def explain(model: SystemModel, catalog: Catalog, element_id: str,
            threat_id: str | None = None) -> list[Consideration]:
    """Every catalog threat of the element's kind, whether it applies to it, and why."""
    index = ModelIndex(model)
    cache = FactCache(index)
    target: Target | None = index.components.get(element_id)
    if target is None:
        target = next((f for f in model.flows if f.id == element_id), None)
    if target is None:
        target = index.boundaries.get(element_id)
    if target is None:
        return []
    kind = "component" if isinstance(target, Component) else \
        "flow" if isinstance(target, Flow) else "boundary"
    found = []
    for threat in sorted(catalog.threats.values(), key=lambda t: t.id):
        if threat.target != kind or (threat_id is not None and threat.id != threat_id):
            continue
        outcome = evaluate(threat.when, cache.for_target(kind, target))
        found.append(Consideration(threat, outcome.holds, _reasons(model, outcome.evidence)))
    return found
