"""Findings per element in the text and Markdown outputs: a flow's findings under the component
it leaves, one threat on several of that component's flows folded into one entry, the counts
still those of the findings (JSON keeps one result per finding)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import textwrap
from collections import Counter
from pathlib import Path

import pytest
import yaml

from scoping_tui.cli.entry import main
from scoping_tui.engine.assessment import Assessment, assess
from scoping_tui.engine.catalog import load_catalog
from scoping_tui.engine.threats import SEVERITIES
from scoping_tui.export.grouping import ElementGroup, Entry, group_findings
from scoping_tui.export.text import render_text
from scoping_tui.model.validate import load_model
from tests.conftest import ROOT, SAMPLES

AS_OF = "2026-11-28"

# An agent writing to three stores over gRPC (twice to store-a, which the engine makes one
# finding with `also`), a second agent writing to one of them, and a vendor boundary. Only
# the write to store-a carries personal data, which raises its severity.
MODEL = textwrap.dedent("""\
    version: 1
    system:
      name: Fold test
      phase: prototype
    boundaries:
      - {id: corp, name: Corporate network, kind: corporate-network}
      - {id: vendor, name: Vendor, kind: third-party}
    components:
      - {id: person, name: Person, type: user, boundary: corp}
      - id: bot
        name: Bot
        type: agent
        boundary: corp
        agent: {model: llm, approval: every-action, triggers: [user]}
      - {id: llm, name: LLM, type: foundation-model, boundary: vendor, hosting: managed-api,
         model: {origin: pre-trained}}
      - {id: store-a, name: Store A, type: data-store, boundary: corp}
      - {id: store-b, name: Store B, type: data-store, boundary: corp}
      - {id: store-c, name: Store C, type: data-store, boundary: corp}
      - id: helper
        name: Helper
        type: agent
        boundary: corp
        agent: {model: llm, approval: every-action, triggers: [user]}
    flows:
      - {id: ask, from: person, to: bot, data: [internal], protocol: https}
      - {id: write-a, from: bot, to: store-a, data: [pii], protocol: grpc}
      - {id: write-b, from: bot, to: store-b, data: [internal], protocol: grpc}
      - {id: write-c, from: bot, to: store-c, data: [internal], protocol: grpc}
      - {id: write-a-again, from: bot, to: store-a, data: [internal], protocol: grpc}
      - {id: helper-writes, from: helper, to: store-b, data: [internal], protocol: grpc}
      - {id: think, from: bot, to: llm, data: [internal], protocol: https}
    accepted_risks:
      - {finding: ORG-AGENT-GRPC-WRITE@write-c, owner: sam, reason: store-c is a scratch copy,
         expires: "2099-01-01"}
    """)

# Rules of our own, so that what fires where does not follow edits to the built-in catalog.
ORG_CATALOG = textwrap.dedent("""\
    version: 1
    threats:
      - id: ORG-AGENT-GRPC-WRITE
        title: Agent writes over an unreviewed gRPC channel
        description: Our gRPC stores accept whatever an agent sends them.
        stride: [T]
        target: flow
        when:
          all:
            - {fact: from_type, equals: agent}
            - {fact: protocol, equals: grpc}
        likelihood: medium
        impact: medium
        factors: [sensitive-flow]
        references: {owasp-llm: ["LLM05:2025"]}
      - id: ORG-AGENT-PII-WRITE
        title: Agent writes personal data
        description: Personal data written by an agent needs a record of processing.
        stride: [I]
        target: flow
        when:
          all:
            - {fact: from_type, equals: agent}
            - {fact: data, contains: pii}
        likelihood: low
        impact: medium
        references: {owasp-llm: ["LLM02:2025"]}
      - id: ORG-VENDOR-ZONE
        title: Vendor zone outside our monitoring
        description: Nothing we run watches what happens inside a vendor's boundary.
        stride: [R]
        target: boundary
        when: {fact: kind, equals: third-party}
        likelihood: low
        impact: low
        references: {owasp-llm: ["LLM03:2025"]}
    """)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    model = tmp_path / "fold.yaml"
    model.write_text(MODEL, encoding="utf-8")
    catalog = tmp_path / "org.yaml"
    catalog.write_text(ORG_CATALOG, encoding="utf-8")
    return model, catalog


def _assess(path: Path, *extra: Path) -> Assessment:
    result = load_model(path, str(path))
    assert result.model is not None, result.diagnostics
    return assess(result.model, load_catalog(extra), as_of=dt.date.fromisoformat(AS_OF))


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["analyze", *args, "--as-of", AS_OF]) == 0
    return capsys.readouterr().out


def _group(groups: tuple[ElementGroup, ...], element: str) -> ElementGroup:
    found = [group for group in groups if group.id == element]
    assert len(found) == 1, [group.id for group in groups]
    return found[0]


def _entries(group: ElementGroup, threat: str) -> list[Entry]:
    return [entry for entry in group.entries if entry.threat.id == threat]


def _entry_block(section: list[str], threat: str) -> str:
    """One entry of a section: its first line (naming ``threat``) up to the next entry."""
    start = next(n for n, line in enumerate(section) if f" {threat} " in line
                 or f" {threat}@" in line)
    end = next((n for n in range(start + 1, len(section))
                if re.match(r"  [A-Z]", section[n])), len(section))
    return "\n".join(line.strip() for line in section[start:end]) + "\n"


def _sections(text: str) -> dict[str, list[str]]:
    """The text output's findings, per element heading (the heading's first word)."""
    block = text.split("\nFindings: ", 1)[1].split("\nQuestions for the review", 1)[0]
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in block.splitlines()[2:]:
        if line and not line.startswith(" "):
            current = sections.setdefault(line.split()[0], [line])
        elif line and current is not None:
            current.append(line)
    return sections


# --- the pure function ------------------------------------------------------------------------

def test_a_flow_finding_is_grouped_under_the_component_it_leaves(
        files: tuple[Path, Path]) -> None:
    groups = group_findings(_assess(*files))
    helper = _group(groups, "helper")
    assert [f.finding.target for e in _entries(helper, "ORG-AGENT-GRPC-WRITE")
            for f in e.findings] == ["helper-writes"]
    # Not under the store it reaches, and not under the other agent writing to that store.
    assert not [g for g in groups if g.id in ("store-b", "helper-writes")]
    bot = _group(groups, "bot")
    assert "helper-writes" not in {f.finding.target for f in bot.findings}
    # The boundary finding has a group of its own, after the components' groups that are
    # as bad as it or worse.
    vendor = _group(groups, "vendor")
    assert vendor.kind == "boundary" and vendor.type == "third-party"
    assert "ORG-VENDOR-ZONE@vendor" in {e.worst.finding.id for e in vendor.entries}
    assert all(groups.index(g) < groups.index(vendor) for g in groups
               if g.kind == "component" and g.severity_rank <= vendor.severity_rank)


def test_three_flows_with_one_threat_fold_into_one_entry(files: tuple[Path, Path]) -> None:
    bot = _group(group_findings(_assess(*files)), "bot")
    [entry] = _entries(bot, "ORG-AGENT-GRPC-WRITE")
    assert entry.folded
    assert [f.finding.target for f in entry.findings] == ["write-a", "write-b", "write-c"]
    # write-a-again is the engine's own grouping (same two components): listed, not dropped.
    assert [(flow.id, flow.line) for flow in entry.flows] == [
        ("write-a", 27), ("write-a-again", 30), ("write-b", 28), ("write-c", 29)]
    assert entry.severity == "high"  # the worst: write-a carries pii
    assert {f.finding.severity for f in entry.findings[1:]} == {"medium"}
    # Each flow's status is counted: write-c's finding is an accepted risk.
    assert entry.status_counts() == (("open", 3), ("accepted", 1))


def test_findings_on_different_threats_or_components_do_not_fold(
        files: tuple[Path, Path]) -> None:
    groups = group_findings(_assess(*files))
    bot = _group(groups, "bot")
    [pii] = _entries(bot, "ORG-AGENT-PII-WRITE")
    assert not pii.folded
    assert [f.finding.id for f in pii.findings] == ["ORG-AGENT-PII-WRITE@write-a"]
    for group in groups:
        for entry in group.entries:
            assert {f.finding.threat.id for f in entry.findings} == {entry.threat.id}
            if entry.folded:
                assert entry.on_flows
    # The same threat on a flow of another component is that component's entry.
    assert len(_entries(_group(groups, "helper"), "ORG-AGENT-GRPC-WRITE")) == 1


@pytest.mark.parametrize("sample", [*SAMPLES, ROOT / "benchmarks" / "corpus" /
                                    "email-triage-agent.yaml"], ids=lambda p: p.stem)
def test_every_finding_is_in_exactly_one_entry_worst_first(sample: Path) -> None:
    assessment = _assess(sample)
    groups = group_findings(assessment)
    shown = Counter(f.finding.id for g in groups for e in g.entries for f in e.findings)
    assert shown == Counter(s.finding.id for s in assessment.findings)
    assert [g.severity_rank for g in groups] == sorted(g.severity_rank for g in groups)
    positions = {c.id: n for n, c in enumerate(assessment.model.components)}

    def weight(group: ElementGroup) -> list[int]:
        counts = group.severity_counts()
        return [-counts[s] for s in SEVERITIES]
    for earlier, later in itertools.pairwise(groups):
        # Most findings at the worst severity first; model order breaks ties.
        assert weight(earlier) <= weight(later)
        if weight(earlier) == weight(later) and earlier.kind == later.kind == "component":
            assert positions[earlier.id] < positions[later.id]
    flows = {f.id: f for f in assessment.model.flows}
    for group in groups:
        ranks = [e.worst.finding.severity_rank for e in group.entries]
        assert ranks == sorted(ranks)
        for entry in group.entries:
            assert entry.worst.finding.severity_rank == min(
                f.finding.severity_rank for f in entry.findings)
            for status in entry.findings:
                if status.finding.target_kind == "flow":
                    flow = flows[status.finding.target]
                    sender = next(c for c in assessment.model.components if c.id == flow.source)
                    outside = sender.type in ("user", "external-service")
                    assert (flow.target if outside else flow.source) == group.id


# --- the command line ------------------------------------------------------------------------

def test_text_output_shows_each_element_once_with_its_entries(
        files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    model, catalog = files
    text = _cli(capsys, str(model), "--catalog", str(catalog))
    sections = _sections(text)
    assert {"bot", "helper", "vendor"} <= set(sections)
    assert "store-b" not in sections  # what helper and bot write to it is theirs
    assert re.fullmatch(r"helper \(agent, line 20\) — \d+ findings: .*medium.*",
                        sections["helper"][0])
    assert sections["vendor"][0].startswith("vendor (third-party boundary, line 7) — ")
    assert re.fullmatch(r"bot \(agent, line 10\) — \d+ findings: \d+ high, .*; 1 accepted",
                        sections["bot"][0])
    assert any("ORG-AGENT-GRPC-WRITE@helper-writes  [open]" in line
               for line in sections["helper"])
    bot = "\n".join(sections["bot"])
    # One entry for the threat on bot's flows, naming all of them, with each flow's line.
    assert bot.count("ORG-AGENT-GRPC-WRITE") == 1
    entry = _entry_block(sections["bot"], "ORG-AGENT-GRPC-WRITE")
    assert " ".join(entry.split()).startswith(
        "HIGH ORG-AGENT-GRPC-WRITE on 4 flows: `write-a`, `write-a-again`, `write-b`, … "
        "[3 open, 1 accepted] Agent writes over an unreviewed gRPC channel why (on `write-a`)")
    for flow, line in (("write-a", 27), ("write-a-again", 30), ("write-b", 28),
                       ("write-c", 29)):
        assert f"\n`{flow}` (line {line}): " in entry
    # The verbose entry keeps what differs per flow: write-b's own rating.
    assert "why (on `write-a`): from agent `bot` (line 27); protocol: grpc (line 27)" in entry
    assert "`write-a` (line 27): high, open\n" in entry
    assert "`write-a-again` (line 30): one finding with `write-a`\n" in entry
    assert "`write-b` (line 28): medium, open; rating: likelihood medium (base medium)" in entry
    assert "`write-c` (line 29): medium, accepted; rating: likelihood medium" in entry
    # A different threat on one of those flows is its own entry.
    assert "LOW      ORG-AGENT-PII-WRITE@write-a  [open]" in bot


def test_compact_text_lists_the_folded_flows_on_one_line(files: tuple[Path, Path]) -> None:
    text = render_text(_assess(*files), verbose=False)
    assert "why:" not in text and "rating:" not in text
    joined = " ".join(line.strip() for line in text.splitlines())
    assert ("flows: `write-a` (line 27), `write-a-again` (line 30, one finding with "
            "`write-a`), `write-b` (line 28, medium), `write-c` (line 29, medium, accepted)"
            ) in joined


def _expected_counts(report: dict[str, object], model_file: Path) -> tuple[int, int, int]:
    """Findings, elements and entries, worked out from the JSON report and the model file
    alone: a flow's findings belong to its source, one entry per threat and element there."""
    data = yaml.safe_load(model_file.read_text(encoding="utf-8"))
    source = {flow["id"]: flow["from"] for flow in data.get("flows") or []}
    findings = report["findings"]
    assert isinstance(findings, list)
    elements = set()
    entries = set()
    for finding in findings:
        if finding["target_kind"] == "flow":
            element = ("component", source[finding["target"]])
            entries.add((element, finding["threat"]))
        else:
            element = (finding["target_kind"], finding["target"])
            entries.add((element, finding["id"]))
        elements.add(element)
    return len(findings), len(elements), len(entries)


