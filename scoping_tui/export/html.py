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
import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from importlib.resources import files

from scoping_tui import __version__
from scoping_tui.engine.assessment import Assessment
from scoping_tui.engine.catalog import PHASES, Catalog
from scoping_tui.engine.controls import FindingStatus, Readiness, Requirement
from scoping_tui.engine.scope import AGENTIC_SCOPES, GENERATIVE_SCOPES, Scope
from scoping_tui.engine.threats import SEVERITIES, Reason
from scoping_tui.export.grouping import (
    ElementGroup,
    Entry,
    FlowRef,
    entry_count,
    finding_count,
    group_findings,
)
from scoping_tui.export.safe_markup import esc, sanitize_svg
from scoping_tui.export.words import grouped_heading, plural, questions_heading, tally
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
_CODE_SPAN = re.compile(r"`([^`\n]+)`")


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

_ASSETS = files("scoping_tui.export") / "assets"
CSS = (_ASSETS / "report.css").read_text(encoding="utf-8")
"""The report's stylesheet (assets/report.css), inlined so the page is one file."""
SCRIPT = (_ASSETS / "report.js").read_text(encoding="utf-8")
"""Its filter and tab script (assets/report.js), allowed by the page's CSP hash."""


def content_security_policy(style: str = CSS, script: str = SCRIPT) -> str:
    """The policy for a page whose only style and script are exactly these texts."""
    return ("default-src 'none'; "
            f"style-src {_csp_hash(style)}; "
            f"script-src {_csp_hash(script)}; "
            "base-uri 'none'; form-action 'none'; "
            "require-trusted-types-for 'script'")


# ---------------------------------------------------------------------------------------------
# The diagram: Graphviz SVG rebuilt from an allow-list.

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


def _controls_list(status: FindingStatus) -> str:
    controls = "".join(f'<li class="yes"><code>{esc(c)}</code></li>'
                       for c in status.implemented)
    controls += "".join(f'<li class="no"><code>{esc(c)}</code></li>' for c in status.missing)
    return f'<ul class="ctl-list">{controls}</ul>' if controls else \
        '<span class="muted">none in the catalog</span>'


def _status_badge(status: str) -> str:
    return (f'<span class="status st-{esc(status)}">'
            f"{esc(_STATUS_LABELS.get(status, status))}</span>")


def _severity_cell(status: FindingStatus) -> str:
    finding = status.finding
    return (f'<td><span class="badge sev-{esc(finding.severity)}">'
            f'{esc(finding.severity.upper())}</span><div class="detail">L '
            f"{esc(finding.likelihood)} &middot; I {esc(finding.impact)}</div></td>")


def _threat_cell(status: FindingStatus, under: str) -> str:
    threat = status.finding.threat
    stride = f'<div class="stride">STRIDE: {esc(", ".join(threat.stride))}</div>' \
        if threat.stride else ""
    return (f'<td><span class="tid">{esc(threat.id)}</span><div>{esc(threat.title)}</div>'
            f"{stride}{under}</td>")


def _reasons(reasons: Iterable[Reason]) -> str:
    return f'<ul class="reasons">{"".join(_reason(r) for r in reasons)}</ul>'


def _rating(status: FindingStatus) -> str:
    items = "".join(f"<li>{_prose(line)}</li>" for line in status.finding.rating)
    return f'<ul class="rating">{items}</ul>'


def _finding_id(finding_id: str) -> str:
    """The id as text (to find it from the JSON or SARIF output), breakable after its ``@``."""
    threat, at, target = finding_id.partition("@")
    return f'<span class="fid mono">{esc(threat)}{"<wbr>" + esc(at + target) if at else ""}</span>'


def _anchor(number: int, status: FindingStatus) -> str:
    """The attributes of the element that stands for one finding: its anchor ``finding-N``
    (N its place in the assessment, as in the JSON output), its id, and what the filter
    script reads."""
    finding = status.finding
    return (f'id="finding-{number}" data-finding="{esc(finding.id)}" '
            f'data-severity="{esc(finding.severity)}" data-status="{esc(status.status)}"')


