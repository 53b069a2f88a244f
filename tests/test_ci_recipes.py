"""The CI recipes we publish work: the PR-comment example in docs/ci.md, the pre-commit hooks and
the GitHub Actions workflow in docs/ (each run or parsed for real, so they cannot rot unnoticed)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scoping_tui.cli.entry import build_parser
from tests.conftest import ROOT
from tests.git_support import git

CHAT = ROOT / "samples" / "public-chat-assistant.yaml"
CI_GUIDE = ROOT / "docs" / "ci.md"


def guide_example(marker: str) -> list[list[str]]:
    guide = CI_GUIDE.read_text(encoding="utf-8")
    block = re.search(rf"<!-- {marker} -->\n```sh\n(.*?)```", guide, re.S)
    assert block, f"docs/ci.md lost its {marker} block"
    return [shlex.split(line) for line in block.group(1).splitlines() if line.strip()]


def scoping_tui(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    assert args[0] == "scoping-tui"
    return subprocess.run([sys.executable, "-m", "scoping_tui", *args[1:]], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_COLOR": "1"})


def test_guide_pr_comment_example_produces_the_comment(tmp_path: Path) -> None:
    repo = tmp_path / "service"
    repo.mkdir()
    model = repo / "threat-model.yaml"
    text = CHAT.read_text(encoding="utf-8")
    model.write_text(text, encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "threat model")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    # the pull request: the prompts to the assistant lose their encryption
    start = text.index("  - id: gateway-to-assistant")
    at = text.index("encrypted: true", start)
    model.write_text(text[:at] + "encrypted: false" + text[at + len("encrypted: true"):],
                     encoding="utf-8")

    diff_command, comment_command = guide_example("pr-comment-example")
    result = scoping_tui(diff_command, repo)
    # A medium finding, below the default gate; but a weakened safeguard fails it, and the
    # comment is written all the same.
    assert result.returncode == 1, result.stderr
    comment = (repo / "pr-comment.md").read_text(encoding="utf-8")
    first = comment.splitlines()[0]
    assert first.startswith("This change weakens 1 safeguard: gateway-to-assistant encrypted "
                            "true → false. It introduces 1 unresolved finding (1 medium)")
    assert "### Safeguards weakened (1)" in comment
    assert "### Findings introduced" in comment
    assert "STRIDE-FLOW-UNENCRYPTED@gateway-to-assistant" in comment
    assert "`encrypted`" in comment or "encrypted" in comment.split("### Model changes")[1]
    assert "\x1b" not in comment
    # the second line posts exactly the file the first one wrote
    assert comment_command[:3] == ["gh", "pr", "comment"]
    assert comment_command[comment_command.index("--body-file") + 1] == "pr-comment.md"


def test_guide_verdict_example_is_what_the_tool_says(tmp_path: Path) -> None:
    """docs/ci.md quotes the verdict line of the example above; keep the quote true."""
    guide = CI_GUIDE.read_text(encoding="utf-8")
    quoted = re.search(r"e\.g\. \*(This change .*?)\*", guide, re.S)
    assert quoted
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    text = CHAT.read_text(encoding="utf-8")
    old.write_text(text, encoding="utf-8")
    start = text.index("  - id: gateway-to-assistant")
    at = text.index("encrypted: true", start)
    new.write_text(text[:at] + "encrypted: false" + text[at + len("encrypted: true"):],
                   encoding="utf-8")
    result = scoping_tui(["scoping-tui", "diff", str(old), str(new), "--format", "markdown",
                          "--as-of", "2026-11-28"], tmp_path)
    verdict = result.stdout.splitlines()[0]
    assert " ".join(quoted.group(1).split()) == verdict.rstrip(".")


HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("hook", HOOKS, ids=lambda h: h["id"])
def test_pre_commit_hooks_pick_model_files_and_run(hook: dict[str, object],
                                                   tmp_path: Path) -> None:
    assert set(hook) >= {"id", "name", "entry", "language", "files"}
    assert hook["language"] == "python", "pre-commit installs the package from pyproject.toml"
    files = re.compile(str(hook["files"]))
    for picked in ("threat-model.yaml", "docs/threat-models/app.yaml", "svc/api.tm.yml",
                   "payments-threat-model.yaml"):
        assert files.search(picked), picked
    for skipped in (".github/workflows/ci.yaml", "docker-compose.yml", "threat-model.md"):
        assert not files.search(skipped), skipped
    # pre-commit runs `entry [args] FILES...`; do the same with a staged good and bad model
    good = tmp_path / "threat-models" / "ok.yaml"
    good.parent.mkdir()
    good.write_text(CHAT.read_text(encoding="utf-8"), encoding="utf-8")
    entry = shlex.split(str(hook["entry"]))
    assert entry[0] == "scoping-tui"
    passed = scoping_tui([*entry, "threat-models/ok.yaml"], tmp_path)
    expected = 0 if entry[1] == "validate" else 1  # the sample has open high findings
    assert passed.returncode == expected, passed.stdout + passed.stderr
    broken = tmp_path / "threat-models" / "broken.yaml"
    broken.write_text("version: 1\nsystem: [\n", encoding="utf-8")
    failed = scoping_tui([*entry, "threat-models/ok.yaml", "threat-models/broken.yaml"],
                         tmp_path)
    assert failed.returncode == 2
    assert "threat-models/broken.yaml:3:1: error:" in failed.stdout + failed.stderr


def workflow_commands() -> list[list[str]]:
    workflow = yaml.safe_load(
        (ROOT / "docs" / "examples" / "github-actions-scoping-tui.yml").read_text("utf-8"))
    commands = []
    for step in workflow["jobs"]["threat-model"]["steps"]:
        for line in str(step.get("run", "")).splitlines():
            line = line.strip()
            if line.startswith("scoping-tui "):
                words = shlex.split(line.split(">>")[0].split("||")[0])
                commands.append(words)
    return commands


def test_the_documented_workflow_only_uses_options_that_exist() -> None:
    commands = workflow_commands()
    assert {c[1] for c in commands} == {"validate", "report", "diff", "check"}
    parser = build_parser()
    for words in commands:
        concrete = [w.replace("$MODELS", "m.yaml").replace("$model", "m.yaml")
                    .replace("${{ github.base_ref }}", "main") for w in words[1:]]
        concrete = [re.sub(r"\$\(.*\)", "out", w).replace("$BASE", "origin/main")
                    for w in concrete]
        parser.parse_args(concrete)  # exits 2 (SystemExit) on an unknown option


def test_the_docs_name_the_workflow_and_hooks_that_exist() -> None:
    guide = CI_GUIDE.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#]+)\)", guide):
        if not target.startswith("http"):
            assert (ROOT / "docs" / target).exists(), target
    for hook in HOOKS:
        assert f"id: {hook['id']}" in guide
