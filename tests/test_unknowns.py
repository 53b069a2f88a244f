"""Unknown is not insecure: an unstated security fact becomes a question for the review, counted
in every output, and rules fire on stated facts; `--unknowns worst-case` (or `system.unknowns`)
restores the worst-case reading with the findings marked assumed, and `check
--fail-on-unknowns` fails while questions remain."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from scoping_tui.cli.entry import main
from scoping_tui.engine.assessment import assess
from scoping_tui.engine.catalog import load_catalog
from scoping_tui.model.validate import load_model
from tests.conftest import ROOT

AS_OF = "2026-11-28"
MODEL = """\
version: 1
system:
  name: Two zones
boundaries:
  - {id: zone-a, name: Zone A, kind: vpc}
  - {id: zone-b, name: Zone B, kind: on-prem}
components:
  - {id: api, name: API, type: service, boundary: zone-a}
  - {id: db, name: DB, type: data-store, boundary: zone-b, data: [pii]}
  - {id: cache, name: Cache, type: data-store, boundary: zone-b, data: [pii]}
flows:
  - {id: query, from: api, to: db, protocol: sql}
  - {id: warm, from: api, to: cache, protocol: https, authenticated: true}
"""
UNAUTH = "STRIDE-FLOW-UNAUTHENTICATED@query"


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    path = tmp_path / "two-zones.yaml"
    path.write_text(MODEL, encoding="utf-8")
    return path


def _assess(path: Path, unknowns: str | None = None):  # type: ignore[no-untyped-def]
    result = load_model(path)
    assert result.model is not None
    return assess(result.model, load_catalog(), unknowns=unknowns)


def test_unstated_facts_are_questions_not_findings(model_file: Path) -> None:
    assessment = _assess(model_file)
    found = {s.finding.id for s in assessment.findings}
    assert UNAUTH not in found and "STRIDE-FLOW-UNENCRYPTED@query" not in found
    by_key = {q.key: q for q in assessment.questions}
    # Grouped by fact, each element once, with the line it is defined on.
    assert by_key["authenticated"].text == (
        "1 flow does not say whether the receiver authenticates the sender: `query`")
    assert by_key["authenticated"].elements == (("query", 12),)
    assert UNAUTH in by_key["authenticated"].decides
    assert by_key["encrypted"].elements == (("query", 12),)   # https says so for `warm`
    assert [e for e, _line in by_key["encrypted_at_rest"].elements] == ["db", "cache"]
    assert assessment.open_questions == sum(len(q.elements) for q in assessment.questions)
    assert assessment.assumed_findings == 0


def test_stating_the_fact_answers_the_question(model_file: Path) -> None:
    model_file.write_text(MODEL.replace("protocol: sql}", "protocol: sql, authenticated: false}"),
                          encoding="utf-8")
    assessment = _assess(model_file)
    assert UNAUTH in {s.finding.id for s in assessment.findings}
    assert "authenticated" not in {q.key for q in assessment.questions}
    assert all(not s.finding.assumed for s in assessment.findings)


def test_worst_case_raises_them_marked_assumed_and_still_asks(model_file: Path) -> None:
    for assessment in (_assess(model_file, "worst-case"),
                       _with_model_setting(model_file)):
        by_id = {s.finding.id: s.finding for s in assessment.findings}
        assert by_id[UNAUTH].assumed == ("flow `query`: authenticated not stated",)
        assert "STRIDE-STORE-UNENCRYPTED@db" in by_id
        assert assessment.assumed_findings >= 3
        assert assessment.questions and assessment.unknowns == "worst-case"


def _with_model_setting(path: Path):  # type: ignore[no-untyped-def]
    path.write_text(MODEL.replace("  name: Two zones\n", "  name: Two zones\n"
                                  "  unknowns: worst-case\n"), encoding="utf-8")
    return _assess(path)


def test_the_command_line_overrides_the_model(model_file: Path) -> None:
    model_file.write_text(MODEL.replace("  name: Two zones\n", "  name: Two zones\n"
                                        "  unknowns: worst-case\n"), encoding="utf-8")
    assert UNAUTH not in {s.finding.id for s in _assess(model_file, "ask").findings}


def test_a_wrong_setting_is_an_error_with_its_line(model_file: Path) -> None:
    model_file.write_text(MODEL.replace("  name: Two zones\n", "  name: Two zones\n"
                                        "  unknowns: maybe\n"), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "scoping_tui", "analyze", str(model_file)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 2
    assert f"{model_file}:4:" in run.stderr and "Traceback" not in run.stderr


def test_text_output_lists_the_questions(model_file: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    main(["analyze", str(model_file), "--as-of", AS_OF])
    out = capsys.readouterr().out
    assert "Questions for the review: 4 unstated facts decide" in out
    assert "answer with authenticated: true or false" in out
    assert "assumed (worst-case" not in out
    main(["analyze", str(model_file), "--as-of", AS_OF, "--unknowns", "worst-case"])
    out = capsys.readouterr().out
    assert f"{UNAUTH}  [open]" in out
    assert "assumed (worst-case reading): flow `query`: authenticated not stated" in out


def test_check_can_fail_on_unknowns(model_file: Path) -> None:
    def check(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "scoping_tui", "check", str(model_file),
                               "--missing-controls", "ignore", "--as-of", AS_OF, *extra],
                              capture_output=True, text=True, check=False)

    passed = check()
    assert passed.returncode == 0, passed.stdout
    assert "4 unstated facts to ask about" in passed.stdout
    failed = check("--fail-on-unknowns")
    assert failed.returncode == 1
    assert (f"{model_file}:12:1: error: unanswered: 1 flow does not say whether the receiver "
            "authenticates the sender: `query`") in failed.stdout
    assert "check FAILED" in failed.stdout
    payload = json.loads(check("--fail-on-unknowns", "--format", "json").stdout)
    assert payload["passed"] is False and payload["fail_on_unknowns"] is True
    assert {q["fact"] for q in payload["open_questions"]} >= {"authenticated", "encrypted"}


def test_json_sarif_markdown_and_html_count_them(model_file: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    main(["analyze", str(model_file), "--format", "json", "--as-of", AS_OF])
    report = json.loads(capsys.readouterr().out)
    schema = json.loads((ROOT / "schemas" / "assessment.schema.json").read_text("utf-8"))
    assert list(Draft7Validator(schema).iter_errors(report)) == []
    assert report["unknowns"] == "ask" and report["summary"]["questions"] == 4
    assert report["questions"][0] == {
        "fact": "authenticated",
        "text": "1 flow does not say whether the receiver authenticates the sender: `query`",
        "answer": "authenticated: true or false",
        "elements": [{"id": "query", "line": 12}],
        "decides": [UNAUTH, "STRIDE-STORE-TAMPERING@db"]}

    main(["analyze", str(model_file), "--format", "json", "--as-of", AS_OF,
          "--unknowns", "worst-case"])
    worst = json.loads(capsys.readouterr().out)
    assert list(Draft7Validator(schema).iter_errors(worst)) == []
    assumed = {f["id"]: f["assumed"] for f in worst["findings"]}
    assert assumed[UNAUTH] == ["flow `query`: authenticated not stated"]
    assert worst["summary"]["assumed"] == sum(1 for a in assumed.values() if a)

    sarif = tmp_path / "out.sarif"
    assert main(["report", str(model_file), "--format", "sarif", "-o", str(sarif),
                 "--as-of", AS_OF]) == 0
    run = json.loads(sarif.read_text("utf-8"))["runs"][0]
    assert run["properties"]["openQuestions"] == 4
    assert run["properties"]["unknowns"] == "ask"
    assert not any(r["ruleId"] == "STRIDE-FLOW-UNAUTHENTICATED" for r in run["results"])

    markdown = tmp_path / "out.md"
    main(["report", str(model_file), "--format", "markdown", "-o", str(markdown),
          "--as-of", AS_OF])
    text = markdown.read_text("utf-8")
    assert "## Questions for the review" in text
    assert "`query` (answer with `authenticated: true or false`)" in text

    html = tmp_path / "out.html"
    main(["report", str(model_file), "--format", "html", "-o", str(html), "--as-of", AS_OF])
    page = html.read_text("utf-8")
    assert '<section id="questions"' in page and 'href="#questions"' in page
    assert "<code>query</code>" in page


def test_a_model_that_states_everything_has_no_questions(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    path = tmp_path / "stated.yaml"
    path.write_text(MODEL.replace("protocol: sql}", "protocol: sql, authenticated: true, "
                                  "encrypted: true}")
                    .replace("data: [pii]}", "data: [pii], store: {encrypted_at_rest: true, "
                             "multi_tenant: false}}"), encoding="utf-8")
    assessment = _assess(path)
    assert assessment.questions == () and assessment.open_questions == 0
    main(["analyze", str(path), "--as-of", AS_OF])
    assert "Questions for the review" not in capsys.readouterr().out
