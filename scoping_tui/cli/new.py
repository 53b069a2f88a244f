"""`new` and `schema`: start a model file, and point editors at its JSON Schema."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from scoping_tui.cli.support import (
    EXIT_OK,
    EXIT_USAGE,
    formatter,
    line,
)
from scoping_tui.editing import skeleton
from scoping_tui.model.schema_line import place_schema, with_schema_line
from scoping_tui.util.fileio import atomic_write_text
from scoping_tui.util.locations import model_schema_path, samples_dir


def register(sub: argparse._SubParsersAction[Any]) -> None:
    schema = sub.add_parser(
        "schema", formatter_class=formatter,
        help="show where the model's JSON Schema is, or print it",
        description="The JSON Schema (draft-07) that model files follow. Editors' YAML "
        "language servers give completion and hover help from the first line of a model, "
        "a path relative to the model's folder:\n"
        "  # yaml-language-server: $schema=.scoping-tui/system-model.schema.json\n"
        "`scoping-tui new` writes that line and a copy of the schema at the root of the git "
        "work tree (commit both), so the line works in every clone. The installed schema's "
        "own path, printed by this command, is specific to this machine.",
        epilog="examples:\n  scoping-tui schema\n"
        "  scoping-tui schema --print > .scoping-tui/system-model.schema.json\n",
    )
    schema.add_argument("--print", action="store_true", dest="print_schema",
                        help="print the schema itself instead of its path")
    schema.set_defaults(run=cmd_schema)

    new = sub.add_parser(
        "new", formatter_class=formatter,
        help="start a new model from a bundled template",
        description="Write a new model file from one of the bundled samples, or from the "
        "minimal skeleton (`--template minimal`: the system and nothing else). An existing file is "
        "never overwritten. Its first line points editors at the JSON Schema by a relative "
        "path, at a copy written once per git work tree (.scoping-tui/system-model.schema.json "
        "at its root; beside the model outside git): commit it with the model, and the "
        "schema works in every teammate's clone.",
        epilog="examples:\n  scoping-tui new threat-model.yaml\n"
        "  scoping-tui new ops.yaml --template ops-agent\n"
        "  scoping-tui new mine.yaml --template minimal\n  scoping-tui new --list\n",
    )
    new.add_argument("file", nargs="?", metavar="FILE", help="the model file to create")
    new.add_argument("--template", default="rag-support-assistant", metavar="NAME",
                     help="sample to start from, or minimal for an empty skeleton (default: "
                     "rag-support-assistant)")
    new.add_argument("--list", action="store_true", help="list the templates and exit")
    new.set_defaults(run=cmd_new)


def cmd_schema(args: argparse.Namespace, out: TextIO) -> int:
    path = model_schema_path()
    if args.print_schema:
        out.write(path.read_text(encoding="utf-8"))
    else:
        out.write(f"{path}\n")
    return EXIT_OK


def _templates() -> dict[str, Path]:
    return {p.stem: p for p in sorted(samples_dir().glob("*.yaml"))}


def cmd_new(args: argparse.Namespace, out: TextIO) -> int:
    templates = _templates()
    if args.list:
        out.write(f"{skeleton.NAME}\t{skeleton.TITLE}\n")
        for name, path in templates.items():
            out.write(f"{name}\t{_template_title(path)}\n")
        return EXIT_OK
    if args.file is None:
        sys.stderr.write("scoping-tui new: name the file to create, e.g. "
                         "`scoping-tui new threat-model.yaml`\n")
        return EXIT_USAGE
    template = templates.get(args.template)
    if template is None and args.template != skeleton.NAME:
        sys.stderr.write(f"scoping-tui new: no template named {args.template!r}; choose one of: "
                         f"{', '.join([skeleton.NAME, *templates])}\n")
        return EXIT_USAGE
    target = Path(args.file)
    if target.exists():
        sys.stderr.write(f"{target}: already exists; not overwriting it (choose another name or "
                         "remove the file first)\n")
        return EXIT_USAGE
    try:
        schema = place_schema(target)
        text = skeleton.skeleton_text() if template is None else \
            template.read_text(encoding="utf-8")
        atomic_write_text(target, with_schema_line(text, schema.reference), overwrite=False)
    except FileExistsError:
        sys.stderr.write(f"{line(str(target))}: already exists; not overwriting it\n")
        return EXIT_USAGE
    except OSError as exc:
        sys.stderr.write(f"{line(str(target))}: cannot write: {exc.strerror or exc}\n")
        return EXIT_USAGE
    out.write(f"wrote {line(str(target))} from template {args.template}; check it with "
              f"`scoping-tui validate {line(str(target))}`\n")
    shown = line(_near(schema.path))
    if schema.written:
        out.write(f"wrote {shown}: the schema editors validate the model with (its first "
                  "line points there); commit it with the model\n")
    elif schema.stale:
        sys.stderr.write(f"warning: {shown} differs from this version's schema and was left "
                         f"as it is; refresh it with `scoping-tui schema --print > {shown}`\n")
    return EXIT_OK


def _near(path: Path) -> str:
    """``path`` relative to the working folder when it is inside it, as users typed theirs."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _template_title(path: Path) -> str:
    for text in path.read_text(encoding="utf-8").splitlines()[1:6]:
        stripped = text.lstrip("# ").strip()
        if stripped:
            return stripped
    return ""