def _finding_row(number: int, status: FindingStatus, flows: Sequence[FlowRef] = ()) -> str:
    """The row of an entry with one finding; ``flows`` gives the lines of the further flows
    it covers."""
    finding = status.finding
    also = ""
    if finding.also:
        lines = {flow.id: flow.line for flow in flows}
        listed = ", ".join(f"<code>{esc(f)}</code>" + (f' <span class="ln">line {lines[f]}</span>'
                                                       if f in lines else "")
                           for f in finding.also)
        also = (f'<div class="detail">and {len(finding.also)} more flow'
                f'{"s" if len(finding.also) > 1 else ""} between the same components: '
                f"{listed}</div>")
    return (
        f'<tr class="entry" {_anchor(number, status)}>{_severity_cell(status)}'
        + _threat_cell(status, _finding_id(finding.id))
        + f"<td>{_val(finding.target_name)}<div class=\"detail\">{esc(finding.target_kind)} "
        f'<code>{esc(finding.target)}</code> <span class="ln">line {finding.line}</span></div>'
        f"{also}</td>"
        f"<td>{_status_badge(status.status)}{_acceptance_note(status)}</td>"
        f"<td>{_reasons(finding.reasons)}</td><td>{_rating(status)}</td>"
        f"<td>{_controls_list(status)}</td></tr>")


def _on(targets: Sequence[str], rest: str = "") -> str:
    names = ", ".join(f"<code>{esc(target)}</code>" for target in targets)
    return f'<div class="on">on {names}{rest}:</div>'


def _per_target(entry: Entry, key: Callable[[FindingStatus], Hashable],
                show: Callable[[FindingStatus], str]) -> str:
    """What ``show`` shows of an entry's findings: once when they all agree, else once per
    distinct ``key``, under the targets of the findings it stands for (worst first)."""
    distinct: dict[Hashable, list[FindingStatus]] = {}
    for status in entry.findings:
        distinct.setdefault(key(status), []).append(status)
    if len(distinct) == 1:
        return show(entry.worst)
    return "".join(_on([s.finding.target for s in same]) + show(same[0])
                   for same in distinct.values())


def _folded_row(entry: Entry, numbers: dict[str, int]) -> str:
    """The row of one threat on several flows of an element: the worst finding's facts, and a
    list of the flows, one item per finding with its anchor, line, severity and status. What
    another finding says that the worst does not (reasons, rating, controls) follows the
    worst's in its column, under the flow's name."""
    worst = entry.worst
    finding = worst.finding
    covered: dict[str, list[FlowRef]] = {}
    for flow in entry.flows:
        covered.setdefault(flow.status.finding.id, []).append(flow)
    items = []
    for status in entry.findings:
        refs = covered.get(status.finding.id, [])
        items.append(_flow_item(numbers[status.finding.id], status, refs))
    statuses = "".join(f"<li>{_status_badge(state)} {plural(count, 'flow')}</li>"
                       for state, count in entry.status_counts())
    shown = {reason.text for reason in finding.reasons}
    why = [_on([finding.target]), _reasons(finding.reasons)]
    for status in entry.findings[1:]:
        differing = [r for r in status.finding.reasons if r.text not in shown]
        if differing:
            why += [_on([status.finding.target], ", also"), _reasons(differing)]
    rating = _per_target(entry, lambda s: s.finding.rating, _rating)
    controls = _per_target(entry, lambda s: (s.implemented, s.missing), _controls_list)
    count = plural(len(entry.findings), "finding")
    return (
        f'<tr class="entry folded" data-severity="{esc(finding.severity)}" '
        f'data-findings="{len(entry.findings)}">{_severity_cell(worst)}'
        + _threat_cell(worst, f'<div class="detail">{count}, worst first</div>')
        + f'<td>{plural(len(entry.flows), "flow")}<ul class="flows">{"".join(items)}</ul></td>'
        f'<td><ul class="statuses">{statuses}</ul></td>'
        f"<td>{''.join(why)}</td><td>{rating}</td><td>{controls}</td></tr>")


def _flow_item(number: int, status: FindingStatus, refs: Sequence[FlowRef]) -> str:
    """One finding of a folded row: its flow (and the further flows it covers), each with
    its line, then its severity, status, acceptance and id (its likelihood and impact are in
    its rating, in the row's rating column when they differ from the worst's)."""
    finding = status.finding
    flows = [f'<code>{esc(ref.id)}</code> <span class="ln">line {ref.line}</span>'
             for ref in refs] or [f'<code>{esc(finding.target)}</code> '
                                  f'<span class="ln">line {finding.line}</span>']
    also = f'<div class="detail">with {", ".join(flows[1:])} (the same finding)</div>' \
        if len(flows) > 1 else ""
    return (f"<li {_anchor(number, status)}>{flows[0]}{also}"
            f'<div><span class="badge sev-{esc(finding.severity)}">'
            f"{esc(finding.severity.upper())}</span> {_status_badge(status.status)}</div>"
            f"{_acceptance_note(status)}{_finding_id(finding.id)}</li>")


_GROUP_COLUMNS = (
    '<colgroup><col class="col-sev"><col class="col-threat"><col class="col-target">'
    '<col class="col-status"><col class="col-why"><col class="col-rating">'
    '<col class="col-controls"></colgroup>',
    "<thead><tr><th>Severity</th><th>Threat</th><th>Target</th><th>Status</th>"
    "<th>Why (from the model)</th><th>Rating</th><th>Controls</th></tr></thead>",
)


