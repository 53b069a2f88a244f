"""Import of Open Threat Model (OTM) files: other tools' OTM, our own export, hostile files.

The fixtures live in ``tests/data/interop/otm/`` (its README says what each is). Every import
goes through ``import_file`` as the CLI does; the YAML it writes is loaded again with the model
loader and analysed, and the tests assert what a user would see in the model and its findings.
The round trip exports every bundled sample with ``scoping_tui.formats.otm.write`` and imports it
back.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scoping_tui.engine.assessment import assess
from scoping_tui.engine.catalog import Catalog
from scoping_tui.formats.common import ImportFailed, read_source
from scoping_tui.formats.importer import ImportResult, import_file
from scoping_tui.formats.otm import read as otm
from scoping_tui.formats.otm.write import render_otm
from scoping_tui.formats.registry import IMPORT_FORMATS, reader
from scoping_tui.model.types import SystemModel
from scoping_tui.model.validate import load_model
from tests import interop_support
from tests.conftest import SAMPLES
from tests.interop_support import (
    AS_OF,
    INTEROP,
    assert_all_listed,
    reloaded,
    summary_header,
    write_json,
)

DATA = INTEROP / "otm"
HOSTILE = DATA / "hostile"
PLAIN = DATA / "plain-iriusrisk-style.otm.json"
README_STYLE = DATA / "plain-readme-style.otm.yaml"

# Shared fixtures, bound here so that pytest finds them.
catalog = interop_support.catalog
in_tmp = interop_support.in_tmp


def notes(result: ImportResult, kind: str, element: str | None = None) -> list[str]:
    return [n.message for n in result.notes
            if n.kind == kind and (element is None or n.element == element)]


# --- plain OTM from other tools --------------------------------------------------------------

def test_otm_files_are_recognised_and_no_other_importer_claims_them() -> None:
    for path in (PLAIN, README_STYLE):
        data = read_source(path).data
        assert otm.detect(data)
        for name in IMPORT_FORMATS:
            if name != "otm":
                assert not reader(name).detect(data), f"{name} claims {path.name}"
    assert not otm.detect({"version": 1, "system": {"name": "ours"}})
    assert not otm.detect([{"otmVersion": "0.2.0"}])


def test_third_party_otm_becomes_a_sensible_model(catalog: Catalog) -> None:
    result = import_file(PLAIN, "otm", as_of=AS_OF)
    model = reloaded(result, catalog)
    boundaries = {b.id: (b.kind, b.parent) for b in model.boundaries}
    assert boundaries == {
        "internet": ("internet", None),
        "public-cloud": ("cloud-account", None),
        "private-secured": ("cloud-account", "public-cloud"),
        # nested in the EKS cluster component: placed in the cluster's own boundary
        "claims-cluster-ns": ("container", "private-secured"),
        "model-vendor": ("third-party", None),
    }
    components = {c.id: (c.type, c.boundary) for c in model.components}
    assert components == {
        "policyholder": ("user", "internet"),
        "web-client": ("client-app", "internet"),
        "mobile-app": ("client-app", "internet"),
        "edge": ("api-gateway", "public-cloud"),
        "claims-cluster": ("service", "private-secured"),
        "claims-api": ("service", "private-secured"),  # nested in claims-cluster
        "claims-assistant": ("agent", "claims-cluster-ns"),
        "llm": ("foundation-model", "model-vendor"),
        "claims-index": ("vector-store", "private-secured"),
        "claims-db": ("data-store", "private-secured"),
        "fraud-scoring": ("service", "private-secured"),  # an empty-component
    }
    by_id = {c.id: c for c in model.components}
    # data from the assets' confidentiality ratings and names
    assert set(by_id["claims-db"].data) == {"confidential", "restricted", "pii"}
    assert set(by_id["web-client"].data) >= {"credentials", "pii"}
    # what has no field of its own stays readable in the description
    assert "OTM type: CD-MICROSOFT-AZURE-DB-POSTGRESQL" in by_id["claims-db"].description
    assert "Mobile Client Technologies: Android" in by_id["mobile-app"].description
    assert "ClaimsController.java:42" in by_id["claims-api"].description
    assert by_id["claims-api"].tags == ("java", "spring")
    assert model.system.name == "Claims portal"
    assert model.system.owner == "Claims Platform Team <claims-platform@example.com>"
    assert "cmdbId: APP-4411" in model.system.description
    assert model.system.tags == ("insurance", "customer-facing")
    assert not model.system.phase_declared

    flows = {f.id: f for f in model.flows}
    assert "to-zone" not in flows and "dangling" not in flows  # to a zone, to nothing
    assert (flows["web-edge"].protocol, flows["web-edge"].encrypted) == ("https", True)
    assert flows["api-db"].protocol == "sql"
    assert flows["app-edge"].protocol is None  # tagged both http and https
    assert set(flows["web-edge"].data) == {"confidential", "restricted", "pii", "credentials"}

    controls = {(c.control, c.status, c.targets) for c in model.controls}
    assert controls == {
        ("GUARD-INPUT-FILTER", "implemented", ("claims-assistant",)),
        ("GUARD-PROMPT-ATTACK-FILTER", "planned", ("claims-assistant",)),
        ("GUARD-OUTPUT-ENCODING", "planned", ("claims-api",)),
        ("DATA-ENCRYPT-IN-TRANSIT", "implemented", ("web-edge",)),
    }

    human = " | ".join(notes(result, "human"))
    for expected in ("SQL injection", "Use prepared statements", "Traffic sniffing",
                     "Denial of wallet", "'empty-component' (a placeholder)",
                     "the name mentions 'model'", "trust zone 'model-vendor'", "'mainframe'",
                     "several protocols named (http, https)"):
        assert expected in human
    assert "type agent from the OTM type 'agent'" in notes(result, "guessed",
                                                           "claims-assistant")
    assert any("bidirectional" in n for n in notes(result, "guessed", "web-edge"))

    assessment = assess(model, catalog, as_of=AS_OF)
    statuses = {s.finding.id: s.status for s in assessment.findings}
    # the mapped input filter partly mitigates direct injection on the assistant
    assert statuses["LLM01-DIRECT-INJECTION@claims-assistant"] == "partially-mitigated"
    # OTM says nothing of the edge's authentication: a question for the review, not a finding
    assert "STRIDE-FLOW-UNAUTHENTICATED@web-edge" not in statuses
    asked = {d for q in assessment.questions for d in q.decides}
    assert "STRIDE-FLOW-UNAUTHENTICATED@web-edge" in asked
    worst = assess(model, catalog, as_of=AS_OF, unknowns="worst-case")
    assert {s.finding.id: s.status for s in worst.findings}[
        "STRIDE-FLOW-UNAUTHENTICATED@web-edge"] == "open"
    assert "STRIDE-FLOW-UNENCRYPTED@web-edge" not in statuses  # https said so


def test_every_decision_is_a_comment_above_its_element() -> None:
    result = import_file(PLAIN, "otm", as_of=AS_OF)
    lines = result.text.splitlines()
    at = lines.index("  - id: fraud-scoring")
    assert lines[at - 2:at] == [
        "  # decide: the OTM type 'empty-component' (a placeholder) matches no scoping-tui "
        "type: made a plain service; set its type",
        "  # decide: the name mentions 'model' but the OTM type does not say it is an AI "
        "component: if it is a model, agent or store, change its type",
    ]
    summary_header(result, "Open Threat Model (OTM)", PLAIN)


def test_readme_style_yaml_with_older_forms(catalog: Catalog) -> None:
    result = import_file(README_STYLE, "otm", as_of=AS_OF)
    model = reloaded(result, catalog)
    assert {b.id: b.parent for b in model.boundaries} == {"internet": None,
                                                          "private": "internet"}
    by_id = {c.id: c for c in model.components}
    # `web_service` is a valid id as it stands: kept, and the flows keep pointing at it
    assert by_id["web_service"].boundary == "private"
    assert {(f.source, f.target) for f in model.flows} == {
        ("web-client", "web_service"), ("web_service", "customer-database")}
    assert set(by_id["web_service"].data) == {"public", "restricted", "payment"}
    assert "OTM attribute department: IT" in by_id["web_service"].description
    human = " | ".join(notes(result, "human"))
    assert "IAM-POLICY-AS-CODE, in a state scoping-tui cannot place" in human  # REJECTED
    assert "accept finding LLM01-DIRECT-INJECTION@cc-store-in-db" in human
    assert not model.controls and not model.accepted_risks


def test_import_is_deterministic(tmp_path: Path) -> None:
    first = import_file(PLAIN, "otm", as_of=AS_OF).text
    copy = tmp_path / PLAIN.name
    copy.write_bytes(PLAIN.read_bytes())
    assert import_file(copy, "otm", display=str(PLAIN), as_of=AS_OF).text == first


# --- our own export, imported back -----------------------------------------------------------

def export(model: SystemModel, catalog: Catalog, folder: Path, name: str) -> Path:
    path = folder / f"{name}.otm.json"
    path.write_text(render_otm(assess(model, catalog, as_of=AS_OF)), encoding="utf-8")
    return path


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_round_trip_of_every_sample(sample: Path, tmp_path: Path, catalog: Catalog) -> None:
    original = load_model(sample).model
    assert original is not None
    result = import_file(export(original, catalog, tmp_path, sample.stem), "otm",
                         as_of=AS_OF)
    model = reloaded(result, catalog)
    # every field of every element: ids, types, names, boundaries, facts, flows' ends,
    # protocol, authentication, encryption and data, boundaries' kinds and parents
    assert model.components == original.components
    assert model.flows == original.flows
    assert model.boundaries == original.boundaries
    assert model.system == original.system
    assert model.controls == original.controls
    assert model.accepted_risks == original.accepted_risks
    assert notes(result, "guessed") == [] and notes(result, "human") == []

    def findings(m: SystemModel) -> set[tuple[str, str]]:
        return {(s.finding.id, s.status) for s in assess(m, catalog, as_of=AS_OF).findings}

    assert findings(model) == findings(original)


ODD_MODEL = """\
version: 1
system: {name: Odd corners}
boundaries:
  - {id: vpc, name: VPC, kind: vpc}
