"""Which fields of a model point at other elements, and at which kinds: the one table that
validation, rename, diff, the element editor and the converters all read.

A field added to the model format that holds an id is added here once; every one of those then
checks it, renames through it, compares it and offers its choices.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from scoping_tui.model.schema import section_types

Pool = Literal["boundaries", "components", "elements"]
"""Where the id must be found: a boundary, a component, or any element (component, flow or
boundary)."""

ModelPath = tuple[str | int, ...]

_SECTIONS = section_types()
TOOL_TARGET_TYPES: tuple[str, ...] = (*_SECTIONS["tool"], "agent", "orchestrator", "service",
                                      "data-store", "knowledge-base", "vector-store", "memory")
"""What an agent's tool grant may point at: tools, and the agents, services and stores an agent
calls as if they were tools."""


@dataclass(frozen=True)
class Reference:
    section: str
    """The top-level list whose items hold the field."""
    keys: tuple[str, ...]
    """The field inside an item; ``*`` stands for every index of a list on the way."""
    definition: str
    """The schema definition that declares the last key (what the element editor's forms use)."""
    pool: Pool
    what: str
    """What an unknown id is called in messages: "no boundary has the id …"."""
    types: tuple[str, ...] = ()
    """Component types the field may point at; empty when any will do."""
    offered: tuple[str, ...] | None = None
    """The types the editor proposes, when narrower than ``types`` (None: the same)."""
    many: bool = False
    """The field holds a list of ids."""

    @property
    def key(self) -> str:
        return self.keys[-1]

    @property
    def choices(self) -> tuple[str, ...]:
        return self.types if self.offered is None else self.offered


REFERENCES: tuple[Reference, ...] = (
    Reference("boundaries", ("parent",), "boundary", "boundaries", "boundary"),
    Reference("components", ("boundary",), "component", "boundaries", "boundary"),
    Reference("components", ("agent", "model"), "agentFacts", "components", "component",
              _SECTIONS["model"]),
    Reference("components", ("agent", "tools", "*", "tool"), "toolGrant", "components",
              "component", TOOL_TARGET_TYPES),
    Reference("components", ("agent", "memory"), "agentFacts", "components", "component",
              offered=_SECTIONS["store"], many=True),
    Reference("components", ("agent", "delegates_to"), "agentFacts", "components", "agent",
              _SECTIONS["agent"], many=True),
    Reference("flows", ("from",), "flow", "components", "component"),
    Reference("flows", ("to",), "flow", "components", "component"),
    Reference("controls", ("targets",), "controlImpl", "elements", "element", many=True),
)
"""In the order a model's sections and fields are read; accepted risks name their element
inside the finding id (THREAT@element), which each reader splits itself."""

SECTION_ORDER = ("boundaries", "components", "flows", "controls", "accepted_risks")


def in_definition(definition: str) -> dict[str, Reference]:
    """The references a schema definition declares, by key."""
    return {r.key: r for r in REFERENCES if r.definition == definition}


def slots(item: Any, reference: Reference, base: ModelPath = ()) -> Iterator[tuple[ModelPath,
                                                                                   Any]]:
    """Every (path, id) the field holds in one item of its section, as written (an id may be
    of any type in a model that has not been validated yet)."""

    def walk(node: Any, keys: tuple[str, ...], at: ModelPath) -> Iterator[tuple[ModelPath, Any]]:
        if not keys:
            if reference.many and isinstance(node, list):
                for index, value in enumerate(node):
                    yield (*at, index), value
            elif not reference.many and node is not None:
                yield at, node
            return
        head, rest = keys[0], keys[1:]
        if head == "*":
            for index, child in enumerate(node if isinstance(node, list) else []):
                yield from walk(child, rest, (*at, index))
        elif isinstance(node, Mapping) and head in node:
            yield from walk(node[head], rest, (*at, head))

    yield from walk(item, reference.keys, base)


def model_slots(data: Any) -> Iterator[tuple[ModelPath, Any, Reference]]:
    """Every reference in a whole model (plain or ruamel data): path, id, and which field,
    item by item in file order."""
    if not isinstance(data, Mapping):
        return
    for section in SECTION_ORDER:
        items = data.get(section)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, Mapping):
                continue
            for reference in REFERENCES:
                if reference.section == section:
                    for path, value in slots(item, reference, (section, index)):
                        yield path, value, reference


def rewritten(item: Mapping[str, Any], section: str, change: Callable[[Any], Any],
              within: tuple[str, ...] = ()) -> dict[str, Any]:
    """A copy of the item with every id its fields hold (only those under ``within``) replaced
    by ``change(id)``; the item itself is left as it was."""
    copied: dict[str, Any] = copy.deepcopy(dict(item))
    for reference in REFERENCES:
        if reference.section != section or reference.keys[:len(within)] != within:
            continue
        for path, value in list(slots(copied, reference)):
            parent: Any = copied
            for step in path[:-1]:
                parent = parent[step]
            parent[path[-1]] = change(value)
    return copied
