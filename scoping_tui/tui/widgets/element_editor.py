"""The Element tab: a form for the selected element, generated from the model's JSON Schema.

Every field comes from the schema (title, description, enum values): text is an ``Input``
committed on Enter or when focus leaves it, and only when it changed; an enum is a ``Select``
whose blank choice deletes the key; a boolean is a ``Select`` of yes / no / not stated, since
an unstated fact (is this flow encrypted?) is not the same as "no"; a list of enum values is a
``SelectionList``; a reference is a ``Select`` (or ``SelectionList``) of the ids that exist.
A component shows the fact sections of its type (``section_types()``), and an agent's tool
grants are rows of tool and permissions with add and remove.

The form never changes the workspace: it posts ``EditRequested`` and gets the result back
through ``show``. ``show`` updates the widgets in place when the form's shape is unchanged and
leaves the field being edited alone, so a re-analysis never steals focus or typed text.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from scoping_tui.editing.edit import EditableModel
from scoping_tui.editing.form import (
    FORM_OF,
    KIND_TITLES,
    LIST_KINDS,
    MISSING,
    SELECT_KINDS,
    FieldPath,
    FieldSpec,
    as_text,
    form_fields,
    get_in,
    hashable,
    raw_text,
    same_value,
)
from scoping_tui.editing.workspace import Analysis, Workspace
from scoping_tui.model.paths import format_path
from scoping_tui.model.references import TOOL_TARGET_TYPES
from scoping_tui.model.schema import section_types
from scoping_tui.model.text import printable, restore
from scoping_tui.tui.dialogs.confirm import ConfirmDialog
from scoping_tui.tui.dialogs.rename import id_problem
from scoping_tui.tui.messages import EditRequested
from scoping_tui.tui.widgets.model_tree import (
    SEVERITY_STYLES,
    Key,
    component_ids,
    element_ids,
    element_path,
    finding_counts,
    used_ids,
)
from scoping_tui.tui.widgets.panel import Panel

TYPING_PAUSE = 0.4
"""Seconds without a key after which typed text goes into the model (no Enter needed)."""


def _typed_value(widget: FieldInput, text: str | None = None) -> Any:
    """What the field's text (or ``text``) puts in the model: trimmed; a tag list split."""
    typed = restore(widget.value if text is None else text, widget.original).strip()
    if widget.field.kind == "tags":
        return list(dict.fromkeys(t.strip() for t in typed.split(",") if t.strip()))
    return typed


class FieldInput(Input):
    def __init__(self, spec: FieldSpec, element: Key, value: str, **kwargs: Any) -> None:
        super().__init__(printable(value), **kwargs)
        self.field = spec
        self.element = element
        self.original = value
        """The model's text behind the field, control characters and all (see restore)."""
        self.edited = False
        """Typed into since the last commit (a re-analysis leaves it alone)."""
        self.pause: Timer | None = None
        """Runs once typing stops for TYPING_PAUSE: the text then goes into the model."""


class FieldSelect(Select[Any]):
    def __init__(self, spec: FieldSpec, element: Key,
                 options: tuple[tuple[str, Any], ...], value: Any, **kwargs: Any) -> None:
        super().__init__(options, value=value, **kwargs)
        self.field = spec
        self.element = element
        self.offered = options


class FieldList(SelectionList[Any]):
    def __init__(self, spec: FieldSpec, element: Key, options: tuple[tuple[str, Any], ...],
                 selected: list[Any], **kwargs: Any) -> None:
        super().__init__(*(Selection(label, value, value in selected)
                           for label, value in options), **kwargs)
        self.field = spec
        self.element = element
        self.offered = options


