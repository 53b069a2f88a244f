"""The guided start's review: every boundary, component and flow it would write, each kept or
dropped with a key before anything is written.

Dropping an item drops what needs it (a component's flows, the grant a flow to a tool carries);
keeping a flow again keeps its two ends. The screen dismisses with the keys dropped, or None to
go back to the questions.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, SelectionList, Static

from scoping_tui.editing.proposal import Proposal, Proposed

_KIND_LABEL = {"boundary": "boundary ", "component": "component", "flow": "flow     "}


_PLURAL = {"boundary": "boundaries", "component": "components", "flow": "flows"}


def summary(proposal: Proposal, dropped: frozenset[str]) -> str:
    """``Writes 3 boundaries, 8 components and 7 flows.``"""
    parts = [f"{count} {kind if count == 1 else _PLURAL[kind]}"
             for kind, count in proposal.counts(dropped).items()]
    return f"Writes {', '.join(parts[:-1])} and {parts[-1]}."


class ProposalReviewScreen(Screen[frozenset[str] | None]):
    DEFAULT_CSS = """
    ProposalReviewScreen #review { padding: 0 2; }
    ProposalReviewScreen .intro { color: $text-muted; margin-top: 1; height: auto; }
    ProposalReviewScreen #items { height: 1fr; margin-top: 1; }
    ProposalReviewScreen #summary { text-style: bold; height: auto; margin-top: 1; }
    ProposalReviewScreen #cascade { color: $text-muted; height: auto; }
    ProposalReviewScreen #r-buttons { height: auto; margin: 1 0; align-horizontal: right; }
    ProposalReviewScreen #r-buttons Button { margin-left: 1; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="review.back",
                tooltip="Back to the questions; nothing is written"),
        Binding("ctrl+s", "create", "Create", id="review.create",
                tooltip="Write what is kept to the new file and open it"),
    ]

    def __init__(self, proposal: Proposal, file_name: str) -> None:
        super().__init__()
        self.proposal = proposal
        self.file_name = file_name
        self._cascaded: dict[str, list[str]] = {}
        """Key dropped by hand → what went with it, so keeping it again brings them back."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="review"):
            yield Static(f"What the guided start writes to {self.file_name}. Space or Enter "
                         "drops an item or keeps it again; what needs a dropped item goes "
                         "with it. Ctrl+S writes what is kept, Escape goes back to the "
                         "questions.", classes="intro", markup=False)
            yield SelectionList[str](*[(self._line(item), item.key, True)
                                       for item in self.proposal.items], id="items",
                                     compact=True)
            yield Static(summary(self.proposal, frozenset()), id="summary", markup=False)
            yield Static("", id="cascade", markup=False)
            with Horizontal(id="r-buttons"):
                yield Button("Back", id="r-back", compact=True)
                yield Button("Create and open", id="r-create", variant="primary",
                             compact=True)
        yield Footer()

    def _line(self, item: Proposed) -> str:
        return f"{_KIND_LABEL[item.kind]}  {self.proposal.label(item)}"

    def on_mount(self) -> None:
        self.sub_title = "guided start: review"
        self.query_one("#items", SelectionList).focus()

    @property
    def dropped(self) -> frozenset[str]:
        kept = set(self.query_one("#items", SelectionList).selected)
        return frozenset(item.key for item in self.proposal.items if item.key not in kept)

    @on(SelectionList.SelectionToggled, "#items")
    def _toggled(self, event: SelectionList.SelectionToggled[str]) -> None:
        items = self.query_one("#items", SelectionList)
        key = event.selection.value
        note = ""
        if key in items.selected:
            needed = [i for i in self.proposal.requirements(key) if i.key not in items.selected]
            for item in needed:
                items.select(item.key)
            back = [self.proposal.item(k) for k in self._cascaded.pop(key, [])
                    if k not in items.selected
                    and all(need in items.selected for need in self.proposal.item(k).requires)]
            for item in back:
                items.select(item.key)
            if needed:
                note = "Kept again for it: " + ", ".join(i.name for i in needed) + "."
            if back:
                note = (note + " " if note else "") + "Back with it: " + "; ".join(
                    self.proposal.label(i) for i in back) + "."
        else:
            follow = [i for i in self.proposal.dependents(key) if i.key in items.selected]
            for item in follow:
                items.deselect(item.key)
            self._cascaded[key] = [item.key for item in follow]
            if follow:
                note = (f"Dropped with {self.proposal.item(key).name}: "
                        + "; ".join(self.proposal.label(i) for i in follow) + ".")
        self.query_one("#summary", Static).update(summary(self.proposal, self.dropped))
        self.query_one("#cascade", Static).update(note)

    @on(Button.Pressed, "#r-back")
    def action_back(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#r-create")
    def action_create(self) -> None:
        self.dismiss(self.dropped)
