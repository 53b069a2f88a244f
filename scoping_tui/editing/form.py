"""The element editor's form, without Textual: which fields an element of each kind shows,
read from the model's JSON Schema (titles, help, choices, references), and how values are
compared and shown as text. The widget in tui/widgets/element_editor.py draws it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from scoping_tui.model.references import Reference, in_definition
from scoping_tui.model.schema import model_schema, section_types
from scoping_tui.model.text import printable

FieldPath = tuple[str | int, ...]
"""A path inside the element, e.g. ``("agent", "approval")``."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""No value at a path (the key is absent)."""

FORM_OF = {"system": "system", "component": "component", "flow": "flow",
           "boundary": "boundary", "control": "controlImpl", "accepted_risk": "acceptedRisk"}
KIND_TITLES = {"system": "System", "component": "Component", "flow": "Data flow",
               "boundary": "Trust boundary", "control": "Control",
               "accepted_risk": "Accepted risk"}
SECTION_DEFINITIONS = {"model": "modelFacts", "agent": "agentFacts", "store": "storeFacts",
                       "tool": "toolFacts"}
SOFTWARE_TYPES = frozenset({"agent", "orchestrator", "service", "client-app", "api-gateway",
                            "guardrail", "tool", "mcp-server", "code-sandbox",
                            "training-pipeline"})
"""Components that run code someone installs: the form offers their software section."""
BASIC_FIELDS = ("id", "name", "type", "role", "boundary", "hosting")
"""A component's fields shown before its type's own section."""
ORDERED_LISTS = frozenset({("system", "priorities")})
"""Lists of choices whose order means something: edited as text, not as ticks."""
BOOLEAN_OPTIONS: tuple[tuple[str, Any], ...] = (("yes", True), ("no", False))
SELECT_KINDS = ("enum", "type", "bool", "int", "ref", "grant-tool", "grant-add")
LIST_KINDS = ("enums", "refs", "targets", "grant-permissions")


@dataclass(frozen=True)
class FieldSpec:
    """One field of the form, from the schema."""

    rel: FieldPath
    title: str
    description: str
    kind: str
    """text, id, tags, enum, type, bool, int, ref, enums, refs, targets; grant-tool,
    grant-permissions, grant-remove, grant-add, section-remove; heading, note (no value)."""
    options: tuple[tuple[str, Any], ...] = ()
    required: bool = False
    reference: Reference | None = None
    """For an id field: which elements it may name (model/references.py)."""
    """For references: which ids are offered (boundaries, components, models, ...)."""


# ---------------------------------------------------------------------------------------------
# The schema as form fields


def _definitions() -> dict[str, Any]:
    definitions: dict[str, Any] = model_schema()["definitions"]
    return definitions


