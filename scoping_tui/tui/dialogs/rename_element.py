"""Rename an element: its name and id, and what was derived from the old ones.

The id follows the name as it is typed when it was made from the old name (``Web`` / ``web``
→ ``Web app`` / ``web-app``), until the id is edited by hand. Below, every id, text and comment
derived from the old words (``editing/derived.py``) is listed ticked; Space skips one. The
dialog dismisses with a :class:`RenameChoice`, or None.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, SelectionList

from scoping_tui.editing.derived import DerivedChange
from scoping_tui.tui.dialogs.new_element import id_from
from scoping_tui.tui.dialogs.rename import NewIdValidator, id_problem

Derive = Callable[[str, str], tuple[DerivedChange, ...]]
"""(new id, new name) → the derived changes that rename would propose."""


@dataclass(frozen=True)
class RenameChoice:
    new_id: str
    new_name: str | None
    """None: the element has no name to change (or it was left as it was)."""
    changes: tuple[DerivedChange, ...]


def _key(change: DerivedChange) -> str:
    return f"{change.kind}:{change.where}"


class RenameElementDialog(ModalScreen[RenameChoice | None]):
    AUTO_FOCUS = "#new-name"
    DEFAULT_CSS = """
    RenameElementDialog { align: center middle; }
    RenameElementDialog > Vertical {
        width: 76; max-width: 95%; height: auto; max-height: 95%; padding: 1 2;
        border: thick $accent; background: $surface;
    }
    RenameElementDialog #title { text-style: bold; margin-bottom: 1; }
    RenameElementDialog .field { color: $text-muted; }
    RenameElementDialog #note { color: $text-muted; margin-top: 1; }
    RenameElementDialog #derived-title { margin-top: 1; }
    RenameElementDialog #derived { height: auto; max-height: 8; }
    RenameElementDialog #error { color: $error; height: auto; }
    RenameElementDialog Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    RenameElementDialog Button { margin-left: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel",
                        tooltip="Close without changing anything")]

    def __init__(self, title: str, old_id: str, old_name: str, used: Collection[str],
                 derive: Derive, *, note: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.old_id = old_id
        self.old_name = old_name
        self.used = frozenset(used)
        self.derive = derive
        self.note = note
        self._id_follows = bool(old_name) and id_from(old_name, self.used) == old_id
        """The old id was made from the old name, so the new one is made from the new."""
        self._skipped: set[str] = set()
        self._changes: tuple[DerivedChange, ...] = ()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, id="title")
            yield Label("Name", classes="field")
            yield Input(self.old_name, id="new-name", placeholder="what people call it",
                        compact=True)
            yield Label("Id" + (" (follows the name until you edit it)"
                                if self._id_follows else ""), classes="field")
            yield Input(self.old_id, id="new-id", placeholder="new id, e.g. ops-agent",
                        validators=[NewIdValidator(self.used)],
                        validate_on=["changed", "submitted"], max_length=64, compact=True)
            yield Label(self.note, id="note")
            yield Label("Also update what was made from the old name or id (Space skips "
                        "one):", id="derived-title")
            yield SelectionList[str](id="derived", compact=True)
            yield Label("", id="error")
            with Horizontal():
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Rename", id="ok", variant="primary", compact=True)

    def on_mount(self) -> None:
        self._refresh_changes()

    # -- what the rename takes along -------------------------------------------------------

    @property
    def new_id(self) -> str:
        return self.query_one("#new-id", Input).value.strip()

    @property
    def new_name(self) -> str:
        return " ".join(self.query_one("#new-name", Input).value.split())

    @property
    def chosen(self) -> tuple[DerivedChange, ...]:
        return tuple(c for c in self._changes if _key(c) not in self._skipped)

    def _refresh_changes(self) -> None:
        new_id = self.new_id
        if id_problem(new_id, self.used) is not None and new_id != self.old_id:
            changes: tuple[DerivedChange, ...] = ()
        else:
            changes = self.derive(new_id, self.new_name)
        self._changes = changes
        listing = self.query_one("#derived", SelectionList)
        listing.clear_options()
        listing.add_options([(c.label, _key(c), _key(c) not in self._skipped)
                             for c in changes])
        listing.display = bool(changes)
        self.query_one("#derived-title", Label).display = bool(changes)

    @on(SelectionList.SelectionToggled, "#derived")
    def _toggled(self, event: SelectionList.SelectionToggled[str]) -> None:
        key = event.selection.value
        if key in event.selection_list.selected:
            self._skipped.discard(key)
        else:
            self._skipped.add(key)

    @on(Input.Changed, "#new-name")
    def _name_changed(self, event: Input.Changed) -> None:
        if self._id_follows:
            box = self.query_one("#new-id", Input)
            made = id_from(event.value, self.used)
            if made:
                with box.prevent(Input.Changed):
                    box.value = made
        self._refresh_changes()

    @on(Input.Changed, "#new-id")
    def _id_changed(self, event: Input.Changed) -> None:
        if self.focused is event.input:
            self._id_follows = False  # typed by hand: it stays as typed
        result = event.validation_result
        problem = "" if result is None or result.is_valid or self.new_id == self.old_id \
            else " ".join(result.failure_descriptions)
        self.query_one("#error", Label).update(problem)
        self._refresh_changes()

    # -- finishing -------------------------------------------------------------------------

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        new_id = self.new_id
        problem = None if new_id == self.old_id else id_problem(new_id, self.used)
        if problem is not None:
            self.query_one("#error", Label).update(problem)
            return
        name = self.new_name
        if self.old_name and not name:
            self.query_one("#error", Label).update("Give a name (or Escape to keep it).")
            return
        new_name = name if name != self.old_name else None
        if new_id == self.old_id and new_name is None:
            self.dismiss(None)  # nothing to rename
            return
        self.dismiss(RenameChoice(new_id, new_name, self.chosen))

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
