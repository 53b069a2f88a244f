"""Rules name the engine's sets instead of copying them, and `not_empty` tests a set fact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from scoping_tui.engine.catalog import CatalogError, load_catalog
from scoping_tui.engine.conditions import ConditionError, compile_condition, holds
from scoping_tui.engine.facts import FactValue
from scoping_tui.engine.index import NAMED_SETS
from tests.conftest import ROOT


def _copies(node: Any, found: list[str], where: str) -> None:
    if isinstance(node, dict):
        for op in ("in", "contains_any"):
            operand = node.get(op)
            if isinstance(operand, list):
                found += [f"{where}: {op} lists the set {name}" for name, members
                          in NAMED_SETS.items() if set(operand) == set(members)]
        for value in node.values():
            _copies(value, found, where)
    elif isinstance(node, list):
        for value in node:
            _copies(value, found, where)


def test_no_rule_spells_out_an_engine_set() -> None:
    """A member added to one of the engine's sets must reach every rule meant to use it."""
    found: list[str] = []
    for path in sorted((ROOT / "models").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for section in ("threats", "controls", "factors"):
            for entry in data.get(section) or []:
                for key in ("when", "applies_to"):
                    _copies(entry.get(key), found, f"{path.name} {entry['id']}.{key}")
    assert found == []


def _facts(value: Any) -> Any:
    return lambda spec: FactValue(value, ())


def test_a_named_set_means_its_members() -> None:
    condition = compile_condition({"fact": "type", "in": {"set": "agent-types"}}, "component")
    assert holds(condition, _facts("orchestrator")) and holds(condition, _facts("agent"))
    assert not holds(condition, _facts("foundation-model"))


def test_not_empty_fires_on_any_member_and_stays_silent_on_none() -> None:
    condition = compile_condition({"fact": "sensitive_data", "not_empty": True}, "component")
    assert holds(condition, _facts(frozenset({"pii"})))
    assert not holds(condition, _facts(frozenset()))
    empty = compile_condition({"fact": "sensitive_data", "not_empty": False}, "component")
    assert holds(empty, _facts(frozenset()))


@pytest.mark.parametrize(("raw", "message"), [
    ({"fact": "type", "in": {"set": "agents"}}, "no set is named 'agents'; did you mean "
                                                "'agent-types'?"),
    ({"fact": "type", "in": {"set": "agent-types", "x": 1}}, "a named set is written"),
    ({"fact": "sensitive_data", "not_empty": "yes"}, "`not_empty` takes true or false"),
    ({"fact": "type", "not_empty": True}, "operator 'not_empty' does not fit fact 'type'"),
])
def test_misuse_is_named(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(ConditionError, match=message):
        compile_condition(raw, "component")


def test_an_organisation_catalog_may_name_sets_and_gets_located_errors(tmp_path: Path) -> None:
    extra = tmp_path / "org.yaml"
    extra.write_text(
        "version: 1\nthreats:\n  - id: ORG-X\n    title: X\n    description: X.\n"
        "    stride: [I]\n    target: component\n"
        "    when: {fact: type, in: {set: agent-typez}}\n"
        "    likelihood: low\n    impact: low\n"
        '    references: {owasp-llm: ["LLM06:2025"]}\n', encoding="utf-8")
    with pytest.raises(CatalogError) as raised:
        load_catalog([extra])
    [diagnostic] = raised.value.diagnostics
    assert diagnostic.position.line == 8
    assert "did you mean 'agent-types'?" in diagnostic.message
