"""`scoping-tui validate`, `schema` and `new` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scoping_tui.cli.entry import main
from scoping_tui.model.validate import load_model
from tests.conftest import ROOT, SAMPLES

VALID = """\
version: 1
system:
  name: Demo
components:
  - id: user
    name: User
    type: user
  - id: app
    name: App
    type: client-app
flows:
  - id: f1
    from: user
    to: app
"""


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scoping_tui", *args], capture_output=True,
                          text=True, cwd=cwd, check=False)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_validates_clean(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--strict", str(sample)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "valid (0 errors, 0 warnings)" in out


def test_broken_model_lists_every_problem_and_exits_2(tmp_path: Path) -> None:
    model = tmp_path / "broken.yaml"
    model.write_text(VALID.replace("type: user", "type: usr").replace("to: app", "to: ap"),
                     encoding="utf-8")
    result = run_cli("validate", "broken.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("broken.yaml:7:11: error: components[0] (user).type: 'usr' is not "
                               "allowed; did you mean 'user'?")
    assert lines[1] == ("broken.yaml:8:5: warning: component 'app' has no flows and nothing "
                        "refers to it: connect it with a flow or remove it")
    assert lines[2] == ("broken.yaml:14:9: error: flows[0].to: no component has the id 'ap'; "
                        "did you mean 'app'?")
    assert lines[-1] == "broken.yaml: invalid (2 errors, 1 warning)"


def test_warnings_pass_unless_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = tmp_path / "warn.yaml"
    model.write_text(VALID + "  - id: f2\n    from: app\n    to: app\n", encoding="utf-8")
    assert main(["validate", str(model)]) == 0
    assert "warning: flow 'f2' goes from 'app' to itself" in capsys.readouterr().out
    assert main(["validate", "--strict", str(model)]) == 1


def test_json_output_has_a_versioned_shape(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(VALID, encoding="utf-8")
    missing = tmp_path / "missing.yaml"
    code = main(["validate", "--format", "json", str(good), str(missing)])
    payload = json.loads(capsys.readouterr().out)
    assert code == 2
    assert payload["version"] == 1
    first, second = payload["files"]
    assert first == {"file": str(good), "valid": True, "errors": 0, "warnings": 0,
                     "diagnostics": []}
    assert second["valid"] is False
    assert second["diagnostics"][0] == {
        "file": str(missing), "line": 1, "column": 1, "severity": "error", "code": "unreadable",
        "path": "", "message": "file not found",
    }


def test_size_limit_is_configurable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = tmp_path / "m.yaml"
    model.write_text(VALID, encoding="utf-8")
    assert main(["validate", "--max-size", "20", str(model)]) == 2
    assert "larger than the 20-byte limit" in capsys.readouterr().out
    assert main(["validate", "--max-size", "100000", str(model)]) == 0


def test_usage_error_exits_2_without_traceback() -> None:
    result = run_cli("validate")
    assert result.returncode == 2
    assert "the following arguments are required: FILE" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_command_has_help_with_examples() -> None:
    for command in ("validate", "schema", "new", "open"):
        result = run_cli(command, "--help")
        assert result.returncode == 0
        assert "examples:" in result.stdout, command


def test_schema_prints_its_path_and_content(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.name == "system-model.schema.json" and path.is_file()
    assert main(["schema", "--print"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "scoping-tui system model"


def test_new_copies_a_template_and_never_overwrites(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "model.yaml"
    assert main(["new", str(target), "--template", "ops-agent"]) == 0
    text = target.read_text(encoding="utf-8")
    schema_line = text.splitlines()[0]
    reference = schema_line.removeprefix("# yaml-language-server: $schema=")
    assert reference == "system-model.schema.json"           # beside it, outside git
    assert (target.parent / reference).is_file()
    assert main(["validate", "--strict", str(target)]) == 0
    target.write_text("mine", encoding="utf-8")
    assert main(["new", str(target)]) == 2
    assert target.read_text(encoding="utf-8") == "mine"
    assert "already exists" in capsys.readouterr().err


def test_new_rejects_an_unknown_template(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", str(tmp_path / "x.yaml"), "--template", "nope"]) == 2
    assert "ops-agent" in capsys.readouterr().err
    assert not (tmp_path / "x.yaml").exists()


def test_new_lists_templates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "--list"]) == 0
    names = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]
    assert names[0] == "minimal"   # the skeleton comes first
    assert set(names[1:]) == {p.stem for p in SAMPLES}


def test_the_minimal_skeleton_is_a_valid_model_with_no_parts(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "mine.yaml"
    assert main(["new", str(target), "--template", "minimal"]) == 0
    assert main(["validate", str(target)]) == 0
    assert "0 errors, 0 warnings" in capsys.readouterr().out
    result = load_model(target)
    assert result.model is not None
    assert result.model.components == () and result.model.flows == ()


def test_open_prints_scope_with_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(ROOT / "samples" / "ops-agent.yaml")]) == 0
    out = capsys.readouterr().out
    assert "agentic AI scope: 3 Supervised agency (as declared)" in out
    assert "because agent" in out
