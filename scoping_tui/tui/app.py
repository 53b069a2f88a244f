"""The Textual application: a thin shell over ``scoping_tui.workspace``.

Workers compute, handlers mutate: every edit schedules a debounced re-analysis in a thread
worker, which posts ``AnalysisDone``; the handler on the main thread pushes the result down to
the screen. Typing therefore never waits for the engine.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.timer import Timer

from scoping_tui.engine.catalog import Catalog, load_catalog
from scoping_tui.recovery import Recovery
from scoping_tui.tui.dialogs.confirm import ConfirmDialog
from scoping_tui.tui.messages import EditRequested, ElementSelected
from scoping_tui.tui.recent import remember
from scoping_tui.tui.screens.main import MainScreen
from scoping_tui.tui.screens.start import StartScreen
from scoping_tui.tui.widgets.element_editor import ElementEditor
from scoping_tui.workspace import Analysis, ConflictError, EditError, Workspace

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

    def __init__(self, workspace: Workspace | None = None, catalog: Catalog | None = None,
                 as_of: dt.date | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.catalog = catalog
        self.as_of = as_of
        self.analysis: Analysis | None = None
        self.debounce_seconds = DEBOUNCE_SECONDS
        """Quiet time after an edit before re-analysing (tests set 0)."""
        self._debounce: Timer | None = None
        self._save_pending = False

    def on_mount(self) -> None:
        if self.workspace is not None:
            self.open_workspace(self.workspace)
        else:
            self.push_screen(StartScreen())

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
                ConfirmDialog(f"Unsaved edits to {workspace.display_name} from an earlier "
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
        if self.workspace is None:
            return
        try:
            self.workspace.apply(message.edit)
        except EditError as exc:
            self.notify(str(exc), title="Not changed", severity="error")
            return
        self.schedule_analysis()
        if self._save_pending:
            self._flush_save()
        if message.select is not None:
            self.post_message_to_screen(ElementSelected(*message.select))

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
        screen = self.main_screen
        if screen is not None and screen.query_one(ElementEditor).commit_pending():
            # Text typed but not yet entered arrives as an edit message: save once applied.
            self._save_pending = True
            self.call_after_refresh(self._flush_save)
            return
        self._save_checked()

    def _flush_save(self) -> None:
        if self._save_pending:
            self._save_pending = False
            self._save_checked()

    def _save_checked(self) -> None:
        assert self.workspace is not None
        try:
            self._save(force=False)
        except ConflictError:
            self.push_screen(
                ConfirmDialog(f"{self.workspace.display_name} changed on disk since it was "
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
             as_of: dt.date | None = None) -> ScopingApp:
    """The app for a model file (or the start screen without one)."""
    catalog = catalog or load_catalog()
    workspace = Workspace.open(path, catalog, as_of) if path is not None else None
    return ScopingApp(workspace, catalog, as_of)
