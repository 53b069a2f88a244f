"""Golden files pin the analysis of every sample: a change in findings, reasons, severities or
required controls shows up as a reviewable diff.

Regenerate after an intended change with:  UPDATE_GOLDEN=1 .venv/bin/python -m pytest
tests/test_golden_samples.py   (then read the diff before committing it).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from scoping_tui.engine.assessment import Assessment, assess
from scoping_tui.engine.catalog import load_catalog
from scoping_tui.model.validate import load_model
from tests.conftest import ROOT, SAMPLES

GOLDEN = Path(__file__).parent / "golden"
AS_OF = dt.date(2026, 11, 28)


def digest(assessment: Assessment) -> str:
    lines = [f"generative scope {assessment.generative.value}, agentic scope "
             f"{assessment.agentic.value}, phase {assessment.phase}", "", "findings:"]
    for status in assessment.findings:
        finding = status.finding
        also = f" (+{', '.join(finding.also)})" if finding.also else ""
        lines.append(f"  {finding.severity:8} {status.status:19} {finding.id}{also}")
        lines.extend(f"      - {reason}" for reason in finding.rationale)
        lines.extend(f"      ~ {step}" for step in finding.rating)
    lines += ["", "controls:"]
    for req in assessment.requirements:
        where = ", ".join(req.targets)
        lines.append(f"  {req.control.phase:10} {req.status:14} {req.control.id} on {where}")
    lines += ["", "readiness: " + ", ".join(f"{r.phase} {r.done}/{r.required}"
                                             for r in assessment.readiness)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_sample_analysis_matches_its_golden_file(sample: Path) -> None:
    result = load_model(sample, str(sample.relative_to(ROOT)))
    assert result.model is not None
    text = digest(assess(result.model, load_catalog(), as_of=AS_OF))
    golden = GOLDEN / f"{sample.stem}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden file: run with UPDATE_GOLDEN=1 to create {golden.name}"
    assert text == golden.read_text(encoding="utf-8")
