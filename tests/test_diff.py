"""`engine.diff` and its reports: two versions of a bundled sample, edited as a user would."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator

from scoping_tui.engine.assessment import assess
from scoping_tui.engine.catalog import Catalog, load_catalog
from scoping_tui.engine.diff import (
    DiffReport,
    FieldChange,
    diff,
    diff_models,
    display_value,
    new_findings,
)
from scoping_tui.engine.scope import scope_mismatches
from scoping_tui.export.diff_report import (
    render_diff_json,
    render_diff_markdown,
    render_diff_text,
    verdict,
)
from scoping_tui.model.types import SystemModel
from scoping_tui.model.validate import load_model
from tests.conftest import ROOT

AS_OF = dt.date(2026, 11, 28)
SCHEMA = json.loads((ROOT / "schemas" / "diff.schema.json").read_text("utf-8"))


@cache
def catalog() -> Catalog:
    return load_catalog([])


def sample(name: str) -> str:
    return (ROOT / "samples" / f"{name}.yaml").read_text("utf-8")


def edited(text: str, old: str, new: str, count: int = 1) -> str:
    """``text`` with ``old`` replaced; fails loudly when the sample no longer has it."""
    assert text.count(old) == count, f"expected {count} of {old!r} in the sample"
    return text.replace(old, new)


def renamed(text: str, old_id: str, new_id: str) -> str:
    """The id and every reference to it (not prose mentioning it): what the editor's rename
    does."""
    found, n = re.subn(rf"(?:(?<=: )|(?<=\[)|(?<=, )|(?<=@)){re.escape(old_id)}(?![\w-])",
                       new_id, text)
    assert n >= 1
    return found


def load(path: Path) -> SystemModel:
    known = catalog().known_ids()
    result = load_model(path, path.name, catalog=known, checks=[scope_mismatches], today=AS_OF)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.model is not None
    return result.model


def versions(tmp_path: Path, old_text: str, new_text: str, **options: object) -> DiffReport:
    """Write both versions to disk, load them as the CLI does, and compare."""
    (tmp_path / "old").mkdir(exist_ok=True)
    (tmp_path / "new").mkdir(exist_ok=True)
    old_path, new_path = tmp_path / "old" / "model.yaml", tmp_path / "new" / "model.yaml"
    old_path.write_text(old_text, encoding="utf-8")
    new_path.write_text(new_text, encoding="utf-8")
    return diff(load(old_path), load(new_path), catalog(), as_of=AS_OF, **options)  # type: ignore[arg-type]


def schema_errors(report: DiffReport) -> list[str]:
    document = json.loads(render_diff_json(report))
    return [f"{list(e.absolute_path)}: {e.message}"
            for e in Draft7Validator(SCHEMA).iter_errors(document)]


def ids(changes: object) -> set[str]:
    return {c.id for c in changes}  # type: ignore[attr-defined]


# --- (a) a tool added to an agent -------------------------------------------------------------

REFUND_TOOL = """\
  - id: refund-api
    name: Refund service
    type: tool
    boundary: support-vpc
    hosting: self-hosted
    description: Issues refunds to the customer's card.
    data: [pii, payment]
    tool:
      authentication: iam
      side_effects: [write, financial]
      source: first-party

  - id: order-lookup
