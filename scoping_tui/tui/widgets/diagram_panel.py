"""The Diagram tab: the data flow as text, and the export dialog (key "e")."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, ScrollableContainer
from textual.widgets import Button, Static

from scoping_tui.editing.workspace import Analysis, Workspace
from scoping_tui.export.text_diagram import render_text_diagram
from scoping_tui.tui.dialogs.export_dialog import ExportDialog
from scoping_tui.tui.widgets.panel import Panel


class DiagramPanel(Panel):
    DEFAULT_CSS = """
    DiagramPanel { height: 1fr; }
    DiagramPanel #diagram-bar { height: 1; padding: 0 1; }
    DiagramPanel #diagram-notice { width: 1fr; color: $warning; }
    DiagramPanel #diagram-scroll { height: 1fr; padding: 0 1; }
    DiagramPanel #diagram-text { width: auto; }
    DiagramPanel #diagram-scroll:focus { background-tint: $foreground 3%; }
    """
    BINDINGS = [
        Binding("e", "export", "Export", id="diagram.export",
                tooltip="Write the diagram (SVG, PNG, PDF, DOT, Mermaid) or a report"),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.analysis: Analysis | None = None
        self.workspace: Workspace | None = None
        self.text = ""
        self.current = False
        """The text is of the model as it is now (it loaded without errors)."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="diagram-bar"):
            yield Static("", id="diagram-notice", markup=False)
            yield Button("Export… (e)", id="diagram-export", compact=True,
                         tooltip="Write the diagram or a report to a file")
        with ScrollableContainer(id="diagram-scroll", can_focus=True):
            yield Static("Analysing…", id="diagram-text", markup=False)

    def show(self, analysis: Analysis, workspace: Workspace) -> None:
        self.workspace = workspace
        notice = self.query_one("#diagram-notice", Static)
        self.current = analysis.model is not None
        if analysis.model is None:
            notice.update("The model has errors (see Problems, F6)"
                          + (": this is the last version that loaded." if self.text else "."))
            return
        notice.update("")
        self.analysis = analysis
        self.text = render_text_diagram(analysis.model, analysis.assessment)
        self.query_one("#diagram-text", Static).update(self.text)

    @on(Button.Pressed, "#diagram-export")
    def action_export(self) -> None:
        # What was typed a moment ago is part of what is exported.
        now = getattr(self.app, "analysis_now", None)
        analysis = now() if now is not None else self.analysis
        if self.workspace is None or analysis is None or analysis.model is None:
            self.notify("Fix the model's errors (F6) before exporting it", title="Not exported",
                        severity="warning")
            return
        self.app.push_screen(ExportDialog(self.workspace, analysis))
