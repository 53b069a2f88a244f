"""What every importer shares: reading a foreign file safely, and building a model with notes.

A foreign file is read with the same bounded loader as our own models (JSON is read as YAML's
flow style), so size, nesting, aliases and tags are refused the same way, and every value keeps
its line and column for error messages. An importer walks the data through `Source`, whose
accessors raise `ImportFailed` with a precise position, and describes the model through
`ModelBuilder`, which hands out valid ids and records what was mapped, guessed, or needs a
human decision.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any, Literal

from scoping_tui.model.diagnostics import START, Diagnostic, Position, Severity
from scoping_tui.model.load import Document, LoadFailure, parse, read_text
from scoping_tui.model.paths import Path, format_path

ACCEPTANCE_DAYS = 90
NoteKind = Literal["mapped", "guessed", "human"]
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
_COMMENT_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")


class ImportFailed(Exception):
    """The file cannot be imported; the diagnostics say where and why."""

    def __init__(self, diagnostics: tuple[Diagnostic, ...]) -> None:
        super().__init__(diagnostics[0].format() if diagnostics else "import failed")
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class Note:
    kind: NoteKind
    message: str
    element: str = ""
    """The id of the element in the imported model it concerns; empty for the whole model."""


class Source:
    """A parsed foreign file with typed, position-aware accessors."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.file = document.file
        self.data: Any = document.data

    def position(self, path: Path) -> Position:
        return self.document.source.value(path)

    def fail(self, path: Path, message: str, code: str = "import") -> ImportFailed:
        return ImportFailed((Diagnostic(self.file, self.position(path), Severity.ERROR,
                                        message, code, format_path(path)),))

    def at(self, path: Path) -> Any:
        value: Any = self.data
        for part in path:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                return None
        return value

    def mapping(self, path: Path, *, required: bool = False) -> dict[str, Any]:
        value = self.at(path)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            raise self.fail(path, f"expected an object here, found {_kind(value)}")
        return value

    def items(self, path: Path, *, required: bool = False) -> list[Any]:
        value = self.at(path)
        if value is None and not required:
            return []
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list here, found {_kind(value)}")
        return value

    def text(self, path: Path, default: str = "", *, required: bool = False) -> str:
        value = self.at(path)
        if value is None:
            if required:
                raise self.fail(path, f"missing required field {path[-1]!r}")
            return default
        if isinstance(value, bool | dict | list):
            raise self.fail(path, f"expected text here, found {_kind(value)}")
        return str(value)

    def flag(self, path: Path) -> bool | None:
        value = self.at(path)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no"):
            return value.lower() in ("true", "yes")
        raise self.fail(path, f"expected true or false here, found {_kind(value)}")


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return "a number"
    return "text"


def read_source(path: FsPath, display: str | None = None,
                max_bytes: int | None = None) -> Source:
    """Read a JSON or YAML file with the model loader's limits; ImportFailed when it cannot."""
    name = display if display is not None else str(path)
    text = read_text(path, name, max_bytes)
    if isinstance(text, LoadFailure):
        raise ImportFailed(text.diagnostics)
    return parse_source(text, name)


def parse_source(text: str, name: str) -> Source:
    if not text.strip():
        raise ImportFailed((Diagnostic(name, START, Severity.ERROR,
                                       "file is empty: there is nothing to import", "empty"),))
    parsed = parse(text, name)
    if isinstance(parsed, LoadFailure):
        raise ImportFailed(_json_message(text, name, parsed.diagnostics))
    if parsed.diagnostics:
        # A duplicate key: which of the two values the other tool meant is unknown.
        raise ImportFailed(parsed.diagnostics)
    if parsed.data is None:
        raise ImportFailed((Diagnostic(name, START, Severity.ERROR, "file is empty", "empty"),))
    return Source(parsed)


def _json_message(text: str, name: str,
                  diagnostics: tuple[Diagnostic, ...]) -> tuple[Diagnostic, ...]:
    """A JSON file's syntax error in JSON's words rather than YAML's."""
    if not text.lstrip().startswith(("{", "[")) or diagnostics[0].code != "yaml-syntax":
        return diagnostics
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return (Diagnostic(name, Position(exc.lineno, exc.colno), Severity.ERROR,
                           f"invalid JSON: {exc.msg}", "json-syntax"),)
    except (RecursionError, ValueError):
        pass
    return diagnostics


def slug(text: str, fallback: str = "item") -> str:
    """An id-shaped slug of ``text``: lowercase ASCII letters, digits and dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not cleaned or not cleaned[0].isalpha():
        cleaned = f"{fallback}-{cleaned}".strip("-")
    return cleaned[:56].rstrip("-") or fallback


def comment_text(text: str) -> str:
    """Text safe inside a one-line YAML comment."""
    return _COMMENT_UNSAFE.sub(" ", text).rstrip()


@dataclass
class ModelBuilder:
    """Collects the imported model's sections and notes, handing out unique valid ids."""

    format_name: str
    source_file: str
    system: dict[str, Any] = field(default_factory=dict)
    boundaries: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    flows: list[dict[str, Any]] = field(default_factory=list)
    controls: list[dict[str, Any]] = field(default_factory=list)
    accepted_risks: list[dict[str, Any]] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    candidate_risks: list[dict[str, Any]] = field(default_factory=list)
    """Accepted risks the source declares; kept only where the analysis has that finding."""
    ids: dict[str, str] = field(default_factory=dict)
    """Source identifier → id given in the model."""
    today: dt.date = field(default_factory=dt.date.today)
    """The import's "today" (``--as-of``), from which guessed expiry dates are counted."""
    _used: set[str] = field(default_factory=set)
    _next: dict[str, int] = field(default_factory=dict)
    """The next number to try per slug, so many elements of one name stay linear."""

    def new_id(self, text: str, source_key: str | None = None, fallback: str = "item",
               exact: bool = False) -> str:
        """A fresh valid id made from ``text``; remembered under ``source_key`` when given.

        With ``exact``, ``text`` itself is kept when it already is a valid, unused id (an id
        from our own export must come back unchanged).
        """
        if exact and ID_PATTERN.match(text) and text not in self._used:
            candidate = text
        else:
            base = slug(text, fallback)
            candidate, number = base, self._next.get(base, 2)
            while candidate in self._used:
                candidate = f"{base}-{number}"
                number += 1
            self._next[base] = number
        self._used.add(candidate)
        if source_key is not None:
            self.ids[source_key] = candidate
        return candidate

    def guessed_expiry(self) -> str:
        """An expiry for an acceptance the source gives none for: ACCEPTANCE_DAYS from today,
        so it is reviewed soon rather than kept forever."""
        return (self.today + dt.timedelta(days=ACCEPTANCE_DAYS)).isoformat()

    def note(self, kind: NoteKind, message: str, element: str = "") -> None:
        self.notes.append(Note(kind, comment_text(message), element))

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"version": 1, "system": self.system}
        for key in ("boundaries", "components", "flows", "controls", "accepted_risks"):
            items = getattr(self, key)
            if items:
                doc[key] = items
        return doc


def counts(notes: list[Note]) -> dict[NoteKind, int]:
    result: dict[NoteKind, int] = {"mapped": 0, "guessed": 0, "human": 0}
    for note in notes:
        result[note.kind] += 1
    return result
