"""What every tab of the main screen implements: show the latest analysis."""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import TabbedContent, TabPane

from scoping_tui.editing.workspace import Analysis, Workspace


class Panel(Widget):
    """A tab's content. The screen calls ``show`` with each new analysis (attributes down);
    the panel sends ``EditRequested``/``ElementSelected``/``JumpTo`` up (messages up)."""

    def default_focus(self) -> Widget | None:
        """Where the keyboard goes on arriving at the tab; None for its first focusable
        widget."""
        return None

    def on_show(self) -> None:
        """Arriving on the tab (its key, or a click) puts the keyboard in ``default_focus``."""
        if not self._tab_is_active():
            return  # another tab key came first: focus here would pull the tabs back
        target = self.default_focus()
        if target is not None and not self.has_focus_within:
            # At once, not deferred as Widget.focus is: a deferred focus landing after a
            # quicker tab key switched the tabs back to this one (seen on a loaded machine).
            self.screen.set_focus(target)

    def _tab_is_active(self) -> bool:
        pane = next((a for a in self.ancestors if isinstance(a, TabPane)), None)
        tabs = next((a for a in self.ancestors if isinstance(a, TabbedContent)), None)
        return pane is None or tabs is None or tabs.active == pane.id

    def show(self, analysis: Analysis, workspace: Workspace) -> None:
        """Display ``analysis``; called on the main thread after every re-analysis."""
