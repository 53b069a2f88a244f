"""Many models in one run, baselines, and quiet terminal output, as CI and a terminal see them."""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.generate import generate
from tests.conftest import ROOT
from tests.git_support import git

AS_OF = "2026-11-28"
SAMPLES = ROOT / "samples"
CHAT = SAMPLES / "public-chat-assistant.yaml"


def run(*args: str, env: dict[str, str] | None = None,
        cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scoping_tui", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300,
                          env={**os.environ, **(env or {})})


def run_on_terminal(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run with stdout and stderr on a pseudo-terminal; returns the exit code and the bytes
    the terminal received."""
    main, secondary = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "scoping_tui", *args], stdin=subprocess.DEVNULL,
                            stdout=secondary, stderr=secondary, cwd=ROOT,
                            env={**os.environ, "TERM": "xterm-256color", **(env or {})})
    os.close(secondary)
    received = b""
    while True:
        ready, _, _ = select.select([main], [], [], 120)
        if not ready:
            proc.kill()
            break
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        received += chunk
    os.close(main)
    return proc.wait(timeout=120), received.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 generated models in two folders, plus one invalid file."""
    root = tmp_path_factory.mktemp("fleet")
    for number in range(200):
        folder = root / ("team-a" if number % 2 else "team-b") / "models"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"m{number:03}.yaml").write_text(generate(10 + number % 25, seed=number),
                                                   encoding="utf-8")
    (root / "team-b" / "models" / "broken.yaml").write_text("version: 1\nsystem: [\n",
                                                            encoding="utf-8")
    return root


def table_rows(stdout: str) -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    lines = stdout.splitlines()
    start = max(i for i, text in enumerate(lines) if text.startswith("file "))
    for text in lines[start + 1:]:
        cells = text.split()
        if len(cells) > 1 and cells[0].endswith((".yaml", ".yml")):
            rows[cells[0]] = cells[1:]
    return rows


def test_check_over_two_hundred_models_ends_with_a_summary_and_the_worst_exit_code(
        fleet: Path) -> None:
    result = run("check", str(fleet / "**" / "*.yaml"), "--as-of", AS_OF, "--fail-on",
                 "critical")
    assert result.returncode == 2, "one invalid model makes the whole run unusable (exit 2)"
    rows = table_rows(result.stdout)
    assert len(rows) == 201
    broken = str(fleet / "team-b" / "models" / "broken.yaml")
    assert rows[broken] == ["unusable", "-", "-"]
    assert "broken.yaml:3:1: error:" in result.stderr
    verdicts = [cells[0] for name, cells in rows.items() if name != broken]
    assert set(verdicts) <= {"passed", "FAILED"}
    passed, failed = verdicts.count("passed"), verdicts.count("FAILED")
    assert result.stdout.rstrip().endswith(
        f"201 models: {passed} passed, {failed} failed, 1 unusable")
    # each model's reasons come before the table, grouped per file in the order named
    order = [line.split(": check ")[0] for line in result.stdout.splitlines()
             if ": check " in line]
    assert order == sorted(order) and len(order) == 200
    # the table agrees with each file's own verdict line
    for name, cells in rows.items():
        if name != broken:
            own = next(line for line in result.stdout.splitlines()
                       if line.startswith(f"{name}: check "))
            assert ("passed" in own) == (cells[0] == "passed")


def test_validate_a_folder_and_json_stays_pure(fleet: Path) -> None:
    result = run("validate", str(fleet / "team-a"), "--format", "json")
    assert result.returncode == 0
    payload = json.loads(result.stdout)
    assert len(payload["files"]) == 100 and all(f["valid"] for f in payload["files"])
    assert "\x1b" not in result.stdout and "\x1b" not in result.stderr

    both = run("check", str(fleet / "team-a"), str(CHAT), "--format", "json", "--as-of", AS_OF)
    payload = json.loads(both.stdout)
    assert [f["file"] for f in payload["files"]][-1] == str(CHAT)
    assert payload["passed"] is False and both.returncode == 1


