"""Which model facts are safeguards, and when a change to one weakens it.

A diff that only counted findings would call a removed safeguard an improvement: dropping an
agent's approval step makes the threats about approvals stop applying. So a change that
removes or weakens a stated safeguard (approval, authentication, encryption, human review,
narrower permissions, fewer triggers, a control in place) is a regression of its own, reported
first and failing the gate, whatever the findings do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scoping_tui.model.types import SystemModel

if TYPE_CHECKING:  # diff builds its report with this module: the types only, at check time
    from scoping_tui.engine.diff import FieldValue, ModelDiff

Weaker = Callable[["FieldValue", "FieldValue"], bool]


def _ranked(*order: str | bool | None) -> Weaker:
    """Values from strongest to weakest; anything not listed (an unset field) is weakest, so
    removing a stated safeguard weakens it."""
    rank = {value: index for index, value in enumerate(order)}

    def weaker(old: FieldValue, new: FieldValue) -> bool:
        return rank.get(new, len(order)) > rank.get(old, len(order))  # type: ignore[arg-type]
    return weaker


def _broadened(old: FieldValue, new: FieldValue) -> bool:
    """A stated set that gained members: a grant's permissions, what starts an agent. A set
    stated for the first time (a tool newly granted) is an addition, judged by the findings
    it brings, not a weakened safeguard."""
    if not isinstance(old, tuple) or not isinstance(new, tuple):
        return False
    return bool(set(new) - set(old))


def _stated_true(old: FieldValue, new: FieldValue) -> bool:
    return old is True and new is not True


def _authenticated_tool(old: FieldValue, new: FieldValue) -> bool:
    return old not in (None, "none") and new in (None, "none")


@dataclass(frozen=True)
class Safeguard:
    label: str
    """What a reader calls it: "human approval", "encryption"."""
    weaker: Weaker


COMPONENT_SAFEGUARDS: Mapping[str, Safeguard] = {
    "agent.approval": Safeguard("human approval", _ranked("every-action", "high-risk", "none")),
    "agent.runs_generated_code": Safeguard("code execution", _ranked(False, True)),
    "agent.identity": Safeguard("identity", _ranked("delegated-user", "own-service-identity",
                                                    "shared-service-account")),
    "agent.credential_lifetime": Safeguard("credential lifetime",
                                           _ranked("short-lived", "long-lived")),
    "agent.triggers": Safeguard("autonomy (what starts the agent)", _broadened),
    "human_review": Safeguard("human review of outputs", _stated_true),
    "store.encrypted_at_rest": Safeguard("encryption at rest", _stated_true),
    "store.shared": Safeguard("memory isolation", _ranked("per-user")),
    "tool.authentication": Safeguard("authentication", _authenticated_tool),
}
"""Component fields, as ``diff`` names them, that are safeguards; ``agent.tools[...]`` grants
are one too (permissions), matched by prefix."""
TOOL_GRANT = Safeguard("permissions", _broadened)
FLOW_SAFEGUARDS: Mapping[str, Safeguard] = {
    "authenticated": Safeguard("authentication", _stated_true),
    "encrypted": Safeguard("encryption in transit", _stated_true),
}
IN_PLACE = "implemented"


@dataclass(frozen=True)
class Weakening:
    """One safeguard that a change removed or weakened. Every part is an id, a field path or
    a schema value, never free text, so it can go in a one-line verdict."""

    section: str
    """components, flows or controls."""
    id: str
    """The element (its id in the new model) or the control."""
    path: str
    label: str
    old: FieldValue
    new: FieldValue

    def describe(self, show: Callable[[FieldValue], str]) -> str:
        return f"{self.id} {self.path} {show(self.old)} → {show(self.new)}"


def _safeguard(section: str, path: str) -> Safeguard | None:
    if section == "components":
        if path.startswith("agent.tools["):
            return TOOL_GRANT
        return COMPONENT_SAFEGUARDS.get(path)
    if section == "flows":
        return FLOW_SAFEGUARDS.get(path)
    return None


def weakenings(old: SystemModel, new: SystemModel, model: ModelDiff) -> tuple[Weakening, ...]:
    """Every stated safeguard the change from ``old`` to ``new`` removes or weakens: fields of
    components and flows that changed for the worse, and controls no longer in place where
    they were (removed, or implemented → planned). A component or flow that was removed
    takes its safeguards with it: that shows as a removal. New capabilities (a tool granted,
    a higher scope) are judged by the findings they bring."""
    found: list[Weakening] = []
    for section in ("components", "flows"):
        for element in model.section(section):
            if element.change not in ("changed", "renamed"):
                continue
            for field in element.fields:
                guard = _safeguard(section, field.path)
                if guard is not None and guard.weaker(field.old, field.new):
                    found.append(Weakening(section, element.id, field.path, guard.label,
                                           field.old, field.new))
    found += _controls(old, new, model.rename_map)
    return tuple(found)


def _in_place(model: SystemModel, rename: Mapping[str, str]) -> dict[str, set[str]]:
    """Control id → the targets it is implemented on ("*" for the whole system)."""
    found: dict[str, set[str]] = {}
    for impl in model.controls:
        if impl.status == IN_PLACE:
            found.setdefault(impl.control, set()).update(rename.get(t, t) for t in impl.targets)
    return found


def _controls(old: SystemModel, new: SystemModel, renames: Mapping[str, str],
              ) -> list[Weakening]:
    """Controls implemented before on targets where they are not implemented now."""
    before, after = _in_place(old, renames), _in_place(new, {})
    found: list[Weakening] = []
    for control_id in sorted(before):
        now = after.get(control_id, set())
        if "*" in now:
            continue
        lost = before[control_id] - now
        if lost:
            found.append(Weakening("controls", control_id, "implemented on", "control in place",
                                   tuple(sorted(before[control_id])), tuple(sorted(now))))
    return found
