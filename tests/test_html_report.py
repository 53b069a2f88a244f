"""The HTML report: structure, escaping, the content security policy, and a real browser."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import struct
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from scoping_tui.engine.assessment import Assessment, assess
from scoping_tui.engine.catalog import PHASES, Catalog, load_catalog
from scoping_tui.engine.threats import SEVERITIES
from scoping_tui.export.dot import render_dot, render_graph
from scoping_tui.export.html import SCRIPT, render_html, sanitize_svg
from scoping_tui.model.types import SystemModel
from scoping_tui.model.validate import load_model, load_text
from tests.tools_support import required_program

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
AS_OF = dt.date(2026, 1, 1)
SECTIONS = ("summary", "scope", "diagram", "system", "findings", "questions", "why", "controls",
            "accepted", "frameworks")
STATUS_LABELS = {"open": "Open", "partially-mitigated": "Partially mitigated",
                 "mitigated": "Mitigated", "accepted": "Accepted"}
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "source", "track", "wbr"})


# ---------------------------------------------------------------------------------------------
# A small DOM built with html.parser.

@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def find_all(self, tag: str, **attrs: str) -> list[Node]:
        return [n for n in self.walk() if n.tag == tag
                and all(n.attrs.get(k.rstrip("_").replace("_", "-")) == v
                        for k, v in attrs.items())]

    def by_id(self, element_id: str) -> Node:
        found = [n for n in self.walk() if n.attrs.get("id") == element_id]
        assert len(found) == 1, f"{len(found)} elements with id {element_id!r}"
        return found[0]

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def inside(self, tag: str) -> bool:
        node = self.parent
        while node is not None:
            if node.tag == tag:
                return True
            node = node.parent
        return False


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root
        self.declarations: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.declarations.append(decl)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), self.current)
        assert len(node.attrs) == len(attrs), f"duplicate attribute on <{tag}>: {attrs}"
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag: str) -> None:
        assert self.current.tag == tag, f"</{tag}> closes <{self.current.tag}>"
        assert self.current.parent is not None
        self.current = self.current.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(page: str) -> Node:
    builder = _Builder()
    builder.feed(page)
    builder.close()
    assert builder.current is builder.root, f"<{builder.current.tag}> never closed"
    assert builder.declarations == ["DOCTYPE html"]
    return builder.root


def sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def policy(doc: Node) -> dict[str, list[str]]:
    metas = [m for m in doc.find_all("meta")
             if (m.attrs.get("http-equiv") or "").lower() == "content-security-policy"]
    assert len(metas) == 1
    content = metas[0].attrs["content"]
    assert content is not None
    out: dict[str, list[str]] = {}
    for directive in content.split(";"):
        name, *values = directive.split()
        out[name] = values
    return out


# ---------------------------------------------------------------------------------------------
# Fixtures: real samples, the real diagram pipeline.

@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _model(path: Path) -> SystemModel:
    model = load_model(path).model
    assert model is not None
    return model


def diagram_svg(model: SystemModel, assessment: Assessment) -> str:
    """The diagram from the project's Graphviz exporter, laid out by the real ``dot``."""
    required_program("dot")
    return render_graph(render_dot(model, assessment), "svg").decode("utf-8")


@dataclass(frozen=True)
class Report:
    assessment: Assessment
    svg: str
    html: str

    @property
    def doc(self) -> Node:
        return parse(self.html)


def make_report(model: SystemModel, catalog: Catalog) -> Report:
    assessment = assess(model, catalog, as_of=AS_OF)
    svg = diagram_svg(model, assessment)
    return Report(assessment, svg, render_html(assessment, svg, catalog=catalog))


@pytest.fixture(scope="module")
def rag(catalog: Catalog) -> Report:
    return make_report(_model(ROOT / "samples" / "rag-support-assistant.yaml"), catalog)


HOSTILE_NAMES = {
    "system": "<script>alert(1)</script> \"onmouseover=alert(2) x=\" </style> `tick` "
              "\u202eevil\u202c 🚀",
    "boundary": "</title><svg onload=alert(5)>",
    "user": "\"onmouseover=alert(6) \u200f",
    "bot": "<img src=x onerror=alert(7)>",
    "llm": "<!-- comment --> & &amp; ]]>",
    "shell": "<a href=javascript:alert(9)>x</a>",
    "flow": "<iframe src=//evil.example>",
    "owner": "'><img src=x onerror=alert(4)>",
    "risk_owner": "<b onclick=alert(12)>owner</b>",
    "reason": "</td></tr></table><script>alert(13)</script>",
    "ticket": "<u>T-1</u>",
    "evidence": "</style><style>body{display:none}</style>",
}
HOSTILE_FILE = "\"><img src=x onerror=alert(14)>.yaml"


