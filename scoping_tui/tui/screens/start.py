"""The start screen, shown when the app starts without a file: open a file, a recent file, a
new model from a bundled template, or the guided questionnaire."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, cast

import yaml
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from scoping_tui.editing import skeleton
from scoping_tui.editing.workspace import Workspace
from scoping_tui.engine.catalog import load_catalog
from scoping_tui.tui.recent import load_recent, remember
from scoping_tui.tui.screens.questionnaire import (
    QuestionnaireScreen,
    create_file,
    resolve,
    yaml_name,
)
from scoping_tui.util.confine import OutsideFolder, inside
from scoping_tui.util.locations import samples_dir

if TYPE_CHECKING:
    from scoping_tui.tui.app import ScopingApp



SKELETON_ID = f"skeleton:{skeleton.NAME}"
"""The option id of the minimal skeleton, first in the list (no file behind it)."""


@cache
def templates() -> tuple[tuple[Path, str], ...]:
    """The bundled samples, with their system names, in file-name order."""
    found = []
    for path in sorted(samples_dir().glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            name = str(data["system"]["name"])
        except (OSError, yaml.YAMLError, KeyError, TypeError):
            name = path.stem
        found.append((path, name))
    return tuple(found)


def open_model(app: ScopingApp, path: Path) -> str | None:
    """Open ``path`` in the app (its main screen replaces the start screens); an error text
    when it cannot be opened."""
    if app.confine_to is not None and not inside(path, app.confine_to):
        # A recent file, or a link: served, the page may read only the model's folder.
        return (f"{path} is outside the model's folder ({app.confine_to}); while served, "
                "only files inside it are opened")
    if not path.is_file():
        return f"{path}: no such file" if not path.exists() else f"{path} is not a file"
    catalog = app.catalog
    if catalog is None:
        catalog = app.catalog = load_catalog()
    try:
        workspace = Workspace.open(path, catalog, app.as_of)
    except OSError as exc:
        return f"{path}: cannot read: {exc.strerror or exc}"
    remember(path)
    # The start and questionnaire screens make way for the model's main screen.
    while isinstance(app.screen, StartScreen | QuestionnaireScreen) \
            and len(app.screen_stack) > 1:
        app.pop_screen()
    app.open_workspace(workspace)
    return None


class StartScreen(Screen[None]):
    DEFAULT_CSS = """
    StartScreen #start { padding: 0 2; }
    StartScreen .title { text-style: bold; margin-top: 1; }
    StartScreen .intro { color: $text-muted; }
    StartScreen .section { text-style: bold; margin-top: 1; color: $accent; }
    StartScreen Horizontal { height: auto; }
    StartScreen Horizontal Input { width: 1fr; }
    StartScreen OptionList { height: auto; max-height: 9; }
    StartScreen #start-error { color: $error; height: auto; }
    StartScreen #no-recent { color: $text-muted; }
    """
    BINDINGS = [
        Binding("ctrl+o", "focus_open", "Open", id="start.open",
                tooltip="Type the path of a model file to open"),
        Binding("ctrl+r", "focus_recent", "Recent", id="start.recent",
                tooltip="Pick a recently opened file"),
        Binding("ctrl+n", "focus_templates", "New", id="start.new",
                tooltip="Start a new model from a bundled sample"),
        Binding("ctrl+g", "guided", "Guided", id="start.guided",
                tooltip="Answer a few scoping questions to get a starting model"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._auto_name = ""

    def compose(self) -> ComposeResult:
        recent = load_recent()
        yield Header()
        with VerticalScroll(id="start"):
            yield Static("scoping-tui: threat modeling for AI systems", classes="title")
            yield Static("Place a system on the AWS Generative and Agentic AI Security Scoping "
                         "Matrices and see the threats and controls that apply.",
                         classes="intro")
            yield Static("", id="start-error", markup=False)
            yield Label("Open a file (ctrl+o)", classes="section")
            with Horizontal():
                yield Input(placeholder="path/to/model.yaml, Enter opens", id="open-path",
                            compact=True)
                yield Button("Open", id="open-button", compact=True)
            yield Label("Recent files (ctrl+r)", classes="section")
            if recent:
                yield OptionList(*[Option(str(p), id=str(p)) for p in recent], id="recent",
                                 compact=True)
            else:
                yield Static("No recent files yet.", id="no-recent")
            yield Label("New from a template (ctrl+n)", classes="section")
            yield OptionList(Option(skeleton.TITLE, id=SKELETON_ID),
                             *[Option(f"{name}  ({path.name})", id=str(path))
                               for path, name in templates()], id="templates", compact=True)
            with Horizontal():
                yield Input(placeholder="new file name, Enter creates it", id="new-path",
                            compact=True)
                yield Button("Create", id="new-button", compact=True)
            yield Label("Guided questionnaire (ctrl+g)", classes="section")
            yield Button("Answer a few questions…", id="guided", variant="primary",
                         compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "scoping-tui"
        self.sub_title = "start"
        box = self.query_one("#templates", OptionList)
        if box.option_count:
            box.highlighted = 0
        recent = self.query("#recent")
        (recent.first(OptionList) if recent else self.query_one("#open-path", Input)).focus()

    @property
    def scoping_app(self) -> ScopingApp:
        return cast("ScopingApp", self.app)

    def error(self, text: str) -> None:
        self.query_one("#start-error", Static).update(text)
        if text:
            self.notify(text, title="Not opened", severity="error")

    def open(self, path: Path) -> None:
        problem = open_model(self.scoping_app, path)
        if problem:
            self.error(problem)

    # -- open a file -------------------------------------------------------------------------

    def action_focus_open(self) -> None:
        self.query_one("#open-path", Input).focus()

    @on(Input.Submitted, "#open-path")
    @on(Button.Pressed, "#open-button")
    def _open_typed(self) -> None:
        text = self.query_one("#open-path", Input).value
        if not text.strip():
            self.error("Type the path of a model file.")
            return
        try:
            self.open(resolve(text, confine_to=self.scoping_app.confine_to))
        except OutsideFolder as exc:
            self.error(f"Not opened: {exc}")

    # -- recent ------------------------------------------------------------------------------

    def action_focus_recent(self) -> None:
        found = self.query("#recent")
        if found:
            found.first(OptionList).focus()
        else:
            self.notify("No recent files yet")

    @on(OptionList.OptionSelected, "#recent")
    def _open_recent(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open(Path(event.option.id))

    # -- new from a template -----------------------------------------------------------------

    def action_focus_templates(self) -> None:
        self.query_one("#templates", OptionList).focus()

    @on(OptionList.OptionHighlighted, "#templates")
    def _template_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # The file name follows the template until the user types their own.
        box = self.query_one("#new-path", Input)
        if event.option.id and box.value in ("", self._auto_name):
            self._auto_name = "my-system.yaml" if event.option.id == SKELETON_ID else \
                f"my-{Path(event.option.id).name}"
            box.value = self._auto_name

    @on(OptionList.OptionSelected, "#templates")
    def _template_chosen(self) -> None:
        box = self.query_one("#new-path", Input)
        box.focus()

    @on(Input.Submitted, "#new-path")
    @on(Button.Pressed, "#new-button")
    def _create(self) -> None:
        box = self.query_one("#templates", OptionList)
        index = box.highlighted
        if index is None:
            self.error("Pick a template first.")
            return
        chosen = str(box.get_option_at_index(index).id)
        template = None if chosen == SKELETON_ID else Path(chosen)
        name = self.query_one("#new-path", Input).value
        if not name.strip():
            self.error("Give the new file a name.")
            return
        try:
            target = yaml_name(resolve(name, confine_to=self.scoping_app.confine_to))
        except OutsideFolder as exc:
            self.error(f"Not created: {exc}")
            return
        try:
            text = skeleton.skeleton_text() if template is None else \
                template.read_text(encoding="utf-8")
            create_file(target, text, self.scoping_app.confine_to)
        except FileExistsError:
            self.error(f"{target} already exists: choose another name (nothing was "
                       "overwritten).")
            return
        except OSError as exc:
            self.error(f"{target}: cannot write: {getattr(exc, 'strerror', None) or exc}")
            return
        self.notify(f"Created {target} from "
                    f"{'the minimal skeleton' if template is None else template.name}")
        self.open(target)

    # -- guided ------------------------------------------------------------------------------

    @on(Button.Pressed, "#guided")
    def action_guided(self) -> None:
        self.app.push_screen(QuestionnaireScreen(), self._guided_done)

    def _guided_done(self, path: Path | None) -> None:
        if path is not None:
            self.open(path)
