"""The add dialog as a person types it: names make the ids, a few letters find a type or the
other end of a flow, and a flow from an agent to a tool asks what the agent may do there."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Label

from scoping_tui.tui.dialogs.new_element import NewElementDialog
from tests.tui.conftest import app_for, model_data, press_to, settle, tree, until

MODEL = """\
version: 1
system:
  name: Support
boundaries:
  - id: app-vpc
    name: Application VPC
    kind: vpc
components:
  - id: api
    name: Support API
    type: service
    boundary: app-vpc
  - id: agent
    name: Support agent
    type: agent
    boundary: app-vpc
  - id: llm
    name: Hosted model
    type: foundation-model
  - id: refunds
    name: Refund tool
    type: tool
    boundary: app-vpc
flows:
  - id: api-to-agent
    from: api
    to: agent
"""


def small(tmp_path: Path) -> Path:
    path = tmp_path / "support.yaml"
    path.write_text(MODEL, encoding="utf-8")
    return path


async def _open(pilot, app, key: str) -> NewElementDialog:  # type: ignore[no-untyped-def]
    await pilot.press(key)
    await until(pilot, lambda: isinstance(app.screen, NewElementDialog), "the add dialog")
    assert isinstance(app.screen, NewElementDialog)
    return app.screen


async def test_a_flow_from_an_agent_to_a_tool_grants_it_with_its_approval_rule(
        tmp_path: Path) -> None:
    app = app_for(small(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await press_to(pilot, app, ("component", "agent"))
        dialog = await _open(pilot, app, "f")
        await pilot.press(*"ref")
        assert dialog.query_one("#grant-fields").display   # an agent calling a tool
        await pilot.press("tab", *"fin", "tab", "tab", *"refunds above 100 EUR", "enter")
        await settle(app, pilot)
        data = model_data(app)
        assert {"id": "agent-to-refunds", "from": "agent", "to": "refunds"} in data["flows"]
        agent = next(c for c in data["components"] if c["id"] == "agent")
        # The condition says some calls wait: the approval is conditional.
        assert agent["agent"]["tools"] == [{"tool": "refunds", "permissions": ["financial"],
                                            "approval": "conditional",
                                            "approval_when": "refunds above 100 EUR"}]
        assert tree(app).cursor_key == ("component", "agent")
        # One edit: one undo takes the flow and the grant back.
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        data = model_data(app)
        assert [f["id"] for f in data["flows"]] == ["api-to-agent"]
        assert "agent" not in next(c for c in data["components"] if c["id"] == "agent")


async def test_a_flow_from_an_agent_to_a_model_makes_it_the_agents_model_and_says_so(
        tmp_path: Path) -> None:
    app = app_for(small(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await press_to(pilot, app, ("component", "agent"))
        dialog = await _open(pilot, app, "f")
        await pilot.press(*"ll")
        assert not dialog.query_one("#grant-fields").display   # not a tool
        await pilot.press("enter")
        await settle(app, pilot)
        agent = next(c for c in model_data(app)["components"] if c["id"] == "agent")
        assert agent["agent"] == {"model": "llm"}
        assert any("agent reasons with llm" in str(n.message) for n in app._notifications)


async def test_shift_f_adds_a_flow_into_the_selected_component(tmp_path: Path) -> None:
    app = app_for(small(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await press_to(pilot, app, ("component", "llm"))
        dialog = await _open(pilot, app, "F")
        assert dialog.query_one("#to", Input).value == "llm"
        assert dialog.query_one("#to", Input).disabled     # fixed: it is the cursor's
        await pilot.press(*"api", "enter")
        await settle(app, pilot)
        assert {"id": "api-to-llm", "from": "api", "to": "llm"} in model_data(app)["flows"]
        assert tree(app).cursor_key == ("component", "llm")


async def test_a_component_is_its_name_a_few_letters_of_type_and_enter(tmp_path: Path) -> None:
    app = app_for(small(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await press_to(pilot, app, ("boundary", "app-vpc"))
        dialog = await _open(pilot, app, "n")
        await pilot.press(*"Internal documents", "tab", *"vec")
        assert "→ vector-store" in str(dialog.query_one("#hint", Label).content)
        await pilot.press("enter")
        await settle(app, pilot)
        added = model_data(app)["components"][-1]
        assert added == {"id": "internal-documents", "name": "Internal documents",
                         "type": "vector-store", "boundary": "app-vpc"}


async def test_an_edited_id_stays_and_a_type_that_matches_nothing_is_refused(
        tmp_path: Path) -> None:
    app = app_for(small(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        before = app.workspace.text  # type: ignore[union-attr]
        dialog = await _open(pilot, app, "n")
        await pilot.press(*"Web", "tab", "tab", "tab")
        assert dialog.query_one("#id", Input).value == "web"     # from the name
        await pilot.press(*"site")                               # an id of one's own
        await pilot.press("shift+tab", "shift+tab", "shift+tab", "end", *" app")
        assert dialog.query_one("#name", Input).value == "Web app"
        assert dialog.query_one("#id", Input).value == "site"    # edited ids are kept
        await pilot.press("tab", *"spaceship", "enter")
        assert isinstance(app.screen, NewElementDialog)          # still open
        assert "No component's type matches 'spaceship'" in str(
            dialog.query_one("#error", Label).content)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.workspace.text == before  # type: ignore[union-attr]