def _q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\u202e", "\\u202E") \
        .replace("\u202c", "\\u202C").replace("\u200f", "\\u200F") + '"'


HOSTILE_YAML = f"""\
version: 1
system:
  name: {_q(HOSTILE_NAMES["system"])}
  description: "line one\\nline two <b>bold</b> </script><script>alert(3)</script>"
  owner: {_q(HOSTILE_NAMES["owner"])}
  phase: production
boundaries:
  - id: net
    name: {_q(HOSTILE_NAMES["boundary"])}
    kind: vpc
components:
  - id: user
    name: {_q(HOSTILE_NAMES["user"])}
    type: user
    data: [untrusted-content, pii]
  - id: bot
    name: {_q(HOSTILE_NAMES["bot"])}
    type: agent
    boundary: net
    hosting: self-hosted
    data: [untrusted-content, pii]
    agent:
      model: llm
      tools:
        - {{tool: shell, permissions: [execute]}}
      approval: none
      triggers: [event]
  - id: llm
    name: {_q(HOSTILE_NAMES["llm"])}
    type: foundation-model
    hosting: managed-api
    model:
      provider: "javascript:alert(8)"
      origin: pre-trained
  - id: shell
    name: {_q(HOSTILE_NAMES["shell"])}
    type: tool
    boundary: net
    tool:
      authentication: none
      side_effects: [execute]
      transport: http
flows:
  - id: ask
    name: {_q(HOSTILE_NAMES["flow"])}
    from: user
    to: bot
    data: [untrusted-content]
    protocol: https
    authenticated: false
    encrypted: true
  - id: call
    from: bot
    to: llm
    data: [untrusted-content]
    protocol: https
controls:
  - control: IAM-LEAST-PRIVILEGE
    targets: [bot]
    status: implemented
    evidence: {_q(HOSTILE_NAMES["evidence"])}
    owner: "`${{alert(11)}}`"
accepted_risks:
  - finding: LLM01-DIRECT-INJECTION@bot
    owner: {_q(HOSTILE_NAMES["risk_owner"])}
    reason: {_q(HOSTILE_NAMES["reason"])}
    expires: "2030-01-01"
    ticket: {_q(HOSTILE_NAMES["ticket"])}
"""


@pytest.fixture(scope="module")
def hostile(catalog: Catalog) -> Report:
    loaded = load_text(HOSTILE_YAML, HOSTILE_FILE)
    assert loaded.model is not None, [d.format() for d in loaded.diagnostics]
    return make_report(loaded.model, catalog)


# ---------------------------------------------------------------------------------------------
# Structure.

def assert_locked_down(doc: Node, page: str) -> None:
    """One style, one script, both allowed by hash; nothing that can load or run anything else."""
    csp = policy(doc)
    assert csp["default-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'none'"]
    assert "'unsafe-inline'" not in " ".join(v for vs in csp.values() for v in vs)
    assert "img-src" not in csp   # no data: URIs are used, so none are allowed
    styles = doc.find_all("style")
    scripts = doc.find_all("script")
    assert len(styles) == 1 and len(scripts) == 1
    assert csp["style-src"] == [f"'{sha256(styles[0].text())}'"]
    assert csp["script-src"] == [f"'{sha256(scripts[0].text())}'"]
    assert scripts[0].text() == SCRIPT and not scripts[0].attrs
    # The policy comes before anything it governs.
    head = doc.find_all("head")[0]
    first = [c for c in head.children if isinstance(c, Node)][:2]
    assert [n.tag for n in first] == ["meta", "meta"]
    assert (first[1].attrs.get("http-equiv") or "").lower() == "content-security-policy"
    assert page.count("<script") == 1 and page.count("</script>") == 1
    assert page.count("<style") == 1 and page.count("</style>") == 1
    for node in doc.walk():
        assert node.tag not in {"img", "iframe", "object", "embed", "link", "base", "image",
                                "use", "foreignobject", "form", "audio", "video", "frame"}
        for name, value in node.attrs.items():
            assert not name.startswith("on"), (node.tag, name)
            assert name not in {"style", "src", "srcset", "xlink:href", "action", "formaction"}
            if name == "href":
                assert value is not None and value.startswith("#"), value
            assert "javascript:" not in (value or "").lower()


