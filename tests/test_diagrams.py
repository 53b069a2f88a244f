"""Data-flow diagrams: real samples through the real Graphviz ``dot``, views, badges, golden
DOT and Mermaid files, and hostile names that must neither break nor inject into either format.

Regenerate the golden diagrams after an intended change with:  UPDATE_GOLDEN=1
.venv/bin/python -m pytest tests/test_diagrams.py   (then look at the diff before committing).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from scoping_tui.engine.assessment import Assessment, assess
from scoping_tui.engine.catalog import load_catalog
from scoping_tui.export.dot import GraphvizMissing, render_dot, render_graph
from scoping_tui.export.mermaid import render_mermaid
from scoping_tui.export.view import DiagramView, parse_view, select
from scoping_tui.model.types import SystemModel
from scoping_tui.model.validate import load_model, load_text
from tests.conftest import ROOT, SAMPLES

GOLDEN = Path(__file__).parent / "golden" / "diagrams"
GOLDEN_SAMPLES = ("multi-agent-research", "rag-support-assistant")
AS_OF = dt.date(2026, 11, 28)
SVG = "{http://www.w3.org/2000/svg}"
SEVERITY_FILLS = ("#8e0000", "#d84315", "#f9a825", "#5c85b8")


def _load(sample: Path) -> SystemModel:
    result = load_model(sample, str(sample.relative_to(ROOT)))
    assert result.model is not None, result.diagnostics
    return result.model


def _sample(stem: str) -> SystemModel:
    return _load(ROOT / "samples" / f"{stem}.yaml")


def _assess(model: SystemModel) -> Assessment:
    return assess(model, load_catalog(), as_of=AS_OF)


def _squash(text: str) -> str:
    """Text without whitespace: labels wrap long names onto several SVG text lines."""
    return "".join(text.split())


def _groups(svg: bytes, kind: str) -> list[str]:
    """The squashed text of every SVG group of ``kind`` (node, cluster, edge), in order."""
    root = ET.fromstring(svg)
    found = []
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == kind:
            found.append(_squash("".join(t.text or "" for t in group.iter(f"{SVG}text"))))
    return found


def _fills(svg: bytes) -> set[str]:
    root = ET.fromstring(svg)
    return {(e.get("fill") or "").lower() for e in root.iter() if e.get("fill")}


# --- every sample through real dot ------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_renders_to_svg_with_every_component_and_boundary(sample: Path) -> None:
    model = _load(sample)
    svg = render_graph(render_dot(model, _assess(model), DiagramView()), "svg")
    nodes = _groups(svg, "node")
    clusters = _groups(svg, "cluster")
    assert len(nodes) == len(model.components)
    for component in model.components:
        assert any(_squash(component.name) in node for node in nodes), component.name
    assert len(clusters) == len(model.boundaries)
    for boundary in model.boundaries:
        assert any(_squash(boundary.name) in cluster for cluster in clusters), boundary.name
    # Flows between one pair are merged into one edge; agent references add dotted ones.
    selection = select(model, DiagramView())
    assert len(selection.edges) == len({(f.source, f.target) for f in model.flows})
    assert len(_groups(svg, "edge")) == len(selection.edges) + len(selection.references)


@pytest.mark.parametrize("fmt, magic", [("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_png_and_pdf_come_from_dot(fmt: str, magic: bytes) -> None:
    model = _sample("public-chat-assistant")
    assert render_graph(render_dot(model, _assess(model)), fmt).startswith(magic)


def test_unknown_image_format_is_refused() -> None:
    with pytest.raises(ValueError, match="svg, png, pdf"):
        render_graph("digraph {}", "gif")


def test_a_forty_component_model_renders_every_node() -> None:
    model = _combined(["multi-agent-research", "rag-support-assistant", "ops-agent"])
    assert len(model.components) >= 40
    svg = render_graph(render_dot(model, _assess(model)), "svg")
    assert len(_groups(svg, "node")) == len(model.components)
    assert len(_groups(svg, "cluster")) == len(model.boundaries)


def _combined(stems: list[str]) -> SystemModel:
    """Several samples side by side in one model, ids prefixed so that they do not collide."""
    combined: dict[str, Any] = {"version": 1,
                                "system": {"name": "Combined estate", "phase": "production"},
                                "boundaries": [], "components": [], "flows": []}
    for number, stem in enumerate(stems):
        doc = yaml.safe_load((ROOT / "samples" / f"{stem}.yaml").read_text(encoding="utf-8"))

        def ref(value: str, prefix: str = f"s{number}-") -> str:
            return prefix + value

        for boundary in doc.get("boundaries", []):
            boundary["id"] = ref(boundary["id"])
            if boundary.get("parent"):
                boundary["parent"] = ref(boundary["parent"])
            combined["boundaries"].append(boundary)
        for component in doc["components"]:
            component["id"] = ref(component["id"])
            if component.get("boundary"):
                component["boundary"] = ref(component["boundary"])
            agent = component.get("agent") or {}
            if agent.get("model"):
                agent["model"] = ref(agent["model"])
            for grant in agent.get("tools", []):
                grant["tool"] = ref(grant["tool"])
            for key in ("memory", "delegates_to"):
                if key in agent:
                    agent[key] = [ref(r) for r in agent[key]]
            combined["components"].append(component)
        for flow in doc["flows"]:
            flow.update(id=ref(flow["id"]), **{"from": ref(flow["from"]), "to": ref(flow["to"])})
            combined["flows"].append(flow)
    result = load_text(yaml.safe_dump(combined, sort_keys=False), "combined.yaml")
    assert result.model is not None, result.diagnostics
    return result.model


# --- views -----------------------------------------------------------------------------------


def test_boundary_view_draws_the_boundary_and_everything_nested_in_it() -> None:
    model = _sample("multi-agent-research")
    selection = select(model, parse_view("boundary:aws-account", model))
    assert {c.id for c in selection.components} == {
        "event-bus", "orchestrator", "research-agent", "web-fetch", "writer-agent",
        "style-guide", "publisher-agent", "cms-publish", "publish-guard", "shared-memory",
        "agent-traces"}
    assert [b.id for b in selection.boundaries] == ["aws-account", "agent-runtime"]
    assert {f.id for f in selection.flows} == {
        "bus-starts-run", "orchestrator-schedules", "delegate-research", "delegate-writing",
        "delegate-publishing", "research-notes", "writer-reads-notes", "writer-style",
        "publish-check", "run-traces"}
    svg = render_graph(render_dot(model, _assess(model), selection.view), "svg")
    assert len(_groups(svg, "node")) == 11
    assert len(_groups(svg, "cluster")) == 2


def test_nested_boundary_view_keeps_its_parent_as_the_enclosing_cluster() -> None:
    model = _sample("multi-agent-research")
    selection = select(model, parse_view("boundary:agent-runtime", model))
    assert {c.id for c in selection.components} == {
        "orchestrator", "research-agent", "web-fetch", "writer-agent", "publisher-agent",
        "cms-publish"}
    assert [(b.id, b.parent) for b in selection.boundaries] == [
        ("aws-account", None), ("agent-runtime", "aws-account")]


def test_around_view_draws_neighbours_by_flow_and_by_agent_reference() -> None:
    model = _sample("multi-agent-research")
    selection = select(model, parse_view("around:writer-agent", model))
    # Flows to the memory, style guide and model; the orchestrator delegates to it.
    assert {c.id for c in selection.components} == {
        "writer-agent", "orchestrator", "shared-memory", "style-guide", "foundation-llm"}
    assert {f.id for f in selection.flows} == {
        "delegate-writing", "writer-reads-notes", "writer-style", "writer-llm",
        "orchestrator-llm"}
    assert [b.id for b in selection.boundaries] == ["aws-account", "agent-runtime",
                                                    "model-provider"]
    # The orchestrator's memory has no flow, so the reference itself is drawn.
    assert [(r.source, r.target, r.kinds) for r in selection.references] == [
        ("orchestrator", "shared-memory", ("memory",))]


def test_around_an_in_process_tool_finds_the_agent_that_holds_the_grant() -> None:
    model = _sample("multi-agent-research")
    selection = select(model, parse_view("around:web-fetch", model))
    assert {c.id for c in selection.components} == {"web-fetch", "web", "research-agent"}
    assert {f.id for f in selection.flows} == {"fetch-pages"}
    assert [(r.source, r.target) for r in selection.references] == [
        ("research-agent", "web-fetch")]
    svg = render_graph(render_dot(model, None, selection.view), "svg")
    assert len(_groups(svg, "edge")) == 2


@pytest.mark.parametrize("text, message", [
    ("boundary:agent-runtim", "no boundary 'agent-runtim' in the model; did you mean "
                              "'agent-runtime'"),
    ("around:writer-agnet", "no component 'writer-agnet' in the model; did you mean "
                            "'writer-agent'"),
    ("aroud:writer-agent", "unknown view 'aroud:writer-agent'.*did you mean 'around'"),
    ("boundary:", "needs an id"),
    ("system:x", "unknown view"),
])
def test_bad_views_are_refused_with_a_clear_message(text: str, message: str) -> None:
    model = _sample("multi-agent-research")
    with pytest.raises(ValueError, match=message):
        parse_view(text, model)


def test_bad_direction_is_refused_and_lower_case_is_accepted() -> None:
    with pytest.raises(ValueError, match="use LR or TB"):
        parse_view("system", direction="XY")
    assert parse_view("system", direction="tb").direction == "TB"


def test_top_to_bottom_direction_reaches_both_formats() -> None:
    model = _sample("public-chat-assistant")
    view = DiagramView(direction="TB")
    assert "rankdir=TB" in render_dot(model, None, view)
    assert render_mermaid(model, None, view).startswith("flowchart TB\n")


# --- findings badges -------------------------------------------------------------------------


def test_badges_count_unresolved_findings_and_take_the_worst_severity() -> None:
    model = _sample("multi-agent-research")
    assessment = _assess(model)
    selection = select(model, DiagramView(), assessment)
    for component in model.components:
        unresolved = [s.finding for s in assessment.findings
                      if s.unresolved and s.finding.target_kind == "component"
                      and s.finding.target == component.id]
        badge = selection.component_badges.get(component.id)
        if not unresolved:
            assert badge is None
            continue
        assert badge is not None
        assert badge.count == len(unresolved)
        assert badge.severity == min((f.severity for f in unresolved),
                                     key=("critical", "high", "medium", "low").index)
    # The accepted excessive-agency finding on the publishing agent is not counted.
    accepted = [s for s in assessment.findings if s.status == "accepted"]
    assert accepted and all(s.finding.target == "publisher-agent" for s in accepted)


def test_no_findings_removes_every_badge() -> None:
    model = _sample("multi-agent-research")
    assessment = _assess(model)
    with_badges = render_graph(render_dot(model, assessment, DiagramView()), "svg")
    view = DiagramView(show_findings=False)
    dot = render_dot(model, assessment, view)
    without = render_graph(dot, "svg")
    assert _fills(with_badges) & set(SEVERITY_FILLS)
    assert not _fills(without) & set(SEVERITY_FILLS)
    assert "Findings" not in "".join(_groups(without, "graph")) and "Findings" not in dot
    mermaid = render_mermaid(model, assessment, view)
    assert not any(mark in mermaid for mark in "🟥🟧🟨🟦")
    assert render_dot(model, None, DiagramView()).count("FIXEDSIZE") == dot.count("FIXEDSIZE")


# --- determinism and golden files ------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_rendering_is_deterministic(sample: Path) -> None:
    first, second = _load(sample), _load(sample)
    dot = render_dot(first, _assess(first), DiagramView())
    assert dot == render_dot(second, _assess(second), DiagramView())
    assert render_mermaid(first, _assess(first)) == render_mermaid(second, _assess(second))
    assert render_graph(dot, "svg") == render_graph(dot, "svg")


@pytest.mark.parametrize("stem", GOLDEN_SAMPLES)
@pytest.mark.parametrize("suffix", ["dot", "mmd"])
def test_diagram_matches_its_golden_file(stem: str, suffix: str) -> None:
    model = _sample(stem)
    render = render_dot if suffix == "dot" else render_mermaid
    text = render(model, _assess(model), DiagramView())
    golden = GOLDEN / f"{stem}.{suffix}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden file: run with UPDATE_GOLDEN=1 to create {golden.name}"
    assert text == golden.read_text(encoding="utf-8")


# --- hostile names ---------------------------------------------------------------------------

HOSTILE_YAML = r"""
version: 1
system:
  name: "Evil \"system\" <b>title</b> \\ %%{init: {}}%%"
