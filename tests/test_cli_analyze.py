"""`analyze`, `check` and `catalog` as a user and a CI job run them."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from scoping_tui.cli.entry import main
from tests.conftest import ROOT, SAMPLES

AS_OF = "2026-11-28"

# A small agent system: a person on the internet reaches an agent that may write through a tool,
# over a flow that is not encrypted, with a model and no approval.
AGENT_MODEL = textwrap.dedent("""\
    version: 1
    system:
      name: Tiny agent
      phase: prototype
    boundaries:
      - {id: internet, name: Internet, kind: internet}
      - {id: vpc, name: VPC, kind: vpc}
    components:
      - {id: person, name: Person, type: user, boundary: internet}
      - id: bot
        name: Bot
        type: agent
        boundary: vpc
        agent:
          model: llm
          tools:
            - {tool: crm, permissions: [read, write]}
          approval: none
          triggers: [user]
      - {id: llm, name: LLM, type: foundation-model, boundary: vpc, hosting: managed-api,
         model: {origin: pre-trained}}
      - {id: crm, name: CRM API, type: tool, boundary: vpc,
         tool: {authentication: oauth, side_effects: [read, write], source: first-party}}
    flows:
      - {id: ask, from: person, to: bot, data: [untrusted-content], protocol: http,
         authenticated: false, encrypted: false}
      - {id: ask-again, from: person, to: bot, data: [untrusted-content], protocol: http,
         authenticated: false, encrypted: false}
      - {id: think, from: bot, to: llm, data: [internal], protocol: https,
         authenticated: true, encrypted: true}
    """)


@pytest.fixture
def agent_model(tmp_path: Path) -> Path:
    path = tmp_path / "agent.yaml"
    path.write_text(AGENT_MODEL, encoding="utf-8")
    return path


def analyze_json(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict:
    assert main(["analyze", str(path), "--format", "json", "--as-of", AS_OF, *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_findings_explain_themselves_with_lines(agent_model: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    report = analyze_json(agent_model, capsys)
    by_id = {f["id"]: f for f in report["findings"]}
    agency = by_id["LLM06-EXCESSIVE-AGENCY@bot"]
    reasons = [r["text"] for r in agency["reasons"]]
    assert any("write" in text and "`crm`" in text for text in reasons)
    assert {"text": "no action waits for human approval", "line": 18} in agency["reasons"]
    assert agency["line"] == 10
    assert agency["rating"][0].startswith("likelihood ")


def test_flows_between_the_same_components_are_one_finding(
        agent_model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = analyze_json(agent_model, capsys)
    unencrypted = [f for f in report["findings"] if f["threat"] == "STRIDE-FLOW-UNENCRYPTED"]
    assert [(f["target"], f["also"]) for f in unencrypted] == [("ask", ["ask-again"])]


def test_json_output_matches_its_published_schema(agent_model: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    schema = json.loads((ROOT / "schemas" / "assessment.schema.json").read_text("utf-8"))
    Draft7Validator.check_schema(schema)
    for path in [agent_model, *SAMPLES]:
        report = analyze_json(path, capsys)
        errors = sorted(Draft7Validator(schema).iter_errors(report), key=str)
        assert errors == [], f"{path.name}: {errors[0].message}"


def test_output_is_deterministic_and_ids_survive_reordering(
        agent_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = analyze_json(agent_model, capsys)
    assert analyze_json(agent_model, capsys) == first
    lines = AGENT_MODEL.splitlines(keepends=True)
    start = lines.index("components:\n") + 1
    end = lines.index("flows:\n")
    block = lines[start:end]
    person, rest = block[:1], block[1:]
    shuffled = tmp_path / "shuffled.yaml"
    shuffled.write_text("".join(lines[:start] + rest + person + lines[end:]), encoding="utf-8")
    again = analyze_json(shuffled, capsys)
    assert [f["id"] for f in again["findings"]] == [f["id"] for f in first["findings"]]


def test_accepted_risk_counts_until_it_expires(agent_model: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    text = agent_model.read_text(encoding="utf-8") + textwrap.dedent("""\
        accepted_risks:
          - {finding: LLM06-EXCESSIVE-AGENCY@bot, owner: Ana, reason: pilot only,
             expires: "2027-01-31"}
        """)
    agent_model.write_text(text, encoding="utf-8")
    before = analyze_json(agent_model, capsys)
    finding = next(f for f in before["findings"] if f["id"] == "LLM06-EXCESSIVE-AGENCY@bot")
    assert finding["status"] == "accepted"
    assert finding["acceptance"]["expired"] is False
    after = analyze_json(agent_model, capsys, "--as-of", "2027-02-01")
    finding = next(f for f in after["findings"] if f["id"] == "LLM06-EXCESSIVE-AGENCY@bot")
    assert finding["status"] in ("open", "partially-mitigated")
    assert finding["acceptance"]["expired"] is True


def _implement_all(path: Path, report: dict, phase: str) -> None:
    order = ["prototype", "production", "scaled"]
    needed = [c["id"] for c in report["controls"]
              if order.index(c["phase"]) <= order.index(phase)]
    entries = "".join(f"  - {{control: {cid}, targets: \"*\", status: implemented, "
                      f"evidence: \"https://evidence.example/{cid}\"}}\n" for cid in needed)
    path.write_text(path.read_text(encoding="utf-8") + "controls:\n" + entries,
                    encoding="utf-8")


def test_check_fails_with_reasons_then_passes_once_controls_are_in_place(
        agent_model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(agent_model), "--as-of", AS_OF]) == 1
    out = capsys.readouterr().out
    assert "LLM06-EXCESSIVE-AGENCY@bot is open" in out
    assert "missing control" in out
    assert out.rstrip().endswith("missing controls") or "FAILED" in out
    report = analyze_json(agent_model, capsys)
    _implement_all(agent_model, report, "prototype")
    assert main(["check", str(agent_model), "--as-of", AS_OF]) == 0
    assert "check passed for phase prototype" in capsys.readouterr().out
    # The next phase asks for more.
    assert main(["check", str(agent_model), "--as-of", AS_OF, "--phase", "scaled"]) == 1


def test_check_threshold_only_counts_findings_at_or_above_it(
        agent_model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = analyze_json(agent_model, capsys)
    _implement_all(agent_model, report, "scaled")
    assert main(["check", str(agent_model), "--as-of", AS_OF, "--format", "json",
                 "--fail-on", "low"]) in (0, 1)
    low = json.loads(capsys.readouterr().out)
    assert main(["check", str(agent_model), "--as-of", AS_OF, "--format", "json",
                 "--fail-on", "critical"]) in (0, 1)
    critical = json.loads(capsys.readouterr().out)
    assert {f["id"] for f in critical["failing_findings"]} <= \
        {f["id"] for f in low["failing_findings"]}
    assert all(f["severity"] == "critical" for f in critical["failing_findings"])


def test_check_on_an_invalid_model_exits_2(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("version: 1\nsystem: {name: x}\ncomponents: [{id: a, name: A, type: usr}]\n",
                    encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:3:37: error:" in err


def test_explain_says_why_each_threat_did_or_did_not_apply(
        agent_model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(agent_model), "--explain", "llm"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("llm: ")
    assert "does not apply  LLM06-EXCESSIVE-AGENCY" in out
    assert main(["analyze", str(agent_model),
                 "--explain", "LLM06-EXCESSIVE-AGENCY@bot"]) == 0
    out = capsys.readouterr().out
    assert "bot: 1 threat considered, 1 applies\n" in out
    assert "because:" in out
    assert main(["analyze", str(agent_model), "--explain", "boot"]) == 2
    assert "did you mean 'bot'?" in capsys.readouterr().err


def test_markdown_and_text_outputs(agent_model: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "report.md"
    assert main(["analyze", str(agent_model), "--format", "markdown", "-o", str(out_file),
                 "--as-of", AS_OF]) == 0
    markdown = out_file.read_text(encoding="utf-8")
    assert markdown.startswith("# Threat model: Tiny agent")
    assert "| high | LLM06-EXCESSIVE-AGENCY:" in markdown or "LLM06" in markdown
    assert "## Controls by phase" in markdown
    assert main(["analyze", str(agent_model), "--as-of", AS_OF]) == 0
    text = capsys.readouterr().out
    assert "Agentic AI scope: 3 Supervised agency" in text
    assert "why:" in text


def test_output_never_overwrites_the_model(agent_model: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    before = agent_model.read_text(encoding="utf-8")
    assert main(["analyze", str(agent_model), "-o", str(agent_model)]) == 2
    assert agent_model.read_text(encoding="utf-8") == before
    assert "refusing to write over it" in capsys.readouterr().err


EXTRA_CATALOG = textwrap.dedent("""\
    version: 1
    threats:
      - id: ORG-CRM-EXPORT
        title: Bulk export through the CRM tool
        description: Our CRM allows bulk export; an agent that can write to it can leak it.
        stride: [I]
        target: component
        when:
          all:
            - {fact: type, equals: agent}
            - {fact: agent.permissions, contains: write}
        likelihood: medium
        impact: high
        references: {owasp-llm: ["LLM06:2025"]}
    controls:
      - id: ORG-CRM-SCOPED-TOKEN
        title: Export-less CRM token
        description: Agents get CRM tokens without the export scope.
        phase: prototype
        layer: identity-data
        mitigates: [ORG-CRM-EXPORT]
        references: {nist-ai-rmf: ["MANAGE 1"]}
    """)


def test_an_organisation_catalog_adds_threats_and_controls(
        agent_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extra = tmp_path / "org.yaml"
    extra.write_text(EXTRA_CATALOG, encoding="utf-8")
    report = analyze_json(agent_model, capsys, "--catalog", str(extra))
    assert "ORG-CRM-EXPORT@bot" in {f["id"] for f in report["findings"]}
    assert "ORG-CRM-SCOPED-TOKEN" in {c["id"] for c in report["controls"]}
    assert main(["catalog", "show", "ORG-CRM-EXPORT", "--catalog", str(extra)]) == 0
    assert "mitigated by: ORG-CRM-SCOPED-TOKEN" in capsys.readouterr().out


def test_a_broken_organisation_catalog_is_reported_precisely(
        agent_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extra = tmp_path / "org.yaml"
    extra.write_text(EXTRA_CATALOG.replace("agent.permissions", "agent.permission"),
                     encoding="utf-8")
    assert main(["analyze", str(agent_model), "--catalog", str(extra)]) == 2
    err = capsys.readouterr().err
    assert f"{extra}:11:" in err
    assert "did you mean 'agent.permissions'?" in err
    assert "Traceback" not in err


def test_catalog_list_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "list", "--kind", "threats", "--framework", "owasp-llm"]) == 0
    out = capsys.readouterr().out
    for number in range(1, 11):
        assert f"LLM{number:02d}:2025" in out
    assert "control " not in out
    assert main(["catalog", "show", "LLM01-DIRECT-INJECTION"]) == 0
    shown = capsys.readouterr().out
    assert "owasp-llm: LLM01:2025 — Prompt Injection" in shown
    assert main(["catalog", "show", "LLM01-DIRECT-INJECTON"]) == 2
    assert "did you mean 'LLM01-DIRECT-INJECTION'?" in capsys.readouterr().err
    assert main(["catalog", "facts"]) == 0
    facts = capsys.readouterr().out
    assert "agent.approval" in facts
    # The sets a rule names with {set: NAME}, with their members, for whoever writes one.
    assert "agent-types" in facts and "orchestrator" in facts and "sensitive-data" in facts
