"""The one table of references (model/references.py) drives validation, rename, diff and the
OTM reader alike: for every field in it, a dangling id is reported where it is written, a
rename follows it, and a diff across the rename sees no change."""

from __future__ import annotations

import pytest
import yaml

from scoping_tui.editing.edit import EditableModel
from scoping_tui.engine.catalog import load_catalog
from scoping_tui.engine.diff import diff_models
from scoping_tui.model.paths import format_path
from scoping_tui.model.references import REFERENCES, Reference, model_slots, rewritten
from scoping_tui.model.schema import section_types
from scoping_tui.model.validate import load_text

MODEL = """\
version: 1
system:
  name: Every reference
  phase: prototype
  generative_scope: 3
  agentic_scope: 2
boundaries:
  - {id: cloud, name: Cloud account, kind: cloud-account}
  - {id: pod, name: Agent pod, kind: container, parent: cloud}
components:
  - {id: user, name: User, type: user}
  - {id: llm, name: Model, type: foundation-model, boundary: cloud}
  - {id: notes, name: Notes, type: memory, boundary: pod}
  - {id: search, name: Search tool, type: tool, boundary: pod}
  - id: helper
    name: Helper agent
    type: agent
    boundary: pod
    agent: {model: llm, tools: [{tool: search, permissions: [read]}]}
  - id: lead
    name: Lead agent
    type: agent
    boundary: pod
    agent:
      model: llm
      tools: [{tool: search, permissions: [read]}]
      memory: [notes]
      delegates_to: [helper]
flows:
  - {id: ask, name: Ask, from: user, to: lead}
controls:
  - {control: GUARD-INPUT-FILTER, status: implemented, targets: [lead]}
"""

# The element each field names in MODEL, and the field written out, for the table's rows.
NAMED = {("boundaries", "parent"): "cloud", ("components", "boundary"): "pod",
         ("components", "model"): "llm", ("components", "tool"): "search",
         ("components", "memory"): "notes", ("components", "delegates_to"): "helper",
         ("flows", "from"): "user", ("flows", "to"): "lead", ("controls", "targets"): "lead"}


def row(reference: Reference) -> str:
    return f"{reference.section}.{'.'.join(reference.keys)}"


def test_the_sample_model_is_valid_and_holds_every_field_of_the_table() -> None:
    result = load_text(MODEL, "every.yaml", catalog=load_catalog().known_ids())
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.model is not None
    document = yaml.safe_load(MODEL)
    held = {reference for _, _, reference in model_slots(document)}
    assert held == set(REFERENCES)


@pytest.mark.parametrize("reference", REFERENCES, ids=row)
def test_a_dangling_id_in_any_field_is_reported_where_it_is_written(
        reference: Reference) -> None:
    editable = EditableModel.from_text(MODEL)
    path, _, _ = next(s for s in model_slots(yaml.safe_load(editable.text())) if s[2] is reference)
    editable.set_value(path, "nowhere")
    result = load_text(editable.text(), "every.yaml", catalog=load_catalog().known_ids())
    found = [d for d in result.diagnostics if d.code == "unknown-reference"]
    assert [d.path for d in found] == [format_path(path)]
    assert f"no {reference.what} has the id 'nowhere'" in found[0].message
    line = editable.text().splitlines()[found[0].position.line - 1]
    assert "nowhere" in line


@pytest.mark.parametrize("reference", REFERENCES, ids=row)
def test_renaming_the_element_a_field_names_follows_it_and_diff_sees_no_change(
        reference: Reference) -> None:
    target = NAMED[reference.section, reference.key]
    editable = EditableModel.from_text(MODEL)
    before = load_text(editable.text(), "every.yaml").model
    assert any(path[:1] == (reference.section,) for path in editable.references(target))
    editable.rename_id(target, f"{target}-2")
    data = yaml.safe_load(editable.text())
    values = [value for _, value, r in model_slots(data) if r is reference]
    assert f"{target}-2" in values and target not in values
    after = load_text(editable.text(), "every.yaml").model
    assert before is not None and after is not None
    changes = diff_models(before, after)
    assert changes.renames == ((target, f"{target}-2"),)
    assert [c.change for c in changes.elements] == ["renamed"]


def test_a_wrong_kind_of_element_is_a_warning_for_the_typed_fields() -> None:
    typed = [r for r in REFERENCES if r.types]
    assert {r.key for r in typed} == {"model", "tool", "delegates_to"}
    editable = EditableModel.from_text(MODEL)
    editable.set_value(("components", 5, "agent", "model"), "notes")  # a memory, not a model
    result = load_text(editable.text(), "every.yaml")
    wrong = [d for d in result.diagnostics if d.code == "wrong-reference-type"]
    assert len(wrong) == 1 and " or ".join(section_types()["model"]) in wrong[0].message


def test_rewritten_maps_every_agent_reference_and_leaves_the_original_alone() -> None:
    agent = {"model": "llm", "tools": [{"tool": "search", "permissions": ["read"]}],
             "memory": ["notes"], "delegates_to": ["helper"]}
    copy = rewritten({"agent": agent}, "components", str.upper, within=("agent",))["agent"]
    assert copy == {"model": "LLM", "tools": [{"tool": "SEARCH", "permissions": ["read"]}],
                    "memory": ["NOTES"], "delegates_to": ["HELPER"]}
    assert agent["tools"][0]["tool"] == "search"
