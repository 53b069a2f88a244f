"""`check` has two gates, each with its own option: findings (--fail-on) and missing controls
(--missing-controls); and on a terminal its colours are colours, not escaped text."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from scoping_tui.cli.entry import main
from tests.conftest import ROOT
from tests.test_cli_many import run_on_terminal

AS_OF = "2026-11-28"
# Unresolved: 5 high, 10 medium, 1 low, no critical; production requires controls it lacks.
SAAS = str(ROOT / "samples" / "saas-copilot.yaml")


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["check", SAAS, "--as-of", AS_OF, *args])
    return code, capsys.readouterr().out


def test_by_default_both_gates_fail(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = check(capsys)
    assert code == 1
    assert "(fail on high and above): 5 failing findings," in out
    assert ": missing control " in out


def test_fail_on_critical_can_pass_a_model_whose_controls_are_only_warned_about(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out = check(capsys, "--fail-on", "critical", "--missing-controls", "warn")
    assert code == 0
    assert "check passed" in out
    assert ": warning: missing control " in out
    assert "0 failing findings" in out and "missing controls only warned about" in out


def test_the_controls_gate_alone(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = check(capsys, "--fail-on", "none")
    assert code == 1
    assert "findings never fail" in out and "0 failing findings" in out
    assert ": missing control " in out
    code, out = check(capsys, "--fail-on", "none", "--missing-controls", "ignore")
    assert code == 0
    assert "missing control" not in out.replace("missing controls ignored", "")


def test_the_findings_gate_alone_still_fails_on_findings(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out = check(capsys, "--fail-on", "medium", "--missing-controls", "ignore")
    assert code == 1
    failing = [line for line in out.splitlines()
               if any(f": {s}: " in line for s in ("critical", "high", "medium"))]
    assert failing and not any(": low: " in line for line in out.splitlines())
    assert f"{len(failing)} failing findings" in out
    assert "missing control" not in out.replace("missing controls ignored", "")


def test_json_says_which_gates_were_applied(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = check(capsys, "--format", "json", "--fail-on", "critical",
                      "--missing-controls", "warn")
    payload = json.loads(out)
    assert code == 0 and payload["passed"] is True
    assert payload["fail_on"] == "critical" and payload["missing_controls_gate"] == "warn"
    assert payload["failing_findings"] == [] and payload["missing_controls"]


def test_a_baseline_with_the_findings_gate_off_fails_only_on_new_missing_controls(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "old.yaml"
    old.write_text(Path(SAAS).read_text(encoding="utf-8"), encoding="utf-8")
    code, out = check(capsys, "--baseline", str(old), "--fail-on", "none")
    assert code == 0, out
    assert "0 new failing findings, 0 new missing controls" in out


def test_colours_on_a_terminal_are_real_and_model_text_is_still_escaped(
        tmp_path: Path) -> None:
    extra = tmp_path / "org.yaml"
    extra.write_text(textwrap.dedent("""\
        version: 1
        threats:
          - id: ORG-TITLE
            title: "Escapes \\e]0;pwned\\a in a title"
            description: A rule whose title holds a terminal escape.
            stride: [I]
            target: component
            when: {fact: type, equals: agent}
            likelihood: high
            impact: high
            references: {owasp-llm: ["LLM06:2025"]}
        """), encoding="utf-8")
    code, screen = run_on_terminal("check", SAAS, "--as-of", AS_OF, "--catalog", str(extra))
    assert code == 1
    assert "\x1b[31mhigh\x1b[0m" in screen                 # a colour, as a terminal gets it
    assert "\\x1b[" not in screen                          # never the escaped colour code
    assert "Escapes \\x1b]0;pwned\\x07 in a title" in screen
    assert "\x1b]0;" not in screen