@pytest.mark.parametrize("name", ["fold", "email-triage-agent", "ops-agent",
                                  "rag-support-assistant"])
def test_the_count_lines_match_the_json_findings(
        name: str, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    model, catalog = files
    args = [str(model), "--catalog", str(catalog)]
    if name == "email-triage-agent":
        model = ROOT / "benchmarks" / "corpus" / f"{name}.yaml"
        args = [str(model)]
    elif name != "fold":
        model = ROOT / "samples" / f"{name}.yaml"
        args = [str(model)]
    report = json.loads(_cli(capsys, *args, "--format", "json"))
    findings, elements, entries = _expected_counts(report, model)
    text = _cli(capsys, *args)
    assert re.search(rf"^Findings: {findings} \(", text, re.MULTILINE)
    s = "" if findings == 1 else "s"
    assert f"\n{findings} finding{s} on {elements} elements, shown as {entries} entries\n" in text
    assert len(_sections(text)) == elements
    markdown = _cli(capsys, *args, "--format", "markdown")
    findings_part = markdown.split("\n## Findings\n", 1)[1].split("\n## ", 1)[0]
    assert len(re.findall(r"^### ", findings_part, re.MULTILINE)) == elements


def test_json_still_has_one_result_per_finding(files: tuple[Path, Path],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    model, catalog = files
    report = json.loads(_cli(capsys, str(model), "--catalog", str(catalog), "--format", "json"))
    ids = [f["id"] for f in report["findings"]]
    assert {"ORG-AGENT-GRPC-WRITE@write-a", "ORG-AGENT-GRPC-WRITE@write-b",
            "ORG-AGENT-GRPC-WRITE@write-c", "ORG-AGENT-GRPC-WRITE@helper-writes"} <= set(ids)
    assert ids == [s.finding.id for s in _assess(*files).findings]


def test_markdown_has_a_heading_and_table_per_element(
        files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    model, catalog = files
    markdown = _cli(capsys, str(model), "--catalog", str(catalog), "--format", "markdown")
    findings = markdown.split("\n## Findings\n", 1)[1].split("\n## ", 1)[0]
    headings = re.findall(r"^### (.*)$", findings, re.MULTILINE)
    where = [h.split(" — ")[0] for h in headings]
    assert where[0] == "Bot (`bot`, agent, line 10)"  # the only element with a high finding
    assert {"Helper (`helper`, agent, line 20)",
            "Vendor (`vendor`, third-party boundary, line 7)"} <= set(where)
    assert not [h for h in where if "store-b" in h]
    assert re.fullmatch(r"Bot \(`bot`, agent, line 10\) — \d+ findings: \d+ high, .*"
                        r"; 1 accepted", headings[0])
    bot = findings.split("\n### ")[1]
    assert bot.startswith("Bot ") and "\n| Severity | Threat | Target | Status | Why |\n" in bot
    [row] = [line for line in bot.splitlines() if "ORG-AGENT-GRPC-WRITE" in line]
    cells = [cell.strip() for cell in row.strip("|").split(" | ")]
    assert cells[0] == "high"
    assert cells[2] == ("4 flows: `write-a` (line 27), `write-a-again` (line 30, one finding "
                        "with `write-a`), `write-b` (line 28, medium), `write-c` (line 29, "
                        "medium, accepted)")
    assert cells[3] == "3 open, 1 accepted"
    assert cells[4].startswith("on `write-a`: from agent `bot` (line 27)")
    # The flows are one row; another threat on one of them is a row of its own.
    assert sum("ORG-AGENT-PII-WRITE" in line for line in bot.splitlines()) == 1
    assert "helper-writes" not in bot


def test_a_flow_from_outside_is_grouped_under_the_component_that_receives_it() -> None:
    # Mail from anyone on the internet is the mailbox's to secure, not the senders'.
    groups = group_findings(_assess(ROOT / "benchmarks" / "corpus" / "email-triage-agent.yaml"))
    owner = next(g for g in groups for e in g.entries
                 if any(f.finding.id == "STRIDE-FLOW-UNENCRYPTED@inbound-mail" for f in e.findings))
    assert owner.id == "mailbox"
    assert all(g.id != "senders" for g in groups)
