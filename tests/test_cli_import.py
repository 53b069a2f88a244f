"""`scoping-tui import` and the interchange reports as a user runs them: real files, real
processes, and nothing the user wrote is lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema

from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "interop"
THREAGILE = DATA / "threagile" / "support-bot.yaml"
PYTM = DATA / "pytm" / "support-bot.json"
EXTERNAL = ROOT / "tests" / "data" / "external"  # published schemas, see its README


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scoping_tui", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120, env={**os.environ, "NO_COLOR": "1"})


def test_import_writes_a_model_that_validates_and_says_what_needs_a_human(
        tmp_path: Path) -> None:
    out = tmp_path / "threat-model.yaml"
    result = run("import", str(THREAGILE), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "", "the summary goes to stderr; stdout stays clean"
    assert "as threagile:" in result.stderr and "need a human decision" in result.stderr
    assert "  decide: " in result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Imported from Threagile YAML")
    assert run("validate", str(out)).returncode == 0
    analysed = run("analyze", str(out), "--format", "json", "--as-of", "2026-11-28")
    assert json.loads(analysed.stdout)["findings"]


def test_import_never_overwrites_without_force_and_never_the_input(tmp_path: Path) -> None:
    out = tmp_path / "threat-model.yaml"
    out.write_text("# my own notes\n", encoding="utf-8")
    refused = run("import", str(PYTM), "-o", str(out))
    assert refused.returncode == 2 and "already exists" in refused.stderr
    assert out.read_text(encoding="utf-8") == "# my own notes\n"
    forced = run("import", str(PYTM), "-o", str(out), "--force")
    assert forced.returncode == 0
    assert out.read_text(encoding="utf-8").startswith("# Imported from OWASP pytm JSON")
    copy = tmp_path / "bot.json"
    copy.write_bytes(PYTM.read_bytes())
    onto_input = run("import", str(copy), "-o", str(copy), "--force")
    assert onto_input.returncode == 2 and "refusing to write over it" in onto_input.stderr
    assert copy.read_bytes() == PYTM.read_bytes()


def test_import_to_standard_output_and_format_errors(tmp_path: Path) -> None:
    piped = run("import", str(THREAGILE))
    assert piped.returncode == 0 and piped.stdout.startswith("# Imported from Threagile YAML")
    unknown = tmp_path / "notes.json"
    unknown.write_text('{"hello": "world"}\n', encoding="utf-8")
    result = run("import", str(unknown))
    assert result.returncode == 2
    assert f"{unknown}:1:1: error: cannot tell which tool wrote this file" in result.stderr
    assert "--from threagile|pytm|threat-dragon|threat-composer|otm" in result.stderr
    wrong = run("import", str(THREAGILE), "--from", "pytm")
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert f"{THREAGILE}:" in wrong.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"flows": [\n  {"name": "a"\n]}\n', encoding="utf-8")
    syntax = run("import", str(broken))
    assert syntax.returncode == 2 and f"{broken}:3:1: error: invalid JSON" in syntax.stderr
    assert "invalid JSON" in syntax.stderr


def test_reports_for_other_tools_follow_the_extension_and_validate(tmp_path: Path) -> None:
    model = ROOT / "samples" / "rag-support-assistant.yaml"
    assert run("report", str(model), "-o", str(tmp_path / "app.tc.json")).returncode == 0
    composer = json.loads((tmp_path / "app.tc.json").read_text(encoding="utf-8"))
    schema = json.loads((EXTERNAL / "threat-composer-v1.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(schema).validate(composer)
    assert composer["threats"] and composer["mitigations"] and composer["mitigationLinks"]

    assert run("report", str(model), "-o", str(tmp_path / "app.otm.json")).returncode == 0
    otm = json.loads((tmp_path / "app.otm.json").read_text(encoding="utf-8"))
    jsonschema.validate(otm, json.loads((EXTERNAL / "otm-schema.json").read_text("utf-8")))

    back = tmp_path / "back.yaml"
    assert run("import", str(tmp_path / "app.otm.json"), "-o", str(back)).returncode == 0
    same = run("diff", str(model), str(back), "--as-of", "2026-11-28")
    assert same.returncode == 0
    assert "No change" in same.stdout, same.stdout
