"""The Findings tab: every finding in a table, filtered by severity, framework, target and text.

Rows are prepared once per analysis (cells and a lower-case search text per finding), so a
keystroke in the filter only runs a list comprehension; the table is rebuilt only when the set
of rows shown changes. Enter opens the finding's detail; ``a`` accepts its risk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.events import Resize
from textual.widget import Widget
from textual.widgets import DataTable, Input, Select, Static

from scoping_tui.editing.edit import EditableModel
from scoping_tui.editing.workspace import Analysis, Edit, Workspace
from scoping_tui.engine.assessment import Assessment
from scoping_tui.engine.controls import FindingStatus
from scoping_tui.engine.threats import SEVERITIES
from scoping_tui.export.words import plural, questions_heading
from scoping_tui.tui.dialogs.accept_risk import Acceptance, AcceptRiskDialog
from scoping_tui.tui.dialogs.finding_detail import DetailAction, FindingDetail
from scoping_tui.tui.messages import EditRequested, ElementSelected
from scoping_tui.tui.widgets.panel import Panel

SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "dim"}
STATUS_LABEL = {"open": "open", "partially-mitigated": "partial", "mitigated": "mitigated",
                "accepted": "accepted"}
STATUS_STYLE = {"open": "red", "partially-mitigated": "yellow", "mitigated": "green",
                "accepted": "cyan"}
CHUNK = 250
"""Rows added to the table per screen refresh."""
NARROW = 90
"""Below this width the four filters take two lines."""


@dataclass(frozen=True)
class Row:
    """One finding prepared for filtering and display."""

    id: str
    severity: str
    status: str
    target: str
    frameworks: frozenset[str]
    search: str
    """Lower-case text the free-text filter matches: ids, title, target, status, references."""
    cells: tuple[Text, ...]


def frameworks_of(status: FindingStatus) -> frozenset[str]:
    threat = status.finding.threat
    found = set(threat.references)
    if threat.stride:
        found.add("stride")
    return frozenset(found)


def make_row(status: FindingStatus) -> Row:
    finding = status.finding
    threat = finding.threat
    refs = " ".join(ref for ids in threat.references.values() for ref in ids)
    search = " ".join((finding.id, threat.title, finding.target_name, status.status,
                       STATUS_LABEL[status.status], refs)).lower()
    cells = (
        Text(finding.severity, style=SEVERITY_STYLE.get(finding.severity, ""), end=""),
        Text(finding.target, end=""),
        Text(threat.id, end=""),
        Text(STATUS_LABEL[status.status], style=STATUS_STYLE[status.status], end=""),
        Text(threat.title, end=""),
    )
    return Row(finding.id, finding.severity, status.status, finding.target,
               frameworks_of(status), search, cells)


@dataclass(frozen=True)
class Filters:
    text: str = ""
    severity: str | None = None
    framework: str | None = None
    target: str | None = None
    unresolved: bool = False

    def matches(self, row: Row, words: list[str]) -> bool:
        return ((self.severity is None or row.severity == self.severity)
                and (self.framework is None or self.framework in row.frameworks)
                and (self.target is None or row.target == self.target)
                and (not self.unresolved or row.status in ("open", "partially-mitigated"))
                and all(word in row.search for word in words))

    def describe(self) -> str:
        parts = [f"“{self.text}”"] if self.text else []
        parts += [value for value in (self.severity, self.framework, self.target) if value]
        if self.unresolved:
            parts.append("unresolved")
        return ", ".join(parts)


def accept_edit(acceptance: Acceptance) -> Edit:
    """Add the acceptance, or renew the entry the finding already has."""
    entry = acceptance.entry()

    def edit(model: EditableModel) -> None:
        items = model.get(("accepted_risks",))
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and item.get("finding") == acceptance.finding:
                for key, value in entry.items():
                    if key != "finding":
                        model.set_value(("accepted_risks", index, key), value)
                return
        model.append_item("accepted_risks", entry)

    return edit


def questions_block(assessment: Assessment) -> str:
    """The review's questions as the Findings tab shows them under its table."""
    if not assessment.questions:
        return "No questions: every fact that would decide a threat is stated."
    lines = [f"Questions for the review: {questions_heading(assessment)}"]
    for question in assessment.questions:
        lines.append(f"• {question.text} — answer with {question.answer}")
    return "\n".join(lines)