components:
  - {id: person, name: Person, type: user}
  - id: bot
    name: Bot
    type: agent
    boundary: vpc
    agent: {tools: [{tool: lookup_tool, permissions: [read]}]}
  - {id: lookup_tool, name: Lookup, type: tool, boundary: vpc, tool: {}}
flows:
  - {id: person-bot, from: person, to: bot}
  - {id: bot-lookup, from: bot, to: lookup_tool, name: "", protocol: in-process}
"""


def test_round_trip_of_unnamed_flows_unbounded_components_and_odd_ids(
        tmp_path: Path, catalog: Catalog) -> None:
    source = tmp_path / "odd.yaml"
    source.write_text(ODD_MODEL, encoding="utf-8")
    original = load_model(source).model
    assert original is not None
    result = import_file(export(original, catalog, tmp_path, "odd"), "otm", as_of=AS_OF)
    model = reloaded(result, catalog)
    by_id = {c.id: c for c in model.components}
    assert by_id["person"].boundary is None  # the export's stand-in zone is not a boundary
    assert [b.id for b in model.boundaries] == ["vpc"]
    assert {f.id: f.name for f in model.flows} == {"person-bot": "", "bot-lookup": ""}
    # an id with `_` is valid and comes back unchanged, with every reference to it
    assert "lookup_tool" in by_id and by_id["bot"].agent is not None
    assert by_id["bot"].agent.tools[0].tool == "lookup_tool"
    assert ("bot", "lookup_tool") in {(f.source, f.target) for f in model.flows}
    assert not notes(result, "guessed")


def test_edited_export_keeps_what_is_ours_and_guesses_the_rest(
        tmp_path: Path, catalog: Catalog) -> None:
    original = load_model(SAMPLES[0].parent / "ops-agent.yaml").model
    assert original is not None
    path = export(original, catalog, tmp_path, "ops")
    document = json.loads(path.read_text(encoding="utf-8"))
    for component in document["components"]:
        if component["id"] == "prod-services":
            del component["attributes"]  # as another tool might, editing the file
            component["type"] = "kubernetes-workload"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = import_file(path, "otm", as_of=AS_OF)
    model = reloaded(result, catalog)
    by_id = {c.id: c for c in model.components}
    assert by_id["prod-services"].type == "service"
    assert by_id["prod-services"].hosting is None
    assert notes(result, "guessed", "prod-services")
    assert by_id["ops-agent"] == original.component("ops-agent")
    assert notes(result, "guessed", "ops-agent") == []


# --- hostile files ---------------------------------------------------------------------------

# None: must import into a valid model; text: ImportFailed, and the line it points at holds it.
EXPECTED: dict[str, str | None] = {
    "malformed-json.otm.json": '"web" "name"',
    "malformed-yaml.otm.yaml": "",
    "python-object-tag.otm.yaml": "!!python/object/apply",
    "nesting-10000-deep.otm.json": "[[[[",
    "alias-bomb.otm.yaml": "*",
    "duplicate-keys.otm.json": '"Other name"',
    "top-level-list.otm.json": "[",
    "no-project.otm.json": "{",
    "project-is-list.otm.json": '"project": [',
    "trust-zones-is-object.otm.json": '"trustZones": {',
    "component-is-text.otm.json": '["web-client"]',
    "name-is-object.otm.json": '{"en": "Web"}',
    "parent-is-list.otm.json": '"parent": ["internet"]',
    "tags-is-text.otm.json": '"tags": "react,spa"',
    "rating-is-text.otm.json": '"confidentiality": "high"',
    "rating-is-nan.otm.json": "NaN",
    "source-is-list.otm.json": '"source": ["a"]',
    "bidirectional-is-number.otm.json": '"bidirectional": 2',
    "threat-instance-is-text.otm.json": '["sqli"]',
    "attributes-is-text.otm.json": '"owner=me"',
    "version-is-object.otm.json": '"otmVersion": {',
    "duplicate-component-ids.otm.json": '"Web again"',
    "same-id-zone-and-component.otm.json": None,
    "missing-references.otm.json": None,
    "nesting-cycles.otm.json": None,
    "empty-names.otm.json": None,
    "hostile-names.otm.json": None,
    "ours-valid-baseline.otm.json": None,
    "ours-layout-2.otm.json": '"layout": 2',
    "ours-attributes-is-list.otm.json": '"scoping-tui": [',
    "ours-bad-hosting.otm.json": '"on-the-moon"',
    "ours-tools-is-text.otm.json": '"all of them"',
    "ours-dangling-tool.otm.json": '"deleted-tool"',
    "ours-unknown-key.otm.json": '"autonomy"',
    "ours-misplaced-section.otm.json": '"store"',
    "ours-unknown-control.otm.json": '"NO-SUCH-CONTROL"',
    "ours-bad-risk.otm.json": '"owner": ""',
    "ours-id-override.otm.json": '"someone-else"',
}
HOSTILE_FILES = sorted(p for p in HOSTILE.iterdir() if p.name != "README.md")


def test_every_hostile_file_is_listed() -> None:
    assert_all_listed(HOSTILE, EXPECTED, DATA / "README.md")


def check(path: Path, catalog: Catalog, expected: str | None) -> ImportResult | None:
    """Import ``path``: a valid model, or ImportFailed naming the file, line and column."""
    display = f"hostile/{path.name}"
    try:
        result = import_file(path, "otm", display=display, as_of=AS_OF)
    except ImportFailed as failed:
        assert expected is not None, [d.format() for d in failed.diagnostics]
        assert failed.diagnostics
        first = failed.diagnostics[0]
        assert first.file == display and first.line >= 1 and first.column >= 1
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        if expected:
            assert first.line <= len(lines) and expected in lines[first.line - 1], \
                first.format()
        return None
    assert expected is None, f"{path.name} imported, but should fail at {expected!r}"
    reloaded(result, catalog)
    return result


@pytest.mark.parametrize("path", HOSTILE_FILES, ids=lambda p: p.name)
def test_hostile_file(path: Path, catalog: Catalog, in_tmp: Path) -> None:
    check(path, catalog, EXPECTED[path.name])


def test_hostile_names_keep_yaml_and_comments_intact(catalog: Catalog) -> None:
    result = check(HOSTILE / "hostile-names.otm.json", catalog, None)
    assert result is not None
    model = reloaded(result, catalog)
    assert model.system.name == "Line one\nline two: still the name"
    assert [c.name for c in model.components][2] == "<script>alert(1)</script>"
    header = result.text.splitlines()[:result.text.splitlines().index("version: 1")]
    assert all(line.startswith("#") or not line for line in header)
    comments = [line for line in result.text.splitlines() if line.lstrip().startswith("#")]
    unsafe = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
    assert not any(unsafe.search(line) for line in comments)
    assert "\x1b" not in result.text  # YAML escapes it in values


def test_missing_references_become_notes(catalog: Catalog) -> None:
    result = check(HOSTILE / "missing-references.otm.json", catalog, None)
    assert result is not None
    model = reloaded(result, catalog)
    assert {f.id for f in model.flows} == {"web-db"}
    assert {c.id: c.boundary for c in model.components} == {"web": None, "api": None,
                                                            "db": "dmz"}
    human = " | ".join(notes(result, "human"))
    for expected in ("'no-such-zone' is not in the file", "'no-such-component'",
                     "asset 'no-such-asset'", "threat 'no-such-threat'",
                     "'no-such-mitigation'", "unknown destination 'nowhere'",
                     "trust zone 'dmz' as its source", "asset 'lost'"):
        assert expected in human


def test_nesting_cycles_are_broken(catalog: Catalog) -> None:
    result = check(HOSTILE / "nesting-cycles.otm.json", catalog, None)
    assert result is not None
    model = reloaded(result, catalog)
    parents = {b.id: b.parent for b in model.boundaries}
    assert parents["self"] is None and parents["in-x"] is None
    assert [parents["a"], parents["b"]].count(None) == 1
    assert {c.id: c.boundary for c in model.components}["p"] is None
    assert sum("cycle" in n for n in notes(result, "human")) == 1


def test_ten_thousand_components_and_flows(tmp_path: Path, catalog: Catalog) -> None:
    """Bounded: the import finishes (no timing assertion; benchmarks measure speed)."""
    n = 10_000
    path = write_json(tmp_path / "big.otm.json", {
        "otmVersion": "0.2.0", "project": {"name": "Big", "id": "big"},
        "trustZones": [{"id": "z", "name": "Cloud", "risk": {"trustRating": 70}}],
        "components": [{"id": f"svc-{i}", "name": f"Service {i}", "type": "web-service",
                        "parent": {"trustZone": "z"}} for i in range(n)],
        "dataflows": [{"id": f"f-{i}", "name": f"Call {i}", "source": f"svc-{i}",
                       "destination": f"svc-{(i + 1) % n}"} for i in range(n)]})
    result = import_file(path, "otm", as_of=AS_OF)
    assert len(result.model.components) == n and len(result.model.flows) == n


def test_deep_chains_of_zones_and_components(tmp_path: Path, catalog: Catalog) -> None:
    m = 2_000
    path = write_json(tmp_path / "deep.otm.json", {
        "otmVersion": "0.2.0", "project": {"name": "Deep", "id": "deep"},
        "trustZones": [{"id": f"z{i}", "name": f"Zone {i}", "risk": {"trustRating": 50},
                        **({"parent": {"trustZone": f"z{i - 1}"}} if i else {})}
                       for i in range(m)],
        "components": [{"id": f"c{i}", "name": f"C {i}", "type": "web-service",
                        "parent": {"component": f"c{i - 1}"} if i else
                        {"trustZone": f"z{m - 1}"}} for i in range(m)]})
    result = import_file(path, "otm", as_of=AS_OF)
    model = reloaded(result, catalog)
    parent = {b.id: b.parent for b in model.boundaries}

    def depth(boundary: str | None) -> int:
        count = 0
        while boundary is not None:
            boundary, count = parent[boundary], count + 1
        return count

    assert max(depth(b) for b in parent) <= 24
    assert {c.boundary for c in model.components} == {"z1999"}
    assert any("nest more than 24 deep" in n for n in notes(result, "human"))


def test_huge_strings(tmp_path: Path, catalog: Catalog) -> None:
    path = write_json(tmp_path / "huge.otm.json", {
        "otmVersion": "0.2.0",
        "project": {"name": "X" * 1_000_000, "id": "huge", "description": "D" * 1_000_000},
        "trustZones": [{"id": "z", "name": "Z" * 100_000, "risk": {"trustRating": 70}}],
        "components": [{"id": "a" * 5_000, "name": "N" * 100_000, "type": "t" * 100_000,
                        "parent": {"trustZone": "z"}}]})
    result = import_file(path, "otm", as_of=AS_OF)
    model = reloaded(result, catalog)
    assert len(model.system.name) == 200 and len(model.components[0].name) == 200
    assert len(model.components[0].id) <= 64
    assert "N" * 100_000 in model.components[0].description  # the whole name is kept
