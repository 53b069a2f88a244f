"""The model as a tree: boundaries containing components, then flows, controls, risks.

The tree is rebuilt from the plain data of the current text (``workspace.editable``), so it
shows a model that does not validate yet, and keeps its expansion and cursor on the same
element (kind, id) across re-analyses. Edits go up as ``EditRequested``; nothing here changes
the workspace itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from scoping_tui.editing.derived import (
    DerivedChange,
    RenameSource,
    derived_changes,
    rename_with,
)
from scoping_tui.editing.edit import EditableModel, Removal
from scoping_tui.editing.implied import plan_flow
from scoping_tui.editing.workspace import Analysis, Workspace
from scoping_tui.tui.dialogs.choose import NONE, ChooseDialog
from scoping_tui.tui.dialogs.confirm import ConfirmDialog
from scoping_tui.tui.dialogs.new_element import NewElement, NewElementDialog
from scoping_tui.tui.dialogs.rename import RenameDialog
from scoping_tui.tui.dialogs.rename_element import RenameChoice, RenameElementDialog
from scoping_tui.tui.messages import EditRequested, ElementHighlighted, ElementSelected

Key = tuple[str, str]
"""(kind, element id): kind is system, boundary, component, flow, control, accepted_risk or
group (a heading such as Flows); the id of a control or accepted risk is its control or
finding id, or ``#index`` when that is not unique in the file."""
ModelPath = tuple[str | int, ...]

SECTION_OF: dict[str, str] = {
    "boundary": "boundaries",
    "component": "components",
    "flow": "flows",
    "control": "controls",
    "accepted_risk": "accepted_risks",
}
ID_KINDS = ("boundary", "component", "flow")
"""Kinds whose items have an id (one namespace shared by the three)."""
_NATURAL_KEY = {"control": "control", "accepted_risk": "finding"}
SEVERITY_STYLES = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}
SYSTEM_KEY: Key = ("system", "")
_GROUP_OF = {"boundary": "boundaries", "component": "boundaries", "flow": "flows",
             "control": "controls", "accepted_risk": "accepted_risks"}


# ---------------------------------------------------------------------------------------------
# Addressing elements in the plain data of the model (shared with the element editor)


def section_items(data: Any, section: str) -> list[tuple[int, dict[str, Any]]]:
    """The mapping items of a top-level list, with their index in the file."""
    items = data.get(section) if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    return [(index, item) for index, item in enumerate(items) if isinstance(item, dict)]


def element_ids(data: Any, kind: str) -> list[tuple[int, str]]:
    """(index, element id) of every item of a kind, in file order."""
    items = section_items(data, SECTION_OF[kind])
    if kind in ID_KINDS:
        return [(index, item["id"] if isinstance(item.get("id"), str) else f"#{index}")
                for index, item in items]
    name = _NATURAL_KEY[kind]
    values = [item.get(name) for _, item in items]
    return [(index, value if isinstance(value, str) and values.count(value) == 1
             else f"#{index}") for (index, item), value in zip(items, values, strict=True)]


def element_index(data: Any, kind: str, element_id: str) -> int | None:
    """Where an element sits in its section: by id, by ``#index`` or by a plain index."""
    if kind not in SECTION_OF:
        return None
    pairs = element_ids(data, kind)
    for index, key in pairs:
        if key == element_id:
            return index
    if kind in _NATURAL_KEY:  # a control id or finding listed twice: the first one
        for index, item in section_items(data, SECTION_OF[kind]):
            if item.get(_NATURAL_KEY[kind]) == element_id:
                return index
    digits = element_id.removeprefix("#")
    if digits.isdigit() and any(index == int(digits) for index, _ in pairs):
        return int(digits)
    return None


def element_path(data: Any, kind: str, element_id: str) -> ModelPath | None:
    """The document path of an element: ``("system",)`` or ``(section, index)``."""
    if kind == "system":
        return ("system",)
    index = element_index(data, kind, element_id)
    return None if index is None else (SECTION_OF[kind], index)


