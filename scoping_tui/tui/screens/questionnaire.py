"""The guided questionnaire: ``QUESTIONS`` rendered generically, follow-ups shown only when they
apply, a tools box for each agent named. Ctrl+S shows what it would write for review
(``proposal_review.py``); what is kept is written to a new file (never over an existing one).

The screen dismisses with the path written (None when cancelled); whoever pushed it opens the
file (the start screen does).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import (
    Button,
    Footer,
    Header,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Static,
    TextArea,
)

from scoping_tui.editing.part_lines import parse_names
from scoping_tui.editing.proposal import Proposal, propose, starting_model
from scoping_tui.editing.questionnaire import (
    MAX_AGENTS,
    MAX_NAME,
    QUESTIONS,
    QUESTIONS_BY_ID,
    Answers,
    Question,
)
from scoping_tui.model.schema_line import place_schema, with_schema_line
from scoping_tui.tui.screens.proposal_review import ProposalReviewScreen
from scoping_tui.util.confine import OutsideFolder, typed_path
from scoping_tui.util.fileio import atomic_write_text


def resolve(text: str, base: Path | None = None, confine_to: Path | None = None) -> Path:
    """A typed path: ``~`` expanded, relative to ``base`` (default: the working folder); with
    ``confine_to``, relative to that folder and inside it (else OutsideFolder)."""
    return typed_path(text, base or Path.cwd(), confine_to)


def yaml_name(path: Path) -> Path:
    return path if path.suffix.lower() in (".yaml", ".yml") else path.with_name(path.name + ".yaml")


def create_file(target: Path, text: str, within: Path | None = None) -> None:
    """Write a new model; never over an existing one (FileExistsError).

    Its editor line points at a copy of the schema in the repository (or beside the model),
    never outside ``within``, as ``scoping-tui new`` does: a teammate's clone resolves it.
    """
    if target.exists():
        raise FileExistsError(str(target))
    if not target.parent.is_dir():
        raise FileNotFoundError(f"there is no folder {target.parent}")
    schema = place_schema(target, within)
    atomic_write_text(target, with_schema_line(text, schema.reference), overwrite=False)


def file_name_for(system_name: str) -> str:
    """``Claims triage bot`` → ``claims-triage-bot.yaml``."""
    slug = re.sub(r"[^a-z0-9]+", "-", system_name.lower()).strip("-")[:60].strip("-")
    return f"{slug or 'model'}.yaml"


class QuestionnaireScreen(Screen[Path | None]):
    DEFAULT_CSS = """
    QuestionnaireScreen #questions { padding: 0 2; }
    QuestionnaireScreen .intro { color: $text-muted; margin-top: 1; }
    QuestionnaireScreen .question { height: auto; margin-top: 1; }
    QuestionnaireScreen .question-text { text-style: bold; }
    QuestionnaireScreen .help { color: $text-muted; height: auto; }
    QuestionnaireScreen RadioSet { width: 100%; }
    QuestionnaireScreen TextArea { height: auto; min-height: 3; max-height: 8; }
    QuestionnaireScreen .agent-tools { height: auto; }
    QuestionnaireScreen #q-error { color: $error; height: auto; margin-top: 1; }
    QuestionnaireScreen #q-buttons { height: auto; margin: 1 0; align-horizontal: right; }
    QuestionnaireScreen #q-buttons Button { margin-left: 1; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="guided.cancel",
                tooltip="Leave the questionnaire without writing anything"),
        Binding("ctrl+s", "create", "Review", id="guided.create",
                tooltip="See what the answers make, keep or drop each part, then write it"),
    ]

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__()
        self.folder = folder
        """Where a relative file name goes (default: the working folder)."""
        self._auto_file = file_name_for(QUESTIONS[0].default or "model")
        self._agents: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="questions"):
            yield Static("Name the parts of the system: who uses it, through what, the model, "
                         "the agents and their tools, the stores they search. Only what you "
                         "name is written, and you review it first. Tab moves on; arrows and "
                         "Enter (or space) choose.", classes="intro")
            for question in QUESTIONS:
                with Vertical(id=f"q-{question.id}", classes="question"):
                    if not question.per_agent:
                        yield Label(question.text, classes="question-text")
                    if question.help:
                        yield Static(question.help, classes="help", markup=False)
                    if not question.per_agent:
                        yield self._answer_widget(question)
                    if question.kind == "single":
                        yield Static("", id=f"h-{question.id}", classes="help", markup=False)
            with Vertical(id="q-file", classes="question"):
                yield Label("Save the new model as", classes="question-text")
                yield Input(self._auto_file, id="file-name",
                            placeholder="file name, Enter reviews what will be written",
                            compact=True)
            yield Static("", id="q-error", markup=False)
            with Horizontal(id="q-buttons"):
                yield Button("Cancel", id="q-cancel", compact=True)
                yield Button("Review…", id="q-create", variant="primary", compact=True)
        yield Footer()

    def _answer_widget(self, question: Question) -> Widget:
        wid = f"a-{question.id}"
        if question.kind == "text":
            return Input(question.default, id=wid, max_length=MAX_NAME, compact=True,
                         placeholder=question.placeholder)
        if question.kind == "lines":
            return TextArea(id=wid, compact=True, placeholder=question.placeholder)
        return RadioSet(*[RadioButton(c.label, c.value == question.default)
                          for c in question.choices], id=wid, compact=True)

    def on_mount(self) -> None:
        self.title = "scoping-tui"
        self.sub_title = "guided start"
        self._refresh()
        self.query_one(f"#a-{QUESTIONS[0].id}").focus()
        self.call_after_refresh(self._cursors_on_answers)

    def _cursors_on_answers(self) -> None:
        """A RadioSet's cursor starts on its first button; put it on the pressed one, so
        arrows move from the default answer."""
        for radio_set in self.query(RadioSet):
            for _ in range(max(radio_set.pressed_index, 0)):
                radio_set.action_next_button()

    # -- answers -----------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """Question id → the answer shown (defaults where nothing is chosen); ``tools`` is
        one text per agent named, in order."""
        found: dict[str, Any] = {}
        for question in QUESTIONS:
            if question.per_agent:
                # A box mounted a moment ago may not be in the DOM yet: it holds nothing.
                found[question.id] = tuple(
                    next((box.text for box in self.query(f"#tools-{index}")
                          if isinstance(box, TextArea)), "")
                    for index in range(len(self._agents)))
                continue
            widget = self.query_one(f"#a-{question.id}")
            if isinstance(widget, Input):
                found[question.id] = widget.value
            elif isinstance(widget, TextArea):
                found[question.id] = widget.text
            elif isinstance(widget, RadioSet):
                index = widget.pressed_index
                found[question.id] = question.choices[index].value if index >= 0 \
                    else question.default
        return found

    def _refresh(self) -> None:
        """Show the questions that apply, and the help of each chosen answer."""
        values = self.values()
        for question in QUESTIONS:
            self.query_one(f"#q-{question.id}").display = question.applies(values)
            if question.kind == "single":
                chosen = next((c for c in question.choices if c.value == values[question.id]),
                              None)
                self.query_one(f"#h-{question.id}", Static).update(
                    chosen.help if chosen is not None else "")

    def _sync_tool_boxes(self, text: str) -> None:
        """One tools box per agent named, labelled with its name; a box no longer needed is
        hidden, not removed, so what was typed in it comes back with the agent."""
        try:
            names = parse_names(text, "agents", numbered="Agent")[:MAX_AGENTS]
        except ValueError:
            return  # half-typed (a name twice while retyping it): keep the boxes as they are
        self._agents = names
        holder = self.query_one("#q-tools", Vertical)
        boxes = list(holder.query(".agent-tools"))
        question = QUESTIONS_BY_ID["tools"]
        for index in range(len(boxes), len(names)):
            box = Vertical(Label(question.text.format(agent=names[index]),
                                 classes="question-text"),
                           TextArea(id=f"tools-{index}", compact=True,
                                    placeholder=question.placeholder),
                           classes="agent-tools")
            holder.mount(box)
            boxes.append(box)
        for index, shown in enumerate(boxes):
            shown.display = index < len(names)
            if index < len(names):
                for label in shown.query(Label):
                    label.update(question.text.format(agent=names[index]))

    @on(RadioSet.Changed)
    def _answer_changed(self) -> None:
        self._refresh()

    @on(Input.Changed, "#a-agents")
    def _agents_changed(self, event: Input.Changed) -> None:
        self._sync_tool_boxes(event.value)
        self._refresh()

    @on(Input.Changed, "#a-name")
    def _name_changed(self, event: Input.Changed) -> None:
        box = self.query_one("#file-name", Input)
        if box.value == self._auto_file:
            self._auto_file = file_name_for(event.value)
            box.value = self._auto_file

    @on(Input.Submitted)
    def _text_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "file-name":
            self.focus_next()

    # -- finishing ---------------------------------------------------------------------------

    def _error(self, text: str) -> None:
        self.query_one("#q-error", Static).update(text)
        if text:
            self.notify(text, title="Not created", severity="error")

    @on(Button.Pressed, "#q-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#file-name")
    @on(Button.Pressed, "#q-create")
    def action_create(self) -> None:
        """Check the answers and the file name, then show what would be written."""
        try:
            answers = Answers.from_mapping(self.values())
        except ValueError as exc:
            self._error(f"Check the answers: {exc}")
            return
        name = self.query_one("#file-name", Input).value
        if not name.strip():
            self._error("Give the new file a name.")
            return
        try:
            target = yaml_name(resolve(name, self.folder, getattr(self.app, "confine_to", None)))
        except OutsideFolder as exc:
            self._error(f"Not created: {exc}")
            return
        if target.exists():
            self._error(f"{target} already exists: choose another name (nothing was "
                        "overwritten).")
            return
        self._error("")

        proposal = propose(answers)

        def reviewed(dropped: frozenset[str] | None) -> None:
            if dropped is not None:
                self._write(proposal, dropped, target)

        self.app.push_screen(ProposalReviewScreen(proposal, target.name), reviewed)

    def _write(self, proposal: Proposal, dropped: frozenset[str], target: Path) -> None:
        try:
            create_file(target, starting_model(proposal, dropped),
                        getattr(self.app, "confine_to", None))
        except FileExistsError:
            self._error(f"{target} already exists: choose another name (nothing was "
                        "overwritten).")
            return
        except OSError as exc:
            self._error(f"{target}: cannot write: {getattr(exc, 'strerror', None) or exc}")
            return
        self.notify(f"Created {target}")
        self.dismiss(target)