def test_structure_of_a_sample_report(rag: Report) -> None:
    doc = rag.doc
    assert_locked_down(doc, rag.html)
    assert doc.find_all("html")[0].attrs["lang"] == "en"
    assert doc.find_all("meta")[0].attrs == {"charset": "utf-8"}
    for section in SECTIONS:
        assert doc.by_id(section).tag == "section"
        assert doc.by_id(f"{section}-h").tag == "h2"
    nav_targets = [a.attrs["href"] for a in doc.find_all("nav")[0].find_all("a")]
    assert nav_targets == [f"#{s}" for s in SECTIONS]
    title = doc.find_all("title")[0].text()
    assert title == "Threat model: Customer support assistant"
    assert doc.find_all("h1")[0].text() == "Customer support assistant"


def finding_nodes(doc: Node) -> list[Node]:
    """The element standing for each finding (a row, or an item of a folded row's flow list),
    in the order of the assessment: its anchor is ``finding-N``."""
    nodes = [n for n in doc.by_id("finding-groups").walk() if "data-finding" in n.attrs]
    return sorted(nodes, key=lambda n: int((n.attrs["id"] or "").removeprefix("finding-")))


def row_of(node: Node) -> Node:
    row: Node | None = node
    while row is not None and row.tag != "tr":
        row = row.parent
    assert row is not None
    return row


def flat(node: Node) -> str:
    return " ".join(node.text().split())


def assert_every_finding_shows_its_facts(doc: Node, assessment: Assessment) -> None:
    """Each finding has its anchor, and its row shows its threat, id, target line, status,
    reasons with their lines, rating and controls, folded or not."""
    nodes = finding_nodes(doc)
    assert len(nodes) == len(assessment.findings) > 0
    for number, (node, status) in enumerate(zip(nodes, assessment.findings, strict=True), 1):
        finding = status.finding
        assert node.attrs["id"] == f"finding-{number}"
        assert node.attrs["data-finding"] == finding.id
        assert node.attrs["data-severity"] == finding.severity
        assert node.attrs["data-status"] == status.status
        row = row_of(node)
        cells = [c for c in row.children if isinstance(c, Node) and c.tag == "td"]
        assert len(cells) == 7
        assert finding.threat.id in flat(cells[1]) and finding.threat.title in flat(cells[1])
        assert finding.id in flat(node) and f"line {finding.line}" in flat(node)
        assert STATUS_LABELS[status.status] in flat(node if node is not row else cells[3])
        why = flat(cells[4])
        for reason in finding.reasons:
            assert " ".join(reason.text.replace("`", "").split()) in why
        for step in finding.rating:
            assert " ".join(step.replace("`", "").split()) in flat(cells[5])
        lists = [ul for ul in cells[6].find_all("ul") if "ctl-list" in ul.classes()]
        shown = [([li.text() for li in ul.find_all("li") if "yes" in li.classes()],
                  [li.text() for li in ul.find_all("li") if "no" in li.classes()])
                 for ul in lists]
        if status.implemented or status.missing:
            assert (list(status.implemented), list(status.missing)) in shown
        else:
            assert "none in the catalog" in flat(cells[6])
        if node is row:
            # A row of its own: exactly its reasons, rating steps and controls.
            assert len(cells[4].find_all("li")) == len(finding.reasons)
            for reason in finding.reasons:
                assert f"line {reason.line}" in cells[4].text()
            assert len(cells[5].find_all("li")) == len(finding.rating)
            assert len(lists) == (1 if status.implemented or status.missing else 0)


def test_every_finding_has_its_anchor_and_facts(rag: Report) -> None:
    assert_every_finding_shows_its_facts(rag.doc, rag.assessment)
    for table in rag.doc.by_id("findings").find_all("table"):
        headers = [th.text() for th in table.find_all("th")]
        assert headers == ["Severity", "Threat", "Target", "Status", "Why (from the model)",
                           "Rating", "Controls"]