boundaries:
  - id: zone-evil
    name: "Zone \"A\" <i>x</i> {y} | z ` #quot; ]"
    kind: cloud-account
  - id: zone-inner
    name: "Inner \u200Fשלום zone"
    kind: vpc
    parent: zone-evil
components:
  - id: quoteid
    name: "Say \"hi\" \\ back \\\\ twice"
    type: user
  - id: scriptid
    name: "<script>alert('x')</script>"
    type: service
    boundary: zone-evil
  - id: pipeid
    name: "a|b{c}d [e] (f) #35; &amp; x"
    type: data-store
    boundary: zone-inner
  - id: tickid
    name: "tick `code` --> n0 ; end"
    type: foundation-model
    boundary: zone-evil
  - id: newlineid
    name: "line one\nline two"
    type: agent
    boundary: zone-inner
    agent:
      model: tickid
      tools: [{tool: rtlid, permissions: [read]}]
  - id: rtlid
    name: "\u200Fמודל right-to-left"
    type: tool
    boundary: zone-inner
  - id: emojiid
    name: "🚀 rocket 中文名称 服务"
    type: external-service
flows:
  - id: evil-flow
    name: "flow \"x\" <y> |z| `w` #35; %% \\ \n second line"
    from: quoteid
    to: scriptid
    data: [pii]
    protocol: https
    authenticated: false
  - id: flow-two
    name: "--> n1[\"injected\"]"
    from: scriptid
    to: newlineid
    encrypted: false
  - id: flow-three
    from: newlineid
    to: pipeid
  - id: flow-four
    name: "汉字 \u200F"
    from: tickid
    to: emojiid
