"""Markdown analysis for pull requests and docs sites."""

from __future__ import annotations

import re

from scoping_tui.engine.assessment import Assessment
from scoping_tui.engine.catalog import PHASES
from scoping_tui.engine.threats import SEVERITIES
from scoping_tui.export.grouping import (
    ElementGroup,
    Entry,
    FlowRef,
    entry_count,
    finding_count,
    group_findings,
)
from scoping_tui.export.mermaid import render_mermaid
from scoping_tui.export.view import DiagramView
from scoping_tui.export.words import grouped_heading, plural, questions_heading, tally

# C0/C1 controls (line breaks and tabs are whitespace, folded before): shown as U+FFFD, as in
# the HTML report, so a report printed to a terminal cannot carry its escape sequences.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
# What opens a block when it starts a line: a list item, a thematic break or setext underline.
_BLOCK_START = re.compile(r"[-+=]|\d{1,9}(?=[.)])")
# Explicit embeddings, overrides and isolates: text after an unclosed U+202E shows reversed.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# What the engine quotes as code in its reasons: ids, never spanning a backtick.
_CODE = re.compile(r"`([^`]+)`")


def _one_line(text: object) -> str:
    return " ".join(_CONTROLS.sub("\ufffd", str(text)).split())


def md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no row breaks, no column breaks, no markup.

    Also safe where a paragraph or list item starts: ``~~~`` cannot open a code fence that
    swallows the rest of the report, nor ``-``, ``+`` or ``1.`` a list; and ``&amp;`` stays
    those five characters instead of becoming an entity.
    """
    return _finish(_escaped(_one_line(text)))


def md_reason(text: str, *, in_table: bool = False) -> str:
    """An engine's reason, which quotes ids in backticks (agent `ops-agent`), as Markdown:
    each quoted id becomes a real code span, the rest is escaped as ``md_cell`` escapes it.

    Escaped as a whole, the backticks came out as ``\\```, which renderers show as a stray
    backtick on each side of a plain word. Inside a table a code span's ``|`` is written ``\\|``
    (GFM splits the cells before it reads code spans); anywhere else it stays as it is.
    """
    clean = _one_line(text)
    parts: list[str] = []
    last = 0
    for found in _CODE.finditer(clean):
        parts += [_escaped(clean[last:found.start()]),
                  _code_span(found.group(1), in_table=in_table)]
        last = found.end()
    parts.append(_escaped(clean[last:]))
    return _finish("".join(parts))


def _escaped(text: str) -> str:
    for char in "\\`*_[]<>|#~&":
        text = text.replace(char, "\\" + char)
    return text


def _finish(out: str) -> str:
    """Escape what would open a block at the start of a line, and isolate bidi controls."""
    found = _BLOCK_START.match(out)
    if found:
        end = found.end()
        out = out[:end] + "\\" + out[end:] if out[0].isdigit() else "\\" + out
    return _isolated(out) if _BIDI.search(out) else out


def _isolated(text: str) -> str:
    """``text`` between FSI and PDI, as HTML's ``<bdi>``: bidi controls in it stay (they are
    part of the text) but cannot reorder anything after it, such as the rest of a table row.

    A PDI with no isolate to close in ``text`` would close ours early, so it goes; isolates
    ``text`` leaves open are closed before ours.
    """
    depth = 0
    out: list[str] = []
    for char in text:
        if char in "\u2066\u2067\u2068":
            depth += 1
        elif char == "\u2069":
            if depth == 0:
                continue
            depth -= 1
        out.append(char)
    return "\u2068" + "".join(out) + "\u2069" * (depth + 1)


def md_code(text: str) -> str:
    """Inline code that no backtick in ``text`` can close early."""
    return _code_span(_one_line(text), in_table=False)


def _code_span(clean: str, *, in_table: bool) -> str:
    if in_table:
        clean = clean.replace("|", "\\|")
    longest = 0
    run = 0
    for char in clean:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if clean.startswith("`") or clean.endswith("`") else ""
    return f"{fence}{pad}{clean}{pad}{fence}"


