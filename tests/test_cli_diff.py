"""`scoping-tui diff` as a reviewer and a CI job run it: two files, or a file against git."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from scoping_tui.cli import diff as cli_diff
from tests.conftest import ROOT
from tests.git_support import git, plain_git

AS_OF = "2026-11-28"
SCHEMA = json.loads((ROOT / "schemas" / "diff.schema.json").read_text("utf-8"))
UNENCRYPTED_BLOCK = ("    from: restart-service\n    to: prod-services\n    data: [internal]\n"
                     "    protocol: https\n    authenticated: true\n    encrypted: true\n")


def sample(name: str) -> str:
    return (ROOT / "samples" / f"{name}.yaml").read_text("utf-8")


def with_write_tool(text: str) -> str:
    """rag-support-assistant's read-only agent may now write and execute through a tool."""
    old = "        - {tool: order-lookup, permissions: [read]}\n"
    assert old in text
    return text.replace(old, old.replace("[read]", "[read, write, execute]"))


def unencrypted(text: str) -> str:
    assert UNENCRYPTED_BLOCK in text
    return text.replace(UNENCRYPTED_BLOCK, UNENCRYPTED_BLOCK.replace("encrypted: true",
                                                                     "encrypted: false"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="scoping-tui")
    cli_diff.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["diff", *argv])
    import sys

    code = cli_diff.cmd_diff(args, sys.stdout)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def pair(tmp_path: Path, old: str, new: str) -> tuple[Path, Path]:
    old_path, new_path = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old_path.write_text(old, encoding="utf-8")
    new_path.write_text(new, encoding="utf-8")
    return old_path, new_path


# --- two files -------------------------------------------------------------------------------

