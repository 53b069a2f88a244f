"""The imported model as YAML text, with what the import decided written beside it as comments."""

from __future__ import annotations

from typing import Any

import yaml

from scoping_tui.formats.common import ModelBuilder, Note, comment_text, counts

_SECTIONS = ("boundaries", "components", "flows", "controls", "accepted_risks")
_LABELS = {"mapped": "mapped", "guessed": "guessed", "human": "decide"}


# libyaml's emitter when PyYAML was built with it: a 10,000-element import spends most of its
# time here otherwise.
class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    pass


def _text(dumper: Any, data: str) -> Any:
    # Several lines read best as a literal block; the emitter falls back to quotes when a
    # block cannot hold the text exactly (trailing spaces, special characters).
    return dumper.represent_scalar("tag:yaml.org,2002:str", data,
                                   style="|" if "\n" in data else None)


_Dumper.add_representer(str, _text)


def _dump(value: Any) -> str:
    return yaml.dump(value, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)


def _comment(lines: list[str], indent: str = "") -> str:
    return "".join(f"{indent}# {comment_text(line)}\n" if line else f"{indent}#\n"
                   for line in lines)


def summary_lines(builder: ModelBuilder) -> list[str]:
    """The import summary: counts, then what needs a human and what was guessed."""
    tally = counts(builder.notes)
    lines = [f"Imported from {builder.format_name}: {builder.source_file}",
             f"{tally['mapped']} mapped, {tally['guessed']} guessed, "
             f"{tally['human']} need a human decision."]
    for kind, title in (("human", "Needs a human decision:"), ("guessed", "Guessed:")):
        chosen = [n for n in builder.notes if n.kind == kind]
        if chosen:
            lines += ["", title]
            lines += [f"  - {_described(n)}" for n in chosen]
    return lines


def _described(note: Note) -> str:
    return f"{note.element}: {note.message}" if note.element else note.message


def render_yaml(builder: ModelBuilder) -> str:
    """The model as YAML; each element's guesses and open questions as comments above it."""
    by_element: dict[str, list[Note]] = {}
    for note in builder.notes:
        if note.element and note.kind != "mapped":
            by_element.setdefault(note.element, []).append(note)
    out = [_comment(summary_lines(builder)), "\n"]
    out.append(_dump({"version": 1}))
    out.append("\n" + _dump({"system": builder.system}))
    document = builder.document()
    for section in _SECTIONS:
        items = document.get(section)
        if not items:
            continue
        out.append(f"\n{section}:\n")
        for item in items:
            notes = by_element.get(str(item.get("id", item.get("control", ""))), [])
            out.append(_comment([f"{_LABELS[n.kind]}: {n.message}" for n in notes], "  "))
            body = _dump([item])
            out.append("".join(f"  {line}\n" if line else "\n" for line in body.splitlines()))
    return "".join(out)
