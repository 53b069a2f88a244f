"""A knowledge-base catalog handed to a model command is named as what it is: one located error,
exit code 2, instead of every schema rule a system model must meet."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoping_tui.cli.entry import main
from tests.conftest import ROOT

BUNDLED = sorted((ROOT / "models").glob("*.yaml"))


@pytest.mark.parametrize("command", ["validate", "analyze", "check"])
def test_the_bundled_catalogs_are_named_as_catalogs(command: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert len(BUNDLED) == 6
    assert main([command, *map(str, BUNDLED)]) == 2
    captured = capsys.readouterr()
    said = captured.out + captured.err
    for path in BUNDLED:
        errors = [line for line in said.splitlines() if line.startswith(f"{path}:")
                  and ": error: " in line]
        assert len(errors) == 1, errors
        assert errors[0].startswith(f"{path}:1:1: error: this is a knowledge-base catalog file")


def test_a_users_own_catalog_is_named_and_a_model_beside_it_still_validates(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "extra-threats.yaml"
    mine.write_text("version: 1\nthreats: []\n", encoding="utf-8")
    model = tmp_path / "system.yaml"
    model.write_bytes((ROOT / "samples" / "ops-agent.yaml").read_bytes())
    assert main(["validate", str(mine), str(model)]) == 2
    out = capsys.readouterr()
    said = out.out + out.err
    assert f"{mine}:1:1: error: this is a knowledge-base catalog file (its `threats:`)" in said
    assert "--catalog" in said
    assert main(["validate", str(model)]) == 0


def test_a_model_with_a_stray_threats_key_is_still_a_model(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str],
                                                           ) -> None:
    model = tmp_path / "system.yaml"
    model.write_text((ROOT / "samples" / "ops-agent.yaml").read_text(encoding="utf-8")
                     + "threats: []\n", encoding="utf-8")
    assert main(["validate", str(model)]) == 2
    out = capsys.readouterr()
    assert "knowledge-base catalog" not in out.out + out.err  # the schema names the stray key