def test_a_change_that_adds_high_findings_exits_1(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    base = sample("rag-support-assistant")
    old, new = pair(tmp_path, base, with_write_tool(base))
    code, out, err = run(capsys, str(old), str(new), "--as-of", AS_OF)
    assert code == 1
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == f"{old} → {new}  (phase production, as of {AS_OF})"
    assert lines[1].startswith("This change weakens 1 safeguard: support-assistant "
                               "agent.tools[order-lookup] [read] → [execute, read, write]. "
                               "It introduces ") and "agentic scope 1 → 3" in lines[1]
    assert "  LLM06-EXCESSIVE-AGENCY@support-assistant" in out.replace("high     ", "")
    assert "agent.tools[order-lookup]: [read] → [execute, read, write]" in out
    assert re.search(r"^New at or above high: .*LLM06-EXCESSIVE-AGENCY@support-assistant",
                     out, re.M)


def test_fail_on_sets_the_bar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = sample("ops-agent")
    old, new = pair(tmp_path, base, unencrypted(base))
    code, out, _ = run(capsys, str(old), str(new), "--as-of", AS_OF)
    assert code == 1, "encryption taken off a flow is a weakened safeguard"
    assert "Weakened safeguards fail the gate" in out
    allow = ("--as-of", AS_OF, "--allow-weakening")
    code, out, _ = run(capsys, str(old), str(new), *allow)
    assert code == 0, "an unencrypted internal flow is a low finding: not at high"
    assert "  low       STRIDE-FLOW-UNENCRYPTED@restart-deployment  [open]" in out
    assert "encrypted: true → false" in out
    assert "New at or above" not in out
    code, _, _ = run(capsys, str(old), str(new), *allow, "--fail-on", "medium")
    assert code == 0
    code, out, _ = run(capsys, str(old), str(new), *allow, "--fail-on", "low")
    assert code == 1
    assert "New at or above low: STRIDE-FLOW-UNENCRYPTED@restart-deployment" in out


def test_reordered_file_is_no_change_and_exits_0(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    base = sample("ops-agent")
    # Swap the first two flows, as text: nothing else moves.
    blocks = base.split("\n  - id: ")
    start = next(i for i, b in enumerate(blocks) if b.startswith("oncall-uses-console"))
    blocks[start], blocks[start + 1] = blocks[start + 1], blocks[start]
    blocks[start] = blocks[start].rstrip("\n") + "\n"
    swapped = "\n  - id: ".join(blocks)
    assert swapped != base
    old, new = pair(tmp_path, base, swapped)
    for fmt in ("text", "markdown", "json"):
        code, out, err = run(capsys, str(old), str(new), "--as-of", AS_OF, "--format", fmt)
        assert (code, err) == (0, "")
        if fmt == "markdown":
            assert out == "No change: both versions describe the same system and the same " \
                          "threats.\n"
        if fmt == "json":
            assert json.loads(out)["summary"]["changed"] is False


def test_markdown_is_a_pull_request_comment(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    base = sample("rag-support-assistant")
    old, new = pair(tmp_path, base, with_write_tool(base))
    code, out, _ = run(capsys, str(old), str(new), "--as-of", AS_OF, "--format", "markdown")
    assert code == 1
    first = out.split("\n")[0]
    assert first.startswith("This change weakens 1 safeguard: ")
    assert re.search(r"production readiness \d+/\d+ → \d+/\d+\.$", first)
    for heading in ("### Safeguards weakened (1)", "### Scope", "### Findings introduced",
                    "### Controls now missing",
                    "### Readiness", "### Model changes"):
        assert heading in out
    assert "### Findings resolved" not in out


def test_json_validates_against_the_schema(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    base = sample("rag-support-assistant")
    old, new = pair(tmp_path, base, with_write_tool(base))
    code, out, _ = run(capsys, str(old), str(new), "--as-of", AS_OF, "--format", "json")
    assert code == 1
    document = json.loads(out)
    assert [e.message for e in Draft7Validator(SCHEMA).iter_errors(document)] == []
    assert document["old"]["file"] == str(old) and document["new"]["file"] == str(new)
    assert document["summary"]["failing"] == len(document["failing"]) > 0
    assert document["scope"][0]["after"]["value"] == 3


def test_phase_option_applies_to_both_sides(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    base = sample("rag-support-assistant")
    old, new = pair(tmp_path, base, with_write_tool(base))
    _, out, _ = run(capsys, str(old), str(new), "--as-of", AS_OF, "--format", "json",
                    "--phase", "prototype")
    document = json.loads(out)
    assert document["phase"] == "prototype"
    assert {c["phase"] for c in document["controls"]["now_missing"]} == {"prototype"}


def test_output_file_and_never_over_a_model(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    base = sample("ops-agent")
    old, new = pair(tmp_path, base, unencrypted(base))
    target = tmp_path / "diff.md"
    code, out, err = run(capsys, str(old), str(new), "--as-of", AS_OF, "--format", "markdown",
                         "-o", str(target))
    assert (code, out) == (1, "")
    assert f"wrote {target}" in err
    assert target.read_text("utf-8").startswith(
        "This change weakens 1 safeguard: restart-deployment encrypted true → false. It "
        "introduces 1 unresolved finding (1 low)")
    for model in (old, new):
        before = model.read_bytes()
        code, out, err = run(capsys, str(old), str(new), "-o", str(model))
        assert code == 2 and "refusing to write over it" in err
        assert model.read_bytes() == before


def test_an_invalid_model_on_either_side_exits_2_with_positions(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = sample("ops-agent")
    broken = base.replace("      approval: high-risk\n", "      approval: sometimes\n")
    for old_text, new_text, bad in ((base, broken, "new.yaml"), (broken, base, "old.yaml")):
        old, new = pair(tmp_path, old_text, new_text)
        code, out, err = run(capsys, str(old), str(new))
        assert (code, out) == (2, "")
        assert re.search(rf"{re.escape(str(tmp_path / bad))}:93:\d+: error: ", err)
        assert "Traceback" not in err


def test_missing_files_and_wrong_arguments_exit_2(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    real = tmp_path / "real.yaml"
    real.write_text(sample("ops-agent"), encoding="utf-8")
    code, out, err = run(capsys, str(tmp_path / "gone.yaml"), str(real))
    assert (code, out) == (2, "") and "gone.yaml:1:1: error: file not found" in err
    code, _, err = run(capsys, str(real))
    assert code == 2 and "give OLD and NEW files, or one FILE and --git-ref REF" in err
    code, _, err = run(capsys, str(real), str(real), "--git-ref", "HEAD")
    assert code == 2 and "with --git-ref give one FILE" in err


def test_terminal_output_cannot_carry_escapes_from_the_model(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = sample("ops-agent")
    hostile = base.replace("    name: Operations agent\n",
                           '    name: "Ops \\e[31mred\\e[0m \\u202eagent\\r\\nFAKE LINE"\n')
    assert hostile != base
    old, new = pair(tmp_path, base, hostile)
    code, out, _ = run(capsys, str(old), str(new), "--as-of", AS_OF)
    assert code == 0
    assert "\x1b" not in out and "\u202e" not in out and "\r" not in out
    assert not any(line.startswith("FAKE LINE") for line in out.splitlines())
    assert "red" in out


# --- against git ------------------------------------------------------------------------------

@pytest.fixture
def git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    plain_git(monkeypatch, tmp_path)


@pytest.fixture
def repo(tmp_path: Path, git_env: None) -> Path:
    """threat-model.yaml committed twice (a fix, then the sample), edited in the working tree."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    model = root / "threat-model.yaml"
    base = sample("rag-support-assistant")
    model.write_text(base, encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    model.write_text(base.replace("    name: Support assistant\n",
                                  "    name: Customer support assistant\n"), encoding="utf-8")
    git(root, "commit", "-q", "-am", "second")
    model.write_text(with_write_tool(model.read_text("utf-8")), encoding="utf-8")
    return root


def test_git_ref_compares_the_committed_file_with_the_working_tree(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = repo / "threat-model.yaml"
    code, out, err = run(capsys, str(model), "--git-ref", "HEAD", "--as-of", AS_OF)
    assert (code, err) == (1, "")
    assert out.splitlines()[0].startswith(f"{model}@HEAD → {model}  ")
    assert "agent.tools[order-lookup]" in out
    assert "name: Support assistant" not in out
    code, out, _ = run(capsys, str(model), "--git-ref", "HEAD~1", "--as-of", AS_OF,
                       "--format", "json")
    document = json.loads(out)
    assert document["old"]["file"] == f"{model}@HEAD~1"
    fields = {f["path"] for e in document["model"]["elements"] for f in e["fields"]}
    assert fields == {"name", "agent.tools[order-lookup]"}


def test_git_ref_with_a_relative_path(repo: Path, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    git(repo, "checkout", "-q", "--", "threat-model.yaml")
    code, out, err = run(capsys, "threat-model.yaml", "--git-ref", "HEAD", "--format",
                         "markdown")
    assert (code, err) == (0, "")
    assert out.startswith("No change")


def test_a_file_added_after_the_ref_is_all_new(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    added = repo / "second.yaml"
    added.write_text(sample("ops-agent"), encoding="utf-8")
    git(repo, "add", "second.yaml")
    git(repo, "commit", "-q", "-m", "another model")
    code, out, err = run(capsys, str(added), "--git-ref", "HEAD~1", "--format", "json")
    assert code == 1, "its open high findings are all new"
    assert err == ("scoping-tui diff: second.yaml is not in revision HEAD~1 (was it added "
                   "after it, or renamed?); comparing with an empty model, so everything in "
                   "it is new\n")
    document = json.loads(out)
    added_ids = {e["id"] for e in document["model"]["elements"]
                 if e["section"] == "components" and e["change"] == "added"}
    assert {"ops-agent", "incident-memory", "k8s-mcp"} <= added_ids
    assert len(added_ids) > 5 and not document["findings"]["resolved"]


def test_unknown_and_refused_refs_exit_2(repo: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    model = repo / "threat-model.yaml"
    code, out, err = run(capsys, str(model), "--git-ref", "nope")
    assert (code, out) == (2, "") and "unknown git revision 'nope'" in err
    trap = tmp_path / "x"
    code, out, err = run(capsys, str(model), f"--git-ref=--output={trap}")
    assert (code, out) == (2, "") and "refusing the git revision" in err
    assert not trap.exists()


def test_outside_a_repository_exits_2(tmp_path: Path, git_env: None,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    loose = tmp_path / "loose"
    loose.mkdir()
    (loose / "tm.yaml").write_text(sample("ops-agent"), encoding="utf-8")
    code, out, err = run(capsys, str(loose / "tm.yaml"), "--git-ref", "HEAD")
    assert (code, out) == (2, "")
    assert "not inside a git repository" in err and "Traceback" not in err


def test_an_invalid_committed_version_is_named_file_at_ref(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = repo / "threat-model.yaml"
    good = model.read_text("utf-8")
    model.write_text(good.replace("      approval: none", "      approval: maybe"), "utf-8")
    git(repo, "commit", "-q", "-am", "broken")
    model.write_text(good, encoding="utf-8")
    code, out, err = run(capsys, str(model), "--git-ref", "HEAD")
    assert (code, out) == (2, "")
    assert re.search(rf"^{re.escape(str(model))}@HEAD:104:\d+: error: ", err, re.M)
    assert f"{model}@HEAD: invalid (1 error)" in err


def test_help_lists_forms_examples_and_exit_codes() -> None:
    parser = argparse.ArgumentParser(prog="scoping-tui")
    sub = parser.add_subparsers(dest="command")
    cli_diff.register(sub)
    text = sub.choices["diff"].format_help()
    for needle in ("--git-ref REF", "--fail-on {critical,high,medium,low}",
                   "--format FORMAT", "text (txt), markdown (md), json",
                   "scoping-tui diff old.yaml new.yaml",
                   "exit codes:", "FILE@REF"):
        assert needle in text