def locate(data: Any, path: ModelPath) -> tuple[str, str, ModelPath] | None:
    """The element a document path is in, and the path inside it:
    ``("components", 3, "agent", "approval")`` -> ``("component", "ops-agent",
    ("agent", "approval"))``. For routing "jump to problem" to ``ElementEditor.select``."""
    if path[:1] == ("system",):
        return "system", "", path[1:]
    kind = next((k for k, section in SECTION_OF.items() if path[:1] == (section,)), None)
    if kind is None or len(path) < 2 or not isinstance(path[1], int):
        return None
    key = dict(element_ids(data, kind)).get(path[1])
    return None if key is None else (kind, key, path[2:])


def used_ids(data: Any) -> set[str]:
    """Ids taken by boundaries, components and flows."""
    return {item["id"] for kind in ID_KINDS for _, item in section_items(data, SECTION_OF[kind])
            if isinstance(item.get("id"), str)}


def component_ids(data: Any, types: tuple[str, ...] | None = None) -> list[str]:
    """Ids of components, optionally only of some types, in file order."""
    return [item["id"] for _, item in section_items(data, "components")
            if isinstance(item.get("id"), str) and (types is None or item.get("type") in types)]


def finding_counts(analysis: Analysis | None) -> dict[str, tuple[int, str]]:
    """Unresolved findings per target id: (count, worst severity). ``*`` is the system."""
    if analysis is None or analysis.assessment is None:
        return {}
    order = list(SEVERITY_STYLES)
    out: dict[str, tuple[int, str]] = {}
    for status in analysis.assessment.findings:
        if not status.unresolved:
            continue
        finding = status.finding
        count, worst = out.get(finding.target, (0, finding.severity))
        if order.index(finding.severity) < order.index(worst):
            worst = finding.severity
        out[finding.target] = (count + 1, worst)
    return out


# ---------------------------------------------------------------------------------------------
# What the tree shows, as plain data (compared between analyses)


@dataclass
class NodeSpec:
    key: Key
    label: Text
    children: list[NodeSpec] = field(default_factory=list)
    position: tuple[str, int] | None = None
    """(kind, index in its section): where to put the cursor if this element disappears."""

    def shape(self) -> tuple[Any, ...]:
        return (self.key, tuple(child.shape() for child in self.children))

    def walk(self) -> Iterator[NodeSpec]:
        yield self
        for child in self.children:
            yield from child.walk()


def _label(text: str, counts: dict[str, tuple[int, str]], target: str | None,
           note: str = "") -> Text:
    label = Text(text)
    if note:
        label.append(f" {note}", style="dim")
    if target is not None and target in counts:
        count, worst = counts[target]
        label.append(f" ●{count}", style=SEVERITY_STYLES.get(worst, ""))
    return label


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "?" if value is None else str(value)


