"""Open Threat Model export: valid OTM, the model's structure kept, and enough to rebuild it."""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator, validators

from scoping_tui.engine.assessment import Assessment, assess
from scoping_tui.engine.catalog import load_catalog
from scoping_tui.formats.otm.write import render_otm
from scoping_tui.formats.registry import REPORT_FORMATS, render_report
from scoping_tui.model.types import SystemModel
from scoping_tui.model.validate import load_text
from tests.conftest import ROOT
from tests.interop_support import (
    AS_OF,
    assessed,
    assessed_elsewhere,
    hostile_assessments,
    sample_fixture,
    with_boundary_threat,
)

SCHEMA_FILE = ROOT / "tests" / "data" / "external" / "otm-schema.json"
KEY = "scoping-tui"
sample = sample_fixture(render_otm)


def exported(assessment: Assessment) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(render_otm(assessment))
    return data


def schema_errors(document: dict[str, Any]) -> list[str]:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator = validators.validator_for(schema)
    assert validator is Draft7Validator  # what the OTM schema's $schema says
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator(schema).iter_errors(document)]


def rebuild(document: dict[str, Any]) -> dict[str, Any]:
    """The model YAML back from an OTM export, following the layout documented in
    ``scoping_tui.formats.otm.write``: native fields, then the ``scoping-tui`` attributes over
    them."""
    def extra(element: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = (element.get("attributes") or {}).get(KEY, {})
        return found

    def native(element: dict[str, Any], *keys: str) -> dict[str, Any]:
        return {key: element[key] for key in keys if element.get(key) is not None}

    project = document["project"]
    state = extra(project)
    system = {**native(project, "name", "description", "owner", "tags"), **state["system"]}
    synthetic = {z["id"] for z in document["trustZones"] if extra(z).get("synthetic")}
    boundaries = [{**native(z, "id", "name", "description"), "kind": z["type"],
                   **({"parent": z["parent"]["trustZone"]} if "parent" in z else {})}
                  for z in document["trustZones"] if z["id"] not in synthetic]
    components = []
    for c in document["components"]:
        zone = c["parent"]["trustZone"]
        components.append({**native(c, "id", "name", "type", "description", "tags"),
                           **({} if zone in synthetic else {"boundary": zone}), **extra(c)})
    flows = [{**native(f, "id", "name", "description"), "from": f["source"],
              "to": f["destination"], **extra(f)} for f in document["dataflows"]]
    for flow in flows:
        if flow["name"] == "":
            del flow["name"]
    return {"version": 1, "system": system, "boundaries": boundaries,
            "components": components, "flows": flows, "controls": state["controls"],
            "accepted_risks": state["accepted_risks"]}


def _yaml_text(data: dict[str, Any]) -> str:
    """JSON is YAML, once the characters YAML may not hold raw are escaped (JSON escapes the
    C0 controls itself; DEL, C1 controls (NEL would read as a line break) and U+FFFE/U+FFFF
    are left)."""
    def safe(char: str) -> bool:
        code = ord(char)
        return code < 0x7F or 0xA0 <= code <= 0xFFFD or code >= 0x10000
    text = json.dumps(data, ensure_ascii=False)
    return "".join(c if safe(c) else f"\\u{ord(c):04x}" for c in text)


def rebuilt_model(document: dict[str, Any]) -> SystemModel:
    loaded = load_text(_yaml_text(rebuild(document)), "rebuilt.yaml")
    assert loaded.model is not None, [d.format() for d in loaded.diagnostics]
    return loaded.model


def test_every_sample_validates_against_the_published_schema(
        sample: tuple[Assessment, dict[str, Any]]) -> None:
    assert schema_errors(sample[1]) == []


def test_zones_components_and_flows_match_the_model(
        sample: tuple[Assessment, dict[str, Any]]) -> None:
    assessment, document = sample
    model = assessment.model
    assert document["otmVersion"] == "0.2.0"
    zones = {z["id"]: z for z in document["trustZones"]}
    assert list(zones) == [b.id for b in model.boundaries]  # every sample places everything
    for boundary in model.boundaries:
        zone = zones[boundary.id]
        assert (zone["name"], zone["type"]) == (boundary.name, boundary.kind)
        assert zone.get("parent") == ({"trustZone": boundary.parent} if boundary.parent
                                      else None)
        assert 0 <= zone["risk"]["trustRating"] <= 100
    components = document["components"]
    assert [(c["id"], c["name"], c["type"], c["parent"]["trustZone"]) for c in components] == \
        [(c.id, c.name, c.type, c.boundary) for c in model.components]
    ids = {c["id"] for c in components}
    flows = document["dataflows"]
    assert [(f["id"], f["source"], f["destination"]) for f in flows] == \
        [(f.id, f.source, f.target) for f in model.flows]
    for flow in flows:
        assert flow["source"] in ids and flow["destination"] in ids
        assert flow["bidirectional"] is False and flow["name"]


def test_internet_and_third_parties_are_trusted_least() -> None:
    document = exported(assessed(ROOT / "samples" / "multi-agent-research.yaml"))
    rating = {z["type"]: z["risk"]["trustRating"] for z in document["trustZones"]}
    inside = [r for kind, r in rating.items() if kind in ("cloud-account", "vpc", "container")]
    outside = [r for kind, r in rating.items() if kind in ("internet", "third-party")]
    assert inside and outside and max(outside) < min(inside)


def test_every_finding_is_a_threat_instance_on_its_elements(
        sample: tuple[Assessment, dict[str, Any]]) -> None:
    assessment, document = sample
    elements = {e["id"]: e for e in document["components"] + document["dataflows"]}
    threats = {t["id"]: t for t in document["threats"]}
    mitigations = {m["id"]: m for m in document["mitigations"]}
    assert set(threats) == {s.finding.threat.id for s in assessment.findings}
    assert list(mitigations) == [r.control.id for r in assessment.requirements]
    state = {"open": "exposed", "partially-mitigated": "partly-mitigated",
             "mitigated": "mitigated", "accepted": "accepted"}
    for status in assessment.findings:
        finding = status.finding
        for element in (finding.target, *finding.also):
            instances = [i for i in elements[element]["threats"]
                         if i["threat"] == finding.threat.id]
            assert len(instances) == 1
            instance = instances[0]
            assert instance["state"] == state[status.status]
            listed = {m["mitigation"]: m["state"] for m in instance["mitigations"]}
            assert set(listed) == {r.control.id for r in assessment.requirements
                                   if finding.id in r.findings}
            for control in status.missing:
                assert listed[control] in ("required", "recommended", "planned")
            for control in status.implemented:
                assert listed[control] in ("implemented", "not-applicable")
    for threat in document["threats"]:
        catalog = load_catalog().threats[threat["id"]]
        names = {"S": "Spoofing", "T": "Tampering", "R": "Repudiation",
                 "I": "Information disclosure", "D": "Denial of service",
                 "E": "Elevation of privilege"}
        assert threat["categories"] == [names[s] for s in catalog.stride]
        assert threat["risk"]["likelihood"] in (30, 60, 90)
        assert threat["risk"]["impact"] in (30, 60, 90)
    for mitigation in document["mitigations"]:
        assert 0 <= mitigation["riskReduction"] <= 100


def test_threat_risk_follows_the_highest_rating() -> None:
    assessment = assessed(ROOT / "samples" / "ops-agent.yaml")
    threats = {t["id"]: t for t in exported(assessment)["threats"]}
    code = next(s.finding for s in assessment.findings
                if s.finding.id == "AGENT-CODE-EXECUTION@ops-agent")
    assert (code.likelihood, code.impact, code.severity) == ("high", "high", "critical")
    assert threats["AGENT-CODE-EXECUTION"]["risk"]["likelihood"] == 90
    assert threats["AGENT-CODE-EXECUTION"]["risk"]["impact"] == 90


def test_the_model_can_be_rebuilt_from_the_export(
        sample: tuple[Assessment, dict[str, Any]]) -> None:
    assessment, document = sample
    rebuilt = rebuilt_model(document)
    assert rebuilt == dataclasses.replace(assessment.model, file="rebuilt.yaml")


def test_declared_controls_and_accepted_risks_survive() -> None:
    assessment = assessed(ROOT / "samples" / "rag-support-assistant.yaml")
    state = exported(assessment)["project"]["attributes"][KEY]
    assert state["layout"] == 1
    assert state["system"] == {"phase": "production", "generative_scope": 3,
                               "agentic_scope": 1}
    assert [c["control"] for c in state["controls"]] == \
        [c.control for c in assessment.model.controls]
    assert state["accepted_risks"][0]["finding"] == "LLM09-MISINFORMATION@support-assistant"
    assert state["accepted_risks"][0]["expires"] == "2027-03-31"


UNZONED = """\
version: 1
system: {name: Loose parts}
boundaries:
  - {id: unzoned, name: A boundary that happens to be called unzoned, kind: cloud-account}
  - {id: inner, name: Inner, kind: vpc, parent: unzoned}
components:
  - {id: person, name: Person, type: user}
  - {id: app, name: App, type: client-app, boundary: inner}
  - {id: unzoned-2, name: Taken too, type: service}
flows:
  - {id: use, from: person, to: app}
  - {id: call, from: app, to: unzoned-2, protocol: https}
"""


def test_components_outside_any_boundary_get_a_marked_zone_with_a_free_id() -> None:
    loaded = load_text(UNZONED, "unzoned.yaml")
    assert loaded.model is not None, [d.format() for d in loaded.diagnostics]
    assessment = assess(loaded.model, load_catalog(), as_of=AS_OF)
    document = exported(assessment)
    assert schema_errors(document) == []
    zones = {z["id"]: z for z in document["trustZones"]}
    assert list(zones) == ["unzoned", "inner", "unzoned-3"]
    assert zones["unzoned-3"]["attributes"][KEY] == {"synthetic": True}
    assert zones["inner"]["parent"] == {"trustZone": "unzoned"}
    parents = {c["id"]: c["parent"]["trustZone"] for c in document["components"]}
    assert parents == {"person": "unzoned-3", "app": "inner", "unzoned-2": "unzoned-3"}
    unnamed = document["dataflows"][0]
    assert unnamed["name"] == "Person → App" and unnamed["attributes"][KEY]["name"] == ""
    assert rebuilt_model(document) == dataclasses.replace(assessment.model,
                                                          file="rebuilt.yaml")
    # With every component placed, no zone is invented.
    placed = assessed(ROOT / "samples" / "ops-agent.yaml")
    assert all(KEY not in (z.get("attributes") or {}) for z in exported(placed)["trustZones"])


@pytest.mark.parametrize(("name", "assessment"), hostile_assessments(),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_hostile_text_validates_and_comes_back_exactly(name: str,
                                                       assessment: Assessment) -> None:
    text = render_otm(assessment)
    document = json.loads(text)
    assert schema_errors(document) == []
    # The text is kept, but escaped: the file holds no control character but line breaks,
    # and nothing that reorders what a reader of the file sees.
    for char in text:
        assert char == "\n" or unicodedata.category(char) != "Cc", repr(char)
        assert char not in "\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e" \
            "\u2066\u2067\u2068\u2069\ufffe\uffff", repr(char)
    assert rebuilt_model(document) == dataclasses.replace(assessment.model, file="rebuilt.yaml")
    assert render_otm(assessment) == text


def test_exports_are_deterministic(tmp_path: Path) -> None:
    sample = ROOT / "samples" / "multi-agent-research.yaml"
    first = render_otm(assessed(sample))
    assert render_otm(assessed_elsewhere(sample, tmp_path)) == first


def test_the_report_dispatcher_offers_it() -> None:
    assessment = assessed(ROOT / "samples" / "saas-copilot.yaml")
    assert "otm" in REPORT_FORMATS
    assert render_report("otm", assessment) == render_otm(assessment)


def test_findings_on_a_boundary_stay_with_its_trust_zone(tmp_path: Path) -> None:
    assessment = with_boundary_threat(tmp_path)
    document = exported(assessment)
    assert schema_errors(document) == []
    zone = next(z for z in document["trustZones"] if z["id"] == "internet")
    assert zone["attributes"][KEY]["threats"] == [{
        "threat": "ORG-EDGE-ZONE", "state": "exposed",
        "mitigations": [{"mitigation": "ORG-EDGE-FIREWALL", "state": "required"}]}]
    threat = next(t for t in document["threats"] if t["id"] == "ORG-EDGE-ZONE")
    assert threat["categories"] == ["Spoofing", "Denial of service"]
    assert rebuilt_model(document) == dataclasses.replace(assessment.model, file="rebuilt.yaml")
