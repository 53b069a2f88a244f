"""Ask for a new id (renaming or duplicating an element) in a modal."""

from __future__ import annotations

import re
from collections.abc import Collection

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Label

ID_RE = re.compile(r"^[a-z][a-z0-9_-]{0,63}\Z")
"""The schema's id pattern (``^[a-z][a-z0-9_-]{0,63}$``, anchored as ECMA 262 does)."""


def id_problem(value: str, used: Collection[str]) -> str | None:
    """Why ``value`` cannot be a new id, or None if it can."""
    if not value:
        return "Give an id."
    if len(value) > 64:
        return "An id is at most 64 characters."
    if not ID_RE.match(value):
        if not ("a" <= value[0] <= "z"):
            return f"{value!r} is not a valid id: it must start with a lowercase letter."
        bad = sorted({c for c in value if not (c.isascii() and (c.islower() or c.isdigit()
                                                                 or c in "-_"))})
        return (f"{value!r} is not a valid id: use only lowercase letters, digits, - and _ "
                f"(not {', '.join(repr(c) for c in bad[:5])}).")
    if value in used:
        return f"{value!r} is already used by a boundary, component or flow; ids are unique."
    return None


class NewIdValidator(Validator):
    """An id that matches the schema's pattern and is not taken yet."""

    def __init__(self, used: Collection[str]) -> None:
        super().__init__()
        self.used = frozenset(used)

    def validate(self, value: str) -> ValidationResult:
        problem = id_problem(value, self.used)
        return self.success() if problem is None else self.failure(problem)


class RenameDialog(ModalScreen[str | None]):
    """Ask for an id; dismisses with it, or None on escape or Cancel."""

    AUTO_FOCUS = "#new-id"
    """Focused as the dialog shows, before its first frame: keys typed right after the
    key that opened it go to this field (focus() in on_mount comes a moment later)."""
    DEFAULT_CSS = """
    RenameDialog { align: center middle; }
    RenameDialog > Vertical {
        width: 64; max-width: 95%; height: auto; padding: 1 2;
        border: thick $accent; background: $surface;
    }
    RenameDialog #title { text-style: bold; margin-bottom: 1; }
    RenameDialog #note { color: $text-muted; }
    RenameDialog #error { color: $error; height: auto; }
    RenameDialog Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    RenameDialog Button { margin-left: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel",
                        tooltip="Close without changing anything")]

    def __init__(self, title: str, value: str, used: Collection[str], *, note: str = "",
                 action: str = "Rename") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.used = frozenset(used)
        self.note = note
        self.action_label = action

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, id="title")
            yield Input(self.value, id="new-id", placeholder="new id, e.g. ops-agent",
                        validators=[NewIdValidator(self.used)],
                        validate_on=["changed", "submitted"], max_length=64)
            yield Label(self.note, id="note")
            yield Label("", id="error")
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button(self.action_label, id="ok", variant="primary")

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Changed, "#new-id")
    def _changed(self, event: Input.Changed) -> None:
        result = event.validation_result
        self.query_one("#error", Label).update(
            "" if result is None or result.is_valid else " ".join(result.failure_descriptions))

    @on(Input.Submitted, "#new-id")
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        value = self.query_one("#new-id", Input).value.strip()
        problem = id_problem(value, self.used)
        if problem is not None:
            self.query_one("#error", Label).update(problem)
            return
        self.dismiss(value)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
