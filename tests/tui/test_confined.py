"""Confined to the model's folder (as `serve` runs it), the UI writes nowhere else; it says why.

Whoever drives a served page types the paths, so an export to ``/elsewhere``, ``../``, ``~`` or
through a link leading out must be refused, with the reason in the dialog, and nothing written.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from scoping_tui.engine.catalog import load_catalog
from scoping_tui.tui.app import ScopingApp, make_app
from scoping_tui.tui.recent import remember
from scoping_tui.tui.screens.main import MainScreen
from scoping_tui.tui.screens.questionnaire import QuestionnaireScreen
from scoping_tui.tui.screens.start import StartScreen
from tests.conftest import ROOT
from tests.tui.conftest import AS_OF, app_for, settle
from tests.tui.test_scope_problems_diagram import export_as, open_export, text_of


@pytest.fixture
def layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """(model, outside folder, home): the model in its own folder; links in it lead out."""
    folder, outside, home = tmp_path / "models", tmp_path / "outside", tmp_path / "home"
    for made in (folder, outside, home):
        made.mkdir()
    # ~ is a temporary folder: were the refusal to fail, nothing real would be written.
    monkeypatch.setenv("HOME", str(home))
    model = folder / "ops-agent.yaml"
    shutil.copy(ROOT / "samples" / "ops-agent.yaml", model)
    (outside / "victim.md").write_text("mine\n", encoding="utf-8")
    (folder / "out").symlink_to(outside, target_is_directory=True)
    (folder / "victim.md").symlink_to(outside / "victim.md")
    return model, outside, home


def confined(model: Path | None, folder: Path) -> ScopingApp:
    app = make_app(model, catalog=load_catalog(), as_of=AS_OF, confine_to=folder)
    app.debounce_seconds = 0.0
    return app


def files_in(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()}


async def test_confined_export_refuses_paths_leading_out_and_writes_inside(
        layout: tuple[Path, Path, Path]) -> None:
    model, outside, home = layout
    attempts = [
        (str(outside / "x.md"), "an absolute path"),
        ("../outside/x.md", ".. leads out of the folder"),
        ("~/x.md", "~ names a home folder"),
        ("out/x.md", "a symbolic link leads out of the folder"),
        ("victim.md", "a symbolic link leads out of the folder"),
    ]
    app = confined(model, model.parent)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        dialog = await open_export(app, pilot)
        # Only names relative to the folder are taken, so that is what is offered.
        assert dialog.query_one("#export-path", Input).value == "ops-agent.svg"
        await pilot.press("escape")
        await pilot.pause()
        for text, reason in attempts:
            dialog = await export_as(app, pilot, "md", text)
            assert app.screen is dialog, text
            shown = text_of(dialog.query_one("#export-error", Static))
            assert shown.startswith("Not written: ") and reason in shown, shown
            assert str(model.parent) in shown and "--allow-any-path" in shown
            await pilot.press("escape")
            await pilot.pause()
        assert files_in(outside) == {"victim.md": "mine\n"}
        assert files_in(home) == {}

        await export_as(app, pilot, "md")  # the name offered: next to the model
        assert isinstance(app.screen, MainScreen)
        assert "SRE operations agent" in model.with_suffix(".md").read_text(encoding="utf-8")
        await export_as(app, pilot, "md", "out-of-date.md")
        assert isinstance(app.screen, MainScreen)
        assert (model.parent / "out-of-date.md").exists()


async def test_unconfined_export_still_writes_where_it_is_told(
        layout: tuple[Path, Path, Path]) -> None:
    model, outside, home = layout
    app = app_for(model)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        dialog = await open_export(app, pilot)
        assert dialog.query_one("#export-path", Input).value == str(model.with_suffix(".svg"))
        await pilot.press("escape")
        await pilot.pause()
        await export_as(app, pilot, "md", str(outside / "x.md"))
        assert isinstance(app.screen, MainScreen)
        await export_as(app, pilot, "md", "~/notes.md")
        assert isinstance(app.screen, MainScreen)
    assert "SRE operations agent" in (outside / "x.md").read_text(encoding="utf-8")
    assert (home / "notes.md").exists()


async def test_confined_start_screen_creates_and_opens_only_inside(
        layout: tuple[Path, Path, Path], tmp_path: Path) -> None:
    model, outside, _ = layout
    stranger = outside / "stranger.yaml"
    shutil.copy(model, stranger)
    remember(stranger)  # a recent file from an earlier, unconfined session
    app = confined(None, model.parent)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        start = app.screen
        assert isinstance(start, StartScreen)
        error = start.query_one("#start-error", Static)

        box = start.query_one("#new-path", Input)
        box.value = "../outside/new.yaml"
        box.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert text_of(error).startswith("Not created: ../outside/new.yaml: .. leads out")

        box = start.query_one("#open-path", Input)
        box.value = str(stranger)
        box.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert text_of(error).startswith(f"Not opened: {stranger}: an absolute path")
        assert app.screen is start

        start.open(stranger)  # what choosing it in the recent list does
        await pilot.pause()
        assert "is outside the model's folder" in text_of(error)
        assert app.screen is start

        await pilot.press("ctrl+g")
        await pilot.pause()
        questions = app.screen
        assert isinstance(questions, QuestionnaireScreen)
        name = questions.query_one("#file-name", Input)
        name.value = "out/guided.yaml"
        name.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is questions
        assert "a symbolic link leads out" in text_of(questions.query_one("#q-error", Static))
        name.value = "guided.yaml"
        await pilot.press("enter")  # the review of what will be written
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    assert (model.parent / "guided.yaml").exists()
    assert sorted(files_in(outside)) == ["stranger.yaml", "victim.md"]
    assert not (tmp_path / "new.yaml").exists()
