"""Property tests of the whole pipeline: random valid models, and random damage to them.

A strategy builds random *valid* models (boundaries, some nested; components of every type with
the fact sections their type allows; agents granting tools; flows; catalog controls; accepted
risks built from findings the engine really produced), emits them as YAML and checks that load →
validate → assess → every exporter never raises, is deterministic, and keeps its invariants.
Random mutations of those models must give either error diagnostics with a position or a model
that analyses cleanly — never an exception.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoping_tui.engine.assessment import Assessment, assess
from scoping_tui.engine.catalog import LEVELS, PHASES, Catalog, load_catalog
from scoping_tui.engine.index import MODEL_TYPES
from scoping_tui.engine.scope import scope_mismatches
from scoping_tui.engine.threats import SEVERITIES
from scoping_tui.export.csv_report import COLUMNS, render_csv
from scoping_tui.export.dot import render_dot, render_graph
from scoping_tui.export.html import render_html, sanitize_svg
from scoping_tui.export.json_report import render_json
from scoping_tui.export.markdown import render_markdown
from scoping_tui.export.mermaid import render_mermaid
from scoping_tui.export.sarif import render_sarif
from scoping_tui.export.text import render_text
from scoping_tui.export.text_diagram import render_text_diagram
from scoping_tui.model.diagnostics import Severity, has_errors
from scoping_tui.model.schema import enum_values, model_schema, section_types
from scoping_tui.model.semantic import KnownIds
from scoping_tui.model.validate import LoadResult, load_text
from tests.tools_support import required_program

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 6, 1)
FILE = "model.yaml"

STATUSES = ("open", "partially-mitigated", "mitigated", "accepted")
REQUIREMENT_STATUSES = ("implemented", "partial", "planned", "not-applicable", "missing")


def _settings(examples: int) -> settings:
    return settings(derandomize=True, max_examples=examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@cache
def catalog() -> Catalog:
    return load_catalog()


@cache
def known_ids() -> KnownIds:
    return catalog().known_ids()


@cache
def assessment_validator() -> Any:
    from jsonschema import Draft7Validator

    schema = json.loads((ROOT / "schemas" / "assessment.schema.json").read_text("utf-8"))
    return Draft7Validator(schema)


def _definition(name: str) -> dict[str, Any]:
    found: dict[str, Any] = model_schema()["definitions"][name]
    return found


def _enum(definition: str, prop: str | None = None) -> tuple[str, ...]:
    """An enum from the model schema, so the generator follows the schema as it changes."""
    if prop is None:
        return enum_values(definition)
    node = _definition(definition)["properties"][prop]
    node = node.get("items", node)
    return tuple(node["enum"])


COMPONENT_TYPES = enum_values("componentType")
BOUNDARY_KINDS = enum_values("boundaryKind")
HOSTING = enum_values("hosting")
CLASSIFICATIONS = enum_values("classification")
PERMISSIONS = enum_values("permission")
SECTIONS = section_types()
AGENT_TYPES = SECTIONS["agent"]
# Components an agent may be granted as tools without a wrong-reference-type warning.
GRANTABLE = (*SECTIONS["tool"], "agent", "orchestrator", "service", "data-store",
             "knowledge-base", "vector-store", "memory")


# --- the pipeline ------------------------------------------------------------------------------

def load(text: str) -> LoadResult:
    return load_text(text, FILE, catalog=known_ids(), checks=[scope_mismatches], today=AS_OF)


EXPORTERS: dict[str, Callable[[Assessment], str]] = {
    "markdown": render_markdown,
    "json": render_json,
    "sarif": render_sarif,
    "csv": render_csv,
    "html": lambda a: render_html(a, None, catalog=catalog()),
    "mermaid": lambda a: render_mermaid(a.model, a),
    "dot": lambda a: render_dot(a.model, a),
    "text": render_text,
    "text_diagram": lambda a: render_text_diagram(a.model, a),
}


@dataclass(frozen=True)
class Run:
    result: LoadResult
    assessment: Assessment | None
    outputs: dict[str, str]


def run(text: str) -> Run:
    """load → validate → assess → every exporter, as the CLI and the UI do."""
    result = load(text)
    if result.model is None or has_errors(result.diagnostics):
        return Run(result, None, {})
    assessment = assess(result.model, catalog(), as_of=AS_OF)
    return Run(result, assessment, {name: render(assessment) for name, render in
                                    EXPORTERS.items()})


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88)


# --- the generator of valid models -------------------------------------------------------------

# Text that stresses escaping in every output: markup, quotes, separators, non-ASCII, newlines.
NASTY = st.sampled_from(["<b>&amp;</b>", '"quoted"', "a|b", "[x]{y}", "$(rm -rf)", "=SUM(A1)",
                         "-1", "@me", "`tick`", "line\nbreak", "tab\there", "back\\slash",
                         "%", "#", "--", "]]>", "é中文😀", "\u202eRTL", "' OR 1=1"])
TEXT = st.one_of(st.text(min_size=1, max_size=12), NASTY).filter(lambda s: s.strip() != "")
NAME = TEXT.map(lambda s: s[:200])
SLUG = st.from_regex(r"\A[a-z][a-z0-9_-]{0,10}\Z")


def _maybe(draw: st.DrawFn, data: dict[str, Any], key: str, strategy: st.SearchStrategy[Any],
           ) -> None:
    if draw(st.booleans()):
        data[key] = draw(strategy)


def _subset(values: tuple[str, ...], max_size: int | None = None) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), unique=True, max_size=max_size or len(values))


def _model_section(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _maybe(draw, out, "provider", TEXT)
    _maybe(draw, out, "origin", st.sampled_from(_enum("modelFacts", "origin")))
    _maybe(draw, out, "base_model", TEXT)
    _maybe(draw, out, "terms", st.sampled_from(_enum("modelFacts", "terms")))
    _maybe(draw, out, "trains_on_inputs", st.booleans())
    _maybe(draw, out, "modality", _subset(_enum("modelFacts", "modality")))
    _maybe(draw, out, "weights_format", st.sampled_from(_enum("modelFacts", "weights_format")))
    return out


def _store_section(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for flag in ("encrypted_at_rest", "multi_tenant", "ingests_untrusted"):
        _maybe(draw, out, flag, st.booleans())
    _maybe(draw, out, "persistence", st.sampled_from(_enum("storeFacts", "persistence")))
    _maybe(draw, out, "shared", st.sampled_from(_enum("storeFacts", "shared")))
    return out


def _tool_section(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _maybe(draw, out, "authentication", st.sampled_from(_enum("toolFacts", "authentication")))
    _maybe(draw, out, "side_effects", _subset(PERMISSIONS))
    _maybe(draw, out, "fetches_untrusted", st.booleans())
    _maybe(draw, out, "source", st.sampled_from(_enum("toolFacts", "source")))
    _maybe(draw, out, "transport", st.sampled_from(_enum("toolFacts", "transport")))
    return out


def _agent_section(draw: st.DrawFn, me: str, components: list[dict[str, Any]],
                   ) -> dict[str, Any]:
    def ids(types: tuple[str, ...] | None = None) -> list[str]:
        return [c["id"] for c in components
                if c["id"] != me and (types is None or c["type"] in types)]

    out: dict[str, Any] = {}
    models = ids(tuple(MODEL_TYPES))
    if bool(models) and draw(st.booleans()):
        out["model"] = draw(st.sampled_from(models))
    tools = ids(GRANTABLE)
    if bool(tools) and draw(st.integers(0, 3)):
        chosen = draw(st.lists(st.sampled_from(tools), unique=True, min_size=1, max_size=4))
        grants = []
        for tool in chosen:
            grant: dict[str, Any] = {"tool": tool}
            _maybe(draw, grant, "permissions", _subset(PERMISSIONS, 4))
            grants.append(grant)
        out["tools"] = grants
    _maybe(draw, out, "runs_generated_code", st.booleans())
    _maybe(draw, out, "approval", st.sampled_from(_enum("agentFacts", "approval")))
    _maybe(draw, out, "triggers", _subset(_enum("agentFacts", "triggers")))
    memory = ids(("memory", "vector-store", "data-store"))
    if bool(memory) and draw(st.booleans()):
        out["memory"] = draw(st.lists(st.sampled_from(memory), unique=True, max_size=2))
    agents = ids(AGENT_TYPES)
    if bool(agents) and draw(st.booleans()):
        out["delegates_to"] = draw(st.lists(st.sampled_from(agents), unique=True, max_size=2))
    _maybe(draw, out, "identity", st.sampled_from(_enum("agentFacts", "identity")))
    _maybe(draw, out, "credential_lifetime",
           st.sampled_from(_enum("agentFacts", "credential_lifetime")))
    return out


@st.composite
def model_dicts(draw: st.DrawFn, max_components: int = 10) -> dict[str, Any]:
    """A valid model as plain data, without accepted risks (they need the findings)."""
    system: dict[str, Any] = {"name": draw(NAME)}
    _maybe(draw, system, "description", TEXT)
    _maybe(draw, system, "owner", TEXT)
    _maybe(draw, system, "phase", st.sampled_from(PHASES))
    _maybe(draw, system, "generative_scope", st.integers(1, 5))
    _maybe(draw, system, "agentic_scope", st.integers(1, 4))
    _maybe(draw, system, "tags", st.lists(TEXT, unique=True, max_size=3))
    data: dict[str, Any] = {"version": 1, "system": system}

    used: set[str] = set()

    def new_id(prefix: str) -> str:
        # Unique across boundaries, components and flows, as the semantic checks require.
        base = f"{prefix}{len(used)}" + (f"-{draw(SLUG)}" if draw(st.booleans()) else "")
        used.add(base)
        return base

    boundaries: list[dict[str, Any]] = []
    for _ in range(draw(st.sampled_from(range(5)))):
        boundary: dict[str, Any] = {"id": new_id("b"), "name": draw(NAME),
                                    "kind": draw(st.sampled_from(BOUNDARY_KINDS))}
        if bool(boundaries) and draw(st.booleans()):
            # Parents are always earlier boundaries: nesting without cycles.
            boundary["parent"] = draw(st.sampled_from([b["id"] for b in boundaries]))
        _maybe(draw, boundary, "description", TEXT)
        boundaries.append(boundary)
    if boundaries:
        data["boundaries"] = boundaries

    components: list[dict[str, Any]] = []
    # sampled_from draws sizes evenly; integers() would favour tiny models.
    for _ in range(draw(st.sampled_from(range(2, max_components + 1)))):
        component: dict[str, Any] = {"id": new_id("c"), "name": draw(NAME),
                                     "type": draw(st.sampled_from(COMPONENT_TYPES))}
        if bool(boundaries) and draw(st.integers(0, 3)):
            component["boundary"] = draw(st.sampled_from([b["id"] for b in boundaries]))
        _maybe(draw, component, "hosting", st.sampled_from(HOSTING))
        _maybe(draw, component, "description", TEXT)
        _maybe(draw, component, "owner", TEXT)
        _maybe(draw, component, "data", _subset(CLASSIFICATIONS, 4))
        _maybe(draw, component, "secrets", st.booleans())
        _maybe(draw, component, "human_review", st.booleans())
        _maybe(draw, component, "tags", st.lists(TEXT, unique=True, max_size=2))
        if draw(st.integers(0, 5)) == 0:
            component["x-note"] = draw(TEXT)
        components.append(component)
    # Sections come second: an agent's references need the whole list of components.
    for component in components:
        for section, types in SECTIONS.items():
            if component["type"] not in types or not draw(st.integers(0, 3)):
                continue
            if section == "model":
                component["model"] = _model_section(draw)
            elif section == "store":
                component["store"] = _store_section(draw)
            elif section == "tool":
                component["tool"] = _tool_section(draw)
            else:
                component["agent"] = _agent_section(draw, component["id"], components)
    data["components"] = components

    ids = [c["id"] for c in components]
    flows: list[dict[str, Any]] = []
    for _ in range(draw(st.sampled_from(range(2 * len(ids) + 2)))):
        flow: dict[str, Any] = {"id": new_id("f"), "from": draw(st.sampled_from(ids)),
                                "to": draw(st.sampled_from(ids))}
        _maybe(draw, flow, "name", TEXT)
        _maybe(draw, flow, "data", _subset(CLASSIFICATIONS, 4))
        _maybe(draw, flow, "protocol", st.sampled_from(_enum("flow", "protocol")))
        _maybe(draw, flow, "authenticated", st.booleans())
        _maybe(draw, flow, "encrypted", st.booleans())
        _maybe(draw, flow, "description", TEXT)
        flows.append(flow)
    if flows:
        data["flows"] = flows

    elements = sorted(used)
    controls: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 3))):
        control: dict[str, Any] = {
            "control": draw(st.sampled_from(sorted(catalog().controls))),
            "status": draw(st.sampled_from(_enum("controlImpl", "status"))),
        }
        if draw(st.booleans()):
            control["targets"] = "*"
        elif draw(st.booleans()):
            control["targets"] = draw(st.lists(st.sampled_from(elements), unique=True,
                                               min_size=1, max_size=3))
        if control["status"] == "not-applicable" or draw(st.booleans()):
            control["reason"] = draw(TEXT)
        _maybe(draw, control, "evidence", TEXT)
        _maybe(draw, control, "owner", TEXT)
        controls.append(control)
    if controls:
        data["controls"] = controls
    if draw(st.integers(0, 4)) == 0:
        data["x-extra"] = {"anything": [1, "two"]}
    return data


@st.composite
def valid_models(draw: st.DrawFn, max_components: int = 10) -> dict[str, Any]:
    """A valid model; some get controls that mitigate, and accepted risks for, findings the
    engine really produces (random catalog controls rarely meet a finding)."""
    data = draw(model_dicts(max_components))
    if not draw(st.integers(0, 2)):
        return data
    result = load(dump(data))
    assert result.model is not None, [d.format() for d in result.diagnostics]
    findings = sorted((s.finding for s in
                       assess(result.model, catalog(), as_of=AS_OF).findings),
                      key=lambda f: f.id)
    if not findings:
        return data
    for finding in draw(st.lists(st.sampled_from(findings), unique_by=lambda f: f.id,
                                 max_size=4)):
        mitigating = catalog().mitigated_by.get(finding.threat.id, ())
        if not mitigating:
            continue
        control: dict[str, Any] = {
            "control": draw(st.sampled_from(mitigating)),
            "status": draw(st.sampled_from(("implemented", "implemented", "planned",
                                            "not-applicable"))),
            "targets": draw(st.sampled_from(["*", [finding.target]])),
        }
        if control["status"] == "not-applicable":
            control["reason"] = draw(TEXT)
        data.setdefault("controls", []).append(control)
    risks = []
    for finding in draw(st.lists(st.sampled_from(findings), unique_by=lambda f: f.id,
                                 max_size=3)):
        risk: dict[str, Any] = {
            "finding": finding.id, "owner": draw(TEXT), "reason": draw(TEXT),
            # Some lapse before AS_OF, some after: accepted and expired both occur.
            "expires": draw(st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31))).isoformat(),
        }
        _maybe(draw, risk, "ticket", TEXT)
        risks.append(risk)
    if risks:
        data["accepted_risks"] = risks
    return data


# --- properties of valid models ----------------------------------------------------------------

def check_invariants(text: str, outcome: Run) -> None:
    assessment = outcome.assessment
    assert assessment is not None
    model = assessment.model
    kinds = {**{b.id: "boundary" for b in model.boundaries},
             **{c.id: "component" for c in model.components},
             **{f.id: "flow" for f in model.flows}}
    flows = {f.id: f for f in model.flows}
    threats = catalog().threats
    ids = [s.finding.id for s in assessment.findings]
    assert len(ids) == len(set(ids)), "finding ids must be unique"
    lines = len(text.splitlines())
    for status in assessment.findings:
        finding = status.finding
        assert finding.target in kinds, finding.id
        assert kinds[finding.target] == finding.target_kind, finding.id
        threat_id, _, target = finding.id.partition("@")
        assert (threat_id, target) == (finding.threat.id, finding.target)
        assert threat_id in threats and threats[threat_id] is finding.threat
        assert finding.severity in SEVERITIES
        assert finding.likelihood in LEVELS and finding.impact in LEVELS
        assert status.status in STATUSES
        assert 1 <= finding.line <= lines
        assert all(1 <= reason.line <= lines for reason in finding.reasons)
        if finding.also:
            assert finding.target_kind == "flow"
            main = flows[finding.target]
            assert finding.target not in finding.also
            assert len(set(finding.also)) == len(finding.also)
            for other in finding.also:
                assert other in flows, (finding.id, other)
                assert (flows[other].source, flows[other].target) == (main.source, main.target)
        acceptance = next((r for r in model.accepted_risks if r.finding == finding.id), None)
        live = acceptance is not None and dt.date.fromisoformat(acceptance.expires) >= AS_OF
        assert (status.status == "accepted") == live, finding.id
        if acceptance is not None and not live:
            assert status.expired_acceptance == acceptance
    for requirement in assessment.requirements:
        assert requirement.status in REQUIREMENT_STATUSES
        assert set(requirement.missing_on) <= set(requirement.targets)
        assert set(requirement.findings) <= set(ids)
    for readiness in assessment.readiness:
        assert 0 <= readiness.done <= readiness.required
        assert 0 <= readiness.percent <= 100

    report = json.loads(outcome.outputs["json"])
    errors = sorted(assessment_validator().iter_errors(report), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    assert [f["id"] for f in report["findings"]] == ids
    sarif = json.loads(outcome.outputs["sarif"])
    # Mitigated findings are left out of SARIF by design; accepted ones are suppressed results.
    sarif_run = sarif["runs"][0]
    reported = [s for s in assessment.findings if s.unresolved or s.status == "accepted"]
    assert [r["partialFingerprints"]["scopingTuiFindingId/v1"] for r in sarif_run["results"]] \
        == [s.finding.id for s in reported]
    rules = sarif_run["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in sarif_run["results"])
    rows = list(csv.reader(io.StringIO(outcome.outputs["csv"], newline="")))
    assert tuple(rows[0]) == COLUMNS
    assert [row[0] for row in rows[1:]] == ids


@_settings(200)
@given(valid_models())
def test_random_valid_models_run_through_the_whole_pipeline(data: dict[str, Any]) -> None:
    text = dump(data)
    first = run(text)
    assert first.result.ok, [d.format() for d in first.result.diagnostics]
    assert all(d.severity is Severity.WARNING for d in first.result.diagnostics)
    check_invariants(text, first)
    second = run(text)
    assert second.outputs == first.outputs, "the same model must give byte-identical output"


@_settings(40)
@given(valid_models())
def test_graphviz_accepts_the_dot_of_random_models(data: dict[str, Any]) -> None:
    """The DOT source is valid for Graphviz whatever the names, and the HTML report embeds the
    sanitised diagram."""
    required_program("dot")
    outcome = run(dump(data))
    assert outcome.assessment is not None
    svg = render_graph(outcome.outputs["dot"], "svg").decode("utf-8")
    assert sanitize_svg(svg) is not None
    assert "<svg" in render_html(outcome.assessment, svg, catalog=catalog())


def _finding_map(text: str) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    outcome = run(text)
    assert outcome.assessment is not None, [d.format() for d in outcome.result.diagnostics]
    return {s.finding.id: (s.finding.severity, s.status, s.finding.also)
            for s in outcome.assessment.findings}


@_settings(100)
@given(st.data())
def test_reordering_components_and_flows_changes_no_finding(data: st.DataObject) -> None:
    model = data.draw(valid_models())
    before = _finding_map(dump(model))
    shuffled = copy.deepcopy(model)
    shuffled["components"] = data.draw(st.permutations(model["components"]))
    assert set(_finding_map(dump(shuffled))) == set(before)
    if "flows" in model:
        shuffled["flows"] = data.draw(st.permutations(model["flows"]))
    if "boundaries" in model:
        shuffled["boundaries"] = data.draw(st.permutations(model["boundaries"]))
    # Not only the ids: severity, status and the flows a finding groups stay the same.
    assert _finding_map(dump(shuffled)) == before


# Rules test the system's component types (`system_has_types` under `not:` for these three) and
# the derived scopes (which model components change), so only other types are "unrelated".
ABSENCE_TESTED = ("training-data", "monitoring", "model-registry")
NEUTRAL_TYPES = tuple(t for t in COMPONENT_TYPES
                      if t not in ABSENCE_TESTED and t not in MODEL_TYPES)


@_settings(100)
@given(st.data())
def test_an_unrelated_component_removes_no_finding_elsewhere(data: st.DataObject) -> None:
    model = data.draw(valid_models())
    before = _finding_map(dump(model))
    grown = copy.deepcopy(model)
    extra = {"id": "zz-unrelated", "name": "Unrelated",
             "type": data.draw(st.sampled_from(NEUTRAL_TYPES))}
    if "boundaries" in model and data.draw(st.booleans()):
        extra["boundary"] = data.draw(st.sampled_from([b["id"] for b in model["boundaries"]]))
    position = data.draw(st.integers(0, len(model["components"])))
    grown["components"].insert(position, extra)
    after = _finding_map(dump(grown))
    assert set(before) <= set(after)
    assert all(f.endswith("@zz-unrelated") for f in set(after) - set(before))


def test_a_component_of_an_absence_tested_type_can_remove_a_finding() -> None:
    """Why the property above excludes some types: the rules look at the whole system."""
    base: dict[str, Any] = {"version": 1, "system": {"name": "S"}, "components": [
        {"id": "app", "name": "App", "type": "service"},
        {"id": "llm", "name": "Tuned model", "type": "foundation-model",
         "model": {"origin": "fine-tuned"}}],
        "flows": [{"id": "ask", "from": "app", "to": "llm"}]}
    grown = copy.deepcopy(base)
    grown["components"].append({"id": "dataset", "name": "Data", "type": "training-data"})
    before, after = set(_finding_map(dump(base))), set(_finding_map(dump(grown)))
    # Poisoning moves from the model to the data set once the data set is modelled.
    removed = {f for f in before - after if not f.endswith("@dataset")}
    assert removed == {"LLM04-TRAINING-DATA-POISONING@llm"}
    assert "LLM04-TRAINING-DATA-POISONING@dataset" in after


def _collect_texts(count: int) -> list[str]:
    texts: list[str] = []

    @_settings(count)
    @given(valid_models(max_components=6))
    def collect(data: dict[str, Any]) -> None:
        texts.append(dump(data))

    collect()
    return texts


RENDER_ALL = """
import hashlib, json, sys
sys.path.insert(0, sys.argv[1])
import test_pipeline_properties as t
out = {}
for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as handle:
        outcome = t.run(handle.read())
    out[path] = {k: hashlib.sha256(v.encode()).hexdigest() for k, v in outcome.outputs.items()}
