"""The Findings and Controls tabs, driven with the keyboard on a copy of a real sample."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from textual.widgets import DataTable, Select, Static

from scoping_tui.tui.dialogs.accept_risk import AcceptRiskDialog
from scoping_tui.tui.dialogs.finding_detail import FindingDetail
from scoping_tui.tui.dialogs.implement_control import ImplementControlDialog
from scoping_tui.tui.messages import EditRequested, ElementSelected
from scoping_tui.tui.screens.main import MainScreen
from scoping_tui.tui.widgets import findings_panel
from scoping_tui.tui.widgets.controls_panel import ControlsPanel
from scoping_tui.tui.widgets.findings_panel import FindingsPanel
from tests.tui.conftest import app_for, settle, until

SAMPLE = "rag-support-assistant"
LLM01 = "LLM01-DIRECT-INJECTION@support-assistant"


def findings(app) -> FindingsPanel:  # type: ignore[no-untyped-def]
    return app.main_screen.query_one(FindingsPanel)


def controls(app) -> ControlsPanel:  # type: ignore[no-untyped-def]
    return app.main_screen.query_one(ControlsPanel)


def row_ids(table: DataTable) -> list[str]:  # type: ignore[type-arg]
    return [str(row.key.value) for row in table.ordered_rows]


def cell(table: DataTable, row: str, column: str) -> str:  # type: ignore[type-arg]
    return str(table.get_cell(row, column))


def screen_text(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(widget.render()) for widget in app.screen.query(Static))


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*text)


async def clear_input(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+a", "ctrl+k")


async def test_findings_filter_by_text_severity_and_framework(sample_copy) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy(SAMPLE))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        panel = findings(app)
        table = panel.table
        await until(pilot, lambda: app.focused is table, "focus on the findings table")
        await all_shown(pilot, panel)
        assessment = app.analysis.assessment
        assert row_ids(table) == [s.finding.id for s in assessment.findings]
        total = len(assessment.findings)
        assert total > 10

        await pilot.press("slash")
        await type_text(pilot, "audit")
        await pilot.pause()
        assert row_ids(table) == ["STRIDE-NO-AUDIT-TRAIL@api-gw", "STRIDE-NO-AUDIT-TRAIL@crm-db",
                                  "STRIDE-NO-AUDIT-TRAIL@support-vectors"]
        await type_text(pilot, " crm")  # every word must match
        await pilot.pause()
        assert row_ids(table) == ["STRIDE-NO-AUDIT-TRAIL@crm-db"]
        summary = str(panel.query_one("#findings-summary", Static).render())
        assert f"1 of {total} findings" in summary

        await pilot.press("escape", "x")  # back to the table, clear every filter
        await pilot.pause()
        assert len(row_ids(table)) == total

        await pilot.press("s")  # the first severity present: high
        await pilot.pause()
        high = [s.finding.id for s in assessment.findings if s.finding.severity == "high"]
        assert row_ids(table) == high and len(high) > 1
        await pilot.press("s")
        await pilot.pause()
        assert {cell(table, i, "severity") for i in row_ids(table)} == {"medium"}
        await pilot.press("s", "s")  # low, then every severity again
        await pilot.pause()
        assert len(row_ids(table)) == total

        # The framework Select, by keyboard: filter text, severity, framework.
        await pilot.press("slash", "tab", "tab", "enter")
        await pilot.pause()
        options = [value for _, value in panel._option_sets["findings-framework"]]
        await pilot.press(*["down"] * (options.index("owasp-agentic") + 1), "enter")
        await pilot.pause()
        assert panel.query_one("#findings-framework", Select).value == "owasp-agentic"
        agentic = [s.finding.id for s in assessment.findings
                   if "owasp-agentic" in s.finding.threat.references]
        assert row_ids(table) == agentic
        assert "AGENT-GOAL-HIJACK@support-assistant" in agentic

        await pilot.press("escape", "x", "u")  # unresolved only: the accepted one goes
        await pilot.pause()
        assert "LLM09-MISINFORMATION@support-assistant" not in row_ids(table)
        assert row_ids(table) == [s.finding.id for s in assessment.findings if s.unresolved]
        assert len(row_ids(table)) < total


async def all_shown(pilot, panel) -> None:  # type: ignore[no-untyped-def]
    """Wait, refresh by refresh, until every row that passes the filters is in the table."""
    for _ in range(200):
        if panel.table.row_count == len(panel._shown):
            return
        await pilot.pause()
    assert panel.table.row_count == len(panel._shown)


async def test_cursor_stays_on_the_same_finding(sample_copy) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy(SAMPLE))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        panel = findings(app)
        await all_shown(pilot, panel)
        await until(pilot, lambda: app.focused is panel.table, "focus on the findings table")
        target = "LLM08-CROSS-TENANT-RETRIEVAL@support-vectors"
        await pilot.press(*["down"] * row_ids(panel.table).index(target))
        await pilot.pause()
        assert panel.current_id == target
        assert target in str(panel.query_one("#findings-current", Static).render())

        await pilot.press("slash", *"vectors", "enter")  # fewer rows above it now
        await all_shown(pilot, panel)
        assert row_ids(panel.table).index(target) == 0
        assert panel.current_id == target

        # A re-analysis (here: an edit elsewhere) rebuilds the rows; the cursor stays put.
        app.main_screen.post_message(EditRequested(
            lambda m: m.set_value(("system", "owner"), "Someone else"), "owner"))
        await settle(app, pilot)
        assert panel.current_id == target
        assert app.focused is panel.table


async def test_enter_shows_the_finding_with_its_reasons_and_g_goes_to_it(sample_copy) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy(SAMPLE))
    messages: list[object] = []
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await settle(app, pilot)
        await pilot.press("f3", "slash", *"direct", "enter")
        panel = findings(app)
        # the filtered rows arrive a chunk per refresh: a loaded machine may need several
        await all_shown(pilot, panel)
        assert panel.current_id == LLM01 and app.focused is panel.table
        await pilot.press("enter")
        for _ in range(50):
            if isinstance(app.screen, FindingDetail):
                break
            await pilot.pause()
        assert isinstance(app.screen, FindingDetail)
        text = screen_text(app)
        status = next(s for s in app.analysis.assessment.findings if s.finding.id == LLM01)
        assert status.finding.reasons
        for reason in status.finding.reasons:
            assert f"line {reason.line:>4}  {reason.text}" in text
        assert status.finding.rating[0] in text
        assert "OWASP" in text and "LLM01:2025" in text
        assert "✗ GUARD-INPUT-FILTER" in text  # declared on the guardrail, not on the agent
        assert "not accepted" in text

        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        selected = [m for m in messages if isinstance(m, ElementSelected)]
        assert (selected[-1].kind, selected[-1].element_id) == ("component", "support-assistant")


async def test_a_corrected_expiry_sends_the_form_on_enter_with_every_value(sample_copy) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy(SAMPLE))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3", "slash", *"direct", "enter", "enter")
        await pilot.pause()
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AcceptRiskDialog), "the dialog")
        dialog = app.screen
        for text in ("Ann Lee", "Q1 fix", "2027-02-30"):  # a date that does not exist
            await type_text(pilot, text)
            await pilot.press("enter")
        await pilot.pause()
        assert "not a real calendar date" in str(dialog.query_one("#errors", Static).render())
        assert app.focused is dialog.query_one("#expires")
        await clear_input(pilot)
        await type_text(pilot, "2027-02-28")
        await pilot.press("enter")  # sends the form: no walk on to the optional Ticket
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        text = app.workspace.text
        assert f"- finding: {LLM01}\n    owner: Ann Lee" in text
        assert "reason: Q1 fix" in text and "2027-02-28" in text


async def test_accept_a_risk_from_the_detail(sample_copy) -> None:  # type: ignore[no-untyped-def]
    path = sample_copy(SAMPLE)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3", "slash", *"direct", "enter", "enter")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AcceptRiskDialog)
        await pilot.press("enter")  # an empty owner is refused at once
        await pilot.pause()
        assert "Owner: required" in str(dialog.query_one("#errors", Static).render())
        assert app.focused is dialog.query_one("#owner")
        await type_text(pilot, "Ann Lee")
        await pilot.press("enter")
        await type_text(pilot, "Q1 fix")
        await pilot.press("enter")

        async def expiry(value: str) -> str:
            await clear_input(pilot)
            await type_text(pilot, value)
            await pilot.press("enter")
            await pilot.pause()
            assert app.focused is dialog.query_one("#expires"), f"{value} was taken"
            return str(dialog.query_one("#errors", Static).render())

        assert "not after today (2026-11-28)" in await expiry("2026-11-01")
        assert "not a real calendar date" in await expiry("2027-02-30")
        assert "YYYY-MM-DD" in await expiry("next year")
        assert "YYYY-MM-DD" in await expiry("2027-6-30")
        assert dialog.query_one("#expires").has_class("-invalid")

        await clear_input(pilot)
        await type_text(pilot, "2027-06-30")
        await pilot.press("tab")  # Enter would now send the form, the optional ticket empty
        await type_text(pilot, "RISK-7")
        await pilot.click("#accept")  # the same as enter on the last field
        await settle(app, pilot)

        assert isinstance(app.screen, MainScreen)
        table = findings(app).table
        assert cell(table, LLM01, "status") == "accepted"
        text = app.workspace.text
        assert f"- finding: {LLM01}\n    owner: Ann Lee" in text
        assert re.search(r"expires: ['\"]2027-06-30['\"]", text)
        assert "ticket: RISK-7" in text
        assert not path.read_text(encoding="utf-8").count(LLM01)  # not saved yet

        # Escape leaves everything as it was.
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AcceptRiskDialog)
        assert app.screen.query_one("#owner").value == "Ann Lee"  # renewing
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.workspace.text == text


async def test_controls_pick_phase_and_implement_a_missing_control(sample_copy) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy(SAMPLE))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await pilot.pause()
        panel = controls(app)
        readiness = panel.query_one("#controls-readiness", Static)
        assert panel.phase == "production"
        production = app.analysis.assessment.readiness_for("production")
        assert production.done == 1
        assert str(readiness.render()) == (f"1 of {production.required} in place "
                                            f"({production.percent}%)")
        blockers = str(panel.query_one("#controls-blockers", Static).render())
        assert "Blocking the move to scaled" in blockers

        # The phase Select, by keyboard: shift+tab from the table, open, pick prototype.
        await pilot.press("shift+tab", "enter")
        phase = panel.query_one("#controls-phase", Select)
        await until(pilot, lambda: phase.expanded, "the phase list to open")
        await pilot.press("up", "enter")
        await until(pilot, lambda: panel.phase == "prototype", "the prototype phase")
        prototype = app.analysis.assessment.readiness_for("prototype")
        required = prototype.required
        assert str(readiness.render()) == f"1 of {required} in place ({prototype.percent}%)"
        assert (f"Blocking the move to production: {len(production.blockers)} controls"
                in str(panel.query_one("#controls-blockers", Static).render()))
        assert len(row_ids(panel.table)) == required

        table = panel.table
        table.focus()
        await pilot.press("m")  # only those not in place
        assert len(row_ids(panel.table)) == required - 1
        assert "only those not in place" in str(readiness.render())
        await pilot.press("m")
        assert len(row_ids(panel.table)) == required
        await pilot.press(*["down"] * row_ids(table).index("ASSESS-THREAT-MODEL"))
        assert cell(table, "ASSESS-THREAT-MODEL", "status") == "missing"
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, ImplementControlDialog)
        await type_text(pilot, "docs/threat-model.md, reviewed 2026-11")
        await pilot.press("enter")
        await settle(app, pilot)

        assert isinstance(app.screen, MainScreen)
        assert str(readiness.render()).startswith(f"2 of {required} in place")
        assert cell(table, "ASSESS-THREAT-MODEL", "status") == "implemented"
        assert panel.current_id == "ASSESS-THREAT-MODEL"
        text = app.workspace.text
        assert re.search(r"- control: ASSESS-THREAT-MODEL\n    targets: ['\"]\*['\"]\n"
                         r"    status: implemented\n    evidence: docs/threat-model.md", text)
        assert app.analysis.assessment.readiness_for("prototype").done == 2


async def test_not_applicable_needs_a_reason_and_updates_the_existing_entry(sample_copy) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy(SAMPLE))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4", "p", "p")  # production → scaled → prototype
        await pilot.pause()
        panel = controls(app)
        assert panel.phase == "prototype"
        table = panel.table
        await pilot.press(*["down"] * row_ids(table).index("DATA-ENCRYPT-AT-REST"), "enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ImplementControlDialog)
        assert dialog.query_one("#evidence").value.startswith("Migration of the CRM database")

        await pilot.press("shift+tab", "shift+tab", "enter", "down", "down", "enter")
        await pilot.pause()
        assert dialog.status == "not-applicable"
        await pilot.press("tab", "tab")
        assert app.focused is dialog.query_one("#reason")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "needs a reason" in str(dialog.query_one("#errors", Static).render())
        await type_text(pilot, "The CRM database is retired")
        await pilot.press("enter")
        await settle(app, pilot)

        assert cell(table, "DATA-ENCRYPT-AT-REST", "status") == "not-applicable"
        text = app.workspace.text
        assert text.count("control: DATA-ENCRYPT-AT-REST") == 1
        entry = text[text.index("control: DATA-ENCRYPT-AT-REST"):].split("\n\n")[0]
        assert "status: not-applicable" in entry
        assert "reason: The CRM database is retired" in entry
        ready = app.analysis.assessment.readiness_for("prototype")
        assert ready.done == 2   # not-applicable counts as in place
        assert str(panel.query_one("#controls-readiness", Static).render()) \
            == f"2 of {ready.required} in place ({ready.percent}%)"


async def test_both_tabs_fit_small_and_large_terminals(sample_copy) -> None:  # type: ignore[no-untyped-def]
    for size in ((80, 24), (120, 40)):
        app = app_for(sample_copy(SAMPLE))
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            await pilot.press("f3")
            await pilot.pause()
            panel = findings(app)
            for widget in (panel.table, panel.query_one("#findings-current"),
                           *panel.query(Select)):
                region = widget.region
                assert region.height >= 1 and region.right <= size[0], widget
            assert panel.table.region.height >= 8
            assert panel.has_class("-narrow") == (panel.size.width < 90)
            await pilot.press("f4")
            await pilot.pause()
            cpanel = controls(app)
            for widget in cpanel.query(Static):
                assert widget.region.right <= size[0], widget
            assert cpanel.table.region.height >= 8


def replicated(source: Path, target: Path, copies: int) -> Path:
    """A model with ``copies`` copies of every element of ``source`` (ids suffixed)."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    ids = {item["id"] for section in ("boundaries", "components", "flows")
           for item in data.get(section, [])}

    def rename(node: Any, suffix: str) -> Any:
        if isinstance(node, dict):
            return {key: rename(value, suffix) for key, value in node.items()}
        if isinstance(node, list):
            return [rename(value, suffix) for value in node]
        return node + suffix if isinstance(node, str) and node in ids else node

    out = {key: value for key, value in data.items()
           if key not in ("boundaries", "components", "flows", "controls", "accepted_risks")}
    for section in ("boundaries", "components", "flows"):
        out[section] = [rename(item, f"-{n}") for n in range(copies)
                        for item in data.get(section, [])]
    target.write_text(yaml.safe_dump(out, sort_keys=False), encoding="utf-8")
    return target


