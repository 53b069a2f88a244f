"""Problems found in a file, each pinned to a file, line and column."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


class Position(NamedTuple):
    """A 1-based line and column in a source file (a tuple: one is made per YAML node)."""

    line: int
    column: int


START = Position(1, 1)


@dataclass(frozen=True)
class Diagnostic:
    file: str
    position: Position
    severity: Severity
    message: str
    code: str
    """Stable machine-readable class of the problem, e.g. ``unknown-key``."""
    path: str = ""
    """Where in the document, e.g. ``components[2].agent.approval``; empty for the whole file."""

    @property
    def line(self) -> int:
        return self.position.line

    @property
    def column(self) -> int:
        return self.position.column

    def format(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"

    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.file, self.line, self.column, 0 if self.severity is Severity.ERROR else 1,
                self.message)

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": str(self.severity),
            "code": self.code,
            "path": self.path,
            "message": self.message,
        }


def quoted(value: object, limit: int = 80) -> str:
    """A value from the file as a message shows it: its repr, cut short (a file may hold a
    value megabytes long, and a message is one line to read)."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}…"
    return repr(value)


def has_errors(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


def sort_diagnostics(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    unique = dict.fromkeys(diagnostics)
    return sorted(unique, key=Diagnostic.sort_key)