print(json.dumps(out, sort_keys=True))
"""


def test_outputs_do_not_depend_on_hash_seed(tmp_path: Path) -> None:
    """Byte-identical across processes: set and dict order must never leak into output."""
    paths = []
    for number, text in enumerate(_collect_texts(12)):
        path = tmp_path / f"m{number}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    digests = []
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", RENDER_ALL, str(Path(__file__).parent),
                               *paths], capture_output=True, text=True, env=env, check=True,
                              timeout=120)
        digests.append(json.loads(done.stdout))
    assert digests[0] == digests[1]
    assert all(len(d) == len(EXPORTERS) for d in digests[0].values())


# --- mutations ---------------------------------------------------------------------------------

Node = Any
Location = tuple[Any, Any]  # (container, key or index)


def _locations(node: Node) -> list[Location]:
    found: list[Location] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((node, key))
            found.extend(_locations(value))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.append((node, index))
            found.extend(_locations(value))
    return found


WRONG_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**20),
                         st.floats(allow_nan=True), st.text(max_size=12),
                         st.lists(st.integers(), max_size=2), st.just({}),
                         st.just({"a": [1]}), st.just("ZZ-NOT-AN-ID"), st.just("Bad Id!"),
                         st.sampled_from(["2027-02-30", "2027-13-01", "0000-00-00", "1e3", "yes",
                                          "~", "a" * 300, "agent\n", "*", "@", "X@y", "X@",
                                          "@y", "LLM01-DIRECT-INJECTION@"]),
                         st.just([[[[[[[]]]]]]]), st.just([{"id": "x"}] * 3))

REFERENCES = (("flows", "from"), ("flows", "to"), ("components", "boundary"),
              ("boundaries", "parent"))

RANDOM_YAML = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["{", "}", "[", "- -", ": :", "key: [unclosed", "&a x", "*missing",
                     "!!python/object:os.system ls", "? complex", "\t- tab", "%YAML 1.1",
                     "---", "...", "'unterminated", "\"esc \\q\"", "x: !!binary AAA",
                     "<<: *a", "\x00", "\ufeff", "é: 1"]),
)


@st.composite
def mutated_texts(draw: st.DrawFn) -> str:
    data = draw(valid_models(max_components=6))
    kind = draw(st.sampled_from(["drop", "retype", "duplicate-id", "dangling", "insert-text",
                                 "several"]))
    rounds = draw(st.integers(2, 4)) if kind == "several" else 1
    for _ in range(rounds):
        step = kind if kind != "several" else draw(st.sampled_from(
            ["drop", "retype", "duplicate-id", "dangling"]))
        locations = _locations(data)
        if step == "drop":
            container, key = draw(st.sampled_from(locations))
            del container[key]
        elif step == "retype":
            container, key = draw(st.sampled_from(locations))
            container[key] = draw(WRONG_VALUES)
        elif step == "duplicate-id":
            items = [item for section in ("boundaries", "components", "flows")
                     for item in data.get(section) or [] if isinstance(item, dict)]
            if len(items) >= 2:
                first, second = draw(st.permutations(items))[:2]
                second["id"] = first.get("id")
        elif step == "dangling":
            section, key = draw(st.sampled_from(REFERENCES))
            items = [i for i in data.get(section) or [] if isinstance(i, dict)]
            agents = [c["agent"] for c in data["components"]
                      if isinstance(c, dict) and isinstance(c.get("agent"), dict)]
            if bool(agents) and draw(st.booleans()):
                agent = draw(st.sampled_from(agents))
                choice = draw(st.sampled_from(["model", "memory", "delegates_to", "tools"]))
                agent[choice] = "missing-id" if choice == "model" else \
                    [{"tool": "missing-id"}] if choice == "tools" else ["missing-id"]
            elif data.get("accepted_risks") and draw(st.booleans()):
                data["accepted_risks"][0]["finding"] = "LLM01-DIRECT-INJECTION@missing-id"
            elif items:
                draw(st.sampled_from(items))[key] = "missing-id"
    text = dump(data)
    if draw(st.integers(0, 3)) == 0:
        # Dates and numbers as people type them, unquoted (YAML 1.1 would make them dates).
        text = text.replace("'20", "20").replace("-01'", "-01").replace("'1'", "1")
    if kind == "insert-text":
        lines = text.splitlines(keepends=True)
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, draw(RANDOM_YAML) + draw(st.sampled_from(["\n", "", "\r\n"])))
        text = "".join(lines)
    return text


@_settings(400)
@given(mutated_texts())
def test_mutated_models_give_positioned_errors_or_a_clean_analysis(text: str) -> None:
    outcome = run(text)  # must not raise, whatever the damage
    result = outcome.result
    lines = max(1, text.count("\n") + 1)
    for diagnostic in result.diagnostics:
        assert diagnostic.line >= 1 and diagnostic.column >= 1, diagnostic.format()
        assert diagnostic.line <= lines + 1, diagnostic.format()
        assert diagnostic.message.strip()
    if result.ok:
        assert outcome.assessment is not None
        assert set(outcome.outputs) == set(EXPORTERS)
        check_invariants(text, outcome)
    else:
        assert has_errors(result.diagnostics), "an unusable file must say why"
        assert outcome.assessment is None


@pytest.mark.parametrize("sample", sorted((ROOT / "samples").glob("*.yaml")),
                         ids=lambda p: p.stem)
def test_samples_satisfy_the_same_invariants(sample: Path) -> None:
    text = sample.read_text(encoding="utf-8")
    outcome = run(text)
    assert outcome.result.ok
    check_invariants(text, outcome)