def _group_anchor(group: ElementGroup) -> str:
    return "findings-system" if group.kind == "system" else \
        f"findings-{group.kind}-{group.id}"


def _group_heading(group: ElementGroup) -> str:
    """``Bot bot agent, line 10 — 5 findings: 1 high, 4 medium; 1 accepted``."""
    if group.kind == "system":
        where = f'The system as a whole <span class="where">line {group.line}</span>'
    else:
        kind = f"{group.type} boundary" if group.kind == "boundary" else group.type
        where = (f"{_val(group.name)} <code>{esc(group.id)}</code> "
                 f'<span class="where">{esc(kind)}, line {group.line}</span>')
    severities = ", ".join(f'<span class="sev-count sev-{s}">{n} {s}</span>'
                           for s, n in group.severity_counts().items() if n)
    resolved = group.resolved_counts()
    return (f"<h3>{where} "
            f'<span class="tally">&mdash; {plural(len(group.findings), "finding")}: '
            f"{severities}{'; ' + esc(tally(resolved)) if resolved else ''}</span></h3>")


def _group(group: ElementGroup, numbers: dict[str, int]) -> list[str]:
    anchor = esc(_group_anchor(group))
    rows = [_folded_row(entry, numbers) if entry.folded else
            _finding_row(numbers[entry.worst.finding.id], entry.worst, entry.flows)
            for entry in group.entries]
    return [f'<div class="finding-group" id="{anchor}" data-kind="{esc(group.kind)}">',
            _group_heading(group),
            '<div class="table-scroll"><table class="findings">', *_GROUP_COLUMNS,
            "<tbody>", *rows, "</tbody>", "</table></div>", "</div>"]


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
    """The findings per element (see ``export.grouping``): a heading with the element's counts
    by severity, then a table of its entries, one threat on several of its flows as one row."""
    out = ['<section id="findings" aria-labelledby="findings-h">',
           '<h2 id="findings-h">Findings</h2>']
    if not assessment.findings:
        return [*out, '<p class="empty">No catalog threat applies to this model.</p>',
                "</section>"]
    groups = group_findings(assessment)
    numbers = {status.finding.id: n for n, status in enumerate(assessment.findings, 1)}
    counts = grouped_heading(finding_count(groups), len(groups), entry_count(groups))
    out.append(f"<p>{esc(counts)}: one threat on several flows of an element is one row.</p>")
    out += _filters(assessment)
    out.append('<div id="finding-groups">')
    for group in groups:
        out += _group(group, numbers)
    out += ["</div>",
            '<p class="muted small">Line numbers refer to the model file. Controls: '
            "&#x2713; in place on the target, &#x2717; required by the analysed phase and "
            "not in place.</p>",
            "</section>"]
    return out


def _questions(assessment: Assessment) -> list[str]:
    if not assessment.questions:
        return []
    out = ['<section id="questions" aria-labelledby="questions-h">',
           '<h2 id="questions-h">Questions for the review</h2>',
           f"<p>{esc(questions_heading(assessment))}.</p>", '<ul class="questions">']
    for question in assessment.questions:
        out.append(f"<li>{_prose(question.text)} <span class=\"muted small\">answer with "
                   f"<code>{esc(question.answer)}</code></span></li>")
    return [*out, "</ul>", "</section>"]


def _threats_explained(assessment: Assessment) -> list[str]:
    threats = [t for t in assessment.threats_found() if t.rationale or t.false_positives]
    if not threats:
        return []
    out = ['<section id="why" aria-labelledby="why-h">',
           '<h2 id="why-h">Why these threats apply</h2>', '<dl class="why">']
    for threat in threats:
        out.append(f"<dt><code>{esc(threat.id)}</code> {esc(threat.title)}</dt>")
        if threat.rationale:
            out.append(f"<dd><strong>Why it applies:</strong> {_prose(threat.rationale)}</dd>")
        if threat.false_positives:
            out.append(f"<dd><strong>A false positive when:</strong> "
                       f"{_prose(threat.false_positives)}</dd>")
    out += ["</dl>", "</section>"]
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
    explained = _threats_explained(assessment)
    questions = _questions(assessment)
    sections = [("summary", "Summary"), ("scope", "Scope"), ("diagram", "Diagram"),
                ("system", "Components"), ("findings", "Findings"),
                *([("questions", "Questions")] if questions else []),
                *([("why", "Why they apply")] if explained else []), ("controls", "Controls"),
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
        *questions,
        *explained,
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
