"""Editing through the model tree and the element form, on real copies of the samples."""

from __future__ import annotations

import difflib
import html
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from textual.widgets import Input, Label, Select, SelectionList

from scoping_tui.tui.app import ScopingApp
from scoping_tui.tui.dialogs.confirm import ConfirmDialog
from scoping_tui.tui.dialogs.export_dialog import ExportDialog
from scoping_tui.tui.dialogs.new_element import NewElementDialog
from scoping_tui.tui.dialogs.rename import RenameDialog
from scoping_tui.tui.dialogs.rename_element import RenameElementDialog
from scoping_tui.tui.screens.main import MainScreen
from scoping_tui.tui.widgets.element_editor import ElementEditor
from scoping_tui.tui.widgets.status_bar import StatusBar
from tests.tui.conftest import app_for, model_data, press_to, settle, tree, until

EXCESSIVE_AGENCY = "LLM06-EXCESSIVE-AGENCY@ops-agent"


def editor(app: ScopingApp) -> ElementEditor:
    return app.screen.query_one(ElementEditor)


def finding_ids(app: ScopingApp) -> set[str]:
    assert app.analysis is not None and app.analysis.assessment is not None
    return {status.finding.id for status in app.analysis.assessment.findings}


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def screen_text(app: ScopingApp) -> str:
    """The text on the screen, line by line (read back from the SVG screenshot)."""
    lines: dict[float, str] = {}
    for y, text in re.findall(r'<text [^>]*?y="([\d.]+)"[^>]*>(.*?)</text>',
                              app.export_screenshot()):
        lines[float(y)] = lines.get(float(y), "") + html.unescape(text).replace("\xa0", " ")
    return "\n".join(lines[y] for y in sorted(lines))


async def choose(pilot: Any, text: str) -> None:
    """Open the focused Select, type to find an option and take it."""
    await pilot.press("enter", *text, "enter")


async def open_ops_agent(app: ScopingApp, pilot: Any) -> None:
    await settle(app, pilot)
    assert app.screen.focused is tree(app)
    await press_to(pilot, app, ("component", "ops-agent"))
    await pilot.press("enter")
    await pilot.pause()
    assert editor(app).element == ("component", "ops-agent")


async def focused_input(app: ScopingApp, pilot: Any, field: str) -> Input:
    """The element form's text field for ``field``, with the keyboard in it."""
    widget = editor(app).field_widget((field,))
    assert isinstance(widget, Input)
    widget.focus()
    await pilot.pause()
    return widget


