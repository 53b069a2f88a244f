"""Keystrokes to describe a small system from an empty start in the terminal UI.

Drives the real app with Pilot, key by key, as a person would: from the start screen, the
minimal skeleton, then a customer who chats with a web app, which calls an API, which calls an
agent; the agent reasons with a hosted model, reads a vector store of internal documents, looks
orders up with a read-only tool and refunds through a tool whose refunds above 100 EUR wait for
a person; three trust boundaries, seven flows. Prints the keys it took, apart from the text typed
(names and the approval condition), per step and in total, and checks the model it wrote.
Then the same system through the guided start (Ctrl+G): the answers, the review, the file.

    python benchmarks/authoring.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoping_tui.engine.catalog import load_catalog  # noqa: E402
from scoping_tui.model.types import SystemModel  # noqa: E402
from scoping_tui.model.validate import load_model  # noqa: E402
from scoping_tui.tui.app import ScopingApp, make_app  # noqa: E402

BOUNDARIES = [("Internet", "internet", "in"), ("Application VPC", "vpc", "vp"),
              ("Model provider", "saas-provider", "sa")]
"""Name, zone kind, and what a person types to find the kind."""
COMPONENTS = [  # name, type, what is typed to find the type, boundary
    ("Customer", "user", "u", "internet"),
    ("Web app", "client-app", "cl", "internet"),
    ("Support API", "service", "se", "application-vpc"),
    ("Support agent", "agent", "ag", "application-vpc"),
    ("Hosted model", "foundation-model", "f", "model-provider"),
    ("Internal documents", "vector-store", "v", "application-vpc"),
    ("Order lookup", "tool", "to", "application-vpc"),
    ("Refund tool", "tool", "to", "application-vpc"),
]
"""The ids are the ones the dialog makes from the names (Web app -> web-app)."""
FLOWS_IN = {  # the component just added: where its flow comes from, typed to find it
    "web-app": ("customer", "cu"),
    "support-api": ("web-app", "we"),
    "support-agent": ("support-api", "api"),
    "hosted-model": ("support-agent", "ag"),
    "internal-documents": ("support-agent", "ag"),
    "order-lookup": ("support-agent", "ag"),
    "refund-tool": ("support-agent", "ag"),
}
GRANTS = {  # a flow from the agent to a tool asks what the agent may do there
    "order-lookup": ("re", "", ""),
    "refund-tool": ("fi", "", "refunds above 100 EUR"),
}
"""Permissions typed to find them, approval typed to find it, the condition (text)."""


def ident(name: str) -> str:
    return name.lower().replace(" ", "-")


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
    for name, _, search in BOUNDARIES:
        await keys.press("b")
        await keys.type(name)                             # the id follows the name
        await keys.press("tab", *search, "enter")         # the zone kind, then add
        await settle(app, pilot)

    keys.step = "components"
    for name, _, search, boundary in COMPONENTS:
        # A new component lands in the boundary the cursor is in: move only when it is not.
        if in_boundary(app) != boundary:
            await to_node(keys, app, ("boundary", boundary))
        await keys.press("n")
        await keys.type(name)
        await keys.press("tab", *search, "enter")         # the type, then add
        await settle(app, pilot)
        new = ident(name)
        if new not in FLOWS_IN:
            continue
        # Its flow in, from the component just added (the cursor is on it): F.
        keys.step = "flows"
        _, search = FLOWS_IN[new]
        await keys.press("F", *search)
        if new in GRANTS:
            permissions, approval, when = GRANTS[new]
            await keys.press("tab", *permissions)
            if approval:
                await keys.press("tab", *approval)
            if when:
                await keys.press("tab", "tab") if not approval else await keys.press("tab")
                await keys.type(when)
        await keys.press("enter")
        await settle(app, pilot)
        keys.step = "components"


GUIDED_TOOLS = ("Order lookup: read", "Refund tool: financial, approval refunds above 100 EUR")


async def guided(keys: Keys, app: ScopingApp) -> None:
    """The guided start, answered by keyboard as a person would, then the review."""
    await keys.pilot.pause()
    await keys.press("ctrl+g")
    keys.step = "answers"
    await keys.type("Support bot")
    await keys.press("enter")                      # on to the phase: prototype
    await keys.press("tab", "down", "enter")       # used by the public
    await keys.press("tab")
    await keys.type("Customer")                    # the public group
    await keys.press("tab", "tab", "tab")          # a web app, named Web app
    await keys.type("Support API")
    await keys.press("tab", "tab")                 # a hosted model
    await keys.type("Hosted model")
    await keys.press("tab")
    await keys.type("Support agent")
    await keys.press("tab")
    await keys.type(GUIDED_TOOLS[0])
    await keys.press("enter")
    await keys.type(GUIDED_TOOLS[1])
    await keys.press("tab", "tab")                 # started by a person
    await keys.type("Internal documents")
    await keys.press("tab", "enter")               # the file name, then the review
    keys.step = "review"
    await keys.press("ctrl+s")
    await settle(app, keys.pilot)


def print_keys(title: str, keys: Keys) -> None:
    print(f"{title}\n{'step':12} {'keys':>5} {'typed':>6}")
    for step in keys.control:
        print(f"{step:12} {keys.control[step]:5} {keys.typed[step]:6}")
    print(f"{'total':12} {sum(keys.control.values()):5} {sum(keys.typed.values()):6}")


Drive = Callable[[Keys, ScopingApp], Awaitable[None]]


async def run(drive: Drive, file: str, title: str) -> SystemModel:
    """Drive a fresh app in an empty folder, print its keys, check what it wrote to ``file``
    as both paths must have it; the model, for the checks particular to one path."""
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        app = make_app(None, catalog=load_catalog(), as_of=dt.date(2026, 12, 4))
        app.debounce_seconds = 0.0
        async with app.run_test(size=(120, 40)) as pilot:
            keys = Keys(pilot)
            await drive(keys, app)
        result = load_model(Path(tmp) / file)
    model = result.model
    assert model is not None, [d.format() for d in result.diagnostics]
    print_keys(title, keys)
    print(f"\nwrote {len(model.boundaries)} boundaries, {len(model.components)} components, "
          f"{len(model.flows)} flows; {len(result.diagnostics)} problems")
    agent = next(c for c in model.components if c.id == "support-agent").agent
    assert agent is not None and agent.model == "hosted-model"
    grants = {(g.tool, g.permissions, g.approval, g.approval_when) for g in agent.tools}
    assert grants == {("order-lookup", ("read",), None, ""),
                      ("refund-tool", ("financial",), "conditional",
                       "refunds above 100 EUR")}, grants
    assert {c.id for c in model.components} == {ident(n) for n, *_ in COMPONENTS}
    assert len(model.boundaries) == 3 and len(model.flows) == 7
    return model


async def by_tree(keys: Keys, app: ScopingApp) -> None:
    await author(keys, app)
    await keys.press("ctrl+s")
    await settle(app, keys.pilot)


async def main() -> int:
    await run(guided, "support-bot.yaml", "\nguided start (Ctrl+G), same system")
    model = await run(by_tree, "my-system.yaml",
                      "\nfrom the minimal skeleton, part by part in the tree")
    types = {c.id: c.type for c in model.components}
    assert types == {ident(name): ctype for name, ctype, _, _ in COMPONENTS}, types
    assert {(b.id, b.parent) for b in model.boundaries} == {
        (ident(name), None) for name, _, _ in BOUNDARIES}, model.boundaries
    boundaries = {c.id: c.boundary for c in model.components}
    assert boundaries == {ident(name): where for name, _, _, where in COMPONENTS}
    flows = {(f.source, f.target) for f in model.flows}
    assert flows == {(source, target) for target, (source, _) in FLOWS_IN.items()}, flows
    return 0

if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
