"""The Scope, Problems and Diagram tabs and the export dialog, on real copies of the samples."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.message import Message
from textual.widgets import Checkbox, DataTable, Input, Select, Static, TabbedContent

from scoping_tui.export.dot import GraphvizMissing
from scoping_tui.model.paths import format_path
from scoping_tui.tui.app import ScopingApp
from scoping_tui.tui.dialogs.confirm import ConfirmDialog
from scoping_tui.tui.dialogs.export_dialog import ExportDialog
from scoping_tui.tui.messages import JumpTo
from scoping_tui.tui.screens.main import MainScreen
from scoping_tui.tui.widgets.diagram_panel import DiagramPanel
from scoping_tui.tui.widgets.problems_panel import ProblemsPanel, parse_path
from scoping_tui.tui.widgets.scope_panel import ScopePanel
from tests.tui.conftest import app_for, settle


def text_of(widget: Static) -> str:
    return str(widget.content)


async def open_tab(app: ScopingApp, pilot, tab: str) -> None:  # type: ignore[no-untyped-def]
    app.screen.query_one(TabbedContent).active = tab
    await pilot.pause()


# -- parse_path -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "path"), [
    ("components[2].agent.approval", ("components", 2, "agent", "approval")),
    ("system.generative_scope", ("system", "generative_scope")),
    ("flows[10]", ("flows", 10)),
    ("components[0].agent.tools[3].permissions[1]",
     ("components", 0, "agent", "tools", 3, "permissions", 1)),
    ("version", ("version",)),
    ("", ()),
])
def test_parse_path_reads_a_diagnostic_path_back(text: str, path: tuple[str | int, ...]) -> None:
    assert parse_path(text) == path
    assert format_path(path) == text


# -- scope ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("sample", "generative", "agentic"), [
    ("ops-agent", 3, 3),
    ("saas-copilot", 2, 2),
])
async def test_scope_tab_highlights_this_systems_cells(sample_copy, sample: str,  # type: ignore[no-untyped-def]
                                                       generative: int, agentic: int) -> None:
    app = app_for(sample_copy(sample))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_tab(app, pilot, "scope")
        panel = app.screen.query_one(ScopePanel)
        for prefix, here, count in (("gen", generative, 5), ("agt", agentic, 4)):
            for number in range(1, count + 1):
                cell = panel.query_one(f"#{prefix}-{number}", Static)
                assert cell.has_class("here") == (number == here), (prefix, number)
                assert ("this system" in text_of(cell)) == (number == here)
                assert not cell.has_class("declared")
            verdict = panel.query_one(f"#{prefix}-verdict", Static)
            assert f"Scope {here}" in text_of(verdict)
            assert "matches the declared scope" in text_of(verdict)
            assert not verdict.has_class("mismatch")
        reasons = text_of(panel.query_one("#agt-reasons", Static))
        assert reasons.startswith("Why:")
        matters = text_of(panel.query_one("#gen-matters", Static))
        assert "Governance & compliance" in matters
        assert f"agentic scope {agentic}" in text_of(panel.query_one("#agt-matters", Static))


async def test_scope_tab_flags_a_declared_scope_the_components_do_not_imply(sample_copy,  # type: ignore[no-untyped-def]
                                                                            ) -> None:
    path: Path = sample_copy("saas-copilot")
    path.write_text(path.read_text(encoding="utf-8").replace("agentic_scope: 2",
                                                             "agentic_scope: 4"),
                    encoding="utf-8")
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await open_tab(app, pilot, "scope")
        panel = app.screen.query_one(ScopePanel)
        assert panel.has_class("-narrow")  # five columns do not fit beside the tree
        assert panel.query_one("#agt-2", Static).has_class("here")
        declared = panel.query_one("#agt-4", Static)
        assert declared.has_class("declared") and "⚠ declared" in text_of(declared)
        verdict = panel.query_one("#agt-verdict", Static)
        assert verdict.has_class("mismatch")
        assert "declared 4 (Full agency), but the components imply 2" in text_of(verdict)


# -- problems ---------------------------------------------------------------------------------


async def test_problems_tab_lists_an_error_and_enter_jumps_to_its_path(sample_copy) -> None:  # type: ignore[no-untyped-def]
    path: Path = sample_copy("ops-agent")
    text = path.read_text(encoding="utf-8")
    assert "approval: high-risk" in text
    path.write_text(text.replace("approval: high-risk", "approval: sometimes", 1),
                    encoding="utf-8")
    line = text.splitlines().index("      approval: high-risk") + 1
    messages: list[Message] = []
    app = app_for(path)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await settle(app, pilot)
        await open_tab(app, pilot, "problems")
        panel = app.screen.query_one(ProblemsPanel)
        table = panel.query_one(DataTable)
        assert table.row_count >= 1
        severity, position, problem = (str(cell) for cell in table.get_row_at(0))
        assert severity.endswith("error")
        assert position.startswith(f"{line}:")
        assert "sometimes" in problem
        assert "components[3].agent.approval" in text_of(panel.query_one("#problem-detail",
                                                                         Static))
        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        jumps = [m for m in messages if isinstance(m, JumpTo)]
        assert jumps and jumps[0].path == ("components", 3, "agent", "approval")


async def test_problems_tab_says_when_there_are_none(sample_copy) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy("ops-agent"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await open_tab(app, pilot, "problems")
        panel = app.screen.query_one(ProblemsPanel)
        assert panel.query_one("#problems-empty", Static).display
        assert not panel.query_one(DataTable).display


# -- diagram and export -----------------------------------------------------------------------


async def test_diagram_tab_shows_boundaries_components_and_flows(sample_copy) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy("ops-agent"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await open_tab(app, pilot, "diagram")
        shown = text_of(app.screen.query_one("#diagram-text", Static))
        assert "▣ Operations account  (cloud-account)" in shown
        assert "• Operations agent  [agent]  ops-agent  ◆" in shown
        assert "⇢ On-call engineer ──internal, restricted/https──▶ Ops console" in shown
        assert "⚠ no auth, no TLS" in shown


async def open_export(app: ScopingApp, pilot) -> ExportDialog:  # type: ignore[no-untyped-def]
    await open_tab(app, pilot, "diagram")
    app.screen.query_one("#diagram-scroll").focus()
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(app.screen, ExportDialog)
    return app.screen


async def export_as(app: ScopingApp, pilot, fmt: str, name: str | None = None,  # type: ignore[no-untyped-def]
                    ) -> ExportDialog:
    dialog = await open_export(app, pilot)
    dialog.query_one("#export-format", Select).value = fmt
    await pilot.pause()
    box = dialog.query_one("#export-path", Input)
    if name is not None:
        box.value = name
    box.focus()
    await pilot.press("enter")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    return dialog


async def test_export_writes_markdown_mermaid_and_svg_next_to_the_model(sample_copy) -> None:  # type: ignore[no-untyped-def]
    model: Path = sample_copy("ops-agent")
    app = app_for(model)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        dialog = await open_export(app, pilot)
        assert dialog.query_one("#export-path", Input).value == str(model.with_suffix(".svg"))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)

        await export_as(app, pilot, "md")
        assert isinstance(app.screen, MainScreen)
        report = model.with_suffix(".md").read_text(encoding="utf-8")
        assert "SRE operations agent" in report

        await export_as(app, pilot, "mmd")
        mermaid = model.with_suffix(".mmd").read_text(encoding="utf-8")
        assert mermaid.startswith("flowchart LR")

        dialog = await open_export(app, pilot)
        dialog.query_one("#export-view", Select).value = "around:ops-agent"
        dialog.query_one("#export-findings", Checkbox).value = False
        dialog.query_one("#export-path", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        svg = model.with_suffix(".svg").read_text(encoding="utf-8")
        assert "<svg" in svg and "Operations agent" in svg
        assert "Ticketing system" not in svg  # not a neighbour of the agent


async def test_export_refuses_the_model_file_and_asks_before_overwriting(sample_copy) -> None:  # type: ignore[no-untyped-def]
    model: Path = sample_copy("ops-agent")
    original = model.read_text(encoding="utf-8")
    app = app_for(model)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        dialog = await export_as(app, pilot, "md", str(model))
        assert app.screen is dialog
        assert "refusing to write over it" in text_of(dialog.query_one("#export-error", Static))
        assert model.read_text(encoding="utf-8") == original
        await pilot.press("escape")
        await pilot.pause()

        target = model.with_name("report.md")
        target.write_text("mine\n", encoding="utf-8")
        await export_as(app, pilot, "md", "report.md")  # relative: next to the model
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # keep it
        await pilot.pause()
        assert target.read_text(encoding="utf-8") == "mine\n"
        assert isinstance(app.screen, ExportDialog)
        app.screen.query_one("#export-path", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert "SRE operations agent" in target.read_text(encoding="utf-8")


async def test_export_without_graphviz_writes_the_dot_source_instead(sample_copy,  # type: ignore[no-untyped-def]
                                                                     monkeypatch) -> None:
    def missing(source: str, fmt: str) -> bytes:
        raise GraphvizMissing()

    monkeypatch.setattr("scoping_tui.tui.dialogs.export_dialog.render_graph", missing)
    model: Path = sample_copy("ops-agent")
    app = app_for(model)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        await export_as(app, pilot, "png")
        assert isinstance(app.screen, MainScreen)
        assert not model.with_suffix(".png").exists()
        assert model.with_suffix(".dot").read_text(encoding="utf-8").startswith("digraph")
        notes = [n.message for n in app._notifications]
        assert any("Graphviz" in note and "dot -Tpng" in note for note in notes)


async def test_export_is_refused_while_the_model_has_errors(sample_copy) -> None:  # type: ignore[no-untyped-def]
    path: Path = sample_copy("ops-agent")
    path.write_text(path.read_text(encoding="utf-8").replace("approval: high-risk",
                                                             "approval: sometimes", 1),
                    encoding="utf-8")
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await open_tab(app, pilot, "diagram")
        panel = app.screen.query_one(DiagramPanel)
        assert "errors" in text_of(panel.query_one("#diagram-notice", Static))
        app.screen.query_one("#diagram-scroll").focus()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
