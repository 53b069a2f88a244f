"""Writing new model YAML, with comments where a reader needs them: the one emitter for text
the tool creates (the guided start, imports from other tools). Editing an existing file goes
through ruamel instead (editing/edit.py), which keeps what the user wrote.

Output is plain block YAML that PyYAML (YAML 1.1, what the loader uses) reads back as exactly
the values given: a scalar is left plain only when it reads back as the same text, long text
is folded at word boundaries, several lines become a literal block, and anything else is
double-quoted with every control, line-separator and bidi character escaped.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

_RESOLVER = Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
_FLOW_INDICATORS = frozenset(",[]{}")
FOLD_AT = 88
"""Long text is folded to lines of about this width."""
_ESCAPED = frozenset(range(0x20)) | frozenset(range(0x7F, 0xA0)) | {
    0x2028, 0x2029, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
    0xFEFF, 0xFFFE, 0xFFFF} | frozenset(range(0xD800, 0xE000))
"""Characters never written raw: controls, line and paragraph separators, bidi overrides and
isolates (which could make a line read differently from what it holds), BOM, surrogates."""


@dataclass
class Field:
    key: str
    value: Any
    """A scalar; a list of scalars (a flow list); a list of mappings, each flat (flow mappings,
    one per line) or not (a block sequence); or a list of Field (a nested block mapping)."""
    note: str = ""
    """End-of-line comment."""
    above: tuple[str, ...] = ()
    """Comment lines before the key."""


@dataclass
class Item:
    """One entry of a top-level section (a component, a flow...)."""

    fields: list[Field]
    above: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return str(self.fields[0].value)


def reads_as_text(text: str) -> bool:
    """Whether the model loader (PyYAML, YAML 1.1) reads ``text`` written unquoted as text."""
    tag: str = _RESOLVER.resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return tag == _STR_TAG


def _safe(text: str) -> bool:
    return not any(ord(char) in _ESCAPED for char in text)


def scalar(value: Any, *, flow: bool = False) -> str:
    """A scalar as YAML: plain when PyYAML reads it back as the same text, else quoted.

    ``flow``: inside ``[...]`` or ``{...}``, where commas and brackets end a plain scalar.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    plain = (text[:1].isalnum() and text == text.strip() and ": " not in text
             and " #" not in text and not text.endswith(":")
             and all(" " <= char <= "~" for char in text)
             and not (flow and _FLOW_INDICATORS & set(text))
             and reads_as_text(text))
    return text if plain else double_quoted(text)