def test_summary_counts_scope_and_readiness(rag: Report) -> None:
    doc = rag.doc
    counts = rag.assessment.counts()
    for severity in SEVERITIES:
        card = doc.find_all("div", data_summary=severity)
        assert len(card) == 1
        number = [d for d in card[0].find_all("div") if "num" in d.classes()]
        assert [d.text() for d in number] == [str(counts[severity])]
    for ready in rag.assessment.readiness:
        rows = doc.by_id("summary").find_all("div", data_phase=ready.phase)
        assert len(rows) == 1
        assert f"{ready.percent}%" in rows[0].text()
        assert f"{ready.done} of {ready.required}" in rows[0].text()
        phase = doc.by_id(f"phase-{ready.phase}")
        assert f"{ready.done} of {ready.required} required controls" in phase.text()
    marked = [phase for phase in PHASES
              if any("current" in n.classes() for n in doc.by_id(f"phase-{phase}").walk())]
    assert marked == [rag.assessment.phase]
    for key, scope in (("generative", rag.assessment.generative),
                       ("agentic", rag.assessment.agentic)):
        matrix = doc.find_all("div", data_matrix=key)[0]
        here = [c for c in matrix.find_all("div") if "here" in c.classes()]
        assert len(here) == 1 and here[0].text().startswith(str(scope.value))
        for reason in scope.reasons:
            assert " ".join(reason.text.replace("`", "").split()) in \
                " ".join(matrix.text().split())


def test_controls_checklist_per_phase(rag: Report) -> None:
    doc = rag.doc
    for phase in PHASES:
        section = doc.by_id(f"phase-{phase}")
        items = section.find_all("li")
        new = [r for r in rag.assessment.required(phase) if r.control.phase == phase]
        assert [li.attrs["data-control"] for li in items] == [r.control.id for r in new]
        for li, req in zip(items, new, strict=True):
            assert li.attrs["data-done"] == ("true" if req.done else "false")
            box = li.find_all("span")[0]
            assert box.attrs["aria-label"] == ("Done" if req.done else "Not done")


def test_accepted_risks_and_frameworks(rag: Report, catalog: Catalog) -> None:
    doc = rag.doc
    accepted = doc.by_id("accepted")
    rows = accepted.find_all("tbody")[0].find_all("tr")
    risks = [s for s in rag.assessment.findings if s.acceptance or s.expired_acceptance]
    assert len(rows) == len(risks) == 1
    risk = risks[0].acceptance
    assert risk is not None
    assert risk.expires in rows[0].text() and risk.owner in rows[0].text()
    assert "Active" in rows[0].text()
    frameworks = doc.by_id("frameworks")
    cited = {f for s in rag.assessment.findings for f in s.finding.threat.references}
    blocks = [n for n in frameworks.walk() if "data-framework" in n.attrs]
    assert [b.attrs["data-framework"] for b in blocks] == sorted(cited)
    for block in blocks:
        name = block.attrs["data-framework"]
        assert name is not None
        assert block.find_all("h3")[0].text() == catalog.frameworks[name].name


def test_expired_acceptance_is_shown_as_expired(catalog: Catalog) -> None:
    model = _model(ROOT / "samples" / "rag-support-assistant.yaml")
    assessment = assess(model, catalog, as_of=dt.date(2030, 1, 1))
    doc = parse(render_html(assessment))
    row = doc.by_id("accepted").find_all("tbody")[0].find_all("tr")[0]
    assert "Expired" in row.text() and "ago" in row.text()


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_renders_locked_down_and_deterministic(path: Path, catalog: Catalog,
                                                            ) -> None:
    report = make_report(_model(path), catalog)
    doc = report.doc
    assert_locked_down(doc, report.html)
    assert_every_finding_shows_its_facts(doc, report.assessment)
    again = assess(_model(path), catalog, as_of=AS_OF)
    assert render_html(again, report.svg, catalog=catalog) == report.html


# ---------------------------------------------------------------------------------------------
# The diagram.

def test_diagram_is_inline_svg_without_prolog_or_links(rag: Report) -> None:
    doc = rag.doc
    figure = doc.by_id("diagram").find_all("figure")
    assert len(figure) == 1
    svgs = figure[0].find_all("svg")
    assert len(svgs) == 1
    svg = svgs[0]
    assert svg.attrs["viewbox"] and svg.attrs["role"] == "img"
    assert "<?xml" not in rag.html and "svg11.dtd" not in rag.html
    assert "<!--" not in rag.html
    assert not svg.find_all("a") and "xlink" not in rag.html
    ids = [n.attrs["id"] for n in svg.walk() if "id" in n.attrs]
    assert ids and all((i or "").startswith("dfd-") for i in ids)
    # Every node the diagram draws keeps its text.
    assert len(svg.find_all("text")) == rag.svg.count("<text ")


