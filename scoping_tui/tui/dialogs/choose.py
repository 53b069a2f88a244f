"""Pick one of a few values in a modal: a select you open with Enter and search by typing."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Select

NONE = "\x00none"
"""The value of the "nothing" choice (not an id any model can hold)."""


class ChooseDialog(ModalScreen[str | None]):
    """Dismisses with the chosen value, ``NONE`` for the empty choice, or None (escape)."""

    AUTO_FOCUS = "#choice"
    DEFAULT_CSS = """
    ChooseDialog { align: center middle; }
    ChooseDialog > Vertical {
        width: 64; max-width: 96%; height: auto; padding: 1 2;
        border: thick $accent; background: $surface;
    }
    ChooseDialog Label { width: 100%; margin-bottom: 1; }
    ChooseDialog Select { width: 100%; }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", tooltip="Change nothing")]

    def __init__(self, question: str, options: Sequence[tuple[str, str]],
                 current: str | None = None, none_label: str = "") -> None:
        super().__init__()
        self.question = question
        self.options = [*([(none_label, NONE)] if none_label else []), *options]
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, id="question")
            yield Select(self.options, id="choice", compact=True, allow_blank=True,
                         prompt="type to search, Enter to open")

    @on(Select.Changed, "#choice")
    def _chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.dismiss(event.value)
