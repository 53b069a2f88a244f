"""One open model in the UI: its text, edits, undo history, analysis and saving.

No Textual here: the terminal UI is a thin shell over this object, and tests drive it directly.
Analysis is a pure function of the text (``analyse``), so the UI can run it in a worker thread
and apply the result on the main thread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scoping_tui.editing.edit import ConflictError, EditableModel, EditError
from scoping_tui.editing.history import History
from scoping_tui.editing.recovery import Recovery, discard_copy, read_copy, write_copy
from scoping_tui.engine.assessment import Assessment, assess
from scoping_tui.engine.catalog import Catalog
from scoping_tui.engine.scope import scope_mismatches
from scoping_tui.model.diagnostics import Diagnostic, has_errors
from scoping_tui.model.load import LoadFailure, decode, parse, read_bytes
from scoping_tui.model.types import SystemModel
from scoping_tui.model.validate import LoadResult, load_text

__all__ = ["Analysis", "ConflictError", "EditError", "Workspace", "analyse"]


@dataclass(frozen=True)
class Analysis:
    """What one version of the text means: its problems, its model and its assessment."""

    text: str
    result: LoadResult
    assessment: Assessment | None

    @property
    def model(self) -> SystemModel | None:
        return self.result.model

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return self.result.diagnostics

    @property
    def usable(self) -> bool:
        return self.assessment is not None


def analyse(text: str, file: str, catalog: Catalog, phase: str | None = None,
            as_of: dt.date | None = None) -> Analysis:
    """Validate and analyse one version of a model's text (safe to run in a worker thread)."""
    known = catalog.known_ids()
    result = load_text(text, file, catalog=known, checks=[scope_mismatches], today=as_of)
    assessment = None
    if result.model is not None and not has_errors(result.diagnostics):
        assessment = assess(result.model, catalog, phase, as_of)
    return Analysis(text, result, assessment)


Edit = Callable[[EditableModel], None]


@dataclass
class Workspace:
    """The model being edited: file, editable text, undo history, catalog and chosen phase."""

    path: Path
    catalog: Catalog
    editable: EditableModel | None
    """None when the file cannot be edited structurally (e.g. its YAML does not parse)."""
    text: str
    history: History = field(init=False)
    phase: str | None = None
    """Phase to analyse for; None means the model's own ``system.phase``."""
    as_of: dt.date | None = None
    edit_error: str | None = None
    """Why the file cannot be edited in the form, when ``editable`` is None."""
    unreadable: LoadFailure | None = None
    """Why the file could not be read as text at all (too large, not a file, not UTF-8): its
    analysis is this reason, whatever ``text`` holds."""

    def __post_init__(self) -> None:
        self.history = History(self.text)

    @classmethod
    def open(cls, path: Path, catalog: Catalog, as_of: dt.date | None = None) -> Workspace:
        """Open a model file; a file that does not parse opens read-only with its problems.

        The safe, bounded loader reads it first: only a file it accepts reaches the editing
        layer (ruamel), which has no limits of its own against alias bombs or deep nesting.
        Nothing is read twice, and never more than the size limit.
        """
        raw = read_bytes(path)
        if isinstance(raw, LoadFailure):
            # Too large, not a file, missing: there is nothing to show but the reason.
            return cls(path, catalog, None, "", as_of=as_of, unreadable=raw,
                       edit_error=raw.diagnostics[0].message)
        text = decode(raw, str(path))
        if isinstance(text, LoadFailure):
            # Binary or not UTF-8, but within the limit: shown as far as it can be.
            return cls(path, catalog, None, raw.decode("utf-8", errors="replace"), as_of=as_of,
                       unreadable=text, edit_error=text.diagnostics[0].message)
        parsed = parse(text, str(path))
        if parsed.diagnostics:
            # Not editable in the form until fixed: ruamel would read a duplicate key its own
            # way, or not at all.
            first = parsed.diagnostics[0]
            return cls(path, catalog, None, text, as_of=as_of,
                       edit_error=f"{first.message} (line {first.line}, column {first.column})")
        try:
            editable = EditableModel.from_bytes(raw, path=path)
        except (EditError, ValueError) as exc:
            return cls(path, catalog, None, text, as_of=as_of, edit_error=str(exc))
        except Exception as exc:  # ruamel's parse errors: shown as problems, never a crash
            return cls(path, catalog, None, text, as_of=as_of, edit_error=str(exc))
        return cls(path, catalog, editable, editable.text(), as_of=as_of)

    @property
    def display_name(self) -> str:
        return str(self.path)

    @property
    def dirty(self) -> bool:
        return self.history.dirty

    def analyse(self, text: str | None = None) -> Analysis:
        text = self.text if text is None else text
        if self.unreadable is not None and text == self.text:
            # A file that could not be read is not analysed from what little text it shows.
            return Analysis(text, LoadResult(None, self.unreadable.diagnostics), None)
        return analyse(text, self.display_name, self.catalog, self.phase, self.as_of)

    def apply(self, edit: Edit) -> str:
        """Run one edit on the document; the new text goes on the undo history."""
        if self.editable is None:
            raise EditError(f"this file cannot be edited here until it parses: {self.edit_error}")
        before = self.editable.text()
        try:
            edit(self.editable)
        except EditError:
            self.editable.restore(before)
            raise
        self.text = self.editable.text()
        if self.text != before:
            self.history.push(self.text)
            self._keep_recovery_copy()
        return self.text

    def _keep_recovery_copy(self) -> None:
        if self.dirty:
            write_copy(self.path, self.text, dt.datetime.now().isoformat(timespec="seconds"))
        else:
            discard_copy(self.path)

    def recovery(self) -> Recovery | None:
        """Unsaved edits left by an earlier session that ended without saving."""
        return read_copy(self.path, self.text)

    def restore_recovery(self, recovery: Recovery) -> None:
        """Take the recovered text as an edit (so it can be undone, and is unsaved)."""
        self.apply(lambda model: model.restore(recovery.text))

    def discard_recovery(self) -> None:
        discard_copy(self.path)

    def undo(self) -> bool:
        return self._move(self.history.undo())

    def redo(self) -> bool:
        return self._move(self.history.redo())

    def _move(self, text: str | None) -> bool:
        if text is None or self.editable is None:
            return False
        self.editable.restore(text)
        self.text = text
        self._keep_recovery_copy()
        return True

    def disk_changed(self) -> bool:
        return self.editable is not None and self.editable.disk_changed()

    def save(self, *, force: bool = False) -> bool:
        """Write the file atomically; ConflictError if it changed on disk, unless forced."""
        if self.editable is None:
            return False
        written = self.editable.save(force=force)
        self.history.mark_saved(self.text)
        discard_copy(self.path)
        return written