def test_hostile_svg_is_reduced_to_drawing() -> None:
    hostile = """<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY x "boom">]>
<!-- c -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="10pt" height="10pt" viewBox="0 0 10 10" onload="alert(1)">
<script>alert(2)</script>
<style>@import url(https://evil.example/x.css);</style>
<defs><linearGradient id="l_1"><stop offset="0" style="stop-color:red;stop-opacity:1;"/>
</linearGradient></defs>
<g id="node1" class="node" onclick="alert(3)"><title>a&lt;b</title>
<a xlink:href="javascript:alert(4)" xlink:title="tip &quot;x&quot;" target="_blank">
<ellipse fill="url(#l_1)" stroke="url(https://evil.example/#x)" cx="1" cy="1" rx="1" ry="1"/>
<text x="1" y="1" style="fill:red;behavior:url(x.htc)">&lt;b&gt;</text></a></g>
<image xlink:href="https://evil.example/i.png" width="1" height="1"/>
<use href="https://evil.example/s.svg#x"/>
<foreignObject><div xmlns="http://www.w3.org/1999/xhtml"><script>alert(5)</script></div>
</foreignObject>
<animate attributeName="href" to="javascript:alert(6)"/>
</svg>"""
    clean = sanitize_svg(hostile)
    assert clean is not None
    for banned in ("<script", "style", "alert", "evil", "xlink", "href", "image", "use",
                   "foreignObject", "animate", "onload", "onclick", "target", "ENTITY",
                   "<!--", "behavior"):
        assert banned not in clean, banned
    assert 'fill="url(#dfd-l_1)"' in clean and 'id="dfd-l_1"' in clean
    assert 'stop-color="red"' in clean and 'stop-opacity="1"' in clean
    assert "<title>tip &quot;x&quot;</title>" in clean
    assert "<title>a&lt;b</title>" in clean and "&lt;b&gt;" in clean
    assert 'fill="red"' in clean
    doc = parse("<!DOCTYPE html>" + clean)
    assert [n.tag for n in doc.walk()][:2] == ["#document", "svg"]


@pytest.mark.parametrize("bad", [
    "", "not svg", "<svg", "<svg><g></svg>", "<html><body>x</body></html>",
    '<svg xmlns="http://www.w3.org/2000/svg">&lol;</svg>',
    "<svg xmlns='http://www.w3.org/1999/xhtml'></svg>",
])
def test_unusable_svg_is_left_out(bad: str, rag: Report, catalog: Catalog) -> None:
    assert sanitize_svg(bad) is None
    page = render_html(rag.assessment, bad, catalog=catalog)
    doc = parse(page)
    assert not doc.by_id("diagram").find_all("svg")
    assert "could not be embedded" in doc.by_id("diagram").text()
    assert_locked_down(doc, page)


def test_report_without_diagram(rag: Report) -> None:
    page = render_html(rag.assessment)
    doc = parse(page)
    assert "No diagram" in doc.by_id("diagram").text()
    assert_locked_down(doc, page)
    # Without a catalog the framework keys stand in for their names.
    names = [h.text() for h in doc.by_id("frameworks").find_all("h3")]
    assert names == sorted(names) and "owasp-llm" in names


# ---------------------------------------------------------------------------------------------
# Hostile names.

