"""Messages widgets send up to the screen and app ("attributes down, messages up")."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from scoping_tui.model.paths import Path
from scoping_tui.workspace import Edit


@dataclass
class EditRequested(Message):
    """Apply ``edit`` to the model; ``description`` is shown in the undo notification."""

    edit: Edit
    description: str
    select: tuple[str, str] | None = None
    """After the edit, select this element (kind, id) in the tree, e.g. a new flow."""


@dataclass
class ElementSelected(Message):
    """An element was chosen (tree, finding, problem): show it in the element editor."""

    kind: str
    """component, flow, boundary, control, accepted_risk or system."""
    element_id: str


@dataclass
class JumpTo(Message):
    """Go to the element and field at this document path (from a problem)."""

    path: Path

