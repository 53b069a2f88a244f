"""The published schema is a tested artifact: valid draft-07, self-documenting, and samples pass an
independent validator."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from tests.conftest import ROOT, SAMPLES

SCHEMA_PATH = ROOT / "schemas" / "system-model.schema.json"


def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def test_schema_is_valid_draft07_with_an_id() -> None:
    schema = _schema()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["$id"].startswith("https://")
    Draft7Validator.check_schema(schema)


def _properties(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            found.append((f"{path}.{name}", sub))
        for key, sub in node.items():
            if key in ("properties", "definitions"):
                for name, child in sub.items():
                    found.extend(_properties(child, f"{path}.{name}"))
            elif isinstance(sub, dict) and key not in ("if", "then", "else"):
                found.extend(_properties(sub, f"{path}.{key}"))
    return found


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["definitions"][node["$ref"].rsplit("/", 1)[1]]
    return node


def test_every_property_has_title_and_description_for_editor_hover() -> None:
    schema = _schema()
    props = _properties(schema)
    assert len(props) > 60
    missing = [path for path, sub in props
               if not (_resolve(schema, sub).get("title")
                       and _resolve(schema, sub).get("description"))]
    assert missing == []


def test_closed_vocabularies_are_enums() -> None:
    schema = _schema()
    for name in ("componentType", "hosting", "boundaryKind", "classification", "permission"):
        assert schema["definitions"][name]["enum"], name
    agent = schema["definitions"]["agentFacts"]["properties"]
    assert agent["approval"]["enum"] == ["none", "high-risk", "every-action"]


def test_there_is_a_sample_for_every_scope_and_all_pass_check_jsonschema() -> None:
    assert len(SAMPLES) >= 7
    result = subprocess.run(
        [str(Path(sys.executable).parent / "check-jsonschema"), "--schemafile", str(SCHEMA_PATH),
         *map(str, SAMPLES)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_sample_declares_the_schema_for_editors(sample: Path) -> None:
    first = sample.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/system-model.schema.json"


@pytest.mark.parametrize("name", ["system-model", "catalog", "references"])
def test_compiled_validators_match_their_schemas(name: str) -> None:
    """`make validators` output is committed; it must be regenerated when a schema changes."""
    from scoping_tui.model import fastschema

    committed = (ROOT / "scoping_tui" / "model" / "generated"
                 / f"{fastschema.module_name(name)}.py").read_text(encoding="utf-8")
    assert committed == fastschema.generate(name), "schema changed: run `make validators`"