def test_hostile_names_stay_text(hostile: Report) -> None:
    page = hostile.html
    doc = hostile.doc
    assert_locked_down(doc, page)
    text = doc.text()
    for key, name in HOSTILE_NAMES.items():
        if key == "flow":
            continue   # flows appear in the diagram and finding targets, checked below
        assert name.strip() in text, key
        assert name not in page or html_safe(name), key
    assert HOSTILE_FILE in text
    assert doc.find_all("h1")[0].text() == HOSTILE_NAMES["system"]
    assert doc.find_all("title")[0].text() == "Threat model: " + HOSTILE_NAMES["system"]
    # Only the report's own markup: no element or attribute the names tried to add.
    tags = {n.tag for n in doc.walk()}
    assert not tags & {"img", "iframe", "b", "u", "style_", "title_"}
    assert len(doc.find_all("a")) == len(SECTIONS)   # the section links, nothing else
    assert len(doc.find_all("svg")) == 1 + 2 * len(PHASES)   # the diagram and readiness bars
    assert len(doc.find_all("title")) == 1 + len(doc.by_id("diagram").find_all("title"))
    for node in doc.walk():
        for name in node.attrs:
            assert name not in {"onmouseover", "onerror", "onclick", "onload", "src"}
            assert "alert" not in (node.attrs[name] or "")
    for raw in ("<script>alert", "<img", "<iframe", "<a href=javascript", "<b>", "<u>",
                "<!-- comment", "</title><svg", "onmouseover=alert(2) x=\""):
        assert raw not in page, raw
    # The diagram carries the names too, escaped.
    svg = doc.by_id("diagram").find_all("svg")
    assert len(svg) == 1
    assert "alert(7)" in svg[0].text() and "</title><svg" in svg[0].text()
    assert "evil.example" in text   # the flow name, as text
    # Direction marks are isolated, emoji and backticks survive.
    assert "\u202eevil\u202c" in text and "🚀" in text and "`tick`" in text
    h1 = doc.find_all("h1")[0]
    assert [c.tag for c in h1.children if isinstance(c, Node)] == ["bdi"]


def html_safe(text: str) -> bool:
    """True when text holds nothing that markup could be made of."""
    return not re.search(r"[<>\"'&]", text)


def test_hostile_report_is_deterministic(hostile: Report, catalog: Catalog) -> None:
    loaded = load_text(HOSTILE_YAML, HOSTILE_FILE)
    assert loaded.model is not None
    again = assess(loaded.model, catalog, as_of=AS_OF)
    assert render_html(again, hostile.svg, catalog=catalog) == hostile.html
    hostile.html.encode("utf-8")


def test_control_characters_cannot_break_the_page(rag: Report) -> None:
    from scoping_tui.export.html import esc

    assert esc("a\x00b\x1bc\ud800d\u0085") == "a\ufffdb\ufffdc\ufffdd\ufffd"
    assert esc("\"'<>&`\n") == "&quot;&#x27;&lt;&gt;&amp;`\n"


# ---------------------------------------------------------------------------------------------
# A real browser.

BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--enable-logging=stderr",
                 "--v=0"]


@dataclass(frozen=True)
class Run:
    stdout: str
    stderr: str

    @property
    def problems(self) -> list[str]:
        """Console messages and policy violations the page caused."""
        return [line for line in self.stderr.splitlines()
                if "CONSOLE" in line or "Content Security Policy" in line
                or "Refused to" in line]


