"""Add a component, data flow or trust boundary: the fields the schema requires, in a modal."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from scoping_tui.model.schema import enum_values
from scoping_tui.tui.dialogs.rename import NewIdValidator, id_problem

KINDS = (("Component", "component"), ("Data flow", "flow"), ("Trust boundary", "boundary"))


@dataclass(frozen=True)
class NewElement:
    """What to append: ``item`` goes at the end of the kind's section."""

    kind: str
    """component, flow or boundary."""
    item: dict[str, Any]


class NewElementDialog(ModalScreen[NewElement | None]):
    """Ask for a new element's kind, id, name and the fields its kind requires."""

    AUTO_FOCUS = "#id"
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
    NewElementDialog #error { color: $error; height: auto; }
    NewElementDialog #buttons { height: auto; align-horizontal: right; margin: 1 0; }
    NewElementDialog Button { margin-left: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel",
                        tooltip="Close without adding anything")]

    def __init__(self, *, kind: str = "component", used: Collection[str],
                 components: Sequence[str], boundaries: Sequence[str],
                 boundary: str | None = None, source: str | None = None,
                 parent: str | None = None) -> None:
        super().__init__()
        self.source = source if source in components else None
        """A flow from this component: its From is set and the dialog starts on To."""
        if self.source is not None:
            kind = "flow"
            # Per dialog, before its first frame, like the class default.
            self.AUTO_FOCUS = "#to"  # type: ignore[misc]
        self.kind = kind if kind in {value for _, value in KINDS} else "component"
        self.used = frozenset(used)
        self.components = list(components)
        self.boundaries = list(boundaries)
        self.boundary = boundary if boundary in self.boundaries else None
        self.parent_boundary = parent if parent in self.boundaries else None
        """A new boundary's parent, preset (the one the tree's cursor is in)."""
        self._suggested: str | None = None

    def compose(self) -> ComposeResult:
        components = [(c, c) for c in self.components]
        boundaries = [(b, b) for b in self.boundaries]
        with Vertical():
            yield Label("Add to the model", id="title")
            with Horizontal(classes="row"):
                yield Label("Kind")
                yield Select(KINDS, value=self.kind, allow_blank=False, id="kind", compact=True)
            with Horizontal(classes="row"):
                yield Label("Id")
                yield Input(id="id", placeholder="lowercase slug, e.g. ops-agent",
                            validators=[NewIdValidator(self.used)], validate_on=["submitted"],
                            max_length=64, compact=True)
            with Horizontal(classes="row"):
                yield Label("Name")
                yield Input(id="name", placeholder="human-readable name", compact=True)
            with Vertical(id="component-fields", classes="group"):
                with Horizontal(classes="row"):
                    yield Label("Type")
                    yield Select([(t, t) for t in enum_values("componentType")],
                                 prompt="choose a type", id="type", compact=True)
                with Horizontal(classes="row"):
                    yield Label("Boundary")
                    yield Select(boundaries, prompt="(none)", id="boundary", compact=True,
                                 value=self.boundary if self.boundary else Select.NULL)
            with Vertical(id="flow-fields", classes="group"):
                with Horizontal(classes="row"):
                    yield Label("From")
                    yield Select(components, prompt="sending component", id="from",
                                 compact=True,
                                 value=self.source if self.source else Select.NULL)
                with Horizontal(classes="row"):
                    yield Label("To")
                    yield Select(components, prompt="receiving component", id="to",
                                 compact=True)
            with Vertical(id="boundary-fields", classes="group"):
                with Horizontal(classes="row"):
                    yield Label("Zone kind")
                    yield Select([(k, k) for k in enum_values("boundaryKind")],
                                 prompt="choose a kind", id="boundary-kind", compact=True)
                with Horizontal(classes="row"):
                    yield Label("Parent")
                    yield Select(boundaries, prompt="(none)", id="parent", compact=True,
                                 value=self.parent_boundary if self.parent_boundary
                                 else Select.NULL)
            yield Label("", id="error")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Add", id="add", variant="primary")

    def on_mount(self) -> None:
        self._show_kind(self.kind)

    def _show_kind(self, kind: str) -> None:
        self.kind = kind
        for group in ("component", "flow", "boundary"):
            self.query_one(f"#{group}-fields").display = group == kind
        self.query_one("#name", Input).placeholder = (
            "label on diagrams (optional)" if kind == "flow" else "human-readable name")

    @on(Select.Changed, "#type, #boundary, #boundary-kind, #parent")
    def _next_after_choice(self, event: Select.Changed) -> None:
        """Once what the element needs is chosen, Enter adds it: focus goes to the optional
        boundary (a component with none yet), else to Add."""
        if not isinstance(event.value, str) or isinstance(self.result(check_id=False), str):
            return
        boundary = self.query_one("#boundary", Select)
        if event.select.id == "type" and self.boundaries and boundary.value is Select.NULL:
            boundary.focus()
        else:
            self.query_one("#add", Button).focus()

    @on(Select.Changed, "#kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self._show_kind(event.value)
            self.query_one("#error", Label).update("")

    @on(Select.Changed, "#from, #to")
    def _suggest_flow_id(self, event: Select.Changed) -> None:
        """Suggest ``from-to-to`` as the flow's id while none is typed."""
        id_input = self.query_one("#id", Input)
        source, target = self._choice("from"), self._choice("to")
        if source and target and id_input.value in ("", self._suggested):
            suggestion = f"{source}-to-{target}"[:64]
            if id_problem(suggestion, self.used) is None:
                self._suggested = suggestion
                id_input.value = suggestion
        # Started from a component: once the other end is chosen, Enter adds the flow.
        if self.source is not None and event.select.id == "to" and target:
            id_input.focus()

    @on(Input.Changed, "#id")
    def _id_changed(self, event: Input.Changed) -> None:
        problem = id_problem(event.value.strip(), self.used) if event.value else None
        self.query_one("#error", Label).update(problem or "")

    def _choice(self, widget_id: str) -> str | None:
        value = self.query_one(f"#{widget_id}", Select).value
        return value if isinstance(value, str) else None

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

    def result(self, *, check_id: bool = True) -> NewElement | str:
        """The element to add, or what is missing or wrong (``check_id``: focus a bad id)."""
        new_id = self.query_one("#id", Input).value.strip()
        name = self.query_one("#name", Input).value.strip()
        problem = id_problem(new_id, self.used)
        if problem is not None:
            if check_id:
                self.query_one("#id", Input).focus()
            return problem
        item: dict[str, Any] = {"id": new_id}
        if self.kind == "flow":
            if name:
                item["name"] = name
            source, target = self._choice("from"), self._choice("to")
            if source is None or target is None:
                return "Choose the component the flow goes from and the one it goes to."
            item["from"], item["to"] = source, target
            return NewElement("flow", item)
        if not name:
            return f"Give the {'boundary' if self.kind == 'boundary' else 'component'} a name."
        item["name"] = name
        if self.kind == "boundary":
            kind = self._choice("boundary-kind")
            if kind is None:
                return "Choose what kind of zone the boundary is."
            item["kind"] = kind
            parent = self._choice("parent")
            if parent is not None:
                item["parent"] = parent
            return NewElement("boundary", item)
        component_type = self._choice("type")
        if component_type is None:
            return "Choose the component's type."
        item["type"] = component_type
        boundary = self._choice("boundary")
        if boundary is not None:
            item["boundary"] = boundary
        return NewElement("component", item)
