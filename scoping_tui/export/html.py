"""A self-contained HTML report: one file to attach to a design review.

Everything is inline (style, the data-flow diagram as SVG, one small filter script) and a
Content-Security-Policy forbids every external load; the style and script are allowed only by
their SHA-256 hashes. Every value taken from the model or the catalog is HTML-escaped, and the
diagram is rebuilt from an allow-list of SVG elements and attributes, so a hostile name can never
become markup. The same assessment always gives byte-identical output.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence

from scoping_tui import __version__
from scoping_tui.engine.assessment import Assessment
from scoping_tui.engine.catalog import PHASES, Catalog
from scoping_tui.engine.controls import FindingStatus, Readiness, Requirement
from scoping_tui.engine.scope import AGENTIC_SCOPES, GENERATIVE_SCOPES, Scope
from scoping_tui.engine.threats import SEVERITIES, Reason
from scoping_tui.export.words import plural
from scoping_tui.model.types import AcceptedRisk, ControlImpl

STATUSES = ("open", "partially-mitigated", "mitigated", "accepted")
_STATUS_LABELS = {
    "open": "Open",
    "partially-mitigated": "Partially mitigated",
    "mitigated": "Mitigated",
    "accepted": "Accepted",
}
_REQUIREMENT_LABELS = {
    "implemented": "implemented",
    "not-applicable": "not applicable",
    "partial": "partly in place",
    "planned": "planned",
    "missing": "missing",
}

# C0/C1 control characters and lone surrogates: never useful in a report, and a lone surrogate
# would make the text impossible to encode as UTF-8.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def esc(value: object) -> str:
    """Text safe anywhere in HTML, including inside a quoted attribute."""
    return html.escape(_UNPRINTABLE.sub("\ufffd", str(value)), quote=True)


def _val(value: object) -> str:
    """A model value inside running text, isolated so direction marks in it cannot leak."""
    return f"<bdi>{esc(value)}</bdi>"


def _prose(value: object) -> str:
    """Escaped text with the engine's `backtick` spans shown as code."""
    return _CODE_SPAN.sub(r"<code>\1</code>", esc(value))


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts T2 before T10."""
    return tuple((0, int(part)) if part.isdigit() else (1, part)
                 for part in re.split(r"(\d+)", text) if part)


# ---------------------------------------------------------------------------------------------
# Style and script. Both are constants: the policy allows exactly these texts by hash.

CSS = """\
:root {
  --ink: #1b2430; --muted: #5b6675; --line: #d9dee5; --soft: #f4f6f9; --accent: #234e7a;
  --critical: #8e1b1b; --high: #c4410c; --medium: #d99a00; --low: #4f6d8a;
  --ok: #1f7a4d; --warn: #a35f00; --bad: #b42318; --accepted: #5b4b8a;
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--ink); background: #fff; line-height: 1.45; font-size: 14.5px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans", sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji";
}
code, .mono {
  font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: 0.88em;
}
code { background: var(--soft); border: 1px solid #e6e9ee; border-radius: 3px;
  padding: 0 0.25em; overflow-wrap: anywhere; }
bdi { unicode-bidi: isolate; }
a { color: var(--accent); }
h1, h2, h3 { line-height: 1.2; margin: 0; }
h2 { font-size: 1.35rem; margin: 0 0 0.9rem; padding-bottom: 0.35rem;
  border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.05rem; margin: 1.2rem 0 0.5rem; }
p { margin: 0.4rem 0; }
.wrap { max-width: 1280px; margin: 0 auto; padding: 0 28px; }
.masthead { background: #14263b; color: #fff; padding: 26px 0 22px;
  border-top: 6px solid var(--high); }
