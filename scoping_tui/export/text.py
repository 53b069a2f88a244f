"""Terminal summary of an assessment: scope and why, findings per element with their reasons,
missing controls."""

from __future__ import annotations

from scoping_tui.engine.assessment import Assessment
from scoping_tui.engine.controls import Requirement
from scoping_tui.engine.threats import SEVERITIES
from scoping_tui.export.grouping import (
    ElementGroup,
    Entry,
    FlowRef,
    entry_count,
    finding_count,
    group_findings,
)
from scoping_tui.export.words import grouped_heading, plural, questions_heading, tally

WIDTH = 100
DETAIL = " " * 11
"""Where an entry's lines start, under its id (after the severity column)."""


def _wrap(text: str, indent: str, hang: str | None = None) -> list[str]:
    """Greedy word wrap (textwrap is several times slower on thousands of findings); lines
    after the first start with ``hang`` (``indent`` and two spaces unless given)."""
    hang = indent + "  " if hang is None else hang
    lines: list[str] = []
    current = indent
    for word in text.split():
        if current.strip() and len(current) + 1 + len(word) > WIDTH:
            lines.append(current)
            current = hang + word
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


def findings_text(groups: tuple[ElementGroup, ...], verbose: bool = True) -> list[str]:
    """The findings per element: a heading line per element, then its entries. ``verbose``
    adds each entry's reasons, rating and missing controls, and what differs per flow of a
    folded entry; without it the entries are two or three lines each."""
    if not groups:
        return []
    lines = [grouped_heading(finding_count(groups), len(groups), entry_count(groups))]
    for group in groups:
        lines += ["", *_wrap(group_heading(group), "")]
        for entry in group.entries:
            lines += _entry_text(group, entry, verbose)
    return lines


def group_heading(group: ElementGroup) -> str:
    """``triage-agent (agent, line 74) — 11 findings: 6 high, 5 medium``; resolved ones are
    counted after a semicolon (``; 1 mitigated``)."""
    if group.kind == "system":
        where = f"the system as a whole (line {group.line})"
    elif group.kind == "boundary":
        where = f"{group.id} ({group.type} boundary, line {group.line})"
    else:
        where = f"{group.id} ({group.type}, line {group.line})"
    resolved = group.resolved_counts()
    return (f"{where} — {plural(len(group.findings), 'finding')}: "
            f"{tally(group.severity_counts().items())}"
            + (f"; {tally(resolved)}" if resolved else ""))


def _flow_names(flows: tuple[FlowRef, ...], shown: int = 3) -> str:
    names = ", ".join(f"`{flow.id}`" for flow in flows[:shown])
    return names + (", …" if len(flows) > shown else "")


def _entry_text(group: ElementGroup, entry: Entry, verbose: bool) -> list[str]:
    worst = entry.worst
    finding = worst.finding
    several = len(entry.flows) > 1
    if several:
        head = f"{finding.threat.id} on {len(entry.flows)} flows: {_flow_names(entry.flows)}"
    else:
        head = finding.id
    state = tally(entry.status_counts()) if entry.folded else worst.status
    lines = _wrap(f"{head}  [{state}]", DETAIL, DETAIL)
    lines[0] = f"  {finding.severity.upper():8} {lines[0][len(DETAIL):]}"
    if len(lines) == 1:  # the wrap closes up the gap before the status
        lines[0] = f"  {finding.severity.upper():8} {head}  [{state}]"
    title = finding.threat.title
    if group.kind == "system":
        title += f": {finding.target_kind} `{finding.target}` (line {finding.line})"
    elif not several and finding.target_kind == "flow":
        title += f": flow `{finding.target}` (line {finding.line})"
    lines.extend(_wrap(title, DETAIL))
    if finding.assumed:
        lines.extend(_wrap("assumed (worst-case reading): " + "; ".join(finding.assumed),
                           DETAIL))
    if verbose:
        on = f" (on `{finding.target}`)" if several else ""
        lines.extend(_wrap(f"why{on}: " + "; ".join(finding.rationale), DETAIL))
        lines.extend(_wrap("rating: " + "; ".join(finding.rating), DETAIL))
        if worst.missing:
            lines.extend(_wrap("missing controls: " + ", ".join(worst.missing), DETAIL))
        if worst.expired_acceptance is not None:
            lines.extend(_wrap(f"acceptance by {worst.expired_acceptance.owner} expired on "
                               f"{worst.expired_acceptance.expires}", DETAIL))
    if several:
        lines += _flows_verbose(entry) if verbose else _wrap(
            "flows: " + ", ".join(_flow_short(entry, flow) for flow in entry.flows), DETAIL)
    return lines


def _flow_short(entry: Entry, flow: FlowRef) -> str:
    """A flow of a folded entry, ``(line 260)`` after its id, with what differs from the
    entry's worst finding."""
    finding = flow.status.finding
    notes = [f"line {flow.line}", *entry.differences(flow)]
    if not flow.primary:
        notes.append(f"one finding with `{finding.target}`")
    elif finding.assumed and flow.status is not entry.worst:
        notes.append("assumed")
    return f"`{flow.id}` ({', '.join(notes)})"


def _flows_verbose(entry: Entry) -> list[str]:
    """One line per flow: its severity and status, and what its finding says that the entry's
    worst finding, shown above, does not."""
    worst = entry.worst
    shown = {reason.text for reason in worst.finding.reasons}
    lines = [DETAIL + "flows:"]
    for flow in entry.flows:
        status = flow.status
        finding = status.finding
        if not flow.primary:
            text = f"`{flow.id}` (line {flow.line}): one finding with `{finding.target}`"
            lines.extend(_wrap(text, DETAIL + "  ", DETAIL + "    "))
            continue
        parts = [f"{finding.severity}, {status.status}"]
        if status is not worst:
            differing = [str(r) for r in finding.reasons if r.text not in shown]
            if differing:
                parts.append("; ".join(differing))
            if finding.rating != worst.finding.rating:
                parts.append("rating: " + "; ".join(finding.rating))
            if status.missing != worst.missing:
                parts.append("missing controls: " + (", ".join(status.missing) or "none"))
            if finding.assumed:
                parts.append("assumed (worst-case reading): " + "; ".join(finding.assumed))
            if status.expired_acceptance is not None:
                parts.append(f"acceptance by {status.expired_acceptance.owner} expired on "
                             f"{status.expired_acceptance.expires}")
        text = f"`{flow.id}` (line {flow.line}): " + "; ".join(parts)
        lines.extend(_wrap(text, DETAIL + "  ", DETAIL + "    "))
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
    lines += findings_text(group_findings(assessment), verbose)
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
