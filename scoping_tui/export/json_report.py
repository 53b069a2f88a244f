"""The assessment as versioned JSON (shape: schemas/assessment.schema.json)."""

from __future__ import annotations

import json
from typing import Any

from scoping_tui import __version__
from scoping_tui.engine.assessment import Assessment
from scoping_tui.engine.controls import FindingStatus, Requirement
from scoping_tui.engine.scope import Scope
from scoping_tui.engine.threats import Question

FORMAT_VERSION = 1


def _scope(scope: Scope) -> dict[str, Any]:
    return {
        "value": scope.value,
        "name": scope.name,
        "declared": scope.declared,
        "reasons": [r.text for r in scope.reasons],
    }


def _finding(status: FindingStatus) -> dict[str, Any]:
    finding = status.finding
    acceptance = status.acceptance or status.expired_acceptance
    return {
        "id": finding.id,
        "threat": finding.threat.id,
        "title": finding.threat.title,
        "rationale": finding.threat.rationale,
        "false_positives": finding.threat.false_positives,
        "target": finding.target,
        "target_kind": finding.target_kind,
        "target_name": finding.target_name,
        "also": list(finding.also),
        "line": finding.line,
        "severity": finding.severity,
        "likelihood": finding.likelihood,
        "impact": finding.impact,
        "status": status.status,
        "stride": list(finding.threat.stride),
        "rating": list(finding.rating),
        "reasons": [{"text": r.text, "line": r.line} for r in finding.reasons],
        "references": {k: list(v) for k, v in finding.threat.references.items()},
        "controls": {"in_place": list(status.implemented), "missing": list(status.missing)},
        "assumed": list(finding.assumed),
        "acceptance": None if acceptance is None else {
            "owner": acceptance.owner,
            "reason": acceptance.reason,
            "expires": acceptance.expires,
            "expired": status.expired_acceptance is not None,
        },
    }


def _requirement(req: Requirement) -> dict[str, Any]:
    control = req.control
    return {
        "id": control.id,
        "title": control.title,
        "phase": control.phase,
        "layer": control.layer,
        "dimension": control.dimension,
        "discipline": control.discipline,
        "status": req.status,
        "targets": list(req.targets),
        "missing_on": list(req.missing_on),
        "findings": list(req.findings),
    }


def question_dict(question: Question) -> dict[str, Any]:
    """A review question as JSON: the fact, its text, the field that answers it, the elements."""
    return {"fact": question.key, "text": question.text, "answer": question.answer,
            "elements": [{"id": e, "line": n} for e, n in question.elements]}


def assessment_dict(assessment: Assessment) -> dict[str, Any]:
    model = assessment.model
    return {
        "format": "scoping-tui-assessment",
        "version": FORMAT_VERSION,
        "tool": {"name": "scoping-tui", "version": __version__},
        "model": {
            "file": model.file,
            "name": model.system.name,
            "declared_phase": model.system.phase if model.system.phase_declared else None,
        },
        "phase": assessment.phase,
        "as_of": assessment.as_of.isoformat(),
        "scope": {"generative": _scope(assessment.generative),
                  "agentic": _scope(assessment.agentic)},
        "unknowns": assessment.unknowns,
        "summary": {
            "unresolved": assessment.counts(unresolved_only=True),
            "total": assessment.counts(unresolved_only=False),
            "by_status": {
                status: sum(1 for f in assessment.findings if f.status == status)
                for status in ("open", "partially-mitigated", "mitigated", "accepted")
            },
            "readiness": {
                r.phase: {"required": r.required, "in_place": r.done, "percent": r.percent}
                for r in assessment.readiness
            },
            "questions": assessment.open_questions,
            "assumed": assessment.assumed_findings,
        },
        "findings": [_finding(f) for f in assessment.findings],
        "questions": [{**question_dict(q), "decides": list(q.decides)}
                      for q in assessment.questions],
        "controls": [_requirement(r) for r in assessment.requirements],
        "recommendations": [
            {"control": rec.requirement.control.id, "phase": rec.requirement.control.phase,
             "weight": rec.weight, "closes": list(rec.closes)}
            for rec in assessment.recommendations
        ],
    }


def render_json(assessment: Assessment) -> str:
    return json.dumps(assessment_dict(assessment), indent=2, ensure_ascii=False) + "\n"
