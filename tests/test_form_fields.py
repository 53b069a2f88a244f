"""The element form offers the fields that fit the component's type."""

from __future__ import annotations

from scoping_tui.editing.form import form_fields


def _paths(item: dict[str, object]) -> set[tuple[object, ...]]:
    return {tuple(spec.rel) for spec in form_fields("component", item)}


def test_only_people_get_a_role() -> None:
    assert ("role",) in _paths({"id": "p", "type": "user"})
    assert ("role",) not in _paths({"id": "a", "type": "agent"})
    # A role written on another type stays visible, so it can be seen and removed.
    assert ("role",) in _paths({"id": "a", "type": "agent", "role": "operator"})


def test_tools_can_state_their_own_privileges() -> None:
    assert ("tool", "privileges") in _paths({"id": "t", "type": "mcp-server"})
    assert ("model", "modality") in _paths({"id": "m", "type": "foundation-model"})
