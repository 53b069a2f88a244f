"""The Controls tab: the controls a phase requires, how many are in place, and what blocks the
next phase. Enter (or ``i``) records a control as implemented, planned or not applicable."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import DataTable, ProgressBar, Select, Static

from scoping_tui.editing.edit import EditableModel
from scoping_tui.editing.workspace import Analysis, Edit, Workspace
from scoping_tui.engine.assessment import Assessment
from scoping_tui.engine.catalog import PHASES
from scoping_tui.engine.controls import SYSTEM, Requirement
from scoping_tui.export.words import plural
from scoping_tui.tui.dialogs.implement_control import (
    ControlDecision,
    ImplementControlDialog,
    entry_targets,
)
from scoping_tui.tui.messages import EditRequested, ElementSelected
from scoping_tui.tui.widgets.panel import Panel

STATUS_STYLE = {"implemented": "green", "not-applicable": "dim", "partial": "yellow",
                "planned": "cyan", "missing": "red"}
SHOWN_BLOCKERS = 4
"""How many blocking controls the summary names before "and N more"."""


def where(requirement: Requirement) -> str:
    if requirement.targets == (SYSTEM,):
        return "whole system"
    text = ", ".join(requirement.targets)
    if requirement.status == "partial":
        text += f" (missing on {', '.join(requirement.missing_on)})"
    return text


def readiness_text(assessment: Assessment, phase: str) -> str:
    ready = assessment.readiness_for(phase)
    return f"{ready.done} of {ready.required} in place ({ready.percent}%)"


def blockers_text(assessment: Assessment, phase: str) -> tuple[str, str]:
    """What stands between ``phase`` and the next one: a summary and where to start."""
    index = PHASES.index(phase)
    if index + 1 == len(PHASES):
        ready = assessment.readiness_for(phase)
        if not ready.blockers:
            return f"{phase} is the last phase, and all it requires is in place", ""
        return (f"{phase} is the last phase; {plural(len(ready.blockers), 'control')} of "
                "its own not in place yet", "")
    following = PHASES[index + 1]
    blockers = assessment.readiness_for(following).blockers
    if not blockers:
        return f"Nothing blocks {following}: every control it requires is in place", ""
    counts = Counter(r.status for r in blockers)
    states = ", ".join(f"{counts[s]} {s}" for s in ("missing", "partial", "planned")
                       if counts[s])
    blocking = {r.control.id for r in blockers}
    ranked = [rec.requirement.control.id for rec in assessment.recommendations
              if rec.requirement.control.id in blocking]
    named = ", ".join(ranked[:SHOWN_BLOCKERS])
    more = f" and {len(ranked) - SHOWN_BLOCKERS} more" if len(ranked) > SHOWN_BLOCKERS else ""
    return (f"Blocking the move to {following}: {plural(len(blockers), 'control')} ({states})",
            f"Start with {named}{more}")


def implement_edit(decision: ControlDecision) -> Edit:
    """Update the entry for the same control and targets, or append a new one."""

    def edit(model: EditableModel) -> None:
        items = model.get(("controls",))
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and item.get("control") == decision.control \
                    and entry_targets(item) == tuple(sorted(decision.targets)):
                base = ("controls", index)
                model.set_value((*base, "status"), decision.status)
                if decision.status == "not-applicable":
                    model.set_value((*base, "reason"), decision.reason)
                else:
                    if decision.evidence:
                        model.set_value((*base, "evidence"), decision.evidence)
                    if "reason" in item:
                        model.delete_value((*base, "reason"))
                return
        model.append_item("controls", decision.entry())

    return edit


def existing_entry(workspace: Workspace, requirement: Requirement) -> dict[str, Any] | None:
    """The model's entry for this control on the same targets, to fill the form from."""
    if workspace.editable is None:
        return None
    items = workspace.editable.get(("controls",))
    wanted = {tuple(sorted(requirement.targets)), tuple(sorted(requirement.missing_on))}
    same = [item for item in (items if isinstance(items, list) else [])
            if isinstance(item, dict) and item.get("control") == requirement.control.id]
    exact = [item for item in same if entry_targets(item) in wanted]
    return exact[0] if exact else None


