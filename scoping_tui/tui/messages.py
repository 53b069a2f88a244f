"""Messages widgets send up to the screen and app ("attributes down, messages up")."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from scoping_tui.editing.workspace import Edit
from scoping_tui.model.paths import Path


@dataclass
class EditRequested(Message):
    """Apply ``edit`` to the model; ``description`` is shown in the undo notification."""

    edit: Edit
    description: str
    select: tuple[str, str] | None = None
    """After the edit, select this element (kind, id) in the tree, e.g. a new flow."""
    applied: bool = field(default=False, init=False)
    """Set by the app once applied: a save can apply an edit still bubbling up, and the edit
    must not be applied again when it arrives."""


@dataclass
class ElementSelected(Message):
    """An element was chosen (tree, finding, problem): show it in the element editor."""

    kind: str
    """component, flow, boundary, control, accepted_risk or system."""
    element_id: str


@dataclass
class ElementHighlighted(Message):
    """The tree's cursor rests on an element: show it in the element pane, leaving the
    keyboard and the tab where they are."""

    kind: str
    element_id: str


@dataclass
class JumpTo(Message):
    """Go to the element and field at this document path (from a problem)."""

    path: Path

