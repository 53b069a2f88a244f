"""A change to a threat model as a terminal report, a pull-request comment, or versioned JSON.

JSON shape: schemas/diff.schema.json. Every list is sorted, so the same two versions always give
byte-identical output.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from scoping_tui import __version__
from scoping_tui.engine.controls import FindingStatus, Readiness
from scoping_tui.engine.diff import (
    SECTIONS,
    ControlChange,
    DiffReport,
    ElementChange,
    FieldChange,
    FieldValue,
    FindingChange,
    display_value,
    json_value,
)
from scoping_tui.engine.threats import SEVERITIES
from scoping_tui.export.markdown import md_cell, md_code
from scoping_tui.export.words import plural

FORMAT_VERSION = 1
LONGEST_VALUE = 240
"""Longer field values (descriptions, reasons) are cut in the text and Markdown reports."""
FOLD_OVER = 10
"""Markdown lists and tables longer than this go inside <details>."""
SECTION_TITLES = {"boundaries": "Boundaries", "components": "Components", "flows": "Flows",
                  "controls": "Controls", "accepted_risks": "Accepted risks"}


def _by_severity(changes: Sequence[FindingChange]) -> str:
    counts = {s: 0 for s in SEVERITIES}
    for change in changes:
        counts[change.current.finding.severity] += 1
    return ", ".join(f"{n} {s}" for s, n in counts.items() if n)


def _ratio(ready: Readiness) -> str:
    return f"{ready.done}/{ready.required}"


def _weakened(report: DiffReport, show: Callable[[str], str] = str) -> str:
    """The safeguards weakened, for one line (the first three, then how many more)."""
    items = [show(w.describe(display_value)) for w in report.weakened[:3]]
    more = len(report.weakened) - len(items)
    return "; ".join(items) + (f"; and {more} more" if more else "")


def _resolved_and_gone(changes: Sequence[FindingChange],
                       ) -> tuple[list[FindingChange], list[FindingChange]]:
    """Findings now mitigated or accepted, and findings whose rule no longer fires: the
    second is not a fix when the change removed what the rule was about."""
    return ([c for c in changes if c.new is not None], [c for c in changes if c.new is None])


def verdict(report: DiffReport) -> str:
    """One paragraph: what the change does. It holds no free text from the models, only ids,
    field names and schema values."""
    if report.empty:
        return "No change: both versions describe the same system and the same threats."
    diff = report.assessment
    text = ""
    if report.weakened:
        text = (f"This change weakens {plural(len(report.weakened), 'safeguard')}: "
                f"{_weakened(report)}. It introduces ")
    else:
        text = "This change introduces "
    introduced = len(diff.introduced)
    text += (f"{plural(introduced, 'unresolved finding')} ({_by_severity(diff.introduced)})"
             if introduced else "no unresolved finding")
    resolved, went = _resolved_and_gone(diff.resolved)
    gone = len(went)
    text += f" and resolves {len(resolved) or 'none'}"
    if gone:
        text += f"; {plural(gone, 'finding')} no longer appl{'ies' if gone == 1 else 'y'}"
    if report.escalated:
        text += (f"; it raises {plural(len(report.escalated), 'unresolved finding')} to "
                 f"{report.fail_on} or above")
    for scope in diff.scope:
        text += f"; {scope.dimension} scope {scope.old.value} → {scope.new.value}"
    ready = next(r for r in diff.readiness if r.phase == diff.phase)
    text += f"; {diff.phase} readiness {_ratio(ready.old)}"
    text += f" → {_ratio(ready.new)}" if ready.changed else " (unchanged)"
    return text + "."


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LONGEST_VALUE else text[:LONGEST_VALUE - 1] + "…"


def _where(targets: Sequence[str], show: Callable[[str], str]) -> str:
    return "the whole system" if tuple(targets) == ("*",) else ", ".join(
        show(t) for t in targets)


def _status_move(change: FindingChange) -> str:
    before = change.old.status if change.old is not None else None
    after = change.new.status if change.new is not None else "no longer applies"
    return after if before in (None, after) else f"{before} → {after}"


def _severity_move(change: FindingChange) -> str:
    before = change.old.finding.severity if change.old is not None else None
    after = change.current.finding.severity
    return after if before in (None, after) else f"{before} → {after}"


def _control_note(change: ControlChange, show: Callable[[str], str], better: bool) -> str:
    """``better``: the change is in the "now in place" list, not the "now missing" one."""
    if change.new is None:
        return "no longer required"
    where = _where(change.where, show)
    if change.new.done:
        return f"now {change.new.status} on {where}"
    if better:
        return f"now in place on {where} (still {change.new.status} elsewhere)"
    return f"{change.new.status} on {where}"


# --- text --------------------------------------------------------------------------------------

def _flat(text: str) -> str:
    return " ".join(text.split())


def _text_value(value: FieldValue) -> str:
    return _short(display_value(value))


def _text_field(change: FieldChange) -> str:
    return f"{change.path}: {_text_value(change.old)} → {_text_value(change.new)}"


_MARKS = {"added": "+", "removed": "-", "renamed": ">", "changed": "~"}


def _text_element(change: ElementChange) -> list[str]:
    label = change.id if change.change != "renamed" else f"{change.old_id} → {change.id}"
    about = " ".join(p for p in (_flat(change.name), f"({_flat(change.detail)})") if p)
    out = [f"    {_MARKS[change.change]} {change.change} {label}  {about}"]
    out += [f"        {_flat(_text_field(f))}" for f in change.fields]
    return out


def _text_finding(change: FindingChange, moves: bool) -> list[str]:
    status = change.current
    finding = status.finding
    state = _status_move(change) if moves else status.status
    out = [f"  {_severity_move(change):9} {finding.id}  [{state}]  {_flat(finding.threat.title)}",
           f"      on {finding.target_kind} {_flat(finding.target_name)} ({finding.target}), "
           f"line {finding.line}"]
    if change.new is not None and change.new.unresolved and finding.reasons:
        out.append("      because " + _short("; ".join(str(r) for r in finding.reasons)))
    return out


def render_diff_text(report: DiffReport) -> str:
    """Plain text for a terminal; callers escape control characters and may add colour."""
    diff = report.assessment
    out = [f"{_flat(report.old_file)} → {_flat(report.new_file)}  (phase {diff.phase}, as of "
           f"{report.as_of.isoformat()})", verdict(report)]
    if report.empty:
        return "\n".join(out) + "\n"
    if report.weakened:
        out += ["", f"Safeguards weakened ({len(report.weakened)})"]
        for weak in report.weakened:
            out.append(f"  {weak.id}  {weak.path} ({weak.label}): {_text_value(weak.old)} → "
                       f"{_text_value(weak.new)}")
    if diff.scope:
        out += ["", "Scope"]
        for scope in diff.scope:
            out.append(f"  {scope.dimension}: {scope.old.value} {scope.old.name} → "
                       f"{scope.new.value} {scope.new.name}")
            out += [f"      because {_flat(r.text)}" for r in scope.new.reasons]
    resolved, gone = _resolved_and_gone(diff.resolved)
    for title, changes, moves in (("Findings introduced", diff.introduced, True),
                                  ("Findings resolved", resolved, True),
                                  ("Findings that no longer apply", gone, True),
                                  ("Findings changed", diff.changed, True)):
        if changes:
            out += ["", f"{title} ({len(changes)})"]
            for change in changes:
                out += _text_finding(change, moves)
    for title, controls, better in (
            (f"Controls now missing for {diff.phase}", diff.now_missing, False),
            ("Controls now in place", diff.now_done, True),
            ("Controls no longer required", diff.no_longer_required, True)):
        if controls:
            out += ["", f"{title} ({len(controls)})"]
            for control in controls:
                out.append(f"  {control.control.id}  {_flat(control.control.title)} (from "
                           f"{control.control.phase}): {_control_note(control, _flat, better)}")
    if any(r.changed for r in diff.readiness):
        out += ["", "Readiness (controls in place / required, blockers)"]
        for ready in diff.readiness:
            mark = "  <- assessed" if ready.phase == diff.phase else ""
            out.append(f"  {ready.phase:11} {_ratio(ready.old):>7} ({len(ready.old.blockers)})"
                       f" → {_ratio(ready.new)} ({len(ready.new.blockers)}){mark}")
    if not report.model.empty:
        out += ["", f"Model changes ({report.model.count})"]
        if report.model.system:
            out.append("  system")
            out += [f"    ~ {_flat(_text_field(f))}" for f in report.model.system]
        for section in SECTIONS:
            elements = report.model.section(section)
            if elements:
                out.append(f"  {section}")
                for element in elements:
                    out += _text_element(element)
    if report.failing:
        out += ["", f"New at or above {report.fail_on}: "
                + ", ".join(s.finding.id for s in report.failing)]
    if report.weakened:
        out += ["", "Weakened safeguards fail the gate" if not report.allow_weakening
                else "Weakened safeguards allowed (--allow-weakening)"]
    return "\n".join(out) + "\n"


# --- Markdown ----------------------------------------------------------------------------------

def _md_value(value: FieldValue) -> str:
    return "*not set*" if value is None else md_cell(_short(display_value(value)))


def _folded(summary: str, lines: list[str], rows: int) -> list[str]:
    if rows <= FOLD_OVER:
        return [*lines, ""]
    return [f"<details><summary>{summary}</summary>", "", *lines, "", "</details>", ""]


def _md_target(status: FindingStatus) -> str:
    finding = status.finding
    also = f" (+{plural(len(finding.also), 'flow')})" if finding.also else ""
    return (f"{md_cell(finding.target_name)} ({finding.target_kind} {md_code(finding.target)}"
            f"{also}, line {finding.line})")


def _md_findings(title: str, changes: Sequence[FindingChange], why: bool) -> list[str]:
    if not changes:
        return []
    head = "| Severity | Finding | Target | Status |" + (" Why |" if why else "")
    lines = [head, "|---|---|---|---|" + ("---|" if why else "")]
    for change in changes:
        finding = change.current.finding
        row = (f"| {_severity_move(change)} | {md_code(finding.id)}: "
               f"{md_cell(finding.threat.title)} | {_md_target(change.current)} | "
               f"{_status_move(change)} |")
        if why:
            row += " " + "; ".join(md_cell(r) for r in finding.rationale) + " |"
        lines.append(row)
    return [f"### {title} ({len(changes)})", "",
            *_folded(f"{plural(len(changes), 'finding')}", lines, len(changes))]


def _md_controls(title: str, changes: Sequence[ControlChange], better: bool) -> list[str]:
    if not changes:
        return []
    lines = [f"- **{md_code(c.control.id)}** {md_cell(c.control.title)} — required from "
             f"{c.control.phase}; {_control_note(c, md_code, better)}" for c in changes]
    return [f"### {title} ({len(changes)})", "",
            *_folded(plural(len(changes), "control"), lines, len(changes))]


def _md_element(change: ElementChange) -> list[str]:
    label = md_code(change.id) if change.change != "renamed" else \
        f"{md_code(change.old_id)} → {md_code(change.id)}"
    parts = [change.change, label, md_cell(change.name),
             f"({md_cell(change.detail)})" if change.detail else ""]
    out = ["- " + " ".join(p for p in parts if p)]
    out += [f"  - {md_code(f.path)}: {_md_value(f.old)} → {_md_value(f.new)}"
            for f in change.fields]
    return out


def render_diff_markdown(report: DiffReport) -> str:
    """A pull-request comment: the verdict first, then only the sections with something in."""
    diff = report.assessment
    out = [verdict(report), ""]
    out += [f"{md_cell(report.old_file)} → {md_cell(report.new_file)} · phase **{diff.phase}**"
            f" · as of {report.as_of.isoformat()}", ""]
    if report.empty:
        return out[0] + "\n"
    if report.weakened:
        weak = [f"- {md_code(w.id)} {md_code(w.path)} ({w.label}): "
                 f"{_md_value(w.old)} → **{_md_value(w.new)}**" for w in report.weakened]
        out += [f"### Safeguards weakened ({len(report.weakened)})", "",
                *_folded(plural(len(report.weakened), "safeguard"), weak,
                         len(report.weakened))]
    if diff.scope:
        out += ["### Scope", ""]
        for scope in diff.scope:
            out.append(f"- **{scope.dimension.capitalize()}** scope {scope.old.value} "
                       f"({scope.old.name}) → **{scope.new.value} ({scope.new.name})**")
            out += [f"  - {md_cell(r.text)}" for r in scope.new.reasons]
        out.append("")
    out += _md_findings("Findings introduced", diff.introduced, why=True)
    resolved, gone = _resolved_and_gone(diff.resolved)
    out += _md_findings("Findings resolved", resolved, why=False)
    out += _md_findings("Findings that no longer apply", gone, why=False)
    out += _md_findings("Findings changed", diff.changed, why=False)
    out += _md_controls(f"Controls now missing for {diff.phase}", diff.now_missing, False)
    out += _md_controls("Controls added or now in place", diff.now_done, True)
    out += _md_controls("Controls no longer required", diff.no_longer_required, True)
    if any(r.changed for r in diff.readiness):
        out += ["### Readiness", "", "| Phase | Before | After | Blockers |", "|---|---|---|---|"]
        for ready in diff.readiness:
            name = f"**{ready.phase}**" if ready.phase == diff.phase else ready.phase
            out.append(f"| {name} | {_ratio(ready.old)} ({ready.old.percent}%) | "
                       f"{_ratio(ready.new)} ({ready.new.percent}%) | "
                       f"{len(ready.old.blockers)} → {len(ready.new.blockers)} |")
        out.append("")
    if not report.model.empty:
        lines: list[str] = []
        if report.model.system:
            lines += ["**System**", ""]
            lines += [f"- {md_code(f.path)}: {_md_value(f.old)} → {_md_value(f.new)}"
                      for f in report.model.system]
            lines.append("")
        for section in SECTIONS:
            changes = report.model.section(section)
            if changes:
                lines += [f"**{SECTION_TITLES[section]}**", ""]
                for change in changes:
                    lines += _md_element(change)
                lines.append("")
        rows = len(report.model.system) + sum(1 + len(c.fields) for c in report.model.elements)
        out += [f"### Model changes ({report.model.count})", "",
                *_folded(plural(report.model.count, "change"), lines[:-1], rows)]
    if report.failing:
        out += [f"New at or above **{report.fail_on}**: "
                + ", ".join(md_code(s.finding.id) for s in report.failing), ""]
    if report.weakened and not report.allow_weakening:
        out += ["Weakened safeguards fail the gate.", ""]
    return "\n".join(out).rstrip("\n") + "\n"


# --- JSON --------------------------------------------------------------------------------------

def _json_state(status: FindingStatus | None) -> dict[str, Any] | None:
    if status is None:
        return None
    return {"severity": status.finding.severity, "status": status.status,
            "line": status.finding.line}


def _json_finding(change: FindingChange) -> dict[str, Any]:
    finding = change.current.finding
    return {
        "id": change.id,
        "old_id": change.old_id,
        "threat": finding.threat.id,
        "title": finding.threat.title,
        "target": finding.target,
        "target_kind": finding.target_kind,
        "target_name": finding.target_name,
        "severity": finding.severity,
        "before": _json_state(change.old),
        "after": _json_state(change.new),
        "reasons": [{"text": r.text, "line": r.line} for r in finding.reasons],
    }


def _json_control(change: ControlChange) -> dict[str, Any]:
    return {
        "id": change.control.id,
        "title": change.control.title,
        "phase": change.control.phase,
        "before": None if change.old is None else change.old.status,
        "after": None if change.new is None else change.new.status,
        "where": list(change.where),
    }


def _json_ready(ready: Readiness) -> dict[str, Any]:
    return {"required": ready.required, "in_place": ready.done,
            "blockers": len(ready.blockers), "percent": ready.percent}


def _json_field(change: FieldChange) -> dict[str, Any]:
    return {"path": change.path, "old": json_value(change.old), "new": json_value(change.new)}


def diff_dict(report: DiffReport) -> dict[str, Any]:
    diff = report.assessment
    model = report.model
    return {
        "format": "scoping-tui-diff",
        "version": FORMAT_VERSION,
        "tool": {"name": "scoping-tui", "version": __version__},
        "old": {"file": report.old_file, "name": report.old.model.system.name},
        "new": {"file": report.new_file, "name": report.new.model.system.name},
        "phase": diff.phase,
        "as_of": report.as_of.isoformat(),
        "fail_on": report.fail_on,
        "allow_weakening": report.allow_weakening,
        "gate_fails": report.gate_fails,
        "verdict": verdict(report),
        "summary": {
            "changed": not report.empty,
            "introduced": {s: sum(1 for c in diff.introduced
                                  if c.current.finding.severity == s) for s in SEVERITIES},
            "resolved": len(diff.resolved),
            "changed_findings": len(diff.changed),
            "failing": len(report.failing),
            "weakened": len(report.weakened),
            "model_changes": model.count,
        },
        "failing": [s.finding.id for s in report.failing],
        "weakened": [
            {"section": w.section, "id": w.id, "path": w.path, "label": w.label,
             "old": json_value(w.old), "new": json_value(w.new)}
            for w in report.weakened],
        "scope": [
            {"dimension": s.dimension,
             "before": {"value": s.old.value, "name": s.old.name},
             "after": {"value": s.new.value, "name": s.new.name},
             "reasons": [r.text for r in s.new.reasons]}
            for s in diff.scope],
        "findings": {
            "introduced": [_json_finding(c) for c in diff.introduced],
            "resolved": [_json_finding(c) for c in diff.resolved],
            "changed": [_json_finding(c) for c in diff.changed],
        },
        "controls": {
            "now_missing": [_json_control(c) for c in diff.now_missing],
            "now_done": [_json_control(c) for c in diff.now_done],
            "no_longer_required": [_json_control(c) for c in diff.no_longer_required],
        },
        "readiness": [
            {"phase": r.phase, "before": _json_ready(r.old), "after": _json_ready(r.new)}
            for r in diff.readiness],
        "model": {
            "system": [_json_field(f) for f in model.system],
            "renames": [{"old": old, "new": new} for old, new in model.renames],
            "elements": [
                {"section": e.section, "change": e.change, "id": e.id,
                 "old_id": e.old_id or None, "name": e.name, "detail": e.detail,
                 "fields": [_json_field(f) for f in e.fields]}
                for e in model.elements],
        },
    }


def render_diff_json(report: DiffReport) -> str:
    return json.dumps(diff_dict(report), indent=2, ensure_ascii=False) + "\n"