class ControlsPanel(Panel):
    DEFAULT_CSS = """
    ControlsPanel { height: 1fr; }
    ControlsPanel #controls-head { height: 1; }
    ControlsPanel #controls-phase { width: 18; }
    ControlsPanel #controls-readiness { width: 1fr; padding: 0 1; }
    ControlsPanel #controls-progress { height: 1; padding: 0 1; }
    ControlsPanel .line { height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    ControlsPanel #controls-start { color: $text-muted; }
    ControlsPanel DataTable { height: 1fr; }
    ControlsPanel #controls-current { height: auto; max-height: 2; padding: 0 1;
                                      background: $boost; }
    """
    BINDINGS = [
        Binding("i", "implement", "Implement", id="controls.implement",
                tooltip="Record the highlighted control as implemented, planned or not "
                        "applicable"),
        Binding("p", "cycle_phase", "Phase", id="controls.phase",
                tooltip="Show the controls of the next phase (prototype, production, scaled)"),
        Binding("m", "toggle_missing", "Not in place", id="controls.missing",
                tooltip="Show only the controls not yet in place"),
        Binding("g", "goto", "Go to target", id="controls.goto",
                tooltip="Show the first element the highlighted control is needed on"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._analysis: Analysis | None = None
        self._workspace: Workspace | None = None
        self._followed_phase: str | None = None
        self._missing_only = False
        self._shown: list[str] = []
        self._by_id: dict[str, Requirement] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(id="controls-head"):
            # The phase picked is the one whose controls are listed; the line below says what stands
            # between it and the next one, so each names its phase in words.
            yield Select([(f"{phase} controls", phase) for phase in PHASES], allow_blank=False,
                         value=PHASES[0], id="controls-phase", compact=True)
            yield Static("", id="controls-readiness", markup=False)
        yield ProgressBar(id="controls-progress", show_eta=False, show_percentage=False)
        yield Static("", id="controls-blockers", classes="line", markup=False)
        yield Static("", id="controls-start", classes="line", markup=False)
        table: DataTable[Text] = DataTable(id="controls-table", cursor_type="row",
                                           zebra_stripes=True)
        table.add_column("Control", key="control")
        table.add_column("Status", key="status")
        table.add_column("Phase", key="phase")
        table.add_column("Where", key="where")
        table.add_column("Title", key="title")
        yield table
        yield Static("", id="controls-current", markup=False)

    def default_focus(self) -> Widget | None:
        return self.table

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#controls-table", DataTable)

    @property
    def phase(self) -> str:
        value = self.query_one("#controls-phase", Select).value
        return value if isinstance(value, str) else PHASES[0]

    # -- data down --------------------------------------------------------------------------

    def show(self, analysis: Analysis, workspace: Workspace) -> None:
        self._workspace = workspace
        if analysis is self._analysis:
            return
        self._analysis = analysis
        assessment = analysis.assessment
        if assessment is not None and assessment.phase != self._followed_phase:
            # Follow the model's own phase unless the user has picked another one.
            select: Select[str] = self.query_one("#controls-phase", Select)
            if self._followed_phase is None or select.value == self._followed_phase:
                select.value = assessment.phase
            self._followed_phase = assessment.phase
        self._refresh()

    def _refresh(self) -> None:
        assessment = self._analysis.assessment if self._analysis is not None else None
        readiness = self.query_one("#controls-readiness", Static)
        blockers = self.query_one("#controls-blockers", Static)
        start = self.query_one("#controls-start", Static)
        progress = self.query_one("#controls-progress", ProgressBar)
        table = self.table
        current = self.current_id
        old_index = table.cursor_row
        table.clear()
        self._shown = []
        if assessment is None:
            readiness.update("Analysing…" if self._analysis is None
                             else "No controls until the model's problems are fixed (f6)")
            blockers.update("")
            start.update("")
            progress.update(total=None, progress=0)
            self._show_current()
            return
        phase = self.phase
        ready = assessment.readiness_for(phase)
        only = " · only those not in place (m shows all)" if self._missing_only else ""
        readiness.update(readiness_text(assessment, phase) + only)
        progress.update(total=max(ready.required, 1), progress=ready.done)
        summary, first = blockers_text(assessment, phase)
        blockers.update(summary)
        start.update(first)
        required = assessment.required(phase)
        self._by_id = {r.control.id: r for r in required}
        for requirement in required:
            if self._missing_only and requirement.done:
                continue
            control = requirement.control
            table.add_row(
                Text(control.id, end=""),
                Text(requirement.status, style=STATUS_STYLE.get(requirement.status, ""),
                     end=""),
                Text(control.phase, end=""),
                Text(where(requirement), end=""),
                Text(control.title, end=""),
                key=control.id)
            self._shown.append(control.id)
        if self._shown:
            index = self._shown.index(current) if current in self._shown \
                else min(max(old_index, 0), len(self._shown) - 1)
            table.move_cursor(row=index, animate=False)
        else:
            self._show_current()

    @on(DataTable.RowHighlighted, "#controls-table")
    def _show_current(self) -> None:
        """Under the table, the highlighted control in full (the table may be cut off)."""
        current = self.current_id
        requirement = self._by_id.get(current) if current is not None else None
        line = ""
        if requirement is not None:
            line = (f"{requirement.control.id} · {requirement.control.title} · "
                    f"{requirement.status} · {where(requirement)}")
        self.query_one("#controls-current", Static).update(line)

    @on(Select.Changed, "#controls-phase")
    def _phase_changed(self) -> None:
        self._refresh()

    # -- actions ----------------------------------------------------------------------------

    @property
    def current_id(self) -> str | None:
        row = self.table.cursor_row
        return self._shown[row] if 0 <= row < len(self._shown) else None

    def action_cycle_phase(self) -> None:
        select: Select[str] = self.query_one("#controls-phase", Select)
        select.value = PHASES[(PHASES.index(self.phase) + 1) % len(PHASES)]

    def action_toggle_missing(self) -> None:
        self._missing_only = not self._missing_only
        self._refresh()

    @on(DataTable.RowSelected, "#controls-table")
    def _row_selected(self) -> None:
        self.action_implement()

    def action_implement(self) -> None:
        current = self.current_id
        requirement = self._by_id.get(current) if current is not None else None
        if requirement is None or self._workspace is None:
            return
        self.app.push_screen(
            ImplementControlDialog(requirement, existing_entry(self._workspace, requirement)),
            self._decided)

    def _decided(self, decision: ControlDecision | None) -> None:
        if decision is None:
            return
        self.post_message(EditRequested(
            edit=implement_edit(decision),
            description=f"{decision.control}: {decision.status}"))

    def action_goto(self) -> None:
        current = self.current_id
        requirement = self._by_id.get(current) if current is not None else None
        model = self._analysis.model if self._analysis is not None else None
        if requirement is None or model is None:
            return
        kinds = {**{b.id: "boundary" for b in model.boundaries},
                 **{f.id: "flow" for f in model.flows},
                 **{c.id: "component" for c in model.components}}
        for target in requirement.missing_on + requirement.targets:
            if target in kinds:
                self.post_message(ElementSelected(kinds[target], target))
                return
        self.app.notify(f"{requirement.control.id} applies to the whole system")
