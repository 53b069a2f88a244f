"""The start screen (open, recent, new from a template) and the guided questionnaire."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, RadioSet, SelectionList, Static, TextArea

from scoping_tui.engine.catalog import load_catalog
from scoping_tui.model.validate import load_model
from scoping_tui.tui.app import ScopingApp
from scoping_tui.tui.recent import load_recent, recent_file, remember, state_dir
from scoping_tui.tui.screens.main import MainScreen
from scoping_tui.tui.screens.proposal_review import ProposalReviewScreen
from scoping_tui.tui.screens.questionnaire import QuestionnaireScreen, file_name_for
from scoping_tui.tui.screens.start import StartScreen
from scoping_tui.util.locations import model_schema_path
from tests.conftest import ROOT
from tests.tui.conftest import AS_OF, settle


@pytest.fixture(autouse=True)
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Recent files go to a temporary state folder; new files to a temporary working folder."""
    home = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(home))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return home


def start_app() -> ScopingApp:
    app = ScopingApp(None, load_catalog(), AS_OF)
    app.debounce_seconds = 0.0
    return app


async def show_start(app: ScopingApp, pilot) -> StartScreen:  # type: ignore[no-untyped-def]
    """The start screen, pushed here if the app does not show it by itself."""
    await pilot.pause()
    if not isinstance(app.screen, StartScreen):
        await app.push_screen(StartScreen())
        await pilot.pause()
    assert isinstance(app.screen, StartScreen)
    return app.screen


async def open_guided(app: ScopingApp, pilot) -> QuestionnaireScreen:  # type: ignore[no-untyped-def]
    """The guided start, opened from the start screen with its key."""
    await pilot.press("ctrl+g")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, QuestionnaireScreen)
    return screen


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*["space" if c == " " else c for c in text])


# -- recent files -----------------------------------------------------------------------------


def assert_schema_line_works_in_a_clone(model: Path) -> None:
    """The editor line is relative (no path of this machine's install) and leads to a copy of
    the bundled schema next to the model, which a clone of its folder carries along."""
    first = model.read_text(encoding="utf-8").splitlines()[0]
    reference = first.removeprefix("# yaml-language-server: $schema=")
    assert reference != first and not Path(reference).is_absolute()
    assert (model.parent / reference).read_bytes() == model_schema_path().read_bytes()


def test_recent_list_lives_in_the_xdg_state_folder(state_home: Path, tmp_path: Path) -> None:
    assert recent_file() == state_home / "scoping-tui" / "recent.json"
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    for path in (first, second):
        path.write_text("version: 1\n", encoding="utf-8")
        remember(path)
    remember(first)
    assert load_recent() == [first.resolve(), second.resolve()]
    second.unlink()
    assert load_recent() == [first.resolve()]
    recent_file().write_text("not json", encoding="utf-8")
    assert load_recent() == []


def test_a_relative_xdg_state_home_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", "relative/state")
    monkeypatch.setenv("HOME", "/home/someone")
    assert state_dir() == Path("/home/someone/.local/state/scoping-tui")


# -- the start screen -------------------------------------------------------------------------


