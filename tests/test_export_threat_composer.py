"""AWS Threat Composer export: valid against the published schema, faithful, hostile-proof."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, ValidationError, validators

from scoping_tui.engine.assessment import Assessment
from scoping_tui.engine.catalog import load_catalog
from scoping_tui.formats.registry import REPORT_FORMATS, render_report
from scoping_tui.formats.threat_composer.write import render_threat_composer
from tests.conftest import ROOT
from tests.interop_support import (
    assessed,
    assessed_elsewhere,
    hostile_assessments,
    sample_fixture,
    with_boundary_threat,
)

SCHEMA_FILE = ROOT / "tests" / "data" / "external" / "threat-composer-v1.schema.json"
sample = sample_fixture(render_threat_composer)


def exported(assessment: Assessment) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(render_threat_composer(assessment))
    return data


def _utf16_max_length(validator: Any, limit: int, instance: Any,
                      schema: dict[str, Any]) -> Iterator[ValidationError]:
    """Threat Composer checks lengths in the browser, where "🔥" is two units long."""
    if validator.is_type(instance, "string"):
        units = len(instance.encode("utf-16-le")) // 2
        if units > limit:
            yield ValidationError(f"{instance[:40]!r}… is {units} UTF-16 units long, "
                                  f"more than {limit}")


def schema_errors(document: dict[str, Any]) -> list[str]:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    strict = validators.extend(Draft202012Validator, {"maxLength": _utf16_max_length})
    found = strict(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in found.iter_errors(document)]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _metadata(threat: dict[str, Any]) -> dict[str, Any]:
    return {item["key"]: item["value"] for item in threat["metadata"]}


def test_every_sample_validates_against_the_published_schema(
        sample: tuple[Assessment, dict[str, Any]]) -> None:
    _, document = sample
    assert schema_errors(document) == []


def test_every_finding_is_a_threat_with_its_status_stride_and_priority(
        sample: tuple[Assessment, dict[str, Any]]) -> None:
    assessment, document = sample
    threats = document["threats"]
    assert len(threats) == len(assessment.findings) > 0
    assert [t["numericId"] for t in threats] == list(range(1, len(threats) + 1))
    for status, threat in zip(assessment.findings, threats, strict=True):
        finding = status.finding
        assert threat["tags"][0] == finding.threat.id[:30]
        assert threat["status"] == ("threatIdentified" if status.unresolved
                                    else "threatResolved")
        meta = _metadata(threat)
        assert sorted(meta["STRIDE"]) == sorted(finding.threat.stride)
        assert meta["Priority"] == {"critical": "High", "high": "High", "medium": "Medium",
                                    "low": "Low"}[finding.severity]
        assert finding.id in meta["Comments"] and status.status in meta["Comments"]
        assert finding.target_name[:100] in " ".join(threat["impactedAssets"])
        goals = {"S": {"confidentiality", "integrity"}, "T": {"integrity"},
                 "R": {"integrity"}, "I": {"confidentiality"}, "D": {"availability"},
                 "E": {"confidentiality", "integrity"}}
        expected = set().union(*(goals[s] for s in finding.threat.stride)) or {"integrity"}
        assert set(threat["impactedGoal"]) == expected
    unresolved = {s.finding.id for s in assessment.findings if s.unresolved}
    identified = {_metadata(t)["Comments"].split()[2].rstrip(":") for t in threats
                  if t["status"] == "threatIdentified"}
    assert identified == unresolved


def test_statements_follow_threat_composers_grammar(
        sample: tuple[Assessment, dict[str, Any]]) -> None:
    _, document = sample
    for threat in document["threats"]:
        statement = threat["statement"]
        source = threat["threatSource"]
        article = "An" if source[0] in "aeiou" else "A"
        assert statement.startswith(f"{article} {source} {threat['prerequisites']} can "
                                    f"{threat['threatAction']}, which leads to "
                                    f"{threat['threatImpact']}, resulting in reduced "), statement
        assert statement.endswith(threat["impactedAssets"][-1])
        assert "  " not in statement
        for field in ("threatSource", "prerequisites", "threatAction", "threatImpact"):
            assert threat[field] and threat[field][0].islower(), (field, threat[field])


def test_mitigations_carry_control_status_and_link_to_the_threats_they_mitigate(
        sample: tuple[Assessment, dict[str, Any]]) -> None:
    assessment, document = sample
    catalog = load_catalog()
    mitigations = document["mitigations"]
    assert [m["tags"][0] for m in mitigations] == \
        [r.control.id[:29] + "…" if len(r.control.id) > 30 else r.control.id
         for r in assessment.requirements]
    for req, mitigation in zip(assessment.requirements, mitigations, strict=True):
        assert mitigation["status"] == {
            "implemented": "mitigationResolved",
            "not-applicable": "mitigationResolvedWillNotAction",
            "planned": "mitigationInProgress", "partial": "mitigationInProgress",
            "missing": "mitigationIdentified"}[req.status]
        assert mitigation["content"].startswith(req.control.title)
    control_of = {m["id"]: r.control.id
                  for m, r in zip(mitigations, assessment.requirements, strict=True)}
    threat_ids = {t["id"] for t in document["threats"]}
    linked: dict[str, set[str]] = {}
    for link in document["mitigationLinks"]:
        assert link["linkedId"] in threat_ids
        linked.setdefault(link["linkedId"], set()).add(control_of[link["mitigationId"]])
    for status, threat in zip(assessment.findings, document["threats"], strict=True):
        finding = status.finding
        expected = {r.control.id for r in assessment.requirements if finding.id in r.findings}
        assert linked.get(threat["id"], set()) == expected
        # What the finding says is missing or in place is among what it links to.
        assert set(status.missing) | set(status.implemented) <= expected
        if catalog.mitigated_by.get(finding.threat.id):
            assert expected, f"{finding.id} links to none of its catalog controls"


def test_accepted_and_mitigated_findings_say_how_they_were_resolved() -> None:
    assessment = assessed(ROOT / "samples" / "rag-support-assistant.yaml")
    document = exported(assessment)
    by_finding = {s.finding.id: t for s, t in zip(assessment.findings, document["threats"],
                                                   strict=True)}
    accepted = by_finding["LLM09-MISINFORMATION@support-assistant"]
    assert accepted["status"] == "threatResolved"
    assert "risk accepted" in accepted["tags"]
    assert "Risk accepted by Head of Customer Support until 2027-03-31" in \
        _metadata(accepted)["Comments"]
    implemented = [m for m in document["mitigations"] if m["status"] == "mitigationResolved"]
    assert implemented, "the sample declares implemented controls"
    for mitigation in implemented:
        assert "Declared implemented" in _metadata(mitigation)["Comments"]


def test_threat_sources_say_who_can_reach_the_target() -> None:
    assessment = assessed(ROOT / "samples" / "rag-support-assistant.yaml")
    threats = {s.finding.id: t for s, t in zip(assessment.findings,
                                                exported(assessment)["threats"], strict=True)}
    direct = threats["LLM01-DIRECT-INJECTION@support-assistant"]
    assert direct["threatSource"] == "external actor who can send input to Support assistant"
    assert direct["prerequisites"] == "with access to Help-centre chat widget"
    assert direct["threatAction"] == ("steer the actions of Support assistant (direct prompt "
                                      "injection by the people who use it)")
    hijack = threats["AGENT-GOAL-HIJACK@support-assistant"]
    assert hijack["threatSource"] == ("external actor who can plant content that Support "
                                      "assistant reads")
    assert "Knowledge search tool" in hijack["prerequisites"]
    flows = {f.id: f for f in assessment.model.flows}
    names = {c.id: c.name for c in assessment.model.components}
    on_flows = [(s.finding, threats[s.finding.id]) for s in assessment.findings
                if s.finding.target_kind == "flow"]
    assert on_flows
    for finding, threat in on_flows:
        flow = flows[finding.target]
        assert (f"from {names[flow.source]} to {names[flow.target]}"
                in threat["threatAction"]), threat["threatAction"]


def test_the_application_architecture_and_data_flows_are_described() -> None:
    assessment = assessed(ROOT / "samples" / "ops-agent.yaml")
    document = exported(assessment)
    info = document["applicationInfo"]
    assert info["name"] == "SRE operations agent"
    assert "Lifecycle phase: production" in info["description"]
    assert "Generative AI scope: 3 Pre-trained models" in info["description"]
    assert "Agentic AI scope: 3 Supervised agency" in info["description"]
    architecture = document["architecture"]["description"]
    for boundary in assessment.model.boundaries:
        assert f"(`{boundary.id}`, {boundary.kind})" in architecture
    for component in assessment.model.components:
        assert f"(`{component.id}`, {component.type}" in architecture
    # Nested boundaries are indented under their parent.
    assert "\n  - Boundary **Agent container** (`agent-runtime`, container)" in architecture
    dataflow = document["dataflow"]["description"]
    assert dataflow.count("\n- ") == len(assessment.model.flows)
    assert ("- On-call engineer → Ops console (https, authenticated, encrypted): internal, "
            "restricted") in dataflow


def test_exports_are_deterministic_and_ids_never_change(tmp_path: Path) -> None:
    sample = ROOT / "samples" / "ops-agent.yaml"
    first = render_threat_composer(assessed(sample))
    assert render_threat_composer(assessed_elsewhere(sample, tmp_path)) == first
    document = json.loads(first)
    # Re-importing an updated export must update, not duplicate: ids are derived, not random.
    by_tag = {t["tags"][0]: t["id"] for t in document["threats"]}
    assert by_tag["AGENT-CODE-EXECUTION"] == "6fd4842d-cd89-5cd6-8bc6-256510ad933b"
    ids = [t["id"] for t in document["threats"]] + [m["id"] for m in document["mitigations"]]
    assert len(set(ids)) == len(ids)


def test_the_report_dispatcher_offers_it() -> None:
    assessment = assessed(ROOT / "samples" / "public-chat-assistant.yaml")
    assert "threat-composer" in REPORT_FORMATS
    assert render_report("threat-composer", assessment) == render_threat_composer(assessment)


# --- hostile text ----------------------------------------------------------------------------

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize(("name", "assessment"), hostile_assessments(),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_hostile_text_is_cleaned_and_clipped_to_the_schemas_limits(
        name: str, assessment: Assessment) -> None:
    document = exported(assessment)
    assert schema_errors(document) == []
    for text in _strings(document):
        assert "<" not in text and ">" not in text, text[:80]
        for char in text:
            assert char in "\n" or unicodedata.category(char) not in ("Cc", "Cs"), repr(text)
            assert char not in _BIDI, repr(text[:80])
    for threat in document["threats"]:
        for field in ("threatSource", "prerequisites", "threatAction", "threatImpact"):
            assert "\n" not in threat[field]
    if name == "generated":
        # Clipped, not dropped: the start of the text is still there.
        assert document["applicationInfo"]["name"].startswith("‹script›\"Name\"‹/script› 🔥")
        assert document["applicationInfo"]["name"].endswith("…")
        assert any(t["prerequisites"].endswith("…") for t in document["threats"])
    assert render_threat_composer(assessment) == render_threat_composer(assessment)


def test_the_length_check_counts_like_the_browser() -> None:
    """The check above would catch a name that fits in characters but not in UTF-16 units."""
    assert schema_errors({"schema": 1, "applicationInfo": {"name": "🔥" * 100}}) == []
    assert len(schema_errors({"schema": 1, "applicationInfo": {"name": "🔥" * 101}})) == 1


def test_a_finding_on_a_boundary_is_a_threat_too(tmp_path: Path) -> None:
    assessment = with_boundary_threat(tmp_path)
    document = exported(assessment)
    assert schema_errors(document) == []
    threat = next(t for t in document["threats"] if t["tags"][0] == "ORG-EDGE-ZONE")
    zone = assessment.model.boundary("internet")
    assert zone is not None
    assert threat["impactedAssets"] == [zone.name]
    assert threat["statement"].startswith(f"An external actor with a foothold in {zone.name} "
                                          f"can pose as a component inside {zone.name} "
                                          "(internet zone reaches the system directly)")
    assert _metadata(threat)["STRIDE"] == ["S", "D"]
    assert _metadata(threat)["Priority"] == "High"