def build_spec(data: Any, counts: dict[str, tuple[int, str]], fallback: str) -> NodeSpec:
    """The whole tree for one version of the model."""
    system = data.get("system") if isinstance(data, dict) else None
    name = system.get("name") if isinstance(system, dict) else None
    root = NodeSpec(SYSTEM_KEY, _label(_text(name) if name is not None else fallback,
                                       counts, "*"))
    root.label.stylize("bold", 0, len(_text(name) if name is not None else fallback))

    boundaries = section_items(data, "boundaries")
    boundary_keys = dict(element_ids(data, "boundary"))
    known = {item["id"] for _, item in boundaries if isinstance(item.get("id"), str)}
    nodes: dict[str, NodeSpec] = {}
    for index, key in boundary_keys.items():
        nodes.setdefault(key, NodeSpec(("boundary", key), _label(key, counts, key),
                                       position=("boundary", index)))

    group_boundaries = NodeSpec(("group", "boundaries"), Text("Trust boundaries"))
    drawn_in = _tree_parents(boundaries, known)
    placed: set[str] = set()
    for index, _ in boundaries:
        key = boundary_keys[index]
        if key in placed:  # a duplicate id: one node
            continue
        placed.add(key)
        parent = drawn_in.get(key)
        (nodes[parent] if parent is not None else group_boundaries).children.append(nodes[key])
    no_boundary = NodeSpec(("group", "no-boundary"), Text("(no boundary)", style="italic"))
    component_keys = dict(element_ids(data, "component"))
    for index, item in section_items(data, "components"):
        key = component_keys[index]
        node = NodeSpec(("component", key), _label(key, counts, key), position=("component",
                                                                                  index))
        boundary = item.get("boundary")
        if isinstance(boundary, str) and boundary in nodes:
            nodes[boundary].children.append(node)
        else:
            no_boundary.children.append(node)
    if no_boundary.children:
        group_boundaries.children.append(no_boundary)
    group_boundaries.label.append(f" ({len(boundaries)})", style="dim")

    flows = NodeSpec(("group", "flows"), Text("Flows"))
    for index, key in element_ids(data, "flow"):
        item = data["flows"][index]
        text = f"{_text(item.get('from'))} → {_text(item.get('to'))}"
        if isinstance(item.get("name"), str) and item["name"]:
            text += f": {item['name']}"
        flows.children.append(NodeSpec(("flow", key), _label(text, counts, key),
                                       position=("flow", index)))
    flows.label.append(f" ({len(flows.children)})", style="dim")

    controls = NodeSpec(("group", "controls"), Text("Controls"))
    for index, key in element_ids(data, "control"):
        item = data["controls"][index]
        controls.children.append(NodeSpec(("control", key), _label(
            _text(item.get("control")), counts, None, _text(item.get("status"))),
            position=("control", index)))
    controls.label.append(f" ({len(controls.children)})", style="dim")

    risks = NodeSpec(("group", "accepted_risks"), Text("Accepted risks"))
    for index, key in element_ids(data, "accepted_risk"):
        item = data["accepted_risks"][index]
        risks.children.append(NodeSpec(("accepted_risk", key), Text(_text(item.get("finding"))),
                                       position=("accepted_risk", index)))
    risks.label.append(f" ({len(risks.children)})", style="dim")

    root.children = [group_boundaries, flows, controls, risks]
    return root


TREE_MAX_NESTING = 24
"""Boundary levels the tree nests; deeper ones are listed inside the last level."""


def _tree_parents(boundaries: list[tuple[int, dict[str, Any]]],
                  known: set[str]) -> dict[str, str | None]:
    """The node each boundary hangs under: its parent, or the top level when the parent is
    unknown, itself or part of a cycle (the Problems tab says why), or an ancestor
    TREE_MAX_NESTING levels down when it nests deeper. Linear in the number of boundaries, so
    a chain thousands deep neither stalls nor overflows the widget's recursion."""
    parent_of: dict[str, str | None] = {}
    for _, item in boundaries:
        key, parent = item.get("id"), item.get("parent")
        if isinstance(key, str) and key not in parent_of:
            valid = isinstance(parent, str) and parent in known and parent != key
            parent_of[key] = parent if valid else None
    depth: dict[str, int] = {}
    cyclic: set[str] = set()
    """In a cycle or below one: listed at the top level, as the Problems tab explains."""
    for start in parent_of:
        chain: dict[str, None] = {}
        node: str | None = start
        while node is not None and node not in depth and node not in chain:
            chain[node] = None
            node = parent_of.get(node)
        if node is not None and (node in chain or node in cyclic):
            cyclic.update(chain)
            depth.update(dict.fromkeys(chain, 0))
            continue
        level = depth[node] if node is not None else -1
        for walked in reversed(chain):
            level += 1
            depth[walked] = level
    for key in cyclic:
        parent_of[key] = None
    anchor: dict[str, str] = {}
    drawn_in: dict[str, str | None] = {}
    for key in sorted(parent_of, key=lambda k: depth[k]):
        parent = parent_of[key]
        drawn_in[key] = anchor[parent] if parent is not None else None
        deep = depth[key] >= TREE_MAX_NESTING and drawn_in[key] is not None
        anchor[key] = drawn_in[key] if deep else key  # type: ignore[assignment]
    return drawn_in


# ---------------------------------------------------------------------------------------------
# The widget


