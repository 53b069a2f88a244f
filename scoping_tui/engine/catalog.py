"""The knowledge base: threats, controls and rating factors, loaded from YAML and checked.

Built-in files live in ``models/``; organisations add their own with ``--catalog FILE``. Every
file goes through the same safe loader, the catalog JSON Schema, and checks that conditions name
real facts, references name real framework ids, and controls mitigate real threats.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from scoping_tui.engine.conditions import (
    MAX_CONDITION_SIZE,
    Budget,
    Condition,
    ConditionError,
    compile_condition,
)
from scoping_tui.model.diagnostics import Diagnostic, Severity, sort_diagnostics
from scoping_tui.model.load import DEFAULT_MAX_BYTES, Document, LoadFailure, load_file
from scoping_tui.model.paths import Path as DocPath
from scoping_tui.model.paths import format_path
from scoping_tui.model.schema import schema_diagnostics
from scoping_tui.model.semantic import KnownIds
from scoping_tui.model.suggest import did_you_mean
from scoping_tui.util.locations import models_dir

PHASES = ("prototype", "production", "scaled")
LEVELS = ("low", "medium", "high")
BUILTIN_FILES = ("threats.yaml", "controls.yaml", "rating.yaml")
MAX_CATALOG_CONDITION_SIZE = 100_000
"""Most tests and listed values all the conditions of a catalog load may hold together
(the built-in knowledge base holds about 1,000): merge keys let a short line copy a large
condition, so a per-condition limit alone would not bound a file of such lines."""
References = dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Threat:
    id: str
    title: str
    description: str
    stride: tuple[str, ...]
    target: str
    when: Condition
    likelihood: str
    impact: str
    factors: tuple[str, ...]
    references: References
    group_by_endpoints: bool = True
    rationale: str = ""
    """Why the rule fires: what the facts it tests mean for this threat."""
    false_positives: str = ""
    """When a finding of it would be wrong, for a reviewer weighing one."""
    origin: str = ""
    """File the threat was defined in."""


@dataclass(frozen=True)
class Control:
    id: str
    title: str
    description: str
    phase: str
    layer: str
    mitigates: tuple[str, ...]
    references: References
    dimension: str | None = None
    discipline: str | None = None
    baseline: bool = False
    applies_to: Condition | None = None
    examples: tuple[str, ...] = ()
    origin: str = ""

    @property
    def phase_index(self) -> int:
        return PHASES.index(self.phase)


@dataclass(frozen=True)
class Factor:
    id: str
    target: str
    when: Condition
    effect: str
    explain: str


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    ids: dict[str, str]


@dataclass(frozen=True)
class Catalog:
    threats: dict[str, Threat]
    controls: dict[str, Control]
    factors: dict[str, Factor]
    frameworks: dict[str, Framework]
    mitigated_by: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Threat id → ids of the controls that mitigate it (derived from the controls)."""

    def reference_title(self, framework: str, ref: str) -> str:
        found = self.frameworks.get(framework)
        return found.ids.get(ref, "") if found else ""

    def known_ids(self) -> KnownIds:
        """The ids a model's controls and accepted risks may name, for validating models."""
        return KnownIds(frozenset(self.controls), frozenset(self.threats))


class CatalogError(Exception):
    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        super().__init__("\n".join(d.format() for d in diagnostics))
        self.diagnostics = tuple(diagnostics)


def _tuple(value: Any) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, list) else ()


def _refs(value: Any) -> References:
    if not isinstance(value, dict):
        return {}
    return {key: tuple(ids) for key, ids in sorted(value.items()) if isinstance(ids, list)}