def test_exit_code_is_the_worst_of_the_files(tmp_path: Path) -> None:
    clean = tmp_path / "clean.yaml"
    clean.write_text("version: 1\nsystem:\n  name: Static site\ncomponents:\n"
                     "  - id: page\n    name: Page\n    type: service\ncontrols:\n" + "".join(
                         f"  - control: {c}\n    status: implemented\n" for c in (
                             "ASSESS-BASELINE-REVIEW", "ASSESS-THREAT-MODEL",
                             "IR-FEATURE-DISABLE", "IR-NAMED-OWNER")), encoding="utf-8")
    assert run("check", str(clean), str(clean), "--as-of", AS_OF).returncode == 0
    assert run("check", str(clean), str(CHAT), "--as-of", AS_OF).returncode == 1
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\n", encoding="utf-8")
    mixed = run("check", str(clean), str(CHAT), str(bad), "--as-of", AS_OF)
    assert mixed.returncode == 2
    assert table_rows(mixed.stdout)[str(bad)][0] == "unusable"


def test_patterns_expand_once_each_and_a_pattern_matching_nothing_is_an_error(
        tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    for name in ("a.yaml", "x/b.yml", "x/notes.txt"):
        (tmp_path / name).write_text(CHAT.read_text(encoding="utf-8"), encoding="utf-8")
    result = run("validate", "**/*.y*ml", "a.yaml", cwd=tmp_path)
    assert result.returncode == 0
    assert table_rows(result.stdout).keys() == {"a.yaml", "x/b.yml"}
    assert "2 models: 2 valid, 0 invalid" in result.stdout
    nothing = run("validate", "missing/**/*.yaml", cwd=tmp_path)
    assert nothing.returncode == 2
    assert "missing/**/*.yaml: no file matches this pattern" in nothing.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("analyze", str(empty)).returncode == 2


def test_analyze_many_writes_one_report_per_model_and_json_as_one_document(
        tmp_path: Path) -> None:
    ops = SAMPLES / "ops-agent.yaml"
    text = run("analyze", str(CHAT), str(ops), "--as-of", AS_OF)
    assert text.returncode == 0
    assert f"==> {CHAT} <==" in text.stdout and f"==> {ops} <==" in text.stdout
    assert table_rows(text.stdout)[str(ops)][:4] == ["analysed", "production", "3", "3"]
    out = tmp_path / "all.json"
    assert run("analyze", str(CHAT), str(ops), "--format", "json", "-o", str(out),
               "--as-of", AS_OF).returncode == 0
    reports = json.loads(out.read_text(encoding="utf-8"))["files"]
    assert [r["file"] for r in reports] == [str(CHAT), str(ops)]
    assert all(r["report"]["findings"] for r in reports)
    assert run("analyze", str(CHAT), str(ops), "--explain", "browser").returncode == 2


def test_colour_and_progress_only_on_a_terminal(fleet: Path) -> None:
    pattern = str(fleet / "team-a" / "**" / "*.yaml")
    code, screen = run_on_terminal("validate", pattern)
    assert code == 0
    assert "\x1b[32mvalid" in screen, "verdicts are coloured on a terminal"
    assert "█" in screen and "models validated" in screen, "a progress bar on a terminal"

    for env, args in (({"NO_COLOR": "1"}, ()), ({}, ("--no-color",))):
        code, screen = run_on_terminal("validate", pattern, *args, env=env)
        assert code == 0 and "\x1b[32m" not in screen and "\x1b[1m" not in screen

    piped = run("validate", pattern)
    assert "\x1b" not in piped.stdout and "\x1b" not in piped.stderr
    assert "█" not in piped.stderr, "no progress bar in logs"


def chat_with_unencrypted_prompts(tmp_path: Path, reorder: bool = False) -> Path:
    text = CHAT.read_text(encoding="utf-8")
    start = text.index("  - id: gateway-to-assistant")
    at = text.index("encrypted: true", start)
    text = text[:at] + "encrypted: false" + text[at + len("encrypted: true"):]
    if reorder:
        flows_at = text.index("\nflows:\n") + len("\nflows:\n")
        end = text.index("\n\n", text.index("  - id: staff-types-prompt")) + 2
        moved = text[flows_at:end]
        rest = text[end:]
        next_section = rest.find("\ncontrols:")
        next_section = len(rest) if next_section < 0 else next_section
        text = text[:flows_at] + rest[:next_section].rstrip("\n") + "\n\n" + moved.rstrip(
            "\n") + "\n" + rest[next_section:]
    path = tmp_path / "chat.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_baseline_fails_only_on_what_the_change_made_worse(tmp_path: Path) -> None:
    plain = run("check", str(CHAT), "--fail-on", "medium", "--as-of", AS_OF)
    assert plain.returncode == 1 and "failing finding" in plain.stdout
    same = run("check", str(CHAT), "--baseline", str(CHAT), "--fail-on", "medium",
               "--as-of", AS_OF)
    assert same.returncode == 0, "nothing is new against itself, though findings exist"

    changed = chat_with_unencrypted_prompts(tmp_path)
    result = run("check", str(changed), "--baseline", str(CHAT), "--fail-on", "medium",
                 "--as-of", AS_OF)
    assert result.returncode == 1
    failing = [line for line in result.stdout.splitlines() if ": medium: new " in line]
    assert len(failing) == 1 and "STRIDE-FLOW-UNENCRYPTED@gateway-to-assistant" in failing[0]
    assert "1 new failing finding, 0 new missing controls" in result.stdout
    as_json = json.loads(run("check", str(changed), "--baseline", str(CHAT), "--fail-on",
                             "medium", "--format", "json", "--as-of", AS_OF).stdout)
    assert [f["id"] for f in as_json["failing_findings"]] == [
        "STRIDE-FLOW-UNENCRYPTED@gateway-to-assistant"]
    assert as_json["baseline"] == str(CHAT)
    # high and above: the new finding is medium; what still fails is the weakened safeguard
    weakened = run("check", str(changed), "--baseline", str(CHAT), "--as-of", AS_OF)
    assert weakened.returncode == 1
    assert ("weakened safeguard: gateway-to-assistant encrypted true → false (encryption in "
            "transit)") in weakened.stdout
    assert as_json["weakened_safeguards"] == [
        {"id": "gateway-to-assistant", "path": "encrypted", "label": "encryption in transit",
         "old": True, "new": False}]
    assert run("check", str(changed), "--baseline", str(CHAT), "--as-of", AS_OF,
               "--allow-weakening").returncode == 0


def test_baseline_survives_reordering_the_file(tmp_path: Path) -> None:
    base = chat_with_unencrypted_prompts(tmp_path)
    moved_dir = tmp_path / "moved"
    moved_dir.mkdir()
    moved = chat_with_unencrypted_prompts(moved_dir, reorder=True)
    assert moved.read_text(encoding="utf-8") != base.read_text(encoding="utf-8")
    result = run("check", str(moved), "--baseline", str(base), "--fail-on", "low",
                 "--as-of", AS_OF)
    assert result.returncode == 0, result.stdout


def test_baseline_errors_are_usage_errors(tmp_path: Path) -> None:
    broken = tmp_path / "old.yaml"
    broken.write_text("version: 1\nsystem: {name: x}\ncomponents: 3\n", encoding="utf-8")
    result = run("check", str(CHAT), "--baseline", str(broken))
    assert result.returncode == 2 and "old.yaml:3:" in result.stderr
    assert "Traceback" not in result.stderr
    both = run("check", str(CHAT), "--baseline", str(CHAT), "--git-ref", "HEAD")
    assert both.returncode == 2
    many = run("check", str(CHAT), str(CHAT), "--baseline", str(CHAT))
    assert many.returncode == 2 and "--git-ref" in many.stderr



def test_check_against_a_git_revision_in_a_real_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "threat-models").mkdir(parents=True)
    model = repo / "threat-models" / "chat.yaml"
    model.write_text(CHAT.read_text(encoding="utf-8"), encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "first version")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")

    unchanged = run("check", "threat-models/chat.yaml", "--git-ref", "origin/main",
                    "--fail-on", "low", "--as-of", AS_OF, cwd=repo)
    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr
    assert "against threat-models/chat.yaml@origin/main" in unchanged.stdout

    model.write_text(chat_with_unencrypted_prompts(tmp_path).read_text(encoding="utf-8"),
                     encoding="utf-8")
    (repo / "threat-models" / "ops.yaml").write_text(
        (SAMPLES / "ops-agent.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = run("check", "threat-models/**/*.yaml", "--git-ref", "origin/main", "--fail-on",
                 "medium", "--as-of", AS_OF, cwd=repo)
    assert result.returncode == 1
    rows = table_rows(result.stdout)
    assert rows["threat-models/chat.yaml"][:2] == ["FAILED", "1"]
    assert rows["threat-models/ops.yaml"][0] == "FAILED"
    assert int(rows["threat-models/ops.yaml"][1]) > 10, "a model added since: all of it is new"
    assert "threat-models/ops.yaml: not in origin/main; every finding counts as new" in (
        result.stderr)

    bad_ref = run("check", "threat-models/chat.yaml", "--git-ref", "no-such-branch", cwd=repo)
    assert bad_ref.returncode == 2 and "no-such-branch" in bad_ref.stderr
    assert "Traceback" not in bad_ref.stderr


# git as the workers find it on PATH: it waits at the test's gate before each file's first git
# command, so a run can be held half-way for as long as the test wants. Both ends are FIFOs the
# test holds open; they are opened without waiting, and the gate reads as ended once the test
# closes it.
FAKE_GIT = """#!{python}
import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)  # let through by the test, not by Ctrl-C
if "--is-inside-work-tree" in sys.argv:
    try:
        ready = os.open({ready!r}, os.O_WRONLY | os.O_NONBLOCK)
        os.write(ready, b"started\\n")
        os.close(ready)
    except OSError:
        pass  # the test no longer listens
    gate = os.open({gate!r}, os.O_RDONLY | os.O_NONBLOCK)
    os.set_blocking(gate, True)
    os.read(gate, 1)
os.execv({git!r}, [{git!r}, *sys.argv[1:]])
"""

# Python starts with Ctrl-C raising KeyboardInterrupt only if SIGINT was not ignored; a test
# run started in the background ignores it, so the command starts from a clean slate.
AS_ON_A_TERMINAL = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                    "os.execv(sys.executable, [sys.executable, '-m', 'scoping_tui', "
                    "*sys.argv[1:]])")


