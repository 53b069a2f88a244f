"""Recovery copies of unsaved edits, so a crash or a killed terminal loses nothing.

While a model has unsaved changes, its current text is kept in
``$XDG_STATE_HOME/scoping-tui/recovery/<hash of the model's path>.yaml``; saving or discarding
removes it. On the next open, a copy that differs from the file is offered back.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from scoping_tui.util.fileio import atomic_write_text
from scoping_tui.util.locations import state_dir


@dataclass(frozen=True)
class Recovery:
    path: Path
    """The model file the copy belongs to."""
    text: str
    saved_at: str
    """When the copy was last written (ISO time, local)."""


def _base(model: Path) -> Path:
    key = hashlib.sha256(str(model.resolve()).encode("utf-8")).hexdigest()[:32]
    return state_dir() / "recovery" / key


def write_copy(model: Path, text: str, when: str) -> None:
    """Keep ``text`` as the recovery copy of ``model``; failures never stop editing."""
    base = _base(model)
    with contextlib.suppress(OSError):
        base.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(base.with_suffix(".yaml"), text)
        meta = {"path": str(model.resolve()), "saved_at": when}
        atomic_write_text(base.with_suffix(".json"), json.dumps(meta) + "\n")


def read_copy(model: Path, current: str) -> Recovery | None:
    """The recovery copy of ``model`` when there is one that differs from ``current``."""
    base = _base(model)
    try:
        text = base.with_suffix(".yaml").read_text(encoding="utf-8")
        meta = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if text == current or not isinstance(meta, dict):
        return None
    return Recovery(model, text, str(meta.get("saved_at", "")))


def discard_copy(model: Path) -> None:
    base = _base(model)
    for suffix in (".yaml", ".json"):
        with contextlib.suppress(OSError):
            base.with_suffix(suffix).unlink()
