"""Each threat says why its rule fires and when a finding of it would be wrong (`rationale`,
`false_positives` in the catalog), and every place a reader weighs a finding shows both:
`catalog show`, `analyze --explain THREAT@target`, and the Markdown, HTML, JSON and SARIF
reports."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scoping_tui.engine.assessment import assess
from scoping_tui.engine.catalog import CatalogError, load_catalog
from scoping_tui.export.html import render_html
from scoping_tui.export.json_report import render_json
from scoping_tui.export.markdown import render_markdown
from scoping_tui.export.sarif import render_sarif
from scoping_tui.model.validate import load_model
from tests.conftest import ROOT

SAMPLE = ROOT / "samples" / "ops-agent.yaml"

ORG_CATALOG = """\
version: 1
threats:
  - id: ORG-AGENT-NO-RUNBOOK
    title: Agent acts without an agreed runbook
    description: The agent changes production without a written procedure to follow.
    rationale: >-
      It is an agent, and agents change things; our policy wants a runbook for each one.
    false_positives: >-
      The agent only reads, or the runbook lives outside the model.
    stride: [T]
    target: component
    when: {fact: type, in: {set: agent-types}}
    likelihood: medium
    impact: medium
    references: {nist-ai-rmf: [GOVERN 1.1]}
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scoping_tui", *args], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)


def test_every_built_in_threat_gives_both() -> None:
    data = yaml.safe_load((ROOT / "models" / "threats.yaml").read_text(encoding="utf-8"))
    missing = [t["id"] for t in data["threats"]
               if not t.get("rationale") or not t.get("false_positives")]
    assert missing == []
    catalog = load_catalog()
    assert all(t.rationale and t.false_positives for t in catalog.threats.values())


def test_an_empty_rationale_is_a_catalog_error(tmp_path: Path) -> None:
    extra = tmp_path / "org.yaml"
    extra.write_text(ORG_CATALOG.replace(
        "rationale: >-\n      It is an agent, and agents change things; our policy wants a "
        "runbook for each one.", 'rationale: ""'), encoding="utf-8")
    with pytest.raises(CatalogError) as raised:
        load_catalog([extra])
    assert any("rationale" in d.message for d in raised.value.diagnostics)


def test_catalog_show_prints_both(tmp_path: Path) -> None:
    extra = tmp_path / "org.yaml"
    extra.write_text(ORG_CATALOG, encoding="utf-8")
    done = run("catalog", "show", "ORG-AGENT-NO-RUNBOOK", "--catalog", str(extra))
    assert done.returncode == 0, done.stderr
    assert "why it applies: It is an agent, and agents change things" in done.stdout
    assert "a false positive when: The agent only reads" in done.stdout


def test_explain_one_finding_prints_both(tmp_path: Path) -> None:
    extra = tmp_path / "org.yaml"
    extra.write_text(ORG_CATALOG, encoding="utf-8")
    done = run("analyze", str(SAMPLE), "--catalog", str(extra),
               "--explain", "ORG-AGENT-NO-RUNBOOK@ops-agent")
    assert done.returncode == 0, done.stderr
    assert "applies" in done.stdout
    assert "why it applies: It is an agent" in done.stdout
    assert "a false positive when: The agent only reads" in done.stdout


def test_every_report_explains_the_threats_it_found(tmp_path: Path) -> None:
    extra = tmp_path / "org.yaml"
    extra.write_text(ORG_CATALOG, encoding="utf-8")
    catalog = load_catalog([extra])
    result = load_model(SAMPLE)
    assert result.model is not None
    assessment = assess(result.model, catalog)
    found = assessment.threats_found()
    assert "ORG-AGENT-NO-RUNBOOK" in {t.id for t in found}
    markdown = render_markdown(assessment)
    page = html.unescape(re.sub(r"<[^>]+>", "", render_html(assessment, None, catalog=catalog)))
    findings = json.loads(render_json(assessment))["findings"]
    rules = json.loads(render_sarif(assessment))["runs"][0]["tool"]["driver"]["rules"]
    for threat in found:
        assert f"Why it applies: {threat.rationale}" in markdown
        assert f"A false positive when: {threat.false_positives}" in markdown
        assert f"Why it applies: {threat.rationale.replace('`', '')}" in page
        assert f"A false positive when: {threat.false_positives.replace('`', '')}" in page
        rule = next(r for r in rules if r["id"] == threat.id)
        assert threat.rationale in rule["help"]["text"]
        assert threat.false_positives in rule["help"]["text"]
        entries = [f for f in findings if f["threat"] == threat.id]
        assert entries and all(f["rationale"] == threat.rationale
                               and f["false_positives"] == threat.false_positives
                               for f in entries)
    # Each threat is explained once, however many findings it has.
    assert markdown.count("**ORG-AGENT-NO-RUNBOOK: ") == 1
