"""Undo and redo over whole-text snapshots of a model.

Snapshots rather than inverse operations: every edit in ``edit.py`` ends as new text anyway,
a snapshot cannot be undone wrongly, and a model file is small (a few hundred lines), so even
the full bound of snapshots costs little memory.
"""

from __future__ import annotations

DEFAULT_LIMIT = 200


class History:
    """A line of text snapshots with a cursor at the current one.

    ``push`` records the state after an edit (and forgets anything that could have been
    redone); ``undo``/``redo`` move the cursor and return the text to show. ``dirty`` says
    whether the current snapshot differs from the one last marked saved.
    """

    def __init__(self, initial: str | None = None, *, limit: int = DEFAULT_LIMIT,
                 saved: bool = True) -> None:
        """``initial`` is the text as opened; pass ``saved=False`` for one not on disk yet."""
        if limit < 1:
            raise ValueError("a history keeps at least one snapshot")
        self.limit = limit
        self._snapshots: list[str] = []
        self._cursor = -1
        # Compared by content, not position: editing back to the saved text is not dirty,
        # and the saved state stays known when its snapshot falls off the bound.
        self._saved: str | None = None
        if initial is not None:
            self.reset(initial, saved=saved)

    def reset(self, text: str, *, saved: bool = True) -> None:
        """Start over from ``text``: a file just opened or reloaded (saved), or a new model."""
        self._snapshots = [text]
        self._cursor = 0
        self._saved = text if saved else None

    def push(self, text: str) -> None:
        """Record ``text`` as the current state; a push equal to the current one is ignored."""
        if self._cursor >= 0 and self._snapshots[self._cursor] == text:
            return
        del self._snapshots[self._cursor + 1:]
        self._snapshots.append(text)
        overflow = len(self._snapshots) - self.limit
        if overflow > 0:
            del self._snapshots[:overflow]
        self._cursor = len(self._snapshots) - 1

    def undo(self) -> str | None:
        """Step back; the text to restore, or None when there is nothing to undo."""
        if not self.can_undo:
            return None
        self._cursor -= 1
        return self._snapshots[self._cursor]

    def redo(self) -> str | None:
        """Step forward again; the text to restore, or None when there is nothing to redo."""
        if not self.can_redo:
            return None
        self._cursor += 1
        return self._snapshots[self._cursor]

    @property
    def can_undo(self) -> bool:
        return self._cursor > 0

    @property
    def can_redo(self) -> bool:
        return 0 <= self._cursor < len(self._snapshots) - 1

    @property
    def current(self) -> str | None:
        return self._snapshots[self._cursor] if self._cursor >= 0 else None

    def mark_saved(self, text: str | None = None) -> None:
        """The current snapshot (or ``text``, what was actually written) is now on disk."""
        self._saved = text if text is not None else self.current

    @property
    def dirty(self) -> bool:
        """The current snapshot differs from the last saved one (or none was ever saved)."""
        return self.current != self._saved

    def __len__(self) -> int:
        return len(self._snapshots)
