"""SARIF for code scanning and CSV for spreadsheets, validated and attacked."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import textwrap
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from scoping_tui.engine.assessment import Assessment, assess
from scoping_tui.engine.catalog import load_catalog
from scoping_tui.export.csv_report import render_csv
from scoping_tui.export.sarif import render_sarif
from scoping_tui.model.validate import load_model, load_text
from tests.conftest import ROOT, SAMPLES

SARIF_SCHEMA = ROOT / "tests" / "data" / "external" / "sarif-schema-2.1.0.json"
AS_OF = dt.date(2026, 11, 28)


def assessed(path: Path) -> Assessment:
    result = load_model(path, str(path.relative_to(ROOT)))
    assert result.model is not None
    return assess(result.model, load_catalog(), as_of=AS_OF)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_sarif_validates_against_the_official_schema(sample: Path) -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    sarif = json.loads(render_sarif(assessed(sample)))
    errors = list(Draft7Validator(schema).iter_errors(sarif))
    assert errors == [], errors[0].message


def test_sarif_results_point_at_the_targets_lines_with_stable_fingerprints() -> None:
    sample = ROOT / "samples" / "rag-support-assistant.yaml"
    assessment = assessed(sample)
    run = json.loads(render_sarif(assessment))["runs"][0]
    rules = [rule["id"] for rule in run["rules"]] if "rules" in run else \
        [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    lines = sample.read_text(encoding="utf-8").splitlines()
    by_id = {s.finding.id: s for s in assessment.findings}
    assert run["results"]
    for result in run["results"]:
        finding_id = result["partialFingerprints"]["scopingTuiFindingId/v1"]
        status = by_id[finding_id]
        assert rules[result["ruleIndex"]] == result["ruleId"] == status.finding.threat.id
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "samples/rag-support-assistant.yaml"
        line = lines[location["region"]["startLine"] - 1]
        assert f"id: {status.finding.target}" in line
        assert result["level"] == {"critical": "error", "high": "error", "medium": "warning",
                                   "low": "note"}[status.finding.severity]
    mitigated_or_accepted = {s.finding.id for s in assessment.findings if not s.unresolved}
    accepted = [r for r in run["results"] if "suppressions" in r]
    assert [r["partialFingerprints"]["scopingTuiFindingId/v1"] for r in accepted] == \
        ["LLM09-MISINFORMATION@support-assistant"]
    assert accepted[0]["suppressions"][0]["status"] == "accepted"
    assert {r["partialFingerprints"]["scopingTuiFindingId/v1"] for r in run["results"]} & \
        mitigated_or_accepted == {"LLM09-MISINFORMATION@support-assistant"}


HOSTILE = textwrap.dedent("""\
    version: 1
    system:
      name: "=HYPERLINK(\\"http://evil.example\\", \\"click\\")"
    boundaries:
      - {id: net, name: Internet, kind: internet}
    components:
      - {id: person, name: "+cmd|' /C calc'!A0", type: user, boundary: net}
      - id: bot
        name: "@SUM(1+1)*cmd|' /C calc'!A0"
        type: agent
        agent:
          tools: [{tool: shell, permissions: [execute]}]
      - {id: shell, name: "-2+3", type: tool}
    flows:
      - {id: f1, from: person, to: bot, data: [untrusted-content], authenticated: false,
         encrypted: false}
    """)


def test_csv_neutralises_formulas_and_round_trips() -> None:
    result = load_text(HOSTILE, "hostile.yaml")
    assert result.model is not None, [d.format() for d in result.diagnostics]
    text = render_csv(assess(result.model, load_catalog(), as_of=AS_OF))
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["id", "severity", "status"]
    assert body
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    names = {row[header.index("target")]: row[header.index("target_name")] for row in body}
    assert names["bot"] == "'@SUM(1+1)*cmd|' /C calc'!A0"


def test_csv_and_sarif_are_deterministic() -> None:
    sample = ROOT / "samples" / "ops-agent.yaml"
    assert render_csv(assessed(sample)) == render_csv(assessed(sample))
    assert render_sarif(assessed(sample)) == render_sarif(assessed(sample))
