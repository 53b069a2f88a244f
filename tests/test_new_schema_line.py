"""A model `new` creates in a repository validates in a teammate's editor after clone.

Editors read the schema from the model's first line; the line must not hold this machine's
paths (a virtual environment's site-packages), and what it points at must be in the
repository. check-jsonschema stands in for the editor: it reads the schema the line names,
resolved from the model's folder as yaml-language-server resolves it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scoping_tui.cli.entry import main
from scoping_tui.model.schema_line import with_schema_line
from scoping_tui.util.locations import model_schema_path
from tests.git_support import git

PREFIX = "# yaml-language-server: $schema="


def reference(model: Path) -> str:
    first = model.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(PREFIX)
    return first.removeprefix(PREFIX)


def editor_validates(model: Path) -> subprocess.CompletedProcess[str]:
    schema = model.parent / reference(model)
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile",
                           str(schema), str(model)], capture_output=True, text=True,
                          timeout=120, check=False)


def test_a_model_created_in_a_repository_validates_in_a_clone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "mine"
    (repo / "security" / "models").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    monkeypatch.chdir(repo)
    assert main(["new", "security/models/payments.yaml", "--template", "ops-agent"]) == 0
    assert main(["new", "security/checkout.yaml"]) == 0
    out = capsys.readouterr().out
    assert "wrote .scoping-tui/system-model.schema.json" in out
    assert out.count("system-model.schema.json") == 1, "one copy serves every model"
    first = repo / "security" / "models" / "payments.yaml"
    assert reference(first) == "../../.scoping-tui/system-model.schema.json"
    assert reference(repo / "security" / "checkout.yaml") == \
        "../.scoping-tui/system-model.schema.json"
    for model in (first, repo / "security" / "checkout.yaml"):
        text = model.read_text(encoding="utf-8")
        assert str(tmp_path) not in text and "site-packages" not in text
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "threat models")

    clone = tmp_path / "teammate" / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    for name in ("security/models/payments.yaml", "security/checkout.yaml"):
        checked = editor_validates(clone / name)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    # The line is what makes the editor pick the schema: a broken model is reported.
    broken = clone / "security" / "checkout.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("version: 1", "version: 7"),
                      encoding="utf-8")
    assert editor_validates(broken).returncode == 1


def test_an_existing_copy_is_never_overwritten(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    copy = tmp_path / ".scoping-tui" / "system-model.schema.json"
    copy.parent.mkdir()
    copy.write_text('{"title": "an older schema"}\n', encoding="utf-8")
    assert main(["new", str(tmp_path / "tm.yaml")]) == 0
    assert copy.read_text(encoding="utf-8") == '{"title": "an older schema"}\n'
    err = capsys.readouterr().err
    assert "differs from this version's schema and was left as it is" in err
    assert reference(tmp_path / "tm.yaml") == ".scoping-tui/system-model.schema.json"


def test_a_copy_equal_to_the_bundled_schema_is_reused_quietly(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "system-model.schema.json"
    copy.write_bytes(model_schema_path().read_bytes())
    assert main(["new", str(tmp_path / "tm.yaml")]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "schema" not in captured.out.split("\n", 1)[1]


def test_the_schema_line_is_replaced_or_added() -> None:
    assert with_schema_line(f"{PREFIX}/abs/x.json\nversion: 1\n", "s.json") == \
        f"{PREFIX}s.json\nversion: 1\n"
    assert with_schema_line("version: 1\n", "s.json") == f"{PREFIX}s.json\nversion: 1\n"
