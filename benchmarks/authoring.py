"""Keystrokes to describe a small system from an empty start in the terminal UI.

Drives the real app with Pilot, key by key, as a person would: from the start screen, the
minimal skeleton, then a customer who chats with a web app, which calls an API, which calls an
agent; the agent reasons with a hosted model, reads a vector store of internal documents, looks
orders up with a read-only tool and refunds through a tool whose refunds above 100 EUR wait for
a person; three trust boundaries, seven flows. Prints the keys it took, apart from the text typed
(ids and names), per step and in total, and checks the model it wrote.

    python benchmarks/authoring.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoping_tui.engine.catalog import load_catalog  # noqa: E402
from scoping_tui.model.validate import load_model  # noqa: E402
from scoping_tui.tui.app import ScopingApp, make_app  # noqa: E402

BOUNDARIES = [("internet", "Internet", "internet"), ("app-vpc", "Application VPC", "vpc"),
              ("provider", "Model provider", "saas-provider")]
COMPONENTS = [  # id, name, type, boundary
    ("customer", "Customer", "user", "internet"),
    ("web", "Web app", "client-app", "internet"),
    ("api", "Support API", "service", "app-vpc"),
    ("agent", "Support agent", "agent", "app-vpc"),
    ("llm", "Hosted model", "foundation-model", "provider"),
    ("docs", "Internal documents", "vector-store", "app-vpc"),
    ("orders", "Order lookup", "tool", "app-vpc"),
    ("refunds", "Refund tool", "tool", "app-vpc"),
]
SEARCH = {"user": "u", "client-app": "cl", "service": "se", "agent": "ag",
          "foundation-model": "f", "vector-store": "v", "tool": "to"}
"""What a person types to find each type in the type select."""
FLOWS = [("customer", "web"), ("web", "api"), ("api", "agent"), ("agent", "llm"),
         ("agent", "docs"), ("agent", "orders"), ("agent", "refunds")]


class Keys:
    """Presses keys through Pilot and counts them: typed text apart from the other keys."""

    def __init__(self, pilot: Any) -> None:
        self.pilot = pilot
        self.control: Counter[str] = Counter()
        self.typed: Counter[str] = Counter()
        self.step = "start"

    async def press(self, *keys: str) -> None:
        self.control[self.step] += len(keys)
        await self.pilot.press(*keys)
        await self.pilot.pause()

    async def type(self, text: str) -> None:
        self.typed[self.step] += len(text)
        await self.pilot.press(*text)
        await self.pilot.pause()

    async def choose(self, search: str) -> None:
        """Open the focused select, type to find an option, take it: the search letters count
        as keys, not as text (they pick, they do not describe)."""
        await self.press("enter", *search, "enter")


async def settle(app: ScopingApp, pilot: Any) -> None:
    for _ in range(50):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.analysis_current:
            return
    raise RuntimeError("analysis did not settle")


async def to_node(keys: Keys, app: ScopingApp, key: tuple[str, str]) -> None:
    """Walk the tree's cursor to ``key`` as a person would: up or down, whichever is nearer
    (the benchmark reads the tree to know, a person sees it)."""
    tree: Any = app.screen.query_one("#tree")
    if tree.cursor_key == key:
        return
    rows = [tree.get_node_at_line(n) for n in range(tree.last_line + 1)]
    target = next(n for n, node in enumerate(rows) if node is not None and node.data == key)
    step = "down" if target > tree.cursor_line else "up"
    for _ in range(abs(target - tree.cursor_line)):
        await keys.press(step)
    if tree.cursor_key == key:
        return
    raise RuntimeError(f"{key} not reached; the model holds:\n"
                       f"{app.workspace.editable.text() if app.workspace else ''}")


async def tab_to(keys: Keys, app: ScopingApp, field: tuple[str | int, ...]) -> None:
    """Tab to a form field, or shift+tab when it is above the focused one (a person sees
    where it is; the benchmark reads the form's order)."""
    editor: Any = app.screen.query_one("#element-editor")
    if os.environ.get("AUTHORING_TRACE"):
        print("tab_to", field, "from", getattr(app.screen.focused, "id", None))
    order = list(editor._widgets.values())
    target = editor.field_widget(field)
    here = app.screen.focused
    back = here in order and target in order and order.index(target) < order.index(here)
    for _ in range(80):
        widget = editor.field_widget(field)
        if widget is not None and app.screen.focused is widget:
            return
        await keys.press("shift+tab" if back else "tab")
    raise RuntimeError(f"field {field} not reached; focus on {app.screen.focused}")


def in_boundary(app: ScopingApp) -> str | None:
    """The boundary the tree's cursor is on or inside."""
    node: Any = app.screen.query_one("#tree").cursor_node
    while node is not None and node.data is not None:
        if node.data[0] == "boundary":
            return str(node.data[1])
        node = node.parent
    return None


async def author(keys: Keys, app: ScopingApp) -> None:
    pilot = keys.pilot
    await keys.press("ctrl+n", "enter", "enter")         # the skeleton, the default name
    await settle(app, pilot)

    keys.step = "boundaries"
    for ident, name, kind in BOUNDARIES:
        await keys.press("b")
        await keys.type(ident)
        await keys.press("tab")
        await keys.type(name)
        await keys.press("tab")
        await keys.choose(kind[:3])
        await keys.press("enter")                         # focus is on Add
        await settle(app, pilot)

    keys.step = "components"
    for ident, name, ctype, boundary in COMPONENTS:
        # A new component lands in the boundary the cursor is in: move only when it is not.
        if in_boundary(app) != boundary:
            await to_node(keys, app, ("boundary", boundary))
        await keys.press("n")
        await keys.type(ident)
        await keys.press("tab")
        await keys.type(name)
        await keys.press("tab")
        await keys.choose(SEARCH[ctype])
        await keys.press("enter")
        await settle(app, pilot)

    keys.step = "agent"
    await to_node(keys, app, ("component", "agent"))
    await keys.press("enter")                             # open it in the Element tab
    await settle(app, pilot)
    await tab_to(keys, app, ("agent", "model"))
    await keys.choose("l")
    await settle(app, pilot)
    await tab_to(keys, app, ("agent", "tools", "add"))
    await keys.choose("or")
    await settle(app, pilot)
    await tab_to(keys, app, ("agent", "tools", 0, "permissions"))
    await keys.press("space")                             # read is the first permission
    await settle(app, pilot)
    await tab_to(keys, app, ("agent", "tools", "add"))
    await keys.choose("re")
    await settle(app, pilot)
    await tab_to(keys, app, ("agent", "tools", 1, "permissions"))
    await keys.press("down", "down", "down", "down", "space")   # financial
    await settle(app, pilot)
    await tab_to(keys, app, ("agent", "tools", 1, "approval"))
    await keys.choose("c")
    await settle(app, pilot)
    await tab_to(keys, app, ("agent", "tools", 1, "approval_when"))
    await keys.type("refunds above 100 EUR")
    await keys.press("enter")
    await settle(app, pilot)
    await keys.press("f8")                                # back to the tree

    keys.step = "flows"
    for source, target in FLOWS:
        await to_node(keys, app, ("component", source))
        await keys.press("f")
        await keys.choose(target[:3])
        await keys.press("enter")                         # the suggested id
        await settle(app, pilot)


async def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        app = make_app(None, catalog=load_catalog(), as_of=dt.date(2026, 12, 4))
        app.debounce_seconds = 0.0
        async with app.run_test(size=(120, 40)) as pilot:
            keys = Keys(pilot)
            await author(keys, app)
            await keys.press("ctrl+s")
            await settle(app, pilot)
        result = load_model(Path(tmp) / "my-system.yaml")
        model = result.model
        assert model is not None, [d.format() for d in result.diagnostics]
        print(f"{'step':12} {'keys':>5} {'typed':>6}")
        for step in keys.control:
            print(f"{step:12} {keys.control[step]:5} {keys.typed[step]:6}")
        print(f"{'total':12} {sum(keys.control.values()):5} {sum(keys.typed.values()):6}")
        print(f"\nwrote {len(model.boundaries)} boundaries, {len(model.components)} components, "
              f"{len(model.flows)} flows; {len(result.diagnostics)} problems")
        agent = next(c for c in model.components if c.id == "agent").agent
        assert agent is not None and agent.model == "llm"
        grants = {(g.tool, g.permissions, g.approval, g.approval_when) for g in agent.tools}
        assert grants == {("orders", ("read",), None, ""),
                          ("refunds", ("financial",), "conditional", "refunds above 100 EUR")}, \
            grants
        types = {c.id: c.type for c in model.components}
        assert types == {ident: ctype for ident, _, ctype, _ in COMPONENTS}, types
        assert {(f.source, f.target) for f in model.flows} == set(FLOWS)
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