"""
HOSTILE_IDS = ("quoteid", "scriptid", "pipeid", "tickid", "newlineid", "rtlid", "emojiid",
               "zone-evil", "zone-inner", "evil-flow")


@pytest.fixture(scope="module")
def hostile() -> SystemModel:
    result = load_text(HOSTILE_YAML, "hostile.yaml")
    assert result.model is not None, result.diagnostics
    assert "\n" in result.model.components[4].name  # the YAML escape really made a newline
    return result.model


def test_hostile_names_render_intact_through_real_dot(hostile: SystemModel) -> None:
    svg = render_graph(render_dot(hostile, _assess(hostile), DiagramView()), "svg")
    nodes = _groups(svg, "node")
    assert len(nodes) == len(hostile.components)  # nothing injected, nothing lost
    for component in hostile.components:
        assert any(_squash(component.name) in node for node in nodes), component.name
    clusters = _groups(svg, "cluster")
    assert len(clusters) == len(hostile.boundaries)
    for boundary in hostile.boundaries:
        assert any(_squash(boundary.name) in cluster for cluster in clusters), boundary.name
    edges = "".join(_groups(svg, "edge"))
    for flow in hostile.flows:
        assert _squash(flow.name) in edges, flow.name
    assert _squash(hostile.system.name) in "".join(_groups(svg, "graph"))
    # The name is text in the SVG, never markup.
    root = ET.fromstring(svg)
    assert not [e for e in root.iter() if e.tag.endswith("script") or e.tag.endswith("}b")]


def test_hostile_ids_never_reach_the_output(hostile: SystemModel) -> None:
    dot = render_dot(hostile, None, DiagramView())
    mermaid = render_mermaid(hostile, None, DiagramView())
    for text in (dot, mermaid):
        for ident in HOSTILE_IDS:
            assert ident not in text


_DOT_LINE = re.compile("|".join([
    r"digraph dfd \{", r"\}", r"graph \[.*", r"label=(<<TABLE.*</TABLE>>)\];",
    r"(?:node|edge) \[[^<>]*\];", r"subgraph cluster_c\d+ \{", r"style=[^<>]*;",
    r"label=(<<TABLE.*</TABLE>>);",
    r"n\d+ \[[^<>]*label=(<<TABLE.*</TABLE>>)\];",
    r"n\d+ -> n\d+ \[[^<>]*label=(<<TABLE.*</TABLE>>)[^<>]*\];",
]))
_LABEL_TAGS = {"TABLE", "TR", "TD", "FONT", "B", "I", "BR"}


def test_hostile_dot_keeps_every_value_inside_escaped_html_labels(hostile: SystemModel) -> None:
    dot = render_dot(hostile, _assess(hostile), DiagramView())
    assert "<script>" not in dot and "&lt;script&gt;" in dot
    assert '"hi"' not in dot and "&quot;hi&quot;" in dot
    labels = 0
    for line in dot.splitlines():
        match = _DOT_LINE.fullmatch(line.strip())
        assert match, line  # a name that escaped its label would make a line of its own
        label = next((g for g in match.groups() if g), None)
        if label is not None:
            # Well-formed markup of our own tags only: no value opened or closed a tag.
            element = ET.fromstring(label[1:-1])
            assert {e.tag for e in element.iter()} <= _LABEL_TAGS, label
            labels += 1
    assert labels >= len(hostile.components) + len(hostile.boundaries) + len(hostile.flows)


# One regular expression per kind of line the Mermaid renderer writes: a hostile name that
# broke out of its label would produce a line that matches none of them.
_LABEL = r'(?:[^"<>\n]|<br>)*'
_MERMAID_LINE = re.compile("|".join([
    r"flowchart (LR|TB)",
    rf'subgraph (c\d+|legend)\["{_LABEL}"\]',
    r"end",
    r"direction TB",
    rf'[nl]\d+(\["|\("|\{{\{{"|\[\("){_LABEL}("\]|"\)|"\}}\}}|"\)\])',
    rf'n\d+ (-->|==>|-\.->)(\|"{_LABEL}"\|)? n\d+',
    r"l\d+( ~~~ l\d+)+",
    r"classDef dfd\w+ [\w:#,.\- ]+",
    r"class [nl\d,]+ dfd\w+",
    r"style (c\d+|legend) [\w:#,.\- ]+",
    r"linkStyle [\d,]+ [\w:#,.\- ]+",
]))


def _mermaid_labels(mermaid: str) -> list[str]:
    return re.findall(r'"((?:[^"\n])*)"', mermaid)


def test_hostile_mermaid_has_only_expected_lines_and_clean_labels(hostile: SystemModel) -> None:
    mermaid = render_mermaid(hostile, _assess(hostile), DiagramView())
    for line in mermaid.splitlines():
        assert _MERMAID_LINE.fullmatch(line.strip()), line
    labels = _mermaid_labels(mermaid)
    assert labels
    for label in labels:
        bare = re.sub(r"#\w+;", "", label.replace("<br>", ""))
        assert not set(bare) & set('"<>`|{}[]()\\%;#&\n\r\u200f'), label
        # Every # starts an entity code, so none can be read as one the author wrote.
        assert all(re.match(r"#(\w+);", label[i:]) for i in range(len(label))
                   if label[i] == "#"), label
    assert "#lt;script#gt;" in mermaid
    assert "Say #quot;hi#quot; #92; back #92;#92; twice" in mermaid
    assert "line one<br>line two" in mermaid
    assert "#8207;מודל right-to-left" in mermaid  # the right-to-left mark, kept as a code
    assert "🚀 rocket 中文名称 服务" in mermaid
    assert "#35;quot#59;" in mermaid  # a literal "#quot;" in a name stays literal


def test_sample_mermaid_has_only_expected_lines() -> None:
    for sample in SAMPLES:
        model = _load(sample)
        for line in render_mermaid(model, _assess(model)).splitlines():
            assert _MERMAID_LINE.fullmatch(line.strip()), (sample.name, line)


def test_mermaid_subgraphs_nest_like_the_boundaries() -> None:
    model = _sample("multi-agent-research")
    lines = render_mermaid(model, None).splitlines()
    opened = [line for line in lines if line.strip().startswith("subgraph c")]
    assert [line.split("[")[0].strip() for line in opened] == [
        "subgraph c0", "subgraph c1", "subgraph c2", "subgraph c3", "subgraph c4"]
    # The agent runtime (c2) sits one level deeper than the account (c1) that holds it.
    indent = {line.split("[")[0].strip(): len(line) - len(line.lstrip()) for line in opened}
    assert indent["subgraph c2"] == indent["subgraph c1"] + 2


# --- Graphviz missing ------------------------------------------------------------------------


def test_graphviz_missing_when_dot_is_not_on_path(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    model = _sample("public-chat-assistant")
    dot = render_dot(model, None)  # DOT and Mermaid need no Graphviz
    assert render_mermaid(model, None)
    with pytest.raises(GraphvizMissing, match="apt-get install graphviz"):
        render_graph(dot, "svg")
