"""The Controls tab (placeholder until it is built)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from scoping_tui.tui.widgets.panel import Panel
from scoping_tui.workspace import Analysis, Workspace


class ControlsPanel(Panel):
    def compose(self) -> ComposeResult:
        yield Static("Controls", id="placeholder")

    def show(self, analysis: Analysis, workspace: Workspace) -> None:
        self.query_one("#placeholder", Static).update(f"Controls: {len(analysis.diagnostics)}")
