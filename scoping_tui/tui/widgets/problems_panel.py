"""The Problems tab: every validation diagnostic, errors first; Enter jumps to its element."""

from __future__ import annotations

import re

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from scoping_tui.editing.workspace import Analysis, Workspace
from scoping_tui.model.diagnostics import Diagnostic, Severity
from scoping_tui.model.paths import Path
from scoping_tui.tui.messages import JumpTo
from scoping_tui.tui.widgets.panel import Panel

_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def parse_path(text: str) -> Path:
    """A diagnostic's path (``components[2].agent.approval``) back as a document path
    (``("components", 2, "agent", "approval")``); the inverse of ``format_path``."""
    parts: list[str | int] = []
    for index, key in _PART.findall(text):
        parts.append(int(index) if index else key)
    return tuple(parts)


def ordered(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic]) -> list[Diagnostic]:
    """Errors first, then warnings, each in the order given."""
    return sorted(diagnostics, key=lambda d: d.severity is not Severity.ERROR)


class ProblemTable(DataTable[Text]):
    """Rich ``Text`` cells: a plain ``str`` cell would be read as markup."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Go to", id="problems.jump",
                tooltip="Edit the element (and field) the problem is in"),
    ]


class ProblemsPanel(Panel):
    DEFAULT_CSS = """
    ProblemsPanel { height: 1fr; }
    ProblemsPanel ProblemTable { height: 1fr; }
    ProblemsPanel #problems-empty { padding: 1 2; color: $success; }
    ProblemsPanel #problem-detail {
        height: auto; max-height: 8; padding: 0 1; border-top: solid $panel-lighten-2;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.diagnostics: list[Diagnostic] = []

    def compose(self) -> ComposeResult:
        yield Static("No problems.", id="problems-empty")
        table = ProblemTable(id="problems-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Severity", "Line:Col", "Problem")
        yield table
        yield Static("", id="problem-detail", markup=False)

    def show(self, analysis: Analysis, workspace: Workspace) -> None:
        table = self.query_one(ProblemTable)
        keep = table.cursor_row
        self.diagnostics = ordered(analysis.diagnostics)
        table.clear()
        for number, diagnostic in enumerate(self.diagnostics):
            error = diagnostic.severity is Severity.ERROR
            severity = Text(f"{'✖' if error else '▲'} {diagnostic.severity}",
                            style="bold red" if error else "yellow")
            table.add_row(severity, Text(f"{diagnostic.line}:{diagnostic.column}"),
                          Text(" ".join(diagnostic.message.split())), key=str(number))
        empty = not self.diagnostics
        self.query_one("#problems-empty", Static).display = empty
        table.display = not empty
        self.query_one("#problem-detail", Static).display = not empty
        if not empty:
            table.move_cursor(row=min(keep, len(self.diagnostics) - 1))
            self._detail(table.cursor_row)

    def _detail(self, row: int) -> None:
        if 0 <= row < len(self.diagnostics):
            diagnostic = self.diagnostics[row]
            where = f"Enter: go to {diagnostic.path}" if diagnostic.path else \
                "Enter: go to the system"
            self.query_one("#problem-detail", Static).update(
                f"{diagnostic.line}:{diagnostic.column} {diagnostic.severity} "
                f"({diagnostic.code}): {diagnostic.message}\n{where}")

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(event.cursor_row)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = event.cursor_row
        if 0 <= row < len(self.diagnostics):
            self.post_message(JumpTo(parse_path(self.diagnostics[row].path)))
