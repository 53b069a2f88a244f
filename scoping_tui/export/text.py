"""Terminal summary of an assessment: scope and why, findings and reasons, missing controls."""

from __future__ import annotations

from scoping_tui.engine.assessment import Assessment
from scoping_tui.engine.controls import Requirement
from scoping_tui.engine.threats import SEVERITIES
from scoping_tui.export.words import questions_heading

WIDTH = 100


def _wrap(text: str, indent: str) -> list[str]:
    """Greedy word wrap (textwrap is several times slower on thousands of findings)."""
    lines: list[str] = []
    current = indent
    for word in text.split():
        if current.strip() and len(current) + 1 + len(word) > WIDTH:
            lines.append(current)
            current = indent + "  " + word
        else:
            current = current + (" " if current.strip() else "") + word
    lines.append(current)
    return lines


def _counts(assessment: Assessment) -> str:
    counts = assessment.counts()
    return ", ".join(f"{counts[s]} {s}" for s in SEVERITIES)


def _targets(req: Requirement) -> str:
    if req.targets == ("*",):
        return "whole system"
    shown = req.missing_on or req.targets
    more = f" (+{len(shown) - 4} more)" if len(shown) > 4 else ""
    return ", ".join(shown[:4]) + more


def questions_text(assessment: Assessment) -> list[str]:
    if not assessment.questions:
        return []
    lines = ["", f"Questions for the review: {questions_heading(assessment)}"]
    for question in assessment.questions:
        lines.extend(_wrap(question.text, "  "))
        lines.extend(_wrap(f"answer with {question.answer}", "      "))
    return lines


def render_text(assessment: Assessment, verbose: bool = True) -> str:
    model = assessment.model
    lines = [f"{model.system.name}  ({model.file})",
             f"phase: {assessment.phase}   as of {assessment.as_of.isoformat()}", ""]
    for label, scope in (("Generative AI scope", assessment.generative),
                         ("Agentic AI scope", assessment.agentic)):
        declared = ""
        if scope.declared is not None and scope.declared != scope.value:
            declared = f"  (model declares {scope.declared})"
        lines.append(f"{label}: {scope.value} {scope.name}{declared}")
        for reason in scope.reasons:
            lines.extend(_wrap(f"because {reason.text}", "  "))
    statuses = assessment.findings
    by_status = {s: sum(1 for f in statuses if f.status == s)
                 for s in ("open", "partially-mitigated", "mitigated", "accepted")}
    lines += ["", f"Findings: {len(statuses)} ({_counts(assessment)} unresolved; "
              f"{by_status['mitigated']} mitigated, {by_status['accepted']} accepted)"]
    for status in statuses:
        finding = status.finding
        also = f" (+{len(finding.also)} more flows)" if finding.also else ""
        lines.append(f"  {finding.severity.upper():8} {finding.id}{also}  [{status.status}]")
        lines.extend(_wrap(f"{finding.threat.title}: {finding.target_kind} "
                           f"`{finding.target}` (line {finding.line})", "           "))
        if finding.assumed:
            lines.extend(_wrap("assumed (worst-case reading): " + "; ".join(finding.assumed),
                               "           "))
        if verbose:
            lines.extend(_wrap("why: " + "; ".join(finding.rationale), "           "))
            lines.extend(_wrap("rating: " + "; ".join(finding.rating), "           "))
            if status.missing:
                lines.extend(_wrap("missing controls: " + ", ".join(status.missing),
                                   "           "))
            if status.expired_acceptance is not None:
                lines.extend(_wrap(f"acceptance by {status.expired_acceptance.owner} expired on "
                                   f"{status.expired_acceptance.expires}", "           "))
    lines += questions_text(assessment)
    for phase in (assessment.phase, assessment.next_phase):
        if phase is None:
            continue
        ready = assessment.readiness_for(phase)
        heading = "this phase" if phase == assessment.phase else "next phase"
        lines += ["", f"Controls for {phase} ({heading}): {ready.done} of {ready.required} in "
                  f"place ({ready.percent}%)"]
        # The next phase lists only what it adds; this phase's gaps are listed just above.
        shown = ready.blockers if phase == assessment.phase else \
            tuple(r for r in ready.blockers if r.control.phase == phase)
        for req in shown:
            lines.extend(_wrap(f"{req.status:8} {req.control.id} ({req.control.phase}): "
                               f"{req.control.title} — on {_targets(req)}", "  "))
    top = [r for r in assessment.recommendations if r.weight > 0][:5]
    if top:
        lines += ["", "Do these first (most open risk closed):"]
        for rec in top:
            lines.extend(_wrap(f"{rec.requirement.control.id} ({rec.requirement.control.phase}) "
                               f"— addresses {len(rec.closes)} unresolved finding(s), weight "
                               f"{rec.weight}", "  "))
    return "\n".join(lines) + "\n"
