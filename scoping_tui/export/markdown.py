"""Markdown analysis for pull requests and docs sites."""

from __future__ import annotations

import re

from scoping_tui.engine.assessment import Assessment
from scoping_tui.engine.catalog import PHASES
from scoping_tui.engine.threats import SEVERITIES
from scoping_tui.export.mermaid import render_mermaid
from scoping_tui.export.view import DiagramView

# C0/C1 controls (line breaks and tabs are whitespace, folded before): shown as U+FFFD, as in
# the HTML report, so a report printed to a terminal cannot carry its escape sequences.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
# What opens a block when it starts a line: a list item, a thematic break or setext underline.
_BLOCK_START = re.compile(r"[-+=]|\d{1,9}(?=[.)])")
# Explicit embeddings, overrides and isolates: text after an unclosed U+202E shows reversed.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _one_line(text: object) -> str:
    return " ".join(_CONTROLS.sub("\ufffd", str(text)).split())


def md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no row breaks, no column breaks, no markup.

    Also safe where a paragraph or list item starts: ``~~~`` cannot open a code fence that
    swallows the rest of the report, nor ``-``, ``+`` or ``1.`` a list; and ``&amp;`` stays
    those five characters instead of becoming an entity.
    """
    out = _one_line(text)
    for char in "\\`*_[]<>|#~&":
        out = out.replace(char, "\\" + char)
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
    clean = _one_line(text)
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
        out += [f"- {md_cell(r.text)}" for r in scope.reasons]
        out.append("")
    out += ["## Data-flow diagram", "", "```mermaid",
            render_mermaid(model, assessment, DiagramView()).rstrip("\n"), "```", ""]
    out += ["## Findings", "",
            "| Severity | Threat | Target | Status | Why |",
            "|---|---|---|---|---|"]
    for status in assessment.findings:
        finding = status.finding
        also = f" (+{len(finding.also)} flows)" if finding.also else ""
        out.append(
            f"| {finding.severity} | {md_cell(finding.threat.id)}: "
            f"{md_cell(finding.threat.title)} | {md_cell(finding.target)}{also} "
            f"(line {finding.line}) | {status.status} | "
            f"{'; '.join(md_cell(r) for r in finding.rationale)} |")
    out.append("")
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
