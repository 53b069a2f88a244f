"""Comment-preserving edits of a hand-written model file.

The architect's YAML is reviewed in git, so an edit must change only the lines it is about:
comments, key order, quoting, flow-style collections and blank lines elsewhere stay as written.
ruamel.yaml's round-trip mode keeps most of that on its own. Three things it cannot do are
handled here, on the text:

* It re-emits the whole document, so anything it normalises (odd indentation, a multi-line
  plain scalar, ``key:  value``) would show up in the diff of an unrelated edit. Every edit is
  therefore a three-way merge: the lines ruamel's output changed between before and after the
  edit are applied to the file's own text, and every other line is kept byte for byte.
* It stores a blank line or comment that sits between two elements with the element *before*
  it. Appending after that element would put the new one below the comment meant for the next,
  and deleting it would take the next element's comment along. Inserted blocks are moved above
  such trailing lines and deletions leave them in place (``_tidy``).
* New content has no layout of its own: lists of scalars are written in flow style like the
  samples (``data: [pii, internal]``), items copy the style of their siblings, and a new item
  gets a blank line before it when its siblings are separated by blank lines.

The result of every edit is parsed again and compared with the edited tree. If the merged
text does not read back as exactly that data, ruamel's own output is used instead, and if that
does not either, the edit is refused and nothing changes: the text-level care can cost layout,
never correctness. (About 0.1 s per edit on the largest sample: fine at the pace of a person.)

ruamel is set to YAML 1.1, the version the model loader (PyYAML) reads: ``encrypted: yes`` is
true for both, and a new text value such as ``no`` or ``on`` is written quoted.

Edits mutate the model in place and return nothing; the UI snapshots :meth:`text` for undo
(see ``history.py``) and puts a snapshot back with :meth:`EditableModel.restore`.
"""

from __future__ import annotations

import copy
import hashlib
import io
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.anchor import Anchor
from ruamel.yaml.comments import Comment, CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    ScalarString,
)
from ruamel.yaml.tokens import CommentToken
from yaml.resolver import Resolver

from scoping_tui.editing.merge import indent_of, is_trivia, merge, tidy
from scoping_tui.export.words import plural
from scoping_tui.model.emit import reads_as_text
from scoping_tui.model.load import LoadFailure, read_bytes
from scoping_tui.model.references import model_slots
from scoping_tui.util.fileio import atomic_write_text

PathKey = str | int
ModelPath = tuple[PathKey, ...]

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,63}\Z")
ID_SECTIONS = ("boundaries", "components", "flows")
"""Sections whose items have an ``id`` (one namespace shared by all three)."""
INDEX_SECTIONS = ("controls", "accepted_risks")
"""Sections whose items have no id: they are addressed by their index."""
SECTIONS = (*ID_SECTIONS, *INDEX_SECTIONS)
# Where a missing top-level key is inserted, so a created section lands where a person would
# have written it rather than at the end of the file.
_TOP_LEVEL_ORDER = ("version", "system", *SECTIONS)
_FINDING = re.compile(r"^(?P<threat>[^@]+)@(?P<target>.+)\Z")
_FOLD_WIDTH = 88
"""Text width of a re-folded ``>-`` scalar: within 100 columns up to six levels deep."""
_BOM = "\ufeff"
_RESOLVER = Resolver()
_VERSION_DIRECTIVE = "%YAML 1.1\n---\n"
_STR_TAG = "tag:yaml.org,2002:str"


class EditError(ValueError):
    """An edit that cannot be made (bad path, unknown or duplicate id, invalid id, bad YAML)."""


class ConflictError(Exception):
    """The file on disk changed since it was opened or last saved."""

    def __init__(self, path: Path, expected: str | None, actual: str | None) -> None:
        self.path = path
        self.expected = expected
        """Hash the file was expected to have (None: it was expected not to exist)."""
        self.actual = actual
        """Hash it has now (None: it no longer exists)."""
        if actual is None:
            what = "was deleted or moved since it was opened"
        elif expected is None:
            what = "already exists"
        else:
            what = "was changed by something else since it was opened or last saved"
        super().__init__(f"{path} {what}; reload it, or save with force=True to overwrite")


