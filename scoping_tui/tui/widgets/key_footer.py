"""The footer of the main screen: saving, undoing and the tab keys first, so a narrow terminal
cuts the focused widget's own keys (all in the command palette) rather than those."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel

TABS = ("tab('element')", "tab('findings')", "tab('controls')", "tab('scope')",
        "tab('problems')", "tab('diagram')")
"""Drawn as bare keys and one "tabs" label when narrow: the tab strip above names them."""
FIRST = ("save", "undo", *TABS, "focus_tree")
"""Actions shown before any other, in this order (the app's and the main screen's)."""
LAST = ("redo", "request_quit")
NARROW = 110
"""Below this many columns the keys are drawn compact (no padding around them)."""


class KeyFooter(Footer):
    def on_resize(self) -> None:
        narrow = self.size.width < NARROW
        if narrow != self.compact:
            self.compact = narrow
            self.refresh(recompose=True)

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        shown: dict[str, tuple[str, str, str, bool, str]] = {}
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in shown:
                shown[binding.action] = (binding.key, self.app.get_key_display(binding),
                                         binding.description, enabled, tooltip)

        def rank(action: str) -> tuple[int, int]:
            if action in FIRST:
                return 0, FIRST.index(action)
            if action in LAST:
                return 2, LAST.index(action)
            return 1, 0

        ordered = sorted(shown, key=rank)
        bare = self.compact and any(action in TABS for action in ordered)
        self.styles.grid_size_columns = len(shown) + bare
        for action in ordered:
            key, display, description, enabled, tooltip = shown[action]
            yield FooterKey(key, display, "" if bare and action in TABS else description,
                            action, disabled=not enabled,
                            tooltip=tooltip or description).data_bind(compact=Footer.compact)
            if bare and action == next(a for a in reversed(ordered) if a in TABS):
                yield FooterLabel("tabs ")
