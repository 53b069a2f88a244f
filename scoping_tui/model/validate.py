"""The whole path from a file to a SystemModel, collecting every problem on the way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from scoping_tui.gcpause import paused_gc
from scoping_tui.model.build import build_model
from scoping_tui.model.diagnostics import Diagnostic, has_errors, sort_diagnostics
from scoping_tui.model.load import Document, LoadFailure, load_file, parse
from scoping_tui.model.schema import schema_diagnostics
from scoping_tui.model.semantic import Catalog, semantic_diagnostics
from scoping_tui.model.types import SystemModel

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


def validate_document(document: Document, catalog: Catalog | None = None,
                      checks: Sequence[ModelCheck] = (), today: dt.date | None = None,
                      ) -> LoadResult:
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


def load_model(path: Path | str, display: str | None = None, *, catalog: Catalog | None = None,
               checks: Sequence[ModelCheck] = (), max_bytes: int | None = None,
               today: dt.date | None = None) -> LoadResult:
    """Load, validate and build a model file; never raises for bad input."""
    loaded = load_file(path, display, max_bytes)
    if isinstance(loaded, LoadFailure):
        return LoadResult(None, loaded.diagnostics)
    return validate_document(loaded, catalog, checks, today)


def load_text(text: str, file: str, *, catalog: Catalog | None = None,
              checks: Sequence[ModelCheck] = (), today: dt.date | None = None) -> LoadResult:
    loaded = parse(text, file)
    if isinstance(loaded, LoadFailure):
        return LoadResult(None, loaded.diagnostics)
    return validate_document(loaded, catalog, checks, today)
