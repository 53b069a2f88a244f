"""The UI opens broken and hostile files without crashing: it shows their problems instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoping_tui.tui.screens.main import MainScreen
from tests.conftest import ROOT
from tests.tui.conftest import app_for, settle

BROKEN = ROOT / "tests" / "data" / "broken"
CASES = ["billion-laughs.yaml", "forbidden-tag.yaml", "nesting-10000-deep.yaml", "empty.yaml",
         "top-level-list.yaml", "duplicate-key.yaml", "tab-indentation.yaml",
         "yaml-syntax-unclosed-bracket.yaml", "unknown-key.yaml", "huge-integer.yaml"]


@pytest.mark.parametrize("name", CASES)
async def test_the_ui_opens_a_broken_file_and_lists_its_problems(name: str,
                                                                 tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes((BROKEN / name).read_bytes())
    app = app_for(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.analysis is not None
        errors = [d for d in app.analysis.diagnostics if d.severity == "error"]
        assert errors, "a broken file must show at least one error"
        assert all(d.line >= 1 for d in errors)
        await pilot.press("f6")
        await pilot.pause()


@pytest.mark.parametrize("content", [b"\x00\x01binary\xff", b"version: 1\nname: caf\xe9\n"],
                         ids=["binary", "latin-1"])
async def test_the_ui_opens_undecodable_bytes_read_only(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    app = app_for(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.workspace is not None and app.workspace.editable is None
        assert app.analysis is not None and app.analysis.assessment is None
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert path.read_bytes() == content, "a file that could not be read is never rewritten"