async def test_open_a_typed_path_then_reopen_it_from_recent(tmp_path: Path) -> None:
    model = tmp_path / "ops.yaml"
    shutil.copy(ROOT / "samples" / "ops-agent.yaml", model)
    app = start_app()
    async with app.run_test(size=(80, 24)) as pilot:
        start = await show_start(app, pilot)
        assert start.query_one("#no-recent", Static)
        await pilot.press("ctrl+o")
        await type_text(pilot, "../ops.yaml")  # relative to the working folder
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.workspace is not None and app.workspace.path.resolve() == model.resolve()
        assert app.analysis is not None and app.analysis.assessment is not None
    assert json.loads(recent_file().read_text(encoding="utf-8")) == [str(model.resolve())]

    app = start_app()
    async with app.run_test(size=(80, 24)) as pilot:
        start = await show_start(app, pilot)
        recent = start.query_one("#recent", OptionList)
        assert recent.option_count == 1
        await pilot.press("ctrl+r", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.workspace is not None and app.workspace.path == model.resolve()


async def test_opening_a_missing_file_says_so_and_stays() -> None:
    app = start_app()
    async with app.run_test(size=(80, 24)) as pilot:
        start = await show_start(app, pilot)
        await pilot.press("ctrl+o")
        await type_text(pilot, "nothing.yaml")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is start
        assert "no such file" in str(start.query_one("#start-error", Static).content)


async def test_new_from_a_template_creates_the_file_and_refuses_to_overwrite() -> None:
    app = start_app()
    async with app.run_test(size=(80, 24)) as pilot:
        start = await show_start(app, pilot)
        await pilot.press("ctrl+n")
        templates = start.query_one("#templates", OptionList)
        ops = next(i for i in range(templates.option_count)
                   if templates.get_option_at_index(i).id.endswith("ops-agent.yaml"))  # type: ignore[union-attr]
        await pilot.press(*["down"] * ops, "enter")  # Enter moves to the file name
        box = start.query_one("#new-path", Input)
        assert app.focused is box and box.value == "my-ops-agent.yaml"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        created = Path.cwd() / "my-ops-agent.yaml"
        text = created.read_text(encoding="utf-8")
        sample = (ROOT / "samples" / "ops-agent.yaml").read_text(encoding="utf-8")
        assert text.splitlines()[1:] == sample.splitlines()[1:]
        assert_schema_line_works_in_a_clone(created)
        assert load_model(created).ok

    created.write_text("# mine\n", encoding="utf-8")
    app = start_app()
    async with app.run_test(size=(80, 24)) as pilot:
        start = await show_start(app, pilot)
        await pilot.press("ctrl+n", "down", "down", "enter")
        box = start.query_one("#new-path", Input)
        box.value = "my-ops-agent"  # ".yaml" is added
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is start
        assert "already exists" in str(start.query_one("#start-error", Static).content)
        assert created.read_text(encoding="utf-8") == "# mine\n"


# -- the guided questionnaire -----------------------------------------------------------------


def test_file_names_follow_the_system_name() -> None:
    assert file_name_for("Claims triage bot") == "claims-triage-bot.yaml"
    assert file_name_for("  ***  ") == "model.yaml"


async def test_questionnaire_end_to_end_by_keyboard_writes_only_what_was_named() -> None:
    """Issue 15's trial system, answered by keyboard: public customers, a web app, an API, an
    agent with a read-only lookup and refunds approved above 100 EUR, one document store."""
    app = start_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await show_start(app, pilot)
        screen = await open_guided(app, pilot)
        # Questions about agents wait until an agent is named.
        assert not screen.query_one("#q-tools").display
        assert not screen.query_one("#q-trigger").display

        await type_text(pilot, "Support bot")  # replaces the selected default name
        await pilot.press("enter")  # on to the phase
        assert app.focused is screen.query_one("#a-phase", RadioSet)
        await pilot.press("tab", "down", "enter")  # users: the public
        await pilot.pause()
        assert not screen.query_one("#q-staff_groups").display
        await pilot.press("tab")
        assert app.focused is screen.query_one("#a-public_groups", Input)
        await pilot.press("tab", "tab", "tab")  # keep: Customers, a web app named Web app
        assert app.focused is screen.query_one("#a-backend", Input)
        await type_text(pilot, "Support API")
        await pilot.press("tab", "tab", "tab")  # keep the hosted model and its name
        assert app.focused is screen.query_one("#a-agents", Input)
        await type_text(pilot, "Support agent")
        await pilot.pause()
        assert screen.query_one("#q-tools").display
        await pilot.press("tab")
        tools = screen.query_one("#tools-0", TextArea)
        assert app.focused is tools
        assert "Tools of Support agent" in str(screen.query_one("#q-tools Label").content)
        await type_text(pilot, "order lookup: read")
        await pilot.press("enter")
        await type_text(pilot, "refunds: write, approval above 100 EUR")
        await pilot.press("tab", "tab")  # the trigger: a person
        assert app.focused is screen.query_one("#a-stores", TextArea)
        await type_text(pilot, "Internal documents: product manuals, internal")
        await pilot.press("tab")
        box = screen.query_one("#file-name", Input)
        assert app.focused is box and box.value == "support-bot.yaml"
        await pilot.press("enter")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ProposalReviewScreen)
        assert "3 boundaries, 8 components and 7 flows" in str(
            review.query_one("#summary", Static).content)
        assert not (Path.cwd() / "support-bot.yaml").exists()  # nothing written yet
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)

    created = Path.cwd() / "support-bot.yaml"
    result = load_model(created)
    assert result.ok, result.diagnostics
    assert result.model is not None
    model = result.model
    assert model.system.name == "Support bot"
    assert len(model.components) == 8 and len(model.flows) == 7 and len(model.boundaries) == 3
    agent = next(c for c in model.components if c.id == "support-agent").agent
    assert agent is not None
    refunds = next(g for g in agent.tools if g.tool == "refunds")
    assert (refunds.approval, refunds.approval_when) == ("conditional", "above 100 EUR")
    assert app.analysis is not None and app.analysis.assessment is not None
    assert app.analysis.assessment.agentic.value == 3
    assert_schema_line_works_in_a_clone(created)


