"""The editor line of a new model: a schema reference that works in every clone.

``# yaml-language-server: $schema=...`` tells editors where the JSON Schema is. The installed
schema's path is machine-specific (a virtual environment's site-packages), so a teammate who
clones the repository would get an editor error. A new model instead points, by a relative
path, at a copy of the schema kept in the repository: one copy at the root of the git work
tree serves every model in it (outside git, the copy sits beside the model). Editors resolve a
relative modeline from the YAML file's own folder.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from scoping_tui.util.fileio import atomic_write_bytes
from scoping_tui.util.locations import model_schema_path

SCHEMA_FOLDER = ".scoping-tui"
SCHEMA_NAME = "system-model.schema.json"
_LINE = re.compile(r"\A# yaml-language-server: \$schema=[^\n]*")
PREFIX = "# yaml-language-server: $schema="


def repository_root(folder: Path) -> Path | None:
    """The git work tree ``folder`` is in (a ``.git`` folder or file marks it), if any."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def schema_home(model: Path, within: Path | None = None) -> Path:
    """Where the schema copy for ``model`` lives; never outside ``within`` when given."""
    folder = model.resolve().parent
    root = repository_root(folder)
    if root is not None and within is not None and not root.is_relative_to(within.resolve()):
        root = None
    return (root / SCHEMA_FOLDER if root is not None else folder) / SCHEMA_NAME


def schema_reference(model: Path, schema: Path) -> str:
    """``schema`` relative to the folder of ``model``, with forward slashes."""
    return Path(os.path.relpath(schema.resolve(), model.resolve().parent)).as_posix()


def with_schema_line(text: str, reference: str) -> str:
    """``text`` whose first line points editors at ``reference`` (replaced or added)."""
    line = PREFIX + reference
    if _LINE.match(text):
        return _LINE.sub(lambda _: line, text, count=1)
    return f"{line}\n{text}"


@dataclass(frozen=True)
class SchemaCopy:
    path: Path
    reference: str
    """What the model's editor line says: ``path`` relative to the model's folder."""
    written: bool
    """True when this call wrote the copy (it is new: commit it with the model)."""
    stale: bool
    """True when a copy was there already and differs from this version's schema; it was
    left as it is."""


def place_schema(model: Path, within: Path | None = None) -> SchemaCopy:
    """Make sure a copy of the model schema is where ``model``'s editor line will point.

    An existing copy is never overwritten: one that differs (from an older version of the
    tool, or edited) is reported as stale. OSError when the copy cannot be written.
    """
    target = schema_home(model, within)
    bundled = model_schema_path().read_bytes()
    reference = schema_reference(model, target)
    if target.exists():
        return SchemaCopy(target, reference, False, target.read_bytes() != bundled)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        atomic_write_bytes(target, bundled, overwrite=False)
    except FileExistsError:  # written meanwhile by someone else: theirs stands
        return SchemaCopy(target, reference, False, target.read_bytes() != bundled)
    return SchemaCopy(target, reference, True, False)
