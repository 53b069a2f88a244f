"""Every action the app has a key for, as command-palette entries (Ctrl+P) named with their key.

Read from the bindings themselves, so a key added to a screen or widget shows up in the palette
without a second list to keep in step. Actions of the tree and the tab panels run on that widget
whatever has focus; a panel's action first shows its tab.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import suppress
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import TabbedContent

if TYPE_CHECKING:
    from textual.app import App

PANEL_TABS = {"findings-panel": "findings", "controls-panel": "controls",
              "problems-panel": "problems", "diagram-panel": "diagram"}
"""The tab pane each panel with keys of its own sits in."""


def _bindings(node: DOMNode) -> Iterator[Binding]:
    for binding in type(node).BINDINGS:
        if isinstance(binding, Binding) and binding.description:
            yield binding


def _owners(app: App[Any], screen: Screen[Any]) -> Iterator[tuple[DOMNode, str | None]]:
    """The nodes whose bindings become commands, with the tab to show first."""
    yield app, None
    yield screen, None
    for widget_id in ("tree", *PANEL_TABS):
        try:
            widget = screen.query_one(f"#{widget_id}")
        except NoMatches:
            continue
        yield widget, PANEL_TABS.get(widget_id)


async def _run(app: App[Any], owner: DOMNode, action: str, tab: str | None) -> None:
    if tab is not None:
        with suppress(NoMatches):
            app.screen.query_one(TabbedContent).active = tab
    await app.run_action(action, owner)


def palette_commands(app: App[Any], screen: Screen[Any]) -> Iterable[SystemCommand]:
    """One command per key binding in reach: "Save — Write the model file (ctrl+s)"."""
    seen: set[str] = set()
    for owner, tab in _owners(app, screen):
        for binding in _bindings(owner):
            key = app.get_key_display(binding)
            where = f"{tab.title()}: " if tab else ""
            # The palette searches titles only: the help words ("data flow") belong in it.
            words = f" — {binding.tooltip}" if binding.tooltip else ""
            title = f"{where}{binding.description}{words} ({key})"
            if title in seen:
                continue
            seen.add(title)
            yield SystemCommand(title, binding.tooltip or binding.description,
                                partial(_run, app, owner, binding.action, tab))
