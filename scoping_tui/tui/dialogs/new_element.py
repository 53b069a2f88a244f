"""Add a component, data flow or trust boundary: the fields the schema requires, in a modal.

Every field is typed, never opened: a type, a boundary or the other end of a flow is found
from a few letters (``ag`` for agent, ``api`` for support-api) and Enter adds the element as
soon as it is complete. The id follows the name until it is edited, so a component is its
name, its type and Enter.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import DescendantFocus
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from scoping_tui.editing.implied import offers_grant
from scoping_tui.formats.common import slug
from scoping_tui.model.schema import enum_values
from scoping_tui.tui.dialogs.rename import id_problem
from scoping_tui.tui.widgets.choice_input import ChoiceInput

KINDS = (("Component", "component"), ("Data flow", "flow"), ("Trust boundary", "boundary"))
APPROVALS = ("none", "conditional", "always")
_HINTS = 8
"""Matches listed under a field; more are "…"."""


@dataclass(frozen=True)
class NewElement:
    """What to append: ``item`` goes at the end of the kind's section."""

    kind: str
    """component, flow or boundary."""
    item: dict[str, Any]
    grant: dict[str, Any] | None = None
    """For a flow from an agent to a tool it cannot call yet: the grant's permissions and
    approval as asked (``{}`` when none were given; the grant is still added)."""


def id_from(text: str, used: Collection[str]) -> str:
    """A free id made from a name: ``Web app`` -> ``web-app`` (``web-app-2`` if taken)."""
    base = slug(text)[:60].rstrip("-") if text.strip() else ""
    if not base:
        return ""
    candidate, number = base, 2
    while candidate in used:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


