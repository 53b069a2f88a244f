"""Accept the risk of one finding: who accepts it, why, and until when."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.validation import Function, ValidationResult, Validator
from textual.widgets import Button, Input, Static

from scoping_tui.model.types import AcceptedRisk

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")


@dataclass(frozen=True)
class Acceptance:
    """What the dialog returns: one ``accepted_risks`` entry."""

    finding: str
    owner: str
    reason: str
    expires: str
    ticket: str = ""

    def entry(self) -> dict[str, str]:
        """The entry as written to the model (an empty ticket is left out)."""
        entry = {"finding": self.finding, "owner": self.owner, "reason": self.reason,
                 "expires": self.expires}
        if self.ticket:
            entry["ticket"] = self.ticket
        return entry


class FutureDate(Validator):
    """A real calendar date written YYYY-MM-DD, after ``today``."""

    def __init__(self, today: dt.date) -> None:
        super().__init__()
        self.today = today

    def validate(self, value: str) -> ValidationResult:
        value = value.strip()
        if not _DATE.match(value):
            return self.failure("Expiry: write the date as YYYY-MM-DD", value)
        try:
            date = dt.date.fromisoformat(value)
        except ValueError:
            return self.failure(f"Expiry: {value} is not a real calendar date", value)
        if date <= self.today:
            return self.failure(f"Expiry: {value} is not after today ({self.today.isoformat()})",
                                value)
        return self.success()


def _filled(what: str) -> Function:
    return Function(lambda value: bool(value.strip()), f"{what}: required")


class AcceptRiskDialog(ModalScreen[Acceptance | None]):
    """Form for an accepted risk; dismisses with an :class:`Acceptance`, or None on escape.

    Enter checks the field and moves to the next, and on the last field accepts (as the Accept
    button does). Nothing is returned until every field is valid; the problems are listed in
    the dialog, and the field in error keeps the focus.
    """

    AUTO_FOCUS = "#owner"
    """Focused as the dialog shows, before its first frame: keys typed right after the
    key that opened it go to this field (focus() in on_mount comes a moment later)."""
    DEFAULT_CSS = """
    AcceptRiskDialog { align: center middle; }
    AcceptRiskDialog > VerticalScroll {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        padding: 0 1; border: thick $warning; background: $surface;
    }
    AcceptRiskDialog #heading { text-style: bold; margin-bottom: 1; }
    AcceptRiskDialog Input { width: 100%; }
    AcceptRiskDialog #errors { color: $text-error; height: auto; }
    AcceptRiskDialog #errors.-empty { display: none; }
    AcceptRiskDialog Horizontal { height: auto; align-horizontal: right; }
    AcceptRiskDialog Button { margin-left: 1; }
    """
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="accept.cancel",
                tooltip="Close without accepting"),
    ]

    def __init__(self, finding_id: str, title: str, today: dt.date,
                 existing: AcceptedRisk | None = None) -> None:
        super().__init__()
        self.finding_id = finding_id
        self.finding_title = title
        self.today = today
        self._tried = False
        """An error has been shown (a field refused on Enter, or the form on Accept): from
        then on Enter on a field sends the form once every field is valid."""
        self.existing = existing

    def compose(self) -> ComposeResult:
        old = self.existing
        with VerticalScroll():
            yield Static(f"Accept the risk of {self.finding_id}\n{self.finding_title}",
                         id="heading", markup=False)
            next_year = (self.today + dt.timedelta(days=365)).isoformat()
            yield self._field("owner", "Owner: who accepts it", old.owner if old else "",
                              "a person or role, e.g. Head of Customer Support",
                              [_filled("Owner")])
            yield self._field("reason", "Reason: why it is acceptable",
                              old.reason if old else "",
                              "what limits the harm, and what would change the decision",
                              [_filled("Reason")])
            yield self._field("expires", "Expires (YYYY-MM-DD)", old.expires if old else "",
                              f"e.g. {next_year}; the finding reopens after it",
                              [FutureDate(self.today)])
            yield self._field("ticket", "Ticket (optional)", old.ticket if old else "",
                              "e.g. RISK-142 or a link", [])
            yield Static("", id="errors", classes="-empty", markup=False)
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button("Accept risk", id="accept", variant="warning")

    @staticmethod
    def _field(name: str, title: str, value: str, placeholder: str,
               validators: list[Validator]) -> Input:
        field = Input(value, id=name, validators=validators, validate_on=["submitted"],
                      placeholder=placeholder)
        field.border_title = title
        return field

    @on(Input.Submitted)
    def _next_or_accept(self, event: Input.Submitted) -> None:
        """Enter checks the field, then moves on; on the last field it accepts."""
        result = event.validation_result
        if result is not None and not result.is_valid:
            self._tried = True
            self._show_errors(result.failure_descriptions)
            return
        self._show_errors([])
        fields = list(self.query(Input))
        index = fields.index(event.input)
        if self._tried or index + 1 == len(fields):
            # Once the form has been sent back with an error, Enter on the corrected field
            # sends it again (the other values are kept), instead of walking on to the next.
            self._accept()
        else:
            fields[index + 1].focus()

    @on(Button.Pressed, "#accept")
    def _accept_pressed(self) -> None:
        self._accept()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)

    def _show_errors(self, problems: list[str]) -> None:
        errors = self.query_one("#errors", Static)
        errors.update("\n".join(problems))
        errors.set_class(not problems, "-empty")

    def _accept(self) -> None:
        self._tried = True
        problems: list[str] = []
        first_bad: Input | None = None
        for field in self.query(Input):
            result = field.validate(field.value)
            if result is not None and not result.is_valid:
                problems.extend(result.failure_descriptions)
                first_bad = first_bad or field
        self._show_errors(problems)
        if first_bad is not None:
            first_bad.focus()
            return
        value = {field.id: field.value.strip() for field in self.query(Input) if field.id}
        self.dismiss(Acceptance(self.finding_id, value["owner"], value["reason"],
                                value["expires"], value["ticket"]))