def content_hash(data: bytes) -> str:
    """The hash used for conflict detection (SHA-256 of the file's bytes, hex)."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Layout:
    """How the file indents, guessed from its text so new lines look like their neighbours."""

    mapping: int = 2
    offset: int = 2
    """Columns from a key to the ``-`` of its list items (0 for ``key:\\n- item``)."""

    @property
    def sequence(self) -> int:
        return self.offset + 2


# ---------------------------------------------------------------------------------------------
# The model


class EditableModel:
    """A model file held as text plus a ruamel round-trip tree, edited without losing layout."""

    def __init__(self, text: str, *, path: Path | None = None, disk_hash: str | None = None,
                 newline: str = "\n", bom: bool = False) -> None:
        """Prefer :meth:`from_text` and :meth:`open`; ``text`` must use ``\\n`` newlines."""
        self.path = path
        self.newline = newline
        """Line ending written on save: ``\\r\\n`` for files that had it, else ``\\n``."""
        self.bom = bom
        """Whether a UTF-8 byte-order mark is written on save (kept from the file)."""
        self._disk_hash = disk_hash
        self._saved_text = text
        self._set_text(text)

    # -- construction --------------------------------------------------------------------------

    @classmethod
    def from_text(cls, text: str, *, path: Path | str | None = None) -> EditableModel:
        """A model from text (any newline style; a leading BOM is kept for saving).

        The model has no file yet as far as conflicts go: saving it to ``path`` refuses to
        overwrite an existing file unless told (``force`` or ``expected_hash``).
        """
        body, newline, bom = _normalise(text)
        return cls(body, path=Path(path) if path is not None else None, newline=newline,
                   bom=bom)

    @classmethod
    def open(cls, path: Path | str) -> EditableModel:
        """Read a model file (bounded, as every reader: EditError for what the loader
        refuses); its hash is recorded so :meth:`save` can detect later changes."""
        path = Path(path)
        data = read_bytes(path)
        if isinstance(data, LoadFailure):
            raise EditError(f"{path}: {data.diagnostics[0].message}")
        return cls.from_bytes(data, path=path)

    @classmethod
    def from_bytes(cls, data: bytes, *, path: Path) -> EditableModel:
        """The model in ``data``, the bytes just read from ``path`` (nothing is read again)."""
        try:
            decoded = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise EditError(f"{path} is not UTF-8 text: {exc}") from exc
        body, newline, bom = _normalise(decoded)
        return cls(body, path=path, disk_hash=content_hash(data), newline=newline, bom=bom)

    # -- reading ------------------------------------------------------------------------------

    def text(self) -> str:
        """The YAML text with ``\\n`` newlines and no BOM (those are put back by :meth:`save`)."""
        return self._text

    def to_bytes(self) -> bytes:
        """Exactly what :meth:`save` writes: the file's BOM and line endings restored."""
        return self._file_text().encode("utf-8")

    @property
    def content_hash(self) -> str | None:
        """Hash of the file as opened or last saved (None: no file known yet)."""
        return self._disk_hash

    @property
    def modified(self) -> bool:
        """The text differs from the file as opened or last saved."""
        return self._text != self._saved_text

    def disk_changed(self) -> bool:
        """The file at :attr:`path` no longer matches what was opened or last saved."""
        if self.path is None:
            return False
        return _disk_hash_of(self.path) != self._disk_hash

    def get(self, path: Sequence[PathKey], default: Any = None) -> Any:
        """The value at ``path`` as plain Python data (dicts, lists, str...), or ``default``.

        ``()`` is the whole document. For display and tests; analysis should load the text
        with ``validate.load_text``, which also reports problems.
        """
        try:
            node = _lookup(self._tree, tuple(path))
        except EditError:
            return default
        return _to_python(node)

    def references(self, item_id: str) -> list[ModelPath]:
        """Paths of every value that refers to ``item_id`` (what a rename would change)."""
        return [path for path, _ in _reference_slots(self._tree, item_id)]

    # -- edits --------------------------------------------------------------------------------

    def set_value(self, path: Sequence[PathKey], value: Any) -> None:
        """Set the value at ``path``, creating missing mappings on the way.

        A list index equal to the list's length appends. The new value keeps the style of the
        one it replaces (quotes, ``>-`` folding, flow or block collections).
        """
        steps = _check_path(path)

        def edit(root: Any) -> None:
            parent = _container_for(root, steps, create=True)
            _assign(parent, steps[-1], value, steps)

        self._apply(edit)

    def delete_value(self, path: Sequence[PathKey]) -> None:
        """Remove the key or list item at ``path``."""
        steps = _check_path(path)

        def edit(root: Any) -> None:
            parent = _container_for(root, steps, create=False)
            if not _has(parent, steps[-1]):
                raise EditError(f"nothing at {_show(steps)}")
            del parent[steps[-1]]
            if not parent:
                parent.fa.set_flow_style()  # `tools: []`, not a dangling block

        self._apply(edit)

    def append_item(self, section: str, item: Mapping[str, Any]) -> None:
        """Append an item to a top-level section, creating the section when it is missing."""
        _check_section(section)
        if not isinstance(item, Mapping):
            raise EditError(f"an item of {section} must be a mapping")
        if section in ID_SECTIONS:
            new_id = item.get("id")
            self._check_new_id(new_id)

        def edit(root: Any) -> None:
            items = _section(root, section, create=True)
            items.append(_to_node(item, None, flow=_items_are_flow(items)))

        self._apply(edit)

    def remove_item(self, section: str, item_id: str | int) -> None:
        """Remove an item by id (boundaries, components, flows) or index (any section).

        References to a removed id are left alone: :meth:`references` lists them so the caller
        can show or fix them, and validation reports any that remain.
        """
        _check_section(section)

        def edit(root: Any) -> None:
            items = _section(root, section, create=False)
            del items[_item_index(items, section, item_id)]
            if not items:
                # A hand-written file has no empty sections, and ruamel writes an emptied
                # block list below its comments as a stray `[]`.
                del root[section]

        self._apply(edit)

    def dependents(self, section: str, item_id: str) -> Removal:
        """What deleting the item with ``item_id`` takes along (see :func:`plan_removal`)."""
        return plan_removal(self._tree, section, item_id)

    def remove_with_dependents(self, section: str, item_id: str) -> Removal:
        """Remove an item and everything that would dangle without it, in one edit: flows to
        or from a component, tool grants of it, its place in memory, delegate and target lists,
        accepted risks on it, and (for a boundary) the assignments to it."""
        _check_section(section)
        plan = plan_removal(self._tree, section, item_id)

        def edit(root: Any) -> None:
            again = plan_removal(root, section, item_id)
            for path in sorted(again.paths, key=_path_order, reverse=True):
                parent = _lookup(root, path[:-1])
                del parent[path[-1]]
                if isinstance(parent, CommentedSeq) and not parent and len(path) > 2:
                    parent.fa.set_flow_style()  # `tools: []`, not a dangling block
            for name in SECTIONS:
                if isinstance(root.get(name), list) and not root[name]:
                    del root[name]

        self._apply(edit)
        return plan

    def duplicate_item(self, section: str, item_id: str | int,
                       new_id: str | None = None) -> None:
        """Insert a copy of an item right after it; id sections need a fresh ``new_id``.

        The copy carries no comments: they describe the original (its weaknesses, its
        history), and repeating them on a new element would mislead a reviewer.
        """
        _check_section(section)
        if section in ID_SECTIONS:
            self._check_new_id(new_id)
        elif new_id is not None:
            raise EditError(f"items of {section} have no id; duplicate them by index only")

        def edit(root: Any) -> None:
            items = _section(root, section, create=False)
            index = _item_index(items, section, item_id)
            duplicate = copy.deepcopy(items[index])
            _strip_comments(duplicate)
            if new_id is not None:
                duplicate["id"] = _restyle(duplicate.get("id"), new_id)
            items.insert(index + 1, duplicate)

        self._apply(edit)

    def rename_id(self, old: str, new: str) -> None:
        """Rename a boundary, component or flow and every reference to it.

        References: component ``boundary``, boundary ``parent``, flow ``from``/``to``, agent
        ``model``, ``tools[].tool``, ``memory[]``, ``delegates_to[]``, control ``targets[]`` and
        accepted-risk ``finding`` (``THREAT@old`` becomes ``THREAT@new``).
        """
        if old == new:
            return
        if old not in _ids(self._tree):
            raise EditError(f"no boundary, component or flow has the id {old!r}")
        self._check_new_id(new)

        def edit(root: Any) -> None:
            for section in ID_SECTIONS:
                for item in _section_items(root, section):
                    if item.get("id") == old:
                        item["id"] = _restyle(item["id"], new)
            for path, replacement in _reference_slots(root, old, new):
                parent = _lookup(root, path[:-1])
                parent[path[-1]] = _restyle(parent[path[-1]], replacement)

        self._apply(edit)

    def restore(self, text: str) -> None:
        """Replace the whole text (an undo or redo snapshot); the file state is kept."""
        self._set_text(_normalise(text)[0])

    def reload(self) -> None:
        """Read the file again, dropping unsaved edits and accepting what is on disk now."""
        if self.path is None:
            raise EditError("this model has no file to reload")
        fresh = EditableModel.open(self.path)
        self.newline, self.bom, self._disk_hash = fresh.newline, fresh.bom, fresh._disk_hash
        self._saved_text = fresh._text
        self._set_text(fresh._text)

    # -- saving -------------------------------------------------------------------------------

    def save(self, path: Path | str | None = None, *, expected_hash: str | None = None,
             force: bool = False) -> bool:
        """Write the model atomically (keeping the file's permissions); True if written.

        Conflicts: the file must still have the hash recorded at open or last save, or
        ``expected_hash`` when given. A model that came from text, or a save to another path,
        expects no file there. A mismatch raises :class:`ConflictError` unless ``force``.

        Nothing is written when the file already holds exactly these bytes: rewriting would
        only touch its modification time and wake up file watchers and editors for nothing.
        This is checked before conflicts, since a file that already says what we would write
        cannot lose anyone's change.
        """
        target = Path(path) if path is not None else self.path
        if target is None:
            raise EditError("this model has no file yet: give save() a path")
        if expected_hash is None:
            expected_hash = self._disk_hash if self.path is not None \
                and _same_file(target, self.path) else None
        data = self.to_bytes()
        actual = _disk_hash_of(target)
        ours = content_hash(data)
        written = actual != ours
        if written:
            if actual != expected_hash and not force:
                raise ConflictError(target, expected_hash, actual)
            atomic_write_text(target, self._file_text())
        self.path = target
        self._disk_hash = ours
        self._saved_text = self._text
        return written

    # -- internals ----------------------------------------------------------------------------

    def _file_text(self) -> str:
        body = self._text if self.newline == "\n" else self._text.replace("\n", self.newline)
        return (_BOM if self.bom else "") + body

    def _set_text(self, text: str) -> None:
        self._layout = _guess_layout(text.split("\n"))
        self._yaml = _make_yaml(self._layout)
        self._tree = self._load(text)
        self._text = text
        self._base = self._dump(self._tree).split("\n")

    def _load(self, text: str) -> Any:
        try:
            return self._yaml.load(_as_yaml_1_1(text))
        except YAMLError as exc:
            raise EditError(f"the text is not valid YAML, so it cannot be edited: {exc}") from exc

    def _dump(self, tree: Any) -> str:
        out = io.StringIO()
        self._yaml.dump(tree, out)
        text = out.getvalue()
        # Setting the version makes ruamel announce it; the file never said so, keep it quiet.
        return text.removeprefix(_VERSION_DIRECTIVE)

    def _check_new_id(self, new_id: Any) -> None:
        if not isinstance(new_id, str) or not ID_PATTERN.match(new_id):
            raise EditError(f"{new_id!r} is not a valid id: use 1 to 64 lowercase letters, "
                            "digits, - or _, starting with a letter")
        if new_id in _ids(self._tree):
            raise EditError(f"the id {new_id!r} is already used by a boundary, component or "
                            "flow; ids must be unique")

    def _apply(self, edit: Callable[[Any], None]) -> None:
        """Run ``edit`` on the tree and carry its effect over to the text (see module doc)."""
        before = self._text
        if not isinstance(self._tree, CommentedMap):
            raise EditError("the document is not a mapping, so it cannot be edited")
        try:
            edit(self._tree)
            new_dump = self._dump(self._tree)
        except BaseException:
            # The tree may be half-edited: rebuild it from the untouched text.
            self._set_text(before)
            raise
        new = new_dump.split("\n")
        ours = before.split("\n")
        candidate = "\n".join(tidy(ours, merge(ours, self._base, new)))
        expected = _data(self._tree)
        for text in dict.fromkeys((candidate, new_dump)):
            # Parse the result again: the text-level steps must not change the data, and
            # ruamel itself can emit YAML that does not read back (an emptied list below a
            # comment). The first text that reads back as the edited tree wins.
            try:
                reparsed = self._yaml.load(_as_yaml_1_1(text))
            except YAMLError:
                continue
            if _data(reparsed) == expected:
                self._tree = reparsed  # so the next merge starts from exactly this text
                self._text = text
                self._base = self._dump(reparsed).split("\n")
                return
        self._set_text(before)
        raise EditError("this edit cannot be written without changing other data in the file; "
                        "nothing was changed")


