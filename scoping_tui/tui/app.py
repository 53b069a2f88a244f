"""The Textual application: a thin shell over ``scoping_tui.editing.workspace``.

Workers compute, handlers mutate: every edit schedules a debounced re-analysis in a thread
worker, which posts ``AnalysisDone``; the handler on the main thread pushes the result down to
the screen. Typing therefore never waits for the engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.filter import LineFilter
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer

from scoping_tui.editing.recovery import Recovery
from scoping_tui.editing.workspace import Analysis, ConflictError, EditError, Workspace
from scoping_tui.engine.catalog import Catalog, load_catalog
from scoping_tui.model.text import printable
from scoping_tui.tui.commands import palette_commands
from scoping_tui.tui.dialogs.confirm import ConfirmDialog
from scoping_tui.tui.messages import EditRequested, ElementSelected
from scoping_tui.tui.recent import remember
from scoping_tui.tui.screens.main import MainScreen
from scoping_tui.tui.screens.start import StartScreen
from scoping_tui.tui.text import TerminalSafe, shown
from scoping_tui.tui.widgets.element_editor import TYPING_PAUSE, ElementEditor

DEBOUNCE_SECONDS = 0.3


@dataclass
class AnalysisDone(Message):
    analysis: Analysis


class ScopingApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "scoping-tui"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save", tooltip="Write the model file"),
        Binding("ctrl+z", "undo", "Undo", id="undo", tooltip="Undo the last edit"),
        Binding("ctrl+y", "redo", "Redo", id="redo", tooltip="Redo the edit undone"),
        Binding("ctrl+q", "request_quit", "Quit", id="quit", priority=True,
                tooltip="Quit (asks when there are unsaved changes)"),
    ]
    TERMINAL_SAFE = TerminalSafe()
    """One instance for the life of the process: Textual caches filtered lines per filter."""

    def __init__(self, workspace: Workspace | None = None, catalog: Catalog | None = None,
                 as_of: dt.date | None = None, confine_to: Path | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.catalog = catalog
        self.as_of = as_of
        self.confine_to = confine_to
        """Files the user names are read and written only inside this folder (served to a
        browser, whoever drives the page types the paths); None: anywhere."""
        self.analysis: Analysis | None = None
        self.debounce_seconds = DEBOUNCE_SECONDS
        """Quiet time after an edit before re-analysing (tests set 0)."""
        self.typing_pause = TYPING_PAUSE
        """Quiet time after a key in a form field before its text goes into the model."""
        self._debounce: Timer | None = None

    def on_mount(self) -> None:
        if self.workspace is not None:
            self.open_workspace(self.workspace)
        else:
            self.push_screen(StartScreen())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # Textual's own Quit leaves at once, unsaved edits and all: ours asks first.
        for command in super().get_system_commands(screen):
            if command.title != "Quit":
                yield command
        yield from palette_commands(self, screen)

    def get_line_filters(self) -> Sequence[LineFilter]:
        # Every line any widget renders goes through here on its way to the terminal: the last
        # guard against a control character from a model, a file name or a catalog.
        return [*super().get_line_filters(), self.TERMINAL_SAFE]

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Notifications quote model values and file names: shown as text, never as markup
        (``markup`` is ignored), their control characters as visible escapes."""
        super().notify(printable(message, keep_newlines=True), title=printable(title),
                       severity=severity, timeout=timeout, markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Saving and undo mean nothing on the start screen: keep them out of its footer.
        return not (action in ("save", "undo", "redo") and self.workspace is None)

    def open_workspace(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.analysis = None
        remember(workspace.path)
        self.refresh_bindings()
        self.push_screen(MainScreen(workspace))
        self.run_analysis(workspace.text)
        recovery = workspace.recovery()
        if recovery is not None:
            self.push_screen(
                ConfirmDialog(f"Unsaved edits to {shown(workspace.display_name)} from an earlier "
                              f"session (last kept {recovery.saved_at}) were found. Restore "
                              "them? They stay unsaved until you save.",
                              yes="Restore", no="Discard"),
                lambda restore: self._recovery_answer(restore, recovery))

    def _recovery_answer(self, restore: bool | None, recovery: Recovery) -> None:
        assert self.workspace is not None
        if restore:
            self.workspace.restore_recovery(recovery)
            self.schedule_analysis()
        else:
            self.workspace.discard_recovery()

    @property
    def analysis_current(self) -> bool:
        """The shown analysis is of the text as it is now (nothing pending)."""
        return self.workspace is None or (self.analysis is not None
                                          and self.analysis.text == self.workspace.text)

    @property
    def main_screen(self) -> MainScreen | None:
        for screen in reversed(self.screen_stack):
            if isinstance(screen, MainScreen):
                return screen
        return None

    # -- analysis ---------------------------------------------------------------------------

    def schedule_analysis(self) -> None:
        """Re-analyse shortly after the last edit (edits in quick succession coalesce)."""
        if self._debounce is not None:
            self._debounce.stop()
        screen = self.main_screen
        if screen is not None:
            screen.show(self.analysis, busy=True)
        assert self.workspace is not None
        text = self.workspace.text
        if self.debounce_seconds <= 0:
            self.run_analysis(text)
            return
        self._debounce = self.set_timer(self.debounce_seconds, lambda: self.run_analysis(text))

    @work(thread=True, exclusive=True, group="analysis")
    def run_analysis(self, text: str) -> None:
        workspace = self.workspace
        if workspace is None:
            return
        # Through the workspace: a file it could not read is analysed as that reason.
        result = workspace.analyse(text)
        self.post_message(AnalysisDone(result))

    @on(AnalysisDone)
    def _analysis_done(self, message: AnalysisDone) -> None:
        if self.workspace is None or message.analysis.text != self.workspace.text:
            return  # a later edit is already being analysed
        self.analysis = message.analysis
        screen = self.main_screen
        if screen is not None:
            screen.show(message.analysis)

    # -- editing ----------------------------------------------------------------------------

    @on(EditRequested)
    def _edit_requested(self, message: EditRequested) -> None:
        self._apply(message)

    def _apply(self, message: EditRequested) -> None:
        if self.workspace is None or message.applied:
            return  # already applied by flush_pending_input, on its way up
        message.applied = True
        try:
            self.workspace.apply(message.edit)
        except EditError as exc:
            self.notify(str(exc), title="Not changed", severity="error")
            return
        self.schedule_analysis()
        if message.select is not None:
            self.post_message_to_screen(ElementSelected(*message.select))

    def flush_pending_input(self) -> None:
        """Put text typed in the form, and not yet in the model, into it now: what is saved,
        exported or checked for unsaved changes is what the screen shows. Synchronous, so the
        caller can rely on the model at once."""
        screen = self.main_screen
        if screen is None or self.workspace is None:
            return
        for message in screen.query_one(ElementEditor).take_pending():
            self._apply(message)

    def analysis_now(self) -> Analysis | None:
        """The analysis of the model as it is at this moment: typed text applied, and analysed
        here and now when the last analysis is older (an export holds what the screen shows,
        never the state before the last keystrokes)."""
        self.flush_pending_input()
        if self.workspace is None:
            return None
        if not self.analysis_current:
            if self._debounce is not None:
                self._debounce.stop()
            self.analysis = self.workspace.analyse(self.workspace.text)
            screen = self.main_screen
            if screen is not None:
                screen.show(self.analysis)
        return self.analysis

    def post_message_to_screen(self, message: Message) -> None:
        screen = self.main_screen
        if screen is not None:
            screen.post_message(message)

    def action_undo(self) -> None:
        if self.workspace is not None and self.workspace.undo():
            self.schedule_analysis()
        else:
            self.notify("Nothing to undo")

    def action_redo(self) -> None:
        if self.workspace is not None and self.workspace.redo():
            self.schedule_analysis()
        else:
            self.notify("Nothing to redo")

    # -- saving and quitting ----------------------------------------------------------------

    def action_save(self) -> None:
        if self.workspace is None:
            return
        self.flush_pending_input()
        self._save_checked()

    def _save_checked(self) -> None:
        assert self.workspace is not None
        try:
            self._save(force=False)
        except ConflictError:
            self.push_screen(
                ConfirmDialog(f"{shown(self.workspace.display_name)} changed on disk since it was "
                              "opened. Overwrite it with your version?", yes="Overwrite",
                              no="Keep theirs"),
                self._overwrite_answer)

    def _overwrite_answer(self, overwrite: bool | None) -> None:
        if overwrite:
            self._save(force=True)

    def _save(self, force: bool) -> None:
        assert self.workspace is not None
        try:
            self.workspace.save(force=force)
        except OSError as exc:
            self.notify(f"Cannot write: {exc.strerror or exc}", title="Not saved",
                        severity="error")
            return
        self.notify(f"Saved {self.workspace.display_name}")
        screen = self.main_screen
        if screen is not None:
            screen.show(self.analysis)

    def action_request_quit(self) -> None:
        self.flush_pending_input()
        if self.workspace is not None and self.workspace.dirty:
            self.push_screen(ConfirmDialog("There are unsaved changes. Quit without saving?",
                                           yes="Quit without saving", no="Stay"),
                             self._quit_answer)
        else:
            self.exit()

    def _quit_answer(self, quit_anyway: bool | None) -> None:
        if quit_anyway:
            # Quitting without saving is a choice, not a crash: nothing to offer next time.
            if self.workspace is not None:
                self.workspace.discard_recovery()
            self.exit()


def make_app(path: Path | None = None, *, catalog: Catalog | None = None,
             as_of: dt.date | None = None, confine_to: Path | None = None) -> ScopingApp:
    """The app for a model file (or the start screen without one); with ``confine_to``, the
    files it is told to write stay inside that folder."""
    catalog = catalog or load_catalog()
    workspace = Workspace.open(path, catalog, as_of) if path is not None else None
    return ScopingApp(workspace, catalog, as_of, confine_to)