async def test_review_drops_a_part_with_its_flows_and_brings_them_back() -> None:
    app = start_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await show_start(app, pilot)
        screen = await open_guided(app, pilot)
        screen.query_one("#a-backend", Input).value = "Support API"
        screen.query_one("#a-agents", Input).value = "Bot"
        await pilot.pause()
        screen.query_one("#tools-0", TextArea).text = "refunds: write, approval always"
        await pilot.press("ctrl+s")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ProposalReviewScreen)
        items = review.query_one("#items", SelectionList)
        assert app.focused is items
        keys = [item.key for item in review.proposal.items]
        summary = review.query_one("#summary", Static)
        before = str(summary.content)

        # Drop the API: its two flows go with it, and the screen says which.
        items.highlighted = keys.index("component:support-api")
        await pilot.press("space")
        await pilot.pause()
        assert review.dropped == {"component:support-api", "flow:web-app-to-support-api",
                                  "flow:support-api-to-bot"}
        assert "Dropped with Support API" in str(review.query_one("#cascade", Static).content)
        assert str(summary.content) != before
        # Keeping it again brings them back.
        await pilot.press("space")
        await pilot.pause()
        assert review.dropped == frozenset()
        # Keeping a flow whose end was dropped keeps the end again.
        items.highlighted = keys.index("component:refunds")
        await pilot.press("space")
        items.highlighted = keys.index("flow:bot-to-refunds")
        await pilot.press("space")
        await pilot.pause()
        assert review.dropped == frozenset()
        await pilot.press("space")  # drop the refunds flow alone: the grant goes with it
        # Escape goes back to the answers, as they were; nothing is written.
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#a-agents", Input).value == "Bot"
        assert list(Path.cwd().glob("*.yaml")) == []
        await pilot.press("ctrl+s")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ProposalReviewScreen)
        items = review.query_one("#items", SelectionList)
        items.highlighted = [i.key for i in review.proposal.items].index("flow:bot-to-refunds")
        await pilot.press("space", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)

    text = (Path.cwd() / "new-ai-system.yaml").read_text(encoding="utf-8")
    assert "bot-to-refunds" not in text and "tool: refunds" not in text
    assert "id: refunds" in text


async def test_questionnaire_refuses_to_overwrite_and_escape_goes_back() -> None:
    existing = Path.cwd() / "new-ai-system.yaml"
    existing.write_text("# mine\n", encoding="utf-8")
    app = start_app()
    async with app.run_test(size=(80, 24)) as pilot:
        start = await show_start(app, pilot)
        screen = await open_guided(app, pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert "already exists" in str(screen.query_one("#q-error", Static).content)
        assert existing.read_text(encoding="utf-8") == "# mine\n"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is start


async def test_the_minimal_skeleton_is_the_first_template_and_opens_empty() -> None:
    app = start_app()
    async with app.run_test(size=(80, 24)) as pilot:
        start = await show_start(app, pilot)
        await pilot.press("ctrl+n", "enter")       # the first template, then the file name
        box = start.query_one("#new-path", Input)
        assert app.focused is box and box.value == "my-system.yaml"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        created = Path.cwd() / "my-system.yaml"
        result = load_model(created)
        assert result.ok and result.model is not None
        assert result.model.components == ()
        assert_schema_line_works_in_a_clone(created)