def test_ctrl_c_during_a_many_file_check_exits_130_without_a_traceback(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "models").mkdir(parents=True)
    for number in range(12):
        (repo / "models" / f"m{number:02}.yaml").write_text(generate(5, seed=number),
                                                          encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "models")
    real_git = shutil.which("git")
    assert real_git is not None
    bin_dir, ready, gate = tmp_path / "bin", tmp_path / "ready", tmp_path / "gate"
    bin_dir.mkdir()
    fake = bin_dir / "git"
    fake.write_text(FAKE_GIT.format(python=sys.executable, ready=str(ready), gate=str(gate),
                                    git=real_git), encoding="utf-8")
    fake.chmod(0o755)
    os.mkfifo(ready)
    os.mkfifo(gate)
    ready_fd = os.open(ready, os.O_RDWR | os.O_NONBLOCK)
    gate_fd = os.open(gate, os.O_RDWR)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "SCOPING_TUI_WORKERS": "2", "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", AS_ON_A_TERMINAL, "check", "models", "--git-ref", "HEAD",
         "--as-of", AS_OF], cwd=repo, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        heard = b""
        while heard.count(b"started") < 2:  # both workers are in a file's job
            readable, _, _ = select.select([ready_fd], [], [], 120)
            assert readable and proc.poll() is None, ("the run never reached git", heard)
            heard += os.read(ready_fd, 4096)
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the whole process group
    finally:
        os.close(gate_fd)  # the held jobs, and any after them, go on
        os.close(ready_fd)
        try:
            out, err = proc.communicate(timeout=300)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    assert proc.returncode == 130, (out, err)
    assert "Traceback" not in err, err
    assert out == "", "an interrupted check prints no verdicts and no table"


def test_diff_is_coloured_on_a_terminal_only(tmp_path: Path) -> None:
    changed = chat_with_unencrypted_prompts(tmp_path)
    args = ("diff", str(CHAT), str(changed), "--fail-on", "medium", "--as-of", AS_OF)
    code, screen = run_on_terminal(*args)
    assert code == 1
    assert "\x1b[1;31mThis change weakens 1 safeguard: gateway-to-assistant encrypted" in screen
    assert "\x1b[33mmedium\x1b[0m" in screen, "the finding's severity in its colour"
    code, screen = run_on_terminal(*args, "--no-color")
    assert code == 1 and "\x1b[" not in screen
    piped = run(*args)
    assert piped.returncode == 1 and "\x1b" not in piped.stdout
    assert piped.stdout.splitlines()[1].startswith("This change weakens 1 safeguard")
