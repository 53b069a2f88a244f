"""The whole path from a file to a SystemModel, collecting every problem on the way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from scoping_tui.model.build import build_model
from scoping_tui.model.diagnostics import (
    Diagnostic,
    Position,
    Severity,
    has_errors,
    sort_diagnostics,
)
from scoping_tui.model.load import Document, LoadFailure, load_file, parse
from scoping_tui.model.schema import schema_diagnostics
from scoping_tui.model.semantic import KnownIds, semantic_diagnostics
from scoping_tui.model.types import SystemModel
from scoping_tui.util.gcpause import paused_gc

ModelCheck = Callable[[SystemModel], Sequence[Diagnostic]]


@dataclass(frozen=True)
class LoadResult:
    """A model when the file was usable, and every diagnostic, sorted by position."""

    model: SystemModel | None
    diagnostics: tuple[Diagnostic, ...]
    document: Document | None = None

    @property
    def ok(self) -> bool:
        return self.model is not None and not has_errors(self.diagnostics)


CATALOG_KEYS = ("threats", "controls", "phases", "factors", "frameworks", "generative")
"""Top-level keys of the knowledge base's files (models/*.yaml), none of which a system model
has: a folder of system models may be called ``models/`` too, so a catalog handed to
``validate`` must be named as what it is, not reported as a thousand schema errors."""


def catalog_file_diagnostic(document: Document) -> Diagnostic | None:
    """An error naming ``document`` as a knowledge-base catalog file, if it is one."""
    data = document.data
    if not isinstance(data, dict) or "system" in data:
        return None
    key = next((k for k in CATALOG_KEYS if k in data), None)
    if key is None:
        return None
    return Diagnostic(
        document.file, Position(1, 1), Severity.ERROR,
        f"this is a knowledge-base catalog file (its `{key}:`), not a system model; a catalog "
        "of extra threats and controls is passed with --catalog", "catalog-file")


def validate_document(document: Document, catalog: KnownIds | None = None,
                      checks: Sequence[ModelCheck] = (), today: dt.date | None = None,
                      ) -> LoadResult:
    not_a_model = catalog_file_diagnostic(document)
    if not_a_model is not None:
        return LoadResult(None, (not_a_model,), document)
    with paused_gc():
        # The reader's own problems (a duplicate key) come first; the checks still run on what
        # it read, so one run reports every problem in the file.
        found = [*document.diagnostics, *schema_diagnostics(document)]
        found += semantic_diagnostics(document, catalog, today)
        model: SystemModel | None = None
        if not has_errors(found):
            model = build_model(document)
            for check in checks:
                found.extend(check(model))
    return LoadResult(model, tuple(sort_diagnostics(found)), document)


def load_model(path: Path | str, display: str | None = None, *, catalog: KnownIds | None = None,
               checks: Sequence[ModelCheck] = (), max_bytes: int | None = None,
               today: dt.date | None = None) -> LoadResult:
    """Load, validate and build a model file; never raises for bad input."""
    loaded = load_file(path, display, max_bytes)
    if isinstance(loaded, LoadFailure):
        return LoadResult(None, loaded.diagnostics)
    return validate_document(loaded, catalog, checks, today)


def load_text(text: str, file: str, *, catalog: KnownIds | None = None,
              checks: Sequence[ModelCheck] = (), today: dt.date | None = None) -> LoadResult:
    loaded = parse(text, file)
    if isinstance(loaded, LoadFailure):
        return LoadResult(None, loaded.diagnostics)
    return validate_document(loaded, catalog, checks, today)
