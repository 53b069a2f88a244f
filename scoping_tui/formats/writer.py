"""The imported model as YAML text, with what the import decided written beside it as comments."""

from __future__ import annotations

from scoping_tui.formats.common import ModelBuilder, Note, comment_text, counts
from scoping_tui.model.emit import Item, comment_lines, emit_fields, emit_items, text_of, to_fields

_SECTIONS = ("boundaries", "components", "flows", "controls", "accepted_risks")
_LABELS = {"mapped": "mapped", "guessed": "guessed", "human": "decide"}


def _comment(lines: list[str], indent: str = "") -> list[str]:
    return comment_lines([comment_text(line) for line in lines], indent)


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
    lines = [*_comment(summary_lines(builder)), "", "version: 1", "", "system:"]
    emit_fields(lines, to_fields(builder.system), 2)
    document = builder.document()
    for section in _SECTIONS:
        items = document.get(section)
        if not items:
            continue
        emit_items(lines, section, (Item(to_fields(item), tuple(
            f"# {comment_text(f'{_LABELS[n.kind]}: {n.message}')}"
            for n in by_element.get(str(item.get("id", item.get("control", ""))), [])))
            for item in items), gap=False)
    return text_of(lines)
