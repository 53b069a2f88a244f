"""Recently opened model files: a small JSON list in the XDG state folder.

``$XDG_STATE_HOME/scoping-tui/recent.json`` (default ``~/.local/state``). Losing or failing to
write the list never stops the app: it is a convenience, so every error is swallowed.
"""

from __future__ import annotations

import json
from pathlib import Path

from scoping_tui.util.fileio import atomic_write_text
from scoping_tui.util.locations import state_dir

LIMIT = 10


def recent_file() -> Path:
    return state_dir() / "recent.json"


def load_recent(existing_only: bool = True) -> list[Path]:
    """The recent files, most recent first (only those that still exist, by default)."""
    try:
        data = json.loads(recent_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, list):
        return []
    paths = [Path(item) for item in data if isinstance(item, str) and item]
    return [p for p in paths if p.is_file()] if existing_only else paths


def remember(path: Path) -> None:
    """Put ``path`` first in the recent list (kept to ``LIMIT`` entries)."""
    try:
        resolved = path.expanduser().resolve()
        paths = [resolved, *(p for p in load_recent(existing_only=False) if p != resolved)]
        target = recent_file()
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(target, json.dumps([str(p) for p in paths[:LIMIT]], indent=1) + "\n")
    except (OSError, RuntimeError):
        return
