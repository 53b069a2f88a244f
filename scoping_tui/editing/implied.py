"""What drawing a flow says besides the flow: an agent that sends to a tool calls it, an agent
that sends to a foundation model reasons with it.

Adding ``support-agent → refunds`` from the terminal UI also grants the agent the tool (with
the permissions and approval the dialog asks for, or none stated), and ``support-agent →
hosted-model`` makes the model the agent's own when it has none yet: one edit, one undo, and no
second place to say the same thing. Nothing is implied that the flow does not state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scoping_tui.editing.edit import EditableModel
from scoping_tui.engine.index import AGENT_TYPES

GRANTED_TYPES = frozenset({"tool", "mcp-server", "code-sandbox"})
"""What an agent's flow to means a tool grant (the schema's toolGrant.tool)."""
MODEL_TYPE = "foundation-model"


def _components(data: Any) -> list[tuple[int, dict[str, Any]]]:
    items = data.get("components") if isinstance(data, dict) else None
    return [(index, item) for index, item in enumerate(items if isinstance(items, list) else [])
            if isinstance(item, dict)]


def _component(data: Any, component_id: str) -> tuple[int, dict[str, Any]] | None:
    return next(((index, item) for index, item in _components(data)
                 if item.get("id") == component_id), None)


def _granted(agent: dict[str, Any], tool: str) -> bool:
    facts = agent.get("agent")
    tools = facts.get("tools") if isinstance(facts, dict) else None
    return any(isinstance(grant, dict) and grant.get("tool") == tool
               for grant in (tools if isinstance(tools, list) else []))


def offers_grant(data: Any, source: str | None, target: str | None) -> bool:
    """Whether a flow from ``source`` to ``target`` is an agent calling a tool it has no
    grant for yet (so the dialog asks for the grant's permissions and approval)."""
    if source is None or target is None:
        return False
    agent, tool = _component(data, source), _component(data, target)
    return (agent is not None and tool is not None and agent[1].get("type") in AGENT_TYPES
            and tool[1].get("type") in GRANTED_TYPES and not _granted(agent[1], target))


@dataclass(frozen=True)
class FlowAddition:
    """A new flow and what it implies, planned from the model's plain data."""

    flow: Mapping[str, Any]
    grant: Mapping[str, Any] | None = None
    """The tool grant to add to the sending agent."""
    agent_index: int | None = None
    """Where the sending agent sits in ``components`` (for the grant or the model)."""
    sets_model: bool = False
    """The receiving foundation model becomes the agent's ``agent.model``."""
    notes: tuple[str, ...] = field(default=())

    def apply(self, model: EditableModel) -> None:
        """Append the flow and write what it implies (inside one edit of the caller)."""
        model.append_item("flows", self.flow)
        if self.agent_index is None:
            return
        base = ("components", self.agent_index, "agent")
        if self.grant is not None:
            tools = model.get((*base, "tools"))
            count = len(tools) if isinstance(tools, list) else 0
            if not isinstance(tools, list):
                model.set_value((*base, "tools"), [dict(self.grant)])
            else:
                model.set_value((*base, "tools", count), dict(self.grant))
        if self.sets_model:
            model.set_value((*base, "model"), self.flow["to"])


def plan_flow(data: Any, flow: Mapping[str, Any],
              grant: Mapping[str, Any] | None = None) -> FlowAddition:
    """The flow, plus a grant (``grant`` holds its permissions and approval, any of them
    unstated) when an agent sends to a tool it cannot call yet, plus the agent's model when
    it sends to a foundation model and names none."""
    source, target = str(flow["from"]), str(flow["to"])
    agent = _component(data, source)
    receiver = _component(data, target)
    if agent is None or receiver is None or agent[1].get("type") not in AGENT_TYPES:
        return FlowAddition(flow)
    index, item = agent
    if offers_grant(data, source, target):
        fields = {key: value for key, value in (grant or {}).items()
                  if value not in (None, "", [], ())}
        return FlowAddition(flow, {"tool": target, **fields}, index,
                            notes=(f"{source} may now call {target}",))
    facts = item.get("agent")
    if receiver[1].get("type") == MODEL_TYPE and not (isinstance(facts, dict)
                                                       and facts.get("model")):
        return FlowAddition(flow, agent_index=index, sets_model=True,
                            notes=(f"{source} reasons with {target}",))
    return FlowAddition(flow)
