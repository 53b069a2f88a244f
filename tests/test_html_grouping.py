"""The HTML report's findings per element, as the text and Markdown outputs show them: a heading
per element with its counts by severity, then its entries; one threat on several flows of an
element is one row naming every flow, and every finding keeps its anchor ``finding-N``.

The model and an organisation catalog are written to tmp_path, and the assertions are about the
catalog's own rules, so they do not follow edits to the built-in knowledge base.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from scoping_tui.cli.entry import main
from scoping_tui.engine.assessment import Assessment, assess
from scoping_tui.engine.catalog import load_catalog
from scoping_tui.export.grouping import group_findings
from scoping_tui.export.html import render_html
from scoping_tui.model.validate import load_model
from tests import test_html_report as report_tests
from tests.test_html_report import (
    Node,
    assert_every_finding_shows_its_facts,
    assert_locked_down,
    finding_nodes,
    flat,
    parse,
    row_of,
)

AS_OF = "2026-11-28"
AGENT = "<script>alert('agent')</script> & \"relay\""
BOUNDARY = "</h3><img src=x onerror=alert(2)>"

# An agent sending over gRPC to three stores (ORG-FANOUT fires on each flow), one of which has
# the control that mitigates it and one an accepted risk; a second agent with one such flow of
# its own; a vendor boundary for a boundary group.
MODEL = textwrap.dedent(f"""\
    version: 1
    system:
      name: Fan-out
      phase: prototype
    boundaries:
      - {{id: corp, name: Corporate network, kind: corporate-network}}
      - id: vendor
        name: {json.dumps(BOUNDARY)}
        kind: third-party
    components:
      - {{id: person, name: Person, type: user, boundary: corp}}
      - id: relay
        name: {json.dumps(AGENT)}
        type: agent
        boundary: corp
        agent: {{model: llm, approval: every-action, triggers: [user]}}
      - {{id: llm, name: LLM, type: foundation-model, boundary: vendor, hosting: managed-api,
         model: {{origin: pre-trained}}}}
      - {{id: store-a, name: Store A, type: data-store, boundary: corp}}
      - {{id: store-b, name: Store B, type: data-store, boundary: corp}}
      - {{id: store-c, name: Store C, type: data-store, boundary: corp}}
      - id: other
        name: Other agent
        type: agent
        boundary: corp
        agent: {{model: llm, approval: every-action, triggers: [user]}}
    flows:
      - {{id: ask, from: person, to: relay, data: [internal], protocol: https}}
      - {{id: to-a, from: relay, to: store-a, data: [pii], protocol: grpc}}
      - {{id: to-b, from: relay, to: store-b, data: [internal], protocol: grpc}}
      - {{id: to-c, from: relay, to: store-c, data: [internal], protocol: grpc}}
      - {{id: other-to-b, from: other, to: store-b, data: [internal], protocol: grpc}}
      - {{id: think, from: relay, to: llm, data: [internal], protocol: https}}
    controls:
      - {{control: ORG-GRPC-REVIEW, targets: [store-b], status: implemented,
         evidence: reviewed in ARCH-12}}
    accepted_risks:
      - {{finding: ORG-FANOUT@to-c, owner: sam, reason: store-c is a scratch copy,
         expires: "2099-01-01"}}
    """)

ORG_CATALOG = textwrap.dedent("""\
    version: 1
    threats:
      - id: ORG-FANOUT
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
      - id: ORG-VENDOR-ZONE
        title: Vendor zone outside our monitoring
        description: Nothing we run watches what happens inside a vendor's boundary.
        stride: [R]
        target: boundary
        when: {fact: kind, equals: third-party}
        likelihood: low
        impact: low
        references: {owasp-llm: ["LLM03:2025"]}
    controls:
      - id: ORG-GRPC-REVIEW
        title: Reviewed gRPC contract
        description: The store's gRPC contract is reviewed and enforced.
        phase: prototype
        layer: ai-application
        mitigates: [ORG-FANOUT]
        references: {}
    """)


def _line(text: str) -> int:
    """The line of the model file that starts to define ``text``."""
    return next(n for n, line in enumerate(MODEL.splitlines(), 1) if text in line)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    model = tmp_path / "fanout.yaml"
    model.write_text(MODEL, encoding="utf-8")
    catalog = tmp_path / "org.yaml"
    catalog.write_text(ORG_CATALOG, encoding="utf-8")
    return model, catalog


def _assess(model: Path, catalog: Path) -> Assessment:
    result = load_model(model, str(model))
    assert result.model is not None, result.diagnostics
    return assess(result.model, load_catalog([catalog]), as_of=dt.date.fromisoformat(AS_OF))


def _report(files: tuple[Path, Path], tmp_path: Path) -> tuple[str, Node]:
    """The HTML report as the command line writes it."""
    model, catalog = files
    out = tmp_path / "report.html"
    assert main(["report", str(model), "--catalog", str(catalog), "--format", "html",
                 "--as-of", AS_OF, "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    return page, parse(page)


def _groups(doc: Node) -> list[Node]:
    container = doc.by_id("finding-groups")
    return [n for n in container.children if isinstance(n, Node)]


def _entry_rows(group: Node) -> list[Node]:
    return [tr for tr in group.find_all("tr") if "entry" in tr.classes()]


def _rows_naming(doc: Node, threat: str) -> list[Node]:
    return [row for group in _groups(doc) for row in _entry_rows(group)
            if threat in flat([c for c in row.children if isinstance(c, Node)][1])]


def test_three_flows_with_one_threat_are_one_row_naming_them(
        files: tuple[Path, Path], tmp_path: Path) -> None:
    page, doc = _report(files, tmp_path)
    relay = doc.by_id("findings-component-relay")
    [row] = [r for r in _entry_rows(relay) if "ORG-FANOUT" in flat(r)]
    assert "folded" in row.classes()
    cells = [c for c in row.children if isinstance(c, Node) and c.tag == "td"]
    # The worst finding leads: the flow to store-a carries personal data.
    assert cells[0].text().startswith("HIGH") and "3 findings" in flat(cells[1])
    items = [li for li in cells[2].find_all("li") if "data-finding" in li.attrs]
    assert [li.attrs["data-finding"] for li in items] == \
        ["ORG-FANOUT@to-a", "ORG-FANOUT@to-b", "ORG-FANOUT@to-c"]
    # Each flow with its line in the model file, its severity and its own status.
    assert [re.findall(r"^\S+ line \d+", flat(li)) for li in items] == \
        [[f"{flow} line {_line(f'id: {flow},')}"] for flow in ("to-a", "to-b", "to-c")]
    assert [li.attrs["data-severity"] for li in items] == ["high", "medium", "medium"]
    assert [li.attrs["data-status"] for li in items] == ["open", "mitigated", "accepted"]
    assert "Mitigated" in flat(items[1]) and "Accepted" in flat(items[2])
    assert "by sam until 2099-01-01" in flat(items[2])
    assert [flat(li) for li in cells[3].find_all("li")] == \
        ["Open 1 flow", "Mitigated 1 flow", "Accepted 1 flow"]
    # What differs per flow is kept, under the flow's name: store-b's control is in place.
    controls = [(flat(node), [(li.attrs["class"], li.text()) for li in node.find_all("li")])
                for node in cells[6].children if isinstance(node, Node)]
    assert controls == [("on to-a, to-c:", []), ("ORG-GRPC-REVIEW", [("no", "ORG-GRPC-REVIEW")]),
                        ("on to-b:", []), ("ORG-GRPC-REVIEW", [("yes", "ORG-GRPC-REVIEW")])]
    ratings = [flat(node) for node in cells[5].children if isinstance(node, Node)]
    assert ratings[0] == "on to-a:" and ratings[1].startswith("likelihood medium") \
        and "→ high" in ratings[1] and "sensitive" in ratings[1]
    assert ratings[2:] == ["on to-b, to-c:",
                           "likelihood medium (base medium), impact medium (base medium) → medium"]
    # The reasons of the worst finding; the others' are the same words on their own lines.
    why = [flat(node) for node in cells[4].children if isinstance(node, Node)]
    assert why == ["on to-a:", f"from agent relay line {_line('id: to-a,')}protocol: grpc line "
                               f"{_line('id: to-a,')}"]
    # The other agent's flow of the same threat is its own entry, in its own group.
    assert [li.attrs["data-finding"] for li in doc.by_id("findings-component-other").walk()
            if "data-finding" in li.attrs and "ORG-FANOUT" in (li.attrs["data-finding"] or "")
            ] == ["ORG-FANOUT@other-to-b"]
    assert len(_rows_naming(doc, "ORG-FANOUT")) == 2
    assert_locked_down(doc, page)


def test_each_element_is_one_group_with_its_counts(files: tuple[Path, Path],
                                                   tmp_path: Path) -> None:
    _, doc = _report(files, tmp_path)
    assessment = _assess(*files)
    expected = group_findings(assessment)
    groups = _groups(doc)
    ids = [g.attrs["id"] for g in groups]
    assert len(ids) == len(set(ids)) == len(expected)
    assert ids == [f"findings-{g.kind}-{g.id}" if g.kind != "system" else "findings-system"
                   for g in expected]
    assert "findings-component-relay" in ids and "findings-boundary-vendor" in ids
    # No group for a store the agents write to: those findings are the agents'.
    assert "findings-component-store-b" not in ids
    for node, group in zip(groups, expected, strict=True):
        [heading] = node.find_all("h3")
        counts = ", ".join(f"{n} {s}" for s, n in group.severity_counts().items() if n)
        assert f"— {len(group.findings)} finding" in flat(heading)
        assert counts in flat(heading)
        shown = [n.attrs["data-finding"] or "" for n in node.walk() if "data-finding" in n.attrs]
        assert sorted(shown) == sorted(s.finding.id for s in group.findings)
        assert len(_entry_rows(node)) == len(group.entries)
    relay = flat(doc.by_id("findings-component-relay").find_all("h3")[0])
    assert relay.startswith(f"{AGENT} relay agent, line ")
    assert relay.endswith("; 1 mitigated, 1 accepted")
    vendor = flat(doc.by_id("findings-boundary-vendor").find_all("h3")[0])
    assert vendor.startswith(f"{BOUNDARY} vendor third-party boundary, line "
                             f"{_line('id: vendor')} — 1 finding: 1 low")
    findings = len(assessment.findings)
    entries = sum(len(g.entries) for g in expected)
    assert f"{findings} findings on {len(expected)} elements, shown as {entries} entries" \
        in flat(doc.by_id("findings"))


def test_every_finding_of_the_json_output_has_its_anchor(
        files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model, catalog = files
    assert main(["analyze", str(model), "--catalog", str(catalog), "--format", "json",
                 "--as-of", AS_OF]) == 0
    ids = [f["id"] for f in json.loads(capsys.readouterr().out)["findings"]]
    assert "ORG-FANOUT@to-b" in ids and len(ids) > 4
    _, doc = _report(files, tmp_path)
    for number, finding_id in enumerate(ids, 1):
        anchor = doc.by_id(f"finding-{number}")
        assert anchor.attrs["data-finding"] == finding_id
        assert finding_id in flat(anchor)
    # Nothing else claims to be a finding.
    assert len(finding_nodes(doc)) == len(ids)
    # A folded finding's anchor is its item in the row's flow list.
    folded = doc.by_id(f"finding-{ids.index('ORG-FANOUT@to-b') + 1}")
    assert folded.tag == "li" and "folded" in row_of(folded).classes()
    assert_every_finding_shows_its_facts(doc, _assess(*files))


def test_hostile_names_stay_escaped_in_the_group_headings(
        files: tuple[Path, Path], tmp_path: Path) -> None:
    page, doc = _report(files, tmp_path)
    assert_locked_down(doc, page)
    for group, name in (("findings-component-relay", AGENT),
                        ("findings-boundary-vendor", BOUNDARY)):
        heading = doc.by_id(group).find_all("h3")[0]
        assert flat(heading).startswith(name)
        # The name is text inside its isolating <bdi>, and added no element of its own.
        bdi = heading.find_all("bdi")
        assert len(bdi) == 1 and bdi[0].text() == name
        assert [c for c in bdi[0].children if isinstance(c, Node)] == []
    assert "<script>alert('agent')" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;agent&#x27;)&lt;/script&gt; &amp; &quot;relay&quot;" \
        in page
    assert not doc.find_all("img") and len(doc.find_all("script")) == 1


def test_the_grouped_report_is_deterministic(files: tuple[Path, Path]) -> None:
    first = render_html(_assess(*files), None)
    assert render_html(_assess(*files), None) == first


# The real browser of tests/test_html_report.py (skipped where there is no Chromium).
browser = report_tests.browser


def test_browser_filter_hides_a_folded_rows_flows_and_empty_groups(
        files: tuple[Path, Path], tmp_path: Path,
        browser: Callable[..., report_tests.Run]) -> None:
    page, _ = _report(files, tmp_path)
    url = report_tests.write(tmp_path, "fanout.html", page)
    run = browser("--dump-dom", url + "#sev=critical,high,medium&status=open")
    assert run.problems == []
    dom = report_tests.parse_dom(run.stdout)
    nodes = finding_nodes(dom)
    shown = {n.attrs["data-finding"] for n in nodes if not report_tests.hidden(n)}
    expected = {s.finding.id for s in _assess(*files).findings
                if s.status == "open" and s.finding.severity != "low"}
    assert shown == expected and "ORG-FANOUT@to-a" in shown
    # The folded row stays for the open flow; its mitigated and accepted flows are hidden.
    row = row_of(next(n for n in nodes if n.attrs["data-finding"] == "ORG-FANOUT@to-a"))
    assert "hidden" not in row.attrs
    assert {li.attrs["data-finding"]: "hidden" in li.attrs for li in row.find_all("li")
            if "data-finding" in li.attrs} == \
        {"ORG-FANOUT@to-a": False, "ORG-FANOUT@to-b": True, "ORG-FANOUT@to-c": True}
    # The vendor boundary has only a low finding: its whole group, heading and all, is hidden.
    assert "hidden" in dom.by_id("findings-boundary-vendor").attrs
    assert "hidden" not in dom.by_id("findings-component-relay").attrs
    assert dom.by_id("filter-count").text() == \
        f"Filtered: showing {len(expected)} of {len(nodes)} findings."
