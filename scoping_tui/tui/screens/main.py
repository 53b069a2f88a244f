"""The main screen: the model tree beside tabs for the element, findings, controls, scope,
problems and diagram, with a status bar."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, TabbedContent, TabPane
from textual.widgets._tabbed_content import ContentTabs

from scoping_tui.editing.workspace import Analysis, Workspace
from scoping_tui.model.paths import Path
from scoping_tui.tui.messages import ElementHighlighted, ElementSelected, JumpTo
from scoping_tui.tui.widgets.controls_panel import ControlsPanel
from scoping_tui.tui.widgets.diagram_panel import DiagramPanel
from scoping_tui.tui.widgets.element_editor import ElementEditor
from scoping_tui.tui.widgets.findings_panel import FindingsPanel
from scoping_tui.tui.widgets.key_footer import KeyFooter
from scoping_tui.tui.widgets.model_tree import ModelTree
from scoping_tui.tui.widgets.panel import Panel
from scoping_tui.tui.widgets.problems_panel import ProblemsPanel
from scoping_tui.tui.widgets.scope_panel import ScopePanel
from scoping_tui.tui.widgets.status_bar import StatusBar

TABS = ("element", "findings", "controls", "scope", "problems", "diagram")
_KINDS = {"components": "component", "flows": "flow", "boundaries": "boundary",
          "controls": "control", "accepted_risks": "accepted_risk"}


def _focus_first(container: Widget) -> None:
    # A panel that names its own target wins: otherwise the filter box above a table would
    # take the keyboard whenever this runs after the panel's own on_show (a race under load).
    for panel in container.query(Panel):
        target = panel.default_focus()
        if target is not None:
            target.focus()
            return
    for widget in container.query("*"):
        if widget.focusable and widget.display:
            widget.focus()
            return


def element_at(data: object, path: Path) -> tuple[str, str, Path]:
    """The element a document path falls in, as (kind, id, field path inside it).

    Controls and accepted risks have no id; their index (as text) identifies them.
    """
    if not path or not isinstance(data, dict):
        return "system", "", ()
    section = path[0]
    if section == "system":
        return "system", "", tuple(path[1:])
    kind = _KINDS.get(str(section))
    items = data.get(section)
    if kind is None or len(path) < 2 or not isinstance(path[1], int) \
            or not isinstance(items, list) or path[1] >= len(items):
        return "system", "", ()
    item = items[path[1]]
    element_id = item.get("id") if isinstance(item, dict) else None
    if not isinstance(element_id, str) or kind in ("control", "accepted_risk"):
        element_id = str(path[1])
    return kind, element_id, tuple(path[2:])


class MainScreen(Screen[None]):
    BINDINGS = [
        Binding("f2", "tab('element')", "Element", id="tab.element",
                tooltip="Edit the selected element"),
        Binding("f3", "tab('findings')", "Findings", id="tab.findings",
                tooltip="Threats that apply, with reasons"),
        Binding("f4", "tab('controls')", "Controls", id="tab.controls",
                tooltip="Controls required per phase"),
        Binding("f5", "tab('scope')", "Scope", id="tab.scope",
                tooltip="Where the system sits on both scoping matrices"),
        Binding("f6", "tab('problems')", "Problems", id="tab.problems",
                tooltip="Validation problems"),
        Binding("f7", "tab('diagram')", "Diagram", id="tab.diagram",
                tooltip="Data flow in text, and export"),
        Binding("f8", "focus_tree", "Tree", id="focus.tree", tooltip="Focus the model tree"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield ModelTree(id="tree")
            with TabbedContent(id="tabs", initial="element"):
                with TabPane("Element", id="element"):
                    yield ElementEditor(id="element-editor")
                with TabPane("Findings", id="findings"):
                    yield FindingsPanel(id="findings-panel")
                with TabPane("Controls", id="controls"):
                    yield ControlsPanel(id="controls-panel")
                with TabPane("Scope", id="scope"):
                    yield ScopePanel(id="scope-panel")
                with TabPane("Problems", id="problems"):
                    yield ProblemsPanel(id="problems-panel")
                with TabPane("Diagram", id="diagram"):
                    yield DiagramPanel(id="diagram-panel")
        yield StatusBar(id="status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "scoping-tui"
        self.sub_title = self.workspace.display_name
        # Tab goes from the tree straight to the first field: the tab strip is switched with
        # F2–F7 (shown in the footer) or the mouse, so it is no stop on the way.
        for strip in self.query(ContentTabs):
            strip.can_focus = False
        self.query_one(ModelTree).focus()

    def show(self, analysis: Analysis | None, busy: bool = False) -> None:
        """Push a new analysis down to every part of the screen."""
        self.query_one(StatusBar).show(analysis, self.workspace, busy)
        if analysis is None:
            return
        self.query_one(ModelTree).show(analysis, self.workspace)
        for panel in self.query(Panel):
            panel.show(analysis, self.workspace)

    def action_tab(self, tab: str) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = tab
        # Put the keyboard in the tab, so its own keys (export, filters…) work at once.
        pane = tabs.get_pane(tab)
        self.call_after_refresh(_focus_first, pane)

    def action_focus_tree(self) -> None:
        self.query_one(ModelTree).focus()

    @on(JumpTo)
    def _jump_to(self, message: JumpTo) -> None:
        analysis = getattr(self.app, "analysis", None)
        document = analysis.result.document if analysis is not None else None
        data = document.data if document is not None else None
        kind, element_id, field = element_at(data, message.path)
        self.query_one(ElementEditor).select(kind, element_id, field or None)
        self.query_one(TabbedContent).active = "element"

    @on(ElementHighlighted)
    def _element_highlighted(self, message: ElementHighlighted) -> None:
        editor = self.query_one(ElementEditor)
        if editor.element != (message.kind, message.element_id):
            editor.select(message.kind, message.element_id)

    @on(ElementSelected)
    def _element_selected(self, message: ElementSelected) -> None:
        self.query_one(ModelTree).select_element(message.kind, message.element_id)
        self.query_one(ElementEditor).select(message.kind, message.element_id)
        self.query_one(TabbedContent).active = "element"
