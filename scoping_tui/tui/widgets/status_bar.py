"""One line under the tabs: phase, unresolved findings by severity, readiness, unsaved mark."""

from __future__ import annotations

from textual.widgets import Static

from scoping_tui.editing.workspace import Analysis, Workspace
from scoping_tui.engine.threats import SEVERITIES
from scoping_tui.export.words import plural


def status_text(analysis: Analysis | None, workspace: Workspace, busy: bool) -> str:
    parts = []
    if workspace.dirty:
        parts.append("● unsaved")
    if analysis is None:
        parts.append("analysing…")
    elif analysis.assessment is None:
        errors = sum(1 for d in analysis.diagnostics if d.severity == "error")
        parts.append(f"{errors} problem{'s' if errors != 1 else ''} — fix them to analyse")
    else:
        assessment = analysis.assessment
        counts = assessment.counts()
        parts.append(f"phase {assessment.phase}")
        parts.append(" ".join(f"{counts[s]} {s}" for s in SEVERITIES))
        if assessment.open_questions:
            parts.append(plural(assessment.open_questions, "question"))
        ready = assessment.readiness_for(assessment.phase)
        parts.append(f"ready {ready.percent}% ({ready.done}/{ready.required})")
    if busy and analysis is not None:
        parts.append("analysing…")
    return "  │  ".join(parts)


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text;
    }
    """

    def show(self, analysis: Analysis | None, workspace: Workspace, busy: bool = False) -> None:
        self.update(status_text(analysis, workspace, busy))