class ModelTree(Tree[Key]):
    """Boundaries with their components, flows, controls and accepted risks.

    Enter (or a click) on an element posts ``ElementSelected``; space toggles a branch.
    """

    DEFAULT_CSS = """
    ModelTree { scrollbar-size-vertical: 1; }
    """
    BINDINGS = [
        Binding("n", "add", "Add", id="tree.add",
                tooltip="Add a component, data flow or trust boundary"),
        Binding("d", "duplicate", "Duplicate", id="tree.duplicate",
                tooltip="Copy the selected element under a new id"),
        Binding("delete", "remove", "Delete", id="tree.delete",
                tooltip="Remove the selected element and what depends on it (asks first)"),
        Binding("r", "rename", "Rename", id="tree.rename",
                tooltip="Change its name and id; references and what was made from the old "
                        "name follow"),
        Binding("b", "add_boundary", "Boundary", id="tree.boundary",
                tooltip="Add a trust boundary inside the one the cursor is in (the cursor "
                        "stays, so the next one goes beside it)"),
        Binding("f", "add_flow", "Flow", id="tree.flow",
                tooltip="Add a data flow from the selected component (choose where it goes)"),
        Binding("F", "add_flow_in", "Flow in", id="tree.flow_in",
                tooltip="Add a data flow into the selected component (choose where it comes "
                        "from)"),
        Binding("m", "move", "Move", id="tree.move",
                tooltip="Move the selected component or boundary (or the marked ones) into "
                        "another boundary"),
        Binding("x", "mark", "Mark", id="tree.mark",
                tooltip="Mark the element and go to the next: m and Delete then act on every "
                        "marked one"),
        Binding("escape", "clear_marks", "Unmark", id="tree.unmark", show=False,
                tooltip="Clear the marks"),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("model", data=SYSTEM_KEY, id=id, classes=classes)
        self.auto_expand = False
        self.guide_depth = 2
        self._workspace: Workspace | None = None
        self._data: Any = {}
        self._spec: NodeSpec | None = None
        self._pending: Key | None = None
        self._shown: tuple[Analysis, Workspace] | None = None
        self.marked: list[Key] = []
        """Elements marked with x, in the order marked: what m and Delete act on."""

    # -- attributes down -------------------------------------------------------------------

    def show(self, analysis: Analysis, workspace: Workspace) -> None:
        """Rebuild from the current text, keeping expansion and the cursor's element."""
        self._workspace = workspace
        self._shown = (analysis, workspace)
        editable = workspace.editable
        data = editable.get(()) if editable is not None else None
        self._data = data if isinstance(data, dict) else {}
        fallback = workspace.display_name if editable is not None else \
            f"{workspace.display_name} (cannot be edited: fix the YAML)"
        spec = build_spec(self._data, finding_counts(analysis), fallback)
        present = {node.key for node in spec.walk()}
        self.marked = [key for key in self.marked if key in present]
        for node in spec.walk():
            if node.key in self.marked:
                node.label = Text.assemble(("✓ ", "bold green"), node.label)
        old = self._spec
        self._spec = spec
        if old is not None and old.shape() == spec.shape():
            self._relabel(self.root, spec)
        else:
            self._rebuild(spec, old)
        if self._pending is not None and self.select_element(*self._pending):
            self._pending = None
        self.refresh_bindings()

    def select_element(self, kind: str, element_id: str) -> bool:
        """Put the cursor on an element (expanding its branch); False if it is not shown."""
        node = self._find((kind, element_id))
        if node is None:
            return False
        self._reveal(node)
        return True

    @property
    def cursor_key(self) -> Key | None:
        node = self.cursor_node
        return node.data if node is not None else None

    # -- building --------------------------------------------------------------------------

    def _relabel(self, node: TreeNode[Key], spec: NodeSpec) -> None:
        if node.label != spec.label:
            node.set_label(spec.label)
        for child, child_spec in zip(node.children, spec.children, strict=True):
            self._relabel(child, child_spec)

    def _rebuild(self, spec: NodeSpec, old: NodeSpec | None) -> None:
        cursor = self.cursor_key
        collapsed = {node.data for node in self._walk_nodes() if node.allow_expand
                     and not node.is_expanded and node.data is not None}
        fallback = self._fallback(cursor, old, spec)
        self.clear()
        self.root.set_label(spec.label)
        self.root.data = spec.key
        self.root.expand()

        def add(parent: TreeNode[Key], children: list[NodeSpec]) -> None:
            for child in children:
                if child.children or child.key[0] == "group":
                    node = parent.add(child.label, data=child.key,
                                      expand=child.key not in collapsed,
                                      allow_expand=bool(child.children))
                    add(node, child.children)
                else:
                    parent.add_leaf(child.label, data=child.key)

        add(self.root, spec.children)
        target = self._pending or cursor
        node = self._find(target) if target is not None else None
        if node is None and fallback is not None:
            node = self._find(fallback)
        if node is None and cursor is not None and cursor[0] in SECTION_OF:
            node = self._find(("group", _GROUP_OF[cursor[0]]))
        self._reveal(node if node is not None else self.root)

    @staticmethod
    def _fallback(cursor: Key | None, old: NodeSpec | None, new: NodeSpec) -> Key | None:
        """If the cursor's element goes away (deleted, or renamed in the form): the element
        now at its place in its section, or the nearest one before it."""
        if cursor is None or old is None:
            return None
        position = next((s.position for s in old.walk() if s.key == cursor), None)
        if position is None:
            return None
        kind, index = position
        candidates = [(s.position[1], s.key) for s in new.walk()
                      if s.position is not None and s.position[0] == kind
                      and s.position[1] <= index]
        return max(candidates)[1] if candidates else None

    def _walk_nodes(self) -> Iterator[TreeNode[Key]]:
        stack = [self.root]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(node.children)

    def _find(self, key: Key) -> TreeNode[Key] | None:
        return next((node for node in self._walk_nodes() if node.data == key), None)

    def _reveal(self, node: TreeNode[Key]) -> None:
        parent = node.parent
        while parent is not None:
            if not parent.is_expanded:
                parent.expand()
            parent = parent.parent
        _ = self.last_line  # lay the lines out now, so the node knows its line
        self.move_cursor(node)

    # -- messages up -----------------------------------------------------------------------

    @on(Tree.NodeSelected)
    def _node_selected(self, event: Tree.NodeSelected[Key]) -> None:
        event.stop()
        key = event.node.data
        if key is None:
            return
        if key[0] == "group":
            event.node.toggle()
        else:
            self.post_message(ElementSelected(*key))

    @on(Tree.NodeHighlighted)
    def _node_highlighted(self, event: Tree.NodeHighlighted[Key]) -> None:
        event.stop()
        self.refresh_bindings()
        key = event.node.data
        if key is not None and key[0] != "group":
            self.post_message(ElementHighlighted(*key))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_marks":
            return bool(self.marked) or False  # without marks Escape goes on to the screen
        if action == "remove" and self.marked:
            return True
        if action in ("duplicate", "remove", "rename"):
            key = self.cursor_key
            kinds = ID_KINDS if action == "rename" else tuple(SECTION_OF)
            return True if key is not None and key[0] in kinds else None
        return True

    def _editable(self) -> EditableModel | None:
        editable = self._workspace.editable if self._workspace is not None else None
        if editable is None:
            self.notify("This file cannot be edited until its YAML parses.", title="Read-only",
                        severity="warning")
        return editable

    def _add_context(self) -> tuple[str, str | None]:
        """The kind to add and the boundary to put it in, from where the cursor is."""
        node = self.cursor_node
        while node is not None and node.data is not None:
            kind, element_id = node.data
            if kind == "flow" or (kind, element_id) == ("group", "flows"):
                return "flow", None
            if kind == "boundary":
                return "component", element_id
            if (kind, element_id) == ("group", "boundaries"):
                return "component", None
            node = node.parent
        return "component", None

    def _dialog(self, **preset: Any) -> NewElementDialog:
        return NewElementDialog(
            used=used_ids(self._data), components=component_ids(self._data),
            boundaries=[b for _, b in element_ids(self._data, "boundary")], data=self._data,
            **preset)

    def action_add(self) -> None:
        if self._editable() is None:
            return
        kind, boundary = self._add_context()
        self.app.push_screen(self._dialog(kind=kind, boundary=boundary), self._added)

    def action_add_boundary(self) -> None:
        if self._editable() is None:
            return
        _, parent = self._add_context()
        # The cursor stays where it is, so the next boundary goes beside this one.
        here = self.cursor_key
        self.app.push_screen(self._dialog(kind="boundary", parent=parent),
                             lambda result: self._added(result, stay=here))

    def action_add_flow(self) -> None:
        self._flow_dialog(inward=False)

    def action_add_flow_in(self) -> None:
        self._flow_dialog(inward=True)

    def _flow_dialog(self, *, inward: bool) -> None:
        """A flow from (or into) the component under the cursor; the cursor stays on it, so
        its next flow is one key away."""
        key = self.cursor_key
        if key is None or key[0] != "component" or self._editable() is None:
            where = "comes into" if inward else "leaves from"
            self.notify(f"Put the cursor on the component the flow {where}.",
                        title="Add a flow", severity="warning")
            return
        end = {"target": key[1]} if inward else {"source": key[1]}
        self.app.push_screen(self._dialog(**end), lambda result: self._added(result, stay=key))

    def action_mark(self) -> None:
        key = self.cursor_key
        if key is None or key[0] not in ID_KINDS or key[1].startswith("#"):
            self.notify("Marks are for components, boundaries and flows.", title="Mark",
                        severity="warning")
            return
        if key in self.marked:
            self.marked.remove(key)
        else:
            self.marked.append(key)
        self._show_again()
        self.action_cursor_down()

    def action_clear_marks(self) -> None:
        self.marked = []
        self._show_again()

    def _show_again(self) -> None:
        if self._shown is not None:
            self.show(*self._shown)

    def action_move(self) -> None:
        if self.marked:
            _move_marked(self)
            return
        key = self.cursor_key
        editable = self._editable()
        if key is None or key[0] not in ("component", "boundary") or editable is None \
                or key[1].startswith("#"):
            self.notify("Put the cursor on a component or a boundary.", title="Move",
                        severity="warning")
            return
        kind, element_id = key
        index = element_index(self._data, kind, element_id)
        if index is None:
            return
        field = "boundary" if kind == "component" else "parent"
        section = SECTION_OF[kind]
        # A boundary cannot go inside itself or one of its own children.
        inside = _descendants(self._data, element_id) if kind == "boundary" else set()
        options = [(b, b) for _, b in element_ids(self._data, "boundary")
                   if b != element_id and b not in inside]
        current = editable.get((section, index, field))

        def answer(choice: str | None) -> None:
            if choice is None or choice == current or (choice == NONE and current is None):
                return

            def move(model: EditableModel) -> None:
                if choice == NONE:
                    model.delete_value((section, index, field))
                else:
                    model.set_value((section, index, field), choice)

            where = "out of every boundary" if choice == NONE else f"into {choice}"
            self.post_message(EditRequested(move, f"move {kind} {element_id} {where}",
                                            select=key))

        self.app.push_screen(ChooseDialog(
            f"Move {kind} {element_id} into (now: {current or 'no boundary'})", options,
            current=current if isinstance(current, str) else None,
            none_label="(no boundary: top level)"), answer)

    def _added(self, result: NewElement | None, stay: Key | None = None) -> None:
        """Append the new element and put the cursor on it, or keep it on ``stay`` (a flow
        added from a component: the next flow from it is one key away)."""
        if result is None:
            return
        section = SECTION_OF[result.kind]
        item = result.item
        new_id = str(item["id"])
        self._pending = stay or (result.kind, new_id)
        if result.kind == "flow":
            addition = plan_flow(self._data, item, result.grant)
            edit: Callable[[EditableModel], None] = addition.apply
            if addition.notes:
                self.notify("; ".join(addition.notes) + " (one Ctrl+Z undoes it all).",
                            title=f"Flow {new_id} added")
        else:
            def edit(model: EditableModel) -> None:
                model.append_item(section, item)

        self.post_message(EditRequested(edit, f"add {result.kind} {new_id}",
                                        select=stay or (result.kind, new_id)))

    def action_duplicate(self) -> None:
        key = self.cursor_key
        if key is None or key[0] not in SECTION_OF or self._editable() is None:
            return
        kind, element_id = key
        section = SECTION_OF[kind]
        index = element_index(self._data, kind, element_id)
        if index is None:
            return
        if kind not in ID_KINDS:
            copy = (kind, f"#{index + 1}")
            self._pending = copy

            def duplicate(model: EditableModel) -> None:
                model.duplicate_item(section, index)

            self.post_message(EditRequested(duplicate, f"duplicate {kind} {element_id}",
                                            select=copy))
            return
        used = used_ids(self._data)
        suggestion = _free_id(f"{element_id}-copy", used)

        def answer(new_id: str | None) -> None:
            if new_id is None:
                return
            self._pending = (kind, new_id)

            def duplicate(model: EditableModel) -> None:
                model.duplicate_item(section, element_id, new_id)

            self.post_message(EditRequested(duplicate, f"duplicate {kind} {element_id}",
                                            select=(kind, new_id)))

        self.app.push_screen(RenameDialog(f"Duplicate {kind} {element_id} as", suggestion,
                                          used, action="Duplicate"), answer)

    def action_remove(self) -> None:
        if self.marked:
            _remove_marked(self)
            return
        key = self.cursor_key
        editable = self._editable() if key is not None and key[0] in SECTION_OF else None
        if key is None or editable is None:
            return
        kind, element_id = key
        section = SECTION_OF[kind]
        index = element_index(self._data, kind, element_id)
        if index is None:
            return
        name = f"{kind.replace('_', ' ')} {element_id}"
        question = f"Delete {name}?"
        by_id = kind in ID_KINDS and not element_id.startswith("#")
        along = editable.dependents(section, element_id) if by_id else None
        if along is not None and along.summary():
            question = f"Delete {name} and {along.summary()}?"
            if along.flows:
                shown = [f"  flow {flow}" for flow in along.flows[:8]]
                if len(along.flows) > 8:
                    shown.append(f"  … and {len(along.flows) - 8} more")
                question += "\n\n" + "\n".join(shown)
            question += "\n\nNothing is left pointing at it; Ctrl+Z brings it all back."
        target: str | int = element_id if by_id else index
        # The cursor lands on a neighbour of the same kind, not on whatever row slides up.
        siblings = [key for _, key in element_ids(self._data, kind) if key != element_id]
        position = min(index, len(siblings) - 1)
        neighbour = (kind, siblings[position]) if siblings and kind in ID_KINDS else None

        def answer(yes: bool | None) -> None:
            if not yes:
                return

            def remove(model: EditableModel) -> None:
                if by_id:
                    model.remove_with_dependents(section, element_id)
                else:
                    model.remove_item(section, target)

            self.post_message(EditRequested(remove, f"delete {name}", select=neighbour))

        self.app.push_screen(ConfirmDialog(question, yes="Delete", no="Keep"), answer)

    def action_rename(self) -> None:
        key = self.cursor_key
        editable = self._editable() if key is not None and key[0] in ID_KINDS else None
        if key is None or editable is None or key[1].startswith("#"):
            return
        kind, old = key
        count = len(editable.references(old))
        note = (f"{count} reference(s) to its id will be updated too." if count
                else "Nothing refers to its id yet.")
        path = element_path(self._data, kind, old)
        name = editable.get((*path, "name")) if path is not None else None
        old_name = name if isinstance(name, str) else ""
        source = RenameSource.of(editable)

        def derive(new_id: str, new_name: str) -> tuple[DerivedChange, ...]:
            return derived_changes(source, old, new_id, old_name=old_name,
                                   new_name=new_name or old_name)

        def answer(choice: RenameChoice | None) -> None:
            if choice is None:
                return
            self._pending = (kind, choice.new_id)

            def rename(model: EditableModel) -> None:
                rename_with(model, old, choice.new_id, new_name=choice.new_name,
                            changes=choice.changes)

            what = f"rename {kind} {old}" + (f" to {choice.new_id}" if choice.new_id != old
                                             else f" to {choice.new_name!r}")
            if choice.changes:
                what += f" and {len(choice.changes)} derived"
            self.post_message(EditRequested(rename, what, select=(kind, choice.new_id)))

        self.app.push_screen(RenameElementDialog(
            f"Rename {kind} {old}", old, old_name, used_ids(self._data) - {old}, derive,
            note=note), answer)


def _descendants(data: Any, boundary: str) -> set[str]:
    """Boundaries nested in ``boundary``, at any depth."""
    parents = {str(item.get("id")): item.get("parent")
               for _, item in section_items(data, "boundaries")}
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for child, parent in parents.items():
            if child not in found and (parent == boundary or parent in found):
                found.add(child)
                changed = True
    return found


def _free_id(base: str, used: set[str]) -> str:
    base = base[:60]
    if base not in used:
        return base
    number = 2
    while f"{base}-{number}" in used:
        number += 1
    return f"{base}-{number}"


# ---------------------------------------------------------------------------------------------
# Several marked elements at once (x marks, m and Delete act on them)


def _marked_boundary_field(kind: str) -> str:
    return "boundary" if kind == "component" else "parent"


def _merge_removals(removals: list[Removal]) -> Removal:
    flows = tuple(dict.fromkeys(flow for removal in removals for flow in removal.flows))
    return Removal((), flows, sum(r.grants for r in removals),
                   sum(r.references for r in removals), sum(r.controls for r in removals),
                   sum(r.risks for r in removals))


def _move_marked(tree: ModelTree) -> None:
    editable = tree._editable()
    movable = [key for key in tree.marked if key[0] in ("component", "boundary")]
    if editable is None or not movable:
        tree.notify("Only components and boundaries move into a boundary.", title="Move",
                    severity="warning")
        return
    excluded = {key[1] for key in movable if key[0] == "boundary"}
    for boundary in list(excluded):
        excluded |= _descendants(tree._data, boundary)
    options = [(b, b) for _, b in element_ids(tree._data, "boundary") if b not in excluded]
    names = ", ".join(element for _, element in movable)

    def answer(choice: str | None) -> None:
        if choice is None:
            return

        def move(model: EditableModel) -> None:
            for kind, element_id in movable:
                index = element_index(model.get(()), kind, element_id)
                if index is None:
                    continue
                path = (SECTION_OF[kind], index, _marked_boundary_field(kind))
                if choice == NONE:
                    if model.get(path) is not None:
                        model.delete_value(path)
                elif model.get(path) != choice:
                    model.set_value(path, choice)

        where = "out of every boundary" if choice == NONE else f"into {choice}"
        tree.marked = []
        tree.post_message(EditRequested(move, f"move {len(movable)} elements {where}",
                                        select=movable[0]))

    tree.app.push_screen(ChooseDialog(f"Move {len(movable)} marked ({names}) into",
                                      options, none_label="(no boundary: top level)"), answer)


def _remove_marked(tree: ModelTree) -> None:
    editable = tree._editable()
    if editable is None:
        return
    marked = list(tree.marked)
    removal = _merge_removals([editable.dependents(SECTION_OF[kind], element_id)
                               for kind, element_id in marked])
    # Flows that are marked themselves are not "along".
    along = Removal((), tuple(f for f in removal.flows if ("flow", f) not in marked),
                    removal.grants, removal.references, removal.controls, removal.risks)
    listed = "\n".join(f"  {kind} {element_id}" for kind, element_id in marked[:12])
    if len(marked) > 12:
        listed += f"\n  … and {len(marked) - 12} more"
    summary = along.summary().replace("its ", "their ", 1)
    question = f"Delete these {len(marked)}" + (f" and {summary}" if summary else "") + \
        f"?\n\n{listed}\n\nNothing is left pointing at them; Ctrl+Z brings it all back."

    def answer(yes: bool | None) -> None:
        if not yes:
            return

        def remove(model: EditableModel) -> None:
            for kind, element_id in marked:
                if element_index(model.get(()), kind, element_id) is not None:
                    model.remove_with_dependents(SECTION_OF[kind], element_id)

        tree.marked = []
        tree.post_message(EditRequested(remove, f"delete {len(marked)} elements",
                                        select=None))

    tree.app.push_screen(ConfirmDialog(question, yes="Delete", no="Keep"), answer)
