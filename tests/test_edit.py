"""Comment-preserving edits, saving with conflict detection, and undo history.

The promise under test: after one edit of a hand-written file, a unified diff against the
original shows only the lines that edit is about.
"""

from __future__ import annotations

import copy
import difflib
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest

from scoping_tui.editing.edit import ConflictError, EditableModel, EditError, content_hash
from scoping_tui.editing.history import History
from scoping_tui.model.validate import load_text
from tests.conftest import SAMPLES

SAMPLE_IDS = [path.stem for path in SAMPLES]


def diff_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """Removed and added lines of a unified diff (without the -/+ marker)."""
    removed: list[str] = []
    added: list[str] = []
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="",
                                     n=0):
        if line.startswith(("---", "+++", "@@")):
            continue
        (removed if line.startswith("-") else added).append(line[1:])
    return removed, added


def assert_valid(text: str) -> None:
    result = load_text(text, "edited.yaml")
    errors = [d.format() for d in result.diagnostics if d.severity.name == "ERROR"]
    assert result.model is not None and not errors, errors


@pytest.fixture(params=SAMPLES, ids=SAMPLE_IDS)
def sample(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


# ---------------------------------------------------------------------------------------------
# The promise, on every sample


def test_round_trip_is_exact(sample: Path) -> None:
    model = EditableModel.open(sample)
    assert model.text() == sample.read_text(encoding="utf-8")
    assert model.to_bytes() == sample.read_bytes()
    assert not model.modified


def test_setting_one_field_changes_one_line(sample: Path) -> None:
    original = sample.read_text(encoding="utf-8")
    model = EditableModel.open(sample)
    flows = model.get(("flows",))
    index = next(i for i, flow in enumerate(flows) if "encrypted" in flow)
    old = flows[index]["encrypted"]

    model.set_value(("flows", index, "encrypted"), not old)

    removed, added = diff_lines(original, model.text())
    assert len(removed) == 1 and len(added) == 1
    assert removed[0].strip().startswith(f"encrypted: {str(old).lower()}")
    # Only the value changed: indentation and any end-of-line comment (text and column) are
    # as they were.
    value, _, comment = added[0].partition("#")
    assert value.rstrip() == removed[0].partition("#")[0].rstrip().replace(
        str(old).lower(), str(not old).lower())
    assert comment == removed[0].partition("#")[2]
    assert added[0].find("#") == removed[0].find("#")
    assert model.get(("flows", index, "encrypted")) is (not old)
    assert model.modified
    assert_valid(model.text())


def test_rename_changes_every_reference_and_nothing_else(sample: Path) -> None:
    original = sample.read_text(encoding="utf-8")
    model = EditableModel.open(sample)
    before = model.get(())
    ids = [component["id"] for component in before["components"]]
    old = max(ids, key=lambda cid: len(model.references(cid)))
    references = model.references(old)
    assert len(references) >= 3, "pick a component used in several places"
    new = f"{old}-renamed"

    model.rename_id(old, new)

    removed, added = diff_lines(original, model.text())
    # One line for the id itself and one per reference; each only swaps the id.
    assert len(removed) == len(added) == 1 + len(references)
    word = re.compile(rf"(?<![a-z0-9_-]){re.escape(old)}(?![a-z0-9_-])")
    for gone, came in zip(removed, added, strict=True):
        assert word.sub(new, gone, count=1) == came
    expected = copy.deepcopy(before)
    expected["components"][ids.index(old)]["id"] = new
    for path in references:
        set_in(expected, path, value_at(expected, path).replace(old, new))
    assert model.get(()) == expected
    assert model.references(old) == []
    assert model.references(new) == references
    assert_valid(model.text())


def test_appending_a_flow_only_adds_lines(sample: Path) -> None:
    original = sample.read_text(encoding="utf-8")
    model = EditableModel.open(sample)
    before = model.get(())
    first, second = (c["id"] for c in before["components"][:2])
    flow = {"id": "added-flow", "name": "Added flow", "from": first, "to": second,
            "data": ["internal"], "protocol": "https", "encrypted": True}

    model.append_item("flows", flow)

    removed, added = diff_lines(original, model.text())
    assert removed == []
    assert "  - id: added-flow" in added
    assert "    data: [internal]" in added  # scalar lists in flow style, like the samples
    assert model.get(()) == {**before, "flows": [*before["flows"], flow]}
    # The file's style: flows are separated by blank lines, so the new one gets one too.
    text = model.text()
    assert "\n\n  - id: added-flow\n" in text
    assert_valid(text)


def test_removing_a_component_only_removes_lines(sample: Path) -> None:
    original = sample.read_text(encoding="utf-8")
    model = EditableModel.open(sample)
    components = model.get(("components",))

    model.remove_item("components", components[1]["id"])

    removed, added = diff_lines(original, model.text())
    assert added == []
    assert f"  - id: {components[1]['id']}" in removed
    assert model.get(("components",)) == [components[0], *components[2:]]
    # Every comment outside the removed component is still there.
    assert comments(model.text()) == comments(original) - comments_of(removed)


def test_duplicating_a_component_only_adds_lines(sample: Path) -> None:
    original = sample.read_text(encoding="utf-8")
    model = EditableModel.open(sample)
    components = model.get(("components",))

    model.duplicate_item("components", components[0]["id"], "the-copy")

    removed, added = diff_lines(original, model.text())
    assert removed == []
    copied = model.get(("components", 1))
    assert copied == {**components[0], "id": "the-copy"}
    assert not any("#" in line for line in added), "the copy does not repeat comments"


# ---------------------------------------------------------------------------------------------
# Single operations


RAG = next(path for path in SAMPLES if path.stem == "rag-support-assistant")


def test_set_value_creates_missing_mappings() -> None:
    model = EditableModel.from_text(RAG.read_text(encoding="utf-8"))
    index = next(i for i, c in enumerate(model.get(("components",))) if c["type"] == "user")

    model.set_value(("components", index, "agent", "approval"), "high-risk")

    removed, added = diff_lines(RAG.read_text(encoding="utf-8"), model.text())
    assert removed == []
    assert added == ["    agent:", "      approval: high-risk"]
    assert model.get(("components", index, "agent")) == {"approval": "high-risk"}


def test_set_value_keeps_quotes_folding_and_comments() -> None:
    original = RAG.read_text(encoding="utf-8")
    model = EditableModel.from_text(original)

    model.set_value(("accepted_risks", 0, "expires"), "2028-01-31")
    description = " ".join(["A new description."] * 8)
    model.set_value(("system", "description"), description)

    text = model.text()
    assert '    expires: "2028-01-31"' in text.splitlines()
    assert "  description: >-" in text.splitlines()
    assert all(len(line) <= 100 for line in text.splitlines())
    assert comments(text) == comments(original)
    assert model.get(("system", "description")) == description
    assert_valid(text)


def test_appending_to_a_folded_description_changes_one_line() -> None:
    """The author's line breaks in a ``>`` block stay: a small edit is a small diff."""
    original = RAG.read_text(encoding="utf-8")
    model = EditableModel.from_text(original)
    description = str(model.get(("system", "description")))
    model.set_value(("system", "description"), description + " Ok")
    removed, added = diff_lines(original, model.text())
    assert len(removed) == len(added) == 1
    assert added[0] == removed[0] + " Ok"
    assert model.get(("system", "description")) == description + " Ok"
    # A word changed in the middle: that line is folded anew, the others stay as written.
    words = description.split(" ")
    words[3] = words[3] + " and then some"
    model = EditableModel.from_text(original)
    model.set_value(("system", "description"), " ".join(words))
    removed, added = diff_lines(original, model.text())
    assert len(removed) == 1 and 1 <= len(added) <= 2
    assert_valid(model.text())


def test_set_value_quotes_text_that_yaml_1_1_reads_as_something_else() -> None:
    model = EditableModel.from_text("version: 1\nsystem:\n  name: A\ncomponents: []\n")

    model.set_value(("system", "name"), "no")
    model.set_value(("system", "owner"), "2027-01-01")
    model.set_value(("system", "tags"), ["on", "plain"])

    result = load_text(model.text(), "m.yaml")
    assert result.model is not None
    assert result.model.system.name == "no"
    assert model.get(("system",)) == {"name": "no", "owner": "2027-01-01",
                                      "tags": ["on", "plain"]}


def test_set_value_appends_to_a_list_and_follows_sibling_style() -> None:
    ops = next(path for path in SAMPLES if path.stem == "ops-agent")
    original = ops.read_text(encoding="utf-8")
    model = EditableModel.from_text(original)
    index = next(i for i, c in enumerate(model.get(("components",))) if c["id"] == "ops-agent")
    tools = model.get(("components", index, "agent", "tools"))

    model.set_value(("components", index, "agent", "tools", len(tools)),
                    {"tool": "ticketing", "permissions": ["read"]})

    removed, added = diff_lines(original, model.text())
    assert removed == []
    assert added == ["        - {tool: ticketing, permissions: [read]}"]


def test_delete_value_keeps_the_comment_about_the_next_key() -> None:
    ops = next(path for path in SAMPLES if path.stem == "ops-agent")
    original = ops.read_text(encoding="utf-8")
    model = EditableModel.from_text(original)
    index = next(i for i, c in enumerate(model.get(("components",))) if c["id"] == "ops-agent")

    model.delete_value(("components", index, "agent", "tools"))

    removed, added = diff_lines(original, model.text())
    assert added == []
    assert removed[0] == "      tools:" and len(removed) == 6
    assert "      # high-risk: restarting a tier-1 service, any restart outside business " \
           "hours of the" in model.text().splitlines()


def test_deleting_the_last_key_of_an_item_keeps_the_blank_line_after_it() -> None:
    text = ("version: 1\nsystem:\n  name: S\ncomponents:\n  - id: a\n    name: A\n"
            "    type: user\n    boundary: b\n\n  - id: c\n    name: C\n    type: user\n")
    model = EditableModel.from_text(text)

    model.delete_value(("components", 0, "boundary"))

    assert model.text() == text.replace("    boundary: b\n", "")


def test_remove_item_by_index_keeps_the_next_items_comment() -> None:
    original = RAG.read_text(encoding="utf-8")
    model = EditableModel.from_text(original)
    controls = model.get(("controls",))
    index = next(i for i, c in enumerate(controls) if c["control"] == "DATA-ENCRYPT-AT-REST")

    model.remove_item("controls", index)

    removed, added = diff_lines(original, model.text())
    assert added == []
    assert not any("#" in line for line in removed)
    assert "  # Approval gates do not apply while every tool is read-only; this entry must be " \
           "revisited if" in model.text().splitlines()


def test_removing_the_last_item_removes_the_section() -> None:
    original = RAG.read_text(encoding="utf-8")
    model = EditableModel.from_text(original)

    model.remove_item("accepted_risks", 0)

    assert model.get(("accepted_risks",)) is None
    assert model.text().endswith("code in support-api.\n")
    assert diff_lines(original, model.text())[1] == []
    assert_valid(model.text())


def test_append_item_creates_a_section_where_it_belongs() -> None:
    text = ("version: 1\n\nsystem:\n  name: S\n\ncomponents:\n  - {id: a, name: A, type: user}\n"
            "  - {id: b, name: B, type: user}\n\nflows:\n  - {id: f, from: a, to: b}\n")
    model = EditableModel.from_text(text)

    model.append_item("boundaries", {"id": "net", "name": "Network", "kind": "internet"})
    model.append_item("controls", {"control": "IAM-LEAST-PRIVILEGE", "targets": ["a"],
                                   "status": "planned"})
    model.append_item("components", {"id": "c", "name": "C", "type": "user"})

    assert model.text() == (
        "version: 1\n\nsystem:\n  name: S\n\n"
        "boundaries:\n  - id: net\n    name: Network\n    kind: internet\n\n"
        "components:\n  - {id: a, name: A, type: user}\n  - {id: b, name: B, type: user}\n"
        "  - {id: c, name: C, type: user}\n\n"
        "flows:\n  - {id: f, from: a, to: b}\n\n"
        "controls:\n  - control: IAM-LEAST-PRIVILEGE\n    targets: [a]\n    status: planned\n")


def test_rename_updates_every_kind_of_reference() -> None:
    text = """\
version: 1
system: {name: S}
boundaries:
  - {id: outer, name: Outer, kind: cloud-account}
  - {id: inner, name: Inner, kind: vpc, parent: outer}
components:
  - id: bot
    name: Bot
    type: agent
    boundary: inner
    agent:
      model: llm
      tools: [{tool: bot, permissions: [read]}]
      memory: [bot]
      delegates_to: [bot]
  - {id: llm, name: LLM, type: foundation-model, boundary: inner}
flows:
  - {id: bot-flow, from: bot, to: llm}   # bot talks to the model
controls:
  - {control: IAM-LEAST-PRIVILEGE, targets: [bot, llm], status: planned}
  - {control: LOG-MODEL-INVOCATIONS, targets: "*", status: planned}
accepted_risks:
  - {finding: LLM06@bot, owner: O, reason: R, expires: "2030-01-01"}
  - {finding: LLM06@bot-flow, owner: O, reason: R, expires: "2030-01-01"}
"""
    model = EditableModel.from_text(text)
    model.rename_id("bot", "agent")
    model.rename_id("inner", "private")
    model.rename_id("bot-flow", "agent-flow")

    assert model.text() == (
        text.replace("bot-flow", "agent-flow").replace("id: bot\n", "id: agent\n")
        .replace("tool: bot", "tool: agent").replace("[bot]", "[agent]")
        .replace("from: bot", "from: agent").replace("[bot, llm]", "[agent, llm]")
        .replace("LLM06@bot,", "LLM06@agent,").replace("inner", "private")
        # The line grew past the comment's column: ruamel keeps one space before it.
        .replace("}   # bot", "} # bot"))
    assert "# bot talks to the model" in model.text()


@pytest.mark.parametrize(("old", "new", "message"), [
    ("a", "b", "already used"),
    ("a", "f", "already used"),
    ("a", "Bad", "not a valid id"),
    ("a", "1a", "not a valid id"),
    ("a", "x" * 65, "not a valid id"),
    ("nope", "c", "no boundary, component or flow"),
])
def test_rename_refuses(old: str, new: str, message: str) -> None:
    text = "version: 1\nsystem: {name: S}\ncomponents:\n  - {id: a, name: A, type: user}\n" \
           "  - {id: b, name: B, type: user}\nflows:\n  - {id: f, from: a, to: b}\n"
    model = EditableModel.from_text(text)
    with pytest.raises(ValueError, match=message):
        model.rename_id(old, new)
    assert model.text() == text


@pytest.mark.parametrize(("operation", "args"), [
    ("set_value", (("components", 5, "name"), "x")),
    ("set_value", (("system", "name", "deeper"), "x")),
    ("set_value", (("components", 0, "agent", "tools", 0, "tool"), "x")),
    ("set_value", ((), "x")),
    ("set_value", (("system", "when"), object())),
    ("delete_value", (("system", "owner"),)),
    ("append_item", ("nothing", {"id": "x"})),
    ("append_item", ("components", {"id": "a", "name": "A", "type": "user"})),
    ("append_item", ("components", {"name": "No id", "type": "user"})),
    ("remove_item", ("components", "ghost")),
    ("remove_item", ("controls", "not-an-index")),
    ("remove_item", ("flows", 3)),
    ("duplicate_item", ("components", "a", "b")),
    ("duplicate_item", ("components", "a", None)),
])
def test_bad_edits_raise_and_change_nothing(operation: str, args: tuple[Any, ...]) -> None:
    text = "version: 1\nsystem: {name: S}\ncomponents:\n  - {id: a, name: A, type: user}\n" \
           "  - {id: b, name: B, type: user}\nflows:\n  - {id: f, from: a, to: b}\n"
    model = EditableModel.from_text(text)
    with pytest.raises(EditError):
        getattr(model, operation)(*args)
    assert model.text() == text
    model.set_value(("system", "phase"), "prototype")  # still usable afterwards
    assert model.get(("system", "phase")) == "prototype"


def test_invalid_yaml_cannot_be_edited() -> None:
    with pytest.raises(EditError, match="not valid YAML"):
        EditableModel.from_text("version: [1\n")


def test_restore_puts_back_a_snapshot() -> None:
    original = RAG.read_text(encoding="utf-8")
    model = EditableModel.from_text(original)
    model.rename_id("customer", "client")
    model.restore(original)
    assert model.text() == original and not model.modified
    model.set_value(("system", "phase"), "scaled")
    assert len(diff_lines(original, model.text())[0]) == 1


# ---------------------------------------------------------------------------------------------
# Files ruamel would normalise


NOISY = """\
---
# A hand-written model with habits ruamel does not keep on its own.
version:   1
system:
    name:    Noisy      # two spaces after the colon
    description: a plain scalar
        written over two lines
    phase: prototype
components:
- id: user
  name: 'User'
  type: user
- id: app
  name: App
  type: client-app
  data: [ pii,
          internal ]
flows:
- id: f1
  from: user
  to: app
  encrypted: yes
"""


def test_normalised_lines_elsewhere_stay_as_written() -> None:
    model = EditableModel.from_text(NOISY)
    assert model.text() == NOISY

    model.set_value(("flows", 0, "encrypted"), False)
    assert diff_lines(NOISY, model.text()) == (["  encrypted: yes"], ["  encrypted: false"])

    model.restore(NOISY)
    model.set_value(("system", "phase"), "production")
    assert diff_lines(NOISY, model.text()) == (["    phase: prototype"],
                                               ["    phase: production"])

    model.restore(NOISY)
    model.rename_id("app", "web-app")
    assert diff_lines(NOISY, model.text()) == (["- id: app", "  to: app"],
                                               ["- id: web-app", "  to: web-app"])

    model.restore(NOISY)
    model.append_item("flows", {"id": "f2", "from": "app", "to": "user"})
    assert diff_lines(NOISY, model.text()) == ([], ["- id: f2", "  from: app", "  to: user"])


def test_yaml_1_1_booleans_read_like_the_loader() -> None:
    assert EditableModel.from_text(NOISY).get(("flows", 0, "encrypted")) is True


# ---------------------------------------------------------------------------------------------
# Saving


def write(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def test_crlf_bom_and_permissions_survive_an_edit(tmp_path: Path) -> None:
    text = RAG.read_text(encoding="utf-8")
    path = tmp_path / "model.yaml"
    write(path, ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8"))
    path.chmod(0o640)

    model = EditableModel.open(path)
    assert model.text() == text and model.bom and model.newline == "\r\n"
    model.set_value(("flows", 0, "encrypted"), False)
    assert model.save() is True

    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == data.count(b"\n") == text.count("\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    removed, added = diff_lines(text, data.decode("utf-8-sig").replace("\r\n", "\n"))
    assert (len(removed), len(added)) == (1, 1)


def test_missing_final_newline_stays_missing() -> None:
    model = EditableModel.from_text("version: 1\nsystem:\n  name: S\ncomponents: []")
    model.set_value(("system", "phase"), "prototype")
    assert model.text() == "version: 1\nsystem:\n  name: S\n  phase: prototype\ncomponents: []"


def test_save_refuses_to_overwrite_a_change_made_behind_its_back(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    write(path, RAG.read_bytes())
    model = EditableModel.open(path)
    model.set_value(("system", "phase"), "scaled")

    changed = RAG.read_bytes().replace(b"phase: production", b"phase: prototype")
    write(path, changed)
    assert model.disk_changed()
    with pytest.raises(ConflictError) as caught:
        model.save()
    assert caught.value.actual == content_hash(changed)
    assert caught.value.expected == content_hash(RAG.read_bytes())
    assert path.read_bytes() == changed

    # The caller saw the new file and decided: the hash it knows now is accepted.
    assert model.save(expected_hash=content_hash(changed)) is True
    assert b"phase: scaled" in path.read_bytes()
    assert not model.disk_changed() and not model.modified

    # The recorded hash moves on with each save, so a second save conflicts only on change.
    model.set_value(("system", "phase"), "production")
    assert model.save() is True
    write(path, b"version: 1\n")
    with pytest.raises(ConflictError):
        model.save()
    assert model.save(force=True) is True
    assert path.read_bytes() == model.to_bytes()


def test_save_conflicts_when_the_file_was_deleted(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    write(path, RAG.read_bytes())
    model = EditableModel.open(path)
    path.unlink()
    with pytest.raises(ConflictError, match="deleted"):
        model.save()


def test_save_does_not_write_when_nothing_changed(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    write(path, RAG.read_bytes())
    os.utime(path, (1_000_000, 1_000_000))
    model = EditableModel.open(path)

    assert model.save() is False
    assert path.stat().st_mtime == 1_000_000

    model.set_value(("system", "phase"), "scaled")
    model.set_value(("system", "phase"), "production")  # back to what is on disk
    assert model.save() is False
    assert path.stat().st_mtime == 1_000_000


def test_a_new_model_does_not_overwrite_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "new.yaml"
    model = EditableModel.from_text("version: 1\nsystem: {name: S}\ncomponents: []\n")
    with pytest.raises(EditError, match="no file"):
        model.save()
    assert model.save(path) is True
    assert model.path == path and model.content_hash == content_hash(path.read_bytes())

    other = EditableModel.from_text("version: 1\nsystem: {name: T}\ncomponents: []\n")
    with pytest.raises(ConflictError, match="already exists"):
        other.save(path)
    assert other.save(path, force=True) is True


def test_reload_accepts_what_is_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    write(path, b"version: 1\nsystem: {name: S}\ncomponents: []\n")
    model = EditableModel.open(path)
    model.set_value(("system", "name"), "Mine")
    write(path, b"version: 1\nsystem: {name: Theirs}\ncomponents: []\n")
    model.reload()
    assert model.get(("system", "name")) == "Theirs" and not model.modified
    model.set_value(("system", "name"), "Both")
    assert model.save() is True


# ---------------------------------------------------------------------------------------------
# History


def test_history_undo_and_redo() -> None:
    history = History("a")
    assert not history.can_undo and not history.can_redo and not history.dirty
    history.push("b")
    history.push("c")
    assert history.undo() == "b"
    assert history.undo() == "a"
    assert history.undo() is None
    assert history.redo() == "b"
    assert history.can_undo and history.can_redo
    history.push("d")  # a new edit forgets what could have been redone
    assert not history.can_redo and history.redo() is None
    assert history.undo() == "b"
    assert history.current == "b" and len(history) == 3


def test_history_ignores_a_push_of_the_current_text() -> None:
    history = History("a")
    history.push("a")
    assert len(history) == 1 and not history.can_undo


def test_history_dirty_follows_the_saved_snapshot() -> None:
    history = History("a")
    history.push("b")
    assert history.dirty
    history.mark_saved()
    assert not history.dirty
    assert history.undo() == "a" and history.dirty
    assert history.redo() == "b" and not history.dirty
    history.push("c")
    history.push("b")  # edited back to the saved text
    assert not history.dirty

    fresh = History("new model", saved=False)
    assert fresh.dirty
    fresh.mark_saved("new model")
    assert not fresh.dirty
    assert History().dirty is False and History().current is None


def test_history_is_bounded() -> None:
    history = History("0", limit=5)
    for number in range(1, 10):
        history.push(str(number))
    assert len(history) == 5
    undone = [history.undo() for _ in range(5)]
    assert undone == ["8", "7", "6", "5", None]
    with pytest.raises(ValueError):
        History(limit=0)


def test_history_with_an_editable_model() -> None:
    original = RAG.read_text(encoding="utf-8")
    model = EditableModel.from_text(original)
    history = History(model.text())
    model.set_value(("system", "phase"), "scaled")
    history.push(model.text())
    model.rename_id("customer", "client")
    history.push(model.text())

    snapshot = history.undo()
    assert snapshot is not None
    model.restore(snapshot)
    assert model.get(("system", "phase")) == "scaled" and model.references("customer")
    snapshot = history.undo()
    assert snapshot is not None
    model.restore(snapshot)
    assert model.text() == original and not history.dirty


# ---------------------------------------------------------------------------------------------
# Helpers


def value_at(data: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def set_in(data: Any, path: tuple[str | int, ...], value: Any) -> None:
    value_at(data, path[:-1])[path[-1]] = value


def comments(text: str) -> set[str]:
    return {line for line in text.splitlines() if "#" in line and line.lstrip().startswith("#")}


def comments_of(lines: list[str]) -> set[str]:
    return {line for line in lines if line.lstrip().startswith("#")}


def test_the_editing_layer_reads_bounded_and_never_blocks_on_a_fifo(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024)                    # sparse: costs nothing on disk
    monkeypatch.setenv("SCOPING_TUI_MAX_BYTES", str(1024 * 1024))
    with pytest.raises(EditError, match="larger than the 1,048,576-byte limit"):
        EditableModel.open(big)

    model_file = tmp_path / "m.yaml"
    model_file.write_text(RAG.read_text(encoding="utf-8"), encoding="utf-8")
    model = EditableModel.open(model_file)
    model_file.unlink()
    os.mkfifo(model_file)                                    # swapped for a pipe with no writer
    answer: list[bool] = []
    probe = threading.Thread(target=lambda: answer.append(model.disk_changed()), daemon=True)
    probe.start()
    probe.join(timeout=30)
    assert answer == [True], "a FIFO in the model's place is a change, found without opening it"
