"""A duplicate key no longer hides every other problem in the file.

The reader keeps going past it (the first value is the one read, and the message says so), and
the schema and semantic checks still run, so one `validate` lists the duplicate and everything
else; the file stays invalid (exit 2, nothing analysed). Catalogs and imported files with a
duplicate key are still refused with it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scoping_tui.cli.entry import main
from scoping_tui.model.load import Document, parse
from scoping_tui.model.validate import load_model
from scoping_tui.tui.screens.main import MainScreen
from tests.conftest import ROOT
from tests.tui.conftest import app_for, settle

MODEL = """\
version: 1
system:
  name: Demo
  name: Demo again
components:
  - id: user
    name: User
    tpye: user
  - id: app
    name: App
    type: client-app
flows:
  - id: f1
    from: user
    to: app
"""
"""A duplicate key (line 4) and a misspelled key (line 8) in one file."""


@pytest.fixture
def model(tmp_path: Path) -> Path:
    path = tmp_path / "model.yaml"
    path.write_text(MODEL, encoding="utf-8")
    return path


def test_validate_reports_the_duplicate_and_the_misspelling(
        model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(model)]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        f"{model}:4:3: error: duplicate key 'name': it is already set at line 3, column 3; the "
        "first value is the one read and this one is ignored (YAML would silently keep only the "
        "last): remove one of them")
    assert lines[1].startswith(f"{model}:6:5: error: components[0] (user) is missing the "
                               "required key 'type'")
    assert lines[2].startswith(f"{model}:8:5: error: unknown key 'tpye' in components[0] (user); "
                               "did you mean 'type'?")
    assert lines[-1] == f"{model}: invalid (3 errors, 0 warnings)"


@pytest.mark.parametrize("command", [["analyze"], ["check"], ["report", "-o", "{out}"],
                                     ["open", "--summary"]])
def test_nothing_is_analysed_while_a_key_is_duplicated(
        model: Path, command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    out = model.parent / "report.md"
    assert main([a.format(out=out) for a in command] + [str(model)]) == 2
    captured = capsys.readouterr()
    assert f"{model}:4:3: error: duplicate key 'name'" in captured.out + captured.err
    assert f"{model}:8:5: error: unknown key 'tpye'" in captured.out + captured.err
    assert not out.exists()


def test_the_first_value_is_kept_and_positions_stay_its_own() -> None:
    text = """\
version: 1
components:
  - id: first
    name: First
components:
  - id: second
    name: Second
    extra:
      deep: x
"""
    parsed = parse(text, "model.yaml")
    assert isinstance(parsed, Document)
    assert parsed.data["components"] == [{"id": "first", "name": "First"}]
    assert [(d.line, d.column, d.code) for d in parsed.diagnostics] == [(5, 1, "duplicate-key")]
    assert "line 2, column 1" in parsed.diagnostics[0].message
    # The dropped list did not move where the kept one is.
    assert parsed.source.value(("components", 0, "name")) == (4, 11)
    assert parsed.source.key(("components",)) == (2, 1)


def test_duplicates_inside_a_dropped_value_are_reported_where_they_are() -> None:
    text = "a: 1\na:\n  b: 1\n  b: 2\n"
    parsed = parse(text, "model.yaml")
    assert isinstance(parsed, Document)
    assert parsed.data == {"a": 1}
    assert [(d.line, d.column) for d in parsed.diagnostics] == [(2, 1), (4, 3)]
    assert "line 3, column 3" in parsed.diagnostics[1].message


def test_an_anchor_in_a_dropped_value_can_still_be_used() -> None:
    parsed = parse("a: 1\na: &x {b: 2}\nc: *x\n", "model.yaml")
    assert isinstance(parsed, Document)
    assert parsed.data == {"a": 1, "c": {"b": 2}}
    assert [d.code for d in parsed.diagnostics] == ["duplicate-key"]


def test_the_loader_result_is_an_error_with_every_problem(model: Path) -> None:
    result = load_model(model, display="model.yaml")
    assert result.model is None and not result.ok
    assert [(d.line, d.code) for d in result.diagnostics] == [
        (4, "duplicate-key"), (6, "missing-key"), (8, "unknown-key")]


def test_a_catalog_with_a_duplicate_key_is_refused_with_its_other_problems(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    catalog = tmp_path / "extra.yaml"
    catalog.write_text("version: 1\nversion: 1\nthreats: []\ncontrols: []\nextra: 1\n",
                       encoding="utf-8")
    code = main(["validate", str(ROOT / "samples" / "ops-agent.yaml"), "--catalog",
                 str(catalog)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"{catalog}:2:1: error: duplicate key 'version'" in err
    assert f"{catalog}:5:1: error: unknown key 'extra'" in err
    assert "the catalog has errors" in err


def test_an_imported_file_with_a_duplicate_key_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "threagile.yaml"
    source.write_text("title: One\ntitle: Two\ntechnical_assets: {}\n", encoding="utf-8")
    out = tmp_path / "model.yaml"
    assert main(["import", "--from", "threagile", str(source), "-o", str(out)]) == 2
    captured = capsys.readouterr()
    assert f"{source}:2:1: error: duplicate key 'title'" in captured.out + captured.err
    assert not out.exists()


async def test_the_ui_lists_every_problem_of_a_file_with_a_duplicate_key(model: Path) -> None:
    app = app_for(model)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.workspace is not None and app.workspace.editable is None
        assert app.workspace.edit_error is not None
        assert app.workspace.edit_error.startswith("duplicate key 'name'")
        assert app.workspace.edit_error.endswith("(line 4, column 3)")
        assert app.analysis is not None and app.analysis.assessment is None
        assert [(d.line, d.code) for d in app.analysis.diagnostics] == [
            (4, "duplicate-key"), (6, "missing-key"), (8, "unknown-key")]
