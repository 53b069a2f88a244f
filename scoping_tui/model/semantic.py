"""Checks the schema cannot express: unique ids, references, cycles, suspicious shapes.

They run on the plain data even when the schema found errors, so one run lists every problem;
each check therefore skips entries whose shape is broken (the schema reports those).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import Any

from scoping_tui.model.diagnostics import Diagnostic, Severity, quoted
from scoping_tui.model.load import Document
from scoping_tui.model.paths import Path, format_path
from scoping_tui.model.references import model_slots
from scoping_tui.model.schema import enum_values, section_types
from scoping_tui.model.suggest import did_you_mean


@dataclass(frozen=True)
class KnownIds:
    """The control and threat ids the knowledge base knows, so a model's references to them can
    be checked without loading the knowledge base itself (`Catalog.known_ids()` builds one)."""

    controls: frozenset[str]
    threats: frozenset[str]


def _items(data: Any, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    section = data.get(key) if isinstance(data, dict) else None
    if isinstance(section, list):
        for index, item in enumerate(section):
            if isinstance(item, dict):
                yield index, item


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def semantic_diagnostics(document: Document, catalog: KnownIds | None = None,
                         today: dt.date | None = None) -> list[Diagnostic]:
    data = document.data
    if not isinstance(data, dict):
        return []
    out: list[Diagnostic] = []
    source = document.source

    def add(path: Path, message: str, code: str, severity: Severity = Severity.ERROR,
            on_key: bool = False) -> None:
        position = source.key(path) if on_key else source.value(path)
        out.append(Diagnostic(document.file, position, severity, message, code,
                              format_path(path)))

    known_types = frozenset(enum_values("componentType"))
    # One namespace for every id: findings and controls refer to any of them as a target.
    first_seen: dict[str, Path] = {}
    kinds: dict[str, str] = {}
    components: dict[str, dict[str, Any]] = {}
    boundaries: dict[str, dict[str, Any]] = {}
    for section, kind in (("boundaries", "boundary"), ("components", "component"),
                          ("flows", "flow")):
        for index, item in _items(data, section):
            item_id = _str(item.get("id"))
            if item_id is None:
                continue
            path: Path = (section, index, "id")
            if item_id in first_seen:
                earlier = source.value(first_seen[item_id])
                add(path, f"id {quoted(item_id)} is already used by a {kinds[item_id]} at line "
                    f"{earlier.line}; ids must be unique across boundaries, components and "
                    "flows", "duplicate-id")
                continue
            first_seen[item_id] = path
            kinds[item_id] = kind
            if kind == "component":
                components[item_id] = item
            elif kind == "boundary":
                boundaries[item_id] = item

    def check_ref(path: Path, value: Any, pool: Collection[str], what: str,
                  allowed_types: tuple[str, ...] = ()) -> None:
        ref = _str(value)
        if ref is None:
            return
        if ref not in pool:
            add(path, f"{format_path(path)}: no {what} has the id {quoted(ref)}"
                f"{did_you_mean(ref, pool)}", "unknown-reference")
            return
        if allowed_types and ref in components:
            ref_type = components[ref].get("type")
            # A misspelled type is the schema's error; comparing it here would report it twice.
            if ref_type in known_types and ref_type not in allowed_types:
                add(path, f"{format_path(path)}: {quoted(ref)} is {_a(ref_type)}, expected "
                    f"{' or '.join(allowed_types)}", "wrong-reference-type", Severity.WARNING)

    pools: dict[str, Collection[str]] = {"boundaries": boundaries, "components": components,
                                         "elements": first_seen}
    referenced: set[str] = set()
    for ref_path, value, reference in model_slots(data):
        check_ref(ref_path, value, pools[reference.pool], reference.what, reference.types)
        if reference.pool == "components" and isinstance(value, str):
            referenced.add(value)
    _check_cycles(data, boundaries, add)

    sections = section_types()
    for index, item in _items(data, "components"):
        base: Path = ("components", index)
        ctype = _str(item.get("type"))
        for section, types in sections.items():
            # Only a real type can be the wrong one for a section: `type: agnet` is the
            # schema's one error (with its did-you-mean), not also a misplaced `agent:`.
            if section in item and ctype in known_types and ctype not in types:
                add((*base, section), f"section {quoted(section)} describes "
                    f"{', '.join(types)} components, but {quoted(item.get('id'))} is {_a(ctype)}",
                    "misplaced-section", on_key=True)
        agent = item.get("agent")
        if not isinstance(agent, dict):
            if ctype in sections["agent"]:
                add(base, f"{ctype} {quoted(item.get('id'))} has no `agent` section, so its tools, "
                    "approvals and triggers are unknown", "agent-without-tools",
                    Severity.WARNING)
            continue
        tools = agent.get("tools")
        # `tools: []` written out says the agent calls none (a model step in a workflow, an
        # opaque remote agent); only leaving the list out is the likely omission.
        if not isinstance(tools, list) and not agent.get("delegates_to"):
            add((*base, "agent"), f"{ctype} {quoted(item.get('id'))} lists no tools; an agent "
                "with no tools cannot act, so it is probably a plain service or its tools are "
                "missing (write `tools: []` if it really calls none)", "agent-without-tools",
                Severity.WARNING, on_key=True)
        for number, grant in enumerate(tools if isinstance(tools, list) else []):
            if not isinstance(grant, dict):
                continue
            where: Path = (*base, "agent", "tools", number)
            if grant.get("approval") == "conditional" and not grant.get("approval_when"):
                add((*where, "approval"), f"tool grant {quoted(grant.get('tool'))} needs approval "
                    "only for some calls: say which in `approval_when` (\"refunds above 100 "
                    "EUR\")", "approval-without-condition", Severity.WARNING)
            if grant.get("approval_when") and grant.get("approval") != "conditional":
                add((*where, "approval_when"), f"tool grant {quoted(grant.get('tool'))} says when "
                    "approval is needed but its `approval` is not `conditional`",
                    "condition-without-approval", Severity.WARNING)

    for index, item in _items(data, "flows"):
        base = ("flows", index)
        if _str(item.get("from")) is not None and item.get("from") == item.get("to"):
            add(base, f"flow {quoted(item.get('id'))} goes from {quoted(item.get('from'))} to "
                "itself", "self-flow", Severity.WARNING)

    for index, item in _items(data, "components"):
        item_id = _str(item.get("id"))
        if item_id is not None and item_id in components and item_id not in referenced \
                and components[item_id] is item:
            add(("components", index), f"component {quoted(item_id)} has no flows and nothing "
                "refers to it: connect it with a flow or remove it", "orphan",
                Severity.WARNING)

    for index, item in _items(data, "controls"):
        control_id = _str(item.get("control"))
        if catalog is not None and control_id is not None and control_id not in catalog.controls:
            add(("controls", index, "control"), f"no control in the catalog has the id "
                f"{quoted(control_id)}{did_you_mean(control_id, catalog.controls)}",
                "unknown-control")

    for index, item in _items(data, "accepted_risks"):
        base = ("accepted_risks", index)
        finding = _str(item.get("finding"))
        if finding is not None and "@" in finding:
            threat, target = finding.split("@", 1)
            if target not in first_seen:
                add((*base, "finding"), f"{finding}: no component, flow or boundary has the id "
                    f"{quoted(target)}{did_you_mean(target, first_seen)}", "unknown-reference")
            if catalog is not None and threat not in catalog.threats:
                add((*base, "finding"), f"{finding}: no threat in the catalog has the id "
                    f"{quoted(threat)}{did_you_mean(threat, catalog.threats)}", "unknown-threat")
        expires = _str(item.get("expires"))
        if expires is not None and len(expires) == 10:
            try:
                expiry = dt.date.fromisoformat(expires)
            except ValueError:
                add((*base, "expires"), f"{format_path((*base, 'expires'))}: {quoted(expires)} is "
                    "not a real calendar date", "bad-value")
            else:
                if today is not None and expiry < today:
                    add((*base, "expires"), f"acceptance of {finding} expired on {expires}; "
                        "the finding counts as open again", "expired-acceptance",
                        Severity.WARNING)
    return out


def _check_cycles(data: dict[str, Any], boundaries: dict[str, dict[str, Any]],
                  add: Callable[..., None]) -> None:
    parent_of = {bid: _str(item.get("parent")) for bid, item in boundaries.items()}
    index_of = {_str(item.get("id")): index for index, item in _items(data, "boundaries")}
    reported: set[str] = set()
    settled: set[str] = set()
    """Boundaries whose chain of parents is already known to end (or to join a cycle)."""
    for start in sorted(parent_of):
        chain: dict[str, None] = {}
        node: str | None = start
        # Each boundary is walked once over all starts, so a chain thousands deep stays linear.
        while node is not None and node in parent_of and node not in chain and (
                node not in settled):
            chain[node] = None
            node = parent_of[node]
        settled.update(chain)
        if node is not None and node in chain:
            path = list(chain)
            cycle = path[path.index(node):]
            key = min(cycle)
            if key in reported:
                continue
            reported.add(key)
            shown = " → ".join([*cycle, node])
            add(("boundaries", index_of.get(key, 0), "parent"),
                f"boundaries nest in a cycle: {shown}", "boundary-cycle")


def _a(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"
