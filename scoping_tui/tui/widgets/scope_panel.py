"""The Scope tab: where the system sits on both AWS scoping matrices, why, and what matters there.

Both matrices are drawn as rows of cells; this system's cell has the ``here`` class (and says
so in words), a declared scope that differs has the ``declared`` class and a warning. Below
are the engine's reasons and, from ``models/scoping.yaml``, the disciplines (generative) and
dimensions (agentic) that apply at this scope.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from scoping_tui.editing.workspace import Analysis, Workspace
from scoping_tui.engine.scope import (
    AGENTIC_SCOPES,
    GENERATIVE_SCOPES,
    Scope,
    agentic_scope,
    generative_scope,
)
from scoping_tui.tui.widgets.panel import Panel
from scoping_tui.util.locations import models_dir

NARROW = 76
"""Below this width the matrices are drawn as lists: five columns would break every word."""
MATRICES = (
    # (key, css id prefix, scope names)
    ("generative", "gen", GENERATIVE_SCOPES),
    ("agentic", "agt", AGENTIC_SCOPES),
)


@cache
def scoping_reference() -> dict[str, Any]:
    """``models/scoping.yaml``, read once per process."""
    with (models_dir() / "scoping.yaml").open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def _scope_entry(matrix: str, number: int) -> dict[str, Any]:
    for entry in scoping_reference()[matrix]["scopes"]:
        if entry.get("number") == number:
            found: dict[str, Any] = entry
            return found
    return {}


def _group_of(number: int) -> dict[str, Any]:
    for group in scoping_reference()["generative"]["scope_groups"]:
        if number in group.get("scopes", []):
            found: dict[str, Any] = group
            return found
    return {}


def _secondary(entry: dict[str, Any]) -> bool:
    return entry.get("source_confidence") == "secondary"


def verdict(scope: Scope, names: dict[int, str]) -> Content:
    """One line: the scope, and the declared one (with a warning when they differ)."""
    head = (f"Scope {scope.value} · {scope.name}", "bold")
    if scope.declared is None:
        return Content.assemble(head, ("  (not declared in the model)", "dim"))
    if scope.declared == scope.value:
        return Content.assemble(head, ("  ✓ matches the declared scope", "dim"))
    return Content.assemble(
        head, "\n",
        (f"⚠ declared {scope.declared} ({names.get(scope.declared, '?')}), but the "
         f"components imply {scope.value}", "bold $warning"))


def reasons(scope: Scope) -> Content:
    parts: list[str | tuple[str, str]] = [("Why:", "bold")]
    for reason in scope.reasons:
        parts += ["\n  • ", reason.text]
    return Content.assemble(*parts)


def generative_matters(number: int) -> Content:
    """The disciplines' considerations for this scope's group (Buy, 3, or 4–5)."""
    group = _group_of(number)
    entry = _scope_entry("generative", number)
    parts: list[str | tuple[str, str]] = [
        (f"What matters at generative scope {number} — {group.get('name', '')}", "bold"), "\n"]
    if entry.get("defines"):
        parts += [(" ".join(str(entry["defines"]).split()), "italic"), "\n"]
    for discipline in scoping_reference()["generative"]["disciplines"]:
        says = discipline.get("considerations", {}).get(group.get("id", ""), {})
        parts += ["\n", (discipline["name"], "bold $accent"),
                  (f" — {discipline.get('covers', '')}", "dim")]
        for item in says.get("aws", []):
            parts += ["\n  • ", str(item)]
        if says.get("note"):
            parts += ["\n  ", (str(says["note"]), "dim italic")]
        for item in says.get("our_additions", []):
            parts += ["\n  • ", str(item), ("  (our addition, not AWS's)", "dim")]
    return Content.assemble(*parts)


def agentic_matters(number: int) -> Content:
    """The scope's definition, security focus and each dimension's expectation."""
    entry = _scope_entry("agentic", number)
    parts: list[str | tuple[str, str]] = [
        (f"What matters at agentic scope {number} — {entry.get('name', '')}", "bold")]
    if _secondary(entry):
        parts.append(("  (secondary sources)", "dim"))
    for label, key in (("Started by", "initiated_by"), ("Oversight", "human_oversight"),
                       ("Capability", "capability"), ("Example", "example")):
        if entry.get(key):
            parts += ["\n", (f"{label}: ", "bold"), str(entry[key])]
    focus = entry.get("security_focus", {})
    if focus.get("items"):
        parts += ["\n\n", ("Security focus", "bold $accent")]
        if _secondary(focus):
            parts.append(("  (secondary sources)", "dim"))
        parts += [part for item in focus["items"] for part in ("\n  • ", str(item))]
    parts += ["\n\n", ("Dimensions", "bold $accent")]
    for dimension in scoping_reference()["agentic"]["dimensions"]:
        expectations = dimension.get("expectations", {})
        items = expectations.get(f"scope-{number}", [])
        parts += ["\n", (dimension["name"], "bold"), ": ", "; ".join(map(str, items)) or "—"]
        if _secondary(expectations):
            parts.append(("  (secondary)", "dim"))
    return Content.assemble(*parts)


class ScopePanel(Panel):
    DEFAULT_CSS = """
    ScopePanel { height: 1fr; }
    ScopePanel > VerticalScroll { height: 1fr; padding: 0 1; }
    ScopePanel .notice { color: $warning; height: auto; }
    ScopePanel .title { text-style: bold; margin-top: 1; }
    ScopePanel Grid { height: auto; grid-gutter: 0 1; grid-rows: auto; }
    ScopePanel Grid.n5 { grid-size: 5; }
    ScopePanel Grid.n4 { grid-size: 4; }
    ScopePanel .group {
        column-span: 2; text-align: center; color: $text-muted;
        border-bottom: solid $panel-lighten-2;
    }
    ScopePanel .group.build { column-span: 3; }
    ScopePanel .cell {
        height: auto; min-height: 3; padding: 0 0 0 1; background: $panel;
        color: $text-muted;
    }
    ScopePanel .cell.here { background: $primary; color: $text; text-style: bold; }
    ScopePanel .cell.declared { background: $warning 40%; color: $text; }
    ScopePanel.-narrow Grid.n5, ScopePanel.-narrow Grid.n4 { grid-size: 1; }
    ScopePanel.-narrow .group { display: none; }
    ScopePanel.-narrow .cell { min-height: 1; }
    ScopePanel .verdict { height: auto; margin-top: 1; }
    ScopePanel .verdict.mismatch { border-left: thick $warning; padding-left: 1; }
    ScopePanel .reasons { height: auto; }
    ScopePanel .matters { height: auto; margin-top: 1; padding: 0 1;
                          border-left: tall $panel-lighten-2; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.generative: Scope | None = None
        self.agentic: Scope | None = None

    def compose(self) -> ComposeResult:
        reference = scoping_reference()
        with VerticalScroll(id="scope-scroll", can_focus=True):
            yield Static("Analysing…", id="scope-notice", classes="notice", markup=False)
            for key, prefix, names in MATRICES:
                yield Static(reference[key]["name"], classes="title", markup=False)
                with Grid(id=f"{prefix}-grid", classes=f"n{len(names)}"):
                    if key == "generative":
                        yield Static("Buy", classes="group buy")
                        yield Static("Build", classes="group build")
                    for number, name in names.items():
                        cell = Static(f"{number} {name}", id=f"{prefix}-{number}",
                                      classes="cell", markup=False)
                        cell.tooltip = " ".join(str(_scope_entry(key, number).get(
                            "defines", _scope_entry(key, number).get("capability", ""))).split())
                        yield cell
                yield Static("", id=f"{prefix}-verdict", classes="verdict")
                yield Static("", id=f"{prefix}-reasons", classes="reasons")
            yield Static("", id="gen-matters", classes="matters")
            yield Static("", id="agt-matters", classes="matters")

    def show(self, analysis: Analysis, workspace: Workspace) -> None:
        notice = self.query_one("#scope-notice", Static)
        if analysis.assessment is not None:
            self.generative = analysis.assessment.generative
            self.agentic = analysis.assessment.agentic
        elif analysis.model is not None:
            self.generative = generative_scope(analysis.model)
            self.agentic = agentic_scope(analysis.model)
        if analysis.model is not None:
            notice.display = False
        else:
            notice.display = True
            notice.update("The model has errors (see Problems, F6): "
                          + ("showing the scope of the last version that loaded."
                             if self.generative is not None else "no scope to show yet."))
        if self.generative is None or self.agentic is None:
            return
        self._draw_matrices()
        self.query_one("#gen-matters", Static).update(generative_matters(self.generative.value))
        self.query_one("#agt-matters", Static).update(agentic_matters(self.agentic.value))

    def on_resize(self) -> None:
        narrow = self.size.width < NARROW
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            self._draw_matrices()

    def _draw_matrices(self) -> None:
        if self.generative is not None and self.agentic is not None:
            self._draw("gen", self.generative, GENERATIVE_SCOPES)
            self._draw("agt", self.agentic, AGENTIC_SCOPES)

    def _draw(self, prefix: str, scope: Scope, names: dict[int, str]) -> None:
        narrow = self.has_class("-narrow")
        mismatch = scope.declared is not None and scope.declared != scope.value
        for number, name in names.items():
            cell = self.query_one(f"#{prefix}-{number}", Static)
            here = number == scope.value
            declared = mismatch and number == scope.declared
            cell.set_class(here, "here")
            cell.set_class(declared, "declared")
            tags = []
            if narrow and prefix == "gen":
                tags.append("buy" if number <= 2 else "build")
            if here:
                tags.append("▶ this system")
            if declared:
                tags.append("⚠ declared")
            elif here and scope.declared == number:
                tags.append("✓ declared")
            cell.update((" · " if narrow else "\n").join([f"{number} {name}", *tags]))
        verdict_box = self.query_one(f"#{prefix}-verdict", Static)
        verdict_box.update(verdict(scope, names))
        verdict_box.set_class(mismatch, "mismatch")
        self.query_one(f"#{prefix}-reasons", Static).update(reasons(scope))