def _options(values: list[str], counts: dict[str, int]) -> list[tuple[str, str]]:
    return [(f"{value} ({counts[value]})", value) for value in values]


class FindingsPanel(Panel):
    DEFAULT_CSS = """
    FindingsPanel { height: 1fr; }
    FindingsPanel #findings-filters {
        grid-size: 4 1; grid-columns: 1fr 20 22 26; grid-gutter: 0 1; height: 1;
    }
    FindingsPanel.-narrow #findings-filters { grid-size: 2 2; grid-columns: 1fr 1fr; height: 2; }
    FindingsPanel #findings-summary { height: 1; color: $text-muted; padding: 0 1; }
    FindingsPanel DataTable { height: 1fr; }
    FindingsPanel #findings-current { height: auto; max-height: 2; padding: 0 1;
                                      background: $boost; }
    FindingsPanel #findings-questions { height: auto; max-height: 12; padding: 0 1;
                                        border-top: solid $warning; display: none; }
    FindingsPanel.-questions #findings-questions { display: block; }
    """
    BINDINGS = [
        Binding("slash", "focus_filter", "Filter", id="findings.filter",
                tooltip="Type to filter the findings by id, title, target or reference"),
        Binding("s", "cycle_severity", "Severity", id="findings.severity",
                tooltip="Show only one severity (press again for the next, then all)"),
        Binding("u", "toggle_unresolved", "Unresolved", id="findings.unresolved",
                tooltip="Show only open and partially mitigated findings"),
        Binding("x", "clear_filters", "Clear filters", id="findings.clear",
                tooltip="Show every finding again"),
        Binding("a", "accept", "Accept risk", id="findings.accept",
                tooltip="Accept the risk of the highlighted finding until a date"),
        Binding("g", "goto", "Go to target", id="findings.goto",
                tooltip="Show the element the highlighted finding is about"),
        Binding("q", "toggle_questions", "Questions", id="findings.questions",
                tooltip="Show or hide the facts the model leaves unstated (review questions)"),
        Binding("escape", "focus_table", "Table", id="findings.table", show=False,
                tooltip="Back to the findings table"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._analysis: Analysis | None = None
        self._workspace: Workspace | None = None
        self._rows: list[Row] = []
        self._by_id: dict[str, FindingStatus] = {}
        self._shown: list[str] = []
        """Ids of the rows that pass the filters, in table order."""
        self._generation = 0
        """Counts table rebuilds; a chunked fill stops when a newer rebuild starts."""
        self._pending: str | None = None
        """The finding the cursor goes to once its chunk of rows is in the table."""
        self._filters = Filters()
        self._option_sets: dict[str, list[tuple[str, str]]] = {}

    def compose(self) -> ComposeResult:
        with Grid(id="findings-filters"):
            yield Input(placeholder="/ filter: id, title, target…", id="findings-text",
                        compact=True)
            yield Select[str]([], prompt="any severity", id="findings-severity", compact=True)
            yield Select[str]([], prompt="any framework", id="findings-framework",
                              compact=True)
            yield Select[str]([], prompt="any target", id="findings-target", compact=True)
        yield Static("", id="findings-summary", markup=False)
        table: DataTable[Text] = DataTable(id="findings-table", cursor_type="row",
                                           zebra_stripes=True)
        table.add_column("Severity", key="severity")
        # The target before the threat: a reviewer reads the table element by element, and
        # at 80 columns what is right of the threat id is off screen.
        table.add_column("Target", key="target")
        table.add_column("Threat", key="threat")
        table.add_column("Status", key="status")
        table.add_column("Title", key="title")
        yield table
        yield Static("", id="findings-current", markup=False)
        yield Static("", id="findings-questions", markup=False)

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    def default_focus(self) -> Widget | None:
        return self.table

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#findings-table", DataTable)

    # -- data down --------------------------------------------------------------------------

    def show(self, analysis: Analysis, workspace: Workspace) -> None:
        self._workspace = workspace
        if analysis is self._analysis:
            return  # the same analysis again (e.g. while the next one runs): nothing to do
        self._analysis = analysis
        assessment = analysis.assessment
        statuses = assessment.findings if assessment is not None else ()
        self._by_id = {s.finding.id: s for s in statuses}
        self._rows = [make_row(s) for s in statuses]
        self.query_one("#findings-questions", Static).update(
            questions_block(assessment) if assessment is not None else "")
        self._update_options()
        self._refresh(force=True)

    def _update_options(self) -> None:
        severities = {s: 0 for s in SEVERITIES}
        frameworks: dict[str, int] = {}
        targets: dict[str, int] = {}
        for row in self._rows:
            severities[row.severity] += 1
            for framework in row.frameworks:
                frameworks[framework] = frameworks.get(framework, 0) + 1
            targets[row.target] = targets.get(row.target, 0) + 1
        self._set_options("findings-severity", _options(
            [s for s in SEVERITIES if severities[s]], severities))
        self._set_options("findings-framework", _options(sorted(frameworks), frameworks))
        self._set_options("findings-target", _options(sorted(targets), targets))
        self._filters = self._read_filters()

    def _set_options(self, select_id: str, options: list[tuple[str, str]]) -> None:
        if self._option_sets.get(select_id) == options:
            return
        self._option_sets[select_id] = options
        select: Select[str] = self.query_one(f"#{select_id}", Select)
        keep = select.value
        select.set_options(options)
        if keep != Select.NULL and any(value == keep for _, value in options):
            select.value = keep

    def _read_filters(self) -> Filters:
        def value(select_id: str) -> str | None:
            chosen = self.query_one(f"#{select_id}", Select).value
            return chosen if isinstance(chosen, str) else None

        return Filters(text=self.query_one("#findings-text", Input).value.strip(),
                       severity=value("findings-severity"),
                       framework=value("findings-framework"),
                       target=value("findings-target"),
                       unresolved=self._filters.unresolved)

    def _refresh(self, force: bool = False) -> None:
        """Show the rows that pass the filters, keeping the cursor on the same finding."""
        filters = self._filters
        words = filters.text.lower().split()
        rows = [row for row in self._rows if filters.matches(row, words)]
        ids = [row.id for row in rows]
        self._summarise(len(ids))
        if not force and ids == self._shown:
            return
        table = self.table
        current = self._pending or self.current_id
        old_index = table.cursor_row
        table.clear()
        self._shown = ids
        self._generation += 1
        if not ids:
            self._pending = None
            self._show_current()
            return
        index = ids.index(current) if current in ids else min(max(old_index, 0), len(ids) - 1)
        self._pending = ids[index]
        self._fill(rows, 0, index, self._generation)

    def _fill(self, rows: list[Row], start: int, cursor: int, generation: int) -> None:
        """Add rows a chunk per refresh, so thousands of them never freeze the keyboard."""
        if generation != self._generation:
            return  # the filters or the analysis changed since: a newer fill is running
        table = self.table
        end = min(start + CHUNK, len(rows))
        for row in rows[start:end]:
            table.add_row(*row.cells, key=row.id)
        if start <= cursor < end:
            if start == 0 or table.cursor_row == 0:  # unless the user has moved meanwhile
                table.move_cursor(row=cursor, animate=False)
            self._pending = None
        if end < len(rows):
            self.call_after_refresh(self._fill, rows, end, cursor, generation)

    def _summarise(self, shown: int) -> None:
        summary = self.query_one("#findings-summary", Static)
        analysis = self._analysis
        if analysis is None or analysis.assessment is None:
            summary.update("No findings until the model's problems are fixed (f6 Problems)"
                           if analysis is not None else "Analysing…")
            return
        total = len(self._rows)
        described = self._filters.describe()
        asked = analysis.assessment.open_questions
        questions = f" · {plural(asked, 'question')} (q)" if asked else ""
        if described:
            summary.update(f"{shown} of {plural(total, 'finding')}{questions} · {described} · "
                           "x clears")
        else:
            summary.update(f"{plural(total, 'finding')}{questions} · enter details · a accept · "
                           "/ filter")

    # -- filters ----------------------------------------------------------------------------

    @on(Input.Changed, "#findings-text")
    @on(Select.Changed)
    def _filters_changed(self) -> None:
        filters = self._read_filters()
        if filters != self._filters:
            self._filters = filters
            self._refresh()

    @on(Input.Submitted, "#findings-text")
    def _text_submitted(self) -> None:
        self.table.focus()

    def action_focus_filter(self) -> None:
        # At once, not as focus() does it (after the keys already read): "/LLM09" typed or
        # pasted in one go must land in the filter, not in the table.
        self.screen.set_focus(self.query_one("#findings-text", Input))

    def action_focus_table(self) -> None:
        self.table.focus()

    def action_cycle_severity(self) -> None:
        select: Select[str] = self.query_one("#findings-severity", Select)
        values = [value for _, value in self._option_sets.get("findings-severity", [])]
        if not values:
            return
        current = select.value
        if isinstance(current, str) and current in values:
            index = values.index(current) + 1
            if index == len(values):
                select.clear()
                return
            select.value = values[index]
        else:
            select.value = values[0]

    def action_toggle_unresolved(self) -> None:
        self._filters = replace(self._filters, unresolved=not self._filters.unresolved)
        self._refresh()

    def action_toggle_questions(self) -> None:
        self.toggle_class("-questions")

    def action_clear_filters(self) -> None:
        self.query_one("#findings-text", Input).value = ""
        for select in self.query(Select):
            select.clear()
        self._filters = Filters()
        self._refresh()

    # -- actions on a finding ---------------------------------------------------------------

    @property
    def current_id(self) -> str | None:
        """Id of the finding under the table's cursor."""
        row = self.table.cursor_row
        return self._shown[row] if 0 <= row < len(self._shown) else None

    @property
    def current(self) -> FindingStatus | None:
        found = self.current_id
        return self._by_id.get(found) if found is not None else None

    @on(DataTable.RowHighlighted, "#findings-table")
    def _show_current(self) -> None:
        """Under the table, the highlighted finding in full (the table may be cut off)."""
        status = self.current
        line = ""
        if status is not None:
            finding = status.finding
            line = f"{finding.id} · {finding.threat.title} · {status.status}"
        self.query_one("#findings-current", Static).update(line)

    @on(DataTable.RowSelected, "#findings-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        status = self._by_id.get(str(event.row_key.value))
        analysis = self._analysis
        if status is None or analysis is None or analysis.assessment is None \
                or self._workspace is None:
            return
        finding_id = status.finding.id

        def chosen(action: DetailAction | None) -> None:
            if action is not None:
                self._act(action, finding_id)

        self.app.push_screen(FindingDetail(status, self._workspace.catalog,
                                           analysis.assessment.phase), chosen)

    def action_accept(self) -> None:
        if self.current is not None:
            self._act("accept", self.current.finding.id)

    def action_goto(self) -> None:
        if self.current is not None:
            self._act("goto", self.current.finding.id)

    def _act(self, action: DetailAction, finding_id: str) -> None:
        status = self._by_id.get(finding_id)
        if status is None:
            return
        finding = status.finding
        if action == "goto":
            self.post_message(ElementSelected(finding.target_kind, finding.target))
            return
        today = (self._workspace.as_of if self._workspace is not None else None) \
            or dt.date.today()
        self.app.push_screen(
            AcceptRiskDialog(finding.id, finding.threat.title, today,
                             status.acceptance or status.expired_acceptance),
            self._accepted)

    def _accepted(self, acceptance: Acceptance | None) -> None:
        if acceptance is None:
            return
        self.post_message(EditRequested(edit=accept_edit(acceptance),
                                        description=f"accept {acceptance.finding}"))
