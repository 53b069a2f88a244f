"""The text rendering of the data flow shown in the TUI's Diagram tab."""

from __future__ import annotations

import datetime as dt

import pytest

from scoping_tui.engine.assessment import assess
from scoping_tui.engine.catalog import load_catalog
from scoping_tui.export.text_diagram import render_text_diagram
from scoping_tui.model.types import SystemModel
from scoping_tui.model.validate import load_model, load_text
from tests.conftest import ROOT, SAMPLES

AS_OF = dt.date(2026, 11, 28)


def _sample(stem: str) -> SystemModel:
    result = load_model(ROOT / "samples" / f"{stem}.yaml")
    assert result.model is not None, result.diagnostics
    return result.model


def _line(text: str, start: str) -> str:
    found = [line for line in text.splitlines() if line.strip().startswith(start)]
    assert found, f"no line starting {start!r} in:\n{text}"
    return found[0]


def test_ops_agent_boundaries_nest_and_components_carry_type_and_findings() -> None:
    model = _sample("ops-agent")
    text = render_text_diagram(model, assess(model, load_catalog(), as_of=AS_OF))
    lines = text.splitlines()
    assert lines[0] == "SRE operations agent — data flow"
    account = lines.index("  ▣ Operations account  (cloud-account)  ops-account")
    container = lines.index("    ▣ Agent container  (container)  agent-runtime")
    agent = _line(text, "• Operations agent")
    assert account < container < lines.index(agent)
    assert agent.startswith("      • Operations agent  [agent]  ops-agent  ◆ ")
    assert "(worst critical)" in agent
    # A component without unresolved findings has no badge.
    assert _line(text, "• Identity and token broker") == \
        "    • Identity and token broker  [identity-provider]  ops-idp"
    assert _line(text, "• Restart service").endswith("◆ 1 (worst medium)")


def test_flow_lines_show_data_protocol_crossings_and_weaknesses() -> None:
    model = _sample("ops-agent")
    text = render_text_diagram(model, None)
    assert ("  ⇢ On-call engineer ──internal, restricted/https──▶ Ops console  "
            "(Goal and approvals)") in text.splitlines()
    same_boundary = _line(text, "Ops console ──credentials/https──▶ Identity and token broker")
    assert same_boundary.startswith("    Ops console")  # no crossing mark
    legacy = _line(text, "Production services ──")
    assert "⚠ no auth, no TLS" in legacy
    assert "◆" not in text  # no assessment, no badges
    # In-process tools have no flow: the agent's grant is listed instead.
    assert "Operations agent ┈tool (write)┈▷ Restart service" in text


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_renders_deterministically_with_every_flow(sample) -> None:  # type: ignore[no-untyped-def]
    model = _sample(sample.stem)
    assessment = assess(model, load_catalog(), as_of=AS_OF)
    text = render_text_diagram(model, assessment)
    assert text == render_text_diagram(model, assessment)
    assert sum("──▶" in line for line in text.splitlines()) == len(model.flows)
    for component in model.components:
        assert f"  {component.id}" in text


def test_hostile_names_stay_on_one_line() -> None:
    source = """\
version: 1
system: {name: "Evil\\nsystem", phase: prototype}
components:
  - {id: a, name: "Line\\nbreak\\u0007bell", type: user}
  - {id: b, name: Service, type: service}
flows:
  - {id: f, from: a, to: b, data: [internal], protocol: https, encrypted: false}
"""
    result = load_text(source, "evil.yaml")
    assert result.model is not None, result.diagnostics
    text = render_text_diagram(result.model, None)
    assert text.splitlines()[0] == "Evil system — data flow"
    assert "    Line breakbell ──internal/https──▶ Service  ⚠ no TLS" in text.splitlines()
    assert "(outside every trust boundary)" in text
    assert "\x07" not in text
