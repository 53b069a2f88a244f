"""SARIF 2.1.0: catalog threats as rules, unresolved findings as results on the model's lines.

Code-scanning tools show the results as annotations on the YAML. Accepted findings are kept as
suppressed results (so the acceptance is visible there too); mitigated ones are left out.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any

from scoping_tui import __version__
from scoping_tui.engine.assessment import Assessment
from scoping_tui.engine.catalog import Threat
from scoping_tui.engine.controls import FindingStatus
from scoping_tui.export.markdown import md_cell

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
# GitHub code scanning ranks security results by this number (0.1–10).
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
_BASE_SEVERITY = {("high", "high"): "critical", ("high", "medium"): "high",
                  ("medium", "high"): "high", ("medium", "medium"): "medium"}


def _base_severity(threat: Threat) -> str:
    return _BASE_SEVERITY.get((threat.likelihood, threat.impact), "low")


def _help(threat: Threat) -> tuple[str, str]:
    """Plain and Markdown help. Code-scanning pages render the Markdown, and an organisation's
    catalog is as untrusted as a model: its text is escaped as the Markdown report escapes
    it, so no link, image or HTML in it becomes one there."""
    refs = "; ".join(f"{framework}: {', '.join(ids)}"
                     for framework, ids in threat.references.items())
    explained = [threat.description]
    if threat.rationale:
        explained.append(f"Why it applies: {threat.rationale}")
    if threat.false_positives:
        explained.append(f"A false positive when: {threat.false_positives}")
    body = "\n\n".join(explained)
    text = f"{body}\n\nReferences: {refs}" if refs else body
    paragraphs = [md_cell(part) for part in body.split("\n\n") if part.strip()]
    markdown = "\n\n".join([*paragraphs, "\n".join(
        f"- **{md_cell(framework)}**: {', '.join(md_cell(ref) for ref in ids)}"
        for framework, ids in threat.references.items())])
    return _plain(text), markdown


def _plain(text: str) -> str:
    """SARIF plain text: a bracket pair would be read as an embedded link (SARIF 2.1.0
    §3.11.6), so literal brackets, and the backslash that escapes them, are escaped."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _rule(threat: Threat) -> dict[str, Any]:
    text, markdown = _help(threat)
    tags = ["security", *sorted(f"{framework}/{ref}" for framework, ids in
                                threat.references.items() for ref in ids)]
    return {
        "id": threat.id,
        "name": "".join(part.capitalize() for part in threat.id.split("-")),
        "shortDescription": {"text": _plain(threat.title)},
        "fullDescription": {"text": _plain(threat.description)},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[_base_severity(threat)]},
        "properties": {
            "tags": tags,
            "security-severity": SECURITY_SEVERITY[_base_severity(threat)],
            "stride": list(threat.stride),
        },
    }


def _result(status: FindingStatus, rule_index: int, uri: str) -> dict[str, Any]:
    finding = status.finding
    also = f" (also flows {', '.join(finding.also)})" if finding.also else ""
    message = (f"{finding.threat.title}: {finding.target_kind} `{finding.target}`{also}. "
               f"Why: {'; '.join(finding.rationale)}. Rating: {finding.rating[0]}.")
    if status.missing:
        message += f" Missing controls: {', '.join(status.missing)}."
    if finding.assumed:
        message += f" Assumed (worst-case reading): {'; '.join(finding.assumed)}."
    result: dict[str, Any] = {
        "ruleId": finding.threat.id,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": _plain(message)},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": uri},
                "region": {"startLine": finding.line},
            },
        }],
        "partialFingerprints": {"scopingTuiFindingId/v1": finding.id},
        "properties": {
            "severity": finding.severity,
            "status": status.status,
            "security-severity": SECURITY_SEVERITY[finding.severity],
            "assumed": bool(finding.assumed),
        },
    }
    if status.acceptance is not None:
        result["suppressions"] = [{
            "kind": "external",
            "status": "accepted",
            "justification": f"{status.acceptance.reason} (accepted by "
                             f"{status.acceptance.owner} until {status.acceptance.expires})",
        }]
    return result


def sarif_dict(assessment: Assessment) -> dict[str, Any]:
    reported = [s for s in assessment.findings if s.unresolved or s.status == "accepted"]
    threats = sorted({s.finding.threat.id: s.finding.threat for s in reported}.values(),
                     key=lambda t: t.id)
    index = {threat.id: i for i, threat in enumerate(threats)}
    uri = PurePath(assessment.model.file).as_posix()
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "scoping-tui",
                "version": __version__,
                "informationUri": "https://github.com/scoping-tui/scoping-tui",
                "rules": [_rule(threat) for threat in threats],
            }},
            "automationDetails": {"id": f"scoping-tui/{assessment.phase}/"},
            "results": [_result(s, index[s.finding.threat.id], uri) for s in reported],
            # Unstated facts are not results (no line is wrong), but a reviewer of the
            # upload should still see how many remain open.
            "properties": {"phase": assessment.phase, "asOf": assessment.as_of.isoformat(),
                           "unknowns": assessment.unknowns,
                           "openQuestions": assessment.open_questions,
                           "questions": [_plain(q.text) for q in assessment.questions]},
        }],
    }


def render_sarif(assessment: Assessment) -> str:
    return json.dumps(sarif_dict(assessment), indent=2, ensure_ascii=False) + "\n"