class NewElementDialog(ModalScreen[NewElement | None]):
    """Ask for a new element's name, the fields its kind requires, and its id."""

    AUTO_FOCUS = "#name"
    """Focused as the dialog shows, before its first frame: keys typed right after the
    key that opened it go to this field (focus() in on_mount comes a moment later)."""
    DEFAULT_CSS = """
    NewElementDialog { align: center middle; }
    NewElementDialog > Vertical {
        width: 72; max-width: 96%; height: auto; max-height: 96%; padding: 0 2;
        border: thick $accent; background: $surface;
    }
    NewElementDialog #title { text-style: bold; margin: 1 0; }
    NewElementDialog .row { height: auto; margin-bottom: 1; }
    NewElementDialog .row > Label { width: 12; padding-top: 0; color: $text-muted; }
    NewElementDialog .row > Input, NewElementDialog .row > Select { width: 1fr; }
    NewElementDialog .group { height: auto; }
    NewElementDialog #hint { color: $text-muted; height: auto; margin-bottom: 1; }
    NewElementDialog #error { color: $error; height: auto; }
    NewElementDialog #buttons { height: auto; align-horizontal: right; margin: 1 0; }
    NewElementDialog Button { margin-left: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel",
                        tooltip="Close without adding anything")]

    def __init__(self, *, kind: str = "component", used: Collection[str],
                 components: Sequence[str], boundaries: Sequence[str],
                 boundary: str | None = None, source: str | None = None,
                 target: str | None = None, parent: str | None = None,
                 data: Any = None) -> None:
        super().__init__()
        self.source = source if source in components else None
        """A flow from this component: its From is set and the dialog starts on To."""
        self.target = target if target in components and self.source is None else None
        """A flow into this component: its To is set and the dialog starts on From."""
        if self.source is not None or self.target is not None:
            kind = "flow"
        self.kind = kind if kind in {value for _, value in KINDS} else "component"
        if self.kind == "flow":
            # Per dialog, before its first frame, like the class default.
            self.AUTO_FOCUS = "#from" if self.source is None else "#to"  # type: ignore[misc]
        self.used = frozenset(used)
        self.components = list(components)
        self.boundaries = list(boundaries)
        self.boundary = boundary if boundary in self.boundaries else None
        self.parent_boundary = parent if parent in self.boundaries else None
        """A new boundary's parent, preset (the one the tree's cursor is in)."""
        self.data = data if data is not None else {}
        self._derived = ""
        """The id last filled in from the name or the flow's ends (replaced while unedited)."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Add to the model", id="title")
            with Horizontal(classes="row"):
                yield Label("Kind")
                yield Select(KINDS, value=self.kind, allow_blank=False, id="kind", compact=True)
            with Vertical(id="flow-fields", classes="group"):
                with Horizontal(classes="row"):
                    yield Label("From")
                    yield ChoiceInput(self.components, value=self.source, id="from",
                                      placeholder="sending component: type part of its id")
                with Horizontal(classes="row"):
                    yield Label("To")
                    yield ChoiceInput(self.components, value=self.target, id="to",
                                      placeholder="receiving component: type part of its id")
                with Vertical(id="grant-fields", classes="group"):
                    with Horizontal(classes="row"):
                        yield Label("May do")
                        yield ChoiceInput(enum_values("permission"), multiple=True,
                                          id="permissions",
                                          placeholder="the agent's permissions: read, write…")
                    with Horizontal(classes="row"):
                        yield Label("Approval")
                        yield ChoiceInput(APPROVALS, id="approval",
                                          placeholder="none, conditional or always "
                                                      "(unstated if empty)")
                    with Horizontal(classes="row"):
                        yield Label("When")
                        yield Input(id="approval-when", compact=True,
                                    placeholder="which calls wait, e.g. refunds above 100 EUR")
            with Horizontal(classes="row"):
                yield Label("Name")
                yield Input(id="name", placeholder="human-readable name", compact=True)
            with Vertical(id="component-fields", classes="group"):
                with Horizontal(classes="row"):
                    yield Label("Type")
                    yield ChoiceInput(enum_values("componentType"), id="type",
                                      placeholder="type a few letters: agent, tool, vector…")
                with Horizontal(classes="row"):
                    yield Label("Boundary")
                    yield ChoiceInput(self.boundaries, value=self.boundary, id="boundary",
                                      placeholder="(none)")
            with Vertical(id="boundary-fields", classes="group"):
                with Horizontal(classes="row"):
                    yield Label("Zone kind")
                    yield ChoiceInput(enum_values("boundaryKind"), id="boundary-kind",
                                      placeholder="type a few letters: vpc, internet…")
                with Horizontal(classes="row"):
                    yield Label("Parent")
                    yield ChoiceInput(self.boundaries, value=self.parent_boundary,
                                      id="parent", placeholder="(none)")
            with Horizontal(classes="row"):
                yield Label("Id")
                yield Input(id="id", placeholder="filled in from the name; lowercase slug",
                            max_length=64, compact=True)
            yield Label("", id="hint")
            yield Label("", id="error")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Add", id="add", variant="primary")

    def on_mount(self) -> None:
        # A flow started from a component in the tree is about that component: its end is
        # fixed, so Tab goes from the other end straight to what is left to say.
        self.query_one("#from", ChoiceInput).disabled = self.source is not None
        self.query_one("#to", ChoiceInput).disabled = self.target is not None
        self._show_kind(self.kind)
        self._ends_changed()

    def _show_kind(self, kind: str) -> None:
        self.kind = kind
        for group in ("component", "flow", "boundary"):
            self.query_one(f"#{group}-fields").display = group == kind
        self.query_one("#name", Input).placeholder = (
            "label on diagrams (optional)" if kind == "flow" else "human-readable name")
        self._derive_id()

    # -- the id follows the name (or the flow's ends) until it is edited ----------------

    def _derive_id(self) -> None:
        id_input = self.query_one("#id", Input)
        if id_input.value not in ("", self._derived):
            return
        if self.kind == "flow":
            source, target = self._choice("from"), self._choice("to")
            base = f"{source}-to-{target}"[:64] if source and target else ""
            derived = base if base and id_problem(base, self.used) is None \
                else id_from(base, self.used)
        else:
            derived = id_from(self.query_one("#name", Input).value, self.used)
        self._derived = derived
        id_input.value = derived

    @on(Input.Changed, "#name")
    def _name_changed(self) -> None:
        if self.kind != "flow":
            self._derive_id()

    @on(Input.Changed, "#from, #to")
    def _ends_changed(self) -> None:
        self._derive_id()
        self.query_one("#grant-fields").display = offers_grant(
            self.data, self._choice("from"), self._choice("to"))

    @on(Input.Changed, "#id")
    def _id_changed(self, event: Input.Changed) -> None:
        value = event.value.strip()
        problem = id_problem(value, self.used) if value else None
        self.query_one("#error", Label).update(problem or "")

    # -- what the typed text matches -----------------------------------------------------

    @on(DescendantFocus)
    @on(Input.Changed)
    def _hint(self) -> None:
        field = self.focused
        hint = self.query_one("#hint", Label)
        if not isinstance(field, ChoiceInput):
            hint.update("")
            return
        found = field.current_matches()
        if not found:
            hint.update("matches nothing")
            return
        shown = ", ".join(found[:_HINTS]) + (", …" if len(found) > _HINTS else "")
        hint.update(f"→ {found[0]}   (matches: {shown})" if field.value.strip()
                    else f"one of: {shown}")

    def _choice(self, widget_id: str) -> str | None:
        return self.query_one(f"#{widget_id}", ChoiceInput).choice

    @on(Select.Changed, "#kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self._show_kind(event.value)
            self.query_one("#error", Label).update("")

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    @on(Button.Pressed, "#add")
    def _submit(self) -> None:
        result = self.result()
        if isinstance(result, str):
            self.query_one("#error", Label).update(result)
            return
        self.dismiss(result)

    def _picked(self, widget_id: str, what: str, *, required: bool) -> str | None:
        """The value a choice field stands for; raises ValueError with what is wrong."""
        field = self.query_one(f"#{widget_id}", ChoiceInput)
        if not field.value.strip():
            if required:
                field.focus()
                raise ValueError(f"Choose {what}.")
            return None
        value = field.choice
        if value is None:
            field.focus()
            raise ValueError(f"No {what.removeprefix('the ')} matches {field.value.strip()!r}.")
        return value

    def result(self) -> NewElement | str:
        """The element to add, or what is missing or wrong (the field in question focused)."""
        try:
            return self._result()
        except ValueError as problem:
            return str(problem)

    def _result(self) -> NewElement:
        name = self.query_one("#name", Input).value.strip()
        if self.kind == "flow":
            source = self._picked("from", "the component the flow goes from", required=True)
            target = self._picked("to", "the component the flow goes to", required=True)
        elif not name:
            self.query_one("#name", Input).focus()
            raise ValueError(f"Give the {'boundary' if self.kind == 'boundary' else 'component'}"
                             " a name.")
        self._derive_id()
        id_input = self.query_one("#id", Input)
        new_id = id_input.value.strip()
        problem = id_problem(new_id, self.used)
        if problem is not None:
            id_input.focus()
            raise ValueError(problem)
        item: dict[str, Any] = {"id": new_id}
        if self.kind == "flow":
            if name:
                item["name"] = name
            item["from"], item["to"] = source, target
            return NewElement("flow", item, self._grant() if offers_grant(
                self.data, source, target) else None)
        item["name"] = name
        if self.kind == "boundary":
            item["kind"] = self._picked("boundary-kind", "what kind of zone the boundary is",
                                        required=True)
            parent = self._picked("parent", "boundary", required=False)
            if parent is not None:
                item["parent"] = parent
            return NewElement("boundary", item)
        item["type"] = self._picked("type", "the component's type", required=True)
        boundary = self._picked("boundary", "boundary", required=False)
        if boundary is not None:
            item["boundary"] = boundary
        return NewElement("component", item)

    def _grant(self) -> dict[str, Any]:
        field = self.query_one("#permissions", ChoiceInput)
        chosen, unknown = field.choices
        if unknown:
            field.focus()
            raise ValueError(f"No permission matches {', '.join(map(repr, unknown))}; "
                             f"they are {', '.join(enum_values('permission'))}.")
        grant: dict[str, Any] = {}
        if chosen:
            grant["permissions"] = chosen
        approval = self._picked("approval", "approval", required=False)
        when = self.query_one("#approval-when", Input).value.strip()
        if when and approval is None:
            approval = "conditional"  # saying which calls wait says some do
        if approval is not None:
            grant["approval"] = approval
        if when:
            grant["approval_when"] = when
        return grant
