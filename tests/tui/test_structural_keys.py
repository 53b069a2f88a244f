"""Structural edits as one key from the tree: a flow from the selected component, a move into
another boundary. Each is a few keystrokes, one undo, and leaves the cursor where it was."""

from __future__ import annotations

from textual.widgets import Label

from scoping_tui.tui.dialogs.choose import ChooseDialog
from scoping_tui.tui.dialogs.confirm import ConfirmDialog
from scoping_tui.tui.dialogs.new_element import NewElementDialog
from scoping_tui.tui.widgets.status_bar import StatusBar
from tests.tui.conftest import app_for, model_data, press_to, settle, tree, until


async def test_f_adds_a_flow_from_the_selected_component_in_a_few_keys(sample_copy) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy("ops-agent"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await press_to(pilot, app, ("component", "ops-agent"))
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, NewElementDialog), "the dialog")
        await pilot.press(*"ticketing", "enter")   # the other end, found as typed: add
        await settle(app, pilot)
        flow = next(f for f in model_data(app)["flows"] if f["id"] == "ops-agent-to-ticketing")
        assert (flow["from"], flow["to"]) == ("ops-agent", "ticketing")
        # The cursor stays on the agent: its next flow is one key away.
        assert tree(app).cursor_key == ("component", "ops-agent")
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, NewElementDialog), "the dialog")
        await pilot.press(*"console", "enter")     # part of the id is enough
        await settle(app, pilot)
        assert any(f["id"] == "ops-agent-to-ops-console" for f in model_data(app)["flows"])


async def test_m_moves_a_component_into_another_boundary_and_undo_moves_it_back(
        sample_copy) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy("ops-agent"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await press_to(pilot, app, ("component", "metrics-query"))
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, ChooseDialog), "the move dialog")
        await pilot.press("enter", *"sandbox", "enter")
        await settle(app, pilot)
        moved = next(c for c in model_data(app)["components"] if c["id"] == "metrics-query")
        assert moved["boundary"] == "sandbox"
        assert tree(app).cursor_key == ("component", "metrics-query")
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        moved = next(c for c in model_data(app)["components"] if c["id"] == "metrics-query")
        assert moved["boundary"] == "agent-runtime"


async def test_a_boundary_is_not_offered_a_place_inside_itself(sample_copy) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy("ops-agent"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await press_to(pilot, app, ("boundary", "ops-account"))
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, ChooseDialog), "the move dialog")
        offered = {value for _, value in app.screen.options}  # type: ignore[attr-defined]
        assert "ops-account" not in offered
        assert "agent-runtime" not in offered   # nested inside ops-account
        assert "prod-account" in offered
        await pilot.press("escape")
        await settle(app, pilot)
        assert not app.workspace.dirty  # type: ignore[union-attr]


async def test_b_adds_a_boundary_inside_the_one_under_the_cursor(sample_copy) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy("ops-agent"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await press_to(pilot, app, ("boundary", "prod-account"))
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, NewElementDialog), "the dialog")
        await pilot.press(*"Production VPC", "tab", *"vpc")   # the name, the zone kind
        await pilot.press("tab", "tab", *"prod-vpc", "enter")  # past the parent: the id
        await settle(app, pilot)
        added = next(b for b in model_data(app)["boundaries"] if b["id"] == "prod-vpc")
        assert added == {"id": "prod-vpc", "name": "Production VPC", "kind": "vpc",
                         "parent": "prod-account"}
        # The cursor stays on the parent: the next boundary goes beside this one.
        assert tree(app).cursor_key == ("boundary", "prod-account")


async def test_tab_from_the_tree_lands_on_the_first_field(sample_copy) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy("ops-agent"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await press_to(pilot, app, ("component", "ops-agent"))
        await pilot.press("enter", "tab")
        await pilot.pause()
        focused = app.screen.focused
        assert focused is not None and focused.id == "field-id"   # the first field


async def _mark(pilot, app, *components: str, step: str = "down") -> None:  # type: ignore[no-untyped-def]
    for component in components:
        await press_to(pilot, app, ("component", component), step=step)
        await pilot.press("x")
        await pilot.pause()
    assert tree(app).marked[-len(components):] == [("component", c) for c in components]


async def test_x_marks_several_and_m_moves_them_all_in_one_undo(sample_copy) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy("ops-agent"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await _mark(pilot, app, "metrics-query", "restart-service")
        label = str(tree(app).cursor_node.label)  # type: ignore[union-attr]
        assert not label.startswith("✓")   # x moved on: the next row is not marked
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, ChooseDialog), "the move dialog")
        assert "Move 2 marked (metrics-query, restart-service)" in app.screen.question  # type: ignore[attr-defined]
        await pilot.press("enter", *"sandbox", "enter")
        await settle(app, pilot)
        where = {c["id"]: c.get("boundary") for c in model_data(app)["components"]}
        assert where["metrics-query"] == where["restart-service"] == "sandbox"
        assert tree(app).marked == []
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        where = {c["id"]: c.get("boundary") for c in model_data(app)["components"]}
        assert where["metrics-query"] == where["restart-service"] == "agent-runtime"


async def test_delete_with_marks_lists_them_and_their_flows_and_removes_all(sample_copy) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy("ops-agent"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await _mark(pilot, app, "metrics-query", "restart-service")
        await pilot.press("escape")          # Escape clears the marks
        await pilot.pause()
        assert tree(app).marked == []
        await _mark(pilot, app, "restart-service", "metrics-query", step="up")
        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        question = str(app.screen.query_one("#question", Label).content)
        assert question.startswith("Delete these 2 and their ")
        assert "component metrics-query" in question and "component restart-service" in question
        await pilot.click("#yes")
        await settle(app, pilot)
        data = model_data(app)
        gone = {"metrics-query", "restart-service"}
        assert not gone & {c["id"] for c in data["components"]}
        assert not any({f["from"], f["to"]} & gone for f in data["flows"])
        assert "fix them to analyse" not in str(app.screen.query_one(StatusBar).render())
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert gone <= {c["id"] for c in model_data(app)["components"]}
