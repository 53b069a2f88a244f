"""Fixtures for driving the real Textual app with Pilot on real files."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from scoping_tui.engine.catalog import load_catalog
from scoping_tui.tui.app import ScopingApp, make_app
from scoping_tui.tui.widgets.model_tree import ModelTree
from tests.conftest import ROOT

AS_OF = dt.date(2026, 11, 28)


@pytest.fixture
def sample_copy(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A writable copy of a bundled sample: sample_copy("ops-agent") -> Path."""

    def copy(name: str) -> Path:
        target = tmp_path / f"{name}.yaml"
        shutil.copy(ROOT / "samples" / f"{name}.yaml", target)
        return target

    return copy


def app_for(path: Path | None) -> ScopingApp:
    app = make_app(path, catalog=load_catalog(), as_of=AS_OF)
    app.debounce_seconds = 0.0
    # Typed text goes into the model on Enter, on leaving the field, or when a test lets the
    # typing pause run out: never because a loaded machine was slow between two keys.
    app.typing_pause = 3600.0
    return app


async def settle(app: ScopingApp, pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait until edits are analysed and shown: on workers and messages, never on sleeps."""
    for _ in range(50):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.analysis_current:
            return
    raise AssertionError("analysis did not settle")


async def until(pilot, condition, what: str = "the condition",  # type: ignore[no-untyped-def]
                step: float | None = None) -> None:
    """Wait refresh by refresh (never on a clock) until ``condition()`` holds: a loaded
    machine may need several refreshes for rows, overlays and cursors to arrive. What a timer
    brings about (the typing pause) gives ``step``: refreshes that far apart, for it to fire."""
    for _ in range(300):
        if condition():
            return
        await pilot.pause(step)
    raise AssertionError(f"waited in vain for {what}")


def tree(app: ScopingApp) -> ModelTree:
    return app.screen.query_one(ModelTree)


def model_data(app: ScopingApp) -> Any:
    """The model as the workspace holds it now, saved or not."""
    assert app.workspace is not None
    return yaml.safe_load(app.workspace.text)


async def press_to(pilot: Any, app: ScopingApp, key: tuple[str, str], step: str = "down",
                   limit: int = 60) -> None:
    """Move the tree's cursor with the keyboard until it is on ``key``."""
    for _ in range(limit):
        if tree(app).cursor_key == key:
            return
        await pilot.press(step)
    raise AssertionError(f"{key} not reached; cursor on {tree(app).cursor_key}")