class TestTree:
    """The tree mirrors the model and keeps its place across re-analyses."""

    async def test_boundaries_nest_components_and_flows_read_from_to(self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            model_tree = tree(app)
            assert str(model_tree.root.label).startswith("SRE operations agent")
            groups = [str(node.label) for node in model_tree.root.children]
            assert groups[0].startswith("Trust boundaries")
            assert [g.split(" (")[0] for g in groups[1:]] == ["Flows", "Controls",
                                                              "Accepted risks"]
            ops_account = next(n for n in model_tree.root.children[0].children
                               if n.data == ("boundary", "ops-account"))
            inside = {node.data for node in ops_account.children}
            assert ("boundary", "agent-runtime") in inside  # nested by parent
            assert ("component", "ops-console") in inside
            runtime = next(n for n in ops_account.children
                           if n.data == ("boundary", "agent-runtime"))
            agent = next(n for n in runtime.children if n.data == ("component", "ops-agent"))
            assert "●" in str(agent.label)  # unresolved findings are marked
            flows = model_tree.root.children[1]
            labels = [str(node.label) for node in flows.children]
            assert "oncall → ops-console: Goal and approvals" in labels

    async def test_cursor_and_collapsed_branches_survive_an_edit(self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            await press_to(pilot, app, ("boundary", "corp-network"))
            await pilot.press("space")  # collapse it
            await press_to(pilot, app, ("component", "incident-memory"))
            await pilot.press("enter")
            await pilot.pause()
            form = editor(app)
            name = form.field_widget(("name",))
            assert isinstance(name, Input)
            name.focus()
            await pilot.pause()
            await pilot.press(*"Memory of incidents", "enter")
            await settle(app, pilot)
            assert "name: Memory of incidents" in app.workspace.text  # type: ignore[union-attr]
            model_tree = tree(app)
            assert model_tree.cursor_key == ("component", "incident-memory")
            corp = next(n for n in model_tree.root.children[0].children
                        if n.data == ("boundary", "corp-network"))
            assert not corp.is_expanded


class TestElementForm:
    """The form is generated from the schema and commits edits as the user makes them."""

    async def test_changing_approval_in_a_select_changes_findings_and_only_that_line(
            self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(120, 40)) as pilot:
            await open_ops_agent(app, pilot)
            before = app.workspace.text  # type: ignore[union-attr]
            assert EXCESSIVE_AGENCY in finding_ids(app)
            approval = editor(app).field_widget(("agent", "approval"))
            assert isinstance(approval, Select) and approval.value == "high-risk"
            approval.focus()
            await pilot.pause()
            await choose(pilot, "every")
            await settle(app, pilot)
            assert EXCESSIVE_AGENCY not in finding_ids(app)
            diff = changed_lines(before, app.workspace.text)  # type: ignore[union-attr]
            assert len(diff) == 2
            assert diff[0].strip() == "-      approval: high-risk"
            assert diff[1].strip() == "+      approval: every-action"
            assert approval.value == "every-action"
            assert app.screen.focused is approval  # the re-analysis did not move focus

    async def test_choosing_blank_deletes_the_key(self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(120, 40)) as pilot:
            await open_ops_agent(app, pilot)
            identity = editor(app).field_widget(("agent", "identity"))
            assert isinstance(identity, Select)
            identity.focus()
            await pilot.pause()
            await pilot.press("enter", "home", "enter")  # the blank first option
            await settle(app, pilot)
            assert "identity" not in model_data(app)["components"][3]["agent"]
            assert identity.is_blank()

    async def test_typed_text_commits_on_enter_and_survives_a_reanalysis(
            self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(120, 40)) as pilot:
            await open_ops_agent(app, pilot)
            name = await focused_input(app, pilot, "name")
            await pilot.press(*"SRE agent")
            await pilot.pause()
            assert "SRE agent" not in app.workspace.text  # type: ignore[union-attr]
            # An edit elsewhere re-analyses while the user is typing: the field keeps its text.
            app.workspace.apply(  # type: ignore[union-attr]
                lambda m: m.set_value(("system", "owner"), "SRE"))
            app.schedule_analysis()
            await settle(app, pilot)
            assert name.value == "SRE agent" and app.screen.focused is name
            await pilot.press("enter")
            await settle(app, pilot)
            assert model_data(app)["components"][3]["name"] == "SRE agent"

    async def test_typed_text_reaches_the_model_when_typing_pauses_without_enter(
            self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        app.typing_pause = 0.05
        async with app.run_test(size=(120, 40)) as pilot:
            await open_ops_agent(app, pilot)
            owner = await focused_input(app, pilot, "owner")
            owner.value = ""
            await pilot.press(*"Platform team ")
            await until(pilot, lambda: model_data(app)["components"][3].get("owner")
                        == "Platform team", "the typed owner in the model", step=0.05)
            await settle(app, pilot)
            assert "● unsaved" in str(app.screen.query_one(StatusBar).render())
            # The field keeps what was typed, trailing space and cursor included, and focus.
            assert owner.value == "Platform team " and app.screen.focused is owner
            await pilot.press(*"A")
            await until(pilot, lambda: model_data(app)["components"][3].get("owner")
                        == "Platform team A", "the next keys in the model")

    async def test_saving_at_once_after_typing_writes_the_typed_text(
            self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        path = sample_copy("ops-agent")
        app = app_for(path)
        async with app.run_test(size=(120, 40)) as pilot:
            await open_ops_agent(app, pilot)
            await focused_input(app, pilot, "owner")
            await pilot.press(*"Platform team", "ctrl+s")
            await pilot.pause()
            assert "owner: Platform team" in path.read_text(encoding="utf-8")
            assert not app.workspace.dirty  # type: ignore[union-attr]

    async def test_quitting_right_after_typing_asks_about_the_typed_text(
            self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(120, 40)) as pilot:
            await open_ops_agent(app, pilot)
            await focused_input(app, pilot, "owner")
            await pilot.press(*"Platform team", "ctrl+q")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmDialog)

    async def test_an_export_right_after_typing_holds_the_typed_text(
            self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        path = sample_copy("ops-agent")
        app = app_for(path)
        app.debounce_seconds = 3600.0  # the analysis of the edit has not run yet either
        async with app.run_test(size=(120, 40)) as pilot:
            await open_ops_agent(app, pilot)
            name = await focused_input(app, pilot, "name")
            name.value = ""
            await pilot.press(*"Incident agent", "f7")
            await pilot.pause()
            await pilot.press("e")
            await until(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog")
            path_field = app.screen.query_one("#export-path", Input)
            path_field.value = "review.md"
            await pilot.press("enter")
            target = path.parent / "review.md"
            await until(pilot, target.exists, "the exported report")
            assert "Incident agent" in target.read_text(encoding="utf-8")

    async def test_leaving_a_field_commits_it_and_an_unchanged_one_edits_nothing(
            self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(120, 40)) as pilot:
            await open_ops_agent(app, pilot)
            owner = await focused_input(app, pilot, "owner")
            await pilot.press("tab")
            await settle(app, pilot)
            assert not app.workspace.dirty  # type: ignore[union-attr]
            owner.focus()
            await pilot.pause()
            await pilot.press(*"Platform team", "tab")
            await settle(app, pilot)
            assert model_data(app)["components"][3]["owner"] == "Platform team"

    async def test_a_required_name_cannot_be_emptied(self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(120, 40)) as pilot:
            await open_ops_agent(app, pilot)
            name = await focused_input(app, pilot, "name")
            await pilot.press("backspace", "enter")
            await settle(app, pilot)
            assert not app.workspace.dirty  # type: ignore[union-attr]
            assert name.value == "Operations agent"

    async def test_tri_state_boolean_and_list_of_enums(self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            editor(app).select("flow", "legacy-syslog", ("encrypted",))
            await settle(app, pilot)
            encrypted = app.screen.focused
            assert isinstance(encrypted, Select) and encrypted.value is False
            await choose(pilot, "yes")
            await settle(app, pilot)
            flow = next(f for f in model_data(app)["flows"] if f["id"] == "legacy-syslog")
            assert flow["encrypted"] is True
            data = editor(app).field_widget(("data",))
            assert isinstance(data, SelectionList)
            assert set(data.selected) == {"internal", "pii", "untrusted-content"}
            data.focus()
            await pilot.pause()
            await pilot.press("home", "space")  # tick `public`
            await settle(app, pilot)
            flow = next(f for f in model_data(app)["flows"] if f["id"] == "legacy-syslog")
            assert flow["data"] == ["internal", "pii", "untrusted-content", "public"]

    async def test_agent_tools_can_be_granted_changed_and_removed(self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(120, 40)) as pilot:
            await open_ops_agent(app, pilot)
            form = editor(app)
            permissions = form.field_widget(("agent", "tools", 1, "permissions"))
            assert isinstance(permissions, SelectionList)
            assert permissions.selected == ["read"]
            add = form.field_widget(("agent", "tools", "add"))
            assert isinstance(add, Select)
            add.focus()
            await pilot.pause()
            await choose(pilot, "ticketing")
            await settle(app, pilot)
            tools = model_data(app)["components"][3]["agent"]["tools"]
            assert tools[-1] == {"tool": "ticketing"}
            grant = form.field_widget(("agent", "tools", 5, "permissions"))
            assert isinstance(grant, SelectionList)
            grant.focus()
            await pilot.pause()
            await pilot.press("home", "down", "space")  # write
            await settle(app, pilot)
            tools = model_data(app)["components"][3]["agent"]["tools"]
            assert tools[-1] == {"tool": "ticketing", "permissions": ["write"]}
            remove = form.field_widget(("agent", "tools", 5, "remove"))
            assert remove is not None
            remove.focus()
            await pilot.pause()
            await pilot.press("enter")
            await settle(app, pilot)
            tools = model_data(app)["components"][3]["agent"]["tools"]
            assert [t["tool"] for t in tools] == ["metrics-query", "k8s-mcp", "restart-service",
                                                   "shell-sandbox", "ticket-mcp"]

    async def test_a_tool_grant_says_when_its_calls_wait_for_approval(self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(120, 40)) as pilot:
            await open_ops_agent(app, pilot)
            form = editor(app)
            approval = form.field_widget(("agent", "tools", 2, "approval"))
            assert isinstance(approval, Select)
            approval.focus()
            await pilot.pause()
            await choose(pilot, "conditional")
            await settle(app, pilot)
            when = form.field_widget(("agent", "tools", 2, "approval_when"))
            assert isinstance(when, Input)
            when.focus()
            await pilot.pause()
            await pilot.press(*"production services only", "enter")
            await settle(app, pilot)
            grant = model_data(app)["components"][3]["agent"]["tools"][2]
            assert grant["approval"] == "conditional"
            assert grant["approval_when"] == "production services only"
            assert grant["tool"] == "restart-service"

    async def test_changing_the_type_asks_before_dropping_a_section(self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(120, 40)) as pilot:
            await open_ops_agent(app, pilot)
            component_type = editor(app).field_widget(("type",))
            assert isinstance(component_type, Select)
            component_type.focus()
            await pilot.pause()
            await choose(pilot, "service")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmDialog)
            assert "agent" in str(app.screen.query_one("#question", Label).content)
            await pilot.press("escape")
            await settle(app, pilot)
            assert not app.workspace.dirty  # type: ignore[union-attr]
            assert component_type.value == "agent"
            component_type.focus()
            await pilot.pause()
            await choose(pilot, "service")
            await pilot.pause()
            await pilot.click("#yes")
            await settle(app, pilot)
            ops_agent = model_data(app)["components"][3]
            assert ops_agent["type"] == "service" and "agent" not in ops_agent
            assert editor(app).field_widget(("agent", "approval")) is None  # section hidden
            await pilot.press("ctrl+z")
            await settle(app, pilot)
            assert editor(app).field_widget(("agent", "approval")) is not None

    async def test_a_type_without_a_section_shows_none_and_a_new_type_shows_its_own(
            self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            form = editor(app)
            form.select("component", "prod-services")
            await settle(app, pilot)
            assert all(form.field_widget((s,)) is None for s in ("model", "agent", "store"))
            form.select("component", "incident-memory")
            await settle(app, pilot)
            assert isinstance(form.field_widget(("store", "persistence")), Select)
            assert form.field_widget(("tool", "source")) is None

    async def test_system_form_edits_phase_and_declared_scope(self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            await pilot.press("home", "enter")  # the root: the system
            await pilot.pause()
            form = editor(app)
            assert form.element[0] == "system"
            scope = form.field_widget(("agentic_scope",))
            assert isinstance(scope, Select) and scope.value == 3
            scope.focus()
            await pilot.pause()
            await choose(pilot, "4 full")
            await settle(app, pilot)
            assert model_data(app)["system"]["agentic_scope"] == 4

    async def test_select_with_a_field_focuses_it_for_jump_to_problem(self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            editor(app).select("component", "ops-agent", ("components", 3, "agent",
                                                           "credential_lifetime"))
            await settle(app, pilot)
            focused = app.screen.focused
            assert focused is editor(app).field_widget(("agent", "credential_lifetime"))
            assert focused is not None and focused.region.height == 1  # scrolled into view
            assert "Credential lifetime" in screen_text(app)


class TestTreeEditing:
    """Adding, duplicating, renaming and deleting from the tree, by keyboard."""

    async def test_add_a_flow_with_the_keyboard(self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            await press_to(pilot, app, ("group", "flows"))
            await pilot.press("n")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, NewElementDialog)
            assert dialog.query_one("#kind", Select).value == "flow"  # from the cursor
            await pilot.press(*"ops-console", "tab", *"ops-model", "tab")  # From, To
            await pilot.press(*"Direct prompts", "tab")                       # Name
            id_input = dialog.query_one("#id", Input)
            assert id_input.value == "ops-console-to-ops-model"   # made from the ends
            await pilot.press(*"console-to-model", "tab", "tab", "enter")  # Cancel, Add
            await settle(app, pilot)
            assert isinstance(app.screen, MainScreen)
            flow = next(f for f in model_data(app)["flows"] if f["id"] == "console-to-model")
            assert flow == {"id": "console-to-model", "name": "Direct prompts",
                            "from": "ops-console", "to": "ops-model"}
            assert tree(app).cursor_key == ("flow", "console-to-model")
            assert editor(app).element == ("flow", "console-to-model")

    async def test_add_a_component_inside_the_boundary_under_the_cursor(
            self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            await press_to(pilot, app, ("boundary", "sandbox"))
            await pilot.press("n")
            await pilot.pause()
            # The name, then a few letters of the type; the boundary came from the cursor
            # and the id from the name, so Enter adds it.
            await pilot.press(*"Scratch files", "tab", *"data-s", "enter")
            await settle(app, pilot)
            added = model_data(app)["components"][-1]
            assert added == {"id": "scratch-files", "name": "Scratch files",
                             "type": "data-store", "boundary": "sandbox"}
            assert tree(app).cursor_key == ("component", "scratch-files")

    @pytest.mark.parametrize("typed, message", [
        ("Bad Id", "not a valid id"),
        ("ops-agent", "already used"),
        ("9lives", "start with a lowercase letter"),
    ])
    async def test_an_invalid_id_is_refused_with_a_message(self, sample_copy, typed: str,  # type: ignore[no-untyped-def]
                                                         message: str) -> None:
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            before = app.workspace.text  # type: ignore[union-attr]
            await pilot.press("n")
            await pilot.pause()
            # The name, then Tab past the type and the boundary to the id.
            await pilot.press(*"Something", "tab", *"tool", "tab", "tab", *typed, "enter")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, NewElementDialog)  # still open
            error = dialog.query_one("#error", Label)
            assert message in str(error.content)
            assert message in screen_text(app)  # visible at 80×24
            await pilot.press("escape")
            await settle(app, pilot)
            assert isinstance(app.screen, MainScreen)
            assert app.workspace.text == before  # type: ignore[union-attr]

    async def test_rename_updates_every_reference(self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            await press_to(pilot, app, ("component", "ops-model"))
            await pilot.press("r")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, RenameElementDialog)
            assert "2 reference(s)" in str(dialog.query_one("#note", Label).content)
            await pilot.press("tab", *"reasoning-model", "enter")  # the name stays
            await settle(app, pilot)
            text = app.workspace.text  # type: ignore[union-attr]
            assert "ops-model" not in text
            data = model_data(app)
            assert data["components"][3]["agent"]["model"] == "reasoning-model"
            assert any(f["to"] == "reasoning-model" for f in data["flows"])
            assert tree(app).cursor_key == ("component", "reasoning-model")
            assert not any(d.severity == "error" for d in app.analysis.diagnostics)  # type: ignore[union-attr]

    async def test_rename_takes_along_what_was_derived_from_the_old_name(
            self, tmp_path: Path) -> None:
        path = tmp_path / "shop.yaml"
        path.write_text(SHOP, encoding="utf-8")
        app = app_for(path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await press_to(pilot, app, ("component", "web"))
            await pilot.press("r")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, RenameElementDialog)
            assert app.focused is dialog.query_one("#new-name", Input)
            await pilot.press(*"Web", "space", *"app")  # replaces the selected old name
            await pilot.pause()
            # The id was made from the name, so it follows it.
            assert dialog.query_one("#new-id", Input).value == "web-app"
            listing = dialog.query_one("#derived", SelectionList)
            labels = [str(listing.get_option_at_index(i).prompt)
                      for i in range(listing.option_count)]
            assert labels[0] == "flow web-to-api: id web-to-api → web-app-to-api"
            assert any(label.startswith("system description: Customers use Web app")
                       for label in labels)
            assert any(label.startswith("comment on line 6: # Web app is") for label in labels)
            assert len(listing.selected) == len(labels) == 5
            # Skip the flow's name: it stays as written.
            skipped = next(i for i, label in enumerate(labels) if "name of flow" in label)
            await pilot.press("tab", "tab")
            assert app.focused is listing
            listing.highlighted = skipped
            await pilot.press("space")
            await pilot.pause()
            assert len(listing.selected) == 4
            dialog.query_one("#new-name", Input).focus()
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, MainScreen)
            text = app.workspace.text  # type: ignore[union-attr]
            data = model_data(app)
            assert data["components"][0] == {"id": "web-app", "name": "Web app",
                                              "type": "client-app"}
            assert [f["id"] for f in data["flows"]] == ["web-app-to-api", "website-feed"]
            assert data["flows"][1]["to"] == "web-app"
            assert data["system"]["description"].startswith("Customers use Web app")
            assert data["flows"][0]["name"] == "Web requests"  # skipped
            assert "# Web app is the public front end" in text
            assert tree(app).cursor_key == ("component", "web-app")
            # One undo takes it all back.
            await pilot.press("ctrl+z")
            await settle(app, pilot)
            assert app.workspace.text == SHOP  # type: ignore[union-attr]

    async def test_renaming_in_the_form_follows_the_element(self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            await press_to(pilot, app, ("component", "ops-model"))
            await pilot.press("enter")
            await pilot.pause()
            await focused_input(app, pilot, "id")
            await pilot.press(*"brain", "enter")
            await settle(app, pilot)
            assert model_data(app)["components"][3]["agent"]["model"] == "brain"
            assert editor(app).element == ("component", "brain")
            assert tree(app).cursor_key == ("component", "brain")

    async def test_delete_asks_first_and_lists_dangling_references(self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            await press_to(pilot, app, ("component", "ops-model"))
            await pilot.press("delete")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmDialog)
            question = str(app.screen.query_one("#question", Label).content)
            assert "Delete component ops-model and its 1 flow and 1 other reference?" in question
            assert "flow agent-to-model" in question
            await pilot.press("escape")
            await settle(app, pilot)
            assert not app.workspace.dirty  # type: ignore[union-attr]
            await pilot.press("delete")
            await pilot.pause()
            await pilot.click("#yes")
            await settle(app, pilot)
            data = model_data(app)
            ids = [c["id"] for c in data["components"]]
            assert "ops-model" not in ids
            assert "agent-to-model" not in [f["id"] for f in data["flows"]]
            assert "model" not in data["components"][3]["agent"]
            # Nothing dangles, so analysis goes on; the cursor is on a neighbouring component.
            assert "fix them to analyse" not in str(app.screen.query_one(StatusBar).render())
            key = tree(app).cursor_key
            assert key is not None and key[0] == "component"
            await pilot.press("ctrl+z")
            await settle(app, pilot)
            assert "ops-model" in [c["id"] for c in model_data(app)["components"]]

    async def test_duplicate_asks_for_the_new_id(self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            await press_to(pilot, app, ("component", "restart-service"))
            await pilot.press("d")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, RenameDialog)
            assert dialog.query_one(Input).value == "restart-service-copy"
            await pilot.press("enter")
            await settle(app, pilot)
            ids = [c["id"] for c in model_data(app)["components"]]
            assert ids[ids.index("restart-service") + 1] == "restart-service-copy"
            assert tree(app).cursor_key == ("component", "restart-service-copy")


SHOP = """\
version: 1
system:
  name: Shop
  description: Customers use Web to reach the API.
components:
  # Web is the public front end.
  - id: web
    name: Web
    type: client-app
  - id: api
    name: API
    type: service
    description: Called by Web only.
flows:
  - id: web-to-api
    name: Web requests
    from: web
    to: api
  - id: website-feed
    from: api
    to: web
"""


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_forms_render_legibly_at_both_sizes(sample_copy, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    """Every kind of element gets a form whose labels show (no crash, nothing garbled)."""
    path: Path = sample_copy("multi-agent-research")
    app = app_for(path)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        data = model_data(app)
        form = editor(app)
        cases = [("system", "", "System name"),
                 ("boundary", data["boundaries"][0]["id"], "Boundary id"),
                 ("component", data["components"][0]["id"], "Component id"),
                 ("flow", data["flows"][0]["id"], "Flow id")]
        if data.get("controls"):
            cases.append(("control", data["controls"][0]["control"], "Control id"))
        if data.get("accepted_risks"):
            cases.append(("accepted_risk", data["accepted_risks"][0]["finding"], "Finding id"))
        for kind, element_id, label in cases:
            form.select(kind, element_id)
            await settle(app, pilot)
            screen = screen_text(app)
            assert label in screen, (kind, element_id)


class TestProblemsInTheForm:
    """A model that does not validate still opens in the form, with its problems marked."""

    async def test_a_dangling_reference_and_a_bad_value_are_shown_not_lost(
            self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)

            def break_it(model: Any) -> None:
                model.set_value(("flows", 4, "to"), "ghost")
                model.set_value(("flows", 4, "protocol"), "carrier-pigeon")

            app.workspace.apply(break_it)  # type: ignore[union-attr]
            app.schedule_analysis()
            await settle(app, pilot)
            form = editor(app)
            form.select("flow", "agent-to-model")
            await settle(app, pilot)
            target = form.field_widget(("to",))
            protocol = form.field_widget(("protocol",))
            assert isinstance(target, Select) and target.value == "ghost"
            assert isinstance(protocol, Select) and protocol.value == "carrier-pigeon"
            labels = {str(label.content): label for label in form.query(".field-label")
                      .results(Label)}
            assert labels["To"].has_class("-problem")
            assert labels["Protocol"].has_class("-problem")
            assert not labels["From"].has_class("-problem")
            assert "ghost" in screen_text(app)
            target.focus()
            await pilot.pause()
            await choose(pilot, "ops-model")
            await settle(app, pilot)
            assert model_data(app)["flows"][4]["to"] == "ops-model"
            assert not labels["To"].has_class("-problem")

    async def test_a_section_that_no_longer_fits_the_type_can_be_removed(
            self, sample_copy) -> None:  # type: ignore[no-untyped-def]
        app = app_for(sample_copy("ops-agent"))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            app.workspace.apply(  # type: ignore[union-attr]
                lambda m: m.set_value(("components", 3, "type"), "service"))
            app.schedule_analysis()
            await settle(app, pilot)
            form = editor(app)
            form.select("component", "ops-agent", ("agent",))
            await settle(app, pilot)
            assert form.field_widget(("agent", "approval")) is None
            remove = form.field_widget(("agent", "remove"))
            assert remove is not None and app.screen.focused is remove
            await pilot.press("enter")
            await settle(app, pilot)
            assert "agent" not in model_data(app)["components"][3]
            assert app.analysis is not None and app.analysis.assessment is not None


def test_locate_maps_a_document_path_to_an_element_and_a_field(sample_copy) -> None:  # type: ignore[no-untyped-def]
    from scoping_tui.tui.widgets.model_tree import locate

    data = yaml.safe_load(sample_copy("ops-agent").read_text(encoding="utf-8"))
    assert locate(data, ("components", 3, "agent", "approval")) == \
        ("component", "ops-agent", ("agent", "approval"))
    assert locate(data, ("system", "phase")) == ("system", "", ("phase",))
    assert locate(data, ("flows", 0)) == ("flow", "oncall-uses-console", ())
    assert locate(data, ("components",)) is None


async def test_undo_while_a_field_has_focus_shows_the_restored_value(sample_copy) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy("ops-agent"))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_ops_agent(app, pilot)
        name = await focused_input(app, pilot, "name")
        await pilot.press(*"Renamed agent", "enter")
        await settle(app, pilot)
        assert model_data(app)["components"][3]["name"] == "Renamed agent"
        app.action_undo()
        await settle(app, pilot)
        assert model_data(app)["components"][3]["name"] == "Operations agent"
        assert name.value == "Operations agent" and app.screen.focused is name
