"""The published JSON Schema of the model, and its errors turned into precise diagnostics."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from scoping_tui.model.diagnostics import Diagnostic, Position, Severity, quoted
from scoping_tui.model.fastschema import quick_validator
from scoping_tui.model.load import Document, SourceMap
from scoping_tui.model.paths import Path, format_path
from scoping_tui.model.suggest import did_you_mean
from scoping_tui.util.locations import schemas_dir

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

ID_PATTERN = "^[a-z][a-z0-9_-]{0,63}$"
MODEL_SCHEMA = "system-model"


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A bundled schema by file stem: ``system-model``, ``catalog``, ``scoping``."""
    with (schemas_dir() / f"{name}.schema.json").open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


def model_schema() -> dict[str, Any]:
    return load_schema(MODEL_SCHEMA)


@cache
def _anchored(pattern: str) -> re.Pattern[str]:
    # JSON Schema patterns are ECMA 262, where `$` never matches before a trailing newline;
    # Python's does, so `id: "agent\n"` would pass. `\Z` restores the ECMA meaning.
    return re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any,
             ) -> Iterator[ValidationError]:
    from jsonschema.exceptions import ValidationError

    if isinstance(instance, str) and not _anchored(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _validator(name: str) -> Any:
    # jsonschema is imported only when a file is invalid: it costs more to import than the
    # compiled validators take to check a large model.
    from jsonschema import Draft7Validator, validators

    extended = validators.extend(Draft7Validator, {"pattern": _pattern})
    return extended(load_schema(name))


def enum_values(definition: str) -> tuple[str, ...]:
    """The allowed values of a named enum in the model schema (one place per vocabulary)."""
    return tuple(model_schema()["definitions"][definition]["enum"])


def section_types() -> dict[str, tuple[str, ...]]:
    """Which component types each fact section (model, agent, store, tool) belongs to."""
    return dict(_SECTION_TYPES)


_SECTION_TYPES: dict[str, tuple[str, ...]] = {
    "model": ("foundation-model", "genai-app"),
    "agent": ("agent", "orchestrator"),
    "store": ("vector-store", "knowledge-base", "memory", "data-store", "message-queue",
              "training-data", "model-registry", "secrets-store", "monitoring"),
    "tool": ("tool", "mcp-server", "code-sandbox", "external-service"),
}

_TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "nothing",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (empty value)"
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            return "a not-a-number value"
        shown = str(value)
        return f"the number {shown[:40]}{'…' if len(shown) > 40 else ''}"
    if isinstance(value, str):
        return f"the text {quoted(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _walk_schema(root: dict[str, Any], path: Path) -> dict[str, Any] | None:
    """The schema that governs the value at ``path`` (following $ref), if simple to find."""
    node: dict[str, Any] | None = root
    for part in path:
        if node is None:
            return None
        node = _deref(root, node)
        if isinstance(part, int):
            items = node.get("items")
            node = items if isinstance(items, dict) else None
        else:
            node = node.get("properties", {}).get(part)
    return _deref(root, node) if node is not None else None


def _deref(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = root["definitions"][name]
    return node


def _label(path: Path, data: Any = None) -> str:
    """``components[2] (ops-agent).agent``: the path, with the id of the list item it is in."""
    if len(path) >= 2 and isinstance(path[1], int) and isinstance(data, dict):
        section = data.get(path[0])
        item = section[path[1]] if isinstance(section, list) and path[1] < len(section) else None
        item_id = item.get("id") if isinstance(item, dict) else None
        if isinstance(item_id, str) and re.fullmatch(ID_PATTERN, item_id):
            head = f"{path[0]}[{path[1]}] ({item_id})"
            rest = format_path(path[2:])
            return f"{head}{'.' + rest if rest and not rest.startswith('[') else rest}"
    return format_path(path) or "the model"


def schema_diagnostics(document: Document, schema: str = MODEL_SCHEMA) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    if not isinstance(document.data, dict):
        what = "a model" if schema == MODEL_SCHEMA else "this file"
        return [Diagnostic(document.file, document.source.value(()), Severity.ERROR,
                           f"{what} is a mapping that starts with `version: 1`, but this file "
                           f"holds {_describe(document.data)}", "not-a-mapping")]
    quick = quick_validator(schema)
    if quick is not None and quick(document.data):
        return out
    errors = list(_validator(schema).iter_errors(document.data))
    # A value outside an enum of another type fails twice (`version: abc`: not 1, not a whole
    # number); the enum's message lists what is allowed, so it alone is kept.
    listed = {tuple(e.absolute_path) for e in errors if e.validator in ("enum", "const")}
    for error in errors:
        if error.validator == "type" and tuple(error.absolute_path) in listed:
            continue
        out.extend(_translate(error, document.file, document.source, document.data,
                              load_schema(schema)))
    return out


def _translate(error: ValidationError, file: str, source: SourceMap, data: Any,
               root: dict[str, Any]) -> Iterator[Diagnostic]:
    path: Path = tuple(error.absolute_path)
    where = _label(path, data)
    kind = str(error.validator)
    value = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}

    def diag(position: Position, message: str, code: str, at: Path = path) -> Diagnostic:
        return Diagnostic(file, position, Severity.ERROR, message, code, format_path(at))

    if kind == "additionalProperties" and isinstance(value, dict):
        allowed = set(schema.get("properties", {}))
        for key in value:
            if key in allowed or key.startswith("x-"):
                continue
            key_path = (*path, key)
            hint = did_you_mean(key, allowed)
            if not hint:
                hint = f"; allowed keys: {', '.join(sorted(allowed))}"
            yield diag(source.key(key_path), f"unknown key {quoted(key)} in {where}{hint}",
                       "unknown-key", key_path)
        return
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        if missing == "reason" and isinstance(value, dict) and value.get("status") == \
                "not-applicable":
            control = quoted(value.get("control", ""))
            yield diag(source.value(path), f"{where}: control {control} is "
                       "marked not-applicable, which needs a `reason` saying why",
                       "missing-key")
            return
        position = source.key(path) if path and isinstance(path[-1], str) else source.value(path)
        if path and isinstance(path[-1], int):
            position = source.value(path)
        yield diag(position, f"{where} is missing the required key {missing!r}", "missing-key")
        return
    if kind == "enum":
        options = [str(option) for option in error.validator_value]
        if isinstance(value, str):
            hint = did_you_mean(value, options)
            message = f"{where}: {quoted(value)} is not allowed{hint}"
        else:
            message = f"{where}: expected one of the listed values, got {_describe(value)}"
        if len(options) <= 25:
            message += f" (expected one of: {', '.join(options)})"
        yield diag(source.value(path), message, "bad-value")
        return
    if kind == "const":
        yield diag(source.value(path), f"{where}: expected {error.validator_value!r}, got "
                   f"{_describe(value)}", "bad-value")
        return
    if kind == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
        hint = ""
        if "string" in names and (isinstance(value, bool | int | float) or value is None):
            hint = "; put quotes around it if you meant text"
        yield diag(source.value(path), f"{where}: expected {wanted}, got {_describe(value)}{hint}",
                   "bad-type")
        return
    if kind == "pattern" and isinstance(value, str):
        pattern = error.validator_value
        if pattern == ID_PATTERN:
            reason = _id_problem(value)
            message = f"{where}: {quoted(value)} is not a valid id: {reason}"
        elif "@" in pattern:
            message = (f"{where}: {quoted(value)} is not a finding id; write THREAT@target, e.g. "
                       "LLM01-DIRECT-INJECTION@support-bot")
        elif "[0-9]{4}" in pattern:
            message = f"{where}: {quoted(value)} is not a date; write it as YYYY-MM-DD"
        elif pattern.startswith("^[A-Z]"):
            message = (f"{where}: {quoted(value)} is not a catalog id; catalog ids are upper case "
                       "words joined by -, e.g. GUARD-INPUT-FILTER")
        else:
            message = f"{where}: {quoted(value)} does not match the pattern {pattern}"
        yield diag(source.value(path), message, "bad-value")
        return
    if kind == "minLength":
        yield diag(source.value(path), f"{where} must not be empty", "bad-value")
        return
    if kind == "maxLength":
        yield diag(source.value(path), f"{where} is longer than {error.validator_value} "
                   "characters", "bad-value")
        return
    if kind in ("minimum", "maximum"):
        bound = "at least" if kind == "minimum" else "at most"
        yield diag(source.value(path), f"{where}: {_describe(value)} must be {bound} "
                   f"{error.validator_value}", "bad-value")
        return
    if kind == "minItems":
        yield diag(source.value(path), f"{where} must list at least {error.validator_value} "
                   "item(s)", "bad-value")
        return
    if kind == "uniqueItems" and isinstance(value, list):
        seen: set[str] = set()
        for index, item in enumerate(value):
            marker = json.dumps(item, sort_keys=True, default=str)
            if marker in seen:
                yield diag(source.value((*path, index)), f"{where}: {_describe(item)} is listed "
                           "twice", "duplicate-item", (*path, index))
            seen.add(marker)
        return
    if kind == "anyOf" and path and path[-1] == "targets":
        yield diag(source.value(path), f"{where}: write \"*\" for the whole system or a list "
                   f"of component ids, not {_describe(value)}", "bad-value")
        return
    governed = _walk_schema(root, path)
    title = governed.get("title") if governed else None
    yield diag(source.value(path), f"{where}{f' ({title})' if title else ''}: {error.message}",
               "schema")


def _id_problem(value: str) -> str:
    if not value:
        return "it is empty"
    if len(value) > 64:
        return "ids are at most 64 characters"
    if not value[0].isascii() or not value[0].isalpha() or not value[0].islower():
        return "ids start with a lowercase letter"
    bad = sorted({c for c in value
                  if not (c.isascii() and (c.islower() or c.isdigit() or c in "-_"))})
    shown = ", ".join(repr(c) for c in bad[:5])
    return f"ids use only lowercase letters, digits, - and _ (found {shown})"