def render_markdown(assessment: Assessment) -> str:
    model = assessment.model
    counts = assessment.counts()
    out = [f"# Threat model: {md_cell(model.system.name)}", ""]
    if model.system.description:
        out += [md_cell(model.system.description), ""]
    out += [
        f"- Model file: {md_code(model.file)}",
        f"- Phase analysed: **{assessment.phase}** (as of {assessment.as_of.isoformat()})",
        f"- Generative AI scope: **{assessment.generative.value} "
        f"{assessment.generative.name}**",
        f"- Agentic AI scope: **{assessment.agentic.value} {assessment.agentic.name}**",
        "- Unresolved findings: " + ", ".join(f"{counts[s]} {s}" for s in SEVERITIES),
        "",
        "## Scope and why",
        "",
    ]
    for label, scope in (("Generative", assessment.generative),
                         ("Agentic", assessment.agentic)):
        declared = "" if scope.declared in (None, scope.value) else \
            f" — the model declares {scope.declared}"
        out.append(f"**{label} scope {scope.value} ({scope.name})**{declared}")
        out.append("")
        out += [f"- {md_reason(r.text)}" for r in scope.reasons]
        out.append("")
    out += ["## Data-flow diagram", "", "```mermaid",
            render_mermaid(model, assessment, DiagramView()).rstrip("\n"), "```", ""]
    out += ["## Findings", ""]
    out += _findings(assessment)
    out += _questions(assessment)
    out += _threats_explained(assessment)
    out += ["## Controls by phase", ""]
    for phase in PHASES:
        ready = assessment.readiness_for(phase)
        out += [f"### {phase.capitalize()} — {ready.done} of {ready.required} in place "
                f"({ready.percent}%)", ""]
        for req in assessment.required(phase):
            if req.control.phase != phase:
                continue
            tick = "x" if req.done else " "
            where = "whole system" if req.targets == ("*",) else ", ".join(req.targets)
            out.append(f"- [{tick}] **{md_cell(req.control.id)}** {md_cell(req.control.title)}"
                       f" — {req.status}, on {md_cell(where)}")
        out.append("")
    accepted = [s for s in assessment.findings
                if s.acceptance is not None or s.expired_acceptance is not None]
    if accepted:
        out += ["## Accepted risks", "", "| Finding | Owner | Reason | Expires | State |",
                "|---|---|---|---|---|"]
        for status in accepted:
            risk = status.acceptance or status.expired_acceptance
            assert risk is not None
            state = "expired" if status.expired_acceptance else "active"
            out.append(f"| {md_cell(status.finding.id)} | {md_cell(risk.owner)} | "
                       f"{md_cell(risk.reason)} | {risk.expires} | {state} |")
        out.append("")
    frameworks: dict[str, set[str]] = {}
    for status in assessment.findings:
        for framework, ids in status.finding.threat.references.items():
            frameworks.setdefault(framework, set()).update(ids)
    if frameworks:
        out += ["## Frameworks referenced", ""]
        for framework in sorted(frameworks):
            out.append(f"- **{framework}**: {', '.join(sorted(frameworks[framework]))}")
        out.append("")
    return "\n".join(out)


def _findings(assessment: Assessment) -> list[str]:
    """A heading and a table per element; one threat on several of its flows is one row."""
    groups = group_findings(assessment)
    if not groups:
        return ["No findings.", ""]
    out = [grouped_heading(finding_count(groups), len(groups), entry_count(groups)) + ".", ""]
    for group in groups:
        out += [f"### {_group_heading(group)}", "",
                "| Severity | Threat | Target | Status | Why |", "|---|---|---|---|---|"]
        out += [_entry_row(entry) for entry in group.entries]
        out.append("")
    return out


def _group_heading(group: ElementGroup) -> str:
    if group.kind == "system":
        where = f"The system as a whole (line {group.line})"
    else:
        kind = f"{group.type} boundary" if group.kind == "boundary" else group.type
        where = f"{md_cell(group.name)} ({md_code(group.id)}, {md_cell(kind)}, line {group.line})"
    resolved = group.resolved_counts()
    return (f"{where} — {plural(len(group.findings), 'finding')}: "
            f"{tally(group.severity_counts().items())}"
            + (f"; {tally(resolved)}" if resolved else ""))


def _entry_row(entry: Entry) -> str:
    worst = entry.worst
    finding = worst.finding
    why = "; ".join(md_reason(r, in_table=True) for r in finding.rationale)
    if len(entry.flows) > 1:
        target = f"{len(entry.flows)} flows: " + ", ".join(
            _flow_cell(entry, flow) for flow in entry.flows)
        why = f"on {_code_span(_one_line(finding.target), in_table=True)}: {why}"
    else:
        target = f"{md_cell(finding.target)} (line {finding.line})"
    status = tally(entry.status_counts()) if entry.folded else worst.status
    return (f"| {finding.severity} | {md_cell(finding.threat.id)}: "
            f"{md_cell(finding.threat.title)} | {target} | {status} | {why} |")


def _flow_cell(entry: Entry, flow: FlowRef) -> str:
    """A flow of a folded row: its id and line, and its severity and status where they differ
    from the row's."""
    finding = flow.status.finding
    notes = [f"line {flow.line}", *entry.differences(flow)]
    if not flow.primary:
        notes.append(f"one finding with {_code_span(_one_line(finding.target), in_table=True)}")
    return f"{_code_span(_one_line(flow.id), in_table=True)} ({', '.join(notes)})"


def _questions(assessment: Assessment) -> list[str]:
    if not assessment.questions:
        return []
    out = ["## Questions for the review", "", md_reason(questions_heading(assessment)) + ".", ""]
    for question in assessment.questions:
        out.append(f"- {md_reason(question.text)} (answer with {md_code(question.answer)})")
    return [*out, ""]


def _threats_explained(assessment: Assessment) -> list[str]:
    """Why each rule that fired applies, and when its finding would be wrong."""
    threats = [t for t in assessment.threats_found() if t.rationale or t.false_positives]
    if not threats:
        return []
    out = ["## Why these threats apply", ""]
    for threat in threats:
        out.append(f"**{md_cell(threat.id)}: {md_cell(threat.title)}**")
        out.append("")
        if threat.rationale:
            out.append(f"- Why it applies: {md_reason(threat.rationale)}")
        if threat.false_positives:
            out.append(f"- A false positive when: {md_reason(threat.false_positives)}")
        out.append("")
    return out
