"""The layer contracts in pyproject.toml (import-linter) hold, and they do break when a core
module reaches up: a copy of the package with one bad import must fail them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
LAYERS = "Layers: cli, tui, editing, formats, export, engine, model, util"


def lint(package_parent: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache",
                           str(ROOT / "pyproject.toml")], capture_output=True, text=True,
                          cwd=package_parent, env=env, check=False)


def copy_package(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "scoping_tui", tmp_path / "scoping_tui",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path / "scoping_tui"


def test_the_contracts_hold_on_the_package(tmp_path: Path) -> None:
    copy_package(tmp_path)
    done = lint(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout


def lint_with_a_bad_import(tmp_path: Path, module: str, line: str,
                           ) -> subprocess.CompletedProcess[str]:
    """lint-imports on a copy of the package whose ``module`` (a path in it) gains ``line``."""
    source = copy_package(tmp_path) / module
    source.write_text(source.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    return lint(tmp_path)


def test_a_core_module_importing_textual_breaks_them(tmp_path: Path) -> None:
    done = lint_with_a_bad_import(tmp_path, "model/validate.py", "import textual.app")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "The core never imports Textual, the CLI or the TUI BROKEN" in done.stdout
    assert "scoping_tui.model.validate -> textual" in done.stdout


def test_the_model_importing_a_format_breaks_them(tmp_path: Path) -> None:
    done = lint_with_a_bad_import(tmp_path, "model/schema_line.py",
                                  "import scoping_tui.export.dot")
    assert done.returncode == 1, done.stdout + done.stderr
    assert LAYERS + " BROKEN" in done.stdout
    assert "scoping_tui.model.schema_line -> scoping_tui.export.dot" in done.stdout


def test_the_editing_core_importing_the_ui_breaks_them(tmp_path: Path) -> None:
    done = lint_with_a_bad_import(tmp_path, "editing/workspace.py",
                                  "import scoping_tui.tui.app")
    assert done.returncode == 1, done.stdout + done.stderr
    assert LAYERS + " BROKEN" in done.stdout
    assert "The core never imports Textual, the CLI or the TUI BROKEN" in done.stdout


def test_a_utility_importing_the_model_breaks_them(tmp_path: Path) -> None:
    done = lint_with_a_bad_import(tmp_path, "util/fileio.py", "import scoping_tui.model.load")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "scoping_tui.util.fileio -> scoping_tui.model.load" in done.stdout
