"""Counted words in every output: "1 threat", "2 threats", never "1 threats"."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """``count`` and ``word``, in the plural (``many``, or ``word`` + s) unless it is one."""
    return f"{count} {word if count == 1 else (many or word + 's')}"
