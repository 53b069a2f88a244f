"""Deleting an element takes along what would dangle without it, in one edit that keeps the
rest of the file (comments, layout) as written, and the result validates."""

from __future__ import annotations

import textwrap

from scoping_tui.editing.edit import EditableModel
from scoping_tui.model.validate import load_text

MODEL = textwrap.dedent("""\
    version: 1
    system: {name: Cascade}
    boundaries:
      - {id: cloud, name: Cloud, kind: cloud-account}
      - {id: vpc, name: VPC, kind: vpc, parent: cloud}
    components:
      - {id: person, name: Person, type: user}
      # the agent under test
      - id: bot
        name: Bot
        type: agent
        boundary: vpc
        agent:
          tools:
            - {tool: refunds, permissions: [financial]}   # refunds need a person above 100 EUR
            - {tool: lookup, permissions: [read]}
          memory: [notes]
      - {id: refunds, name: Refunds, type: tool, boundary: vpc}
      - {id: lookup, name: Lookup, type: tool, boundary: cloud}
      - {id: notes, name: Notes, type: memory}
    flows:
      - {id: ask, from: person, to: bot}
      - {id: pay, from: bot, to: refunds}
      - {id: find, from: bot, to: lookup}
      - {id: recall, from: bot, to: notes}
    controls:
      - {control: GUARD-INPUT-FILTER, targets: [pay], status: implemented}
      - {control: GUARD-OUTPUT-FILTER, targets: [bot, lookup], status: planned}
    accepted_risks:
      - {finding: LLM05-IMPROPER-OUTPUT-HANDLING@pay, owner: me, reason: checked,
         expires: "2030-01-01"}
    """)


def _valid(text: str) -> None:
    result = load_text(text, "m.yaml")
    assert result.ok, [d.format() for d in result.diagnostics]
    assert not [d for d in result.diagnostics if "no component" in d.message
                or "no element" in d.message]


def test_a_tool_goes_with_its_grant_its_flows_and_what_names_those_flows() -> None:
    model = EditableModel.from_text(MODEL)
    plan = model.dependents("components", "refunds")
    assert plan.flows == ("pay",)
    assert plan.grants == 1
    assert (plan.controls, plan.risks) == (1, 1)
    assert plan.summary() == "its 1 flow, 1 tool grant, 1 control entry and 1 accepted risk"
    model.remove_with_dependents("components", "refunds")
    text = model.text()
    assert "refunds" not in text.replace("# refunds need", "")
    assert "LLM05-IMPROPER-OUTPUT-HANDLING@pay" not in text
    assert "GUARD-INPUT-FILTER" not in text     # its only target is gone
    assert "# the agent under test" in text     # comments elsewhere survive
    assert "- {tool: lookup, permissions: [read]}" in text
    _valid(text)


def test_a_component_named_among_other_targets_leaves_only_its_own_place() -> None:
    model = EditableModel.from_text(MODEL)
    model.remove_with_dependents("components", "lookup")
    text = model.text()
    assert "targets: [bot]" in text
    assert "id: find" not in text
    _valid(text)


def test_memory_and_the_agent_itself() -> None:
    model = EditableModel.from_text(MODEL)
    model.remove_with_dependents("components", "notes")
    _valid(model.text())
    loaded = load_text(model.text(), "m.yaml").model
    assert loaded is not None
    bot = next(c for c in loaded.components if c.id == "bot")
    assert bot.agent is not None and bot.agent.memory == ()
    assert [g.tool for g in bot.agent.tools] == ["refunds", "lookup"]
    model = EditableModel.from_text(MODEL)
    plan = model.remove_with_dependents("components", "bot")
    assert set(plan.flows) == {"ask", "pay", "find", "recall"}
    _valid(model.text())
    assert "flows:" not in model.text()         # no empty section left behind


def test_a_boundary_releases_what_sits_in_it_and_its_children() -> None:
    model = EditableModel.from_text(MODEL)
    plan = model.remove_with_dependents("boundaries", "cloud")
    assert plan.flows == () and plan.references == 2   # vpc's parent, lookup's boundary
    text = model.text()
    assert "parent: cloud" not in text and "boundary: cloud" not in text
    assert "boundary: vpc" in text
    _valid(text)


def test_nothing_depends_on_a_lone_flow_but_its_acceptance() -> None:
    model = EditableModel.from_text(MODEL)
    plan = model.dependents("flows", "find")
    assert plan.summary() == ""
    plan = model.dependents("flows", "pay")
    assert plan.summary() == "its 1 control entry and 1 accepted risk"