# ---------------------------------------------------------------------------------------------
# Text helpers


def _normalise(text: str) -> tuple[str, str, bool]:
    """Text with ``\\n`` newlines and no BOM, the newline style to write, and whether a BOM was
    there. Mixed files get the style most of their lines use."""
    bom = text.startswith(_BOM)
    if bom:
        text = text[1:]
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    newline = "\r\n" if crlf > lf else "\n"
    return text.replace("\r\n", "\n").replace("\r", "\n"), newline, bom


_DOCUMENT_START = re.compile(r"^---(?:[ \t]|$)", re.MULTILINE)
_VERSION_LINE = re.compile(r"^%YAML[ \t]", re.MULTILINE)


def _as_yaml_1_1(text: str) -> str:
    """The text to parse: ruamel forgets the YAML version set on it at an explicit ``---``
    (it reads that document's own directives, of which there are none), so say it there."""
    if _DOCUMENT_START.search(text) and not _VERSION_LINE.search(text):
        return "%YAML 1.1\n" + text
    return text


def _disk_hash_of(path: Path) -> str | None:
    """The hash of what is on disk now, read in pieces: a file replaced by a huge one while
    it was open costs no memory to compare."""
    digest = hashlib.sha256()
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return "not a regular file"  # a FIFO put in its place: never opened, and changed
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def _same_file(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _guess_layout(lines: list[str]) -> Layout:
    """The indentation the file uses for nested mappings and for list dashes."""
    mapping: int | None = None
    offset: int | None = None
    for index, line in enumerate(lines):
        if mapping is not None and offset is not None:
            break
        stripped = line.strip()
        if is_trivia(line) or stripped.startswith("-") or not _opens_block(stripped):
            continue
        following = next((other for other in lines[index + 1:] if not is_trivia(other)), None)
        if following is None:
            break
        step = indent_of(following) - indent_of(line)
        if step < 0 or (step == 0 and not following.lstrip().startswith("-")):
            continue
        if following.lstrip().startswith("-"):
            offset = step if offset is None else offset
        elif step > 0 and mapping is None:
            mapping = step
    return Layout(mapping=mapping or 2, offset=2 if offset is None else offset)


def _opens_block(stripped: str) -> bool:
    """``key:`` with nothing after it but maybe a comment: a nested block follows."""
    return re.match(r"^[^#'\"{\[]*:(\s+#.*)?$", stripped) is not None


def _make_yaml(layout: Layout) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    # Wide enough that ruamel never re-wraps a long line the author wrote on one line.
    yaml.width = 4096
    yaml.indent(mapping=layout.mapping, sequence=layout.sequence, offset=layout.offset)
    # Read and write YAML 1.1 like the model loader (PyYAML): `encrypted: yes` is true there,
    # and a new text value `no` must be written quoted.
    yaml.version = (1, 1)
    return yaml


# ---------------------------------------------------------------------------------------------
# Tree helpers


def _check_path(path: Sequence[PathKey]) -> ModelPath:
    steps = tuple(path)
    if not steps:
        raise EditError("the path is empty; give at least one key")
    for step in steps:
        if isinstance(step, bool) or not isinstance(step, str | int):
            raise EditError(f"{_show(steps)}: path steps are keys (text) or list indexes")
    return steps


def _show(path: Sequence[PathKey]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out or "(document)"


def _lookup(root: Any, path: Sequence[PathKey]) -> Any:
    node = root
    for depth, step in enumerate(path):
        if not _has(node, step):
            raise EditError(f"nothing at {_show(path[:depth + 1])}")
        node = node[step]
    return node


def _has(node: Any, step: PathKey) -> bool:
    if isinstance(node, Mapping):
        return isinstance(step, str) and step in node
    if isinstance(node, list):
        return isinstance(step, int) and not isinstance(step, bool) and 0 <= step < len(node)
    return False


def _container_for(root: Any, path: ModelPath, *, create: bool) -> Any:
    """The mapping or list that holds the last step of ``path``, made on the way if allowed."""
    node = root
    for depth, step in enumerate(path[:-1]):
        where = _show(path[:depth + 1])
        if isinstance(node, CommentedMap):
            if not isinstance(step, str):
                raise EditError(f"{where}: a mapping is indexed by key, not by number")
            child = node.get(step)
            if child is None:
                if not create:
                    raise EditError(f"nothing at {where}")
                if isinstance(path[depth + 1], int):
                    raise EditError(f"nothing at {where}: a list cannot be made by indexing "
                                    "into it; set the whole list instead")
                # A missing key, or one written with no value (`agent:`), becomes a mapping.
                child = CommentedMap()
                if step in node:
                    node[step] = child
                else:
                    _insert_key(node, step, child)
            node = child
        elif isinstance(node, CommentedSeq):
            if not isinstance(step, int) or not 0 <= step < len(node):
                raise EditError(f"nothing at {where}")
            node = node[step]
        else:
            raise EditError(f"{_show(path[:depth])} is a single value, not a mapping or list")
    if not isinstance(node, CommentedMap | CommentedSeq):
        raise EditError(f"{_show(path[:-1])} is a single value, not a mapping or list")
    return node


def _insert_key(mapping: CommentedMap, key: str, value: Any) -> None:
    """Add a key; top-level sections go to their usual place, anything else at the end."""
    if key in _TOP_LEVEL_ORDER and all(k in _TOP_LEVEL_ORDER for k in mapping):
        rank = _TOP_LEVEL_ORDER.index(key)
        position = sum(1 for k in mapping if _TOP_LEVEL_ORDER.index(k) < rank)
        if position < len(mapping):
            mapping.insert(position, key, value)
            return
    mapping[key] = value


def _assign(parent: Any, key: PathKey, value: Any, path: ModelPath) -> None:
    if isinstance(parent, CommentedMap):
        if not isinstance(key, str):
            raise EditError(f"{_show(path)}: a mapping is indexed by key, not by number")
        old = parent.get(key)
        node = _to_node(value, old, flow=_is_flow(parent))
        if key in parent:
            parent[key] = node
        else:
            _insert_key(parent, key, node)
    else:
        if not isinstance(key, int) or not 0 <= key <= len(parent):
            raise EditError(f"nothing at {_show(path)}")
        if key == len(parent):
            parent.append(_to_node(value, None, flow=_is_flow(parent)
                                   or (isinstance(value, Mapping) and _items_are_flow(parent))))
        else:
            parent[key] = _to_node(value, parent[key], flow=_is_flow(parent))


def _is_flow(node: Any) -> bool:
    return isinstance(node, CommentedMap | CommentedSeq) and bool(node.fa.flow_style())


def _items_are_flow(items: Any) -> bool:
    """New list items follow their siblings: ``- {tool: x, permissions: [read]}`` stays so."""
    mappings = [item for item in items if isinstance(item, CommentedMap)]
    return bool(mappings) and all(_is_flow(item) for item in mappings)


def _to_node(value: Any, old: Any, *, flow: bool = False) -> Any:
    """Plain data as ruamel nodes, in the style of the value they replace.

    ``flow`` says the parent is written in flow style, so this value must be too.
    """
    if isinstance(value, Mapping):
        mapping = CommentedMap()
        for key, item in value.items():
            if not isinstance(key, str):
                raise EditError(f"mapping keys must be text, not {key!r}")
            previous = old.get(key) if isinstance(old, Mapping) else None
            mapping[key] = _to_node(item, previous, flow=flow or _is_flow(old))
        if flow or _is_flow(old):
            mapping.fa.set_flow_style()
        else:
            mapping.fa.set_block_style()
        return mapping
    if isinstance(value, list | tuple):
        sequence = CommentedSeq()
        items = list(value)
        for index, item in enumerate(items):
            previous = old[index] if isinstance(old, list) and index < len(old) else None
            sequence.append(_to_node(item, previous, flow=flow or _is_flow(old)))
        if isinstance(old, CommentedSeq) and not flow:
            # Same style as before: an author who wrote a block list keeps one.
            block = not _is_flow(old)
        else:
            # Lists of scalars in flow style like the samples (data: [pii, internal]).
            block = not flow and any(isinstance(item, Mapping | list | tuple) for item in items)
        if block:
            sequence.fa.set_block_style()
        else:
            sequence.fa.set_flow_style()
        return sequence
    if isinstance(value, str):
        return _restyle(old, value)
    if value is None or isinstance(value, bool | int | float):
        return value
    raise EditError(f"cannot store a {type(value).__name__} in a model: use text, numbers, "
                    "booleans, lists and mappings")


def _restyle(old: Any, text: str) -> Any:
    """``text`` written the way ``old`` was: quotes, ``|`` and ``>`` survive a new value."""
    text = str(text)
    if isinstance(old, LiteralScalarString) or "\n" in text:
        return LiteralScalarString(text)
    if isinstance(old, FoldedScalarString) and text and text == text.strip():
        # (Leading or trailing spaces would end up as invisible trailing whitespace in a
        # folded block; such a value is quoted instead.)
        folded = FoldedScalarString(text)
        folded.fold_pos = _refold(str(old), list(getattr(old, "fold_pos", [])), text)
        return folded
    if isinstance(old, ScalarString) and not isinstance(old, FoldedScalarString):
        return type(old)(text)
    if not reads_as_text(text):
        # ruamel writes YAML 1.2, where `yes`, `on` or `null`-like ids are plain text, but the
        # model loader reads YAML 1.1 (PyYAML), where `no` is false: quote those.
        return DoubleQuotedScalarString(text)
    return text


def _refold(old: str, old_folds: list[int], text: str) -> list[int]:
    """Where ``text``, the new value of a ``>`` scalar that held ``old`` folded at
    ``old_folds``, breaks its lines: the old breaks around the edit stay where they were, so
    appending a word changes one line of the file, not the whole paragraph; only the lines the
    edit touched are folded anew, as wide as the author's widest line."""
    width = max((b - a - 1 for a, b in zip([-1, *old_folds], [*old_folds, len(old)],
                                            strict=True)), default=_FOLD_WIDTH)
    width = max(width, 20) if old_folds else _FOLD_WIDTH
    prefix = 0
    while prefix < min(len(old), len(text)) and old[prefix] == text[prefix]:
        prefix += 1
    suffix = 0
    while (suffix < min(len(old), len(text)) - prefix
           and old[len(old) - 1 - suffix] == text[len(text) - 1 - suffix]):
        suffix += 1
    shift = len(text) - len(old)
    # A break stays when the edit did not reach the words on either side of it.
    before = [f for f in old_folds if f < prefix - 1]
    after = [f + shift for f in old_folds if f > len(old) - suffix]
    start = before[-1] + 1 if before else 0
    end = after[0] if after else len(text)
    middle = [start + f for f in _fold_positions(text[start:end], width)]
    return [f for f in [*before, *middle, *after] if _foldable(text, f)]


def _foldable(text: str, index: int) -> bool:
    return (0 < index < len(text) - 1 and text[index] == " " and text[index - 1] != " "
            and text[index + 1] != " ")


def _fold_positions(text: str, width: int) -> list[int]:
    """Spaces at which a ``>`` scalar breaks its lines so none is wider than ``width``."""
    positions: list[int] = []
    line_start = 0
    last_space = -1
    for index, char in enumerate(text):
        if char == " " and 0 < index < len(text) - 1 and text[index - 1] != " " \
                and text[index + 1] != " ":
            if index - line_start > width and last_space > line_start:
                positions.append(last_space)
                line_start = last_space + 1
            last_space = index
    if len(text) - line_start > width and last_space > line_start:
        positions.append(last_space)
    return positions


def _strip_comments(node: Any) -> None:
    if isinstance(node, CommentedMap | CommentedSeq):
        setattr(node, Comment.attrib, Comment())
        # An anchor on the copy would define the same name twice.
        setattr(node, Anchor.attrib, Anchor())
        children = node.values() if isinstance(node, CommentedMap) else node
        for child in list(children):
            _strip_comments(child)


def _data(node: Any) -> Any:
    """Comparable plain form of a tree: mapping order counts, styles and comments do not."""
    if isinstance(node, Mapping):
        return ("map", [(_data(key), _data(value)) for key, value in node.items()])
    if isinstance(node, list):
        return ("seq", [_data(item) for item in node])
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return ("float", repr(float(node)))
    return ("other", repr(node))


def _to_python(node: Any) -> Any:
    if isinstance(node, Mapping):
        return {str(key): _to_python(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_to_python(item) for item in node]
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


def _check_section(section: str) -> None:
    if section not in SECTIONS:
        raise EditError(f"{section!r} is not a list section; use one of {', '.join(SECTIONS)}")


def _section(root: Any, section: str, *, create: bool) -> Any:
    items = root.get(section)
    if isinstance(items, CommentedSeq):
        return items
    if items is not None:
        raise EditError(f"{section} is not a list, so items cannot be edited in it")
    if not create:
        raise EditError(f"the model has no {section}")
    items = CommentedSeq()
    items.fa.set_block_style()
    if section in root:
        root[section] = items  # written as `controls:` with nothing after it
    else:
        _insert_key(root, section, items)
    return items


def _section_items(root: Any, section: str) -> Iterator[Any]:
    items = root.get(section) if isinstance(root, Mapping) else None
    if isinstance(items, list):
        yield from (item for item in items if isinstance(item, Mapping))


def _ids(root: Any) -> set[str]:
    return {str(item["id"]) for section in ID_SECTIONS for item in _section_items(root, section)
            if isinstance(item.get("id"), str)}


def _item_index(items: Any, section: str, item_id: str | int) -> int:
    if isinstance(item_id, bool):
        raise EditError("give an id or an index")
    if isinstance(item_id, int):
        if 0 <= item_id < len(items):
            return item_id
        raise EditError(f"{section} has no item {item_id} (it has {len(items)})")
    if section not in ID_SECTIONS:
        raise EditError(f"items of {section} have no id; address them by index")
    for index, item in enumerate(items):
        if isinstance(item, Mapping) and item.get("id") == item_id:
            return index
    raise EditError(f"no item of {section} has the id {item_id!r}")


def _reference_slots(root: Any, old: str, new: str | None = None,
                     ) -> Iterator[tuple[ModelPath, str]]:
    """Every reference to ``old``: its path and the value it would have after a rename."""
    if not isinstance(root, Mapping):
        return
    renamed = new if new is not None else old
    for path, value, _ in model_slots(root):
        if value == old:
            yield path, renamed
    for index, risk in _indexed(root, "accepted_risks"):
        finding = risk.get("finding")
        match = _FINDING.match(finding) if isinstance(finding, str) else None
        if match and match["target"] == old:
            yield ("accepted_risks", index, "finding"), f"{match['threat']}@{renamed}"


@dataclass(frozen=True)
class Removal:
    """What deleting one item takes along, as paths to delete and as counts to tell the user."""

    paths: tuple[ModelPath, ...]
    """The item itself and every dependent item, list entry or key, in any order."""
    flows: tuple[str, ...] = ()
    grants: int = 0
    """Tool grants of the removed component."""
    references: int = 0
    """Other fields naming it (memory, delegates, agent model, boundary, parent, targets)."""
    controls: int = 0
    """Control entries left with no target, removed with it."""
    risks: int = 0
    """Accepted risks on it or on its flows."""

    def summary(self) -> str:
        """``its 3 flows, 1 tool grant and 2 other references``, or empty when nothing."""
        counts = [(len(self.flows), "flow", None), (self.grants, "tool grant", None),
                  (self.references, "other reference", None),
                  (self.controls, "control entry", "control entries"),
                  (self.risks, "accepted risk", None)]
        shown = [plural(count, one, many) for count, one, many in counts if count]
        if not shown:
            return ""
        return "its " + (shown[0] if len(shown) == 1 else
                         ", ".join(shown[:-1]) + " and " + shown[-1])


def plan_removal(root: Any, section: str, item_id: str) -> Removal:
    """The paths to delete to remove ``item_id`` from ``section`` without leaving references
    to it, or to the flows removed with it, behind."""
    items = root.get(section) if isinstance(root, Mapping) else None
    index = _item_index(items if isinstance(items, list) else [], section, item_id)
    removed_items: set[ModelPath] = {(section, index)}
    flows: list[str] = []
    pending = [item_id]
    done: set[str] = set()
    keys: set[ModelPath] = set()
    grants = references = risks = 0
    targets_gone: dict[int, int] = {}
    while pending:
        gone = pending.pop()
        if gone in done:
            continue
        done.add(gone)
        for path, _ in _reference_slots(root, gone):
            if any(path[:len(item)] == item for item in removed_items):
                continue
            if path[0] == "flows" and path[-1] in ("from", "to"):
                flow = root["flows"][path[1]]
                removed_items.add(("flows", path[1]))
                flows.append(str(flow.get("id")))
                pending.append(str(flow.get("id")))
            elif path[0] == "components" and path[-1] == "tool" and len(path) == 6:
                keys.add(path[:-1])
                grants += 1
            elif path[0] == "accepted_risks":
                removed_items.add(path[:2])
                risks += 1
            elif path[0] == "controls":
                keys.add(path)
                targets_gone[int(path[1])] = targets_gone.get(int(path[1]), 0) + 1
            else:
                keys.add(path)
                references += 1
    controls = 0
    for number, count in targets_gone.items():
        targets = root["controls"][number].get("targets")
        if isinstance(targets, list) and len(targets) == count:
            removed_items.add(("controls", number))
            controls += 1
        else:
            references += count
    keys = {k for k in keys if not any(k[:len(item)] == item for item in removed_items)}
    return Removal(tuple(sorted(removed_items | keys, key=_path_order)), tuple(flows), grants,
                   references, controls, risks)


def _path_order(path: ModelPath) -> tuple[tuple[int, Any], ...]:
    """Paths ordered safely when they mix list indexes and keys."""
    return tuple((0, step) if isinstance(step, int) else (1, str(step)) for step in path)


def _indexed(root: Any, section: str) -> Iterator[tuple[int, Any]]:
    items = root.get(section)
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, Mapping):
                yield index, item


# ---------------------------------------------------------------------------------------------
# Comments, for edits that reword them (a rename offering to update the old name's mentions)


@dataclass(frozen=True)
class CommentLine:
    """One comment line of the file: where it is and what it says."""

    line: int
    """1-based line number in :meth:`EditableModel.text`."""
    text: str
    """From its ``#`` to the end of the line, trailing spaces left out."""


def comment_lines(model: EditableModel) -> tuple[CommentLine, ...]:
    """Every comment in the file, in file order (none inside quoted or block text)."""
    found = {line: text for _, _, line, text in _comment_segments(model)}
    return tuple(CommentLine(line + 1, found[line]) for line in sorted(found))


def reword_comments(model: EditableModel, changes: Mapping[int, tuple[str, str]]) -> int:
    """Reword comments in one edit: ``changes`` maps a 1-based line to (comment as it reads
    now, new comment). A line whose comment no longer reads so is left alone; returns how many
    comments changed. Nothing but comments can change, and the rest of the file keeps its
    layout as in every edit."""
    for _, after in changes.values():
        if not after.startswith("#") or "\n" in after or "\r" in after:
            raise EditError(f"{after!r} is not a one-line comment starting with #")
    matches = [(token, index, text, changes[line + 1][1])
               for token, index, line, text in _comment_segments(model)
               if changes.get(line + 1, ("", ""))[0] == text]
    if not matches:
        return 0  # no merge to run for nothing

    def edit(root: Any) -> None:
        # The tokens found above belong to this very tree: reword them in place.
        lines: dict[int, tuple[CommentToken, list[str]]] = {}
        for token, index, text, after in matches:
            _, segments = lines.setdefault(id(token), (token, token.value.split("\n")))
            segment = segments[index]
            cut = segment.rstrip().rfind(text)
            segments[index] = segment[:cut] + after + segment[cut + len(text):]
        for token, segments in lines.values():
            token.value = "\n".join(segments)

    model._apply(edit)
    return len(matches)


def _comment_segments(model: EditableModel) -> list[tuple[CommentToken, int, int, str]]:
    """Each comment line ruamel holds: its token, its index in the token's lines, its 0-based
    line in the text and its text.

    ruamel keeps comments as tokens hung on the nodes around them, one token holding a run of
    lines (``"\\n  # a\\n# b\\n"``: the rest of the line before, then two comment lines). The
    token's mark is where its first ``#`` was read, so its other lines follow from there. Each
    line found is checked against the text, so a mark that is off costs a comment, never the
    wrong line.
    """
    lines = model._text.split("\n")
    # A `%YAML 1.1` line put in front for parsing shifts every mark by one.
    shift = 1 if _as_yaml_1_1(model._text) != model._text else 0
    found: list[tuple[CommentToken, int, int, str]] = []
    seen: set[int] = set()
    for token in _comment_tokens(model._tree):
        if id(token) in seen or token.start_mark is None:
            continue
        seen.add(id(token))
        segments = token.value.split("\n")
        first = next((i for i, s in enumerate(segments) if s.lstrip().startswith("#")), None)
        if first is None:
            continue
        start = token.start_mark.line - shift - first
        for index, segment in enumerate(segments):
            text = segment.strip()
            line = start + index
            if not text.startswith("#") or not 0 <= line < len(lines):
                continue
            written = lines[line].rstrip()
            before = written[:len(written) - len(text)]
            if written.endswith(text) and (not before or before[-1] in " \t"):
                found.append((token, index, line, text))
    return found


def _comment_tokens(node: Any) -> Iterator[CommentToken]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CommentedMap | CommentedSeq):
            comment = item.ca
            yield from _tokens_in([comment.comment, list(comment.items.values()),
                                   getattr(comment, "end", None)])
            stack.extend(item.values() if isinstance(item, CommentedMap) else item)


def _tokens_in(held: Any) -> Iterator[CommentToken]:
    if isinstance(held, CommentToken):
        yield held
    elif isinstance(held, list):
        for item in held:
            yield from _tokens_in(item)
