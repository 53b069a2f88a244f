"""A valid model whose trust boundaries nest thousands deep: every command answers, the
diagrams stop nesting at a readable depth, and the UI opens it.

Each boundary once cost its whole chain of ancestors, again and again (validation took 39 s
at 3,000 levels and analysis did not finish), and the diagram writers recursed once per level.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets.tree import TreeNode

from scoping_tui.export.view import MAX_NESTING
from scoping_tui.tui.widgets.diagram_panel import DiagramPanel
from scoping_tui.tui.widgets.model_tree import TREE_MAX_NESTING, ModelTree
from tests.tui.conftest import app_for, settle

LEVELS = 3000


@pytest.fixture(scope="module")
def deep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lines = ["version: 1", "system:", "  name: Deep", "boundaries:"]
    for level in range(LEVELS):
        lines += [f"  - id: b{level}", f"    name: Level {level}", "    kind: vpc"]
        if level:
            lines.append(f"    parent: b{level - 1}")
    lines += ["components:", "  - id: web", "    name: Web", "    type: service",
              f"    boundary: b{LEVELS - 1}", "  - id: user", "    name: User", "    type: user",
              "flows:", "  - {id: use, from: user, to: web, protocol: https}"]
    path = tmp_path_factory.mktemp("deep") / "deep.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # the timeout only stops a hang from blocking the suite; it is not a speed goal
    return subprocess.run([sys.executable, "-m", "scoping_tui", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


@pytest.mark.parametrize("args", [
    ("validate",), ("analyze",), ("check",), ("report", "-o", "r.md"),
    ("report", "-o", "r.otm.json"), ("report", "-o", "r.tc.json"), ("report", "-o", "r.sarif"),
    ("diagram", "-o", "d.mmd"), ("diagram", "-o", "d.dot"), ("open", "--summary"),
], ids=lambda a: "-".join(a))
def test_every_command_answers(deep: Path, args: tuple[str, ...]) -> None:
    dated = () if args[0] in ("validate", "open") else ("--as-of", "2026-11-28")
    result = run(args[0], str(deep), *args[1:], *dated, cwd=deep.parent)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == (1 if args[0] == "check" else 0), result.stderr[-2000:]


def test_diagrams_stop_nesting_at_a_readable_depth(deep: Path) -> None:
    assert run("diagram", str(deep), "-o", "d.mmd", cwd=deep.parent).returncode == 0
    depth = deepest = 0
    for line in (deep.parent / "d.mmd").read_text(encoding="utf-8").splitlines():
        if re.match(r"\s*subgraph ", line):
            depth += 1
            deepest = max(deepest, depth)
        elif line.strip() == "end":
            depth -= 1
    assert deepest == MAX_NESTING + 1, "levels below the limit are drawn in its last level"
    text = (deep.parent / "d.mmd").read_text(encoding="utf-8")
    assert len(re.findall(r"subgraph c\d+\[", text)) == LEVELS, "every boundary is drawn"
    assert "Level 2999" in text and "Web" in text


async def test_the_ui_opens_it_with_a_bounded_tree(deep: Path) -> None:
    app = app_for(deep)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.analysis is not None and app.analysis.assessment is not None
        tree = app.main_screen.query_one(ModelTree)
        nodes = list(tree._walk_nodes())
        assert len(nodes) > LEVELS, "every boundary is in the tree"
        deepest = max(_depth(node) for node in nodes)
        assert TREE_MAX_NESTING < deepest <= TREE_MAX_NESTING + 3
        await pilot.press("f7")  # the text diagram of the whole model
        await pilot.pause()
        text = app.main_screen.query_one(DiagramPanel).text
        assert "Level 2999" in text and "Web" in text
        assert max(len(line) for line in text.splitlines()) < 400, "indentation stops growing"


def _depth(node: TreeNode[object]) -> int:
    depth = 0
    while node.parent is not None:
        node = node.parent
        depth += 1
    return depth
