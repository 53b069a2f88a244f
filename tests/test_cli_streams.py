"""Why a file could not be read goes to standard error in every command; results to stdout."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoping_tui.cli.entry import main


@pytest.mark.parametrize("command", ["validate", "analyze", "check"])
def test_a_missing_file_is_reported_on_stderr_with_its_place(
        command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.yaml"
    assert main([command, str(missing)]) == 2
    captured = capsys.readouterr()
    assert f"{missing}:1:1: error: file not found" in captured.err
    assert "file not found" not in captured.out


def test_validate_keeps_its_verdict_on_stdout(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.yaml"
    assert main(["validate", str(missing)]) == 2
    assert capsys.readouterr().out == f"{missing}: invalid (1 error, 0 warnings)\n"