@pytest.fixture
def browser(tmp_path: Path) -> Callable[..., Run]:
    chromium = required_program("chromium")
    counter = iter(range(1000))

    def run(*args: str) -> Run:
        profile = tmp_path / f"profile-{next(counter)}"
        done = subprocess.run([chromium, *BROWSER_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=180, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        return Run(done.stdout, done.stderr)

    return run


def hidden(node: Node) -> bool:
    """Hidden itself or inside something hidden (its row, or its element's group)."""
    current: Node | None = node
    while current is not None:
        if "hidden" in current.attrs:
            return True
        current = current.parent
    return False


def write(tmp_path: Path, name: str, page: str) -> str:
    path = tmp_path / name
    path.write_text(page, encoding="utf-8")
    return path.as_uri()


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_browser_screenshot(rag: Report, browser: Callable[..., Run], tmp_path: Path) -> None:
    url = write(tmp_path, "report.html", rag.html)
    shot = tmp_path / "shot.png"
    run = browser(f"--screenshot={shot}", "--window-size=1400,2000", url)
    assert shot.exists()
    assert png_size(shot) == (1400, 2000)
    assert shot.stat().st_size > 50_000   # a rendered page, not a blank one
    assert run.problems == []


def test_browser_dom_has_the_findings_and_the_script_ran(
        rag: Report, browser: Callable[..., Run], tmp_path: Path) -> None:
    url = write(tmp_path, "report.html", rag.html)
    run = browser("--dump-dom", url)
    assert run.problems == []
    dom = parse_dom(run.stdout)
    rows = finding_nodes(dom)
    assert [r.attrs["data-finding"] for r in rows] == \
        [s.finding.id for s in rag.assessment.findings]
    assert not any("hidden" in n.attrs for n in dom.by_id("finding-groups").walk())
    # The filter panel is revealed only by the script: it ran under the policy.
    assert "hidden" not in dom.by_id("finding-filters").attrs
    assert dom.by_id("filter-count").text() == \
        f"Showing all {len(rows)} findings."
    assert len(dom.by_id("diagram").find_all("svg")) == 1


def test_browser_filter_from_fragment(rag: Report, browser: Callable[..., Run],
                                      tmp_path: Path) -> None:
    url = write(tmp_path, "report.html", rag.html)
    run = browser("--dump-dom", url + "#sev=high,medium&status=open")
    assert run.problems == []
    dom = parse_dom(run.stdout)
    rows = finding_nodes(dom)
    shown = [r for r in rows if not hidden(r)]
    expected = [s for s in rag.assessment.findings
                if s.finding.severity in ("high", "medium") and s.status == "open"]
    assert 0 < len(shown) == len(expected) < len(rows)
    assert all(r.attrs["data-severity"] in ("high", "medium")
               and r.attrs["data-status"] == "open" for r in shown)
    assert dom.by_id("filter-count").text() == \
        f"Filtered: showing {len(expected)} of {len(rows)} findings."
    # An element none of whose findings pass the filter is hidden, heading and all.
    groups = [n for n in dom.by_id("finding-groups").children
              if isinstance(n, Node) and "finding-group" in n.classes()]
    for group in groups:
        inside = [n for n in group.walk() if "data-finding" in n.attrs]
        assert ("hidden" in group.attrs) == all(hidden(n) for n in inside)


def test_browser_without_scripts_shows_everything(rag: Report, browser: Callable[..., Run],
                                                 tmp_path: Path) -> None:
    """With scripts off every finding shows and the (then useless) filter controls do not.

    Chromium's --dump-dom and --screenshot need script themselves (they fail with
    --blink-settings=scriptEnabled=false), so this checks the page with its one script removed,
    which is what a browser with scripts disabled renders.
    """
    assert rag.html.count(f"<script>{SCRIPT}</script>") == 1
    inert = rag.html.replace(f"<script>{SCRIPT}</script>", "")
    run = browser("--dump-dom", write(tmp_path, "inert.html", inert) + "#sev=low")
    assert run.problems == []
    dom = parse_dom(run.stdout)
    rows = finding_nodes(dom)
    assert len(rows) == len(rag.assessment.findings)
    assert not any("hidden" in n.attrs for n in dom.by_id("finding-groups").walk())
    assert "hidden" in dom.by_id("finding-filters").attrs
    assert dom.by_id("filter-count").text() == ""
    shot = tmp_path / "noscript.png"
    run = browser(f"--screenshot={shot}", "--window-size=1400,2000",
                  write(tmp_path, "inert.html", inert))
    assert run.problems == [] and shot.stat().st_size > 50_000


def test_browser_hostile_report_runs_nothing(hostile: Report, browser: Callable[..., Run],
                                             tmp_path: Path) -> None:
    url = write(tmp_path, "hostile.html", hostile.html)
    run = browser("--dump-dom", url)
    assert run.problems == []
    dom = parse_dom(run.stdout)
    assert dom.find_all("h1")[0].text() == HOSTILE_NAMES["system"]
    assert not dom.find_all("img") and not dom.find_all("iframe")
    assert len(dom.find_all("script")) == 1
    shot = tmp_path / "hostile.png"
    run = browser(f"--screenshot={shot}", "--window-size=1400,2000", url)
    assert run.problems == [] and shot.stat().st_size > 50_000


def test_browser_check_catches_a_policy_violation(rag: Report, browser: Callable[..., Run],
                                                  tmp_path: Path) -> None:
    """The console check can fail: an inline script without a matching hash is reported."""
    broken = rag.html.replace("</body>", '<script>document.title = "ran";</script></body>')
    url = write(tmp_path, "broken.html", broken)
    run = browser("--dump-dom", url)
    assert run.problems, "a blocked inline script must show up in the log"
    assert any("Content Security Policy" in line for line in run.problems)
    assert parse_dom(run.stdout).find_all("title")[0].text() != "ran"
    # And an external load is refused too.
    loading = rag.html.replace("</main>", '<img src="https://example.com/x.png" alt=""></main>')
    run = browser("--dump-dom", write(tmp_path, "loading.html", loading))
    assert any("Content Security Policy" in line for line in run.problems)


def parse_dom(dump: str) -> Node:
    """The browser's serialised DOM (it writes <tag attr=""> for boolean attributes)."""
    builder = _Builder()
    builder.feed(dump)
    builder.close()
    return builder.root
