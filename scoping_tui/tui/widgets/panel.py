"""What every tab of the main screen implements: show the latest analysis."""

from __future__ import annotations

from textual.widget import Widget

from scoping_tui.workspace import Analysis, Workspace


class Panel(Widget):
    """A tab's content. The screen calls ``show`` with each new analysis (attributes down);
    the panel sends ``EditRequested``/``ElementSelected``/``JumpTo`` up (messages up)."""

    def default_focus(self) -> Widget | None:
        """Where the keyboard goes on arriving at the tab; None for its first focusable
        widget."""
        return None

    def on_show(self) -> None:
        """Arriving on the tab (its key, or a click) puts the keyboard in ``default_focus``."""
        target = self.default_focus()
        if target is not None and not self.has_focus_within:
            target.focus()

    def show(self, analysis: Analysis, workspace: Workspace) -> None:
        """Display ``analysis``; called on the main thread after every re-analysis."""
