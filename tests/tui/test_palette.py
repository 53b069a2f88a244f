"""The command palette (Ctrl+P) holds every action the app has a key for, found by the words a
user would type, and running one does what its key does."""

from __future__ import annotations

from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.widgets import TabbedContent

from scoping_tui.tui.app import ScopingApp
from scoping_tui.tui.commands import palette_commands
from scoping_tui.tui.dialogs.export_dialog import ExportDialog
from scoping_tui.tui.dialogs.new_element import NewElementDialog
from tests.tui.conftest import app_for, settle, until


def _titles(app: ScopingApp) -> list[str]:
    return [command.title for command in palette_commands(app, app.screen)]


async def test_every_key_is_a_command_named_with_its_key(sample_copy) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy("ops-agent"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        titles = _titles(app)
        for words in ("Save", "Undo", "Redo", "Add", "Delete", "Rename", "Duplicate",
                      "Findings", "Controls", "Diagram: Export", "Findings: Accept risk"):
            assert any(title.startswith(words) for title in titles), (words, titles)
        assert any("data flow" in title and title.endswith("(n)") for title in titles)
        # One Quit, ours, which asks before dropping unsaved edits.
        quits = [c for c in app.get_system_commands(app.screen) if "Quit" in c.title]
        quit_key = next(b for b in ScopingApp.BINDINGS
                    if isinstance(b, Binding) and b.action == "request_quit")
    assert len(quits) == 1
    assert quits[0].title.endswith(f"({app.get_key_display(quit_key)})")


async def _palette(app: ScopingApp, pilot, query: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the command palette")
    await pilot.press(*query)
    palette = app.screen
    hits = palette.query_one(CommandList)
    await until(pilot, lambda: hits.option_count > 0, "a match", step=0.05)
    await pilot.press("down", "enter")


async def test_typing_flow_finds_add_and_runs_it_on_the_tree(sample_copy) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy("ops-agent"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await _palette(app, pilot, "data flow")
        await until(pilot, lambda: isinstance(app.screen, NewElementDialog), "the add dialog")


async def test_export_from_the_palette_shows_the_diagram_tab_and_opens_export(sample_copy) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy("ops-agent"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await _palette(app, pilot, "diagram export")
        await until(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one(TabbedContent).active == "diagram"
