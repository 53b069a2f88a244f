"""Snapshot tests of each tab at 120×40 and at 80×24.

Plain `def` tests: snap_compare runs its own event loop. Update the SVGs with
`pytest tests/tui/test_snapshots.py --snapshot-update` after an intended change, and look at
`snapshot_report.html` when one fails.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.tui.conftest import app_for, settle

SAMPLE = Path("samples") / "rag-support-assistant.yaml"


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    # The header shows the model path: a relative one keeps snapshots the same everywhere.
    monkeypatch.chdir(ROOT)


def _prepare(*keys: str) -> Callable[[Any], Any]:
    async def run_before(pilot: Any) -> None:
        app = pilot.app
        await settle(app, pilot)
        for key in keys:
            await pilot.press(key)
        await settle(app, pilot)

    return run_before


@pytest.mark.usefixtures("in_repo")
def test_main_screen_80x24(snap_compare: Any) -> None:
    """The main screen on a small terminal: tree, element tab, status bar, footer."""
    assert snap_compare(app_for(SAMPLE), terminal_size=(80, 24), run_before=_prepare())


@pytest.mark.usefixtures("in_repo")
@pytest.mark.parametrize(("tab", "key"), [
    ("element", "f2"), ("findings", "f3"), ("controls", "f4"), ("scope", "f5"),
    ("problems", "f6"), ("diagram", "f7"),
])
def test_each_tab_120x40(snap_compare: Any, tab: str, key: str) -> None:
    """Every tab of the main screen on a 120×40 terminal."""
    assert snap_compare(app_for(SAMPLE), terminal_size=(120, 40), run_before=_prepare(key))


@pytest.mark.usefixtures("in_repo")
@pytest.mark.parametrize(("tab", "key"), [
    ("findings", "f3"), ("controls", "f4"), ("scope", "f5"), ("problems", "f6"),
    ("diagram", "f7"),
])
def test_each_tab_80x24(snap_compare: Any, tab: str, key: str) -> None:
    """Every tab on a small terminal (the element tab is the main-screen snapshot)."""
    assert snap_compare(app_for(SAMPLE), terminal_size=(80, 24), run_before=_prepare(key))