def _deref(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = _definitions()[node["$ref"].rsplit("/", 1)[-1]]
    return node


def _enum_help(node: dict[str, Any]) -> str:
    descriptions = node.get("enumDescriptions")
    if not isinstance(descriptions, list):
        return ""
    return "\n".join(f"{value}: {text}" for value, text in zip(node["enum"], descriptions,
                                                                 strict=False))


def _scale_options(node: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """``1 consumer app`` ...: numbers with the meaning the description gives them."""
    low, high = int(node.get("minimum", 0)), int(node.get("maximum", 0))
    meanings = dict(re.findall(r"\b(\d) ([a-z][a-z -]*?)(?=,|\.|$)",
                               str(node.get("description", "")).split(":", 1)[-1]))
    return tuple((f"{n} {meanings.get(str(n), '')}".strip(), n) for n in range(low, high + 1))


@cache
def definition_fields(definition: str, base: FieldPath = ()) -> tuple[FieldSpec, ...]:
    """The fields of a schema definition, in schema order (sections and grants excluded)."""
    node = _definitions()[definition]
    references = in_definition(definition)
    required = set(node.get("required", ()))
    out: list[FieldSpec] = []
    for key, raw in node.get("properties", {}).items():
        prop = _deref(raw)
        title = str(raw.get("title") or prop.get("title") or key)
        description = str(raw.get("description") or prop.get("description") or "")
        rel = (*base, key)
        spec = FieldSpec(rel, title, description, "text", required=key in required)
        kind = prop.get("type")
        if key == "id":
            out.append(_replace(spec, kind="id"))
        elif "anyOf" in prop:  # a control's targets: "*" or a list of ids
            out.append(_replace(spec, kind="targets", reference=references.get(key)))
        elif key in references:
            reference = references[key]
            out.append(_replace(spec, kind="refs" if reference.many else "ref",
                                reference=reference))
        elif kind == "boolean":
            out.append(_replace(spec, kind="bool", options=BOOLEAN_OPTIONS))
        elif kind == "integer":
            out.append(_replace(spec, kind="int", options=_scale_options(prop)))
        elif kind == "string" and "enum" in prop:
            help_text = _enum_help(prop)
            out.append(_replace(
                spec, kind="type" if (definition, key) == ("component", "type") else "enum",
                options=tuple((str(v), v) for v in prop["enum"]),
                description=f"{description}\n\n{help_text}" if help_text else description))
        elif kind == "string":
            out.append(spec)
        elif kind == "array":
            items = _deref(prop.get("items", {}))
            if (definition, key) in ORDERED_LISTS:
                # A ticked list has no order: priorities are typed, most important first.
                choices = ", ".join(str(v) for v in items.get("enum", ()))
                out.append(_replace(spec, kind="tags",
                                    description=f"{description}\n\nOne or more of: {choices}"))
            elif "enum" in items:
                help_text = _enum_help(items)
                out.append(_replace(
                    spec, kind="enums", options=tuple((str(v), v) for v in items["enum"]),
                    description=f"{description}\n\n{help_text}" if help_text else description))
            elif items.get("type") == "string":
                out.append(_replace(spec, kind="tags"))
            # lists of objects (an agent's tools) are built by form_fields
    return tuple(out)


def _replace(spec: FieldSpec, **changes: Any) -> FieldSpec:
    values = {**spec.__dict__, **changes}
    return FieldSpec(**values)


def form_fields(kind: str, item: dict[str, Any]) -> list[FieldSpec]:
    """Every field of the form for one element, given its current data."""
    fields = list(definition_fields(FORM_OF[kind]))
    if kind != "component":
        return fields
    ctype = item.get("type")
    # Only people have a role; the field stays visible where one was written anyway.
    fields = [f for f in fields if f.rel != ("role",) or ctype == "user" or "role" in item]
    # What the rules read most (the type's own section: an agent's model, tools and approval)
    # comes right after the basics, before the descriptive fields.
    basics = [f for f in fields if f.rel[0] in BASIC_FIELDS]
    rest = [f for f in fields if f.rel[0] not in BASIC_FIELDS]
    section = _section_fields(item, ctype)
    heading = [FieldSpec(("#details",), "Description and data", "", "heading")] \
        if section and rest else []
    fields = [*basics, *section, *heading, *rest]
    if ctype in SOFTWARE_TYPES or "software" in item:
        node = _definitions()["softwareFacts"]
        fields.append(FieldSpec(("software",), str(node["title"]), str(node["description"]),
                                "heading"))
        fields.extend(definition_fields("softwareFacts", ("software",)))
    return fields


def _section_fields(item: dict[str, Any], ctype: Any) -> list[FieldSpec]:
    """The fact sections (model, agent, store, tool) a component of this type has, or a note
    and a remove button for one it should not have."""
    fields: list[FieldSpec] = []
    definitions = _definitions()
    for section, types in section_types().items():
        applies = ctype in types
        present = isinstance(item.get(section), dict) or section in item
        node = definitions[SECTION_DEFINITIONS[section]]
        if isinstance(ctype, str) and present and not applies:
            fields.append(FieldSpec((section,), str(node.get("title", section)),
                                    f"The {section} section describes {', '.join(types)} "
                                    f"components, not a {ctype}: the model is not valid until "
                                    "it is removed or the type is changed back.", "note"))
            fields.append(FieldSpec((section, "remove"), f"Remove the {section} section", "",
                                    "section-remove"))
            continue
        if not applies and not (present and not isinstance(ctype, str)):
            continue
        fields.append(FieldSpec((section,), str(node.get("title", section)),
                                str(node.get("description", "")), "heading"))
        for spec in definition_fields(SECTION_DEFINITIONS[section], (section,)):
            fields.append(spec)
            if spec.rel == ("agent", "model"):
                fields.extend(_grant_fields(item))
    return fields


def _grant_fields(item: dict[str, Any]) -> list[FieldSpec]:
    grant = _definitions()["toolGrant"]["properties"]
    agent = item.get("agent")
    tools = agent.get("tools") if isinstance(agent, dict) else None
    out = [FieldSpec(("agent", "tools"), "Tools", str(_definitions()["agentFacts"]["properties"]
                                                       ["tools"]["description"]), "subheading")]
    permissions = _deref(grant["permissions"]["items"])
    options = tuple((str(v), v) for v in permissions["enum"])
    help_text = _enum_help(permissions)
    for index, _ in enumerate(tools if isinstance(tools, list) else []):
        rel: FieldPath = ("agent", "tools", index)
        out.append(FieldSpec((*rel, "tool"), f"Tool {index + 1}", grant["tool"]["description"],
                             "grant-tool", required=True))
        out.append(FieldSpec((*rel, "permissions"), "permissions",
                             f"{grant['permissions']['description']}\n\n{help_text}",
                             "grant-permissions", options=options))
        approval = grant["approval"]
        out.append(FieldSpec((*rel, "approval"), "approval",
                             f"{approval['description']}\n\n{_enum_help(approval)}", "enum",
                             options=tuple((str(v), v) for v in approval["enum"])))
        out.append(FieldSpec((*rel, "approval_when"), "approval when",
                             str(grant["approval_when"]["description"]), "text"))
        out.append(FieldSpec((*rel, "remove"), "Remove", "Take this tool away from the agent",
                             "grant-remove"))
    out.append(FieldSpec(("agent", "tools", "add"), "Add a tool",
                         "Grant the agent another tool (choose it here)", "grant-add"))
    return out


# ---------------------------------------------------------------------------------------------
# Plain-data helpers


def get_in(data: Any, path: FieldPath) -> Any:
    """The value at ``path`` in plain data, or MISSING."""
    node = data
    for step in path:
        in_list = isinstance(step, int) and isinstance(node, list) and 0 <= step < len(node)
        in_map = isinstance(step, str) and isinstance(node, dict) and step in node
        if not (in_list or in_map):
            return MISSING
        node = node[step]
    return node


def same_value(a: Any, b: Any) -> bool:
    return type(a) is type(b) and bool(a == b)


def as_text(value: Any) -> str:
    """A model value as the form shows it: control characters and line breaks as visible
    escapes (``\\x1b``), so the screen shows what the file holds and the terminal acts on
    none of it. ``_typed_value`` turns the escapes back into what the file held."""
    return printable(raw_text(value))


def raw_text(value: Any) -> str:
    if value is MISSING or value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ---------------------------------------------------------------------------------------------
# Field widgets: each knows its field and the element it belongs to


def hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