"""


def with_refund_tool(text: str) -> str:
    text = edited(text, "        - {tool: order-lookup, permissions: [read]}\n",
                  "        - {tool: order-lookup, permissions: [read]}\n"
                  "        - {tool: refund-api, permissions: [write, execute]}\n")
    return edited(text, "  - id: order-lookup\n", REFUND_TOOL)


def test_a_tool_granted_to_an_agent_introduces_its_findings(tmp_path: Path) -> None:
    base = sample("rag-support-assistant")
    report = versions(tmp_path, base, with_refund_tool(base))
    model = report.model
    assert [(e.section, e.change, e.id) for e in model.elements] == [
        ("components", "added", "refund-api"), ("components", "changed", "support-assistant")]
    agent = model.components[1]
    assert agent.fields == (FieldChange("agent.tools[refund-api]", None, ("execute", "write")),)
    assert display_value(agent.fields[0].new) == "[execute, write]"

    change = report.assessment
    assert "LLM06-EXCESSIVE-AGENCY@support-assistant" in ids(change.introduced)
    assert {c.current.finding.target for c in change.introduced} <= {"support-assistant",
                                                                     "refund-api"}
    assert change.resolved == ()
    [scope] = change.scope
    assert (scope.dimension, scope.old.value, scope.new.value) == ("agentic", 1, 3)
    assert any("support-assistant" in r.text and "write" in r.text for r in scope.new.reasons)
    assert change.now_missing, "acting tools make more controls necessary"
    assert all(c.new is not None and not c.new.done for c in change.now_missing)
    production = change.readiness[1]
    assert production.phase == "production" and production.changed
    assert production.new.required > production.old.required
    # The gate: a high finding the old version did not have.
    assert "LLM06-EXCESSIVE-AGENCY@support-assistant" in {s.finding.id for s in report.failing}
    assert verdict(report).startswith("This change introduces ")
    assert "agentic scope 1 → 3" in verdict(report)
    assert schema_errors(report) == []


# --- (b) an approval removed ----------------------------------------------------------------

def test_removing_an_approval_introduces_findings_and_raises_scope(tmp_path: Path) -> None:
    base = sample("saas-copilot")
    without = re.sub(r"\n      approval: every-action[^\n]*", "", base)
    assert without != base
    report = versions(tmp_path, base, without)
    [agent] = report.model.elements
    assert agent.change == "changed"
    assert agent.fields == (FieldChange("agent.approval", "every-action", None),)
    introduced = ids(report.assessment.introduced)
    assert f"LLM06-EXCESSIVE-AGENCY@{agent.id}" in introduced
    [scope] = report.assessment.scope
    assert (scope.old.value, scope.new.value) == (2, 3)
    assert report.failing
    text = render_diff_text(report)
    assert "agent.approval: every-action → (not set)" in text
    assert "Findings introduced" in text


def test_findings_whose_severity_rises_past_fail_on_fail_the_gate(tmp_path: Path) -> None:
    base = sample("ops-agent")
    report = versions(tmp_path, base, edited(base, "      approval: high-risk\n", ""))
    raised = [c for c in report.assessment.changed
              if c.old is not None and c.new is not None and c.old.unresolved
              and c.new.finding.severity_rank < c.old.finding.severity_rank]
    assert raised, "removing high-risk approval makes some open findings more severe"
    failing = {s.finding.id for s in report.failing}
    assert {c.id for c in raised if c.new and c.new.finding.severity == "high"} <= failing
    assert "raises" in verdict(report)
    # Not failing at critical: nothing reached critical.
    critical = new_findings(report.new, report.old, "critical", report.model.rename_map)
    assert critical == [s for s in report.failing if s.finding.severity == "critical"]


# --- (c) a flow made unencrypted ------------------------------------------------------------

def test_an_unencrypted_flow_is_a_field_change_and_a_finding(tmp_path: Path) -> None:
    base = sample("ops-agent")
    block = ("    from: restart-service\n    to: prod-services\n    data: [internal]\n"
             "    protocol: https\n    authenticated: true\n    encrypted: true\n")
    report = versions(tmp_path, base,
                      edited(base, block, block.replace("encrypted: true", "encrypted: false")))
    [flow] = report.model.elements
    assert (flow.section, flow.change, flow.id) == ("flows", "changed", "restart-deployment")
    assert flow.fields == (FieldChange("encrypted", True, False),)
    assert flow.detail == "restart-service → prod-services"
    [finding] = report.assessment.introduced
    assert finding.id == "STRIDE-FLOW-UNENCRYPTED@restart-deployment"
    assert finding.old is None and finding.new is not None and finding.new.status == "open"
    assert "DATA-ENCRYPT-IN-TRANSIT" in {c.control.id for c in report.assessment.now_missing}
    missing = next(c for c in report.assessment.now_missing
                   if c.control.id == "DATA-ENCRYPT-IN-TRANSIT")
    assert missing.where == ("restart-deployment",)
    markdown = render_diff_markdown(report)
    assert "`STRIDE-FLOW-UNENCRYPTED@restart-deployment`" in markdown
    assert "- `encrypted`: true → false" in markdown


# --- (d) renames ------------------------------------------------------------------------------

def test_a_renamed_component_is_one_rename_and_changes_no_finding(tmp_path: Path) -> None:
    base = sample("multi-agent-research")
    # Referenced by the orchestrator's delegates_to, two flows and an accepted risk.
    report = versions(tmp_path, base, renamed(base, "publisher-agent", "pub-agent"))
    model = report.model
    assert model.renames == (("publisher-agent", "pub-agent"),)
    [element] = model.elements
    assert (element.change, element.old_id, element.id, element.fields) == (
        "renamed", "publisher-agent", "pub-agent", ())
    change = report.assessment
    assert (change.introduced, change.resolved, change.changed) == ((), (), ())
    assert (change.now_missing, change.now_done, change.no_longer_required) == ((), (), ())
    assert not any(r.changed for r in change.readiness)
    assert report.failing == ()
    assert verdict(report).startswith("This change introduces no unresolved finding and "
                                      "resolves none")
    assert "renamed `publisher-agent` → `pub-agent`" in render_diff_markdown(report)
    assert schema_errors(report) == []


def test_renames_of_several_kinds_at_once_are_each_recognised(tmp_path: Path) -> None:
    base = sample("multi-agent-research")
    new = renamed(renamed(renamed(base, "publisher-agent", "pub-agent"), "cms-publish",
                          "cms-post"), "agent-runtime", "runtime")
    new = edited(new, "  - id: delegate-publishing\n", "  - id: hand-to-publisher\n")
    report = versions(tmp_path, base, new)
    assert report.model.renames == (("agent-runtime", "runtime"), ("cms-publish", "cms-post"),
                                    ("delegate-publishing", "hand-to-publisher"),
                                    ("publisher-agent", "pub-agent"))
    assert {e.change for e in report.model.elements} == {"renamed"}
    assert all(e.fields == () for e in report.model.elements)
    assert report.assessment.empty


@pytest.mark.parametrize(("name", "element"), [
    ("rag-support-assistant", "crm-db"),           # a control's targets, findings, flows
    ("rag-support-assistant", "support-assistant"),  # an accepted risk, a control, flows
    ("ops-agent", "ops-account"),                  # a boundary: parents and components
    ("ops-agent", "restart-deployment"),           # a flow
    ("multi-agent-research", "foundation-llm"),    # every agent's model
])
def test_every_reference_follows_a_rename(tmp_path: Path, name: str, element: str) -> None:
    base = sample(name)
    report = versions(tmp_path, base, renamed(base, element, "renamed-one"))
    assert report.model.renames == ((element, "renamed-one"),)
    assert [(e.change, e.fields) for e in report.model.elements] == [("renamed", ())]
    assert report.assessment.empty
    assert report.failing == ()


def test_a_rename_with_an_edit_is_a_rename_with_field_changes(tmp_path: Path) -> None:
    base = sample("ops-agent")
    new = renamed(base, "ops-agent", "sre-agent")
    new = edited(new, "    name: Operations agent\n", "    name: SRE agent\n")
    report = versions(tmp_path, base, new)
    [element] = report.model.elements
    assert (element.change, element.old_id, element.id) == ("renamed", "ops-agent", "sre-agent")
    assert element.fields == (FieldChange("name", "Operations agent", "SRE agent"),)
    assert ids(report.assessment.introduced) == set()
    assert ids(report.assessment.resolved) == set()


def test_a_different_component_in_place_of_another_is_not_a_rename(tmp_path: Path) -> None:
    base = sample("ops-agent")
    old_block = ("  - id: ticketing\n    name: Ticketing system\n    type: external-service\n"
                 "    boundary: ticketing-saas\n    description: The company's ticketing SaaS.\n")
    new_block = ("  - id: pager\n    name: Paging service\n    type: external-service\n"
                 "    boundary: model-provider\n    description: Pages the on-call engineer.\n")
    new = edited(base, old_block, new_block)
    new = edited(new, "    to: ticketing\n", "    to: pager\n")
    report = versions(tmp_path, base, new)
    changes = {(e.change, e.id) for e in report.model.components}
    assert changes == {("added", "pager"), ("removed", "ticketing")}
    assert report.model.renames == ()
    [flow] = report.model.flows
    assert flow.fields == (FieldChange("to", "ticketing", "pager"),)


# --- (e) reordering ---------------------------------------------------------------------------

def reordered(text: str) -> str:
    data = yaml.safe_load(text)
    for section in ("boundaries", "components", "flows", "controls", "accepted_risks"):
        if section in data:
            data[section].reverse()
    for component in data["components"]:
        if "agent" in component:
            component["agent"]["tools"].reverse()
        if component.get("data"):
            component["data"].reverse()
    return yaml.safe_dump(data, sort_keys=True)


@pytest.mark.parametrize("name", ["rag-support-assistant", "multi-agent-research", "ops-agent"])
def test_reordering_the_file_is_no_change(tmp_path: Path, name: str) -> None:
    base = sample(name)
    report = versions(tmp_path, base, reordered(base))
    assert report.model.empty and report.assessment.empty and report.empty
    assert report.failing == ()
    assert render_diff_markdown(report) == verdict(report) + "\n"
    assert verdict(report).startswith("No change")
    text = render_diff_text(report)
    assert len(text.splitlines()) == 2 and "No change" in text
    document = json.loads(render_diff_json(report))
    assert document["summary"]["changed"] is False
    assert document["model"] == {"system": [], "renames": [], "elements": []}
    assert schema_errors(report) == []


# --- (f) a fix --------------------------------------------------------------------------------

def test_implementing_the_missing_controls_resolves_a_finding(tmp_path: Path) -> None:
    base = sample("rag-support-assistant")
    old_path = tmp_path / "base.yaml"
    old_path.write_text(base, encoding="utf-8")
    before = assess(load(old_path), catalog(), as_of=AS_OF)
    target = next(s for s in before.findings
                  if s.finding.id == "STRIDE-STORE-UNENCRYPTED@crm-db")
    assert target.unresolved and target.missing
    entries = "".join(
        f"  - control: {control}\n    targets: [crm-db]\n    status: implemented\n"
        f"    evidence: migrated to the managed database service\n\n"
        for control in target.missing)
    fixed = edited(base, "accepted_risks:\n", entries + "accepted_risks:\n")
    report = versions(tmp_path, base, fixed)
    assert "STRIDE-STORE-UNENCRYPTED@crm-db" in ids(report.assessment.resolved)
    assert report.assessment.introduced == ()
    # Each control is now in place on crm-db (one may still be required elsewhere).
    required = {r.control.id: r for r in report.new.requirements}
    assert all("crm-db" not in required[c].missing_on for c in target.missing)
    assert {c.control.id for c in report.assessment.now_done} & set(target.missing)
    production = report.assessment.readiness[1]
    assert production.new.done > production.old.done
    assert len(production.new.blockers) < len(production.old.blockers)
    assert {(e.section, e.change) for e in report.model.elements} <= {
        ("controls", "added"), ("controls", "changed")}
    assert report.failing == ()
    words = verdict(report)
    assert "resolves 1" in words or re.search(r"resolves \d+", words)
    assert f"production readiness {production.old.done}/" in words
    markdown = render_diff_markdown(report)
    assert "### Findings resolved" in markdown and "### Readiness" in markdown
    assert "### Findings introduced" not in markdown
    assert schema_errors(report) == []


# --- model diff details -----------------------------------------------------------------------

def test_system_fields_and_accepted_risks_are_compared(tmp_path: Path) -> None:
    base = sample("multi-agent-research")
    new = edited(base, '    expires: "2027-05-31"\n', '    expires: "2027-08-31"\n')
    new = re.sub(r"(\nsystem:\n  name: )[^\n]+", r"\1Newsroom agents", new, count=1)
    report = versions(tmp_path, base, new)
    [system] = report.model.system
    assert system.path == "name" and system.new == "Newsroom agents"
    [risk] = report.model.accepted_risks
    assert (risk.change, risk.id) == ("changed", "LLM06-EXCESSIVE-AGENCY@publisher-agent")
    assert risk.fields == (FieldChange("expires", "2027-05-31", "2027-08-31"),)


def test_both_versions_are_judged_for_the_new_phase(tmp_path: Path) -> None:
    base = sample("rag-support-assistant")
    report = versions(tmp_path, base, edited(base, "  phase: production\n",
                                             "  phase: prototype\n"))
    assert report.phase == "prototype" and report.old.phase == "prototype"
    assert report.model.system == (FieldChange("phase", "production", "prototype"),)
    assert report.assessment.empty, "the same system judged for the same phase"
    forced = versions(tmp_path, base, base, phase="scaled")
    assert forced.phase == "scaled" and forced.empty


def test_new_findings_maps_renamed_targets() -> None:
    base = sample("multi-agent-research")
    old = load_text_model(base, "old.yaml")
    new = load_text_model(renamed(base, "research-agent", "researcher"), "new.yaml")
    old_assessment = assess(old, catalog(), as_of=AS_OF)
    new_assessment = assess(new, catalog(), as_of=AS_OF)
    mapping = diff_models(old, new).rename_map
    assert mapping == {"research-agent": "researcher"}
    assert new_findings(new_assessment, old_assessment, "low", mapping) == []
    # Without the renames every finding on the agent looks new.
    unmapped = new_findings(new_assessment, old_assessment, "low")
    assert unmapped and all(s.finding.target == "researcher" for s in unmapped)


def load_text_model(text: str, name: str) -> SystemModel:
    from scoping_tui.model.validate import load_text

    result = load_text(text, name)
    assert result.ok and result.model is not None
    return result.model


# --- hostile text -------------------------------------------------------------------------------

HOSTILE = "Evil | `tick` <script>alert(1)</script>\\n# Heading\\n- item \u202ereversed"


def hostile_report(tmp_path: Path) -> DiffReport:
    base = sample("rag-support-assistant")
    new = with_refund_tool(base)
    new = edited(new, "    name: Refund service\n", f'    name: "{HOSTILE}"\n')
    # The agent's findings name it: the hostile text reaches the findings tables too.
    new = edited(new, "    name: Support assistant\n", f'    name: "Agent {HOSTILE}"\n')
    return versions(tmp_path, base, new)


def test_markdown_escapes_hostile_model_text(tmp_path: Path) -> None:
    report = hostile_report(tmp_path)
    markdown = render_diff_markdown(report)
    assert "Evil" in markdown
    assert "<script>" not in markdown
    assert "\\<script\\>" in markdown
    lines = markdown.splitlines()
    assert not any(line.startswith(("# Heading", "- item")) for line in lines)
    assert "\\`tick\\`" in markdown
    # The bidi override stays inside an isolate that ends on the same line.
    for line in lines:
        if "\u202e" in line:
            assert "\u2068" in line and line.index("\u2068") < line.index("\u202e")
            assert "\u2069" in line[line.index("\u202e"):]
    # Every table row keeps its columns: unescaped pipes are only the cell separators.
    assert any(line.startswith("|") and "Evil" in line for line in lines)
    for line in lines:
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line)
            header = next(h for h in lines[:lines.index(line) + 1][::-1]
                          if h.startswith("| Severity"))
            assert len(cells) == len(re.split(r"(?<!\\)\|", header))


def test_text_keeps_hostile_names_on_one_line(tmp_path: Path) -> None:
    report = hostile_report(tmp_path)
    text = render_diff_text(report)
    assert not any(line.startswith(("# Heading", "- item")) for line in text.splitlines())
    added = next(line for line in text.splitlines() if "added" in line and "refund-api" in line)
    assert "Evil" in added and "reversed" in added


def test_json_matches_the_schema_and_is_deterministic(tmp_path: Path) -> None:
    report = hostile_report(tmp_path)
    assert schema_errors(report) == []
    first = render_diff_json(report)
    again = versions(tmp_path, sample("rag-support-assistant"),
                     (tmp_path / "new" / "model.yaml").read_text("utf-8"))
    assert render_diff_json(again) == first
    assert render_diff_markdown(again) == render_diff_markdown(report)
    document = json.loads(first)
    assert document["format"] == "scoping-tui-diff" and document["version"] == 1
    added = next(e for e in document["model"]["elements"] if e["id"] == "refund-api")
    assert added["name"] == HOSTILE.replace("\\n", "\n")
    assert "\u202e" in added["name"] and "<script>" in added["name"]
    agent = next(e for e in document["model"]["elements"] if e["id"] == "support-assistant")
    assert {"path": "agent.tools[refund-api]", "old": None,
            "new": ["execute", "write"]} in agent["fields"]


def test_schema_is_draft07_with_titles_and_descriptions() -> None:
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert SCHEMA["$id"].startswith("https://")
    Draft7Validator.check_schema(SCHEMA)

    def untitled(node: object, path: str) -> list[str]:
        found: list[str] = []
        if isinstance(node, dict):
            for key in ("properties", "definitions"):
                for name, sub in node.get(key, {}).items():
                    if "$ref" not in sub and not (sub.get("title") and sub.get("description")):
                        found.append(f"{path}.{name}")
                    found += untitled(sub, f"{path}.{name}")
            if isinstance(node.get("items"), dict):
                found += untitled(node["items"], f"{path}[]")
        return found

    assert untitled(SCHEMA, "") == []
