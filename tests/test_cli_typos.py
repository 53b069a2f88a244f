"""Typos get a "did you mean", the usage of the command they were typed for, exit code 2; and
every command knows a format by the same names."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoping_tui.cli.entry import main
from tests.conftest import ROOT

SAMPLE = str(ROOT / "samples" / "ops-agent.yaml")
AS_OF = "2026-11-28"


def fails(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_a_misspelled_command_is_named_with_the_right_one(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["valdiate", SAMPLE]) == 2
    err = capsys.readouterr().err
    assert "unknown command 'valdiate'; did you mean 'validate'?" in err
    assert "unrecognized" not in err
    assert main(["frobnicate"]) == 2
    assert "'frobnicate' is neither a command nor a model file" in capsys.readouterr().err


def test_a_file_that_looks_like_a_command_still_opens(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    Path("valdiate").write_text(Path(SAMPLE).read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["valdiate", "--summary"]) == 0
    assert "SRE operations agent" in capsys.readouterr().out


def test_an_unknown_option_gets_its_commands_usage_and_a_suggestion(
        capsys: pytest.CaptureFixture[str]) -> None:
    err = fails(capsys, "analyze", SAMPLE, "--fromat", "md")
    assert err.startswith("usage: scoping-tui analyze ")
    assert "scoping-tui analyze: error: unrecognized arguments: --fromat md; did you mean " \
           "'--format'?" in err
    err = fails(capsys, "check", SAMPLE, "--fail-onn=high")
    assert err.startswith("usage: scoping-tui check ")
    assert "did you mean '--fail-on'?" in err


def test_an_unknown_format_suggests_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    err = fails(capsys, "analyze", SAMPLE, "--format", "jsno")
    assert "unknown format 'jsno' (did you mean 'json'?); choose from text (txt), json, " \
           "markdown (md)" in err


def test_catalog_show_suggests_the_ids_a_prefix_starts(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "show", "LLM01"]) == 2
    err = capsys.readouterr().err
    assert "LLM01-DIRECT-INJECTION, LLM01-INDIRECT-INJECTION" in err
    assert main(["catalog", "show", "llm01-direct-injection"]) == 0
    assert capsys.readouterr().out.startswith("LLM01-DIRECT-INJECTION: ")


def output(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) in (0, 1)
    return capsys.readouterr().out


@pytest.mark.parametrize(("command", "names"), [
    (["analyze", SAMPLE, "--as-of", AS_OF], ("markdown", "md", "MD")),
    (["report", SAMPLE, "--as-of", AS_OF], ("markdown", "md")),
    (["diff", SAMPLE, SAMPLE, "--as-of", AS_OF], ("markdown", "md")),
    (["diagram", SAMPLE, "-o", "-", "--as-of", AS_OF], ("mmd", "mermaid")),
    (["validate", SAMPLE], ("text", "txt")),
])
def test_one_set_of_format_names_everywhere(command: list[str], names: tuple[str, ...],
                                            capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    outputs = {output(capsys, *command, "--format", name) for name in names}
    assert len(outputs) == 1 and outputs != {""}
    assert list(tmp_path.iterdir()) == [], "`-o -` is standard output, not a file named -"
