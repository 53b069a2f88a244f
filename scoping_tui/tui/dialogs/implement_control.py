"""Record the state of one required control: implemented, planned or not applicable."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.validation import Function
from textual.widgets import Button, Input, Label, Select, Static

from scoping_tui.engine.controls import SYSTEM, Requirement

STATUSES = ("implemented", "planned", "not-applicable")


@dataclass(frozen=True)
class ControlDecision:
    """What the dialog returns: one ``controls`` entry."""

    control: str
    targets: tuple[str, ...]
    """Element ids, or ``("*",)`` for the whole system."""
    status: str
    evidence: str = ""
    reason: str = ""

    @property
    def yaml_targets(self) -> str | list[str]:
        return SYSTEM if SYSTEM in self.targets else list(self.targets)

    def entry(self) -> dict[str, Any]:
        """The entry as written to the model."""
        entry: dict[str, Any] = {"control": self.control, "targets": self.yaml_targets,
                                 "status": self.status}
        if self.status == "not-applicable":
            entry["reason"] = self.reason
        elif self.evidence:
            entry["evidence"] = self.evidence
        return entry


def entry_targets(entry: Mapping[str, Any]) -> tuple[str, ...]:
    """The targets of a ``controls`` entry as the engine reads them (missing means ``*``)."""
    targets = entry.get("targets", SYSTEM)
    if targets == SYSTEM or not isinstance(targets, list):
        return (SYSTEM,)
    return (SYSTEM,) if SYSTEM in targets else tuple(sorted(str(t) for t in targets))


def target_choices(requirement: Requirement) -> list[tuple[str, tuple[str, ...]]]:
    """Where the entry can apply: where it is missing, all its targets, the whole system."""
    choices: list[tuple[str, tuple[str, ...]]] = []
    targets = tuple(sorted(requirement.targets))
    missing = tuple(sorted(requirement.missing_on))
    if SYSTEM not in targets:
        if missing and missing != targets:
            choices.append((f"where it is missing: {', '.join(missing)}", missing))
        choices.append((f"its targets: {', '.join(targets)}", targets))
    choices.append(("the whole system (*)", (SYSTEM,)))
    return choices


class ImplementControlDialog(ModalScreen[ControlDecision | None]):
    """Form for a ``controls`` entry; dismisses with a :class:`ControlDecision` or None.

    Not-applicable needs a reason; evidence (a link or a sentence) is optional but is what a
    reviewer will ask for. Enter in the text field saves.
    """

    AUTO_FOCUS = "#evidence"
    """Focused as the dialog shows, before its first frame: keys typed right after the
    key that opened it go to this field (focus() in on_mount comes a moment later)."""
    DEFAULT_CSS = """
    ImplementControlDialog { align: center middle; }
    ImplementControlDialog > VerticalScroll {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        padding: 0 1; border: thick $primary; background: $surface;
    }
    ImplementControlDialog #heading { margin-bottom: 1; }
    ImplementControlDialog Select { width: 1fr; }
    ImplementControlDialog Input { width: 100%; }
    ImplementControlDialog .row { height: auto; }
    ImplementControlDialog .label { width: 12; padding: 1 0 0 1; }
    ImplementControlDialog .-hidden { display: none; }
    ImplementControlDialog #errors { color: $text-error; height: auto; }
    ImplementControlDialog #buttons { height: auto; align-horizontal: right; }
    ImplementControlDialog Button { margin-left: 1; }
    """
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="implement.cancel",
                tooltip="Close without changing the model"),
    ]

    def __init__(self, requirement: Requirement,
                 existing: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self.requirement = requirement
        self.existing = dict(existing or {})
        self.choices = target_choices(requirement)

    def compose(self) -> ComposeResult:
        control = self.requirement.control
        with VerticalScroll():
            yield Static(f"{control.id}  {control.title}\nrequired from {control.phase}; "
                         f"now {self.requirement.status}", id="heading", markup=False)
            with Horizontal(classes="row"):
                yield Label("Status", classes="label")
                yield Select([(s, s) for s in STATUSES], allow_blank=False,
                             value="implemented", id="status")
            with Horizontal(classes="row"):
                yield Label("Applies to", classes="label")
                yield Select([(label, index) for index, (label, _) in enumerate(self.choices)],
                             allow_blank=False, value=0, id="targets")
            evidence = Input(str(self.existing.get("evidence", "")), id="evidence",
                             placeholder="link or text showing it is in place")
            evidence.border_title = "Evidence (link or text)"
            yield evidence
            reason = Input(str(self.existing.get("reason", "")), id="reason",
                           placeholder="why the control does not apply here",
                           classes="-hidden", validate_on=["submitted"],
                           validators=[Function(lambda value: bool(value.strip()),
                                                "Not applicable needs a reason: say why the "
                                                "control does not apply here")])
            reason.border_title = "Reason it does not apply (required)"
            yield reason
            yield Static("", id="errors", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save", id="save", variant="primary")

    @property
    def status(self) -> str:
        value = self.query_one("#status", Select).value
        return value if isinstance(value, str) else "implemented"

    @on(Select.Changed, "#status")
    def _status_changed(self) -> None:
        not_applicable = self.status == "not-applicable"
        self.query_one("#evidence", Input).set_class(not_applicable, "-hidden")
        self.query_one("#reason", Input).set_class(not not_applicable, "-hidden")
        self.query_one("#errors", Static).update("")

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        reason = self.query_one("#reason", Input)
        if self.status == "not-applicable":
            result = reason.validate(reason.value)
            if result is not None and not result.is_valid:
                self.query_one("#errors", Static).update("\n".join(result.failure_descriptions))
                reason.focus()
                return
        choice = self.query_one("#targets", Select).value
        index = choice if isinstance(choice, int) else 0
        self.dismiss(ControlDecision(
            control=self.requirement.control.id,
            targets=self.choices[index][1],
            status=self.status,
            evidence=self.query_one("#evidence", Input).value.strip(),
            reason=reason.value.strip(),
        ))

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
