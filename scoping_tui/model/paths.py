"""Document paths (``("components", 2, "type")``) and how they read to a person."""

from __future__ import annotations

from collections.abc import Sequence

Path = tuple[str | int, ...]


def format_path(path: Sequence[str | int]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out