class FieldButton(Button):
    def __init__(self, spec: FieldSpec, element: Key, label: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.field = spec
        self.element = element


FieldWidget = FieldInput | FieldSelect | FieldList | FieldButton


def widget_id(rel: FieldPath) -> str:
    """``field-agent-approval``: the DOM id of a field's widget."""
    return "field-" + "-".join(str(step) for step in rel)


# ---------------------------------------------------------------------------------------------
# The panel


class ElementEditor(Panel):
    """The form of the selected element (the system until something else is chosen)."""

    DEFAULT_CSS = """
    ElementEditor { height: 1fr; }
    ElementEditor #element-title {
        height: auto; padding: 0 1; background: $boost; text-style: bold;
    }
    ElementEditor #element-problems { height: auto; padding: 0 1; color: $error; display: none; }
    ElementEditor #element-form { height: 1fr; padding: 0 1; }
    ElementEditor .form { height: auto; }
    ElementEditor .field { height: auto; }
    ElementEditor .field-label { width: 20; padding-right: 1; color: $text-muted; }
    ElementEditor .field-label.-required { color: $text; }
    ElementEditor .field:focus-within > .field-label { color: $accent; text-style: bold; }
    ElementEditor .field-label.-problem { color: $error; text-style: bold; }
    ElementEditor .field > Input, ElementEditor .field > Select,
    ElementEditor .field > SelectionList { width: 1fr; }
    ElementEditor .field > SelectionList { height: auto; max-height: 13; }
    ElementEditor .field > Button { width: auto; min-width: 10; margin-left: 1; }
    ElementEditor .section-title { margin-top: 1; text-style: bold; color: $accent; }
    ElementEditor .subsection-title { margin-top: 1; text-style: bold; }
    ElementEditor .section-help { color: $text-muted; }
    ElementEditor .note { margin-top: 1; color: $warning; }
    ElementEditor .grant { border-left: outer $accent 50%; padding-left: 1; height: auto; }
    ElementEditor .empty { color: $text-muted; padding: 1; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._workspace: Workspace | None = None
        self._analysis: Analysis | None = None
        self._element: Key = ("system", "")
        self._shape: tuple[Any, ...] | None = None
        self._form: Vertical | None = None
        self._widgets: dict[FieldPath, FieldWidget] = {}
        self._labels: dict[FieldPath, Label] = {}
        self._focus_request: FieldPath | None = None
        self._taken: list[EditRequested] | None = None
        """While ``take_pending`` runs: the edits, kept instead of posted."""

    def compose(self) -> ComposeResult:
        yield Static("Select an element in the tree", id="element-title")
        yield Static("", id="element-problems")
        # Not a Tab stop of its own: it scrolls to whichever field has focus.
        form = VerticalScroll(id="element-form")
        form.can_focus = False
        yield form

    # -- attributes down -------------------------------------------------------------------

    @property
    def element(self) -> Key:
        """(kind, id) of the element shown."""
        return self._element

    def select(self, kind: str, element_id: str,
               field: tuple[str | int, ...] | None = None) -> None:
        """Show this element's form (kind: system, component, flow, boundary, control or
        accepted_risk); ``field`` (inside the element, e.g. ``("agent", "approval")``, or a
        whole document path) gets the focus."""
        if (kind, element_id) != self._element:
            # Text typed into the form shown goes into the model before another replaces it.
            for message in self.take_pending():
                self.post_message(message)
        self._element = (kind, element_id)
        self._focus_request = field
        self._refresh_form()

    def show(self, analysis: Analysis, workspace: Workspace) -> None:
        self._analysis = analysis
        self._workspace = workspace
        self._refresh_form()

    def field_widget(self, field: FieldPath) -> Widget | None:
        """The widget that edits ``field`` (or the nearest one), in the form shown."""
        if field in self._widgets:
            return self._widgets[field]
        for rel, widget in self._widgets.items():
            if rel[:len(field)] == field:
                return widget
        for length in range(len(field) - 1, 0, -1):
            if field[:length] in self._widgets:
                return self._widgets[field[:length]]
        return None

    # -- rendering -------------------------------------------------------------------------

    def _document(self) -> Any:
        editable = self._workspace.editable if self._workspace is not None else None
        return editable.get(()) if editable is not None else None

    def _refresh_form(self) -> None:
        if self._workspace is None or not self.is_mounted:
            return
        data = self._document()
        kind, element_id = self._element
        base = element_path(data, kind, element_id) if isinstance(data, dict) else None
        if self._workspace.editable is None:
            self._message(f"This file cannot be edited here until it parses: "
                          f"{self._workspace.edit_error}")
            return
        if kind not in FORM_OF or base is None:
            self._message(f"There is no {kind.replace('_', ' ')} {element_id!r} in the model "
                          "(any more). Select an element in the tree.")
            return
        item = get_in(data, base)
        item = item if isinstance(item, dict) else {}
        fields = form_fields(kind, item)
        shape = (self._element, tuple((spec.rel, spec.kind) for spec in fields))
        if shape != self._shape:
            self._rebuild(fields, data, item, shape)
        else:
            self._update(data, item)
        self._show_title(data, base, item)
        self._show_problems(base)
        if self._focus_request is not None:
            request = self._focus_request
            self._focus_request = None
            if request[:len(base)] == base:
                request = request[len(base):]
            self.call_after_refresh(self._focus_field, request)

    def _message(self, text: str) -> None:
        self.query_one("#element-title", Static).update(Text(text))
        self.query_one("#element-problems", Static).display = False
        self._shape = ("message", text)
        self._replace_form(Vertical(Static(text, classes="empty"), classes="form"))
        self._widgets, self._labels = {}, {}

    def _replace_form(self, form: Vertical) -> None:
        scroll = self.query_one("#element-form", VerticalScroll)
        if self._form is not None:
            self._form.remove()
        self._form = form
        scroll.mount(form)

    def _rebuild(self, fields: list[FieldSpec], data: Any, item: dict[str, Any],
                 shape: tuple[Any, ...]) -> None:
        focused = self.screen.focused if self.is_attached else None
        keep_focus = next((rel for rel, widget in self._widgets.items() if widget is focused),
                          None)
        self._shape = shape
        self._widgets, self._labels = {}, {}
        with self.prevent(Select.Changed, SelectionList.SelectedChanged, Input.Changed):
            rows = list(self._rows(fields, data, item))
            self._replace_form(Vertical(*rows, classes="form"))
        if keep_focus is not None and self._focus_request is None:
            self.call_after_refresh(self._focus_field, keep_focus)

    def _focus_field(self, field: FieldPath, tries: int = 20) -> None:
        widget = self.field_widget(field)
        if widget is None:
            return
        if not widget.is_attached or not widget.region:
            # Just mounted, or in a tab that is about to be shown: once it has a place.
            if tries:
                self.call_after_refresh(self._focus_field, field, tries - 1)
            return
        widget.focus(scroll_visible=False)
        self.query_one("#element-form", VerticalScroll).scroll_to_widget(widget, animate=False)

    def _rows(self, fields: list[FieldSpec], data: Any, item: dict[str, Any]) -> list[Widget]:
        rows: list[Widget] = []
        grant: list[Widget] = []
        for spec in fields:
            if spec.kind == "heading":
                rows.append(Static(spec.title, classes="section-title"))
                if spec.description:
                    rows.append(Static(spec.description, classes="section-help"))
                continue
            if spec.kind == "subheading":
                rows.append(Static(spec.title, classes="subsection-title"))
                continue
            if spec.kind == "note":
                rows.append(Static(f"⚠ {spec.title}: {spec.description}", classes="note"))
                continue
            widget = self._widget(spec, data, item)
            self._widgets[spec.rel] = widget
            if spec.kind == "grant-remove":
                grant.append(widget)
                rows.append(Vertical(*grant, classes="grant"))
                grant = []
                continue
            label = Label(spec.title, classes="field-label")
            label.tooltip = spec.description or None
            if spec.required:
                label.add_class("-required")
            self._labels[spec.rel] = label
            row = Horizontal(label, widget, classes="field")
            # Every field of one tool grant (tool, permissions, approval) sits in its box.
            if spec.kind in ("grant-tool", "grant-permissions") or _in_grant(spec.rel):
                grant.append(row)
            elif spec.kind == "section-remove":
                rows.append(Horizontal(widget, classes="field"))
            else:
                rows.append(row)
        return rows

    def _widget(self, spec: FieldSpec, data: Any, item: dict[str, Any]) -> FieldWidget:
        element = self._element
        value = get_in(item, spec.rel)
        dom_id = widget_id(spec.rel)
        tooltip = spec.description or None
        if spec.kind in ("text", "id", "tags"):
            widget: FieldWidget = FieldInput(
                spec, element, raw_text(value), id=dom_id, compact=True,
                placeholder=("comma-separated" if spec.kind == "tags" else
                             spec.description.split("\n")[0]))
        elif spec.kind in SELECT_KINDS:
            options = self._options(spec, data, value)
            prompt = ("not stated" if spec.kind == "bool" else
                      "choose a tool to grant…" if spec.kind == "grant-add" else "(not set)")
            widget = FieldSelect(spec, element, options, self._select_value(options, value),
                                 id=dom_id, compact=True, prompt=prompt)
        elif spec.kind in LIST_KINDS:
            options = self._options(spec, data, value)
            widget = FieldList(spec, element, options, self._list_value(value), id=dom_id,
                               compact=True)
        else:  # grant-remove, section-remove
            widget = FieldButton(spec, element, spec.title, id=dom_id, compact=True,
                                 variant="warning")
        widget.tooltip = tooltip
        return widget

    def _options(self, spec: FieldSpec, data: Any, value: Any) -> tuple[tuple[str, Any], ...]:
        """What a select or list offers now, plus any current value that is not allowed."""
        own = self._element[1]
        if spec.kind in ("grant-tool", "grant-add"):
            ids = [c for c in component_ids(data, TOOL_TARGET_TYPES) if c != own]
            options = tuple((c, c) for c in ids)
        elif spec.kind in ("ref", "refs", "targets"):
            reference = spec.reference
            if reference is not None and reference.pool == "boundaries":
                ids = [b for _, b in element_ids(data, "boundary")
                       if not b.startswith("#") and b != own]
            else:  # the editor offers components; a target may also be typed as a flow's id
                choices = reference.choices if reference is not None else ()
                ids = [c for c in component_ids(data, choices or None) if c != own]
            options = tuple((c, c) for c in ids)
            if spec.kind == "targets":
                options = (("* the whole system", "*"), *options)
        else:
            options = spec.options
        legal = [v for _, v in options]
        current = value if isinstance(value, list) else [] if value is MISSING else [value]
        if spec.kind == "grant-add":
            current = []
        extra = tuple((f"{v} (not allowed)" if spec.kind not in ("ref", "refs", "grant-tool")
                       else f"{v} (missing)", v) for v in current
                      if not any(same_value(v, w) for w in legal) and hashable(v))
        return options + extra

    @staticmethod
    def _select_value(options: tuple[tuple[str, Any], ...], value: Any) -> Any:
        return value if any(same_value(value, v) for _, v in options) else Select.NULL

    @staticmethod
    def _list_value(value: Any) -> list[Any]:
        if isinstance(value, list):
            return [v for v in value if hashable(v)]
        return [value] if value is not MISSING and hashable(value) else []

    def _update(self, data: Any, item: dict[str, Any]) -> None:
        """Same shape as shown: new values and options, in place, sparing the field being
        edited."""
        with self.prevent(Select.Changed, SelectionList.SelectedChanged, Input.Changed):
            for rel, widget in self._widgets.items():
                value = get_in(item, rel)
                spec = widget.field
                if isinstance(widget, FieldInput):
                    if widget.edited:  # typed into and not committed yet: leave it be
                        continue
                    widget.original = raw_text(value)
                    text = printable(widget.original)
                    if widget.has_focus and _typed_value(widget) == _typed_value(widget, text):
                        # Being typed into, and the model holds what it says: its stored form
                        # (trimmed) would move the cursor and eat a space typed before a pause.
                        continue
                    if widget.value != text:
                        widget.value = text
                elif isinstance(widget, FieldSelect):
                    if widget.expanded:
                        continue
                    options = self._options(spec, data, value)
                    wanted = self._select_value(options, value)
                    if options != widget.offered:
                        widget.offered = options
                        widget.set_options(options)
                    if not same_value(widget.value, wanted):
                        widget.value = wanted
                elif isinstance(widget, FieldList):
                    options = self._options(spec, data, value)
                    selected = self._list_value(value)
                    if options != widget.offered:
                        widget.offered = options
                        highlighted = widget.highlighted
                        widget.clear_options()
                        widget.add_options([Selection(label, v, v in selected)
                                            for label, v in options])
                        if highlighted is not None and highlighted < len(options):
                            widget.highlighted = highlighted
                    elif set(widget.selected) != set(selected):
                        widget.deselect_all()
                        for v in selected:
                            widget.select(v)

    def _show_title(self, data: Any, base: FieldPath, item: dict[str, Any]) -> None:
        kind, element_id = self._element
        title = Text(KIND_TITLES.get(kind, kind), style="bold")
        if kind == "system":
            title.append(f" {as_text(item.get('name'))}")
        elif kind in ("component", "boundary"):
            title.append(f" {element_id}")
            extra = item.get("type") if kind == "component" else item.get("kind")
            title.append(f"  {as_text(extra)}", style="dim")
        elif kind == "flow":
            title.append(f" {element_id}")
            title.append(f"  {as_text(item.get('from'))} → {as_text(item.get('to'))}",
                         style="dim")
        else:
            title.append(f" {as_text(item.get('control' if kind == 'control' else 'finding'))}")
        counts = finding_counts(self._analysis)
        target = "*" if kind == "system" else element_id
        if kind in ("system", "component", "flow", "boundary") and target in counts:
            count, worst = counts[target]
            title.append(f"  ●{count} unresolved finding{'s' if count != 1 else ''}",
                         style=SEVERITY_STYLES.get(worst, ""))
        self.query_one("#element-title", Static).update(title)

    def _show_problems(self, base: FieldPath) -> None:
        analysis = self._analysis
        if analysis is None or self._workspace is None or analysis.text != self._workspace.text:
            return  # stale: keep the marks until the analysis of this text arrives
        prefix = format_path(base)

        def within(path: str, root: str) -> bool:
            return path == root or path.startswith((f"{root}.", f"{root}["))

        mine = [d for d in analysis.diagnostics if within(d.path, prefix)]
        for rel, label in self._labels.items():
            field = format_path((*base, *rel))
            messages = [d.message for d in mine if within(d.path, field)]
            label.set_class(bool(messages), "-problem")
            spec = self._widgets[rel].field
            label.tooltip = "\n".join([*messages, spec.description]).strip() or None
        lines = Text()
        for diagnostic in mine[:4]:
            icon = "✖" if diagnostic.severity == "error" else "⚠"
            lines.append(f"{icon} {diagnostic.message}\n")
        if len(mine) > 4:
            lines.append(f"… {len(mine) - 4} more in the Problems tab\n")
        lines.rstrip()
        problems = self.query_one("#element-problems", Static)
        problems.update(lines)
        problems.display = bool(mine)

    # -- messages up -----------------------------------------------------------------------

    def _edit(self, edit: Any, description: str, select: Key | None = None) -> None:
        message = EditRequested(edit, description, select=select)
        if self._taken is not None:
            self._taken.append(message)
        else:
            self.post_message(message)

    def _base(self, element: Key) -> tuple[Any, FieldPath] | None:
        data = self._document()
        base = element_path(data, *element) if isinstance(data, dict) else None
        return None if base is None else (data, base)

    def _commit(self, element: Key, rel: FieldPath, value: Any, title: str) -> None:
        """Set (or, for MISSING, delete) one value, if it differs from the file."""
        found = self._base(element)
        if found is None:
            return
        data, base = found
        path = (*base, *rel)
        current = get_in(data, path)
        name = element[1] if element[0] != "system" else "the system"
        if value is MISSING:
            if current is MISSING:
                return

            def delete(model: EditableModel) -> None:
                model.delete_value(path)

            self._edit(delete, f"clear {title} of {name}")
            return
        if same_value(current, value):
            return

        def assign(model: EditableModel) -> None:
            model.set_value(path, value)

        select = None
        if element[0] in ("control", "accepted_risk") and rel in (("control",), ("finding",)):
            select = (element[0], f"#{base[1]}")  # its natural key changes: follow the index
        self._edit(assign, f"{title} of {name}", select)

    def _restore(self, widget: FieldWidget) -> None:
        found = self._base(widget.element)
        if found is None:
            return
        data, base = found
        value = get_in(data, (*base, *widget.field.rel))
        with self.prevent(Select.Changed, SelectionList.SelectedChanged, Input.Changed):
            if isinstance(widget, FieldInput):
                widget.original = raw_text(value)
                widget.value = printable(widget.original)
                widget.edited = False
            elif isinstance(widget, FieldSelect):
                widget.value = self._select_value(widget.offered, value)

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if isinstance(event.input, FieldInput):
            event.stop()
            if event.input.has_focus:
                event.input.edited = True
                self._restart_pause(event.input)

    def _restart_pause(self, widget: FieldInput) -> None:
        if widget.pause is not None:
            widget.pause.stop()
        pause = getattr(self.app, "typing_pause", TYPING_PAUSE)  # the app's, which tests set
        widget.pause = self.set_timer(pause, lambda: self._paused(widget))

    def _paused(self, widget: FieldInput) -> None:
        """Typing stopped: the text goes into the model, as Enter would put it, except where
        taking it half-typed would do harm: an id (a rename per pause) and a required field
        left empty (its warning while the user is still typing); those wait for Enter."""
        widget.pause = None
        if not widget.edited or not widget.is_attached or widget.field.kind == "id":
            return
        if widget.field.required and not widget.value.strip():
            return
        self._commit_input(widget)

    @on(Input.Submitted)
    @on(Input.Blurred)
    def _input_done(self, event: Input.Submitted | Input.Blurred) -> None:
        widget = event.input
        if not isinstance(widget, FieldInput):
            return
        event.stop()
        if widget.edited or isinstance(event, Input.Submitted):
            self._commit_input(widget)

    def take_pending(self) -> list[EditRequested]:
        """The edits for text typed and not yet in the model (before a save, an export or a
        quit), returned instead of posted so the caller applies them at once."""
        self._taken = []
        try:
            for widget in self._widgets.values():
                if isinstance(widget, FieldInput) and widget.edited:
                    self._commit_input(widget)
            return self._taken
        finally:
            self._taken = None

    def _commit_input(self, widget: FieldInput) -> None:
        spec = widget.field
        widget.edited = False
        if widget.pause is not None:
            widget.pause.stop()
            widget.pause = None
        value = _typed_value(widget)
        if spec.kind == "id":
            self._rename(widget, value)
            return
        if not value:
            if spec.required:
                self.notify(f"{spec.title} is required.", title="Not changed",
                            severity="warning")
                self._restore(widget)
                return
            value = MISSING
        self._commit(widget.element, spec.rel, value, spec.title)

    def _rename(self, widget: FieldInput, new_id: str) -> None:
        kind, old = widget.element
        found = self._base(widget.element)
        if found is None or new_id == old:
            return
        data, base = found
        problem = id_problem(new_id, used_ids(data) - {old})
        if problem is not None:
            self.notify(problem, title="Id not changed", severity="error")
            self._restore(widget)
            return

        def rename(model: EditableModel) -> None:
            if old.startswith("#"):  # the item had no usable id: give it one
                model.set_value((*base, "id"), new_id)
            else:
                model.rename_id(old, new_id)

        self._edit(rename, f"rename {kind} {old} to {new_id}", select=(kind, new_id))

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        widget = event.select
        if not isinstance(widget, FieldSelect):
            return
        event.stop()
        if widget.element != self._element or self._widgets.get(widget.field.rel) is not widget:
            return  # a form that is being replaced
        spec = widget.field
        value = MISSING if event.value is Select.NULL else event.value
        if spec.kind == "grant-add":
            if value is not MISSING:
                self._grant(widget.element, str(value))
            return
        if value is MISSING and spec.required:
            self._restore(widget)
            return
        if spec.kind == "type":
            self._change_type(widget, value)
            return
        self._commit(widget.element, spec.rel, value, spec.title)

    def _grant(self, element: Key, tool: str) -> None:
        found = self._base(element)
        if found is None:
            return
        data, base = found
        tools = get_in(data, (*base, "agent", "tools"))
        grant = {"tool": tool}

        def add(model: EditableModel) -> None:
            if isinstance(tools, list):
                model.set_value((*base, "agent", "tools", len(tools)), grant)
            else:
                model.set_value((*base, "agent", "tools"), [grant])

        self._edit(add, f"grant {tool} to {element[1]}")

    def _change_type(self, widget: FieldSelect, new_type: Any) -> None:
        found = self._base(widget.element)
        if found is None:
            return
        data, base = found
        item = get_in(data, base)
        current = item.get("type") if isinstance(item, dict) else None
        if same_value(current, new_type):
            return
        stale = [section for section, types in section_types().items()
                 if isinstance(item, dict) and section in item and new_type not in types]
        name = widget.element[1]

        def change(model: EditableModel) -> None:
            model.set_value((*base, "type"), new_type)
            for section in stale:
                model.delete_value((*base, section))

        if not stale:
            self._edit(change, f"type of {name}")
            return
        sections = " and ".join(f"`{s}`" for s in stale)

        def answer(yes: bool | None) -> None:
            if yes:
                self._edit(change, f"type of {name} (removing its {sections} section)")
            else:
                self._restore(widget)

        self.app.push_screen(ConfirmDialog(
            f"Change {name} from {current} to {new_type}?\n\nIts {sections} section"
            f"{'s do' if len(stale) > 1 else ' does'} not apply to a {new_type} and will be "
            "removed with everything in it (ctrl+z brings it back).",
            yes="Change and remove", no="Keep the type"), answer)

    @on(SelectionList.SelectedChanged)
    def _list_changed(self, event: SelectionList.SelectedChanged[Any]) -> None:
        widget = event.selection_list
        if not isinstance(widget, FieldList):
            return
        event.stop()
        if widget.element != self._element or self._widgets.get(widget.field.rel) is not widget:
            return
        spec = widget.field
        found = self._base(widget.element)
        if found is None:
            return
        data, base = found
        current = get_in(data, (*base, *spec.rel))
        chosen = set(widget.selected)
        before = current if isinstance(current, list) else [] if current is MISSING \
            else [current]
        if spec.kind == "targets" and "*" in chosen:
            if "*" in before and len(chosen) > 1:
                chosen.discard("*")  # a component was picked: no longer the whole system
            else:
                self._commit(widget.element, spec.rel, "*", spec.title)
                return
        kept = [v for v in before if hashable(v) and v in chosen]
        added = [v for _, v in widget.offered if v in chosen and v not in kept]
        value: Any = kept + added if chosen else MISSING
        self._commit(widget.element, spec.rel, value, spec.title)

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        widget = event.button
        if not isinstance(widget, FieldButton):
            return
        event.stop()
        found = self._base(widget.element)
        if found is None:
            return
        _, base = found
        path = (*base, *widget.field.rel[:-1])
        what = ("tool grant" if widget.field.kind == "grant-remove"
                else f"{widget.field.rel[0]} section")

        def delete(model: EditableModel) -> None:
            model.delete_value(path)

        self._edit(delete, f"remove {what} of {widget.element[1]}")


def _in_grant(rel: FieldPath) -> bool:
    """A field inside one of the agent's tool grants: ("agent", "tools", 0, "approval")."""
    return len(rel) == 4 and rel[:2] == ("agent", "tools") and isinstance(rel[2], int)
