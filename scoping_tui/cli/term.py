"""Terminal output that stays quiet where it should: colour and progress only on a terminal.

Colour follows the informal NO_COLOR convention (any non-empty value turns it off) and
``--no-color``; it is never written into a file or a pipe, so machine formats stay clean.
"""

from __future__ import annotations

import os
import time
from typing import TextIO

_CODES = {
    "red": "31", "green": "32", "yellow": "33", "blue": "34", "magenta": "35", "cyan": "36",
    "bold": "1", "dim": "2", "bold-red": "1;31",
}
SEVERITY_COLOURS = {"critical": "bold-red", "high": "red", "medium": "yellow", "low": "cyan",
                    "error": "red", "warning": "yellow"}


def wants_colour(stream: TextIO, no_color: bool = False) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Style:
    """Wraps text in SGR colour codes when enabled; the identity otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, colour: str) -> str:
        code = _CODES.get(colour)
        if not self.enabled or code is None or not text:
            return text
        return f"\x1b[{code}m{text}\x1b[0m"

    def severity(self, text: str, severity: str) -> str:
        return self(text, SEVERITY_COLOURS.get(severity, ""))


class Progress:
    """A one-line progress bar on a terminal's stderr, redrawn at most ten times a second.

    Drawn only when ``stream`` is a terminal and there are at least ``min_total`` items, so
    logs and pipes never see it.
    """

    def __init__(self, stream: TextIO, total: int, label: str, min_total: int = 4) -> None:
        isatty = getattr(stream, "isatty", None)
        self.stream = stream
        self.total = total
        self.label = label
        self.enabled = bool(isatty and isatty()) and total >= min_total
        self.done = 0
        self.failed = 0
        self._drawn = 0.0

    def advance(self, failed: bool = False) -> None:
        self.done += 1
        self.failed += failed
        now = time.monotonic()
        if self.enabled and (now - self._drawn >= 0.1 or self.done == self.total):
            self._drawn = now
            width = 30
            filled = width * self.done // max(self.total, 1)
            bar = "█" * filled + "░" * (width - filled)
            extra = f", {self.failed} failed" if self.failed else ""
            self.stream.write(f"\r{bar} {self.done}/{self.total} {self.label}{extra}\x1b[K")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
