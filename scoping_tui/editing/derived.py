"""What a rename leaves behind, and the edit that takes it along.

Renaming an element (its id, its name or both) already updates every reference to the id
(``EditableModel.rename_id``). What it does not reach is what people and tools *derived* from
the old words: a flow id built from a component's id (``web-to-api`` when ``web`` becomes
``web-app``), a description or a condition naming the old name, a comment naming the old id.
:func:`derived_changes` lists each of those as a proposed change for the user to keep or skip;
:func:`rename_with` makes the rename and the kept changes as one edit.

Matching is deliberately narrow, so a proposal is never a surprise: an id is matched as a whole
dash- or underscore-separated part of another id, and in text only as a whole word written as
code (`` `web` ``) or when it has a dash (``web-gateway``); a name is matched as a whole phrase,
with its capitals. The element's own name is set by the rename itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from scoping_tui.editing.edit import (
    ID_PATTERN,
    ID_SECTIONS,
    CommentLine,
    EditableModel,
    comment_lines,
    reword_comments,
)

ChangeKind = Literal["id", "text", "comment"]
_KIND_OF = {"boundaries": "boundary", "components": "component", "flows": "flow"}
TEXT_KEYS = frozenset({"name", "description", "approval_when", "reason", "evidence"})
"""Free-text fields a person writes prose in (the schema's strings with no pattern or enum,
less those that name other things: owner, provider, base model, packages, tags, ticket)."""


@dataclass(frozen=True)
class DerivedChange:
    """One change a rename proposes beyond the references it updates anyway."""

    kind: ChangeKind
    where: str
    """For the dialog: ``flow web-to-api``, ``description of component api``, ``line 12``."""
    before: str
    after: str
    path: tuple[str | int, ...] = ()
    """For a text: where it is in the document."""
    line: int = 0
    """For a comment: its 1-based line."""

    @property
    def label(self) -> str:
        if self.kind == "id":
            return f"{self.where}: id {self.before} → {self.after}"
        return f"{self.where}: {_short(self.after)}"


def _short(text: str, width: int = 60) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[:width - 1] + "…"


def _id_part(old: str) -> re.Pattern[str]:
    return re.compile(rf"(?:^|(?<=[-_])){re.escape(old)}(?=$|[-_])")


def _id_in_text(old: str) -> re.Pattern[str]:
    word = rf"(?<![A-Za-z0-9_-]){re.escape(old)}(?![A-Za-z0-9_-])"
    if "-" in old or "_" in old:
        return re.compile(word)
    return re.compile(rf"(?<=`){re.escape(old)}(?=`)")


def _name_in_text(old: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(old)}(?!\w)")


def _reword(text: str, old_id: str, new_id: str, old_name: str, new_name: str) -> str:
    out = text
    if old_name and new_name and old_name != new_name and old_name.strip():
        out = _name_in_text(old_name).sub(lambda _: new_name, out)
    if old_id != new_id:
        out = _id_in_text(old_id).sub(lambda _: new_id, out)
    return out


@dataclass(frozen=True)
class RenameSource:
    """What a rename is proposed against: the document as data, and its comments. Read once
    when a rename dialog opens, not again at each key typed in it."""

    data: Mapping[str, Any]
    comments: tuple[CommentLine, ...]

    @classmethod
    def of(cls, model: EditableModel) -> RenameSource:
        data = model.get((), {})
        return cls(data if isinstance(data, Mapping) else {}, comment_lines(model))


def derived_changes(source: RenameSource, old_id: str, new_id: str, *,
                    old_name: str = "", new_name: str = "") -> tuple[DerivedChange, ...]:
    """Every id, text and comment derived from the element's old id or name, with what it
    would read after the rename (ids that would be invalid or taken are left out)."""
    data = source.data
    changes: list[DerivedChange] = []
    used = _ids(data) - {old_id} | {new_id}
    if old_id != new_id:
        part = _id_part(old_id)
        for section, _, item_id in _id_items(data):
            if item_id == old_id:
                continue
            renamed = part.sub(lambda _: new_id, item_id)
            if renamed != item_id and ID_PATTERN.match(renamed) and renamed not in used:
                used.add(renamed)
                changes.append(DerivedChange("id", f"{_KIND_OF[section]} {item_id}", item_id,
                                             renamed))
    own = _own_name_path(data, old_id)
    for path, text in _texts(data):
        if path == own:
            continue
        after = _reword(text, old_id, new_id, old_name, new_name)
        if after != text:
            changes.append(DerivedChange("text", _place(data, path), text, after, path))
    for comment in source.comments:
        after = _reword(comment.text, old_id, new_id, old_name, new_name)
        if after != comment.text:
            changes.append(DerivedChange("comment", f"comment on line {comment.line}",
                                         comment.text, after, line=comment.line))
    return tuple(changes)


def rename_with(model: EditableModel, old_id: str, new_id: str, *, new_name: str | None = None,
                changes: Iterable[DerivedChange] = ()) -> None:
    """Rename the element (id and references, then its name) and make ``changes``.

    Texts are set at their paths, which the id renames do not move; comments are reworded
    where they still read as listed; derived ids are renamed last, each with its references.
    """
    chosen = list(changes)
    comments = {c.line: (c.before, c.after) for c in chosen if c.kind == "comment"}
    if comments:
        reword_comments(model, comments)  # first: the lines are those the changes were read on
    if new_id != old_id:
        model.rename_id(old_id, new_id)
    if new_name is not None:
        path = _own_name_path(model.get((), {}), new_id)
        if path is not None and model.get(path) != new_name:
            model.set_value(path, new_name)
    for change in chosen:
        if change.kind == "text" and model.get(change.path) == change.before:
            model.set_value(change.path, change.after)
    for change in chosen:
        if change.kind == "id":
            model.rename_id(change.before, change.after)


# ---------------------------------------------------------------------------------------------


def _id_items(data: Mapping[str, Any]) -> Iterable[tuple[str, int, str]]:
    """(section, index, id) of every boundary, component and flow with an id."""
    for section in ID_SECTIONS:
        items = data.get(section)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if isinstance(item, Mapping) and isinstance(item.get("id"), str):
                yield section, index, item["id"]


def _ids(data: Mapping[str, Any]) -> set[str]:
    return {item_id for _, _, item_id in _id_items(data)}


def _own_name_path(data: Any, item_id: str) -> tuple[str | int, ...] | None:
    if not isinstance(data, Mapping):
        return None
    return next(((section, index, "name") for section, index, found in _id_items(data)
                 if found == item_id), None)


def _texts(node: Any, path: tuple[str | int, ...] = ()
           ) -> Iterable[tuple[tuple[str | int, ...], str]]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if isinstance(value, str) and key in TEXT_KEYS:
                yield (*path, key), value
            elif isinstance(value, Mapping | list):
                yield from _texts(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, Mapping | list):
                yield from _texts(value, (*path, index))


def _place(data: Mapping[str, Any], path: tuple[str | int, ...]) -> str:
    """``description of component api``, ``reason of accepted risk 2``."""
    field = str(path[-1]).replace("_", " ")
    if path[0] == "system":
        return f"system {field}"
    kinds = {**_KIND_OF, "controls": "control", "accepted_risks": "accepted risk"}
    if len(path) >= 2 and isinstance(path[1], int):
        item = data.get(str(path[0]), [])[path[1]]
        name = item.get("id") or item.get("control") or item.get("finding") or path[1] + 1
        return f"{field} of {kinds.get(str(path[0]), str(path[0]))} {name}"
    return ".".join(map(str, path))
