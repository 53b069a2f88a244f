"""Facts real architectures have, stated in the model: per-tool approval, an agent that calls no
tools, the software a component installs, exposure, retrieval filtered per user, a token that is
not fully validated, the system's security priorities. Each is read by the loader, reaches the
rules and shows in what a reviewer reads."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from scoping_tui.engine.catalog import load_catalog
from scoping_tui.engine.scope import agentic_scope
from scoping_tui.engine.threats import derive_findings
from scoping_tui.model.types import SystemModel
from scoping_tui.model.validate import load_text

HEADER = "version: 1\nsystem: {name: Facts test}\n"


def _load(body: str) -> tuple[SystemModel, list[str]]:
    result = load_text(HEADER + textwrap.dedent(body), "m.yaml")
    assert result.model is not None, [d.format() for d in result.diagnostics]
    return result.model, [d.format() for d in result.diagnostics]


REFUNDS = """
components:
  - {id: person, name: Customer, type: user}
  - {id: bot, name: Support agent, type: agent, agent: {tools: [
      {tool: orders, permissions: [read]},
      {tool: refunds, permissions: [financial], approval: conditional,
       approval_when: refunds above 100 EUR}]}}
  - {id: orders, name: Order lookup, type: tool, tool: {side_effects: [read]}}
  - {id: refunds, name: Refund tool, type: tool, tool: {side_effects: [financial]}}
flows:
  - {id: ask, from: person, to: bot}
"""


def test_a_refund_rule_above_an_amount_is_stated_per_tool_and_shown_in_the_reasons() -> None:
    model, diagnostics = _load(REFUNDS)
    assert diagnostics == []
    grant = model.components[1].agent.tools[1]  # type: ignore[union-attr]
    assert (grant.approval, grant.approval_when) == ("conditional", "refunds above 100 EUR")
    findings = {f.id: f for f in derive_findings(model, load_catalog())}
    agency = findings["LLM06-EXCESSIVE-AGENCY@bot"]
    assert any("wait for approval when refunds above 100 EUR" in r.text for r in agency.reasons)
    # Some actions wait for a person: not the raise for acting with no approval at all.
    assert not any("no person approving" in line for line in agency.rating)


def test_every_acting_tool_approved_is_prescribed_agency() -> None:
    model, _ = _load(REFUNDS.replace("approval: conditional,\n       approval_when: refunds above "
                                     "100 EUR", "approval: always"))
    scope = agentic_scope(model)
    assert scope.value == 2
    assert "every action needs human approval" in scope.reasons[0].text


def test_conditional_approval_without_its_condition_is_a_warning_at_the_field() -> None:
    _, diagnostics = _load(REFUNDS.replace(",\n       approval_when: refunds above 100 EUR", ""))
    assert any(d.startswith("m.yaml:") and "approval_when" in d and "warning" in d
               for d in diagnostics), diagnostics
    _, diagnostics = _load(REFUNDS.replace("approval: conditional,", "approval: always,"))
    assert any("is not `conditional`" in d for d in diagnostics), diagnostics


def test_an_agent_that_says_it_calls_no_tools_gets_no_warning() -> None:
    body = """
    components:
      - {id: step, name: Summarise step, type: agent, agent: {tools: []}}
      - {id: vague, name: Vague agent, type: agent, agent: {approval: none}}
    flows:
      - {id: f, from: vague, to: step}
    """
    _, diagnostics = _load(body)
    assert [d for d in diagnostics if "lists no tools" in d] == [
        next(d for d in diagnostics if "'vague'" in d)]


def test_unpinned_install_at_runtime_raises_likelihood_and_names_why() -> None:
    model, _ = _load("""
    components:
      - {id: host, name: Host, type: agent, agent: {tools: [{tool: npx, permissions: [read]}]}}
      - {id: npx, name: Server via npx, type: mcp-server, software: {installs_at_runtime: true},
         tool: {source: community, transport: stdio}}
    flows:
      - {id: f, from: host, to: npx, protocol: stdio}
    """)
    finding = next(f for f in derive_findings(model, load_catalog())
                   if f.id == "AGENT-TOOL-SUPPLY-CHAIN@npx")
    assert finding.likelihood == "medium"  # base low, raised once
    assert any("not pinned" in line for line in finding.rating)


def _with_priorities(order: str) -> SystemModel:
    system = f"{{name: P, priorities: [{order}]}}" if order else "{name: P}"
    text = (f"version: 1\nsystem: {system}\n"
            "components:\n"
            "  - {id: db, name: DB, type: data-store, data: [pii],"
            " store: {encrypted_at_rest: false}}\n"
            "  - {id: api, name: API, type: service, data: [pii], human_review: true}\n"
            "flows:\n"
            "  - {id: f, from: api, to: db, authenticated: true, encrypted: true}\n")
    result = load_text(text, "p.yaml")
    assert result.model is not None, [d.format() for d in result.diagnostics]
    return result.model


def test_the_first_priority_raises_impact_and_the_last_lowers_it() -> None:
    catalog = load_catalog()
    levels = ["low", "medium", "high"]

    def rated(order: str) -> tuple[int, tuple[str, ...]]:
        found = next(f for f in derive_findings(_with_priorities(order), catalog)
                     if f.id == "STRIDE-STORE-UNENCRYPTED@db")
        return levels.index(found.impact), found.rating
    plain, _ = rated("")
    raised, why_raised = rated("confidentiality, availability")
    lowered, why_lowered = rated("availability, confidentiality")
    middle, why_middle = rated("integrity, confidentiality, availability")
    assert raised >= plain and any("confidentiality comes first" in r for r in why_raised)
    assert lowered == plain - 1 and any("comes last" in r for r in why_lowered)
    assert middle == plain and not any("priorities" in r for r in why_middle)


def test_new_facts_round_trip_through_the_cli_json(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(HEADER + textwrap.dedent("""
    components:
      - {id: index, name: Public index, type: vector-store, hosting: managed-service,
         exposure: internet, data: [confidential],
         store: {multi_tenant: true, filters_by_user: false, encrypted_at_rest: true}}
      - {id: api, name: API, type: service}
    flows:
      - {id: q, from: api, to: index, authenticated: true, token_validated: true,
         encrypted: true}
    """), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "scoping_tui", "analyze", str(path),
                          "--format", "json"], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    ids = {f["id"] for f in json.loads(run.stdout)["findings"]}
    assert "STRIDE-ENTRY-DOS@index" in ids          # exposure stated, no flow from the internet
    assert "LLM08-CROSS-TENANT-RETRIEVAL@index" in ids  # tenants mixed, nothing filtered
    assert "STRIDE-FLOW-UNAUTHENTICATED@q" not in ids


def test_an_exclusion_left_unstated_is_not_shown_as_a_reason() -> None:
    # LLM03-SOFTWARE-SUPPLY-CHAIN excludes vendor-hosted components; a component that does not
    # state its hosting is not excluded, and "hosting: not stated" explains nothing.
    model, _ = _load("""
    components:
      - {id: bot, name: Bot, type: agent, agent: {tools: []}}
      - {id: hosted, name: Hosted, type: agent, hosting: self-hosted, agent: {tools: []}}
    """)
    findings = {f.id: f for f in derive_findings(model, load_catalog())}
    unstated = [r.text for r in findings["LLM03-SOFTWARE-SUPPLY-CHAIN@bot"].reasons]
    assert unstated and not any("not stated" in text for text in unstated)
    stated = [r.text for r in findings["LLM03-SOFTWARE-SUPPLY-CHAIN@hosted"].reasons]
    assert "hosting: self-hosted" in stated