@dataclass
class _Builder:
    frameworks: dict[str, Framework]
    threats: dict[str, Threat] = field(default_factory=dict)
    controls: dict[str, Control] = field(default_factory=dict)
    factors: dict[str, Factor] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Where each entry was defined, for "already defined" and "unknown id" messages.
    places: dict[tuple[str, str], tuple[Document, DocPath]] = field(default_factory=dict)
    condition_size: int = 0
    """Tests and listed values in every condition compiled so far, aliases expanded."""

    def error(self, document: Document, path: DocPath, message: str, code: str) -> None:
        self.diagnostics.append(Diagnostic(document.file, document.source.value(path),
                                           Severity.ERROR, message, code, format_path(path)))

    def condition(self, document: Document, raw: Any, kind: str, path: DocPath,
                  ) -> Condition | None:
        if self.condition_size > MAX_CATALOG_CONDITION_SIZE:
            return None
        budget = Budget()
        try:
            compiled = compile_condition(raw, kind, path, budget)
        except ConditionError as exc:
            self.error(document, exc.path, f"{format_path(exc.path)}: {exc}", "bad-condition")
            return None
        self.condition_size += MAX_CONDITION_SIZE - budget.left
        if self.condition_size > MAX_CATALOG_CONDITION_SIZE:
            self.error(document, path, f"{format_path(path)}: the catalog's conditions together "
                       f"expand to more than {MAX_CATALOG_CONDITION_SIZE:,} tests and listed "
                       "values (aliases repeated?); conditions after this one were not read",
                       "bad-condition")
            return None
        return compiled

    def references(self, document: Document, raw: Any, path: DocPath) -> None:
        if not isinstance(raw, dict):
            return
        for framework, ids in raw.items():
            known = self.frameworks.get(framework)
            if known is None or not isinstance(ids, list):
                continue
            for index, ref in enumerate(ids):
                if ref not in known.ids:
                    self.error(document, (*path, framework, index),
                               f"{ref!r} is not a {known.name} id we know"
                               f"{did_you_mean(str(ref), known.ids)}; add it to "
                               "models/references.yaml only if the framework publishes it",
                               "unknown-reference")

    def claim(self, kind: str, entry_id: str, document: Document, path: DocPath) -> bool:
        earlier = self.places.get((kind, entry_id))
        if earlier is not None:
            where = earlier[0].source.value(earlier[1])
            self.error(document, (*path, "id"), f"{kind} id {entry_id!r} is already defined in "
                       f"{earlier[0].file} at line {where.line}", "duplicate-id")
            return False
        self.places[(kind, entry_id)] = (document, path)
        return True

    def add(self, document: Document) -> None:
        data = document.data
        for index, raw in enumerate(data.get("factors", [])):
            path: DocPath = ("factors", index)
            when = self.condition(document, raw["when"], raw["target"], (*path, "when"))
            if self.claim("factor", raw["id"], document, path) and when is not None:
                self.factors[raw["id"]] = Factor(raw["id"], raw["target"], when, raw["effect"],
                                                 raw["explain"])
        for index, raw in enumerate(data.get("threats", [])):
            path = ("threats", index)
            when = self.condition(document, raw["when"], raw["target"], (*path, "when"))
            self.references(document, raw.get("references"), (*path, "references"))
            if self.claim("threat", raw["id"], document, path) and when is not None:
                self.threats[raw["id"]] = Threat(
                    id=raw["id"], title=raw["title"], description=raw["description"].strip(),
                    stride=_tuple(raw.get("stride")), target=raw["target"], when=when,
                    likelihood=raw["likelihood"], impact=raw["impact"],
                    factors=_tuple(raw.get("factors")), references=_refs(raw["references"]),
                    group_by_endpoints=raw.get("group_by_endpoints", True),
                    rationale=raw.get("rationale", "").strip(),
                    false_positives=raw.get("false_positives", "").strip(),
                    origin=document.file)
        for index, raw in enumerate(data.get("controls", [])):
            path = ("controls", index)
            applies = None
            if "applies_to" in raw:
                applies = self.condition(document, raw["applies_to"], "component",
                                         (*path, "applies_to"))
            self.references(document, raw.get("references"), (*path, "references"))
            if self.claim("control", raw["id"], document, path):
                self.controls[raw["id"]] = Control(
                    id=raw["id"], title=raw["title"], description=raw["description"].strip(),
                    phase=raw["phase"], layer=raw["layer"], mitigates=_tuple(raw["mitigates"]),
                    references=_refs(raw["references"]), dimension=raw.get("dimension"),
                    discipline=raw.get("discipline"), baseline=bool(raw.get("baseline")),
                    applies_to=applies, examples=_tuple(raw.get("examples")),
                    origin=document.file)

    def cross_check(self) -> None:
        for control in self.controls.values():
            document, path = self.places[("control", control.id)]
            for index, threat_id in enumerate(control.mitigates):
                if threat_id not in self.threats:
                    self.error(document, (*path, "mitigates", index),
                               f"control {control.id} mitigates {threat_id!r}, which no threat "
                               f"has as id{did_you_mean(threat_id, self.threats)}",
                               "unknown-threat")
        for threat in self.threats.values():
            document, path = self.places[("threat", threat.id)]
            for index, factor_id in enumerate(threat.factors):
                factor = self.factors.get(factor_id)
                if factor is None:
                    self.error(document, (*path, "factors", index),
                               f"no rating factor has the id {factor_id!r}"
                               f"{did_you_mean(factor_id, self.factors)}", "unknown-factor")
                elif factor.target != threat.target:
                    self.error(document, (*path, "factors", index),
                               f"factor {factor_id!r} tests {factor.target}s but threat "
                               f"{threat.id} targets {threat.target}s", "unknown-factor")


