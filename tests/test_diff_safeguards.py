"""A change that removes or weakens a safeguard is a regression, not an improvement.

Removing an agent's approval step makes the threats about approvals stop applying and the
controls about approvals stop being required; counted as findings alone, that reads as
progress. `diff` headlines the weakened safeguard and fails its gate on it, and so does
`check` against a baseline.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from scoping_tui.cli.entry import main
from scoping_tui.engine.catalog import load_catalog
from scoping_tui.engine.diff import diff, display_value
from scoping_tui.engine.safeguards import Weakening
from scoping_tui.model.validate import load_text
from tests.conftest import ROOT

AS_OF = "2026-11-28"
OPS = (ROOT / "samples" / "ops-agent.yaml").read_text(encoding="utf-8")
RAG = (ROOT / "samples" / "rag-support-assistant.yaml").read_text(encoding="utf-8")
SCHEMA = json.loads((ROOT / "schemas" / "diff.schema.json").read_text(encoding="utf-8"))


def edited(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def weakened(old_text: str, new_text: str) -> list[str]:
    catalog = load_catalog()
    old = load_text(old_text, "old.yaml").model
    new = load_text(new_text, "new.yaml").model
    assert old is not None and new is not None
    report = diff(old, new, catalog, as_of=None)
    return [w.describe(display_value) for w in report.weakened]


def run_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str], new_text: str,
             *args: str, old_text: str = OPS) -> tuple[int, str]:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(old_text, encoding="utf-8")
    new.write_text(new_text, encoding="utf-8")
    code = main(["diff", str(old), str(new), "--as-of", AS_OF, *args])
    return code, capsys.readouterr().out


NO_APPROVAL = edited(OPS, "      approval: high-risk\n", "")


def test_removing_the_approval_of_a_code_running_agent_is_headlined_and_fails(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_diff(tmp_path, capsys, NO_APPROVAL, "--fail-on", "critical")
    assert code == 1, "nothing reaches critical: the weakened safeguard alone fails the gate"
    verdict = out.splitlines()[1]
    assert verdict.startswith("This change weakens 1 safeguard: ops-agent agent.approval "
                              "high-risk → (not set). It introduces no unresolved finding "
                              "and resolves none; 1 finding no longer applies;")
    assert "Safeguards weakened (1)\n  ops-agent  agent.approval (human approval): high-risk → " \
           "(not set)" in out
    # The finding about approvals stopped applying: listed as such, never as resolved.
    assert "Findings resolved" not in out
    assert "Findings that no longer apply (1)\n  medium    AGENT-HITL-OVERWHELM@ops-agent" in out
    assert out.rstrip().endswith("Weakened safeguards fail the gate")


def test_allow_weakening_reports_it_without_failing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_diff(tmp_path, capsys, NO_APPROVAL, "--fail-on", "critical",
                         "--allow-weakening")
    assert code == 0
    assert "Safeguards weakened (1)" in out
    assert "Weakened safeguards allowed (--allow-weakening)" in out


def test_markdown_and_json_carry_the_weakening(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, markdown = run_diff(tmp_path, capsys, NO_APPROVAL, "--format", "markdown")
    assert code == 1
    assert markdown.startswith("This change weakens 1 safeguard: ops-agent agent.approval")
    assert ("### Safeguards weakened (1)\n\n- `ops-agent` `agent.approval` (human approval): "
            "high-risk → ***not set***\n") in markdown
    assert markdown.rstrip().endswith("Weakened safeguards fail the gate.")
    code, text = run_diff(tmp_path, capsys, NO_APPROVAL, "--format", "json")
    document = json.loads(text)
    assert [e.message for e in Draft7Validator(SCHEMA).iter_errors(document)] == []
    assert document["gate_fails"] is True and document["summary"]["weakened"] == 1
    assert document["weakened"] == [{"section": "components", "id": "ops-agent",
                                     "path": "agent.approval", "label": "human approval",
                                     "old": "high-risk", "new": None}]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("      approval: high-risk\n", "      approval: none\n",
     "ops-agent agent.approval high-risk → none"),
    ("      identity: own-service-identity\n", "      identity: shared-service-account\n",
     "ops-agent agent.identity own-service-identity → shared-service-account"),
    ("      credential_lifetime: short-lived\n", "      credential_lifetime: long-lived\n",
     "ops-agent agent.credential_lifetime short-lived → long-lived"),
    ("      triggers: [user]   #", "      triggers: [user, event]   #",
     "ops-agent agent.triggers [user] → [event, user]"),
    ("        - {tool: k8s-mcp, permissions: [read]}\n",
     "        - {tool: k8s-mcp, permissions: [read, write]}\n",
     "ops-agent agent.tools[k8s-mcp] [read] → [read, write]"),
])
def test_each_kind_of_agent_safeguard(old: str, new: str, expected: str) -> None:
    assert weakened(OPS, edited(OPS, old, new)) == [expected]


def test_strengthening_and_adding_are_not_weakening() -> None:
    stricter = edited(OPS, "      approval: high-risk\n", "      approval: every-action\n")
    assert weakened(OPS, stricter) == []
    assert weakened(stricter, OPS) == ["ops-agent agent.approval every-action → high-risk"]
    narrower = edited(OPS, "        - {tool: ticket-mcp, permissions: [read, write]}\n",
                      "        - {tool: ticket-mcp, permissions: [read]}\n")
    assert weakened(OPS, narrower) == []
    # A tool granted for the first time is a new capability, judged by its findings.
    granted = edited(OPS, "        - {tool: metrics-query, permissions: [read]}\n", "")
    assert weakened(granted, OPS) == []


def test_flow_and_store_safeguards_and_controls_no_longer_in_place() -> None:
    block = RAG.index("  - control: IAM-LEAST-PRIVILEGE")
    narrower_iam = RAG[:block] + RAG[block:].replace(
        "targets: [support-api, support-assistant, ingest-job, kb-search]",
        "targets: [support-api, support-assistant]", 1)
    assert weakened(RAG, narrower_iam) == [
        "IAM-LEAST-PRIVILEGE implemented on [ingest-job, kb-search, support-api, "
        "support-assistant] → [support-api, support-assistant]"]
    planned = edited(RAG, "  - control: GUARD-INPUT-FILTER\n    targets: [support-guardrail]\n"
                     "    status: implemented\n",
                     "  - control: GUARD-INPUT-FILTER\n    targets: [support-guardrail]\n"
                     "    status: planned\n")
    assert weakened(RAG, planned) == [
        "GUARD-INPUT-FILTER implemented on [support-guardrail] → []"]
    last_flow = RAG.rindex("    encrypted: true\n")
    unencrypted = RAG[:last_flow] + "    encrypted: false\n" + RAG[last_flow + 20:]
    [only] = weakened(RAG, unencrypted)
    assert only.endswith(" encrypted true → false")


def test_a_renamed_agent_is_reported_under_its_new_name() -> None:
    renamed = NO_APPROVAL.replace("ops-agent", "ops-bot")
    assert weakened(OPS, renamed) == ["ops-bot agent.approval high-risk → (not set)"]


def test_check_against_a_baseline_fails_on_a_weakened_safeguard(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(OPS, encoding="utf-8")
    new.write_text(NO_APPROVAL, encoding="utf-8")
    args = ["check", str(new), "--baseline", str(old), "--as-of", AS_OF, "--fail-on",
            "critical", "--missing-controls", "ignore"]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert (f"{new}: weakened safeguard: ops-agent agent.approval high-risk → (not set) "
            "(human approval)") in out
    assert main([*args, "--allow-weakening"]) == 0
    assert ": warning: weakened safeguard: " in capsys.readouterr().out


def test_weakening_is_described_only_with_ids_and_schema_values() -> None:
    weak = Weakening("components", "ops-agent", "agent.approval", "human approval",
                     "high-risk", None)
    assert weak.describe(display_value) == "ops-agent agent.approval high-risk → (not set)"