def double_quoted(text: str) -> str:
    """A YAML double-quoted scalar; anything YAML does not allow raw (or PyYAML reads as a
    line break), and anything that could hide what a line says, is escaped."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\t":
            out.append("\\t")
        elif char == "\n":
            out.append("\\n")
        elif code in _ESCAPED:
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _flat(value: Any) -> bool:
    return isinstance(value, Mapping) and all(
        not isinstance(v, Mapping | list) or (isinstance(v, list) and not any(
            isinstance(x, Mapping | list) for x in v)) for v in value.values())


def _flow_list(values: Iterable[Any]) -> str:
    return f"[{', '.join(scalar(v, flow=True) for v in values)}]"


def _flow_mapping(value: Mapping[str, Any]) -> str:
    parts = [f"{scalar(key, flow=True)}: "
             f"{_flow_list(item) if isinstance(item, list) else scalar(item, flow=True)}"
             for key, item in value.items()]
    return "{" + ", ".join(parts) + "}"


def _literal(text: str, pad: str) -> list[str] | None:
    """``text`` of several lines as a literal block, or None when a block cannot hold it
    exactly (trailing spaces, a leading space, characters that must be escaped, or only line
    breaks, which a block reads back as nothing)."""
    body = text[:-1] if text.endswith("\n") else text
    lines = body.split("\n")
    if not any(lines) or body.endswith("\n") or not _safe(body.replace("\n", "")) or "\r" in body \
            or lines[0][:1] in (" ", "\t") or any(line != line.rstrip() for line in lines):
        return None
    return ["|" if text.endswith("\n") else "|-", *(pad + line if line else "" for line in lines)]


def _folded(text: str, width: int, pad: str) -> list[str] | None:
    """Long one-line ``text`` folded at spaces, or None when folding would change it."""
    if "\n" in text or text != text.strip() or "  " in text or "\t" in text or not _safe(text):
        return None
    parts = textwrap.wrap(text, max(width, 20), break_long_words=False,
                          break_on_hyphens=False)
    return [">-", *(pad + part for part in parts)] if len(parts) > 1 else None


def _note(note: str) -> str:
    return f"   # {note}" if note else ""


def emit_fields(lines: list[str], fields: list[Field], indent: int, first: str = "") -> None:
    """Append the fields as block-mapping lines, each indented by ``indent`` (the first by
    ``first`` instead, e.g. ``"  - "`` for a sequence item)."""
    pad = " " * indent
    for index, item in enumerate(fields):
        lines.extend(pad + line for line in item.above)
        lead = first if index == 0 and first else pad
        value = item.value
        if isinstance(value, list) and value and all(isinstance(v, Field) for v in value):
            lines.append(f"{lead}{scalar(item.key)}:{_note(item.note)}")
            emit_fields(lines, value, indent + 2)
        elif isinstance(value, list) and value and all(_flat(v) for v in value):
            lines.append(f"{lead}{scalar(item.key)}:{_note(item.note)}")
            lines.extend(f"{pad}  - {_flow_mapping(entry)}" for entry in value)
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            lines.append(f"{lead}{scalar(item.key)}:{_note(item.note)}")
            for entry in value:
                emit_fields(lines, to_fields(entry), indent + 4, first=f"{pad}  - ")
        elif isinstance(value, list):
            lines.append(f"{lead}{scalar(item.key)}: {_flow_list(value)}{_note(item.note)}")
        elif isinstance(value, Mapping):
            if not value:
                lines.append(f"{lead}{scalar(item.key)}: {{}}{_note(item.note)}")
            else:
                lines.append(f"{lead}{scalar(item.key)}:{_note(item.note)}")
                emit_fields(lines, to_fields(value), indent + 2)
        else:
            block = None
            if isinstance(value, str) and not item.note:
                inner = pad + "  "
                block = _literal(value, inner) if "\n" in value else (
                    _folded(value, FOLD_AT - len(inner), inner)
                    if len(lead) + len(item.key) + len(value) + 2 > FOLD_AT else None)
            if block is not None:
                lines.append(f"{lead}{scalar(item.key)}: {block[0]}")
                lines.extend(block[1:])
            else:
                lines.append(f"{lead}{scalar(item.key)}: {scalar(value)}{_note(item.note)}")


def to_fields(value: Mapping[str, Any]) -> list[Field]:
    """A plain mapping as fields, with no comments."""
    return [Field(str(key), item) for key, item in value.items()]


def emit_items(lines: list[str], key: str, items: Iterable[Item], *, gap: bool) -> None:
    """A top-level section: a blank line, ``key:``, then each item (blank lines between items
    with ``gap``)."""
    lines.append("")
    lines.append(f"{key}:")
    for index, item in enumerate(items):
        if gap and index:
            lines.append("")
        lines.extend("  " + line for line in item.above)
        emit_fields(lines, item.fields, 4, first="  - ")


def comment_lines(text: Iterable[str], indent: str = "") -> list[str]:
    """Comment lines; each given line must already be one line of safe text."""
    return [f"{indent}# {line}" if line else f"{indent}#" for line in text]


def text_of(lines: Iterable[str]) -> str:
    """The lines as a file: no trailing spaces, one final newline."""
    return "\n".join(line.rstrip() for line in lines) + "\n"