def _read(path: Path, display: str, schema: str, *, builtin: bool = False,
          ) -> Document | list[Diagnostic]:
    # The user's size limit (--max-size, SCOPING_TUI_MAX_BYTES) is for the files they hand
    # the tool; the knowledge base that ships with it is read whatever the limit.
    loaded = load_file(path, display, DEFAULT_MAX_BYTES if builtin else None)
    if isinstance(loaded, LoadFailure):
        return list(loaded.diagnostics)
    # A duplicate key is the reader's own problem: the catalog is refused with it, and with
    # whatever else the schema finds in the same file.
    problems = [*loaded.diagnostics, *schema_diagnostics(loaded, schema)]
    return problems if problems else loaded


def _frameworks() -> dict[str, Framework]:
    loaded = _read(models_dir() / "references.yaml", "models/references.yaml", "references",
                   builtin=True)
    if not isinstance(loaded, Document):
        raise CatalogError(loaded)
    return {key: Framework(key, value["name"], {str(k): str(v) for k, v in value["ids"].items()})
            for key, value in loaded.data["frameworks"].items()}


def load_catalog(extra: Iterable[Path | str] = ()) -> Catalog:
    """The built-in knowledge base plus any extra catalog files; CatalogError lists problems."""
    extras = tuple(str(p) for p in extra)
    return _load(extras)


@cache
def _load(extras: tuple[str, ...]) -> Catalog:
    builder = _Builder(_frameworks())
    files = [(models_dir() / name, f"models/{name}", True) for name in BUILTIN_FILES]
    files += [(Path(p), p, False) for p in extras]
    for path, display, builtin in files:
        loaded = _read(path, display, "catalog", builtin=builtin)
        if isinstance(loaded, Document):
            builder.add(loaded)
        else:
            builder.diagnostics.extend(loaded)
    if not builder.diagnostics:
        builder.cross_check()
    if builder.diagnostics:
        raise CatalogError(sort_diagnostics(builder.diagnostics))
    mitigated: dict[str, list[str]] = {}
    for control in sorted(builder.controls.values(), key=lambda c: (c.phase_index, c.id)):
        for threat_id in control.mitigates:
            mitigated.setdefault(threat_id, []).append(control.id)
    return Catalog(builder.threats, builder.controls, builder.factors, builder.frameworks,
                   {k: tuple(v) for k, v in mitigated.items()})
