"""The application shell: opening, live analysis, undo, saving, quitting."""

from __future__ import annotations

from pathlib import Path

from scoping_tui.tui.dialogs.confirm import ConfirmDialog
from scoping_tui.tui.messages import EditRequested
from scoping_tui.tui.screens.main import MainScreen
from scoping_tui.tui.widgets.status_bar import StatusBar
from tests.tui.conftest import app_for, settle


def status(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(StatusBar).render())


async def test_opening_a_sample_shows_its_analysis_in_the_status_bar(sample_copy) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy("ops-agent"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert "phase production" in status(app)
        assert "1 critical" in status(app)
        assert "unsaved" not in status(app)


async def test_an_edit_reanalyses_marks_unsaved_and_undo_restores(sample_copy) -> None:  # type: ignore[no-untyped-def]
    path = sample_copy("ops-agent")
    app = app_for(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        before = app.analysis
        assert before is not None and before.assessment is not None
        app.screen.post_message(EditRequested(
            lambda m: m.set_value(("components", 3, "agent", "approval"), "every-action"),
            "approval"))
        await settle(app, pilot)
        assert app.analysis is not None and app.analysis.assessment is not None
        assert app.analysis.assessment.agentic.value == 2
        assert "● unsaved" in status(app)
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert app.analysis.assessment.agentic.value == 3
        assert "unsaved" not in status(app)
        await pilot.press("ctrl+y")
        await settle(app, pilot)
        assert app.analysis.assessment.agentic.value == 2


async def test_save_writes_only_the_change_and_quit_asks_when_dirty(sample_copy) -> None:  # type: ignore[no-untyped-def]
    path: Path = sample_copy("ops-agent")
    original = path.read_text(encoding="utf-8")
    app = app_for(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.screen.post_message(EditRequested(
            lambda m: m.set_value(("components", 3, "agent", "approval"), "every-action"),
            "approval"))
        await settle(app, pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = path.read_text(encoding="utf-8")
        changed = [(a, b) for a, b in zip(original.splitlines(), saved.splitlines(),
                                          strict=True) if a != b]
        assert len(changed) == 1
        assert "every-action" in changed[0][1]
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0 or app.return_code is None


async def test_a_file_changed_on_disk_is_not_overwritten_without_asking(sample_copy) -> None:  # type: ignore[no-untyped-def]
    path: Path = sample_copy("ops-agent")
    app = app_for(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.screen.post_message(EditRequested(
            lambda m: m.set_value(("system", "owner"), "Me"), "owner"))
        await settle(app, pilot)
        theirs = path.read_text(encoding="utf-8") + "# their change\n"
        path.write_text(theirs, encoding="utf-8")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.click("#no")
        await pilot.pause()
        assert path.read_text(encoding="utf-8") == theirs
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert "owner: Me" in path.read_text(encoding="utf-8")


async def test_an_invalid_edit_shows_a_problem_that_jumps_to_the_field(sample_copy) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import DataTable, TabbedContent

    app = app_for(sample_copy("ops-agent"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.screen.post_message(EditRequested(
            lambda m: m.set_value(("flows", 0, "protocol"), "carrier-pigeon"), "protocol"))
        await settle(app, pilot)
        assert app.analysis is not None and app.analysis.assessment is None
        assert "problem" in status(app)
        await pilot.press("f6")
        await pilot.pause()
        table = app.screen.query_one("#problems-panel DataTable", DataTable)
        table.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.query_one(TabbedContent).active == "element"
        focused = app.focused
        assert focused is not None
        # The protocol field of the first flow has the keyboard.
        assert focused.id == "field-protocol"


async def test_unsaved_edits_survive_a_crash_and_are_offered_back(sample_copy) -> None:  # type: ignore[no-untyped-def]
    path: Path = sample_copy("ops-agent")
    original = path.read_text(encoding="utf-8")
    first = app_for(path)
    async with first.run_test(size=(120, 40)) as pilot:
        await settle(first, pilot)
        first.screen.post_message(EditRequested(
            lambda m: m.set_value(("system", "owner"), "Recovered Owner"), "owner"))
        await settle(first, pilot)
        # The session ends here without saving or quitting: as after a crash.
    assert path.read_text(encoding="utf-8") == original

    second = app_for(path)
    async with second.run_test(size=(120, 40)) as pilot:
        await settle(second, pilot)
        assert isinstance(second.screen, ConfirmDialog)
        await pilot.click("#yes")
        await settle(second, pilot)
        assert second.workspace is not None
        assert "owner: Recovered Owner" in second.workspace.text
        assert second.workspace.dirty
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert "owner: Recovered Owner" in path.read_text(encoding="utf-8")

    third = app_for(path)
    async with third.run_test(size=(120, 40)) as pilot:
        await settle(third, pilot)
        assert isinstance(third.screen, MainScreen), "nothing to recover after a save"


async def test_discarding_the_recovery_copy_forgets_it(sample_copy) -> None:  # type: ignore[no-untyped-def]
    path: Path = sample_copy("ops-agent")
    first = app_for(path)
    async with first.run_test(size=(120, 40)) as pilot:
        await settle(first, pilot)
        first.screen.post_message(EditRequested(
            lambda m: m.set_value(("system", "owner"), "Lost"), "owner"))
        await settle(first, pilot)
    second = app_for(path)
    async with second.run_test(size=(120, 40)) as pilot:
        await settle(second, pilot)
        await pilot.click("#no")
        await settle(second, pilot)
        assert second.workspace is not None and "Lost" not in second.workspace.text
    third = app_for(path)
    async with third.run_test(size=(120, 40)) as pilot:
        await settle(third, pilot)
        assert isinstance(third.screen, MainScreen)