async def filled(pilot, panel, total: int) -> None:  # type: ignore[no-untyped-def]
    """Wait, refresh by refresh, until the chunked fill has put every row in the table."""
    for _ in range(200):
        if panel.table.row_count == total:
            return
        await pilot.pause()
    assert panel.table.row_count == total


async def test_many_findings_fill_in_chunks_and_keep_the_cursor(sample_copy, tmp_path,  # type: ignore[no-untyped-def]
                                                                monkeypatch) -> None:
    """Thousands of rows go into the table a chunk per refresh (here: small chunks)."""
    monkeypatch.setattr(findings_panel, "CHUNK", 40)
    path = replicated(sample_copy("ops-agent"), tmp_path / "big.yaml", 6)
    app = app_for(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await pilot.pause()
        panel = findings(app)
        total = len(app.analysis.assessment.findings)
        assert total > 3 * findings_panel.CHUNK
        await filled(pilot, panel, total)
        await until(pilot, lambda: app.focused is panel.table, "focus on the findings table")
        await pilot.press("ctrl+end")  # the last row, in the last chunk
        last = app.analysis.assessment.findings[-1].finding.id
        await until(pilot, lambda: panel.current_id == last, "the cursor on the last row")

        app.main_screen.post_message(EditRequested(
            lambda m: m.set_value(("system", "owner"), "Someone else"), "owner"))
        await settle(app, pilot)
        await filled(pilot, panel, total)
        assert panel.current_id == last
        assert panel.table.cursor_row == total - 1

        await pilot.press("slash", *"memory-poisoning")
        await pilot.pause()
        assert row_ids(panel.table) == [s.finding.id for s in app.analysis.assessment.findings
                                        if s.finding.threat.id == "AGENT-MEMORY-POISONING"]


async def test_a_model_with_errors_empties_both_tabs_until_undone(sample_copy) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy(SAMPLE))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        panel, cpanel = findings(app), controls(app)
        app.main_screen.post_message(EditRequested(
            lambda m: m.set_value(("flows", 0, "from"), "nowhere"), "break a flow"))
        await settle(app, pilot)
        assert app.analysis.assessment is None
        assert panel.table.row_count == 0
        assert "problems are fixed" in str(panel.query_one("#findings-summary").render())
        assert cpanel.table.row_count == 0
        assert "problems are fixed" in str(cpanel.query_one("#controls-readiness").render())
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assessment = app.analysis.assessment
        assert panel.table.row_count == len(assessment.findings) > 10
        assert cpanel.table.row_count == len(assessment.required()) > 20
