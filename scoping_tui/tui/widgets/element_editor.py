"""The Element tab (placeholder until it is built)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from scoping_tui.tui.widgets.panel import Panel
from scoping_tui.workspace import Analysis, Workspace


class ElementEditor(Panel):
    def compose(self) -> ComposeResult:
        yield Static("Element", id="placeholder")

    def select(self, kind: str, element_id: str,
               field: tuple[str | int, ...] | None = None) -> None:
        """Show this element's fields (kind: component, flow, boundary, ...)."""
        self.query_one("#placeholder", Static).update(f"{kind} {element_id}")

    def show(self, analysis: Analysis, workspace: Workspace) -> None:
        self.query_one("#placeholder", Static).update(f"Element: {len(analysis.diagnostics)}")
