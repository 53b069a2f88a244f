"""Integrity of the built-in knowledge base (models/*.yaml), read directly with yaml.safe_load.

Checks that controls are unique and numerous enough, that every threat has controls (one of them
required before the scaled phase), that every cited framework id is in models/references.yaml,
that every id in that registry really appears in the team's framework reference (the copy
committed as tests/data/reference/frameworks.md, see its README), and that the files validate
against their published schemas.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
SCHEMAS = ROOT / "schemas"
FRAMEWORKS_MD = ROOT / "tests" / "data" / "reference" / "frameworks.md"

# The threat ids agreed for the first knowledge base; the ids threats.yaml defines are checked
# too (see _threat_ids).
FIXED_THREATS = (
    "LLM01-DIRECT-INJECTION", "LLM01-INDIRECT-INJECTION", "LLM02-SENSITIVE-DISCLOSURE",
    "LLM02-PROVIDER-RETENTION", "LLM03-MODEL-SUPPLY-CHAIN", "LLM03-UNSAFE-MODEL-ARTIFACT",
    "LLM04-TRAINING-DATA-POISONING", "LLM05-IMPROPER-OUTPUT-HANDLING", "LLM06-EXCESSIVE-AGENCY",
    "LLM07-SYSTEM-PROMPT-LEAKAGE", "LLM08-RETRIEVAL-POISONING", "LLM08-CROSS-TENANT-RETRIEVAL",
    "LLM09-MISINFORMATION", "LLM10-UNBOUNDED-CONSUMPTION", "LLM10-MODEL-EXTRACTION",
    "AGENT-MEMORY-POISONING", "AGENT-TOOL-MISUSE", "AGENT-PRIVILEGE-COMPROMISE",
    "AGENT-RESOURCE-OVERLOAD", "AGENT-CASCADING-HALLUCINATION", "AGENT-GOAL-HIJACK",
    "AGENT-MISALIGNED-BEHAVIOR", "AGENT-REPUDIATION", "AGENT-IDENTITY-SPOOFING",
    "AGENT-HITL-OVERWHELM", "AGENT-CODE-EXECUTION", "AGENT-COMMUNICATION-POISONING",
    "AGENT-ROGUE", "AGENT-HUMAN-ATTACKS-MAS", "AGENT-HUMAN-MANIPULATION", "AGENT-PROTOCOL-ABUSE",
    "AGENT-TOOL-SUPPLY-CHAIN", "STRIDE-FLOW-UNAUTHENTICATED", "STRIDE-FLOW-UNENCRYPTED",
    "STRIDE-STORE-UNENCRYPTED", "STRIDE-STORE-TAMPERING", "STRIDE-NO-AUDIT-TRAIL",
    "STRIDE-ENTRY-DOS", "STRIDE-TOOL-NO-AUTH", "TRAIN-PIPELINE-TAMPERING", "TRAIN-MODEL-THEFT",
    "TRAIN-DATA-LEAKAGE",
)
SAMPLE_CONTROLS = (
    "GUARD-INPUT-FILTER", "GUARD-OUTPUT-FILTER", "IAM-LEAST-PRIVILEGE", "LOG-MODEL-INVOCATIONS",
    "DATA-ENCRYPT-AT-REST", "AGENT-HITL-APPROVAL",
)
PHASES = ("prototype", "production", "scaled")
CATALOG_FILES = ("controls.yaml", "threats.yaml", "rating.yaml")


# --- loading ---------------------------------------------------------------------------------

@cache
def _load(name: str) -> Any:
    return yaml.safe_load((MODELS / name).read_text(encoding="utf-8"))


@cache
def _schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def _controls() -> list[dict[str, Any]]:
    return list(_load("controls.yaml")["controls"])


def _threats() -> list[dict[str, Any]]:
    return list(_load("threats.yaml")["threats"])


def _threat_ids() -> set[str]:
    """The fixed threat ids plus whatever threats.yaml defines."""
    return set(FIXED_THREATS) | {t["id"] for t in _threats()}


def _registry() -> dict[str, dict[str, str]]:
    frameworks = _load("references.yaml")["frameworks"]
    return {name: {str(k): str(v) for k, v in body["ids"].items()}
            for name, body in frameworks.items()}


@cache
def _reference_text() -> str:
    return FRAMEWORKS_MD.read_text(encoding="utf-8")


# --- finding an id in the framework reference ------------------------------------------------

def _token(text: str, needle: str) -> bool:
    """``needle`` occurs as a whole token: not inside a longer id, word or sub-id."""
    pattern = rf"(?<![\w.]){re.escape(needle)}(?!\w|\.\d)"
    return re.search(pattern, text) is not None


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _rows(text: str, first_cell: str) -> list[list[str]]:
    """Markdown table rows whose first cell is ``first_cell``."""
    return [_cells(line) for line in text.splitlines()
            if line.lstrip().startswith("|") and _cells(line)[0] == first_cell]


def _section(text: str, number: int) -> str:
    match = re.search(rf"^## {number}\. .*?(?=^## |\Z)", text, re.M | re.S)
    return match.group(0) if match else ""


def _sub_id_in_parent_row(text: str, parents: list[str], suffix: str) -> bool:
    """A sub-id written after its parent in the parent's table row, as ``(.001 Indirect)`` after
    AML.T0051 or ``(2.7 = security ...)`` after MEASURE 2."""
    return any(_token(" | ".join(row[1:]), suffix) for parent in parents
               for row in _rows(text, parent))


def in_reference(text: str, framework: str, ref_id: str, title: str = "") -> bool:
    """Whether the framework reference really contains ``ref_id`` of ``framework``."""
    if framework in ("owasp-llm", "owasp-asi"):
        return _token(text, ref_id.split(":")[0])
    if framework in ("owasp-agentic", "aws-wa-agentic"):
        return _token(text, ref_id)
    if framework == "atlas":
        bare = ref_id.removeprefix("AML.")
        if _token(text, ref_id) or _token(text, bare):
            return True
        parent, dot, sub = ref_id.rpartition(".")
        if not re.fullmatch(r"AML\.[A-Z]+\d{4}", parent) or not dot:
            return False
        return _sub_id_in_parent_row(text, [parent, parent.removeprefix("AML.")], f".{sub}")
    if framework == "nist-ai-rmf":
        if _token(text, ref_id):
            return True
        function, _, number = ref_id.partition(" ")
        category = number.split(".")[0]
        return "." in number and _sub_id_in_parent_row(text, [f"{function} {category}"], number)
    if framework == "aws-wa-genai":
        question, _, practice = ref_id.partition("-")
        return _token(text, ref_id) or _sub_id_in_parent_row(text, [question], practice)
    if framework == "saif":
        return any(len(row) > 1 and row[1] == title for row in _rows(text, ref_id))
    if framework == "nist-ai-600-1":
        # The twelve GAI risks are listed once, numbered, in one paragraph of section 7.
        risks = re.search(r"\*\*NIST AI 600-1, the 12 GAI risks\*\*[^\n]*", text)
        number = title.removeprefix("§2.")
        return risks is not None and re.search(
            rf"(?<![\w.]){re.escape(number)} {re.escape(ref_id)}(?= ·|\.|$)",
            risks.group(0)) is not None
    if framework == "stride":
        return bool(title) and f"**{ref_id}**{title[1:]}" in text
    if framework in ("aws-genai-matrix", "aws-agentic-matrix"):
        section = _section(text, 1 if framework == "aws-genai-matrix" else 2)
        if not title:
            return False
        scope = re.fullmatch(r"scope-(\d)", ref_id)
        if scope:
            return any(len(row) > 1 and row[1].startswith(title)
                       for row in _rows(section, scope.group(1)))
        return re.search(rf"(?<!\w){re.escape(title)}(?!\w)", section) is not None
    return False


# --- controls --------------------------------------------------------------------------------

def test_control_ids_are_unique() -> None:
    ids = [c["id"] for c in _controls()]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert duplicates == []


def test_there_are_at_least_75_controls() -> None:
    assert len(_controls()) >= 75


def test_control_ids_used_by_samples_exist() -> None:
    ids = {c["id"] for c in _controls()}
    used = set(SAMPLE_CONTROLS)
    for sample in sorted((ROOT / "samples").glob("*.yaml")):
        model = yaml.safe_load(sample.read_text(encoding="utf-8"))
        used |= {entry["control"] for entry in model.get("controls") or []}
    assert sorted(used - ids) == []


def test_every_control_mitigates_known_threats() -> None:
    known = _threat_ids()
    problems = [(c["id"], t) for c in _controls() for t in c["mitigates"] if t not in known]
    assert problems == []
    assert [c["id"] for c in _controls() if not c["mitigates"]] == []


def test_mitigated_threats_exist_in_threats_yaml() -> None:
    defined = {t["id"] for t in _threats()}
    problems = sorted({t for c in _controls() for t in c["mitigates"] if t not in defined})
    assert problems == [], "controls mitigate threats that threats.yaml does not define"


def test_every_threat_has_two_controls_one_before_scaled() -> None:
    by_threat: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for control in _controls():
        for threat in control["mitigates"]:
            by_threat[threat].append(control)
    too_few = sorted(t for t in _threat_ids() if len(by_threat[t]) < 2)
    only_late = sorted(t for t in _threat_ids()
                       if all(c["phase"] == "scaled" for c in by_threat[t]))
    assert too_few == []
    assert only_late == []


def test_every_control_cites_nist_ai_rmf() -> None:
    assert [c["id"] for c in _controls() if not c["references"].get("nist-ai-rmf")] == []


def test_every_control_has_a_dimension_or_discipline() -> None:
    assert [c["id"] for c in _controls() if "dimension" not in c and "discipline" not in c] == []


def test_every_control_gives_one_or_two_examples() -> None:
    assert [c["id"] for c in _controls() if not 1 <= len(c.get("examples", [])) <= 2] == []


def test_baseline_controls_are_unconditional() -> None:
    assert [c["id"] for c in _controls() if c.get("baseline") and "applies_to" in c] == []


def test_applies_to_conditions_compile() -> None:
    from scoping_tui.engine.conditions import compile_condition

    for control in _controls():
        if "applies_to" in control:
            compile_condition(control["applies_to"], "component", ("controls", control["id"]))


# --- references ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["controls.yaml", "threats.yaml"])
def test_cited_ids_are_in_the_registry(name: str) -> None:
    registry = _registry()
    entries = (_load(name).get("threats") or []) + (_load(name).get("controls") or [])
    missing = [(entry["id"], framework, ref_id)
               for entry in entries
               for framework, ids in entry.get("references", {}).items()
               for ref_id in ids
               if ref_id not in registry.get(framework, {})]
    assert missing == []


def test_registry_ids_appear_in_the_framework_reference() -> None:
    text = _reference_text()
    missing = [(framework, ref_id) for framework, ids in _registry().items()
               for ref_id, title in ids.items()
               if not in_reference(text, framework, ref_id, title)]
    assert missing == []


@pytest.mark.parametrize(("framework", "ref_id", "title"), [
    ("atlas", "AML.T0024.001", ""),          # written as ".001 ..." in the AML.T0024 row
    ("atlas", "AML.M0021", ""),              # written without the AML. prefix
    ("nist-ai-rmf", "MEASURE 2.10", ""),     # written as "2.10 = ..." in the MEASURE 2 row
    ("aws-wa-genai", "GENSEC06-BP01", ""),   # written as "BP01 ..." in the GENSEC06 row
    ("owasp-llm", "LLM08:2025", ""),
    ("stride", "E", "Elevation of privilege"),
    ("saif", "MRE", "Model Reverse Engineering"),
    ("aws-agentic-matrix", "scope-3", "Supervised Agency"),
    ("aws-genai-matrix", "legal-privacy", "Legal & privacy"),
    ("nist-ai-600-1", "Value Chain and Component Integration", "§2.12"),
])
def test_reference_lookup_accepts_the_forms_the_reference_uses(
        framework: str, ref_id: str, title: str) -> None:
    assert in_reference(_reference_text(), framework, ref_id, title)


@pytest.mark.parametrize(("framework", "ref_id", "title"), [
    ("atlas", "AML.T0999", ""),
    ("atlas", "AML.T0051.007", ""),
    ("atlas", "AML.M0099", ""),
    ("owasp-llm", "LLM11:2025", ""),
    ("owasp-asi", "ASI11:2026", ""),
    ("owasp-agentic", "T18", ""),
    ("nist-ai-rmf", "MANAGE 2.9", ""),
    ("nist-ai-rmf", "GOVERN 7", ""),
    ("aws-wa-genai", "GENSEC01-BP05", ""),
    ("aws-wa-genai", "GENSEC02-BP02", ""),
    ("aws-wa-agentic", "AGENTSEC10", ""),
    ("saif", "ZZZ", "Made-up Risk"),
    ("stride", "X", "Xenophobia"),
    ("aws-genai-matrix", "scope-6", "Made-up app"),
    ("aws-genai-matrix", "scope-1", "No Agency"),
    ("aws-agentic-matrix", "scope-5", "Total Agency"),
    ("aws-agentic-matrix", "made-up-dimension", "Made-up dimension"),
    ("cwe", "CWE-79", ""),
    ("nist-ai-600-1", "Information Security", "§2.4"),     # the wrong number
    ("nist-ai-600-1", "Model Theft", "§2.13"),
])
def test_reference_lookup_rejects_made_up_ids(framework: str, ref_id: str, title: str) -> None:
    assert not in_reference(_reference_text(), framework, ref_id, title)


# --- schemas ---------------------------------------------------------------------------------

def _properties(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            found.append((f"{path}.{name}", sub))
        for key, sub in node.items():
            if key in ("properties", "definitions"):
                for name, child in sub.items():
                    found.extend(_properties(child, f"{path}.{name}"))
            elif isinstance(sub, dict):
                found.extend(_properties(sub, f"{path}.{key}"))
    return found


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["definitions"][node["$ref"].rsplit("/", 1)[1]]
    return node


def test_scoping_schema_is_draft07_with_titles_and_descriptions() -> None:
    schema = _schema("scoping.schema.json")
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["$id"].startswith("https://")
    Draft7Validator.check_schema(schema)
    props = _properties(schema)
    assert len(props) > 40
    missing = [path for path, sub in props
               if not (_resolve(schema, sub).get("title")
                       and _resolve(schema, sub).get("description"))]
    assert missing == []


@pytest.mark.parametrize("name", ["phases.yaml", "scoping.yaml"])
def test_phases_and_scoping_validate(name: str) -> None:
    validator = Draft7Validator(_schema("scoping.schema.json"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(_load(name))]
    assert errors == []


@pytest.mark.parametrize("name", CATALOG_FILES)
def test_catalog_files_validate(name: str) -> None:
    validator = Draft7Validator(_schema("catalog.schema.json"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(_load(name))]
    assert errors == []


# --- phases and scoping ----------------------------------------------------------------------

def test_phases_are_the_catalog_phases_in_order() -> None:
    phases = sorted(_load("phases.yaml")["phases"], key=lambda p: p["order"])
    assert tuple(p["id"] for p in phases) == PHASES
    assert [p["order"] for p in phases] == [1, 2, 3]
    assert tuple(_schema("catalog.schema.json")["definitions"]["phase"]["enum"]) == PHASES


def test_scoping_ids_and_names_match_the_registry() -> None:
    registry = _registry()
    scoping = _load("scoping.yaml")
    for matrix, framework in (("generative", "aws-genai-matrix"),
                              ("agentic", "aws-agentic-matrix")):
        body = scoping[matrix]
        groups = body["disciplines"] if matrix == "generative" else body["dimensions"]
        entries = body["scopes"] + groups
        assert {e["id"]: e["name"] for e in entries} == registry[framework]
        assert [s["number"] for s in body["scopes"]] == list(range(1, len(body["scopes"]) + 1))
        assert all(s["id"] == f"scope-{s['number']}" for s in body["scopes"])


def test_scope_groups_cover_each_generative_scope_once() -> None:
    groups = _load("scoping.yaml")["generative"]["scope_groups"]
    covered = [n for group in groups for n in group["scopes"]]
    assert sorted(covered) == [1, 2, 3, 4, 5]


def test_catalog_dimensions_match_the_agentic_matrix() -> None:
    dimensions = {d["id"] for d in _load("scoping.yaml")["agentic"]["dimensions"]}
    control_schema = _schema("catalog.schema.json")["definitions"]["control"]["properties"]
    assert set(control_schema["dimension"]["enum"]) == dimensions