.eyebrow { text-transform: uppercase; letter-spacing: 0.08em; font-size: 0.75rem;
  color: #b9c6d6; margin: 0 0 0.3rem; }
.masthead h1 { font-size: 1.9rem; font-weight: 650; overflow-wrap: anywhere; }
.lede { max-width: 70em; color: #dbe3ec; white-space: pre-line; margin-top: 0.5rem;
  overflow-wrap: anywhere; }
.facts { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 14px 0 0; font-size: 0.88rem; }
.facts div { display: flex; gap: 6px; }
.facts dt { color: #9fb0c4; }
.facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.masthead code { background: rgba(255, 255, 255, 0.1); border-color: rgba(255, 255, 255, 0.2);
  color: #fff; }
.toc { position: sticky; top: 0; z-index: 5; background: rgba(255, 255, 255, 0.97);
  border-bottom: 1px solid var(--line); }
.toc .wrap { display: flex; flex-wrap: wrap; gap: 2px 18px; padding-top: 8px;
  padding-bottom: 8px; font-size: 0.88rem; }
.toc a { text-decoration: none; color: var(--muted); font-weight: 600; }
.toc a:hover, .toc a:focus { color: var(--accent); }
main section { margin: 30px 0 8px; scroll-margin-top: 48px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px;
  border-top: 5px solid var(--low); background: #fff; }
.card .num { font-size: 2rem; font-weight: 700; line-height: 1.1; }
.card .label { font-weight: 600; }
.card .sub { color: var(--muted); font-size: 0.82rem; }
.card.sev-critical { border-top-color: var(--critical); }
.card.sev-high { border-top-color: var(--high); }
.card.sev-medium { border-top-color: var(--medium); }
.card.sev-low { border-top-color: var(--low); }
.card.scope { border-top-color: var(--accent); }
.card.zero .num { color: #9aa5b1; }
.summary-grid { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 18px;
  margin-top: 16px; }
.panel { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.panel h3 { margin-top: 0; }
.ready { display: grid; grid-template-columns: 12.5em minmax(0, 1fr) 8.5em; gap: 10px;
  align-items: center; margin: 8px 0; }
.ready .name { font-weight: 600; white-space: nowrap; }
.ready .figure { text-align: right; font-variant-numeric: tabular-nums; color: var(--muted);
  font-size: 0.88rem; }
.ready .figure strong { color: var(--ink); }
.bar { display: block; width: 100%; height: 10px; }
.bar .track { fill: #e7eaef; }
.bar .done { fill: var(--ok); }
.bar.low-ready .done { fill: var(--bad); }
.bar.mid-ready .done { fill: var(--medium); }
.current { display: inline-block; font-size: 0.68rem; font-weight: 700; text-transform: uppercase;
  letter-spacing: 0.05em; color: var(--accent); border: 1px solid var(--accent);
  border-radius: 3px; padding: 0 4px; margin-left: 4px; vertical-align: 1px; }
.statline { list-style: none; margin: 0; padding: 0; }
.statline li { display: flex; justify-content: space-between; padding: 4px 0;
  border-bottom: 1px dashed var(--line); }
.statline li:last-child { border-bottom: 0; }
.muted { color: var(--muted); }
.small { font-size: 0.85rem; }
table { width: 100%; border-collapse: collapse; font-size: 0.9rem; }
th, td { text-align: left; vertical-align: top; padding: 7px 8px;
  border-bottom: 1px solid var(--line); overflow-wrap: break-word; }
table.components td { padding-top: 5px; padding-bottom: 5px; }
thead th { background: var(--soft); font-size: 0.78rem; text-transform: uppercase;
  letter-spacing: 0.04em; color: var(--muted); border-bottom: 2px solid var(--line); }
tbody tr:nth-child(even) td { background: #fbfcfd; }
.table-scroll { overflow-x: auto; }
.badge { display: inline-block; border-radius: 4px; padding: 1px 7px; font-size: 0.78rem;
  font-weight: 700; white-space: nowrap; color: #fff; background: var(--low);
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.badge.sev-critical { background: var(--critical); }
.badge.sev-high { background: var(--high); }
.badge.sev-medium { background: var(--medium); color: #2b1d00; }
.badge.sev-low { background: var(--low); }
.status { display: inline-block; border-radius: 999px; padding: 0 8px; font-size: 0.78rem;
  font-weight: 600; white-space: nowrap; border: 1px solid currentColor; }
.status.st-open { color: var(--bad); }
.status.st-partially-mitigated { color: var(--warn); }
.status.st-mitigated { color: var(--ok); }
.status.st-accepted { color: var(--accepted); }
.tid { font-weight: 700; font-size: 0.82rem; }
.fid { display: block; color: var(--muted); font-size: 0.75rem; margin-top: 4px; }
.stride { color: var(--muted); font-size: 0.78rem; }
.reasons, .rating, .ctl-list { margin: 0; padding-left: 1.1em; }
.reasons li, .rating li, .ctl-list li { margin: 0 0 3px; }
.rating { list-style: none; padding-left: 0; }
.rating li:first-child { color: var(--ink); }
.rating li + li { color: var(--muted); }
.rating li + li::before { content: "\\2192\\00a0"; color: var(--muted); }
.ln { color: var(--muted); font-size: 0.78rem; white-space: nowrap;
  font-variant-numeric: tabular-nums; }
.ctl-list { list-style: none; padding-left: 0; }
.ctl-list .yes::before { content: "\\2713\\00a0"; color: var(--ok); font-weight: 700; }
.ctl-list .no::before { content: "\\2717\\00a0"; color: var(--bad); font-weight: 700; }
table.findings { table-layout: fixed; }
.col-sev { width: 7.5%; }
.col-threat { width: 16%; }
.col-target { width: 12%; }
.col-status { width: 11%; }
.col-why { width: 24%; }
.col-rating { width: 15%; }
.col-controls { width: 14.5%; }
.findings .status { white-space: normal; }
.findings code, .ctl-list code { background: none; border: 0; padding: 0; }
.ctl-list { font-size: 0.8rem; }
.filters { display: flex; flex-wrap: wrap; gap: 10px 26px; align-items: center;
  padding: 10px 14px; margin-bottom: 10px; background: var(--soft);
  border: 1px solid var(--line); border-radius: 8px; font-size: 0.88rem; }
.filters fieldset { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap;
  gap: 4px 12px; align-items: center; }
.filters legend { float: left; font-weight: 700; margin-right: 6px; }
.filters label { white-space: nowrap; cursor: pointer; }
.filters button { font: inherit; font-size: 0.82rem; padding: 3px 10px; border-radius: 4px;
  border: 1px solid #b8c1cc; background: #fff; cursor: pointer; }
.filters button:hover, .filters button:focus { border-color: var(--accent); }
.filter-count { color: var(--muted); font-size: 0.85rem; margin: 0 0 8px; min-height: 1em; }
.matrix-pair { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
.matrix { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.matrix h3 { margin-top: 0; }
.cells { display: grid; gap: 6px; margin: 10px 0 12px; }
.cells.n5 { grid-template-columns: repeat(5, minmax(0, 1fr)); }
.cells.n4 { grid-template-columns: repeat(4, minmax(0, 1fr)); }
.cell { border: 1px solid var(--line); border-radius: 6px; padding: 8px 8px 9px;
  color: var(--muted); font-size: 0.8rem; background: #fff; min-height: 4.3em; }
.cell .n { display: block; font-size: 1.1rem; font-weight: 700; }
.cell.here { background: var(--accent); border-color: var(--accent); color: #fff;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.cell.declared { border: 2px dashed var(--warn); }
.cell .tag { display: block; font-size: 0.68rem; font-weight: 700; text-transform: uppercase;
  letter-spacing: 0.04em; margin-top: 3px; }
.note { border-left: 4px solid var(--warn); background: #fff8eb; padding: 6px 10px;
  margin: 8px 0; font-size: 0.88rem; }
.diagram { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 14px;
  overflow-x: auto; text-align: center; background: #fff; }
.diagram svg.dfd { max-width: 100%; height: auto; }
.diagram figcaption { color: var(--muted); font-size: 0.82rem; margin-top: 8px; }
.empty { color: var(--muted); font-style: italic; }
.phase { border: 1px solid var(--line); border-radius: 8px; padding: 6px 16px 12px;
  margin-bottom: 14px; }
.phase-head { display: grid; grid-template-columns: minmax(0, 1fr) 16em; gap: 16px;
  align-items: center; }
.phase-head h3 { margin: 0.6rem 0 0.2rem; }
.checklist { list-style: none; margin: 6px 0 0; padding: 0; columns: 2 460px; column-gap: 28px; }
.checklist li { break-inside: avoid; display: grid; grid-template-columns: 1.5em minmax(0, 1fr);
  gap: 4px; padding: 5px 0; border-bottom: 1px solid #eef0f3; }
.box { display: inline-block; width: 1.05em; height: 1.05em; border: 1.5px solid #8a96a3;
  border-radius: 3px; text-align: center; line-height: 0.95em; font-size: 0.95em;
  font-weight: 700; margin-top: 2px; }
.done .box { background: var(--ok); border-color: var(--ok); color: #fff;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.part .box { border-color: var(--warn); color: var(--warn); }
.ctl-id { font-weight: 700; font-size: 0.8rem; }
.req-state { font-size: 0.75rem; font-weight: 700; text-transform: uppercase;
  letter-spacing: 0.03em; margin-left: 4px; }
.rs-missing { color: var(--bad); }
.rs-planned, .rs-partial { color: var(--warn); }
.rs-implemented, .rs-not-applicable { color: var(--ok); }
.detail { color: var(--muted); font-size: 0.82rem; }
.carried { color: var(--muted); font-size: 0.85rem; margin: 6px 0 0; }
.fw { columns: 2 420px; column-gap: 28px; }
.fw > div { break-inside: avoid; margin-bottom: 12px; }
.fw h3 { margin-top: 0; }
.fw ul { margin: 0; padding-left: 1.1em; }
footer { border-top: 1px solid var(--line); margin-top: 36px; padding: 14px 0 30px;
  color: var(--muted); font-size: 0.8rem; }
@media screen and (max-width: 900px) {
  .summary-grid, .matrix-pair { grid-template-columns: 1fr; }
  .cells.n5, .cells.n4 { grid-template-columns: repeat(2, minmax(0, 1fr)); }
}
@media print {
  @page { margin: 14mm 12mm; }
  html { font-size: 11.5px; }
  body { font-size: 1rem; }
  .matrix-pair { grid-template-columns: 1fr; }
  .cards { grid-template-columns: repeat(6, minmax(0, 1fr)); gap: 6px; }
  .card { padding: 6px 8px; }
  .card .num { font-size: 1.4rem; }
  table { font-size: 0.9rem; }
  th, td { padding: 4px 5px; }
  thead th { text-transform: none; letter-spacing: 0; font-size: 0.85rem; }
  .col-sev { width: 9%; }
  .col-threat { width: 16%; }
  .col-target { width: 12%; }
  .col-status { width: 10%; }
  .col-why { width: 24%; }
  .col-rating { width: 14%; }
  .col-controls { width: 15%; }
  .ctl-list { font-size: 0.75rem; }
  .checklist { columns: 2 300px; }
  .wrap { max-width: none; padding: 0; }
  .toc, .filters { display: none !important; }
  .masthead { background: none; color: var(--ink); padding: 0 0 10px;
    border-top: 0; border-bottom: 3px solid var(--ink); }
  .eyebrow, .facts dt, .lede { color: var(--muted); }
  .masthead code { background: var(--soft); color: var(--ink); border-color: var(--line); }
  main section { margin-top: 18px; }
  h2, h3 { break-after: avoid; }
  tr, .card, .panel, .matrix, .diagram, .phase-head, .checklist li { break-inside: avoid; }
  thead { display: table-header-group; }
  .table-scroll, .diagram { overflow: visible; }
  tbody tr:nth-child(even) td { background: none; }
  a { color: inherit; text-decoration: none; }
  a[href]:not([href^="#"])::after { content: " <" attr(href) ">"; font-size: 0.85em;
    overflow-wrap: anywhere; }
  .cell.here { color: #fff; }
}
"""

SCRIPT = """\
(function () {
  "use strict";
  var panel = document.getElementById("finding-filters");
  var table = document.getElementById("findings-table");
  var count = document.getElementById("filter-count");
  if (!panel || !table || !count) { return; }
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-severity]"));
  var boxes = Array.prototype.slice.call(panel.querySelectorAll("input[type=checkbox]"));
  var keys = { severity: "sev", status: "status" };
  function apply() {
    var on = { severity: {}, status: {} };
    boxes.forEach(function (box) { if (box.checked) { on[box.name][box.value] = true; } });
    var shown = 0;
    rows.forEach(function (row) {
      var show = on.severity[row.getAttribute("data-severity")] === true &&
        on.status[row.getAttribute("data-status")] === true;
      row.hidden = !show;
      if (show) { shown += 1; }
    });
    count.textContent = shown === rows.length ?
      "Showing all " + rows.length + " findings." :
      "Filtered: showing " + shown + " of " + rows.length + " findings.";
  }
  function fromHash() {
    var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    boxes.forEach(function (box) {
      var wanted = params.get(keys[box.name]);
      if (wanted !== null) { box.checked = wanted.split(",").indexOf(box.value) !== -1; }
    });
    apply();
  }
  function set(name, values) {
    boxes.forEach(function (box) {
      if (box.name === name) { box.checked = values === null || values.indexOf(box.value) !== -1; }
    });
  }
  panel.addEventListener("change", apply);
  panel.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-preset]");
    if (!button) { return; }
    var preset = button.getAttribute("data-preset");
    set("severity", null);
    set("status", preset === "unresolved" ? ["open", "partially-mitigated"] : null);
    apply();
  });
  window.addEventListener("hashchange", fromHash);
  panel.hidden = false;
  fromHash();
}());
"""


def content_security_policy(style: str = CSS, script: str = SCRIPT) -> str:
    """The policy for a page whose only style and script are exactly these texts."""
    return ("default-src 'none'; "
            f"style-src {_csp_hash(style)}; "
            f"script-src {_csp_hash(script)}; "
            "base-uri 'none'; form-action 'none'; "
            "require-trusted-types-for 'script'")


# ---------------------------------------------------------------------------------------------
# The diagram: Graphviz SVG rebuilt from an allow-list.

_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
_SVG_ELEMENTS = frozenset({
    "svg", "g", "title", "desc", "polygon", "polyline", "path", "ellipse", "circle", "rect",
    "line", "text", "tspan", "defs", "linearGradient", "radialGradient", "stop", "a",
})
_SVG_ATTRIBUTES = frozenset({
    "id", "class", "transform", "viewBox", "width", "height", "points", "d", "cx", "cy", "rx",
    "ry", "r", "x", "y", "x1", "y1", "x2", "y2", "dx", "dy", "fx", "fy", "fill", "stroke",
    "stroke-width", "stroke-dasharray", "stroke-opacity", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "fill-opacity", "opacity", "text-anchor", "font-family", "font-size",
    "font-weight", "font-style", "text-decoration", "dominant-baseline", "baseline-shift",
    "gradientUnits", "gradientTransform", "offset", "stop-color", "stop-opacity",
    "preserveAspectRatio",
})
_SVG_ID = re.compile(r"[A-Za-z0-9_.:-]{1,200}")
_LOCAL_URL = re.compile(r"url\(\s*#([A-Za-z0-9_.:-]{1,200})\s*\)")
_SVG_START = re.compile(r"<svg[\s>]")


def _local(name: str) -> tuple[str, str]:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def _svg_attribute(name: str, value: str) -> str | None:
    """The attribute's safe value, or None to drop it."""
    if name not in _SVG_ATTRIBUTES:
        return None
    if name == "id":
        return f"dfd-{value}" if _SVG_ID.fullmatch(value) else None
    if "url(" in value.lower():
        found = _LOCAL_URL.fullmatch(value.strip())
        return f"url(#dfd-{found.group(1)})" if found else None
    return value


def _svg_attributes(element: ET.Element) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for raw_name, raw_value in element.attrib.items():
        namespace, name = _local(raw_name)
        if namespace:
            continue
        if name == "style":
            # Graphviz writes gradient stops as style="stop-color:...": keep what the allow-list
            # knows as presentation attributes (a style attribute would also need the policy).
            for declaration in raw_value.split(";"):
                prop, _, prop_value = declaration.partition(":")
                kept = _svg_attribute(prop.strip(), prop_value.strip())
                if kept is not None and prop.strip() != "id" and prop_value.strip():
                    out.append((prop.strip(), kept))
            continue
        kept = _svg_attribute(name, raw_value)
        if kept is not None:
            out.append((name, kept))
    return out


def _svg_element(element: ET.Element, out: list[str], root: bool = False) -> None:
    _, tag = _local(element.tag)
    tooltip = ""
    if tag == "a":
        # Links become plain groups: nothing in the diagram can navigate or load.
        tooltip = element.attrib.get(f"{{{_XLINK_NS}}}title", "")
        tag = "g"
    attrs = _svg_attributes(element)
    if root:
        attrs = [(n, v) for n, v in attrs if n not in ("id", "class")]
        attrs += [("class", "dfd"), ("role", "img"), ("aria-label", "Data-flow diagram")]
    out.append(f"<{tag}" + "".join(f' {n}="{esc(v)}"' for n, v in attrs) + ">")
    if tooltip:
        out.append(f"<title>{esc(tooltip)}</title>")
    if element.text:
        out.append(esc(element.text))
    for child in element:
        child_namespace, child_tag = _local(child.tag)
        if child_namespace in ("", _SVG_NS) and child_tag in _SVG_ELEMENTS \
                and child_tag != "svg":
            _svg_element(child, out)
        if child.tail:
            out.append(esc(child.tail))
    out.append(f"</{tag}>")


def sanitize_svg(svg: str) -> str | None:
    """The SVG rebuilt from safe elements and attributes, or None if it is not usable SVG.

    The prolog, doctype and comments go (a doctype cannot follow the root element, so no entity
    can be declared); links become groups, and only ``url(#local)`` references survive.
    """
    start = _SVG_START.search(svg)
    if start is None:
        return None
    try:
        root = ET.fromstring(svg[start.start():])
    except (ET.ParseError, RecursionError, ValueError):
        return None
    namespace, tag = _local(root.tag)
    if tag != "svg" or namespace not in ("", _SVG_NS):
        return None
    out: list[str] = []
    try:
        _svg_element(root, out, root=True)
    except RecursionError:
        return None
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Sections.

_SCOPE_MATRICES = (
    ("Generative AI Security Scoping Matrix", "generative", GENERATIVE_SCOPES),
    ("Agentic AI Security Scoping Matrix", "agentic", AGENTIC_SCOPES),
)


def _bar(percent: int) -> str:
    level = "low-ready" if percent < 50 else "mid-ready" if percent < 80 else "high-ready"
    return (f'<svg class="bar {level}" viewBox="0 0 100 10" preserveAspectRatio="none" '
            f'aria-hidden="true"><rect class="track" width="100" height="10" rx="2"></rect>'
            f'<rect class="done" width="{percent}" height="10" rx="2"></rect></svg>')


def _phase_name(phase: str) -> str:
    return phase.capitalize()


def _header(assessment: Assessment) -> list[str]:
    model = assessment.model
    info = model.system
    facts = [("Model file", f"<code>{_val(model.file)}</code>")]
    if info.owner:
        facts.append(("Owner", _val(info.owner)))
    declared = "" if info.phase_declared or assessment.phase != info.phase else \
        " (not declared)"
    facts.append(("Phase analysed", esc(_phase_name(assessment.phase)) + esc(declared)))
    facts.append(("As of", esc(assessment.as_of.isoformat())))
    boundaries = plural(len(model.boundaries), "trust boundary", "trust boundaries")
    facts.append(("Elements", f"{plural(len(model.components), 'component')}, "
                              f"{plural(len(model.flows), 'flow')}, {boundaries}"))
    if info.tags:
        facts.append(("Tags", ", ".join(_val(t) for t in info.tags)))
    out = ['<header class="masthead">', '<div class="wrap">',
           '<p class="eyebrow">AI system threat model &middot; scoping report</p>',
           f"<h1>{_val(info.name)}</h1>"]
    if info.description:
        out.append(f'<p class="lede">{esc(info.description.strip())}</p>')
    out.append('<dl class="facts">')
    out += [f"<div><dt>{label}</dt><dd>{value}</dd></div>" for label, value in facts]
    out += ["</dl>", "</div>", "</header>"]
    return out


def _nav(sections: Sequence[tuple[str, str]]) -> list[str]:
    links = "".join(f'<a href="#{anchor}">{label}</a>' for anchor, label in sections)
    return [f'<nav class="toc" aria-label="Sections"><div class="wrap">{links}</div></nav>']


def _summary(assessment: Assessment) -> list[str]:
    unresolved = assessment.counts(unresolved_only=True)
    total = assessment.counts(unresolved_only=False)
    out = ['<section id="summary" aria-labelledby="summary-h">',
           '<h2 id="summary-h">Summary</h2>', '<div class="cards">']
    for severity in SEVERITIES:
        zero = " zero" if unresolved[severity] == 0 else ""
        out.append(
            f'<div class="card sev-{severity}{zero}" data-summary="{severity}">'
            f'<div class="num">{unresolved[severity]}</div>'
            f'<div class="label">{severity.capitalize()}</div>'
            f'<div class="sub">unresolved of {total[severity]} found</div></div>')
    for label, scope in (("Generative scope", assessment.generative),
                         ("Agentic scope", assessment.agentic)):
        out.append(f'<div class="card scope"><div class="num">{scope.value}</div>'
                   f'<div class="label">{esc(scope.name)}</div>'
                   f'<div class="sub">{label}</div></div>')
    out.append("</div>")
    out += ['<div class="summary-grid">', '<div class="panel">',
            "<h3>Control readiness by phase</h3>"]
    out += [_readiness_row(r, r.phase == assessment.phase) for r in assessment.readiness]
    out.append('<p class="muted small">Controls accumulate: each phase requires its own and '
               "every earlier phase&rsquo;s.</p>")
    out += ["</div>", '<div class="panel">', "<h3>Findings by status</h3>",
            '<ul class="statline">']
    for status in STATUSES:
        number = sum(1 for s in assessment.findings if s.status == status)
        out.append(f'<li><span class="status st-{status}">{_STATUS_LABELS[status]}</span>'
                   f"<strong>{number}</strong></li>")
    out.append(f"<li><span>All findings</span><strong>{len(assessment.findings)}</strong></li>")
    out += ["</ul>", "</div>", "</div>", "</section>"]
    return out


def _readiness_row(ready: Readiness, current: bool) -> str:
    tag = ' <span class="current">analysed</span>' if current else ""
    return (f'<div class="ready" data-phase="{esc(ready.phase)}">'
            f'<span class="name">{esc(_phase_name(ready.phase))}{tag}</span>{_bar(ready.percent)}'
            f'<span class="figure"><strong>{ready.percent}%</strong> &middot; {ready.done} of '
            f"{ready.required}</span></div>")


def _components(assessment: Assessment) -> list[str]:
    model = assessment.model
    boundaries = {b.id: b for b in model.boundaries}
    out = ['<section id="system" aria-labelledby="system-h">',
           '<h2 id="system-h">Components</h2>']
    if not model.components:
        return [*out, '<p class="empty">The model has no components.</p>', "</section>"]
    out += ['<div class="table-scroll"><table class="components">',
            "<thead><tr><th>Component</th><th>Type</th><th>Trust boundary</th><th>Hosting</th>"
            "<th>Data</th><th>Line</th></tr></thead>", "<tbody>"]
    for component in model.components:
        boundary = boundaries.get(component.boundary) if component.boundary else None
        where = _val(boundary.name) if boundary else \
            (_val(component.boundary) if component.boundary else '<span class="muted">—</span>')
        line = model.source.value(("components", component.index)).line
        out.append(
            f"<tr><td>{_val(component.name)} <code class=\"muted\">{esc(component.id)}</code>"
            f"</td><td>{esc(component.type)}</td><td>{where}</td>"
            f"<td>{esc(component.hosting or '—')}</td>"
            f"<td>{esc(', '.join(component.data) or '—')}</td>"
            f'<td><span class="ln">{line}</span></td></tr>')
    out += ["</tbody></table></div>", "</section>"]
    return out


def _scope_section(assessment: Assessment) -> list[str]:
    out = ['<section id="scope" aria-labelledby="scope-h">',
           '<h2 id="scope-h">Scope on the AWS scoping matrices</h2>',
           '<div class="matrix-pair">']
    for title, key, names in _SCOPE_MATRICES:
        scope: Scope = assessment.generative if key == "generative" else assessment.agentic
        out += [f'<div class="matrix" data-matrix="{key}">',
                f"<h3>{title}: scope {scope.value} &mdash; {esc(scope.name)}</h3>",
                f'<div class="cells n{len(names)}">']
        for number, name in names.items():
            classes = ["cell"]
            tags = []
            if number == scope.value:
                classes.append("here")
                tags.append("this system")
            if scope.declared is not None and scope.declared != scope.value \
                    and number == scope.declared:
                classes.append("declared")
                tags.append("declared")
            tag = "".join(f'<span class="tag">{t}</span>' for t in tags)
            out.append(f'<div class="{" ".join(classes)}"><span class="n">{number}</span>'
                       f"{esc(name)}{tag}</div>")
        out.append("</div>")
        if scope.declared is not None and scope.declared != scope.value:
            out.append(f'<p class="note">The model declares scope {scope.declared} '
                       f"({esc(names.get(scope.declared, '?'))}), but its components put it "
                       f"at {scope.value}.</p>")
        out.append("<p><strong>Why:</strong></p>")
        out.append('<ul class="reasons">')
        out += [f"<li>{_prose(reason.text)}</li>" for reason in scope.reasons]
        out += ["</ul>", "</div>"]
    out += ["</div>", "</section>"]
    return out


def _diagram(svg: str | None) -> list[str]:
    out = ['<section id="diagram" aria-labelledby="diagram-h">',
           '<h2 id="diagram-h">Data-flow diagram</h2>']
    if svg is None:
        out.append('<p class="empty">No diagram was included in this report.</p>')
    else:
        clean = sanitize_svg(svg)
        if clean is None:
            out.append('<p class="empty">The diagram could not be embedded: it is not '
                       "well-formed SVG.</p>")
        else:
            out += ['<figure class="diagram">', clean,
                    "<figcaption>Components, trust boundaries and data flows as modelled."
                    "</figcaption>", "</figure>"]
    out.append("</section>")
    return out


def _reason(reason: Reason) -> str:
    return f'<li>{_prose(reason.text)} <span class="ln">line {reason.line}</span></li>'


def _acceptance_note(status: FindingStatus) -> str:
    if status.acceptance is not None:
        risk = status.acceptance
        return (f'<div class="detail">by {_val(risk.owner)} until '
                f"{esc(risk.expires)}</div>")
    if status.expired_acceptance is not None:
        return (f'<div class="detail">acceptance expired {esc(status.expired_acceptance.expires)}'
                "</div>")
    return ""


def _finding_row(number: int, status: FindingStatus) -> str:
    finding = status.finding
    threat = finding.threat
    stride = f'<div class="stride">STRIDE: {esc(", ".join(threat.stride))}</div>' \
        if threat.stride else ""
    also = ""
    if finding.also:
        also = (f'<div class="detail">and {len(finding.also)} more flow'
                f'{"s" if len(finding.also) > 1 else ""} between the same components: '
                + ", ".join(f"<code>{esc(f)}</code>" for f in finding.also) + "</div>")
    rating = "".join(f"<li>{_prose(line)}</li>" for line in finding.rating)
    controls = "".join(f'<li class="yes"><code>{esc(c)}</code></li>'
                       for c in status.implemented)
    controls += "".join(f'<li class="no"><code>{esc(c)}</code></li>' for c in status.missing)
    controls_cell = f'<ul class="ctl-list">{controls}</ul>' if controls else \
        '<span class="muted">none in the catalog</span>'
    return (
        f'<tr id="finding-{number}" data-severity="{esc(finding.severity)}" '
        f'data-status="{esc(status.status)}">'
        f'<td><span class="badge sev-{esc(finding.severity)}">{esc(finding.severity.upper())}'
        f'</span><div class="detail">L {esc(finding.likelihood)} &middot; I '
        f"{esc(finding.impact)}</div></td>"
        f'<td><span class="tid">{esc(threat.id)}</span><div>{esc(threat.title)}</div>{stride}'
        f'<span class="fid mono">{esc(finding.id)}</span></td>'
        f"<td>{_val(finding.target_name)}<div class=\"detail\">{esc(finding.target_kind)} "
        f'<code>{esc(finding.target)}</code> <span class="ln">line {finding.line}</span></div>'
        f"{also}</td>"
        f'<td><span class="status st-{esc(status.status)}">'
        f"{esc(_STATUS_LABELS.get(status.status, status.status))}</span>"
        f"{_acceptance_note(status)}</td>"
        f'<td><ul class="reasons">{"".join(_reason(r) for r in finding.reasons)}</ul></td>'
        f'<td><ul class="rating">{rating}</ul></td>'
        f"<td>{controls_cell}</td></tr>")


def _filters(assessment: Assessment) -> list[str]:
    by_severity = {s: sum(1 for f in assessment.findings if f.finding.severity == s)
                   for s in SEVERITIES}
    by_status = {s: sum(1 for f in assessment.findings if f.status == s) for s in STATUSES}
    out = ['<div id="finding-filters" class="filters" role="group" '
           'aria-label="Filter findings" hidden>',
           "<fieldset><legend>Severity</legend>"]
    out += [f'<label><input type="checkbox" name="severity" value="{s}" checked> '
            f"{s.capitalize()} ({by_severity[s]})</label>" for s in SEVERITIES]
    out += ["</fieldset>", "<fieldset><legend>Status</legend>"]
    out += [f'<label><input type="checkbox" name="status" value="{s}" checked> '
            f"{_STATUS_LABELS[s]} ({by_status[s]})</label>" for s in STATUSES]
    out += ["</fieldset>",
            '<fieldset><button type="button" data-preset="unresolved">Unresolved only</button>'
            '<button type="button" data-preset="all">Show all</button></fieldset>',
            "</div>",
            '<p id="filter-count" class="filter-count" aria-live="polite"></p>']
    return out


def _findings(assessment: Assessment) -> list[str]:
    out = ['<section id="findings" aria-labelledby="findings-h">',
           '<h2 id="findings-h">Findings</h2>']
    if not assessment.findings:
        return [*out, '<p class="empty">No catalog threat applies to this model.</p>',
                "</section>"]
    out += _filters(assessment)
    out += ['<div class="table-scroll">',
            '<table id="findings-table" class="findings">',
            '<colgroup><col class="col-sev"><col class="col-threat"><col class="col-target">'
            '<col class="col-status"><col class="col-why"><col class="col-rating">'
            '<col class="col-controls"></colgroup>',
            "<thead><tr><th>Severity</th><th>Threat</th><th>Target</th><th>Status</th>"
            "<th>Why (from the model)</th><th>Rating</th><th>Controls</th></tr></thead>",
            "<tbody>"]
    out += [_finding_row(n, s) for n, s in enumerate(assessment.findings, 1)]
    out += ["</tbody>", "</table>", "</div>",
            '<p class="muted small">Line numbers refer to the model file. Controls: '
            "&#x2713; in place on the target, &#x2717; required by the analysed phase and "
            "not in place.</p>",
            "</section>"]
    return out


def _declared(impl: ControlImpl) -> str:
    parts = []
    if impl.evidence:
        parts.append(f"evidence: {_val(impl.evidence.strip())}")
    if impl.reason:
        parts.append(f"reason: {_val(impl.reason.strip())}")
    if impl.owner:
        parts.append(f"owner: {_val(impl.owner)}")
    if not parts:
        return ""
    targets = "whole system" if impl.system_wide else ", ".join(impl.targets)
    return (f'<div class="detail">{esc(_REQUIREMENT_LABELS.get(impl.status, impl.status))} '
            f"on {esc(targets)} &mdash; {'; '.join(parts)}</div>")


def _requirement(req: Requirement) -> str:
    control = req.control
    state = "done" if req.done else "part" if req.status in ("partial", "planned") else "todo"
    box = "&#x2713;" if req.done else "&#x2212;" if state == "part" else "&nbsp;"
    word = "Done" if req.done else "Not done"
    where = "whole system" if req.targets == ("*",) else ", ".join(req.targets)
    missing = ""
    if req.missing_on and req.status == "partial":
        missing = f"; missing on {esc(', '.join(req.missing_on))}"
    declared = "".join(_declared(impl) for impl in req.declared)
    return (
        f'<li class="{state}" data-control="{esc(control.id)}" data-done="{str(req.done).lower()}">'
        f'<span class="box" role="img" aria-label="{word}">{box}</span><div>'
        f'<span class="ctl-id">{esc(control.id)}</span>'
        f'<span class="req-state rs-{esc(req.status)}">'
        f"{esc(_REQUIREMENT_LABELS.get(req.status, req.status))}</span>"
        f"<div>{esc(control.title)}</div>"
        f'<div class="detail">on {esc(where)}{missing}</div>{declared}</div></li>')


def _controls(assessment: Assessment) -> list[str]:
    out = ['<section id="controls" aria-labelledby="controls-h">',
           '<h2 id="controls-h">Controls by phase</h2>']
    for phase in PHASES:
        ready = assessment.readiness_for(phase)
        new = [r for r in assessment.required(phase) if r.control.phase == phase]
        carried = ready.required - len(new)
        tag = ' <span class="current">analysed</span>' if phase == assessment.phase else ""
        out += [f'<div class="phase" id="phase-{phase}" data-phase="{phase}">',
                '<div class="phase-head">',
                f"<div><h3>{esc(_phase_name(phase))}{tag}</h3>"
                f'<p class="muted small">{ready.done} of {ready.required} required controls in '
                f"place ({ready.percent}%); {len(ready.blockers)} to do.</p></div>",
                f"<div>{_bar(ready.percent)}</div>", "</div>"]
        if new:
            out.append('<ul class="checklist">')
            out += [_requirement(r) for r in new]
            out.append("</ul>")
        else:
            out.append('<p class="empty">No new controls at this phase.</p>')
        if carried:
            out.append(f'<p class="carried">Plus {carried} control'
                       f'{"s" if carried != 1 else ""} required from earlier phases, listed '
                       "above.</p>")
        out.append("</div>")
    out.append("</section>")
    return out


def _accepted(assessment: Assessment) -> list[str]:
    out = ['<section id="accepted" aria-labelledby="accepted-h">',
           '<h2 id="accepted-h">Accepted risks</h2>']
    accepted = [s for s in assessment.findings
                if s.acceptance is not None or s.expired_acceptance is not None]
    if not accepted:
        return [*out, '<p class="empty">No findings are accepted as risks.</p>', "</section>"]
    out += ['<div class="table-scroll"><table class="accepted">',
            "<thead><tr><th>Finding</th><th>Owner</th><th>Reason</th><th>Ticket</th>"
            "<th>Expires</th><th>State</th></tr></thead>", "<tbody>"]
    for status in accepted:
        risk: AcceptedRisk | None = status.acceptance or status.expired_acceptance
        assert risk is not None
        out.append(_accepted_row(assessment, status, risk))
    out += ["</tbody></table></div>", "</section>"]
    return out


def _accepted_row(assessment: Assessment, status: FindingStatus, risk: AcceptedRisk) -> str:
    days = (dt.date.fromisoformat(risk.expires) - assessment.as_of).days
    if status.expired_acceptance is not None:
        state = (f'<span class="status st-open">Expired</span><div class="detail">'
                 f"{-days} day{'s' if -days != 1 else ''} ago; the finding counts as "
                 f"{esc(_STATUS_LABELS.get(status.status, status.status).lower())}</div>")
    else:
        state = (f'<span class="status st-accepted">Active</span><div class="detail">'
                 f"{days} day{'s' if days != 1 else ''} left</div>")
    finding = status.finding
    return (f'<tr><td><span class="tid">{esc(finding.threat.id)}</span>'
            f"<div>{esc(finding.threat.title)}</div>"
            f'<div class="detail">on {_val(finding.target_name)} '
            f"<code>{esc(finding.target)}</code></div></td>"
            f"<td>{_val(risk.owner)}</td><td>{esc(risk.reason.strip())}</td>"
            f"<td>{_val(risk.ticket) if risk.ticket else '—'}</td>"
            f"<td>{esc(risk.expires)}</td><td>{state}</td></tr>")


def _frameworks(assessment: Assessment, catalog: Catalog | None) -> list[str]:
    out = ['<section id="frameworks" aria-labelledby="frameworks-h">',
           '<h2 id="frameworks-h">Frameworks referenced</h2>']
    cited: dict[str, dict[str, set[str]]] = {}
    for status in assessment.findings:
        for framework, ids in status.finding.threat.references.items():
            for ref in ids:
                cited.setdefault(framework, {}).setdefault(ref, set()).add(status.finding.id)
    if not cited:
        return [*out, '<p class="empty">The findings cite no framework.</p>', "</section>"]
    out.append('<div class="fw">')
    for framework in sorted(cited):
        known = catalog.frameworks.get(framework) if catalog else None
        name = known.name if known else framework
        out += [f'<div data-framework="{esc(framework)}">',
                f"<h3>{esc(name)}</h3>", "<ul>"]
        for ref in sorted(cited[framework], key=_natural):
            title = catalog.reference_title(framework, ref) if catalog else ""
            number = len(cited[framework][ref])
            out.append(f"<li><code>{esc(ref)}</code> {esc(title)} "
                       f'<span class="muted small">&middot; {number} finding'
                       f'{"s" if number != 1 else ""}</span></li>')
        out += ["</ul>", "</div>"]
    out += ["</div>", "</section>"]
    return out


def _lines(parts: Iterable[str]) -> str:
    return "\n".join(parts)


def render_html(assessment: Assessment, svg: str | None = None, *,
                catalog: Catalog | None = None) -> str:
    """The whole report as one self-contained HTML document.

    ``svg`` is the data-flow diagram (Graphviz SVG); it is sanitised before it is embedded.
    ``catalog``, when given, supplies framework names and reference titles.
    """
    model = assessment.model
    sections = [("summary", "Summary"), ("scope", "Scope"), ("diagram", "Diagram"),
                ("system", "Components"), ("findings", "Findings"), ("controls", "Controls"),
                ("accepted", "Accepted risks"), ("frameworks", "Frameworks")]
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{esc(content_security_policy())}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light">',
        f'<meta name="generator" content="scoping-tui {esc(__version__)}">',
        f"<title>Threat model: {esc(model.system.name)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
    ]
    body = [
        *_header(assessment),
        *_nav(sections),
        '<main class="wrap">',
        *_summary(assessment),
        *_scope_section(assessment),
        *_diagram(svg),
        *_components(assessment),
        *_findings(assessment),
        *_controls(assessment),
        *_accepted(assessment),
        *_frameworks(assessment, catalog),
        "</main>",
        '<footer><div class="wrap">',
        f"Generated by scoping-tui {esc(__version__)} from <code>{_val(model.file)}</code>, "
        f"phase {esc(assessment.phase)}, as of {esc(assessment.as_of.isoformat())}. "
        "Self-contained: this page loads nothing from the network.",
        "</div></footer>",
        f"<script>{SCRIPT}</script>",
        "</body>",
        "</html>",
    ]
    return _lines([*head, *body]) + "\n"
