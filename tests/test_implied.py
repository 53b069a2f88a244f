"""What a new flow implies: an agent's flow to a tool grants it, to a model makes it the
agent's model; nothing is implied that is already said or that the flow does not state."""

from __future__ import annotations

from scoping_tui.editing.edit import EditableModel
from scoping_tui.editing.implied import offers_grant, plan_flow
from scoping_tui.model.validate import load_text

MODEL = """\
version: 1
system:
  name: Support   # the team's name for it
components:
  - id: agent
    name: Agent
    type: agent
    agent:
      model: llm          # chosen in the design review
      tools:
        - tool: lookup
          permissions: [read]
  - id: llm
    name: Model
    type: foundation-model
  - id: other-llm
    name: Other model
    type: foundation-model
  - id: lookup
    name: Lookup
    type: tool
  - id: refunds
    name: Refunds
    type: tool
  - id: api
    name: API
    type: service
flows:
  - id: api-to-agent
    from: api
    to: agent
"""


def test_a_flow_to_a_granted_tool_or_from_a_non_agent_implies_nothing() -> None:
    model = EditableModel.from_text(MODEL)
    data = model.get(())
    assert not offers_grant(data, "agent", "lookup")     # granted already
    assert not offers_grant(data, "api", "refunds")      # a service is not an agent
    assert offers_grant(data, "agent", "refunds")
    for flow in ({"id": "x", "from": "agent", "to": "lookup"},
                 {"id": "x", "from": "api", "to": "refunds"},
                 {"id": "x", "from": "agent", "to": "other-llm"}):   # it has a model
        addition = plan_flow(data, flow)
        assert addition.grant is None and not addition.sets_model and not addition.notes


def test_the_grant_goes_to_the_end_of_the_agents_tools_keeping_comments() -> None:
    model = EditableModel.from_text(MODEL)
    addition = plan_flow(model.get(()), {"id": "agent-to-refunds", "from": "agent",
                                         "to": "refunds"}, {"permissions": ["financial"],
                                                            "approval": None})
    addition.apply(model)
    text = model.text()
    assert "# chosen in the design review" in text and "# the team's name for it" in text
    assert model.get(("components", 0, "agent", "tools")) == [
        {"tool": "lookup", "permissions": ["read"]},
        {"tool": "refunds", "permissions": ["financial"]}]
    result = load_text(text, "support.yaml")
    assert result.model is not None, [d.format() for d in result.diagnostics]


def test_an_agent_without_a_model_gets_the_one_its_flow_goes_to() -> None:
    model = EditableModel.from_text(MODEL.replace("      model: llm          # chosen in the "
                                                  "design review\n", ""))
    addition = plan_flow(model.get(()), {"id": "agent-to-llm", "from": "agent", "to": "llm"})
    assert addition.sets_model and addition.notes == ("agent reasons with llm",)
    addition.apply(model)
    assert model.get(("components", 0, "agent", "model")) == "llm"
